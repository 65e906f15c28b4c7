//! The ports: async traits that a source, a destination and a state store implement, so the
//! engine can be driven by the real clients, by the simulators, or by an integrator's own.
//!
//! The engine's loop for one operation: skip it if the store says its mark is
//! [`StateStore::completed`]; resolve its `requires` keys with [`StateStore::lookup`] into
//! [`ResolvedRefs`]; fetch the bytes of its files with [`Source::attachment`]; journal the
//! intent with [`StateStore::begin`]; [`Destination::execute`]; remember the created record
//! with [`StateStore::remember`]; journal it done with [`StateStore::complete`].

mod images;
mod journal;
mod memory;

pub use images::{content_addressed_name, HostedImage, ImageHost};
pub use journal::{JournalEntry, JournalState, UndoStep};
pub use memory::MemoryStateStore;

use std::collections::{BTreeMap, HashMap};

use async_trait::async_trait;
use bytes::Bytes;
use futures::stream::BoxStream;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::delta::Watermark;
use crate::error::PortError;
use crate::idmap::DestinationRef;
use crate::keys::{RecordKey, RecordKind};
use crate::model::destination::{DestinationSchema, FileRef, ObservedRecord};
use crate::model::source::{
    AdminInventory, Article, Caller, Organisation, SourceRef, SourceSchema, Ticket, WireReport,
};
use crate::ops::Operation;
use crate::reject::ReasonCode;
use crate::spec::SpecHash;

/// A stream of records from a port.
pub type PortStream<'a, T> = BoxStream<'a, Result<T, PortError>>;

/// Which tickets a source reads in full (see [`Source::tickets_reading`]), judged on the
/// ticket's own fields as the source lists them.
pub type TicketFilter = std::sync::Arc<dyn Fn(&Ticket) -> bool + Send + Sync>;

/// The bytes of one file, fetched from the source for upload.
#[derive(Clone, PartialEq, Eq)]
pub struct FilePayload {
    /// File name.
    pub file_name: String,
    /// MIME type.
    pub content_type: Option<String>,
    /// The bytes, shared: clones (and the request built from them) do not copy the file.
    pub bytes: Bytes,
}

impl std::fmt::Debug for FilePayload {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never dump file contents into logs.
        f.debug_struct("FilePayload")
            .field("file_name", &self.file_name)
            .field("content_type", &self.content_type)
            .field("bytes", &self.bytes.len())
            .finish()
    }
}

/// Where Vivantio records come from.
#[async_trait]
pub trait Source: Send + Sync {
    /// The instance's configuration.
    async fn schema(&self) -> Result<SourceSchema, PortError>;
    /// Every organisation.
    fn organisations(&self) -> PortStream<'_, Organisation>;
    /// Every caller, in id order (email dedupe keeps the lowest id).
    fn callers(&self) -> PortStream<'_, Caller>;
    /// Tickets with their actions, attachments, links and SLA stages; only those created or
    /// changed after `changed_since` when given.
    fn tickets(&self, changed_since: Option<Watermark>) -> PortStream<'_, Ticket>;
    /// [`Source::tickets`], reading history, attachments, parents, forms and SLA stages only
    /// for the tickets `in_full` admits; the others may come as listed, without them (the
    /// engine leaves them out, or wants only their ids). The default reads every ticket in
    /// full.
    fn tickets_reading(
        &self,
        changed_since: Option<Watermark>,
        in_full: TicketFilter,
    ) -> PortStream<'_, Ticket> {
        let _ = in_full;
        self.tickets(changed_since)
    }
    /// The tickets with `ids`, read in full like [`Source::tickets`], in the order of `ids`;
    /// ids the source no longer has are left out. `None` when the source cannot read tickets
    /// by id (the default): an open-first run then reads the history in the order the source
    /// lists it.
    fn tickets_by_id(&self, ids: std::sync::Arc<[i64]>) -> Option<PortStream<'_, Ticket>> {
        let _ = ids;
        None
    }
    /// Knowledge-base articles.
    fn articles(&self) -> PortStream<'_, Article>;
    /// The bytes of one attachment.
    async fn attachment(&self, file: &FileRef) -> Result<FilePayload, PortError>;
    /// The bytes of an image an article body shows from Vivantio (`url` as the body has it;
    /// the source fetches it with its credentials). The default cannot fetch images.
    async fn inline_image(&self, url: &str) -> Result<FilePayload, PortError> {
        Err(PortError::new(
            crate::error::PortErrorKind::Other,
            format!("this source cannot fetch inline images ({url})"),
        ))
    }
    /// The admin inventory (workflows, rules, reports, SLA policies, portal settings).
    async fn admin_inventory(&self) -> Result<AdminInventory, PortError>;

    /// What reading so far proved wrong about the source's API (findings, fallbacks,
    /// spellings). Complete once every stream was read to its end.
    fn wire_report(&self) -> WireReport {
        WireReport::default()
    }
}

