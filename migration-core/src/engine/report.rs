//! What a run did, as one serialisable document: counts per object and per stage, every
//! rejection and failure with its reason and fix, timings and requests per record.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::order::Pass;
use super::stage::Stage;
use super::RunMode;
use crate::delta::Watermark;
use crate::model::source::{SourceKind, SourceRef};
use crate::ops::Mark;
use crate::reject::{ReasonCode, RedactionTotals, Rejection};

/// How many source records of one kind went where.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ObjectCounts {
    /// Read from the source (in a delta: changed since the watermark; in a sample: chosen).
    pub source: u64,
    /// Written by this run (at least one request sent, nothing failed).
    pub moved: u64,
    /// Nothing sent: already done by an earlier run, or nothing to write (a caller whose
    /// contact another caller's email already gave).
    pub skipped: u64,
    /// Refused by the mapping (see the rejections).
    pub rejected: u64,
    /// Refused by the destination, or blocked by a record that was (see the failures).
    pub failed: u64,
    /// Left out by the mapping's `[scope]`: neither rejected nor lost, widen the scope to
    /// move them.
    #[serde(default)]
    pub out_of_scope: u64,
}

impl ObjectCounts {
    /// Adds `other` to these counts.
    pub fn add(&mut self, other: &ObjectCounts) {
        self.source += other.source;
        self.moved += other.moved;
        self.skipped += other.skipped;
        self.rejected += other.rejected;
        self.failed += other.failed;
        self.out_of_scope += other.out_of_scope;
    }

    /// Records accounted for: moved, skipped, rejected, failed or out of scope.
    pub fn accounted(&self) -> u64 {
        self.moved + self.skipped + self.rejected + self.failed + self.out_of_scope
    }
}

/// What happened to the operations of a stage.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OperationCounts {
    /// Sent and confirmed (or, in a dry run, that would be sent).
    pub sent: u64,
    /// Found applied by asking the destination after a crash or a lost response.
    pub reconciled: u64,
    /// Already done; not sent again.
    pub skipped: u64,
    /// Refused, or blocked by a failed dependency.
    pub failed: u64,
    /// Extra attempts after transient failures or lost responses.
    pub retries: u64,
    /// Destination requests made (writes, retries and reconciliations).
    pub requests: u64,
}

impl OperationCounts {
    /// Adds `other` to these counts.
    pub fn add(&mut self, other: &OperationCounts) {
        self.sent += other.sent;
        self.reconciled += other.reconciled;
        self.skipped += other.skipped;
        self.failed += other.failed;
        self.retries += other.retries;
        self.requests += other.requests;
    }
}

/// A stage's records checked against the source count.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reconciliation {
    /// Records the source gave.
    pub source: u64,
    /// Records moved or already there.
    pub present: u64,
    /// Records the mapping refused (expected, reported before the run).
    pub rejected: u64,
    /// Records that should have moved and did not.
    pub failed: u64,
    /// Records read but not accounted for (interrupted runs).
    pub unaccounted: u64,
    /// Whether every source record is present, rejected or out of scope.
    pub matches: bool,
    /// Records the mapping's `[scope]` left out.
    #[serde(default)]
    pub out_of_scope: u64,
}

/// One stage of a run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StageReport {
    /// The stage.
    pub stage: Stage,
    /// Its source records (none for stages that only finish records of earlier ones).
    pub records: ObjectCounts,
    /// Its operations.
    pub operations: OperationCounts,
    /// Wall time, in milliseconds.
    pub duration_ms: u64,
    /// The count check, for stages that move source records.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reconciliation: Option<Reconciliation>,
    /// The pass of an open-first run the stage belongs to (`None` in a run by stage).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pass: Option<Pass>,
}

impl StageReport {
    /// An empty report for `stage`.
    pub fn new(stage: Stage) -> Self {
        Self {
            stage,
            records: ObjectCounts::default(),
            operations: OperationCounts::default(),
            duration_ms: 0,
            reconciliation: None,
            pass: None,
        }
    }
}

/// Why an operation did not apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FailureCode {
    /// The destination refused the data.
    DestinationRejected,
    /// A record it needs was rejected or failed.
    DependencyFailed,
    /// A file could not be read from the source.
    SourceFileUnavailable,
}

