//! The runs, verification and rollback in Markdown.

use migration_core::engine::{RollbackReport, RunReport, StageReport, VerifyReport};

use super::{cell, code, line_start, put, text};
use crate::report::model::RunSection;
use crate::report::{figures, words};

/// Width of the timing bars, in characters.
const BAR_WIDTH: u64 = 24;
/// How much of an expected or found value a table cell shows; the JSON report has it whole.
const VALUE_LIMIT: usize = 200;

/// Every run, oldest first.
pub(super) fn section(out: &mut String, runs: &[RunSection]) {
    out.push_str("## Runs\n\n");
    for (number, section) in runs.iter().enumerate() {
        run(out, number + 1, section);
    }
}

fn run(out: &mut String, number: usize, section: &RunSection) {
    let report = &section.report;
    put!(
        out,
        "### Run {number}: {} · {}\n\n",
        words::run_title(report),
        words::outcome_text(&report.outcome)
    );
    if let Some(started) = section.started_at {
        put!(out, "Started {} · ", started.format("%Y-%m-%d %H:%M UTC"));
    }
    put!(
        out,
        "{} · {} requests · {:.2} requests per record",
        words::duration(report.duration_ms),
        words::count(report.requests),
        report.requests_per_record
    );
    if let Some(watermark) = report.watermark {
        match chrono::DateTime::from_timestamp(watermark.at, 0) {
            Some(at) => put!(out, " · watermark {}", at.format("%Y-%m-%d %H:%M:%S UTC")),
            None => put!(out, " · watermark {}", watermark.at),
        }
    }
    out.push_str("\n\n");
    if !report.objects.is_empty() {
        out.push_str(
            "| Object | Source | Moved | Already there | Rejected | Failed |\n\
             | --- | ---: | ---: | ---: | ---: | ---: |\n",
        );
        for (object, counts) in &report.objects {
            put!(
                out,
                "| {} | {} | {} | {} | {} | {} |\n",
                words::humanize(object.as_str()),
                words::count(counts.source),
                words::count(counts.moved),
                words::count(counts.skipped),
                words::count(counts.rejected),
                words::count(counts.failed)
            );
        }
        out.push('\n');
    }
    timing(out, &report.stages);
    rejections(out, report);
    failures(out, report);
    extras(out, report);
}

/// Time per stage, with a text bar scaled to the slowest stage.
fn timing(out: &mut String, stages: &[StageReport]) {
    let slowest = stages
        .iter()
        .map(|stage| stage.duration_ms)
        .max()
        .unwrap_or(0);
    if slowest == 0 {
        return;
    }
    out.push_str("| Stage | Time | Requests | |\n| --- | ---: | ---: | --- |\n");
    for stage in stages {
        let filled = (stage.duration_ms * BAR_WIDTH).div_ceil(slowest);
        let filled = usize::try_from(filled).unwrap_or(0);
        let empty = usize::try_from(BAR_WIDTH)
            .unwrap_or(0)
            .saturating_sub(filled);
        let mismatch = stage
            .reconciliation
            .as_ref()
            .is_some_and(|reconciliation| !reconciliation.matches);
        put!(
            out,
            "| {}{} | {} | {} | `{}{}` |\n",
            words::humanize(&words::wire_name(&stage.stage)),
            if mismatch { " (count mismatch)" } else { "" },
            words::duration(stage.duration_ms),
            words::count(stage.operations.requests),
            "█".repeat(filled),
            "░".repeat(empty)
        );
    }
    out.push('\n');
}

fn rejections(out: &mut String, report: &RunReport) {
    if report.rejections.is_empty() {
        return;
    }
    put!(
        out,
        "#### Rejected by the mapping ({})\n\n",
        words::count(report.rejections.len() as u64)
    );
    for (code_name, members) in figures::rejections_by_code(&report.rejections) {
        let fixes: Vec<&str> = members
            .iter()
            .map(|rejection| rejection.fix.as_str())
            .collect();
        let shared = shared(&fixes);
        put!(out, "**`{}`** ({})", code_name.as_str(), members.len());
        if let Some(fix) = shared {
            put!(out, ". Fix: {}", text(fix));
        }
        out.push_str("\n\n| Record | Reason |");
        out.push_str(if shared.is_some() {
            "\n| --- | --- |\n"
        } else {
            " Fix |\n| --- | --- | --- |\n"
        });
        for rejection in members {
            put!(
                out,
                "| {} | {} |",
                cell(&rejection.record.to_string()),
                cell(&rejection.message)
            );
            if shared.is_none() {
                put!(out, " {} |", cell(&rejection.fix));
            }
            out.push('\n');
        }
        out.push('\n');
    }
}

