//! Every part of a thread that carries content, whoever wrote it, flattened as
//! `content_parts.<n>.id|kind|author|author_id|author_name|body|created_at` and
//! `content_parts.count`: verification compares their ids with the parts the migration wrote to
//! name what Intercom's own automation added (a workflow or Fin reply, a survey).
//!
//! Assignment, state and attribute events are left out: the migration's own assignments and
//! state changes make them, and they send nothing to a customer. Any other part type, one this
//! tool does not know included, is kept, so an unknown automation shows rather than hides.

use std::collections::BTreeMap;

use intercom_client::conversations::{PartList, PartType};
use intercom_client::Id;
use migration_core::engine::CONTENT_PARTS;
use serde_json::Value;

use super::values::{author_kind, text_or_null};

/// Characters of a body kept: enough to recognise the text in a report.
const BODY_KEPT: usize = 400;

/// Part types that record an assignment, a state or an attribute change.
const EVENT_PART_TYPES: &[&str] = &[
    "open",
    "close",
    "snoozed",
    "unsnoozed",
    "timer_unsnooze",
    "title_changed",
    "merged_primary_conversation",
];

/// Whether a part type is an assignment, state or attribute event rather than content.
pub(crate) fn is_event(part_type: &str) -> bool {
    EVENT_PART_TYPES.contains(&part_type)
        || part_type.contains("assign")
        || part_type.contains("_updated_by_")
        || part_type.starts_with("participant_")
        || part_type.starts_with("ticket_state")
}

/// `content_parts.*` of a conversation's or a ticket's parts.
pub(crate) fn insert(fields: &mut BTreeMap<String, Value>, list: Option<&PartList>) {
    let parts = list.map(|list| list.parts.as_slice()).unwrap_or_default();
    let content = parts.iter().filter(|part| {
        !part
            .part_type
            .as_ref()
            .is_some_and(|kind| is_event(kind.as_str()))
    });
    let mut count = 0usize;
    for part in content {
        let prefix = format!("{CONTENT_PARTS}.{count}");
        count += 1;
        let author = part.author.as_ref();
        let body = part
            .body
            .as_deref()
            .map(|body| body.chars().take(BODY_KEPT).collect::<String>());
        fields.insert(format!("{prefix}.id"), Value::String(part.id.to_string()));
        fields.insert(
            format!("{prefix}.kind"),
            text_or_null(part.part_type.as_ref().map(PartType::as_str)),
        );
        fields.insert(
            format!("{prefix}.author"),
            Value::from(author_kind(
                author.and_then(|author| author.kind.as_deref()),
            )),
        );
        fields.insert(
            format!("{prefix}.author_id"),
            text_or_null(author.and_then(|author| author.id.as_ref()).map(Id::as_str)),
        );
        fields.insert(
            format!("{prefix}.author_name"),
            text_or_null(author.and_then(|author| author.name.as_deref())),
        );
        fields.insert(format!("{prefix}.body"), text_or_null(body.as_deref()));
        fields.insert(
            format!("{prefix}.created_at"),
            part.created_at.map_or(Value::Null, Value::from),
        );
    }
    fields.insert(format!("{CONTENT_PARTS}.count"), count.into());
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn replies_surveys_and_unknown_parts_are_content_events_are_not() {
        let list: PartList = serde_json::from_value(json!({
            "conversation_parts": [
                {"id": "1", "part_type": "comment", "body": "<p>Hi, Fin here</p>", "created_at": 1_800_000_000,
                 "author": {"type": "bot", "id": "278", "name": "Fin"}},
                {"id": "2", "part_type": "assignment", "created_at": 1, "author": {"type": "admin", "id": "1"}},
                {"id": "3", "part_type": "default_assignment", "created_at": 1},
                {"id": "4", "part_type": "conversation_attribute_updated_by_admin", "created_at": 1},
                {"id": "5", "part_type": "close", "created_at": 1},
                {"id": "6", "part_type": "conversation_rating_requested", "created_at": 2},
                {"id": "7", "part_type": "note", "body": "internal", "created_at": 3,
                 "author": {"type": "user", "id": "1000001"}}
            ]
        }))
        .unwrap();
        let mut fields = BTreeMap::new();
        insert(&mut fields, Some(&list));
        assert_eq!(fields["content_parts.count"], json!(3));
        assert_eq!(fields["content_parts.0.id"], json!("1"));
        assert_eq!(fields["content_parts.0.author"], json!("bot"));
        assert_eq!(fields["content_parts.0.author_name"], json!("Fin"));
        assert_eq!(fields["content_parts.0.body"], json!("<p>Hi, Fin here</p>"));
        assert_eq!(
            fields["content_parts.1.kind"],
            json!("conversation_rating_requested")
        );
        assert_eq!(fields["content_parts.2.author"], json!("user"));
        assert!(is_event("ticket_state_updated_by_admin"));
        assert!(!is_event("quick_reply"));
    }
}
