//! `migrate` and `delta`: load into Intercom, exactly once, resumable.

use migration_core::engine::{RunMode, RunOutcome, RunReport};
use migration_core::model::source::WireReport;
use migration_core::ports::{Source, StateStore};
use migration_core::spec::{ConfirmedSpec, MappingSpec};

use super::report::{read_optional, WIRE_FILE};
use super::{confirmed_spec, engine, engine_failure, port_failure, Outcome};
use crate::error::{CliError, EXIT_PARTIAL, EXIT_REFUSED};
use crate::progress::Progress;
use crate::project::Project;
use crate::store::{RunEnd, RunId, RunKind, Store};

/// What `migrate` (and `delta`) is asked to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MigrateOptions {
    /// What moves: a sample, everything, or what changed.
    pub mode: RunMode,
    /// Compute every operation without sending one (`--dry-run`).
    pub dry_run: bool,
    /// Go on when a stage's count does not match the source (`--continue-on-mismatch`).
    pub continue_on_mismatch: bool,
    /// Start a full run although the last `verify` found parts Intercom's own automation
    /// added to migrated threads (`--accept-automation`).
    pub accept_automation: bool,
}

impl MigrateOptions {
    /// A run in `mode` that sends, stops on a count mismatch and refuses unaccepted automation.
    pub fn new(mode: RunMode) -> Self {
        Self {
            mode,
            dry_run: false,
            continue_on_mismatch: false,
            accept_automation: false,
        }
    }

    /// The same run, computed without sending.
    pub fn dry_run(self) -> Self {
        Self {
            dry_run: true,
            ..self
        }
    }

    /// The same run, going on past a count mismatch.
    pub fn continue_on_mismatch(self) -> Self {
        Self {
            continue_on_mismatch: true,
            ..self
        }
    }

    /// The same run, started although Intercom's automation touched migrated threads.
    pub fn accept_automation(self) -> Self {
        Self {
            accept_automation: true,
            ..self
        }
    }
}

/// Runs the engine as `options` say (or computes it, for a dry run) and records the run in the
/// store.
pub async fn run(
    project: &Project,
    options: &MigrateOptions,
    progress: &Progress,
) -> Result<Outcome, CliError> {
    let mode = options.mode;
    let source = project.source()?;
    let destination = project.destination()?;
    let spec = confirmed_spec(project, &source, &destination).await?;
    refuse_unacknowledged_wire_findings(project, &source, spec.spec())?;
    let accepted = match mode {
        RunMode::Full => {
            crate::automation::check_before_full_run(project, options.accept_automation)?
        }
        _ => None,
    };
    let store = project.open_store()?;
    let destination = destination.with_created_after(first_run_started(&store)?);
    let run_id = begin(&store, &spec, options).await?;
    let engine = engine(
        project,
        &source,
        &destination,
        &store,
        progress.observer(),
        options.continue_on_mismatch,
    );
    let result = if options.dry_run {
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
        store.finish_run(run_id, RunEnd::from(&report.outcome))?;
        crate::history::save_run(&project.state_dir(), run_id, &report)?;
    }
    let mut outcome = outcome(RunKind::from(mode).as_str(), &report);
    let notes = [
        open_tickets_line(&store, &report)?,
        accepted,
        wire_note(&spec, &learnt),
    ];
    for note in notes.into_iter().flatten() {
        outcome.human.push('\n');
        outcome.human.push_str(&note);
    }
    Ok(outcome)
}

/// Checks that the mapping may run here and, unless this is a dry run, records the run's start.
async fn begin(
    store: &Store,
    spec: &ConfirmedSpec,
    options: &MigrateOptions,
) -> Result<Option<RunId>, CliError> {
    let hash = spec.hash();
    if !store.is_mapping_confirmed(&hash)? {
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
        if previous != mapping && !options.dry_run && options.mode != RunMode::Full && writes_left {
            // A delta or a sample with another mapping would mix two mappings in one workspace.
            return Err(CliError::Refused(format!(
                "the last run used mapping {} but mapping.toml is now {}; roll back first or run a full migration",
                previous.as_str(),
                mapping.as_str()
            )));
        }
    }
    if options.dry_run {
        return Ok(None);
    }
    store
        .set_confirmed_hash(&mapping)
        .await
        .map_err(port_failure)?;
    Ok(Some(store.begin_run(options.mode.into(), Some(&hash))?))
}

/// What this run's reads proved about Vivantio's API that was not known before, when anything.
fn wire_note(spec: &ConfirmedSpec, learnt: &WireReport) -> Option<String> {
    (!learnt.is_clean()).then(|| {
        let acknowledged = &spec.spec().wire.acknowledged;
        super::discover::wire_lines(learnt, acknowledged).join("\n")
    })
}

/// For a run whose stages went in open-first passes, when every open ticket was in Intercom
/// (kept in the state store the first time), or that the open pass did not get them all.
fn open_tickets_line(store: &Store, report: &RunReport) -> Result<Option<String>, CliError> {
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
fn first_run_started(store: &Store) -> Result<Option<i64>, CliError> {
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

/// The human and JSON outcome of a run report.
pub fn outcome(mode_name: &str, report: &RunReport) -> Outcome {
    let mut lines = vec![format!(
        "{mode_name}{}: {} in {:.1} s, {} requests ({:.2} per record)",
        if report.dry_run {
            " (dry run, nothing sent)"
        } else {
            ""
        },
        RunEnd::from(&report.outcome),
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
