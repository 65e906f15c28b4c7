//! Small pure conversions shared by the operation families: attribute values to JSON, the
//! before-images rollback needs, and the normalisations read-back and reconciliation compare.

use std::collections::BTreeMap;

use intercom_client::common::CustomAttributes;
use migration_core::model::destination::AttributeValues;
use migration_core::transform::html::html_to_text;
use serde_json::Value;

/// The prefix of custom attribute fields in before-images and observed records.
pub(crate) const CUSTOM_PREFIX: &str = "custom_attributes.";

/// Attribute values as Intercom's `custom_attributes` object.
pub(crate) fn custom_attributes(values: &AttributeValues) -> CustomAttributes {
    values
        .iter()
        .map(|(name, value)| (name.clone(), value.to_json()))
        .collect()
}

/// The current values of the attributes `names` as before-image entries
/// (`custom_attributes.<name>`, `null` when unset).
pub(crate) fn previous_custom<'a>(
    current: &CustomAttributes,
    names: impl IntoIterator<Item = &'a String>,
) -> BTreeMap<String, Value> {
    names
        .into_iter()
        .map(|name| {
            (
                format!("{CUSTOM_PREFIX}{name}"),
                current.get(name).cloned().unwrap_or(Value::Null),
            )
        })
        .collect()
}

/// The `custom_attributes.*` entries of a before-image, as a `custom_attributes` object.
pub(crate) fn custom_from_previous(previous: &BTreeMap<String, Value>) -> Option<CustomAttributes> {
    let values: CustomAttributes = previous
        .iter()
        .filter_map(|(field, value)| {
            field
                .strip_prefix(CUSTOM_PREFIX)
                .map(|name| (name.to_owned(), value.clone()))
        })
        .collect();
    (!values.is_empty()).then_some(values)
}

/// Adds `custom_attributes.<name>` fields for every attribute.
pub(crate) fn flatten_custom(fields: &mut BTreeMap<String, Value>, attributes: &CustomAttributes) {
    for (name, value) in attributes {
        fields.insert(format!("{CUSTOM_PREFIX}{name}"), value.clone());
    }
}

/// An optional text as JSON (`null` when absent).
pub(crate) fn text_or_null(text: Option<&str>) -> Value {
    text.map_or(Value::Null, |text| Value::String(text.to_owned()))
}

/// A text field of a before-image.
pub(crate) fn previous_text(previous: &BTreeMap<String, Value>, field: &str) -> Option<String> {
    previous
        .get(field)
        .and_then(Value::as_str)
        .map(str::to_owned)
}

/// The words of an HTML or plain-text body, for comparing what was sent with what Intercom
/// stores (it rewrites markup and whitespace).
pub(crate) fn body_words(body: &str) -> String {
    html_to_text(body)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Intercom's author type of a part in the core's vocabulary: every kind of contact is a
/// `user`, as [`migration_core::verify`] expects.
pub(crate) fn author_kind(kind: Option<&str>) -> &str {
    match kind {
        Some("user" | "lead" | "contact") => "user",
        Some(other) => other,
        None => "unknown",
    }
}

/// Lowercase, for name lookups (Intercom refuses names that differ only by case).
pub(crate) fn name_key(name: &str) -> String {
    name.trim().to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;
    use migration_core::model::destination::AttributeValue;
    use serde_json::json;

    #[test]
    fn attribute_values_become_intercom_json() {
        let values: AttributeValues = [
            (
                "impact".to_string(),
                AttributeValue::ListOption("High".into()),
            ),
            ("count".to_string(), AttributeValue::Integer(3)),
            ("due".to_string(), AttributeValue::Datetime(1_600_000_000)),
        ]
        .into();
        let json = Value::Object(custom_attributes(&values));
        assert_eq!(
            json,
            json!({"impact": "High", "count": 3, "due": 1_600_000_000})
        );
    }

    #[test]
    fn before_images_round_trip_through_custom_fields() {
        let current: CustomAttributes =
            [("impact".to_string(), json!("Low"))].into_iter().collect();
        let names = ["impact".to_string(), "count".to_string()];
        let previous = previous_custom(&current, &names);
        assert_eq!(
            previous.get("custom_attributes.impact"),
            Some(&json!("Low"))
        );
        assert_eq!(previous.get("custom_attributes.count"), Some(&Value::Null));
        let mut with_title = previous.clone();
        with_title.insert("title".into(), json!("Old"));
        let restored = custom_from_previous(&with_title).unwrap();
        assert_eq!(
            Value::Object(restored),
            json!({"impact": "Low", "count": null})
        );
        assert_eq!(previous_text(&with_title, "title").as_deref(), Some("Old"));
        assert!(custom_from_previous(&BTreeMap::new()).is_none());
    }

    #[test]
    fn bodies_compare_by_their_words_and_contacts_are_users() {
        assert_eq!(
            body_words("<p>Hello   <b>world</b></p>"),
            body_words("Hello world")
        );
        assert_ne!(body_words("<p>Hello</p>"), body_words("Goodbye"));
        assert_eq!(author_kind(Some("lead")), "user");
        assert_eq!(author_kind(Some("admin")), "admin");
        assert_eq!(name_key("  VIP Customer "), "vip customer");
    }
}
