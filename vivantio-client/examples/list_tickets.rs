//! Lists the ticket types of a Vivantio tenant and streams its tickets.
//!
//! ```text
//! VIVANTIO_PLATFORM_URL=https://webservices-na01.vivantio.com/ \
//! VIVANTIO_USERNAME=api-user VIVANTIO_PASSWORD=... \
//! VIVANTIO_TIME_ZONE=Europe/London \
//! cargo run -p vivantio-client --example list_tickets
//! ```
//!
//! `VIVANTIO_TIME_ZONE` (optional, default UTC) is the zone the tenant's naive dates are read in.
//! Set `RUST_LOG`-style tracing yourself if you want to see requests and back-offs.

use std::process::ExitCode;

use futures::TryStreamExt;
use vivantio_client::query::{fields::ticket, Query};
use vivantio_client::{Client, StatusType};

fn required(name: &str) -> Result<String, String> {
    std::env::var(name).map_err(|_| format!("set {name}"))
}

async fn run() -> Result<(), Box<dyn std::error::Error>> {
    let zone = match std::env::var("VIVANTIO_TIME_ZONE") {
        Ok(name) => name
            .parse::<chrono_tz::Tz>()
            .map_err(|error| format!("VIVANTIO_TIME_ZONE: {error}"))?,
        Err(_) => chrono_tz::Tz::UTC,
    };
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

    let not_deleted =
        Query::match_all().and(ticket::STATUS_TYPE.does_not_equal(StatusType::Deleted));
    let mut tickets = client.tickets().stream(not_deleted);
    let mut count = 0_u64;
    while let Some(ticket) = tickets.try_next().await? {
        count += 1;
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
    println!("{count} tickets");
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
