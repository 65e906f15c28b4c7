//! Value conversions from Vivantio's raw values to Intercom attribute values.

use chrono_tz::Tz;
use serde_json::Value;

use crate::model::destination::AttributeValue;
use crate::model::source::{FieldOption, SourceTime};

/// Why a value could not be converted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ValueError {
    /// Not a whole number.
    #[error("`{0}` is not a whole number")]
    NotInteger(String),
    /// Not a number.
    #[error("`{0}` is not a number")]
    NotDecimal(String),
    /// Not yes or no.
    #[error("`{0}` is not yes or no")]
    NotBoolean(String),
    /// Not a date.
    #[error("`{0}` is not a date")]
    NotDate(String),
    /// Not one of the list's options.
    #[error("`{value}` is not one of the options ({options})")]
    NotAnOption {
        /// The value.
        value: String,
        /// The options, comma-separated.
        options: String,
    },
    /// Several values where one is expected.
    #[error("`{0}` holds several choices but the attribute takes one")]
    SeveralValues(String),
}

/// The value as text, or `None` when it is empty; arrays become their items joined by ", ".
pub fn raw_text(raw: &Value) -> Option<String> {
    let text = match raw {
        Value::Null => return None,
        // Trimmed before copying: one allocation, not two.
        Value::String(text) => return trimmed(text),
        Value::Bool(flag) => flag.to_string(),
        Value::Number(number) => number.to_string(),
        Value::Array(items) => items
            .iter()
            .filter_map(raw_text)
            .collect::<Vec<_>>()
            .join(", "),
        Value::Object(_) => raw.to_string(),
    };
    trimmed(&text)
}

/// `text` without surrounding whitespace, or `None` when nothing is left.
fn trimmed(text: &str) -> Option<String> {
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_string())
}

/// One line of text: line breaks and runs of whitespace become single spaces.
pub fn single_line(text: &str) -> String {
    let mut line = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    line
}

/// [`single_line`] of an owned text, which is returned as it is when already one line.
pub(crate) fn into_single_line(text: String) -> String {
    if is_single_line(&text) {
        text
    } else {
        single_line(&text)
    }
}

/// Whether [`single_line`] would leave `text` unchanged: no whitespace but single spaces
/// between words.
fn is_single_line(text: &str) -> bool {
    let mut after_space = true;
    for c in text.chars() {
        if c == ' ' {
            if after_space {
                return false;
            }
            after_space = true;
        } else if c.is_whitespace() {
            return false;
        } else {
            after_space = false;
        }
    }
    !after_space || text.is_empty()
}

/// Several lines of text: `\r\n` and `\r` become `\n`, trailing spaces go, and more than one
/// blank line in a row becomes one.
pub fn multi_line(text: &str) -> String {
    let unified: std::borrow::Cow<'_, str> = if text.contains('\r') {
        text.replace("\r\n", "\n").replace('\r', "\n").into()
    } else {
        text.into()
    };
    // Built in place: blank lines before the first and after the last text line are dropped,
    // and a run of blank lines between two text lines leaves one.
    let mut joined = String::with_capacity(unified.len());
    let mut blank_before = false;
    for line in unified.split('\n').map(str::trim_end) {
        if line.is_empty() {
            blank_before = !joined.is_empty();
            continue;
        }
        if !joined.is_empty() {
            joined.push('\n');
            if blank_before {
                joined.push('\n');
            }
        }
        blank_before = false;
        joined.push_str(line);
    }
    joined
}

/// A whole number: JSON integers, integral floats, and texts like " 1,234 " or "42.0".
pub fn to_integer(raw: &Value) -> Result<Option<i64>, ValueError> {
    match raw {
        Value::Null => Ok(None),
        Value::Number(number) => number
            .as_i64()
            .or_else(|| {
                number
                    .as_f64()
                    .filter(|f| f.fract() == 0.0 && f.abs() < 9.0e15)
                    .map(|f| f as i64)
            })
            .map(Some)
            .ok_or_else(|| ValueError::NotInteger(number.to_string())),
        _ => {
            let Some(text) = raw_text(raw) else {
                return Ok(None);
            };
            let decimal =
                parse_decimal(&text).ok_or_else(|| ValueError::NotInteger(text.clone()))?;
            if decimal.fract() == 0.0 && decimal.abs() < 9.0e15 {
                Ok(Some(decimal as i64))
            } else {
                Err(ValueError::NotInteger(text))
            }
        }
    }
}

