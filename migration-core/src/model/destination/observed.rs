//! Destination records as read back, flattened for field-by-field comparison.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::keys::RecordKey;

/// A record as the destination returned it, flattened to dotted field names.
///
/// The field names are the ones [`crate::verify`] expects: `name`, `email`, `phone`,
/// `custom_attributes.<name>`, `tags` (sorted list of lowercase names), `state`, `title`,
/// `parts.<n>.body`, `parts.<n>.created_at`, `parts.<n>.author`, `parts.<n>.kind`,
/// `parts.<n>.attachments` (count), `parts.count`, every content part whoever wrote it under
/// [`CONTENT_PARTS`](crate::engine::CONTENT_PARTS), how many parts a destination showing only
/// the most recent ones left out under [`PARTS_NOT_SHOWN`](crate::verify::PARTS_NOT_SHOWN), and
/// so on; the adapter that reads the destination produces them.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ObservedRecord {
    /// The record's key.
    pub key: Option<RecordKey>,
    /// The destination's id for it.
    pub id: String,
    /// Its fields.
    pub fields: BTreeMap<String, Value>,
}
