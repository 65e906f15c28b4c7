//! Rollback steps: delete what the run created, archive what Intercom cannot delete, put back
//! the previous values of what the run changed, and remove tags and company links it added.
//!
//! A step touches only the record it names. A 404 counts as done, so a rollback can be run
//! again after an interruption.

use std::collections::BTreeMap;

use intercom_client::companies::{UpdateCompanyRequest, UpsertCompanyRequest};
use intercom_client::contacts::ContactRequest;
use intercom_client::conversations::{Assignee, UpdateConversationRequest};
use intercom_client::help_center::UpdateArticleRequest;
use intercom_client::tickets::UpdateTicketRequest;
use intercom_client::{AdminId, Error, TeamId, TicketTypeId};
use migration_core::model::destination::ConversationState;
use migration_core::ports::ResolvedRefs;
use migration_core::rollback::UndoStep;
use migration_core::{PortError, PortErrorKind, RecordKey, RecordKind};
use serde_json::Value;

use super::destination::IntercomDestination;
use super::errors::{rejected, write_error};
use super::ticket_lists::TITLE_ATTRIBUTE;
use super::values::{custom_from_previous, previous_text};

/// What a step does and to which record, without the values it restores (customer text).
fn step_label(step: &UndoStep) -> String {
    match step {
        UndoStep::Delete { key, id, .. } => format!("delete {key} ({id})"),
        UndoStep::Archive { key, id, .. } => format!("archive {key} ({id})"),
        UndoStep::Restore { kind, id, previous } => {
            format!("restore {} {id} ({} fields)", kind.prefix(), previous.len())
        }
        UndoStep::Untag { kind, id, tag_id } => format!("untag {} {id} ({tag_id})", kind.prefix()),
        UndoStep::Detach {
            contact_id,
            company_id,
        } => format!("detach contact {contact_id} from company {company_id}"),
        UndoStep::RedactPart {
            kind,
            thread_id,
            part_id,
        } => format!("redact part {part_id} of {} {thread_id}", kind.prefix()),
        UndoStep::Unlink {
            parent_id,
            child_id,
        } => format!("unlink {child_id} from {parent_id}"),
    }
}

impl IntercomDestination {
    pub(crate) async fn run_undo(&self, step: &UndoStep) -> Result<(), PortError> {
        let result = match step {
            UndoStep::Delete { kind, id, key } => self.delete(*kind, id, key).await,
            UndoStep::Archive { kind, id, key } => self.archive(*kind, id, Some(key)).await,
            UndoStep::Restore { kind, id, previous } => self.restore(*kind, id, previous).await,
            UndoStep::Untag { kind, id, tag_id } => self.untag(*kind, id, tag_id).await,
            UndoStep::Detach { contact_id, company_id } => {
                let detached = self.client.contacts().detach_company(&contact_id.into(), &company_id.into()).await;
                detached.map(drop).map_err(|error| {
                    write_error(&format!("detaching contact {contact_id} from company {company_id}"), &error)
                })
            }
            UndoStep::RedactPart { kind, thread_id, part_id } => Err(rejected(format!(
                "cannot redact part {part_id} of {} {thread_id}: intercom-client has no POST /conversations/redact",
                kind.prefix()
            ))),
            UndoStep::Unlink { parent_id, child_id } => Err(rejected(format!(
                "cannot unlink {child_id} from {parent_id}: the adapter never links threads (see LinkThreads)"
            ))),
        };
        match result {
            Err(error) if error.kind == PortErrorKind::NotFound => {
                tracing::debug!(step = %step_label(step), "already gone; rollback step counts as done");
                Ok(())
            }
            other => other,
        }
    }

