//! Thread operations that create: conversations, tickets, and their parts (one call each).
//!
//! Every create carries the historical `created_at`; admin replies, notes and tickets carry
//! `skip_notifications` (per [`IntercomOptions::skip_notifications`](super::IntercomOptions));
//! files travel with their part as base64 `attachment_files` (the core splits parts so none
//! has more than ten). A ticket's list attributes carry item ids, not labels (see
//! [`ticket_lists`](super::ticket_lists)).

use intercom_client::conversations::CreateConversationRequest;
use intercom_client::replies::{AdminReply, AttachmentFile, ContactReply, Reply};
use intercom_client::tickets::{CreateTicketRequest, TicketAssignment, TicketContact};
use intercom_client::{AdminId, CompanyId, ContactId, TeamId};
use migration_core::model::destination::{
    ConversationOpening, PartAuthor, PartKind, PartRecord, TicketRecord,
};
use migration_core::ports::{ExecutionOutcome, FilePayload, ResolvedRefs, WriteEffect};
use migration_core::{PortError, RecordKey, RecordKind};
use serde_json::Value;

use super::destination::{id_of, outcome, IntercomDestination};
use super::errors::{rejected, writing};
use super::flatten::conversation_parts;
use super::session::CreatedTicket;
use super::signatures::part_matches;
use super::ticket_lists::DESCRIPTION_ATTRIBUTE;
use super::values::custom_attributes;

impl IntercomDestination {
    pub(crate) async fn create_conversation(
        &self,
        opening: &ConversationOpening,
        refs: &ResolvedRefs,
    ) -> Result<ExecutionOutcome, PortError> {
        let contact_id = id_of(refs, &opening.contact)?;
        let request = CreateConversationRequest::new(contact_id, opening.body.clone())
            .created_at(opening.created_at);
        let message = self
            .client
            .conversations()
            .create(&request)
            .await
            .map_err(writing(format!(
                "creating a conversation for contact {contact_id}"
            )))?;
        let id = message.conversation_id.into_string();
        self.session.note_created(&id);
        Ok(outcome(id, WriteEffect::Created))
    }

    pub(crate) async fn create_ticket(
        &self,
        ticket: &TicketRecord,
        refs: &ResolvedRefs,
    ) -> Result<ExecutionOutcome, PortError> {
        let type_id = id_of(refs, &ticket.ticket_type)?;
        let contact_id = id_of(refs, &ticket.contact)?;
        let company_id = ticket
            .company
            .as_ref()
            .map(|key| id_of(refs, key))
            .transpose()?;
        // An agent or group that matched no admin or team resolves to nothing: that side
        // stays unassigned rather than failing the ticket.
        let assignee = |key: &Option<RecordKey>| {
            key.as_ref()
                .and_then(|key| refs.get(key))
                .map(|found| found.id.as_str())
        };
        let mut request = ticket_request(
            ticket,
            type_id,
            contact_id,
            company_id,
            self.options.skip_notifications,
        );
        request.assignment = ticket_assignment(assignee(&ticket.admin), assignee(&ticket.team));
        if let Some(attributes) = request.ticket_attributes.take() {
            request.ticket_attributes = Some(self.with_item_ids(type_id, attributes).await?);
        }
        let created = self
            .client
            .tickets()
            .create(&request)
            .await
            .map_err(writing(format!(
                "creating a ticket for contact {contact_id}"
            )))?;
        let id = created.id.into_string();
        let noted = CreatedTicket {
            state: created.ticket_state.map(|state| state.id.into_string()),
            ticket_type: Some(type_id.to_owned()),
        };
        self.session.note_created_ticket(&id, noted);
        Ok(outcome(id, WriteEffect::Created))
    }

