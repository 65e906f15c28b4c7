//! The migration's own model of a Vivantio instance.
//!
//! Adapters convert the Vivantio client's wire types into these; every decision in this crate
//! reads only these types.

mod admin;
mod config;
mod custom;
mod instance;
mod knowledge;
mod people;
mod schema;
mod ticket;
mod time;
mod wire;

pub use admin::{
    AdminInventory, AdminRule, BusinessHours, Condition, OpeningHours, PauseRule, PortalSetting,
    RuleAction, SavedReport, SlaPolicy, SlaPolicyTarget, Trigger,
};
pub use config::{
    Agent, Category, Group, Origin, Priority, SlaTarget, Status, StatusKind, TicketType,
    CALLER_RECORD_TYPE, CLIENT_RECORD_TYPE, KNOWLEDGE_BASE_RECORD_TYPE,
};
pub use custom::{
    CustomForm, FieldDefinition, FieldOption, FieldType, FieldValue, LegacyField, LegacyValue,
};
pub use instance::SourceInstance;
pub use knowledge::Article;
pub use people::{Caller, Organisation};
pub use schema::SourceSchema;
pub use ticket::{Action, Attachment, SlaInstance, Ticket};
pub use time::{SourceTime, TimeParseError};
pub use wire::{WireArea, WireFallback, WireFinding, WireReport, WireSpelling};

use serde::{Deserialize, Serialize};

/// The kinds of source record a finding or rejection can be about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SourceKind {
    /// The mapping specification or the instance as a whole.
    Instance,
    /// A ticket type.
    TicketType,
    /// A custom form field.
    CustomField,
    /// A legacy extension field.
    LegacyField,
    /// An agent.
    Agent,
    /// A group.
    Group,
    /// An organisation.
    Organisation,
    /// A caller.
    Caller,
    /// A ticket.
    Ticket,
    /// A ticket action.
    Action,
    /// An attachment.
    Attachment,
    /// A category.
    Category,
    /// A knowledge-base article.
    Article,
}

/// Which source record something is about: kind and Vivantio id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct SourceRef {
    /// Kind of record.
    pub kind: SourceKind,
    /// Vivantio id (0 for the instance as a whole).
    pub id: i64,
}

impl SourceKind {
    /// The kind's name, as it appears in findings (`ticket`, `custom_field`).
    pub fn as_str(self) -> &'static str {
        match self {
            SourceKind::Instance => "instance",
            SourceKind::TicketType => "ticket_type",
            SourceKind::CustomField => "custom_field",
            SourceKind::LegacyField => "legacy_field",
            SourceKind::Agent => "agent",
            SourceKind::Group => "group",
            SourceKind::Organisation => "organisation",
            SourceKind::Caller => "caller",
            SourceKind::Ticket => "ticket",
            SourceKind::Action => "action",
            SourceKind::Attachment => "attachment",
            SourceKind::Category => "category",
            SourceKind::Article => "article",
        }
    }
}

impl SourceRef {
    /// A reference to one record.
    pub fn new(kind: SourceKind, id: i64) -> Self {
        Self { kind, id }
    }
}

impl std::fmt::Display for SourceRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.kind.as_str(), self.id)
    }
}
