//! What follows a thread's creation: title, priority and attributes, tags, the link to a
//! parent, the final state and the assignment.

use crate::keys::{Mark, RecordKey};
use crate::model::destination::ThreadState;
use crate::model::source::{SourceKind, SourceRef, Ticket};
use crate::ops::{DestinationOp, Operation, Phase};
use crate::reject::{Finding, ReasonCode, Severity};
use crate::spec::{Dimension, ThreadTarget};

use super::lookup::{PriorityEntry, Route};
use super::{Gathered, Mapped, Mapper};

impl Mapper {
    #[allow(clippy::too_many_arguments)]
    pub(super) fn details(
        &self,
        ticket: &Ticket,
        route: &Route,
        thread: &RecordKey,
        company: Option<RecordKey>,
        gathered: Gathered,
        orphan: bool,
        mapped: &mut Mapped,
    ) {
        let priority = ticket
            .priority_id
            .and_then(|id| self.lookup.priorities.get(&id));
        let is_conversation = route.target == ThreadTarget::Conversation;
        let title = (is_conversation && !ticket.title.trim().is_empty())
            .then(|| ticket.title.trim().to_string());
        let company = company.filter(|_| is_conversation);
        if title.is_some() || priority.is_some() || company.is_some() || !gathered.values.is_empty()
        {
            mapped.operations.push(
                Operation::changing(
                    Phase::ThreadDetails,
                    Mark::new("details:").key(thread).build(),
                    DestinationOp::UpdateThread {
                        thread: thread.clone(),
                        title,
                        priority: priority.map(|entry| entry.level),
                        company: company.clone(),
                        custom_attributes: gathered.values,
                    },
                )
                .requiring([thread.clone()])
                .requiring(company)
                .requiring(gathered.requires),
            );
        }
        let tags = self.thread_tags(ticket, priority, orphan, &mut mapped.findings);
        for tag in tags {
            mapped.operations.push(tag_thread(thread, tag));
        }
    }

    /// The tags of a thread: its category, priority and origin tags, then the policy tags of
    /// orphans, children and parents. Values no rule maps are reported, not tagged.
    fn thread_tags(
        &self,
        ticket: &Ticket,
        priority: Option<&PriorityEntry>,
        orphan: bool,
        findings: &mut Vec<Finding>,
    ) -> Vec<RecordKey> {
        let record = SourceRef::new(SourceKind::Ticket, ticket.id);
        let mut tags: Vec<RecordKey> = Vec::new();
        if let Some(id) = ticket.category_id {
            match self.lookup.category_tags.get(&id) {
                Some(tag) => tags.push(tag.clone()),
                None if !self.lookup.category_paths.contains_key(&id) => {
                    findings.push(unmapped(record, "category", id))
                }
                None => {}
            }
        }
        if let Some(tag) = priority.and_then(|entry| entry.tag.as_ref()) {
            tags.push(tag.clone());
        } else if let Some(id) = ticket
            .priority_id
            .filter(|id| !self.lookup.priorities.contains_key(id))
        {
            findings.push(unmapped(record, "priority", id));
        }
        if let Some(origin) = ticket.origin {
            let carried = self
                .lookup
                .dimension_attributes
                .contains_key(&Dimension::Origin)
                || Dimension::Origin.tags(&self.spec);
            if let Some(tag) = self.lookup.origin_tags.get(&origin) {
                tags.push(tag.clone());
            } else if !self.lookup.origin_labels.contains_key(&origin) && carried {
                findings.push(unmapped(record, "origin", origin));
            }
        }
        if orphan {
            tags.extend(self.lookup.policy_tag(&self.spec.tickets.orphan_tag));
        }
        if !ticket.parent_ids.is_empty() {
            tags.extend(self.lookup.policy_tag(&self.spec.parent_child.child_tag));
        }
        if self.directory.is_parent(ticket.id) {
            tags.extend(self.lookup.policy_tag(&self.spec.parent_child.parent_tag));
        }
        tags.dedup();
        tags
    }