    pub(crate) async fn add_part(
        &self,
        thread: &RecordKey,
        part: &PartRecord,
        refs: &ResolvedRefs,
        files: &[FilePayload],
    ) -> Result<ExecutionOutcome, PortError> {
        let thread_id = id_of(refs, thread)?;
        let reply = part_reply(part, refs, files, self.options.skip_notifications)?;
        let context = format!("adding a part to {} {thread_id}", thread.kind().prefix());
        let part_id = match thread.kind() {
            RecordKind::Conversation => {
                let conversation = self
                    .client
                    .conversations()
                    .reply(&thread_id.into(), &reply)
                    .await
                    .map_err(writing(context))?;
                // The answer is the whole conversation; the part just added is the newest one
                // with its author, time and body (Intercom's automation may have answered in
                // between), else the last one.
                let author_id = id_of(refs, part.author.key())?;
                conversation_parts(&conversation)
                    .iter()
                    .rev()
                    .find(|observed| part_matches(observed, part, author_id))
                    .map(|observed| observed.id.clone())
                    .or_else(|| {
                        let parts = conversation.conversation_parts?.parts;
                        parts.last().map(|part| part.id.to_string())
                    })
            }
            RecordKind::Ticket => {
                let added = self
                    .client
                    .tickets()
                    .reply(&thread_id.into(), &reply)
                    .await
                    .map_err(writing(context))?;
                Some(added.id.into_string())
            }
            other => {
                return Err(rejected(format!(
                    "a part cannot be added to a {}",
                    other.prefix()
                )))
            }
        };
        Ok(ExecutionOutcome {
            destination: part_id.map(migration_core::DestinationRef::id),
            effect: WriteEffect::Added,
        })
    }
}

/// `POST /tickets` for a ticket record: title and description are the default attributes.
/// List values are still labels here; [`IntercomDestination::with_item_ids`] makes them the
/// item ids Intercom takes.
pub(crate) fn ticket_request(
    ticket: &TicketRecord,
    type_id: &str,
    contact_id: &str,
    company_id: Option<&str>,
    skip_notifications: bool,
) -> CreateTicketRequest {
    let mut request = CreateTicketRequest::new(
        type_id,
        TicketContact::Id(ContactId::from(contact_id)),
        ticket.title.clone(),
    );
    let attributes = request
        .ticket_attributes
        .get_or_insert_with(Default::default);
    attributes.insert(
        DESCRIPTION_ATTRIBUTE.to_owned(),
        Value::String(ticket.description.clone()),
    );
    attributes.extend(custom_attributes(&ticket.attributes));
    request.created_at = Some(ticket.created_at.into());
    request.company_id = company_id.map(CompanyId::from);
    request.skip_notifications = skip_notifications.then_some(true);
    request
}

/// `assignment` of `POST /tickets`: the admin and team a ticket is created assigned to, when
/// either is known.
pub(crate) fn ticket_assignment(
    admin: Option<&str>,
    team: Option<&str>,
) -> Option<TicketAssignment> {
    (admin.is_some() || team.is_some()).then(|| TicketAssignment {
        admin_assignee_id: admin.map(AdminId::from),
        team_assignee_id: team.map(TeamId::from),
    })
}