fn failures(out: &mut String, report: &RunReport) {
    if report.failures.is_empty() {
        return;
    }
    put!(
        out,
        "#### Failed ({})\n\n",
        words::count(report.failures.len() as u64)
    );
    for (failure_code, members) in figures::failures_by_code(&report.failures) {
        let fixes: Vec<&str> = members.iter().map(|failure| failure.fix.as_str()).collect();
        let shared = shared(&fixes);
        put!(
            out,
            "**`{}`** ({})",
            words::wire_name(&failure_code),
            members.len()
        );
        if let Some(fix) = shared {
            put!(out, ". Fix: {}", text(fix));
        }
        out.push_str("\n\n| Record | Operation | Message |");
        out.push_str(if shared.is_some() {
            "\n| --- | --- | --- |\n"
        } else {
            " Fix |\n| --- | --- | --- | --- |\n"
        });
        for failure in members {
            let record = failure
                .record
                .map_or_else(|| "–".to_string(), |record| record.to_string());
            put!(
                out,
                "| {} | {} | {} |",
                cell(&record),
                code(&failure.operation),
                cell(&failure.message)
            );
            if shared.is_none() {
                put!(out, " {} |", cell(&failure.fix));
            }
            out.push('\n');
        }
        out.push('\n');
    }
}

fn extras(out: &mut String, report: &RunReport) {
    if !report.findings.is_empty() {
        let found: Vec<String> = report
            .findings
            .iter()
            .map(|(code_name, found)| format!("`{}` {}", code_name.as_str(), words::count(*found)))
            .collect();
        put!(out, "Findings during the run: {}\n\n", found.join(" · "));
    }
    if !report.unlinked_children.is_empty() {
        let children: Vec<String> = report
            .unlinked_children
            .iter()
            .map(ToString::to_string)
            .collect();
        put!(
            out,
            "Children not linked to their parent (the parent did not move): {}\n\n",
            children.join(", ")
        );
    }
    if !report.sample.is_empty() {
        let sample: Vec<String> = report.sample.iter().map(ToString::to_string).collect();
        put!(out, "Tickets in the sample: {}\n\n", sample.join(", "));
    }
}

/// The text every member has, when they all have the same.
fn shared<'a>(texts: &[&'a str]) -> Option<&'a str> {
    let first = texts.first()?;
    texts.iter().all(|text| text == first).then_some(*first)
}

/// Verification: counts per destination record kind, then every difference.
pub(super) fn verification(out: &mut String, report: &VerifyReport) {
    put!(
        out,
        "## Verification\n\n{} · {}{}\n\n\
         | Intercom record | Migrated | Checked | Matching | Differing | Missing |\n\
         | --- | ---: | ---: | ---: | ---: | ---: |\n",
        words::selection_text(report),
        words::duration(report.duration_ms),
        if report.interrupted {
            " · **interrupted before the end**"
        } else {
            ""
        }
    );
    for (kind, counts) in &report.objects {
        put!(
            out,
            "| {} | {} | {} | {} | {} | {} |\n",
            words::humanize(&words::wire_name(kind)),
            words::count(counts.migrated),
            words::count(counts.checked),
            words::count(counts.matching),
            words::count(counts.differing),
            words::count(counts.missing)
        );
    }
    out.push('\n');
    if !report.unreadable_parts.is_empty() {
        put!(
            out,
            "{} parts not readable through the API: Intercom returns only the 500 most recent \
             parts of a conversation or ticket, so older ones were not compared (they are not \
             differences).\n\n| Record | Intercom record | Parts not readable |\n| --- | --- | ---: |\n",
            words::count(report.unreadable_part_count())
        );
        for thread in &report.unreadable_parts {
            put!(
                out,
                "| {} | {} | {} |\n",
                cell(&thread.record.to_string()),
                cell(&format!("{} (id {})", thread.key, thread.destination_id)),
                words::count(thread.parts)
            );
        }
        out.push('\n');
    }
    foreign_parts(out, report);
    if report.differences.is_empty() {
        out.push_str("Every checked record matches field by field.\n\n");
        return;
    }
    put!(
        out,
        "### Differences ({})\n\n| Record | Intercom record | Field | Expected | Found |\n\
         | --- | --- | --- | --- | --- |\n",
        words::count(report.differences.len() as u64)
    );
    for difference in &report.differences {
        let destination = match &difference.destination_id {
            Some(id) => format!("{} (id {id})", difference.key),
            None => difference.key.to_string(),
        };
        put!(
            out,
            "| {} | {} | {} | {} | {} |\n",
            cell(&difference.record.to_string()),
            cell(&destination),
            code(&difference.field),
            code(&words::value_text(Some(&difference.expected), VALUE_LIMIT)),
            code(&words::value_text(difference.found.as_ref(), VALUE_LIMIT))
        );
    }
    out.push('\n');
}

