//! A destination that keeps records in memory, checks that every referenced record exists
//! when an operation runs, and injects faults: transient errors, applied-but-lost responses,
//! refusals and crashes.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use migration_core::idmap::DestinationRef;
use migration_core::keys::{RecordKey, RecordKind};
use migration_core::model::destination::{
    DestinationSchema, ObservedRecord, PartAuthor, PartKind, ThreadState,
};
use migration_core::model::source::SourceRef;
use migration_core::ports::{Destination, ExecutionOutcome, ExecutionRequest, WriteEffect};
use migration_core::rollback::UndoStep;
use migration_core::{DestinationOp, PortError, PortErrorKind};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use super::fake_source::Probe;

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

#[derive(Debug, Clone, PartialEq)]
struct Part {
    id: String,
    body: String,
    created_at: i64,
    author: &'static str,
    kind: &'static str,
    files: Vec<String>,
}

#[derive(Debug, Clone, Default)]
struct Record {
    kind: Option<RecordKind>,
    key: Option<RecordKey>,
    fields: BTreeMap<String, Value>,
    parts: Vec<Part>,
    tags: BTreeSet<String>,
    companies: BTreeSet<String>,
    links: BTreeSet<String>,
    archived: bool,
    preexisting: bool,
}

#[derive(Default)]
struct World {
    next_id: u64,
    records: BTreeMap<String, Record>,
    by_key: HashMap<RecordKey, String>,
    applied: HashMap<String, (u32, ExecutionOutcome)>,
    log: Vec<(String, Option<SourceRef>)>,
    writes: u64,
    calls: u64,
    reconciles: u64,
    undos: u64,
    absent: HashSet<RecordKey>,
    violations: Vec<String>,
    faults: Faults,
}

pub struct FakeDestination {
    world: Mutex<World>,
    schema: DestinationSchema,
    probe: Arc<Probe>,
}

