//! The content hash a confirmation is tied to.

use std::fmt;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::document::MappingSpec;

/// `sha256:<hex>` of a specification's content, confirmation excluded.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct SpecHash(String);

impl SpecHash {
    /// The hash of `spec`'s content.
    ///
    /// The content is the specification's canonical JSON (fields in declaration order, maps
    /// sorted), so formatting, comments and key order in the TOML file do not change it; any
    /// change of meaning does.
    pub fn of(spec: &MappingSpec) -> Self {
        let mut content = spec.clone();
        content.confirmation = None;
        Self::of_content(&content)
    }

    /// The hash of `spec`'s mapping: its content without the `[scope]`, which says which
    /// records move and not how they look, so a run may widen or narrow it between runs. The
    /// same as [`SpecHash::of`] when everything moves.
    pub fn of_mapping(spec: &MappingSpec) -> Self {
        let mut content = spec.clone();
        content.confirmation = None;
        content.scope = super::scope::Scope::default();
        Self::of_content(&content)
    }

    fn of_content(content: &MappingSpec) -> Self {
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
