//! Progress events for whoever drives the engine (progress bars, logs), through a trait or a
//! channel.

use std::sync::Mutex;

use futures::channel::mpsc::UnboundedSender;
use serde::Serialize;

use super::order::Pass;
use super::report::{Failure, Reconciliation, RunOutcome, StageReport};
use super::stage::Stage;
use super::RunMode;
use crate::keys::RecordKey;
use crate::model::source::SourceRef;
use crate::ops::Mark;
use crate::ops::Operation;
use crate::ports::RecordStatus;
use crate::reject::Rejection;
use crate::rollback::UndoStep;

/// Why the engine is waiting.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum WaitReason {
    /// Backing off before retrying a transient failure or a lost response.
    Backoff {
        /// The attempt that failed (1 for the first).
        attempt: u32,
        /// How long, in milliseconds.
        delay_ms: u64,
        /// What failed.
        error: String,
    },
    /// Waiting for another record of the same stage to be created first.
    Dependency {
        /// The record.
        key: RecordKey,
    },
}

/// Something that happened in a run, a verification or a rollback.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum Event {
    /// A run started.
    RunStarted {
        /// What runs.
        mode: RunMode,
        /// Whether nothing is sent.
        dry_run: bool,
    },
    /// A pass of an open-first run started; the stages that follow belong to it.
    PassStarted {
        /// The pass.
        pass: Pass,
    },
    /// Every open ticket in scope is in the destination: the open pass ended with each of them
    /// moved, already there or rejected by the mapping (kept by the state store).
    OpenTicketsMoved {
        /// Open tickets in the destination.
        tickets: u64,
    },
    /// A stage started.
    StageStarted {
        /// The stage.
        stage: Stage,
        /// Items it will finish, when known before it starts: the work of the stages built in
        /// memory, and for streamed stages of a full run the counts the engine was given
        /// ([`crate::engine::EngineBuilder::expected_records`]).
        total: Option<u64>,
    },
    /// A stage's progress: `done` of its items have finished (records, whether moved, skipped,
    /// failed, rejected or unchanged; setup operations in the stages that move no source
    /// records), counted as [`Event::StageStarted`]'s `total` counts them.
    StageAdvanced {
        /// The stage.
        stage: Stage,
        /// Items finished so far in this stage.
        done: u64,
    },
    /// A stage finished.
    StageFinished {
        /// Its report.
        report: StageReport,
    },
    /// An operation was sent and confirmed.
    OperationDone {
        /// Its stage.
        stage: Stage,
        /// Its mark.
        mark: Mark,
        /// Its kind (`add_part`).
        operation: &'static str,
        /// Whether it was found applied after a crash or lost response rather than sent.
        reconciled: bool,
    },
    /// An operation was already done.
    OperationSkipped {
        /// Its stage.
        stage: Stage,
        /// Its mark.
        mark: Mark,
    },
    /// A dry run would send this operation (or skip it, when `already_done`).
    OperationPlanned {
        /// Its stage.
        stage: Stage,
        /// The operation.
        operation: Box<Operation>,
        /// Whether an earlier run already did it.
        already_done: bool,
    },
    /// An operation did not apply.
    OperationFailed {
        /// Its stage.
        stage: Stage,
        /// What and why.
        failure: Failure,
    },
    /// The mapping refused a record.
    RecordRejected {
        /// The rejection.
        rejection: Rejection,
    },
    /// Every operation of a record ran (or one failed).
    RecordFinished {
        /// Its stage.
        stage: Stage,
        /// The record.
        record: SourceRef,
        /// Where it stands.
        status: RecordStatus,
    },
    /// The engine waits.
    Waiting {
        /// The operation waiting.
        mark: Mark,
        /// Why.
        reason: WaitReason,
    },
    /// A stage's count did not match the source.
    Mismatch {
        /// The stage.
        stage: Stage,
        /// The counts.
        reconciliation: Reconciliation,
    },
    /// The run ended.
    RunFinished {
        /// How.
        outcome: RunOutcome,
    },
    /// Verification compared one record.
    RecordVerified {
        /// The record.
        key: RecordKey,
        /// Fields that differ.
        differences: usize,
    },
    /// A rollback starts running its steps (not in a dry run).
    RollbackStarted {
        /// The steps it will run.
        steps: u64,
    },
    /// A rollback step ran.
    UndoDone {
        /// The step.
        step: UndoStep,
    },
    /// A rollback step could not run.
    UndoFailed {
        /// The step.
        step: UndoStep,
        /// Why.
        reason: String,
    },
}

/// Receives the engine's events. Called from the engine's task: keep it quick.
pub trait Observer: Send + Sync {
    /// One event.
    fn observe(&self, event: &Event);
}

/// Ignores every event.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoObserver;

impl Observer for NoObserver {
    fn observe(&self, _event: &Event) {}
}

/// Forwards every event into an unbounded channel (events are small; a closed channel is
/// ignored so that a closed progress display never stops a migration).
#[derive(Debug, Clone)]
pub struct ChannelObserver {
    sender: UnboundedSender<Event>,
}

impl ChannelObserver {
    /// Sends events to `sender`.
    pub fn new(sender: UnboundedSender<Event>) -> Self {
        Self { sender }
    }
}

impl Observer for ChannelObserver {
    fn observe(&self, event: &Event) {
        let _closed = self.sender.unbounded_send(event.clone());
    }
}

/// Keeps every event in memory (tests, dry runs of small scopes).
#[derive(Debug, Default)]
pub struct CollectingObserver {
    events: Mutex<Vec<Event>>,
}

impl CollectingObserver {
    /// An empty collector.
    pub fn new() -> Self {
        Self::default()
    }

    /// Takes the events collected so far.
    pub fn take(&self) -> Vec<Event> {
        self.events
            .lock()
            .map(|mut events| std::mem::take(&mut *events))
            .unwrap_or_default()
    }

    /// The operations a dry run planned, in the order they were planned.
    pub fn planned(&self) -> Vec<Operation> {
        self.events
            .lock()
            .map(|events| {
                events
                    .iter()
                    .filter_map(|event| match event {
                        Event::OperationPlanned { operation, .. } => Some((**operation).clone()),
                        _ => None,
                    })
                    .collect()
            })
            .unwrap_or_default()
    }
}

impl Observer for CollectingObserver {
    fn observe(&self, event: &Event) {
        if let Ok(mut events) = self.events.lock() {
            events.push(event.clone());
        }
    }
}