    pub(super) fn links(&self, ticket: &Ticket, thread: &RecordKey, mapped: &mut Mapped) {
        let Some(parent_id) = ticket.parent_ids.first() else {
            return;
        };
        if !self.spec.parent_child.link {
            return;
        }
        let record = SourceRef::new(SourceKind::Ticket, ticket.id);
        let parent_route = self
            .directory
            .ticket(*parent_id)
            .and_then(|entry| self.lookup.routes.get(&entry.record_type_id));
        let Some(parent_route) = parent_route else {
            mapped.findings.push(if self.directory.knows_tickets() {
                missing_parent(record, *parent_id)
            } else {
                Finding::new(
                    Severity::Warning,
                    record,
                    ReasonCode::MissingParent,
                    format!("parent ticket {parent_id} is not in the directory (tickets were not registered); the link is left to a later pass"),
                    "check the parent ticket in Vivantio",
                )
            });
            return;
        };
        let parent = parent_route.thread_key(*parent_id);
        mapped.operations.push(
            Operation::changing(
                Phase::Links,
                Mark::new("link:")
                    .key(&parent)
                    .text(":")
                    .key(thread)
                    .build(),
                DestinationOp::LinkThreads {
                    parent: parent.clone(),
                    child: thread.clone(),
                },
            )
            .requiring([parent, thread.clone()]),
        );
    }

    /// Who a ticket is assigned to: its owner's admin and its group's team.
    pub(super) fn assignees(&self, ticket: &Ticket) -> Assignees {
        Assignees {
            admin: ticket.owner_id.and_then(|id| self.lookup.admin(id)),
            team: ticket
                .group_id
                .and_then(|id| self.lookup.team_keys.get(&id).cloned()),
        }
    }

    /// The final state, and the assignment of a conversation (an Intercom ticket is assigned
    /// as it is created: `POST /tickets` takes both assignees, a conversation's create none).
    pub(super) fn final_state(
        &self,
        ticket: &Ticket,
        route: &Route,
        thread: &RecordKey,
        assignees: Assignees,
        mapped: &mut Mapped,
    ) {
        let Assignees { admin, team } = assignees;
        if route.target == ThreadTarget::Conversation && (admin.is_some() || team.is_some()) {
            mapped.operations.push(
                Operation::changing(
                    Phase::StatesAndAssignments,
                    Mark::new("assign:").key(thread).build(),
                    DestinationOp::AssignThread {
                        thread: thread.clone(),
                        admin: admin.clone(),
                        team: team.clone(),
                    },
                )
                .requiring([thread.clone()])
                .requiring(admin)
                .requiring(team),
            );
        }
        let Some(states) = ticket.status_id.and_then(|id| self.lookup.states.get(&id)) else {
            if let Some(id) = ticket.status_id {
                mapped.findings.push(unmapped(
                    SourceRef::new(SourceKind::Ticket, ticket.id),
                    "status",
                    id,
                ));
            }
            return;
        };
        let state = match route.target {
            ThreadTarget::Conversation => ThreadState::Conversation(states.0),
            ThreadTarget::Ticket => ThreadState::Ticket(states.1),
        };
        mapped.operations.push(
            Operation::changing(
                Phase::StatesAndAssignments,
                Mark::new("state:").key(thread).build(),
                DestinationOp::SetThreadState {
                    thread: thread.clone(),
                    state,
                },
            )
            .requiring([thread.clone(), self.lookup.fallback_admin.clone()]),
        );
    }
}

/// The admin and team a ticket is assigned to.
#[derive(Debug, Clone, Default)]
pub(super) struct Assignees {
    pub admin: Option<RecordKey>,
    pub team: Option<RecordKey>,
}

fn tag_thread(thread: &RecordKey, tag: RecordKey) -> Operation {
    Operation::changing(
        Phase::ThreadDetails,
        Mark::new("tagging:")
            .key(thread)
            .text(":")
            .key(&tag)
            .build(),
        DestinationOp::TagThread {
            thread: thread.clone(),
            tag: tag.clone(),
        },
    )
    .requiring([thread.clone(), tag])
}

fn unmapped(record: SourceRef, what: &str, id: i64) -> Finding {
    Finding::new(
        Severity::Warning,
        record,
        ReasonCode::UnmappedValue,
        format!("{what} {id} is not in the instance's configuration or has no rule; it is not carried over"),
        format!("add a rule for {what} {id} to the specification"),
    )
}

/// The finding of a child whose parent ticket does not exist or has a type no rule routes:
/// the mapping's words, which the streaming pre-flight repeats once it has seen every ticket.
pub(crate) fn missing_parent(child: SourceRef, parent_id: i64) -> Finding {
    Finding::new(
        Severity::Warning,
        child,
        ReasonCode::MissingParent,
        format!("parent ticket {parent_id} does not exist or has an unmapped type; the child is tagged but not linked"),
        "check the parent ticket in Vivantio",
    )
}