/// The destination ids of the records an operation requires.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResolvedRefs(pub HashMap<RecordKey, DestinationRef>);

impl ResolvedRefs {
    /// The destination record for `key`.
    pub fn get(&self, key: &RecordKey) -> Option<&DestinationRef> {
        self.0.get(key)
    }
}

/// One operation, ready to run.
#[derive(Debug, Clone, Copy)]
pub struct ExecutionRequest<'a> {
    /// The operation.
    pub operation: &'a Operation,
    /// Its required records, resolved.
    pub refs: &'a ResolvedRefs,
    /// The bytes of its files, in the order of the part's attachments.
    pub files: &'a [FilePayload],
}

/// What an operation did to the destination (what rollback needs to undo it).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "effect", rename_all = "snake_case")]
pub enum WriteEffect {
    /// A new record was created.
    Created,
    /// An existing record was found and left as it was.
    Matched,
    /// An existing record was changed; these were its values before.
    Updated {
        /// Previous values, by field name (the names [`crate::verify`] uses).
        previous: BTreeMap<String, Value>,
    },
    /// A relation or event was added to records (a part, a tag, a link, an assignment).
    Added,
}

/// The result of running one operation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExecutionOutcome {
    /// The record created or matched (or the part added), when there is one.
    pub destination: Option<DestinationRef>,
    /// What happened.
    pub effect: WriteEffect,
}

/// Where records go.
#[async_trait]
pub trait Destination: Send + Sync {
    /// What the workspace already has.
    async fn schema(&self) -> Result<DestinationSchema, PortError>;
    /// Runs one operation.
    async fn execute(&self, request: ExecutionRequest<'_>) -> Result<ExecutionOutcome, PortError>;
    /// Reads a record back, flattened for verification; `None` when it does not exist.
    async fn read_back(
        &self,
        kind: RecordKind,
        id: &str,
    ) -> Result<Option<ObservedRecord>, PortError>;
    /// Runs one rollback step.
    async fn undo(&self, step: &UndoStep) -> Result<(), PortError>;
    /// Looks for the mark of an operation whose intent was journalled but whose outcome is
    /// unknown (a crash, or a lost response); `Some` with what it did if it was applied, `None`
    /// if it was not (the engine then sends it). The default knows nothing and says `None`, so
    /// a destination that cannot search for its marks gets at-least-once, not exactly-once.
    async fn reconcile(
        &self,
        request: ExecutionRequest<'_>,
    ) -> Result<Option<ExecutionOutcome>, PortError> {
        let _ = request;
        Ok(None)
    }
}

/// How far one source record got.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum RecordStatus {
    /// Not done yet.
    Pending,
    /// Every operation done.
    Migrated,
    /// Refused by the mapping.
    Rejected {
        /// Why.
        code: ReasonCode,
    },
    /// An operation failed.
    Failed {
        /// What failed.
        message: String,
    },
    /// Left out by the mapping's `[scope]`: not read in full, not written.
    OutOfScope,
}

