//! The report's sections built from the engine's own reports: their counts as they are, their
//! per-record lists summarised ([`Grouped`], [`Listed`]) while each is written in full into a
//! [`ListFolder`].

use std::collections::BTreeMap;
use std::io;

use chrono::{DateTime, Utc};
use migration_core::delta::Watermark;
use migration_core::engine::{
    Difference, Failure, ForeignPart, ObjectCounts, RollbackReport, RunMode, RunOutcome, RunReport,
    StageReport, UndoFailure, UnreadableParts, VerifyCounts, VerifyReport, VerifySelection,
};
use migration_core::model::source::{SourceKind, SourceRef};
use migration_core::reject::{Finding, ReasonCode, RedactionTotals, Rejection, Severity};
use migration_core::rollback::{KeptValue, UndoStep};
use migration_core::validate::PreflightReport;
use migration_core::RecordKind;
use serde::{Deserialize, Serialize};

use super::lists::{Group, Grouped, ListFolder, Listed, EXAMPLES, OTHER_REASONS};
use super::words;

/// The pre-flight findings: counts per severity, and per reason with the first of each.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PreflightSection {
    /// Findings per severity.
    pub severities: BTreeMap<Severity, u64>,
    /// The findings by reason code, most serious reason first.
    pub findings: Grouped<Finding>,
    /// Values the run will redact, per rule.
    #[serde(default, skip_serializing_if = "RedactionTotals::is_empty")]
    pub redactions: RedactionTotals,
    /// Records the mapping's `[scope]` leaves out, per kind: not checked, as they do not move.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub out_of_scope: BTreeMap<SourceKind, u64>,
}

impl PreflightSection {
    /// The section for `plan`'s report; `file` is the list of every finding beside the report,
    /// when there is one.
    pub fn new(report: &PreflightReport, file: Option<String>) -> Self {
        let mut severities: BTreeMap<Severity, u64> = report
            .severities
            .iter()
            .map(|(severity, found)| (*severity, *found as u64))
            .collect();
        // A pre-flight kept before findings were counted per severity held every finding.
        if severities.is_empty() {
            for finding in &report.findings {
                *severities.entry(finding.severity).or_default() += 1;
            }
        }
        let mut groups: Vec<Group<Finding>> = report
            .counts
            .iter()
            .map(|(code, count)| Group {
                reason: code.as_str().to_string(),
                count: *count as u64,
                fix: None,
                examples: report
                    .findings
                    .iter()
                    .filter(|finding| finding.code == *code)
                    .take(EXAMPLES)
                    .cloned()
                    .collect(),
            })
            .collect();
        groups.sort_by_key(|group| {
            let worst = group.examples.iter().map(|finding| finding.severity).max();
            std::cmp::Reverse(worst)
        });
        let total = report.counts.values().map(|count| *count as u64).sum();
        Self {
            severities,
            findings: Grouped {
                total,
                file: file.filter(|_| total > 0),
                groups,
            },
            redactions: report.redactions.clone(),
            out_of_scope: report.out_of_scope.clone(),
        }
    }

    /// Findings of `severity`.
    pub fn of_severity(&self, severity: Severity) -> u64 {
        self.severities.get(&severity).copied().unwrap_or(0)
    }
}

