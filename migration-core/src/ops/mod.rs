//! Destination operations: what to do, the record it creates, and the records it needs.

mod body;
mod mark;
mod phase;

pub use body::DestinationOp;
pub use mark::Mark;
pub use phase::Phase;

use serde::{Deserialize, Serialize};

use crate::keys::RecordKey;
use crate::model::source::SourceRef;

/// One destination operation with everything the engine needs to run it exactly once.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Operation {
    /// Its idempotency key.
    pub mark: Mark,
    /// When it runs.
    pub phase: Phase,
    /// The record it creates or matches, which later operations may reference.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub creates: Option<RecordKey>,
    /// The records it references; each must exist (be in the ID map) before it runs.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub requires: Vec<RecordKey>,
    /// The source record it comes from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<SourceRef>,
    /// What to do.
    pub op: DestinationOp,
}

impl Operation {
    /// An operation that creates (or matches) the record `key`; its mark is the key.
    pub fn creating(phase: Phase, key: RecordKey, op: DestinationOp) -> Self {
        let mut mark = String::with_capacity(48);
        key.push_to(&mut mark);
        Self {
            mark: Mark::from(mark),
            phase,
            creates: Some(key),
            requires: Vec::new(),
            source: None,
            op,
        }
    }

    /// An operation that changes existing records, marked by `mark`.
    pub fn changing(phase: Phase, mark: impl Into<Mark>, op: DestinationOp) -> Self {
        Self {
            mark: mark.into(),
            phase,
            creates: None,
            requires: Vec::new(),
            source: None,
            op,
        }
    }

    /// The same operation, requiring `keys` too (duplicates are dropped).
    pub fn requiring(mut self, keys: impl IntoIterator<Item = RecordKey>) -> Self {
        let keys = keys.into_iter();
        // Most operations need two to five keys: one allocation instead of regrowing.
        if keys.size_hint().1 != Some(0) {
            self.requires.reserve(keys.size_hint().0.max(4));
        }
        for key in keys {
            if !self.requires.contains(&key) {
                self.requires.push(key);
            }
        }
        self
    }

    /// The same operation, recorded as coming from `source`.
    pub fn from_source(mut self, source: SourceRef) -> Self {
        self.source = Some(source);
        self
    }
}
