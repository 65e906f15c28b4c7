//! `discover`: audits both sides without writing anything to either.

use std::collections::BTreeMap;

use futures::TryStreamExt;
use migration_core::inventory::{build_inventory, WrittenInventory};
use migration_core::model::source::{
    SourceSchema, WireReport, CALLER_RECORD_TYPE, CLIENT_RECORD_TYPE,
};
use migration_core::ports::{Destination, Source};
use migration_core::spec::FieldUsage;

use super::report::{keep_section, DISCOVERY_SUMMARY_FILE, INVENTORY_FILE, WIRE_FILE};
use super::{port_failure, Outcome};
use crate::error::CliError;
use crate::project::Project;
use crate::report::{ArticleTally, DiscoverySummary};

/// How many of the largest attachments the discovery lists.
const LARGEST_FILES: usize = 10;
/// Attachments larger than this are counted as over Intercom's limit (the mapping's default).
const ATTACHMENT_LIMIT: u64 = 20 * 1024 * 1024;

/// Reads every record once, counting, and summarises both sides.
pub async fn discover(
    source: &dyn Source,
    destination: &dyn Destination,
) -> Result<(DiscoverySummary, WrittenInventory), CliError> {
    let schema = source.schema().await.map_err(port_failure)?;
    let destination_schema = destination.schema().await.map_err(port_failure)?;
    let mut summary = DiscoverySummary::from_schemas(&schema, &destination_schema);
    summary.intercom.sla_note = "Intercom's API cannot read SLA rules: check in Settings that the \
        workspace's plan includes SLAs; past Vivantio SLA values move as attributes."
        .to_string();
    let usage = &mut summary.field_usage;
    let organisations = count(source.organisations(), |organisation| {
        usage.count(CLIENT_RECORD_TYPE, &organisation.custom_values)
    })
    .await?;
    summary
        .records
        .insert("organisations".into(), organisations);
    let usage = &mut summary.field_usage;
    let callers = count(source.callers(), |caller| {
        usage.count(CALLER_RECORD_TYPE, &caller.custom_values)
    })
    .await?;
    summary.records.insert("callers".into(), callers);
    count_tickets(source, &mut summary).await?;
    count_articles(source, &schema, &mut summary).await?;
    let inventory = build_inventory(&source.admin_inventory().await.map_err(port_failure)?);
    summary.wire = source.wire_report();
    Ok((summary, inventory))
}

/// Counts tickets and their actions, the custom fields they use and their attachments.
async fn count_tickets(
    source: &dyn Source,
    summary: &mut DiscoverySummary,
) -> Result<(), CliError> {
    let (mut tickets, mut actions) = (0u64, 0u64);
    let mut stream = source.tickets(None);
    while let Some(ticket) = stream.try_next().await.map_err(port_failure)? {
        tickets += 1;
        actions += ticket.actions.len() as u64;
        summary
            .field_usage
            .count(ticket.record_type_id, &ticket.custom_values);
        let attachments = ticket.attachments.iter().chain(
            ticket
                .actions
                .iter()
                .flat_map(|action| action.attachments.iter()),
        );
        for attachment in attachments {
            summary.attachments.add(
                ticket.id,
                &attachment.file_name,
                attachment.size.unwrap_or(0),
                ATTACHMENT_LIMIT,
                LARGEST_FILES,
            );
        }
    }
    summary.records.insert("tickets".into(), tickets);
    summary.records.insert("actions".into(), actions);
    Ok(())
}

/// Counts articles by category and language.
async fn count_articles(
    source: &dyn Source,
    schema: &SourceSchema,
    summary: &mut DiscoverySummary,
) -> Result<(), CliError> {
    let mut tallies: BTreeMap<(String, String), u64> = BTreeMap::new();
    let mut stream = source.articles();
    while let Some(article) = stream.try_next().await.map_err(port_failure)? {
        let category = article
            .category_id
            .and_then(|id| schema.categories.iter().find(|category| category.id == id))
            .map_or_else(
                || "(no category)".to_string(),
                |category| category.name.clone(),
            );
        let language = article
            .language
            .clone()
            .unwrap_or_else(|| "(unknown)".to_string());
        *tallies.entry((category, language)).or_default() += 1;
    }
    summary
        .records
        .insert("articles".into(), tallies.values().sum());
    summary.articles = tallies
        .into_iter()
        .map(|((category, language), articles)| ArticleTally {
            category,
            language,
            articles,
        })
        .collect();
    Ok(())
}

/// Counts the records of `stream`, showing each to `see`.
async fn count<T>(
    mut stream: migration_core::ports::PortStream<'_, T>,
    mut see: impl FnMut(&T),
) -> Result<u64, CliError> {
    let mut records = 0;
    while let Some(record) = stream.try_next().await.map_err(port_failure)? {
        see(&record);
        records += 1;
    }
    Ok(records)
}

