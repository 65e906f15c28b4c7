//! The log a migration leaves in the state folder: small for each record moved, framed by a
//! start and an end line per command, free of customer text, and with dependencies' chatter
//! (the HTML parser quotes the bodies it parses) kept out.

use std::path::{Path, PathBuf};

use fixtures::instance::{Instance, Kind};
use migration_cli::logging::{numbered, COMMAND_TARGET, LOG_ENV, LOG_FILE};
use serde_json::Value;

use crate::common::binary::{self, BinaryWorld, Template};

/// Most log bytes one moved record may cost. The sample migration measured 1,469 bytes a
/// record (186,669 bytes for 127 records; 3,253 before dependencies' debug output was filtered
/// out), nearly all of it one debug line per request; the budget leaves about twice that.
const BYTES_PER_RECORD: u64 = 2_900;

const MIGRATE: &[&str] = &["migrate", "--yes", "--continue-on-mismatch"];

/// Crates whose debug and info lines the file keeps (plus the progress and command lines).
const OWN_TARGETS: &[&str] = &[
    "migration_cli",
    "migration_core",
    "vivantio_client",
    "intercom_client",
    "fixtures",
    "progress",
    COMMAND_TARGET,
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_migration_logs_within_budget_between_start_and_end_lines_without_customer_text() {
    let template = Template::confirmed().await;
    let world = BinaryWorld::start(&template).await;
    let finished = run(&world, MIGRATE).await;
    assert!(
        [0, 6].contains(&finished.code()),
        "migrate exited {}: {}",
        finished.code(),
        finished.stderr
    );
    let moved: u64 = finished.json()["objects"]
        .as_object()
        .expect("the run report counts objects")
        .values()
        .map(|counts| counts["moved"].as_u64().unwrap())
        .sum();
    assert!(
        moved > 100,
        "the sample moves over 100 records, not {moved}"
    );

    let log = logs(&world.state_dir());
    let per_record = log.len() as u64 / moved;
    println!(
        "log: {} bytes for {moved} records moved, {per_record} bytes a record",
        log.len()
    );
    assert!(
        per_record <= BYTES_PER_RECORD,
        "{per_record} log bytes a record, over the budget of {BYTES_PER_RECORD}"
    );

    let lines: Vec<&str> = log.lines().collect();
    let start = lines[0];
    for field in [
        "command started",
        "command=migrate",
        "arguments=Migrate(",
        concat!("version=", env!("CARGO_PKG_VERSION")),
        "state_dir=",
    ] {
        assert!(start.contains(field), "{field} missing from {start}");
    }
    let mapping = field(start, "mapping");
    let digest = mapping.strip_prefix("sha256:").unwrap_or_default();
    assert!(
        digest.len() == 64 && digest.chars().all(|c| c.is_ascii_hexdigit()),
        "the start line names the mapping's content hash: {start}"
    );
    let end = lines[lines.len() - 1];
    assert!(end.contains("command finished"), "{end}");
    assert_eq!(field(end, "command"), "migrate", "{end}");
    assert_eq!(
        field(end, "exit_code"),
        finished.code().to_string(),
        "{end}"
    );

    let chatter: Vec<&&str> = lines
        .iter()
        .filter(|line| {
            let mut words = line.split_whitespace().skip(1);
            let level = words.next().unwrap_or_default();
            let target = words.next().unwrap_or_default().trim_end_matches(':');
            !matches!(level, "WARN" | "ERROR")
                && !OWN_TARGETS
                    .iter()
                    .any(|own| target == *own || target.starts_with(&format!("{own}::")))
        })
        .take(5)
        .collect();
    assert!(
        chatter.is_empty(),
        "dependencies logged below warn: {chatter:#?}"
    );

    let customer = customer_text(&Instance::sample().unwrap());
    for known in [
        "rachel.hughes@harbourlogistics.co.uk",
        "Rachel Hughes",
        "Outlook keeps asking for password after MFA change",
        "Sarah Mitchell",
        "help@brightline-it.co.uk",
    ] {
        assert!(
            customer.iter().any(|text| text == known),
            "the sample no longer holds {known:?}"
        );
    }
    let leaked: Vec<&String> = customer
        .iter()
        .filter(|text| log.contains(text.as_str()))
        .collect();
    assert!(leaked.is_empty(), "customer text in the log: {leaked:?}");

    // A command that fails says so in its end line, with the error it showed.
    let world = BinaryWorld::start(&template).await;
    let failed = run(&world, &["delta", "--yes"]).await;
    assert_eq!(
        failed.code(),
        migration_cli::error::EXIT_FAILED,
        "{}",
        failed.stdout
    );
    let log = logs(&world.state_dir());
    let end = log.lines().last().unwrap();
    assert!(
        end.contains("ERROR") && end.contains("command failed"),
        "{end}"
    );
    assert_eq!(field(end, "command"), "delta", "{end}");
    assert_eq!(field(end, "exit_code"), "1", "{end}");
    let shown = failed.json()["error"].as_str().unwrap().to_string();
    assert!(
        end.contains(&format!("error={}", shown.replace('\n', " | "))),
        "the end line quotes the error shown ({shown}): {end}"
    );
}

/// Runs the binary with the default file filter, whatever the environment says.
async fn run(world: &BinaryWorld, args: &[&str]) -> binary::Finished {
    let mut command = world.command(args);
    command.env_remove(LOG_ENV);
    binary::finish(command.spawn().unwrap(), args).await
}

/// Every log file in the state folder, oldest first.
fn logs(state_dir: &Path) -> String {
    let live = state_dir.join(LOG_FILE);
    let mut files: Vec<PathBuf> = (1..)
        .map(|index| numbered(&live, index))
        .take_while(|path| path.exists())
        .collect();
    files.reverse();
    files.push(live);
    files
        .iter()
        .map(|path| std::fs::read_to_string(path).unwrap())
        .collect()
}

/// The value of `name=` in a log line (up to the next space).
fn field<'a>(line: &'a str, name: &str) -> &'a str {
    let needle = format!(" {name}=");
    let start = line
        .find(&needle)
        .unwrap_or_else(|| panic!("no {name} in {line}"))
        + needle.len();
    line[start..].split(' ').next().unwrap_or_default()
}

