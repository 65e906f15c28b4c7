//! What the destination remembers between operations of one process: workspace lists read
//! once (admins, teams, ticket states, tags, attributes, ticket types and their attributes'
//! list items), the acting admin, the records it created itself, and reconciliation misses.
//!
//! Nothing here is needed for correctness after a restart: every list is read again when
//! first needed, and a record not known to be created by this process is simply treated as
//! one that may have existed before (its before-image is read).

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::Instant;

use tokio::sync::{Mutex as AsyncMutex, OnceCell};

use super::name_index::NameIndex;
use super::ticket_lists::TypeAttributes;

/// The per-process memory of an [`IntercomDestination`](super::IntercomDestination).
#[derive(Debug, Default)]
pub(crate) struct Session {
    /// Admins as `(id, name, email)`.
    pub(crate) admins: OnceCell<Vec<(String, String, Option<String>)>>,
    /// Teams as `(id, name)`.
    pub(crate) teams: OnceCell<Vec<(String, String)>>,
    /// Live ticket states as `(id, category)`.
    pub(crate) ticket_states: OnceCell<Vec<(String, String)>>,
    /// The admin the token belongs to.
    pub(crate) me: OnceCell<String>,
    /// The fallback admin matched by `MatchFallbackAdmin`.
    pub(crate) fallback_admin: Mutex<Option<String>>,
    /// Tags by lowercase name.
    pub(crate) tags: NameIndex,
    /// Contact and company data attributes by `model:lowercase name`.
    pub(crate) data_attributes: NameIndex,
    /// Conversation attributes by lowercase name.
    pub(crate) conversation_attributes: NameIndex,
    /// Ticket types by lowercase name.
    pub(crate) ticket_types: NameIndex,
    /// The attributes of each ticket type by its id (their ids for "ensure", their list items
    /// for ticket writes and reads), loaded per ticket type.
    pub(crate) ticket_type_attributes: AsyncMutex<HashMap<String, TypeAttributes>>,
    /// Ids of conversations, tickets and articles this process created recently, with the
    /// state and type a ticket was created with: changing them needs no before-image, because
    /// rollback deletes them, a ticket meant to stay in its first state needs no state change,
    /// and a change to a ticket's list attributes needs its type's items. A record's follow-up
    /// writes come right after its create, so the most recent ids are enough; an id that has
    /// aged out only costs one read.
    created: Mutex<RecentIds>,
    /// When reconciliation first looked for a mark and did not find it.
    first_misses: Mutex<HashMap<String, Instant>>,
}

impl Session {
    /// Remembers that this process created `id`.
    pub(crate) fn note_created(&self, id: &str) {
        if let Ok(mut created) = self.created.lock() {
            created.insert(id, CreatedTicket::default());
        }
    }

    /// Remembers that this process created ticket `id` as `ticket` says.
    pub(crate) fn note_created_ticket(&self, id: &str, ticket: CreatedTicket) {
        if let Ok(mut created) = self.created.lock() {
            created.insert(id, ticket);
        }
    }

    /// The ticket state this process created ticket `id` in, when it remembers one.
    pub(crate) fn created_in_state(&self, id: &str) -> Option<String> {
        self.created_ticket(id).and_then(|ticket| ticket.state)
    }

    /// The ticket type this process created ticket `id` with, when it remembers one.
    pub(crate) fn created_ticket_type(&self, id: &str) -> Option<String> {
        self.created_ticket(id)
            .and_then(|ticket| ticket.ticket_type)
    }

    fn created_ticket(&self, id: &str) -> Option<CreatedTicket> {
        self.created
            .lock()
            .ok()
            .and_then(|created| created.ids.get(id).cloned())
    }

    /// Whether this process created `id`.
    pub(crate) fn created_here(&self, id: &str) -> bool {
        self.created
            .lock()
            .map(|created| created.contains(id))
            .unwrap_or(false)
    }

