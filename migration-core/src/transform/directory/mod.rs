//! The cross-record facts a single record's mapping needs: which contact a caller became after
//! email dedupe, which organisations and tickets exist.
//!
//! An engine run holds every caller and organisation for its whole length (dedupe and company
//! links need them all), so they are kept as sorted columns of plain numbers and each distinct
//! email as a 24-byte key: about 41 bytes a caller, where maps of strings took about 220.

mod builder;
mod email_keys;

pub use builder::DirectoryBuilder;

use crate::keys::RecordKey;
use crate::model::source::{Caller, Organisation, Ticket};

use super::email::normalise_email;
use super::fast_hash::{FastMap, FastSet};
use email_keys::{EmailHasher, EmailOwners};

/// The client column's mark for a caller without an organisation (Vivantio ids are positive).
const NO_CLIENT: i64 = i64::MIN;

/// What the directory knows about one caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CallerEntry {
    /// The caller whose contact this caller shares (itself unless its email duplicates a
    /// lower-numbered caller's).
    pub canonical_id: i64,
    /// Organisation.
    pub client_id: Option<i64>,
    /// Whether the caller is deleted in Vivantio.
    pub deleted: bool,
}

impl CallerEntry {
    /// The key of the contact the caller becomes.
    pub fn contact(&self) -> RecordKey {
        RecordKey::contact(self.canonical_id)
    }
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
/// Memory grows with callers (always indexed, for email dedupe: see the module notes) and,
/// when registered, with organisations and tickets. Registering tickets is optional: without
/// it parent/child links are not produced, so that a stream of any length maps in constant
/// memory.
#[derive(Debug, Clone, Default)]
pub struct SourceDirectory {
    hasher: EmailHasher,
    /// Caller ids, ascending; the two columns after it are parallel to it.
    caller_ids: Vec<i64>,
    /// Each caller's organisation, or [`NO_CLIENT`].
    caller_clients: Vec<i64>,
    caller_deleted: Vec<bool>,
    /// Callers whose email a lower-numbered caller owns: caller → owner.
    merged: FastMap<i64, i64>,
    emails: EmailOwners,
    /// Organisation ids, ascending, with whether each is deleted; `None`: never registered.
    organisations: Option<Vec<(i64, bool)>>,
    tickets: Option<FastMap<i64, TicketEntry>>,
    parents: FastSet<i64>,
    /// The callers and organisations that move, when a scope leaves the others out.
    moving: Moving,
}

/// The callers and organisations that move, as sorted ids; `None`: every one.
#[derive(Debug, Clone, Default)]
struct Moving {
    callers: Option<Vec<i64>>,
    organisations: Option<Vec<i64>>,
}

fn sorted(mut ids: Vec<i64>) -> Vec<i64> {
    ids.sort_unstable();
    ids.dedup();
    ids.shrink_to_fit();
    ids
}

impl SourceDirectory {
    /// An empty directory (nothing known; organisations and tickets are assumed to exist).
    pub fn new() -> Self {
        Self::default()
    }

    /// A builder for a directory fed record by record (a streamed source).
    pub fn builder() -> DirectoryBuilder {
        DirectoryBuilder::default()
    }

    /// A directory of every record given: what is not in the lists does not exist. A shared
    /// email's contact is the lowest caller id's.
    pub fn build<'a>(
        organisations: impl IntoIterator<Item = &'a Organisation>,
        callers: impl IntoIterator<Item = &'a Caller>,
        tickets: impl IntoIterator<Item = &'a Ticket>,
    ) -> Self {
        let mut builder = DirectoryBuilder::complete();
        for organisation in organisations {
            builder.add_organisation(organisation);
        }
        for caller in callers {
            builder.add_caller(caller);
        }
        for ticket in tickets {
            builder.add_ticket(ticket);
        }
        builder.finish()
    }

    /// Leaves out every caller and organisation but these (`None`: every one moves): a caller
    /// left out has no contact, so no ticket names it and no part is written as it, and an
    /// organisation left out has no company. Give the callers whose contacts others share
    /// too ([`CallerEntry::canonical_id`]): email dedupe is decided over every caller.
    pub fn restrict(&mut self, callers: Option<Vec<i64>>, organisations: Option<Vec<i64>>) {
        self.moving = Moving {
            callers: callers.map(sorted),
            organisations: organisations.map(sorted),
        };
    }

    /// Whether a caller moves (every caller does unless [`Self::restrict`] said otherwise).
    pub fn moves_caller(&self, caller_id: i64) -> bool {
        self.moving
            .callers
            .as_ref()
            .is_none_or(|moving| moving.binary_search(&caller_id).is_ok())
    }

    /// Whether an organisation moves (every one does unless [`Self::restrict`] said otherwise).
    pub fn moves_organisation(&self, id: i64) -> bool {
        self.moving
            .organisations
            .as_ref()
            .is_none_or(|moving| moving.binary_search(&id).is_ok())
    }

