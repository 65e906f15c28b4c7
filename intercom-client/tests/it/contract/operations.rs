//! The operations the client implements and the response type of each.

use intercom_client::admins::{Admin, Me};
use intercom_client::common::Deleted;
use intercom_client::companies::Company;
use intercom_client::contacts::{Contact, ContactArchived, ContactDeleted};
use intercom_client::conversation_attributes::ConversationAttribute;
use intercom_client::conversations::{Conversation, Message, Part};
use intercom_client::data_attributes::DataAttribute;
use intercom_client::help_center::{Article, Collection, HelpCenterSite};
use intercom_client::tags::Tag;
use intercom_client::teams::Team;
use intercom_client::ticket_states::TicketState;
use intercom_client::ticket_types::{TicketType, TicketTypeAttribute};
use intercom_client::tickets::Ticket;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// Every `(method, path template)` the client implements.
pub const IMPLEMENTED: &[(&str, &str)] = &[
    ("post", "/contacts"),
    ("put", "/contacts/{contact_id}"),
    ("get", "/contacts/{contact_id}"),
    ("delete", "/contacts/{contact_id}"),
    ("get", "/contacts/find_by_external_id/{external_id}"),
    ("post", "/contacts/search"),
    ("get", "/contacts"),
    ("post", "/contacts/{contact_id}/archive"),
    ("post", "/contacts/{contact_id}/unarchive"),
    ("post", "/contacts/{contact_id}/companies"),
    ("delete", "/contacts/{contact_id}/companies/{company_id}"),
    ("post", "/contacts/{contact_id}/tags"),
    ("delete", "/contacts/{contact_id}/tags/{tag_id}"),
    ("post", "/companies"),
    ("put", "/companies/{company_id}"),
    ("get", "/companies/{company_id}"),
    ("get", "/companies"),
    ("post", "/companies/list"),
    ("get", "/companies/scroll"),
    ("delete", "/companies/{company_id}"),
    ("get", "/admins"),
    ("get", "/admins/{admin_id}"),
    ("get", "/me"),
    ("get", "/teams"),
    ("get", "/teams/{team_id}"),
    ("get", "/data_attributes"),
    ("post", "/data_attributes"),
    ("put", "/data_attributes/{data_attribute_id}"),
    ("get", "/conversations/attributes"),
    ("post", "/conversations/attributes"),
    ("get", "/conversations/attributes/{id}"),
    ("put", "/conversations/attributes/{id}"),
    ("delete", "/conversations/attributes/{id}"),
    ("post", "/conversations/attributes/{id}/options"),
    ("put", "/conversations/attributes/{id}/options/{option_id}"),
    (
        "delete",
        "/conversations/attributes/{id}/options/{option_id}",
    ),
    ("post", "/tags"),
    ("get", "/tags"),
    ("get", "/tags/{tag_id}"),
    ("delete", "/tags/{tag_id}"),
    ("post", "/conversations/{conversation_id}/tags"),
    ("delete", "/conversations/{conversation_id}/tags/{tag_id}"),
    ("post", "/tickets/{ticket_id}/tags"),
    ("delete", "/tickets/{ticket_id}/tags/{tag_id}"),
    ("post", "/conversations"),
    ("post", "/conversations/{conversation_id}/reply"),
    ("post", "/conversations/{conversation_id}/parts"),
    ("put", "/conversations/{conversation_id}"),
    ("get", "/conversations/{conversation_id}"),
    ("get", "/conversations"),
    ("post", "/conversations/search"),
    ("delete", "/conversations/{conversation_id}"),
    ("post", "/tickets"),
    ("put", "/tickets/{ticket_id}"),
    ("post", "/tickets/{ticket_id}/reply"),
    ("get", "/tickets/{ticket_id}"),
    ("post", "/tickets/search"),
    ("delete", "/tickets/{ticket_id}"),
    ("get", "/ticket_types"),
    ("get", "/ticket_types/{ticket_type_id}"),
    ("post", "/ticket_types"),
    ("put", "/ticket_types/{ticket_type_id}"),
    ("post", "/ticket_types/{ticket_type_id}/attributes"),
    (
        "put",
        "/ticket_types/{ticket_type_id}/attributes/{attribute_id}",
    ),
    ("get", "/ticket_states"),
    ("get", "/help_center/help_centers"),
    ("get", "/help_center/help_centers/{help_center_id}"),
    ("post", "/help_center/collections"),
    ("put", "/help_center/collections/{collection_id}"),
    ("get", "/help_center/collections/{collection_id}"),
    ("get", "/help_center/collections"),
    ("delete", "/help_center/collections/{collection_id}"),
    ("post", "/articles"),
    ("put", "/articles/{article_id}"),
    ("get", "/articles/{article_id}"),
    ("get", "/articles"),
    ("get", "/articles/search"),
    ("delete", "/articles/{article_id}"),
];

