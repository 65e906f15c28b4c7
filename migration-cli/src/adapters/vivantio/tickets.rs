//! The ticket stream: records from the windowed pager, each completed with its history,
//! attachments, parent links, custom form values and SLA stages.

use std::sync::{Arc, Mutex, PoisonError};

use chrono::{DateTime, Duration};
use futures::{future, StreamExt, TryFutureExt, TryStreamExt};
use migration_core::delta::{changed_since, Watermark};
use migration_core::model::source::Ticket;
use migration_core::ports::{PortStream, TicketFilter};
use migration_core::{PortError, PortErrorKind};
use vivantio_client::actions::ActionOptions;
use vivantio_client::assumptions::registry::ids;
use vivantio_client::query::{fields::ticket as field, Query};
use vivantio_client::{endpoints, Client, SystemArea, TicketId};

use super::convert::{self, TicketExtras};
use super::errors::{port_error, with_context};

/// How much earlier than the watermark the server-side date filter starts. Whether Vivantio reads
/// a query date as tenant-local or UTC is unknown, and UTC offsets span 26 hours; the exact cut is
/// made here, on the records, so the slack costs a few extra records and never loses one.
const SERVER_FILTER_SLACK: Duration = Duration::hours(26);

/// The ids of every ticket an earlier read of the same source listed (the configuration scan
/// of [`schema`](migration_core::ports::Source::schema)), shared by clones of the source.
#[derive(Debug, Clone, Default)]
pub struct ListedTickets(Arc<Mutex<Option<Arc<Vec<i64>>>>>);

impl ListedTickets {
    /// Adds the ids a scan listed: every read's listing counts, so a ticket one answer left
    /// out is still known from another.
    pub fn add(&self, mut ids: Vec<i64>) {
        let mut listed = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(known) = listed.as_deref() {
            ids.extend_from_slice(known);
        }
        ids.sort_unstable();
        ids.dedup();
        *listed = Some(Arc::new(ids));
    }

    /// The latest listing, if a scan was made.
    pub fn get(&self) -> Option<Arc<Vec<i64>>> {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

/// Every ticket (or, with a watermark, those changed after it), in id order, `width` tickets
/// being completed at a time; a ticket `in_full` refuses comes as listed, without the five
/// detail reads. A full read is reconciled with `listed`: a ticket an earlier read listed but
/// this one did not return (an answer that came back short) is fetched by id at the end, with
/// a warning, instead of being lost.
pub fn ticket_stream(
    client: Client,
    width: usize,
    watermark: Option<Watermark>,
    listed: Option<Arc<Vec<i64>>>,
    in_full: TicketFilter,
) -> PortStream<'static, Ticket> {
    let streamed = windowed_tickets(client.clone(), width, watermark, in_full.clone());
    match (watermark, listed) {
        (None, Some(listed)) => with_listed(client, width, streamed, listed, in_full),
        _ => streamed,
    }
}

/// The ticket completed with everything that hangs off it when `in_full` wants it, else as
/// listed.
async fn complete_if(
    client: Client,
    in_full: TicketFilter,
    ticket: Result<Ticket, PortError>,
) -> Result<Option<Ticket>, PortError> {
    let ticket = ticket?;
    if in_full(&ticket) {
        complete(&client, ticket).await
    } else {
        Ok(Some(ticket))
    }
}

/// `streamed`, then the tickets of `listed` it skipped, fetched by id and completed.
fn with_listed(
    client: Client,
    width: usize,
    mut streamed: PortStream<'static, Ticket>,
    listed: Arc<Vec<i64>>,
    in_full: TicketFilter,
) -> PortStream<'static, Ticket> {
    async_stream::try_stream! {
        // Both are in id order: one cursor finds what the stream skipped, in O(1) memory.
        let mut cursor = 0;
        let mut skipped = Vec::new();
        while let Some(ticket) = streamed.try_next().await? {
            while cursor < listed.len() && listed[cursor] < ticket.id {
                skipped.push(listed[cursor]);
                cursor += 1;
            }
            if cursor < listed.len() && listed[cursor] == ticket.id {
                cursor += 1;
            }
            yield ticket;
        }
        skipped.extend_from_slice(&listed[cursor..]);
        if !skipped.is_empty() {
            tracing::warn!(
                skipped = skipped.len(),
                first = skipped[0],
                "Ticket/Select answers left out tickets an earlier read listed; fetching them by id"
            );
            client.census().contradict(
                ids::NO_SILENT_TRUNCATION,
                Some(endpoints::TICKET_SELECT.path),
                format!(
                    "{} tickets an earlier read listed were missing from the windowed read (first: {}); they were fetched by id",
                    skipped.len(),
                    skipped[0]
                ),
            );
            let mut recovered = recover(client.clone(), width, skipped.into(), in_full);
            while let Some(ticket) = recovered.try_next().await? {
                yield ticket;
            }
        }
    }
    .boxed()
}

/// The tickets with these ids that still exist, completed, in the order of `ids`.
pub fn tickets_by_id(client: Client, width: usize, ids: Arc<[i64]>) -> PortStream<'static, Ticket> {
    recover(client, width, ids, Arc::new(|_: &Ticket| true))
}

