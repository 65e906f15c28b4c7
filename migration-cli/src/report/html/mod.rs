//! The report as one self-contained HTML page: inline CSS, no script, no external asset, so it
//! opens offline and can be mailed as one file. Every piece of data goes through [`escape`].
//! Long lists show their first records per reason and link to the list files beside the page.

mod discovery;
mod inventory;
mod runs;
mod verification;

use super::figures::{Headline, ObjectRow, Verdict};
use super::model::MigrationReport;
use super::words;

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
    contents(&mut out, report);
    out.push_str("<main class=\"wrap\">\n");
    objects(&mut out, report);
    if let Some(discovery) = &report.discovery {
        discovery::section(&mut out, discovery);
    }
    if let Some(preflight) = &report.preflight {
        discovery::preflight(&mut out, preflight);
    }
    discovery::companies_without_contacts(&mut out, &report.companies_without_contacts);
    if !report.runs.is_empty() {
        runs::section(&mut out, &report.runs);
    }
    if let Some(verification) = &report.verification {
        verification::section(&mut out, verification);
    }
    if let Some(rollback) = &report.rollback {
        verification::rollback(&mut out, rollback);
    }
    if let Some(written) = &report.inventory {
        inventory::section(&mut out, written);
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

fn contents(out: &mut String, report: &MigrationReport) {
    let mut links: Vec<(&str, &str)> = vec![("objects", "Counts per object")];
    if report.discovery.is_some() {
        links.push(("discovery", "Discovery"));
    }
    if report.preflight.is_some() {
        links.push(("preflight", "Pre-flight"));
    }
    if !report.companies_without_contacts.is_empty() {
        links.push(("unlisted-companies", "Companies Intercom will not list"));
    }
    if !report.runs.is_empty() {
        links.push(("runs", "Runs"));
    }
    if report.verification.is_some() {
        links.push(("verification", "Verification"));
    }
    if report.rollback.is_some() {
        links.push(("rollback", "Rollback"));
    }
    if report.inventory.is_some() {
        links.push(("inventory", "Written inventory"));
    }
    out.push_str("<nav class=\"toc wrap\">");
    for (anchor, title) in links {
        put!(out, "<a href=\"#{anchor}\">{title}</a>");
    }
    out.push_str("</nav>\n");
}

fn objects(out: &mut String, report: &MigrationReport) {
    out.push_str("<section id=\"objects\">\n<h2>Counts per object</h2>\n");
    let rows = report.object_rows();
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
    // The column shows only when the scope left something out.
    let scoped = rows.iter().any(|row| row.out_of_scope > 0);
    out.push_str("<table class=\"data\"><thead><tr><th>Object</th><th class=\"num\">Source</th>");
    if scoped {
        out.push_str("<th class=\"num\">Out of scope</th>");
    }
    out.push_str(
        "<th class=\"num\">In Intercom</th><th class=\"progress-col\"></th>\
         <th class=\"num\">Rejected</th><th class=\"num\">Failed</th>\
         <th class=\"num\">Verified</th></tr></thead>\n<tbody>\n",
    );
    for row in &rows {
        object_row(out, row, scoped);
    }
    out.push_str("</tbody></table>\n</section>\n");
}

fn object_row(out: &mut String, row: &ObjectRow, scoped: bool) {
    let share = if row.in_scope() == 0 {
        0.0
    } else {
        (row.moved as f64 * 100.0 / row.in_scope() as f64).min(100.0)
    };
    let verified = match row.verified {
        Some(counts) if counts.differing + counts.missing > 0 => format!(
            "<span class=\"bad-text\">{} of {}</span>",
            words::count(counts.matching),
            words::count(counts.checked)
        ),
        Some(counts) => format!(
            "<span class=\"good-text\">{} of {}</span>",
            words::count(counts.matching),
            words::count(counts.checked)
        ),
        None => "<span class=\"muted\">–</span>".to_string(),
    };
    put!(
        out,
        "<tr><td>{}</td><td class=\"num\">{}</td>",
        escape(&words::humanize(row.object.as_str())),
        words::count(row.source)
    );
    if scoped {
        put!(
            out,
            "<td class=\"num\">{}</td>",
            words::count(row.out_of_scope)
        );
    }
    put!(
        out,
        "<td class=\"num\">{}</td>\
         <td class=\"progress-col\"><span class=\"meter\"><span style=\"width:{share:.1}%\"></span></span></td>\
         <td class=\"num{}\">{}</td><td class=\"num{}\">{}</td><td class=\"num\">{verified}</td></tr>\n",
        words::count(row.moved),
        if row.rejected > 0 { " warn-text" } else { "" },
        words::count(row.rejected),
        if row.failed > 0 { " bad-text" } else { "" },
        words::count(row.failed),
    );
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

/// A `<details>` block: a summary line and a body, open or closed.
pub(crate) fn details(out: &mut String, open: bool, summary: &str, body: &str) {
    put!(
        out,
        "<details class=\"group\"{}><summary>{summary}</summary>\n<div class=\"group-body\">{body}</div></details>\n",
        if open { " open" } else { "" }
    );
}

/// The line naming the file that holds every record of a list (nothing without one).
pub(crate) fn list_file(out: &mut String, file: Option<&str>) {
    if let Some(file) = file {
        put!(
            out,
            "<p class=\"list-file\">Every record, one per line (JSON Lines): \
             <a href=\"{0}\">{0}</a></p>\n",
            escape(file)
        );
    }
}

/// Under the records shown of a group or list, when they are not all of it: how many are
/// shown, and where the rest are.
pub(crate) fn more(out: &mut String, shown: usize, total: u64, file: Option<&str>) {
    if shown as u64 >= total {
        return;
    }
    put!(
        out,
        "<p class=\"more\">The first {} of {}",
        words::count(shown as u64),
        words::count(total)
    );
    if let Some(file) = file {
        put!(
            out,
            "; every one is in <a href=\"{0}\">{0}</a>",
            escape(file)
        );
    }
    out.push_str(".</p>");
}

/// A list of escaped items, or nothing when there are none.
pub(crate) fn list(out: &mut String, items: &[String]) {
    if items.is_empty() {
        return;
    }
    out.push_str("<ul>");
    for item in items {
        put!(out, "<li>{}</li>", escape(item));
    }
    out.push_str("</ul>");
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