    async fn delete(&self, kind: RecordKind, id: &str, key: &RecordKey) -> Result<(), PortError> {
        let client = &self.client;
        let context =
            |error: Error| write_error(&format!("deleting {} {id}", kind.prefix()), &error);
        match kind {
            RecordKind::Conversation => {
                let retain = (!self.options.retain_metrics_on_delete).then_some(false);
                client
                    .conversations()
                    .delete(&id.into(), retain)
                    .await
                    .map(drop)
                    .map_err(context)
            }
            RecordKind::Ticket => client
                .tickets()
                .delete(&id.into())
                .await
                .map(drop)
                .map_err(context),
            RecordKind::Contact => client
                .contacts()
                .delete(&id.into())
                .await
                .map(drop)
                .map_err(context),
            // Intercom's company delete archives the company and detaches its contacts.
            RecordKind::Company => client
                .companies()
                .delete(&id.into())
                .await
                .map(drop)
                .map_err(context),
            RecordKind::Article => client
                .help_center()
                .articles()
                .delete(&id.into())
                .await
                .map(drop)
                .map_err(context),
            RecordKind::Collection => client
                .help_center()
                .collections()
                .delete(&id.into())
                .await
                .map(drop)
                .map_err(context),
            RecordKind::Tag => client.tags().delete(&id.into()).await.map_err(context),
            RecordKind::Attribute | RecordKind::TicketType | RecordKind::TicketTypeAttribute => {
                self.archive(kind, id, Some(key)).await
            }
            RecordKind::Admin | RecordKind::Team | RecordKind::File => Err(rejected(format!(
                "{} {id} cannot be deleted through the API",
                kind.prefix()
            ))),
        }
    }

    /// Archives an attribute, a ticket type or a ticket type attribute. The key tells a
    /// conversation attribute from a data attribute; without one, the conversation attributes
    /// are asked first.
    async fn archive(
        &self,
        kind: RecordKind,
        id: &str,
        key: Option<&RecordKey>,
    ) -> Result<(), PortError> {
        let client = &self.client;
        let context =
            |error: Error| write_error(&format!("archiving {} {id}", kind.prefix()), &error);
        match kind {
            RecordKind::Attribute => {
                let conversation = match key {
                    Some(key) => key.id().starts_with("conversation:"),
                    None => match client.conversation_attributes().get(&id.into()).await {
                        Ok(_) => true,
                        Err(error) if error.is_not_found() => false,
                        Err(error) => return Err(context(error)),
                    },
                };
                if conversation {
                    client
                        .conversation_attributes()
                        .archive(&id.into())
                        .await
                        .map(drop)
                        .map_err(context)
                } else {
                    client
                        .data_attributes()
                        .archive(&id.into())
                        .await
                        .map(drop)
                        .map_err(context)
                }
            }
            RecordKind::TicketType => client
                .ticket_types()
                .archive(&id.into())
                .await
                .map(drop)
                .map_err(context),
            RecordKind::TicketTypeAttribute => {
                match self.find_ticket_type_attribute(id).await.map_err(context)? {
                    Some((type_id, _)) => client
                        .ticket_types()
                        .archive_attribute(&TicketTypeId::from(&type_id), &id.into())
                        .await
                        .map(drop)
                        .map_err(context),
                    None => Ok(()),
                }
            }
            other => Err(rejected(format!(
                "{} {id} cannot be archived",
                other.prefix()
            ))),
        }
    }

    async fn restore(
        &self,
        kind: RecordKind,
        id: &str,
        previous: &BTreeMap<String, Value>,
    ) -> Result<(), PortError> {
        match kind {
            RecordKind::Company => self.restore_company(id, previous).await,
            RecordKind::Contact => self.restore_contact(id, previous).await,
            RecordKind::Conversation | RecordKind::Ticket => {
                self.restore_thread(kind, id, previous).await
            }
            RecordKind::Article => match previous_text(previous, "body") {
                Some(body) => self.restore_article(id, body).await,
                None => Ok(()),
            },
            RecordKind::Attribute | RecordKind::TicketType | RecordKind::TicketTypeAttribute => {
                if previous.get("archived") == Some(&Value::Bool(true)) {
                    self.archive(kind, id, None).await
                } else {
                    Ok(())
                }
            }
            other => Err(rejected(format!(
                "{} {id} has nothing the run could have changed",
                other.prefix()
            ))),
        }
    }

