//! `plan`: proposes mapping.toml (with a reason and a confidence per decision) and runs the
//! pre-flight validation over the whole instance (held in memory: see the runbook).

use futures::TryStreamExt;
use migration_core::model::destination::DestinationSchema;
use migration_core::model::source::{SourceInstance, SourceSchema};
use migration_core::ops::Operation;
use migration_core::ports::{Destination, Source};
use migration_core::reject::Severity;
use migration_core::spec::{check, propose, Confidence, ProposalOptions};
use migration_core::transform::Mapper;
use migration_core::validate::{preflight, PreflightReport};
use serde::Serialize;

use super::{port_failure, read_mapping, Outcome};
use crate::error::{CliError, EXIT_REFUSED};
use crate::private_files::write_private;
use crate::project::{Project, PROPOSAL_NOTES_FILE};
use crate::report::CompanyWithoutContacts;

/// Blocking findings named on screen (the rest are in the kept pre-flight report).
const BLOCKING_SHOWN: usize = 10;

/// What `plan` found.
#[derive(Debug, Serialize)]
pub struct PlanOutcome {
    /// The mapping file was (re)written from a fresh proposal.
    pub proposed: bool,
    /// Proposal notes that need a person's look (low confidence).
    pub low_confidence: usize,
    /// Problems in the mapping itself.
    pub mapping_issues: Vec<String>,
    /// Every pre-flight finding.
    pub preflight: PreflightReport,
}

/// Writes a proposed mapping from both sides' configuration alone, reading no records (what
/// `bench` needs: pre-flight validation holds the whole instance). Returns the number of
/// decisions that need a person's look.
pub async fn propose_only(project: &Project) -> Result<usize, CliError> {
    let source = project.source()?;
    let destination = project.destination()?;
    let schema = source.schema().await.map_err(port_failure)?;
    let destination_schema = Destination::schema(&destination)
        .await
        .map_err(port_failure)?;
    write_proposal(project, &schema, &destination_schema)
}

/// Proposes a mapping and writes it with its notes; returns the low-confidence decisions.
fn write_proposal(
    project: &Project,
    schema: &SourceSchema,
    destination_schema: &DestinationSchema,
) -> Result<usize, CliError> {
    let fallback = project
        .config
        .intercom
        .fallback_admin
        .clone()
        .or_else(|| {
            destination_schema
                .admins
                .first()
                .and_then(|admin| admin.email.clone())
        })
        .unwrap_or_default();
    let proposal = propose(
        schema,
        destination_schema,
        &ProposalOptions {
            source_time_zone: project.config.vivantio.tenant_time_zone.clone(),
            fallback_admin_email: fallback,
        },
    );
    let low_confidence = proposal
        .notes
        .iter()
        .filter(|note| note.confidence == Confidence::Low)
        .count();
    let text = proposal
        .spec
        .to_toml()
        .map_err(|error| CliError::failed(format!("cannot write the mapping: {error}")))?;
    let path = project.mapping_path();
    write_private(&path, text)
        .map_err(|error| CliError::failed(format!("cannot write {}: {error}", path.display())))?;
    let notes_path = project.resolve(std::path::Path::new(PROPOSAL_NOTES_FILE));
    let notes = serde_json::to_string_pretty(&proposal.notes).map_err(CliError::failed)?;
    write_private(&notes_path, notes).map_err(|error| {
        CliError::failed(format!("cannot write {}: {error}", notes_path.display()))
    })?;
    Ok(low_confidence)
}

/// Reads the whole instance into memory for pre-flight validation.
pub async fn read_instance(source: &dyn Source) -> Result<SourceInstance, CliError> {
    Ok(SourceInstance {
        schema: source.schema().await.map_err(port_failure)?,
        organisations: source
            .organisations()
            .try_collect()
            .await
            .map_err(port_failure)?,
        callers: source.callers().try_collect().await.map_err(port_failure)?,
        tickets: source
            .tickets(None)
            .try_collect()
            .await
            .map_err(port_failure)?,
        articles: source
            .articles()
            .try_collect()
            .await
            .map_err(port_failure)?,
        inventory: source.admin_inventory().await.map_err(port_failure)?,
    })
}

