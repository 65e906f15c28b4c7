//! After the runs: what verification read back, and what a rollback undid.

use super::tables::{grouped, list, list_file, listed, more, table, Placement};
use super::{escape, put};
use crate::report::sections::{RollbackSection, VerificationSection};
use crate::report::summary::{RollbackSummary, VerificationSummary};
use crate::report::table::Tone;
use crate::report::words;

/// Verification: counts per destination record kind, then the differences by field, the
/// first of each shown.
pub(super) fn section(out: &mut String, section: &VerificationSection) {
    let summary = VerificationSummary::new(section);
    put!(
        out,
        "<section id=\"verification\">\n<h2>Verification</h2>\n<p class=\"lede\">{} · {}{}</p>\n",
        escape(&summary.selection),
        summary.duration,
        if summary.interrupted {
            " · <span class=\"bad-text\">interrupted before the end</span>"
        } else {
            ""
        }
    );
    table(out, &summary.counts, Placement::Section);
    if !summary.unreadable.is_empty() {
        put!(
            out,
            "<p>{} parts not readable through the API: Intercom returns only the 500 most recent \
             parts of a conversation or ticket, so older ones were not compared (they are not \
             differences).</p>\n",
            summary.unreadable_part_count
        );
        listed(out, &summary.unreadable, false, Tone::Plain);
    }
    if !summary.foreign.is_empty() {
        put!(
            out,
            "<p class=\"bad-text\">{} parts on migrated conversations and tickets were not \
             written by the migration: Intercom's own automation (a workflow or Fin reply, a \
             survey) acted on them. A full migration refuses to start until it is paused \
             (runbook, step 0) or accepted with <code>migrate --accept-automation</code>.</p>\n",
            words::count(summary.foreign.total)
        );
        listed(out, &summary.foreign, true, Tone::Bad);
    }
    if summary.differences.is_empty() {
        out.push_str(
            "<p class=\"empty good-text\">Every checked record matches field by field.</p>\n",
        );
    } else {
        grouped(out, &summary.differences, Tone::Bad, true);
    }
    out.push_str("</section>\n");
}

/// Rollback: the tallies, the steps per kind, and the first of what could not be undone.
pub(super) fn rollback(out: &mut String, section: &RollbackSection) {
    let summary = RollbackSummary::new(section);
    put!(
        out,
        "<section id=\"rollback\">\n<h2>Rollback</h2>\n<p class=\"lede\">{} · {}{}</p>\n<div class=\"minis\">",
        summary.status,
        summary.duration,
        if summary.interrupted {
            " · <span class=\"bad-text\">interrupted: run it again to resume</span>"
        } else {
            ""
        }
    );
    for tally in &summary.tallies {
        put!(
            out,
            "<div class=\"mini mini-{}\"><b>{}</b> {}</div>",
            tally.tone.name(),
            words::count(tally.value),
            tally.label
        );
    }
    out.push_str("</div>\n");
    if !summary.steps.is_empty() {
        out.push_str("<p class=\"chips\">");
        for (kind, planned) in &summary.steps {
            put!(
                out,
                "<span class=\"chip\">{} {planned}</span>",
                escape(kind)
            );
        }
        out.push_str("</p>\n");
    }
    let failures = &summary.failures;
    if !failures.is_empty() {
        list_file(out, failures.file.as_deref());
        table(out, &failures.table, Placement::Section);
        more(
            out,
            failures.shown(),
            failures.total,
            failures.file.as_deref(),
        );
    }
    let uncertain = &summary.uncertain;
    if !uncertain.is_empty() {
        put!(out, "<h4>{}</h4>", RollbackSummary::UNCERTAIN);
        list_file(out, uncertain.file.as_deref());
        list(out, &uncertain.first);
        more(
            out,
            uncertain.first.len(),
            uncertain.total,
            uncertain.file.as_deref(),
        );
    }
    if !summary.kept.is_empty() {
        listed(out, &summary.kept, false, Tone::Plain);
    }
    out.push_str("</section>\n");
}
