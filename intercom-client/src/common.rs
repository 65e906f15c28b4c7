//! Small types several resources share.

use serde::{Deserialize, Serialize};

use crate::ids::Id;

/// Custom attribute values keyed by attribute name (strings, numbers, booleans, dates, lists).
pub type CustomAttributes = serde_json::Map<String, serde_json::Value>;

/// The answer to a delete: `{id, object, deleted}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Deleted {
    /// The deleted object's id.
    pub id: Id,
    /// Its kind, e.g. `company`, `conversation`, `ticket`, `article`, `collection`.
    #[serde(default)]
    pub object: Option<String>,
    /// Always true on success.
    #[serde(default)]
    pub deleted: bool,
}

/// A typed reference to another object: `{type, id}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Reference {
    /// The kind of object, e.g. `admin`, `team`, `contact`.
    #[serde(rename = "type", default)]
    pub kind: Option<String>,
    /// Its id (absent for some system references).
    #[serde(default)]
    pub id: Option<Id>,
}

/// A summary of a related list: `{type, data: [{type, id, url}], url, total_count, has_more}`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct AddressableList {
    /// The referenced items (ids and URLs only).
    #[serde(default, deserialize_with = "crate::serde_helpers::null_as_default")]
    pub data: Vec<AddressableItem>,
    /// URL of the full list.
    #[serde(default)]
    pub url: Option<String>,
    /// Total number of items.
    #[serde(default)]
    pub total_count: Option<u64>,
    /// Whether `data` is truncated.
    #[serde(default)]
    pub has_more: Option<bool>,
}

/// One item of an [`AddressableList`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct AddressableItem {
    /// The kind of object.
    #[serde(rename = "type", default)]
    pub kind: Option<String>,
    /// Its id.
    pub id: Id,
    /// Its API URL.
    #[serde(default)]
    pub url: Option<String>,
}

/// A file attached to a part, as Intercom returns it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PartAttachment {
    /// Usually `upload`.
    #[serde(rename = "type", default)]
    pub kind: Option<String>,
    /// File name.
    #[serde(default)]
    pub name: Option<String>,
    /// Where to download it (such URLs expire; do not store them).
    #[serde(default)]
    pub url: Option<String>,
    /// MIME type.
    #[serde(default)]
    pub content_type: Option<String>,
    /// Size in bytes.
    #[serde(default)]
    pub filesize: Option<u64>,
    /// Image width in pixels.
    #[serde(default)]
    pub width: Option<u64>,
    /// Image height in pixels.
    #[serde(default)]
    pub height: Option<u64>,
}