/// The companies the organisations become that no caller's contact is attached to.
fn companies_without_contacts(
    mapper: &Mapper,
    instance: &SourceInstance,
) -> Vec<CompanyWithoutContacts> {
    let companies = instance
        .organisations
        .iter()
        .filter_map(|organisation| mapper.map_organisation(organisation).ok());
    let contacts = instance
        .callers
        .iter()
        .filter_map(|caller| mapper.map_caller(caller).ok());
    let operations: Vec<Operation> = companies
        .chain(contacts)
        .flat_map(|mapped| mapped.operations)
        .collect();
    CompanyWithoutContacts::find(&operations)
}

/// Proposes (when there is no mapping yet, or `force`), checks and validates.
pub async fn run(project: &Project, force: bool) -> Result<Outcome, CliError> {
    let source = project.source()?;
    let destination = project.destination()?;
    let instance = read_instance(&source).await?;
    let destination_schema = Destination::schema(&destination)
        .await
        .map_err(port_failure)?;
    let proposed = force || !project.mapping_path().exists();
    let low_confidence = if proposed {
        write_proposal(project, &instance.schema, &destination_schema)?
    } else {
        0
    };
    let spec = read_mapping(project)?;
    let check_report = check(&spec, &instance.schema, &destination_schema);
    let mapping_issues: Vec<String> = check_report
        .to_string()
        .lines()
        .map(str::to_string)
        .collect();
    let mapper = Mapper::new(&spec, &instance.schema, instance.directory())
        .map_err(|error| CliError::Refused(format!("the mapping cannot be used: {error}")))?;
    let wire = source.wire_report();
    let mut report = preflight(&mapper, &instance, &destination_schema);
    report.add_wire_findings(&wire, &spec);
    super::report::keep_section(project, super::report::WIRE_FILE, &wire)?;
    let unlisted = companies_without_contacts(&mapper, &instance);
    super::report::keep_section(
        project,
        super::report::COMPANIES_WITHOUT_CONTACTS_FILE,
        &unlisted,
    )?;
    let blocking = report.at_least(Severity::Error).count();
    let outcome = PlanOutcome {
        proposed,
        low_confidence,
        mapping_issues,
        preflight: report,
    };
    let mut human = Vec::new();
    if proposed {
        human.push(format!(
            "proposed {} ({} decisions need a look; reasons in {PROPOSAL_NOTES_FILE})",
            project.mapping_path().display(),
            outcome.low_confidence
        ));
    }
    human.extend(outcome.mapping_issues.iter().cloned());
    human.push(format!(
        "pre-flight: {} findings, {} blocking (every one, with its record and fix: reports/{})",
        outcome.preflight.findings.len(),
        blocking,
        super::report::PREFLIGHT_FILE
    ));
    for (code, count) in &outcome.preflight.counts {
        human.push(format!("  {:<22} {count}", code.as_str()));
    }
    for finding in outcome
        .preflight
        .at_least(Severity::Error)
        .take(BLOCKING_SHOWN)
    {
        human.push(format!(
            "  blocking {} {}: {}",
            finding.code.as_str(),
            finding.record,
            finding.message
        ));
    }
    if blocking > BLOCKING_SHOWN {
        human.push(format!(
            "  … and {} more blocking findings in reports/{}",
            blocking - BLOCKING_SHOWN,
            super::report::PREFLIGHT_FILE
        ));
    }
    human.extend(super::discover::wire_lines(&wire, &spec.wire.acknowledged));
    if !unlisted.is_empty() {
        human.push(format!(
            "{} companies will have no contact attached: Intercom leaves them out of its company lists until one is (listed in the report)",
            unlisted.len()
        ));
    }
    super::report::keep_section(project, super::report::PREFLIGHT_FILE, &outcome.preflight)?;
    let refused = !check_report.is_ok();
    let result = Outcome::ok(human.join("\n"), &outcome);
    Ok(if refused {
        result.with_exit(EXIT_REFUSED)
    } else {
        result
    })
}
