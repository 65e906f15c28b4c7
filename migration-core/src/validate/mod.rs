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
//! Records the mapping's `[scope]` leaves out are not checked, as a run does not map them: a
//! ticket left out is read as listed (without its history) and only noted as a thread that is
//! not created, so that its in-scope children are told their parent does not move; callers
//! and organisations move as the mapper's directory says (restrict it as a run does, with
//! [`crate::scope::referenced_people`], before building the mapper). The report counts them
//! per kind under `out_of_scope`.
//!
//! The findings are those of a check over the whole instance held in memory
//! (`tests/it/preflight_streaming.rs` holds them equal), with one difference a run shares: a
//! ticket is mapped without its parent's record, so the parent reference attribute carries
//! the parent's id rather than its ticket number, and control characters in a parent's ticket
//! number are not reported on the child.

mod report;
mod tickets;

pub use report::{PreflightReport, EXAMPLES_PER_REASON};

use std::cmp::Ordering;
use std::sync::Arc;

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
use crate::scope::ScopeFilter;
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
/// over [`read_directory`]'s directory, restricted to the scope's people, and `schema`, the
/// source's configuration), against the `destination` workspace. Records outside the
/// specification's `[scope]` are counted, not checked. Every finding goes to `sink`; the
/// report keeps counts and examples.
pub async fn preflight(
    source: &dyn Source,
    mapper: &Mapper,
    schema: &SourceSchema,
    destination: &DestinationSchema,
    sink: &mut dyn FindingSink,
) -> Result<PreflightReport, PortError> {
    let scope = Arc::new(ScopeFilter::of_spec(mapper.spec(), schema));
    let directory = mapper.directory();
    let mut checker = Checker::new(mapper, sink);
    checker.specification(schema, destination);
    // Callers before organisations: a sink that looks for companies no contact joins then
    // knows every contact's company when it meets the company.
    let mut callers = source.callers();
    while let Some(caller) = callers.try_next().await? {
        let record = SourceRef::new(SourceKind::Caller, caller.id);
        if directory.moves_caller(caller.id) {
            checker.record(record, mapper.map_caller(&caller), None);
        } else {
            checker.report.left_out(SourceKind::Caller);
        }
    }
    let mut organisations = source.organisations();
    while let Some(organisation) = organisations.try_next().await? {
        let record = SourceRef::new(SourceKind::Organisation, organisation.id);
        if directory.moves_organisation(organisation.id) {
            checker.record(record, mapper.map_organisation(&organisation), None);
        } else {
            checker.report.left_out(SourceKind::Organisation);
        }
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
        if scope.article(&article) {
            checker.record(record, mapper.map_article(&article, &EmptyIdMap), None);
        } else {
            checker.report.left_out(SourceKind::Article);
        }
    }
    // Tickets left out come as listed: their history is never read.
    let mut tickets = source.tickets_reading(None, scope.in_full());
    while let Some(ticket) = tickets.try_next().await? {
        if scope.ticket(&ticket) {
            checker.ticket(&ticket);
        } else {
            checker.ticket_left_out(&ticket);
        }
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

    /// A ticket the scope leaves out: no thread of it is created, which its children's links
    /// are judged by; its own link and findings are not.
    fn ticket_left_out(&mut self, ticket: &Ticket) {
        let route = self.routes.get(&ticket.record_type_id).copied();
        self.tickets.add(ticket.id, route, false, None, false);
        self.report.left_out(SourceKind::Ticket);
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

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use async_trait::async_trait;
    use futures::stream;
    use serde_json::json;

    use super::*;
    use crate::model::destination::FileRef;
    use crate::model::source::{
        AdminInventory, Article, Caller, Organisation, SourceInstance, TicketType,
    };
    use crate::ports::{FilePayload, PortStream, TicketFilter};
    use crate::scope::referenced_people;
    use crate::spec::{propose, MappingSpec, PeopleScope, ProposalOptions};

    /// An instance in memory that notes which tickets were read in full.
    struct Memory {
        instance: SourceInstance,
        in_full: Mutex<Vec<i64>>,
    }

    #[async_trait]
    impl Source for Memory {
        async fn schema(&self) -> Result<SourceSchema, PortError> {
            Ok(self.instance.schema.clone())
        }
        fn organisations(&self) -> PortStream<'_, Organisation> {
            Box::pin(stream::iter(
                self.instance.organisations.clone().into_iter().map(Ok),
            ))
        }
        fn callers(&self) -> PortStream<'_, Caller> {
            Box::pin(stream::iter(
                self.instance.callers.clone().into_iter().map(Ok),
            ))
        }
        fn tickets(&self, _: Option<crate::delta::Watermark>) -> PortStream<'_, Ticket> {
            self.tickets_reading(None, Arc::new(|_: &Ticket| true))
        }
        fn tickets_reading(
            &self,
            _: Option<crate::delta::Watermark>,
            in_full: TicketFilter,
        ) -> PortStream<'_, Ticket> {
            let mut read = self.in_full.lock().unwrap();
            read.extend(
                self.instance
                    .tickets
                    .iter()
                    .filter(|t| in_full(t))
                    .map(|t| t.id),
            );
            Box::pin(stream::iter(
                self.instance.tickets.clone().into_iter().map(Ok),
            ))
        }
        fn articles(&self) -> PortStream<'_, Article> {
            Box::pin(stream::iter(Vec::<Article>::new().into_iter().map(Ok)))
        }
        async fn attachment(&self, file: &FileRef) -> Result<FilePayload, PortError> {
            Err(PortError::new(
                crate::PortErrorKind::NotFound,
                format!("no file {}", file.guid),
            ))
        }
        async fn admin_inventory(&self) -> Result<AdminInventory, PortError> {
            Ok(AdminInventory::default())
        }
    }

    /// Organisations 101 and 102 with a caller each; ticket 1 of 101, ticket 2 of 102
    /// (deleted: an error finding), ticket 3 of 101 a child of ticket 2. Caller 2's email is
    /// broken (a finding).
    fn instance() -> SourceInstance {
        let value = json!({
            "organisations": [{"id": 101, "name": "Harbour"}, {"id": 102, "name": "Volga"}],
            "callers": [
                {"id": 1, "name": "Rachel", "email": "rachel@harbour.example", "client_id": 101},
                {"id": 2, "name": "Dmitri", "email": "dmitri@@volga.example", "client_id": 102}
            ],
            "tickets": [
                {"id": 1, "record_type_id": 11, "caller_id": 1, "client_id": 101},
                {"id": 2, "record_type_id": 11, "caller_id": 2, "client_id": 102, "deleted": true},
                {"id": 3, "record_type_id": 11, "caller_id": 1, "client_id": 101,
                 "parent_ids": [2]}
            ]
        });
        SourceInstance {
            schema: SourceSchema {
                ticket_types: vec![TicketType {
                    id: 11,
                    name: "Incident".into(),
                    name_plural: "Incidents".into(),
                    enabled: true,
                }],
                ..SourceSchema::default()
            },
            organisations: serde_json::from_value(value["organisations"].clone()).unwrap(),
            callers: serde_json::from_value(value["callers"].clone()).unwrap(),
            tickets: serde_json::from_value(value["tickets"].clone()).unwrap(),
            articles: Vec::new(),
            inventory: AdminInventory::default(),
        }
    }

    /// Pre-flight as `plan` runs it: the directory restricted to the scope's people first.
    async fn run(source: &Memory, spec: &MappingSpec) -> (Vec<Finding>, PreflightReport) {
        let schema = &source.instance.schema;
        let mut directory = read_directory(source).await.unwrap();
        let filter = ScopeFilter::of_spec(spec, schema);
        referenced_people(source, &filter, &directory)
            .await
            .unwrap()
            .restrict(&mut directory);
        let mapper = Mapper::new(spec, schema, directory).unwrap();
        let mut found = Vec::new();
        let mut sink = |finding: &Finding| found.push(finding.clone());
        let destination = DestinationSchema::default();
        let report = preflight(source, &mapper, schema, &destination, &mut sink)
            .await
            .unwrap();
        (found, report)
    }

    #[tokio::test]
    async fn records_out_of_scope_are_counted_not_checked() {
        let instance = instance();
        let mut spec = propose(
            &instance.schema,
            &DestinationSchema::default(),
            &ProposalOptions {
                source_time_zone: "Europe/London".into(),
                fallback_admin_email: "admin@example.com".into(),
            },
        )
        .spec;
        spec.parent_child.link = true;
        let on = |found: &[Finding], kind, id| {
            found
                .iter()
                .filter(|finding| finding.record == SourceRef::new(kind, id))
                .map(|finding| (finding.severity, finding.code))
                .collect::<Vec<_>>()
        };
        let source = Memory {
            instance: instance.clone(),
            in_full: Mutex::new(Vec::new()),
        };
        let (everything, report) = run(&source, &spec).await;
        assert!(on(&everything, SourceKind::Ticket, 2)
            .contains(&(Severity::Error, ReasonCode::DeletedRecord)));
        assert!(!on(&everything, SourceKind::Caller, 2).is_empty());
        assert!(report.out_of_scope.is_empty());
        assert_eq!(*source.in_full.lock().unwrap(), [1, 2, 3]);

        spec.scope.tickets.organisations = vec![101];
        spec.scope.callers = PeopleScope::Referenced;
        spec.scope.organisations = PeopleScope::Referenced;
        let source = Memory {
            instance,
            in_full: Mutex::new(Vec::new()),
        };
        let (scoped, report) = run(&source, &spec).await;
        assert_eq!(on(&scoped, SourceKind::Ticket, 2), []);
        assert_eq!(on(&scoped, SourceKind::Caller, 2), []);
        assert_eq!(on(&scoped, SourceKind::Organisation, 102), []);
        assert_eq!(
            on(&scoped, SourceKind::Ticket, 3),
            on(&everything, SourceKind::Ticket, 3),
            "a child still hears that its parent does not move"
        );
        assert!(!on(&scoped, SourceKind::Ticket, 3).is_empty());
        let left_out: Vec<(SourceKind, u64)> = report.out_of_scope.clone().into_iter().collect();
        assert_eq!(
            left_out,
            [
                (SourceKind::Organisation, 1),
                (SourceKind::Caller, 1),
                (SourceKind::Ticket, 1)
            ]
        );
        assert_eq!(report.out_of_scope_total(), 3);
        assert!(
            report.count_at_least(Severity::Error)
                < everything
                    .iter()
                    .filter(|finding| finding.severity == Severity::Error)
                    .count()
        );
        assert_eq!(
            *source.in_full.lock().unwrap(),
            [1, 3],
            "ticket 2's history is not read"
        );
    }
}
