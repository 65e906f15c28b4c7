//! The cross-record facts a single record's mapping needs: which contact a caller became after
//! email dedupe, which organisations and tickets exist.

use crate::keys::RecordKey;
use crate::model::source::{Caller, Organisation, Ticket};

use super::email::{normalise_email, EmailProblem};
use super::fast_hash::{FastMap, FastSet};

/// What the directory knows about one caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallerEntry {
    /// The caller whose contact this caller shares (itself unless its email duplicates an
    /// earlier caller's).
    pub canonical_id: i64,
    /// The key of that contact.
    pub contact: RecordKey,
    /// Normalised email, when usable.
    pub email: Option<String>,
    /// Why the email is not usable, when it is not.
    pub email_problem: Option<EmailProblem>,
    /// Organisation.
    pub client_id: Option<i64>,
    /// Whether the caller is deleted in Vivantio.
    pub deleted: bool,
}

/// What the directory knows about one ticket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TicketEntry {
    /// Ticket type.
    pub record_type_id: i64,
    /// Ticket number.
    pub display_id: Option<String>,
}

/// The index of callers, organisations and tickets that mappings consult.
///
/// Memory grows with callers (always indexed, for email dedupe) and, when registered, with
/// organisations and tickets. Registering tickets is optional: without it parent/child links
/// are not produced, so that a stream of any length maps in constant memory.
#[derive(Debug, Clone, Default)]
pub struct SourceDirectory {
    callers: FastMap<i64, CallerEntry>,
    by_email: FastMap<String, i64>,
    /// Organisation id → deleted in Vivantio.
    organisations: Option<FastMap<i64, bool>>,
    tickets: Option<FastMap<i64, TicketEntry>>,
    parents: FastSet<i64>,
}

impl SourceDirectory {
    /// An empty directory (nothing known; organisations and tickets are assumed to exist).
    pub fn new() -> Self {
        Self::default()
    }

    /// A directory of every record given; callers are taken in id order, so the contact of a
    /// shared email is the lowest caller id's.
    pub fn build<'a>(
        organisations: impl IntoIterator<Item = &'a Organisation>,
        callers: impl IntoIterator<Item = &'a Caller>,
        tickets: impl IntoIterator<Item = &'a Ticket>,
    ) -> Self {
        // Built from complete lists: what is not in them does not exist.
        let mut directory = Self {
            organisations: Some(FastMap::default()),
            tickets: Some(FastMap::default()),
            ..Self::default()
        };
        for organisation in organisations {
            directory.add_organisation(organisation);
        }
        let mut callers: Vec<&Caller> = callers.into_iter().collect();
        callers.sort_by_key(|caller| caller.id);
        for caller in callers {
            directory.add_caller(caller);
        }
        for ticket in tickets {
            directory.add_ticket(ticket);
        }
        directory
    }

    /// Registers an organisation (once any is registered, unknown ones count as missing).
    pub fn add_organisation(&mut self, organisation: &Organisation) {
        self.organisations
            .get_or_insert_with(FastMap::default)
            .insert(organisation.id, organisation.deleted);
    }

    /// Registers a caller; feed callers in id order for stable dedupe.
    pub fn add_caller(&mut self, caller: &Caller) {
        let (email, email_problem) = match normalise_email(caller.email.as_deref()) {
            Ok(email) => (Some(email.address), None),
            Err(problem) => (None, Some(problem)),
        };
        let canonical_id = match &email {
            Some(address) if !caller.deleted => {
                *self.by_email.entry(address.clone()).or_insert(caller.id)
            }
            _ => caller.id,
        };
        self.callers.insert(
            caller.id,
            CallerEntry {
                canonical_id,
                contact: RecordKey::contact(canonical_id),
                email,
                email_problem,
                client_id: caller.client_id,
                deleted: caller.deleted,
            },
        );
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

    /// What is known about a caller.
    pub fn caller(&self, caller_id: i64) -> Option<&CallerEntry> {
        self.callers.get(&caller_id)
    }

    /// The contact a caller becomes (after dedupe), if the caller exists.
    pub fn contact_for_caller(&self, caller_id: i64) -> Option<RecordKey> {
        self.callers
            .get(&caller_id)
            .map(|entry| entry.contact.clone())
    }

    /// The contact with this email (case-insensitive), if any caller has it.
    pub fn contact_for_email(&self, email: &str) -> Option<RecordKey> {
        let address = normalise_email(Some(email)).ok()?.address;
        let id = self.by_email.get(&address)?;
        self.contact_for_caller(*id)
    }

    /// The caller id owning a normalised email.
    pub fn caller_with_email(&self, address: &str) -> Option<i64> {
        self.by_email.get(address).copied()
    }

    /// The contact owning a normalised email.
    pub fn contact_with_email(&self, address: &str) -> Option<RecordKey> {
        let id = self.by_email.get(address)?;
        self.contact_for_caller(*id)
    }

    /// Whether an organisation exists (`true` when organisations were never registered).
    pub fn has_organisation(&self, id: i64) -> bool {
        self.organisations
            .as_ref()
            .is_none_or(|known| known.contains_key(&id))
    }

    /// Whether a registered organisation is deleted in Vivantio.
    pub fn is_organisation_deleted(&self, id: i64) -> bool {
        self.organisations
            .as_ref()
            .and_then(|known| known.get(&id))
            .copied()
            .unwrap_or(false)
    }

    /// What is known about a ticket; `None` when tickets were not registered or it is missing.
    pub fn ticket(&self, id: i64) -> Option<&TicketEntry> {
        self.tickets.as_ref().and_then(|tickets| tickets.get(&id))
    }

    /// Whether tickets were registered.
    pub fn knows_tickets(&self) -> bool {
        self.tickets.is_some()
    }

    /// Whether some registered ticket names this one as its parent.
    pub fn is_parent(&self, id: i64) -> bool {
        self.parents.contains(&id)
    }

    /// Callers that share another caller's email, with the caller they merge into.
    pub fn duplicates(&self) -> impl Iterator<Item = (i64, i64)> + '_ {
        self.callers
            .iter()
            .filter(|(id, entry)| entry.canonical_id != **id)
            .map(|(id, entry)| (*id, entry.canonical_id))
    }
}
