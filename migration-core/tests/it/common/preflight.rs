//! Pre-flight both ways: streamed through the `Source` port as `plan` runs it, and over a
//! whole instance held in memory, as it ran before it streamed (the reference the streamed
//! findings must equal).

use std::collections::HashMap;

use async_trait::async_trait;
use futures::stream;
use migration_core::idmap::EmptyIdMap;
use migration_core::model::destination::{DestinationSchema, FileRef};
use migration_core::model::source::{
    AdminInventory, Article, Caller, Organisation, SourceInstance, SourceKind, SourceRef,
    SourceSchema, Ticket,
};
use migration_core::plan::plan_with;
use migration_core::ports::{FilePayload, PortStream, Source};
use migration_core::spec::{check, IssueCode, LegacyDecision, MappingSpec};
use migration_core::transform::Mapper;
use migration_core::validate::{preflight, read_directory, PreflightReport};
use migration_core::{Finding, PortError, PortErrorKind, ReasonCode, Severity};

/// A source that streams an in-memory instance's records, callers in id order.
pub struct InstanceSource(pub SourceInstance);

#[async_trait]
impl Source for InstanceSource {
    async fn schema(&self) -> Result<SourceSchema, PortError> {
        Ok(self.0.schema.clone())
    }

    fn organisations(&self) -> PortStream<'_, Organisation> {
        Box::pin(stream::iter(self.0.organisations.iter().cloned().map(Ok)))
    }

    fn callers(&self) -> PortStream<'_, Caller> {
        let mut callers = self.0.callers.clone();
        callers.sort_by_key(|caller| caller.id);
        Box::pin(stream::iter(callers.into_iter().map(Ok)))
    }

    fn tickets(&self, _: Option<migration_core::delta::Watermark>) -> PortStream<'_, Ticket> {
        Box::pin(stream::iter(self.0.tickets.iter().cloned().map(Ok)))
    }

    fn articles(&self) -> PortStream<'_, Article> {
        Box::pin(stream::iter(self.0.articles.iter().cloned().map(Ok)))
    }

    async fn attachment(&self, file: &FileRef) -> Result<FilePayload, PortError> {
        Err(PortError::new(
            PortErrorKind::NotFound,
            format!("pre-flight reads no file ({})", file.guid),
        ))
    }

    async fn admin_inventory(&self) -> Result<AdminInventory, PortError> {
        Ok(self.0.inventory.clone())
    }
}

/// Every finding of a streamed pre-flight, in the order the sink received them, and its
/// summary.
pub fn streamed(
    instance: &SourceInstance,
    spec: &MappingSpec,
    destination: &DestinationSchema,
) -> (Vec<Finding>, PreflightReport) {
    let source = InstanceSource(instance.clone());
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("a runtime");
    runtime.block_on(async {
        let directory = read_directory(&source).await.expect("the directory reads");
        let mapper = Mapper::new(spec, &instance.schema, directory).expect("the mapping compiles");
        let mut received = Vec::new();
        let mut sink = |finding: &Finding| received.push(finding.clone());
        let report = preflight(&source, &mapper, &instance.schema, destination, &mut sink)
            .await
            .expect("the pre-flight reads");
        (received, report)
    })
}

/// The order a whole list of findings is reported in: most serious first, then by record and
/// reason; ties keep the order found.
pub fn sorted(mut findings: Vec<Finding>) -> Vec<Finding> {
    findings.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then(a.record.cmp(&b.record))
            .then(a.code.cmp(&b.code))
    });
    findings
}

/// Pre-flight over a whole in-memory instance, every ticket in the directory, the whole load
/// plan built: the findings, most serious first, then by record, repeats dropped.
pub fn in_memory(
    spec: &MappingSpec,
    instance: &SourceInstance,
    destination: &DestinationSchema,
) -> Vec<Finding> {
    let mapper =
        Mapper::new(spec, &instance.schema, instance.directory()).expect("the mapping compiles");
    let instance_ref = SourceRef::new(SourceKind::Instance, 0);
    let mut findings: Vec<Finding> = check(spec, &instance.schema, destination)
        .issues
        .into_iter()
        .map(|issue| {
            Finding::new(
                if issue.blocking {
                    Severity::Error
                } else {
                    Severity::Warning
                },
                instance_ref,
                match issue.code {
                    IssueCode::UnmappedTicketType => ReasonCode::UnmappedTicketType,
                    IssueCode::UndecidedLegacyField => ReasonCode::LegacyField,
                    _ => ReasonCode::UnmappedValue,
                },
                format!("{}: {}", issue.path, issue.message),
                "edit the mapping specification and confirm it again",
            )
        })
        .collect();
    let planned = plan_with(&mapper, instance, &EmptyIdMap);
    findings.extend(
        planned
            .rejections
            .iter()
            .map(|rejection| rejection.to_finding()),
    );
    findings.extend(planned.findings);
    for ticket in instance
        .tickets
        .iter()
        .filter(|ticket| !ticket.legacy_values.is_empty())
    {
        let fates: Vec<String> = ticket
            .legacy_values
            .iter()
            .map(|value| {
                let rule = spec
                    .legacy_fields
                    .iter()
                    .find(|rule| rule.source_id == value.field_id);
                let fate = match rule.map(|rule| (rule.decision, rule.attribute.as_deref())) {
                    Some((LegacyDecision::Remap, Some(attribute))) => {
                        format!("into `{attribute}`")
                    }
                    Some((LegacyDecision::Archive, _)) => "into the archive note".to_string(),
                    _ => "undecided, archived into the note".to_string(),
                };
                format!("{} {fate}", value.name)
            })
            .collect();
        findings.push(Finding::new(
            Severity::Info,
            SourceRef::new(SourceKind::Ticket, ticket.id),
            ReasonCode::LegacyField,
            format!("legacy field values: {}", fates.join("; ")),
            "review [[legacy_fields]] if a value should become an attribute",
        ));
    }
    let parents: HashMap<i64, i64> = instance
        .tickets
        .iter()
        .filter_map(|ticket| ticket.parent_ids.first().map(|parent| (ticket.id, *parent)))
        .collect();
    for start in parents.keys() {
        let mut current = *start;
        for _ in 0..=parents.len() {
            match parents.get(&current) {
                Some(parent) if parent == start => {
                    findings.push(Finding::new(
                        Severity::Warning,
                        SourceRef::new(SourceKind::Ticket, *start),
                        ReasonCode::ParentCycle,
                        "the ticket is its own ancestor through parent links; threads are created but the cycle cannot be ordered parents-first",
                        "remove one of the parent links in Vivantio",
                    ));
                    break;
                }
                Some(parent) => current = *parent,
                None => break,
            }
        }
    }
    let mut findings = sorted(findings);
    findings.dedup();
    findings
}