    /// Callers registered, moving or not.
    pub fn caller_count(&self) -> usize {
        self.caller_ids.len()
    }

    /// The ids of the callers registered, moving or not, ascending.
    pub fn caller_ids(&self) -> &[i64] {
        &self.caller_ids
    }

    /// Organisations registered, moving or not; `None` when none were registered.
    pub fn organisation_count(&self) -> Option<usize> {
        self.organisations.as_ref().map(Vec::len)
    }

    /// What is known about a caller that moves.
    pub fn caller(&self, caller_id: i64) -> Option<CallerEntry> {
        if !self.moves_caller(caller_id) {
            return None;
        }
        let index = self.caller_ids.binary_search(&caller_id).ok()?;
        let client = self.caller_clients[index];
        Some(CallerEntry {
            canonical_id: self.merged.get(&caller_id).copied().unwrap_or(caller_id),
            client_id: (client != NO_CLIENT).then_some(client),
            deleted: self.caller_deleted[index],
        })
    }

    /// The contact a caller becomes (after dedupe), if the caller exists.
    pub fn contact_for_caller(&self, caller_id: i64) -> Option<RecordKey> {
        self.caller(caller_id).map(|entry| entry.contact())
    }

    /// The contact with this email (case-insensitive), if any caller has it.
    pub fn contact_for_email(&self, email: &str) -> Option<RecordKey> {
        let address = normalise_email(Some(email)).ok()?.address;
        self.contact_with_email(&address)
    }

    /// The caller id owning a normalised email.
    pub fn caller_with_email(&self, address: &str) -> Option<i64> {
        self.emails.owner(&self.hasher.key(address))
    }

    /// The contact owning a normalised email.
    pub fn contact_with_email(&self, address: &str) -> Option<RecordKey> {
        self.contact_for_caller(self.caller_with_email(address)?)
    }

    /// Whether an organisation exists (`true` when organisations were never registered).
    pub fn has_organisation(&self, id: i64) -> bool {
        self.organisation(id).unwrap_or(true)
    }

    /// Whether a registered organisation is deleted in Vivantio.
    pub fn is_organisation_deleted(&self, id: i64) -> bool {
        let Some(organisations) = &self.organisations else {
            return false;
        };
        organisations
            .binary_search_by_key(&id, |(known, _)| *known)
            .is_ok_and(|index| organisations[index].1)
    }

    /// Whether a registered organisation exists and moves; `None` when none were registered
    /// and no scope restricts them.
    fn organisation(&self, id: i64) -> Option<bool> {
        if !self.moves_organisation(id) {
            return Some(false);
        }
        let organisations = self.organisations.as_ref()?;
        Some(
            organisations
                .binary_search_by_key(&id, |(known, _)| *known)
                .is_ok(),
        )
    }

