//! Object and field rules of the mapping specification.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::model::destination::{
    AttributeType, ConversationState, PriorityLevel, TicketCategory, TicketStateCategory,
};

/// What a ticket type becomes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ThreadTarget {
    /// An Intercom conversation.
    Conversation,
    /// An Intercom ticket of the rule's `intercom_ticket_type`.
    Ticket,
}

/// How one Vivantio ticket type moves.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TicketTypeRule {
    /// Vivantio record type id.
    pub source_id: i64,
    /// Its name, for people reading the file.
    pub source_name: String,
    /// Conversation or ticket.
    pub target: ThreadTarget,
    /// Intercom ticket type name, when the target is a ticket (created if missing).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub intercom_ticket_type: Option<String>,
    /// Intercom ticket type category, when the type must be created.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ticket_category: Option<TicketCategory>,
}

/// How one status maps to a final state.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StatusRule {
    /// Vivantio status id.
    pub source_id: i64,
    /// Its name, for people reading the file.
    pub source_name: String,
    /// State when the ticket becomes a conversation.
    pub conversation_state: ConversationState,
    /// State category when the ticket becomes an Intercom ticket.
    pub ticket_state: TicketStateCategory,
}

/// How one priority maps.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PriorityRule {
    /// Vivantio priority id.
    pub source_id: i64,
    /// Its name, for people reading the file.
    pub source_name: String,
    /// Intercom priority level.
    pub level: PriorityLevel,
    /// Tag of threads with this priority, when `[priority] tags` is on (the priority's name is
    /// an option of the `[priority]` attribute either way: Intercom 2.16 cannot set a
    /// conversation's own priority through the API).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tag: Option<String>,
}

/// Which destination object a field's attribute lives on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TargetModel {
    /// The conversation or Intercom ticket the Vivantio ticket becomes (a conversation
    /// attribute, or an attribute of the Intercom ticket type).
    Thread,
    /// The contact.
    Contact,
    /// The company.
    Company,
}

/// A built-in (non-custom) source field that can be mapped to an attribute.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BuiltinField {
    /// Ticket number shown to people (`DisplayId`).
    TicketDisplayId,
    /// Vivantio ticket id.
    TicketId,
    /// Category path ("Hardware / Laptop").
    TicketCategoryPath,
    /// Solution text.
    TicketSolution,
    /// Resolution time.
    TicketResolvedAt,
    /// Close time.
    TicketClosedAt,
    /// Caller location name.
    CallerLocation,
    /// Caller notes.
    CallerNotes,
    /// Caller external key.
    CallerExternalKey,
    /// Caller creation time.
    CallerCreatedAt,
    /// Organisation reference code.
    OrganisationReference,
    /// Organisation notes.
    OrganisationNotes,
    /// Organisation external key.
    OrganisationExternalKey,
}

impl BuiltinField {
    /// Every built-in field.
    pub const ALL: [BuiltinField; 13] = [
        BuiltinField::TicketDisplayId,
        BuiltinField::TicketId,
        BuiltinField::TicketCategoryPath,
        BuiltinField::TicketSolution,
        BuiltinField::TicketResolvedAt,
        BuiltinField::TicketClosedAt,
        BuiltinField::CallerLocation,
        BuiltinField::CallerNotes,
        BuiltinField::CallerExternalKey,
        BuiltinField::CallerCreatedAt,
        BuiltinField::OrganisationReference,
        BuiltinField::OrganisationNotes,
        BuiltinField::OrganisationExternalKey,
    ];

