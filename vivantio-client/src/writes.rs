//! Ticket writes — insert, add a note, change status — for seeding test tenants and the
//! simulator, and for customers who write back. Bodies follow the vendor samples (C-off).
//!
//! Dates are sent as naive tenant-local times (see [`crate::dates`]); convert UTC instants with
//! [`Client::to_tenant_naive`](crate::Client::to_tenant_naive). Writes are not retried after a
//! timeout, since a timed-out write may have been applied.

use base64::Engine;
use chrono::NaiveDateTime;
use serde::{Serialize, Serializer};

use crate::assumptions::OUTGOING_DATE_FORMAT;
use crate::endpoints as ep;
use crate::error::Error;
use crate::ids::{
    CallerId, CategoryId, OrganisationId, PriorityId, RecordTypeId, StatusId, TicketId,
};
use crate::records::RecordsApi;
use crate::ticket::Ticket;
use crate::transport::Request;

/// The body of `Ticket/Insert`. Vendor samples send at least record type, client, caller, title
/// and description; some tenants also require a category.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct NewTicket {
    /// Ticket type.
    pub record_type_id: RecordTypeId,
    /// Subject.
    pub title: String,
    /// Description as text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Description as HTML.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description_html: Option<String>,
    /// Organisation.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_id: Option<OrganisationId>,
    /// End user.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub caller_id: Option<CallerId>,
    /// End user's name, instead of `caller_id` (C-com).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub caller_name: Option<String>,
    /// End user's email, instead of `caller_id` (C-com).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub caller_email: Option<String>,
    /// Category.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub category_id: Option<CategoryId>,
    /// Status.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status_id: Option<StatusId>,
    /// Priority.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub priority_id: Option<PriorityId>,
    /// Opened at (tenant-local).
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "serialize_naive_option"
    )]
    pub open_date: Option<NaiveDateTime>,
}

impl NewTicket {
    /// A ticket of this type with this title; set the other fields directly.
    pub fn new(record_type_id: impl Into<RecordTypeId>, title: impl Into<String>) -> Self {
        Self {
            record_type_id: record_type_id.into(),
            title: title.into(),
            ..Self::default()
        }
    }
}

/// The body of `Ticket/AddNote`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct NewNote {
    /// Tickets that get the note.
    pub affected_tickets: Vec<TicketId>,
    /// Note as text (send this or `notes_html`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
    /// Note as HTML.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notes_html: Option<String>,
    /// Whether only agents see it.
    pub mark_private: bool,
    /// Time spent, in whole minutes (the vendor's `TicketAddNoteDto` types it `int`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub effort: Option<u32>,
    /// When it happened (tenant-local); default now.
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "serialize_naive_option"
    )]
    pub date: Option<NaiveDateTime>,
    /// Files attached to the note.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub attachments: Vec<NoteAttachment>,
}

impl NewNote {
    /// A text note on one ticket.
    pub fn text(ticket_id: impl Into<TicketId>, notes: impl Into<String>, private: bool) -> Self {
        Self {
            affected_tickets: vec![ticket_id.into()],
            notes: Some(notes.into()),
            mark_private: private,
            ..Self::default()
        }
    }
}

/// A file embedded in a note (`AttachmentType` 0 = file).
#[derive(Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct NoteAttachment {
    /// File name.
    pub name: String,
    /// The bytes (sent as base64).
    #[serde(serialize_with = "serialize_base64")]
    pub content: Vec<u8>,
    /// Description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Whether only agents see it.
    pub mark_private: bool,
    /// Always 0 (file).
    pub attachment_type: i64,
}

impl NoteAttachment {
    /// A file attachment.
    pub fn file(name: impl Into<String>, content: Vec<u8>, private: bool) -> Self {
        Self {
            name: name.into(),
            content,
            description: None,
            mark_private: private,
            attachment_type: 0,
        }
    }
}

impl std::fmt::Debug for NoteAttachment {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NoteAttachment")
            .field("name", &self.name)
            .field("size", &self.content.len())
            .field("mark_private", &self.mark_private)
            .finish_non_exhaustive()
    }
}

/// The body of `Ticket/ChangeStatus`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct StatusChange {
    /// Tickets that change status.
    pub affected_tickets: Vec<TicketId>,
    /// The new status.
    pub status_id: StatusId,
    /// Whether the history entry is private.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mark_private: Option<bool>,
    /// When it happened (tenant-local); default now.
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "serialize_naive_option"
    )]
    pub date: Option<NaiveDateTime>,
}

impl StatusChange {
    /// One ticket to one status.
    pub fn new(ticket_id: impl Into<TicketId>, status_id: impl Into<StatusId>) -> Self {
        Self {
            affected_tickets: vec![ticket_id.into()],
            status_id: status_id.into(),
            ..Self::default()
        }
    }
}

impl RecordsApi<'_, Ticket> {
    /// Creates a ticket and returns its id (`InsertedItemId`).
    pub async fn insert(&self, ticket: &NewTicket) -> Result<TicketId, Error> {
        self.client
            .insert(ep::TICKET_INSERT, Request::json(ticket)?)
            .await
            .map(TicketId::new)
    }

    /// Adds a note to tickets.
    pub async fn add_note(&self, note: &NewNote) -> Result<(), Error> {
        self.client
            .execute(ep::TICKET_ADD_NOTE, Request::json(note)?)
            .await
    }

    /// Moves tickets to a status.
    pub async fn change_status(&self, change: &StatusChange) -> Result<(), Error> {
        self.client
            .execute(ep::TICKET_CHANGE_STATUS, Request::json(change)?)
            .await
    }
}

fn serialize_naive_option<S: Serializer>(
    value: &Option<NaiveDateTime>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    match value {
        Some(date) => serializer.serialize_str(&date.format(OUTGOING_DATE_FORMAT).to_string()),
        None => serializer.serialize_none(),
    }
}

fn serialize_base64<S: Serializer>(bytes: &[u8], serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(&base64::engine::general_purpose::STANDARD.encode(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn note_body_shape() {
        let mut note = NewNote::text(7, "hello", true);
        note.attachments
            .push(NoteAttachment::file("a.txt", b"hi".to_vec(), false));
        assert_eq!(
            serde_json::to_value(&note).unwrap(),
            json!({"AffectedTickets": [7], "Notes": "hello", "MarkPrivate": true,
                   "Attachments": [{"Name": "a.txt", "Content": "aGk=", "MarkPrivate": false,
                                    "AttachmentType": 0}]})
        );
        assert!(!format!("{note:?}").contains("aGk="));
    }
}
