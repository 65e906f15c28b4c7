//! Flattening conversations and tickets into the field names verification compares.

use std::collections::BTreeMap;

use intercom_client::common::PartAttachment;
use intercom_client::conversations::{
    Conversation, ConversationContacts, ConversationState, Part, PartList, PartType,
};
use intercom_client::tickets::Ticket;
use intercom_client::{AdminId, Id, TeamId};
use migration_core::verify::PARTS_NOT_SHOWN;
use serde_json::Value;

use super::content_parts;
use super::ticket_lists::{TypeAttributes, DESCRIPTION_ATTRIBUTE, TITLE_ATTRIBUTE};
use super::values::{author_kind, flatten_custom, text_or_null};

/// One reply or note, as read back.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ObservedPart {
    pub(crate) id: String,
    pub(crate) kind: String,
    pub(crate) body: Option<String>,
    pub(crate) created_at: Option<i64>,
    pub(crate) author_type: Option<String>,
    pub(crate) author_id: Option<String>,
    pub(crate) attachments: Vec<PartAttachment>,
}

/// The replies and notes of a conversation, in order.
pub(crate) fn conversation_parts(conversation: &Conversation) -> Vec<ObservedPart> {
    written_parts(conversation.conversation_parts.as_ref())
}

/// The replies and notes of a ticket, in order.
pub(crate) fn ticket_parts(ticket: &Ticket) -> Vec<ObservedPart> {
    written_parts(ticket.ticket_parts.as_ref())
}

/// The replies and notes among a conversation's or a ticket's parts, in order.
fn written_parts(list: Option<&PartList>) -> Vec<ObservedPart> {
    let parts = list.map(|list| list.parts.as_slice()).unwrap_or_default();
    parts
        .iter()
        .filter(|part| is_written_part(part.part_type.as_ref()))
        .map(ObservedPart::from)
        .collect()
}

impl From<&Part> for ObservedPart {
    fn from(part: &Part) -> Self {
        let author = part.author.as_ref();
        ObservedPart {
            id: part.id.to_string(),
            kind: part
                .part_type
                .as_ref()
                .map(PartType::as_str)
                .unwrap_or_default()
                .to_owned(),
            body: part.body.clone(),
            created_at: part.created_at.map(i64::from),
            author_type: author.and_then(|author| author.kind.clone()),
            author_id: author.and_then(|author| author.id.as_ref().map(Id::to_string)),
            attachments: part.attachments.clone(),
        }
    }
}

/// Whether a part type is one the migration writes (a reply or a note).
fn is_written_part(part_type: Option<&PartType>) -> bool {
    matches!(part_type, Some(PartType::Comment | PartType::Note))
}

/// `parts.*`, `content_parts.*` and [`PARTS_NOT_SHOWN`] of a conversation's or a ticket's parts.
fn insert_parts(fields: &mut BTreeMap<String, Value>, list: Option<&PartList>) {
    flatten_parts(fields, &written_parts(list));
    content_parts::insert(fields, list);
    if let Some(list) = list {
        insert_not_shown(fields, list.parts.len(), list.total_count);
    }
}

/// A conversation's fields, under the names verification compares.
pub(crate) fn flatten_conversation(
    conversation: &Conversation,
    fields: &mut BTreeMap<String, Value>,
) {
    fields.insert(
        "created_at".into(),
        conversation.created_at.map_or(Value::Null, Value::from),
    );
    fields.insert("title".into(), text_or_null(conversation.title.as_deref()));
    let state = conversation
        .state
        .as_ref()
        .filter(|state| state.is_known())
        .map(ConversationState::as_str);
    fields.insert("state".into(), text_or_null(state));
    if let Some(source) = &conversation.source {
        fields.insert("source.body".into(), text_or_null(source.body.as_deref()));
        let author = source.author.as_ref();
        fields.insert(
            "source.author".into(),
            Value::from(author_kind(
                author.and_then(|author| author.kind.as_deref()),
            )),
        );
        fields.insert(
            "source.author_id".into(),
            text_or_null(author.and_then(|author| author.id.as_ref()).map(Id::as_str)),
        );
    }
    let mut tags: Vec<String> = conversation
        .tags
        .as_ref()
        .map(|list| {
            list.tags
                .iter()
                .filter_map(|tag| tag.name.as_deref())
                .map(str::to_lowercase)
                .collect()
        })
        .unwrap_or_default();
    tags.sort();
    fields.insert("tags".into(), tags.into());
    insert_people(
        fields,
        conversation.contacts.as_ref(),
        conversation.admin_assignee_id.as_ref(),
        conversation.team_assignee_id.as_ref(),
    );
    flatten_custom(fields, &conversation.custom_attributes);
    insert_parts(fields, conversation.conversation_parts.as_ref());
}