/// Parts of migrated threads the migration did not write (Intercom's own automation).
fn foreign_parts(out: &mut String, report: &VerifyReport) {
    if report.foreign_parts.is_empty() {
        return;
    }
    put!(
        out,
        "### Parts the migration did not write ({})\n\nIntercom's own automation (a workflow or \
         Fin reply, a survey) acted on migrated threads. A full migration refuses to start until \
         it is paused (runbook, step 0) or accepted with `migrate --accept-automation`.\n\n\
         | Intercom record | Part | Type | Author | Text |\n| --- | --- | --- | --- | --- |\n",
        words::count(report.foreign_parts.len() as u64)
    );
    for part in &report.foreign_parts {
        put!(
            out,
            "| {} | {} | {} | {} | {} |\n",
            cell(&format!("{} (id {})", part.key, part.destination_id)),
            cell(&part.part_id),
            code(&part.kind),
            cell(&part.author_text()),
            cell(&part.body_start)
        );
    }
    out.push('\n');
}

/// Rollback: the tallies, the steps per kind, and what could not be undone.
pub(super) fn rollback(out: &mut String, report: &RollbackReport) {
    put!(
        out,
        "## Rollback\n\n{} · {}{}\n\n",
        if report.dry_run {
            "Dry run: nothing was changed"
        } else if report.is_complete() {
            "Complete: everything the runs wrote is undone"
        } else {
            "Incomplete: see below"
        },
        words::duration(report.duration_ms),
        if report.interrupted {
            " · **interrupted: run it again to resume**"
        } else {
            ""
        }
    );
    put!(
        out,
        "| Steps planned | Undone | Already gone | Needed no step | Never applied | Could not be undone |\n\
         | ---: | ---: | ---: | ---: | ---: | ---: |\n| {} | {} | {} | {} | {} | {} |\n\n",
        words::count(report.steps.len() as u64),
        words::count(report.undone),
        words::count(report.already_absent),
        words::count(report.settled_without_step),
        words::count(report.never_applied),
        words::count(report.failures.len() as u64)
    );
    let steps = figures::steps_per_kind(report);
    if !steps.is_empty() {
        let listed: Vec<String> = steps
            .iter()
            .map(|(kind, planned)| format!("{} {}", words::humanize(kind), words::count(*planned)))
            .collect();
        put!(out, "Steps: {}\n\n", listed.join(" · "));
    }
    if !report.failures.is_empty() {
        out.push_str(
            "| Journal entry | Operation | Why it could not be undone |\n| ---: | --- | --- |\n",
        );
        for failure in &report.failures {
            put!(
                out,
                "| {} | {} | {} |\n",
                failure.sequence,
                code(&failure.mark),
                cell(&failure.reason)
            );
        }
        out.push('\n');
    }
    if !report.uncertain.is_empty() {
        out.push_str("Outcome unknown (check these by hand):\n\n");
        for mark in &report.uncertain {
            put!(out, "- {}\n", line_start(mark));
        }
        out.push('\n');
    }
}