    /// Heap bytes held for callers and organisations (what an engine run keeps all along).
    pub fn heap_bytes(&self) -> usize {
        let merged = self.merged.capacity() * (std::mem::size_of::<(i64, i64)>() + 1);
        self.caller_ids.capacity() * 8
            + self.caller_clients.capacity() * 8
            + self.caller_deleted.capacity()
            + merged
            + self.emails.heap_bytes()
            + self
                .organisations
                .as_ref()
                .map_or(0, |organisations| organisations.capacity() * 16)
            + [&self.moving.callers, &self.moving.organisations]
                .iter()
                .map(|ids| ids.as_ref().map_or(0, |ids| ids.capacity() * 8))
                .sum::<usize>()
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
        self.merged.iter().map(|(caller, owner)| (*caller, *owner))
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn caller(id: i64, email: Option<&str>, client: Option<i64>, deleted: bool) -> Caller {
        serde_json::from_value(json!({
            "id": id, "email": email, "client_id": client, "deleted": deleted
        }))
        .expect("a caller")
    }

    fn organisation(id: i64, deleted: bool) -> Organisation {
        serde_json::from_value(json!({"id": id, "name": format!("Org {id}"), "deleted": deleted}))
            .expect("an organisation")
    }

    fn directory(callers: &[Caller]) -> SourceDirectory {
        let mut builder = SourceDirectory::builder();
        for caller in callers {
            builder.add_caller(caller);
        }
        builder.finish()
    }

    #[test]
    fn the_lowest_caller_id_owns_a_shared_email_whatever_the_order_fed() {
        let callers = [
            caller(7, Some("Ann@Example.com"), Some(70), false),
            caller(3, Some("Ann <ann@example.com>"), Some(30), false),
            caller(
                5,
                Some("mailto:ANN@example.com; other@example.com"),
                None,
                false,
            ),
            caller(9, Some("bob@example.com"), None, false),
        ];
        let mut reversed = callers.clone();
        reversed.reverse();
        for fed in [&callers[..], &reversed[..]] {
            let directory = directory(fed);
            // (caller, canonical, client)
            let cases = [
                (3, 3, Some(30)),
                (5, 3, None),
                (7, 3, Some(70)),
                (9, 9, None),
            ];
            for (id, canonical, client) in cases {
                let entry = directory.caller(id).expect("known caller");
                assert_eq!(
                    (entry.canonical_id, entry.client_id),
                    (canonical, client),
                    "{id}"
                );
                assert_eq!(
                    directory.contact_for_caller(id),
                    Some(RecordKey::contact(canonical))
                );
            }
            assert_eq!(directory.caller_with_email("ann@example.com"), Some(3));
            assert_eq!(
                directory.contact_for_email(" ANN@example.COM "),
                Some(RecordKey::contact(3))
            );
            assert_eq!(directory.contact_for_email("nobody@example.com"), None);
            let mut duplicates: Vec<_> = directory.duplicates().collect();
            duplicates.sort_unstable();
            assert_eq!(duplicates, vec![(5, 3), (7, 3)]);
        }
    }

    #[test]
    fn deleted_unusable_and_unknown_callers_keep_their_own_contact() {
        let directory = directory(&[
            caller(1, Some("shared@example.com"), None, true),
            caller(2, Some("shared@example.com"), None, false),
            caller(3, None, None, false),
            caller(4, Some("not an email"), None, false),
            caller(5, Some("shared@example.com"), None, true),
        ]);
        let canonical = |id| directory.caller(id).map(|entry| entry.canonical_id);
        assert_eq!(
            [
                canonical(1),
                canonical(2),
                canonical(3),
                canonical(4),
                canonical(5)
            ],
            [Some(1), Some(2), Some(3), Some(4), Some(5)]
        );
        assert!(directory.caller(1).is_some_and(|entry| entry.deleted));
        assert_eq!(directory.caller(6), None);
        assert_eq!(directory.contact_for_caller(6), None);
        assert_eq!(directory.caller_with_email("shared@example.com"), Some(2));
    }

    #[test]
    fn a_caller_added_twice_keeps_its_last_record() {
        let directory = directory(&[
            caller(4, None, Some(1), false),
            caller(2, None, None, false),
            caller(4, None, Some(8), true),
        ]);
        assert_eq!(
            directory.caller(4),
            Some(CallerEntry {
                canonical_id: 4,
                client_id: Some(8),
                deleted: true
            })
        );
        assert!(directory.caller(2).is_some());
    }

    #[test]
    fn a_restricted_directory_knows_only_the_people_that_move() {
        let mut builder = SourceDirectory::builder();
        for id in [101, 102] {
            builder.add_organisation(&organisation(id, false));
        }
        for caller in [
            caller(3, Some("ann@example.com"), Some(101), false),
            caller(7, Some("ann@example.com"), Some(102), false),
            caller(9, Some("bob@example.com"), None, false),
        ] {
            builder.add_caller(&caller);
        }
        let mut directory = builder.finish();
        assert_eq!(
            directory.contact_for_email("bob@example.com"),
            Some(RecordKey::contact(9))
        );
        directory.restrict(Some(vec![7, 3, 7]), Some(vec![101]));
        // (caller, moves, its contact)
        let cases = [
            (3, true, Some(RecordKey::contact(3))),
            (7, true, Some(RecordKey::contact(3))),
            (9, false, None),
        ];
        for (id, moves, contact) in cases {
            assert_eq!(directory.moves_caller(id), moves, "{id}");
            assert_eq!(directory.contact_for_caller(id), contact, "{id}");
        }
        assert_eq!(directory.contact_for_email("bob@example.com"), None);
        assert_eq!(
            directory.contact_for_email("ann@example.com"),
            Some(RecordKey::contact(3))
        );
        assert!(directory.has_organisation(101));
        assert!(!directory.has_organisation(102));
        assert!(!directory.moves_organisation(102));
        assert_eq!(
            (directory.caller_count(), directory.organisation_count()),
            (3, Some(2))
        );
        directory.restrict(None, None);
        assert!(directory.has_organisation(102));
        assert_eq!(directory.contact_for_caller(9), Some(RecordKey::contact(9)));
    }

    #[test]
    fn organisations_exist_until_some_are_registered() {
        let unregistered = SourceDirectory::new();
        assert!(unregistered.has_organisation(42));
        assert!(!unregistered.is_organisation_deleted(42));
        let mut builder = SourceDirectory::builder();
        for (id, deleted) in [(30, false), (10, true), (20, false), (10, false)] {
            builder.add_organisation(&organisation(id, deleted));
        }
        let registered = builder.finish();
        let cases = [
            (10, true, false),
            (20, true, false),
            (30, true, false),
            (40, false, false),
        ];
        for (id, exists, deleted) in cases {
            assert_eq!(registered.has_organisation(id), exists, "{id}");
            assert_eq!(registered.is_organisation_deleted(id), deleted, "{id}");
        }
        let complete = SourceDirectory::build([], [], []);
        assert!(!complete.has_organisation(42));
        assert!(complete.knows_tickets());
    }
}
