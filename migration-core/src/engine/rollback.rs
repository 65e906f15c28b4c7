//! Rollback: the journal's entries undone newest first (core's [`plan_rollback`]), each
//! settled in the state store as it is undone, so an interrupted rollback resumes where it
//! stopped. Records that existed before the run are restored, never deleted; what the runs did
//! not write is never touched.

use std::collections::{HashMap, HashSet};
use std::iter::Peekable;
use std::time::Instant;

use futures::TryStreamExt;
use serde::{Deserialize, Serialize};

use super::images::remove_hosted_images;
use super::{Engine, EngineError, Event};
use crate::error::{PortError, PortErrorKind};
use crate::keys::RecordKey;
use crate::model::source::SourceRef;
use crate::ops::Mark;
use crate::ports::{ExecutionRequest, RecordStatus};
use crate::rollback::{
    kept_values, plan_rollback, slim, JournalEntry, JournalState, KeptValue, UndoStep,
};

/// How to roll back.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RollbackOptions {
    /// List the steps without running them (the destination is only read).
    pub dry_run: bool,
}

/// A journal entry that could not be undone.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UndoFailure {
    /// The journal entry.
    pub sequence: u64,
    /// Its operation's mark.
    pub mark: Mark,
    /// The step tried, if there was one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub step: Option<UndoStep>,
    /// Why it could not be undone.
    pub reason: String,
}

/// What a rollback did.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RollbackReport {
    /// Whether nothing was changed.
    pub dry_run: bool,
    /// The steps planned, newest first.
    pub steps: Vec<UndoStep>,
    /// Steps run.
    pub undone: u64,
    /// Steps whose record was already gone.
    pub already_absent: u64,
    /// Entries that needed no step (matches, changes on records the run created and deletes).
    pub settled_without_step: u64,
    /// Operations journalled with an unknown outcome that were found never applied.
    pub never_applied: u64,
    /// Entries that could not be undone, with why.
    pub failures: Vec<UndoFailure>,
    /// Entries whose outcome is still unknown (the destination could not say).
    pub uncertain: Vec<String>,
    /// Values that stay as the migration set them on records that existed before it (fields
    /// that were empty and cannot be emptied again).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub kept: Vec<KeptValue>,
    /// Re-hosted article images removed (in a dry run: that would be removed).
    #[serde(default)]
    pub images_removed: u64,
    /// Whether it was stopped before the end (run it again to resume).
    pub interrupted: bool,
    /// Wall time, in milliseconds.
    pub duration_ms: u64,
}

impl RollbackReport {
    /// Whether everything the journal held is undone.
    pub fn is_complete(&self) -> bool {
        self.failures.is_empty() && self.uncertain.is_empty() && !self.interrupted
    }
}

/// Rolls back.
pub(crate) async fn rollback(
    engine: &Engine<'_>,
    options: &RollbackOptions,
) -> Result<RollbackReport, EngineError> {
    let started = Instant::now();
    let mut report = RollbackReport {
        dry_run: options.dry_run,
        ..RollbackReport::default()
    };
    let entries = read_journal(engine, options.dry_run, &mut report).await?;
    let plan = plan_rollback(&entries);
    report.steps = plan.steps.clone();
    report.kept = kept_values(&plan.steps);
    if options.dry_run {
        remove_images(engine, true, &mut report).await?;
        report.duration_ms = elapsed(started);
        return Ok(report);
    }
    engine.emit(Event::RollbackStarted {
        steps: plan.steps.len() as u64,
    });
    undo_entries(engine, &entries, plan.steps, &mut report).await?;
    // Images go last, once no article that shows them is left.
    if report.is_complete() {
        remove_images(engine, false, &mut report).await?;
    }
    report.duration_ms = elapsed(started);
    Ok(report)
}