fn decode<T: DeserializeOwned>(value: Value) -> Result<(), String> {
    serde_json::from_value::<T>(value)
        .map(|_| ())
        .map_err(|e| e.to_string())
}

fn decode_at<T: DeserializeOwned>(value: &Value, key: &str) -> Result<(), String> {
    decode::<Vec<T>>(value.get(key).cloned().unwrap_or(Value::Null))
}

/// Decodes a documented response of `method template` into the type the client returns.
pub fn decode_as_response(method: &str, template: &str, example: Value) -> Result<(), String> {
    match (method, template) {
        ("get", "/contacts") | ("post", "/contacts/search") => {
            decode_at::<Contact>(&example, "data")
        }
        ("delete", "/contacts/{contact_id}") => decode::<ContactDeleted>(example),
        ("post", "/contacts/{contact_id}/archive")
        | ("post", "/contacts/{contact_id}/unarchive") => decode::<ContactArchived>(example),
        (_, t) if t.starts_with("/contacts/{contact_id}/companies") => decode::<Company>(example),
        (_, t) if t.starts_with("/contacts/{contact_id}/tags") => decode::<Tag>(example),
        (_, t) if t.starts_with("/contacts") => decode::<Contact>(example),
        ("get", "/companies") => match example.get("data") {
            Some(_) => decode_at::<Company>(&example, "data"),
            None => decode::<Company>(example),
        },
        ("post", "/companies/list") | ("get", "/companies/scroll") => {
            decode_at::<Company>(&example, "data")
        }
        ("delete", "/companies/{company_id}") => decode::<Deleted>(example),
        (_, t) if t.starts_with("/companies") => decode::<Company>(example),
        ("get", "/admins") => decode_at::<Admin>(&example, "admins"),
        ("get", "/me") => decode::<Me>(example),
        (_, t) if t.starts_with("/admins") => decode::<Admin>(example),
        ("get", "/teams") => decode_at::<Team>(&example, "teams"),
        (_, t) if t.starts_with("/teams") => decode::<Team>(example),
        ("get", "/data_attributes") => decode_at::<DataAttribute>(&example, "data"),
        (_, t) if t.starts_with("/data_attributes") => decode::<DataAttribute>(example),
        ("get", "/conversations/attributes") => {
            decode_at::<ConversationAttribute>(&example, "data")
        }
        (_, t) if t.starts_with("/conversations/attributes") => {
            decode::<ConversationAttribute>(example)
        }
        ("get", "/tags") => decode_at::<Tag>(&example, "data"),
        (_, t) if t.ends_with("/tags") || t.ends_with("/tags/{tag_id}") || t == "/tags" => {
            decode::<Tag>(example)
        }
        ("post", "/conversations") => decode::<Message>(example),
        ("get", "/conversations") | ("post", "/conversations/search") => {
            decode_at::<Conversation>(&example, "conversations")
        }
        ("delete", "/conversations/{conversation_id}") => decode::<Deleted>(example),
        (_, t) if t.starts_with("/conversations") => decode::<Conversation>(example),
        ("post", "/tickets/{ticket_id}/reply") => decode::<Part>(example),
        ("post", "/tickets/search") => decode_at::<Ticket>(&example, "tickets"),
        ("delete", "/tickets/{ticket_id}") => decode::<Deleted>(example),
        (_, t) if t.starts_with("/tickets") => decode::<Ticket>(example),
        ("get", "/ticket_types") => decode_at::<TicketType>(&example, "data"),
        (_, t) if t.contains("/attributes") => decode::<TicketTypeAttribute>(example),
        (_, t) if t.starts_with("/ticket_types") => decode::<TicketType>(example),
        ("get", "/ticket_states") => decode_at::<TicketState>(&example, "data"),
        ("get", "/help_center/help_centers") => decode_at::<HelpCenterSite>(&example, "data"),
        (_, t) if t.starts_with("/help_center/help_centers") => decode::<HelpCenterSite>(example),
        ("get", "/help_center/collections") => decode_at::<Collection>(&example, "data"),
        ("delete", t) if t.starts_with("/help_center/collections") => decode::<Deleted>(example),
        (_, t) if t.starts_with("/help_center/collections") => decode::<Collection>(example),
        ("get", "/articles") => decode_at::<Article>(&example, "data"),
        ("get", "/articles/search") => decode_at::<Article>(&example["data"], "articles"),
        ("delete", _) if template.starts_with("/articles") => decode::<Deleted>(example),
        (_, t) if t.starts_with("/articles") => decode::<Article>(example),
        _ => Err(format!("no response type known for {method} {template}")),
    }
}
