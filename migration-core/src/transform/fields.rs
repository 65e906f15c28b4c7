//! Field rules applied: one raw source value to one typed attribute value.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use serde_json::Value;

use super::values::{
    apply_value_map, into_single_line, map_text, multi_line, option_texts, raw_text, to_boolean,
    to_date, to_datetime, to_decimal, to_integer, to_list_option, ValueError,
};
use crate::model::destination::{AttributeType, AttributeValue};
use crate::model::source::{FieldDefinition, FieldType};
use crate::spec::{FieldRule, Transform};

/// A converted value before it is fitted to the attribute type.
#[derive(Debug, Clone, PartialEq)]
enum Primitive {
    Text(String),
    Integer(i64),
    Decimal(f64),
    Boolean(bool),
    Instant(i64),
    Day(i64),
}

/// Converts `raw` by `rule` (reading the custom `field` definition when there is one).
/// `Ok(None)` means the value is empty.
pub fn convert(
    raw: &Value,
    rule: &FieldRule,
    field: Option<&FieldDefinition>,
    value_maps: &BTreeMap<String, BTreeMap<String, String>>,
    zone: Tz,
) -> Result<Option<AttributeValue>, ValueError> {
    let value_map = rule
        .value_map
        .as_ref()
        .and_then(|name| value_maps.get(name));
    let options = field
        .map(|field| field.options.as_slice())
        .unwrap_or_default();
    let transform = effective_transform(rule, field.map(|field| field.field_type));
    let primitive = match transform {
        Transform::Auto | Transform::Text => raw_text(raw).map(|text| {
            Primitive::Text(map_text(
                into_single_line(option_text(raw, text, options)),
                value_map,
            ))
        }),
        Transform::MultilineText => raw_text(raw).map(|text| Primitive::Text(multi_line(&text))),
        Transform::Integer => to_integer(raw)?.map(Primitive::Integer),
        Transform::Decimal => to_decimal(raw)?.map(Primitive::Decimal),
        Transform::Boolean => to_boolean(raw)?.map(Primitive::Boolean),
        Transform::Date => to_date(raw, zone)?.map(Primitive::Day),
        Transform::Datetime => to_datetime(raw, zone)?.map(Primitive::Instant),
        Transform::ListOption => {
            let allowed = if rule.data_type == AttributeType::List {
                rule.options.as_slice()
            } else {
                &[]
            };
            to_list_option(raw, options, value_map, allowed)?.map(Primitive::Text)
        }
        Transform::Joined => {
            let texts: Vec<String> = option_texts(raw, options)
                .iter()
                .map(|text| apply_value_map(text, value_map))
                .collect();
            (!texts.is_empty()).then(|| Primitive::Text(texts.join(", ")))
        }
    };
    primitive
        .map(|primitive| fit(primitive, rule, raw))
        .transpose()
}

fn option_text(raw: &Value, text: String, options: &[crate::model::source::FieldOption]) -> String {
    if options.is_empty() {
        return text;
    }
    option_texts(raw, options).join(", ")
}

/// The transform `Auto` stands for, from the attribute type and the source field type.
fn effective_transform(rule: &FieldRule, field_type: Option<FieldType>) -> Transform {
    if rule.transform != Transform::Auto {
        return rule.transform;
    }
    match (rule.data_type, field_type) {
        (AttributeType::String, Some(FieldType::TextArea)) => Transform::MultilineText,
        (AttributeType::String, Some(FieldType::MultiSelect)) => Transform::Joined,
        (AttributeType::String, _) => Transform::Text,
        (AttributeType::Integer, _) => Transform::Integer,
        (AttributeType::Decimal, _) => Transform::Decimal,
        (AttributeType::Boolean, _) => Transform::Boolean,
        (AttributeType::Date, _) => Transform::Date,
        (AttributeType::Datetime, Some(FieldType::Date)) => Transform::Datetime,
        (AttributeType::Datetime, _) => Transform::Datetime,
        (AttributeType::List, _) => Transform::ListOption,
    }
}

