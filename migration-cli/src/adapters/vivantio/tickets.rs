//! The ticket stream: records from the windowed pager, each completed with its history,
//! attachments, parent links, custom form values and SLA stages.

use chrono::{DateTime, Duration};
use futures::{future, StreamExt, TryFutureExt, TryStreamExt};
use migration_core::delta::{changed_since, Watermark};
use migration_core::model::source::Ticket;
use migration_core::ports::PortStream;
use migration_core::{PortError, PortErrorKind};
use vivantio_client::actions::ActionOptions;
use vivantio_client::query::{fields::ticket as field, Query};
use vivantio_client::{Client, SystemArea};

use super::convert::{self, TicketExtras};
use super::errors::{port_error, with_context};

/// How much earlier than the watermark the server-side date filter starts. Whether Vivantio reads
/// a query date as tenant-local or UTC is unknown, and UTC offsets span 26 hours; the exact cut is
/// made here, on the records, so the slack costs a few extra records and never loses one.
const SERVER_FILTER_SLACK: Duration = Duration::hours(26);

/// Every ticket (or, with a watermark, those changed after it), in id order, `width` tickets
/// being completed at a time.
pub fn ticket_stream(
    client: Client,
    width: usize,
    watermark: Option<Watermark>,
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
        .map(move |ticket| {
            let client = client.clone();
            async move { complete(&client, ticket?).await }
        })
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
                .select_by_id(id)
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
        tickets.actions(id, ActionOptions::default()),
        attachments.list(id, SystemArea::Ticket),
        tickets
            .parents(id)
            .map_ok(|parents| parents.iter().map(|t| t.id).collect::<Vec<i64>>()),
        forms.instances(None, id, SystemArea::Ticket),
        tickets.sla_stages(id),
    )?;
    Ok(TicketExtras {
        actions,
        listed_attachments,
        parent_ids: parents,
        forms,
        sla,
    })
}