/// A decimal number: JSON numbers, and texts with a decimal point or a lone decimal comma
/// ("12,5"); thousands separators are accepted when a decimal point is present or the comma
/// groups are three digits long ("1,234.5", "1,234").
pub fn to_decimal(raw: &Value) -> Result<Option<f64>, ValueError> {
    match raw {
        Value::Null => Ok(None),
        Value::Number(number) => number
            .as_f64()
            .map(Some)
            .ok_or_else(|| ValueError::NotDecimal(number.to_string())),
        _ => {
            let Some(text) = raw_text(raw) else {
                return Ok(None);
            };
            parse_decimal(&text)
                .map(Some)
                .ok_or(ValueError::NotDecimal(text))
        }
    }
}

fn parse_decimal(text: &str) -> Option<f64> {
    let text = text.trim().replace([' ', '\u{a0}', '_'], "");
    let normalised = if text.contains('.') {
        text.replace(',', "")
    } else if text.contains(',') {
        let groups: Vec<&str> = text.split(',').collect();
        let head = groups[0].trim_start_matches(['-', '+']);
        let thousands =
            !head.is_empty() && head.len() <= 3 && groups[1..].iter().all(|group| group.len() == 3);
        if thousands {
            text.replace(',', "")
        } else if groups.len() == 2 {
            format!("{}.{}", groups[0], groups[1])
        } else {
            return None;
        }
    } else {
        text
    };
    let value: f64 = normalised.parse().ok()?;
    value.is_finite().then_some(value)
}

/// Yes or no: booleans, 1/0, and true/false, yes/no, y/n, on/off, checked/unchecked in any case.
pub fn to_boolean(raw: &Value) -> Result<Option<bool>, ValueError> {
    match raw {
        Value::Null => Ok(None),
        Value::Bool(flag) => Ok(Some(*flag)),
        _ => {
            let Some(text) = raw_text(raw) else {
                return Ok(None);
            };
            match text.to_ascii_lowercase().as_str() {
                "true" | "yes" | "y" | "1" | "on" | "checked" | "x" => Ok(Some(true)),
                "false" | "no" | "n" | "0" | "off" | "unchecked" => Ok(Some(false)),
                _ => Err(ValueError::NotBoolean(text)),
            }
        }
    }
}

/// An instant as Unix seconds: any Vivantio date text (read in `zone` without an offset), or
/// a number of Unix seconds.
pub fn to_datetime(raw: &Value, zone: Tz) -> Result<Option<i64>, ValueError> {
    if let Value::Number(number) = raw {
        return number
            .as_i64()
            .map(Some)
            .ok_or_else(|| ValueError::NotDate(number.to_string()));
    }
    let Some(text) = raw_text(raw) else {
        return Ok(None);
    };
    SourceTime::parse(&text)
        .map(|time| time.map(|time| time.to_unix(zone)))
        .map_err(|_| ValueError::NotDate(text))
}

/// A calendar date as Unix seconds at midnight UTC of the day it falls on in `zone`.
pub fn to_date(raw: &Value, zone: Tz) -> Result<Option<i64>, ValueError> {
    let Some(text) = raw_text(raw) else {
        return Ok(None);
    };
    let time = SourceTime::parse(&text).map_err(|_| ValueError::NotDate(text.clone()))?;
    Ok(time.map(|time| {
        let day = match time {
            SourceTime::Local(local) => local.date(),
            SourceTime::Zoned(_) => time.to_utc(zone).with_timezone(&zone).date_naive(),
        };
        day.and_hms_opt(0, 0, 0)
            .map(|midnight| midnight.and_utc().timestamp())
            .unwrap_or_default()
    }))
}

/// The option texts a drop-down or multi-select value names: option ids (numbers or numeric
/// texts matching an option id) become the option's text; lists and `;`/`,`-separated texts
/// give several.
pub fn option_texts(raw: &Value, options: &[FieldOption]) -> Vec<String> {
    match raw {
        Value::Array(items) => items
            .iter()
            .filter_map(|item| option_text(item, options))
            .collect(),
        Value::String(text) if text.contains(';') => text
            .split(';')
            .filter_map(trimmed)
            .map(|text| option_named(text, options))
            .collect(),
        other => option_text(other, options).into_iter().collect(),
    }
}

