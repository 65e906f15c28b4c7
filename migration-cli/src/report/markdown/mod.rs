//! The report as GitHub-flavoured Markdown, with the same content as the HTML page: tables,
//! lists and headings only, so it reads well raw and rendered. Every piece of data goes
//! through [`text`], [`cell`] or [`code`]. Long lists show their first records per reason and
//! link to the list files beside the document.

mod inventory;
mod runs;
mod tables;
mod verification;

use migration_core::reject::Severity;

use super::lists::Listed;
use super::model::{CompanyWithoutContacts, DiscoverySummary, MigrationReport};
use super::outline::Part;
use super::sections::PreflightSection;
use super::summary::{self, article_tallies, largest_files, objects_table, preflight_findings};
use super::words;
use tables::{groups, listed, table};

/// Appends formatted text to a `String`; writing into a `String` cannot fail.
macro_rules! put {
    ($out:expr, $($arg:tt)*) => {{
        use std::fmt::Write as _;
        let _ = write!($out, $($arg)*);
    }};
}
pub(crate) use put;

/// Renders the report as Markdown.
pub fn to_markdown(report: &MigrationReport) -> String {
    let mut out = String::with_capacity(32 * 1024);
    header(&mut out, report);
    for part in report.parts() {
        match part {
            Part::Objects => objects(&mut out, report),
            Part::Discovery(found) => discovery_section(&mut out, found),
            Part::Preflight(findings) => preflight_section(&mut out, findings),
            Part::UnlistedCompanies(companies) => companies_without_contacts(&mut out, companies),
            Part::Runs(runs) => runs::section(&mut out, runs),
            Part::Verification(verified) => verification::section(&mut out, verified),
            Part::Rollback(undone) => verification::rollback(&mut out, undone),
            Part::Inventory(written) => inventory::section(&mut out, written),
        }
    }
    while out.ends_with("\n\n") {
        out.pop();
    }
    out
}

fn header(out: &mut String, report: &MigrationReport) {
    let verdict = report.verdict();
    put!(
        out,
        "# Migration report: {}\n\nVivantio → Intercom · generated {} · vivantio2intercom {} · **{}**\n\n",
        text(&report.project),
        report.generated_at.format("%Y-%m-%d %H:%M UTC"),
        text(&report.tool_version),
        verdict.label()
    );
    if let Some(open) = &report.open_tickets_in_intercom {
        put!(out, "{}\n\n", open.sentence());
    }
    if report.baseline_run().is_none() && report.verification.is_none() {
        return;
    }
    let headline = report.headline();
    let scoped = headline.out_of_scope > 0;
    out.push_str("| Records in Intercom |");
    if scoped {
        out.push_str(" Out of scope |");
    }
    out.push_str(" Rejected | Failed |");
    if report.verification.is_some() {
        out.push_str(" Verified identical | Differences |");
    }
    out.push_str(" Total time |\n| ---: | ---: | ---: |");
    if scoped {
        out.push_str(" ---: |");
    }
    if report.verification.is_some() {
        out.push_str(" ---: | ---: |");
    }
    if scoped {
        put!(
            out,
            " ---: |\n| {} of {} in scope | {} |",
            words::count(headline.moved),
            words::count(headline.in_scope()),
            words::count(headline.out_of_scope)
        );
    } else {
        put!(
            out,
            " ---: |\n| {} of {} |",
            words::count(headline.moved),
            words::count(headline.source)
        );
    }
    put!(
        out,
        " {} | {} |",
        words::count(headline.rejected),
        words::count(headline.failed)
    );
    if report.verification.is_some() {
        put!(
            out,
            " {} ({} of {}) | {} |",
            words::percent(headline.matching, headline.checked),
            words::count(headline.matching),
            words::count(headline.checked),
            words::count(headline.differences)
        );
    }
    put!(out, " {} |\n\n", words::duration(headline.total_ms));
}

fn objects(out: &mut String, report: &MigrationReport) {
    out.push_str("## Counts per object\n\n");
    let Some(baseline) = report.baseline_run() else {
        out.push_str("Nothing has run yet.\n\n");
        return;
    };
    put!(
        out,
        "From the {}: records already moved by an earlier run count as in Intercom.\n\n",
        words::run_title(baseline.mode, baseline.dry_run).to_lowercase()
    );
    table(out, &objects_table(&report.object_rows()));
}

