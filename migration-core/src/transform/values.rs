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
        Value::String(text) => text.clone(),
        Value::Bool(flag) => flag.to_string(),
        Value::Number(number) => number.to_string(),
        Value::Array(items) => items
            .iter()
            .filter_map(raw_text)
            .collect::<Vec<_>>()
            .join(", "),
        Value::Object(_) => raw.to_string(),
    };
    let trimmed = text.trim();
    (!trimmed.is_empty()).then(|| trimmed.to_string())
}

/// One line of text: line breaks and runs of whitespace become single spaces.
pub fn single_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Several lines of text: `\r\n` and `\r` become `\n`, trailing spaces go, and more than one
/// blank line in a row becomes one.
pub fn multi_line(text: &str) -> String {
    let unified: std::borrow::Cow<'_, str> = if text.contains('\r') {
        text.replace("\r\n", "\n").replace('\r', "\n").into()
    } else {
        text.into()
    };
    let mut lines: Vec<&str> = Vec::new();
    for line in unified.split('\n').map(str::trim_end) {
        let blank = line.is_empty();
        if blank && lines.last().is_none_or(|last| last.is_empty()) {
            continue;
        }
        lines.push(line);
    }
    while lines.last().is_some_and(|last| last.is_empty()) {
        lines.pop();
    }
    lines.join("\n")
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
    let items: Vec<Value> = match raw {
        Value::Array(items) => items.clone(),
        Value::String(text) if text.contains(';') => text
            .split(';')
            .map(|part| Value::String(part.to_string()))
            .collect(),
        other => vec![other.clone()],
    };
    items
        .iter()
        .filter_map(raw_text)
        .map(|text| {
            text.parse::<i64>()
                .ok()
                .and_then(|id| options.iter().find(|option| option.id == id))
                .map_or(text, |option| option.value.clone())
        })
        .collect()
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
    let texts = option_texts(raw, source_options);
    let text = match texts.as_slice() {
        [] => return Ok(None),
        [one] => one.clone(),
        _ => return Err(ValueError::SeveralValues(texts.join("; "))),
    };
    let mapped = apply_value_map(&text, value_map);
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
    let Some(map) = value_map else {
        return text.to_string();
    };
    map.get(text)
        .or_else(|| {
            map.iter()
                .find(|(key, _)| key.eq_ignore_ascii_case(text))
                .map(|(_, value)| value)
        })
        .cloned()
        .unwrap_or_else(|| text.to_string())
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
