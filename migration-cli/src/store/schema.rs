//! The state database's schema and its migrations, keyed by SQLite's `user_version`.

use rusqlite::Connection;

use super::StoreError;

/// Schema version this build writes. A database with a higher version came from a newer tool.
pub const SCHEMA_VERSION: i64 = 3;

/// Each entry migrates from version `index` to `index + 1`.
const MIGRATIONS: &[&str] = &[
    r#"
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE mapping_confirmations (
    hash         TEXT PRIMARY KEY,
    confirmed_at TEXT NOT NULL,
    content      TEXT NOT NULL
);
CREATE TABLE runs (
    id           INTEGER PRIMARY KEY,
    mode         TEXT NOT NULL,
    mapping_hash TEXT,
    started_at   TEXT NOT NULL,
    finished_at  TEXT,
    outcome      TEXT,
    watermark    TEXT
);
CREATE TABLE id_map (
    record_key TEXT PRIMARY KEY,
    kind       TEXT NOT NULL,
    dest_id    TEXT NOT NULL,
    dest_url   TEXT,
    run_id     INTEGER
);
CREATE INDEX id_map_dest ON id_map (kind, dest_id);
CREATE TABLE journal (
    seq       INTEGER PRIMARY KEY AUTOINCREMENT,
    run_id    INTEGER,
    mark      TEXT NOT NULL,
    phase     TEXT NOT NULL,
    operation TEXT NOT NULL,
    refs      TEXT NOT NULL,
    state     TEXT NOT NULL CHECK (state IN ('intent', 'done', 'undone', 'undo_failed')),
    outcome   TEXT,
    detail    TEXT,
    intent_at TEXT NOT NULL,
    done_at   TEXT
);
CREATE INDEX journal_mark ON journal (mark, seq);
CREATE TABLE record_status (
    source_kind TEXT NOT NULL,
    source_id   INTEGER NOT NULL,
    status      TEXT NOT NULL,
    detail      TEXT NOT NULL,
    run_id      INTEGER,
    PRIMARY KEY (source_kind, source_id)
);
CREATE TABLE attachment_checksums (
    source_ref TEXT PRIMARY KEY,
    sha256     TEXT NOT NULL,
    size       INTEGER NOT NULL,
    dest_ref   TEXT
);
CREATE TABLE watermarks (
    scope TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
"#,
    // Version 2: why a run failed (for `status`), and which rollback undid a run (so a
    // rolled-back rehearsal no longer counts as what is in Intercom).
    r#"
ALTER TABLE runs ADD COLUMN error TEXT;
ALTER TABLE runs ADD COLUMN rolled_back_by INTEGER;
"#,
    // Version 3: moments a migration reached, kept at the first time (every open ticket in
    // Intercom, for an open-first run) until a rollback undoes the runs.
    r#"
CREATE TABLE milestones (
    name       TEXT PRIMARY KEY,
    reached_at TEXT NOT NULL,
    run_id     INTEGER,
    count      INTEGER NOT NULL
);
"#,
];

/// Brings the schema up to [`SCHEMA_VERSION`], refusing databases from a newer tool.
pub fn migrate(conn: &mut Connection) -> Result<(), StoreError> {
    let current: i64 = conn.query_row("PRAGMA user_version", [], |row| row.get(0))?;
    if current > SCHEMA_VERSION {
        return Err(StoreError::NewerSchema {
            found: current,
            supported: SCHEMA_VERSION,
        });
    }
    for (index, sql) in MIGRATIONS.iter().enumerate().skip(current as usize) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", index as i64 + 1)?;
        tx.commit()?;
    }
    Ok(())
}