    /// The field's name in the specification (`ticket.display_id`).
    pub fn as_str(self) -> &'static str {
        match self {
            BuiltinField::TicketDisplayId => "ticket.display_id",
            BuiltinField::TicketId => "ticket.id",
            BuiltinField::TicketCategoryPath => "ticket.category_path",
            BuiltinField::TicketSolution => "ticket.solution",
            BuiltinField::TicketResolvedAt => "ticket.resolved_at",
            BuiltinField::TicketClosedAt => "ticket.closed_at",
            BuiltinField::CallerLocation => "caller.location",
            BuiltinField::CallerNotes => "caller.notes",
            BuiltinField::CallerExternalKey => "caller.external_key",
            BuiltinField::CallerCreatedAt => "caller.created_at",
            BuiltinField::OrganisationReference => "organisation.reference",
            BuiltinField::OrganisationNotes => "organisation.notes",
            BuiltinField::OrganisationExternalKey => "organisation.external_key",
        }
    }

    /// The model whose records carry the field.
    pub fn model(self) -> TargetModel {
        match self.as_str().split('.').next() {
            Some("caller") => TargetModel::Contact,
            Some("organisation") => TargetModel::Company,
            _ => TargetModel::Thread,
        }
    }

    /// The attribute type the field's values naturally have.
    pub fn natural_type(self) -> AttributeType {
        match self {
            BuiltinField::TicketId => AttributeType::Integer,
            BuiltinField::TicketResolvedAt
            | BuiltinField::TicketClosedAt
            | BuiltinField::CallerCreatedAt => AttributeType::Datetime,
            _ => AttributeType::String,
        }
    }
}

/// Where a field rule reads its value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SourceField {
    /// A custom form field, by field id (`custom:34`).
    Custom(i64),
    /// A built-in field (`ticket.display_id`).
    Builtin(BuiltinField),
}

impl fmt::Display for SourceField {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SourceField::Custom(id) => write!(f, "custom:{id}"),
            SourceField::Builtin(field) => f.write_str(field.as_str()),
        }
    }
}

/// Why a text is not a source field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a source field (use `custom:<field id>` or one of: ticket.display_id, ticket.id, ticket.category_path, ticket.solution, ticket.resolved_at, ticket.closed_at, caller.location, caller.notes, caller.external_key, caller.created_at, organisation.reference, organisation.notes, organisation.external_key)")]
pub struct ParseSourceFieldError(pub String);

impl FromStr for SourceField {
    type Err = ParseSourceFieldError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let text = text.trim();
        if let Some(id) = text.strip_prefix("custom:") {
            return id
                .trim()
                .parse()
                .map(SourceField::Custom)
                .map_err(|_| ParseSourceFieldError(text.to_string()));
        }
        BuiltinField::ALL
            .into_iter()
            .find(|field| field.as_str() == text)
            .map(SourceField::Builtin)
            .ok_or_else(|| ParseSourceFieldError(text.to_string()))
    }
}

impl Serialize for SourceField {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for SourceField {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer)?
            .parse()
            .map_err(serde::de::Error::custom)
    }
}

/// How a value is converted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Transform {
    /// Chosen from the source field type and the attribute type.
    #[default]
    Auto,
    /// One line of text (line breaks become spaces).
    Text,
    /// Several lines of text (line breaks normalised to `\n`).
    MultilineText,
    /// Whole number.
    Integer,
    /// Decimal number.
    Decimal,
    /// Yes/no.
    Boolean,
    /// Calendar date.
    Date,
    /// Date and time, read in the source time zone when it has no offset.
    Datetime,
    /// One option of a list (drop-down option ids become their text, then the value map).
    ListOption,
    /// Several choices joined into text ("a, b").
    Joined,
}

/// One field rule: a source field onto a destination attribute.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FieldRule {
    /// Where the value comes from.
    pub source: SourceField,
    /// The source field's label, for people reading the file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// Which object the attribute lives on.
    pub model: TargetModel,
    /// Attribute name.
    pub attribute: String,
    /// Attribute type.
    pub data_type: AttributeType,
    /// Conversion.
    #[serde(default)]
    pub transform: Transform,
    /// Name of a value map applied after conversion to text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value_map: Option<String>,
    /// Options of a list attribute.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<String>,
}

/// What to do with a legacy extension field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LegacyDecision {
    /// Not decided yet: the checker refuses the specification.
    Undecided,
    /// Keep the values in an internal note on each ticket.
    Archive,
    /// Move the values into a named attribute.
    Remap,
}

/// The decision for one legacy extension field.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LegacyFieldRule {
    /// Legacy field id.
    pub source_id: i64,
    /// Its name, for people reading the file.
    pub source_name: String,
    /// The decision.
    pub decision: LegacyDecision,
    /// Attribute name, when remapped (a thread attribute).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attribute: Option<String>,
    /// Attribute type, when remapped.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data_type: Option<AttributeType>,
}
