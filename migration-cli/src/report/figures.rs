//! Figures derived from a report that every renderer shows the same way: the counts per
//! object, the headline numbers, the overall verdict, groupings and human formatting.

use std::collections::BTreeMap;

use migration_core::engine::{RunMode, RunOutcome};
use migration_core::inventory::{InventoryItem, InventoryKind, WrittenInventory};
use migration_core::model::source::SourceKind;
use migration_core::reject::Severity;
use migration_core::RecordKind;
use serde::{Deserialize, Serialize};

use super::model::MigrationReport;
use super::sections::RunSection;

/// One row of the counts-per-object table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ObjectRow {
    /// The source object.
    pub object: SourceKind,
    /// Records the run read.
    pub source: u64,
    /// Records in Intercom after the run: moved by it or by an earlier one.
    pub moved: u64,
    /// Records the mapping refused.
    pub rejected: u64,
    /// Records the destination refused, or that a refused record blocked.
    pub failed: u64,
    /// Records the mapping's `[scope]` left out: neither rejected nor lost.
    #[serde(default)]
    pub out_of_scope: u64,
    /// What verification found, when it covered this object.
    pub verified: Option<VerifiedCounts>,
}

impl ObjectRow {
    /// Records the run read that the scope moves.
    pub fn in_scope(&self) -> u64 {
        self.source.saturating_sub(self.out_of_scope)
    }
}

/// Verification counts of the destination records one source object becomes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct VerifiedCounts {
    /// Records compared.
    pub checked: u64,
    /// Compared and equal.
    pub matching: u64,
    /// Compared and different.
    pub differing: u64,
    /// Not found in Intercom.
    pub missing: u64,
}

/// The numbers at the top of the report.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Headline {
    /// Records in Intercom after the baseline run.
    pub moved: u64,
    /// Records the baseline run read.
    pub source: u64,
    /// Records the mapping refused in the baseline run.
    pub rejected: u64,
    /// Records that failed in the baseline run.
    pub failed: u64,
    /// Records the baseline run left out by the mapping's `[scope]`.
    #[serde(default)]
    pub out_of_scope: u64,
    /// Records verification compared.
    pub checked: u64,
    /// Records verification found equal.
    pub matching: u64,
    /// Field differences verification found.
    pub differences: u64,
    /// Pre-flight findings that stop a record from moving.
    pub blocking_findings: u64,
    /// Wall time of every run, verification and rollback together, in milliseconds.
    pub total_ms: u64,
}

impl Headline {
    /// Records the baseline run read that the scope moves.
    pub fn in_scope(&self) -> u64 {
        self.source.saturating_sub(self.out_of_scope)
    }
}

/// How the migration stands, in one word for the header.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Nothing has run yet.
    NotRun,
    /// Everything moved and matched.
    Clean,
    /// Finished, but some records were rejected by the mapping.
    WithRejections,
    /// Failures, differences, a stopped run or an incomplete rollback: a person must look.
    NeedsAttention,
}

impl Verdict {
    /// The verdict as a short phrase.
    pub fn label(self) -> &'static str {
        match self {
            Verdict::NotRun => "No run yet",
            Verdict::Clean => "Clean",
            Verdict::WithRejections => "Finished with rejections",
            Verdict::NeedsAttention => "Needs attention",
        }
    }
}

impl MigrationReport {
    /// The run the summary counts describe: the latest full run that sent something, else the
    /// latest run that sent something, else the latest run. Earlier runs (samples) are inside
    /// it as records already moved; each run keeps its own table below.
    pub fn baseline_run(&self) -> Option<&RunSection> {
        let sent = |section: &&RunSection| !section.dry_run;
        self.runs
            .iter()
            .rev()
            .filter(sent)
            .find(|section| section.mode == RunMode::Full)
            .or_else(|| self.runs.iter().rev().find(sent))
            .or_else(|| self.runs.last())
    }

    /// Counts per source object for the baseline run, with what verification found.
    pub fn object_rows(&self) -> Vec<ObjectRow> {
        self.baseline_run()
            .map(|section| object_rows(section, self))
            .unwrap_or_default()
    }

