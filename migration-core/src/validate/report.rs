//! What `plan` keeps of a pre-flight: every finding counted, the first few of each reason kept.
//! The full list went to the [`FindingSink`](super::FindingSink) as it was found, so memory
//! stays bounded however many findings a large instance has.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::model::source::{SourceKind, WireReport};
use crate::reject::{Finding, ReasonCode, RedactionTotals, Severity};
use crate::spec::MappingSpec;

use super::FindingSink;

/// Findings kept as examples per reason code.
pub const EXAMPLES_PER_REASON: usize = 20;

/// The summary of a pre-flight: counts of every finding and the first ones of each reason.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PreflightReport {
    /// The first [`EXAMPLES_PER_REASON`] findings of each reason code, most serious first,
    /// then by record (every finding went to the sink).
    pub findings: Vec<Finding>,
    /// Number of findings per reason code.
    pub counts: BTreeMap<ReasonCode, usize>,
    /// Number of findings per severity.
    #[serde(default)]
    pub severities: BTreeMap<Severity, usize>,
    /// Values redacted per rule, added up from the `redacted` findings.
    #[serde(default, skip_serializing_if = "RedactionTotals::is_empty")]
    pub redactions: RedactionTotals,
    /// Records the mapping's `[scope]` leaves out, per kind: not checked, as they do not move
    /// (neither findings nor errors).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub out_of_scope: BTreeMap<SourceKind, u64>,
}

impl PreflightReport {
    /// A summary of `findings`, kept whole (for callers that hold a short list anyway).
    pub fn from_findings(findings: Vec<Finding>) -> Self {
        let mut report = Self::default();
        for finding in &findings {
            report.count(finding);
        }
        report.findings = findings;
        report
    }

    /// Counts `finding` and keeps it when its reason has fewer than [`EXAMPLES_PER_REASON`]
    /// examples.
    pub fn record(&mut self, finding: &Finding) {
        if self.count(finding) <= EXAMPLES_PER_REASON {
            self.findings.push(finding.clone());
        }
    }

    /// Counts `finding`; returns how many of its reason there are now.
    fn count(&mut self, finding: &Finding) -> usize {
        *self.severities.entry(finding.severity).or_default() += 1;
        self.redactions.add(finding);
        let count = self.counts.entry(finding.code).or_default();
        *count += 1;
        *count
    }

    /// Counts a record of `kind` the scope leaves out.
    pub fn left_out(&mut self, kind: SourceKind) {
        *self.out_of_scope.entry(kind).or_default() += 1;
    }

    /// Records the scope leaves out, over every kind.
    pub fn out_of_scope_total(&self) -> u64 {
        self.out_of_scope.values().sum()
    }

    /// Orders the examples most serious first, then by record and reason; ties keep the order
    /// they were found in.
    pub(super) fn sort_examples(&mut self) {
        self.findings.sort_by(super::most_serious_first);
    }

    /// Findings in all.
    pub fn total(&self) -> usize {
        self.counts.values().sum()
    }

    /// Number of findings of at least `severity`.
    pub fn count_at_least(&self, severity: Severity) -> usize {
        self.severities
            .range(severity..)
            .map(|(_, count)| count)
            .sum()
    }

    /// The kept examples of at least `severity`.
    pub fn at_least(&self, severity: Severity) -> impl Iterator<Item = &Finding> {
        self.findings
            .iter()
            .filter(move |finding| finding.severity >= severity)
    }

    /// Whether something will not move.
    pub fn has_errors(&self) -> bool {
        self.count_at_least(Severity::Error) > 0
    }

    /// Adds the source's `wire_assumption` findings, sending each to `sink` too. A blocking one
    /// stays an error unless the mapping acknowledges it or does not move the part it feeds;
    /// it then becomes a warning.
    pub fn add_wire_findings(
        &mut self,
        wire: &WireReport,
        spec: &MappingSpec,
        sink: &mut dyn FindingSink,
    ) {
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
            sink.finding(&finding);
            self.record(&finding);
        }
        // Most serious first; the sort is stable, so each severity keeps its order.
        self.findings
            .sort_by_key(|finding| std::cmp::Reverse(finding.severity));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::source::{SourceKind, SourceRef, WireArea, WireFinding};

