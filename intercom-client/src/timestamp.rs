//! Instants as Intercom sends them: whole seconds since the Unix epoch.

use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// An instant in whole seconds since the Unix epoch (UTC), Intercom's only time format.
///
/// On the wire it is the bare integer, in both directions. Build one from seconds
/// (`Timestamp::from(1_700_000_000)`) or from a `chrono::DateTime<Utc>` (sub-second precision is
/// dropped, as Intercom would), and read it back with [`Timestamp::unix`] or
/// [`Timestamp::to_datetime`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Timestamp(i64);

impl Timestamp {
    /// The instant `seconds` after the Unix epoch.
    pub const fn from_unix(seconds: i64) -> Self {
        Timestamp(seconds)
    }

    /// Seconds since the Unix epoch.
    pub const fn unix(self) -> i64 {
        self.0
    }

    /// The instant as a `DateTime`; `None` only for values outside chrono's range (±262,000 years).
    pub fn to_datetime(self) -> Option<DateTime<Utc>> {
        DateTime::from_timestamp(self.0, 0)
    }

    /// The current instant.
    pub fn now() -> Self {
        Utc::now().into()
    }
}

impl From<i64> for Timestamp {
    fn from(seconds: i64) -> Self {
        Timestamp(seconds)
    }
}

impl From<Timestamp> for i64 {
    fn from(at: Timestamp) -> Self {
        at.0
    }
}

impl From<DateTime<Utc>> for Timestamp {
    fn from(at: DateTime<Utc>) -> Self {
        Timestamp(at.timestamp())
    }
}

/// The JSON form: the bare integer.
impl From<Timestamp> for serde_json::Value {
    fn from(at: Timestamp) -> Self {
        serde_json::Value::from(at.0)
    }
}

/// Shows the seconds, as on the wire.
impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wire_form_is_the_bare_integer_and_chrono_round_trips() {
        let at: Timestamp = serde_json::from_str("1700000000").unwrap();
        assert_eq!(serde_json::to_string(&at).unwrap(), "1700000000");
        let instant = at.to_datetime().unwrap();
        assert_eq!(instant.to_rfc3339(), "2023-11-14T22:13:20+00:00");
        assert_eq!(Timestamp::from(instant), at);
        assert!(serde_json::from_str::<Timestamp>(r#""1700000000""#).is_err());
    }
}
