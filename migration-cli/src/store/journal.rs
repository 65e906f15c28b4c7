//! The write journal: one row per write to the destination, recorded as an intent before the
//! request is sent and completed after, so a crash leaves an exact account of what may exist.

use rusqlite::{OptionalExtension, Row};
use serde::{Deserialize, Serialize};

use super::{now, Store, StoreError};

/// Where a journalled write stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum JournalState {
    /// About to be sent: may or may not have reached the destination.
    Intent,
    /// Confirmed by the destination.
    Done,
    /// Refused by the destination: nothing was written.
    Failed,
    /// Undone by a rollback.
    Undone,
    /// A rollback tried and could not undo it.
    UndoFailed,
}

impl JournalState {
    fn as_str(self) -> &'static str {
        match self {
            JournalState::Intent => "intent",
            JournalState::Done => "done",
            JournalState::Failed => "failed",
            JournalState::Undone => "undone",
            JournalState::UndoFailed => "undo_failed",
        }
    }

    fn parse(text: &str) -> rusqlite::Result<Self> {
        Ok(match text {
            "intent" => JournalState::Intent,
            "done" => JournalState::Done,
            "failed" => JournalState::Failed,
            "undone" => JournalState::Undone,
            "undo_failed" => JournalState::UndoFailed,
            other => {
                return Err(rusqlite::Error::FromSqlConversionFailure(
                    0,
                    rusqlite::types::Type::Text,
                    format!("unknown journal state {other:?}").into(),
                ))
            }
        })
    }
}

/// One journalled write.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JournalEntry {
    /// Position in the journal (writes happen in this order).
    pub seq: i64,
    /// The run that made it.
    pub run_id: i64,
    /// The operation's idempotency key (stable across runs).
    pub op_key: String,
    /// What was done: `create`, `update`, `attach`, `reply`, ...
    pub action: String,
    /// Kind of destination record.
    pub dest_kind: String,
    /// Destination id, once known.
    pub dest_id: Option<String>,
    /// Where it stands.
    pub state: JournalState,
    /// The record as it was before an update (JSON), for rollback.
    pub before_image: Option<String>,
    /// Free detail: an error, or what a rollback could not undo.
    pub detail: Option<String>,
}

impl JournalEntry {
    fn from_row(row: &Row<'_>) -> rusqlite::Result<Self> {
        let state: String = row.get("state")?;
        Ok(Self {
            seq: row.get("seq")?,
            run_id: row.get("run_id")?,
            op_key: row.get("op_key")?,
            action: row.get("action")?,
            dest_kind: row.get("dest_kind")?,
            dest_id: row.get("dest_id")?,
            state: JournalState::parse(&state)?,
            before_image: row.get("before_image")?,
            detail: row.get("detail")?,
        })
    }
}

const COLUMNS: &str = "seq, run_id, op_key, action, dest_kind, dest_id, state, before_image, detail";

impl Store {
    /// Records the intent to write, before the request is sent. Returns the journal position.
    pub fn journal_intent(
        &self,
        run_id: i64,
        op_key: &str,
        action: &str,
        dest_kind: &str,
        dest_id: Option<&str>,
        before_image: Option<&str>,
    ) -> Result<i64, StoreError> {
        let conn = self.conn();
        conn.execute(
            "INSERT INTO journal (run_id, op_key, action, dest_kind, dest_id, state, before_image, intent_at)
             VALUES (?1, ?2, ?3, ?4, ?5, 'intent', ?6, ?7)",
            (run_id, op_key, action, dest_kind, dest_id, before_image, now()),
        )?;
        Ok(conn.last_insert_rowid())
    }

    /// Moves a journalled write to a new state (done, failed, undone, undo_failed).
    pub fn journal_settle(
        &self,
        seq: i64,
        state: JournalState,
        dest_id: Option<&str>,
        detail: Option<&str>,
    ) -> Result<(), StoreError> {
        self.conn().execute(
            "UPDATE journal SET state = ?2, dest_id = COALESCE(?3, dest_id), detail = ?4, done_at = ?5 WHERE seq = ?1",
            (seq, state.as_str(), dest_id, detail, now()),
        )?;
        Ok(())
    }

    /// The latest journal entry for an operation key, if any.
    pub fn journal_latest(&self, op_key: &str) -> Result<Option<JournalEntry>, StoreError> {
        Ok(self
            .conn()
            .query_row(
                &format!("SELECT {COLUMNS} FROM journal WHERE op_key = ?1 ORDER BY seq DESC LIMIT 1"),
                [op_key],
                JournalEntry::from_row,
            )
            .optional()?)
    }

    /// Every write left as an intent (sent or about to be, outcome unknown), oldest first.
    pub fn journal_unsettled(&self) -> Result<Vec<JournalEntry>, StoreError> {
        self.journal_query("WHERE state = 'intent' ORDER BY seq", [])
    }

    /// The writes of one run that a rollback must consider, newest first.
    pub fn journal_for_rollback(&self, run_id: Option<i64>) -> Result<Vec<JournalEntry>, StoreError> {
        match run_id {
            Some(run) => self.journal_query(
                "WHERE run_id = ?1 AND state IN ('done', 'intent', 'undo_failed') ORDER BY seq DESC",
                [run],
            ),
            None => self.journal_query(
                "WHERE state IN ('done', 'intent', 'undo_failed') ORDER BY seq DESC",
                [],
            ),
        }
    }

    /// Number of journal entries per state.
    pub fn journal_counts(&self) -> Result<Vec<(JournalState, i64)>, StoreError> {
        let conn = self.conn();
        let mut statement =
            conn.prepare("SELECT state, count(*) FROM journal GROUP BY state ORDER BY state")?;
        let rows = statement.query_map([], |row| {
            let state: String = row.get(0)?;
            Ok((JournalState::parse(&state)?, row.get(1)?))
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn journal_query<P: rusqlite::Params>(
        &self,
        clause: &str,
        params: P,
    ) -> Result<Vec<JournalEntry>, StoreError> {
        let conn = self.conn();
        let mut statement = conn.prepare(&format!("SELECT {COLUMNS} FROM journal {clause}"))?;
        let rows = statement.query_map(params, JournalEntry::from_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}