impl FakeDestination {
    /// A workspace with `schema`'s admins, teams, attributes and tags, and a company that
    /// existed before (company_id `existing_company`).
    pub fn new(schema: DestinationSchema, existing_company: Option<&str>, probe: Arc<Probe>) -> Self {
        let mut world = World::default();
        for admin in &schema.admins {
            world.records.insert(admin.id.clone(), Record { kind: Some(RecordKind::Admin), preexisting: true, fields: BTreeMap::from([("email".into(), json!(admin.email))]), ..Record::default() });
        }
        for team in &schema.teams {
            world.records.insert(team.id.clone(), Record { kind: Some(RecordKind::Team), preexisting: true, fields: BTreeMap::from([("name".into(), json!(team.name))]), ..Record::default() });
        }
        for (index, attribute) in schema.attributes.iter().enumerate() {
            world.records.insert(format!("pre-attribute-{index}"), Record { kind: Some(RecordKind::Attribute), preexisting: true, fields: BTreeMap::from([("name".into(), json!(attribute.name)), ("model".into(), json!(attribute.model))]), ..Record::default() });
        }
        if let Some(company_id) = existing_company {
            let fields = BTreeMap::from([("company_id".into(), json!(company_id)), ("name".into(), json!("Harbour (old name)"))]);
            world.records.insert("pre-company".into(), Record { kind: Some(RecordKind::Company), preexisting: true, fields, ..Record::default() });
        }
        Self { world: Mutex::new(world), schema, probe }
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

    /// Live records of `kind` (created by the run or there before).
    pub fn count(&self, kind: RecordKind) -> usize {
        self.world.lock().unwrap().records.values().filter(|record| record.kind == Some(kind) && !record.archived).count()
    }

    /// Keys of the live records the runs created, of `kind`.
    pub fn created_keys(&self, kind: RecordKind) -> BTreeSet<RecordKey> {
        let world = self.world.lock().unwrap();
        world.records.values().filter(|record| record.kind == Some(kind) && !record.archived && !record.preexisting).filter_map(|record| record.key.clone()).collect()
    }

    /// Changes a field behind the engine's back.
    pub fn corrupt(&self, key: &RecordKey, field: &str, value: Value) {
        let mut world = self.world.lock().unwrap();
        let id = world.by_key[key].clone();
        world.records.get_mut(&id).unwrap().fields.insert(field.into(), value);
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
                let parts: Vec<Value> = record.parts.iter().map(|part| json!([part.body, part.created_at, part.author, part.kind, part.files])).collect();
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

impl World {
    fn new_id(&mut self) -> String {
        self.next_id += 1;
        format!("d{}", self.next_id)
    }

    fn create(&mut self, key: &RecordKey, fields: BTreeMap<String, Value>) -> ExecutionOutcome {
        let id = self.new_id();
        self.records.insert(id.clone(), Record { kind: Some(key.kind()), key: Some(key.clone()), fields, ..Record::default() });
        self.by_key.insert(key.clone(), id.clone());
        ExecutionOutcome { destination: Some(DestinationRef::id(id)), effect: WriteEffect::Created }
    }

    fn find(&self, kind: RecordKind, field: &str, value: &Value) -> Option<String> {
        self.records.iter().find(|(_, record)| record.kind == Some(kind) && !record.archived && record.fields.get(field) == Some(value)).map(|(id, _)| id.clone())
    }

    fn upsert(&mut self, key: &RecordKey, identity: &str, fields: BTreeMap<String, Value>) -> ExecutionOutcome {
        let existing = fields.get(identity).and_then(|value| self.find(key.kind(), identity, value));
        let Some(id) = existing else { return self.create(key, fields) };
        let record = self.records.get_mut(&id).unwrap();
        let previous: BTreeMap<String, Value> = fields.keys().map(|field| (field.clone(), record.fields.get(field).cloned().unwrap_or(Value::Null))).collect();
        record.fields.extend(fields);
        if record.key.is_none() {
            record.key = Some(key.clone());
        }
        self.by_key.insert(key.clone(), id.clone());
        let effect = if record.preexisting { WriteEffect::Updated { previous } } else { WriteEffect::Updated { previous: BTreeMap::new() } };
        ExecutionOutcome { destination: Some(DestinationRef::id(id)), effect }
    }

    fn record(&mut self, refs_id: Option<&DestinationRef>) -> Option<&mut Record> {
        let id = refs_id?.id.clone();
        self.records.get_mut(&id)
    }

    fn apply(&mut self, request: &ExecutionRequest<'_>) -> Result<ExecutionOutcome, PortError> {
        let operation = request.operation;
        let refs = request.refs;
        let key = operation.creates.clone();
        let reference = |key: &RecordKey| refs.get(key).cloned();
        let matched = |id: Option<String>| ExecutionOutcome { destination: id.map(DestinationRef::id), effect: WriteEffect::Matched };
        let values = |attributes: &BTreeMap<String, migration_core::model::destination::AttributeValue>| -> BTreeMap<String, Value> {
            attributes.iter().map(|(name, value)| (format!("custom_attributes.{name}"), value.to_json())).collect()
        };
        let outcome = match &operation.op {
            DestinationOp::EnsureAttribute(definition) => {
                let name = json!(definition.name);
                match self.find(RecordKind::Attribute, "name", &name).filter(|id| self.records[id].fields.get("model") == Some(&json!(definition.model))) {
                    Some(id) => matched(Some(id)),
                    None => self.create(key.as_ref().unwrap(), BTreeMap::from([("name".into(), name), ("model".into(), json!(definition.model))])),
                }
            }
            DestinationOp::EnsureTicketType(definition) => self.create(key.as_ref().unwrap(), BTreeMap::from([("name".into(), json!(definition.name))])),
            DestinationOp::EnsureTicketTypeAttribute { attribute, .. } => self.create(key.as_ref().unwrap(), BTreeMap::from([("name".into(), json!(attribute.name))])),
            DestinationOp::EnsureTag { name } => self.create(key.as_ref().unwrap(), BTreeMap::from([("name".into(), json!(name.to_lowercase()))])),
            DestinationOp::MatchFallbackAdmin { email } => match self.find(RecordKind::Admin, "email", &json!(email)) {
                Some(id) => matched(Some(id)),
                None => return Err(PortError::new(PortErrorKind::Rejected, format!("no admin has the email {email}"))),
            },
            DestinationOp::MatchAdmin { email, .. } => {
                let found = email.as_ref().and_then(|email| self.find(RecordKind::Admin, "email", &json!(email)));
                matched(found.or_else(|| reference(&RecordKey::fallback_admin()).map(|found| found.id)))
            }
            DestinationOp::MatchTeam { name } => {
                let found = self.schema_team(name);
                if found.is_none() {
                    self.absent.insert(key.clone().unwrap());
                }
                matched(found)
            }
            DestinationOp::UpsertCompany(company) => {
                let mut fields = BTreeMap::from([("company_id".into(), json!(company.company_id)), ("name".into(), json!(company.name))]);
                if let Some(website) = &company.website {
                    fields.insert("website".into(), json!(website));
                }
                if let Some(at) = company.remote_created_at {
                    fields.insert("remote_created_at".into(), json!(at));
                }
                fields.extend(values(&company.custom_attributes));
                self.upsert(key.as_ref().unwrap(), "company_id", fields)
            }
            DestinationOp::UpsertContact(contact) => {
                let mut fields = BTreeMap::from([("role".into(), json!(contact.role)), ("external_id".into(), json!(contact.external_id))]);
                for (field, value) in [("email", &contact.email), ("phone", &contact.phone), ("name", &contact.name)] {
                    if let Some(value) = value {
                        fields.insert(field.into(), json!(value));
                    }
                }
                fields.extend(values(&contact.custom_attributes));
                self.upsert(key.as_ref().unwrap(), "external_id", fields)
            }
            DestinationOp::AttachContactToCompany { contact, company } => {
                let company_id = reference(company).unwrap().id;
                self.record(reference(contact).as_ref()).unwrap().companies.insert(company_id);
                ExecutionOutcome { destination: None, effect: WriteEffect::Added }
            }
            DestinationOp::TagContact { contact: target, tag } | DestinationOp::TagThread { thread: target, tag } => {
                self.record(reference(target).as_ref()).unwrap().tags.insert(tag.id().to_string());
                ExecutionOutcome { destination: None, effect: WriteEffect::Added }
            }
            DestinationOp::CreateCollection(collection) => self.create(key.as_ref().unwrap(), BTreeMap::from([("name".into(), json!(collection.name))])),
            DestinationOp::CreateArticle(article) => {
                let fields = BTreeMap::from([("title".into(), json!(article.title)), ("body".into(), json!(article.body_html)), ("state".into(), json!(article.state))]);
                let mut outcome = self.create(key.as_ref().unwrap(), fields);
                if let Some(destination) = &mut outcome.destination {
                    // From the key, not the id, so that runs in different orders compare equal.
                    destination.url = Some(format!("https://help.example/articles/{}", key.as_ref().unwrap().id()));
                }
                outcome
            }
            DestinationOp::RelinkArticle { article, source_html } => {
                let record = self.record(reference(article).as_ref()).unwrap();
                let previous = BTreeMap::from([("body".to_string(), record.fields.get("body").cloned().unwrap_or(Value::Null))]);
                record.fields.insert("body".into(), json!(source_html));
                ExecutionOutcome { destination: None, effect: WriteEffect::Updated { previous } }
            }
            DestinationOp::CreateConversation(opening) => {
                self.create(key.as_ref().unwrap(), BTreeMap::from([("source.body".into(), json!(opening.body)), ("created_at".into(), json!(opening.created_at))]))
            }
            DestinationOp::CreateTicket(ticket) => {
                let mut fields = BTreeMap::from([("title".into(), json!(ticket.title)), ("created_at".into(), json!(ticket.created_at))]);
                fields.extend(values(&ticket.attributes));
                self.create(key.as_ref().unwrap(), fields)
            }
            DestinationOp::AddPart { thread, part } => {
                let id = self.new_id();
                let files = request.files.iter().map(|file| hex::encode(Sha256::digest(&file.bytes))).collect();
                let record = self.record(reference(thread).as_ref()).unwrap();
                let out_of_order = record.parts.last().is_some_and(|last| last.created_at > part.created_at);
                record.parts.push(Part { id: id.clone(), body: part.body_html.clone(), created_at: part.created_at, author: author(&part.author), kind: kind(part.kind), files });
                if out_of_order {
                    self.violations.push(format!("{} arrived out of order", operation.mark));
                }
                ExecutionOutcome { destination: Some(DestinationRef::id(id)), effect: WriteEffect::Added }
            }
            DestinationOp::UpdateThread { thread, title, priority, custom_attributes, .. } => {
                let record = self.record(reference(thread).as_ref()).unwrap();
                let mut fields = values(custom_attributes);
                if let Some(title) = title {
                    fields.insert("title".into(), json!(title));
                }
                if let Some(priority) = priority {
                    fields.insert("priority".into(), json!(priority));
                }
                record.fields.extend(fields);
                ExecutionOutcome { destination: None, effect: WriteEffect::Updated { previous: BTreeMap::new() } }
            }
            DestinationOp::LinkThreads { parent, child } => {
                let child_id = reference(child).unwrap().id;
                self.record(reference(parent).as_ref()).unwrap().links.insert(child_id);
                ExecutionOutcome { destination: None, effect: WriteEffect::Added }
            }
            DestinationOp::AssignThread { thread, admin, team } => {
                let admin = admin.as_ref().and_then(|key| reference(key)).map(|found| found.id);
                let team = team.as_ref().and_then(|key| reference(key)).map(|found| found.id);
                let record = self.record(reference(thread).as_ref()).unwrap();
                record.fields.insert("admin_assignee_id".into(), json!(admin));
                record.fields.insert("team_assignee_id".into(), json!(team));
                ExecutionOutcome { destination: None, effect: WriteEffect::Updated { previous: BTreeMap::new() } }
            }
            DestinationOp::SetThreadState { thread, state } => {
                let value = match state {
                    ThreadState::Conversation(state) => json!(state),
                    ThreadState::Ticket(state) => json!(state),
                };
                self.record(reference(thread).as_ref()).unwrap().fields.insert("state".into(), value);
                ExecutionOutcome { destination: None, effect: WriteEffect::Updated { previous: BTreeMap::new() } }
            }
        };
        Ok(outcome)
    }

    fn schema_team(&self, name: &str) -> Option<String> {
        self.records.iter().find(|(_, record)| record.kind == Some(RecordKind::Team) && record.fields.get("name").and_then(Value::as_str).is_some_and(|team| team.eq_ignore_ascii_case(name))).map(|(id, _)| id.clone())
    }

    /// Every required record must be resolved and exist, unless it was looked for and is not
    /// there (a group without a team).
    fn check_requirements(&mut self, request: &ExecutionRequest<'_>) {
        for key in &request.operation.requires {
            match request.refs.get(key) {
                Some(found) if self.records.get(&found.id).is_some_and(|record| !record.archived) => {}
                Some(found) => self.violations.push(format!("{} references {key} = {}, which does not exist", request.operation.mark, found.id)),
                None if self.absent.contains(key) => {}
                None => self.violations.push(format!("{} ran before {key} existed", request.operation.mark)),
            }
        }
    }
}

fn author(author: &PartAuthor) -> &'static str {
    match author {
        PartAuthor::Admin(_) => "admin",
        PartAuthor::Contact(_) => "user",
    }
}

fn kind(kind: PartKind) -> &'static str {
    match kind {
        PartKind::Comment => "comment",
        PartKind::Note => "note",
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
        if world.faults.transient_every.is_some_and(|every| calls % every == 0) {
            return Err(fail(PortErrorKind::Transient, "rate limited"));
        }
        if world.faults.refuse.contains(&request.operation.mark) {
            return Err(fail(PortErrorKind::Rejected, "Intercom refused the value of `name`"));
        }
        let crash = world.faults.crash_after == Some(world.writes);
        if crash && !world.faults.crash_applies {
            world.faults.crash_after = None;
            return Err(fail(PortErrorKind::Other, "simulated crash before the write"));
        }
        world.check_requirements(&request);
        let outcome = world.apply(&request)?;
        if matches!(request.operation.op, DestinationOp::CreateConversation(_) | DestinationOp::CreateTicket(_)) && !self.probe.tickets_exhausted.load(Ordering::SeqCst) {
            self.probe.threads_written_while_reading.fetch_add(1, Ordering::SeqCst);
        }
        world.writes += 1;
        let mark = request.operation.mark.clone();
        let entry = world.applied.entry(mark.clone()).or_insert((0, outcome.clone()));
        entry.0 += 1;
        if entry.0 > 1 {
            world.violations.push(format!("{mark} applied twice"));
        }
        world.log.push((mark, request.operation.source));
        if crash {
            world.faults.crash_after = None;
            return Err(fail(PortErrorKind::Other, "simulated crash after the write"));
        }
        let writes = world.writes;
        if world.faults.lose_every.is_some_and(|every| writes % every == 0) {
            return Err(fail(PortErrorKind::Uncertain, "the response was lost"));
        }
        Ok(outcome)
    }

    async fn reconcile(&self, request: ExecutionRequest<'_>) -> Result<Option<ExecutionOutcome>, PortError> {
        let mut world = self.world.lock().unwrap();
        world.reconciles += 1;
        Ok(world.applied.get(&request.operation.mark).map(|(_, outcome)| outcome.clone()))
    }

    async fn read_back(&self, kind: RecordKind, id: &str) -> Result<Option<ObservedRecord>, PortError> {
        let world = self.world.lock().unwrap();
        let Some(record) = world.records.get(id).filter(|record| !record.archived && record.kind == Some(kind)) else { return Ok(None) };
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
                fields.insert(format!("parts.{index}.attachments"), json!(part.files.len()));
                for (position, checksum) in part.files.iter().enumerate() {
                    fields.insert(format!("parts.{index}.attachments.{position}.sha256"), json!(checksum));
                }
            }
        }
        Ok(Some(ObservedRecord { key: record.key.clone(), id: id.to_string(), fields }))
    }

    async fn undo(&self, step: &UndoStep) -> Result<(), PortError> {
        let mut world = self.world.lock().unwrap();
        if world.faults.crash_undo_after == Some(world.undos) {
            world.faults.crash_undo_after = None;
            return Err(fail(PortErrorKind::Other, "simulated crash during rollback"));
        }
        world.undos += 1;
        let missing = || fail(PortErrorKind::NotFound, "no such record");
        match step {
            UndoStep::Delete { id, .. } => {
                let record = world.records.get(id).ok_or_else(missing)?;
                if record.preexisting {
                    world.violations.push(format!("rollback deleted {id}, which existed before"));
                }
                let record = world.records.remove(id).ok_or_else(missing)?;
                if let Some(key) = record.key {
                    world.by_key.remove(&key);
                }
            }
            UndoStep::Archive { id, .. } => world.records.get_mut(id).ok_or_else(missing)?.archived = true,
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
                let tag = world.records.get(tag_id).and_then(|tag| tag.key.clone()).map(|key| key.id().to_string()).unwrap_or_default();
                world.records.get_mut(id).ok_or_else(missing)?.tags.remove(&tag);
            }
            UndoStep::Detach { contact_id, company_id } => {
                world.records.get_mut(contact_id).ok_or_else(missing)?.companies.remove(company_id);
            }
            UndoStep::RedactPart { thread_id, part_id, .. } => world.records.get_mut(thread_id).ok_or_else(missing)?.parts.retain(|part| &part.id != part_id),
            UndoStep::Unlink { parent_id, child_id } => {
                world.records.get_mut(parent_id).ok_or_else(missing)?.links.remove(child_id);
            }
        }
        Ok(())
    }
}
