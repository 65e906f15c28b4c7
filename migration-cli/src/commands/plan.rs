//! `plan`: proposes mapping.toml (with a reason and a confidence per decision) and runs the
//! pre-flight validation, streaming the instance record by record as a migration reads it.

use std::collections::HashSet;

use migration_core::engine::RunOrder;
use migration_core::keys::RecordKey;
use migration_core::model::destination::DestinationSchema;
use migration_core::model::source::{SourceKind, SourceRef, SourceSchema, WireReport};
use migration_core::ops::{DestinationOp, Operation};
use migration_core::ports::{Destination, Source};
use migration_core::reject::{Finding, Severity};
use migration_core::spec::{
    check, propose_with_usage, Confidence, MappingSpec, Proposal, ProposalNote, ProposalOptions,
};
use migration_core::transform::Mapper;
use migration_core::validate::{preflight, read_directory, FindingSink, PreflightReport};
use serde::Serialize;

use super::forecast::{open_pass, Collector, PlanForecast, Told};
use super::{port_failure, read_mapping, Outcome};
use crate::adapters::intercom::IntercomDestination;
use crate::adapters::vivantio::VivantioSource;
use crate::error::{CliError, EXIT_REFUSED};
use crate::private_files::write_private;
use crate::project::{Project, PROPOSAL_NOTES_FILE};
use crate::report::CompanyWithoutContacts;

/// Findings of records or files that will not move named on screen (the rest are in the kept
/// pre-flight report).
const NOT_MOVED_SHOWN: usize = 10;

/// What `plan` found.
#[derive(Debug, Serialize)]
pub struct PlanOutcome {
    /// The mapping file was (re)written from a fresh proposal.
    pub proposed: bool,
    /// Proposal notes that need a person's look (low confidence).
    pub low_confidence: usize,
    /// Problems in the mapping itself.
    pub mapping_issues: Vec<String>,
    /// Pre-flight: every finding counted, the first ones of each reason.
    pub preflight: PreflightReport,
    /// What the `[scope]` moves and leaves out.
    pub scope: super::scope::ScopeSummary,
    /// Requests and wall time of the run, in scope and for the whole instance.
    pub forecast: PlanForecast,
}

/// Writes a proposed mapping from both sides' configuration alone, reading no records (what
/// `bench` needs before it measures `plan` itself). Returns the number of decisions that need
/// a person's look.
pub async fn propose_only(project: &Project) -> Result<usize, CliError> {
    let source = project.source()?;
    let destination = project.destination()?;
    let schema = source.schema().await.map_err(port_failure)?;
    let destination_schema = Destination::schema(&destination)
        .await
        .map_err(port_failure)?;
    write_proposal(project, &schema, &destination_schema)
}

/// The proposal for both sides' configuration; the fallback admin is the configured one, else
/// the workspace's first admin.
fn proposal(
    project: &Project,
    schema: &SourceSchema,
    destination_schema: &DestinationSchema,
) -> Proposal {
    let fallback = project
        .settings
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
    // The last discovery's counts let the proposal skip the custom fields nobody fills.
    propose_with_usage(
        schema,
        destination_schema,
        &ProposalOptions {
            source_time_zone: project.settings.vivantio.time_zone.name().to_string(),
            fallback_admin_email: fallback,
        },
        super::discover::kept_field_usage(project).as_ref(),
    )
}

/// Proposes a mapping and writes it, each decision's reason in a comment beside it, with its
/// notes; returns the low-confidence decisions.
fn write_proposal(
    project: &Project,
    schema: &SourceSchema,
    destination_schema: &DestinationSchema,
) -> Result<usize, CliError> {
    let proposal = proposal(project, schema, destination_schema);
    let low_confidence = proposal
        .notes
        .iter()
        .filter(|note| note.confidence == Confidence::Low)
        .count();
    let text = proposal
        .to_commented_toml()
        .map_err(|error| CliError::failed(format!("cannot write the mapping: {error}")))?;
    let path = project.mapping_path();
    write_private(&path, text)
        .map_err(|error| CliError::failed(format!("cannot write {}: {error}", path.display())))?;
    write_notes(project, &proposal.notes)?;
    Ok(low_confidence)
}

/// Rewrites the notes for the mapping as it is now: a person may have edited it since it was
/// proposed, and the notes then say their value instead of the proposal's.
fn refresh_notes(
    project: &Project,
    schema: &SourceSchema,
    destination_schema: &DestinationSchema,
    spec: &MappingSpec,
) -> Result<(), CliError> {
    let notes = proposal(project, schema, destination_schema)
        .notes_for(spec)
        .map_err(|error| CliError::failed(format!("cannot explain the mapping: {error}")))?;
    write_notes(project, &notes)
}