/// Where the run keeps its memory: the ID map, the journal, record statuses, the watermark
/// and the confirmed specification hash.
#[async_trait]
pub trait StateStore: Send + Sync {
    /// The destination record of a key.
    async fn lookup(&self, key: &RecordKey) -> Result<Option<DestinationRef>, PortError>;
    /// Records the destination record of a key.
    async fn remember(
        &self,
        key: &RecordKey,
        destination: &DestinationRef,
    ) -> Result<(), PortError>;
    /// Forgets a key (after rollback).
    async fn forget(&self, key: &RecordKey) -> Result<(), PortError>;
    /// Journals the intent to run an operation with its resolved refs; returns its sequence.
    async fn begin(&self, operation: &Operation, refs: &ResolvedRefs) -> Result<u64, PortError>;
    /// Journals an operation as done.
    async fn complete(&self, sequence: u64, outcome: &ExecutionOutcome) -> Result<(), PortError>;
    /// Records the destination record of a key and journals the operation that created it
    /// done. A store that can make the two one transaction should: it is one write fewer per
    /// created record, and a crash leaves both or neither.
    async fn complete_created(
        &self,
        key: &RecordKey,
        destination: &DestinationRef,
        sequence: u64,
        outcome: &ExecutionOutcome,
    ) -> Result<(), PortError> {
        self.remember(key, destination).await?;
        self.complete(sequence, outcome).await
    }
    /// The outcome of the operation with this mark, if it is done.
    async fn completed(&self, mark: &str) -> Result<Option<ExecutionOutcome>, PortError>;
    /// The whole journal, oldest first, without the entries settled by
    /// [`StateStore::mark_undone`] with `Ok`.
    fn journal(&self) -> PortStream<'_, JournalEntry>;
    /// Settles a journal entry that no longer has an effect in the destination: undone by a
    /// rollback, or never applied (refused, or found absent when reconciled). With `Ok` the
    /// entry leaves [`StateStore::journal`] and its mark is no longer
    /// [`StateStore::completed`]; with `Err(reason)` the undo failed, the entry stays (a resumed
    /// rollback tries it again) and the reason is kept.
    async fn mark_undone(&self, sequence: u64, result: Result<(), String>)
        -> Result<(), PortError>;
    /// Sets a record's status.
    async fn set_record_status(
        &self,
        record: SourceRef,
        status: RecordStatus,
    ) -> Result<(), PortError>;
    /// A record's status.
    async fn record_status(&self, record: SourceRef) -> Result<Option<RecordStatus>, PortError>;
    /// The watermark of the last completed run.
    async fn watermark(&self) -> Result<Option<Watermark>, PortError>;
    /// Sets the watermark.
    async fn set_watermark(&self, watermark: Watermark) -> Result<(), PortError>;
    /// The hash of the specification the run was started with.
    async fn confirmed_hash(&self) -> Result<Option<SpecHash>, PortError>;
    /// Records the hash of the specification the run uses.
    async fn set_confirmed_hash(&self, hash: &SpecHash) -> Result<(), PortError>;
    /// Keeps the moment every open ticket in scope was in the destination (the open pass of an
    /// open-first run ended), with how many there were. The first moment counts until a
    /// rollback undoes the runs. The default keeps nothing.
    async fn record_open_tickets_moved(&self, tickets: u64) -> Result<(), PortError> {
        let _ = tickets;
        Ok(())
    }
    /// Keeps the SHA-256 and size of an attachment about to be uploaded, so a later check can
    /// prove what was moved. The default keeps nothing.
    async fn record_file_checksum(
        &self,
        guid: &str,
        sha256: &str,
        size: u64,
    ) -> Result<(), PortError> {
        let _ = (guid, sha256, size);
        Ok(())
    }
}
