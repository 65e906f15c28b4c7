//! The write journal: one row per destination write, recorded as an intent before the request is
//! sent and completed after, so a crash leaves an exact account of what may exist.

use migration_core::ops::Operation;
use migration_core::ports::{ExecutionOutcome, ResolvedRefs};
use migration_core::rollback::{JournalEntry, JournalState};
use migration_core::{DestinationRef, RecordKey};
use rusqlite::{Connection, Row};

use super::records::put_id;
use super::{now, Store, StoreError};

/// Where a row of the journal stands, including the rollback states the core's journal view
/// does not need to see.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RowState {
    /// About to be sent: may or may not have reached the destination.
    Intent,
    /// Confirmed by the destination.
    Done,
    /// Undone by a rollback.
    Undone,
    /// A rollback tried and could not undo it (see the row's detail).
    UndoFailed,
}

impl RowState {
    fn as_str(self) -> &'static str {
        match self {
            RowState::Intent => "intent",
            RowState::Done => "done",
            RowState::Undone => "undone",
            RowState::UndoFailed => "undo_failed",
        }
    }

    fn parse(text: &str) -> Result<Self, StoreError> {
        Ok(match text {
            "intent" => RowState::Intent,
            "done" => RowState::Done,
            "undone" => RowState::Undone,
            "undo_failed" => RowState::UndoFailed,
            other => {
                return Err(StoreError::Malformed(format!(
                    "unknown journal state {other:?}"
                )))
            }
        })
    }
}

/// One row of the journal as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct JournalRow {
    /// The core's view of the entry.
    pub entry: JournalEntry,
    /// The stored state, rollback states included.
    pub row_state: RowState,
    /// The run that wrote it.
    pub run_id: Option<i64>,
    /// Detail recorded by a rollback that could not undo it.
    pub detail: Option<String>,
}

struct RawRow {
    seq: i64,
    run_id: Option<i64>,
    operation: String,
    refs: String,
    state: String,
    outcome: Option<String>,
    detail: Option<String>,
}

impl RawRow {
    fn read(row: &Row<'_>) -> rusqlite::Result<Self> {
        Ok(Self {
            seq: row.get("seq")?,
            run_id: row.get("run_id")?,
            operation: row.get("operation")?,
            refs: row.get("refs")?,
            state: row.get("state")?,
            outcome: row.get("outcome")?,
            detail: row.get("detail")?,
        })
    }

    fn decode(self) -> Result<JournalRow, StoreError> {
        let operation: Operation = decode_json(&self.operation, "operation")?;
        let refs: ResolvedRefs = decode_json(&self.refs, "refs")?;
        let row_state = RowState::parse(&self.state)?;
        let state = match (&self.outcome, row_state) {
            (Some(outcome), RowState::Done | RowState::Undone | RowState::UndoFailed) => {
                JournalState::Done(decode_json::<ExecutionOutcome>(outcome, "outcome")?)
            }
            _ => JournalState::Intent,
        };
        Ok(JournalRow {
            entry: JournalEntry {
                sequence: u64::try_from(self.seq).unwrap_or_default(),
                operation,
                refs,
                state,
            },
            row_state,
            run_id: self.run_id,
            detail: self.detail,
        })
    }
}

fn decode_json<T: serde::de::DeserializeOwned>(text: &str, what: &str) -> Result<T, StoreError> {
    serde_json::from_str(text)
        .map_err(|error| StoreError::Malformed(format!("journal {what} unreadable: {error}")))
}

fn encode_json<T: serde::Serialize>(value: &T) -> Result<String, StoreError> {
    serde_json::to_string(value).map_err(|error| StoreError::Malformed(error.to_string()))
}

const COLUMNS: &str = "seq, run_id, operation, refs, state, outcome, detail";

impl Store {
    /// Journals the intent to run `operation`; returns its sequence number.
    pub fn journal_intent(
        &self,
        operation: &Operation,
        refs: &ResolvedRefs,
    ) -> Result<u64, StoreError> {
        let conn = self.conn();
        conn.prepare_cached(
            "INSERT INTO journal (run_id, mark, phase, operation, refs, state, intent_at)
             VALUES (?1, ?2, ?3, ?4, ?5, 'intent', ?6)",
        )?
        .execute((
            self.current_run(),
            operation.mark.as_str(),
            format!("{:?}", operation.phase),
            encode_json(operation)?,
            encode_json(refs)?,
            now(),
        ))?;
        Ok(u64::try_from(conn.last_insert_rowid()).unwrap_or_default())
    }

