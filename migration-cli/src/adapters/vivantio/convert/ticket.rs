//! Tickets and what hangs off them: history actions, attachments, parent links, custom form
//! values and SLA stages.

use std::collections::HashSet;

use migration_core::model::source as core;
use vivantio_client::actions::TicketAction;
use vivantio_client::attachments::Attachment;
use vivantio_client::custom_forms::CustomFormInstance;
use vivantio_client::ticket::{SlaStageInstance, Ticket};

use super::{text, time, value_text};

/// Everything read about one ticket besides the ticket record itself.
#[derive(Debug, Clone, Default)]
pub struct TicketExtras {
    /// History, with private notes and inline attachment lists.
    pub actions: Vec<TicketAction>,
    /// The ticket's attachment listing (`File/AttachmentSelectByParent`), which carries the
    /// metadata action lists may lack and the files that belong to no action.
    pub listed_attachments: Vec<Attachment>,
    /// Ids of the parent tickets, as Vivantio returned them.
    pub parent_ids: Vec<i64>,
    /// Custom form instances on the ticket.
    pub forms: Vec<CustomFormInstance>,
    /// SLA stage instances.
    pub sla: Vec<SlaStageInstance>,
}

/// The ticket record alone (no history): enough to decide whether it changed since a watermark.
pub fn ticket(record: Ticket) -> core::Ticket {
    core::Ticket {
        id: record.id.get(),
        display_id: text(record.display_id),
        // The core's checker reports a ticket whose type it does not know; 0 is no type.
        record_type_id: record.record_type_id.unwrap_or_default().get(),
        title: record.title.unwrap_or_default(),
        description: text(record.description),
        description_html: text(record.description_html),
        solution: text(record.solution),
        status_id: record.status_id.map(i64::from),
        priority_id: record.priority_id.map(i64::from),
        category_id: record.category_id.map(i64::from),
        origin: record.call_origin,
        caller_id: record.caller_id.map(i64::from).filter(|id| *id != 0),
        caller_name: text(record.caller_name),
        caller_email: text(record.caller_email),
        client_id: record.client_id.map(i64::from).filter(|id| *id != 0),
        owner_id: record.owner_id.map(i64::from).filter(|id| *id != 0),
        group_id: record.group_id.map(i64::from).filter(|id| *id != 0),
        opened_at: time(record.open_date),
        closed_at: time(record.close_date),
        resolved_at: time(record.resolved_date),
        updated_at: time(record.last_modified_date),
        deleted: record.deleted.unwrap_or(false),
        custom_values: Vec::new(),
        legacy_values: record
            .extension_fields
            .into_iter()
            .filter_map(|value| {
                Some(core::LegacyValue {
                    field_id: value.field_id?.get(),
                    name: value.name.unwrap_or_default(),
                    value: value.value,
                })
            })
            .collect(),
        actions: Vec::new(),
        attachments: Vec::new(),
        parent_ids: Vec::new(),
        sla: Vec::new(),
    }
}

/// The ticket with its history (in action id order), attachments, parents, custom form values
/// and SLA stages.
///
/// Attachments listed on an action keep their place; the ticket's listing fills in what they lack
/// (size, type, privacy) and contributes the files no action list mentions: to the action named
/// by their `ActionId` when there is one, else to the ticket itself. Each file appears once.
pub fn hydrate_ticket(mut ticket: core::Ticket, extras: TicketExtras) -> core::Ticket {
    let TicketExtras {
        mut actions,
        listed_attachments: listed,
        parent_ids,
        forms,
        sla,
    } = extras;
    actions.sort_by_key(|action| action.id);
    let mut used = vec![false; listed.len()];
    let mut converted: Vec<core::Action> = actions
        .into_iter()
        .map(|wire_action| {
            let private = wire_action.is_private();
            let files = wire_action
                .attachments
                .iter()
                .filter_map(|file| {
                    let found = listing_of(file, &listed);
                    if let Some(index) = found {
                        used[index] = true;
                    }
                    attachment(file, found.map(|index| &listed[index]), private)
                })
                .collect();
            action(wire_action, files)
        })
        .collect();
    for (file, _) in listed.iter().zip(&used).filter(|(_, used)| !**used) {
        let owner = file
            .action_id
            .and_then(|id| converted.iter_mut().find(|action| action.id == id.get()));
        match owner {
            Some(owner) => {
                if let Some(file) = attachment(file, None, owner.private) {
                    owner.attachments.push(file);
                }
            }
            None => ticket.attachments.extend(attachment(file, None, true)),
        }
    }
    for action in &mut converted {
        dedupe_files(&mut action.attachments);
    }
    dedupe_files(&mut ticket.attachments);
    ticket.actions = converted;
    let mut seen = HashSet::from([ticket.id]);
    ticket.parent_ids = parent_ids
        .into_iter()
        .filter(|id| seen.insert(*id))
        .collect();
    ticket.custom_values = form_values(forms);
    ticket.sla = sla.into_iter().map(sla_instance).collect();
    ticket
}

