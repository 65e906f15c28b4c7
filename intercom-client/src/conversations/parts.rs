//! The parts of conversations and tickets (`conversation_part`, `ticket_part`, `ticket_reply`):
//! one [`Part`] type for both, since a ticket's parts differ from a conversation's only by a
//! few fields each side leaves out.

use serde::{Deserialize, Serialize};

use super::ConversationState;
use crate::common::{PartAttachment, Reference};
use crate::ids::{Id, PartId};
use crate::serde_helpers::null_as_default;
use crate::tags::Tag;
use crate::ticket_states::TicketStateCategory;
use crate::timestamp::Timestamp;

open_enum! {
    /// What a conversation or ticket part records (`part_type`); Intercom adds kinds often.
    pub enum PartType {
        /// A reply visible to the customer.
        Comment = "comment",
        /// An internal note.
        Note = "note",
        /// A reply with quick-reply buttons.
        QuickReply = "quick_reply",
        /// An assignment by a teammate.
        Assignment = "assignment",
        /// An assignment by a rule or the default inbox.
        DefaultAssignment = "default_assignment",
        /// An assignment that also reopened the conversation.
        AssignAndReopen = "assign_and_reopen",
        /// An assignment that also unsnoozed the conversation.
        AssignAndUnsnooze = "assign_and_unsnooze",
        /// A reassignment because the assignee is away.
        AwayModeAssignment = "away_mode_assignment",
        /// The conversation was (re)opened.
        Open = "open",
        /// The conversation was closed.
        Close = "close",
        /// The conversation was snoozed.
        Snoozed = "snoozed",
        /// The conversation was unsnoozed by a teammate.
        Unsnoozed = "unsnoozed",
        /// The snooze timer ran out.
        TimerUnsnooze = "timer_unsnooze",
        /// A conversation attribute changed.
        ConversationAttributeUpdatedByAdmin = "conversation_attribute_updated_by_admin",
        /// A ticket's state changed.
        TicketStateUpdatedByAdmin = "ticket_state_updated_by_admin",
        /// A ticket attribute changed.
        TicketAttributeUpdatedByAdmin = "ticket_attribute_updated_by_admin",
    }
}

/// The author of a part or source (`conversation_part_author`, `ticket_part_author`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PartAuthor {
    /// `admin`, `user`, `lead`, `bot`, `team`.
    #[serde(rename = "type", default)]
    pub kind: Option<String>,
    /// Author id.
    #[serde(default)]
    pub id: Option<Id>,
    /// Name.
    #[serde(default)]
    pub name: Option<String>,
    /// Email.
    #[serde(default)]
    pub email: Option<String>,
    /// Whether Fin wrote it (conversations only).
    #[serde(default)]
    pub from_ai_agent: Option<bool>,
    /// Whether it is an AI answer (conversations only).
    #[serde(default)]
    pub is_ai_answer: Option<bool>,
}

/// The parts of a conversation (`conversation_parts`) or of a ticket (`ticket_parts`): the same
/// list under its owner's member name, which it is written back under.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(from = "PartListWire", into = "PartListWire")]
#[non_exhaustive]
pub struct PartList {
    /// `conversation_part.list` or `ticket_part.list`.
    pub kind: Option<String>,
    /// The parts, oldest first (at most the 500 most recent are returned).
    pub parts: Vec<Part>,
    /// Number of parts, those not returned included.
    pub total_count: Option<u64>,
    owner: PartOwner,
}

/// Which member a [`PartList`] was read from.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
enum PartOwner {
    #[default]
    Conversation,
    Ticket,
}

/// A [`PartList`] as Intercom writes it.
#[derive(Serialize, Deserialize)]
struct PartListWire {
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    kind: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    conversation_parts: Option<Vec<Part>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    ticket_parts: Option<Vec<Part>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    total_count: Option<u64>,
}

impl From<PartListWire> for PartList {
    fn from(wire: PartListWire) -> Self {
        let (owner, parts) = match (wire.conversation_parts, wire.ticket_parts) {
            (_, Some(parts)) => (PartOwner::Ticket, parts),
            (parts, None) => (PartOwner::Conversation, parts.unwrap_or_default()),
        };
        PartList {
            kind: wire.kind,
            parts,
            total_count: wire.total_count,
            owner,
        }
    }
}

impl From<PartList> for PartListWire {
    fn from(list: PartList) -> Self {
        let (conversation_parts, ticket_parts) = match list.owner {
            PartOwner::Conversation => (Some(list.parts), None),
            PartOwner::Ticket => (None, Some(list.parts)),
        };
        PartListWire {
            kind: list.kind,
            conversation_parts,
            ticket_parts,
            total_count: list.total_count,
        }
    }
}

