//! `migrate` and `delta`: load into Intercom, exactly once, resumable.

use migration_core::engine::{RunMode, RunOutcome, RunReport};
use migration_core::model::source::WireReport;
use migration_core::ports::{Source, StateStore};
use migration_core::spec::MappingSpec;

use super::report::{read_optional, WIRE_FILE};
use super::{confirmed_spec, engine, engine_failure, port_failure, Outcome};
use crate::error::{CliError, EXIT_PARTIAL, EXIT_REFUSED};
use crate::progress::Progress;
use crate::project::Project;

/// Runs the engine in `mode` (or computes it with `dry_run`) and records the run in the store.
pub async fn run(
    project: &Project,
    mode: RunMode,
    dry_run: bool,
    continue_on_mismatch: bool,
    progress: &Progress,
) -> Result<Outcome, CliError> {
    run_accepting(
        project,
        mode,
        dry_run,
        continue_on_mismatch,
        false,
        progress,
    )
    .await
}

/// [`run`]; with `accept_automation` (`--accept-automation`), a full run also starts when the
/// last `verify` found parts Intercom's own automation added to migrated threads.
pub async fn run_accepting(
    project: &Project,
    mode: RunMode,
    dry_run: bool,
    continue_on_mismatch: bool,
    accept_automation: bool,
    progress: &Progress,
) -> Result<Outcome, CliError> {
    let source = project.source()?;
    let destination = project.destination()?;
    let spec = confirmed_spec(project, &source, &destination).await?;
    refuse_unacknowledged_wire_findings(project, &source, spec.spec())?;
    let accepted = match mode {
        RunMode::Full => crate::automation::check_before_full_run(project, accept_automation)?,
        _ => None,
    };
    let store = project.open_store()?;
    let destination = destination.with_created_after(first_run_started(&store)?);
    let hash = spec.hash();
    if !store.is_mapping_confirmed(hash.as_str())? {
        return Err(CliError::Refused(
            "this mapping was never confirmed in this project's state; run `vivantio2intercom confirm`".into(),
        ));
    }
    // The store keeps the mapping without its scope: widening or narrowing the scope between
    // runs mixes no two mappings.
    let mapping = spec.mapping_hash();
    if let Some(previous) = store.confirmed_hash().await.map_err(port_failure)? {
        // Once a rollback has undone every write, nothing of the old mapping is left to mix
        // with: the rehearsal loop (sample, edit, confirm, rollback, sample) goes on.
        let writes_left = !store.journal_live_page(0, 1)?.is_empty();
        if previous != mapping && !dry_run && mode != RunMode::Full && writes_left {
            // A delta or a sample with another mapping would mix two mappings in one workspace.
            return Err(CliError::Refused(format!(
                "the last run used mapping {} but mapping.toml is now {}; roll back first or run a full migration",
                previous.as_str(),
                mapping.as_str()
            )));
        }
    }
    let mode_name = mode_name(mode);
    let run_id = if dry_run {
        None
    } else {
        store
            .set_confirmed_hash(&mapping)
            .await
            .map_err(port_failure)?;
        Some(store.begin_run(mode_name, Some(hash.as_str()))?)
    };
    let observer = progress.observer();
    let engine = engine(
        project,
        &source,
        &destination,
        &store,
        observer,
        continue_on_mismatch,
    );
    let result = if dry_run {
        engine.dry_run(&spec, mode).await
    } else {
        engine.run(&spec, mode).await
    };
    progress.finish();
    let learnt = keep_wire_findings(project, &source)?;
    let report = match result {
        Ok(report) => report,
        Err(error) => {
            let error = engine_failure(error);
            if let Some(run_id) = run_id {
                store.fail_run(run_id, &project.credentials.redact(&error.to_string()))?;
            }
            return Err(error);
        }
    };
    if let Some(run_id) = run_id {
        store.finish_run(run_id, outcome_name(&report.outcome))?;
        crate::history::save_run(&project.state_dir(), run_id, &report)?;
    }
    let mut outcome = outcome(mode_name, &report);
    if let Some(line) = open_tickets_line(&store, &report)? {
        outcome.human.push('\n');
        outcome.human.push_str(&line);
    }
    if let Some(accepted) = accepted {
        outcome.human.push('\n');
        outcome.human.push_str(&accepted);
    }
    if !learnt.is_clean() {
        outcome.human.push('\n');
        let acknowledged = &spec.spec().wire.acknowledged;
        outcome
            .human
            .push_str(&super::discover::wire_lines(&learnt, acknowledged).join("\n"));
    }
    Ok(outcome)
}

/// For a run whose stages went in open-first passes, when every open ticket was in Intercom
/// (kept in the state store the first time), or that the open pass did not get them all.
fn open_tickets_line(
    store: &crate::store::Store,
    report: &RunReport,
) -> Result<Option<String>, CliError> {
    if report.dry_run || report.stages.iter().all(|stage| stage.pass.is_none()) {
        return Ok(None);
    }
    Ok(Some(
        match store.milestone(crate::store::OPEN_TICKETS_MOVED)? {
            Some(reached) => format!(
                "  all {} open tickets in Intercom since {} (the history followed, closed tickets newest first)",
                crate::numbers::thousands(reached.count),
                reached.reached_at
            ),
            None => "  open tickets first: not all in Intercom yet (failures or an interruption); run the migration again to finish"
                .to_string(),
        },
    ))
}

