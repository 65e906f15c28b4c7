//! Why a specification cannot be used.

use super::{CheckReport, SpecHash};

/// Why a specification cannot be used.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SpecError {
    /// The TOML is not a specification.
    #[error("the mapping specification cannot be read: {0}")]
    Parse(String),
    /// The specification cannot be written as TOML.
    #[error("the mapping specification cannot be written: {0}")]
    Serialize(String),
    /// The document's format version is not this crate's.
    #[error("mapping specification format version {0} is not supported (expected {expected})", expected = super::SPEC_FORMAT_VERSION)]
    UnsupportedVersion(u32),
    /// Nobody confirmed the specification.
    #[error("the mapping specification is not confirmed; review it and confirm it before anything moves")]
    NotConfirmed,
    /// The specification changed after it was confirmed.
    #[error("the mapping specification changed after it was confirmed (confirmed {confirmed}, now {actual}); confirm it again")]
    StaleConfirmation {
        /// Hash that was confirmed.
        confirmed: SpecHash,
        /// Hash of the content now.
        actual: SpecHash,
    },
    /// The checker refuses the specification.
    #[error("the mapping specification is inconsistent:\n{0}")]
    Invalid(CheckReport),
    /// A setting cannot be used (bad time zone or pattern) even though the document was not
    /// checked.
    #[error("the mapping specification has an unusable setting {path}: {message}")]
    Setting {
        /// Where.
        path: String,
        /// What is wrong.
        message: String,
    },
}
