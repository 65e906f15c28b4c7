//! An in-memory state store: for tests, previews and integrators' experiments.

use std::collections::{HashMap, HashSet};
use std::sync::Mutex;

use async_trait::async_trait;
use futures::stream;

use super::{ExecutionOutcome, PortStream, RecordStatus, ResolvedRefs, StateStore};
use crate::delta::Watermark;
use crate::error::{PortError, PortErrorKind};
use crate::idmap::DestinationRef;
use crate::keys::RecordKey;
use crate::model::source::SourceRef;
use crate::ops::Mark;
use crate::ops::Operation;
use crate::rollback::{JournalEntry, JournalState};
use crate::spec::SpecHash;

#[derive(Debug, Default)]
struct Inner {
    ids: HashMap<RecordKey, DestinationRef>,
    journal: Vec<JournalEntry>,
    done_marks: HashMap<Mark, usize>,
    /// Sequences settled as having no effect left (undone, or never applied).
    undone: HashSet<u64>,
    /// Sequences a rollback could not undo, with why.
    undo_failures: HashMap<u64, String>,
    statuses: HashMap<SourceRef, RecordStatus>,
    watermark: Option<Watermark>,
    hash: Option<SpecHash>,
    /// Open tickets in the destination when the first open pass ended, with the journal's
    /// length then.
    open_tickets_moved: Option<(u64, usize)>,
}

/// A [`StateStore`] kept in memory; lost when dropped.
#[derive(Debug, Default)]
pub struct MemoryStateStore {
    inner: Mutex<Inner>,
}

impl MemoryStateStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    /// Why a rollback could not undo the journal entry `sequence`, if it tried and failed.
    pub fn undo_failure(&self, sequence: u64) -> Option<String> {
        self.with(|inner| Ok(inner.undo_failures.get(&sequence).cloned()))
            .ok()
            .flatten()
    }

    /// How many open tickets were in the destination when the first open pass of an
    /// open-first run ended, and how many journal entries there were then.
    pub fn open_tickets_moved(&self) -> Option<(u64, usize)> {
        self.with(|inner| Ok(inner.open_tickets_moved))
            .ok()
            .flatten()
    }

    fn with<T>(&self, f: impl FnOnce(&mut Inner) -> Result<T, PortError>) -> Result<T, PortError> {
        let mut inner = self
            .inner
            .lock()
            .map_err(|_| PortError::new(PortErrorKind::Other, "state store lock poisoned"))?;
        f(&mut inner)
    }
}

#[async_trait]
impl StateStore for MemoryStateStore {
    async fn lookup(&self, key: &RecordKey) -> Result<Option<DestinationRef>, PortError> {
        self.with(|inner| Ok(inner.ids.get(key).cloned()))
    }

    async fn remember(
        &self,
        key: &RecordKey,
        destination: &DestinationRef,
    ) -> Result<(), PortError> {
        self.with(|inner| {
            inner.ids.insert(key.clone(), destination.clone());
            Ok(())
        })
    }

    async fn forget(&self, key: &RecordKey) -> Result<(), PortError> {
        self.with(|inner| {
            inner.ids.remove(key);
            Ok(())
        })
    }

    async fn begin(&self, operation: &Operation, refs: &ResolvedRefs) -> Result<u64, PortError> {
        self.with(|inner| {
            let sequence = inner.journal.len() as u64 + 1;
            inner.journal.push(JournalEntry {
                sequence,
                operation: operation.clone(),
                refs: refs.clone(),
                state: JournalState::Intent,
            });
            Ok(sequence)
        })
    }

    async fn complete(&self, sequence: u64, outcome: &ExecutionOutcome) -> Result<(), PortError> {
        self.with(|inner| {
            let index = usize::try_from(sequence.saturating_sub(1)).unwrap_or(usize::MAX);
            let entry = inner.journal.get_mut(index).ok_or_else(|| {
                PortError::new(
                    PortErrorKind::NotFound,
                    format!("no journal entry {sequence}"),
                )
            })?;
            entry.state = JournalState::Done(outcome.clone());
            let mark = entry.operation.mark.clone();
            inner.done_marks.insert(mark, index);
            Ok(())
        })
    }

    async fn completed(&self, mark: &str) -> Result<Option<ExecutionOutcome>, PortError> {
        self.with(|inner| {
            Ok(inner
                .done_marks
                .get(mark)
                .and_then(|index| inner.journal.get(*index))
                .and_then(|entry| match &entry.state {
                    JournalState::Done(outcome) => Some(outcome.clone()),
                    JournalState::Intent => None,
                }))
        })
    }

    fn journal(&self) -> PortStream<'_, JournalEntry> {
        let entries = self.with(|inner| {
            Ok(inner
                .journal
                .iter()
                .filter(|entry| !inner.undone.contains(&entry.sequence))
                .cloned()
                .collect::<Vec<_>>())
        });
        match entries {
            Ok(entries) => Box::pin(stream::iter(entries.into_iter().map(Ok))),
            Err(error) => Box::pin(stream::iter([Err(error)])),
        }
    }

    async fn mark_undone(
        &self,
        sequence: u64,
        result: Result<(), String>,
    ) -> Result<(), PortError> {
        self.with(|inner| {
            let index = usize::try_from(sequence.saturating_sub(1)).unwrap_or(usize::MAX);
            let mark = inner
                .journal
                .get(index)
                .map(|entry| entry.operation.mark.clone())
                .ok_or_else(|| {
                    PortError::new(
                        PortErrorKind::NotFound,
                        format!("no journal entry {sequence}"),
                    )
                })?;
            match result {
                Ok(()) => {
                    inner.undone.insert(sequence);
                    inner.undo_failures.remove(&sequence);
                    if inner.done_marks.get(&mark) == Some(&index) {
                        inner.done_marks.remove(&mark);
                    }
                }
                Err(reason) => {
                    inner.undo_failures.insert(sequence, reason);
                }
            }
            Ok(())
        })
    }

    async fn set_record_status(
        &self,
        record: SourceRef,
        status: RecordStatus,
    ) -> Result<(), PortError> {
        self.with(|inner| {
            inner.statuses.insert(record, status);
            Ok(())
        })
    }

    async fn record_status(&self, record: SourceRef) -> Result<Option<RecordStatus>, PortError> {
        self.with(|inner| Ok(inner.statuses.get(&record).cloned()))
    }

    async fn watermark(&self) -> Result<Option<Watermark>, PortError> {
        self.with(|inner| Ok(inner.watermark))
    }

    async fn set_watermark(&self, watermark: Watermark) -> Result<(), PortError> {
        self.with(|inner| {
            inner.watermark = Some(watermark);
            Ok(())
        })
    }

    async fn record_open_tickets_moved(&self, tickets: u64) -> Result<(), PortError> {
        self.with(|inner| {
            let journalled = inner.journal.len();
            inner
                .open_tickets_moved
                .get_or_insert((tickets, journalled));
            Ok(())
        })
    }

    async fn confirmed_hash(&self) -> Result<Option<SpecHash>, PortError> {
        self.with(|inner| Ok(inner.hash.clone()))
    }

    async fn set_confirmed_hash(&self, hash: &SpecHash) -> Result<(), PortError> {
        self.with(|inner| {
            inner.hash = Some(hash.clone());
            Ok(())
        })
    }
}