/// A ticket's fields; list attributes read back as item ids show as the labels `lists` gives
/// them, so they compare equal to the labels the migration wrote (whichever Intercom returns).
pub(crate) fn flatten_ticket(
    ticket: &Ticket,
    lists: &TypeAttributes,
    fields: &mut BTreeMap<String, Value>,
) {
    fields.insert(
        "created_at".into(),
        ticket.created_at.map_or(Value::Null, Value::from),
    );
    let attributes = &ticket.ticket_attributes;
    fields.insert(
        "title".into(),
        attributes
            .get(TITLE_ATTRIBUTE)
            .cloned()
            .unwrap_or(Value::Null),
    );
    fields.insert(
        "description".into(),
        attributes
            .get(DESCRIPTION_ATTRIBUTE)
            .cloned()
            .unwrap_or(Value::Null),
    );
    let state = ticket.ticket_state.as_ref();
    fields.insert(
        "state".into(),
        text_or_null(
            state
                .and_then(|state| state.category.as_ref())
                .map(|c| c.as_str()),
        ),
    );
    fields.insert(
        "ticket_state_id".into(),
        text_or_null(state.map(|state| state.id.as_str())),
    );
    fields.insert(
        "ticket_type_id".into(),
        text_or_null(
            ticket
                .ticket_type
                .as_ref()
                .map(|ticket_type| ticket_type.id.as_str()),
        ),
    );
    insert_people(
        fields,
        ticket.contacts.as_ref(),
        ticket.admin_assignee_id.as_ref(),
        ticket.team_assignee_id.as_ref(),
    );
    let mut custom: intercom_client::common::CustomAttributes = attributes
        .iter()
        .filter(|(name, _)| {
            name.as_str() != TITLE_ATTRIBUTE && name.as_str() != DESCRIPTION_ATTRIBUTE
        })
        .map(|(name, value)| (name.clone(), value.clone()))
        .collect();
    lists.show_labels(&mut custom);
    flatten_custom(fields, &custom);
    insert_parts(fields, ticket.ticket_parts.as_ref());
}

/// The most parts Intercom returns with a conversation or a ticket: "If you have more than that
/// we will return the 500 most recent conversation parts" (OpenAPI 2.16, `GET
/// /conversations/{id}`; the `ticket_parts` schema states the same limit).
pub(crate) const MAX_PARTS_SHOWN: usize = 500;

/// [`PARTS_NOT_SHOWN`]: how many parts (events included) Intercom left out, when its
/// `total_count` says more than it returned; `null` when it returned its maximum without
/// saying more, since the thread may then be longer.
fn insert_not_shown(fields: &mut BTreeMap<String, Value>, returned: usize, total: Option<u64>) {
    let returned_count = returned as u64;
    let value = match total {
        Some(total) if total > returned_count => Value::from(total - returned_count),
        _ if returned >= MAX_PARTS_SHOWN => Value::Null,
        _ => return,
    };
    fields.insert(PARTS_NOT_SHOWN.into(), value);
}

/// `contact_ids`, and the assignee ids as text (Intercom's `0` means nobody).
fn insert_people(
    fields: &mut BTreeMap<String, Value>,
    contacts: Option<&ConversationContacts>,
    admin: Option<&AdminId>,
    team: Option<&TeamId>,
) {
    let contacts = contacts
        .map(|list| ids(list.contacts.iter().map(|contact| contact.id.clone())))
        .unwrap_or_default();
    fields.insert("contact_ids".into(), contacts.into());
    let assigned = |id: Option<&str>| text_or_null(id.filter(|id| *id != "0"));
    fields.insert(
        "admin_assignee_id".into(),
        assigned(admin.map(AdminId::as_str)),
    );
    fields.insert(
        "team_assignee_id".into(),
        assigned(team.map(TeamId::as_str)),
    );
}

