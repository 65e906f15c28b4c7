//! `verify`: re-reads what was written and compares it field by field with the mapping.

use migration_core::engine::{VerifyOptions, VerifyReport, VerifySelection};

use super::{confirmed_spec, engine, engine_failure, Outcome};
use crate::error::{CliError, EXIT_DIFFERENCES};
use crate::progress::Progress;
use crate::project::Project;

/// The records `verify` compares: `--sample N` of each kind, `--percent P` of every kind, or
/// everything.
pub fn selection(sample: Option<u64>, percent: Option<u8>, seed: u64) -> VerifySelection {
    match (sample, percent) {
        (Some(records), _) => VerifySelection::PerKind {
            records: usize::try_from(records).unwrap_or(usize::MAX),
            seed,
        },
        (None, Some(percent)) => VerifySelection::Percent { percent, seed },
        (None, None) => VerifySelection::All,
    }
}

/// Verifies the records `selection` picks.
pub async fn run(
    project: &Project,
    selection: VerifySelection,
    progress: &Progress,
) -> Result<Outcome, CliError> {
    let source = project.source()?;
    let destination = project.destination()?;
    let spec = confirmed_spec(project, &source, &destination).await?;
    let store = project.open_store()?;
    let options = VerifyOptions {
        selection,
        // Intercom does not expose the checksum of an uploaded file; checksums are recorded at
        // upload time and compared in the simulator tests instead.
        attachment_checksums: false,
    };
    let engine = engine(
        project,
        &source,
        &destination,
        &store,
        progress.observer(),
        false,
    );
    let report = engine
        .verify(&spec, &options)
        .await
        .map_err(engine_failure)?;
    progress.finish();
    crate::history::save_verify(&project.state_dir(), &report)?;
    let checked: u64 = report.objects.values().map(|counts| counts.checked).sum();
    let mut lines = vec![format!(
        "verified {checked} records: {} differences",
        report.differences.len()
    )];
    for difference in report.differences.iter().take(20) {
        lines.push(format!(
            "  {} {}: expected {} found {}",
            difference.key,
            difference.field,
            difference.expected,
            difference
                .found
                .as_ref()
                .map_or_else(|| "nothing".to_string(), ToString::to_string)
        ));
    }
    if report.differences.len() > 20 {
        lines.push(format!(
            "  … and {} more in the report",
            report.differences.len() - 20
        ));
    }
    lines.extend(unreadable_lines(&report));
    lines.extend(crate::automation::verify_lines(&report));
    let outcome = Outcome::ok(lines.join("\n"), &report);
    Ok(
        if report.differences.is_empty() && report.foreign_parts.is_empty() {
            outcome
        } else {
            outcome.with_exit(EXIT_DIFFERENCES)
        },
    )
}

/// Threads whose oldest parts Intercom does not return (it shows the 500 most recent): a total,
/// then up to 20 threads. They were not compared and are not differences.
fn unreadable_lines(report: &VerifyReport) -> Vec<String> {
    let total = report.unreadable_part_count();
    if total == 0 {
        return Vec::new();
    }
    let threads = match report.unreadable_parts.len() {
        1 => "1 conversation or ticket".to_string(),
        many => format!("{many} conversations or tickets"),
    };
    let mut lines = vec![format!(
        "{total} parts not readable through the API, in {threads} (Intercom returns only the 500 most recent parts of each; they are not compared and are not differences)"
    )];
    for thread in report.unreadable_parts.iter().take(20) {
        lines.push(format!(
            "  {} (id {}): {} parts not readable through the API",
            thread.key, thread.destination_id, thread.parts
        ));
    }
    if report.unreadable_parts.len() > 20 {
        lines.push(format!(
            "  … and {} more threads in the report",
            report.unreadable_parts.len() - 20
        ));
    }
    lines
}