/// One history entry with its (already converted) files. Privacy follows the client's rule: an
/// action that does not say is private, so nothing internal is published by mistake.
pub fn action(record: TicketAction, attachments: Vec<core::Attachment>) -> core::Action {
    let private = record.is_private();
    core::Action {
        id: record.id.get(),
        at: time(record.action_date),
        agent_id: record.action_user_id.map(i64::from).filter(|id| *id != 0),
        author_name: text(record.action_user_name),
        author_email: text(record.action_user_email),
        kind: value_text(&record.action_type).or_else(|| text(record.description)),
        notes: text(record.notes),
        notes_html: text(record.notes_html),
        private,
        status_id: record.status_id.map(i64::from),
        attachments,
    }
}

/// The values of every form instance on a record, in instance order.
pub fn form_values(forms: Vec<CustomFormInstance>) -> Vec<core::FieldValue> {
    forms
        .into_iter()
        .flat_map(|form| form.field_values)
        .map(|value| core::FieldValue {
            field_id: value.field_id.get(),
            value: value.value,
        })
        .collect()
}

/// One SLA stage of a ticket.
pub fn sla_instance(record: SlaStageInstance) -> core::SlaInstance {
    core::SlaInstance {
        id: record.id.get(),
        stage_name: text(record.stage_name).unwrap_or_default(),
        target_at: time(record.target_date),
        completed_at: time(record.completed_date),
        breached: record.breached.unwrap_or(false),
    }
}

/// The index of the listed attachment that is `file` (same GUID, else same id).
fn listing_of(file: &Attachment, listed: &[Attachment]) -> Option<usize> {
    let same_guid = |other: &Attachment| match (&file.attachment_guid, &other.attachment_guid) {
        (Some(a), Some(b)) => a.eq_ignore_ascii_case(b),
        _ => false,
    };
    listed.iter().position(same_guid).or_else(|| {
        let id = file.id?;
        listed.iter().position(|other| other.id == Some(id))
    })
}

/// A file, its gaps filled from its listing; `None` (logged) without a download key or an id.
fn attachment(
    file: &Attachment,
    listing: Option<&Attachment>,
    private_by_default: bool,
) -> Option<core::Attachment> {
    let pick = |own: &Option<String>, listed: Option<&Option<String>>| {
        text(own.clone()).or_else(|| listed.and_then(|value| text(value.clone())))
    };
    let guid = pick(&file.attachment_guid, listing.map(|l| &l.attachment_guid));
    let id = file.id.or_else(|| listing.and_then(|l| l.id));
    let (Some(guid), Some(id)) = (guid, id) else {
        tracing::warn!(
            attachment_id = ?file.id,
            action_id = ?file.action_id,
            "attachment without a GUID or an id cannot be downloaded; skipped"
        );
        return None;
    };
    Some(core::Attachment {
        id: id.get(),
        guid,
        file_name: pick(&file.file_name, listing.map(|l| &l.file_name)).unwrap_or_default(),
        content_type: pick(&file.content_type, listing.map(|l| &l.content_type)),
        size: file.size.or_else(|| listing.and_then(|l| l.size)),
        private: file
            .is_private
            .or_else(|| listing.and_then(|l| l.is_private))
            .unwrap_or(private_by_default),
        created_at: time(
            file.created_date
                .or_else(|| listing.and_then(|l| l.created_date)),
        ),
    })
}

fn dedupe_files(files: &mut Vec<core::Attachment>) {
    let mut seen = HashSet::new();
    files.retain(|file| seen.insert(file.guid.to_ascii_lowercase()));
}

#[cfg(test)]
#[path = "ticket_tests.rs"]
mod tests;