/// The option text one value names, or its own text.
fn option_text(raw: &Value, options: &[FieldOption]) -> Option<String> {
    // An integer id is matched without printing and parsing it again.
    if let Some(option) = raw
        .as_i64()
        .and_then(|id| options.iter().find(|option| option.id == id))
    {
        return Some(option.value.clone());
    }
    raw_text(raw).map(|text| option_named(text, options))
}

/// The option whose id `text` is, or `text`.
fn option_named(text: String, options: &[FieldOption]) -> String {
    if options.is_empty() {
        return text;
    }
    text.parse::<i64>()
        .ok()
        .and_then(|id| options.iter().find(|option| option.id == id))
        .map_or(text, |option| option.value.clone())
}

/// One option of a list attribute: the source option text, through the value map, must be one
/// of `allowed` (compared case-insensitively; the allowed spelling is kept). An empty
/// `allowed` accepts any text.
pub fn to_list_option(
    raw: &Value,
    source_options: &[FieldOption],
    value_map: Option<&std::collections::BTreeMap<String, String>>,
    allowed: &[String],
) -> Result<Option<String>, ValueError> {
    let mut texts = option_texts(raw, source_options);
    let text = match texts.as_mut_slice() {
        [] => return Ok(None),
        [one] => std::mem::take(one),
        _ => return Err(ValueError::SeveralValues(texts.join("; "))),
    };
    let mapped = map_text(text, value_map);
    if allowed.is_empty() {
        return Ok(Some(mapped));
    }
    allowed
        .iter()
        .find(|option| option.eq_ignore_ascii_case(&mapped))
        .cloned()
        .map(Some)
        .ok_or_else(|| ValueError::NotAnOption {
            value: mapped,
            options: allowed.join(", "),
        })
}

/// The value map's replacement for `text` (exact first, then case-insensitive), or `text`.
pub fn apply_value_map(
    text: &str,
    value_map: Option<&std::collections::BTreeMap<String, String>>,
) -> String {
    value_map
        .and_then(|map| replacement(map, text))
        .cloned()
        .unwrap_or_else(|| text.to_string())
}

/// [`apply_value_map`] of an owned text, which is returned as it is when not replaced.
pub(crate) fn map_text(
    text: String,
    value_map: Option<&std::collections::BTreeMap<String, String>>,
) -> String {
    match value_map.and_then(|map| replacement(map, &text)) {
        Some(replaced) => replaced.clone(),
        None => text,
    }
}

/// The value map's entry for `text`: exact first, then case-insensitive.
fn replacement<'m>(
    map: &'m std::collections::BTreeMap<String, String>,
    text: &str,
) -> Option<&'m String> {
    map.get(text).or_else(|| {
        map.iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(text))
            .map(|(_, value)| value)
    })
}

