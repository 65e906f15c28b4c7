//! Pre-flight validation over a whole instance: everything that will not move, or not as it
//! is, with severity, record, reason and fix, before anything moves.

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};

use crate::idmap::EmptyIdMap;
use crate::model::destination::DestinationSchema;
use crate::model::source::{SourceInstance, SourceKind, SourceRef, WireReport};
use crate::plan::plan_with;
use crate::reject::{Finding, ReasonCode, Severity};
use crate::spec::{check, LegacyDecision, MappingSpec};
use crate::transform::Mapper;

/// Everything pre-flight found.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PreflightReport {
    /// Findings, most serious first, then by record.
    pub findings: Vec<Finding>,
    /// Number of findings per reason code.
    pub counts: BTreeMap<ReasonCode, usize>,
}

impl PreflightReport {
    /// Findings of at least `severity`.
    pub fn at_least(&self, severity: Severity) -> impl Iterator<Item = &Finding> {
        self.findings
            .iter()
            .filter(move |finding| finding.severity >= severity)
    }

    /// Whether something will not move.
    pub fn has_errors(&self) -> bool {
        self.at_least(Severity::Error).next().is_some()
    }

    /// Adds the source's `wire_assumption` findings. A blocking one stays an error unless the
    /// mapping acknowledges it or does not move the part it feeds; it then becomes a warning.
    pub fn add_wire_findings(&mut self, wire: &WireReport, spec: &MappingSpec) {
        let still_blocking: Vec<&str> = wire
            .unacknowledged(&spec.wire.acknowledged, |area| spec.moves(area))
            .map(|finding| finding.assumption.as_str())
            .collect();
        for wire_finding in &wire.findings {
            let mut finding = wire_finding.to_finding();
            if finding.severity == Severity::Error
                && !still_blocking.contains(&wire_finding.assumption.as_str())
            {
                finding.severity = Severity::Warning;
                finding.fix =
                    "acknowledged in mapping.toml, or the mapping does not move what it feeds"
                        .to_string();
            }
            *self.counts.entry(ReasonCode::WireAssumption).or_default() += 1;
            self.findings.push(finding);
        }
        // Most serious first; the sort is stable, so each severity keeps its order.
        self.findings
            .sort_by_key(|finding| std::cmp::Reverse(finding.severity));
    }
}

/// Runs every check over an in-memory instance with the mapper's specification.
pub fn preflight(
    mapper: &Mapper,
    instance: &SourceInstance,
    destination: &DestinationSchema,
) -> PreflightReport {
    let instance_ref = SourceRef::new(SourceKind::Instance, 0);
    let mut findings: Vec<Finding> = check(mapper.spec(), &instance.schema, destination)
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
                spec_reason(issue.code),
                format!("{}: {}", issue.path, issue.message),
                "edit the mapping specification and confirm it again",
            )
        })
        .collect();
    let planned = plan_with(mapper, instance, &EmptyIdMap);
    findings.extend(
        planned
            .rejections
            .iter()
            .map(|rejection| rejection.to_finding()),
    );
    findings.extend(planned.findings);
    findings.extend(legacy_findings(mapper, instance));
    findings.extend(parent_cycles(instance));
    findings.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then(a.record.cmp(&b.record))
            .then(a.code.cmp(&b.code))
    });
    findings.dedup();
    let mut counts = BTreeMap::new();
    for finding in &findings {
        *counts.entry(finding.code).or_insert(0) += 1;
    }
    PreflightReport { findings, counts }
}

fn spec_reason(code: crate::spec::IssueCode) -> ReasonCode {
    use crate::spec::IssueCode;
    match code {
        IssueCode::UnmappedTicketType => ReasonCode::UnmappedTicketType,
        IssueCode::UndecidedLegacyField => ReasonCode::LegacyField,
        _ => ReasonCode::UnmappedValue,
    }
}

/// One note per ticket carrying legacy values, saying where they go.
fn legacy_findings<'a>(
    mapper: &'a Mapper,
    instance: &'a SourceInstance,
) -> impl Iterator<Item = Finding> + 'a {
    instance
        .tickets
        .iter()
        .filter(|ticket| !ticket.legacy_values.is_empty())
        .map(move |ticket| {
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
                        Some((LegacyDecision::Remap, Some(attribute))) => {
                            format!("into `{attribute}`")
                        }
                        Some((LegacyDecision::Archive, _)) => "into the archive note".to_string(),
                        _ => "undecided, archived into the note".to_string(),
                    };
                    format!("{} {fate}", value.name)
                })
                .collect();
            Finding::new(
                Severity::Info,
                SourceRef::new(SourceKind::Ticket, ticket.id),
                ReasonCode::LegacyField,
                format!("legacy field values: {}", fates.join("; ")),
                "review [[legacy_fields]] if a value should become an attribute",
            )
        })
}

/// Parent/child cycles, which cannot be linked.
fn parent_cycles(instance: &SourceInstance) -> Vec<Finding> {
    let parents: HashMap<i64, i64> = instance
        .tickets
        .iter()
        .filter_map(|ticket| ticket.parent_ids.first().map(|parent| (ticket.id, *parent)))
        .collect();
    let mut findings = Vec::new();
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
    findings
}
