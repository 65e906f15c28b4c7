//! How sure the proposer is of a decision: shared by the proposer, its guesses and its notes.

use serde::{Deserialize, Serialize};

/// How sure the proposer is; low means "a person must look at this".
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Confidence {
    /// A guess; review it.
    Low,
    /// Likely right; skim it.
    Medium,
    /// Exact match or a safe default.
    High,
}
