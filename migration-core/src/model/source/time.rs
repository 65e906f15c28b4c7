//! Source timestamps, which Vivantio sends with or without a UTC offset.

use std::fmt;

use chrono::{DateTime, FixedOffset, LocalResult, NaiveDate, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A Vivantio date and time: either an instant (it carried an offset) or a wall-clock time that
/// is read in the tenant's time zone (it did not).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SourceTime {
    /// An instant with a known offset.
    Zoned(DateTime<FixedOffset>),
    /// A wall-clock time in the tenant's time zone.
    Local(NaiveDateTime),
}

/// Why a text is not a Vivantio date.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a date Vivantio sends (ISO-8601 with or without offset, or /Date(ms)/)")]
pub struct TimeParseError(pub String);

impl SourceTime {
    /// Reads every date form Vivantio sends; `Ok(None)` for an empty text or `0001-01-01…`,
    /// which .NET uses for "no date".
    pub fn parse(text: &str) -> Result<Option<Self>, TimeParseError> {
        let text = text.trim();
        if text.is_empty() || text.starts_with("0001-01-01") {
            return Ok(None);
        }
        if let Some(inner) = text
            .strip_prefix("/Date(")
            .and_then(|rest| rest.strip_suffix(")/"))
        {
            return parse_dotnet_date(inner)
                .map(Some)
                .ok_or_else(|| TimeParseError(text.to_string()));
        }
        if let Ok(zoned) = DateTime::parse_from_rfc3339(text) {
            return Ok(Some(Self::Zoned(zoned)));
        }
        for format in [
            "%Y-%m-%dT%H:%M:%S%.f",
            "%Y-%m-%d %H:%M:%S%.f",
            "%Y-%m-%dT%H:%M",
        ] {
            if let Ok(local) = NaiveDateTime::parse_from_str(text, format) {
                return Ok(Some(Self::Local(local)));
            }
        }
        for format in ["%Y-%m-%dT%H:%M:%S%.f%z", "%Y-%m-%d %H:%M:%S%.f%z"] {
            if let Ok(zoned) = DateTime::parse_from_str(text, format) {
                return Ok(Some(Self::Zoned(zoned)));
            }
        }
        if let Ok(date) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
            return Ok(date.and_hms_opt(0, 0, 0).map(Self::Local));
        }
        Err(TimeParseError(text.to_string()))
    }

    /// An instant given as Unix seconds.
    pub fn from_unix(seconds: i64) -> Option<Self> {
        DateTime::from_timestamp(seconds, 0).map(|utc| Self::Zoned(utc.fixed_offset()))
    }

    /// Unix seconds, reading a wall-clock time in `zone`.
    ///
    /// A wall-clock time that occurs twice (clocks going back) is read as the earlier instant;
    /// one that never occurs (clocks going forward) is read an hour later, as the clock showed.
    pub fn to_unix(&self, zone: Tz) -> i64 {
        match self {
            Self::Zoned(zoned) => zoned.timestamp(),
            Self::Local(local) => match zone.from_local_datetime(local) {
                LocalResult::Single(at) | LocalResult::Ambiguous(at, _) => at.timestamp(),
                LocalResult::None => {
                    let shifted = *local + chrono::Duration::hours(1);
                    match zone.from_local_datetime(&shifted) {
                        LocalResult::Single(at) | LocalResult::Ambiguous(at, _) => at.timestamp(),
                        // No zone skips two hours; UTC is the only remaining reading.
                        LocalResult::None => local.and_utc().timestamp(),
                    }
                }
            },
        }
    }

    /// The instant in UTC, reading a wall-clock time in `zone`.
    pub fn to_utc(&self, zone: Tz) -> DateTime<Utc> {
        DateTime::from_timestamp(self.to_unix(zone), 0).unwrap_or_default()
    }
}

