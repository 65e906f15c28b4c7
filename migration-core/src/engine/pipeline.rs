//! The streaming pipeline of one stage: records are read and mapped ahead into a bounded
//! channel while earlier records load, a bounded number of records run at once, and the
//! operations of one record run one after the other, in order.
//!
//! Memory stays flat: at most `read_ahead` mapped records wait in the channel and
//! `concurrency` run; the source is not read further until there is room.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Instant;

use futures::channel::{mpsc, oneshot};
use futures::future::{self, BoxFuture, FutureExt, Shared};
use futures::{SinkExt, Stream, StreamExt};

use super::context::Context;
use super::execute::Executed;
use super::inputs::DependencyWait;
use super::observer::Event;
use super::report::{Failure, OperationCounts, StageReport};
use super::stage::Stage;
use super::EngineError;
use crate::keys::RecordKey;
use crate::model::source::SourceRef;
use crate::ops::Operation;
use crate::ports::RecordStatus;
use crate::reject::Rejection;

/// The operations of one source record, run in order.
#[derive(Debug, Clone, Default)]
pub(crate) struct Group {
    /// The record (none for schema operations).
    pub record: Option<SourceRef>,
    /// Its operations, in the order they must run.
    pub operations: Vec<Operation>,
}

impl Group {
    pub fn new(record: Option<SourceRef>, operations: Vec<Operation>) -> Self {
        Self { record, operations }
    }
}

/// One item a stage's producer hands to the loader.
#[derive(Debug)]
pub(crate) enum Work {
    /// A record to load.
    Group(Group),
    /// A record the mapping refused.
    Rejected(Rejection),
    /// A record read but left alone (unchanged since the watermark).
    Unchanged,
    /// A record the mapping's `[scope]` leaves out.
    OutOfScope(SourceRef),
}

/// What a stage did.
#[derive(Debug)]
pub(crate) struct StageOutcome {
    pub report: StageReport,
    pub rejections: Vec<Rejection>,
    pub failures: Vec<Failure>,
}

enum Disposition {
    Moved,
    Skipped,
    Failed(Failure),
    Interrupted,
}

enum Finished {
    Record {
        record: Option<SourceRef>,
        disposition: Disposition,
        counts: OperationCounts,
    },
    Rejected(Rejection),
    Unchanged,
    OutOfScope,
}

/// Records being created by groups in flight, so a group that needs one waits for it instead
/// of racing it (a contact's company link in the same stage as the contact).
#[derive(Default)]
struct InFlight {
    creators: Mutex<HashMap<RecordKey, Shared<oneshot::Receiver<()>>>>,
}

impl InFlight {
    /// Registers what `group` creates; the returned guards release it when dropped.
    fn register(&self, group: &Group) -> Vec<(RecordKey, oneshot::Sender<()>)> {
        let mut creators = self
            .creators
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        group
            .operations
            .iter()
            .filter_map(|operation| operation.creates.clone())
            .map(|key| {
                let (sender, receiver) = oneshot::channel();
                creators.insert(key.clone(), receiver.shared());
                (key, sender)
            })
            .collect()
    }

    fn release(&self, guards: Vec<(RecordKey, oneshot::Sender<()>)>) {
        {
            let mut creators = self
                .creators
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            for (key, _) in &guards {
                creators.remove(key);
            }
        }
        // Dropping the senders wakes whoever waits.
        drop(guards);
    }
}

impl DependencyWait for InFlight {
    fn wait_for<'w>(&'w self, key: &RecordKey) -> Option<BoxFuture<'w, ()>> {
        let creators = self
            .creators
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let creator = creators.get(key)?.clone();
        Some(Box::pin(creator.map(|_| ())))
    }
}

