//! The stages a run goes through: the load phases, with the four per-ticket phases run
//! together ticket by ticket so tickets can be streamed.

use serde::{Deserialize, Serialize};

use crate::model::source::SourceKind;
use crate::ops::Phase;

/// One stage of a run. Stages run one after the other; within a stage, records run
/// concurrently.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// Attributes, ticket types and their attributes, tags.
    Schema,
    /// Agents matched to admins, groups to teams.
    People,
    /// Organisations to companies.
    Companies,
    /// Callers to contacts, with their company links and tags.
    Contacts,
    /// Knowledge-base categories to collections.
    Collections,
    /// Knowledge-base articles.
    Articles,
    /// Article bodies rendered again once every article exists.
    ArticleLinks,
    /// Each ticket's thread, parts, details, state and assignment, ticket by ticket.
    Tickets,
    /// Parent/child links between threads (every thread exists by then).
    Links,
}

impl Stage {
    /// Every stage, in run order.
    pub const ALL: [Stage; 9] = [
        Stage::Schema,
        Stage::People,
        Stage::Companies,
        Stage::Contacts,
        Stage::Collections,
        Stage::Articles,
        Stage::ArticleLinks,
        Stage::Tickets,
        Stage::Links,
    ];

    /// The stage an operation of `phase` runs in.
    pub fn of(phase: Phase) -> Stage {
        match phase {
            Phase::Schema => Stage::Schema,
            Phase::People => Stage::People,
            Phase::Companies => Stage::Companies,
            Phase::Contacts => Stage::Contacts,
            Phase::Collections => Stage::Collections,
            Phase::Articles => Stage::Articles,
            Phase::ArticleLinks => Stage::ArticleLinks,
            Phase::Threads | Phase::Parts | Phase::ThreadDetails | Phase::StatesAndAssignments => {
                Stage::Tickets
            }
            Phase::Links => Stage::Links,
        }
    }

    /// The source records this stage moves and counts (the stages that only finish records
    /// moved earlier count none).
    pub fn source_kind(self) -> Option<SourceKind> {
        match self {
            Stage::Companies => Some(SourceKind::Organisation),
            Stage::Contacts => Some(SourceKind::Caller),
            Stage::Collections => Some(SourceKind::Category),
            Stage::Articles => Some(SourceKind::Article),
            Stage::Tickets => Some(SourceKind::Ticket),
            Stage::Schema | Stage::People | Stage::ArticleLinks | Stage::Links => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_phase_has_a_stage_in_the_same_order() {
        let stages: Vec<Stage> = Phase::ALL.iter().map(|phase| Stage::of(*phase)).collect();
        assert!(
            stages.windows(2).all(|pair| pair[0] <= pair[1]),
            "{stages:?}"
        );
        for stage in Stage::ALL {
            assert!(stages.contains(&stage), "{stage:?}");
        }
    }
}
