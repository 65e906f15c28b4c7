//! The sections about what was there before anything moved: discovery and pre-flight.

use migration_core::reject::Severity;

use super::{details, escape, list_file, more, put};
use crate::report::lists::Listed;
use crate::report::model::{CompanyWithoutContacts, DiscoverySummary, IntercomSummary};
use crate::report::sections::PreflightSection;
use crate::report::words;

/// The discovery section: both sides side by side.
pub(super) fn section(out: &mut String, discovery: &DiscoverySummary) {
    out.push_str("<section id=\"discovery\">\n<h2>Discovery</h2>\n<div class=\"columns\">\n");
    out.push_str("<div class=\"panel\"><h3>Vivantio</h3>\n");
    facts_table(
        out,
        discovery
            .records
            .iter()
            .map(|(object, records)| (words::humanize(object), words::count(*records))),
    );
    facts_table(
        out,
        [
            (
                "Custom fields (modern)".to_string(),
                words::count(discovery.custom_fields.modern),
            ),
            (
                "Legacy fields".to_string(),
                words::count(discovery.custom_fields.legacy),
            ),
            ("Agents".to_string(), words::count(discovery.agents)),
            ("Groups".to_string(), words::count(discovery.groups)),
            (
                "Attachments".to_string(),
                format!(
                    "{} · {}",
                    words::count(discovery.attachments.count),
                    words::bytes(discovery.attachments.total_bytes)
                ),
            ),
            (
                "Over Intercom's size limit".to_string(),
                words::count(discovery.attachments.over_limit),
            ),
        ],
    );
    if !discovery.attachments.largest.is_empty() {
        out.push_str(
            "<h4>Largest files</h4><table class=\"data compact\"><thead><tr><th>File</th>\
             <th>Ticket</th><th class=\"num\">Size</th></tr></thead><tbody>",
        );
        for file in &discovery.attachments.largest {
            put!(
                out,
                "<tr><td class=\"wrap-text\">{}</td><td>{}</td><td class=\"num\">{}</td></tr>",
                escape(&file.file_name),
                file.ticket_id,
                words::bytes(file.bytes)
            );
        }
        out.push_str("</tbody></table>\n");
    }
    if !discovery.articles.is_empty() {
        out.push_str(
            "<h4>Articles per category and language</h4><table class=\"data compact\"><thead>\
             <tr><th>Category</th><th>Language</th><th class=\"num\">Articles</th></tr></thead><tbody>",
        );
        for tally in &discovery.articles {
            put!(
                out,
                "<tr><td>{}</td><td>{}</td><td class=\"num\">{}</td></tr>",
                escape(&tally.category),
                escape(&tally.language),
                words::count(tally.articles)
            );
        }
        out.push_str("</tbody></table>\n");
    }
    out.push_str("</div>\n");
    intercom(out, &discovery.intercom);
    out.push_str("</div>\n</section>\n");
}

fn intercom(out: &mut String, intercom: &IntercomSummary) {
    out.push_str("<div class=\"panel\"><h3>Intercom workspace</h3>\n");
    let mut facts: Vec<(String, String)> = intercom
        .attributes
        .iter()
        .map(|(model, attributes)| {
            (
                format!("{} attributes", words::humanize(model)),
                words::count(*attributes),
            )
        })
        .collect();
    facts.push(("Admins".to_string(), words::count(intercom.admins)));
    facts.push((
        "Teams".to_string(),
        words::count(intercom.teams.len() as u64),
    ));
    facts.push((
        "Ticket types".to_string(),
        words::count(intercom.ticket_types.len() as u64),
    ));
    facts.push((
        "Help Center".to_string(),
        words::help_center_text(intercom.help_center),
    ));
    facts_table(out, facts);
    chips(out, "Teams", &intercom.teams);
    chips(out, "Ticket types", &intercom.ticket_types);
    if !intercom.sla_note.is_empty() {
        put!(
            out,
            "<p class=\"note\"><strong>SLAs.</strong> {}</p>\n",
            escape(&intercom.sla_note)
        );
    }
    out.push_str("</div>\n");
}

fn facts_table(out: &mut String, facts: impl IntoIterator<Item = (String, String)>) {
    out.push_str("<table class=\"facts\"><tbody>");
    for (label, value) in facts {
        put!(
            out,
            "<tr><th>{}</th><td>{}</td></tr>",
            escape(&label),
            escape(&value)
        );
    }
    out.push_str("</tbody></table>\n");
}

