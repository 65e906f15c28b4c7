//! Tickets to conversations or Intercom tickets, with their parts, attributes, tags, links,
//! states and assignments.

use serde_json::Value;

use crate::idmap::IdMapView;
use crate::keys::RecordKey;
use crate::model::destination::{AttributeValue, ConversationOpening, TicketRecord};
use crate::model::source::{SourceKind, SourceRef, Ticket};
use crate::ops::{DestinationOp, Operation, Phase};
use crate::reject::{Finding, ReasonCode, Rejection, Severity};
use crate::spec::{
    BuiltinField, Dimension, LegacyDecision, OrphanTicketPolicy, TargetModel, ThreadTarget,
};

use super::html::html_to_text;
use super::lookup::Route;
use super::parts::PartContext;
use super::thread_details::Assignees;
use super::values::raw_text;
use super::{Gathered, Mapped, Mapper};

impl Mapper {
    /// Maps a ticket to its thread, parts, details, links, state and assignment.
    ///
    /// `ids` is read to rewrite links and inline images in notes; the operations themselves
    /// reference other records by key, so they do not depend on what exists yet.
    pub fn map_ticket(&self, ticket: &Ticket, ids: &dyn IdMapView) -> Result<Mapped, Rejection> {
        let record = SourceRef::new(SourceKind::Ticket, ticket.id);
        self.map_ticket_raw(ticket, ids)
            .map(|mapped| self.finished(record, mapped))
    }

    fn map_ticket_raw(&self, ticket: &Ticket, ids: &dyn IdMapView) -> Result<Mapped, Rejection> {
        let record = SourceRef::new(SourceKind::Ticket, ticket.id);
        let route = self.ticket_route(ticket, record)?;
        let mut mapped = Mapped {
            operations: Vec::with_capacity(12 + ticket.actions.len()),
            findings: Vec::new(),
        };
        let (contact, orphan) = self.ticket_contact(ticket, record, &mut mapped.findings)?;
        let opened_at = self.opened_at(ticket).ok_or_else(|| undated(record))?;
        let company = ticket.client_id.and_then(|id| self.company_for(id));
        let thread = route.thread_key(ticket.id);
        let mut gathered = self.thread_attributes(ticket, route, record);
        mapped.findings.append(&mut gathered.findings);

        let assignees = self.assignees(ticket);
        let opening = self.opening(
            ticket,
            route,
            &thread,
            &contact,
            company.clone(),
            opened_at,
            &assignees,
            &mut gathered,
        );
        mapped.operations.push(opening.from_source(record));
        let context = PartContext {
            ticket,
            record,
            thread: thread.clone(),
            opened_at,
        };
        self.parts(
            &context,
            &gathered.archive,
            ids,
            &mut mapped.operations,
            &mut mapped.findings,
        );
        self.details(
            ticket,
            route,
            &thread,
            company,
            gathered,
            orphan,
            &mut mapped,
        );
        self.links(ticket, &thread, &mut mapped);
        self.final_state(ticket, route, &thread, assignees, &mut mapped);
        for operation in &mut mapped.operations {
            operation.source.get_or_insert(record);
        }
        Ok(mapped)
    }

    /// The route of a ticket that moves: not deleted (unless deleted ones move), and of a
    /// ticket type the specification has a rule for.
    fn ticket_route(&self, ticket: &Ticket, record: SourceRef) -> Result<&Route, Rejection> {
        if ticket.deleted && self.spec.tickets.skip_deleted {
            return Err(Rejection::new(
                record,
                ReasonCode::DeletedRecord,
                "the ticket is deleted in Vivantio and is not moved",
                "restore it in Vivantio or set tickets.skip_deleted = false",
            ));
        }
        self.lookup
            .routes
            .get(&ticket.record_type_id)
            .ok_or_else(|| {
                Rejection::new(
                    record,
                    ReasonCode::UnmappedTicketType,
                    format!(
                        "ticket type {} has no rule in the specification",
                        ticket.record_type_id
                    ),
                    "add a [[ticket_types]] rule for it and confirm the specification again",
                )
            })
    }

