//! Custom form definitions and values, and legacy extension fields.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The type of a custom form field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldType {
    /// One line of text.
    Text,
    /// Several lines of text.
    TextArea,
    /// A whole number.
    Number,
    /// A decimal number.
    Decimal,
    /// A calendar date.
    Date,
    /// A date and time.
    DateTime,
    /// A yes/no box.
    Checkbox,
    /// One choice from a list.
    DropDown,
    /// Several choices from a list.
    MultiSelect,
}

impl FieldType {
    /// The type for a Vivantio `FieldType` name; `None` for an unknown one.
    pub fn from_wire(text: &str) -> Option<Self> {
        match text
            .trim()
            .to_ascii_lowercase()
            .replace([' ', '_'], "")
            .as_str()
        {
            "text" | "string" => Some(Self::Text),
            "textarea" | "multilinetext" | "memo" => Some(Self::TextArea),
            "number" | "integer" | "int" => Some(Self::Number),
            "decimal" | "float" | "currency" => Some(Self::Decimal),
            "date" => Some(Self::Date),
            "datetime" => Some(Self::DateTime),
            "checkbox" | "boolean" | "bool" => Some(Self::Checkbox),
            "dropdown" | "select" | "list" => Some(Self::DropDown),
            "multiselect" => Some(Self::MultiSelect),
            _ => None,
        }
    }
}

/// One choice of a drop-down or multi-select field.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FieldOption {
    /// Option id (values may carry it instead of the text).
    pub id: i64,
    /// Option text.
    pub value: String,
}

/// One field of a custom form.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FieldDefinition {
    /// Field id, unique across forms.
    pub id: i64,
    /// Internal name.
    pub name: String,
    /// Label shown to people.
    #[serde(default)]
    pub label: Option<String>,
    /// Value type.
    pub field_type: FieldType,
    /// Whether a value is required.
    #[serde(default)]
    pub required: bool,
    /// Choices, for drop-downs and multi-selects.
    #[serde(default)]
    pub options: Vec<FieldOption>,
}

impl FieldDefinition {
    /// The label if there is one, else the name.
    pub fn display_name(&self) -> &str {
        self.label
            .as_deref()
            .filter(|label| !label.trim().is_empty())
            .unwrap_or(&self.name)
    }
}

/// A custom form definition, attached to one record type.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CustomForm {
    /// Definition id.
    pub id: i64,
    /// Form name.
    pub name: String,
    /// Record type (ticket type id, 6 clients, 7 callers).
    pub record_type_id: i64,
    /// Its fields.
    #[serde(default)]
    pub fields: Vec<FieldDefinition>,
}

/// A legacy extension field definition (no typed equivalent; must be decided on).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LegacyField {
    /// Field id.
    pub id: i64,
    /// Internal name.
    pub name: String,
    /// Label shown to people.
    #[serde(default)]
    pub label: Option<String>,
    /// Vivantio's type name, kept as text because its codes are undocumented.
    #[serde(default)]
    pub field_type: String,
    /// Record type the field belongs to.
    pub record_type_id: i64,
}

/// The value of one custom form field on one record, as Vivantio sent it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FieldValue {
    /// Field definition id.
    pub field_id: i64,
    /// Raw value (text, number, boolean, option id or list).
    pub value: Value,
}

/// The value of one legacy extension field on one record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LegacyValue {
    /// Legacy field id.
    pub field_id: i64,
    /// Field name, as sent with the value.
    #[serde(default)]
    pub name: String,
    /// Raw value.
    pub value: Value,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_types_read_from_wire_names() {
        let cases = [
            ("Text", Some(FieldType::Text)),
            ("TextArea", Some(FieldType::TextArea)),
            ("Number", Some(FieldType::Number)),
            ("Decimal", Some(FieldType::Decimal)),
            ("Date", Some(FieldType::Date)),
            ("DateTime", Some(FieldType::DateTime)),
            ("Checkbox", Some(FieldType::Checkbox)),
            ("DropDown", Some(FieldType::DropDown)),
            ("Multi Select", Some(FieldType::MultiSelect)),
            ("Hologram", None),
        ];
        for (text, expected) in cases {
            assert_eq!(FieldType::from_wire(text), expected, "{text}");
        }
    }
}
