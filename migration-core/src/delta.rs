//! Delta planning: from a watermark, the records created or changed since, as upserts.

use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use crate::idmap::IdMapView;
use crate::model::source::{Article, Caller, Organisation, SourceTime, Ticket};
use crate::ops::{DestinationOp, Operation};
use crate::reject::Rejection;
use crate::transform::{Mapped, Mapper};

/// The instant up to which the source has been migrated (Unix seconds).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Watermark {
    /// Unix seconds.
    pub at: i64,
}

impl Watermark {
    /// A watermark at `at`.
    pub fn at(at: i64) -> Self {
        Self { at }
    }

    /// The later of this watermark and a change seen at `changed_at`.
    pub fn advanced_to(self, changed_at: Option<i64>) -> Self {
        Self {
            at: self.at.max(changed_at.unwrap_or(self.at)),
        }
    }
}

/// Records that know when they last changed.
pub trait Changed {
    /// The last change (creation included), in Unix seconds; `None` when unknown.
    fn changed_at(&self, zone: Tz) -> Option<i64>;
}

fn latest(times: impl IntoIterator<Item = Option<SourceTime>>, zone: Tz) -> Option<i64> {
    times
        .into_iter()
        .flatten()
        .map(|time| time.to_unix(zone))
        .max()
}

impl Changed for Organisation {
    fn changed_at(&self, zone: Tz) -> Option<i64> {
        latest([self.created_at, self.updated_at], zone)
    }
}

impl Changed for Caller {
    fn changed_at(&self, zone: Tz) -> Option<i64> {
        latest([self.created_at, self.updated_at], zone)
    }
}

impl Changed for Article {
    fn changed_at(&self, zone: Tz) -> Option<i64> {
        latest([self.created_at, self.updated_at], zone)
    }
}

impl Changed for Ticket {
    fn changed_at(&self, zone: Tz) -> Option<i64> {
        let own = [
            self.opened_at,
            self.updated_at,
            self.closed_at,
            self.resolved_at,
        ];
        let actions = self.actions.iter().map(|action| action.at);
        latest(own.into_iter().chain(actions), zone)
    }
}

/// Whether a record changed after the watermark; a record without dates counts as changed,
/// so that nothing is missed.
pub fn changed_since<T: Changed>(record: &T, watermark: Watermark, zone: Tz) -> bool {
    record.changed_at(zone).is_none_or(|at| at > watermark.at)
}

/// The delta of one ticket: a ticket whose thread the ID map does not know is mapped in full;
/// for a known one, only parts newer than the watermark are added, and details, tags, links,
/// state and assignment are set again (they are idempotent upserts). `Ok(None)` when the
/// ticket did not change.
pub fn map_ticket_delta(
    mapper: &Mapper,
    ticket: &Ticket,
    ids: &dyn IdMapView,
    watermark: Watermark,
) -> Result<Option<Mapped>, Rejection> {
    if !changed_since(ticket, watermark, mapper.zone()) {
        return Ok(None);
    }
    let mut mapped = mapper.map_ticket(ticket, ids)?;
    let Some(thread) = mapped
        .operations
        .iter()
        .find_map(|operation| operation.creates.clone())
    else {
        return Ok(Some(mapped));
    };
    if !ids.contains(&thread) {
        return Ok(Some(mapped));
    }
    mapped
        .operations
        .retain(|operation: &Operation| match &operation.op {
            DestinationOp::CreateConversation(_) | DestinationOp::CreateTicket(_) => false,
            DestinationOp::AddPart { part, .. } => part.created_at > watermark.at,
            _ => true,
        });
    // The parts kept no longer need the thread to be created in this run.
    Ok(Some(mapped))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn watermarks_only_move_forward() {
        let mark = Watermark::at(100);
        assert_eq!(mark.advanced_to(Some(50)), Watermark::at(100));
        assert_eq!(mark.advanced_to(Some(150)), Watermark::at(150));
        assert_eq!(mark.advanced_to(None), Watermark::at(100));
    }
}
