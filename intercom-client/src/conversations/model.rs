//! Conversation response types (`conversation`, `message`, ...); parts, shared with tickets,
//! are in `parts.rs`.

use serde::{Deserialize, Serialize};

use super::{PartAuthor, PartList};
use crate::common::{CustomAttributes, PartAttachment, Reference};
use crate::ids::{AdminId, ContactId, ConversationId, Id, MessageId, TeamId};
use crate::serde_helpers::null_as_default;
use crate::tags::Tag;
use crate::timestamp::Timestamp;

/// The answer to creating a conversation (`message` schema): not the conversation itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Message {
    /// Always `user_message` here.
    #[serde(rename = "type", default)]
    pub kind: Option<String>,
    /// The message id (not the conversation id).
    pub id: MessageId,
    /// Creation time (Unix seconds).
    #[serde(default)]
    pub created_at: Option<Timestamp>,
    /// Subject (email only).
    #[serde(default)]
    pub subject: Option<String>,
    /// Body.
    #[serde(default)]
    pub body: Option<String>,
    /// `inapp`, `email`, ...
    #[serde(default)]
    pub message_type: Option<String>,
    /// The conversation created; use this id for replies and updates.
    pub conversation_id: ConversationId,
}

open_enum! {
    /// Open, closed or snoozed.
    pub enum ConversationState {
        /// Open.
        Open = "open",
        /// Closed.
        Closed = "closed",
        /// Snoozed.
        Snoozed = "snoozed",
    }
}

/// A conversation (`conversation`; list and search items have no `conversation_parts`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Conversation {
    /// Always `conversation`.
    #[serde(rename = "type", default)]
    pub kind: Option<String>,
    /// Intercom's id.
    pub id: ConversationId,
    /// Title.
    #[serde(default)]
    pub title: Option<String>,
    /// Creation time (Unix seconds; settable on create for imports).
    #[serde(default)]
    pub created_at: Option<Timestamp>,
    /// Last update (Unix seconds).
    #[serde(default)]
    pub updated_at: Option<Timestamp>,
    /// Since when the contact has been waiting (Unix seconds).
    #[serde(default)]
    pub waiting_since: Option<Timestamp>,
    /// Snoozed until (Unix seconds).
    #[serde(default)]
    pub snoozed_until: Option<Timestamp>,
    /// Whether it is open.
    #[serde(default)]
    pub open: Option<bool>,
    /// Open, closed or snoozed.
    #[serde(default)]
    pub state: Option<ConversationState>,
    /// Whether it has been read.
    #[serde(default)]
    pub read: Option<bool>,
    /// `none`, `low`, `medium`, `high`, `urgent` (2.16) or older `priority` / `not_priority`.
    #[serde(default)]
    pub priority: Option<String>,
    /// Assigned admin (`0` or absent: none).
    #[serde(default)]
    pub admin_assignee_id: Option<AdminId>,
    /// Assigned team (`0` or absent: none).
    #[serde(default)]
    pub team_assignee_id: Option<TeamId>,
    /// Tags.
    #[serde(default)]
    pub tags: Option<TagList>,
    /// The first message.
    #[serde(default)]
    pub source: Option<ConversationSource>,
    /// Participating contacts.
    #[serde(default)]
    pub contacts: Option<ConversationContacts>,
    /// Participating teammates.
    #[serde(default)]
    pub teammates: Option<ConversationTeammates>,
    /// Conversation attribute values.
    #[serde(default, deserialize_with = "null_as_default")]
    pub custom_attributes: CustomAttributes,
    /// Timing statistics.
    #[serde(default)]
    pub statistics: Option<ConversationStatistics>,
    /// The parts (replies, notes, state changes); only on `GET /conversations/{id}`.
    #[serde(default)]
    pub conversation_parts: Option<PartList>,
    /// Linked tickets and conversations.
    #[serde(default)]
    pub linked_objects: Option<LinkedObjects>,
}

/// `{type: "tag.list", tags: [...]}`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct TagList {
    /// The tags.
    #[serde(default, deserialize_with = "null_as_default")]
    pub tags: Vec<Tag>,
}