    /// When reconciliation first missed `mark` (now, if this is the first time).
    pub(crate) fn first_miss(&self, mark: &str) -> Instant {
        match self.first_misses.lock() {
            Ok(mut misses) => *misses.entry(mark.to_owned()).or_insert_with(Instant::now),
            Err(_) => Instant::now(),
        }
    }

    /// Records the fallback admin.
    pub(crate) fn set_fallback_admin(&self, id: &str) {
        if let Ok(mut fallback) = self.fallback_admin.lock() {
            *fallback = Some(id.to_owned());
        }
    }

    /// The fallback admin, when one was matched.
    pub(crate) fn fallback_admin(&self) -> Option<String> {
        self.fallback_admin
            .lock()
            .ok()
            .and_then(|fallback| fallback.clone())
    }
}

/// What this process knows of a ticket it created (nothing, for other records).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct CreatedTicket {
    /// The id of the ticket state it was created in.
    pub(crate) state: Option<String>,
    /// The id of its ticket type.
    pub(crate) ticket_type: Option<String>,
}

/// The last [`RecentIds::CAPACITY`] ids noted, each with what is known of a ticket's creation,
/// so memory stays flat over a run of millions of records.
#[derive(Debug, Default)]
pub(crate) struct RecentIds {
    order: VecDeque<String>,
    ids: HashMap<String, CreatedTicket>,
}

impl RecentIds {
    /// Far more than the records in flight at once, each of which needs its own id.
    const CAPACITY: usize = 16_384;

    fn insert(&mut self, id: &str, note: CreatedTicket) {
        if let Some(kept) = self.ids.get_mut(id) {
            *kept = note;
            return;
        }
        if self.order.len() == Self::CAPACITY {
            if let Some(oldest) = self.order.pop_front() {
                self.ids.remove(&oldest);
            }
        }
        self.order.push_back(id.to_owned());
        self.ids.insert(id.to_owned(), note);
    }

    fn contains(&self, id: &str) -> bool {
        self.ids.contains_key(id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recent_ids_keep_the_newest_and_stay_bounded() {
        let mut recent = RecentIds::default();
        for n in 0..RecentIds::CAPACITY + 10 {
            recent.insert(&n.to_string(), CreatedTicket::default());
        }
        let noted = CreatedTicket {
            state: Some("state".into()),
            ticket_type: None,
        };
        recent.insert("20", noted.clone());
        assert_eq!(recent.ids.len(), RecentIds::CAPACITY);
        assert_eq!(recent.order.len(), RecentIds::CAPACITY);
        assert!(!recent.contains("0") && !recent.contains("9"));
        assert!(recent.contains("10") && recent.contains("20"));
        assert_eq!(recent.ids["20"], noted, "a note is kept");
        assert!(recent.contains(&(RecentIds::CAPACITY + 9).to_string()));
    }

    #[test]
    fn created_ids_and_first_misses_are_remembered() {
        let session = Session::default();
        session.note_created("7000001");
        assert!(session.created_here("7000001"));
        assert!(!session.created_here("7000002"));
        assert_eq!(session.created_in_state("7000001"), None);
        assert_eq!(session.created_ticket_type("7000001"), None);
        let ticket = CreatedTicket {
            state: Some("16000001".into()),
            ticket_type: Some("10000001".into()),
        };
        session.note_created_ticket("12000001", ticket);
        assert!(session.created_here("12000001"));
        assert_eq!(
            session.created_in_state("12000001").as_deref(),
            Some("16000001")
        );
        assert_eq!(
            session.created_ticket_type("12000001").as_deref(),
            Some("10000001")
        );
        let first = session.first_miss("conversation:vivantio-ticket:1");
        assert_eq!(session.first_miss("conversation:vivantio-ticket:1"), first);
        session.set_fallback_admin("991267004");
        assert_eq!(session.fallback_admin().as_deref(), Some("991267004"));
    }
}