/// Wraps a converted primitive into the attribute value of `data_type`.
pub fn text_value(text: String, list: bool) -> AttributeValue {
    if list {
        AttributeValue::ListOption(text)
    } else {
        AttributeValue::String(text)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use serde_json::json;

    use super::*;

    #[test]
    fn integers() {
        let cases: &[(Value, Result<Option<i64>, ()>)] = &[
            (json!(42), Ok(Some(42))),
            (json!(-7), Ok(Some(-7))),
            (json!(42.0), Ok(Some(42))),
            (json!(" 1,234 "), Ok(Some(1234))),
            (json!("42.0"), Ok(Some(42))),
            (json!(""), Ok(None)),
            (Value::Null, Ok(None)),
            (json!(4.5), Err(())),
            (json!("4.5"), Err(())),
            (json!("ten"), Err(())),
            (json!(1e300), Err(())),
        ];
        for (raw, expected) in cases {
            assert_eq!(to_integer(raw).map_err(|_| ()), *expected, "{raw}");
        }
    }

    #[test]
    fn decimals() {
        let cases: &[(Value, Result<Option<f64>, ()>)] = &[
            (json!(4.5), Ok(Some(4.5))),
            (json!("4.5"), Ok(Some(4.5))),
            (json!("12,5"), Ok(Some(12.5))),
            (json!("1,234.5"), Ok(Some(1234.5))),
            (json!("1,234"), Ok(Some(1234.0))),
            (json!("-0.25"), Ok(Some(-0.25))),
            (json!("1 000.5"), Ok(Some(1000.5))),
            (json!("NaN"), Err(())),
            (json!("inf"), Err(())),
            (json!("1,2,3"), Err(())),
            (json!("abc"), Err(())),
            (json!(null), Ok(None)),
        ];
        for (raw, expected) in cases {
            assert_eq!(to_decimal(raw).map_err(|_| ()), *expected, "{raw}");
        }
    }

    #[test]
    fn booleans() {
        let cases: &[(Value, Result<Option<bool>, ()>)] = &[
            (json!(true), Ok(Some(true))),
            (json!("True"), Ok(Some(true))),
            (json!("YES"), Ok(Some(true))),
            (json!(1), Ok(Some(true))),
            (json!("checked"), Ok(Some(true))),
            (json!("False"), Ok(Some(false))),
            (json!("n"), Ok(Some(false))),
            (json!(0), Ok(Some(false))),
            (json!(""), Ok(None)),
            (json!("maybe"), Err(())),
            (json!(2), Err(())),
        ];
        for (raw, expected) in cases {
            assert_eq!(to_boolean(raw).map_err(|_| ()), *expected, "{raw}");
        }
    }

    #[test]
    fn datetimes_use_the_source_zone_for_naive_values() {
        let london = chrono_tz::Europe::London;
        let cases: &[(Value, Result<Option<i64>, ()>)] = &[
            (json!("2024-05-01T10:37:09"), Ok(Some(1_714_556_229))),
            (json!("2024-05-01T10:37:09Z"), Ok(Some(1_714_559_829))),
            (json!("/Date(1714559829000)/"), Ok(Some(1_714_559_829))),
            (json!(1_714_559_829), Ok(Some(1_714_559_829))),
            (json!("0001-01-01T00:00:00"), Ok(None)),
            (json!("soon"), Err(())),
        ];
        for (raw, expected) in cases {
            assert_eq!(to_datetime(raw, london).map_err(|_| ()), *expected, "{raw}");
        }
    }

    #[test]
    fn dates_keep_the_calendar_day() {
        let tokyo = chrono_tz::Asia::Tokyo;
        let cases: &[(Value, Result<Option<i64>, ()>)] = &[
            (json!("2024-05-01"), Ok(Some(1_714_521_600))),
            (json!("2024-05-01T23:30:00"), Ok(Some(1_714_521_600))),
            // 20:00 UTC on 1 May is already 2 May in Tokyo.
            (json!("2024-05-01T20:00:00Z"), Ok(Some(1_714_608_000))),
            (json!("not a date"), Err(())),
        ];
        for (raw, expected) in cases {
            assert_eq!(to_date(raw, tokyo).map_err(|_| ()), *expected, "{raw}");
        }
    }

    #[test]
    fn text_conversions() {
        assert_eq!(single_line("  a\r\n b\t c  "), "a b c");
        assert_eq!(multi_line("a\r\nb  \r\rc\n\n\n\nd\n\n"), "a\nb\n\nc\n\nd");
        assert_eq!(multi_line("\n\nx"), "x");
        assert_eq!(
            raw_text(&json!(["a", 2, null, "b"])).as_deref(),
            Some("a, 2, b")
        );
        assert_eq!(raw_text(&json!("   ")), None);
    }

    #[test]
    fn drop_downs_become_list_options() {
        let options = vec![
            FieldOption {
                id: 1,
                value: "Low".into(),
            },
            FieldOption {
                id: 2,
                value: "High".into(),
            },
        ];
        let allowed = vec!["Low".to_string(), "High impact".to_string()];
        let map: BTreeMap<String, String> =
            [("high".to_string(), "High impact".to_string())].into();
        let cases: &[(Value, Result<Option<&str>, ()>)] = &[
            (json!(1), Ok(Some("Low"))),
            (json!("2"), Ok(Some("High impact"))),
            (json!("low"), Ok(Some("Low"))),
            (json!("High"), Ok(Some("High impact"))),
            (json!(""), Ok(None)),
            (json!("Medium"), Err(())),
            (json!([1, 2]), Err(())),
        ];
        for (raw, expected) in cases {
            let got = to_list_option(raw, &options, Some(&map), &allowed);
            assert_eq!(
                got.as_ref().map(|o| o.as_deref()).map_err(|_| ()),
                *expected,
                "{raw}"
            );
        }
        assert_eq!(
            option_texts(&json!("1;High; 9"), &options),
            vec!["Low", "High", "9"]
        );
    }
}
