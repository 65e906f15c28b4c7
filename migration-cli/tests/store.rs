//! The state store: creation, permissions, locking, refusal of foreign or newer files, journal.

use migration_cli::store::{IdMapEntry, JournalState, RecordStatus, Store, StoreError, DATABASE_FILE};

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
        let file_mode = std::fs::metadata(store.path()).unwrap().permissions().mode() & 0o777;
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
    conn.execute_batch("CREATE TABLE invoices (id INTEGER)").unwrap();
    drop(conn);
    let error = Store::open(root.path()).expect_err("must refuse");
    assert!(matches!(error, StoreError::Corrupt { .. }), "{error:?}");
}

#[test]
fn journal_records_intent_then_settles_and_survives_reopen() {
    let root = temp_state();
    let (run, done_seq, open_seq);
    {
        let store = Store::open(root.path()).unwrap();
        run = store.begin_run("full", Some("abc")).unwrap();
        done_seq = store
            .journal_intent(run, "contact:caller:1", "create", "contact", None, None)
            .unwrap();
        store
            .journal_settle(done_seq, JournalState::Done, Some("c-1"), None)
            .unwrap();
        open_seq = store
            .journal_intent(run, "contact:caller:2", "create", "contact", None, None)
            .unwrap();
    }
    let store = Store::open(root.path()).unwrap();
    let unsettled = store.journal_unsettled().unwrap();
    assert_eq!(unsettled.len(), 1);
    assert_eq!(unsettled[0].seq, open_seq);
    let latest = store.journal_latest("contact:caller:1").unwrap().unwrap();
    assert_eq!(latest.state, JournalState::Done);
    assert_eq!(latest.dest_id.as_deref(), Some("c-1"));
    let rollback = store.journal_for_rollback(Some(run)).unwrap();
    assert_eq!(
        rollback.iter().map(|e| e.seq).collect::<Vec<_>>(),
        vec![open_seq, done_seq],
        "rollback order is newest first"
    );
}

#[test]
fn id_map_status_checksums_and_watermarks_round_trip() {
    let root = temp_state();
    let store = Store::open(root.path()).unwrap();
    let entry = IdMapEntry {
        source_kind: "client".into(),
        source_id: "7".into(),
        dest_kind: "company".into(),
        dest_id: "abc".into(),
        run_id: Some(1),
        existed_before: true,
    };
    store.id_map_put(&entry).unwrap();
    assert_eq!(store.id_map_get("client", "7").unwrap(), Some(entry));
    assert_eq!(store.id_map_get("client", "8").unwrap(), None);
    assert_eq!(store.id_map_counts().unwrap(), vec![("client".into(), 1)]);
    store.id_map_remove("client", "7").unwrap();
    assert_eq!(store.id_map_get("client", "7").unwrap(), None);

    let rejected = RecordStatus {
        source_kind: "caller".into(),
        source_id: "3".into(),
        status: "rejected".into(),
        reason_code: Some("email_malformed".into()),
        reason: Some("the email has no domain".into()),
    };
    store.set_record_status(&rejected, 1).unwrap();
    assert_eq!(store.records_with_status("rejected").unwrap(), vec![rejected]);

    store
        .put_attachment_checksum("att:g1", "deadbeef", 12, Some("part:9"))
        .unwrap();
    assert_eq!(
        store.attachment_checksum("att:g1").unwrap(),
        Some(("deadbeef".into(), 12))
    );

    assert_eq!(store.watermark("delta").unwrap(), None);
    store.set_watermark("delta", "2026-01-01T00:00:00Z").unwrap();
    store.set_watermark("delta", "2026-02-01T00:00:00Z").unwrap();
    assert_eq!(
        store.watermark("delta").unwrap().as_deref(),
        Some("2026-02-01T00:00:00Z")
    );

    assert!(!store.is_mapping_confirmed("h1").unwrap());
    store.confirm_mapping("h1", "[mapping]").unwrap();
    assert!(store.is_mapping_confirmed("h1").unwrap());
    let runs = store.runs().unwrap();
    assert!(runs.is_empty());
}