/// `parts.<n>.*` and `parts.count`.
pub(crate) fn flatten_parts(fields: &mut BTreeMap<String, Value>, parts: &[ObservedPart]) {
    for (index, part) in parts.iter().enumerate() {
        let prefix = format!("parts.{index}");
        fields.insert(format!("{prefix}.id"), Value::String(part.id.clone()));
        fields.insert(format!("{prefix}.body"), text_or_null(part.body.as_deref()));
        fields.insert(
            format!("{prefix}.created_at"),
            part.created_at.map_or(Value::Null, Value::from),
        );
        fields.insert(
            format!("{prefix}.author"),
            Value::from(author_kind(part.author_type.as_deref())),
        );
        fields.insert(
            format!("{prefix}.author_id"),
            text_or_null(part.author_id.as_deref()),
        );
        fields.insert(format!("{prefix}.kind"), Value::String(part.kind.clone()));
        fields.insert(
            format!("{prefix}.attachments"),
            part.attachments.len().into(),
        );
        let names: Vec<Value> = part
            .attachments
            .iter()
            .map(|file| text_or_null(file.name.as_deref()))
            .collect();
        fields.insert(format!("{prefix}.attachment_names"), names.into());
        let sizes: Vec<Value> = part
            .attachments
            .iter()
            .map(|file| file.filesize.map_or(Value::Null, Value::from))
            .collect();
        fields.insert(format!("{prefix}.attachment_sizes"), sizes.into());
    }
    fields.insert("parts.count".into(), parts.len().into());
}