/// The message that started a conversation (`conversation_source`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ConversationSource {
    /// Channel, e.g. `conversation`, `email`.
    #[serde(rename = "type", default)]
    pub kind: Option<String>,
    /// The source message's id.
    #[serde(default)]
    pub id: Option<MessageId>,
    /// How it was delivered.
    #[serde(default)]
    pub delivered_as: Option<String>,
    /// Subject.
    #[serde(default)]
    pub subject: Option<String>,
    /// Body (HTML).
    #[serde(default)]
    pub body: Option<String>,
    /// Who wrote it.
    #[serde(default)]
    pub author: Option<PartAuthor>,
    /// Attachments.
    #[serde(default, deserialize_with = "null_as_default")]
    pub attachments: Vec<PartAttachment>,
    /// Page URL it was sent from.
    #[serde(default)]
    pub url: Option<String>,
    /// Whether it was redacted.
    #[serde(default)]
    pub redacted: Option<bool>,
}

/// Contacts in a conversation.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ConversationContacts {
    /// The contacts.
    #[serde(default, deserialize_with = "null_as_default")]
    pub contacts: Vec<ContactReference>,
}

/// `{type: "contact", id, external_id}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ContactReference {
    /// Always `contact`.
    #[serde(rename = "type", default)]
    pub kind: Option<String>,
    /// Intercom's id.
    pub id: ContactId,
    /// External id.
    #[serde(default)]
    pub external_id: Option<String>,
}

/// Teammates in a conversation.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ConversationTeammates {
    /// The teammates.
    #[serde(default, deserialize_with = "null_as_default")]
    pub teammates: Vec<Reference>,
}

/// Timing statistics (`conversation_statistics`); times are Unix seconds, durations seconds.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ConversationStatistics {
    /// Seconds until first assignment.
    #[serde(default)]
    pub time_to_assignment: Option<i64>,
    /// Seconds until first admin reply.
    #[serde(default)]
    pub time_to_admin_reply: Option<i64>,
    /// Seconds until first close.
    #[serde(default)]
    pub time_to_first_close: Option<i64>,
    /// Seconds until last close.
    #[serde(default)]
    pub time_to_last_close: Option<i64>,
    /// Median seconds to reply.
    #[serde(default)]
    pub median_time_to_reply: Option<i64>,
    /// First contact reply.
    #[serde(default)]
    pub first_contact_reply_at: Option<Timestamp>,
    /// First assignment.
    #[serde(default)]
    pub first_assignment_at: Option<Timestamp>,
    /// First admin reply.
    #[serde(default)]
    pub first_admin_reply_at: Option<Timestamp>,
    /// First close.
    #[serde(default)]
    pub first_close_at: Option<Timestamp>,
    /// Last assignment.
    #[serde(default)]
    pub last_assignment_at: Option<Timestamp>,
    /// Last admin reply after the last assignment.
    #[serde(default)]
    pub last_assignment_admin_reply_at: Option<Timestamp>,
    /// Last contact reply.
    #[serde(default)]
    pub last_contact_reply_at: Option<Timestamp>,
    /// Last admin reply.
    #[serde(default)]
    pub last_admin_reply_at: Option<Timestamp>,
    /// Last close.
    #[serde(default)]
    pub last_close_at: Option<Timestamp>,
    /// Who closed it last.
    #[serde(default)]
    pub last_closed_by_id: Option<AdminId>,
    /// Number of reopens.
    #[serde(default)]
    pub count_reopens: Option<i64>,
    /// Number of assignments.
    #[serde(default)]
    pub count_assignments: Option<i64>,
    /// Number of parts.
    #[serde(default)]
    pub count_conversation_parts: Option<i64>,
    /// Handling time in seconds.
    #[serde(default)]
    pub handling_time: Option<i64>,
}

/// Linked tickets and conversations (`linked_object_list`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct LinkedObjects {
    /// The links.
    #[serde(default, deserialize_with = "null_as_default")]
    pub data: Vec<LinkedObject>,
    /// Total number.
    #[serde(default)]
    pub total_count: Option<u64>,
    /// Whether more exist.
    #[serde(default)]
    pub has_more: Option<bool>,
}

/// One linked object.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct LinkedObject {
    /// `ticket` or `conversation`.
    #[serde(rename = "type", default)]
    pub kind: Option<String>,
    /// Its id.
    pub id: Id,
    /// Ticket category, for tickets.
    #[serde(default)]
    pub category: Option<String>,
}