    fn ticket_contact(
        &self,
        ticket: &Ticket,
        record: SourceRef,
        findings: &mut Vec<Finding>,
    ) -> Result<(RecordKey, bool), Rejection> {
        if let Some(contact) = ticket.caller_id.and_then(|id| self.contact_for(id)) {
            return Ok((contact, false));
        }
        if let Some(contact) = ticket
            .caller_email
            .as_deref()
            .and_then(|email| self.directory.contact_for_email(email))
        {
            findings.push(Finding::new(
                Severity::Info,
                record,
                ReasonCode::OrphanedTicket,
                "the ticket's caller does not exist; the contact with the ticket's caller email is used",
                "nothing to do",
            ));
            return Ok((contact, false));
        }
        let message = match ticket.caller_id {
            Some(id) => format!("the ticket's caller {id} does not exist or is not moved"),
            None => "the ticket has no caller".to_string(),
        };
        match self.spec.tickets.orphans {
            OrphanTicketPolicy::Reject => Err(Rejection::new(
                record,
                ReasonCode::OrphanedTicket,
                message,
                "give the ticket an existing caller in Vivantio, or set tickets.orphans = \"placeholder_contact\"",
            )),
            OrphanTicketPolicy::PlaceholderContact => {
                findings.push(Finding::new(
                    Severity::Warning,
                    record,
                    ReasonCode::OrphanedTicket,
                    format!("{message}; it is attributed to \"{}\" and tagged", self.spec.tickets.placeholder_contact_name),
                    "give the ticket an existing caller in Vivantio",
                ));
                Ok((RecordKey::placeholder_contact(), true))
            }
        }
    }

    fn opened_at(&self, ticket: &Ticket) -> Option<i64> {
        ticket
            .opened_at
            .or_else(|| {
                ticket
                    .actions
                    .iter()
                    .filter_map(|action| action.at)
                    .min_by_key(|at| at.to_unix(self.zone))
            })
            .or(ticket.updated_at)
            .map(|at| at.to_unix(self.zone))
    }

    /// Custom, built-in, legacy and SLA values for the thread.
    fn thread_attributes(&self, ticket: &Ticket, route: &Route, record: SourceRef) -> Gathered {
        let mut gathered = Gathered::default();
        self.builtin_values(ticket, route, record, &mut gathered);
        self.custom_values(ticket, route, record, &mut gathered);
        self.legacy_values(ticket, route, record, &mut gathered);
        self.sla_values(ticket, route, &mut gathered);
        self.dimension_values(ticket, route, &mut gathered);
        self.parent_reference(ticket, route, &mut gathered);
        gathered
    }

    /// The ticket's own fields (display id, category path, solution, dates) the rules name.
    fn builtin_values(
        &self,
        ticket: &Ticket,
        route: &Route,
        record: SourceRef,
        gathered: &mut Gathered,
    ) {
        for (builtin, binding) in self.lookup.builtins(TargetModel::Thread) {
            let raw = match builtin {
                BuiltinField::TicketDisplayId => ticket.display_id.clone().map(Value::String),
                BuiltinField::TicketId => Some(ticket.id.into()),
                BuiltinField::TicketCategoryPath => ticket
                    .category_id
                    .and_then(|id| self.lookup.category_paths.get(&id).cloned())
                    .map(Value::String),
                BuiltinField::TicketSolution => ticket.solution.clone().map(Value::String),
                BuiltinField::TicketResolvedAt => {
                    ticket.resolved_at.map(|at| at.to_unix(self.zone).into())
                }
                BuiltinField::TicketClosedAt => {
                    ticket.closed_at.map(|at| at.to_unix(self.zone).into())
                }
                _ => None,
            };
            self.gather(
                gathered,
                record,
                &binding.rule,
                None,
                &raw.unwrap_or_default(),
                |name| route.attribute_key(name),
            );
        }
    }

