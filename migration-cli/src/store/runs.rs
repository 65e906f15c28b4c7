//! Runs of the tool: what each one did, with which mapping, and how it ended.

use std::fmt;

use migration_core::engine::{RunMode, RunOutcome};
use migration_core::spec::SpecHash;
use rusqlite::types::{FromSql, FromSqlError, FromSqlResult, ToSql, ToSqlOutput, ValueRef};
use serde::{Deserialize, Serialize};

use super::{now, Store, StoreError};

/// The number of a run in the state store.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct RunId(i64);

impl RunId {
    /// The number as stored.
    pub fn get(self) -> i64 {
        self.0
    }
}

impl From<i64> for RunId {
    fn from(number: i64) -> Self {
        Self(number)
    }
}

impl fmt::Display for RunId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl ToSql for RunId {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        self.0.to_sql()
    }
}

impl FromSql for RunId {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        i64::column_result(value).map(Self)
    }
}

/// Declares a closed set of names kept in a text column, with their text and their parsing.
macro_rules! stored_names {
    ($(#[$meta:meta])* $name:ident { $($(#[$variant_meta:meta])* $variant:ident = $text:literal,)+ }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name {
            $($(#[$variant_meta])* $variant,)+
        }

        impl $name {
            /// The name as stored and printed.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Self::$variant => $text,)+
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ToSql for $name {
            fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
                Ok(ToSqlOutput::from(self.as_str()))
            }
        }

        impl FromSql for $name {
            fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
                // A name this build does not know is a newer tool's database: refused, never
                // read as something else.
                match value.as_str()? {
                    $($text => Ok(Self::$variant),)+
                    other => Err(FromSqlError::Other(
                        format!("unknown {} {other:?}", stringify!($name)).into(),
                    )),
                }
            }
        }
    };
}

stored_names! {
    /// What a run did.
    RunKind {
        /// Moved a sample of tickets and what they need.
        Sample = "sample",
        /// Moved everything in scope.
        Full = "full",
        /// Moved what changed since the last run.
        Delta = "delta",
        /// Undid what earlier runs wrote.
        Rollback = "rollback",
    }
}

stored_names! {
    /// How a run ended.
    RunEnd {
        /// Everything it set out to do was done.
        Completed = "completed",
        /// A stage's count did not match the source, and the run stopped there.
        StoppedOnMismatch = "stopped_on_mismatch",
        /// It was stopped (Ctrl-C, a signal) and can be resumed.
        Interrupted = "interrupted",
        /// A rollback that could not undo everything.
        Incomplete = "incomplete",
        /// It failed (see the run's error).
        Failed = "failed",
    }
}

impl From<RunMode> for RunKind {
    fn from(mode: RunMode) -> Self {
        match mode {
            RunMode::Sample { .. } => Self::Sample,
            RunMode::Full => Self::Full,
            RunMode::Delta => Self::Delta,
        }
    }
}

impl From<&RunOutcome> for RunEnd {
    fn from(outcome: &RunOutcome) -> Self {
        match outcome {
            RunOutcome::Completed => Self::Completed,
            RunOutcome::StoppedOnMismatch { .. } => Self::StoppedOnMismatch,
            RunOutcome::Interrupted => Self::Interrupted,
        }
    }
}

/// One run of the tool.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunInfo {
    /// Run number.
    pub id: RunId,
    /// What it did.
    pub mode: RunKind,
    /// Hash of the mapping it ran with.
    pub mapping_hash: Option<SpecHash>,
    /// Start, RFC 3339.
    pub started_at: String,
    /// End, RFC 3339, if it ended.
    pub finished_at: Option<String>,
    /// How it ended, if it did.
    pub outcome: Option<RunEnd>,
    /// Why it failed, when it did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// The rollback run that undid it, when one did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rolled_back_by: Option<RunId>,
}

impl RunInfo {
    /// Whether a completed rollback undid this run: nothing it wrote is left in Intercom.
    pub fn is_rolled_back(&self) -> bool {
        self.rolled_back_by.is_some()
    }
}

impl Store {
    /// Starts a run; later journal rows belong to it.
    pub fn begin_run(
        &self,
        kind: RunKind,
        mapping: Option<&SpecHash>,
    ) -> Result<RunId, StoreError> {
        let id = {
            let conn = self.conn();
            conn.prepare_cached(
                "INSERT INTO runs (mode, mapping_hash, started_at) VALUES (?1, ?2, ?3)",
            )?
            .execute((kind, mapping.map(SpecHash::as_str), now()))?;
            conn.last_insert_rowid()
        };
        self.set_current_run(id);
        Ok(RunId(id))
    }

