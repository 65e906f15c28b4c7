//! The fake destination's records and the bookkeeping around them.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use migration_core::idmap::DestinationRef;
use migration_core::keys::{RecordKey, RecordKind};
use migration_core::model::destination::{PartAuthor, PartKind};
use migration_core::model::source::SourceRef;
use migration_core::ports::{ExecutionOutcome, ExecutionRequest, WriteEffect};
use serde_json::Value;

use super::fake_destination::Faults;

#[derive(Debug, Clone, PartialEq)]
pub struct Part {
    pub id: String,
    pub body: String,
    pub created_at: i64,
    pub author: &'static str,
    pub kind: &'static str,
    pub files: Vec<String>,
}

#[derive(Debug, Clone, Default)]
pub struct Record {
    pub kind: Option<RecordKind>,
    pub key: Option<RecordKey>,
    pub fields: BTreeMap<String, Value>,
    pub parts: Vec<Part>,
    pub tags: BTreeSet<String>,
    pub companies: BTreeSet<String>,
    pub links: BTreeSet<String>,
    pub archived: bool,
    pub preexisting: bool,
}

#[derive(Default)]
pub struct World {
    pub next_id: u64,
    pub records: BTreeMap<String, Record>,
    pub by_key: HashMap<RecordKey, String>,
    pub applied: HashMap<String, (u32, ExecutionOutcome)>,
    pub log: Vec<(String, Option<SourceRef>)>,
    pub writes: u64,
    pub calls: u64,
    pub reconciles: u64,
    pub undos: u64,
    pub absent: HashSet<RecordKey>,
    pub violations: Vec<String>,
    pub faults: Faults,
}

impl World {
    pub fn new_id(&mut self) -> String {
        self.next_id += 1;
        format!("d{}", self.next_id)
    }

    pub fn create(&mut self, key: &RecordKey, fields: BTreeMap<String, Value>) -> ExecutionOutcome {
        let id = self.new_id();
        self.records.insert(
            id.clone(),
            Record {
                kind: Some(key.kind()),
                key: Some(key.clone()),
                fields,
                ..Record::default()
            },
        );
        self.by_key.insert(key.clone(), id.clone());
        ExecutionOutcome {
            destination: Some(DestinationRef::id(id)),
            effect: WriteEffect::Created,
        }
    }

    pub fn find(&self, kind: RecordKind, field: &str, value: &Value) -> Option<String> {
        self.records
            .iter()
            .find(|(_, record)| {
                record.kind == Some(kind)
                    && !record.archived
                    && record.fields.get(field) == Some(value)
            })
            .map(|(id, _)| id.clone())
    }

    pub fn upsert(
        &mut self,
        key: &RecordKey,
        identity: &str,
        fields: BTreeMap<String, Value>,
    ) -> ExecutionOutcome {
        let existing = fields
            .get(identity)
            .and_then(|value| self.find(key.kind(), identity, value));
        let Some(id) = existing else {
            return self.create(key, fields);
        };
        let record = self.records.get_mut(&id).unwrap();
        let previous: BTreeMap<String, Value> = fields
            .keys()
            .map(|field| {
                (
                    field.clone(),
                    record.fields.get(field).cloned().unwrap_or(Value::Null),
                )
            })
            .collect();
        record.fields.extend(fields);
        if record.key.is_none() {
            record.key = Some(key.clone());
        }
        self.by_key.insert(key.clone(), id.clone());
        let effect = if record.preexisting {
            WriteEffect::Updated { previous }
        } else {
            WriteEffect::Updated {
                previous: BTreeMap::new(),
            }
        };
        ExecutionOutcome {
            destination: Some(DestinationRef::id(id)),
            effect,
        }
    }

    pub fn record(&mut self, refs_id: Option<&DestinationRef>) -> Option<&mut Record> {
        let id = refs_id?.id.clone();
        self.records.get_mut(&id)
    }

    pub fn schema_team(&self, name: &str) -> Option<String> {
        self.records
            .iter()
            .find(|(_, record)| {
                record.kind == Some(RecordKind::Team)
                    && record
                        .fields
                        .get("name")
                        .and_then(Value::as_str)
                        .is_some_and(|team| team.eq_ignore_ascii_case(name))
            })
            .map(|(id, _)| id.clone())
    }

    /// Every required record must be resolved and exist, unless it was looked for and is not
    /// there (a group without a team).
    pub fn check_requirements(&mut self, request: &ExecutionRequest<'_>) {
        for key in &request.operation.requires {
            match request.refs.get(key) {
                Some(found)
                    if self
                        .records
                        .get(&found.id)
                        .is_some_and(|record| !record.archived) => {}
                Some(found) => self.violations.push(format!(
                    "{} references {key} = {}, which does not exist",
                    request.operation.mark, found.id
                )),
                None if self.absent.contains(key) => {}
                None => self.violations.push(format!(
                    "{} ran before {key} existed",
                    request.operation.mark
                )),
            }
        }
    }
}

pub fn author(author: &PartAuthor) -> &'static str {
    match author {
        PartAuthor::Admin(_) => "admin",
        PartAuthor::Contact(_) => "user",
    }
}

pub fn kind(kind: PartKind) -> &'static str {
    match kind {
        PartKind::Comment => "comment",
        PartKind::Note => "note",
    }
}
