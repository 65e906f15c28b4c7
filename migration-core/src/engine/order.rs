//! The order a full run moves records in. By stage (the default), every record of a stage
//! moves before the next stage starts. Open first, a run makes two passes of the stages so that
//! agents can work in the destination while the history still moves:
//!
//! 1. *open*: the schema and people, the organisations and callers the open tickets name, the
//!    knowledge base, then every open, on-hold or pending ticket the `[scope]` moves (a ticket
//!    whose messages name another caller waits for that caller's contact in a second round);
//! 2. *history*: the remaining organisations and callers, then every other ticket, most
//!    recently closed first, then the parent/child links of both passes.
//!
//! Each pass keeps the load order (a ticket never before its contact or company), every record
//! is mapped by the same mapping as in a run by stage (so the destination ends the same), and
//! each record is counted by the one pass that takes it. Exactly-once comes from the marks as
//! in any run: a resumed run makes both passes again and skips what is done.

use serde::{Deserialize, Serialize};

use crate::model::source::StatusKind;

/// The status kinds an open-first run moves in its first pass.
pub const OPEN_FIRST_KINDS: [StatusKind; 3] =
    [StatusKind::Open, StatusKind::OnHold, StatusKind::Pending];

/// The order a full run moves records in (`[run] order` in `migration.toml`). It changes
/// when each record arrives, never what moves or how it looks.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RunOrder {
    /// Stage by stage: every company, then every contact, every article, every ticket (in the
    /// order the source lists them), then the links.
    #[default]
    ByStage,
    /// Open tickets and what they need first, then the rest with closed tickets newest first.
    OpenFirst,
}

impl RunOrder {
    /// Whether this is the default order.
    pub fn is_by_stage(&self) -> bool {
        *self == RunOrder::ByStage
    }
}

/// One pass of an open-first run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Pass {
    /// Open tickets and the records they need.
    Open,
    /// Everything else, closed tickets newest first.
    History,
}

impl Pass {
    /// How a person reads it beside a stage's name.
    pub fn label(self) -> &'static str {
        match self {
            Pass::Open => "open",
            Pass::History => "history",
        }
    }
}

/// Sorted ids, for the membership tests of a pass.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct IdSet(Vec<i64>);

impl IdSet {
    /// The set of `ids`.
    pub fn new(mut ids: Vec<i64>) -> Self {
        ids.sort_unstable();
        ids.dedup();
        Self(ids)
    }

    pub fn contains(&self, id: i64) -> bool {
        self.0.binary_search(&id).is_ok()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// The ids, ascending.
    pub fn ids(&self) -> &[i64] {
        &self.0
    }

    /// This set with `other`'s ids added.
    pub fn union(self, other: impl IntoIterator<Item = i64>) -> Self {
        let mut ids = self.0;
        ids.extend(other);
        Self::new(ids)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_order_reads_and_writes_in_snake_case() {
        #[derive(Deserialize, Serialize)]
        struct Run {
            order: RunOrder,
        }
        let run: Run = toml::from_str("order = \"open_first\"").unwrap();
        assert_eq!(run.order, RunOrder::OpenFirst);
        assert_eq!(
            toml::to_string(&Run {
                order: RunOrder::ByStage
            })
            .unwrap(),
            "order = \"by_stage\"\n"
        );
        assert!(toml::from_str::<Run>("order = \"newest\"").is_err());
        assert!(RunOrder::default().is_by_stage());
    }

    #[test]
    fn id_sets_are_sorted_without_duplicates() {
        let set = IdSet::new(vec![5, 1, 5, 3]).union([2, 3]);
        assert_eq!(set.ids(), &[1, 2, 3, 5]);
        assert!(set.contains(2) && !set.contains(4));
        assert_eq!(set.len(), 4);
    }
}
