//! Lists the workspace's admins, then its contacts page by page, printing after each page the
//! cursor that resumes the listing there; finally reads one contact back by its typed id.
//!
//! ```sh
//! INTERCOM_TOKEN=... INTERCOM_BASE_URL=https://api.eu.intercom.io \
//!     cargo run -p intercom-client --example list_admins_and_contacts
//! ```
//! `INTERCOM_BASE_URL` defaults to the US endpoint; point it at a simulator or proxy to try
//! the client without a real workspace. `INTERCOM_MAX_PAGES` caps the pages read (default 3);
//! when it stops early it prints a cursor: run again with `INTERCOM_CURSOR=<that cursor>` to
//! continue after the last page it showed.

use futures::TryStreamExt;
use intercom_client::{Client, ContactId, Cursor};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let token =
        std::env::var("INTERCOM_TOKEN").map_err(|_| "set INTERCOM_TOKEN to an access token")?;
    let mut builder = Client::builder().token(token);
    if let Ok(base_url) = std::env::var("INTERCOM_BASE_URL") {
        builder = builder.base_url(base_url);
    }
    let client = builder.build()?;
    let max_pages: usize = std::env::var("INTERCOM_MAX_PAGES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3);
    let resume_from = std::env::var("INTERCOM_CURSOR").ok().map(Cursor::new);

    println!("Admins at {}:", client.base_url());
    for admin in client.admins().list().await? {
        println!(
            "  {:>12}  {:<30} {}",
            admin.id,
            admin.name.unwrap_or_default(),
            admin.email.unwrap_or_default()
        );
    }

    let first_contact = list_contacts(&client, resume_from, max_pages).await?;

    // The id is a ContactId: passing it to `client.conversations().get` would not compile.
    if let Some(id) = first_contact {
        let contact = client.contacts().get(&id).await?;
        println!("Read back {id}: created at {:?}", contact.created_at);
    }

    let stats = client.stats();
    println!(
        "{} requests, {} rate-limited, {:?} waiting for the rate limit",
        stats.requests_sent, stats.rate_limited, stats.rate_limit_wait
    );
    Ok(())
}

/// Prints up to `max_pages` pages of contacts from `from` on; returns the first contact's id.
async fn list_contacts(
    client: &Client,
    from: Option<Cursor>,
    max_pages: usize,
) -> Result<Option<ContactId>, intercom_client::Error> {
    let mut pages = client.contacts().list_pages(Some(50), from);
    let mut first = None;
    let mut read = 0;
    while let Some(page) = pages.try_next().await? {
        read += 1;
        println!("Contacts, page {read}:");
        for contact in page.items() {
            first.get_or_insert_with(|| contact.id.clone());
            println!(
                "  {:>24}  {:<6} {:<30} {}",
                contact.id,
                contact.role.as_ref().map(|r| r.as_str()).unwrap_or("-"),
                contact.name.as_deref().unwrap_or_default(),
                contact.email.as_deref().unwrap_or_default()
            );
        }
        match page.next_cursor() {
            None => println!("(last page)"),
            Some(cursor) if read >= max_pages => {
                println!("Stopped after {read} pages; resume with INTERCOM_CURSOR={cursor}");
                break;
            }
            Some(_) => {}
        }
    }
    Ok(first)
}
