//! Thread operations that change a conversation or ticket: details (title, attributes,
//! company), tags, links, assignment and final state.
//!
//! Each change reports `Updated` with the thread's previous values. A thread this process
//! created needs none (rollback deletes it), so no read is spent on it; any other thread is
//! read once first for its before-image.

use std::collections::BTreeMap;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use intercom_client::conversations::{Assignee, Assignment, UpdateConversationRequest};
use intercom_client::tickets::UpdateTicketRequest;
use intercom_client::{AdminId, CompanyId, Id, TeamId, TicketStateId};
use migration_core::model::destination::{
    AttributeValues, ConversationState, PriorityLevel, ThreadState,
};
use migration_core::ports::{ExecutionOutcome, ResolvedRefs, WriteEffect};
use migration_core::{PortError, RecordKey, RecordKind};
use serde_json::Value;

use super::destination::{id_of, updated, IntercomDestination};
use super::errors::{reading, rejected, writing};
use super::options::TicketStateCategoryKey;
use super::ticket_lists::{TICKET_TYPE_FIELD, TITLE_ATTRIBUTE};
use super::values::{custom_attributes, CUSTOM_PREFIX};

impl IntercomDestination {
    /// The previous values of `fields` of a thread, or nothing when this process created it.
    ///
    /// A ticket's before-image with custom attributes also names its ticket type
    /// ([`TICKET_TYPE_FIELD`]): its list values are read back as labels, and writing them
    /// again, now or in a rollback, needs the type's item ids. The read that makes the
    /// before-image carries the type, so no request is added.
    pub(crate) async fn thread_before(
        &self,
        kind: RecordKind,
        id: &str,
        fields: &[String],
    ) -> Result<BTreeMap<String, Value>, PortError> {
        if self.session.created_here(id) || fields.is_empty() {
            return Ok(BTreeMap::new());
        }
        let observed = self.observe(kind, id).await?.ok_or_else(|| {
            PortError::new(
                migration_core::PortErrorKind::NotFound,
                format!("Intercom: {} {id} does not exist", kind.prefix()),
            )
        })?;
        let typed = kind == RecordKind::Ticket
            && fields.iter().any(|field| field.starts_with(CUSTOM_PREFIX));
        let context = typed.then(|| TICKET_TYPE_FIELD.to_owned());
        Ok(fields
            .iter()
            .chain(context.as_ref())
            .map(|field| {
                (
                    field.clone(),
                    observed.fields.get(field).cloned().unwrap_or(Value::Null),
                )
            })
            .collect())
    }

    pub(crate) async fn update_thread(
        &self,
        thread: &RecordKey,
        id: &str,
        title: Option<&str>,
        priority: Option<PriorityLevel>,
        company_id: Option<&str>,
        values: &AttributeValues,
    ) -> Result<ExecutionOutcome, PortError> {
        let mut attributes = custom_attributes(values);
        if let (Some(name), Some(level)) = (&self.options.priority_attribute, priority) {
            attributes.insert(name.clone(), priority_value(level));
        }
        let mut fields: Vec<String> = attributes
            .keys()
            .map(|name| format!("{CUSTOM_PREFIX}{name}"))
            .collect();
        if title.is_some() {
            fields.push("title".into());
        }
        if fields.is_empty() && company_id.is_none() {
            // Only a priority, and no attribute to hold it: nothing to send.
            tracing::debug!(thread = %thread, "priority not written: no priority_attribute is configured");
            return Ok(updated(id, BTreeMap::new()));
        }
        let previous = self.thread_before(thread.kind(), id, &fields).await?;
        let context = format!("updating {} {id}", thread.kind().prefix());
        match thread.kind() {
            RecordKind::Conversation => {
                let request = UpdateConversationRequest {
                    title: title.map(str::to_owned),
                    custom_attributes: (!attributes.is_empty()).then_some(attributes),
                    company_id: company_id.map(CompanyId::from),
                    ..Default::default()
                };
                self.client
                    .conversations()
                    .update(&id.into(), &request)
                    .await
                    .map_err(writing(context))?;
            }
            RecordKind::Ticket => {
                if let Some(title) = title {
                    attributes.insert(TITLE_ATTRIBUTE.to_owned(), Value::String(title.to_owned()));
                }
                if attributes.keys().any(|name| name != TITLE_ATTRIBUTE) {
                    let type_id = self.ticket_type_of(id, &previous).await?;
                    attributes = self.with_item_ids(&type_id, attributes).await?;
                }
                let request = UpdateTicketRequest {
                    ticket_attributes: (!attributes.is_empty()).then_some(attributes),
                    company_id: company_id.map(CompanyId::from),
                    ..Default::default()
                };
                self.client
                    .tickets()
                    .update(&id.into(), &request)
                    .await
                    .map_err(writing(context))?;
            }
            other => return Err(not_a_thread(other)),
        }
        Ok(updated(id, previous))
    }