/// Adds what this run's reads proved about Vivantio's API that the kept report did not know
/// (a cut answer, a login page instead of an image) to that report, and returns it.
fn keep_wire_findings(project: &Project, source: &dyn Source) -> Result<WireReport, CliError> {
    let path = project.reports_dir().join(WIRE_FILE);
    let mut kept: WireReport = read_optional(&path)?.unwrap_or_default();
    let mut learnt = source.wire_report();
    learnt.findings.retain(|finding| {
        !kept.findings.iter().any(|known| {
            known.assumption == finding.assumption && known.endpoint == finding.endpoint
        })
    });
    learnt
        .fallbacks
        .retain(|fallback| !kept.fallbacks.contains(fallback));
    learnt.spellings.clear();
    if !learnt.is_clean() {
        kept.merge(learnt.clone());
        super::report::keep_section(project, WIRE_FILE, &kept)?;
    }
    Ok(learnt)
}

/// Refuses while what `plan` (or `discover`) proved about Vivantio's API, or what reading the
/// configuration just now proved, holds a blocking finding the mapping does not acknowledge.
fn refuse_unacknowledged_wire_findings(
    project: &Project,
    source: &dyn Source,
    spec: &MappingSpec,
) -> Result<(), CliError> {
    let mut wire: WireReport =
        read_optional(&project.reports_dir().join(WIRE_FILE))?.unwrap_or_default();
    wire.merge(source.wire_report());
    let blocking: Vec<String> = wire
        .unacknowledged(&spec.wire.acknowledged, |area| spec.moves(area))
        .map(|finding| {
            format!(
                "  {} ({}): {}; {}",
                finding.assumption,
                finding.endpoint.as_deref().unwrap_or("tenant"),
                finding.detail,
                finding.consequence
            )
        })
        .collect();
    if blocking.is_empty() {
        return Ok(());
    }
    Err(CliError::Refused(format!(
        "Vivantio's API contradicts {} assumption(s) this mapping depends on (wire_assumption):\n{}\n\
         check the tenant's answers; to go on anyway, list the ids under `[wire] acknowledged` in \
         mapping.toml, then `plan` and `confirm` again",
        blocking.len(),
        blocking.join("\n")
    )))
}

/// When this project's first run started (now, if none has), as Unix seconds: nothing in the
/// workspace dated before it can be this migration's.
fn first_run_started(store: &crate::store::Store) -> Result<Option<i64>, CliError> {
    let runs = store.runs()?;
    let first = runs.first().and_then(|run| {
        chrono::DateTime::parse_from_rfc3339(&run.started_at)
            .ok()
            .map(|started| started.timestamp())
    });
    Ok(Some(
        first.unwrap_or_else(|| chrono::Utc::now().timestamp()),
    ))
}

fn mode_name(mode: RunMode) -> &'static str {
    match mode {
        RunMode::Sample { .. } => "sample",
        RunMode::Full => "full",
        RunMode::Delta => "delta",
    }
}

fn outcome_name(outcome: &RunOutcome) -> &'static str {
    match outcome {
        RunOutcome::Completed => "completed",
        RunOutcome::StoppedOnMismatch { .. } => "stopped_on_mismatch",
        RunOutcome::Interrupted => "interrupted",
    }
}

/// The human and JSON outcome of a run report.
pub fn outcome(mode_name: &str, report: &RunReport) -> Outcome {
    let mut lines = vec![format!(
        "{mode_name}{}: {} in {:.1} s, {} requests ({:.2} per record)",
        if report.dry_run {
            " (dry run, nothing sent)"
        } else {
            ""
        },
        outcome_name(&report.outcome),
        report.duration_ms as f64 / 1000.0,
        report.requests,
        report.requests_per_record
    )];
    lines.push(format!(
        "  {:<14} {:>8} {:>8} {:>8} {:>8} {:>8}",
        "object", "source", "moved", "skipped", "rejected", "failed"
    ));
    for (kind, counts) in &report.objects {
        lines.push(format!(
            "  {:<14} {:>8} {:>8} {:>8} {:>8} {:>8}",
            kind.as_str(),
            counts.source,
            counts.moved,
            counts.skipped,
            counts.rejected,
            counts.failed
        ));
    }
    let skipped = report
        .rejections
        .iter()
        .filter(|rejection| rejection.code.is_deliberate_skip())
        .count();
    let rejected = report.rejections.len() - skipped;
    if rejected > 0 || !report.failures.is_empty() {
        lines.push(format!(
            "  {rejected} rejected and {} failed records: see the report for each reason",
            report.failures.len()
        ));
    }
    if skipped > 0 {
        lines.push(format!(
            "  {skipped} records left out on purpose (deleted in Vivantio); listed in the report"
        ));
    }
    let out_of_scope: u64 = report
        .objects
        .values()
        .map(|counts| counts.out_of_scope)
        .sum();
    if out_of_scope > 0 {
        lines.push(format!(
            "  {out_of_scope} records outside the [scope] of mapping.toml were left out (not rejected: widen the scope to move them)"
        ));
    }
    for line in report.redactions.lines() {
        lines.push(format!("  redacted by {line}"));
    }
    let exit = match report.outcome {
        RunOutcome::StoppedOnMismatch { .. } => EXIT_REFUSED,
        _ if !report.failures.is_empty() || rejected > 0 => EXIT_PARTIAL,
        _ => crate::error::EXIT_OK,
    };
    Outcome::ok(lines.join("\n"), report).with_exit(exit)
}
