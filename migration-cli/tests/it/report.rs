//! The report renderers: the Markdown of a realistic report (snapshot), escaping of hostile
//! customer data, offline HTML, the JSON round trip, the three files on disk, and a report of
//! 200,000 records that stays small with every record in its list files.
//!
//! Set `V2I_REPORT_EXAMPLE_DIR` to also write the example report there (the screenshot in
//! `docs/` is taken from it: see `scripts/screenshot-report.sh`).

mod sample;

use std::collections::BTreeMap;
use std::path::Path;

use chrono::Utc;
use migration_cli::report::{
    from_json, to_html, to_json, to_markdown, write_all, FindingsFile, ListFolder, MigrationReport,
    PreflightSection, RunSection, Verdict, VerificationSection, PREFLIGHT_FINDINGS_FILE,
};
use migration_core::engine::{
    Difference, ObjectCounts, RunMode, RunReport, VerifyReport, VerifySelection,
};
use migration_core::model::source::{SourceKind, SourceRef};
use migration_core::validate::{FindingSink, PreflightReport};
use migration_core::{Finding, ReasonCode, RecordKey, Rejection, Severity};

#[test]
fn markdown_of_a_finished_migration() {
    insta::assert_snapshot!(to_markdown(&sample::report()));
}

#[test]
fn markdown_of_a_report_with_only_a_discovery() {
    let mut report = sample::report();
    report.preflight = None;
    report.runs.clear();
    report.verification = None;
    report.rollback = None;
    report.inventory = None;
    let markdown = to_markdown(&report);
    assert!(markdown.contains("Nothing has run yet."), "{markdown}");
    assert!(markdown.contains("## Discovery"), "{markdown}");
    assert!(!markdown.contains("## Runs"), "{markdown}");
    assert_eq!(report.verdict(), Verdict::NotRun);
}

#[test]
fn html_shows_hostile_titles_as_text() {
    let html = to_html(&sample::report());
    assert!(!html.contains("<script"), "a <script> tag got through");
    assert!(!html.to_lowercase().contains("<script"));
    assert!(
        html.contains("Printer on fire &lt;script&gt;alert(&#39;pwned&#39;)&lt;/script&gt;"),
        "the title is not shown escaped"
    );
    assert!(html.contains("board pack Q4 &lt;final&gt;.pdf"));
}

#[test]
fn markdown_shows_hostile_titles_as_text() {
    let markdown = to_markdown(&sample::report());
    // Raw HTML is inert inside code spans (verification values are shown that way); outside
    // them every angle bracket must be escaped.
    for line in markdown.lines() {
        let outside_code: String = line.split('`').step_by(2).collect();
        let bare = outside_code
            .char_indices()
            .filter(|(at, character)| *character == '<' && !outside_code[..*at].ends_with('\\'))
            .count();
        assert_eq!(bare, 0, "an unescaped < in: {line}");
    }
    assert!(markdown.contains("\\<script>alert"));
    assert!(markdown.contains("`\"Printer on fire <script>alert('pwned')</script>\"`"));
    // A pipe in a title must not split the table row.
    assert!(markdown.contains("Reset your password \\| self-service"));
}

#[test]
fn html_needs_nothing_from_the_network() {
    let html = to_html(&sample::report()).to_lowercase();
    for forbidden in [
        "http://", "https://", "<link", "<script", "@import", "url(", "<img", "<iframe",
    ] {
        assert!(!html.contains(forbidden), "the page contains {forbidden}");
    }
    assert!(html.starts_with("<!doctype html>"));
    assert!(html.contains("<style>"));
    assert!(html.trim_end().ends_with("</html>"));
}

#[test]
fn html_groups_rejections_by_reason_in_collapsible_blocks() {
    let html = to_html(&sample::report());
    let group = html
        .find("<code>unmapped_ticket_type</code><span class=\"pill\">2</span>")
        .expect("the unmapped_ticket_type group with its two rejections");
    assert!(html[..group].rfind("<details").is_some());
    assert!(html.contains("Fix: add a [[ticket_types]] rule for it in mapping.toml"));
    assert!(
        html.contains("class=\"bar\" style=\"width:100.0%\""),
        "the slowest stage fills the chart"
    );
}

#[test]
fn html_carries_the_headline_numbers() {
    let report = sample::report();
    let headline = report.headline();
    // The full run is the baseline: what it moved plus what the sample had moved.
    assert_eq!(
        headline.moved,
        401 + 11 + 5_807 + 23 + 6 + 163 + 48_182 + 25
    );
    assert_eq!(headline.rejected, 4);
    assert_eq!(headline.failed, 1);
    assert_eq!(headline.differences, 3);
    assert_eq!(report.verdict(), Verdict::NeedsAttention);
    let html = to_html(&report);
    assert!(html.contains("54,618"), "records in Intercom");
    assert!(html.contains("Needs attention"));
}

