//! The state store: creation, permissions, locking, refusal of foreign or newer files, journal.

use futures::StreamExt;
use migration_cli::store::RunKind;
use migration_cli::store::{Store, StoreError, DATABASE_FILE};
use migration_core::delta::Watermark;
use migration_core::model::source::{SourceKind, SourceRef};
use migration_core::ops::{DestinationOp, Operation, Phase};
use migration_core::ports::{
    ExecutionOutcome, RecordStatus, ResolvedRefs, StateStore, WriteEffect,
};
use migration_core::rollback::JournalState;
use migration_core::spec::SpecHash;
use migration_core::{DestinationRef, RecordKey};

fn temp_state() -> tempfile::TempDir {
    tempfile::tempdir().expect("temp dir")
}

#[test]
fn creates_private_folder_and_database() {
    let root = temp_state();
    let dir = root.path().join("state");
    let store = Store::open(&dir).expect("open");
    assert!(store.path().is_file());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let dir_mode = std::fs::metadata(&dir).unwrap().permissions().mode() & 0o777;
        let file_mode = std::fs::metadata(store.path())
            .unwrap()
            .permissions()
            .mode()
            & 0o777;
        assert_eq!(dir_mode, 0o700);
        assert_eq!(file_mode, 0o600);
    }
}

#[test]
fn a_second_open_is_refused_while_the_first_is_held() {
    let root = temp_state();
    let first = Store::open(root.path()).expect("first open");
    let second = Store::open(root.path());
    assert!(matches!(second, Err(StoreError::Locked(_))), "{second:?}");
    drop(first);
    Store::open(root.path()).expect("open after release");
}

#[test]
fn a_file_that_is_not_a_database_is_refused_and_left_untouched() {
    let root = temp_state();
    let path = root.path().join(DATABASE_FILE);
    std::fs::write(&path, b"this is not sqlite, just text that must survive").unwrap();
    let error = Store::open(root.path()).expect_err("must refuse");
    assert!(matches!(error, StoreError::Corrupt { .. }), "{error:?}");
    assert!(error.to_string().contains("left untouched"));
    assert_eq!(
        std::fs::read(&path).unwrap(),
        b"this is not sqlite, just text that must survive"
    );
}

#[test]
fn a_database_from_a_newer_tool_is_refused() {
    let root = temp_state();
    {
        let store = Store::open(root.path()).expect("open");
        drop(store);
    }
    let conn = rusqlite::Connection::open(root.path().join(DATABASE_FILE)).unwrap();
    conn.pragma_update(None, "user_version", 99).unwrap();
    drop(conn);
    let error = Store::open(root.path()).expect_err("must refuse");
    assert!(
        matches!(error, StoreError::NewerSchema { found: 99, .. }),
        "{error:?}"
    );
}

#[test]
fn a_foreign_database_is_refused() {
    let root = temp_state();
    let conn = rusqlite::Connection::open(root.path().join(DATABASE_FILE)).unwrap();
    conn.execute_batch("CREATE TABLE invoices (id INTEGER)")
        .unwrap();
    drop(conn);
    let error = Store::open(root.path()).expect_err("must refuse");
    assert!(matches!(error, StoreError::Corrupt { .. }), "{error:?}");
}

fn tag_operation(name: &str) -> Operation {
    Operation::creating(
        Phase::Schema,
        RecordKey::tag(name),
        DestinationOp::EnsureTag { name: name.into() },
    )
}

fn created(id: &str) -> ExecutionOutcome {
    ExecutionOutcome {
        destination: Some(DestinationRef::id(id)),
        effect: WriteEffect::Created,
    }
}