/// One run: what the engine reported, its per-record lists summarised.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunSection {
    /// When the run started, when the state store knows it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub started_at: Option<DateTime<Utc>>,
    /// What was run.
    pub mode: RunMode,
    /// Whether nothing was sent.
    pub dry_run: bool,
    /// How it ended.
    pub outcome: RunOutcome,
    /// Records per source kind.
    pub objects: BTreeMap<SourceKind, ObjectCounts>,
    /// Every stage that ran, in order.
    pub stages: Vec<StageReport>,
    /// Findings (warnings, notes) per reason code.
    pub findings: BTreeMap<ReasonCode, u64>,
    /// Values redacted per rule.
    #[serde(default, skip_serializing_if = "RedactionTotals::is_empty")]
    pub redactions: RedactionTotals,
    /// Destination requests made.
    pub requests: u64,
    /// Destination requests per record moved.
    pub requests_per_record: f64,
    /// The watermark the run recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub watermark: Option<Watermark>,
    /// Wall time, in milliseconds.
    pub duration_ms: u64,
    /// Records the mapping refused, by reason code.
    #[serde(default)]
    pub rejections: Grouped<Rejection>,
    /// Operations that did not apply, by failure code.
    #[serde(default)]
    pub failures: Grouped<Failure>,
    /// Links to parent tickets that could not be made.
    #[serde(default, skip_serializing_if = "Listed::is_empty")]
    pub unlinked_children: Listed<SourceRef>,
    /// The tickets a sample run chose.
    #[serde(default, skip_serializing_if = "Listed::is_empty")]
    pub sample: Listed<SourceRef>,
}

impl RunSection {
    /// Run `number` of the report (its lists are `run-<number>-….jsonl`), started at
    /// `started_at`.
    pub fn new(
        number: usize,
        started_at: Option<DateTime<Utc>>,
        report: &RunReport,
        lists: &ListFolder,
    ) -> io::Result<Self> {
        let file = |list: &str| format!("run-{number}-{list}.jsonl");
        Ok(Self {
            started_at,
            mode: report.mode,
            dry_run: report.dry_run,
            outcome: report.outcome.clone(),
            objects: report.objects.clone(),
            stages: report.stages.clone(),
            findings: report.findings.clone(),
            redactions: report.redactions.clone(),
            requests: report.requests,
            requests_per_record: report.requests_per_record,
            watermark: report.watermark,
            duration_ms: report.duration_ms,
            rejections: lists.grouped(
                &file("rejections"),
                &report.rejections,
                |rejection| rejection.code,
                |code| code.as_str().to_string(),
                |rejection| Some(rejection.fix.as_str()),
            )?,
            failures: lists.grouped(
                &file("failures"),
                &report.failures,
                |failure| words::wire_name(&failure.code),
                Clone::clone,
                |failure| Some(failure.fix.as_str()),
            )?,
            unlinked_children: lists
                .listed(&file("unlinked-children"), &report.unlinked_children)?,
            sample: lists.listed(&file("sample"), &report.sample)?,
        })
    }
}

/// The latest verification: counts per kind, its lists summarised.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VerificationSection {
    /// Which records were compared.
    pub selection: VerifySelection,
    /// Counts per kind of destination record.
    pub objects: BTreeMap<RecordKind, VerifyCounts>,
    /// Field differences, by field (part numbers as `*`).
    #[serde(default)]
    pub differences: Grouped<Difference>,
    /// Threads whose oldest parts the destination's API does not show.
    #[serde(default, skip_serializing_if = "Listed::is_empty")]
    pub unreadable_parts: Listed<UnreadableParts>,
    /// Parts not readable through the destination's API, over every thread.
    #[serde(default)]
    pub unreadable_part_count: u64,
    /// Parts of migrated threads the migration did not write.
    #[serde(default, skip_serializing_if = "Listed::is_empty")]
    pub foreign_parts: Listed<ForeignPart>,
    /// Whether it was stopped before the end.
    pub interrupted: bool,
    /// Wall time, in milliseconds.
    pub duration_ms: u64,
}

