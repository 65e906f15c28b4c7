//! Collects callers, organisations and tickets (streamed or from lists) into a
//! [`SourceDirectory`], deciding email dedupe once every caller is known.

use crate::model::source::{Caller, Organisation, Ticket};
use crate::transform::email::normalise_email;
use crate::transform::fast_hash::{FastMap, FastSet};

use super::email_keys::{EmailHasher, EmailKey, EmailOwners};
use super::{SourceDirectory, TicketEntry, NO_CLIENT};

/// Builds a [`SourceDirectory`]: add records in any order, then [`finish`](Self::finish).
#[derive(Debug, Default)]
pub struct DirectoryBuilder {
    hasher: EmailHasher,
    caller_ids: Vec<i64>,
    caller_clients: Vec<i64>,
    caller_deleted: Vec<bool>,
    /// `(email key, caller)` of every caller whose email may make a contact.
    claims: Vec<(EmailKey, i64)>,
    organisations: Option<Vec<(i64, bool)>>,
    tickets: Option<FastMap<i64, TicketEntry>>,
    parents: FastSet<i64>,
}

impl DirectoryBuilder {
    /// A builder for complete lists: what is not added does not exist (organisations and
    /// tickets included, even when none are added).
    pub fn complete() -> Self {
        Self {
            organisations: Some(Vec::new()),
            tickets: Some(FastMap::default()),
            ..Self::default()
        }
    }

    /// Registers an organisation (once any is registered, unknown ones count as missing).
    pub fn add_organisation(&mut self, organisation: &Organisation) {
        self.organisations
            .get_or_insert_with(Vec::new)
            .push((organisation.id, organisation.deleted));
    }

    /// Registers a caller. A caller whose usable email an earlier-numbered caller shares
    /// becomes that caller's contact; a deleted caller never shares.
    pub fn add_caller(&mut self, caller: &Caller) {
        self.caller_ids.push(caller.id);
        self.caller_clients
            .push(caller.client_id.unwrap_or(NO_CLIENT));
        self.caller_deleted.push(caller.deleted);
        if caller.deleted {
            return;
        }
        if let Ok(email) = normalise_email(caller.email.as_deref()) {
            self.claims
                .push((self.hasher.key(&email.address), caller.id));
        }
    }

    /// Registers a ticket (needed for parent/child links and orphan checks).
    pub fn add_ticket(&mut self, ticket: &Ticket) {
        self.tickets.get_or_insert_with(FastMap::default).insert(
            ticket.id,
            TicketEntry {
                record_type_id: ticket.record_type_id,
                display_id: ticket.display_id.clone(),
            },
        );
        self.parents.extend(ticket.parent_ids.iter().copied());
    }

    /// The directory: callers sorted by id (a caller added twice keeps its last record),
    /// each shared email owned by the lowest caller id that has it.
    pub fn finish(self) -> SourceDirectory {
        let (emails, merged) = EmailOwners::build(self.claims);
        let (caller_ids, caller_clients, caller_deleted) =
            sorted_callers(self.caller_ids, self.caller_clients, self.caller_deleted);
        let organisations = self.organisations.map(|mut organisations| {
            // Stable, so the last record of an id wins after the dedupe below.
            organisations.sort_by_key(|(id, _)| *id);
            let mut kept: Vec<(i64, bool)> = Vec::with_capacity(organisations.len());
            for entry in organisations {
                match kept.last_mut() {
                    Some(last) if last.0 == entry.0 => *last = entry,
                    _ => kept.push(entry),
                }
            }
            kept.shrink_to_fit();
            kept
        });
        SourceDirectory {
            hasher: self.hasher,
            caller_ids,
            caller_clients,
            caller_deleted,
            merged: merged.into_iter().collect(),
            emails,
            organisations,
            tickets: self.tickets,
            parents: self.parents,
            moving: super::Moving::default(),
        }
    }
}

/// The caller columns in ascending id order, the last record of a repeated id kept, with no
/// spare capacity. Callers usually arrive in id order, which costs one check.
fn sorted_callers(
    ids: Vec<i64>,
    clients: Vec<i64>,
    deleted: Vec<bool>,
) -> (Vec<i64>, Vec<i64>, Vec<bool>) {
    if ids.windows(2).all(|pair| pair[0] < pair[1]) {
        let shrink = |mut column: Vec<_>| {
            column.shrink_to_fit();
            column
        };
        return (shrink(ids), shrink(clients), deleted.into_iter().collect());
    }
    let mut order: Vec<usize> = (0..ids.len()).collect();
    order.sort_by_key(|&index| ids[index]);
    let mut kept: Vec<usize> = Vec::with_capacity(order.len());
    for index in order {
        match kept.last_mut() {
            Some(last) if ids[*last] == ids[index] => *last = index,
            _ => kept.push(index),
        }
    }
    (
        kept.iter().map(|&index| ids[index]).collect(),
        kept.iter().map(|&index| clients[index]).collect(),
        kept.iter().map(|&index| deleted[index]).collect(),
    )
}
