//! The sections about what was there before anything moved: discovery and pre-flight.

use migration_core::reject::Severity;

use super::tables::{groups, listed, table, Placement};
use super::{escape, put};
use crate::report::lists::Listed;
use crate::report::model::{CompanyWithoutContacts, DiscoverySummary, IntercomSummary};
use crate::report::sections::PreflightSection;
use crate::report::summary::{self, article_tallies, largest_files, preflight_findings};
use crate::report::table::Tone;
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
        out.push_str("<h4>Largest files</h4>");
        table(
            out,
            &largest_files(&discovery.attachments),
            Placement::Section,
        );
    }
    if !discovery.articles.is_empty() {
        out.push_str("<h4>Articles per category and language</h4>");
        table(
            out,
            &article_tallies(&discovery.articles),
            Placement::Section,
        );
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
    facts.push(("Help Center".to_string(), intercom.help_center.text()));
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
    if report.findings.is_empty() {
        out.push_str("<p class=\"empty\">Nothing to report: every record moves as it is.</p>\n");
    }
    groups(out, &preflight_findings(report), false);
    out.push_str("</section>\n");
}

/// The companies Intercom will leave out of its company lists until a contact is attached.
pub(super) fn companies_without_contacts(
    out: &mut String,
    companies: &Listed<CompanyWithoutContacts>,
) {
    out.push_str(
        "<section id=\"unlisted-companies\">\n<h2>Companies Intercom will not list</h2>\n\
         <p class=\"lede\">No migrated contact is attached to these companies. Intercom leaves a \
         company without users out of its company lists (the API's lists and scroll, and the \
         Inbox) until a contact is attached; it exists, and a lookup by <code>company_id</code> \
         finds it.</p>\n",
    );
    listed(
        out,
        &summary::companies_without_contacts(companies),
        true,
        Tone::Plain,
    );
    out.push_str("</section>\n");
}
