//! What pre-flight needs to know across tickets, kept as ids while tickets stream: whether
//! each ticket's thread is created, and which parent each child names. A child's link and a
//! parent cycle are judged once every ticket has been seen.
//!
//! A ticket costs one word: its id shifted left by four bits, its flags in the low four
//! (Vivantio ids are positive 32-bit numbers; an id that does not fit is kept as a pair).

use crate::keys::RecordKey;
use crate::model::source::{SourceKind, SourceRef};
use crate::reject::{Finding, ReasonCode, Severity};
use crate::spec::ThreadTarget;

/// Flags of one ticket: which thread its type routes to (of its last record, as the directory
/// keeps it) and which threads its records create.
const ROUTED_CONVERSATION: u8 = 1;
const ROUTED_TICKET: u8 = 2;
const CREATED_CONVERSATION: u8 = 4;
const CREATED_TICKET: u8 = 8;
const ROUTED: u8 = ROUTED_CONVERSATION | ROUTED_TICKET;
const CREATED: u8 = CREATED_CONVERSATION | CREATED_TICKET;
/// Bits of a packed ticket taken by its flags.
const FLAG_BITS: u32 = 4;
/// The largest id packed with its flags.
const PACKABLE: i64 = i64::MAX >> FLAG_BITS;

/// A ticket as one word: id, then flags.
fn pack(id: i64, flags: u8) -> u64 {
    // `id` is in 0..=PACKABLE, so the shift loses nothing.
    ((id as u64) << FLAG_BITS) | u64::from(flags)
}

fn packed_id(packed: u64) -> i64 {
    (packed >> FLAG_BITS) as i64
}

fn packed_flags(packed: u64) -> u8 {
    (packed & u64::from(ROUTED | CREATED)) as u8
}

/// A ticket's id and flags, however they are stored.
trait Entry: Copy {
    fn id(self) -> i64;
    fn flags(self) -> u8;
    fn with_flags(self, flags: u8) -> Self;
}

impl Entry for u64 {
    fn id(self) -> i64 {
        packed_id(self)
    }
    fn flags(self) -> u8 {
        packed_flags(self)
    }
    fn with_flags(self, flags: u8) -> Self {
        pack(packed_id(self), flags)
    }
}

impl Entry for (i64, u8) {
    fn id(self) -> i64 {
        self.0
    }
    fn flags(self) -> u8 {
        self.1
    }
    fn with_flags(self, flags: u8) -> Self {
        (self.0, flags)
    }
}

/// A ticket that names a parent.
#[derive(Debug, Clone, Copy)]
struct Child {
    id: i64,
    /// Its first parent (the one a link goes to).
    parent: i64,
    /// Whether its link is still to be judged (it maps and links are wanted).
    link: bool,
}

/// Ids and flags of every ticket seen (8 bytes a ticket, 24 more a child).
#[derive(Debug, Default)]
pub(super) struct TicketLinks {
    /// Tickets whose id packs, in the order seen.
    tickets: Vec<u64>,
    /// Tickets whose id does not pack (none from Vivantio), in the order seen.
    wide: Vec<(i64, u8)>,
    children: Vec<Child>,
}

impl TicketLinks {
    /// Notes a ticket: where its type routes (`None`: no rule), whether its mapping creates
    /// its thread, its first parent and whether its link to it is to be judged.
    pub fn add(
        &mut self,
        id: i64,
        route: Option<ThreadTarget>,
        created: bool,
        parent: Option<i64>,
        link: bool,
    ) {
        let flags = match (route, created) {
            (None, _) => 0,
            (Some(ThreadTarget::Conversation), false) => ROUTED_CONVERSATION,
            (Some(ThreadTarget::Ticket), false) => ROUTED_TICKET,
            (Some(ThreadTarget::Conversation), true) => ROUTED_CONVERSATION | CREATED_CONVERSATION,
            (Some(ThreadTarget::Ticket), true) => ROUTED_TICKET | CREATED_TICKET,
        };
        if (0..=PACKABLE).contains(&id) {
            self.tickets.push(pack(id, flags));
        } else {
            self.wide.push((id, flags));
        }
        if let Some(parent) = parent {
            self.children.push(Child { id, parent, link });
        }
    }

