//! The content hash a confirmation is tied to.
//!
//! The value only: which parts of a specification are hashed is decided beside the document
//! ([`SpecHash::of`], [`SpecHash::of_mapping`]).

use std::fmt;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// `sha256:<hex>` of a specification's content, confirmation excluded.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct SpecHash(String);

impl SpecHash {
    /// The hash of `content`'s canonical JSON; what counts as content is the document's
    /// decision ([`SpecHash::of`]).
    pub(super) fn of_content(content: &impl Serialize) -> Self {
        // Serialising plain data with sorted maps cannot fail; an empty input would only make
        // every confirmation stale, never wrongly valid.
        let canonical = serde_json::to_vec(content).unwrap_or_default();
        Self(format!(
            "sha256:{}",
            hex::encode(Sha256::digest(&canonical))
        ))
    }

    /// The hash as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// A hash read from storage.
    pub fn from_stored(text: impl Into<String>) -> Self {
        Self(text.into())
    }
}

impl fmt::Display for SpecHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}