/// The journal, newest first, slimmed for planning, its unsettled intents settled where the
/// destination can say what became of them.
async fn read_journal(
    engine: &Engine<'_>,
    dry_run: bool,
    report: &mut RollbackReport,
) -> Result<Vec<JournalEntry>, EngineError> {
    let mut entries = Vec::new();
    let mut journal = engine.store().journal();
    while let Some(entry) = journal.try_next().await.map_err(EngineError::Store)? {
        if let Some(entry) = settle_intent(engine, entry, dry_run, report).await? {
            entries.push(slim(entry));
        }
    }
    entries.sort_by_key(|entry| std::cmp::Reverse(entry.sequence));
    Ok(entries)
}

/// Undoes `entries` (newest first) with the plan's `steps`, settling each entry in the state
/// store as it goes, until the end or a stop.
async fn undo_entries(
    engine: &Engine<'_>,
    entries: &[JournalEntry],
    steps: Vec<UndoStep>,
    report: &mut RollbackReport,
) -> Result<(), EngineError> {
    let mut planned = steps.into_iter().peekable();
    let mut settling = Settling::new(engine, entries);
    for entry in entries {
        if engine.stop.is_stopped() {
            report.interrupted = true;
            break;
        }
        if entry.state == JournalState::Intent {
            continue;
        }
        match next_planned(entry, &mut planned) {
            Some(step) => undo_entry(&mut settling, entry, step, report).await?,
            None => {
                report.settled_without_step += 1;
                settling.settle(entry).await?;
            }
        }
    }
    Ok(())
}

/// The entry's own step when it is the plan's next one: the plan leaves out steps on records
/// it deletes anyway.
fn next_planned(
    entry: &JournalEntry,
    planned: &mut Peekable<std::vec::IntoIter<UndoStep>>,
) -> Option<UndoStep> {
    let own = plan_rollback(std::slice::from_ref(entry))
        .steps
        .into_iter()
        .next();
    match (&own, planned.peek()) {
        (Some(own), Some(next)) if own == next => planned.next(),
        _ => None,
    }
}

/// Runs an entry's step: undone (or its record already gone) settles the entry; refused
/// keeps it, with the reason, for a later rollback to try again.
async fn undo_entry(
    settling: &mut Settling<'_, '_>,
    entry: &JournalEntry,
    step: UndoStep,
    report: &mut RollbackReport,
) -> Result<(), EngineError> {
    let engine = settling.engine;
    match undo(engine, &step).await? {
        Ok(()) => {
            report.undone += 1;
            engine.emit(Event::UndoDone { step });
            settling.settle(entry).await
        }
        Err(error) if error.kind == PortErrorKind::NotFound => {
            report.already_absent += 1;
            engine.emit(Event::UndoDone { step });
            settling.settle(entry).await
        }
        Err(error) => {
            let reason = error.message.clone();
            engine
                .store()
                .mark_undone(entry.sequence, Err(reason.clone()))
                .await
                .map_err(EngineError::Store)?;
            engine.emit(Event::UndoFailed {
                step: step.clone(),
                reason: reason.clone(),
            });
            report.failures.push(UndoFailure {
                sequence: entry.sequence,
                mark: entry.operation.mark.clone(),
                step: Some(step),
                reason,
            });
            Ok(())
        }
    }
}

/// Removes the re-hosted images (a dry run counts them), listing those that stay as failures.
async fn remove_images(
    engine: &Engine<'_>,
    dry_run: bool,
    report: &mut RollbackReport,
) -> Result<(), EngineError> {
    let (removed, unremoved) = remove_hosted_images(engine, dry_run).await?;
    report.images_removed = removed;
    report
        .failures
        .extend(unremoved.into_iter().map(|image| UndoFailure {
            sequence: 0,
            mark: Mark::from(format!("image:{}", image.guid)),
            step: None,
            reason: image.reason,
        }));
    Ok(())
}

