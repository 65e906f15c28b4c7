//! The destination records the migration writes.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::attributes::AttributeValue;
use crate::keys::RecordKey;

/// Custom attribute values keyed by attribute name (sorted, so output is stable).
pub type AttributeValues = BTreeMap<String, AttributeValue>;

/// A company upsert (`POST /companies`, keyed by `company_id`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CompanyRecord {
    /// Our key: the Vivantio client id.
    pub company_id: String,
    /// Name.
    pub name: String,
    /// Website (normalised, or derived from the email domain).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub website: Option<String>,
    /// Original creation time (Unix seconds).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remote_created_at: Option<i64>,
    /// Custom attributes.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub custom_attributes: AttributeValues,
}

/// Whether a contact is a user (known email) or a lead.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ContactRole {
    /// A user, keyed by `external_id` and email.
    User,
    /// A lead (anonymous: no usable email).
    Lead,
}

/// A contact upsert.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ContactRecord {
    /// User or lead.
    pub role: ContactRole,
    /// Our key (`vivantio-caller-<id>`); Intercom keeps it unique for users.
    pub external_id: String,
    /// Normalised email (lowercase).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Phone in E.164, when it could be parsed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// Name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Original creation time (Unix seconds).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signed_up_at: Option<i64>,
    /// Custom attributes.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub custom_attributes: AttributeValues,
}

/// Who wrote a part.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", content = "key", rename_all = "snake_case")]
pub enum PartAuthor {
    /// An admin (agent).
    Admin(RecordKey),
    /// A contact (caller).
    Contact(RecordKey),
}

impl PartAuthor {
    /// The key of the author.
    pub fn key(&self) -> &RecordKey {
        match self {
            PartAuthor::Admin(key) | PartAuthor::Contact(key) => key,
        }
    }
}

/// What kind of part it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PartKind {
    /// A message the customer sees.
    Comment,
    /// An internal note (admins only).
    Note,
}

/// A file to upload with a part; the engine fetches its bytes from the source.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileRef {
    /// Vivantio attachment id.
    pub attachment_id: i64,
    /// GUID to download it with.
    pub guid: String,
    /// File name.
    pub file_name: String,
    /// MIME type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_type: Option<String>,
    /// Size in bytes, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<u64>,
}

/// One part (reply or note) of a conversation or ticket.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PartRecord {
    /// Author.
    pub author: PartAuthor,
    /// Comment or note.
    pub kind: PartKind,
    /// Body as HTML Intercom renders.
    pub body_html: String,
    /// Original time (Unix seconds), never earlier than the part before it.
    pub created_at: i64,
    /// Files (at most ten per part).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attachments: Vec<FileRef>,
}

/// The opening message of a conversation, from the contact (`POST /conversations`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConversationOpening {
    /// Contact who opened it.
    pub contact: RecordKey,
    /// Plain-text body (Intercom takes no HTML here).
    pub body: String,
    /// Original time (Unix seconds).
    pub created_at: i64,
}

/// An Intercom ticket (`POST /tickets`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TicketRecord {
    /// Ticket type.
    pub ticket_type: RecordKey,
    /// Contact it is for.
    pub contact: RecordKey,
    /// Company it is for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub company: Option<RecordKey>,
    /// `_default_title_`.
    pub title: String,
    /// `_default_description_` (plain text).
    pub description: String,
    /// Original time (Unix seconds).
    pub created_at: i64,
    /// Ticket attributes.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub attributes: AttributeValues,
    /// Admin the ticket is assigned to as it is created (no match: unassigned).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub admin: Option<RecordKey>,
    /// Team the ticket is assigned to as it is created (no match: unassigned).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub team: Option<RecordKey>,
}

/// Intercom ticket type category.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TicketCategory {
    /// Customer-facing.
    Customer,
    /// Internal work on behalf of a customer.
    BackOffice,
    /// Tracks an issue that affects many customers.
    Tracker,
}

/// An Intercom ticket type the migration needs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TicketTypeDefinition {
    /// Name.
    pub name: String,
    /// Description.
    pub description: String,
    /// Category.
    pub category: TicketCategory,
}

/// Conversation state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConversationState {
    /// Open.
    Open,
    /// Closed.
    Closed,
    /// Snoozed.
    Snoozed,
}

impl ConversationState {
    /// Intercom's name of the state (`open`, `closed`, `snoozed`).
    pub fn as_str(self) -> &'static str {
        match self {
            ConversationState::Open => "open",
            ConversationState::Closed => "closed",
            ConversationState::Snoozed => "snoozed",
        }
    }
}

/// Intercom ticket state category (the engine picks the workspace's state of that category).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TicketStateCategory {
    /// Submitted.
    Submitted,
    /// In progress.
    InProgress,
    /// Waiting on the customer.
    WaitingOnCustomer,
    /// Resolved.
    Resolved,
}

impl TicketStateCategory {
    /// Intercom's name of the category (`submitted`, `in_progress`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            TicketStateCategory::Submitted => "submitted",
            TicketStateCategory::InProgress => "in_progress",
            TicketStateCategory::WaitingOnCustomer => "waiting_on_customer",
            TicketStateCategory::Resolved => "resolved",
        }
    }
}

/// The state a thread ends in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "thread", content = "state", rename_all = "snake_case")]
pub enum ThreadState {
    /// A conversation state.
    Conversation(ConversationState),
    /// A ticket state category.
    Ticket(TicketStateCategory),
}

/// Intercom priority level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PriorityLevel {
    /// None.
    None,
    /// Low.
    Low,
    /// Medium.
    Medium,
    /// High.
    High,
    /// Urgent.
    Urgent,
}

/// A Help Center collection.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CollectionRecord {
    /// Name.
    pub name: String,
    /// Parent collection, for nesting.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<RecordKey>,
}

/// Article publication state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ArticleState {
    /// Visible.
    Published,
    /// Not visible.
    Draft,
}

/// A Help Center article.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ArticleRecord {
    /// Title.
    pub title: String,
    /// Description (summary).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Body as HTML, links and images rewritten where the ID map knew them.
    pub body_html: String,
    /// Author (must be an admin).
    pub author: RecordKey,
    /// Published or draft.
    pub state: ArticleState,
    /// Collection.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<RecordKey>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn state_names_are_the_serialized_names() {
        let conversation = [
            ConversationState::Open,
            ConversationState::Closed,
            ConversationState::Snoozed,
        ];
        for state in conversation {
            assert_eq!(serde_json::to_value(state).unwrap(), state.as_str());
        }
        let ticket = [
            TicketStateCategory::Submitted,
            TicketStateCategory::InProgress,
            TicketStateCategory::WaitingOnCustomer,
            TicketStateCategory::Resolved,
        ];
        for category in ticket {
            assert_eq!(serde_json::to_value(category).unwrap(), category.as_str());
        }
    }
}