fn discovery_section(out: &mut String, discovery: &DiscoverySummary) {
    out.push_str("## Discovery\n\n### Vivantio\n\n| Object | Records |\n| --- | ---: |\n");
    for (object, records) in &discovery.records {
        put!(
            out,
            "| {} | {} |\n",
            cell(&words::humanize(object)),
            words::count(*records)
        );
    }
    put!(
        out,
        "\n- Custom fields: {} modern, {} legacy\n- Agents: {} · groups: {}\n\
         - Attachments: {} ({}), {} over Intercom's size limit\n\n",
        words::count(discovery.custom_fields.modern),
        words::count(discovery.custom_fields.legacy),
        words::count(discovery.agents),
        words::count(discovery.groups),
        words::count(discovery.attachments.count),
        words::bytes(discovery.attachments.total_bytes),
        words::count(discovery.attachments.over_limit)
    );
    if !discovery.attachments.largest.is_empty() {
        out.push_str("Largest files:\n\n");
        table(out, &largest_files(&discovery.attachments));
    }
    if !discovery.articles.is_empty() {
        out.push_str("Articles per category and language:\n\n");
        table(out, &article_tallies(&discovery.articles));
    }
    let intercom = &discovery.intercom;
    out.push_str("### Intercom workspace\n\n");
    for (model, attributes) in &intercom.attributes {
        put!(
            out,
            "- {} attributes: {}\n",
            text(&words::humanize(model)),
            words::count(*attributes)
        );
    }
    put!(
        out,
        "- Admins: {}\n- Teams: {}\n- Ticket types: {}\n- Help Center: {}\n",
        words::count(intercom.admins),
        names(&intercom.teams),
        names(&intercom.ticket_types),
        intercom.help_center.text()
    );
    if !intercom.sla_note.is_empty() {
        put!(out, "\n> **SLAs.** {}\n", text(&intercom.sla_note));
    }
    out.push('\n');
}

/// `3 (Billing, Support, Escalations)`, or `0`.
fn names(items: &[String]) -> String {
    if items.is_empty() {
        return "0".to_string();
    }
    let listed: Vec<String> = items.iter().map(|item| text(item)).collect();
    format!("{} ({})", items.len(), listed.join(", "))
}

fn preflight_section(out: &mut String, report: &PreflightSection) {
    out.push_str("## Pre-flight findings\n\n");
    put!(
        out,
        "Errors (will not move): **{}** · warnings (move, changed): **{}** · notes: **{}**\n\n",
        words::count(report.of_severity(Severity::Error)),
        words::count(report.of_severity(Severity::Warning)),
        words::count(report.of_severity(Severity::Info))
    );
    if !report.out_of_scope.is_empty() {
        put!(
            out,
            "Not checked: {} outside the `[scope]` of mapping.toml; they do not move, so they \
             are neither findings nor errors.\n\n",
            words::left_out_text(&report.out_of_scope)
        );
    }
    if !report.redactions.is_empty() {
        put!(
            out,
            "Redacted before sending: {}\n\n",
            report.redactions.lines().join(" · ")
        );
    }
    if report.findings.is_empty() {
        out.push_str("Nothing to report: every record moves as it is.\n\n");
    }
    groups(out, &preflight_findings(report), Some("###"));
}

/// The companies Intercom will leave out of its company lists until a contact is attached.
fn companies_without_contacts(out: &mut String, companies: &Listed<CompanyWithoutContacts>) {
    put!(
        out,
        "## Companies Intercom will not list ({})\n\n\
         No migrated contact is attached to these companies. Intercom leaves a company without \
         users out of its company lists (the API's lists and scroll, and the Inbox) until a \
         contact is attached; it exists, and a lookup by `company_id` finds it.\n\n",
        words::count(companies.total)
    );
    listed(out, &summary::companies_without_contacts(companies));
}

