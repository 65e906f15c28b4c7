//! What verification takes and gives.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::foreign::ForeignPart;
use crate::keys::{RecordKey, RecordKind};
use crate::model::source::SourceRef;

/// Which moved records are compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "selection", rename_all = "snake_case")]
pub enum VerifySelection {
    /// Every record.
    All,
    /// About `percent` in a hundred, chosen by a hash of each record's key with the seed (the
    /// same seed picks the same records).
    Percent {
        /// Share, 1 to 100.
        percent: u8,
        /// Seed.
        seed: u64,
    },
    /// Exactly `records` records of each kind (fewer of a kind if fewer moved), chosen
    /// uniformly with the seed: a sample never leaves a kind unchecked.
    PerKind {
        /// How many of each kind.
        records: usize,
        /// Seed.
        seed: u64,
    },
    /// Exactly `records` records (fewer if fewer moved), chosen uniformly with the seed.
    Count {
        /// How many.
        records: usize,
        /// Seed.
        seed: u64,
    },
}

/// How to verify.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct VerifyOptions {
    /// Which records.
    pub selection: VerifySelection,
    /// Whether to compare attachment checksums: the engine hashes the source bytes and expects
    /// `parts.<n>.attachments.<m>.sha256` (lowercase hex SHA-256) in the read-back record.
    pub attachment_checksums: bool,
}

impl Default for VerifyOptions {
    fn default() -> Self {
        Self {
            selection: VerifySelection::All,
            attachment_checksums: true,
        }
    }
}

/// Verification counts of one kind of destination record.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct VerifyCounts {
    /// Records the runs moved (the source records marked migrated).
    pub migrated: u64,
    /// Records compared.
    pub checked: u64,
    /// Compared and equal.
    pub matching: u64,
    /// Compared and different in at least one field.
    pub differing: u64,
    /// Not found in the destination (or not in the ID map).
    pub missing: u64,
}

/// One field that differs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Difference {
    /// The source record.
    pub record: SourceRef,
    /// The destination record's key.
    pub key: RecordKey,
    /// The destination record's id, when it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub destination_id: Option<String>,
    /// The field (`parts.3.created_at`; `record` when the whole record is missing).
    pub field: String,
    /// What the mapping says.
    pub expected: Value,
    /// What the destination has (`None`: the field or the record is missing).
    pub found: Option<Value>,
}

/// The parts of one thread that the destination's API does not show (it returns only the most
/// recent ones): not compared, and not differences.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnreadableParts {
    /// The source record.
    pub record: SourceRef,
    /// The thread's key.
    pub key: RecordKey,
    /// The thread's id in the destination.
    pub destination_id: String,
    /// How many of its oldest parts cannot be read back.
    pub parts: u64,
}

/// The result of a verification.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VerifyReport {
    /// Which records were compared.
    pub selection: VerifySelection,
    /// Counts per kind of destination record.
    pub objects: BTreeMap<RecordKind, VerifyCounts>,
    /// Every difference.
    pub differences: Vec<Difference>,
    /// Threads whose oldest parts the destination's API does not show, in the order checked.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unreadable_parts: Vec<UnreadableParts>,
    /// Parts of migrated threads that the migration did not write (the destination's own
    /// automation: a bot or workflow reply, a survey), by thread.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub foreign_parts: Vec<ForeignPart>,
    /// Whether it was stopped before the end.
    pub interrupted: bool,
    /// Wall time, in milliseconds.
    pub duration_ms: u64,
}

impl VerifyReport {
    /// Whether every compared record matched, none was missing and none holds a part the
    /// migration did not write.
    pub fn is_clean(&self) -> bool {
        self.differences.is_empty() && self.foreign_parts.is_empty() && !self.interrupted
    }

    /// Parts not readable through the destination's API, over every thread.
    pub fn unreadable_part_count(&self) -> u64 {
        self.unreadable_parts
            .iter()
            .map(|thread| thread.parts)
            .sum()
    }
}
