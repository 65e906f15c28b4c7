//! The history pass of an open-first run ([`super::order`]): the organisations and callers the
//! open pass did not take, then every ticket it did not take, most recently closed first, then
//! the links of both passes.
//!
//! The source lists tickets in id order and Vivantio documents no sorting, so the order is
//! made here: one listing keeps each remaining ticket's id and close time (16 bytes a ticket),
//! they are sorted, and the tickets are read in full by id in that order
//! ([`crate::ports::Source::tickets_by_id`]). A source that cannot read by id gives them in its
//! own order.

use std::cmp::Reverse;
use std::sync::{Arc, Mutex};

use futures::future::{self, BoxFuture};
use futures::stream;
use futures::{Stream, StreamExt, TryStreamExt};

use super::context::Context;
use super::open_pass::{OpenPass, Taken};
use super::order::IdSet;
use super::pipeline::Work;
use super::report::RunReport;
use super::stage::Stage;
use super::stages::{expected, links_stage, people, stage};
use super::ticket::ParentLink;
use super::work::{push, read_in_order, take, ticket_work, WorkStream};
use super::EngineError;
use crate::delta::Changed;
use crate::model::source::{SourceKind, SourceRef, Ticket};
use crate::ops::Operation;
use crate::scope::listed_only;

/// The history pass, after the open pass took what it says.
pub(crate) struct HistoryPass(Taken);

impl HistoryPass {
    /// The history pass after `open`.
    pub fn after(open: OpenPass) -> Self {
        Self(open.into_taken())
    }

    /// Runs the pass to the end of the run (the report's outcome says how it ended).
    pub async fn run(
        self,
        context: &Context<'_, '_>,
        report: &mut RunReport,
    ) -> Result<(), EngineError> {
        let Taken {
            callers,
            organisations,
            tickets,
            links,
            parents,
        } = self.0;
        let rest = |stage: Stage, taken: usize| {
            expected(context, stage).map(|total| total.saturating_sub(taken as u64))
        };
        let totals = (
            rest(Stage::Companies, organisations.len()),
            rest(Stage::Contacts, callers.len()),
        );
        let other_callers = |id: i64| !callers.contains(id);
        let other_organisations = |id: i64| !organisations.contains(id);
        if !people(
            context,
            report,
            &other_organisations,
            &other_callers,
            totals,
        )
        .await?
        {
            return Ok(());
        }
        let (links, parents) = (Mutex::new(links), Mutex::new(parents));
        let queue = Mutex::new(Vec::new());
        let work = history_tickets(context, &tickets, &queue, &links, &parents);
        let total = rest(Stage::Tickets, tickets.len());
        if !stage(context, report, Stage::Tickets, total, work).await? {
            return Ok(());
        }
        links_stage(context, report, take(links), take(parents)).await
    }
}

/// Where a ticket comes in the history: the latest of its close (or, never closed, its
/// opening) first, then the higher id.
fn recency(ticket: &Ticket, zone: chrono_tz::Tz) -> (i64, i64) {
    let at = ticket
        .closed_at
        .or(ticket.opened_at)
        .map_or(i64::MIN, |at| at.to_unix(zone));
    (at, ticket.id)
}

/// The tickets the open pass did not take: those the `[scope]` leaves out as it lists them,
/// then the others newest first.
fn history_tickets<'c>(
    context: &'c Context<'_, '_>,
    taken: &'c IdSet,
    queue: &'c Mutex<Vec<(i64, i64)>>,
    links: &'c Mutex<Vec<Operation>>,
    parents: &'c Mutex<Vec<ParentLink>>,
) -> impl Stream<Item = Result<Work, EngineError>> + Send + 'c {
    let zone = context.mapper.zone();
    let listed = context
        .source()
        .tickets_reading(None, listed_only())
        .map_err(EngineError::Source)
        .try_filter_map(move |ticket| {
            let work = if taken.contains(ticket.id) {
                None
            } else if !context.scope.ticket(&ticket) {
                context.saw_change(ticket.changed_at(zone));
                Some(Work::OutOfScope(SourceRef::new(
                    SourceKind::Ticket,
                    ticket.id,
                )))
            } else {
                push(queue, recency(&ticket, zone));
                None
            };
            future::ready(Ok(work))
        });
    let queued = stream::once(async move {
        let mut queue = std::mem::take(&mut *queue.lock().unwrap_or_else(|p| p.into_inner()));
        queue.sort_unstable_by_key(|entry| Reverse(*entry));
        let ids: Arc<[i64]> = queue.into_iter().map(|(_, id)| id).collect();
        read_in_order(context, ids)
            .and_then(
                move |ticket| -> BoxFuture<'c, Result<WorkStream, EngineError>> {
                    Box::pin(ticket_work(context, ticket, links, parents))
                },
            )
            .try_flatten()
    })
    .flatten();
    listed.chain(queued)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::source::SourceTime;

    fn ticket(id: i64, opened: &str, closed: Option<&str>) -> Ticket {
        let mut ticket: Ticket = serde_json::from_value(serde_json::json!({
            "id": id, "record_type_id": 11,
        }))
        .unwrap();
        ticket.opened_at = SourceTime::parse(opened).unwrap();
        ticket.closed_at = closed.and_then(|at| SourceTime::parse(at).unwrap());
        ticket
    }

    #[test]
    fn the_most_recently_closed_come_first_and_undated_last() {
        let zone: chrono_tz::Tz = "Europe/London".parse().unwrap();
        let mut tickets = [
            ticket(1, "2020-01-01T09:00:00", Some("2024-05-01T09:00:00")),
            ticket(2, "2024-06-01T09:00:00", None),
            ticket(3, "2019-01-01T09:00:00", Some("2024-05-01T09:00:00")),
            ticket(4, "2023-01-01T09:00:00", Some("2023-02-01T09:00:00")),
            serde_json::from_value(serde_json::json!({"id": 5, "record_type_id": 11})).unwrap(),
        ];
        tickets.sort_by_key(|ticket| Reverse(recency(ticket, zone)));
        let order: Vec<i64> = tickets.iter().map(|ticket| ticket.id).collect();
        assert_eq!(order, vec![2, 3, 1, 4, 5]);
    }
}
