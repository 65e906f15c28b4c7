//! The migration engine: drives a [`Source`], a [`Destination`] and a [`StateStore`] through a
//! whole migration, exactly once across crashes and retries.
//!
//! * [`Engine::run`] moves a sample, everything, or what changed since the last run;
//!   [`Engine::dry_run`] computes the same operations and sends none.
//! * [`Engine::verify`] reads back what was written and compares it field by field.
//! * [`Engine::rollback`] undoes what the journal says the runs wrote, newest first.
//!
//! The engine has no network or disk of its own and no runtime: it is a future that any
//! executor can drive, with concurrency inside that future. Time (retry backoff) comes from a
//! [`Sleeper`] the caller can replace with its runtime's timer.

mod context;
mod delta;
mod error;
mod execute;
mod history;
mod images;
mod inputs;
mod links;
mod observer;
mod open_first;
mod open_pass;
mod order;
mod pipeline;
mod report;
mod rollback;
mod run;
mod sample;
mod stage;
mod stages;
mod ticket;
mod verify;
mod work;

pub use error::EngineError;
pub use observer::{ChannelObserver, CollectingObserver, Event, NoObserver, Observer, WaitReason};
pub use open_pass::open_scope;
pub use order::{Pass, RunOrder, OPEN_FIRST_KINDS};
pub use report::{
    Failure, FailureCode, ObjectCounts, OperationCounts, Reconciliation, RunOutcome, RunReport,
    StageReport,
};
pub use rollback::{RollbackOptions, RollbackReport, UndoFailure};
pub use stage::Stage;
pub use verify::{
    Difference, UnreadableParts, VerifyCounts, VerifyOptions, VerifyReport, VerifySelection,
};
pub use verify::{ForeignPart, CONTENT_PARTS};

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use futures::future::BoxFuture;
use serde::{Deserialize, Serialize};

use crate::model::source::SourceKind;
use crate::ports::{Destination, ImageHost, Source, StateStore};
use crate::spec::ConfirmedSpec;

/// What a run moves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "mode", rename_all = "snake_case")]
pub enum RunMode {
    /// `tickets` tickets chosen across every ticket type and channel, with exactly the
    /// contacts, companies, articles, attachments and schema they need.
    Sample {
        /// How many tickets.
        tickets: usize,
    },
    /// Everything, stage by stage, each stage checked against the source count.
    Full,
    /// What was created or changed since the last complete run's watermark: new records, new
    /// messages on tickets already moved, changed details and states (as updates).
    Delta,
}

/// How transient failures are retried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts per operation, the first included.
    pub max_attempts: u32,
    /// Wait before the second attempt; it doubles for every further one.
    pub initial_backoff: Duration,
    /// The longest wait.
    pub max_backoff: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 6,
            initial_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(30),
        }
    }
}

impl RetryPolicy {
    /// The wait after failed attempt `attempt` (1-based) of the operation marked `mark`: doubling,
    /// capped, with up to a quarter of jitter derived from the mark, so that concurrent
    /// operations do not retry in lockstep and a rerun waits the same.
    pub fn backoff(&self, attempt: u32, mark: &str) -> Duration {
        let doubling = 2u32.saturating_pow(attempt.saturating_sub(1).min(16));
        let base = self
            .initial_backoff
            .saturating_mul(doubling)
            .min(self.max_backoff);
        let spread = mark.bytes().fold(0xcbf2_9ce4_8422_2325u64, |hash, byte| {
            (hash ^ u64::from(byte)).wrapping_mul(0x100_0000_01b3)
        });
        let jitter = base.mul_f64((spread % 1000) as f64 / 4000.0);
        base.saturating_add(jitter).min(self.max_backoff)
    }
}

/// Tunables of a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EngineConfig {
    /// Records (threads, contacts, …) in flight at once within a stage; the operations of one
    /// record always run one after the other, in order.
    pub concurrency: usize,
    /// Records read and mapped ahead of the ones in flight (with `concurrency`, the bound on
    /// the records held in memory).
    pub read_ahead: usize,
    /// Retries of transient failures.
    pub retry: RetryPolicy,
    /// Go on to the next stage when a stage's records do not match the source count.
    pub continue_on_mismatch: bool,
    /// Attachment bytes held in memory at once across all records in flight: a part waits
    /// for its files' share before downloading them, so memory stays flat whatever the files
    /// (a part larger than the budget runs alone).
    pub file_bytes_in_flight: u64,
    /// The order a full run moves records in.
    pub order: RunOrder,
}

/// The default budget of attachment bytes in flight: 32 MiB, above the largest part
/// (`attachments.max_bytes_per_part`, 20 MiB). A 100,000-ticket run moved as fast with it as
/// with 64 MiB (3,539 and 3,515 writes a second) and peaked 12 MB lower.
pub const DEFAULT_FILE_BYTES_IN_FLIGHT: u64 = 32 * 1024 * 1024;

