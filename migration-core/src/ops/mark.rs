//! The idempotency key of an operation.

use std::borrow::Borrow;
use std::fmt;
use std::ops::Deref;

use serde::{Deserialize, Serialize};

/// An operation's stable idempotency key: the created record's key when it creates one
/// (`contact:vivantio-caller:123`), else a key naming the change (`part:vivantio-action:456`).
/// The journal keeps it; a mark journaled as done is never run again.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Mark(String);

impl Mark {
    /// The mark as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl From<String> for Mark {
    fn from(text: String) -> Self {
        Self(text)
    }
}

impl From<&str> for Mark {
    fn from(text: &str) -> Self {
        Self(text.to_string())
    }
}

impl From<Mark> for String {
    fn from(mark: Mark) -> Self {
        mark.0
    }
}

impl Deref for Mark {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0
    }
}

impl Borrow<str> for Mark {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for Mark {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl PartialEq<str> for Mark {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

impl PartialEq<&str> for Mark {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

impl PartialEq<String> for Mark {
    fn eq(&self, other: &String) -> bool {
        &self.0 == other
    }
}

impl fmt::Display for Mark {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}