pub(crate) fn ids(ids: impl Iterator<Item = impl Into<String>>) -> Vec<Value> {
    ids.map(|id| Value::String(id.into())).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn conversations_flatten_to_verify_field_names() {
        let conversation: Conversation = serde_json::from_value(json!({
            "id": "7000001", "created_at": 1_600_000_000, "state": "closed", "title": "Printer",
            "admin_assignee_id": 991_267_001, "team_assignee_id": 0,
            "source": {"body": "It jams", "author": {"type": "lead", "id": "1000001"}},
            "tags": {"tags": [{"id": "6000002", "name": "VIP"}, {"id": "6000001", "name": "Email"}]},
            "custom_attributes": {"impact": "High"},
            "conversation_parts": {"conversation_parts": [
                {"id": "9000001", "part_type": "comment", "body": "<p>Hi</p>", "created_at": 1_600_000_100,
                 "author": {"type": "admin", "id": "991267001"},
                 "attachments": [{"type": "upload", "name": "a.txt", "filesize": 5}]},
                {"id": "9000002", "part_type": "assignment", "created_at": 1_700_000_000, "author": {"type": "admin", "id": "1"}},
                {"id": "9000003", "part_type": "note", "body": "internal", "created_at": 1_600_000_200,
                 "author": {"type": "user", "id": "1000001"}}
            ]}
        }))
        .unwrap();
        let mut fields = BTreeMap::new();
        flatten_conversation(&conversation, &mut fields);
        assert_eq!(fields["state"], json!("closed"));
        assert_eq!(fields["source.body"], json!("It jams"));
        assert_eq!(fields["source.author"], json!("user"));
        assert_eq!(fields["tags"], json!(["email", "vip"]));
        assert_eq!(fields["custom_attributes.impact"], json!("High"));
        assert_eq!(fields["admin_assignee_id"], json!("991267001"));
        assert_eq!(fields["team_assignee_id"], Value::Null);
        assert_eq!(
            fields["parts.count"],
            json!(2),
            "the assignment event is not a written part"
        );
        assert_eq!(fields["parts.0.author"], json!("admin"));
        assert_eq!(fields["parts.0.attachments"], json!(1));
        assert_eq!(fields["parts.0.attachment_sizes"], json!([5]));
        assert_eq!(fields["parts.1.kind"], json!("note"));
        assert_eq!(fields["parts.1.author"], json!("user"));
        assert_eq!(fields["parts.1.created_at"], json!(1_600_000_200));
    }

    #[test]
    fn tickets_flatten_default_attributes_into_title_and_state_into_its_category() {
        let ticket: Ticket = serde_json::from_value(json!({
            "id": "12000001", "created_at": 1_600_000_000,
            "ticket_attributes": {"_default_title_": "Printer", "_default_description_": "It jams", "impact": "High"},
            "ticket_state": {"id": "16000004", "category": "resolved"},
            "ticket_parts": {"ticket_parts": [
                {"id": "9000001", "part_type": "ticket_state_updated_by_admin", "created_at": 1},
                {"id": "9000002", "part_type": "comment", "body": "Fixed", "created_at": 1_600_000_100, "author": {"type": "admin", "id": "1"}}
            ]}
        }))
        .unwrap();
        let mut fields = BTreeMap::new();
        flatten_ticket(&ticket, &TypeAttributes::default(), &mut fields);
        assert_eq!(fields["title"], json!("Printer"));
        assert_eq!(fields["state"], json!("resolved"));
        assert_eq!(fields["custom_attributes.impact"], json!("High"));
        assert!(!fields.contains_key("custom_attributes._default_title_"));
        assert_eq!(fields["parts.count"], json!(1));
        assert_eq!(fields["parts.0.body"], json!("Fixed"));
        assert_eq!(fields["parts.0.author_id"], json!("1"));
        assert_eq!(
            fields["content_parts.count"],
            json!(1),
            "the state change is an event"
        );
        assert!(
            !fields.contains_key(PARTS_NOT_SHOWN),
            "every part was shown"
        );
    }

    #[test]
    fn list_values_flatten_to_labels_whether_read_as_ids_or_labels() {
        let ticket = |priority: &str| -> Ticket {
            serde_json::from_value(json!({
                "id": "12000001",
                "ticket_attributes": {"_default_title_": "Printer", "priority": priority},
                "ticket_type": {"id": "10000001", "name": "Bug", "ticket_type_attributes": {
                    "ticket_type_attributes": [{"id": "11000003", "name": "priority", "data_type": "list",
                        "input_options": {"list_options": [{"id": "de1825a0-0164-4070-8ca6-13e22462fa7e", "label": "High"}]}}]}}
            }))
            .unwrap()
        };
        for read in ["de1825a0-0164-4070-8ca6-13e22462fa7e", "High"] {
            let ticket = ticket(read);
            let lists = TypeAttributes::from_type(ticket.ticket_type.as_ref().unwrap());
            let mut fields = BTreeMap::new();
            flatten_ticket(&ticket, &lists, &mut fields);
            assert_eq!(
                fields["custom_attributes.priority"],
                json!("High"),
                "{read}"
            );
            assert_eq!(fields["title"], json!("Printer"));
        }
    }

    #[test]
    fn parts_intercom_left_out_are_counted_from_its_total() {
        let part = |n: u64| json!({"id": n.to_string(), "part_type": "note", "body": "x", "created_at": n});
        let ticket = |shown: u64, total: Option<u64>| -> Ticket {
            let parts: Vec<Value> = (0..shown).map(part).collect();
            serde_json::from_value(
                json!({"id": "1", "ticket_parts": {"ticket_parts": parts, "total_count": total}}),
            )
            .unwrap()
        };
        let not_shown = |ticket: &Ticket| {
            let mut fields = BTreeMap::new();
            flatten_ticket(ticket, &TypeAttributes::default(), &mut fields);
            fields.get(PARTS_NOT_SHOWN).cloned()
        };
        assert_eq!(not_shown(&ticket(500, Some(650))), Some(json!(150)));
        assert_eq!(not_shown(&ticket(500, Some(500))), Some(Value::Null));
        assert_eq!(not_shown(&ticket(500, None)), Some(Value::Null));
        assert_eq!(not_shown(&ticket(20, Some(20))), None);
    }
}