impl FailureCode {
    /// What to do about it.
    pub fn fix(self) -> &'static str {
        match self {
            FailureCode::DestinationRejected => {
                "correct the record in Vivantio (or the rule in mapping.toml) and run the migration again; everything else is kept"
            }
            FailureCode::DependencyFailed => "fix the record it needs (see its own rejection or failure) and run the migration again",
            FailureCode::SourceFileUnavailable => "check the file in Vivantio and run the migration again",
        }
    }
}

/// An operation that did not apply, and so a record that did not (completely) move.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Failure {
    /// The source record.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub record: Option<SourceRef>,
    /// The operation's mark.
    pub mark: Mark,
    /// The operation's kind (`add_part`).
    pub operation: String,
    /// Why, as a code.
    pub code: FailureCode,
    /// Why, in a sentence (the destination's own message when it refused).
    pub message: String,
    /// How to fix it.
    pub fix: String,
}

impl Failure {
    /// The failure of `operation`.
    pub(crate) fn of(
        operation: &crate::ops::Operation,
        code: FailureCode,
        message: String,
    ) -> Self {
        Self {
            record: operation.source,
            mark: operation.mark.clone(),
            operation: operation.op.name().to_string(),
            code,
            message,
            fix: code.fix().to_string(),
        }
    }
}

/// How a run ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum RunOutcome {
    /// Every stage ran.
    Completed,
    /// A stage's records did not match the source count; later stages did not run.
    StoppedOnMismatch {
        /// The stage.
        stage: Stage,
    },
    /// Stopped on request; run again to resume.
    Interrupted,
}

/// The report of one run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunReport {
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
    /// Every record the mapping refused, with reason code, sentence and fix.
    pub rejections: Vec<Rejection>,
    /// Every operation that did not apply, with the reason and fix.
    pub failures: Vec<Failure>,
    /// Findings (warnings, notes) per reason code; the pre-flight report lists them one by one.
    pub findings: BTreeMap<ReasonCode, u64>,
    /// Values redacted per rule (the `redacted` findings added up).
    #[serde(default, skip_serializing_if = "RedactionTotals::is_empty")]
    pub redactions: RedactionTotals,
    /// Links to parent tickets that could not be made (the parent did not move).
    pub unlinked_children: Vec<SourceRef>,
    /// The tickets a sample run chose.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sample: Vec<SourceRef>,
    /// Destination requests made.
    pub requests: u64,
    /// Destination requests per record moved (0 when nothing moved).
    pub requests_per_record: f64,
    /// The watermark the run recorded (complete full and delta runs only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub watermark: Option<Watermark>,
    /// Wall time, in milliseconds.
    pub duration_ms: u64,
}

impl RunReport {
    /// An empty report of a run in `mode`.
    pub fn new(mode: RunMode, dry_run: bool) -> Self {
        Self {
            mode,
            dry_run,
            outcome: RunOutcome::Completed,
            objects: BTreeMap::new(),
            stages: Vec::new(),
            rejections: Vec::new(),
            failures: Vec::new(),
            findings: BTreeMap::new(),
            redactions: RedactionTotals::default(),
            unlinked_children: Vec::new(),
            sample: Vec::new(),
            requests: 0,
            requests_per_record: 0.0,
            watermark: None,
            duration_ms: 0,
        }
    }

    /// Operation counts over every stage.
    pub fn operations(&self) -> OperationCounts {
        let mut total = OperationCounts::default();
        for stage in &self.stages {
            total.add(&stage.operations);
        }
        total
    }

    /// The report of `stage`, if it ran.
    pub fn stage(&self, stage: Stage) -> Option<&StageReport> {
        self.stages.iter().find(|report| report.stage == stage)
    }

    /// Adds a finished stage and derives the totals.
    pub(crate) fn push_stage(&mut self, report: StageReport) {
        if let Some(kind) = report.stage.source_kind() {
            self.objects.entry(kind).or_default().add(&report.records);
        }
        self.requests += report.operations.requests;
        let moved: u64 = self.objects.values().map(|counts| counts.moved).sum();
        self.requests_per_record = if moved == 0 {
            0.0
        } else {
            self.requests as f64 / moved as f64
        };
        self.stages.push(report);
    }
}
