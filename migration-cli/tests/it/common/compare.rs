//! Record-for-record comparison of two Intercom workspaces produced by different runs.
//!
//! Two runs that migrate the same data produce the same records, but not the same simulator ids
//! (ids follow the order of creation, which concurrency and resumption change) nor the same
//! stamps of the run's own clock. A [`Snapshot`] therefore describes every migrated record by
//! its content, with every id it holds replaced by the natural key of the record it points to
//! (a contact's external id, a tag's name, ...) and run-time stamps removed; conversation and
//! ticket parts are kept per thread, in order. Comparing two snapshots counts duplicates,
//! missing records and parts, records found that should not exist, and threads whose parts are
//! all there but out of order.
//!
//! Parts are of two sorts. Messages (replies and notes, with their original time) are the
//! history being migrated. Events (assignments, state changes) are what the run did to the
//! thread, stamped with the run's clock; they are counted apart so that a repeated event is
//! reported as such rather than hidden or confused with a repeated message.

use std::collections::BTreeMap;

use fixtures::sim::intercom::Workspace;
use serde_json::Value;

/// The kinds of migrated records a workspace holds, in the order they are compared (seeded
/// admins, teams, ticket states and help centers are not migrated data).
const KINDS: [&str; 11] = [
    "data_attributes",
    "conversation_attributes",
    "ticket_types",
    "companies",
    "contacts",
    "tags",
    "collections",
    "articles",
    "files",
    "conversations",
    "tickets",
];

/// Fields that say nothing about what was migrated: simulator ids, the run's clock (creation
/// stamps, and snoozes set relative to it), URLs with the simulator's port, file content (its
/// SHA-256 stays). The original time of threads and of replies and notes is put back by
/// [`Snapshot::of`].
const VOLATILE: [&str; 10] = [
    "id",
    "created_at",
    "updated_at",
    "snoozed_until",
    "message_id",
    "ticket_number",
    "url",
    "content_base64",
    "part_id",
    "workspace_id",
];

/// Part types that carry migrated history, with its original time (the others are events the
/// run caused, stamped with the run's clock).
const MESSAGE_PARTS: [&str; 2] = ["comment", "note"];

/// Every migrated record of a workspace by content, and the parts of every thread in order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Snapshot {
    /// `(kind, canonical record)` → how many times the workspace holds it.
    records: BTreeMap<(String, String), usize>,
    /// Thread natural key → its messages (replies, notes), canonical, in order.
    parts: BTreeMap<String, Vec<String>>,
    /// Thread natural key → its events (assignments, state changes), canonical, in order.
    events: BTreeMap<String, Vec<String>>,
}

/// What differs between a workspace and the one expected.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Difference {
    /// Records and parts of the expected workspace that were compared.
    pub compared: usize,
    /// Records or parts present more often than expected.
    pub duplicates: usize,
    /// Records or parts expected but absent.
    pub missing: usize,
    /// Records or parts present that the expected workspace does not hold at all.
    pub unexpected: usize,
    /// Threads holding exactly the expected parts, in another order.
    pub out_of_order: usize,
    /// Events (assignments, state changes) present more often than expected, or not expected.
    pub duplicate_events: usize,
    /// Events expected but absent.
    pub missing_events: usize,
    /// A few of the differences, for the failure message.
    pub examples: Vec<String>,
}

impl Difference {
    /// Whether the two workspaces hold the same records and messages, in the same order
    /// (events are judged apart: `duplicate_events`, `missing_events`).
    pub fn is_none(&self) -> bool {
        self.duplicates == 0 && self.missing == 0 && self.unexpected == 0 && self.out_of_order == 0
    }

    fn note(&mut self, example: String) {
        if self.examples.len() < 5 {
            self.examples.push(example.chars().take(400).collect());
        }
    }
}

impl Snapshot {
    /// The snapshot of `workspace`.
    pub fn of(workspace: &Workspace) -> Self {
        let whole = serde_json::to_value(workspace).expect("a workspace serializes");
        let keys = natural_keys(&whole);
        let mut snapshot = Snapshot::default();
        for kind in KINDS {
            for record in records(&whole, kind) {
                let mut record = record.clone();
                if let Some(object) = record.as_object_mut() {
                    if let Some(Value::Array(parts)) = object.remove("parts") {
                        let thread = keys
                            .get(&id_of(&record_id(object)))
                            .cloned()
                            .unwrap_or_default();
                        for part in &parts {
                            let (text, message) = canonical_part(part, &keys);
                            let sort = if message {
                                &mut snapshot.parts
                            } else {
                                &mut snapshot.events
                            };
                            sort.entry(thread.clone()).or_default().push(text);
                        }
                    }
                }
                let timed = matches!(kind, "conversations" | "tickets");
                let text = canonical_keeping_time(&record, &keys, timed);
                *snapshot
                    .records
                    .entry((kind.to_string(), text))
                    .or_default() += 1;
            }
        }
        snapshot
    }