impl Context<'_, '_> {
    /// Runs a stage over a stream of work: reads ahead, runs records concurrently, and
    /// counts everything.
    pub async fn run_stage<S>(
        &self,
        stage: Stage,
        total: Option<u64>,
        work: S,
    ) -> Result<StageOutcome, EngineError>
    where
        S: Stream<Item = Result<Work, EngineError>> + Send,
    {
        self.emit(Event::StageStarted { stage, total });
        let started = Instant::now();
        let config = self.engine.config;
        let in_flight = InFlight::default();
        let (mut sender, receiver) = mpsc::channel::<Result<Work, EngineError>>(config.read_ahead);
        let producer = async move {
            let mut work = std::pin::pin!(work);
            while !self.stopped() {
                let Some(item) = work.next().await else { break };
                let failed = item.is_err();
                if sender.send(item).await.is_err() || failed {
                    break;
                }
            }
        };
        let in_flight = &in_flight;
        let consumer = async move {
            let mut outcome = StageOutcome {
                report: StageReport::new(stage),
                rejections: Vec::new(),
                failures: Vec::new(),
            };
            let mut finished = receiver
                .map(|item| -> BoxFuture<'_, Result<Finished, EngineError>> {
                    match item {
                        Ok(Work::Group(group)) => {
                            // Registered in stream order, before any later group can look.
                            let guards = in_flight.register(&group);
                            Box::pin(async move {
                                let result = self.run_group(stage, group, in_flight).await;
                                in_flight.release(guards);
                                result
                            })
                        }
                        Ok(Work::Rejected(rejection)) => Box::pin(self.rejected(stage, rejection)),
                        Ok(Work::Unchanged) => Box::pin(future::ready(Ok(Finished::Unchanged))),
                        Ok(Work::OutOfScope(record)) => Box::pin(self.out_of_scope(stage, record)),
                        Err(error) => Box::pin(future::ready(Err(error))),
                    }
                })
                .buffer_unordered(config.concurrency);
            let mut done = 0u64;
            while let Some(result) = finished.next().await {
                if self.absorb(&mut outcome, result?) {
                    done += 1;
                    self.emit(Event::StageAdvanced { stage, done });
                }
            }
            Ok::<_, EngineError>(outcome)
        };
        let ((), outcome) = future::join(producer, consumer).await;
        self.publish_stage_articles();
        let mut outcome = outcome?;
        outcome.report.duration_ms =
            u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
        Ok(outcome)
    }

    /// Counts one finished item into the stage's report; `true` when it is one of the items
    /// the stage's total counts (a record-less group in a stage of records, the placeholder
    /// contact among tickets, is not).
    fn absorb(&self, outcome: &mut StageOutcome, finished: Finished) -> bool {
        // Stages that only finish records moved earlier (links) do not count them again.
        let counted = outcome.report.stage.source_kind().is_some();
        let counts = &mut outcome.report.records;
        match finished {
            Finished::Unchanged => true,
            Finished::OutOfScope => {
                if counted {
                    counts.source += 1;
                    counts.out_of_scope += 1;
                }
                true
            }
            Finished::Rejected(rejection) => {
                counts.source += 1;
                counts.rejected += 1;
                outcome.rejections.push(rejection);
                true
            }
            Finished::Record {
                record,
                disposition,
                counts: operations,
            } => {
                outcome.report.operations.add(&operations);
                let item = !counted || record.is_some();
                let record = record.filter(|_| counted);
                if record.is_some() {
                    counts.source += 1;
                }
                match disposition {
                    Disposition::Moved if record.is_some() => counts.moved += 1,
                    Disposition::Skipped if record.is_some() => counts.skipped += 1,
                    Disposition::Failed(failure) => {
                        if record.is_some() {
                            counts.failed += 1;
                        }
                        outcome.failures.push(failure);
                    }
                    Disposition::Moved | Disposition::Skipped | Disposition::Interrupted => {}
                }
                item
            }
        }
    }

    /// A record the scope leaves out: the store says so, unless an earlier run with a wider
    /// scope moved it. Nothing that moves needs it (the mapper's directory knows only the
    /// people that move), so it is not kept in memory.
    async fn out_of_scope(&self, stage: Stage, record: SourceRef) -> Result<Finished, EngineError> {
        if stage.source_kind().is_some() {
            let status = RecordStatus::OutOfScope;
            if !self.dry_run {
                let store = self.store();
                let known = store
                    .record_status(record)
                    .await
                    .map_err(EngineError::Store)?;
                if !matches!(
                    known,
                    Some(RecordStatus::Migrated | RecordStatus::OutOfScope)
                ) {
                    store
                        .set_record_status(record, status.clone())
                        .await
                        .map_err(EngineError::Store)?;
                }
            }
            self.emit(Event::RecordFinished {
                stage,
                record,
                status,
            });
        }
        Ok(Finished::OutOfScope)
    }

    async fn rejected(&self, stage: Stage, rejection: Rejection) -> Result<Finished, EngineError> {
        if !self.dry_run && stage.source_kind().is_some() {
            let status = RecordStatus::Rejected {
                code: rejection.code,
            };
            self.store()
                .set_record_status(rejection.record, status)
                .await
                .map_err(EngineError::Store)?;
        }
        for key in super::context::keys_of(rejection.record) {
            self.mark_unavailable(key, format!("rejected: {}", rejection.message));
        }
        self.emit(Event::RecordRejected {
            rejection: rejection.clone(),
        });
        Ok(Finished::Rejected(rejection))
    }

    /// Runs one record's operations in order; the first failure stops the record (its later
    /// operations wait for a rerun, so a thread's parts never arrive out of order).
    async fn run_group(
        &self,
        stage: Stage,
        group: Group,
        waits: &InFlight,
    ) -> Result<Finished, EngineError> {
        let mut counts = OperationCounts::default();
        let mut disposition = None;
        let mut operations = group.operations.into_iter();
        while let Some(operation) = operations.next() {
            if self.stopped() {
                disposition = Some(Disposition::Interrupted);
                break;
            }
            let creates = operation.creates.clone();
            if let Executed::Failed(failure) = self
                .execute_once(stage, operation, waits, &mut counts)
                .await?
            {
                let reason = format!("{} failed: {}", failure.mark, failure.message);
                for key in creates
                    .into_iter()
                    .chain(operations.filter_map(|operation| operation.creates))
                {
                    self.mark_unavailable(key, reason.clone());
                }
                disposition = Some(Disposition::Failed(failure));
                break;
            }
        }
        let disposition = disposition.unwrap_or(if counts.sent > 0 {
            Disposition::Moved
        } else {
            Disposition::Skipped
        });
        if let (Some(record), Some(_)) = (group.record, stage.source_kind()) {
            let status = match &disposition {
                Disposition::Failed(failure) => Some(RecordStatus::Failed {
                    message: failure.message.clone(),
                }),
                Disposition::Moved | Disposition::Skipped => Some(RecordStatus::Migrated),
                Disposition::Interrupted => None,
            };
            if let Some(status) = status {
                if !self.dry_run {
                    self.store()
                        .set_record_status(record, status.clone())
                        .await
                        .map_err(EngineError::Store)?;
                }
                self.emit(Event::RecordFinished {
                    stage,
                    record,
                    status,
                });
            }
        }
        Ok(Finished::Record {
            record: group.record,
            disposition,
            counts,
        })
    }
}