    /// The ticket's custom field values: through their rules, or into the archive note.
    fn custom_values(
        &self,
        ticket: &Ticket,
        route: &Route,
        record: SourceRef,
        gathered: &mut Gathered,
    ) {
        for value in &ticket.custom_values {
            let other_form = self
                .lookup
                .field_record_types
                .get(&value.field_id)
                .is_some_and(|types| !types.contains(&ticket.record_type_id));
            let bindings = self
                .lookup
                .custom_bindings
                .get(&value.field_id)
                .filter(|_| !other_form);
            let Some(bindings) = bindings else {
                // No rule, or the field belongs to another ticket type's form (the type was
                // changed): the attribute does not exist on this thread, the note keeps it.
                self.archive_unmapped(gathered, record, value);
                continue;
            };
            for binding in bindings
                .iter()
                .filter(|binding| binding.rule.model == TargetModel::Thread)
            {
                self.gather(
                    gathered,
                    record,
                    &binding.rule,
                    binding.field.as_ref(),
                    &value.value,
                    |name| route.attribute_key(name),
                );
            }
        }
    }

    /// The target, completion and breach of every SLA stage that has attributes.
    fn sla_values(&self, ticket: &Ticket, route: &Route, gathered: &mut Gathered) {
        for stage in &ticket.sla {
            let stage_name = stage.stage_name.trim();
            // Stage names are keyed in lower case; an ASCII name already in lower case is
            // looked up as it is, without a copy.
            let names = if stage_name
                .bytes()
                .all(|b| b.is_ascii() && !b.is_ascii_uppercase())
            {
                self.lookup.sla.get(stage_name)
            } else {
                self.lookup.sla.get(stage_name.to_lowercase().as_str())
            };
            let Some(names) = names else {
                continue;
            };
            if let Some(target) = stage.target_at {
                gathered.set(
                    &names.target,
                    route.attribute_key(&names.target),
                    AttributeValue::Datetime(target.to_unix(self.zone)),
                );
            }
            if let Some(done) = stage.completed_at {
                gathered.set(
                    &names.completed,
                    route.attribute_key(&names.completed),
                    AttributeValue::Datetime(done.to_unix(self.zone)),
                );
            }
            gathered.set(
                &names.breached,
                route.attribute_key(&names.breached),
                AttributeValue::Boolean(stage.breached),
            );
        }
    }

    /// The parent ticket's display id (or id), when the mapping keeps it in an attribute.
    fn parent_reference(&self, ticket: &Ticket, route: &Route, gathered: &mut Gathered) {
        let attribute = &self.spec.parent_child.reference_attribute;
        let Some(parent) = ticket.parent_ids.first() else {
            return;
        };
        if attribute.is_empty() {
            return;
        }
        let reference = self
            .directory
            .ticket(*parent)
            .and_then(|entry| entry.display_id.clone())
            .unwrap_or_else(|| parent.to_string());
        gathered.set(
            attribute,
            route.attribute_key(attribute),
            AttributeValue::String(reference),
        );
    }

    /// The ticket's priority, category and origin, as options of their attributes.
    fn dimension_values(&self, ticket: &Ticket, route: &Route, gathered: &mut Gathered) {
        let lookup = &self.lookup;
        let values = [
            (
                Dimension::Priority,
                ticket
                    .priority_id
                    .and_then(|id| lookup.priorities.get(&id))
                    .map(|entry| &entry.label),
            ),
            (
                Dimension::Category,
                ticket
                    .category_id
                    .and_then(|id| lookup.category_labels.get(&id)),
            ),
            (
                Dimension::Origin,
                ticket
                    .origin
                    .and_then(|code| lookup.origin_labels.get(&code)),
            ),
        ];
        for (dimension, label) in values {
            let (Some(name), Some(label)) = (lookup.dimension_attributes.get(&dimension), label)
            else {
                continue;
            };
            gathered.set(
                name,
                route.attribute_key(name),
                AttributeValue::ListOption(label.clone()),
            );
        }
    }