/// The tickets with these ids that still exist, completed, in the order of `ids`.
fn recover(
    client: Client,
    width: usize,
    ids: Arc<[i64]>,
    in_full: TicketFilter,
) -> PortStream<'static, Ticket> {
    let lister = client.clone();
    // Chunks are copied out one at a time: the ids of a long history are held once.
    futures::stream::iter((0..ids.len()).step_by(RECOVER_CHUNK))
        .then(move |start| {
            let client = lister.clone();
            let chunk = ids[start..ids.len().min(start + RECOVER_CHUNK)].to_vec();
            async move {
                let found = client
                    .tickets()
                    .select_list(&chunk.iter().copied().map(TicketId::new).collect::<Vec<_>>())
                    .await
                    .map_err(with_context("tickets by id"))?;
                Ok::<_, PortError>(in_order(&chunk, found.into_iter().map(convert::ticket)))
            }
        })
        .map_ok(|tickets| futures::stream::iter(tickets.into_iter().map(Ok::<_, PortError>)))
        .try_flatten()
        .map(move |ticket| complete_if(client.clone(), in_full.clone(), ticket))
        .buffered(width.max(1))
        .try_filter_map(|ticket| future::ready(Ok(ticket)))
        .boxed()
}

/// `tickets` in the order `ids` asks for them: `Ticket/SelectList` documents no order.
fn in_order(ids: &[i64], tickets: impl Iterator<Item = Ticket>) -> Vec<Ticket> {
    let mut tickets: Vec<Ticket> = tickets.collect();
    tickets.sort_by_key(|ticket| ids.iter().position(|id| *id == ticket.id));
    tickets
}

/// Tickets asked for in one `Ticket/SelectList` when recovering skipped ones or reading by id.
const RECOVER_CHUNK: usize = 100;

/// The windowed read of every ticket (or those changed after the watermark), completed.
fn windowed_tickets(
    client: Client,
    width: usize,
    watermark: Option<Watermark>,
    in_full: TicketFilter,
) -> PortStream<'static, Ticket> {
    let query = match base_query(&client, watermark) {
        Ok(query) => query,
        Err(error) => return futures::stream::once(future::ready(Err(error))).boxed(),
    };
    let zone = client.tenant_time_zone();
    client
        .tickets()
        .stream(query)
        .map_err(with_context("tickets"))
        .map_ok(convert::ticket)
        .try_filter(move |ticket| {
            future::ready(watermark.is_none_or(|mark| changed_since(ticket, mark, zone)))
        })
        .map(move |ticket| complete_if(client.clone(), in_full.clone(), ticket))
        .buffered(width.max(1))
        .try_filter_map(|ticket| future::ready(Ok(ticket)))
        .boxed()
}

/// Every ticket, or those whose `LastModifiedDate` is at most [`SERVER_FILTER_SLACK`] before the
/// watermark.
fn base_query(client: &Client, watermark: Option<Watermark>) -> Result<Query, PortError> {
    let query = Query::match_all();
    let Some(mark) = watermark else {
        return Ok(query);
    };
    let instant = DateTime::from_timestamp(mark.at, 0)
        .map(|instant| instant - SERVER_FILTER_SLACK)
        .ok_or_else(|| {
            PortError::new(
                PortErrorKind::Other,
                format!("watermark {} is not a representable instant", mark.at),
            )
        })?;
    Ok(query.and(field::LAST_MODIFIED_DATE.at_least(client.to_tenant_naive(instant))))
}

/// The ticket with everything that hangs off it; `None` (logged) when it was deleted while the
/// run was reading it.
async fn complete(client: &Client, ticket: Ticket) -> Result<Option<Ticket>, PortError> {
    match read_extras(client, ticket.id).await {
        Ok(extras) => Ok(Some(convert::hydrate_ticket(ticket, extras))),
        Err(error) if error.is_not_found() => {
            let id = ticket.id;
            let still_there = client
                .tickets()
                .select_by_id(id.into())
                .await
                .map_err(with_context(format!("ticket {id}")))?;
            match still_there {
                None => {
                    tracing::warn!(ticket_id = id, "ticket deleted during the run; skipped");
                    Ok(None)
                }
                Some(_) => Err(port_error(&format!("details of ticket {id}"), &error)),
            }
        }
        Err(error) => Err(port_error(
            &format!("details of ticket {}", ticket.id),
            &error,
        )),
    }
}

/// The five detail reads of one ticket, run together.
async fn read_extras(client: &Client, id: i64) -> Result<TicketExtras, vivantio_client::Error> {
    let tickets = client.tickets();
    let attachments = client.attachments();
    let forms = client.custom_forms();
    let (actions, listed_attachments, parents, forms, sla) = futures::try_join!(
        tickets.actions(id.into(), ActionOptions::default()),
        attachments.list(id, SystemArea::Ticket),
        tickets
            .parents(id.into())
            .map_ok(|parents| parents.iter().map(|t| t.id.get()).collect::<Vec<i64>>()),
        forms.instances(None, id, SystemArea::Ticket),
        tickets.sla_stages(id.into()),
    )?;
    Ok(TicketExtras {
        actions,
        listed_attachments,
        parent_ids: parents,
        forms,
        sla,
    })
}
