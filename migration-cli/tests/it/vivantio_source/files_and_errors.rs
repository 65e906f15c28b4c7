//! Attachment downloads and error classification.

use fixtures::instance::Kind;
use fixtures::sim::vivantio::Fault;
use futures::TryStreamExt;
use migration_cli::adapters::vivantio::{VivantioSource, VivantioSourceOptions};
use migration_core::model::source::Attachment;
use migration_core::ports::Source;
use migration_core::PortErrorKind;
use sha2::{Digest, Sha256};

use super::harness::*;

#[tokio::test]
async fn attachments_download_with_their_checksums() {
    let Some(instance) = sample() else { return };
    let (_sim, source) = serve(&instance, VivantioSourceOptions::default()).await;
    let tickets = all_tickets(&source, None).await;
    let files: Vec<&Attachment> = tickets
        .iter()
        .flat_map(|t| {
            t.attachments
                .iter()
                .chain(t.actions.iter().flat_map(|a| &a.attachments))
        })
        .collect();
    let ticket_files = instance
        .records(Kind::Attachments)
        .iter()
        .filter(|f| f["ParentArea"] == "Ticket")
        .count();
    assert_eq!(
        files.len(),
        ticket_files,
        "every ticket attachment listed once"
    );

    let mut checked = 0;
    // Files over 1 MB are synthetic filler; leaving them out keeps the suite fast.
    for file in files
        .iter()
        .filter(|f| f.size.is_some_and(|size| size <= 1 << 20))
    {
        let payload = source.attachment(&file_ref(file)).await.expect("download");
        let record = raw(&instance, Kind::Attachments, file.id);
        assert_eq!(
            hex::encode(Sha256::digest(&payload.bytes)),
            record["Sha256"].as_str().unwrap(),
            "{}",
            file.file_name
        );
        assert_eq!(payload.file_name, file.file_name);
        assert_eq!(payload.content_type, file.content_type);
        checked += 1;
    }
    assert!(
        checked >= 10,
        "the sample's small attachments, the empty one included"
    );

    let mut wrong_size = file_ref(files[0]);
    wrong_size.size = wrong_size.size.map(|size| size + 1);
    let error = source.attachment(&wrong_size).await.unwrap_err();
    assert_eq!(error.kind, PortErrorKind::Other);
    assert!(
        error.message.contains("bytes were downloaded"),
        "{}",
        error.message
    );

    let mut unknown = file_ref(files[0]);
    unknown.guid = "00000000-0000-0000-0000-000000000000".into();
    assert_eq!(
        source.attachment(&unknown).await.unwrap_err().kind,
        PortErrorKind::NotFound
    );
}

#[tokio::test]
async fn errors_are_classified_without_leaking_credentials() {
    let Some(instance) = sample() else { return };
    let (sim, source) = serve(&instance, VivantioSourceOptions::default()).await;

    let wrong = VivantioSource::new(
        client(&sim, "not-the-password"),
        VivantioSourceOptions::default(),
    );
    let error = wrong.schema().await.unwrap_err();
    assert_eq!(error.kind, PortErrorKind::Unauthorized);
    assert!(
        !error.message.contains("not-the-password") && !error.message.contains("api-user"),
        "{}",
        error.message
    );

    sim.push_faults([Some(Fault::ServerError { status: 502 })]);
    let error = source
        .organisations()
        .try_collect::<Vec<_>>()
        .await
        .unwrap_err();
    assert_eq!(error.kind, PortErrorKind::Transient);
    sim.push_faults([Some(Fault::Unsuccessful)]);
    let error = source.articles().try_collect::<Vec<_>>().await.unwrap_err();
    assert!(error.is_retryable(), "{error}");
    // Throttling is absorbed by the client's own retries.
    sim.push_faults([Some(Fault::RateLimited { retry_after: None })]);
    assert_eq!(
        source
            .articles()
            .try_collect::<Vec<_>>()
            .await
            .expect("retried")
            .len(),
        instance.records(Kind::Articles).len()
    );
}