impl VerificationSection {
    /// The section for `report`; its lists are `verify-….jsonl`.
    pub fn new(report: &VerifyReport, lists: &ListFolder) -> io::Result<Self> {
        let mut differences = lists.grouped(
            "verify-differences.jsonl",
            &report.differences,
            |difference| field_pattern(&difference.field),
            Clone::clone,
            |_| None,
        )?;
        // The fields that differ most first; the group of other fields stays last.
        differences.groups.sort_by_key(|group| {
            (
                group.reason == OTHER_REASONS,
                std::cmp::Reverse(group.count),
            )
        });
        Ok(Self {
            selection: report.selection,
            objects: report.objects.clone(),
            differences,
            unreadable_parts: lists
                .listed("verify-unreadable-parts.jsonl", &report.unreadable_parts)?,
            unreadable_part_count: report.unreadable_part_count(),
            foreign_parts: lists.listed("verify-foreign-parts.jsonl", &report.foreign_parts)?,
            interrupted: report.interrupted,
            duration_ms: report.duration_ms,
        })
    }

    /// Whether every compared record matched, none was missing and none holds a part the
    /// migration did not write.
    pub fn is_clean(&self) -> bool {
        self.differences.is_empty() && self.foreign_parts.is_empty() && !self.interrupted
    }
}

/// A difference's field with part and attachment numbers as `*` (`parts.*.created_at`), so
/// that the same difference on many parts is one group.
fn field_pattern(field: &str) -> String {
    field
        .split('.')
        .map(|segment| {
            if !segment.is_empty() && segment.bytes().all(|byte| byte.is_ascii_digit()) {
                "*"
            } else {
                segment
            }
        })
        .collect::<Vec<_>>()
        .join(".")
}

/// The latest rollback: its tallies, its steps counted per kind, its lists summarised.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RollbackSection {
    /// Whether nothing was changed.
    pub dry_run: bool,
    /// Steps planned.
    pub steps_planned: u64,
    /// Steps planned per kind of step (`delete`, `archive`…).
    pub steps: BTreeMap<String, u64>,
    /// Steps run.
    pub undone: u64,
    /// Steps whose record was already gone.
    pub already_absent: u64,
    /// Entries that needed no step.
    pub settled_without_step: u64,
    /// Operations journalled with an unknown outcome that were found never applied.
    pub never_applied: u64,
    /// Entries that could not be undone, with why.
    #[serde(default)]
    pub failures: Listed<UndoFailure>,
    /// Entries whose outcome is still unknown.
    #[serde(default)]
    pub uncertain: Listed<String>,
    /// Values that stay as the migration set them on records that existed before it.
    #[serde(default, skip_serializing_if = "Listed::is_empty")]
    pub kept: Listed<KeptValue>,
    /// Re-hosted article images removed (in a dry run: that would be removed).
    #[serde(default)]
    pub images_removed: u64,
    /// Whether it was stopped before the end.
    pub interrupted: bool,
    /// Wall time, in milliseconds.
    pub duration_ms: u64,
}

impl RollbackSection {
    /// The section for `report`; its lists are `rollback-….jsonl`.
    pub fn new(report: &RollbackReport, lists: &ListFolder) -> io::Result<Self> {
        Ok(Self {
            dry_run: report.dry_run,
            steps_planned: report.steps.len() as u64,
            steps: steps_per_kind(&report.steps),
            undone: report.undone,
            already_absent: report.already_absent,
            settled_without_step: report.settled_without_step,
            never_applied: report.never_applied,
            failures: lists.listed("rollback-failures.jsonl", &report.failures)?,
            uncertain: lists.listed("rollback-uncertain.jsonl", &report.uncertain)?,
            kept: lists.listed("rollback-kept-values.jsonl", &report.kept)?,
            images_removed: report.images_removed,
            interrupted: report.interrupted,
            duration_ms: report.duration_ms,
        })
    }

    /// Whether everything the journal held is undone.
    pub fn is_complete(&self) -> bool {
        self.failures.is_empty() && self.uncertain.is_empty() && !self.interrupted
    }
}

