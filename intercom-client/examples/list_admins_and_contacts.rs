//! Lists the workspace's admins and streams its contacts.
//!
//! ```sh
//! INTERCOM_TOKEN=... INTERCOM_BASE_URL=https://api.eu.intercom.io \
//!     cargo run -p intercom-client --example list_admins_and_contacts
//! ```
//! `INTERCOM_BASE_URL` defaults to the US endpoint; point it at a simulator or proxy to try
//! the client without a real workspace. `INTERCOM_MAX_CONTACTS` caps the stream (default 100).

use futures::TryStreamExt;
use intercom_client::Client;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let token =
        std::env::var("INTERCOM_TOKEN").map_err(|_| "set INTERCOM_TOKEN to an access token")?;
    let mut builder = Client::builder().token(token);
    if let Ok(base_url) = std::env::var("INTERCOM_BASE_URL") {
        builder = builder.base_url(base_url);
    }
    let client = builder.build()?;
    let max_contacts: usize = std::env::var("INTERCOM_MAX_CONTACTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100);

    println!("Admins at {}:", client.base_url());
    for admin in client.admins().list().await? {
        println!(
            "  {:>12}  {:<30} {}",
            admin.id,
            admin.name.unwrap_or_default(),
            admin.email.unwrap_or_default()
        );
    }

    println!("Contacts (first {max_contacts}):");
    let mut contacts = client.contacts().list(Some(150));
    let mut seen = 0;
    while let Some(contact) = contacts.try_next().await? {
        println!(
            "  {:>24}  {:<6} {:<30} {}",
            contact.id,
            contact
                .role
                .map(|r| format!("{r:?}").to_lowercase())
                .unwrap_or_default(),
            contact.name.unwrap_or_default(),
            contact.email.unwrap_or_default()
        );
        seen += 1;
        if seen >= max_contacts {
            break;
        }
    }

    let stats = client.stats();
    println!(
        "{} requests, {} rate-limited, {:?} waiting for the rate limit",
        stats.requests_sent, stats.rate_limited, stats.rate_limit_wait
    );
    Ok(())
}
