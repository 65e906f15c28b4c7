//! The runs in Markdown.

use super::put;
use super::tables::{grouped, list_file, table};
use crate::report::sections::RunSection;
use crate::report::summary::{RecordList, RunSummary, StageTimes};
use crate::report::words;

/// Width of the timing bars, in characters.
const BAR_WIDTH: u64 = 24;

/// Every run, oldest first.
pub(super) fn section(out: &mut String, runs: &[RunSection]) {
    out.push_str("## Runs\n\n");
    for (number, run) in runs.iter().enumerate() {
        panel(out, &RunSummary::new(number + 1, run));
    }
}

fn panel(out: &mut String, run: &RunSummary) {
    put!(
        out,
        "### Run {}: {} · {}\n\n",
        run.number,
        run.title,
        run.outcome
    );
    if let Some(started) = &run.started {
        put!(out, "Started {started} · ");
    }
    put!(out, "{}\n\n", run.facts);
    if let Some(counts) = &run.counts {
        table(out, counts);
    }
    if let Some(stages) = &run.stages {
        timing(out, stages);
    }
    if !run.rejections.is_empty() {
        grouped(out, &run.rejections, "####");
    }
    if !run.failures.is_empty() {
        grouped(out, &run.failures, "####");
    }
    extras(out, run);
}

/// Time per stage, with a text bar scaled to the slowest stage.
fn timing(out: &mut String, times: &StageTimes) {
    out.push_str("| Stage | Time | Requests | |\n| --- | ---: | ---: | --- |\n");
    for stage in &times.stages {
        let filled = usize::try_from(times.filled(stage, BAR_WIDTH)).unwrap_or(0);
        let empty = usize::try_from(BAR_WIDTH)
            .unwrap_or(0)
            .saturating_sub(filled);
        put!(
            out,
            "| {}{} | {} | {} | `{}{}` |\n",
            stage.title,
            if stage.mismatch {
                " (count mismatch)"
            } else {
                ""
            },
            stage.duration,
            stage.requests,
            "█".repeat(filled),
            "░".repeat(empty)
        );
    }
    out.push('\n');
}

/// Findings counted during the run, the parent links it could not make, and a sample's choice.
fn extras(out: &mut String, run: &RunSummary) {
    if !run.findings.is_empty() {
        let found: Vec<String> = run
            .findings
            .iter()
            .map(|(code, found)| format!("`{code}` {found}"))
            .collect();
        put!(out, "Findings during the run: {}\n\n", found.join(" · "));
    }
    if let Some(redactions) = &run.redactions {
        put!(out, "Redacted before sending: {redactions}\n\n");
    }
    for list in &run.records {
        records(out, list);
    }
}

/// A paragraph of the first records of a list, with how many and where the rest are.
fn records(out: &mut String, list: &RecordList) {
    let listed = &list.records;
    put!(out, "{}: {}", list.title, listed.first.join(", "));
    let shown = listed.first.len() as u64;
    if listed.total > shown {
        put!(out, ", and {} more", words::count(listed.total - shown));
    }
    out.push_str("\n\n");
    list_file(out, listed.file.as_deref());
}