#[tokio::test]
async fn journal_records_intent_then_done_and_survives_reopen() {
    let root = temp_state();
    let (done_seq, open_seq);
    {
        let store = Store::open(root.path()).unwrap();
        store
            .begin_run(RunKind::Full, Some(&SpecHash::from_stored("abc")))
            .unwrap();
        let first = tag_operation("vip");
        done_seq = store.begin(&first, &ResolvedRefs::default()).await.unwrap();
        store.complete(done_seq, &created("t-1")).await.unwrap();
        open_seq = store
            .begin(&tag_operation("urgent"), &ResolvedRefs::default())
            .await
            .unwrap();
    }
    let store = Store::open(root.path()).unwrap();
    let unsettled = store.journal_unsettled().unwrap();
    assert_eq!(unsettled.len(), 1);
    assert_eq!(unsettled[0].entry.sequence, open_seq);
    assert_eq!(unsettled[0].entry.state, JournalState::Intent);
    let mark = tag_operation("vip").mark;
    assert_eq!(store.completed(&mark).await.unwrap(), Some(created("t-1")));
    assert_eq!(store.completed("tag:never").await.unwrap(), None);

    let journal: Vec<_> = store.journal().collect().await;
    assert_eq!(journal.len(), 2);
    assert_eq!(journal[0].as_ref().unwrap().sequence, done_seq);

    store.journal_undo(done_seq, true, None).unwrap();
    assert_eq!(
        store.completed(&mark).await.unwrap(),
        None,
        "undone is not done"
    );
    let live: Vec<_> = store.journal().collect().await;
    assert_eq!(live.len(), 1, "undone entries leave the live journal");
}

#[tokio::test]
async fn the_journal_streams_in_pages_across_page_boundaries() {
    let root = temp_state();
    let store = Store::open(root.path()).unwrap();
    store
        .begin_run(RunKind::Full, Some(&SpecHash::from_stored("abc")))
        .unwrap();
    // Over two pages of a thousand, with an undone row on the first boundary.
    let mut sequences = Vec::new();
    for n in 0..2_345 {
        let sequence = store
            .begin(
                &tag_operation(&format!("tag-{n}")),
                &ResolvedRefs::default(),
            )
            .await
            .unwrap();
        store
            .complete(sequence, &created(&n.to_string()))
            .await
            .unwrap();
        sequences.push(sequence);
    }
    store.journal_undo(sequences[999], true, None).unwrap();
    sequences.remove(999);
    let streamed: Vec<u64> = store
        .journal()
        .map(|entry| entry.unwrap().sequence)
        .collect()
        .await;
    assert_eq!(streamed, sequences);
}

#[tokio::test]
async fn id_map_status_checksums_and_watermarks_round_trip() {
    let root = temp_state();
    let store = Store::open(root.path()).unwrap();
    let key = RecordKey::company(7);
    store
        .remember(&key, &DestinationRef::id("abc"))
        .await
        .unwrap();
    assert_eq!(
        store.lookup(&key).await.unwrap(),
        Some(DestinationRef::id("abc"))
    );
    assert_eq!(store.lookup(&RecordKey::company(8)).await.unwrap(), None);
    assert_eq!(store.id_map_counts().unwrap(), vec![("company".into(), 1)]);
    store.forget(&key).await.unwrap();
    assert_eq!(store.lookup(&key).await.unwrap(), None);

    let caller = SourceRef::new(SourceKind::Caller, 3);
    let failed = RecordStatus::Failed {
        message: "the email has no domain".into(),
    };
    store
        .set_record_status(caller, failed.clone())
        .await
        .unwrap();
    assert_eq!(store.record_status(caller).await.unwrap(), Some(failed));
    let listed = store.records_with_status("failed").unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].source_id, 3);

    store
        .put_attachment_checksum("att:g1", "deadbeef", 12, Some("part:9"))
        .unwrap();
    assert_eq!(
        store.attachment_checksum("att:g1").unwrap(),
        Some(("deadbeef".into(), 12))
    );

    assert_eq!(StateStore::watermark(&store).await.unwrap(), None);
    StateStore::set_watermark(&store, Watermark::at(100))
        .await
        .unwrap();
    StateStore::set_watermark(&store, Watermark::at(200))
        .await
        .unwrap();
    assert_eq!(
        StateStore::watermark(&store).await.unwrap(),
        Some(Watermark::at(200))
    );

    assert!(!store
        .is_mapping_confirmed(&SpecHash::from_stored("h1"))
        .unwrap());
    store
        .confirm_mapping(&SpecHash::from_stored("h1"), "[mapping]")
        .unwrap();
    assert!(store
        .is_mapping_confirmed(&SpecHash::from_stored("h1"))
        .unwrap());
    assert_eq!(store.confirmed_hash().await.unwrap(), None);
    store
        .set_confirmed_hash(&SpecHash::from_stored("h1"))
        .await
        .unwrap();
    assert_eq!(
        store.confirmed_hash().await.unwrap(),
        Some(SpecHash::from_stored("h1"))
    );
    assert!(store.runs().unwrap().is_empty());
}
