//! A destination that keeps records in memory, checks that every referenced record exists
//! when an operation runs, and injects faults: transient errors, applied-but-lost responses,
//! refusals and crashes.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use migration_core::keys::{RecordKey, RecordKind};
use migration_core::model::destination::{DestinationSchema, ObservedRecord};
use migration_core::model::source::SourceRef;
use migration_core::ports::{Destination, ExecutionOutcome, ExecutionRequest};
use migration_core::rollback::UndoStep;
use migration_core::{DestinationOp, PortError, PortErrorKind};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use super::fake_source::Probe;
use super::fake_world::{Record, World};

/// Faults to inject.
#[derive(Debug, Clone, Default)]
pub struct Faults {
    /// The write after this many applied writes crashes the "process" (the engine stops).
    pub crash_after: Option<u64>,
    /// Whether the crashing write is applied before the crash.
    pub crash_applies: bool,
    /// Every n-th call fails transiently, unapplied.
    pub transient_every: Option<u64>,
    /// Every n-th applied write loses its response.
    pub lose_every: Option<u64>,
    /// Marks the destination refuses.
    pub refuse: HashSet<String>,
    /// The undo after this many undos crashes.
    pub crash_undo_after: Option<u64>,
}

pub struct FakeDestination {
    world: Mutex<World>,
    schema: DestinationSchema,
    probe: Arc<Probe>,
}

impl FakeDestination {
    /// A workspace with `schema`'s admins, teams, attributes and tags, and a company that
    /// existed before (company_id `existing_company`).
    pub fn new(
        schema: DestinationSchema,
        existing_company: Option<&str>,
        probe: Arc<Probe>,
    ) -> Self {
        let mut world = World::default();
        for admin in &schema.admins {
            world.records.insert(
                admin.id.clone(),
                Record {
                    kind: Some(RecordKind::Admin),
                    preexisting: true,
                    fields: BTreeMap::from([("email".into(), json!(admin.email))]),
                    ..Record::default()
                },
            );
        }
        for team in &schema.teams {
            world.records.insert(
                team.id.clone(),
                Record {
                    kind: Some(RecordKind::Team),
                    preexisting: true,
                    fields: BTreeMap::from([("name".into(), json!(team.name))]),
                    ..Record::default()
                },
            );
        }
        for (index, attribute) in schema.attributes.iter().enumerate() {
            world.records.insert(
                format!("pre-attribute-{index}"),
                Record {
                    kind: Some(RecordKind::Attribute),
                    preexisting: true,
                    fields: BTreeMap::from([
                        ("name".into(), json!(attribute.name)),
                        ("model".into(), json!(attribute.model)),
                    ]),
                    ..Record::default()
                },
            );
        }
        if let Some(company_id) = existing_company {
            let fields = BTreeMap::from([
                ("company_id".into(), json!(company_id)),
                ("name".into(), json!("Harbour (old name)")),
            ]);
            world.records.insert(
                "pre-company".into(),
                Record {
                    kind: Some(RecordKind::Company),
                    preexisting: true,
                    fields,
                    ..Record::default()
                },
            );
        }
        Self {
            world: Mutex::new(world),
            schema,
            probe,
        }
    }

    pub fn set_faults(&self, faults: Faults) {
        self.world.lock().unwrap().faults = faults;
    }

    pub fn violations(&self) -> Vec<String> {
        self.world.lock().unwrap().violations.clone()
    }

    /// Execute calls so far (every attempt).
    pub fn calls(&self) -> u64 {
        self.world.lock().unwrap().calls
    }

    /// Writes applied so far.
    pub fn writes(&self) -> u64 {
        self.world.lock().unwrap().writes
    }

    pub fn reconciles(&self) -> u64 {
        self.world.lock().unwrap().reconciles
    }

    /// Marks applied, with their source records, in order.
    pub fn log(&self) -> Vec<(String, Option<SourceRef>)> {
        self.world.lock().unwrap().log.clone()
    }

    /// Keys of the live records the runs created, of `kind`.
    pub fn created_keys(&self, kind: RecordKind) -> BTreeSet<RecordKey> {
        let world = self.world.lock().unwrap();
        world
            .records
            .values()
            .filter(|record| record.kind == Some(kind) && !record.archived && !record.preexisting)
            .filter_map(|record| record.key.clone())
            .collect()
    }

