//! Lists the ticket types of a Vivantio tenant, streams its tickets page by page with the cursor
//! that resumes the stream after each page, and reads one ticket and its history by `TicketId`.
//!
//! ```text
//! VIVANTIO_PLATFORM_URL=https://webservices-na01.vivantio.com/ \
//! VIVANTIO_USERNAME=api-user VIVANTIO_PASSWORD=... \
//! VIVANTIO_TIME_ZONE=Europe/London \
//! cargo run -p vivantio-client --example list_tickets
//! ```
//!
//! `VIVANTIO_TIME_ZONE` (optional, default UTC) is the zone the tenant's naive dates are read in.
//! `VIVANTIO_MAX_PAGES` caps the pages of 100 tickets read (default 3); when it stops early it
//! prints the cursor to resume with: run again with `VIVANTIO_AFTER=<that id>`.
//! `VIVANTIO_TICKET_ID` names the ticket read in full (default: the first one listed).
//! Set `RUST_LOG`-style tracing yourself if you want to see requests and back-offs.

use std::process::ExitCode;

use futures::TryStreamExt;
use vivantio_client::actions::ActionOptions;
use vivantio_client::query::{fields::ticket, Query};
use vivantio_client::{Client, StatusType, TicketId};

fn required(name: &str) -> Result<String, String> {
    std::env::var(name).map_err(|_| format!("set {name}"))
}

/// An optional variable parsed as `T`.
fn optional<T: std::str::FromStr>(name: &str) -> Result<Option<T>, String>
where
    T::Err: std::fmt::Display,
{
    match std::env::var(name) {
        Ok(text) => text
            .parse()
            .map(Some)
            .map_err(|error| format!("{name}: {error}")),
        Err(_) => Ok(None),
    }
}

async fn run() -> Result<(), Box<dyn std::error::Error>> {
    let zone = optional::<chrono_tz::Tz>("VIVANTIO_TIME_ZONE")?.unwrap_or(chrono_tz::Tz::UTC);
    let client = Client::builder()
        .platform_url(required("VIVANTIO_PLATFORM_URL")?)
        .credentials(
            required("VIVANTIO_USERNAME")?,
            required("VIVANTIO_PASSWORD")?,
        )
        .tenant_time_zone(zone)
        .build()?;

    let ticket_types = client.configuration().ticket_types().await?;
    println!("{} ticket types:", ticket_types.len());
    for ticket_type in &ticket_types {
        println!(
            "  {:>5}  {}",
            ticket_type.id,
            ticket_type.name_plural.as_deref().unwrap_or("(unnamed)")
        );
    }

    let max_pages = optional::<usize>("VIVANTIO_MAX_PAGES")?.unwrap_or(3);
    let after = optional::<TicketId>("VIVANTIO_AFTER")?;
    let first = list_tickets(&client, after, max_pages).await?;
    if let Some(id) = optional::<TicketId>("VIVANTIO_TICKET_ID")?.or(first) {
        show_ticket(&client, id).await?;
    }
    Ok(())
}

/// Prints up to `max_pages` pages of tickets after `after`; returns the first ticket's id.
async fn list_tickets(
    client: &Client,
    after: Option<TicketId>,
    max_pages: usize,
) -> Result<Option<TicketId>, vivantio_client::Error> {
    let not_deleted =
        Query::match_all().and(ticket::STATUS_TYPE.does_not_equal(StatusType::Deleted));
    let mut pages = client.tickets().pages(not_deleted, 100, after);
    let mut first = None;
    let mut read = 0;
    while let Some(page) = pages.try_next().await? {
        read += 1;
        for ticket in page.items() {
            first.get_or_insert(ticket.id);
            let opened = ticket
                .open_date
                .map(|date| client.to_utc(&date).to_rfc3339())
                .unwrap_or_else(|| "-".into());
            println!(
                "{:>8}  {:<12}  {:<25}  {}",
                ticket.id,
                ticket.display_id.as_deref().unwrap_or("-"),
                opened,
                ticket.title.as_deref().unwrap_or("")
            );
        }
        match page.next_cursor() {
            None => println!("(last page)"),
            Some(cursor) if read >= max_pages => {
                println!("Stopped after {read} pages; resume with VIVANTIO_AFTER={cursor}");
                break;
            }
            Some(_) => {}
        }
    }
    Ok(first)
}

/// Reads one ticket by id, with its history. The id is a `TicketId`: a caller's or an
/// organisation's id would not compile here.
async fn show_ticket(client: &Client, id: TicketId) -> Result<(), vivantio_client::Error> {
    let Some(ticket) = client.tickets().select_by_id(id).await? else {
        println!("Ticket {id} does not exist");
        return Ok(());
    };
    println!(
        "Ticket {id}: {} (caller {:?}, organisation {:?})",
        ticket.title.as_deref().unwrap_or(""),
        ticket.caller_id,
        ticket.client_id
    );
    let history = client
        .tickets()
        .actions(id, ActionOptions::default())
        .await?;
    for action in &history {
        let private = if action.is_private() {
            "private"
        } else {
            "public"
        };
        println!(
            "  {:>8}  {private:<7}  {}",
            action.id,
            action.description.as_deref().unwrap_or("")
        );
    }
    Ok(())
}

#[tokio::main]
async fn main() -> ExitCode {
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}
