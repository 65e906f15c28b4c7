//! How the Vivantio source reads: parallelism, the admin inventory file, origin names.

use std::collections::BTreeMap;
use std::path::PathBuf;

/// Settings of a [`VivantioSource`](super::VivantioSource).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VivantioSourceOptions {
    /// Records whose details (history, attachments, links, forms, SLA stages) are read at the
    /// same time (default 4). Output order is kept whatever the value; memory grows with it.
    /// The client's rate limiter still caps the requests actually in flight.
    pub record_concurrency: usize,
    /// The admin inventory file (`inventory.json`); `None`: no inventory, and none is invented.
    pub inventory_path: Option<PathBuf>,
    /// Names of `CallOrigin` codes, which are tenant-specific and not served by the API.
    pub origin_names: BTreeMap<i64, String>,
    /// Whether [`schema`](migration_core::ports::Source::schema) reads every ticket record (the
    /// records only, not their details) to list the origin codes in use (default `true`).
    /// Without it, only the codes in [`origin_names`](Self::origin_names) are listed.
    pub scan_ticket_origins: bool,
    /// Largest attachment downloaded, in bytes; a larger one is refused before it is read
    /// whole (`None`: no bound).
    pub max_attachment_bytes: Option<u64>,
    /// Whether the caller and organisation streams are checked, at their end, against the
    /// tenant's OData count (asked once per stream, before its first record): fewer records
    /// than counted fail the stream (records would be lost), more are a warning, no feed (no
    /// tenant URL, or HTTP 404) skips the check (default `true`).
    pub odata_reconcile: bool,
}

impl Default for VivantioSourceOptions {
    fn default() -> Self {
        Self {
            record_concurrency: 4,
            inventory_path: None,
            origin_names: BTreeMap::new(),
            scan_ticket_origins: true,
            max_attachment_bytes: None,
            odata_reconcile: true,
        }
    }
}

impl VivantioSourceOptions {
    /// The concurrency actually used: at least one.
    pub(crate) fn concurrency(&self) -> usize {
        self.record_concurrency.max(1)
    }
}
