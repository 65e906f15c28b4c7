//! The runs: one panel per run with its counts, its timing per stage as a bar chart, and every
//! rejection and failure grouped by reason.

use migration_core::engine::{RunOutcome, RunReport, StageReport};
use migration_core::reject::Rejection;

use super::{details, escape, put};
use crate::report::model::RunSection;
use crate::report::{figures, words};

/// Every run, oldest first.
pub(super) fn section(out: &mut String, runs: &[RunSection]) {
    out.push_str("<section id=\"runs\">\n<h2>Runs</h2>\n");
    for (number, run) in runs.iter().enumerate() {
        panel(out, number + 1, run);
    }
    out.push_str("</section>\n");
}

fn panel(out: &mut String, number: usize, section: &RunSection) {
    let run = &section.report;
    let tone = match run.outcome {
        RunOutcome::Completed if run.failures.is_empty() => "good",
        RunOutcome::Completed => "warn",
        _ => "bad",
    };
    put!(
        out,
        "<article class=\"panel run\" id=\"run-{number}\">\n<div class=\"run-head\"><h3>Run {number}: {}</h3>\
         <span class=\"badge badge-{tone}\">{}</span></div>\n<p class=\"meta\">",
        escape(&words::run_title(run)),
        escape(&words::outcome_text(&run.outcome))
    );
    if let Some(started) = section.started_at {
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
    rejections(out, &run.rejections);
    failures(out, run);
    extras(out, run);
    out.push_str("</article>\n");
}

fn counts(out: &mut String, run: &RunReport) {
    if run.objects.is_empty() {
        return;
    }
    out.push_str(
        "<table class=\"data\"><thead><tr><th>Object</th><th class=\"num\">Source</th>\
         <th class=\"num\">Moved</th><th class=\"num\">Already there</th>\
         <th class=\"num\">Rejected</th><th class=\"num\">Failed</th></tr></thead><tbody>\n",
    );
    for (object, counts) in &run.objects {
        put!(
            out,
            "<tr><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>\
             <td class=\"num\">{}</td><td class=\"num{}\">{}</td><td class=\"num{}\">{}</td></tr>\n",
            escape(&words::humanize(object.as_str())),
            words::count(counts.source),
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
            escape(&words::humanize(&words::wire_name(&stage.stage))),
            if mismatch { " bar-bad" } else { "" },
            words::duration(stage.duration_ms),
            words::count(stage.operations.requests)
        );
    }
    out.push_str("</div>\n");
}

fn rejections(out: &mut String, rejections: &[Rejection]) {
    if rejections.is_empty() {
        return;
    }
    put!(
        out,
        "<h4>Rejected by the mapping <span class=\"pill\">{}</span></h4>\n",
        words::count(rejections.len() as u64)
    );
    for (code, members) in figures::rejections_by_code(rejections) {
        let shared_fix = shared(members.iter().map(|rejection| rejection.fix.as_str()));
        let mut body =
            String::from("<table class=\"data\"><thead><tr><th>Record</th><th>Reason</th>");
        if shared_fix.is_none() {
            body.push_str("<th>Fix</th>");
        }
        body.push_str("</tr></thead><tbody>");
        for rejection in &members {
            put!(
                body,
                "<tr><td class=\"nowrap\">{}</td><td>{}</td>",
                escape(&rejection.record.to_string()),
                escape(&rejection.message)
            );
            if shared_fix.is_none() {
                put!(body, "<td>{}</td>", escape(&rejection.fix));
            }
            body.push_str("</tr>");
        }
        body.push_str("</tbody></table>");
        details(
            out,
            false,
            &group_summary(code.as_str(), members.len(), shared_fix),
            &body,
        );
    }
}

fn failures(out: &mut String, run: &RunReport) {
    if run.failures.is_empty() {
        return;
    }
    put!(
        out,
        "<h4>Failed <span class=\"pill pill-bad\">{}</span></h4>\n",
        words::count(run.failures.len() as u64)
    );
    for (code, members) in figures::failures_by_code(&run.failures) {
        let shared_fix = shared(members.iter().map(|failure| failure.fix.as_str()));
        let mut body = String::from(
            "<table class=\"data\"><thead><tr><th>Record</th><th>Operation</th><th>Message</th>",
        );
        if shared_fix.is_none() {
            body.push_str("<th>Fix</th>");
        }
        body.push_str("</tr></thead><tbody>");
        for failure in &members {
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
            if shared_fix.is_none() {
                put!(body, "<td>{}</td>", escape(&failure.fix));
            }
            body.push_str("</tr>");
        }
        body.push_str("</tbody></table>");
        let summary = group_summary(&words::wire_name(&code), members.len(), shared_fix);
        details(out, false, &summary, &body);
    }
}

/// Findings counted during the run, the parent links it could not make, and a sample's choice.
fn extras(out: &mut String, run: &RunReport) {
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
    if !run.unlinked_children.is_empty() {
        let mut body = String::from("<p class=\"chips\">");
        for child in &run.unlinked_children {
            put!(
                body,
                "<span class=\"chip\">{}</span>",
                escape(&child.to_string())
            );
        }
        body.push_str("</p>");
        let summary = format!(
            "Children not linked to their parent (the parent did not move)<span class=\"pill\">{}</span>",
            words::count(run.unlinked_children.len() as u64)
        );
        details(out, false, &summary, &body);
    }
    if !run.sample.is_empty() {
        let mut body = String::from("<p class=\"chips\">");
        for record in &run.sample {
            put!(
                body,
                "<span class=\"chip\">{}</span>",
                escape(&record.to_string())
            );
        }
        body.push_str("</p>");
        let summary = format!(
            "Tickets in the sample<span class=\"pill\">{}</span>",
            words::count(run.sample.len() as u64)
        );
        details(out, false, &summary, &body);
    }
}

/// The text every member has, when they all have the same.
fn shared<'a>(mut texts: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    let first = texts.next()?;
    texts.all(|text| text == first).then_some(first)
}

fn group_summary(code: &str, members: usize, fix: Option<&str>) -> String {
    let mut summary = format!(
        "<code>{}</code><span class=\"pill\">{}</span>",
        escape(code),
        words::count(members as u64)
    );
    if let Some(fix) = fix {
        put!(summary, "<span class=\"fix\">Fix: {}</span>", escape(fix));
    }
    summary
}