    /// The findings only the whole set of tickets tells: children whose parent does not move
    /// (in the order the children came), then tickets on a parent cycle (by id).
    pub fn findings(mut self) -> Vec<Finding> {
        merge(&mut self.tickets);
        merge(&mut self.wide);
        let flags_of = |id: i64| {
            if (0..=PACKABLE).contains(&id) {
                find(&self.tickets, id)
            } else {
                find(&self.wide, id)
            }
        };
        let mut findings: Vec<Finding> = self
            .children
            .iter()
            .filter(|child| child.link)
            .filter_map(|child| unlinked(flags_of(child.parent), *child))
            .collect();
        let parents = last_parent_of_each(self.children);
        findings.extend(on_cycles(&parents).into_iter().map(|id| {
            Finding::new(
                Severity::Warning,
                SourceRef::new(SourceKind::Ticket, id),
                ReasonCode::ParentCycle,
                "the ticket is its own ancestor through parent links; threads are created but the cycle cannot be ordered parents-first",
                "remove one of the parent links in Vivantio",
            )
        }));
        findings
    }
}

/// Sorts `tickets` by id and leaves one entry per id, in place: the route of its last record
/// (as the directory keeps a ticket seen twice) and every thread any of its records creates.
fn merge<T: Entry>(tickets: &mut Vec<T>) {
    // Tickets usually come in id order, which costs one pass; the sort is stable, so the
    // records of one id stay in the order seen.
    if !tickets.is_sorted_by_key(|ticket| ticket.id()) {
        tickets.sort_by_key(|ticket| ticket.id());
    }
    let mut kept: usize = 0;
    for index in 0..tickets.len() {
        let ticket = tickets[index];
        match kept.checked_sub(1).map(|last| tickets[last]) {
            Some(last) if last.id() == ticket.id() => {
                let created = (last.flags() | ticket.flags()) & CREATED;
                tickets[kept - 1] = ticket.with_flags(created | (ticket.flags() & ROUTED));
            }
            _ => {
                tickets[kept] = ticket;
                kept += 1;
            }
        }
    }
    tickets.truncate(kept);
}

/// The flags of ticket `id` in merged `tickets`; none when it was not seen.
fn find<T: Entry>(tickets: &[T], id: i64) -> u8 {
    tickets
        .binary_search_by_key(&id, |ticket| ticket.id())
        .map_or(0, |index| tickets[index].flags())
}

/// Why a child cannot be linked to its parent, as the load plan words it: the parent is not
/// there (or its type has no rule), or its thread is not created (it is rejected).
fn unlinked(flags: u8, child: Child) -> Option<Finding> {
    let record = SourceRef::new(SourceKind::Ticket, child.id);
    let (key, created) = match flags & ROUTED {
        ROUTED_CONVERSATION => (
            RecordKey::conversation(child.parent),
            flags & CREATED_CONVERSATION != 0,
        ),
        ROUTED_TICKET => (RecordKey::ticket(child.parent), flags & CREATED_TICKET != 0),
        _ => return Some(crate::transform::missing_parent(record, child.parent)),
    };
    (!created).then(|| crate::plan::dangling_link(record, &key))
}

/// Child → parent, sorted by child, the last record of a child seen twice kept.
fn last_parent_of_each(mut children: Vec<Child>) -> Vec<(i64, i64)> {
    children.sort_by_key(|child| child.id);
    let mut parents: Vec<(i64, i64)> = Vec::with_capacity(children.len());
    for child in children {
        match parents.last_mut() {
            Some(last) if last.0 == child.id => last.1 = child.parent,
            _ => parents.push((child.id, child.parent)),
        }
    }
    parents
}

