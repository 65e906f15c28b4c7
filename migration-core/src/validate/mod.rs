//! Pre-flight validation: everything that will not move, or not as it is, with severity,
//! record, reason and fix, before anything moves.
//!
//! It streams like a migration: [`read_directory`] reads organisations and callers into the
//! compact [`SourceDirectory`] a run keeps, then [`preflight`] reads every record again and
//! checks it on its own, keeping across records only ids (which tickets exist and move, which
//! parent each child names; see `tickets`), about 8 bytes a ticket. Every finding goes to a
//! [`FindingSink`] as it is found; the [`PreflightReport`] keeps counts and the first few of
//! each reason.
//!
//! The findings are those of a check over the whole instance held in memory
//! (`tests/preflight_streaming.rs` holds them equal), with one difference a run shares: a
//! ticket is mapped without its parent's record, so the parent reference attribute carries
//! the parent's id rather than its ticket number, and control characters in a parent's ticket
//! number are not reported on the child.

mod report;
mod tickets;

pub use report::{PreflightReport, EXAMPLES_PER_REASON};

use std::cmp::Ordering;

use futures::TryStreamExt;

use crate::error::PortError;
use crate::idmap::EmptyIdMap;
use crate::model::destination::DestinationSchema;
use crate::model::source::{
    SourceKind, SourceRef, SourceSchema, Ticket, KNOWLEDGE_BASE_RECORD_TYPE,
};
use crate::ops::Operation;
use crate::ports::Source;
use crate::reject::{Finding, ReasonCode, Rejection, Severity};
use crate::spec::{check, LegacyDecision, ThreadTarget};
use crate::transform::{DirectoryBuilder, Mapped, Mapper, SourceDirectory};

use tickets::TicketLinks;

/// Where pre-flight sends what it finds, as it finds it.
///
/// The findings of one record arrive together, most serious first, without repeats; the
/// findings only the whole instance tells (a child whose parent does not move, a parent
/// cycle) arrive after every record, as do the source's `wire_assumption` findings when
/// [`PreflightReport::add_wire_findings`] is called. Any `FnMut(&Finding)` is a sink.
pub trait FindingSink {
    /// Receives one finding.
    fn finding(&mut self, finding: &Finding);

    /// Sees the operations one record maps to, in the order [`preflight`] reads records:
    /// callers, organisations, categories, articles, tickets (ignored unless a sink needs
    /// them; `plan` finds the companies no contact joins with it, keeping only those).
    fn mapped(&mut self, record: SourceRef, operations: &[Operation]) {
        let _ = (record, operations);
    }
}

impl<F: FnMut(&Finding)> FindingSink for F {
    fn finding(&mut self, finding: &Finding) {
        self(finding)
    }
}

/// Reads every organisation and caller into a directory for [`preflight`]'s mapper: what is
/// not read does not exist. Tickets are not registered; pre-flight judges parent links itself.
pub async fn read_directory(source: &dyn Source) -> Result<SourceDirectory, PortError> {
    let mut directory = DirectoryBuilder::complete();
    let mut organisations = source.organisations();
    while let Some(organisation) = organisations.try_next().await? {
        directory.add_organisation(&organisation);
    }
    let mut callers = source.callers();
    while let Some(caller) = callers.try_next().await? {
        directory.add_caller(&caller);
    }
    Ok(directory.finish())
}

/// Runs every check over the records `source` streams, with `mapper`'s specification (built
/// over [`read_directory`]'s directory and `schema`, the source's configuration), against the
/// `destination` workspace. Every finding goes to `sink`; the report keeps counts and
/// examples.
pub async fn preflight(
    source: &dyn Source,
    mapper: &Mapper,
    schema: &SourceSchema,
    destination: &DestinationSchema,
    sink: &mut dyn FindingSink,
) -> Result<PreflightReport, PortError> {
    let mut checker = Checker::new(mapper, sink);
    checker.specification(schema, destination);
    // Callers before organisations: a sink that looks for companies no contact joins then
    // knows every contact's company when it meets the company.
    let mut callers = source.callers();
    while let Some(caller) = callers.try_next().await? {
        let record = SourceRef::new(SourceKind::Caller, caller.id);
        checker.record(record, mapper.map_caller(&caller), None);
    }
    let mut organisations = source.organisations();
    while let Some(organisation) = organisations.try_next().await? {
        let record = SourceRef::new(SourceKind::Organisation, organisation.id);
        checker.record(record, mapper.map_organisation(&organisation), None);
    }
    for category in schema
        .categories
        .iter()
        .filter(|category| category.record_type_id == KNOWLEDGE_BASE_RECORD_TYPE)
    {
        let record = SourceRef::new(SourceKind::Category, category.id);
        checker.record(record, mapper.map_category(category), None);
    }
    let mut articles = source.articles();
    while let Some(article) = articles.try_next().await? {
        let record = SourceRef::new(SourceKind::Article, article.id);
        checker.record(record, mapper.map_article(&article, &EmptyIdMap), None);
    }
    let mut tickets = source.tickets(None);
    while let Some(ticket) = tickets.try_next().await? {
        checker.ticket(&ticket);
    }
    Ok(checker.finish())
}

