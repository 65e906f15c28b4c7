//! One operation, exactly once: skip it when done; settle an unsettled intent by asking the
//! destination; resolve what it needs; journal the intent; send it with bounded retries;
//! remember and journal what it did.

use std::time::Duration;

use super::context::Context;
use super::inputs::{DependencyWait, Resolution};
use super::observer::{Event, WaitReason};
use super::report::{Failure, FailureCode, OperationCounts};
use super::stage::Stage;
use super::EngineError;
use crate::error::{PortError, PortErrorKind};
use crate::ops::Mark;
use crate::ops::Operation;
use crate::ports::{ExecutionOutcome, ExecutionRequest};

/// What became of one operation.
#[derive(Debug)]
pub(crate) enum Executed {
    /// Sent and confirmed (or would be sent, in a dry run).
    Sent,
    /// Already done.
    Skipped,
    /// Did not apply; the record fails.
    Failed(Failure),
}

impl Context<'_, '_> {
    /// Runs `operation` exactly once, counting what it took in `counts`.
    pub async fn execute_once(
        &self,
        stage: Stage,
        operation: Operation,
        waits: &dyn DependencyWait,
        counts: &mut OperationCounts,
    ) -> Result<Executed, EngineError> {
        if let Some(outcome) = self
            .store()
            .completed(&operation.mark)
            .await
            .map_err(EngineError::Store)?
        {
            return Ok(self.skipped(stage, operation, &outcome, counts));
        }
        let refs = match self.resolve(&operation, waits).await? {
            Resolution::Ready(refs) => refs,
            Resolution::Blocked(unavailable) => {
                let failure = Failure::of(
                    &operation,
                    FailureCode::DependencyFailed,
                    format!(
                        "it needs {}, which did not move: {}",
                        unavailable.key, unavailable.reason
                    ),
                );
                return Ok(self.failed(stage, failure, counts));
            }
        };
        let operation = self.render(operation);
        if self.dry_run {
            return Ok(self.planned(stage, operation, counts));
        }
        let files = match self.files(&operation, counts).await? {
            Ok(files) => files,
            Err(failure) => return Ok(self.failed(stage, failure, counts)),
        };
        let request = ExecutionRequest {
            operation: &operation,
            refs: &refs,
            files: &files.payloads,
        };
        if let Some(executed) = self.settle_earlier_intents(stage, request, counts).await? {
            return Ok(executed);
        }
        let sequence = self
            .store()
            .begin(&operation, &refs)
            .await
            .map_err(EngineError::Store)?;
        self.send(stage, request, sequence, counts).await
    }

    /// An operation a run already did: learnt again, counted and told as skipped (in a dry
    /// run, as planned and already done).
    fn skipped(
        &self,
        stage: Stage,
        operation: Operation,
        outcome: &ExecutionOutcome,
        counts: &mut OperationCounts,
    ) -> Executed {
        self.learn(&operation, outcome);
        counts.skipped += 1;
        if self.dry_run {
            self.emit(Event::OperationPlanned {
                stage,
                operation: Box::new(operation),
                already_done: true,
            });
        } else {
            self.emit(Event::OperationSkipped {
                stage,
                mark: operation.mark,
            });
        }
        Executed::Skipped
    }

    /// An operation a dry run would send: what it creates counts as planned for the
    /// operations after it.
    fn planned(
        &self,
        stage: Stage,
        operation: Operation,
        counts: &mut OperationCounts,
    ) -> Executed {
        if let Some(key) = &operation.creates {
            self.plan_created(key.clone());
        }
        counts.sent += 1;
        self.emit(Event::OperationPlanned {
            stage,
            operation: Box::new(operation),
            already_done: false,
        });
        Executed::Sent
    }

    /// Settles the intents an earlier run journalled for this operation without learning the
    /// outcome, by asking the destination: applied, the latest intent is journalled done
    /// (`Some`); not applied, they are settled and the operation is sent (`None`).
    async fn settle_earlier_intents(
        &self,
        stage: Stage,
        request: ExecutionRequest<'_>,
        counts: &mut OperationCounts,
    ) -> Result<Option<Executed>, EngineError> {
        let operation = request.operation;
        let Some(sequences) = self.take_unsettled(&operation.mark) else {
            return Ok(None);
        };
        match self.reconcile(request, counts).await {
            Ok(Some(outcome)) => {
                let (last, older) = sequences
                    .split_last()
                    .map_or((None, &[][..]), |(last, older)| (Some(*last), older));
                self.settle_unapplied(older).await?;
                if let Some(sequence) = last {
                    self.finish(stage, operation, sequence, &outcome, true, counts)
                        .await?;
                    return Ok(Some(Executed::Sent));
                }
            }
            Ok(None) => self.settle_unapplied(&sequences).await?,
            Err(error) => {
                self.keep_unsettled(&operation.mark, sequences);
                return Err(error);
            }
        }
        Ok(None)
    }