/// One part of a conversation or ticket: a reply, note, assignment, state change, ...
/// (`conversation_part`, `ticket_part`; also the answer to a ticket reply, `ticket_reply`).
/// Fields marked "conversations only" or "tickets only" are absent from the other's parts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Part {
    /// `conversation_part` or `ticket_part`.
    #[serde(rename = "type", default)]
    pub kind: Option<String>,
    /// Part id.
    pub id: PartId,
    /// `comment`, `note`, `assignment`, `close`, `ticket_state_updated_by_admin`, ...
    #[serde(default)]
    pub part_type: Option<PartType>,
    /// Body (HTML).
    #[serde(default)]
    pub body: Option<String>,
    /// Creation time (Unix seconds).
    #[serde(default)]
    pub created_at: Option<Timestamp>,
    /// Last update (Unix seconds).
    #[serde(default)]
    pub updated_at: Option<Timestamp>,
    /// The new assignee, for assignment parts.
    #[serde(default)]
    pub assigned_to: Option<Reference>,
    /// Who wrote it.
    #[serde(default)]
    pub author: Option<PartAuthor>,
    /// Attachments.
    #[serde(default, deserialize_with = "null_as_default")]
    pub attachments: Vec<PartAttachment>,
    /// External id of the part, if any.
    #[serde(default)]
    pub external_id: Option<String>,
    /// Whether it was redacted.
    #[serde(default)]
    pub redacted: Option<bool>,
    /// Which app created it.
    #[serde(default)]
    pub app_package_code: Option<String>,
    /// When the contact was notified (Unix seconds); conversations only.
    #[serde(default)]
    pub notified_at: Option<Timestamp>,
    /// Conversation state after this part; conversations only.
    #[serde(default)]
    pub state: Option<ConversationState>,
    /// Tags added to the part; conversations only.
    #[serde(default, deserialize_with = "null_as_default")]
    pub tags: Vec<Tag>,
    /// Extra data some part types carry (quick-reply options); conversations only.
    #[serde(default)]
    pub metadata: Option<serde_json::Value>,
    /// State category before this part; tickets only.
    #[serde(default)]
    pub previous_ticket_state: Option<TicketStateCategory>,
    /// State category after this part; tickets only.
    #[serde(default)]
    pub ticket_state: Option<TicketStateCategory>,
    /// The attribute change this part records; tickets only.
    #[serde(default)]
    pub updated_attribute_data: Option<serde_json::Value>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn new_states_and_part_types_survive_a_decode_and_are_written_back_verbatim() {
        let wire = json!({"id": "1", "part_type": "fin_answer", "state": "pending"});
        let part: Part = serde_json::from_value(wire).unwrap();
        assert_eq!(part.part_type, Some(PartType::Unknown("fin_answer".into())));
        assert_eq!(
            part.state,
            Some(ConversationState::Unknown("pending".into()))
        );
        let back = serde_json::to_value(&part).unwrap();
        assert_eq!(
            (back["part_type"].as_str(), back["state"].as_str()),
            (Some("fin_answer"), Some("pending"))
        );
        let known: Part =
            serde_json::from_value(json!({"id": "2", "part_type": "note", "state": "closed"}))
                .unwrap();
        assert_eq!(
            (known.part_type, known.state),
            (Some(PartType::Note), Some(ConversationState::Closed))
        );
    }

    #[test]
    fn ticket_parts_keep_their_state_categories_and_attribute_changes() {
        let part: Part = serde_json::from_value(json!({
            "type": "ticket_part", "id": "9", "part_type": "ticket_state_updated_by_admin",
            "previous_ticket_state": "submitted", "ticket_state": "in_progress",
            "app_package_code": "test-integration",
            "updated_attribute_data": {"attribute": {"type": "attribute", "id": "1", "label": "Priority"},
                                       "value": {"type": "value", "id": "2", "label": "High"}}
        }))
        .unwrap();
        assert_eq!(
            (part.previous_ticket_state, part.ticket_state),
            (
                Some(TicketStateCategory::Submitted),
                Some(TicketStateCategory::InProgress)
            )
        );
        assert_eq!(part.app_package_code.as_deref(), Some("test-integration"));
        assert_eq!(
            part.updated_attribute_data.unwrap()["value"]["label"],
            "High"
        );
    }

    #[test]
    fn a_part_list_reads_either_member_and_writes_back_the_one_it_read() {
        for member in ["conversation_parts", "ticket_parts"] {
            let wire = json!({member: [{"id": "1", "part_type": "note"}], "total_count": 3});
            let list: PartList = serde_json::from_value(wire.clone()).unwrap();
            assert_eq!(list.parts.len(), 1, "{member}");
            assert_eq!(list.total_count, Some(3));
            let back = serde_json::to_value(&list).unwrap();
            assert_eq!(back[member][0]["id"], "1", "{member}: {back}");
            assert_eq!(back.as_object().unwrap().len(), 2, "{member}: {back}");
        }
        let empty: PartList = serde_json::from_value(json!({"conversation_parts": null})).unwrap();
        assert!(empty.parts.is_empty());
    }
}
