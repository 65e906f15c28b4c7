//! A source built from core model values, with probes for back-pressure and overlap.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use chrono_tz::Tz;
use futures::{future, stream, StreamExt};
use migration_core::delta::{changed_since, Watermark};
use migration_core::model::destination::FileRef;
use migration_core::model::source::{
    AdminInventory, Article, Caller, Organisation, SourceInstance, SourceSchema, Ticket,
};
use migration_core::ports::{FilePayload, PortStream, Source};
use migration_core::PortError;

/// Shared counters the fakes and the tests read.
#[derive(Debug, Default)]
pub struct Probe {
    /// Tickets the source handed out.
    pub tickets_read: AtomicU64,
    /// Tickets the engine finished (fed by an observer).
    pub tickets_finished: AtomicU64,
    /// The most tickets read and not yet finished at once.
    pub max_outstanding: AtomicU64,
    /// Whether the ticket stream has ended.
    pub tickets_exhausted: AtomicBool,
    /// Threads the destination created while tickets were still being read.
    pub threads_written_while_reading: AtomicU64,
    /// Declared bytes of the files handed out and not yet dropped by the engine.
    pub file_bytes_held: AtomicU64,
    /// The most declared file bytes held at once.
    pub max_file_bytes_held: AtomicU64,
}

impl Probe {
    fn read_one(&self) {
        let read = self.tickets_read.fetch_add(1, Ordering::SeqCst) + 1;
        let outstanding = read.saturating_sub(self.tickets_finished.load(Ordering::SeqCst));
        self.max_outstanding
            .fetch_max(outstanding, Ordering::SeqCst);
    }
}

/// A file's bytes that count, while the engine holds them, as the size the file declares: the
/// engine budgets by declared sizes, and a test needs no megabytes to check it.
struct HeldFile {
    bytes: Vec<u8>,
    declared: u64,
    probe: Arc<Probe>,
}

impl HeldFile {
    fn new(bytes: Vec<u8>, declared: u64, probe: Arc<Probe>) -> Self {
        let held = probe.file_bytes_held.fetch_add(declared, Ordering::SeqCst) + declared;
        probe.max_file_bytes_held.fetch_max(held, Ordering::SeqCst);
        Self {
            bytes,
            declared,
            probe,
        }
    }
}

impl AsRef<[u8]> for HeldFile {
    fn as_ref(&self) -> &[u8] {
        &self.bytes
    }
}

impl Drop for HeldFile {
    fn drop(&mut self) {
        self.probe
            .file_bytes_held
            .fetch_sub(self.declared, Ordering::SeqCst);
    }
}

/// The bytes of an attachment: derived from its GUID, so checksums are known.
pub fn file_bytes(guid: &str) -> Vec<u8> {
    format!("contents of {guid}").into_bytes()
}

pub struct FakeSource {
    instance: Mutex<SourceInstance>,
    zone: Tz,
    pub probe: Arc<Probe>,
    /// Whether it reads tickets by id (a source may not).
    pub reads_by_id: AtomicBool,
}

impl FakeSource {
    pub fn new(instance: SourceInstance, zone: &str, probe: Arc<Probe>) -> Self {
        Self {
            instance: Mutex::new(instance),
            zone: zone.parse().unwrap(),
            probe,
            reads_by_id: AtomicBool::new(true),
        }
    }

    /// Changes the instance (for deltas).
    pub fn edit(&self, change: impl FnOnce(&mut SourceInstance)) {
        change(&mut self.instance.lock().unwrap());
    }

    fn snapshot(&self) -> SourceInstance {
        self.instance.lock().unwrap().clone()
    }
}

#[async_trait]
impl Source for FakeSource {
    async fn schema(&self) -> Result<SourceSchema, PortError> {
        Ok(self.snapshot().schema)
    }

    fn organisations(&self) -> PortStream<'_, Organisation> {
        Box::pin(stream::iter(
            self.snapshot().organisations.into_iter().map(Ok),
        ))
    }

    fn callers(&self) -> PortStream<'_, Caller> {
        let mut callers = self.snapshot().callers;
        callers.sort_by_key(|caller| caller.id);
        Box::pin(stream::iter(callers.into_iter().map(Ok)))
    }

    fn tickets(&self, changed: Option<Watermark>) -> PortStream<'_, Ticket> {
        self.probe.tickets_exhausted.store(false, Ordering::SeqCst);
        let zone = self.zone;
        let tickets: Vec<Ticket> = self
            .snapshot()
            .tickets
            .into_iter()
            .filter(|ticket| changed.is_none_or(|since| changed_since(ticket, since, zone)))
            .collect();
        let probe = self.probe.clone();
        let items = tickets.into_iter().map(Some).chain(std::iter::once(None));
        Box::pin(stream::iter(items).filter_map(move |item| {
            match &item {
                Some(_) => probe.read_one(),
                None => probe.tickets_exhausted.store(true, Ordering::SeqCst),
            }
            future::ready(item.map(Ok))
        }))
    }

    fn tickets_by_id(&self, ids: Arc<[i64]>) -> Option<PortStream<'_, Ticket>> {
        if !self.reads_by_id.load(Ordering::SeqCst) {
            return None;
        }
        let tickets = self.snapshot().tickets;
        let found: Vec<Ticket> = ids
            .iter()
            .filter_map(|id| tickets.iter().find(|ticket| ticket.id == *id).cloned())
            .collect();
        Some(Box::pin(stream::iter(found.into_iter().map(Ok))))
    }

    fn articles(&self) -> PortStream<'_, Article> {
        Box::pin(stream::iter(self.snapshot().articles.into_iter().map(Ok)))
    }

    async fn attachment(&self, file: &FileRef) -> Result<FilePayload, PortError> {
        let held = HeldFile::new(
            file_bytes(&file.guid),
            file.size.unwrap_or(0),
            self.probe.clone(),
        );
        // Let other records run while this one holds its files, as a real download would.
        tokio::task::yield_now().await;
        Ok(FilePayload {
            file_name: file.file_name.clone(),
            content_type: file.content_type.clone(),
            bytes: bytes::Bytes::from_owner(held),
        })
    }

    async fn admin_inventory(&self) -> Result<AdminInventory, PortError> {
        Ok(self.snapshot().inventory)
    }
}
