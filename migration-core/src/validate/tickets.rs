//! What pre-flight needs to know across tickets, kept as ids while tickets stream: whether
//! each ticket's thread is created, and which parent each child names. A child's link and a
//! parent cycle are judged once every ticket has been seen.

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

/// A ticket that names a parent.
#[derive(Debug, Clone, Copy)]
struct Child {
    id: i64,
    /// Its first parent (the one a link goes to).
    parent: i64,
    /// Whether its link is still to be judged (it maps and links are wanted).
    link: bool,
}

/// Ids and flags of every ticket seen (about 16 bytes a ticket, 24 a child).
#[derive(Debug, Default)]
pub(super) struct TicketLinks {
    tickets: Vec<(i64, u8)>,
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
        self.tickets.push((id, flags));
        if let Some(parent) = parent {
            self.children.push(Child { id, parent, link });
        }
    }

    /// The findings only the whole set of tickets tells: children whose parent does not move
    /// (in the order the children came), then tickets on a parent cycle (by id).
    pub fn findings(mut self) -> Vec<Finding> {
        let tickets = merged(std::mem::take(&mut self.tickets));
        let mut findings: Vec<Finding> = self
            .children
            .iter()
            .filter(|child| child.link)
            .filter_map(|child| unlinked(&tickets, *child))
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

/// The tickets by id, one entry per id: the route of its last record (as the directory keeps
/// a ticket seen twice) and every thread any of its records creates.
fn merged(mut tickets: Vec<(i64, u8)>) -> Vec<(i64, u8)> {
    // Stable, so records of one id stay in the order seen.
    tickets.sort_by_key(|(id, _)| *id);
    let mut kept: Vec<(i64, u8)> = Vec::with_capacity(tickets.len());
    for (id, flags) in tickets {
        match kept.last_mut() {
            Some(last) if last.0 == id => {
                let created = (last.1 | flags) & !ROUTED;
                last.1 = created | (flags & ROUTED);
            }
            _ => kept.push((id, flags)),
        }
    }
    kept
}

/// Why a child cannot be linked to its parent, as the load plan words it: the parent is not
/// there (or its type has no rule), or its thread is not created (it is rejected).
fn unlinked(tickets: &[(i64, u8)], child: Child) -> Option<Finding> {
    let record = SourceRef::new(SourceKind::Ticket, child.id);
    let flags = tickets
        .binary_search_by_key(&child.parent, |(id, _)| *id)
        .map_or(0, |index| tickets[index].1);
    let (key, created) = match flags & ROUTED {
        ROUTED_CONVERSATION => (
            RecordKey::conversation(child.parent),
            flags & CREATED_CONVERSATION != 0,
        ),
        ROUTED_TICKET => (
            RecordKey::ticket(child.parent),
            flags & CREATED_TICKET != 0,
        ),
        // The mapping's words when it sees every ticket (`transform::thread_details`).
        _ => {
            return Some(Finding::new(
                Severity::Warning,
                record,
                ReasonCode::MissingParent,
                format!(
                    "parent ticket {} does not exist or has an unmapped type; the child is tagged but not linked",
                    child.parent
                ),
                "check the parent ticket in Vivantio",
            ))
        }
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