/// The reply that adds `part`, with its files.
pub(crate) fn part_reply(
    part: &PartRecord,
    refs: &ResolvedRefs,
    files: &[FilePayload],
    skip_notifications: bool,
) -> Result<Reply, PortError> {
    let attachment_files: Vec<AttachmentFile> = files
        .iter()
        .map(|file| {
            let content_type = file
                .content_type
                .as_deref()
                .unwrap_or("application/octet-stream");
            AttachmentFile::new(&file.file_name, content_type, file.bytes.clone())
        })
        .collect();
    Ok(match (&part.author, part.kind) {
        (PartAuthor::Admin(admin), kind) => {
            let admin_id = id_of(refs, admin)?;
            let reply = match kind {
                PartKind::Comment => AdminReply::comment(admin_id, part.body_html.clone()),
                PartKind::Note => AdminReply::note(admin_id, part.body_html.clone()),
            };
            let mut reply = reply.created_at(part.created_at);
            reply.attachment_files = attachment_files;
            if skip_notifications {
                reply = reply.skip_notifications();
            }
            Reply::Admin(reply)
        }
        (PartAuthor::Contact(contact), PartKind::Comment) => {
            let mut reply = ContactReply::new(id_of(refs, contact)?, part.body_html.clone())
                .created_at(part.created_at);
            reply.attachment_files = attachment_files;
            Reply::Contact(reply)
        }
        (PartAuthor::Contact(contact), PartKind::Note) => {
            return Err(rejected(format!(
                "contact {contact} cannot write an internal note; only admins can"
            )))
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use migration_core::model::destination::AttributeValue;
    use migration_core::DestinationRef;
    use serde_json::json;

    fn refs() -> ResolvedRefs {
        ResolvedRefs(
            [
                (RecordKey::admin(1), DestinationRef::id("991267001")),
                (RecordKey::contact(5), DestinationRef::id("1000001")),
            ]
            .into_iter()
            .collect(),
        )
    }

    fn part(author: PartAuthor, kind: PartKind) -> PartRecord {
        PartRecord {
            author,
            kind,
            body_html: "<p>Done</p>".into(),
            created_at: 1_600_000_100,
            attachments: vec![],
        }
    }

    #[test]
    fn admin_notes_are_silent_historical_and_carry_files() {
        let files = [FilePayload {
            file_name: "log.txt".into(),
            content_type: None,
            bytes: bytes::Bytes::from_static(b"hello"),
        }];
        let reply = part_reply(
            &part(PartAuthor::Admin(RecordKey::admin(1)), PartKind::Note),
            &refs(),
            &files,
            true,
        )
        .unwrap();
        let wire = serde_json::to_value(&reply).unwrap();
        assert_eq!(wire["message_type"], "note");
        assert_eq!(wire["admin_id"], "991267001");
        assert_eq!(wire["created_at"], 1_600_000_100);
        assert_eq!(wire["skip_notifications"], true);
        assert_eq!(
            wire["attachment_files"],
            json!([{"content_type": "application/octet-stream", "data": "aGVsbG8=", "name": "log.txt"}])
        );
    }

    #[test]
    fn contacts_reply_by_intercom_id_and_never_write_notes() {
        let reply = part_reply(
            &part(
                PartAuthor::Contact(RecordKey::contact(5)),
                PartKind::Comment,
            ),
            &refs(),
            &[],
            true,
        )
        .unwrap();
        let wire = serde_json::to_value(&reply).unwrap();
        assert_eq!(wire["type"], "user");
        assert_eq!(wire["intercom_user_id"], "1000001");
        assert!(wire.get("skip_notifications").is_none());
        assert!(part_reply(
            &part(PartAuthor::Contact(RecordKey::contact(5)), PartKind::Note),
            &refs(),
            &[],
            true
        )
        .is_err());
        assert!(part_reply(
            &part(PartAuthor::Admin(RecordKey::admin(9)), PartKind::Note),
            &refs(),
            &[],
            true
        )
        .is_err());
    }

    #[test]
    fn ticket_requests_put_title_description_and_attributes_together() {
        let ticket = TicketRecord {
            ticket_type: RecordKey::ticket_type("Bug"),
            contact: RecordKey::contact(5),
            company: None,
            title: "Printer".into(),
            description: "It jams".into(),
            created_at: 1_600_000_000,
            attributes: [("vivantio_id".to_string(), AttributeValue::Integer(77))].into(),
            admin: None,
            team: None,
        };
        let wire = serde_json::to_value(ticket_request(
            &ticket,
            "10000001",
            "1000001",
            Some("2000001"),
            true,
        ))
        .unwrap();
        assert_eq!(
            wire["ticket_attributes"],
            json!({"_default_title_": "Printer", "_default_description_": "It jams", "vivantio_id": 77})
        );
        assert_eq!(wire["created_at"], 1_600_000_000);
        assert_eq!(wire["company_id"], "2000001");
        assert_eq!(wire["skip_notifications"], true);
        assert_eq!(wire["contacts"], json!([{"id": "1000001"}]));
    }

    #[test]
    fn tickets_are_created_assigned_to_whoever_is_known() {
        let wire = |admin, team| serde_json::to_value(ticket_assignment(admin, team)).unwrap();
        assert_eq!(
            wire(Some("991267001"), Some("8")),
            json!({"admin_assignee_id": "991267001", "team_assignee_id": "8"})
        );
        assert_eq!(wire(None, Some("8")), json!({"team_assignee_id": "8"}));
        assert_eq!(wire(None, None), Value::Null);
    }
}
