//! The project's state: an SQLite database (WAL mode) in the state folder, holding the confirmed
//! mapping's hash, the ID map, the write journal with before-images, per-record status, attachment
//! checksums and run watermarks.
//!
//! Every write to Intercom is journalled as an *intent* before it is sent and marked *done* after,
//! each in its own committed transaction, so a crash at any instant leaves a journal from which
//! the next run knows exactly which writes may need reconciling.

mod journal;
mod port;
mod records;
mod runs;
mod schema;

use std::fs::{File, OpenOptions};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Mutex, MutexGuard};

use migration_core::spec::SpecHash;
use rusqlite::{Connection, OpenFlags, OptionalExtension, Params, Row};

use crate::private_files::{create_private_dir_all, open_private, set_owner_only};

pub use journal::{JournalRow, RowState};
pub use records::{status_name, Milestone, StoredStatus, OPEN_TICKETS_MOVED};
pub use runs::{RunEnd, RunId, RunInfo, RunKind};
pub use schema::SCHEMA_VERSION;

/// File name of the database inside the state folder.
pub const DATABASE_FILE: &str = "state.sqlite";
/// File name of the lock that keeps a second run out.
pub const LOCK_FILE: &str = "state.lock";

/// Why the state store refused or failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The state folder holds no state database yet.
    #[error("no migration state in {0} yet: no migration, sample or dry run has started in this project (`discover` and `plan` write only to reports/)")]
    NoState(PathBuf),
    /// Another run holds the state folder.
    #[error("the state folder {0} is in use by another run; wait for it to finish (or stop it) and try again")]
    Locked(PathBuf),
    /// The database was written by a newer version of the tool.
    #[error("the state database has schema version {found}, newer than this tool supports ({supported}); upgrade vivantio2intercom — the file was left untouched")]
    NewerSchema {
        /// Version found in the file.
        found: i64,
        /// Newest version this build knows.
        supported: i64,
    },
    /// The file is not a database this tool can read.
    #[error("the state database {path} is corrupt or not a vivantio2intercom state file ({detail}); it was left untouched — restore it from a backup or move it away to start afresh")]
    Corrupt {
        /// The database file.
        path: PathBuf,
        /// What SQLite said.
        detail: String,
    },
    /// The disk is full; the last write was not recorded and the run stopped cleanly.
    #[error("the disk holding the state database is full; free some space and run the same command again to resume")]
    DiskFull,
    /// Writing to the database file failed at the operating system (no space, a file-size
    /// quota, a failing disk); the transaction was rolled back and the run stopped cleanly.
    #[error("cannot write the state database ({detail}): the disk may be full or a size quota reached; nothing recorded was lost — free some space and run the same command again to resume")]
    Unwritable {
        /// What SQLite said.
        detail: String,
    },
    /// Creating the folder or lock file failed.
    #[error("cannot prepare the state folder {path}: {source}")]
    Io {
        /// The path involved.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// A stored value could not be read back.
    #[error("state database holds an unreadable value: {0}")]
    Malformed(String),
    /// Any other SQLite failure.
    #[error("state database error: {0}")]
    Sqlite(rusqlite::Error),
}

/// Extended SQLite codes of a write the operating system refused (`EFBIG` past a file-size
/// limit surfaces as a failed write, not as `SQLITE_FULL`, which only `ENOSPC` gives).
const WRITE_REFUSED: [std::ffi::c_int; 4] = [
    rusqlite::ffi::SQLITE_IOERR_WRITE,
    rusqlite::ffi::SQLITE_IOERR_FSYNC,
    rusqlite::ffi::SQLITE_IOERR_TRUNCATE,
    rusqlite::ffi::SQLITE_IOERR_SHMSIZE,
];

impl From<rusqlite::Error> for StoreError {
    fn from(error: rusqlite::Error) -> Self {
        match &error {
            rusqlite::Error::SqliteFailure(failure, _)
                if failure.code == rusqlite::ErrorCode::DiskFull =>
            {
                StoreError::DiskFull
            }
            rusqlite::Error::SqliteFailure(failure, _)
                if WRITE_REFUSED.contains(&failure.extended_code) =>
            {
                StoreError::Unwritable {
                    detail: error.to_string(),
                }
            }
            _ => StoreError::Sqlite(error),
        }
    }
}

/// Distinct statements kept prepared: every statement the store runs fits.
const STATEMENT_CACHE: usize = 64;