    /// Changes a field behind the engine's back.
    pub fn corrupt(&self, key: &RecordKey, field: &str, value: Value) {
        let mut world = self.world.lock().unwrap();
        let id = world.by_key[key].clone();
        world
            .records
            .get_mut(&id)
            .unwrap()
            .fields
            .insert(field.into(), value);
    }

    /// Replaces the bytes of the first attachment of a thread behind the engine's back.
    pub fn corrupt_file(&self, thread: &RecordKey) {
        let mut world = self.world.lock().unwrap();
        let id = world.by_key[thread].clone();
        let record = world.records.get_mut(&id).unwrap();
        let file = record
            .parts
            .iter_mut()
            .flat_map(|part| part.files.iter_mut())
            .next()
            .expect("the thread has a file");
        *file = hex::encode(Sha256::digest(b"something else"));
    }

    /// Every live record, with ids replaced by keys, so two runs compare record for record.
    pub fn snapshot(&self) -> BTreeMap<String, Value> {
        let world = self.world.lock().unwrap();
        let label = |id: &String| -> String {
            match world.records.get(id).and_then(|record| record.key.as_ref()) {
                Some(key) => key.to_string(),
                None => format!("id:{id}"),
            }
        };
        world
            .records
            .iter()
            .filter(|(_, record)| !record.archived)
            .map(|(id, record)| {
                let parts: Vec<Value> = record
                    .parts
                    .iter()
                    .map(|part| {
                        json!([
                            part.body,
                            part.created_at,
                            part.author,
                            part.kind,
                            part.files
                        ])
                    })
                    .collect();
                let value = json!({
                    "kind": record.kind,
                    "fields": record.fields,
                    "parts": parts,
                    "tags": record.tags,
                    "companies": record.companies.iter().map(label).collect::<BTreeSet<_>>(),
                    "links": record.links.iter().map(label).collect::<BTreeSet<_>>(),
                    "preexisting": record.preexisting,
                });
                (label(id), value)
            })
            .collect()
    }
}

fn fail(kind: PortErrorKind, message: &str) -> PortError {
    PortError::new(kind, message)
}

#[async_trait]
impl Destination for FakeDestination {
    async fn schema(&self) -> Result<DestinationSchema, PortError> {
        Ok(self.schema.clone())
    }

    async fn execute(&self, request: ExecutionRequest<'_>) -> Result<ExecutionOutcome, PortError> {
        let mut world = self.world.lock().unwrap();
        world.calls += 1;
        let calls = world.calls;
        if world
            .faults
            .transient_every
            .is_some_and(|every| calls.is_multiple_of(every))
        {
            return Err(fail(PortErrorKind::Transient, "rate limited"));
        }
        if world
            .faults
            .refuse
            .contains(request.operation.mark.as_str())
        {
            return Err(fail(
                PortErrorKind::Rejected,
                "Intercom refused the value of `name`",
            ));
        }
        let crash = world.faults.crash_after == Some(world.writes);
        if crash && !world.faults.crash_applies {
            world.faults.crash_after = None;
            return Err(fail(
                PortErrorKind::Other,
                "simulated crash before the write",
            ));
        }
        world.check_requirements(&request);
        let outcome = world.apply(&request)?;
        if matches!(
            request.operation.op,
            DestinationOp::CreateConversation(_) | DestinationOp::CreateTicket(_)
        ) && !self.probe.tickets_exhausted.load(Ordering::SeqCst)
        {
            self.probe
                .threads_written_while_reading
                .fetch_add(1, Ordering::SeqCst);
        }
        world.writes += 1;
        let mark = request.operation.mark.to_string();
        let entry = world
            .applied
            .entry(mark.clone())
            .or_insert((0, outcome.clone()));
        entry.0 += 1;
        if entry.0 > 1 {
            world.violations.push(format!("{mark} applied twice"));
        }
        world.log.push((mark, request.operation.source));
        if crash {
            world.faults.crash_after = None;
            return Err(fail(
                PortErrorKind::Other,
                "simulated crash after the write",
            ));
        }
        let writes = world.writes;
        if world
            .faults
            .lose_every
            .is_some_and(|every| writes.is_multiple_of(every))
        {
            return Err(fail(PortErrorKind::Uncertain, "the response was lost"));
        }
        Ok(outcome)
    }

