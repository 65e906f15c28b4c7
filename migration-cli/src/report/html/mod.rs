//! The report as one self-contained HTML page: inline CSS, no script, no external asset, so it
//! opens offline and can be mailed as one file. Every piece of data goes through [`escape`].
//! Long lists show their first records per reason and link to the list files beside the page.

mod discovery;
mod inventory;
mod runs;
mod tables;
mod verification;

use super::figures::{Headline, Verdict};
use super::model::MigrationReport;
use super::outline::Part;
use super::summary::objects_table;
use super::words;
use tables::{table, Placement};

/// The page's style sheet, inlined into every page.
const STYLE: &str = include_str!("style.css");

/// Appends formatted text to a `String`; writing into a `String` cannot fail, so the
/// `fmt::Result` is dropped here once instead of at every call.
macro_rules! put {
    ($out:expr, $($arg:tt)*) => {{
        use std::fmt::Write as _;
        let _ = write!($out, $($arg)*);
    }};
}
pub(crate) use put;

/// Renders the report as a self-contained HTML page.
pub fn to_html(report: &MigrationReport) -> String {
    let mut out = String::with_capacity(64 * 1024);
    put!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>Migration report: {}</title>\n<style>\n{STYLE}</style>\n</head>\n<body>\n",
        escape(&report.project)
    );
    header(&mut out, report);
    let parts = report.parts();
    contents(&mut out, &parts);
    out.push_str("<main class=\"wrap\">\n");
    for part in parts {
        match part {
            Part::Objects => objects(&mut out, report),
            Part::Discovery(found) => discovery::section(&mut out, found),
            Part::Preflight(findings) => discovery::preflight(&mut out, findings),
            Part::UnlistedCompanies(companies) => {
                discovery::companies_without_contacts(&mut out, companies);
            }
            Part::Runs(runs) => runs::section(&mut out, runs),
            Part::Verification(verified) => verification::section(&mut out, verified),
            Part::Rollback(undone) => verification::rollback(&mut out, undone),
            Part::Inventory(written) => inventory::section(&mut out, written),
        }
    }
    put!(
        out,
        "</main>\n<footer class=\"wrap foot\">Written by vivantio2intercom {} on {}. \
         The figures are in report.json beside this page; every record of each list is in the \
         .jsonl file the list links to.</footer>\n</body>\n</html>\n",
        escape(&report.tool_version),
        escape(&timestamp(report))
    );
    out
}

fn timestamp(report: &MigrationReport) -> String {
    report.generated_at.format("%Y-%m-%d %H:%M UTC").to_string()
}

fn header(out: &mut String, report: &MigrationReport) {
    let verdict = report.verdict();
    put!(
        out,
        "<header class=\"hero\"><div class=\"wrap\">\n<div class=\"hero-top\"><div>\
         <p class=\"eyebrow\">Vivantio → Intercom migration report</p>\
         <h1>{}</h1><p class=\"meta\">Generated {} · vivantio2intercom {}</p></div>\
         <span class=\"verdict verdict-{}\">{}</span></div>\n",
        escape(&report.project),
        escape(&timestamp(report)),
        escape(&report.tool_version),
        words::wire_name(&verdict),
        verdict.label()
    );
    if let Some(open) = &report.open_tickets_in_intercom {
        put!(out, "<p class=\"meta\">{}</p>\n", escape(&open.sentence()));
    }
    if verdict != Verdict::NotRun || report.verification.is_some() {
        kpis(out, &report.headline(), report.verification.is_some());
    }
    out.push_str("</div></header>\n");
}

fn kpis(out: &mut String, headline: &Headline, verified: bool) {
    out.push_str("<div class=\"kpis\">\n");
    let of = if headline.out_of_scope > 0 {
        format!("of {} in scope", words::count(headline.in_scope()))
    } else {
        format!("of {} read", words::count(headline.source))
    };
    kpi(
        out,
        "good",
        &words::count(headline.moved),
        "records in Intercom",
        &format!(
            "{of} · {}",
            words::percent(headline.moved, headline.in_scope())
        ),
    );
    if headline.out_of_scope > 0 {
        kpi(
            out,
            "plain",
            &words::count(headline.out_of_scope),
            "out of scope",
            "left out by the [scope] of mapping.toml; widen it to move them",
        );
    }
    kpi(
        out,
        if headline.rejected > 0 {
            "warn"
        } else {
            "plain"
        },
        &words::count(headline.rejected),
        "rejected by the mapping",
        "each listed with its fix",
    );
    kpi(
        out,
        if headline.failed > 0 { "bad" } else { "plain" },
        &words::count(headline.failed),
        "failed",
        "refused by Intercom or blocked",
    );
    if verified {
        kpi(
            out,
            if headline.differences > 0 {
                "bad"
            } else {
                "good"
            },
            &words::percent(headline.matching, headline.checked),
            "verified identical",
            &format!(
                "{} of {} checked · {} differences",
                words::count(headline.matching),
                words::count(headline.checked),
                words::count(headline.differences)
            ),
        );
    }
    kpi(
        out,
        "plain",
        &words::duration(headline.total_ms),
        "total time",
        "runs, verification and rollback",
    );
    out.push_str("</div>\n");
}

fn kpi(out: &mut String, tone: &str, value: &str, label: &str, note: &str) {
    put!(
        out,
        "<div class=\"kpi kpi-{tone}\"><span class=\"kpi-value\">{}</span>\
         <span class=\"kpi-label\">{}</span><span class=\"kpi-note\">{}</span></div>\n",
        escape(value),
        escape(label),
        escape(note)
    );
}

fn contents(out: &mut String, parts: &[Part<'_>]) {
    out.push_str("<nav class=\"toc wrap\">");
    for part in parts {
        put!(out, "<a href=\"#{}\">{}</a>", anchor(part), part.title());
    }
    out.push_str("</nav>\n");
}

/// The id of a part's section on the page.
fn anchor(part: &Part<'_>) -> &'static str {
    match part {
        Part::Objects => "objects",
        Part::Discovery(_) => "discovery",
        Part::Preflight(_) => "preflight",
        Part::UnlistedCompanies(_) => "unlisted-companies",
        Part::Runs(_) => "runs",
        Part::Verification(_) => "verification",
        Part::Rollback(_) => "rollback",
        Part::Inventory(_) => "inventory",
    }
}

fn objects(out: &mut String, report: &MigrationReport) {
    out.push_str("<section id=\"objects\">\n<h2>Counts per object</h2>\n");
    let Some(baseline) = report.baseline_run() else {
        out.push_str("<p class=\"empty\">Nothing has run yet.</p>\n</section>\n");
        return;
    };
    put!(
        out,
        "<p class=\"lede\">From the {}: records already moved by an earlier run count as in \
         Intercom.</p>\n",
        escape(&words::run_title(baseline.mode, baseline.dry_run).to_lowercase())
    );
    table(
        out,
        &objects_table(&report.object_rows()),
        Placement::Section,
    );
    out.push_str("</section>\n");
}

/// Escapes text for HTML element content and quoted attribute values.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for character in text.chars() {
        match character {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_markup_character_is_escaped() {
        assert_eq!(
            escape(r#"<a href="x" onclick='y'>&</a>"#),
            "&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;&lt;/a&gt;"
        );
    }
}
