//! The disk filling up under the state database: the real binary runs with a file-size limit
//! (`RLIMIT_FSIZE`, with `SIGXFSZ` ignored so that writes past it fail with `EFBIG` as on a full
//! disk instead of killing the process). It must stop cleanly with a clear message and a
//! documented exit code, and a later run without the limit must finish with the workspace of an
//! undisturbed run.

#![cfg(unix)]

use std::os::unix::process::CommandExt as _;

use migration_cli::error::EXIT_FAILED;

use crate::common::binary::{self, BinaryWorld, Template};
use crate::common::compare::{assert_same, Snapshot};

const MIGRATE: &[&str] = &["migrate", "--yes", "--continue-on-mismatch"];
const RUN_DONE: &[i32] = &[0, 6];

/// Largest file the limited run may write: above the confirmed project's database, below what
/// a full migration journals, so the limit is hit mid-run.
const FILE_SIZE_LIMIT: u64 = 384 * 1024;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_disk_stops_the_run_cleanly_and_a_later_run_completes() {
    let template = Template::confirmed().await;
    let reference = BinaryWorld::start(&template).await;
    reference.run_expecting(MIGRATE, RUN_DONE).await;
    let expected = Snapshot::of(&reference.intercom.workspace());
    let database = reference
        .state_dir()
        .join(migration_cli::store::DATABASE_FILE);
    let full_size = std::fs::metadata(&database).unwrap().len()
        + std::fs::metadata(database.with_extension("sqlite-wal"))
            .map(|wal| wal.len())
            .unwrap_or(0);
    assert!(
        full_size > FILE_SIZE_LIMIT,
        "the state of a full run ({full_size} bytes) must outgrow the limit"
    );

    let world = BinaryWorld::start(&template).await;
    let mut command = world.command(MIGRATE);
    // SAFETY: only async-signal-safe libc calls between fork and exec.
    unsafe {
        command.as_std_mut().pre_exec(|| {
            if libc::signal(libc::SIGXFSZ, libc::SIG_IGN) == libc::SIG_ERR {
                return Err(std::io::Error::last_os_error());
            }
            let limit = libc::rlimit {
                rlim_cur: FILE_SIZE_LIMIT as libc::rlim_t,
                rlim_max: FILE_SIZE_LIMIT as libc::rlim_t,
            };
            if libc::setrlimit(libc::RLIMIT_FSIZE, &limit) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let limited = binary::finish(command.spawn().unwrap(), MIGRATE).await;
    let says = format!("{}{}", limited.stdout, limited.stderr);
    assert_eq!(
        limited.code(),
        EXIT_FAILED,
        "the limited run must stop with the documented 'failed, re-run' code: {says}"
    );
    assert!(
        !says.contains("panicked"),
        "the limited run panicked: {says}"
    );
    let message = limited.json()["error"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(
        message.contains("disk") && message.contains("run the same command again"),
        "the message must say the disk is full and how to resume: {message}"
    );
    let partial = Snapshot::of(&world.intercom.workspace());
    assert!(
        !partial.is_empty() && partial.len() < expected.len(),
        "the limit must be hit mid-run ({} of {} records written)",
        partial.len(),
        expected.len()
    );

    world.run_expecting(MIGRATE, RUN_DONE).await;
    let found = Snapshot::of(&world.intercom.workspace());
    let difference = assert_same("resumed after a full disk", &found, &expected);
    println!(
        "disk full: stopped with exit {} after {} of {} records; resumed: {} compared, {} duplicates, {} missing; message: {message}",
        limited.code(),
        partial.len(),
        expected.len(),
        difference.compared,
        difference.duplicates,
        difference.missing
    );
}
