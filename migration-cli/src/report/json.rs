//! The report as JSON: the document itself, pretty-printed, for scripts and for merging
//! later sections into an earlier report.

use super::model::MigrationReport;

/// The report as pretty-printed JSON.
pub fn to_json(report: &MigrationReport) -> serde_json::Result<String> {
    serde_json::to_string_pretty(report)
}

/// Reads a report written by [`to_json`].
pub fn from_json(text: &str) -> serde_json::Result<MigrationReport> {
    serde_json::from_str(text)
}
