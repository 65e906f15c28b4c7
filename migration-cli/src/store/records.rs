//! The ID map, per-record status, milestones and attachment checksums.

use migration_core::model::source::SourceRef;
use migration_core::ports::RecordStatus;
use migration_core::{DestinationRef, RecordKey};
use rusqlite::Connection;
use serde::{Deserialize, Serialize};

use super::{now, RunId, Store, StoreError};

/// A moment a migration reached, kept the first time it was reached.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Milestone {
    /// When, RFC 3339.
    pub reached_at: String,
    /// The run that reached it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub run_id: Option<RunId>,
    /// How many records it is about.
    pub count: u64,
}

/// The milestone of an open-first run whose open pass ended with every open ticket in scope in
/// Intercom.
pub const OPEN_TICKETS_MOVED: &str = "open_tickets_moved";

/// A source record's status as stored, with its key for listing.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StoredStatus {
    /// Kind of source record (`caller`, `ticket`, ...).
    pub source_kind: String,
    /// Vivantio id.
    pub source_id: i64,
    /// The status.
    pub status: RecordStatus,
}

impl Store {
    /// Keeps that milestone `name` was reached now by the current run, about `count` records,
    /// unless it was reached before (the first moment counts).
    pub fn reach_milestone(&self, name: &str, count: u64) -> Result<(), StoreError> {
        self.execute(
            "INSERT OR IGNORE INTO milestones (name, reached_at, run_id, count) VALUES (?1, ?2, ?3, ?4)",
            (name, now(), self.current_run(), i64::try_from(count).unwrap_or(i64::MAX)),
        )?;
        Ok(())
    }

    /// When milestone `name` was first reached, if it was (and no rollback undid it since).
    pub fn milestone(&self, name: &str) -> Result<Option<Milestone>, StoreError> {
        self.query_one(
            "SELECT reached_at, run_id, count FROM milestones WHERE name = ?1",
            [name],
            |row| {
                Ok(Milestone {
                    reached_at: row.get(0)?,
                    run_id: row.get(1)?,
                    count: u64::try_from(row.get::<_, i64>(2)?).unwrap_or(0),
                })
            },
        )
    }

    /// Links a destination record to its key.
    pub fn id_map_put(
        &self,
        key: &RecordKey,
        destination: &DestinationRef,
    ) -> Result<(), StoreError> {
        put_id(&self.conn(), self.current_run(), key, destination)
    }

    /// The destination record of a key.
    pub fn id_map_get(&self, key: &RecordKey) -> Result<Option<DestinationRef>, StoreError> {
        self.query_one(
            "SELECT dest_id, dest_url FROM id_map WHERE record_key = ?1",
            [key.to_string()],
            |row| {
                Ok(DestinationRef {
                    id: row.get(0)?,
                    url: row.get(1)?,
                })
            },
        )
    }

    /// Forgets a key (after a rollback removed its record).
    pub fn id_map_remove(&self, key: &RecordKey) -> Result<(), StoreError> {
        self.execute(
            "DELETE FROM id_map WHERE record_key = ?1",
            [key.to_string()],
        )?;
        Ok(())
    }

    /// Number of ID-map entries per destination kind.
    pub fn id_map_counts(&self) -> Result<Vec<(String, i64)>, StoreError> {
        let conn = self.conn();
        let mut statement =
            conn.prepare("SELECT kind, count(*) FROM id_map GROUP BY kind ORDER BY kind")?;
        let rows = statement.query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Records a source record's status.
    pub fn put_record_status(
        &self,
        record: SourceRef,
        status: &RecordStatus,
    ) -> Result<(), StoreError> {
        let detail =
            serde_json::to_string(status).map_err(|e| StoreError::Malformed(e.to_string()))?;
        self.execute(
            "INSERT INTO record_status (source_kind, source_id, status, detail, run_id) VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (source_kind, source_id) DO UPDATE SET status = excluded.status,
                detail = excluded.detail, run_id = excluded.run_id",
            (
                record.kind.as_str(),
                record.id,
                status_name(status),
                detail,
                self.current_run(),
            ),
        )?;
        Ok(())
    }

    /// A source record's status.
    pub fn get_record_status(&self, record: SourceRef) -> Result<Option<RecordStatus>, StoreError> {
        let detail: Option<String> = self.query_one(
            "SELECT detail FROM record_status WHERE source_kind = ?1 AND source_id = ?2",
            (record.kind.as_str(), record.id),
            |row| row.get(0),
        )?;
        detail
            .map(|text| {
                serde_json::from_str(&text).map_err(|e| StoreError::Malformed(e.to_string()))
            })
            .transpose()
    }

    /// Every record whose status has this name (`rejected`, `failed`, `migrated`, `pending`,
    /// `out_of_scope`).
    pub fn records_with_status(&self, name: &str) -> Result<Vec<StoredStatus>, StoreError> {
        let raw: Vec<(String, i64, String)> = {
            let conn = self.conn();
            let mut statement = conn.prepare(
                "SELECT source_kind, source_id, detail FROM record_status WHERE status = ?1
                 ORDER BY source_kind, source_id",
            )?;
            let rows =
                statement.query_map([name], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))?;
            rows.collect::<Result<_, _>>()?
        };
        raw.into_iter()
            .map(|(source_kind, source_id, detail)| {
                Ok(StoredStatus {
                    source_kind,
                    source_id,
                    status: serde_json::from_str(&detail)
                        .map_err(|e| StoreError::Malformed(e.to_string()))?,
                })
            })
            .collect()
    }

