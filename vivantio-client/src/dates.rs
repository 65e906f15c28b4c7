//! Vivantio dates: a lenient parser and the tenant time-zone rule.
//!
//! Vivantio (a .NET service) sends dates as ISO-8601 with or without an offset and fraction
//! (`2024-05-01T10:37:09`, `2024-05-01T10:37:09.1234567Z`, `…+01:00`), in the older
//! `/Date(1714559829000)/` or `/Date(1714559829000+0100)/` form, and uses `0001-01-01T00:00:00`
//! (.NET's `DateTime.MinValue`) where there is no date.
//!
//! # The time-zone rule
//!
//! A value without an offset is a *naive* wall-clock time. Whether Vivantio means UTC or the
//! tenant's own zone is not documented (UNK), so this crate never guesses at parse time: a record
//! keeps what was sent as a [`VivantioDate`], and [`VivantioDate::to_utc`] resolves naive values
//! in a time zone you pass — normally [`Client::tenant_time_zone`](crate::Client::tenant_time_zone),
//! set with [`ClientBuilder::tenant_time_zone`](crate::ClientBuilder::tenant_time_zone) and UTC by
//! default. Serde cannot see client settings, which is why resolution is a separate step.
//!
//! In a daylight-saving gap (a local time that never happened) the offset in force before the gap
//! is used; in an overlap (a local time that happened twice) the earlier instant is used.

use chrono::{
    DateTime, Datelike, FixedOffset, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, Offset,
    TimeZone, Utc,
};
use chrono_tz::Tz;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A date as Vivantio sent it: with an offset, or naive (tenant-local by the crate's rule).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum VivantioDate {
    /// The value carried an offset (`Z`, `+01:00`, or a `/Date(ms+hhmm)/` suffix).
    Zoned(DateTime<FixedOffset>),
    /// The value had no offset; resolve it with [`VivantioDate::to_utc`].
    Naive(NaiveDateTime),
}

/// Why a text is not a Vivantio date.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "not a Vivantio date: {text:?} (assumption `dates.answer_forms`: ISO 8601 or `/Date(ms)/`)"
)]
pub struct DateParseError {
    /// The text that failed (at most 64 characters of it).
    pub text: String,
}

impl VivantioDate {
    /// Parses any form Vivantio sends. `Ok(None)` means "no date" (empty text or year 1).
    pub fn parse(text: &str) -> Result<Option<VivantioDate>, DateParseError> {
        let trimmed = text.trim();
        if trimmed.is_empty() {
            return Ok(None);
        }
        let parsed = if let Some(inner) = trimmed
            .strip_prefix("/Date(")
            .and_then(|rest| rest.strip_suffix(")/"))
        {
            parse_microsoft_json(inner)
        } else {
            parse_iso(trimmed)
        };
        match parsed {
            Some(date) if date.is_no_date() => Ok(None),
            Some(date) => Ok(Some(date)),
            None => Err(DateParseError {
                text: trimmed.chars().take(64).collect(),
            }),
        }
    }

    /// The instant in UTC, reading a naive value as wall-clock time in `tenant_zone`.
    pub fn to_utc(&self, tenant_zone: Tz) -> DateTime<Utc> {
        match self {
            VivantioDate::Zoned(zoned) => zoned.with_timezone(&Utc),
            VivantioDate::Naive(naive) => naive_in_zone(*naive, tenant_zone),
        }
    }

    /// Whether the value carried no offset.
    pub fn is_naive(&self) -> bool {
        matches!(self, VivantioDate::Naive(_))
    }

    fn is_no_date(&self) -> bool {
        match self {
            VivantioDate::Zoned(zoned) => zoned.naive_utc().year() <= 1,
            VivantioDate::Naive(naive) => naive.year() <= 1,
        }
    }
}

/// Formats a UTC instant the way this crate sends dates: naive wall-clock time in `tenant_zone`.
pub fn to_tenant_naive(instant: DateTime<Utc>, tenant_zone: Tz) -> NaiveDateTime {
    instant.with_timezone(&tenant_zone).naive_local()
}

