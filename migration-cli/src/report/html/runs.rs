//! The runs: one panel per run with its counts, its timing per stage as a bar chart, and the
//! rejections and failures grouped by reason, the first of each shown.

use migration_core::engine::{RunOutcome, StageReport};
use migration_core::model::source::SourceRef;

use super::{details, escape, list_file, more, put};
use crate::report::lists::Listed;
use crate::report::sections::RunSection;
use crate::report::words;

/// Every run, oldest first.
pub(super) fn section(out: &mut String, runs: &[RunSection]) {
    out.push_str("<section id=\"runs\">\n<h2>Runs</h2>\n");
    for (number, run) in runs.iter().enumerate() {
        panel(out, number + 1, run);
    }
    out.push_str("</section>\n");
}

fn panel(out: &mut String, number: usize, run: &RunSection) {
    let tone = match run.outcome {
        RunOutcome::Completed if run.failures.is_empty() => "good",
        RunOutcome::Completed => "warn",
        _ => "bad",
    };
    put!(
        out,
        "<article class=\"panel run\" id=\"run-{number}\">\n<div class=\"run-head\"><h3>Run {number}: {}</h3>\
         <span class=\"badge badge-{tone}\">{}</span></div>\n<p class=\"meta\">",
        escape(&words::run_title(run.mode, run.dry_run)),
        escape(&words::outcome_text(&run.outcome))
    );
    if let Some(started) = run.started_at {
        put!(out, "started {} · ", started.format("%Y-%m-%d %H:%M UTC"));
    }
    put!(
        out,
        "{} · {} requests · {:.2} requests per record",
        words::duration(run.duration_ms),
        words::count(run.requests),
        run.requests_per_record
    );
    if let Some(watermark) = run.watermark {
        match chrono::DateTime::from_timestamp(watermark.at, 0) {
            Some(at) => put!(out, " · watermark {}", at.format("%Y-%m-%d %H:%M:%S UTC")),
            None => put!(out, " · watermark {}", watermark.at),
        }
    }
    out.push_str("</p>\n");
    counts(out, run);
    timing(out, &run.stages);
    rejections(out, run);
    failures(out, run);
    extras(out, run);
    out.push_str("</article>\n");
}

fn counts(out: &mut String, run: &RunSection) {
    if run.objects.is_empty() {
        return;
    }
    // The column shows only when the scope left something out.
    let scoped = run.objects.values().any(|counts| counts.out_of_scope > 0);
    out.push_str("<table class=\"data\"><thead><tr><th>Object</th><th class=\"num\">Source</th>");
    if scoped {
        out.push_str("<th class=\"num\">Out of scope</th>");
    }
    out.push_str(
        "<th class=\"num\">Moved</th><th class=\"num\">Already there</th>\
         <th class=\"num\">Rejected</th><th class=\"num\">Failed</th></tr></thead><tbody>\n",
    );
    for (object, counts) in &run.objects {
        put!(
            out,
            "<tr><td>{}</td><td class=\"num\">{}</td>",
            escape(&words::humanize(object.as_str())),
            words::count(counts.source)
        );
        if scoped {
            put!(
                out,
                "<td class=\"num\">{}</td>",
                words::count(counts.out_of_scope)
            );
        }
        put!(
            out,
            "<td class=\"num\">{}</td>\
             <td class=\"num\">{}</td><td class=\"num{}\">{}</td><td class=\"num{}\">{}</td></tr>\n",
            words::count(counts.moved),
            words::count(counts.skipped),
            if counts.rejected > 0 { " warn-text" } else { "" },
            words::count(counts.rejected),
            if counts.failed > 0 { " bad-text" } else { "" },
            words::count(counts.failed)
        );
    }
    out.push_str("</tbody></table>\n");
}

/// Time per stage as horizontal bars scaled to the slowest stage.
fn timing(out: &mut String, stages: &[StageReport]) {
    let slowest = stages
        .iter()
        .map(|stage| stage.duration_ms)
        .max()
        .unwrap_or(0);
    if slowest == 0 {
        return;
    }
    out.push_str("<h4>Time per stage</h4>\n<div class=\"chart\">\n");
    for stage in stages {
        let width = stage.duration_ms as f64 * 100.0 / slowest as f64;
        let mismatch = stage
            .reconciliation
            .as_ref()
            .is_some_and(|reconciliation| !reconciliation.matches);
        put!(
            out,
            "<div class=\"bar-row\"><span class=\"bar-label\">{}</span>\
             <span class=\"bar-track\"><span class=\"bar{}\" style=\"width:{width:.1}%\"></span></span>\
             <span class=\"bar-value\">{} · {} req</span></div>\n",
            escape(&words::stage_title(stage)),
            if mismatch { " bar-bad" } else { "" },
            words::duration(stage.duration_ms),
            words::count(stage.operations.requests)
        );
    }
    out.push_str("</div>\n");
}