/// The open state store. One per state folder at a time: opening takes an exclusive lock that the
/// operating system releases if the process dies, so a crashed run never blocks the next one.
#[derive(Debug)]
pub struct Store {
    conn: Mutex<Connection>,
    path: PathBuf,
    // 0 until a run begins: journal rows written outside a run (rare) carry no run id.
    current_run: AtomicI64,
    // Held for its lock; released when the store is dropped. A read-only store holds none.
    _lock: Option<File>,
}

impl Store {
    /// Opens (creating and migrating if needed) the state database in `dir`.
    pub fn open(dir: &Path) -> Result<Self, StoreError> {
        create_private_dir(dir)?;
        let lock = open_lock(dir)?;
        let path = dir.join(DATABASE_FILE);
        let existed = path.exists();
        if !existed {
            create_private_file(&path)?;
        }
        let corrupt = |error: rusqlite::Error| StoreError::Corrupt {
            path: path.clone(),
            detail: error.to_string(),
        };
        let mut conn = Connection::open_with_flags(
            &path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(corrupt)?;
        conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
        // Reading the schema first proves the file is a database before anything is written.
        let check: Result<String, _> = conn.query_row("PRAGMA quick_check", [], |row| row.get(0));
        match check {
            Ok(result) if result == "ok" => {}
            Ok(result) => {
                return Err(StoreError::Corrupt {
                    path,
                    detail: result,
                })
            }
            Err(error) => return Err(corrupt(error)),
        }
        if existed {
            verify_application(&conn, &path)?;
        }
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.pragma_update(None, "foreign_keys", true)?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        schema::migrate(&mut conn)?;
        conn.execute(
            "INSERT OR IGNORE INTO meta (key, value) VALUES ('application', 'vivantio2intercom')",
            [],
        )?;
        Ok(Self {
            conn: Mutex::new(conn),
            path,
            current_run: AtomicI64::new(0),
            _lock: Some(lock),
        })
    }

    /// Opens the state database of `dir` for reading only, beside a run that may hold it:
    /// WAL mode lets readers see every committed transaction while the run writes. Takes no
    /// lock and writes nothing (a database from an older tool is first brought up to date,
    /// which needs the lock).
    pub fn open_read_only(dir: &Path) -> Result<Self, StoreError> {
        let path = dir.join(DATABASE_FILE);
        if !path.exists() {
            return Err(StoreError::NoState(dir.to_path_buf()));
        }
        let corrupt = |error: rusqlite::Error| StoreError::Corrupt {
            path: path.clone(),
            detail: error.to_string(),
        };
        let conn = Connection::open_with_flags(
            &path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(corrupt)?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
        let version: i64 = conn
            .query_row("PRAGMA user_version", [], |row| row.get(0))
            .map_err(corrupt)?;
        if version > SCHEMA_VERSION {
            return Err(StoreError::NewerSchema {
                found: version,
                supported: SCHEMA_VERSION,
            });
        }
        if version < SCHEMA_VERSION {
            drop(conn);
            return Self::open(dir);
        }
        verify_application(&conn, &path)?;
        Ok(Self {
            conn: Mutex::new(conn),
            path,
            current_run: AtomicI64::new(0),
            _lock: None,
        })
    }

    /// Path of the database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn conn(&self) -> MutexGuard<'_, Connection> {
        // A panic while holding the lock cannot leave SQLite inconsistent (transactions roll
        // back), so a poisoned mutex is safe to reuse.
        self.conn
            .lock()
            .unwrap_or_else(|poison| poison.into_inner())
    }

    /// Runs one statement through the connection's statement cache: parsing the SQL again
    /// for every write was a tenth of the tool's CPU at a thousand writes a second.
    fn execute(&self, sql: &str, params: impl Params) -> Result<usize, StoreError> {
        Ok(self.conn().prepare_cached(sql)?.execute(params)?)
    }

    /// The first row of a query, if there is one, through the statement cache.
    fn query_one<T>(
        &self,
        sql: &str,
        params: impl Params,
        map: impl FnOnce(&Row<'_>) -> rusqlite::Result<T>,
    ) -> Result<Option<T>, StoreError> {
        Ok(self
            .conn()
            .prepare_cached(sql)?
            .query_row(params, map)
            .optional()?)
    }

    fn current_run(&self) -> Option<i64> {
        Some(self.current_run.load(Ordering::Relaxed)).filter(|run| *run > 0)
    }

    fn set_current_run(&self, run: i64) {
        self.current_run.store(run, Ordering::Relaxed);
    }

    /// Reads a free-form setting kept in the database.
    pub fn meta(&self, key: &str) -> Result<Option<String>, StoreError> {
        self.query_one("SELECT value FROM meta WHERE key = ?1", [key], |row| {
            row.get(0)
        })
    }

    /// Writes a free-form setting kept in the database.
    pub fn set_meta(&self, key: &str, value: &str) -> Result<(), StoreError> {
        self.execute(
            "INSERT INTO meta (key, value) VALUES (?1, ?2)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (key, value),
        )?;
        Ok(())
    }

    /// Records the person's approval of a mapping with this content hash.
    pub fn confirm_mapping(&self, hash: &SpecHash, content: &str) -> Result<(), StoreError> {
        self.execute(
            "INSERT OR REPLACE INTO mapping_confirmations (hash, confirmed_at, content) VALUES (?1, ?2, ?3)",
            (hash.as_str(), now(), content),
        )?;
        Ok(())
    }

    /// Whether a mapping with this hash was confirmed.
    pub fn is_mapping_confirmed(&self, hash: &SpecHash) -> Result<bool, StoreError> {
        Ok(self
            .query_one(
                "SELECT 1 FROM mapping_confirmations WHERE hash = ?1",
                [hash.as_str()],
                |_| Ok(()),
            )?
            .is_some())
    }

    /// Reads a watermark (for example the instant the last delta started).
    pub fn watermark(&self, scope: &str) -> Result<Option<String>, StoreError> {
        self.query_one(
            "SELECT value FROM watermarks WHERE scope = ?1",
            [scope],
            |row| row.get(0),
        )
    }

    /// Sets a watermark.
    pub fn set_watermark(&self, scope: &str, value: &str) -> Result<(), StoreError> {
        self.execute(
            "INSERT INTO watermarks (scope, value) VALUES (?1, ?2)
             ON CONFLICT (scope) DO UPDATE SET value = excluded.value",
            (scope, value),
        )?;
        Ok(())
    }
}

/// The current instant as RFC 3339 UTC text (the store's only time format).
fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

fn verify_application(conn: &Connection, path: &Path) -> Result<(), StoreError> {
    let version: i64 = conn.query_row("PRAGMA user_version", [], |row| row.get(0))?;
    if version == 0 {
        let tables: i64 =
            conn.query_row("SELECT count(*) FROM sqlite_master", [], |row| row.get(0))?;
        if tables > 0 {
            return Err(StoreError::Corrupt {
                path: path.to_path_buf(),
                detail: "a database, but not one written by vivantio2intercom".into(),
            });
        }
    }
    Ok(())
}

/// Whether a run holds the state folder `dir` now (its lock is taken).
pub fn in_use(dir: &Path) -> bool {
    match open_lock(dir) {
        Ok(lock) => {
            drop(lock);
            false
        }
        Err(StoreError::Locked(_)) => true,
        Err(_) => false,
    }
}

fn open_lock(dir: &Path) -> Result<File, StoreError> {
    let path = dir.join(LOCK_FILE);
    let file = open_private(
        &path,
        OpenOptions::new().create(true).truncate(false).write(true),
    )
    .map_err(|source| StoreError::Io {
        path: path.clone(),
        source,
    })?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(std::fs::TryLockError::WouldBlock) => Err(StoreError::Locked(dir.to_path_buf())),
        Err(std::fs::TryLockError::Error(source)) => Err(StoreError::Io { path, source }),
    }
}

/// Creates the state folder if needed and makes it owner-only, also when it already existed
/// (state holds customer data).
fn create_private_dir(dir: &Path) -> Result<(), StoreError> {
    let io = |source| StoreError::Io {
        path: dir.to_path_buf(),
        source,
    };
    create_private_dir_all(dir).map_err(io)?;
    set_owner_only(dir).map_err(io)
}

/// Creates the database file owner-only whatever the umask.
fn create_private_file(path: &Path) -> Result<(), StoreError> {
    let io = |source| StoreError::Io {
        path: path.to_path_buf(),
        source,
    };
    open_private(
        path,
        OpenOptions::new().create(true).truncate(false).write(true),
    )
    .map_err(io)?;
    set_owner_only(path).map_err(io)
}