fn write_notes(project: &Project, notes: &[ProposalNote]) -> Result<(), CliError> {
    let notes_path = project.resolve(std::path::Path::new(PROPOSAL_NOTES_FILE));
    let notes = serde_json::to_string_pretty(notes).map_err(CliError::failed)?;
    write_private(&notes_path, notes).map_err(|error| {
        CliError::failed(format!("cannot write {}: {error}", notes_path.display()))
    })
}

/// The companies the organisations become that no caller's contact is attached to, found as
/// their operations stream by (what [`CompanyWithoutContacts::find`] finds over all of them).
/// Pre-flight maps callers first, so only the companies left without a contact are kept.
#[derive(Debug, Default)]
struct CompanyContacts {
    /// The companies no contact seen so far joins, with their keys.
    unattached: Vec<(RecordKey, CompanyWithoutContacts)>,
    /// The companies some contact is attached to.
    attached: HashSet<RecordKey>,
}

impl CompanyContacts {
    fn add(&mut self, operations: &[Operation]) {
        for operation in operations {
            if let DestinationOp::AttachContactToCompany { company, .. } = &operation.op {
                self.attached.insert(company.clone());
            }
            let Some(key) = operation.creates.as_ref() else {
                continue;
            };
            if self.attached.contains(key) {
                continue;
            }
            for company in CompanyWithoutContacts::find(std::slice::from_ref(operation)) {
                self.unattached.push((key.clone(), company));
            }
        }
    }

    /// The companies no contact joins, in the order the organisations came.
    fn without_contacts(self) -> Vec<CompanyWithoutContacts> {
        let attached = self.attached;
        self.unattached
            .into_iter()
            .filter(|(key, _)| !attached.contains(key))
            .map(|(_, company)| company)
            .collect()
    }
}

/// What `plan` does with pre-flight's stream: each finding on to `list`, organisations' and
/// callers' operations into the company tally, every record's operations into the forecast.
struct PlanSink<'a, 'm> {
    list: &'a mut dyn FindingSink,
    companies: CompanyContacts,
    forecast: &'a mut Collector<'m>,
}

impl FindingSink for PlanSink<'_, '_> {
    fn finding(&mut self, finding: &Finding) {
        self.list.finding(finding);
    }

    fn mapped(&mut self, record: SourceRef, operations: &[Operation]) {
        if matches!(record.kind, SourceKind::Organisation | SourceKind::Caller) {
            self.companies.add(operations);
        }
        self.forecast.mapped(record, operations);
    }
}

/// What `plan` is asked to do.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PlanOptions {
    /// Replace an existing mapping.toml with a fresh proposal (`--force`).
    pub replace_mapping: bool,
}

/// Both sides' schemas, read once.
struct Schemas {
    source: SourceSchema,
    destination: DestinationSchema,
}

/// What checking the mapping against both sides found.
struct MappingReview {
    /// Every problem, one line each.
    issues: Vec<String>,
    /// Whether one of them refuses `confirm`.
    refused: bool,
}

/// What the pre-flight read of every record found.
struct Preflight {
    report: PreflightReport,
    wire: WireReport,
    unlisted: Vec<CompanyWithoutContacts>,
    forecast: PlanForecast,
}

/// Proposes (when there is no mapping yet, or when asked), checks and validates.
pub async fn run(project: &Project, options: &PlanOptions) -> Result<Outcome, CliError> {
    let source = project.source()?;
    let destination = project.destination()?;
    let schemas = Schemas {
        source: source.schema().await.map_err(port_failure)?,
        destination: Destination::schema(&destination)
            .await
            .map_err(port_failure)?,
    };
    let proposed = options.replace_mapping || !project.mapping_path().exists();
    let low_confidence = if proposed {
        write_proposal(project, &schemas.source, &schemas.destination)?
    } else {
        0
    };
    let spec = read_mapping(project)?;
    if !proposed {
        refresh_notes(project, &schemas.source, &schemas.destination, &spec)?;
    }
    let review = review_mapping(project, &source, &spec, &schemas).await?;
    // Organisations and callers are read twice, as a migration reads them: once into the
    // compact directory the mapper consults, then record by record for validation.
    let mut directory = read_directory(&source).await.map_err(port_failure)?;
    // Restricted to the callers and organisations that move, as a run's directory is.
    let scope = super::scope::summary(&source, &spec, &schemas.source, &mut directory).await?;
    let mapper = Mapper::new(&spec, &schemas.source, directory)
        .map_err(|error| CliError::Refused(format!("the mapping cannot be used: {error}")))?;
    let checked = read_every_record(project, &source, &destination, &mapper, &schemas).await?;
    let outcome = PlanOutcome {
        proposed,
        low_confidence,
        mapping_issues: review.issues,
        preflight: checked.report,
        scope,
        forecast: checked.forecast,
    };
    let human = human_lines(project, &outcome, &checked.wire, &spec, &checked.unlisted);
    super::report::keep_section(project, super::report::PREFLIGHT_FILE, &outcome.preflight)?;
    let result = Outcome::ok(human.join("\n"), &outcome);
    Ok(if review.refused {
        result.with_exit(EXIT_REFUSED)
    } else {
        result
    })
}

