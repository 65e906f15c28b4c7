//! The client against the stateful Intercom simulator (`fixtures`): the calls a migration makes,
//! Intercom's rules as the simulator enforces them, and pacing under a real windowed rate limit.

use std::time::Duration;

use fixtures::sim::intercom::{IntercomSim, IntercomSimConfig, RateLimitConfig};
use futures::TryStreamExt;
use intercom_client::companies::UpsertCompanyRequest;
use intercom_client::contacts::ContactRequest;
use intercom_client::conversations::CreateConversationRequest;
use intercom_client::replies::{AdminReply, AttachmentFile, ContactReply, Reply};
use intercom_client::{Client, Error};

fn client_for(sim: &IntercomSim) -> Client {
    Client::builder()
        .token(sim.token())
        .base_url(sim.base_url())
        .backoff(Duration::from_millis(20), Duration::from_millis(200))
        .build()
        .unwrap()
}

#[tokio::test]
async fn a_conversation_with_history_lands_in_order_with_its_file() {
    let sim = IntercomSim::start(IntercomSimConfig::default().without_rate_limit()).unwrap();
    let client = client_for(&sim);
    let company = client
        .companies()
        .upsert(&UpsertCompanyRequest::new(
            "vivantio-101",
            "Brightline Dental",
        ))
        .await
        .unwrap();
    let contact = client
        .contacts()
        .create(
            &ContactRequest::user("1001")
                .email("ada@example.com")
                .name("Ada"),
        )
        .await
        .unwrap();
    client
        .contacts()
        .attach_company(&contact.id, &company.id)
        .await
        .unwrap();
    let message = client
        .conversations()
        .create(
            &CreateConversationRequest::new(&contact.id, "Printer offline")
                .created_at(1_700_000_000),
        )
        .await
        .unwrap();
    let admin = "991267001";
    let mut note = AdminReply::note(admin, "<p>Checked the spooler</p>").created_at(1_700_000_600);
    note.attachment_files.push(AttachmentFile::from_bytes(
        "log.txt",
        "text/plain",
        b"spooler crashed",
    ));
    client
        .conversations()
        .reply(&message.conversation_id, &note.into())
        .await
        .unwrap();
    let reply = ContactReply::new(&contact.id, "Thanks!").created_at(1_700_001_200);
    client
        .conversations()
        .reply(&message.conversation_id, &Reply::Contact(reply))
        .await
        .unwrap();

    let conversation = client
        .conversations()
        .get(&message.conversation_id)
        .await
        .unwrap();
    let parts = conversation.conversation_parts.unwrap().parts;
    let times: Vec<i64> = parts
        .iter()
        .filter_map(|part| part.created_at.map(i64::from))
        .collect();
    assert_eq!(times, vec![1_700_000_600, 1_700_001_200]);
    let workspace = sim.workspace();
    let stored = workspace
        .files
        .values()
        .next()
        .expect("the file was stored");
    assert_eq!(stored.bytes(), b"spooler crashed");
    let contacts: Vec<_> = client.contacts().list(None).try_collect().await.unwrap();
    assert_eq!(contacts.len(), 1);
}

#[tokio::test]
async fn a_second_user_with_the_same_email_is_a_conflict_naming_the_first() {
    let sim = IntercomSim::start(IntercomSimConfig::default().without_rate_limit()).unwrap();
    let client = client_for(&sim);
    let first = client
        .contacts()
        .create(&ContactRequest::user("1").email("dup@example.com"))
        .await
        .unwrap();
    let error = client
        .contacts()
        .create(&ContactRequest::user("2").email("dup@example.com"))
        .await
        .unwrap_err();
    match error {
        Error::Conflict { existing_id, .. } => {
            assert_eq!(existing_id.unwrap().as_str(), first.id.as_str())
        }
        other => panic!("expected a conflict, got {other:?}"),
    }
    assert_eq!(sim.workspace().contacts.len(), 1);
}

#[tokio::test]
async fn a_bulk_load_paces_itself_under_a_windowed_limit() {
    // 60 requests per one-second window: 150 creates need three windows.
    let config = IntercomSimConfig {
        rate_limit: RateLimitConfig::per_app(360).with_window(Duration::from_secs(1)),
        ..IntercomSimConfig::default()
    };
    let sim = IntercomSim::start(config).unwrap();
    let client = client_for(&sim);
    let tasks: Vec<_> = (0..150)
        .map(|index| {
            let client = client.clone();
            tokio::spawn(async move {
                client
                    .tags()
                    .create(&format!("tag {index}"))
                    .await
                    .map(|_| ())
            })
        })
        .collect();
    for task in tasks {
        task.await.unwrap().unwrap();
    }
    let stats = sim.stats();
    assert_eq!(sim.workspace().tags.len(), 150, "nothing lost");
    // The client learns the limit from the headers after its first answers, so a handful of
    // early requests may bounce; the rest are paced.
    assert!(
        stats.rate_limited <= 15,
        "{} of {} requests were answered 429",
        stats.rate_limited,
        stats.requests
    );
}
