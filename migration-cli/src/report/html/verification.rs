//! After the runs: what verification read back, and what a rollback undid.

use super::{details, escape, list_file, more, put};
use crate::report::sections::{RollbackSection, VerificationSection};
use crate::report::words;

/// How much of an expected or found value a table cell shows; the JSON report has it whole.
const VALUE_LIMIT: usize = 200;

/// Verification: counts per destination record kind, then the differences by field, the
/// first of each shown.
pub(super) fn section(out: &mut String, report: &VerificationSection) {
    put!(
        out,
        "<section id=\"verification\">\n<h2>Verification</h2>\n<p class=\"lede\">{} · {}{}</p>\n",
        escape(&words::selection_text(report.selection)),
        words::duration(report.duration_ms),
        if report.interrupted {
            " · <span class=\"bad-text\">interrupted before the end</span>"
        } else {
            ""
        }
    );
    out.push_str(
        "<table class=\"data\"><thead><tr><th>Intercom record</th><th class=\"num\">Migrated</th>\
         <th class=\"num\">Checked</th><th class=\"num\">Matching</th>\
         <th class=\"num\">Differing</th><th class=\"num\">Missing</th></tr></thead><tbody>\n",
    );
    for (kind, counts) in &report.objects {
        put!(
            out,
            "<tr><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>\
             <td class=\"num good-text\">{}</td><td class=\"num{}\">{}</td><td class=\"num{}\">{}</td></tr>\n",
            escape(&words::humanize(&words::wire_name(kind))),
            words::count(counts.migrated),
            words::count(counts.checked),
            words::count(counts.matching),
            if counts.differing > 0 { " bad-text" } else { "" },
            words::count(counts.differing),
            if counts.missing > 0 { " bad-text" } else { "" },
            words::count(counts.missing)
        );
    }
    out.push_str("</tbody></table>\n");
    unreadable_parts(out, report);
    foreign_parts(out, report);
    let differences = &report.differences;
    if differences.is_empty() {
        out.push_str(
            "<p class=\"empty good-text\">Every checked record matches field by field.</p>\n",
        );
    } else {
        put!(
            out,
            "<h4>Differences <span class=\"pill pill-bad\">{}</span></h4>\n",
            words::count(differences.total)
        );
        list_file(out, differences.file.as_deref());
    }
    for group in &differences.groups {
        let mut body = String::from(
            "<table class=\"data diffs\"><thead><tr><th>Record</th><th>Field</th>\
             <th>Expected</th><th>Found</th></tr></thead><tbody>",
        );
        for difference in &group.examples {
            let destination = match &difference.destination_id {
                Some(id) => format!("{} (id {id})", difference.key),
                None => difference.key.to_string(),
            };
            put!(
                body,
                "<tr><td class=\"nowrap\">{}<br><span class=\"muted small\">{}</span></td>\
                 <td><code>{}</code></td><td class=\"value\">{}</td><td class=\"value found\">{}</td></tr>",
                escape(&difference.record.to_string()),
                escape(&destination),
                escape(&difference.field),
                escape(&words::value_text(Some(&difference.expected), VALUE_LIMIT)),
                escape(&words::value_text(difference.found.as_ref(), VALUE_LIMIT))
            );
        }
        body.push_str("</tbody></table>");
        more(
            &mut body,
            group.examples.len(),
            group.count,
            differences.file.as_deref(),
        );
        let summary = format!(
            "<code>{}</code><span class=\"pill pill-bad\">{}</span>",
            escape(&group.reason),
            words::count(group.count)
        );
        details(out, true, &summary, &body);
    }
    out.push_str("</section>\n");
}

/// Threads whose oldest parts Intercom's API does not return: a sentence, then the first
/// threads.
fn unreadable_parts(out: &mut String, report: &VerificationSection) {
    let threads = &report.unreadable_parts;
    if threads.is_empty() {
        return;
    }
    put!(
        out,
        "<p>{} parts not readable through the API: Intercom returns only the 500 most recent \
         parts of a conversation or ticket, so older ones were not compared (they are not \
         differences).</p>\n",
        words::count(report.unreadable_part_count)
    );
    list_file(out, threads.file.as_deref());
    let mut body = String::from(
        "<table class=\"data\"><thead><tr><th>Record</th><th>Intercom record</th>\
         <th class=\"num\">Parts not readable</th></tr></thead><tbody>",
    );
    for thread in &threads.first {
        put!(
            body,
            "<tr><td>{}</td><td>{}</td><td class=\"num\">{}</td></tr>",
            escape(&thread.record.to_string()),
            escape(&format!("{} (id {})", thread.key, thread.destination_id)),
            words::count(thread.parts)
        );
    }
    body.push_str("</tbody></table>");
    more(
        &mut body,
        threads.first.len(),
        threads.total,
        threads.file.as_deref(),
    );
    let summary = format!(
        "Parts not readable through the API<span class=\"pill\">{}</span>",
        words::count(threads.total)
    );
    details(out, false, &summary, &body);
}