/// The tickets that are their own ancestor, by id. Each ticket has at most one parent, so
/// every walk up the parents either ends or runs into a cycle; each ticket is walked once.
fn on_cycles(parents: &[(i64, i64)]) -> Vec<i64> {
    const NEW: u8 = 0;
    const ON_PATH: u8 = 1;
    const DONE: u8 = 2;
    let index_of = |id: i64| parents.binary_search_by_key(&id, |(child, _)| *child).ok();
    let mut state = vec![NEW; parents.len()];
    let mut on_cycle = vec![false; parents.len()];
    let mut path = Vec::new();
    for start in 0..parents.len() {
        let mut current = Some(start);
        while let Some(index) = current.filter(|index| state[*index] == NEW) {
            state[index] = ON_PATH;
            path.push(index);
            current = index_of(parents[index].1);
        }
        if let Some(index) = current.filter(|index| state[*index] == ON_PATH) {
            // The walk came back to a ticket of this path: it and every later one are a cycle.
            let from = path.iter().position(|at| *at == index).unwrap_or(0);
            for at in &path[from..] {
                on_cycle[*at] = true;
            }
        }
        for index in path.drain(..) {
            state[index] = DONE;
        }
    }
    parents
        .iter()
        .zip(on_cycle)
        .filter_map(|((id, _), cycle)| cycle.then_some(*id))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cycle_members(links: &[(i64, i64)]) -> Vec<i64> {
        let children = links
            .iter()
            .map(|(id, parent)| Child {
                id: *id,
                parent: *parent,
                link: false,
            })
            .collect();
        on_cycles(&last_parent_of_each(children))
    }

    #[test]
    fn only_tickets_on_a_cycle_are_their_own_ancestor() {
        // 1 → 2 → 3 → 1 is a cycle; 4 and 5 lead into it; 6 is its own parent; 7 → 8 ends.
        let links = [(1, 2), (2, 3), (3, 1), (4, 1), (5, 4), (6, 6), (7, 8)];
        assert_eq!(cycle_members(&links), vec![1, 2, 3, 6]);
        let mut reversed = links;
        reversed.reverse();
        assert_eq!(cycle_members(&reversed), vec![1, 2, 3, 6]);
    }

    #[test]
    fn a_child_seen_twice_keeps_its_last_parent() {
        assert_eq!(cycle_members(&[(1, 2), (2, 1), (1, 9)]), Vec::<i64>::new());
        assert_eq!(cycle_members(&[(1, 9), (2, 1), (1, 2)]), vec![1, 2]);
    }

    #[test]
    fn a_child_is_unlinked_when_its_parent_is_missing_unrouted_or_rejected() {
        let mut links = TicketLinks::default();
        links.add(1, Some(ThreadTarget::Conversation), true, None, false);
        links.add(2, Some(ThreadTarget::Ticket), false, None, false);
        links.add(3, None, false, None, false);
        for (child, parent) in [(10, 1), (11, 2), (12, 3), (13, 99)] {
            links.add(
                child,
                Some(ThreadTarget::Conversation),
                true,
                Some(parent),
                true,
            );
        }
        // A child whose link is not wanted (or that does not map) is not judged.
        links.add(14, Some(ThreadTarget::Conversation), true, Some(99), false);
        let found: Vec<(i64, String)> = links
            .findings()
            .into_iter()
            .map(|finding| (finding.record.id, finding.message))
            .collect();
        assert_eq!(
            found,
            vec![
                (11, "the parent ticket (ticket:vivantio-ticket:2) does not move, so the child is tagged but not linked".to_string()),
                (12, "parent ticket 3 does not exist or has an unmapped type; the child is tagged but not linked".to_string()),
                (13, "parent ticket 99 does not exist or has an unmapped type; the child is tagged but not linked".to_string()),
            ]
        );
    }

    #[test]
    fn tickets_out_of_order_and_ids_too_large_to_pack_are_found() {
        let mut links = TicketLinks::default();
        let huge = PACKABLE + 1;
        links.add(30, Some(ThreadTarget::Conversation), true, None, false);
        links.add(huge, Some(ThreadTarget::Ticket), true, None, false);
        links.add(-4, Some(ThreadTarget::Ticket), false, None, false);
        links.add(10, Some(ThreadTarget::Conversation), false, None, false);
        for (child, parent) in [(1, 30), (2, huge), (3, -4), (4, 10), (5, 20)] {
            links.add(
                child,
                Some(ThreadTarget::Conversation),
                true,
                Some(parent),
                true,
            );
        }
        let found: Vec<i64> = links
            .findings()
            .iter()
            .map(|finding| finding.record.id)
            .collect();
        assert_eq!(found, vec![3, 4, 5]);
    }

    #[test]
    fn a_ticket_seen_twice_routes_as_its_last_record_and_creates_what_any_created() {
        let mut links = TicketLinks::default();
        links.add(1, Some(ThreadTarget::Conversation), true, None, false);
        links.add(1, Some(ThreadTarget::Conversation), false, None, false);
        links.add(2, Some(ThreadTarget::Conversation), true, None, false);
        links.add(2, Some(ThreadTarget::Ticket), false, None, false);
        links.add(10, None, true, Some(1), true);
        links.add(11, None, true, Some(2), true);
        let found: Vec<i64> = links
            .findings()
            .iter()
            .map(|finding| finding.record.id)
            .collect();
        assert_eq!(found, vec![11]);
    }
}