    async fn restore_company(
        &self,
        id: &str,
        previous: &BTreeMap<String, Value>,
    ) -> Result<(), PortError> {
        let companies = self.client.companies();
        let custom_attributes = custom_from_previous(previous);
        let website = previous_text(previous, "website");
        let name = previous_text(previous, "name");
        let written = match previous_text(previous, "company_id") {
            // Upserting by company_id is the only way to put remote_created_at back.
            Some(company_id) => {
                let request = UpsertCompanyRequest {
                    company_id,
                    name,
                    website,
                    custom_attributes,
                    remote_created_at: previous
                        .get("remote_created_at")
                        .and_then(Value::as_i64)
                        .map(Into::into),
                    ..Default::default()
                };
                companies.upsert(&request).await
            }
            None => {
                let request = UpdateCompanyRequest {
                    name,
                    website,
                    custom_attributes,
                    ..Default::default()
                };
                companies.update(&id.into(), &request).await
            }
        };
        written
            .map(drop)
            .map_err(restoring(RecordKind::Company, id))
    }

    async fn restore_contact(
        &self,
        id: &str,
        previous: &BTreeMap<String, Value>,
    ) -> Result<(), PortError> {
        // Fields that were empty before cannot be emptied again through the typed request;
        // custom attributes can (they are sent as null).
        let request = ContactRequest {
            external_id: previous_text(previous, "external_id"),
            email: previous_text(previous, "email"),
            phone: previous_text(previous, "phone"),
            name: previous_text(previous, "name"),
            signed_up_at: previous
                .get("signed_up_at")
                .and_then(Value::as_i64)
                .map(Into::into),
            custom_attributes: custom_from_previous(previous),
            ..Default::default()
        };
        self.client
            .contacts()
            .update(&id.into(), &request)
            .await
            .map(drop)
            .map_err(restoring(RecordKind::Contact, id))
    }

    async fn restore_article(&self, id: &str, body: String) -> Result<(), PortError> {
        let request = UpdateArticleRequest {
            body: Some(body),
            ..Default::default()
        };
        self.client
            .help_center()
            .articles()
            .update(&id.into(), &request)
            .await
            .map(drop)
            .map_err(restoring(RecordKind::Article, id))
    }

    async fn restore_thread(
        &self,
        kind: RecordKind,
        id: &str,
        previous: &BTreeMap<String, Value>,
    ) -> Result<(), PortError> {
        self.restore_thread_details(kind, id, previous).await?;
        let needs_admin = [
            "state",
            "ticket_state_id",
            "admin_assignee_id",
            "team_assignee_id",
        ]
        .iter()
        .any(|field| previous.contains_key(*field));
        if !needs_admin {
            return Ok(());
        }
        let acting = self.acting_admin(&ResolvedRefs::default()).await?;
        match kind {
            RecordKind::Conversation => {
                let state = match previous.get("state").and_then(Value::as_str) {
                    Some("open") => Some(ConversationState::Open),
                    Some("closed") => Some(ConversationState::Closed),
                    Some("snoozed") => Some(ConversationState::Snoozed),
                    _ => None,
                };
                if let Some(state) = state {
                    self.set_conversation_state(id, &acting, state).await?;
                }
            }
            _ => {
                if let Some(state_id) = previous_text(previous, "ticket_state_id") {
                    self.set_ticket_state(id, &acting, &state_id).await?;
                }
            }
        }
        for (field, team) in [("team_assignee_id", true), ("admin_assignee_id", false)] {
            let Some(value) = previous.get(field) else {
                continue;
            };
            let assignee = match (value.as_str(), team) {
                (Some(other), true) => Assignee::Team(TeamId::from(other)),
                (Some(other), false) => Assignee::Admin(AdminId::from(other)),
                (None, _) => Assignee::Unassigned,
            };
            self.assign(kind, id, &acting, assignee).await?;
        }
        Ok(())
    }