    async fn reconcile(
        &self,
        request: ExecutionRequest<'_>,
    ) -> Result<Option<ExecutionOutcome>, PortError> {
        let mut world = self.world.lock().unwrap();
        world.reconciles += 1;
        Ok(world
            .applied
            .get(request.operation.mark.as_str())
            .map(|(_, outcome)| outcome.clone()))
    }

    async fn read_back(
        &self,
        kind: RecordKind,
        id: &str,
    ) -> Result<Option<ObservedRecord>, PortError> {
        let world = self.world.lock().unwrap();
        let Some(record) = world
            .records
            .get(id)
            .filter(|record| !record.archived && record.kind == Some(kind))
        else {
            return Ok(None);
        };
        let mut fields = record.fields.clone();
        if kind.is_thread() || !record.tags.is_empty() {
            fields.insert("tags".into(), json!(record.tags));
        }
        if kind.is_thread() {
            fields.insert("parts.count".into(), json!(record.parts.len()));
            for (index, part) in record.parts.iter().enumerate() {
                fields.insert(format!("parts.{index}.body"), json!(part.body));
                fields.insert(format!("parts.{index}.created_at"), json!(part.created_at));
                fields.insert(format!("parts.{index}.author"), json!(part.author));
                fields.insert(format!("parts.{index}.kind"), json!(part.kind));
                fields.insert(
                    format!("parts.{index}.attachments"),
                    json!(part.files.len()),
                );
                for (position, checksum) in part.files.iter().enumerate() {
                    fields.insert(
                        format!("parts.{index}.attachments.{position}.sha256"),
                        json!(checksum),
                    );
                }
            }
        }
        Ok(Some(ObservedRecord {
            key: record.key.clone(),
            id: id.to_string(),
            fields,
        }))
    }

    async fn undo(&self, step: &UndoStep) -> Result<(), PortError> {
        let mut world = self.world.lock().unwrap();
        if world.faults.crash_undo_after == Some(world.undos) {
            world.faults.crash_undo_after = None;
            return Err(fail(
                PortErrorKind::Other,
                "simulated crash during rollback",
            ));
        }
        world.undos += 1;
        let missing = || fail(PortErrorKind::NotFound, "no such record");
        match step {
            UndoStep::Delete { id, .. } => {
                let record = world.records.get(id).ok_or_else(missing)?;
                if record.preexisting {
                    world
                        .violations
                        .push(format!("rollback deleted {id}, which existed before"));
                }
                let record = world.records.remove(id).ok_or_else(missing)?;
                if let Some(key) = record.key {
                    world.by_key.remove(&key);
                }
            }
            UndoStep::Archive { id, .. } => {
                world.records.get_mut(id).ok_or_else(missing)?.archived = true
            }
            UndoStep::Restore { id, previous, .. } => {
                let record = world.records.get_mut(id).ok_or_else(missing)?;
                for (field, value) in previous {
                    match value {
                        Value::Null => record.fields.remove(field),
                        value => record.fields.insert(field.clone(), value.clone()),
                    };
                }
                if record.preexisting {
                    record.key = None;
                }
            }
            UndoStep::Untag { id, tag_id, .. } => {
                let tag = world
                    .records
                    .get(tag_id)
                    .and_then(|tag| tag.key.clone())
                    .map(|key| key.id().to_string())
                    .unwrap_or_default();
                world
                    .records
                    .get_mut(id)
                    .ok_or_else(missing)?
                    .tags
                    .remove(&tag);
            }
            UndoStep::Detach {
                contact_id,
                company_id,
            } => {
                world
                    .records
                    .get_mut(contact_id)
                    .ok_or_else(missing)?
                    .companies
                    .remove(company_id);
            }
            UndoStep::RedactPart {
                thread_id, part_id, ..
            } => world
                .records
                .get_mut(thread_id)
                .ok_or_else(missing)?
                .parts
                .retain(|part| &part.id != part_id),
            UndoStep::Unlink {
                parent_id,
                child_id,
            } => {
                world
                    .records
                    .get_mut(parent_id)
                    .ok_or_else(missing)?
                    .links
                    .remove(child_id);
            }
        }
        Ok(())
    }
}
