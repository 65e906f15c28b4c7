//! The ID map as transforms and planners read it: which source keys already have a
//! destination record, and where.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::keys::RecordKey;

/// What the destination calls a record the migration created or matched.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DestinationRef {
    /// The destination's id.
    pub id: String,
    /// A public URL, for records that have one (articles, uploaded files).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

impl DestinationRef {
    /// A reference with an id only.
    pub fn id(id: impl Into<String>) -> Self {
        Self {
            id: id.into(),
            url: None,
        }
    }
}

/// Read access to the ID map. The state store owns the real map; transforms only look up.
pub trait IdMapView {
    /// The destination record for `key`, if one exists.
    fn get(&self, key: &RecordKey) -> Option<&DestinationRef>;

    /// Whether `key` has a destination record.
    fn contains(&self, key: &RecordKey) -> bool {
        self.get(key).is_some()
    }
}

/// An in-memory ID map: for tests, previews and small runs.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IdMap {
    entries: HashMap<RecordKey, DestinationRef>,
}

impl IdMap {
    /// An empty map.
    pub fn new() -> Self {
        Self::default()
    }

    /// Records where `key` lives in the destination.
    pub fn insert(&mut self, key: RecordKey, destination: DestinationRef) {
        self.entries.insert(key, destination);
    }

    /// Forgets `key` (after a rollback).
    pub fn remove(&mut self, key: &RecordKey) -> Option<DestinationRef> {
        self.entries.remove(key)
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the map is empty.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

impl IdMapView for IdMap {
    fn get(&self, key: &RecordKey) -> Option<&DestinationRef> {
        self.entries.get(key)
    }
}

/// An ID map with nothing in it: a first run.
#[derive(Debug, Clone, Copy, Default)]
pub struct EmptyIdMap;

impl IdMapView for EmptyIdMap {
    fn get(&self, _key: &RecordKey) -> Option<&DestinationRef> {
        None
    }
}