#[test]
fn json_round_trips() {
    let report = sample::report();
    let text = to_json(&report).unwrap();
    assert!(
        text.contains("\n  \"project\": \"Acme Support\""),
        "pretty-printed"
    );
    let back: MigrationReport = from_json(&text).unwrap();
    assert_eq!(back, report);
}

#[test]
fn write_all_writes_the_three_files() {
    let dir = tempfile::tempdir().unwrap();
    let report = sample::report();
    let paths = write_all(&report, &dir.path().join("reports")).unwrap();
    assert_eq!(
        std::fs::read_to_string(&paths.html).unwrap(),
        to_html(&report)
    );
    assert_eq!(
        std::fs::read_to_string(&paths.markdown).unwrap(),
        to_markdown(&report)
    );
    let json = std::fs::read_to_string(&paths.json).unwrap();
    assert_eq!(from_json(&json).unwrap(), report);
    assert_eq!(paths.html.file_name().unwrap(), "report.html");
    let leftovers: Vec<_> = std::fs::read_dir(dir.path().join("reports"))
        .unwrap()
        .filter_map(Result::ok)
        .filter(|entry| entry.file_name().to_string_lossy().ends_with(".partial"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    // Rewriting replaces the files.
    write_all(&report, &dir.path().join("reports")).unwrap();
    if let Some(example_dir) = std::env::var_os("V2I_REPORT_EXAMPLE_DIR") {
        write_all(&report, std::path::Path::new(&example_dir)).unwrap();
    }
}

#[test]
fn html_links_every_list_to_its_file() {
    let html = to_html(&sample::report());
    for file in [
        PREFLIGHT_FINDINGS_FILE,
        "run-1-sample.jsonl",
        "run-2-rejections.jsonl",
        "run-2-failures.jsonl",
        "run-2-unlinked-children.jsonl",
        "verify-differences.jsonl",
        "rollback-uncertain.jsonl",
    ] {
        assert!(
            html.contains(&format!("<a href=\"{file}\">{file}</a>")),
            "no link to {file}"
        );
    }
    // The sample run chose 25 tickets: the first 20 are shown, then where the rest are.
    assert!(html.contains(
        "The first 20 of 25; every one is in <a href=\"run-1-sample.jsonl\">run-1-sample.jsonl</a>."
    ));
}

/// Records in each long list of the large report.
const MANY: usize = 200_000;
/// What `report.html` (and the Markdown and JSON beside it) may weigh, however long the lists.
const SIZE_BOUND: usize = 2 * 1024 * 1024;
/// The reasons the large report's records are spread over, one record in four each.
const REASONS: [ReasonCode; 4] = [
    ReasonCode::MissingEmail,
    ReasonCode::OrphanedTicket,
    ReasonCode::MissingDate,
    ReasonCode::LegacyField,
];

/// The lines of a list file, each parsed as JSON.
fn list_lines(path: &Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(path)
        .unwrap_or_else(|error| panic!("{}: {error}", path.display()))
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|error| panic!("{line}: {error}")))
        .collect()
}

/// Whether `lines` hold exactly the records `first_id..first_id + count`, each with `reason`
/// under `reason_key`.
fn assert_every_record(lines: &[serde_json::Value], first_id: i64, reason_key: &str) {
    assert_eq!(lines.len(), MANY, "one line per record");
    let mut ids: Vec<i64> = lines
        .iter()
        .map(|line| {
            assert!(line[reason_key].is_string(), "no {reason_key} in {line}");
            line["record"]["id"].as_i64().unwrap()
        })
        .collect();
    ids.sort_unstable();
    assert!(ids
        .iter()
        .enumerate()
        .all(|(index, id)| *id == first_id + index as i64));
}

