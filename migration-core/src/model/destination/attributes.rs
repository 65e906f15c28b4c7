//! Intercom data attributes: where they live, their types and their values.

use serde::{Deserialize, Serialize};

/// Which Intercom object an attribute belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AttributeModel {
    /// Contact data attribute (`POST /data_attributes`, model `contact`).
    Contact,
    /// Company data attribute (`POST /data_attributes`, model `company`).
    Company,
    /// Conversation attribute (`POST /conversations/attributes`, API 2.16).
    Conversation,
    /// Attribute of an Intercom ticket type (`POST /ticket_types/{id}/attributes`).
    Ticket,
}

impl AttributeModel {
    /// The model's name in keys and messages.
    pub fn as_str(self) -> &'static str {
        match self {
            AttributeModel::Contact => "contact",
            AttributeModel::Company => "company",
            AttributeModel::Conversation => "conversation",
            AttributeModel::Ticket => "ticket",
        }
    }
}

/// An attribute's data type, in one vocabulary for all models.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AttributeType {
    /// Text.
    String,
    /// Whole number.
    Integer,
    /// Decimal number (`float` on contacts and companies, `decimal` on conversations and tickets).
    Decimal,
    /// True or false.
    Boolean,
    /// Calendar date (contacts and companies only).
    Date,
    /// Date and time, as Unix seconds.
    Datetime,
    /// One choice from a fixed list (`options` on contacts and companies, `list` elsewhere).
    List,
}

impl AttributeType {
    /// The `data_type` Intercom expects for this type on `model`, or `None` when the model has
    /// no such type (conversations and tickets have no `date`).
    pub fn wire_name(self, model: AttributeModel) -> Option<&'static str> {
        let people = matches!(model, AttributeModel::Contact | AttributeModel::Company);
        Some(match (self, people) {
            (AttributeType::String, _) => "string",
            (AttributeType::Integer, _) => "integer",
            (AttributeType::Decimal, true) => "float",
            (AttributeType::Decimal, false) => "decimal",
            (AttributeType::Boolean, _) => "boolean",
            (AttributeType::Date, true) => "date",
            (AttributeType::Date, false) => return None,
            (AttributeType::Datetime, _) => "datetime",
            (AttributeType::List, true) => "options",
            (AttributeType::List, false) => "list",
        })
    }

    /// Reads an Intercom `data_type` (any model's spelling).
    pub fn from_wire(text: &str) -> Option<Self> {
        match text {
            "string" => Some(AttributeType::String),
            "integer" => Some(AttributeType::Integer),
            "float" | "decimal" => Some(AttributeType::Decimal),
            "boolean" => Some(AttributeType::Boolean),
            "date" => Some(AttributeType::Date),
            "datetime" => Some(AttributeType::Datetime),
            "options" | "list" => Some(AttributeType::List),
            _ => None,
        }
    }
}

/// An attribute the migration needs to exist.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AttributeDefinition {
    /// Object it belongs to.
    pub model: AttributeModel,
    /// Name (Intercom's naming rules apply; see [`crate::spec::names`]).
    pub name: String,
    /// Type.
    pub data_type: AttributeType,
    /// Description shown in Intercom.
    pub description: String,
    /// Choices, for list attributes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<String>,
    /// Whether a string attribute holds several lines.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub multiline: bool,
}

/// A converted value for one attribute.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", content = "value", rename_all = "snake_case")]
pub enum AttributeValue {
    /// Text.
    String(String),
    /// Whole number.
    Integer(i64),
    /// Decimal number.
    Decimal(f64),
    /// True or false.
    Boolean(bool),
    /// Calendar date, as Unix seconds at midnight UTC of that day.
    Date(i64),
    /// Instant, as Unix seconds.
    Datetime(i64),
    /// The text of one list option.
    ListOption(String),
}

impl AttributeValue {
    /// The value as Intercom's JSON takes it.
    pub fn to_json(&self) -> serde_json::Value {
        match self {
            AttributeValue::String(text) | AttributeValue::ListOption(text) => text.clone().into(),
            AttributeValue::Integer(number)
            | AttributeValue::Date(number)
            | AttributeValue::Datetime(number) => (*number).into(),
            AttributeValue::Decimal(number) => serde_json::Number::from_f64(*number)
                .map(serde_json::Value::Number)
                .unwrap_or(serde_json::Value::Null),
            AttributeValue::Boolean(flag) => (*flag).into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_names_follow_each_models_vocabulary() {
        use AttributeModel::*;
        use AttributeType::*;
        let cases = [
            (Decimal, Contact, Some("float")),
            (Decimal, Conversation, Some("decimal")),
            (List, Company, Some("options")),
            (List, Ticket, Some("list")),
            (Date, Contact, Some("date")),
            (Date, Conversation, None),
            (Date, Ticket, None),
            (Datetime, Ticket, Some("datetime")),
        ];
        for (data_type, model, expected) in cases {
            assert_eq!(
                data_type.wire_name(model),
                expected,
                "{data_type:?} on {model:?}"
            );
        }
        for name in [
            "string", "integer", "float", "decimal", "boolean", "date", "datetime", "options",
            "list",
        ] {
            assert!(AttributeType::from_wire(name).is_some(), "{name}");
        }
        assert_eq!(AttributeType::from_wire("relationship"), None);
    }

    #[test]
    fn values_serialise_as_intercom_takes_them() {
        assert_eq!(AttributeValue::Integer(3).to_json(), serde_json::json!(3));
        assert_eq!(
            AttributeValue::Decimal(f64::NAN).to_json(),
            serde_json::Value::Null
        );
        assert_eq!(
            AttributeValue::ListOption("High".into()).to_json(),
            serde_json::json!("High")
        );
    }
}