fn parse_dotnet_date(inner: &str) -> Option<SourceTime> {
    // `/Date(1714559829000+0100)/`: milliseconds since the epoch (UTC), then an optional
    // offset that only says which zone the sender displayed it in.
    let split = inner
        .char_indices()
        .skip(1)
        .find(|(_, c)| *c == '+' || *c == '-')
        .map(|(index, _)| index)
        .unwrap_or(inner.len());
    let millis: i64 = inner[..split].parse().ok()?;
    let offset = if split < inner.len() {
        let text = &inner[split..];
        let sign = if text.starts_with('-') { -1 } else { 1 };
        let digits = &text[1..];
        if digits.len() != 4 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let hours: i32 = digits[..2].parse().ok()?;
        let minutes: i32 = digits[2..].parse().ok()?;
        FixedOffset::east_opt(sign * (hours * 3600 + minutes * 60))?
    } else {
        FixedOffset::east_opt(0)?
    };
    let utc = DateTime::from_timestamp_millis(millis)?;
    Some(SourceTime::Zoned(utc.with_timezone(&offset)))
}

impl fmt::Display for SourceTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Zoned(zoned) => write!(f, "{}", zoned.to_rfc3339()),
            Self::Local(local) => write!(f, "{}", local.format("%Y-%m-%dT%H:%M:%S%.f")),
        }
    }
}

impl Serialize for SourceTime {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for SourceTime {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Self::parse(&text)
            .map_err(serde::de::Error::custom)?
            .ok_or_else(|| serde::de::Error::custom("empty date"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LONDON: Tz = chrono_tz::Europe::London;

    #[test]
    fn every_wire_form_reads_to_the_expected_unix_time() {
        let cases: &[(&str, Tz, i64)] = &[
            ("2024-05-01T10:37:09Z", LONDON, 1_714_559_829),
            ("2024-05-01T10:37:09+01:00", chrono_tz::UTC, 1_714_556_229),
            ("2024-05-01T10:37:09.123", chrono_tz::UTC, 1_714_559_829),
            // Naive values are wall-clock times in the tenant zone (BST = UTC+1 in May).
            ("2024-05-01T10:37:09", LONDON, 1_714_556_229),
            ("2024-05-01 10:37:09", LONDON, 1_714_556_229),
            ("2024-01-15T10:00:00", LONDON, 1_705_312_800),
            (
                "2024-01-15T10:00:00",
                chrono_tz::America::New_York,
                1_705_330_800,
            ),
            ("2024-05-01", chrono_tz::UTC, 1_714_521_600),
            ("/Date(1714559829000)/", LONDON, 1_714_559_829),
            ("/Date(1714559829000+0100)/", chrono_tz::UTC, 1_714_559_829),
            ("/Date(-1000)/", chrono_tz::UTC, -1),
            ("2024-05-01T10:37:09.5+0200", chrono_tz::UTC, 1_714_552_629),
        ];
        for (text, zone, expected) in cases {
            let parsed = SourceTime::parse(text).unwrap().unwrap();
            assert_eq!(parsed.to_unix(*zone), *expected, "{text} in {zone}");
        }
    }

    #[test]
    fn dotnet_empty_dates_mean_no_date() {
        for text in ["", "  ", "0001-01-01T00:00:00", "0001-01-01T00:00:00Z"] {
            assert_eq!(SourceTime::parse(text).unwrap(), None, "{text:?}");
        }
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        for text in [
            "yesterday",
            "2024-13-01",
            "/Date(abc)/",
            "/Date(1+01)/",
            "/Date(+)/",
        ] {
            assert!(SourceTime::parse(text).is_err(), "{text}");
        }
    }

    #[test]
    fn daylight_saving_gaps_and_overlaps_are_resolved() {
        // 01:30 on 2024-03-31 does not exist in London: read as 02:30 BST = 01:30 UTC.
        let gap = SourceTime::parse("2024-03-31T01:30:00").unwrap().unwrap();
        assert_eq!(gap.to_unix(LONDON), 1_711_848_600);
        // 01:30 on 2024-10-27 happens twice: the earlier (BST) reading wins.
        let overlap = SourceTime::parse("2024-10-27T01:30:00").unwrap().unwrap();
        assert_eq!(overlap.to_unix(LONDON), 1_729_989_000);
    }

    #[test]
    fn serde_keeps_the_form() {
        let local = SourceTime::parse("2024-05-01T10:37:09").unwrap().unwrap();
        let json = serde_json::to_string(&local).unwrap();
        assert_eq!(json, "\"2024-05-01T10:37:09\"");
        assert_eq!(serde_json::from_str::<SourceTime>(&json).unwrap(), local);
    }
}