    fn finding(severity: Severity, id: i64, code: ReasonCode) -> Finding {
        Finding::new(
            severity,
            SourceRef::new(SourceKind::Ticket, id),
            code,
            format!("finding {id}"),
            "fix it",
        )
    }

    #[test]
    fn every_finding_is_counted_and_only_the_first_of_each_reason_kept() {
        let mut report = PreflightReport::default();
        for id in 0..EXAMPLES_PER_REASON as i64 + 5 {
            report.record(&finding(Severity::Error, id, ReasonCode::DeletedRecord));
            report.record(&finding(Severity::Info, id, ReasonCode::LegacyField));
        }
        report.record(&finding(Severity::Warning, 1, ReasonCode::MissingParent));
        let per_reason = EXAMPLES_PER_REASON + 5;
        assert_eq!(report.total(), 2 * per_reason + 1);
        assert_eq!(report.counts[&ReasonCode::DeletedRecord], per_reason);
        assert_eq!(report.count_at_least(Severity::Error), per_reason);
        assert_eq!(report.count_at_least(Severity::Warning), per_reason + 1);
        assert_eq!(report.count_at_least(Severity::Info), 2 * per_reason + 1);
        assert!(report.has_errors());
        assert_eq!(report.findings.len(), 2 * EXAMPLES_PER_REASON + 1);
        assert_eq!(
            report.at_least(Severity::Error).count(),
            EXAMPLES_PER_REASON
        );
        assert!(report
            .at_least(Severity::Error)
            .enumerate()
            .all(|(index, finding)| finding.record.id == index as i64));
    }

    #[test]
    fn an_earlier_report_without_severities_still_reads() {
        let report: PreflightReport =
            serde_json::from_str(r#"{"findings": [], "counts": {"missing_email": 2}}"#).unwrap();
        assert_eq!(report.total(), 2);
        assert!(report.severities.is_empty());
    }

    #[test]
    fn wire_findings_go_to_the_sink_and_an_acknowledged_one_no_longer_blocks() {
        let wire = WireReport {
            findings: vec![
                WireFinding {
                    assumption: "action.private".into(),
                    endpoint: None,
                    detail: "absent".into(),
                    consequence: "notes become replies".into(),
                    evidence: "UNK: none".into(),
                    area: WireArea::Tickets,
                    blocking: true,
                },
                WireFinding {
                    assumption: "caller.phone".into(),
                    endpoint: None,
                    detail: "absent".into(),
                    consequence: "no phones".into(),
                    evidence: "UNK: none".into(),
                    area: WireArea::People,
                    blocking: true,
                },
            ],
            ..WireReport::default()
        };
        let mut spec = crate::spec::propose(
            &Default::default(),
            &Default::default(),
            &crate::spec::ProposalOptions {
                source_time_zone: "Europe/London".into(),
                fallback_admin_email: "admin@example.com".into(),
            },
        )
        .spec;
        spec.wire.acknowledged.push("caller.phone".into());
        let mut report = PreflightReport::default();
        report.record(&finding(Severity::Info, 1, ReasonCode::LegacyField));
        let mut sent = Vec::new();
        report.add_wire_findings(&wire, &spec, &mut |finding: &Finding| {
            sent.push(finding.clone())
        });
        let severities: Vec<Severity> = sent.iter().map(|finding| finding.severity).collect();
        assert_eq!(severities, [Severity::Error, Severity::Warning]);
        assert_eq!(report.counts[&ReasonCode::WireAssumption], 2);
        assert_eq!(report.count_at_least(Severity::Error), 1);
        assert_eq!(report.findings[0], sent[0]);
        assert_eq!(
            report.findings.last().unwrap().code,
            ReasonCode::LegacyField
        );
    }
}
