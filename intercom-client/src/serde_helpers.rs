//! Serde helpers for the gaps between the description and what Intercom actually sends.

use serde::{Deserialize, Deserializer};

/// Deserializes `null` (or a missing field, with `#[serde(default)]`) as the type's default.
///
/// Intercom's examples send `null` for lists and flags the description does not mark nullable;
/// treating those as empty keeps callers free of `Option<Vec<_>>`.
pub(crate) fn null_as_default<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
}