    pub(crate) async fn tag_thread(
        &self,
        thread: &RecordKey,
        tag_id: &str,
        refs: &ResolvedRefs,
    ) -> Result<ExecutionOutcome, PortError> {
        let id = id_of(refs, thread)?;
        let admin = self.acting_admin(refs).await?;
        let tags = self.client.tags();
        let context = format!("tagging {} {id}", thread.kind().prefix());
        match thread.kind() {
            RecordKind::Conversation => tags
                .tag_conversation(&id.into(), &tag_id.into(), &AdminId::from(&admin))
                .await
                .map_err(writing(context))?,
            RecordKind::Ticket => tags
                .tag_ticket(&id.into(), &tag_id.into(), &AdminId::from(&admin))
                .await
                .map_err(writing(context))?,
            other => return Err(not_a_thread(other)),
        };
        Ok(ExecutionOutcome {
            destination: None,
            effect: WriteEffect::Added,
        })
    }

    /// Intercom 2.16 links threads only by attaching a conversation to a *tracker* ticket
    /// (`POST /tickets/{id}/linked_conversations`), which `intercom-client` does not offer yet,
    /// and cannot link two conversations at all. The link is refused with that reason; the
    /// core's parent and child tags still mark the relation.
    pub(crate) fn link_threads(
        &self,
        parent: &RecordKey,
        child: &RecordKey,
    ) -> Result<ExecutionOutcome, PortError> {
        Err(rejected(format!(
            "cannot link {child} to {parent}: Intercom 2.16 links only a conversation to a tracker ticket \
             (POST /tickets/{{id}}/linked_conversations), which intercom-client does not implement"
        )))
    }

    pub(crate) async fn assign_thread(
        &self,
        thread: &RecordKey,
        admin: Option<&str>,
        team: Option<&str>,
        refs: &ResolvedRefs,
    ) -> Result<ExecutionOutcome, PortError> {
        let id = id_of(refs, thread)?;
        let acting = self.acting_admin(refs).await?;
        let mut fields = Vec::new();
        if admin.is_some() {
            fields.push("admin_assignee_id".to_owned());
        }
        if team.is_some() {
            fields.push("team_assignee_id".to_owned());
        }
        let previous = self.thread_before(thread.kind(), id, &fields).await?;
        // An assignee already in place (a run cut off between the two calls) is not assigned
        // again: that would add a second assignment event to the thread.
        let in_place =
            |field: &str, target: &str| previous.get(field).and_then(Value::as_str) == Some(target);
        // The team first: assigning a team must not clear the admin assigned after it.
        let assignees = team
            .filter(|team| !in_place("team_assignee_id", team))
            .map(|team| Assignee::Team(TeamId::from(team)))
            .into_iter()
            .chain(
                admin
                    .filter(|admin| !in_place("admin_assignee_id", admin))
                    .map(|admin| Assignee::Admin(AdminId::from(admin))),
            );
        for assignee in assignees {
            self.assign(thread.kind(), id, &acting, assignee).await?;
        }
        Ok(updated(id, previous))
    }

    /// One assignment call.
    pub(crate) async fn assign(
        &self,
        kind: RecordKind,
        id: &str,
        acting: &str,
        assignee: Assignee,
    ) -> Result<(), PortError> {
        let context = format!("assigning {} {id}", kind.prefix());
        match kind {
            RecordKind::Conversation => {
                let assignment = Assignment {
                    admin_id: AdminId::from(acting),
                    assignee,
                    body: None,
                };
                self.client
                    .conversations()
                    .assign(&id.into(), &assignment)
                    .await
                    .map_err(writing(context))?;
            }
            RecordKind::Ticket => {
                let assignee_id = match assignee {
                    Assignee::Admin(id) => Id::from(id),
                    Assignee::Team(id) => Id::from(id),
                    Assignee::Unassigned => Id::from("0"),
                };
                let request = UpdateTicketRequest {
                    admin_id: Some(AdminId::from(acting)),
                    assignee_id: Some(assignee_id),
                    skip_notifications: self.options.skip_notifications.then_some(true),
                    ..Default::default()
                };
                self.client
                    .tickets()
                    .update(&id.into(), &request)
                    .await
                    .map_err(writing(context))?;
            }
            other => return Err(not_a_thread(other)),
        }
        Ok(())
    }