    /// Number of source records per kind and status name, for `status` (counted by SQLite,
    /// so a million records cost no memory).
    pub fn record_status_counts(&self) -> Result<Vec<(String, String, u64)>, StoreError> {
        let conn = self.conn();
        let mut statement = conn.prepare(
            "SELECT source_kind, status, count(*) FROM record_status
             GROUP BY source_kind, status ORDER BY source_kind, status",
        )?;
        let rows = statement.query_map([], |row| {
            Ok((row.get(0)?, row.get(1)?, row.get::<_, i64>(2)? as u64))
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The start times (RFC 3339) of the last `limit` journal writes, newest first: how fast
    /// the current run writes.
    pub fn recent_write_times(&self, limit: u32) -> Result<Vec<String>, StoreError> {
        let conn = self.conn();
        let mut statement = conn.prepare_cached(
            "SELECT intent_at FROM journal WHERE state != 'undone' ORDER BY seq DESC LIMIT ?1",
        )?;
        let rows = statement.query_map([limit], |row| row.get(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Records the checksum of a moved attachment.
    pub fn put_attachment_checksum(
        &self,
        source_ref: &str,
        sha256: &str,
        size: u64,
        dest_ref: Option<&str>,
    ) -> Result<(), StoreError> {
        self.execute(
            "INSERT INTO attachment_checksums (source_ref, sha256, size, dest_ref) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (source_ref) DO UPDATE SET sha256 = excluded.sha256, size = excluded.size,
                dest_ref = COALESCE(excluded.dest_ref, dest_ref)",
            (source_ref, sha256, size as i64, dest_ref),
        )?;
        Ok(())
    }

    /// The checksum and size recorded for a moved attachment.
    pub fn attachment_checksum(
        &self,
        source_ref: &str,
    ) -> Result<Option<(String, u64)>, StoreError> {
        self.query_one(
            "SELECT sha256, size FROM attachment_checksums WHERE source_ref = ?1",
            [source_ref],
            |row| Ok((row.get(0)?, row.get::<_, i64>(1)? as u64)),
        )
    }
}

/// The name a status is listed under.
pub fn status_name(status: &RecordStatus) -> &'static str {
    match status {
        RecordStatus::Pending => "pending",
        RecordStatus::Migrated => "migrated",
        RecordStatus::Rejected { .. } => "rejected",
        RecordStatus::Failed { .. } => "failed",
        RecordStatus::OutOfScope => "out_of_scope",
    }
}

/// Links a destination record to its key on `conn` (alone or inside a caller's transaction).
pub(super) fn put_id(
    conn: &Connection,
    run: Option<i64>,
    key: &RecordKey,
    destination: &DestinationRef,
) -> Result<(), StoreError> {
    conn.prepare_cached(
        "INSERT INTO id_map (record_key, kind, dest_id, dest_url, run_id) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (record_key) DO UPDATE SET dest_id = excluded.dest_id, dest_url = excluded.dest_url",
    )?
    .execute((
        key.to_string(),
        key.kind().prefix(),
        &destination.id,
        &destination.url,
        run,
    ))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::RunKind;

    #[test]
    fn a_milestone_keeps_its_first_moment_until_a_rollback() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        assert_eq!(store.milestone(OPEN_TICKETS_MOVED).unwrap(), None);
        let run = store.begin_run(RunKind::Full, None).unwrap();
        store.reach_milestone(OPEN_TICKETS_MOVED, 12).unwrap();
        let first = store.milestone(OPEN_TICKETS_MOVED).unwrap().unwrap();
        assert_eq!((first.count, first.run_id), (12, Some(run)));
        // A resumed run reaches it again: the first moment stays.
        store.begin_run(RunKind::Full, None).unwrap();
        store.reach_milestone(OPEN_TICKETS_MOVED, 12).unwrap();
        assert_eq!(store.milestone(OPEN_TICKETS_MOVED).unwrap(), Some(first));
        let rollback = store.begin_run(RunKind::Rollback, None).unwrap();
        store.mark_rolled_back(rollback).unwrap();
        assert_eq!(store.milestone(OPEN_TICKETS_MOVED).unwrap(), None);
    }

    #[test]
    fn a_database_of_the_previous_version_gains_the_milestones() {
        let dir = tempfile::tempdir().unwrap();
        drop(Store::open(dir.path()).unwrap());
        {
            let conn =
                rusqlite::Connection::open(dir.path().join(super::super::DATABASE_FILE)).unwrap();
            conn.execute_batch("DROP TABLE milestones; PRAGMA user_version = 2;")
                .unwrap();
        }
        let store = Store::open(dir.path()).unwrap();
        store.reach_milestone(OPEN_TICKETS_MOVED, 1).unwrap();
        assert_eq!(
            store.milestone(OPEN_TICKETS_MOVED).unwrap().unwrap().count,
            1
        );
    }
}