/// An intent with no outcome: asks the destination whether it was applied. Applied → journalled
/// done (so it is undone like the rest); not applied → settled and dropped; unknown → kept and
/// reported.
async fn settle_intent(
    engine: &Engine<'_>,
    mut entry: JournalEntry,
    dry_run: bool,
    report: &mut RollbackReport,
) -> Result<Option<JournalEntry>, EngineError> {
    if entry.state != JournalState::Intent {
        return Ok(Some(entry));
    }
    let store = engine.store();
    let request = ExecutionRequest {
        operation: &entry.operation,
        refs: &entry.refs,
        files: &[],
    };
    match engine.destination().reconcile(request).await {
        Ok(Some(outcome)) => {
            if !dry_run {
                if let (Some(key), Some(destination)) =
                    (&entry.operation.creates, &outcome.destination)
                {
                    store
                        .remember(key, destination)
                        .await
                        .map_err(EngineError::Store)?;
                }
                store
                    .complete(entry.sequence, &outcome)
                    .await
                    .map_err(EngineError::Store)?;
            }
            entry.state = JournalState::Done(outcome);
            Ok(Some(entry))
        }
        Ok(None) => {
            report.never_applied += 1;
            if !dry_run {
                store
                    .mark_undone(entry.sequence, Ok(()))
                    .await
                    .map_err(EngineError::Store)?;
            }
            Ok(None)
        }
        Err(error) => {
            report
                .uncertain
                .push(format!("{}: {}", entry.operation.mark, error.message));
            Ok(Some(entry))
        }
    }
}

/// Runs one step, retrying transient failures; `Err` inside when the destination refuses it.
async fn undo(engine: &Engine<'_>, step: &UndoStep) -> Result<Result<(), PortError>, EngineError> {
    let policy = engine.config().retry;
    let mut attempt = 0;
    loop {
        attempt += 1;
        match engine.destination().undo(step).await {
            Ok(()) => return Ok(Ok(())),
            Err(error) if error.is_retryable() && attempt < policy.max_attempts => {
                let mark = format!("{step:?}");
                engine.sleeper.sleep(policy.backoff(attempt, &mark)).await;
            }
            Err(error) if error.is_retryable() => {
                return Err(EngineError::RetriesExhausted {
                    mark: Mark::from(format!("undo {step:?}")),
                    attempts: attempt,
                    error,
                });
            }
            Err(error)
                if matches!(
                    error.kind,
                    PortErrorKind::Rejected | PortErrorKind::NotFound
                ) =>
            {
                return Ok(Err(error))
            }
            Err(error) => {
                return Err(EngineError::Destination {
                    mark: Mark::from(format!("undo {step:?}")),
                    error,
                })
            }
        }
    }
}

/// What settling entries in the state store keeps track of: how many entries of each created
/// record are left, and which source records are already set back to pending.
struct Settling<'e, 'a> {
    engine: &'e Engine<'a>,
    remaining: HashMap<RecordKey, usize>,
    reset: HashSet<SourceRef>,
}

impl<'e, 'a> Settling<'e, 'a> {
    /// Settling for `entries`.
    fn new(engine: &'e Engine<'a>, entries: &[JournalEntry]) -> Self {
        let mut remaining: HashMap<RecordKey, usize> = HashMap::new();
        for key in entries
            .iter()
            .filter_map(|entry| entry.operation.creates.clone())
        {
            *remaining.entry(key).or_default() += 1;
        }
        Self {
            engine,
            remaining,
            reset: HashSet::new(),
        }
    }

    /// Marks an entry undone; forgets its record once no older entry of it is left; sets its
    /// source record back to pending.
    async fn settle(&mut self, entry: &JournalEntry) -> Result<(), EngineError> {
        let store = self.engine.store();
        store
            .mark_undone(entry.sequence, Ok(()))
            .await
            .map_err(EngineError::Store)?;
        if let Some(key) = &entry.operation.creates {
            let left = self.remaining.entry(key.clone()).or_default();
            *left = left.saturating_sub(1);
            if *left == 0 {
                store.forget(key).await.map_err(EngineError::Store)?;
            }
        }
        if let Some(record) = entry.operation.source {
            if self.reset.insert(record) {
                store
                    .set_record_status(record, RecordStatus::Pending)
                    .await
                    .map_err(EngineError::Store)?;
            }
        }
        Ok(())
    }
}

fn elapsed(started: Instant) -> u64 {
    u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX)
}