/// A link to a file beside the document: its name as the text, the name percent-encoded
/// (beyond letters, digits, `.`, `-` and `_`) as the target.
fn link(file: &str) -> String {
    let mut target = String::with_capacity(file.len());
    for byte in file.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'.' | b'-' | b'_') {
            target.push(char::from(byte));
        } else {
            put!(target, "%{byte:02X}");
        }
    }
    format!("[{}]({target})", text(file))
}

/// Escapes data for Markdown running text: every character that could open inline markup is
/// backslash-escaped, and line breaks become spaces so data cannot open a block.
pub(crate) fn text(raw: &str) -> String {
    let characters: Vec<char> = raw.chars().collect();
    let mut out = String::with_capacity(raw.len() + 8);
    for (position, &character) in characters.iter().enumerate() {
        match character {
            '\\' | '`' | '*' | '[' | ']' | '<' | '|' | '~' | '&' => {
                out.push('\\');
                out.push(character);
            }
            // Inside a word an underscore cannot open emphasis; at a word's edge it can.
            '_' => {
                let word = |at: Option<&char>| at.is_some_and(|c| c.is_alphanumeric());
                let before = position.checked_sub(1).and_then(|at| characters.get(at));
                if !(word(before) && word(characters.get(position + 1))) {
                    out.push('\\');
                }
                out.push('_');
            }
            '\r' | '\n' => out.push(' '),
            other => out.push(other),
        }
    }
    out
}

/// Escapes data that starts a line (a list item, a step, a quote) as [`text`] does, and also
/// a leading heading, quote or list marker that would turn it into a block of its own.
pub(crate) fn line_start(raw: &str) -> String {
    let trimmed = raw.trim_start();
    let escaped = text(trimmed);
    if trimmed.starts_with(['-', '+', '=', '#', '>']) {
        return format!("\\{escaped}");
    }
    let digits = trimmed.chars().take_while(char::is_ascii_digit).count();
    match trimmed[digits..].chars().next() {
        Some(marker @ ('.' | ')')) if digits > 0 => {
            format!("{}\\{marker}{}", &trimmed[..digits], &escaped[digits + 1..])
        }
        _ => escaped,
    }
}

/// Escapes data for a table cell (as [`text`]; pipes are escaped there already).
pub(crate) fn cell(raw: &str) -> String {
    let escaped = text(raw);
    if escaped.is_empty() {
        "–".to_string()
    } else {
        escaped
    }
}

/// Data as an inline code span inside a table: a fence longer than any backtick run inside,
/// pipes escaped (GitHub splits cells on them even in code).
pub(crate) fn code(raw: &str) -> String {
    let flat = raw.replace(['\r', '\n'], " ").replace('|', "\\|");
    let mut longest = 0;
    let mut run = 0;
    for character in flat.chars() {
        run = if character == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    let fence = "`".repeat(longest + 1);
    let pad = if flat.starts_with('`') || flat.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{flat}{pad}{fence}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_in_data_is_neutralised() {
        assert_eq!(text("<b>*x*</b> | y"), "\\<b>\\*x\\*\\</b> \\| y");
        assert_eq!(text("snake_case _emphasis_"), "snake_case \\_emphasis\\_");
        assert_eq!(text("version 0.1.0"), "version 0.1.0");
        assert_eq!(line_start("- not a list"), "\\- not a list");
        assert_eq!(line_start("12. not a list"), "12\\. not a list");
        assert_eq!(line_start("# title\nline"), "\\# title line");
        assert_eq!(line_start("> quote"), "\\> quote");
    }

    #[test]
    fn links_to_list_files_cannot_break_out_of_their_target() {
        assert_eq!(
            link("run-2-rejections.jsonl"),
            "[run-2-rejections.jsonl](run-2-rejections.jsonl)"
        );
        assert_eq!(
            link("a b)[c].jsonl"),
            "[a b)\\[c\\].jsonl](a%20b%29%5Bc%5D.jsonl)"
        );
    }

    #[test]
    fn code_spans_survive_backticks_and_pipes() {
        assert_eq!(code("a`b"), "``a`b``");
        assert_eq!(code("`x`"), "`` `x` ``");
        assert_eq!(code("a|b"), "`a\\|b`");
    }
}