    /// Ends a run.
    pub fn finish_run(&self, run: RunId, end: RunEnd) -> Result<(), StoreError> {
        self.execute(
            "UPDATE runs SET finished_at = ?2, outcome = ?3 WHERE id = ?1",
            (run, now(), end),
        )?;
        Ok(())
    }

    /// Ends a run that failed, keeping why (already redacted by the caller).
    pub fn fail_run(&self, run: RunId, error: &str) -> Result<(), StoreError> {
        self.execute(
            "UPDATE runs SET finished_at = ?2, outcome = ?3, error = ?4 WHERE id = ?1",
            (run, now(), RunEnd::Failed, error),
        )?;
        Ok(())
    }

    /// After rollback run `rollback` undid everything the journal held: marks every earlier
    /// run as rolled back and forgets the statuses of their records (none of them is in
    /// Intercom any more), in one transaction.
    pub fn mark_rolled_back(&self, rollback: RunId) -> Result<(), StoreError> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        tx.execute(
            "UPDATE runs SET rolled_back_by = ?1
             WHERE id < ?1 AND mode != ?2 AND rolled_back_by IS NULL",
            (rollback, RunKind::Rollback),
        )?;
        tx.execute("DELETE FROM record_status", [])?;
        tx.execute("DELETE FROM milestones", [])?;
        tx.commit()?;
        Ok(())
    }

    /// Every run, oldest first.
    pub fn runs(&self) -> Result<Vec<RunInfo>, StoreError> {
        let conn = self.conn();
        let mut statement = conn.prepare(
            "SELECT id, mode, mapping_hash, started_at, finished_at, outcome, error, rolled_back_by
             FROM runs ORDER BY id",
        )?;
        let rows = statement.query_map([], |row| {
            Ok(RunInfo {
                id: row.get(0)?,
                mode: row.get(1)?,
                mapping_hash: row.get::<_, Option<String>>(2)?.map(SpecHash::from_stored),
                started_at: row.get(3)?,
                finished_at: row.get(4)?,
                outcome: row.get(5)?,
                error: row.get(6)?,
                rolled_back_by: row.get(7)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_read_back_as_written_and_unknown_ones_are_refused() {
        for kind in [
            RunKind::Sample,
            RunKind::Full,
            RunKind::Delta,
            RunKind::Rollback,
        ] {
            let value = ValueRef::Text(kind.as_str().as_bytes());
            assert_eq!(RunKind::column_result(value).ok(), Some(kind));
        }
        for end in [
            RunEnd::Completed,
            RunEnd::StoppedOnMismatch,
            RunEnd::Interrupted,
            RunEnd::Incomplete,
            RunEnd::Failed,
        ] {
            let value = ValueRef::Text(end.as_str().as_bytes());
            assert_eq!(RunEnd::column_result(value).ok(), Some(end));
        }
        assert!(RunEnd::column_result(ValueRef::Text(b"finished")).is_err());
    }

    #[test]
    fn a_run_is_kept_with_its_kind_mapping_and_end() {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let store = Store::open(dir.path()).expect("a new store");
        let mapping = SpecHash::from_stored("sha256:abc");
        let sample = store
            .begin_run(RunKind::Sample, Some(&mapping))
            .expect("begun");
        store
            .finish_run(sample, RunEnd::Completed)
            .expect("finished");
        let rollback = store.begin_run(RunKind::Rollback, None).expect("begun");
        store
            .fail_run(rollback, "Intercom refused")
            .expect("failed");
        store.mark_rolled_back(rollback).expect("marked");
        let runs = store.runs().expect("listed");
        assert_eq!(runs.len(), 2);
        assert_eq!(runs[0].mode, RunKind::Sample);
        assert_eq!(runs[0].mapping_hash.as_ref(), Some(&mapping));
        assert_eq!(runs[0].outcome, Some(RunEnd::Completed));
        assert_eq!(runs[0].rolled_back_by, Some(rollback));
        assert_eq!(runs[1].outcome, Some(RunEnd::Failed));
        assert_eq!(runs[1].error.as_deref(), Some("Intercom refused"));
        assert!(!runs[1].is_rolled_back());
    }
}
