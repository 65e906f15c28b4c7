//! The messages a Vivantio answer carries: `ErrorMessages` and `InfoMessages` entries.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::enums::{ErrorType, InfoType};

/// One entry of `ErrorMessages`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct ApiMessage {
    /// What kind of error (sent as an integer or a name).
    #[serde(rename = "Type", default = "unknown_error")]
    pub kind: ErrorType,
    /// The field the message is about, if any.
    #[serde(default)]
    pub field: Option<String>,
    /// The human-readable message.
    #[serde(default)]
    pub message: Option<String>,
}

impl ApiMessage {
    /// A message of this kind, as Vivantio would send it (for tests and mocks).
    pub fn new(kind: ErrorType, message: impl Into<String>) -> Self {
        ApiMessage {
            kind,
            field: None,
            message: Some(message.into()),
        }
    }
}

fn unknown_error() -> ErrorType {
    ErrorType::Unknown
}

impl fmt::Display for ApiMessage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.kind)?;
        if let Some(message) = &self.message {
            write!(f, ": {message}")?;
        }
        if let Some(field) = self.field.as_deref().filter(|field| !field.is_empty()) {
            write!(f, " (field {field})")?;
        }
        Ok(())
    }
}

/// One entry of `InfoMessages`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct InfoMessage {
    /// What kind of notice.
    #[serde(rename = "Type", default = "unknown_info")]
    pub kind: InfoType,
    /// The field the notice is about, if any.
    #[serde(default)]
    pub field: Option<String>,
    /// The human-readable notice.
    #[serde(default)]
    pub message: Option<String>,
}

fn unknown_info() -> InfoType {
    InfoType::Unknown
}
