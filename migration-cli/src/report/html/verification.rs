//! After the runs: what verification read back, and what a rollback undid.

use migration_core::engine::{RollbackReport, VerifyReport};

use super::{details, escape, put};
use crate::report::{figures, words};

/// How much of an expected or found value a table cell shows; the JSON report has it whole.
const VALUE_LIMIT: usize = 200;

/// Verification: counts per destination record kind, then every difference.
pub(super) fn section(out: &mut String, report: &VerifyReport) {
    put!(
        out,
        "<section id=\"verification\">\n<h2>Verification</h2>\n<p class=\"lede\">{} · {}{}</p>\n",
        escape(&words::selection_text(report)),
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
    if report.differences.is_empty() {
        out.push_str(
            "<p class=\"empty good-text\">Every checked record matches field by field.</p>\n",
        );
    } else {
        let mut body = String::from(
            "<table class=\"data diffs\"><thead><tr><th>Record</th><th>Field</th>\
             <th>Expected</th><th>Found</th></tr></thead><tbody>",
        );
        for difference in &report.differences {
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
        let summary = format!(
            "Differences<span class=\"pill pill-bad\">{}</span>",
            words::count(report.differences.len() as u64)
        );
        details(out, true, &summary, &body);
    }
    out.push_str("</section>\n");
}

/// Rollback: the tallies, the steps per kind, and what could not be undone.
pub(super) fn rollback(out: &mut String, report: &RollbackReport) {
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
        ("plain", report.steps.len() as u64, "steps planned"),
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
            report.failures.len() as u64,
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
    let steps = figures::steps_per_kind(report);
    if !steps.is_empty() {
        out.push_str("<p class=\"chips\">");
        for (kind, planned) in steps {
            put!(
                out,
                "<span class=\"chip\">{} {}</span>",
                escape(&words::humanize(&kind)),
                words::count(planned)
            );
        }
        out.push_str("</p>\n");
    }
    if !report.failures.is_empty() {
        out.push_str(
            "<table class=\"data\"><thead><tr><th>Journal entry</th><th>Operation</th>\
             <th>Why it could not be undone</th></tr></thead><tbody>",
        );
        for failure in &report.failures {
            put!(
                out,
                "<tr><td class=\"num\">{}</td><td><code>{}</code></td><td>{}</td></tr>",
                failure.sequence,
                escape(&failure.mark),
                escape(&failure.reason)
            );
        }
        out.push_str("</tbody></table>\n");
    }
    if !report.uncertain.is_empty() {
        out.push_str("<h4>Outcome unknown (check these by hand)</h4>");
        super::list(out, &report.uncertain);
    }
    out.push_str("</section>\n");
}