/// Checks the mapping against both schemas, the organisations its scope names, and what it
/// needs of Intercom beyond the schema.
async fn review_mapping(
    project: &Project,
    source: &VivantioSource,
    spec: &MappingSpec,
    schemas: &Schemas,
) -> Result<MappingReview, CliError> {
    let mut check_report = check(spec, &schemas.source, &schemas.destination);
    super::scope::check_organisations(source, spec, &mut check_report).await?;
    let mut issues: Vec<String> = check_report
        .to_string()
        .lines()
        .map(str::to_string)
        .collect();
    let references = super::references::check(project, spec).await?;
    issues.extend(references.iter().map(ToString::to_string));
    Ok(MappingReview {
        issues,
        refused: !check_report.is_ok() || references.iter().any(|issue| issue.blocking),
    })
}

/// Maps and validates every record the run would move, counting each finding into the report
/// (with the first of each reason) and writing it, one per line, into the list beside it.
async fn read_every_record(
    project: &Project,
    source: &VivantioSource,
    destination: &IntercomDestination,
    mapper: &Mapper,
    schemas: &Schemas,
) -> Result<Preflight, CliError> {
    let list_failed = |error: std::io::Error| {
        CliError::failed(format!(
            "cannot write reports/{}: {error}",
            crate::report::PREFLIGHT_FINDINGS_FILE
        ))
    };
    let mut list =
        crate::report::FindingsFile::create(&project.reports_dir()).map_err(list_failed)?;
    let mut forecast = collector(
        project,
        source,
        destination,
        mapper,
        &schemas.source,
        &schemas.destination,
    )
    .await?;
    let watched = forecast.watch(source);
    let mut sink = PlanSink {
        list: &mut list,
        companies: CompanyContacts::default(),
        forecast: &mut forecast,
    };
    let mut report = preflight(
        &watched,
        mapper,
        &schemas.source,
        &schemas.destination,
        &mut sink,
    )
    .await
    .map_err(port_failure)?;
    // Complete now that every stream was read to its end.
    let wire = source.wire_report();
    report.add_wire_findings(&wire, mapper.spec(), &mut sink);
    super::report::keep_section(project, super::report::WIRE_FILE, &wire)?;
    let unlisted = sink.companies.without_contacts();
    list.finish().map_err(list_failed)?;
    super::report::keep_section(
        project,
        super::report::COMPANIES_WITHOUT_CONTACTS_FILE,
        &unlisted,
    )?;
    let forecast = forecast.finish(project, &schemas.source, told(project, destination)?);
    Ok(Preflight {
        report,
        wire,
        unlisted,
        forecast,
    })
}

/// What `plan` prints.
fn human_lines(
    project: &Project,
    outcome: &PlanOutcome,
    wire: &WireReport,
    spec: &MappingSpec,
    unlisted: &[CompanyWithoutContacts],
) -> Vec<String> {
    let mut human = Vec::new();
    if outcome.proposed {
        human.push(format!(
            "proposed {} ({} decisions need a look; reasons in {PROPOSAL_NOTES_FILE})",
            project.mapping_path().display(),
            outcome.low_confidence
        ));
    }
    human.extend(outcome.mapping_issues.iter().cloned());
    human.extend(outcome.scope.lines());
    human.extend(preflight_lines(&outcome.preflight));
    human.extend(super::discover::wire_lines(wire, &spec.wire.acknowledged));
    if !unlisted.is_empty() {
        human.push(format!(
            "{} companies will have no contact attached: Intercom leaves them out of its company lists until one is (listed in the report)",
            unlisted.len()
        ));
    }
    human.extend(outcome.forecast.lines());
    human
}