/// The order findings are reported in: most serious first, then by record and reason.
pub(crate) fn most_serious_first(a: &Finding, b: &Finding) -> Ordering {
    b.severity
        .cmp(&a.severity)
        .then(a.record.cmp(&b.record))
        .then(a.code.cmp(&b.code))
}

/// One pre-flight under way: the sink, the summary, and what tickets need of each other.
struct Checker<'a> {
    mapper: &'a Mapper,
    sink: &'a mut dyn FindingSink,
    report: PreflightReport,
    /// Where each ticket type goes (the last rule of a type wins, as in the mapper).
    routes: std::collections::HashMap<i64, ThreadTarget>,
    tickets: TicketLinks,
}

impl<'a> Checker<'a> {
    fn new(mapper: &'a Mapper, sink: &'a mut dyn FindingSink) -> Self {
        let routes = mapper
            .spec()
            .ticket_types
            .iter()
            .map(|rule| (rule.source_id, rule.target))
            .collect();
        Self {
            mapper,
            sink,
            report: PreflightReport::default(),
            routes,
            tickets: TicketLinks::default(),
        }
    }

    /// The specification's own issues, as findings on the instance.
    fn specification(&mut self, schema: &SourceSchema, destination: &DestinationSchema) {
        let instance = SourceRef::new(SourceKind::Instance, 0);
        let findings = check(self.mapper.spec(), schema, destination)
            .issues
            .into_iter()
            .map(|issue| {
                Finding::new(
                    if issue.blocking {
                        Severity::Error
                    } else {
                        Severity::Warning
                    },
                    instance,
                    spec_reason(issue.code),
                    format!("{}: {}", issue.path, issue.message),
                    "edit the mapping specification and confirm it again",
                )
            })
            .collect();
        self.emit(findings);
    }

    /// One record's mapping: its rejection, or its findings (and operations for the sink),
    /// then `extra` findings.
    fn record(
        &mut self,
        record: SourceRef,
        mapped: Result<Mapped, Rejection>,
        extra: Option<Finding>,
    ) {
        let mut findings = match mapped {
            Err(rejection) => vec![rejection.to_finding()],
            Ok(mapped) => {
                self.sink.mapped(record, &mapped.operations);
                mapped.findings
            }
        };
        findings.extend(extra);
        self.emit(findings);
    }

    /// A ticket: mapped on its own, its link to a parent left for [`Checker::finish`].
    fn ticket(&mut self, ticket: &Ticket) {
        let record = SourceRef::new(SourceKind::Ticket, ticket.id);
        let parent = ticket.parent_ids.first().copied();
        let wants_link = parent.is_some() && self.mapper.spec().parent_child.link;
        let mut mapped = self.mapper.map_ticket(ticket, &EmptyIdMap);
        if let (Ok(mapped), true) = (&mut mapped, wants_link) {
            // The mapper sees no other ticket, so it cannot judge the parent: finish does.
            mapped
                .findings
                .retain(|finding| finding.code != ReasonCode::MissingParent);
        }
        self.tickets.add(
            ticket.id,
            self.routes.get(&ticket.record_type_id).copied(),
            mapped.is_ok(),
            parent,
            wants_link && mapped.is_ok(),
        );
        let legacy = legacy_finding(self.mapper, ticket);
        self.record(record, mapped, legacy);
    }

    /// Sends one record's findings (ordered, repeats dropped, as a sorted whole list would
    /// have them) to the sink and the summary.
    fn emit(&mut self, mut findings: Vec<Finding>) {
        findings.sort_by(most_serious_first);
        findings.dedup();
        for finding in &findings {
            self.sink.finding(finding);
            self.report.record(finding);
        }
    }

    /// The findings across tickets, then the summary.
    fn finish(mut self) -> PreflightReport {
        let across = std::mem::take(&mut self.tickets).findings();
        for finding in across {
            self.emit(vec![finding]);
        }
        self.report.sort_examples();
        self.report
    }
}

fn spec_reason(code: crate::spec::IssueCode) -> ReasonCode {
    use crate::spec::IssueCode;
    match code {
        IssueCode::UnmappedTicketType => ReasonCode::UnmappedTicketType,
        IssueCode::UndecidedLegacyField => ReasonCode::LegacyField,
        _ => ReasonCode::UnmappedValue,
    }
}

/// A note for a ticket carrying legacy values, saying where they go.
fn legacy_finding(mapper: &Mapper, ticket: &Ticket) -> Option<Finding> {
    if ticket.legacy_values.is_empty() {
        return None;
    }
    let fates: Vec<String> = ticket
        .legacy_values
        .iter()
        .map(|value| {
            let rule = mapper
                .spec()
                .legacy_fields
                .iter()
                .find(|rule| rule.source_id == value.field_id);
            let fate = match rule.map(|rule| (rule.decision, rule.attribute.as_deref())) {
                Some((LegacyDecision::Remap, Some(attribute))) => format!("into `{attribute}`"),
                Some((LegacyDecision::Archive, _)) => "into the archive note".to_string(),
                _ => "undecided, archived into the note".to_string(),
            };
            format!("{} {fate}", value.name)
        })
        .collect();
    Some(Finding::new(
        Severity::Info,
        SourceRef::new(SourceKind::Ticket, ticket.id),
        ReasonCode::LegacyField,
        format!("legacy field values: {}", fates.join("; ")),
        "review [[legacy_fields]] if a value should become an attribute",
    ))
}