fn chips(out: &mut String, title: &str, names: &[String]) {
    if names.is_empty() {
        return;
    }
    put!(out, "<h4>{}</h4><p class=\"chips\">", escape(title));
    for name in names {
        put!(out, "<span class=\"chip\">{}</span>", escape(name));
    }
    out.push_str("</p>\n");
}

/// The pre-flight section: counts per severity, then the findings grouped by reason code, the
/// first of each shown.
pub(super) fn preflight(out: &mut String, report: &PreflightSection) {
    out.push_str("<section id=\"preflight\">\n<h2>Pre-flight findings</h2>\n");
    let severities = [
        (Severity::Error, "bad", "errors · will not move"),
        (Severity::Warning, "warn", "warnings · move, changed"),
        (Severity::Info, "plain", "notes"),
    ];
    out.push_str("<div class=\"minis\">");
    for (severity, tone, label) in severities {
        put!(
            out,
            "<div class=\"mini mini-{tone}\"><b>{}</b> {label}</div>",
            words::count(report.of_severity(severity))
        );
    }
    out.push_str("</div>\n");
    if !report.out_of_scope.is_empty() {
        put!(
            out,
            "<p>Not checked: {} outside the <code>[scope]</code> of mapping.toml; they do not \
             move, so they are neither findings nor errors.</p>\n",
            escape(&words::left_out_text(&report.out_of_scope))
        );
    }
    if !report.redactions.is_empty() {
        put!(
            out,
            "<p>Redacted before sending: {}</p>\n",
            escape(&report.redactions.lines().join(" · "))
        );
    }
    let findings = &report.findings;
    if findings.is_empty() {
        out.push_str("<p class=\"empty\">Nothing to report: every record moves as it is.</p>\n");
    }
    list_file(out, findings.file.as_deref());
    for group in &findings.groups {
        let mut body = String::from(
            "<table class=\"data\"><thead><tr><th>Severity</th><th>Record</th><th>What</th>\
             <th>Fix</th></tr></thead><tbody>",
        );
        for finding in &group.examples {
            let severity = words::wire_name(&finding.severity);
            put!(
                body,
                "<tr><td><span class=\"sev sev-{severity}\">{severity}</span></td>\
                 <td class=\"nowrap\">{}</td><td>{}</td><td>{}</td></tr>",
                escape(&finding.record.to_string()),
                escape(&finding.message),
                escape(&finding.fix)
            );
        }
        body.push_str("</tbody></table>");
        more(
            &mut body,
            group.examples.len(),
            group.count,
            findings.file.as_deref(),
        );
        let summary = format!(
            "<code>{}</code><span class=\"pill\">{}</span>",
            escape(&group.reason),
            words::count(group.count)
        );
        details(out, false, &summary, &body);
    }
    out.push_str("</section>\n");
}

/// The companies Intercom will leave out of its company lists until a contact is attached.
pub(super) fn companies_without_contacts(
    out: &mut String,
    companies: &Listed<CompanyWithoutContacts>,
) {
    if companies.is_empty() {
        return;
    }
    out.push_str(
        "<section id=\"unlisted-companies\">\n<h2>Companies Intercom will not list</h2>\n\
         <p class=\"lede\">No migrated contact is attached to these companies. Intercom leaves a \
         company without users out of its company lists (the API's lists and scroll, and the \
         Inbox) until a contact is attached; it exists, and a lookup by <code>company_id</code> \
         finds it.</p>\n",
    );
    list_file(out, companies.file.as_deref());
    let mut body = String::from(
        "<table class=\"data\"><thead><tr><th>Record</th><th>company_id</th><th>Name</th>\
         </tr></thead><tbody>",
    );
    for company in &companies.first {
        put!(
            body,
            "<tr><td class=\"nowrap\">{}</td><td><code>{}</code></td><td>{}</td></tr>",
            escape(&company.record.to_string()),
            escape(&company.company_id),
            escape(&company.name)
        );
    }
    body.push_str("</tbody></table>");
    more(
        &mut body,
        companies.first.len(),
        companies.total,
        companies.file.as_deref(),
    );
    let summary = format!(
        "Companies without contacts<span class=\"pill\">{}</span>",
        words::count(companies.total)
    );
    details(out, true, &summary, &body);
    out.push_str("</section>\n");
}
