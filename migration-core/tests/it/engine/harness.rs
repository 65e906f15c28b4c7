//! Instances, specifications and engines for the engine tests.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use futures::future::BoxFuture;
use futures::StreamExt;
use migration_core::engine::{Engine, EngineBuilder, Event, Observer, Sleeper, Stage};
use migration_core::keys::RecordKind;
use migration_core::model::source::{Attachment, SourceInstance, SourceKind, SourceTime};
use migration_core::ports::{Destination, MemoryStateStore, StateStore};
use migration_core::rollback::JournalEntry;
use migration_core::spec::ConfirmedSpec;
use serde_json::Value;
use std::collections::BTreeMap;

use super::fake_destination::FakeDestination;
use super::fake_source::{FakeSource, Probe};
use crate::common;

pub const ZONE: &str = "Europe/London";

/// The confirmed default specification of `instance`.
pub fn confirmed(instance: &SourceInstance) -> ConfirmedSpec {
    let spec = common::default_spec(instance).confirmed("tester", "2024-06-01T00:00:00Z");
    ConfirmedSpec::new(spec, &instance.schema, &common::destination())
        .expect("the default specification is valid")
}

/// The small instance with `extra` more tickets made from its first one: every ticket type and
/// channel, three callers, attachments, and every fifth ticket the child of the one before.
pub fn instance(extra: usize) -> SourceInstance {
    let mut instance = common::small_instance();
    let template = instance.tickets[0].clone();
    let callers: Vec<i64> = instance.callers.iter().map(|caller| caller.id).collect();
    for index in 0..extra {
        let id = 10_000 + index as i64;
        let mut ticket = template.clone();
        ticket.id = id;
        ticket.display_id = Some(format!("T-{id}"));
        ticket.record_type_id = if index % 2 == 0 { 11 } else { 13 };
        ticket.origin = if index % 3 == 0 { None } else { Some(2) };
        ticket.caller_id = Some(callers[index % callers.len()]);
        ticket.parent_ids = if index % 5 == 4 {
            vec![id - 1]
        } else {
            Vec::new()
        };
        if ticket.record_type_id == 13 {
            ticket.custom_values.clear();
            ticket.legacy_values.clear();
        }
        for (position, action) in ticket.actions.iter_mut().enumerate() {
            action.id = id * 100 + position as i64;
            for (number, file) in action.attachments.iter_mut().enumerate() {
                *file = attachment(id * 1000 + position as i64 * 20 + number as i64, file);
            }
        }
        instance.tickets.push(ticket);
    }
    instance
}

fn attachment(id: i64, like: &Attachment) -> Attachment {
    Attachment {
        id,
        guid: format!("00000000-0000-0000-0000-{id:012}"),
        ..like.clone()
    }
}

pub fn at(text: &str) -> Option<SourceTime> {
    SourceTime::parse(text).unwrap()
}

/// The ports of one migration: a source, a destination with a company that existed before,
/// and a memory store.
pub struct World {
    pub probe: Arc<Probe>,
    pub source: FakeSource,
    pub destination: FakeDestination,
    pub store: MemoryStateStore,
}

impl World {
    pub fn new(instance: SourceInstance) -> Self {
        let probe = Arc::new(Probe::default());
        Self {
            source: FakeSource::new(instance, ZONE, probe.clone()),
            destination: FakeDestination::new(common::destination(), Some("101"), probe.clone()),
            store: MemoryStateStore::new(),
            probe,
        }
    }

    /// An engine over these ports that never really waits and counts finished tickets.
    pub fn engine(&self) -> EngineBuilder<'_> {
        Engine::builder(&self.source, &self.destination, &self.store)
            .sleeper(Arc::new(NoWait::default()))
            .observer(Arc::new(TicketCounter(self.probe.clone())))
            .concurrency(4)
            .read_ahead(4)
    }

    /// The fields the destination returns for a record.
    pub async fn destination_read(&self, kind: RecordKind, id: &str) -> BTreeMap<String, Value> {
        self.destination
            .read_back(kind, id)
            .await
            .unwrap()
            .expect("the record exists")
            .fields
    }

    pub async fn journal(&self) -> Vec<JournalEntry> {
        self.store.journal().map(Result::unwrap).collect().await
    }
}

/// Waits no time, counting the waits.
#[derive(Default)]
pub struct NoWait(pub AtomicU64);

impl Sleeper for NoWait {
    fn sleep(&self, _duration: Duration) -> BoxFuture<'static, ()> {
        self.0.fetch_add(1, Ordering::SeqCst);
        Box::pin(async {})
    }
}

/// Counts finished tickets into the probe.
pub struct TicketCounter(pub Arc<Probe>);

impl Observer for TicketCounter {
    fn observe(&self, event: &Event) {
        if let Event::RecordFinished {
            stage: Stage::Tickets,
            record,
            ..
        } = event
        {
            if record.kind == SourceKind::Ticket {
                self.0.tickets_finished.fetch_add(1, Ordering::SeqCst);
            }
        }
    }
}
