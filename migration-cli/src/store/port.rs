//! The SQLite store behind `migration-core`'s [`StateStore`] port.

use async_trait::async_trait;
use futures::{stream, TryStreamExt};
use migration_core::delta::Watermark;
use migration_core::model::source::SourceRef;
use migration_core::ops::Operation;
use migration_core::ports::{ExecutionOutcome, PortStream, RecordStatus, ResolvedRefs, StateStore};
use migration_core::rollback::JournalEntry;
use migration_core::spec::SpecHash;
use migration_core::{DestinationRef, PortError, PortErrorKind, RecordKey};

use super::{Store, StoreError};

/// Watermark scope of the source as a whole.
const SOURCE_WATERMARK: &str = "source";
/// Journal rows read at once.
const JOURNAL_PAGE: u32 = 1_000;
/// Meta key of the specification hash the current run uses.
const RUN_SPEC_HASH: &str = "run_spec_hash";

impl From<StoreError> for PortError {
    fn from(error: StoreError) -> Self {
        // Every store failure stops the run: none of them gets better by retrying the write.
        PortError::new(PortErrorKind::Other, error.to_string())
    }
}

#[async_trait]
impl StateStore for Store {
    async fn lookup(&self, key: &RecordKey) -> Result<Option<DestinationRef>, PortError> {
        Ok(self.id_map_get(key)?)
    }

    async fn remember(
        &self,
        key: &RecordKey,
        destination: &DestinationRef,
    ) -> Result<(), PortError> {
        Ok(self.id_map_put(key, destination)?)
    }

    async fn forget(&self, key: &RecordKey) -> Result<(), PortError> {
        Ok(self.id_map_remove(key)?)
    }

    async fn begin(&self, operation: &Operation, refs: &ResolvedRefs) -> Result<u64, PortError> {
        Ok(self.journal_intent(operation, refs)?)
    }

    async fn complete(&self, sequence: u64, outcome: &ExecutionOutcome) -> Result<(), PortError> {
        Ok(self.journal_done(sequence, outcome)?)
    }

    async fn complete_created(
        &self,
        key: &RecordKey,
        destination: &DestinationRef,
        sequence: u64,
        outcome: &ExecutionOutcome,
    ) -> Result<(), PortError> {
        Ok(self.journal_done_creating(key, destination, sequence, outcome)?)
    }

    async fn completed(&self, mark: &str) -> Result<Option<ExecutionOutcome>, PortError> {
        Ok(self.journal_completed(mark)?)
    }

    fn journal(&self) -> PortStream<'_, JournalEntry> {
        // Page by sequence: a run of millions of operations must not load its journal whole
        // to resume, roll back or check that it is empty.
        let pages = stream::try_unfold(Some(0u64), move |after| async move {
            let Some(after) = after else {
                return Ok(None);
            };
            let rows = self.journal_live_page(after, JOURNAL_PAGE)?;
            let next = (rows.len() == JOURNAL_PAGE as usize)
                .then(|| rows.last().map(|row| row.entry.sequence))
                .flatten();
            Ok::<_, PortError>(Some((
                stream::iter(rows.into_iter().map(|row| Ok(row.entry))),
                next,
            )))
        });
        Box::pin(pages.try_flatten())
    }

    async fn mark_undone(
        &self,
        sequence: u64,
        result: Result<(), String>,
    ) -> Result<(), PortError> {
        match result {
            Ok(()) => Ok(self.journal_undo(sequence, true, None)?),
            Err(reason) => Ok(self.journal_undo(sequence, false, Some(&reason))?),
        }
    }

    async fn set_record_status(
        &self,
        record: SourceRef,
        status: RecordStatus,
    ) -> Result<(), PortError> {
        Ok(self.put_record_status(record, &status)?)
    }

    async fn record_status(&self, record: SourceRef) -> Result<Option<RecordStatus>, PortError> {
        Ok(self.get_record_status(record)?)
    }

    async fn watermark(&self) -> Result<Option<Watermark>, PortError> {
        let stored = Store::watermark(self, SOURCE_WATERMARK)?;
        Ok(stored.and_then(|text| text.parse().ok()).map(Watermark::at))
    }

    async fn set_watermark(&self, watermark: Watermark) -> Result<(), PortError> {
        Ok(Store::set_watermark(
            self,
            SOURCE_WATERMARK,
            &watermark.at.to_string(),
        )?)
    }

    async fn confirmed_hash(&self) -> Result<Option<SpecHash>, PortError> {
        Ok(self.meta(RUN_SPEC_HASH)?.map(SpecHash::from_stored))
    }

    async fn set_confirmed_hash(&self, hash: &SpecHash) -> Result<(), PortError> {
        Ok(self.set_meta(RUN_SPEC_HASH, hash.as_str())?)
    }

    async fn record_open_tickets_moved(&self, tickets: u64) -> Result<(), PortError> {
        Ok(self.reach_milestone(super::OPEN_TICKETS_MOVED, tickets)?)
    }

    async fn record_file_checksum(
        &self,
        guid: &str,
        sha256: &str,
        size: u64,
    ) -> Result<(), PortError> {
        Ok(self.put_attachment_checksum(guid, sha256, size, None)?)
    }
}