fn naive_in_zone(naive: NaiveDateTime, zone: Tz) -> DateTime<Utc> {
    match zone.from_local_datetime(&naive) {
        LocalResult::Single(local) => local.with_timezone(&Utc),
        LocalResult::Ambiguous(earlier, _) => earlier.with_timezone(&Utc),
        LocalResult::None => {
            // A spring-forward gap: use the offset in force just before it.
            let before = naive - chrono::Duration::hours(3);
            let offset = match zone.from_local_datetime(&before) {
                LocalResult::Single(local) | LocalResult::Ambiguous(local, _) => {
                    local.offset().fix()
                }
                LocalResult::None => Utc.fix(),
            };
            (naive - offset).and_utc()
        }
    }
}

fn parse_microsoft_json(inner: &str) -> Option<VivantioDate> {
    // `-62135596800000` (year 1) starts with a minus, so the offset sign is searched after it.
    let sign_at = inner
        .char_indices()
        .skip(1)
        .find(|(_, c)| *c == '+' || *c == '-')
        .map(|(at, _)| at);
    let (millis_text, offset_text) = match sign_at {
        Some(at) => (&inner[..at], Some(&inner[at..])),
        None => (inner, None),
    };
    let millis: i64 = millis_text.parse().ok()?;
    let instant = DateTime::<Utc>::from_timestamp_millis(millis)?;
    let offset = match offset_text {
        Some(text) => parse_hhmm_offset(text)?,
        None => FixedOffset::east_opt(0)?,
    };
    Some(VivantioDate::Zoned(instant.with_timezone(&offset)))
}

fn parse_hhmm_offset(text: &str) -> Option<FixedOffset> {
    let (sign, digits) = match text.split_at_checked(1)? {
        ("+", digits) => (1, digits),
        ("-", digits) => (-1, digits),
        _ => return None,
    };
    if digits.len() != 4 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let hours: i32 = digits[..2].parse().ok()?;
    let minutes: i32 = digits[2..].parse().ok()?;
    FixedOffset::east_opt(sign * (hours * 3600 + minutes * 60))
}

fn parse_iso(text: &str) -> Option<VivantioDate> {
    if let Ok(zoned) = DateTime::parse_from_rfc3339(text) {
        return Some(VivantioDate::Zoned(zoned));
    }
    let normalised = text.replacen(' ', "T", 1);
    for format in ["%Y-%m-%dT%H:%M:%S%.f%:z", "%Y-%m-%dT%H:%M:%S%.f%z"] {
        if let Ok(zoned) = DateTime::parse_from_str(&normalised, format) {
            return Some(VivantioDate::Zoned(zoned));
        }
    }
    if let Some(without_z) = normalised.strip_suffix(['Z', 'z']) {
        return NaiveDateTime::parse_from_str(without_z, "%Y-%m-%dT%H:%M:%S%.f")
            .ok()
            .map(|naive| VivantioDate::Zoned(naive.and_utc().fixed_offset()));
    }
    for format in ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%dT%H:%M"] {
        if let Ok(naive) = NaiveDateTime::parse_from_str(&normalised, format) {
            return Some(VivantioDate::Naive(naive));
        }
    }
    NaiveDate::parse_from_str(&normalised, "%Y-%m-%d")
        .ok()
        .map(|date| VivantioDate::Naive(date.and_time(NaiveTime::MIN)))
}

impl Serialize for VivantioDate {
    /// Zoned values as RFC 3339; naive values as ISO-8601 without an offset.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            VivantioDate::Zoned(zoned) => serializer.serialize_str(&zoned.to_rfc3339()),
            VivantioDate::Naive(naive) => {
                serializer.serialize_str(&naive.format("%Y-%m-%dT%H:%M:%S%.f").to_string())
            }
        }
    }
}