    pub(crate) async fn set_thread_state(
        &self,
        thread: &RecordKey,
        state: ThreadState,
        refs: &ResolvedRefs,
    ) -> Result<ExecutionOutcome, PortError> {
        let id = id_of(refs, thread)?;
        let acting = self.acting_admin(refs).await?;
        let mut fields = vec!["state".to_owned()];
        if thread.kind() == RecordKind::Ticket {
            fields.push("ticket_state_id".to_owned());
        }
        let previous = self.thread_before(thread.kind(), id, &fields).await?;
        // A thread already in the state gets no second state event: a resumed run must leave
        // the thread as an uninterrupted one does, and the call would be wasted.
        let current = |field: &str| previous.get(field).and_then(Value::as_str);
        match (thread.kind(), state) {
            (RecordKind::Conversation, ThreadState::Conversation(state)) => {
                // A conversation this process created is open already.
                let already = if self.session.created_here(id) {
                    state == ConversationState::Open
                } else {
                    current("state") == Some(state.as_str())
                };
                if !already {
                    self.set_conversation_state(id, &acting, state).await?;
                }
            }
            (RecordKind::Ticket, ThreadState::Ticket(category)) => {
                let state_id = self.ticket_state_id(category.into()).await?;
                // A ticket this process created is in the state its create answered with.
                let already = match self.session.created_in_state(id) {
                    Some(created_in) => created_in == state_id,
                    None => current("ticket_state_id") == Some(state_id.as_str()),
                };
                if !already {
                    self.set_ticket_state(id, &acting, &state_id).await?;
                }
            }
            (kind, state) => {
                return Err(rejected(format!(
                    "state {state:?} does not apply to a {}",
                    kind.prefix()
                )));
            }
        }
        Ok(updated(id, previous))
    }

    /// Opens, closes or snoozes a conversation (one call).
    pub(crate) async fn set_conversation_state(
        &self,
        id: &str,
        acting: &str,
        state: ConversationState,
    ) -> Result<(), PortError> {
        let conversations = self.client.conversations();
        let admin = AdminId::from(acting);
        let context = format!("setting conversation {id} {state:?}");
        match state {
            ConversationState::Open => conversations.open(&id.into(), &admin).await,
            ConversationState::Closed => conversations.close(&id.into(), &admin, None).await,
            ConversationState::Snoozed => {
                conversations
                    .snooze(&id.into(), &admin, snooze_until(self.options.snooze_for))
                    .await
            }
        }
        .map_err(writing(context))?;
        Ok(())
    }

    /// Moves a ticket to a state (one call).
    pub(crate) async fn set_ticket_state(
        &self,
        id: &str,
        acting: &str,
        state_id: &str,
    ) -> Result<(), PortError> {
        let request = UpdateTicketRequest {
            ticket_state_id: Some(TicketStateId::from(state_id)),
            admin_id: Some(AdminId::from(acting)),
            skip_notifications: self.options.skip_notifications.then_some(true),
            ..Default::default()
        };
        self.client
            .tickets()
            .update(&id.into(), &request)
            .await
            .map_err(writing(format!("setting the state of ticket {id}")))?;
        Ok(())
    }

    /// The ticket state of a category: the configured one, else the workspace's first live
    /// state of that category (`GET /ticket_states`, read once).
    pub(crate) async fn ticket_state_id(
        &self,
        category: TicketStateCategoryKey,
    ) -> Result<String, PortError> {
        if let Some(id) = self.options.ticket_states.get(&category) {
            return Ok(id.clone());
        }
        let states = self
            .session
            .ticket_states
            .get_or_try_init(|| async {
                let states = self
                    .client
                    .ticket_states()
                    .list()
                    .await
                    .map_err(reading("listing ticket states"))?;
                Ok::<_, PortError>(
                    states
                        .into_iter()
                        .filter(|state| !state.archived.unwrap_or(false))
                        .filter_map(|state| Some((state.id.into_string(), state.category?.into())))
                        .collect::<Vec<_>>(),
                )
            })
            .await?;
        states
            .iter()
            .find(|(_, own)| own == category.wire_name())
            .map(|(id, _)| id.clone())
            .ok_or_else(|| {
                rejected(format!(
                    "the workspace has no live ticket state of category {}",
                    category.wire_name()
                ))
            })
    }
}

fn not_a_thread(kind: RecordKind) -> PortError {
    rejected(format!(
        "a {} is not a conversation or ticket",
        kind.prefix()
    ))
}

/// The value a priority takes in the priority attribute (the core's lowercase word).
pub(crate) fn priority_value(level: PriorityLevel) -> Value {
    serde_json::to_value(level).unwrap_or(Value::Null)
}

/// `snoozed_until` for a snooze of `length` from now.
pub(crate) fn snooze_until(length: Duration) -> i64 {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    i64::try_from((now + length).as_secs()).unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn priorities_are_lowercase_words_and_snoozes_lie_ahead() {
        assert_eq!(priority_value(PriorityLevel::Urgent), Value::from("urgent"));
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_secs() as i64;
        let until = snooze_until(Duration::from_secs(3600));
        assert!(
            (now + 3590..=now + 3610).contains(&until),
            "{until} vs {now}"
        );
    }
}