/// The human summary of a discovery.
pub fn summary(discovery: &DiscoverySummary, inventory: &WrittenInventory) -> String {
    let mut lines = vec!["Vivantio:".to_string()];
    for (object, count) in &discovery.records {
        lines.push(format!("  {object:<16} {count}"));
    }
    lines.push(format!(
        "  custom fields    {} modern, {} legacy",
        discovery.custom_fields.modern, discovery.custom_fields.legacy
    ));
    lines.push(format!(
        "  attachments      {} ({:.1} MiB, {} over the limit)",
        discovery.attachments.count,
        discovery.attachments.total_bytes as f64 / 1_048_576.0,
        discovery.attachments.over_limit
    ));
    lines.push(format!(
        "  agents / groups  {} / {}",
        discovery.agents, discovery.groups
    ));
    lines.push(format!(
        "  inventory items  {} (workflows, rules, reports, SLAs, portal)",
        inventory.items.len()
    ));
    lines.extend(wire_lines(&discovery.wire, &[]));
    lines.push(match &discovery.doctor {
        None => {
            "doctor: not run yet (`vivantio2intercom doctor` proves both accounts read-only)".into()
        }
        Some(doctor) => format!(
            "doctor: {} held, {} cannot tell, {} contradicted{}{} (reports/doctor.json)",
            doctor.held,
            doctor.cannot_tell,
            doctor.contradicted.len(),
            if doctor.contradicted.is_empty() {
                String::new()
            } else {
                format!(": {}", doctor.contradicted.join(", "))
            },
            if doctor.blocking.is_empty() {
                String::new()
            } else {
                format!("; blocking: {}", doctor.blocking.join(", "))
            }
        ),
    });
    lines.push("Intercom:".to_string());
    lines.push(format!("  admins           {}", discovery.intercom.admins));
    lines.push(format!(
        "  teams            {}",
        discovery.intercom.teams.len()
    ));
    lines.push(format!(
        "  ticket types     {}",
        discovery.intercom.ticket_types.len()
    ));
    lines.push(format!(
        "  SLA              {}",
        discovery.intercom.sla_note
    ));
    lines.join("\n")
}

/// What reading proved about Vivantio's API, for people: each contradicted assumption with
/// its consequence, each fallback, and each spelling other than the documented one (the JSON
/// report keeps every spelling).
///
/// `acknowledged` (from the mapping) marks a blocking finding as accepted.
pub fn wire_lines(wire: &WireReport, acknowledged: &[String]) -> Vec<String> {
    let unusual: Vec<_> = wire.spellings.iter().filter(|s| !s.primary).collect();
    if wire.is_clean() && unusual.is_empty() {
        return vec![
            "Vivantio API: every checked field and action held (docs/vivantio-wire.md)".into(),
        ];
    }
    let is_acknowledged = |id: &str| acknowledged.iter().any(|known| known == id);
    let mut lines = vec!["Vivantio API (assumptions in docs/vivantio-wire.md):".to_string()];
    for finding in &wire.findings {
        let label = match (finding.blocking, is_acknowledged(&finding.assumption)) {
            (true, false) => "BLOCKING",
            (true, true) => "accepted",
            (false, _) => "warning ",
        };
        lines.push(format!(
            "  {label} {} on {}: {}",
            finding.assumption,
            finding.endpoint.as_deref().unwrap_or("the tenant"),
            finding.detail
        ));
        lines.push(format!("           {}", finding.consequence));
    }
    for fallback in &wire.fallbacks {
        lines.push(format!(
            "  fallback {} ({} is missing): {}",
            fallback.assumption, fallback.endpoint, fallback.instead
        ));
    }
    for spelling in unusual {
        lines.push(format!(
            "  spelling {}: this tenant says `{}` ({} records of {})",
            spelling.assumption, spelling.spelling, spelling.records, spelling.endpoint
        ));
    }
    let blocking = wire
        .findings
        .iter()
        .any(|finding| finding.blocking && !is_acknowledged(&finding.assumption));
    if blocking {
        lines.push(
            "  a BLOCKING finding stops `migrate` until it is listed under [wire] acknowledged in mapping.toml"
                .to_string(),
        );
    }
    lines
}

/// The custom field counts of the project's last discovery, for the proposal; `None` when
/// discovery has not run (or its summary cannot be read: the proposal then keeps every field).
pub fn kept_field_usage(project: &Project) -> Option<FieldUsage> {
    let path = project.reports_dir().join(DISCOVERY_SUMMARY_FILE);
    match super::report::read_optional::<DiscoverySummary>(&path) {
        Ok(summary) => summary
            .map(|summary| summary.field_usage)
            .filter(|usage| !usage.is_empty()),
        Err(error) => {
            tracing::warn!(%error, "the discovery summary cannot be read; every custom field is proposed");
            None
        }
    }
}

/// Runs discovery for the project and keeps it for the report.
pub async fn run(project: &Project) -> Result<Outcome, CliError> {
    let source = project.source()?;
    let destination = project.destination()?;
    let (mut discovery, inventory) = discover(&source, &destination).await?;
    discovery.doctor = super::doctor::last_digest(project)?;
    keep_section(project, DISCOVERY_SUMMARY_FILE, &discovery)?;
    keep_section(project, WIRE_FILE, &discovery.wire)?;
    keep_section(project, INVENTORY_FILE, &inventory)?;
    Ok(Outcome::ok(summary(&discovery, &inventory), &discovery))
}