/// The pre-flight's counts and the first records that will not move.
fn preflight_lines(preflight: &PreflightReport) -> Vec<String> {
    // Error findings stop one record or file from moving; none stops the migration (what
    // does is a mapping issue, which refuses `confirm`).
    let not_moved = preflight.count_at_least(Severity::Error);
    let mut lines = vec![format!(
        "pre-flight: {} findings, {} of them records or files that will not move (the first of each reason, with its record and fix: reports/{}; every one: reports/{})",
        preflight.total(),
        not_moved,
        super::report::PREFLIGHT_FILE,
        crate::report::PREFLIGHT_FINDINGS_FILE
    )];
    for (code, count) in &preflight.counts {
        lines.push(format!("  {:<22} {count}", code.as_str()));
    }
    for line in preflight.redactions.lines() {
        lines.push(format!("  redacted by {line}"));
    }
    for finding in preflight.at_least(Severity::Error).take(NOT_MOVED_SHOWN) {
        let on_purpose = if finding.code.is_deliberate_skip() {
            " (left out on purpose)"
        } else {
            ""
        };
        lines.push(format!(
            "  not moved {} {}: {}{on_purpose}",
            finding.code.as_str(),
            finding.record,
            finding.message
        ));
    }
    if not_moved > NOT_MOVED_SHOWN {
        lines.push(format!(
            "  … and {} more that will not move",
            not_moved - NOT_MOVED_SHOWN
        ));
    }
    lines
}

/// The forecast's collector for `mapper`'s run into `destination`; in open-first order, the
/// tickets are listed once to find the people the open ones name.
async fn collector<'m>(
    project: &Project,
    source: &VivantioSource,
    destination: &IntercomDestination,
    mapper: &'m Mapper,
    schema: &SourceSchema,
    destination_schema: &DestinationSchema,
) -> Result<Collector<'m>, CliError> {
    let open_pass = if project.settings.order == RunOrder::OpenFirst {
        open_pass(source, mapper.spec(), schema, mapper.directory())
            .await
            .map_err(port_failure)?
    } else {
        None
    };
    Ok(Collector::new(
        mapper,
        schema,
        destination_schema,
        destination.options().priority_attribute.is_some(),
        project.settings.images.is_some(),
        open_pass,
    ))
}

/// What the forecast's pace is told: `doctor`'s measurements, and with one token the limit the
/// workspace announced to `plan`'s own reads when `doctor` has not run.
fn told(project: &Project, destination: &IntercomDestination) -> Result<Told, CliError> {
    let measured = super::doctor::last_measured(project)?.unwrap_or_default();
    let own = (project.credentials.intercom_tokens.len() <= 1)
        .then(|| destination.stats().rate_limit_limit)
        .flatten();
    Ok(Told {
        per_app_per_window: measured.intercom_limit_per_window.or(own),
        latency_ms: measured.vivantio_latency_ms,
        latency_reads: measured.vivantio_reads_timed,
    })
}

#[cfg(test)]
mod tests {
    use migration_core::model::destination::CompanyRecord;
    use migration_core::ops::Phase;

    use super::*;

    fn company(id: i64) -> Operation {
        Operation::creating(
            Phase::Companies,
            RecordKey::company(id),
            DestinationOp::UpsertCompany(CompanyRecord {
                company_id: id.to_string(),
                name: format!("Company {id}"),
                website: None,
                remote_created_at: None,
                custom_attributes: Default::default(),
            }),
        )
        .from_source(SourceRef::new(SourceKind::Organisation, id))
    }

    fn attach(caller: i64, company: i64) -> Operation {
        Operation::changing(
            Phase::Contacts,
            format!("company-link:{caller}:{company}"),
            DestinationOp::AttachContactToCompany {
                contact: RecordKey::contact(caller),
                company: RecordKey::company(company),
            },
        )
    }

    #[test]
    fn only_companies_no_contact_joins_are_kept_whichever_comes_first() {
        let mut tally = CompanyContacts::default();
        tally.add(&[attach(1, 10)]);
        tally.add(&[company(10)]);
        tally.add(&[company(20)]);
        tally.add(&[company(30)]);
        // A contact met after its company still takes the company off the list.
        tally.add(&[attach(2, 30)]);
        assert_eq!(tally.unattached.len(), 2);
        let left: Vec<String> = tally
            .without_contacts()
            .into_iter()
            .map(|company| company.company_id)
            .collect();
        assert_eq!(left, vec!["20".to_string()]);
    }
}
