//! The report renderers: the Markdown of a realistic report (snapshot), escaping of hostile
//! customer data, offline HTML, the JSON round trip and the three files on disk.
//!
//! Set `V2I_REPORT_EXAMPLE_DIR` to also write the example report there (the screenshot in
//! `docs/` is taken from it: see `scripts/screenshot-report.sh`).

mod report {
    pub mod sample;
}

use migration_cli::report::{
    from_json, to_html, to_json, to_markdown, write_all, MigrationReport, Verdict,
};
use report::sample;

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