/// Names, emails, titles and the openings of bodies and notes in the sample: none may reach
/// the log. Short strings are left out, since they could occur by chance.
fn customer_text(instance: &Instance) -> Vec<String> {
    let mut found = Vec::new();
    let mut add = |text: Option<&str>, opening_only: bool| {
        let Some(text) = text.map(str::trim) else {
            return;
        };
        let text: String = if opening_only {
            text.chars().take(24).collect::<String>().trim().to_string()
        } else {
            text.to_string()
        };
        if text.chars().count() >= 10 {
            found.push(text);
        }
    };
    let str_of =
        |record: &Value, key: &str| record.get(key).and_then(Value::as_str).map(str::to_string);
    for caller in instance.records(Kind::Callers) {
        add(str_of(caller, "Name").as_deref(), false);
        add(str_of(caller, "Email").as_deref(), false);
    }
    for agent in instance.records(Kind::Users) {
        let name = format!(
            "{} {}",
            str_of(agent, "FirstName").unwrap_or_default(),
            str_of(agent, "LastName").unwrap_or_default()
        );
        add(Some(&name), false);
        add(str_of(agent, "EmailAddress").as_deref(), false);
    }
    for organisation in instance.records(Kind::Clients) {
        add(str_of(organisation, "Name").as_deref(), false);
    }
    for ticket in instance.records(Kind::Tickets) {
        add(str_of(ticket, "Title").as_deref(), false);
        add(str_of(ticket, "Description").as_deref(), true);
    }
    for action in instance.records(Kind::Actions) {
        add(str_of(action, "Notes").as_deref(), true);
    }
    for article in instance.records(Kind::Articles) {
        add(str_of(article, "Title").as_deref(), false);
        let body = str_of(article, "BodyHtml").unwrap_or_default();
        // Text between tags: what an HTML parser's debug output would quote.
        for text in body.split(['<', '>']).step_by(2) {
            add(Some(text), true);
        }
    }
    found.sort();
    found.dedup();
    found
}