    /// The headline numbers.
    pub fn headline(&self) -> Headline {
        let mut headline = Headline::default();
        for row in self.object_rows() {
            headline.moved += row.moved;
            headline.source += row.source;
            headline.rejected += row.rejected;
            headline.failed += row.failed;
            headline.out_of_scope += row.out_of_scope;
        }
        if let Some(verification) = &self.verification {
            for counts in verification.objects.values() {
                headline.checked += counts.checked;
                headline.matching += counts.matching;
            }
            headline.differences = verification.differences.total;
            headline.total_ms += verification.duration_ms;
        }
        if let Some(preflight) = &self.preflight {
            headline.blocking_findings = preflight.of_severity(Severity::Error);
        }
        headline.total_ms += self
            .runs
            .iter()
            .map(|section| section.duration_ms)
            .sum::<u64>();
        if let Some(rollback) = &self.rollback {
            headline.total_ms += rollback.duration_ms;
        }
        headline
    }

    /// How the migration stands.
    pub fn verdict(&self) -> Verdict {
        let Some(baseline) = self.baseline_run() else {
            return Verdict::NotRun;
        };
        let run = baseline;
        let verification_failed = self
            .verification
            .as_ref()
            .is_some_and(|verification| !verification.is_clean());
        let rollback_incomplete = self
            .rollback
            .as_ref()
            .is_some_and(|rollback| !rollback.is_complete());
        if run.outcome != RunOutcome::Completed
            || !run.failures.is_empty()
            || verification_failed
            || rollback_incomplete
        {
            Verdict::NeedsAttention
        } else if !run.rejections.is_empty() {
            Verdict::WithRejections
        } else {
            Verdict::Clean
        }
    }
}

fn object_rows(run: &RunSection, report: &MigrationReport) -> Vec<ObjectRow> {
    let mut verified: BTreeMap<SourceKind, VerifiedCounts> = BTreeMap::new();
    if let Some(verification) = &report.verification {
        for (kind, counts) in &verification.objects {
            let Some(object) = source_of(*kind) else {
                continue;
            };
            let entry = verified.entry(object).or_default();
            entry.checked += counts.checked;
            entry.matching += counts.matching;
            entry.differing += counts.differing;
            entry.missing += counts.missing;
        }
    }
    run.objects
        .iter()
        .map(|(object, counts)| ObjectRow {
            object: *object,
            source: counts.source,
            moved: counts.moved + counts.skipped,
            rejected: counts.rejected,
            failed: counts.failed,
            out_of_scope: counts.out_of_scope,
            verified: verified.get(object).copied(),
        })
        .collect()
}

/// The source object a destination record comes from (none for schema records).
fn source_of(kind: RecordKind) -> Option<SourceKind> {
    match kind {
        RecordKind::Company => Some(SourceKind::Organisation),
        RecordKind::Contact => Some(SourceKind::Caller),
        RecordKind::Collection => Some(SourceKind::Category),
        RecordKind::Article => Some(SourceKind::Article),
        RecordKind::Conversation | RecordKind::Ticket => Some(SourceKind::Ticket),
        _ => None,
    }
}

/// The inventory kinds in the order the reports show them, with their headings.
const INVENTORY_KINDS: [(InventoryKind, &str); 5] = [
    (InventoryKind::Workflow, "Workflows"),
    (InventoryKind::BusinessRule, "Business rules"),
    (InventoryKind::SlaPolicy, "SLA policies"),
    (InventoryKind::SavedReport, "Saved reports"),
    (InventoryKind::PortalSetting, "Portal settings"),
];

/// The items of `inventory` per kind, under the kind's heading, in the order the reports show
/// them; kinds without items are left out.
pub(crate) fn inventory_groups(
    inventory: &WrittenInventory,
) -> Vec<(&'static str, Vec<&InventoryItem>)> {
    INVENTORY_KINDS
        .into_iter()
        .map(|(kind, heading)| (heading, inventory.of_kind(kind).collect::<Vec<_>>()))
        .filter(|(_, items)| !items.is_empty())
        .collect()
}

/// An inventory item's lists in the order the reports show them, with their labels.
pub(crate) fn labelled_lists(item: &InventoryItem) -> [(&'static str, &[String]); 4] {
    [
        ("Conditions", &item.conditions),
        ("Actions", &item.actions),
        ("Business hours", &item.business_hours),
        ("Clock stops when", &item.pause_rules),
    ]
}
