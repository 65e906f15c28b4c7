//! The runs: one panel per run with its counts, its timing per stage as a bar chart, and the
//! rejections and failures grouped by reason, the first of each shown.

use super::tables::{details, grouped, list_file, more, pill, table, Placement};
use super::{escape, put};
use crate::report::sections::RunSection;
use crate::report::summary::{RecordList, RunSummary, StageTimes};
use crate::report::table::Tone;

/// Every run, oldest first.
pub(super) fn section(out: &mut String, runs: &[RunSection]) {
    out.push_str("<section id=\"runs\">\n<h2>Runs</h2>\n");
    for (number, run) in runs.iter().enumerate() {
        panel(out, &RunSummary::new(number + 1, run));
    }
    out.push_str("</section>\n");
}

fn panel(out: &mut String, run: &RunSummary) {
    put!(
        out,
        "<article class=\"panel run\" id=\"run-{0}\">\n<div class=\"run-head\"><h3>Run {0}: {1}</h3>\
         <span class=\"badge badge-{2}\">{3}</span></div>\n<p class=\"meta\">",
        run.number,
        escape(&run.title),
        run.tone.name(),
        escape(&run.outcome)
    );
    if let Some(started) = &run.started {
        put!(out, "started {started} · ");
    }
    put!(out, "{}</p>\n", escape(&run.facts));
    if let Some(counts) = &run.counts {
        table(out, counts, Placement::Section);
    }
    if let Some(stages) = &run.stages {
        timing(out, stages);
    }
    if !run.rejections.is_empty() {
        grouped(out, &run.rejections, Tone::Plain, false);
    }
    if !run.failures.is_empty() {
        grouped(out, &run.failures, Tone::Bad, false);
    }
    extras(out, run);
    out.push_str("</article>\n");
}

/// Time per stage as horizontal bars scaled to the slowest stage.
fn timing(out: &mut String, times: &StageTimes) {
    out.push_str("<h4>Time per stage</h4>\n<div class=\"chart\">\n");
    for stage in &times.stages {
        put!(
            out,
            "<div class=\"bar-row\"><span class=\"bar-label\">{}</span>\
             <span class=\"bar-track\"><span class=\"bar{}\" style=\"width:{:.1}%\"></span></span>\
             <span class=\"bar-value\">{} · {} req</span></div>\n",
            escape(&stage.title),
            if stage.mismatch { " bar-bad" } else { "" },
            times.percent(stage),
            stage.duration,
            stage.requests
        );
    }
    out.push_str("</div>\n");
}

/// Findings counted during the run, the parent links it could not make, and a sample's choice.
fn extras(out: &mut String, run: &RunSummary) {
    if !run.findings.is_empty() {
        out.push_str("<h4>Findings during the run</h4><p class=\"chips\">");
        for (code, found) in &run.findings {
            put!(
                out,
                "<span class=\"chip\"><code>{}</code> {found}</span>",
                escape(code)
            );
        }
        out.push_str("</p>\n");
    }
    if let Some(redactions) = &run.redactions {
        put!(
            out,
            "<p>Redacted before sending: {}</p>\n",
            escape(redactions)
        );
    }
    for list in &run.records {
        records(out, list);
    }
}

/// A closed block of record chips, the first of the list, with where the rest are.
fn records(out: &mut String, list: &RecordList) {
    let listed = &list.records;
    let mut body = String::new();
    list_file(&mut body, listed.file.as_deref());
    body.push_str("<p class=\"chips\">");
    for record in &listed.first {
        put!(body, "<span class=\"chip\">{}</span>", escape(record));
    }
    body.push_str("</p>");
    more(
        &mut body,
        listed.first.len(),
        listed.total,
        listed.file.as_deref(),
    );
    let summary = format!("{}{}", escape(list.title), pill(listed.total, Tone::Plain));
    details(out, false, &summary, &body);
}