    /// Records, messages and events the snapshot holds.
    pub fn len(&self) -> usize {
        self.records.values().sum::<usize>()
            + self.parts.values().map(Vec::len).sum::<usize>()
            + self.events.values().map(Vec::len).sum::<usize>()
    }

    /// Records per kind, and `messages` for the replies and notes of every thread: what a
    /// run that may word things differently must still hold, record for record.
    pub fn counts(&self) -> BTreeMap<String, usize> {
        let mut counts = BTreeMap::new();
        for ((kind, _), times) in &self.records {
            *counts.entry(kind.clone()).or_default() += times;
        }
        counts.insert(
            "messages".to_string(),
            self.parts.values().map(Vec::len).sum(),
        );
        counts
    }

    /// Whether it holds nothing.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// How this snapshot differs from `expected`.
    pub fn compare(&self, expected: &Snapshot) -> Difference {
        let mut difference = Difference {
            compared: expected.len(),
            ..Difference::default()
        };
        count_multiset(
            &mut difference,
            self.records
                .iter()
                .map(|(key, count)| (key.clone(), *count)),
            expected
                .records
                .iter()
                .map(|(key, count)| (key.clone(), *count)),
        );
        let threads: std::collections::BTreeSet<&String> =
            self.parts.keys().chain(expected.parts.keys()).collect();
        for thread in threads {
            let found = self.parts.get(thread).cloned().unwrap_or_default();
            let wanted = expected.parts.get(thread).cloned().unwrap_or_default();
            let before = (
                difference.duplicates,
                difference.missing,
                difference.unexpected,
            );
            count_multiset(
                &mut difference,
                tally(&found)
                    .into_iter()
                    .map(|(part, n)| ((thread.clone(), part), n)),
                tally(&wanted)
                    .into_iter()
                    .map(|(part, n)| ((thread.clone(), part), n)),
            );
            let same_parts = before
                == (
                    difference.duplicates,
                    difference.missing,
                    difference.unexpected,
                );
            if same_parts && found != wanted {
                difference.out_of_order += 1;
                difference.note(format!("parts out of order in {thread}"));
            }
        }
        let mut events = Difference::default();
        let flatten = |events: &BTreeMap<String, Vec<String>>| {
            let mut counts: BTreeMap<(String, String), usize> = BTreeMap::new();
            for (thread, list) in events {
                for event in list {
                    *counts.entry((thread.clone(), event.clone())).or_default() += 1;
                }
            }
            counts
        };
        count_multiset(
            &mut events,
            flatten(&self.events).into_iter(),
            flatten(&expected.events).into_iter(),
        );
        difference.duplicate_events = events.duplicates + events.unexpected;
        difference.missing_events = events.missing;
        difference
            .examples
            .extend(events.examples.into_iter().map(|e| format!("event: {e}")));
        difference
    }
}

/// Asserts that `found` holds exactly what `expected` holds, naming what differs.
pub fn assert_same(context: &str, found: &Snapshot, expected: &Snapshot) -> Difference {
    let difference = found.compare(expected);
    assert!(
        difference.is_none(),
        "{context}: {} duplicates, {} missing, {} unexpected, {} threads out of order of {} compared; first: {:#?}",
        difference.duplicates,
        difference.missing,
        difference.unexpected,
        difference.out_of_order,
        difference.compared,
        difference.examples
    );
    difference
}

fn tally(items: &[String]) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    for item in items {
        *counts.entry(item.clone()).or_default() += 1;
    }
    counts
}

fn count_multiset<K: Ord + std::fmt::Debug>(
    difference: &mut Difference,
    found: impl Iterator<Item = (K, usize)>,
    expected: impl Iterator<Item = (K, usize)>,
) {
    let found: BTreeMap<K, usize> = found.collect();
    let expected: BTreeMap<K, usize> = expected.collect();
    for (key, &want) in &expected {
        let have = found.get(key).copied().unwrap_or(0);
        if have > want {
            difference.duplicates += have - want;
            difference.note(format!("{have} × (expected {want}) {key:?}"));
        } else if have < want {
            difference.missing += want - have;
            difference.note(format!("missing {} × {key:?}", want - have));
        }
    }
    for (key, &have) in &found {
        if !expected.contains_key(key) {
            difference.unexpected += have;
            difference.note(format!("unexpected {have} × {key:?}"));
        }
    }
}

