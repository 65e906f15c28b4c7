//! The journal the state store keeps of what the runs wrote, and the steps that undo it: what
//! [`StateStore::journal`](super::StateStore::journal) lists,
//! [`Destination::undo`](super::Destination::undo) runs and [`crate::rollback`] plans.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{ExecutionOutcome, ResolvedRefs};
use crate::keys::{RecordKey, RecordKind};
use crate::ops::Operation;

/// Where an operation is in its life.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum JournalState {
    /// About to run (or ran without the answer being recorded).
    Intent,
    /// Ran, with this outcome.
    Done(ExecutionOutcome),
}

/// One journal entry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JournalEntry {
    /// Order of intents, from 1.
    pub sequence: u64,
    /// The operation.
    pub operation: Operation,
    /// Its required records as resolved when it ran.
    pub refs: ResolvedRefs,
    /// Intent or done.
    pub state: JournalState,
}

/// One step that undoes one effect.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "step", rename_all = "snake_case")]
pub enum UndoStep {
    /// Delete a record the run created.
    Delete {
        /// Kind of record.
        kind: RecordKind,
        /// Its destination id.
        id: String,
        /// Its key.
        key: RecordKey,
    },
    /// Archive a record the run created that Intercom cannot delete (attributes, ticket
    /// types and their attributes).
    Archive {
        /// Kind of record.
        kind: RecordKind,
        /// Its destination id.
        id: String,
        /// Its key.
        key: RecordKey,
    },
    /// Put back the values an existing record had before the run.
    Restore {
        /// Kind of record.
        kind: RecordKind,
        /// Its destination id.
        id: String,
        /// The previous values, by field name.
        previous: BTreeMap<String, Value>,
    },
    /// Remove a tag from a record that existed before the run.
    Untag {
        /// Kind of the tagged record.
        kind: RecordKind,
        /// Its destination id.
        id: String,
        /// The tag's id.
        tag_id: String,
    },
    /// Detach a contact from a company it was attached to by the run.
    Detach {
        /// Contact id.
        contact_id: String,
        /// Company id.
        company_id: String,
    },
    /// Redact a part the run added to a thread that existed before the run.
    RedactPart {
        /// Thread kind.
        kind: RecordKind,
        /// Thread id.
        thread_id: String,
        /// Part id.
        part_id: String,
    },
    /// Unlink two threads linked by the run.
    Unlink {
        /// Parent id.
        parent_id: String,
        /// Child id.
        child_id: String,
    },
}