/// Serde adapter for `Option<VivantioDate>` fields: `null`, `""` and year 1 are `None`; anything
/// unparseable is an error that names the field (through the decoder's path).
pub(crate) fn deserialize_option<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<VivantioDate>, D::Error> {
    match Option::<String>::deserialize(deserializer)? {
        None => Ok(None),
        Some(text) => VivantioDate::parse(&text).map_err(serde::de::Error::custom),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono_tz::Europe::London;

    fn utc(text: &str, zone: Tz) -> String {
        VivantioDate::parse(text)
            .unwrap()
            .unwrap()
            .to_utc(zone)
            .to_rfc3339()
    }

    #[test]
    fn iso_forms() {
        assert_eq!(
            utc("2024-05-01T10:37:09", Tz::UTC),
            "2024-05-01T10:37:09+00:00"
        );
        assert_eq!(
            utc("2024-05-01T10:37:09.1234567", Tz::UTC),
            "2024-05-01T10:37:09.123456700+00:00"
        );
        assert_eq!(
            utc("2024-05-01T10:37:09Z", London),
            "2024-05-01T10:37:09+00:00"
        );
        assert_eq!(
            utc("2024-05-01T10:37:09+02:00", London),
            "2024-05-01T08:37:09+00:00"
        );
        assert_eq!(
            utc("2024-05-01T10:37:09+0200", London),
            "2024-05-01T08:37:09+00:00"
        );
        assert_eq!(
            utc("2024-05-01 10:37:09", Tz::UTC),
            "2024-05-01T10:37:09+00:00"
        );
        assert_eq!(utc("2024-05-01", Tz::UTC), "2024-05-01T00:00:00+00:00");
    }

    #[test]
    fn naive_values_use_the_tenant_zone() {
        // British Summer Time: 10:37 local is 09:37 UTC.
        assert_eq!(
            utc("2024-05-01T10:37:09", London),
            "2024-05-01T09:37:09+00:00"
        );
        assert!(VivantioDate::parse("2024-05-01T10:37:09")
            .unwrap()
            .unwrap()
            .is_naive());
    }

    #[test]
    fn microsoft_json_forms() {
        assert_eq!(
            utc("/Date(1714559829000)/", London),
            "2024-05-01T10:37:09+00:00"
        );
        let zoned = VivantioDate::parse("/Date(1714559829000+0100)/")
            .unwrap()
            .unwrap();
        assert_eq!(
            zoned.to_utc(Tz::UTC).to_rfc3339(),
            "2024-05-01T10:37:09+00:00"
        );
        assert!(matches!(zoned, VivantioDate::Zoned(z) if z.offset().local_minus_utc() == 3600));
        assert_eq!(utc("/Date(-1000)/", Tz::UTC), "1969-12-31T23:59:59+00:00");
    }

    #[test]
    fn no_date_forms() {
        for text in [
            "",
            "  ",
            "0001-01-01T00:00:00",
            "0001-01-01T00:00:00Z",
            "0001-01-01",
            "/Date(-62135596800000)/",
        ] {
            assert_eq!(VivantioDate::parse(text), Ok(None), "{text:?}");
        }
    }

    #[test]
    fn garbage_is_an_error() {
        for text in [
            "yesterday",
            "2024-13-01T00:00:00",
            "/Date(abc)/",
            "/Date(1+01)/",
        ] {
            assert!(VivantioDate::parse(text).is_err(), "{text:?}");
        }
    }

    #[test]
    fn dst_gap_and_overlap() {
        // 01:30 on 2024-03-31 does not exist in London: the GMT offset before the gap applies.
        assert_eq!(
            utc("2024-03-31T01:30:00", London),
            "2024-03-31T01:30:00+00:00"
        );
        // 01:30 on 2024-10-27 happened twice: the earlier (BST) instant is used.
        assert_eq!(
            utc("2024-10-27T01:30:00", London),
            "2024-10-27T00:30:00+00:00"
        );
    }

    #[test]
    fn serialises_what_was_sent() {
        let naive = VivantioDate::parse("2024-05-01T10:37:09").unwrap();
        assert_eq!(
            serde_json::to_string(&naive).unwrap(),
            r#""2024-05-01T10:37:09""#
        );
        let zoned = VivantioDate::parse("2024-05-01T10:37:09+01:00").unwrap();
        assert_eq!(
            serde_json::to_string(&zoned).unwrap(),
            r#""2024-05-01T10:37:09+01:00""#
        );
    }

    #[test]
    fn tenant_naive_for_queries() {
        let instant = Utc.with_ymd_and_hms(2024, 5, 1, 9, 37, 9).unwrap();
        assert_eq!(
            to_tenant_naive(instant, London).to_string(),
            "2024-05-01 10:37:09"
        );
    }
}