    fn legacy_values(
        &self,
        ticket: &Ticket,
        route: &Route,
        record: SourceRef,
        gathered: &mut Gathered,
    ) {
        for value in &ticket.legacy_values {
            let Some(text) = raw_text(&value.value) else {
                continue;
            };
            let rule = self.lookup.legacy.get(&value.field_id);
            let name = rule.map_or(value.name.as_str(), |rule| rule.source_name.as_str());
            match rule.map(|rule| (rule.decision, rule)) {
                Some((LegacyDecision::Remap, rule)) => {
                    if let (Some(attribute), Some(data_type)) = (&rule.attribute, rule.data_type) {
                        let field_rule = crate::spec::FieldRule {
                            source: crate::spec::SourceField::Custom(value.field_id),
                            label: Some(format!("legacy {name}")),
                            model: TargetModel::Thread,
                            attribute: attribute.clone(),
                            data_type,
                            transform: crate::spec::Transform::Auto,
                            value_map: None,
                            options: Vec::new(),
                        };
                        self.gather(gathered, record, &field_rule, None, &value.value, |name| {
                            route.attribute_key(name)
                        });
                        continue;
                    }
                    gathered.archive.push(format!("{name}: {text}"));
                }
                Some((LegacyDecision::Archive, _)) => {
                    gathered.archive.push(format!("{name}: {text}"))
                }
                Some((LegacyDecision::Undecided, _)) | None => {
                    gathered.archive.push(format!("{name}: {text}"));
                    gathered.findings.push(Finding::new(
                        Severity::Warning,
                        record,
                        ReasonCode::LegacyField,
                        format!("legacy field {name} has no decision; its value is archived into a note"),
                        "decide on the field in [[legacy_fields]]",
                    ));
                }
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn opening(
        &self,
        ticket: &Ticket,
        route: &Route,
        thread: &RecordKey,
        contact: &RecordKey,
        company: Option<RecordKey>,
        opened_at: i64,
        assignees: &Assignees,
        gathered: &mut Gathered,
    ) -> Operation {
        let description = opening_text(ticket);
        match (&route.target, &route.ticket_type) {
            (ThreadTarget::Ticket, Some((_, type_key))) => {
                let title = ticket_title(ticket);
                let values = std::mem::take(&mut gathered.values);
                let requires: Vec<RecordKey> = std::mem::take(&mut gathered.requires);
                Operation::creating(
                    Phase::Threads,
                    thread.clone(),
                    DestinationOp::CreateTicket(TicketRecord {
                        ticket_type: type_key.clone(),
                        contact: contact.clone(),
                        company: company.clone(),
                        title,
                        description,
                        created_at: opened_at,
                        attributes: values,
                        admin: assignees.admin.clone(),
                        team: assignees.team.clone(),
                    }),
                )
                .requiring([type_key.clone(), contact.clone()])
                .requiring(company)
                .requiring(requires)
                .requiring(assignees.admin.clone())
                .requiring(assignees.team.clone())
            }
            _ => Operation::creating(
                Phase::Threads,
                thread.clone(),
                DestinationOp::CreateConversation(ConversationOpening {
                    contact: contact.clone(),
                    body: description,
                    created_at: opened_at,
                }),
            )
            .requiring([contact.clone()]),
        }
    }
}

/// A ticket without an open date or any dated action: it cannot be placed in time.
fn undated(record: SourceRef) -> Rejection {
    Rejection::new(
        record,
        ReasonCode::MissingDate,
        "the ticket has no open date and no dated action, so it cannot be placed in time",
        "set its open date in Vivantio",
    )
}

/// The first message of the thread: the description (plain text first, else the HTML's
/// text), else the title.
fn opening_text(ticket: &Ticket) -> String {
    ticket
        .description
        .as_deref()
        .filter(|text| !text.trim().is_empty())
        .map(super::values::multi_line)
        .or_else(|| {
            ticket
                .description_html
                .as_deref()
                .map(html_to_text)
                .filter(|text| !text.is_empty())
        })
        .unwrap_or_else(|| {
            let title = ticket.title.trim();
            if title.is_empty() {
                "(no description)".to_string()
            } else {
                title.to_string()
            }
        })
}

/// An Intercom ticket's title: the Vivantio title, else its display id, else its id.
fn ticket_title(ticket: &Ticket) -> String {
    let title = ticket.title.trim();
    if title.is_empty() {
        ticket
            .display_id
            .clone()
            .unwrap_or_else(|| format!("Vivantio ticket {}", ticket.id))
    } else {
        title.to_string()
    }
}