fn rejections(out: &mut String, run: &RunSection) {
    let rejections = &run.rejections;
    if rejections.is_empty() {
        return;
    }
    put!(
        out,
        "<h4>Rejected by the mapping <span class=\"pill\">{}</span></h4>\n",
        words::count(rejections.total)
    );
    list_file(out, rejections.file.as_deref());
    for group in &rejections.groups {
        let mut body =
            String::from("<table class=\"data\"><thead><tr><th>Record</th><th>Reason</th>");
        if group.fix.is_none() {
            body.push_str("<th>Fix</th>");
        }
        body.push_str("</tr></thead><tbody>");
        for rejection in &group.examples {
            put!(
                body,
                "<tr><td class=\"nowrap\">{}</td><td>{}</td>",
                escape(&rejection.record.to_string()),
                escape(&rejection.message)
            );
            if group.fix.is_none() {
                put!(body, "<td>{}</td>", escape(&rejection.fix));
            }
            body.push_str("</tr>");
        }
        body.push_str("</tbody></table>");
        more(
            &mut body,
            group.examples.len(),
            group.count,
            rejections.file.as_deref(),
        );
        details(
            out,
            false,
            &group_summary(&group.reason, group.count, group.fix.as_deref()),
            &body,
        );
    }
}

fn failures(out: &mut String, run: &RunSection) {
    let failures = &run.failures;
    if failures.is_empty() {
        return;
    }
    put!(
        out,
        "<h4>Failed <span class=\"pill pill-bad\">{}</span></h4>\n",
        words::count(failures.total)
    );
    list_file(out, failures.file.as_deref());
    for group in &failures.groups {
        let mut body = String::from(
            "<table class=\"data\"><thead><tr><th>Record</th><th>Operation</th><th>Message</th>",
        );
        if group.fix.is_none() {
            body.push_str("<th>Fix</th>");
        }
        body.push_str("</tr></thead><tbody>");
        for failure in &group.examples {
            let record = failure
                .record
                .map_or_else(|| "–".to_string(), |record| record.to_string());
            put!(
                body,
                "<tr><td class=\"nowrap\">{}</td><td><code>{}</code></td><td>{}</td>",
                escape(&record),
                escape(&failure.operation),
                escape(&failure.message)
            );
            if group.fix.is_none() {
                put!(body, "<td>{}</td>", escape(&failure.fix));
            }
            body.push_str("</tr>");
        }
        body.push_str("</tbody></table>");
        more(
            &mut body,
            group.examples.len(),
            group.count,
            failures.file.as_deref(),
        );
        let summary = group_summary(&group.reason, group.count, group.fix.as_deref());
        details(out, false, &summary, &body);
    }
}

/// Findings counted during the run, the parent links it could not make, and a sample's choice.
fn extras(out: &mut String, run: &RunSection) {
    if !run.findings.is_empty() {
        out.push_str("<h4>Findings during the run</h4><p class=\"chips\">");
        for (code, found) in &run.findings {
            put!(
                out,
                "<span class=\"chip\"><code>{}</code> {}</span>",
                code.as_str(),
                words::count(*found)
            );
        }
        out.push_str("</p>\n");
    }
    if !run.redactions.is_empty() {
        put!(
            out,
            "<p>Redacted before sending: {}</p>\n",
            escape(&run.redactions.lines().join(" · "))
        );
    }
    records(
        out,
        "Children not linked to their parent (the parent did not move)",
        &run.unlinked_children,
    );
    records(out, "Tickets in the sample", &run.sample);
}

/// A closed block of record chips, the first of the list, with where the rest are.
fn records(out: &mut String, title: &str, listed: &Listed<SourceRef>) {
    if listed.is_empty() {
        return;
    }
    let mut body = String::new();
    list_file(&mut body, listed.file.as_deref());
    body.push_str("<p class=\"chips\">");
    for record in &listed.first {
        put!(
            body,
            "<span class=\"chip\">{}</span>",
            escape(&record.to_string())
        );
    }
    body.push_str("</p>");
    more(
        &mut body,
        listed.first.len(),
        listed.total,
        listed.file.as_deref(),
    );
    let summary = format!(
        "{}<span class=\"pill\">{}</span>",
        escape(title),
        words::count(listed.total)
    );
    details(out, false, &summary, &body);
}

fn group_summary(code: &str, members: u64, fix: Option<&str>) -> String {
    let mut summary = format!(
        "<code>{}</code><span class=\"pill\">{}</span>",
        escape(code),
        words::count(members)
    );
    if let Some(fix) = fix {
        put!(summary, "<span class=\"fix\">Fix: {}</span>", escape(fix));
    }
    summary
}