/// Parts of migrated threads the migration did not write (Intercom's own automation): a
/// sentence, then the first parts, open.
fn foreign_parts(out: &mut String, report: &VerificationSection) {
    let parts = &report.foreign_parts;
    if parts.is_empty() {
        return;
    }
    put!(
        out,
        "<p class=\"bad-text\">{} parts on migrated conversations and tickets were not written by \
         the migration: Intercom's own automation (a workflow or Fin reply, a survey) acted on \
         them. A full migration refuses to start until it is paused (runbook, step 0) or \
         accepted with <code>migrate --accept-automation</code>.</p>\n",
        words::count(parts.total)
    );
    list_file(out, parts.file.as_deref());
    let mut body = String::from(
        "<table class=\"data\"><thead><tr><th>Intercom record</th><th>Part</th><th>Type</th>\
         <th>Author</th><th>Text</th></tr></thead><tbody>",
    );
    for part in &parts.first {
        put!(
            body,
            "<tr><td class=\"nowrap\">{}</td><td>{}</td><td><code>{}</code></td><td>{}</td>\
             <td class=\"value found\">{}</td></tr>",
            escape(&format!("{} (id {})", part.key, part.destination_id)),
            escape(&part.part_id),
            escape(&part.kind),
            escape(&part.author_text()),
            escape(&part.body_start)
        );
    }
    body.push_str("</tbody></table>");
    more(
        &mut body,
        parts.first.len(),
        parts.total,
        parts.file.as_deref(),
    );
    let summary = format!(
        "Parts the migration did not write<span class=\"pill pill-bad\">{}</span>",
        words::count(parts.total)
    );
    details(out, true, &summary, &body);
}

/// Rollback: the tallies, the steps per kind, and the first of what could not be undone.
pub(super) fn rollback(out: &mut String, report: &RollbackSection) {
    put!(
        out,
        "<section id=\"rollback\">\n<h2>Rollback</h2>\n<p class=\"lede\">{} · {}{}</p>\n<div class=\"minis\">",
        if report.dry_run {
            "dry run: nothing was changed"
        } else if report.is_complete() {
            "complete: everything the runs wrote is undone"
        } else {
            "incomplete: see below"
        },
        words::duration(report.duration_ms),
        if report.interrupted {
            " · <span class=\"bad-text\">interrupted: run it again to resume</span>"
        } else {
            ""
        }
    );
    let tallies = [
        ("plain", report.steps_planned, "steps planned"),
        ("good", report.undone, "undone"),
        ("plain", report.already_absent, "already gone"),
        ("plain", report.settled_without_step, "needed no step"),
        ("plain", report.never_applied, "never applied"),
        (
            if report.failures.is_empty() {
                "plain"
            } else {
                "bad"
            },
            report.failures.total,
            "could not be undone",
        ),
    ];
    for (tone, value, label) in tallies {
        put!(
            out,
            "<div class=\"mini mini-{tone}\"><b>{}</b> {label}</div>",
            words::count(value)
        );
    }
    out.push_str("</div>\n");
    if !report.steps.is_empty() {
        out.push_str("<p class=\"chips\">");
        for (kind, planned) in &report.steps {
            put!(
                out,
                "<span class=\"chip\">{} {}</span>",
                escape(&words::humanize(kind)),
                words::count(*planned)
            );
        }
        out.push_str("</p>\n");
    }
    let failures = &report.failures;
    if !failures.is_empty() {
        list_file(out, failures.file.as_deref());
        out.push_str(
            "<table class=\"data\"><thead><tr><th>Journal entry</th><th>Operation</th>\
             <th>Why it could not be undone</th></tr></thead><tbody>",
        );
        for failure in &failures.first {
            put!(
                out,
                "<tr><td class=\"num\">{}</td><td><code>{}</code></td><td>{}</td></tr>",
                failure.sequence,
                escape(&failure.mark),
                escape(&failure.reason)
            );
        }
        out.push_str("</tbody></table>\n");
        more(
            out,
            failures.first.len(),
            failures.total,
            failures.file.as_deref(),
        );
    }
    let uncertain = &report.uncertain;
    if !uncertain.is_empty() {
        out.push_str("<h4>Outcome unknown (check these by hand)</h4>");
        list_file(out, uncertain.file.as_deref());
        super::list(out, &uncertain.first);
        more(
            out,
            uncertain.first.len(),
            uncertain.total,
            uncertain.file.as_deref(),
        );
    }
    kept_values(out, report);
    out.push_str("</section>\n");
}

/// Values the rollback leaves as the migration set them, the first of them, closed.
fn kept_values(out: &mut String, report: &RollbackSection) {
    let kept = &report.kept;
    if kept.is_empty() {
        return;
    }
    let mut body = String::from(
        "<table class=\"data\"><thead><tr><th>Intercom record</th><th>Field</th>\
         <th>Why it stays</th></tr></thead><tbody>",
    );
    for value in &kept.first {
        put!(
            body,
            "<tr><td class=\"nowrap\">{} {}</td><td><code>{}</code></td><td>{}</td></tr>",
            escape(&words::humanize(&words::wire_name(&value.kind))),
            escape(&value.id),
            escape(&value.field),
            escape(&value.reason)
        );
    }
    body.push_str("</tbody></table>");
    more(
        &mut body,
        kept.first.len(),
        kept.total,
        kept.file.as_deref(),
    );
    let summary = format!(
        "Values that stay as the migration set them<span class=\"pill\">{}</span>",
        words::count(kept.total)
    );
    list_file(out, kept.file.as_deref());
    details(out, false, &summary, &body);
}
