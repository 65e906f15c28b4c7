//! Load phases, in the order Intercom's dependencies force.

use serde::{Deserialize, Serialize};

/// A load phase. Phases run in declaration order; an operation may only reference records
/// created in an earlier phase (or earlier in its own phase, for the phases that say so).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// Data attributes, ticket types and their attributes, tags.
    Schema,
    /// Matching agents to admins and groups to teams (nothing is created).
    People,
    /// Company upserts.
    Companies,
    /// Contact upserts, company links and contact tags.
    Contacts,
    /// Help Center collections, parents before children.
    Collections,
    /// Help Center articles.
    Articles,
    /// Rewriting article bodies whose links point at articles created later.
    ArticleLinks,
    /// Conversations and Intercom tickets, parents before children.
    Threads,
    /// Replies and notes in chronological order; attachments travel with their part because
    /// Intercom accepts files only on a part.
    Parts,
    /// Titles, custom attributes, priorities and tags of threads.
    ThreadDetails,
    /// Final states and assignments (after every part: closing a conversation stops further
    /// replies).
    StatesAndAssignments,
    /// Parent/child links between threads (last: they reference other tickets' threads).
    Links,
}

impl Phase {
    /// Every phase, in load order.
    pub const ALL: [Phase; 12] = [
        Phase::Schema,
        Phase::People,
        Phase::Companies,
        Phase::Contacts,
        Phase::Collections,
        Phase::Articles,
        Phase::ArticleLinks,
        Phase::Threads,
        Phase::Parts,
        Phase::ThreadDetails,
        Phase::StatesAndAssignments,
        Phase::Links,
    ];

    /// Whether an operation may depend on a record created earlier in the same phase
    /// (ticket type attributes on their type, the fallback admin, a contact's company link
    /// and tag on the contact, nested collections).
    pub fn allows_dependencies_within(self) -> bool {
        matches!(
            self,
            Phase::Schema | Phase::People | Phase::Contacts | Phase::Collections
        )
    }

    /// Whether the operations of one ticket in this phase may run as a group, ticket by ticket,
    /// when tickets are streamed: everything they reference outside their own ticket was
    /// created in a phase before [`Phase::Threads`]. [`Phase::Links`] references other tickets
    /// and must wait until every thread exists.
    pub fn is_per_ticket(self) -> bool {
        matches!(
            self,
            Phase::Threads | Phase::Parts | Phase::ThreadDetails | Phase::StatesAndAssignments
        )
    }
}