/// Fits a converted value to the attribute type, or says why it cannot.
fn fit(primitive: Primitive, rule: &FieldRule, raw: &Value) -> Result<AttributeValue, ValueError> {
    let shown = || raw_text(raw).unwrap_or_default();
    Ok(match (rule.data_type, primitive) {
        (AttributeType::String, Primitive::Text(text)) => AttributeValue::String(text),
        (AttributeType::String, Primitive::Integer(n)) => AttributeValue::String(n.to_string()),
        (AttributeType::String, Primitive::Decimal(n)) => AttributeValue::String(n.to_string()),
        (AttributeType::String, Primitive::Boolean(b)) => AttributeValue::String(b.to_string()),
        (AttributeType::String, Primitive::Instant(t)) => AttributeValue::String(
            DateTime::<Utc>::from_timestamp(t, 0)
                .map(|t| t.to_rfc3339())
                .unwrap_or_default(),
        ),
        (AttributeType::String, Primitive::Day(t)) => AttributeValue::String(
            DateTime::<Utc>::from_timestamp(t, 0)
                .map(|t| t.format("%Y-%m-%d").to_string())
                .unwrap_or_default(),
        ),
        (AttributeType::Integer, Primitive::Integer(n)) => AttributeValue::Integer(n),
        (AttributeType::Integer, Primitive::Decimal(n)) if n.fract() == 0.0 && n.abs() < 9.0e15 => {
            AttributeValue::Integer(n as i64)
        }
        (AttributeType::Integer, Primitive::Text(text)) => {
            AttributeValue::Integer(to_integer(&Value::String(text))?.unwrap_or_default())
        }
        (AttributeType::Integer, _) => return Err(ValueError::NotInteger(shown())),
        (AttributeType::Decimal, Primitive::Decimal(n)) => AttributeValue::Decimal(n),
        (AttributeType::Decimal, Primitive::Integer(n)) => AttributeValue::Decimal(n as f64),
        (AttributeType::Decimal, Primitive::Text(text)) => {
            AttributeValue::Decimal(to_decimal(&Value::String(text))?.unwrap_or_default())
        }
        (AttributeType::Decimal, _) => return Err(ValueError::NotDecimal(shown())),
        (AttributeType::Boolean, Primitive::Boolean(b)) => AttributeValue::Boolean(b),
        (AttributeType::Boolean, Primitive::Text(text)) => {
            AttributeValue::Boolean(to_boolean(&Value::String(text))?.unwrap_or_default())
        }
        (AttributeType::Boolean, Primitive::Integer(n)) => {
            AttributeValue::Boolean(to_boolean(&Value::from(n))?.unwrap_or_default())
        }
        (AttributeType::Boolean, _) => return Err(ValueError::NotBoolean(shown())),
        (AttributeType::Date, Primitive::Day(t)) => AttributeValue::Date(t),
        (AttributeType::Date, Primitive::Instant(t)) => {
            AttributeValue::Date(t - t.rem_euclid(86_400))
        }
        (AttributeType::Date, _) => return Err(ValueError::NotDate(shown())),
        (AttributeType::Datetime, Primitive::Instant(t) | Primitive::Day(t)) => {
            AttributeValue::Datetime(t)
        }
        (AttributeType::Datetime, _) => return Err(ValueError::NotDate(shown())),
        (AttributeType::List, Primitive::Text(text)) => {
            if rule.options.is_empty() || rule.options.contains(&text) {
                AttributeValue::ListOption(text)
            } else if let Some(option) = rule
                .options
                .iter()
                .find(|option| option.eq_ignore_ascii_case(&text))
            {
                AttributeValue::ListOption(option.clone())
            } else {
                return Err(ValueError::NotAnOption {
                    value: text,
                    options: rule.options.join(", "),
                });
            }
        }
        (AttributeType::List, _) => {
            return Err(ValueError::NotAnOption {
                value: shown(),
                options: rule.options.join(", "),
            })
        }
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::model::source::FieldOption;
    use crate::spec::{SourceField, TargetModel};

    fn rule(data_type: AttributeType, transform: Transform) -> FieldRule {
        FieldRule {
            source: SourceField::Custom(1),
            label: None,
            model: TargetModel::Thread,
            attribute: "x".into(),
            data_type,
            transform,
            value_map: None,
            options: Vec::new(),
        }
    }

    fn field(field_type: FieldType) -> FieldDefinition {
        FieldDefinition {
            id: 1,
            name: "x".into(),
            label: None,
            field_type,
            required: false,
            options: vec![
                FieldOption {
                    id: 10,
                    value: "Red".into(),
                },
                FieldOption {
                    id: 11,
                    value: "Blue".into(),
                },
            ],
        }
    }

    type Case = (
        FieldRule,
        FieldType,
        Value,
        Result<Option<AttributeValue>, ()>,
    );

    #[test]
    fn auto_transforms_follow_the_field_and_attribute_types() {
        let utc = chrono_tz::UTC;
        let maps = BTreeMap::new();
        let mut list = rule(AttributeType::List, Transform::Auto);
        list.options = vec!["Red".into(), "Blue".into()];
        let cases: Vec<Case> = vec![
            (
                rule(AttributeType::String, Transform::Auto),
                FieldType::Text,
                json!(" a\nb "),
                Ok(Some(AttributeValue::String("a b".into()))),
            ),
            (
                rule(AttributeType::String, Transform::Auto),
                FieldType::TextArea,
                json!("a\r\nb"),
                Ok(Some(AttributeValue::String("a\nb".into()))),
            ),
            (
                rule(AttributeType::String, Transform::Auto),
                FieldType::MultiSelect,
                json!([10, 11]),
                Ok(Some(AttributeValue::String("Red, Blue".into()))),
            ),
            (
                rule(AttributeType::String, Transform::Auto),
                FieldType::DropDown,
                json!(10),
                Ok(Some(AttributeValue::String("Red".into()))),
            ),
            (
                rule(AttributeType::Integer, Transform::Auto),
                FieldType::Number,
                json!("12"),
                Ok(Some(AttributeValue::Integer(12))),
            ),
            (
                rule(AttributeType::Decimal, Transform::Auto),
                FieldType::Decimal,
                json!("2,5"),
                Ok(Some(AttributeValue::Decimal(2.5))),
            ),
            (
                rule(AttributeType::Boolean, Transform::Auto),
                FieldType::Checkbox,
                json!("True"),
                Ok(Some(AttributeValue::Boolean(true))),
            ),
            (
                rule(AttributeType::Datetime, Transform::Auto),
                FieldType::Date,
                json!("2024-05-01"),
                Ok(Some(AttributeValue::Datetime(1_714_521_600))),
            ),
            (
                rule(AttributeType::Date, Transform::Auto),
                FieldType::DateTime,
                json!("2024-05-01T13:00:00"),
                Ok(Some(AttributeValue::Date(1_714_521_600))),
            ),
            (
                list.clone(),
                FieldType::DropDown,
                json!("11"),
                Ok(Some(AttributeValue::ListOption("Blue".into()))),
            ),
            (list, FieldType::DropDown, json!("Green"), Err(())),
            (
                rule(AttributeType::Integer, Transform::Auto),
                FieldType::Number,
                json!("many"),
                Err(()),
            ),
            (
                rule(AttributeType::Integer, Transform::Boolean),
                FieldType::Checkbox,
                json!("yes"),
                Err(()),
            ),
            (
                rule(AttributeType::String, Transform::Integer),
                FieldType::Text,
                json!("7"),
                Ok(Some(AttributeValue::String("7".into()))),
            ),
            (
                rule(AttributeType::String, Transform::Auto),
                FieldType::Text,
                json!(""),
                Ok(None),
            ),
        ];
        for (rule, field_type, raw, expected) in cases {
            let got = convert(&raw, &rule, Some(&field(field_type)), &maps, utc);
            assert_eq!(
                got.map_err(|_| ()),
                expected,
                "{field_type:?} {raw} as {:?}/{:?}",
                rule.data_type,
                rule.transform
            );
        }
    }

    #[test]
    fn value_maps_apply_to_text() {
        let mut maps = BTreeMap::new();
        maps.insert(
            "colours".to_string(),
            [("Red".to_string(), "Crimson".to_string())].into(),
        );
        let mut mapped = rule(AttributeType::String, Transform::Text);
        mapped.value_map = Some("colours".into());
        let got = convert(
            &json!(10),
            &mapped,
            Some(&field(FieldType::DropDown)),
            &maps,
            chrono_tz::UTC,
        );
        assert_eq!(got, Ok(Some(AttributeValue::String("Crimson".into()))));
    }
}