impl Default for EngineConfig {
    fn default() -> Self {
        Self {
            concurrency: 8,
            read_ahead: 32,
            retry: RetryPolicy::default(),
            continue_on_mismatch: false,
            file_bytes_in_flight: DEFAULT_FILE_BYTES_IN_FLIGHT,
            order: RunOrder::ByStage,
        }
    }
}

/// Waits: the engine's only contact with time. Give it your runtime's timer
/// (`|duration| Box::pin(tokio::time::sleep(duration))`).
pub trait Sleeper: Send + Sync {
    /// A future that completes after `duration`.
    fn sleep(&self, duration: Duration) -> BoxFuture<'static, ()>;
}

impl<F> Sleeper for F
where
    F: Fn(Duration) -> BoxFuture<'static, ()> + Send + Sync,
{
    fn sleep(&self, duration: Duration) -> BoxFuture<'static, ()> {
        self(duration)
    }
}

/// A [`Sleeper`] that needs no runtime: a short-lived thread per wait (waits are rare: only
/// retries back off).
#[derive(Debug, Clone, Copy, Default)]
pub struct ThreadSleeper;

impl Sleeper for ThreadSleeper {
    fn sleep(&self, duration: Duration) -> BoxFuture<'static, ()> {
        let (done, waited) = futures::channel::oneshot::channel::<()>();
        let spawned = std::thread::Builder::new()
            .name("engine-backoff".into())
            .spawn(move || {
                std::thread::sleep(duration);
                let _receiver_gone = done.send(());
            });
        Box::pin(async move {
            if spawned.is_ok() {
                let _sender_gone = waited.await;
            }
        })
    }
}

/// Stops a run, verification or rollback between two operations; the next run resumes.
#[derive(Debug, Clone, Default)]
pub struct StopHandle {
    stopped: Arc<AtomicBool>,
}

impl StopHandle {
    /// A handle that has not stopped.
    pub fn new() -> Self {
        Self::default()
    }

    /// Asks the engine to stop.
    pub fn stop(&self) {
        self.stopped.store(true, Ordering::SeqCst);
    }

    /// Whether a stop was asked for.
    pub fn is_stopped(&self) -> bool {
        self.stopped.load(Ordering::SeqCst)
    }
}

/// The three ports a run uses.
#[derive(Clone, Copy)]
pub struct Ports<'a> {
    /// Where records come from.
    pub source: &'a dyn Source,
    /// Where records go.
    pub destination: &'a dyn Destination,
    /// Where the run keeps its memory.
    pub store: &'a dyn StateStore,
}

/// The migration engine over three ports.
pub struct Engine<'a> {
    ports: Ports<'a>,
    image_host: Option<Arc<dyn ImageHost + 'a>>,
    config: EngineConfig,
    expected: BTreeMap<SourceKind, u64>,
    observer: Arc<dyn Observer + 'a>,
    sleeper: Arc<dyn Sleeper + 'a>,
    stop: StopHandle,
}

impl std::fmt::Debug for Engine<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine")
            .field("config", &self.config)
            .field("stopped", &self.stop.is_stopped())
            .finish_non_exhaustive()
    }
}

/// Builds an [`Engine`].
pub struct EngineBuilder<'a> {
    ports: Ports<'a>,
    image_host: Option<Arc<dyn ImageHost + 'a>>,
    config: EngineConfig,
    expected: BTreeMap<SourceKind, u64>,
    observer: Arc<dyn Observer + 'a>,
    sleeper: Arc<dyn Sleeper + 'a>,
    stop: StopHandle,
}

impl<'a> EngineBuilder<'a> {
    /// Replaces every tunable.
    pub fn config(mut self, config: EngineConfig) -> Self {
        self.config = config;
        self
    }

    /// Records in flight at once within a stage (at least 1).
    pub fn concurrency(mut self, concurrency: usize) -> Self {
        self.config.concurrency = concurrency.max(1);
        self
    }

    /// Attachment bytes held in memory at once across the records in flight (at least 1 KiB;
    /// see [`EngineConfig::file_bytes_in_flight`]).
    pub fn file_bytes_in_flight(mut self, bytes: u64) -> Self {
        self.config.file_bytes_in_flight = bytes.max(1024);
        self
    }

    /// Records read ahead of the ones in flight (at least 1).
    pub fn read_ahead(mut self, records: usize) -> Self {
        self.config.read_ahead = records.max(1);
        self
    }

    /// How transient failures are retried.
    pub fn retry(mut self, retry: RetryPolicy) -> Self {
        self.config.retry = retry;
        self
    }

    /// The order a full run moves records in (a delta and a sample ignore it).
    pub fn order(mut self, order: RunOrder) -> Self {
        self.config.order = order;
        self
    }

    /// Go on when a stage does not match the source count.
    pub fn continue_on_mismatch(mut self, go_on: bool) -> Self {
        self.config.continue_on_mismatch = go_on;
        self
    }

    /// Where inline article images are re-hosted; without one they stay on Vivantio and are
    /// listed as findings.
    pub fn image_host(mut self, host: Arc<dyn ImageHost + 'a>) -> Self {
        self.image_host = Some(host);
        self
    }

