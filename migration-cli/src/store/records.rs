//! The ID map, per-record status, runs and attachment checksums.

use rusqlite::OptionalExtension;
use serde::{Deserialize, Serialize};

use super::{now, Store, StoreError};

/// Where a source record went.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdMapEntry {
    /// Kind of source record (`caller`, `client`, `ticket`, ...).
    pub source_kind: String,
    /// Source id.
    pub source_id: String,
    /// Kind of destination record.
    pub dest_kind: String,
    /// Destination id.
    pub dest_id: String,
    /// The run that made the link.
    pub run_id: Option<i64>,
    /// The destination record existed before the migration touched it (never delete it).
    pub existed_before: bool,
}

/// The outcome for one source record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordStatus {
    /// Kind of source record.
    pub source_kind: String,
    /// Source id.
    pub source_id: String,
    /// `moved`, `rejected`, `skipped`, ...
    pub status: String,
    /// Machine-readable reason (for rejections).
    pub reason_code: Option<String>,
    /// Human sentence (for rejections).
    pub reason: Option<String>,
}

/// One run of the tool.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunInfo {
    /// Run number.
    pub id: i64,
    /// `sample`, `full`, `delta`, `rollback`, ...
    pub mode: String,
    /// Hash of the mapping it ran with.
    pub mapping_hash: Option<String>,
    /// Start, RFC 3339.
    pub started_at: String,
    /// End, RFC 3339, if it ended.
    pub finished_at: Option<String>,
    /// How it ended.
    pub outcome: Option<String>,
    /// Source watermark it read up to.
    pub watermark: Option<String>,
}

impl Store {
    /// Starts a run and returns its number.
    pub fn begin_run(&self, mode: &str, mapping_hash: Option<&str>) -> Result<i64, StoreError> {
        let conn = self.conn();
        conn.execute(
            "INSERT INTO runs (mode, mapping_hash, started_at) VALUES (?1, ?2, ?3)",
            (mode, mapping_hash, now()),
        )?;
        Ok(conn.last_insert_rowid())
    }

    /// Ends a run.
    pub fn finish_run(
        &self,
        run_id: i64,
        outcome: &str,
        watermark: Option<&str>,
    ) -> Result<(), StoreError> {
        self.conn().execute(
            "UPDATE runs SET finished_at = ?2, outcome = ?3, watermark = COALESCE(?4, watermark) WHERE id = ?1",
            (run_id, now(), outcome, watermark),
        )?;
        Ok(())
    }

    /// Every run, oldest first.
    pub fn runs(&self) -> Result<Vec<RunInfo>, StoreError> {
        let conn = self.conn();
        let mut statement = conn.prepare(
            "SELECT id, mode, mapping_hash, started_at, finished_at, outcome, watermark FROM runs ORDER BY id",
        )?;
        let rows = statement.query_map([], |row| {
            Ok(RunInfo {
                id: row.get(0)?,
                mode: row.get(1)?,
                mapping_hash: row.get(2)?,
                started_at: row.get(3)?,
                finished_at: row.get(4)?,
                outcome: row.get(5)?,
                watermark: row.get(6)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Links a source record to its destination record.
    pub fn id_map_put(&self, entry: &IdMapEntry) -> Result<(), StoreError> {
        self.conn().execute(
            "INSERT INTO id_map (source_kind, source_id, dest_kind, dest_id, run_id, existed_before)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)
             ON CONFLICT (source_kind, source_id) DO UPDATE SET
                dest_kind = excluded.dest_kind, dest_id = excluded.dest_id",
            (
                &entry.source_kind,
                &entry.source_id,
                &entry.dest_kind,
                &entry.dest_id,
                entry.run_id,
                entry.existed_before,
            ),
        )?;
        Ok(())
    }

    /// The destination of a source record, if it has moved.
    pub fn id_map_get(
        &self,
        source_kind: &str,
        source_id: &str,
    ) -> Result<Option<IdMapEntry>, StoreError> {
        Ok(self
            .conn()
            .query_row(
                "SELECT source_kind, source_id, dest_kind, dest_id, run_id, existed_before
                 FROM id_map WHERE source_kind = ?1 AND source_id = ?2",
                (source_kind, source_id),
                |row| {
                    Ok(IdMapEntry {
                        source_kind: row.get(0)?,
                        source_id: row.get(1)?,
                        dest_kind: row.get(2)?,
                        dest_id: row.get(3)?,
                        run_id: row.get(4)?,
                        existed_before: row.get(5)?,
                    })
                },
            )
            .optional()?)
    }

    /// Forgets a link (after a rollback deleted the destination record).
    pub fn id_map_remove(&self, source_kind: &str, source_id: &str) -> Result<(), StoreError> {
        self.conn().execute(
            "DELETE FROM id_map WHERE source_kind = ?1 AND source_id = ?2",
            (source_kind, source_id),
        )?;
        Ok(())
    }

    /// Number of ID-map entries per source kind.
    pub fn id_map_counts(&self) -> Result<Vec<(String, i64)>, StoreError> {
        let conn = self.conn();
        let mut statement = conn.prepare(
            "SELECT source_kind, count(*) FROM id_map GROUP BY source_kind ORDER BY source_kind",
        )?;
        let rows = statement.query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Records the outcome for one source record.
    pub fn set_record_status(&self, status: &RecordStatus, run_id: i64) -> Result<(), StoreError> {
        self.conn().execute(
            "INSERT INTO record_status (source_kind, source_id, status, reason_code, reason, run_id)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)
             ON CONFLICT (source_kind, source_id) DO UPDATE SET status = excluded.status,
                reason_code = excluded.reason_code, reason = excluded.reason, run_id = excluded.run_id",
            (
                &status.source_kind,
                &status.source_id,
                &status.status,
                &status.reason_code,
                &status.reason,
                run_id,
            ),
        )?;
        Ok(())
    }

    /// Every record with the given status (for example every rejection).
    pub fn records_with_status(&self, status: &str) -> Result<Vec<RecordStatus>, StoreError> {
        let conn = self.conn();
        let mut statement = conn.prepare(
            "SELECT source_kind, source_id, status, reason_code, reason FROM record_status
             WHERE status = ?1 ORDER BY source_kind, source_id",
        )?;
        let rows = statement.query_map([status], |row| {
            Ok(RecordStatus {
                source_kind: row.get(0)?,
                source_id: row.get(1)?,
                status: row.get(2)?,
                reason_code: row.get(3)?,
                reason: row.get(4)?,
            })
        })?;
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
        self.conn().execute(
            "INSERT INTO attachment_checksums (source_ref, sha256, size, dest_ref) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (source_ref) DO UPDATE SET sha256 = excluded.sha256, size = excluded.size,
                dest_ref = COALESCE(excluded.dest_ref, dest_ref)",
            (source_ref, sha256, size as i64, dest_ref),
        )?;
        Ok(())
    }

    /// The checksum recorded for a moved attachment.
    pub fn attachment_checksum(&self, source_ref: &str) -> Result<Option<(String, u64)>, StoreError> {
        Ok(self
            .conn()
            .query_row(
                "SELECT sha256, size FROM attachment_checksums WHERE source_ref = ?1",
                [source_ref],
                |row| Ok((row.get(0)?, row.get::<_, i64>(1)? as u64)),
            )
            .optional()?)
    }
}