fn records<'a>(whole: &'a Value, kind: &str) -> impl Iterator<Item = &'a Value> {
    whole
        .get(kind)
        .and_then(Value::as_object)
        .into_iter()
        .flat_map(|records| records.values())
}

fn record_id(object: &serde_json::Map<String, Value>) -> Value {
    object.get("id").cloned().unwrap_or(Value::Null)
}

fn id_of(id: &Value) -> String {
    match id {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

/// Simulator id → a key naming the record by what it is, for every migrated record.
fn natural_keys(whole: &Value) -> BTreeMap<String, String> {
    let mut keys = BTreeMap::new();
    for kind in KINDS {
        for record in records(whole, kind) {
            let field = |name: &str| record.get(name).cloned().unwrap_or(Value::Null);
            let key = match kind {
                "data_attributes" => format!("{}.{}", field("model"), field("name")),
                "contacts" => format!(
                    "{}|{}|{}|{}",
                    field("role"),
                    field("external_id"),
                    field("email"),
                    field("name")
                ),
                "companies" => field("company_id").to_string(),
                "articles" => field("title").to_string(),
                "files" => format!("{}|{}", field("name"), field("sha256")),
                "conversations" => format!("{}|{}", field("created_at"), field("body")),
                // A list attribute holds item ids, which follow creation order like any id.
                "tickets" => format!(
                    "{}|{}",
                    field("created_at"),
                    canonical(&field("ticket_attributes"), &keys)
                ),
                _ => field("name").to_string(),
            };
            if kind == "ticket_types" {
                list_item_keys(record, &mut keys);
            }
            keys.insert(id_of(&field("id")), format!("{kind}:{key}"));
        }
    }
    keys
}

/// The items of a ticket type's list attributes, each named by its type, attribute and label.
fn list_item_keys(ticket_type: &Value, keys: &mut BTreeMap<String, String>) {
    let attributes = ticket_type.get("attributes").and_then(Value::as_array);
    for attribute in attributes.into_iter().flatten() {
        let items = attribute.get("list_items").and_then(Value::as_array);
        for item in items.into_iter().flatten() {
            let key = format!(
                "list_items:{}.{}.{}",
                ticket_type["name"], attribute["name"], item["label"]
            );
            keys.insert(id_of(&item["id"]), key);
        }
    }
}

/// A part's canonical text, and whether it is a message (else an event).
fn canonical_part(part: &Value, keys: &BTreeMap<String, String>) -> (String, bool) {
    let message = part
        .get("part_type")
        .and_then(Value::as_str)
        .is_some_and(|kind| MESSAGE_PARTS.contains(&kind));
    (canonical_keeping_time(part, keys, message), message)
}

/// The canonical text of a record, with its own `created_at` kept when it is an original time.
fn canonical_keeping_time(record: &Value, keys: &BTreeMap<String, String>, timed: bool) -> String {
    let mut canonical = canonical(record, keys);
    if let (true, Some(object), Some(time)) =
        (timed, canonical.as_object_mut(), record.get("created_at"))
    {
        object.insert("created_at".into(), time.clone());
    }
    canonical.to_string()
}

/// `value` without volatile fields, every id replaced by its natural key, id lists sorted.
fn canonical(value: &Value, keys: &BTreeMap<String, String>) -> Value {
    match value {
        Value::Object(object) => Value::Object(
            object
                .iter()
                .filter(|(name, _)| !VOLATILE.contains(&name.as_str()))
                .map(|(name, value)| {
                    let mut value = canonical(value, keys);
                    // Sets whose order is creation order, which retries change: ids, URLs,
                    // and the attributes of a ticket type.
                    if name.ends_with("_ids") || name.ends_with("_urls") || name == "attributes" {
                        if let Value::Array(items) = &mut value {
                            items.sort_by_key(Value::to_string);
                        }
                    }
                    (name.clone(), value)
                })
                .collect(),
        ),
        Value::Array(items) => {
            Value::Array(items.iter().map(|item| canonical(item, keys)).collect())
        }
        Value::String(text) => Value::String(canonical_text(text, keys)),
        other => other.clone(),
    }
}

/// An id becomes its natural key; a URL loses its host (the simulator's port) and its ids.
fn canonical_text(text: &str, keys: &BTreeMap<String, String>) -> String {
    if let Some(key) = keys.get(text) {
        return key.clone();
    }
    match text.strip_prefix("http://127.0.0.1:") {
        Some(rest) => rest
            .split_once('/')
            .map(|(_, path)| {
                path.split('/')
                    .map(|segment| keys.get(segment).map_or(segment, String::as_str))
                    .collect::<Vec<_>>()
                    .join("/")
            })
            .unwrap_or_default(),
        None => text.to_string(),
    }
}
