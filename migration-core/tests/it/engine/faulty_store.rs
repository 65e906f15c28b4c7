//! A memory state store that "crashes" (fails every write) after a number of writes, to stop
//! a run between any two of its bookkeeping steps.

use std::sync::atomic::{AtomicU64, Ordering};

use async_trait::async_trait;
use migration_core::delta::Watermark;
use migration_core::idmap::DestinationRef;
use migration_core::keys::RecordKey;
use migration_core::model::source::SourceRef;
use migration_core::ops::Operation;
use migration_core::ports::{ExecutionOutcome, PortStream, RecordStatus, ResolvedRefs, StateStore};
use migration_core::rollback::JournalEntry;
use migration_core::spec::SpecHash;
use migration_core::{PortError, PortErrorKind};

pub struct FaultyStore<'a> {
    pub inner: &'a dyn StateStore,
    writes: AtomicU64,
    crash_after: u64,
}

impl<'a> FaultyStore<'a> {
    pub fn new(inner: &'a dyn StateStore, crash_after: u64) -> Self {
        Self {
            inner,
            writes: AtomicU64::new(0),
            crash_after,
        }
    }

    fn write(&self) -> Result<(), PortError> {
        if self.writes.fetch_add(1, Ordering::SeqCst) >= self.crash_after {
            return Err(PortError::new(
                PortErrorKind::Other,
                "simulated crash of the state store",
            ));
        }
        Ok(())
    }
}

#[async_trait]
impl StateStore for FaultyStore<'_> {
    async fn lookup(&self, key: &RecordKey) -> Result<Option<DestinationRef>, PortError> {
        self.inner.lookup(key).await
    }
    async fn remember(
        &self,
        key: &RecordKey,
        destination: &DestinationRef,
    ) -> Result<(), PortError> {
        self.write()?;
        self.inner.remember(key, destination).await
    }
    async fn forget(&self, key: &RecordKey) -> Result<(), PortError> {
        self.write()?;
        self.inner.forget(key).await
    }
    async fn begin(&self, operation: &Operation, refs: &ResolvedRefs) -> Result<u64, PortError> {
        self.write()?;
        self.inner.begin(operation, refs).await
    }
    async fn complete(&self, sequence: u64, outcome: &ExecutionOutcome) -> Result<(), PortError> {
        self.write()?;
        self.inner.complete(sequence, outcome).await
    }
    async fn completed(&self, mark: &str) -> Result<Option<ExecutionOutcome>, PortError> {
        self.inner.completed(mark).await
    }
    fn journal(&self) -> PortStream<'_, JournalEntry> {
        self.inner.journal()
    }
    async fn mark_undone(
        &self,
        sequence: u64,
        result: Result<(), String>,
    ) -> Result<(), PortError> {
        self.write()?;
        self.inner.mark_undone(sequence, result).await
    }
    async fn set_record_status(
        &self,
        record: SourceRef,
        status: RecordStatus,
    ) -> Result<(), PortError> {
        self.write()?;
        self.inner.set_record_status(record, status).await
    }
    async fn record_status(&self, record: SourceRef) -> Result<Option<RecordStatus>, PortError> {
        self.inner.record_status(record).await
    }
    async fn watermark(&self) -> Result<Option<Watermark>, PortError> {
        self.inner.watermark().await
    }
    async fn set_watermark(&self, watermark: Watermark) -> Result<(), PortError> {
        self.write()?;
        self.inner.set_watermark(watermark).await
    }
    async fn confirmed_hash(&self) -> Result<Option<SpecHash>, PortError> {
        self.inner.confirmed_hash().await
    }
    async fn set_confirmed_hash(&self, hash: &SpecHash) -> Result<(), PortError> {
        self.write()?;
        self.inner.set_confirmed_hash(hash).await
    }
}