/// Planned steps counted per kind of step (`delete`, `archive`…), in their wire names.
fn steps_per_kind(steps: &[UndoStep]) -> BTreeMap<String, u64> {
    let mut counted = BTreeMap::new();
    for step in steps {
        let kind = match serde_json::to_value(step) {
            Ok(serde_json::Value::Object(fields)) => fields
                .get("step")
                .and_then(|kind| kind.as_str())
                .map_or_else(|| "other".to_string(), str::to_string),
            _ => "other".to_string(),
        };
        *counted.entry(kind).or_insert(0) += 1;
    }
    counted
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn part_numbers_do_not_split_a_difference_into_groups() {
        assert_eq!(field_pattern("parts.3.created_at"), "parts.*.created_at");
        assert_eq!(
            field_pattern("parts.12.attachments.0.sha256"),
            "parts.*.attachments.*.sha256"
        );
        assert_eq!(
            field_pattern("custom_attributes.tier 2"),
            "custom_attributes.tier 2"
        );
        assert_eq!(field_pattern("record"), "record");
    }

    #[test]
    fn the_field_that_differs_most_comes_first() {
        use migration_core::keys::RecordKey;
        let difference = |id: i64, field: &str| Difference {
            record: SourceRef::new(SourceKind::Ticket, id),
            key: RecordKey::ticket(id),
            destination_id: None,
            field: field.to_string(),
            expected: serde_json::json!(1),
            found: None,
        };
        let report = VerifyReport {
            selection: VerifySelection::All,
            objects: BTreeMap::new(),
            differences: vec![
                difference(1, "title"),
                difference(2, "parts.1.created_at"),
                difference(3, "parts.7.created_at"),
            ],
            unreadable_parts: Vec::new(),
            foreign_parts: Vec::new(),
            interrupted: false,
            duration_ms: 0,
        };
        let temp = tempfile::tempdir().unwrap();
        let section =
            VerificationSection::new(&report, &ListFolder::open(temp.path()).unwrap()).unwrap();
        let groups: Vec<(&str, u64)> = section
            .differences
            .groups
            .iter()
            .map(|group| (group.reason.as_str(), group.count))
            .collect();
        assert_eq!(groups, [("parts.*.created_at", 2), ("title", 1)]);
        assert!(!section.is_clean());
    }

    #[test]
    fn pre_flight_groups_put_the_most_serious_reason_first_with_every_count() {
        use migration_core::model::source::SourceKind;
        let finding = |severity, code, id| {
            Finding::new(
                severity,
                SourceRef::new(SourceKind::Caller, id),
                code,
                "what",
                "fix",
            )
        };
        let mut report = PreflightReport::default();
        for id in 0..30 {
            report.record(&finding(Severity::Info, ReasonCode::LegacyField, id));
        }
        report.record(&finding(Severity::Error, ReasonCode::MissingEmail, 99));
        let section = PreflightSection::new(&report, Some("preflight-findings.jsonl".into()));
        let groups: Vec<(&str, u64, usize)> = section
            .findings
            .groups
            .iter()
            .map(|group| (group.reason.as_str(), group.count, group.examples.len()))
            .collect();
        assert_eq!(
            groups,
            [("missing_email", 1, 1), ("legacy_field", 30, EXAMPLES)]
        );
        assert_eq!(section.findings.total, 31);
        assert_eq!(section.of_severity(Severity::Info), 30);
        assert_eq!(section.of_severity(Severity::Warning), 0);
    }

    #[test]
    fn an_earlier_pre_flight_with_every_finding_is_cut_to_examples() {
        use migration_core::model::source::SourceKind;
        let findings: Vec<Finding> = (0..50)
            .map(|id| {
                Finding::new(
                    Severity::Warning,
                    SourceRef::new(SourceKind::Caller, id),
                    ReasonCode::MissingEmail,
                    "what",
                    "fix",
                )
            })
            .collect();
        let mut report = PreflightReport::from_findings(findings);
        report.severities.clear();
        let section = PreflightSection::new(&report, None);
        assert_eq!(section.of_severity(Severity::Warning), 50);
        assert_eq!(section.findings.groups[0].examples.len(), EXAMPLES);
        assert_eq!(section.findings.file, None);
    }
}