    /// How many records of each kind the source holds, when something counted them before
    /// (a discovery): a full run announces them as the totals of its streamed stages
    /// ([`Event::StageStarted`]), which otherwise learn their size only at their end. Counts
    /// only inform progress; a delta or a sample does not use them.
    pub fn expected_records(mut self, counts: impl IntoIterator<Item = (SourceKind, u64)>) -> Self {
        self.expected = counts.into_iter().collect();
        self
    }

    /// Receives progress events.
    pub fn observer(mut self, observer: Arc<dyn Observer + 'a>) -> Self {
        self.observer = observer;
        self
    }

    /// Waits between retries (default: [`ThreadSleeper`]).
    pub fn sleeper(mut self, sleeper: Arc<dyn Sleeper + 'a>) -> Self {
        self.sleeper = sleeper;
        self
    }

    /// A handle that stops the engine (keep a clone to call [`StopHandle::stop`]).
    pub fn stop_handle(mut self, stop: StopHandle) -> Self {
        self.stop = stop;
        self
    }

    /// The engine.
    pub fn build(self) -> Engine<'a> {
        let mut config = self.config;
        config.concurrency = config.concurrency.max(1);
        config.read_ahead = config.read_ahead.max(1);
        config.retry.max_attempts = config.retry.max_attempts.max(1);
        Engine {
            ports: self.ports,
            image_host: self.image_host,
            config,
            expected: self.expected,
            observer: self.observer,
            sleeper: self.sleeper,
            stop: self.stop,
        }
    }
}

impl<'a> Engine<'a> {
    /// A builder over the three ports, with default tunables, no observer and a
    /// [`ThreadSleeper`].
    pub fn builder(
        source: &'a dyn Source,
        destination: &'a dyn Destination,
        store: &'a dyn StateStore,
    ) -> EngineBuilder<'a> {
        EngineBuilder {
            ports: Ports {
                source,
                destination,
                store,
            },
            image_host: None,
            config: EngineConfig::default(),
            expected: BTreeMap::new(),
            observer: Arc::new(NoObserver),
            sleeper: Arc::new(ThreadSleeper),
            stop: StopHandle::new(),
        }
    }

    /// The tunables.
    pub fn config(&self) -> &EngineConfig {
        &self.config
    }

    /// The handle that stops this engine.
    pub fn stop_handle(&self) -> StopHandle {
        self.stop.clone()
    }

    /// Moves records in `mode` with the confirmed specification. Rerunning after a crash or
    /// an interruption finishes the work; rerunning a finished run sends nothing.
    pub async fn run(&self, spec: &ConfirmedSpec, mode: RunMode) -> Result<RunReport, EngineError> {
        run::run(self, spec, mode, false).await
    }

    /// Computes everything [`Engine::run`] would send in `mode`, sends nothing and writes
    /// nothing to the state store; each operation is reported as [`Event::OperationPlanned`].
    pub async fn dry_run(
        &self,
        spec: &ConfirmedSpec,
        mode: RunMode,
    ) -> Result<RunReport, EngineError> {
        run::run(self, spec, mode, true).await
    }

    /// Reads back what the runs wrote and compares it field by field with what the mapping
    /// says now.
    pub async fn verify(
        &self,
        spec: &ConfirmedSpec,
        options: &VerifyOptions,
    ) -> Result<VerifyReport, EngineError> {
        verify::verify(self, spec, options).await
    }

    /// Undoes what the journal says the runs wrote, newest first; records that existed before
    /// are restored. Interrupt it and run it again to resume.
    pub async fn rollback(&self, options: &RollbackOptions) -> Result<RollbackReport, EngineError> {
        rollback::rollback(self, options).await
    }

    pub(crate) fn source(&self) -> &'a dyn Source {
        self.ports.source
    }

    pub(crate) fn destination(&self) -> &'a dyn Destination {
        self.ports.destination
    }

    pub(crate) fn store(&self) -> &'a dyn StateStore {
        self.ports.store
    }

    pub(crate) fn image_host(&self) -> Option<&dyn ImageHost> {
        self.image_host.as_deref()
    }

    /// The records of `kind` the source was counted to hold, when the caller said.
    pub(crate) fn expected(&self, kind: SourceKind) -> Option<u64> {
        self.expected.get(&kind).copied()
    }

    pub(crate) fn emit(&self, event: Event) {
        self.observer.observe(&event);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_the_cap_with_a_stable_jitter() {
        let policy = RetryPolicy {
            max_attempts: 6,
            initial_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_secs(1),
        };
        let waits: Vec<Duration> = (1..=6)
            .map(|attempt| policy.backoff(attempt, "contact:x"))
            .collect();
        assert!(waits.windows(2).all(|pair| pair[0] <= pair[1]), "{waits:?}");
        assert!(waits[0] >= Duration::from_millis(100) && waits[0] <= Duration::from_millis(125));
        assert_eq!(waits[5], Duration::from_secs(1));
        assert_eq!(
            policy.backoff(2, "contact:x"),
            waits[1],
            "a rerun waits the same"
        );
    }
}
