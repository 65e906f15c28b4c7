//! The report as GitHub-flavoured Markdown, with the same content as the HTML page: tables,
//! lists and headings only, so it reads well raw and rendered. Every piece of data goes
//! through [`text`], [`cell`] or [`code`]. Long lists show their first records per reason and
//! link to the list files beside the document.

mod inventory;
mod runs;

use migration_core::reject::Severity;

use super::lists::Listed;
use super::model::{CompanyWithoutContacts, DiscoverySummary, MigrationReport};
use super::sections::PreflightSection;
use super::words;

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
    objects(&mut out, report);
    if let Some(discovery) = &report.discovery {
        discovery_section(&mut out, discovery);
    }
    if let Some(preflight) = &report.preflight {
        preflight_section(&mut out, preflight);
    }
    companies_without_contacts(&mut out, &report.companies_without_contacts);
    if !report.runs.is_empty() {
        runs::section(&mut out, &report.runs);
    }
    if let Some(verification) = &report.verification {
        runs::verification(&mut out, verification);
    }
    if let Some(rollback) = &report.rollback {
        runs::rollback(&mut out, rollback);
    }
    if let Some(inventory) = &report.inventory {
        inventory::section(&mut out, inventory);
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
    let rows = report.object_rows();
    // The column shows only when the scope left something out.
    let scoped = rows.iter().any(|row| row.out_of_scope > 0);
    put!(
        out,
        "From the {}: records already moved by an earlier run count as in Intercom.\n\n",
        words::run_title(baseline.mode, baseline.dry_run).to_lowercase()
    );
    if scoped {
        out.push_str(
            "| Object | Source | Out of scope | In Intercom | Rejected | Failed | Verified |\n\
             | --- | ---: | ---: | ---: | ---: | ---: | ---: |\n",
        );
    } else {
        out.push_str(
            "| Object | Source | In Intercom | Rejected | Failed | Verified |\n\
             | --- | ---: | ---: | ---: | ---: | ---: |\n",
        );
    }
    for row in rows {
        let verified = row.verified.map_or_else(
            || "–".to_string(),
            |counts| {
                format!(
                    "{} of {}",
                    words::count(counts.matching),
                    words::count(counts.checked)
                )
            },
        );
        put!(
            out,
            "| {} | {} |",
            words::humanize(row.object.as_str()),
            words::count(row.source)
        );
        if scoped {
            put!(out, " {} |", words::count(row.out_of_scope));
        }
        put!(
            out,
            " {} | {} | {} | {verified} |\n",
            words::count(row.moved),
            words::count(row.rejected),
            words::count(row.failed)
        );
    }
    out.push('\n');
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
         - Attachments: {} ({}), {} over Intercom's size limit\n",
        words::count(discovery.custom_fields.modern),
        words::count(discovery.custom_fields.legacy),
        words::count(discovery.agents),
        words::count(discovery.groups),
        words::count(discovery.attachments.count),
        words::bytes(discovery.attachments.total_bytes),
        words::count(discovery.attachments.over_limit)
    );
    if !discovery.attachments.largest.is_empty() {
        out.push_str("\nLargest files:\n\n| File | Ticket | Size |\n| --- | ---: | ---: |\n");
        for file in &discovery.attachments.largest {
            put!(
                out,
                "| {} | {} | {} |\n",
                cell(&file.file_name),
                file.ticket_id,
                words::bytes(file.bytes)
            );
        }
    }
    if !discovery.articles.is_empty() {
        out.push_str(
            "\nArticles per category and language:\n\n| Category | Language | Articles |\n\
             | --- | --- | ---: |\n",
        );
        for tally in &discovery.articles {
            put!(
                out,
                "| {} | {} | {} |\n",
                cell(&tally.category),
                cell(&tally.language),
                words::count(tally.articles)
            );
        }
    }
    let intercom = &discovery.intercom;
    out.push_str("\n### Intercom workspace\n\n");
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
        words::help_center_text(intercom.help_center)
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
    let findings = &report.findings;
    if findings.is_empty() {
        out.push_str("Nothing to report: every record moves as it is.\n\n");
    }
    list_file(out, findings.file.as_deref());
    for group in &findings.groups {
        put!(
            out,
            "### {} ({})\n\n| Severity | Record | What | Fix |\n| --- | --- | --- | --- |\n",
            code(&group.reason),
            words::count(group.count)
        );
        for finding in &group.examples {
            put!(
                out,
                "| {} | {} | {} | {} |\n",
                words::wire_name(&finding.severity),
                cell(&finding.record.to_string()),
                cell(&finding.message),
                cell(&finding.fix)
            );
        }
        out.push('\n');
        more(
            out,
            group.examples.len(),
            group.count,
            findings.file.as_deref(),
        );
    }
}

/// The companies Intercom will leave out of its company lists until a contact is attached.
fn companies_without_contacts(out: &mut String, companies: &Listed<CompanyWithoutContacts>) {
    if companies.is_empty() {
        return;
    }
    put!(
        out,
        "## Companies Intercom will not list ({})\n\n\
         No migrated contact is attached to these companies. Intercom leaves a company without \
         users out of its company lists (the API's lists and scroll, and the Inbox) until a \
         contact is attached; it exists, and a lookup by `company_id` finds it.\n\n",
        words::count(companies.total)
    );
    list_file(out, companies.file.as_deref());
    out.push_str("| Record | company_id | Name |\n| --- | --- | --- |\n");
    for company in &companies.first {
        put!(
            out,
            "| {} | {} | {} |\n",
            cell(&company.record.to_string()),
            code(&company.company_id),
            cell(&company.name)
        );
    }
    out.push('\n');
    more(
        out,
        companies.first.len(),
        companies.total,
        companies.file.as_deref(),
    );
}

/// The paragraph naming the file that holds every record of a list (nothing without one).
pub(crate) fn list_file(out: &mut String, file: Option<&str>) {
    if let Some(file) = file {
        put!(
            out,
            "Every record, one per line (JSON Lines): {}\n\n",
            link(file)
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
        "The first {} of {}",
        words::count(shown as u64),
        words::count(total)
    );
    if let Some(file) = file {
        put!(out, "; every one is in {}", link(file));
    }
    out.push_str(".\n\n");
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
