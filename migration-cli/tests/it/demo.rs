//! The demo, in process: every command of a real migration against the simulators, ending
//! with the Intercom simulator back in its starting state.

use std::path::Path;

use fixtures::instance::{read_inventory, Instance};
use fixtures::sim::intercom::{IntercomSim, IntercomSimConfig};
use fixtures::sim::vivantio::{VivantioSim, VivantioSimConfig};
use migration_cli::commands::demo;
use migration_cli::progress::{Progress, ProgressMode};
use serde_json::Value;

/// Checks that every list `report.json` names (an object with a `total` and a `file`) is beside
/// it with one JSON line per record counted, and that the HTML links to it; returns their names.
fn every_list_is_whole(reports: &Path) -> Vec<String> {
    fn lists<'a>(value: &'a Value, found: &mut Vec<(&'a str, u64)>) {
        match value {
            Value::Object(fields) => {
                if let (Some(file), Some(total)) = (
                    fields.get("file").and_then(Value::as_str),
                    fields.get("total").and_then(Value::as_u64),
                ) {
                    found.push((file, total));
                }
                fields.values().for_each(|inner| lists(inner, found));
            }
            Value::Array(items) => items.iter().for_each(|inner| lists(inner, found)),
            _ => {}
        }
    }
    let json: Value =
        serde_json::from_str(&std::fs::read_to_string(reports.join("report.json")).unwrap())
            .unwrap();
    let html = std::fs::read_to_string(reports.join("report.html")).unwrap();
    let mut found = Vec::new();
    lists(&json, &mut found);
    for (file, total) in &found {
        let text = std::fs::read_to_string(reports.join(file)).unwrap();
        for line in text.lines() {
            serde_json::from_str::<Value>(line)
                .unwrap_or_else(|error| panic!("{file}: {line}: {error}"));
        }
        assert_eq!(text.lines().count() as u64, *total, "{file}");
        assert!(html.contains(&format!("href=\"{file}\"")), "{file}");
    }
    found
        .into_iter()
        .map(|(file, _)| file.to_string())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_migrates_verifies_and_rolls_back_to_an_empty_workspace() {
    let dir = tempfile::tempdir().unwrap();
    let progress = Progress::new(ProgressMode::Silent);
    let outcome = demo::run(
        &demo::DemoOptions {
            tickets: None,
            dir: Some(dir.path().to_path_buf()),
        },
        &progress,
    )
    .await
    .expect("demo runs");
    assert_eq!(outcome.exit_code, 0, "{}", outcome.human);
    let json = &outcome.json;
    assert_eq!(json["rollback_left_workspace_empty"], true);
    let steps = json["steps"].as_array().unwrap();
    let commands: Vec<&str> = steps
        .iter()
        .map(|step| step["command"].as_str().unwrap())
        .collect();
    assert!(
        commands.starts_with(&["discover", "plan", "confirm"]),
        "{commands:?}"
    );
    for step in steps {
        let command = step["command"].as_str().unwrap();
        let summary = step["summary"].as_str().unwrap();
        if command.starts_with("verify") {
            assert!(summary.contains(": 0 differences"), "{command}: {summary}");
        }
        if command.starts_with("migrate") || command.starts_with("delta") {
            assert!(summary.contains("completed"), "{command}: {summary}");
            assert!(
                !summary.contains("failed records") || summary.contains("and 0 failed records"),
                "{command}: {summary}"
            );
        }
    }
    let migrated = &json["migrated_records"];
    assert!(migrated.to_string().contains("conversations"), "{migrated}");
    for file in ["report.html", "report.md", "report.json"] {
        assert!(dir.path().join("reports").join(file).is_file(), "{file}");
    }
    let lists = every_list_is_whole(&dir.path().join("reports"));
    assert!(
        lists.contains(&"preflight-findings.jsonl".to_string()),
        "plan writes every finding: {lists:?}"
    );
    let html = std::fs::read_to_string(dir.path().join("reports/report.html")).unwrap();
    assert!(!html.contains("api-password") && !html.contains("test-token"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_runs_on_a_generated_instance() {
    let dir = tempfile::tempdir().unwrap();
    let progress = Progress::new(ProgressMode::Silent);
    let outcome = demo::run(
        &demo::DemoOptions {
            tickets: Some(40),
            dir: Some(dir.path().to_path_buf()),
        },
        &progress,
    )
    .await
    .expect("demo runs");
    assert_eq!(outcome.exit_code, 0, "{}", outcome.human);
    assert_eq!(outcome.json["rollback_left_workspace_empty"], true);
    assert!(dir.path().join("instance").join("manifest.json").is_file());
}

/// An installed binary has no source tree: the demo's project reads the sample's admin
/// inventory from a copy in its own folder.
#[tokio::test]
async fn the_demo_project_reads_the_inventory_from_its_own_folder() {
    let dir = tempfile::tempdir().unwrap();
    let sample = Instance::sample().unwrap();
    let vivantio = VivantioSim::start(VivantioSimConfig::default(), sample.clone())
        .await
        .unwrap();
    let intercom = IntercomSim::start(IntercomSimConfig::default()).unwrap();
    let project = demo::simulator_project(dir.path(), &vivantio, &intercom).unwrap();
    let inventory = project.settings.paths.inventory.clone().unwrap();
    assert!(inventory.starts_with(dir.path()), "{}", inventory.display());
    let copied = read_inventory(inventory.parent().unwrap()).unwrap();
    assert!(copied.is_some());
    assert_eq!(copied.as_ref(), sample.inventory());
}
