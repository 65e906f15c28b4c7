//! Verification and rollback in Markdown.

use super::tables::{grouped, list_file, listed, more, table};
use super::{line_start, put};
use crate::report::sections::{RollbackSection, VerificationSection};
use crate::report::summary::{RollbackSummary, VerificationSummary};
use crate::report::words;

/// Verification: counts per destination record kind, then the differences by field, the
/// first of each shown.
pub(super) fn section(out: &mut String, section: &VerificationSection) {
    let summary = VerificationSummary::new(section);
    put!(
        out,
        "## Verification\n\n{} · {}{}\n\n",
        summary.selection,
        summary.duration,
        if summary.interrupted {
            " · **interrupted before the end**"
        } else {
            ""
        }
    );
    table(out, &summary.counts);
    if !summary.unreadable.is_empty() {
        put!(
            out,
            "{} parts not readable through the API: Intercom returns only the 500 most recent \
             parts of a conversation or ticket, so older ones were not compared (they are not \
             differences).\n\n",
            summary.unreadable_part_count
        );
        listed(out, &summary.unreadable);
    }
    if !summary.foreign.is_empty() {
        put!(
            out,
            "### {} ({})\n\nIntercom's own automation (a workflow or Fin reply, a survey) acted \
             on migrated threads. A full migration refuses to start until it is paused (runbook, \
             step 0) or accepted with `migrate --accept-automation`.\n\n",
            summary.foreign.title,
            words::count(summary.foreign.total)
        );
        listed(out, &summary.foreign);
    }
    if summary.differences.is_empty() {
        out.push_str("Every checked record matches field by field.\n\n");
    } else {
        grouped(out, &summary.differences, "###");
    }
}

/// Rollback: the tallies, the steps per kind, and the first of what could not be undone.
pub(super) fn rollback(out: &mut String, section: &RollbackSection) {
    let summary = RollbackSummary::new(section);
    put!(
        out,
        "## Rollback\n\n{} · {}{}\n\n",
        words::capitalised(summary.status),
        summary.duration,
        if summary.interrupted {
            " · **interrupted: run it again to resume**"
        } else {
            ""
        }
    );
    tallies(out, &summary);
    if !summary.steps.is_empty() {
        let listed: Vec<String> = summary
            .steps
            .iter()
            .map(|(kind, planned)| format!("{kind} {planned}"))
            .collect();
        put!(out, "Steps: {}\n\n", listed.join(" · "));
    }
    if !summary.failures.is_empty() {
        listed(out, &summary.failures);
    }
    let uncertain = &summary.uncertain;
    if !uncertain.is_empty() {
        put!(out, "{}:\n\n", RollbackSummary::UNCERTAIN);
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
    let kept = &summary.kept;
    if !kept.is_empty() {
        put!(out, "{} ({}):\n\n", kept.title, words::count(kept.total));
        listed(out, kept);
    }
}

/// The tallies as a table of one row.
fn tallies(out: &mut String, summary: &RollbackSummary) {
    let mut titles = String::from("|");
    let mut rules = String::from("|");
    let mut values = String::from("|");
    for tally in &summary.tallies {
        put!(titles, " {} |", words::capitalised(tally.label));
        rules.push_str(" ---: |");
        put!(values, " {} |", words::count(tally.value));
    }
    put!(out, "{titles}\n{rules}\n{values}\n\n");
}
