//! The runs, verification and rollback in Markdown.

use migration_core::engine::StageReport;
use migration_core::model::source::SourceRef;

use super::{cell, code, line_start, list_file, more, put, text};
use crate::report::lists::Listed;
use crate::report::sections::{RollbackSection, RunSection, VerificationSection};
use crate::report::words;

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

fn run(out: &mut String, number: usize, report: &RunSection) {
    put!(
        out,
        "### Run {number}: {} · {}\n\n",
        words::run_title(report.mode, report.dry_run),
        words::outcome_text(&report.outcome)
    );
    if let Some(started) = report.started_at {
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
        // The column shows only when the scope left something out.
        let scoped = report
            .objects
            .values()
            .any(|counts| counts.out_of_scope > 0);
        out.push_str(if scoped {
            "| Object | Source | Out of scope | Moved | Already there | Rejected | Failed |\n\
             | --- | ---: | ---: | ---: | ---: | ---: | ---: |\n"
        } else {
            "| Object | Source | Moved | Already there | Rejected | Failed |\n\
             | --- | ---: | ---: | ---: | ---: | ---: |\n"
        });
        for (object, counts) in &report.objects {
            put!(
                out,
                "| {} | {} |",
                words::humanize(object.as_str()),
                words::count(counts.source)
            );
            if scoped {
                put!(out, " {} |", words::count(counts.out_of_scope));
            }
            put!(
                out,
                " {} | {} | {} | {} |\n",
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
            words::stage_title(stage),
            if mismatch { " (count mismatch)" } else { "" },
            words::duration(stage.duration_ms),
            words::count(stage.operations.requests),
            "█".repeat(filled),
            "░".repeat(empty)
        );
    }
    out.push('\n');
}

fn rejections(out: &mut String, report: &RunSection) {
    let rejections = &report.rejections;
    if rejections.is_empty() {
        return;
    }
    put!(
        out,
        "#### Rejected by the mapping ({})\n\n",
        words::count(rejections.total)
    );
    list_file(out, rejections.file.as_deref());
    for group in &rejections.groups {
        put!(
            out,
            "**{}** ({})",
            code(&group.reason),
            words::count(group.count)
        );
        if let Some(fix) = &group.fix {
            put!(out, ". Fix: {}", text(fix));
        }
        out.push_str("\n\n| Record | Reason |");
        out.push_str(if group.fix.is_some() {
            "\n| --- | --- |\n"
        } else {
            " Fix |\n| --- | --- | --- |\n"
        });
        for rejection in &group.examples {
            put!(
                out,
                "| {} | {} |",
                cell(&rejection.record.to_string()),
                cell(&rejection.message)
            );
            if group.fix.is_none() {
                put!(out, " {} |", cell(&rejection.fix));
            }
            out.push('\n');
        }
        out.push('\n');
        more(
            out,
            group.examples.len(),
            group.count,
            rejections.file.as_deref(),
        );
    }
}

fn failures(out: &mut String, report: &RunSection) {
    let failures = &report.failures;
    if failures.is_empty() {
        return;
    }
    put!(out, "#### Failed ({})\n\n", words::count(failures.total));
    list_file(out, failures.file.as_deref());
    for group in &failures.groups {
        put!(
            out,
            "**{}** ({})",
            code(&group.reason),
            words::count(group.count)
        );
        if let Some(fix) = &group.fix {
            put!(out, ". Fix: {}", text(fix));
        }
        out.push_str("\n\n| Record | Operation | Message |");
        out.push_str(if group.fix.is_some() {
            "\n| --- | --- | --- |\n"
        } else {
            " Fix |\n| --- | --- | --- | --- |\n"
        });
        for failure in &group.examples {
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
            if group.fix.is_none() {
                put!(out, " {} |", cell(&failure.fix));
            }
            out.push('\n');
        }
        out.push('\n');
        more(
            out,
            group.examples.len(),
            group.count,
            failures.file.as_deref(),
        );
    }
}

fn extras(out: &mut String, report: &RunSection) {
    if !report.findings.is_empty() {
        let found: Vec<String> = report
            .findings
            .iter()
            .map(|(code_name, found)| format!("`{}` {}", code_name.as_str(), words::count(*found)))
            .collect();
        put!(out, "Findings during the run: {}\n\n", found.join(" · "));
    }
    if !report.redactions.is_empty() {
        put!(
            out,
            "Redacted before sending: {}\n\n",
            report.redactions.lines().join(" · ")
        );
    }
    records(
        out,
        "Children not linked to their parent (the parent did not move)",
        &report.unlinked_children,
    );
    records(out, "Tickets in the sample", &report.sample);
}

/// A paragraph of the first records of a list, with how many and where the rest are.
fn records(out: &mut String, title: &str, listed: &Listed<SourceRef>) {
    if listed.is_empty() {
        return;
    }
    let shown: Vec<String> = listed.first.iter().map(ToString::to_string).collect();
    put!(out, "{title}: {}", shown.join(", "));
    if listed.total > listed.first.len() as u64 {
        put!(
            out,
            ", and {} more",
            words::count(listed.total - listed.first.len() as u64)
        );
    }
    out.push_str("\n\n");
    list_file(out, listed.file.as_deref());
}

/// Verification: counts per destination record kind, then the differences by field, the
/// first of each shown.
pub(super) fn verification(out: &mut String, report: &VerificationSection) {
    put!(
        out,
        "## Verification\n\n{} · {}{}\n\n\
         | Intercom record | Migrated | Checked | Matching | Differing | Missing |\n\
         | --- | ---: | ---: | ---: | ---: | ---: |\n",
        words::selection_text(report.selection),
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
    let threads = &report.unreadable_parts;
    if !threads.is_empty() {
        put!(
            out,
            "{} parts not readable through the API: Intercom returns only the 500 most recent \
             parts of a conversation or ticket, so older ones were not compared (they are not \
             differences).\n\n",
            words::count(report.unreadable_part_count)
        );
        list_file(out, threads.file.as_deref());
        out.push_str("| Record | Intercom record | Parts not readable |\n| --- | --- | ---: |\n");
        for thread in &threads.first {
            put!(
                out,
                "| {} | {} | {} |\n",
                cell(&thread.record.to_string()),
                cell(&format!("{} (id {})", thread.key, thread.destination_id)),
                words::count(thread.parts)
            );
        }
        out.push('\n');
        more(
            out,
            threads.first.len(),
            threads.total,
            threads.file.as_deref(),
        );
    }
    foreign_parts(out, report);
    let differences = &report.differences;
    if differences.is_empty() {
        out.push_str("Every checked record matches field by field.\n\n");
        return;
    }
    put!(
        out,
        "### Differences ({})\n\n",
        words::count(differences.total)
    );
    list_file(out, differences.file.as_deref());
    for group in &differences.groups {
        put!(
            out,
            "**{}** ({})\n\n| Record | Intercom record | Field | Expected | Found |\n\
             | --- | --- | --- | --- | --- |\n",
            code(&group.reason),
            words::count(group.count)
        );
        for difference in &group.examples {
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
        more(
            out,
            group.examples.len(),
            group.count,
            differences.file.as_deref(),
        );
    }
}

/// Parts of migrated threads the migration did not write (Intercom's own automation).
fn foreign_parts(out: &mut String, report: &VerificationSection) {
    let parts = &report.foreign_parts;
    if parts.is_empty() {
        return;
    }
    put!(
        out,
        "### Parts the migration did not write ({})\n\nIntercom's own automation (a workflow or \
         Fin reply, a survey) acted on migrated threads. A full migration refuses to start until \
         it is paused (runbook, step 0) or accepted with `migrate --accept-automation`.\n\n",
        words::count(parts.total)
    );
    list_file(out, parts.file.as_deref());
    out.push_str(
        "| Intercom record | Part | Type | Author | Text |\n| --- | --- | --- | --- | --- |\n",
    );
    for part in &parts.first {
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
    more(out, parts.first.len(), parts.total, parts.file.as_deref());
}

/// Rollback: the tallies, the steps per kind, and the first of what could not be undone.
pub(super) fn rollback(out: &mut String, report: &RollbackSection) {
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
        words::count(report.steps_planned),
        words::count(report.undone),
        words::count(report.already_absent),
        words::count(report.settled_without_step),
        words::count(report.never_applied),
        words::count(report.failures.total)
    );
    if !report.steps.is_empty() {
        let listed: Vec<String> = report
            .steps
            .iter()
            .map(|(kind, planned)| format!("{} {}", words::humanize(kind), words::count(*planned)))
            .collect();
        put!(out, "Steps: {}\n\n", listed.join(" · "));
    }
    let failures = &report.failures;
    if !failures.is_empty() {
        list_file(out, failures.file.as_deref());
        out.push_str(
            "| Journal entry | Operation | Why it could not be undone |\n| ---: | --- | --- |\n",
        );
        for failure in &failures.first {
            put!(
                out,
                "| {} | {} | {} |\n",
                failure.sequence,
                code(&failure.mark),
                cell(&failure.reason)
            );
        }
        out.push('\n');
        more(
            out,
            failures.first.len(),
            failures.total,
            failures.file.as_deref(),
        );
    }
    let uncertain = &report.uncertain;
    if !uncertain.is_empty() {
        out.push_str("Outcome unknown (check these by hand):\n\n");
        list_file(out, uncertain.file.as_deref());
        for mark in &uncertain.first {
            put!(out, "- {}\n", line_start(mark));
        }
        out.push('\n');
        more(
            out,
            uncertain.first.len(),
            uncertain.total,
            uncertain.file.as_deref(),
        );
    }
    let kept = &report.kept;
    if !kept.is_empty() {
        put!(
            out,
            "Values that stay as the migration set them ({}):\n\n",
            words::count(kept.total)
        );
        list_file(out, kept.file.as_deref());
        out.push_str("| Intercom record | Field | Why it stays |\n| --- | --- | --- |\n");
        for value in &kept.first {
            put!(
                out,
                "| {} {} | {} | {} |\n",
                words::humanize(&words::wire_name(&value.kind)),
                cell(&value.id),
                code(&value.field),
                cell(&value.reason)
            );
        }
        out.push('\n');
        more(out, kept.first.len(), kept.total, kept.file.as_deref());
    }
}