    /// Sends with retries: transient failures back off and retry; a lost response is settled
    /// by asking the destination before anything is sent again.
    async fn send(
        &self,
        stage: Stage,
        request: ExecutionRequest<'_>,
        sequence: u64,
        counts: &mut OperationCounts,
    ) -> Result<Executed, EngineError> {
        let operation = request.operation;
        let policy = self.engine.config.retry;
        let mut attempt = 0;
        loop {
            attempt += 1;
            counts.requests += 1;
            if attempt > 1 {
                counts.retries += 1;
            }
            let error = match self.destination().execute(request).await {
                Ok(outcome) => {
                    self.finish(stage, operation, sequence, &outcome, false, counts)
                        .await?;
                    return Ok(Executed::Sent);
                }
                Err(error) => error,
            };
            match error.kind {
                PortErrorKind::Transient => {}
                PortErrorKind::Uncertain => {
                    if let Some(outcome) = self.reconcile(request, counts).await? {
                        self.finish(stage, operation, sequence, &outcome, true, counts)
                            .await?;
                        return Ok(Executed::Sent);
                    }
                }
                PortErrorKind::Rejected | PortErrorKind::NotFound => {
                    // Refused: nothing was applied, so the intent has nothing to undo.
                    self.settle_unapplied(&[sequence]).await?;
                    let failure =
                        Failure::of(operation, FailureCode::DestinationRejected, error.message);
                    return Ok(self.failed(stage, failure, counts));
                }
                PortErrorKind::Unauthorized | PortErrorKind::Other => {
                    return Err(EngineError::Destination {
                        mark: operation.mark.clone(),
                        error,
                    });
                }
            }
            if attempt >= policy.max_attempts {
                return Err(EngineError::RetriesExhausted {
                    mark: operation.mark.clone(),
                    attempts: attempt,
                    error,
                });
            }
            self.back_off(&operation.mark, attempt, &error).await;
        }
    }

    /// Asks the destination whether an operation was applied, retrying transient failures.
    async fn reconcile(
        &self,
        request: ExecutionRequest<'_>,
        counts: &mut OperationCounts,
    ) -> Result<Option<ExecutionOutcome>, EngineError> {
        let policy = self.engine.config.retry;
        let mut attempt = 0;
        loop {
            attempt += 1;
            counts.requests += 1;
            match self.destination().reconcile(request).await {
                Ok(found) => return Ok(found),
                Err(error) if error.is_retryable() && attempt < policy.max_attempts => {
                    counts.retries += 1;
                    self.back_off(&request.operation.mark, attempt, &error)
                        .await;
                }
                Err(error) if error.is_retryable() => {
                    return Err(EngineError::RetriesExhausted {
                        mark: request.operation.mark.clone(),
                        attempts: attempt,
                        error,
                    });
                }
                Err(error) => {
                    return Err(EngineError::Destination {
                        mark: request.operation.mark.clone(),
                        error,
                    })
                }
            }
        }
    }

    /// Waits before attempt `attempt + 1`, telling the observer why.
    pub(crate) async fn back_off(&self, mark: &str, attempt: u32, error: &PortError) {
        let delay: Duration = self.engine.config.retry.backoff(attempt, mark);
        self.emit(Event::Waiting {
            mark: Mark::from(mark.to_string()),
            reason: WaitReason::Backoff {
                attempt,
                delay_ms: u64::try_from(delay.as_millis()).unwrap_or(u64::MAX),
                error: error.message.clone(),
            },
        });
        self.engine.sleeper.sleep(delay).await;
    }

    /// Remembers the record and journals the operation done (in that order where the store
    /// cannot do both at once: a crash between the two leaves an intent that reconciliation
    /// settles).
    async fn finish(
        &self,
        stage: Stage,
        operation: &Operation,
        sequence: u64,
        outcome: &ExecutionOutcome,
        reconciled: bool,
        counts: &mut OperationCounts,
    ) -> Result<(), EngineError> {
        let store = self.store();
        let settled = match (&operation.creates, &outcome.destination) {
            (Some(key), Some(destination)) => {
                store
                    .complete_created(key, destination, sequence, outcome)
                    .await
            }
            _ => store.complete(sequence, outcome).await,
        };
        settled.map_err(EngineError::Store)?;
        self.learn(operation, outcome);
        counts.sent += 1;
        if reconciled {
            counts.reconciled += 1;
        }
        self.emit(Event::OperationDone {
            stage,
            mark: operation.mark.clone(),
            operation: operation.op.name(),
            reconciled,
        });
        Ok(())
    }

    async fn settle_unapplied(&self, sequences: &[u64]) -> Result<(), EngineError> {
        for sequence in sequences {
            self.store()
                .mark_undone(*sequence, Ok(()))
                .await
                .map_err(EngineError::Store)?;
        }
        Ok(())
    }

    fn learn(&self, operation: &Operation, outcome: &ExecutionOutcome) {
        if let (Some(key), Some(destination)) = (&operation.creates, &outcome.destination) {
            self.created_article(key, destination);
        }
    }

    fn failed(&self, stage: Stage, failure: Failure, counts: &mut OperationCounts) -> Executed {
        counts.failed += 1;
        self.emit(Event::OperationFailed {
            stage,
            failure: failure.clone(),
        });
        Executed::Failed(failure)
    }
}