#[test]
fn a_report_of_200_000_records_stays_small_and_lists_every_one() {
    let temp = tempfile::tempdir().unwrap();
    let reports = temp.path().join("reports");
    // Pre-flight as `plan` runs it: each finding into the list file and into the summary.
    let mut findings_file = FindingsFile::create(&reports).unwrap();
    let mut preflight = PreflightReport::default();
    for n in 0..MANY {
        let finding = Finding::new(
            Severity::Warning,
            SourceRef::new(SourceKind::Caller, n as i64),
            REASONS[n % REASONS.len()],
            format!("caller {n} <needs> a look"),
            "fix it in Vivantio",
        );
        findings_file.finding(&finding);
        preflight.record(&finding);
    }
    assert_eq!(findings_file.finish().unwrap(), MANY as u64);
    let mut run = RunReport::new(RunMode::Full, false);
    run.rejections = (0..MANY)
        .map(|n| {
            Rejection::new(
                SourceRef::new(SourceKind::Ticket, 1_000_000 + n as i64),
                REASONS[n % REASONS.len()],
                format!("ticket <b>{n}</b> cannot move"),
                "fix it in Vivantio",
            )
        })
        .collect();
    run.objects.insert(
        SourceKind::Ticket,
        ObjectCounts {
            source: MANY as u64,
            rejected: MANY as u64,
            ..ObjectCounts::default()
        },
    );
    let verification = VerifyReport {
        selection: VerifySelection::All,
        objects: BTreeMap::new(),
        differences: (0..MANY)
            .map(|n| Difference {
                record: SourceRef::new(SourceKind::Ticket, 5_000_000 + n as i64),
                key: RecordKey::ticket(5_000_000 + n as i64),
                destination_id: Some(n.to_string()),
                field: format!("parts.{}.created_at", n % 9),
                expected: serde_json::json!(n),
                found: Some(serde_json::json!(n + 1)),
            })
            .collect(),
        unreadable_parts: Vec::new(),
        foreign_parts: Vec::new(),
        interrupted: false,
        duration_ms: 1,
    };

    let lists = ListFolder::open(&reports).unwrap();
    let mut report = MigrationReport::new("Large", Utc::now());
    report.preflight = Some(PreflightSection::new(
        &preflight,
        Some(PREFLIGHT_FINDINGS_FILE.to_string()),
    ));
    report
        .runs
        .push(RunSection::new(1, None, &run, &lists).unwrap());
    report.verification = Some(VerificationSection::new(&verification, &lists).unwrap());
    let paths = write_all(&report, &reports).unwrap();

    let html = std::fs::read_to_string(&paths.html).unwrap();
    let markdown = std::fs::read_to_string(&paths.markdown).unwrap();
    let json = std::fs::read_to_string(&paths.json).unwrap();
    eprintln!(
        "{MANY} findings, rejections and differences: report.html {} bytes, report.md {} \
         bytes, report.json {} bytes",
        html.len(),
        markdown.len(),
        json.len()
    );
    for (name, size) in [
        ("report.html", html.len()),
        ("report.md", markdown.len()),
        ("report.json", json.len()),
    ] {
        assert!(size < SIZE_BOUND, "{name} is {size} bytes");
    }

    // Each reason with its count, its first records shown and the 21st not.
    let per_reason = MANY / REASONS.len();
    for (index, code) in REASONS.iter().enumerate() {
        let group = format!(
            "<code>{}</code><span class=\"pill\">50,000</span>",
            code.as_str()
        );
        assert_eq!(
            html.matches(&group).count(),
            2,
            "{group}: pre-flight and run"
        );
        assert!(markdown.contains(&format!("### `{}` (50,000)", code.as_str())));
        assert!(markdown.contains(&format!("**`{}`** (50,000)", code.as_str())));
        let nth = |n: usize| 1_000_000 + index + n * REASONS.len();
        assert!(html.contains(&format!(">ticket {}<", nth(0))));
        assert!(html.contains(&format!(">ticket {}<", nth(19))));
        assert!(!html.contains(&format!(">ticket {}<", nth(20))));
    }
    assert_eq!(per_reason, 50_000);
    assert!(html
        .contains("<code>parts.*.created_at</code><span class=\"pill pill-bad\">200,000</span>"));
    assert!(
        html.contains("ticket &lt;b&gt;0&lt;/b&gt; cannot move"),
        "escaped"
    );
    assert!(html.contains("<b>200,000</b> warnings"));
    for (file, group) in [
        (PREFLIGHT_FINDINGS_FILE, "50,000"),
        ("run-1-rejections.jsonl", "50,000"),
        ("verify-differences.jsonl", "200,000"),
    ] {
        assert!(html.contains(&format!(
            "The first 20 of {group}; every one is in <a href=\"{file}\">{file}</a>."
        )));
        assert!(html.contains(&format!("<a href=\"{file}\">{file}</a></p>")));
        assert!(markdown.contains(&format!("[{file}]({file})")));
        assert!(reports.join(file).is_file());
    }

    // The JSON holds the counts and examples, not the records.
    let back = from_json(&json).unwrap();
    let rejections = &back.runs[0].rejections;
    assert_eq!(rejections.total, MANY as u64);
    assert_eq!(rejections.file.as_deref(), Some("run-1-rejections.jsonl"));
    assert_eq!(rejections.groups.len(), REASONS.len());
    assert!(rejections
        .groups
        .iter()
        .all(|group| group.count == per_reason as u64 && group.examples.len() == 20));
    assert_eq!(back.preflight.unwrap().findings.total, MANY as u64);
    assert_eq!(back.verification.unwrap().differences.total, MANY as u64);

    // The lists hold every record, one valid JSON object a line, with its id and reason.
    let findings = list_lines(&reports.join(PREFLIGHT_FINDINGS_FILE));
    assert_every_record(&findings, 0, "code");
    let rejected = list_lines(&reports.join("run-1-rejections.jsonl"));
    assert_every_record(&rejected, 1_000_000, "code");
    assert_eq!(rejected[7]["code"], REASONS[3].as_str());
    assert_eq!(rejected[7]["message"], "ticket <b>7</b> cannot move");
    let differences = list_lines(&reports.join("verify-differences.jsonl"));
    assert_every_record(&differences, 5_000_000, "field");
    let leftovers: Vec<_> = std::fs::read_dir(&reports)
        .unwrap()
        .filter_map(Result::ok)
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".partial"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

/// The sample report as if its `[scope]` had left 12,040 tickets and 300 callers out.
fn scoped_report() -> MigrationReport {
    let mut report = sample::report();
    let full = report.runs.last_mut().unwrap();
    for (kind, left_out) in [(SourceKind::Ticket, 12_040), (SourceKind::Caller, 300)] {
        let counts = full.objects.get_mut(&kind).unwrap();
        counts.source += left_out;
        counts.out_of_scope = left_out;
    }
    report.preflight.as_mut().unwrap().out_of_scope =
        BTreeMap::from([(SourceKind::Ticket, 12_040), (SourceKind::Caller, 300)]);
    report
}

#[test]
fn markdown_and_html_show_what_the_scope_left_out() {
    let report = scoped_report();
    let headline = report.headline();
    assert_eq!(headline.out_of_scope, 12_340);
    assert_eq!(headline.in_scope(), sample::report().headline().source);
    let markdown = to_markdown(&report);
    for expected in [
        // The headline counts what moved of what the scope moves.
        "| Records in Intercom | Out of scope | Rejected | Failed |",
        "| 54,618 of 54,623 in scope | 12,340 | 4 | 1 |",
        // Counts per object.
        "| Object | Source | Out of scope | In Intercom | Rejected | Failed | Verified |",
        "| Ticket | 60,251 | 12,040 | 48,207 | 3 | 1 | 4,818 of 4,821 |",
        // The full run's table; the sample run left nothing out and has no such column.
        "| Object | Source | Out of scope | Moved | Already there | Rejected | Failed |",
        "| Caller | 6,130 | 300 | 5,807 | 23 | 0 | 0 |",
        "| Object | Source | Moved | Already there | Rejected | Failed |",
        "Not checked: 300 callers, 12,040 tickets outside the `[scope]` of mapping.toml",
    ] {
        assert!(markdown.contains(expected), "{expected}\n{markdown}");
    }
    let html = to_html(&report);
    for expected in [
        "<span class=\"kpi-value\">12,340</span><span class=\"kpi-label\">out of scope</span>",
        "<span class=\"kpi-note\">of 54,623 in scope · 99.9%</span>",
        "<th class=\"num\">Source</th><th class=\"num\">Out of scope</th><th class=\"num\">In Intercom</th>",
        "<tr><td>Ticket</td><td class=\"num\">60,251</td><td class=\"num\">12,040</td><td class=\"num\">48,207</td>",
        "<th class=\"num\">Source</th><th class=\"num\">Out of scope</th><th class=\"num\">Moved</th>",
        "<tr><td>Caller</td><td class=\"num\">6,130</td><td class=\"num\">300</td><td class=\"num\">5,807</td>",
        "Not checked: 300 callers, 12,040 tickets outside the <code>[scope]</code> of mapping.toml",
    ] {
        assert!(html.contains(expected), "{expected}");
    }
    // A migration that left nothing out shows no such column or line.
    let unscoped = sample::report();
    for text in [to_markdown(&unscoped), to_html(&unscoped)] {
        assert!(!text.to_lowercase().contains("out of scope"));
        assert!(!text.contains("Not checked"));
    }
    let back = from_json(&to_json(&report).unwrap()).unwrap();
    assert_eq!(
        back.preflight.unwrap().out_of_scope[&SourceKind::Ticket],
        12_040
    );
}