    /// Journals an operation as done, with what it did.
    pub fn journal_done(
        &self,
        sequence: u64,
        outcome: &ExecutionOutcome,
    ) -> Result<(), StoreError> {
        self.settle(sequence, RowState::Done, Some(&encode_json(outcome)?), None)
    }

    /// Journals that a rollback undid an entry (or could not, with the reason).
    pub fn journal_undo(
        &self,
        sequence: u64,
        undone: bool,
        detail: Option<&str>,
    ) -> Result<(), StoreError> {
        let state = if undone {
            RowState::Undone
        } else {
            RowState::UndoFailed
        };
        self.settle(sequence, state, None, detail)
    }

    fn settle(
        &self,
        sequence: u64,
        state: RowState,
        outcome: Option<&str>,
        detail: Option<&str>,
    ) -> Result<(), StoreError> {
        settle_row(&self.conn(), sequence, state, outcome, detail)
    }

    /// Links the created record to its key and journals its operation done, in one
    /// transaction: one commit instead of two, and never one without the other.
    pub fn journal_done_creating(
        &self,
        key: &RecordKey,
        destination: &DestinationRef,
        sequence: u64,
        outcome: &ExecutionOutcome,
    ) -> Result<(), StoreError> {
        let outcome = encode_json(outcome)?;
        let run = self.current_run();
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        put_id(&tx, run, key, destination)?;
        settle_row(&tx, sequence, RowState::Done, Some(&outcome), None)?;
        tx.commit()?;
        Ok(())
    }

    /// The outcome of the latest entry with this mark whose write exists (done, or a failed
    /// undo); undone entries do not count.
    pub fn journal_completed(&self, mark: &str) -> Result<Option<ExecutionOutcome>, StoreError> {
        let outcome: Option<String> = self.query_one(
                "SELECT outcome FROM journal WHERE mark = ?1 AND state IN ('done', 'undo_failed') ORDER BY seq DESC LIMIT 1",
                [mark],
                |row| row.get(0),
            )?;
        outcome
            .map(|text| decode_json(&text, "outcome"))
            .transpose()
    }

    /// Every row of the journal, oldest first.
    pub fn journal_rows(&self) -> Result<Vec<JournalRow>, StoreError> {
        self.journal_query("ORDER BY seq", [])
    }

    /// At most `limit` live rows after sequence `after`, oldest first: the journal a page at a
    /// time, so reading it costs the same memory for a million records as for ten.
    pub fn journal_live_page(&self, after: u64, limit: u32) -> Result<Vec<JournalRow>, StoreError> {
        self.journal_query(
            "WHERE state IN ('intent', 'done', 'undo_failed') AND seq > ?1 ORDER BY seq LIMIT ?2",
            rusqlite::params![after as i64, limit],
        )
    }

    /// Every write left as an intent (outcome unknown), oldest first.
    pub fn journal_unsettled(&self) -> Result<Vec<JournalRow>, StoreError> {
        self.journal_query("WHERE state = 'intent' ORDER BY seq", [])
    }

    /// Number of journal rows per state.
    pub fn journal_counts(&self) -> Result<Vec<(RowState, i64)>, StoreError> {
        let raw: Vec<(String, i64)> = {
            let conn = self.conn();
            let mut statement =
                conn.prepare("SELECT state, count(*) FROM journal GROUP BY state ORDER BY state")?;
            let rows = statement.query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?;
            rows.collect::<Result<_, _>>()?
        };
        raw.into_iter()
            .map(|(state, count)| Ok((RowState::parse(&state)?, count)))
            .collect()
    }

    fn journal_query<P: rusqlite::Params>(
        &self,
        clause: &str,
        params: P,
    ) -> Result<Vec<JournalRow>, StoreError> {
        let raw: Vec<RawRow> = {
            let conn = self.conn();
            let mut statement = conn.prepare(&format!("SELECT {COLUMNS} FROM journal {clause}"))?;
            let rows = statement.query_map(params, RawRow::read)?;
            rows.collect::<Result<_, _>>()?
        };
        raw.into_iter().map(RawRow::decode).collect()
    }
}

/// Moves a journal row to `state` on `conn` (alone or inside a caller's transaction).
fn settle_row(
    conn: &Connection,
    sequence: u64,
    state: RowState,
    outcome: Option<&str>,
    detail: Option<&str>,
) -> Result<(), StoreError> {
    let changed = conn
        .prepare_cached(
            "UPDATE journal SET state = ?2, outcome = COALESCE(?3, outcome), detail = ?4, done_at = ?5
             WHERE seq = ?1",
        )?
        .execute((sequence as i64, state.as_str(), outcome, detail, now()))?;
    if changed == 0 {
        return Err(StoreError::Malformed(format!(
            "no journal entry {sequence}"
        )));
    }
    Ok(())
}
