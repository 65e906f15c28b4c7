//! Tickets with their actions (messages and notes), attachments and SLA stages.

use serde::{Deserialize, Serialize};

use super::custom::{FieldValue, LegacyValue};
use super::time::SourceTime;

/// A Vivantio ticket, with everything that hangs off it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Ticket {
    /// Internal id.
    pub id: i64,
    /// Human ticket number ("INC-1042").
    #[serde(default)]
    pub display_id: Option<String>,
    /// Ticket type (record type) id.
    pub record_type_id: i64,
    /// Title.
    #[serde(default)]
    pub title: String,
    /// Description as plain text.
    #[serde(default)]
    pub description: Option<String>,
    /// Description as HTML.
    #[serde(default)]
    pub description_html: Option<String>,
    /// Solution as plain text.
    #[serde(default)]
    pub solution: Option<String>,
    /// Status id.
    #[serde(default)]
    pub status_id: Option<i64>,
    /// Priority id.
    #[serde(default)]
    pub priority_id: Option<i64>,
    /// Category id.
    #[serde(default)]
    pub category_id: Option<i64>,
    /// Origin code (`CallOrigin`).
    #[serde(default)]
    pub origin: Option<i64>,
    /// Caller id.
    #[serde(default)]
    pub caller_id: Option<i64>,
    /// Caller name as stored on the ticket.
    #[serde(default)]
    pub caller_name: Option<String>,
    /// Caller email as stored on the ticket.
    #[serde(default)]
    pub caller_email: Option<String>,
    /// Organisation id.
    #[serde(default)]
    pub client_id: Option<i64>,
    /// Assigned agent.
    #[serde(default)]
    pub owner_id: Option<i64>,
    /// Assigned group.
    #[serde(default)]
    pub group_id: Option<i64>,
    /// When it was opened.
    #[serde(default)]
    pub opened_at: Option<SourceTime>,
    /// When it was closed.
    #[serde(default)]
    pub closed_at: Option<SourceTime>,
    /// When it was resolved.
    #[serde(default)]
    pub resolved_at: Option<SourceTime>,
    /// Last change.
    #[serde(default)]
    pub updated_at: Option<SourceTime>,
    /// Whether it was deleted in Vivantio.
    #[serde(default)]
    pub deleted: bool,
    /// Custom form values.
    #[serde(default)]
    pub custom_values: Vec<FieldValue>,
    /// Legacy extension field values.
    #[serde(default)]
    pub legacy_values: Vec<LegacyValue>,
    /// History, in any order (transforms sort it).
    #[serde(default)]
    pub actions: Vec<Action>,
    /// Attachments that belong to the ticket but to no action.
    #[serde(default)]
    pub attachments: Vec<Attachment>,
    /// Parent tickets (Vivantio allows several; the first is used as the link).
    #[serde(default)]
    pub parent_ids: Vec<i64>,
    /// SLA stage instances.
    #[serde(default)]
    pub sla: Vec<SlaInstance>,
}

/// One entry of a ticket's history: a message, a note, or a system event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Action {
    /// Action id.
    pub id: i64,
    /// When it happened.
    #[serde(default)]
    pub at: Option<SourceTime>,
    /// Agent who did it, when it was an agent.
    #[serde(default)]
    pub agent_id: Option<i64>,
    /// Author name as recorded.
    #[serde(default)]
    pub author_name: Option<String>,
    /// Author email as recorded.
    #[serde(default)]
    pub author_email: Option<String>,
    /// Action kind or summary ("Note Added", "Email Received").
    #[serde(default)]
    pub kind: Option<String>,
    /// Note text.
    #[serde(default)]
    pub notes: Option<String>,
    /// Note HTML.
    #[serde(default)]
    pub notes_html: Option<String>,
    /// Whether only agents can see it.
    #[serde(default)]
    pub private: bool,
    /// Status set by this action.
    #[serde(default)]
    pub status_id: Option<i64>,
    /// Files added with it.
    #[serde(default)]
    pub attachments: Vec<Attachment>,
}

/// A file attached to a ticket or an action.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Attachment {
    /// Attachment id.
    pub id: i64,
    /// GUID used to download it.
    pub guid: String,
    /// File name.
    pub file_name: String,
    /// MIME type.
    #[serde(default)]
    pub content_type: Option<String>,
    /// Size in bytes, when known.
    #[serde(default)]
    pub size: Option<u64>,
    /// Whether only agents can see it.
    #[serde(default)]
    pub private: bool,
    /// When it was added.
    #[serde(default)]
    pub created_at: Option<SourceTime>,
}

/// One SLA stage of one ticket.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SlaInstance {
    /// Instance id.
    pub id: i64,
    /// Stage ("Response", "Resolution").
    pub stage_name: String,
    /// Deadline.
    #[serde(default)]
    pub target_at: Option<SourceTime>,
    /// When the stage was met.
    #[serde(default)]
    pub completed_at: Option<SourceTime>,
    /// Whether the deadline was missed.
    #[serde(default)]
    pub breached: bool,
}
