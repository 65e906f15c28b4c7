//! One streamed ticket to the work of the tickets stage: the ID map entries its mapping reads
//! are looked up first, then it is mapped (in full, or as a delta); links to parents are kept
//! for the links stage.

use std::collections::HashMap;
use std::sync::atomic::Ordering;

use super::context::Context;
use super::pipeline::{Group, Work};
use super::stage::Stage;
use super::EngineError;
use crate::delta::{map_ticket_delta, Changed};
use crate::idmap::{DestinationRef, IdMap, IdMapView};
use crate::keys::RecordKey;
use crate::model::source::{SourceKind, SourceRef, Ticket};
use crate::ops::{DestinationOp, Operation, Phase};
use crate::reject::{Finding, ReasonCode};
use crate::transform::Mapped;

/// A child ticket whose link to its parent waits for the links stage.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ParentLink {
    /// The child ticket.
    pub record: SourceRef,
    /// The child's thread.
    pub child: RecordKey,
    /// The parent ticket's id.
    pub parent_id: i64,
}

/// The ID map as one ticket's mapping reads it: the articles known, and the entries looked
/// up for this ticket (its thread, its files).
struct TicketView<'m> {
    articles: &'m IdMap,
    looked_up: &'m HashMap<RecordKey, DestinationRef>,
}

impl IdMapView for TicketView<'_> {
    fn get(&self, key: &RecordKey) -> Option<&DestinationRef> {
        self.looked_up.get(key).or_else(|| self.articles.get(key))
    }
}

/// What one ticket gives the tickets stage.
pub(crate) struct TicketWork {
    /// The placeholder contact's group, the first time a ticket needs it, then the ticket.
    pub work: Vec<Work>,
    /// Links for the links stage.
    pub links: Vec<Operation>,
    /// A link to a parent the mapping could not see.
    pub parent: Option<ParentLink>,
    /// What a person should know about the ticket.
    pub findings: Vec<Finding>,
}

impl Context<'_, '_> {
    /// Maps one ticket, reading the ID map entries its mapping needs first.
    pub async fn ticket_work(&self, ticket: &Ticket) -> Result<TicketWork, EngineError> {
        let mapper = &self.mapper;
        let record = SourceRef::new(SourceKind::Ticket, ticket.id);
        self.saw_change(ticket.changed_at(mapper.zone()));
        let mut looked_up = HashMap::new();
        let files = ticket
            .attachments
            .iter()
            .chain(ticket.actions.iter().flat_map(|action| &action.attachments));
        let keys = [
            RecordKey::conversation(ticket.id),
            RecordKey::ticket(ticket.id),
        ]
        .into_iter()
        .chain(files.map(|file| RecordKey::file(&file.guid)));
        for key in keys {
            if let Some(found) = self
                .store()
                .lookup(&key)
                .await
                .map_err(EngineError::Store)?
            {
                looked_up.insert(key, found);
            }
        }
        let mapped = self.with_articles(|articles| {
            let view = TicketView {
                articles,
                looked_up: &looked_up,
            };
            match self.since {
                Some(since) => map_ticket_delta(mapper, ticket, &view, since),
                None => mapper.map_ticket(ticket, &view).map(Some),
            }
        });
        let mapped = match mapped {
            Err(rejection) => return Ok(TicketWork::single(Work::Rejected(rejection))),
            Ok(None) => return Ok(TicketWork::single(Work::Unchanged)),
            Ok(Some(mapped)) => mapped,
        };
        let thread = thread_of(&mapped, &looked_up);
        Ok(self.split(record, ticket, thread, mapped))
    }

    fn split(
        &self,
        record: SourceRef,
        ticket: &Ticket,
        thread: Option<RecordKey>,
        mapped: Mapped,
    ) -> TicketWork {
        let (mut now, links): (Vec<Operation>, Vec<Operation>) = mapped
            .operations
            .into_iter()
            .partition(|operation| Stage::of(operation.phase) == Stage::Tickets);
        // The plan's order within a ticket: phase by phase, parts by time (stable).
        now.sort_by_key(|operation| {
            let at = match &operation.op {
                DestinationOp::AddPart { part, .. } => part.created_at,
                _ => i64::MIN,
            };
            (operation.phase, at)
        });
        if let Some(since) = self.since {
            super::delta::rekey(&mut now, since);
        }
        let parent = match (ticket.parent_ids.first(), thread) {
            (Some(parent_id), Some(child))
                if links.is_empty() && self.mapper.spec().parent_child.link =>
            {
                Some(ParentLink {
                    record,
                    child,
                    parent_id: *parent_id,
                })
            }
            _ => None,
        };
        let mut findings = mapped.findings;
        if parent.is_some() {
            // The mapping could not see the parent; the links stage links it (or reports it).
            findings.retain(|finding| finding.code != ReasonCode::MissingParent);
        }
        let mut work = Vec::with_capacity(2);
        let placeholder = RecordKey::placeholder_contact();
        if now
            .iter()
            .any(|operation| operation.requires.contains(&placeholder))
            && !self.placeholder_queued.swap(true, Ordering::SeqCst)
        {
            // Streamed before the ticket, so the ticket waits for it like any record of its stage.
            work.push(Work::Group(Group::new(
                None,
                self.mapper.placeholder_contact_operations(),
            )));
        }
        work.push(Work::Group(Group::new(Some(record), now)));
        TicketWork {
            work,
            links,
            parent,
            findings,
        }
    }
}

impl TicketWork {
    fn single(work: Work) -> Self {
        Self {
            work: vec![work],
            links: Vec::new(),
            parent: None,
            findings: Vec::new(),
        }
    }
}

/// The thread a ticket's operations write to.
fn thread_of(mapped: &Mapped, looked_up: &HashMap<RecordKey, DestinationRef>) -> Option<RecordKey> {
    mapped
        .operations
        .iter()
        .find(|operation| operation.phase == Phase::Threads)
        .and_then(|operation| operation.creates.clone())
        .or_else(|| looked_up.keys().find(|key| key.kind().is_thread()).cloned())
}