    /// Puts back a thread's title and custom attributes, when its before-image has any.
    async fn restore_thread_details(
        &self,
        kind: RecordKind,
        id: &str,
        previous: &BTreeMap<String, Value>,
    ) -> Result<(), PortError> {
        let context =
            |error: Error| write_error(&format!("restoring {} {id}", kind.prefix()), &error);
        let title = previous_text(previous, "title");
        let attributes = custom_from_previous(previous);
        if kind == RecordKind::Conversation {
            if title.is_some() || attributes.is_some() {
                let request = UpdateConversationRequest {
                    title,
                    custom_attributes: attributes,
                    ..Default::default()
                };
                self.client
                    .conversations()
                    .update(&id.into(), &request)
                    .await
                    .map_err(context)?;
            }
            return Ok(());
        }
        let mut attributes = attributes.unwrap_or_default();
        if let Some(title) = title {
            attributes.insert(TITLE_ATTRIBUTE.to_owned(), Value::String(title));
        }
        if attributes.is_empty() {
            return Ok(());
        }
        // Before-images hold list values as read back (labels); Intercom takes item ids.
        if attributes.keys().any(|name| name != TITLE_ATTRIBUTE) {
            let type_id = self.ticket_type_of(id, previous).await?;
            attributes = self.with_item_ids(&type_id, attributes).await?;
        }
        let request = UpdateTicketRequest {
            ticket_attributes: Some(attributes),
            ..Default::default()
        };
        self.client
            .tickets()
            .update(&id.into(), &request)
            .await
            .map_err(context)?;
        Ok(())
    }

    async fn untag(&self, kind: RecordKind, id: &str, tag_id: &str) -> Result<(), PortError> {
        let tags = self.client.tags();
        let context =
            |error: Error| write_error(&format!("untagging {} {id}", kind.prefix()), &error);
        match kind {
            RecordKind::Contact => tags
                .untag_contact(&id.into(), &tag_id.into())
                .await
                .map(drop)
                .map_err(context),
            RecordKind::Conversation | RecordKind::Ticket => {
                let admin = self.acting_admin(&ResolvedRefs::default()).await?;
                let untagged = if kind == RecordKind::Conversation {
                    tags.untag_conversation(&id.into(), &tag_id.into(), &AdminId::from(&admin))
                        .await
                } else {
                    tags.untag_ticket(&id.into(), &tag_id.into(), &AdminId::from(&admin))
                        .await
                };
                untagged.map(drop).map_err(context)
            }
            other => Err(rejected(format!(
                "a tag cannot be removed from a {}",
                other.prefix()
            ))),
        }
    }
}

/// Turns a client error into the port's, naming the record being restored.
fn restoring(kind: RecordKind, id: &str) -> impl Fn(Error) -> PortError + '_ {
    move |error| write_error(&format!("restoring {} {id}", kind.prefix()), &error)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_step_is_labelled_by_record_without_the_values_it_restores() {
        let step = UndoStep::Restore {
            kind: RecordKind::Contact,
            id: "c-42".into(),
            previous: BTreeMap::from([
                ("name".to_string(), Value::from("Rachel Hughes")),
                ("email".to_string(), Value::from("rachel@example.com")),
            ]),
        };
        let label = step_label(&step);
        assert_eq!(label, "restore contact c-42 (2 fields)");
        let delete = UndoStep::Delete {
            kind: RecordKind::Ticket,
            id: "t-7".into(),
            key: RecordKey::new(RecordKind::Ticket, "vivantio-ticket:5001"),
        };
        assert_eq!(
            step_label(&delete),
            "delete ticket:vivantio-ticket:5001 (t-7)"
        );
    }
}
