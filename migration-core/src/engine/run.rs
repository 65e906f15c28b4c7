//! A run from start to end: the specification checked against the state store's, the stages
//! of the mode ([`super::stages`]: a sample, a run by stage, or the two passes of an
//! open-first run), then the watermark the next delta starts from. A full or delta run by
//! stage moves schema, people, companies, contacts, collections, articles, article links,
//! tickets (streamed) and links.

use std::sync::Mutex;
use std::time::Instant;

use futures::StreamExt;

use super::context::Context;
use super::observer::Event;
use super::open_first::run_open_first;
use super::order::RunOrder;
use super::report::{RunOutcome, RunReport};
use super::sample::run_sample;
use super::stage::Stage;
use super::stages::{expected, knowledge_base, links_stage, people, setup, stage};
use super::ticket::ParentLink;
use super::work::{take, ticket_stream};
use super::{Engine, EngineError, RunMode};
use crate::delta::Watermark;
use crate::ops::Operation;
use crate::spec::ConfirmedSpec;

/// Runs (or dry-runs) `mode`.
pub(crate) async fn run(
    engine: &Engine<'_>,
    spec: &ConfirmedSpec,
    mode: RunMode,
    dry_run: bool,
) -> Result<RunReport, EngineError> {
    let started = Instant::now();
    engine.emit(Event::RunStarted { mode, dry_run });
    check_spec(engine, spec, dry_run).await?;
    let mut context = Context::prepare(engine, spec, dry_run).await?;
    if mode == RunMode::Delta {
        let since = engine
            .store()
            .watermark()
            .await
            .map_err(EngineError::Store)?;
        context.since = Some(since.ok_or(EngineError::NoWatermark)?);
    }
    let mut report = RunReport::new(mode, dry_run);
    // The latest change the watermark may claim: by default every change the run saw.
    let mut seen = None;
    match mode {
        RunMode::Sample { tickets } => run_sample(&context, tickets, &mut report).await?,
        RunMode::Full if engine.config.order == RunOrder::OpenFirst => {
            seen = run_open_first(&context, &mut report).await?;
        }
        RunMode::Full | RunMode::Delta => run_stages(&context, &mut report).await?,
    }
    if report.outcome == RunOutcome::Completed
        && !dry_run
        && !matches!(mode, RunMode::Sample { .. })
    {
        report.watermark = advance_watermark(&context, seen).await?;
    }
    report.findings = context.findings();
    report.redactions = context.redactions();
    report.duration_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
    engine.emit(Event::RunFinished {
        outcome: report.outcome.clone(),
    });
    Ok(report)
}

/// Records the watermark of a completed run: the latest change it saw (or `seen`, when the
/// run says which changes it may claim), never earlier than where it started; `None` when it
/// saw no dated change and started from none.
async fn advance_watermark(
    context: &Context<'_, '_>,
    seen: Option<Watermark>,
) -> Result<Option<Watermark>, EngineError> {
    let start = context.since.unwrap_or(Watermark::at(i64::MIN));
    let watermark = seen
        .or_else(|| context.latest_change())
        .map_or(start, |seen| start.max(seen));
    if watermark.at == i64::MIN {
        return Ok(None);
    }
    context
        .store()
        .set_watermark(watermark)
        .await
        .map_err(EngineError::Store)?;
    Ok(Some(watermark))
}

/// Refuses a specification other than the one the state store's run was made with, unless
/// nothing of that run is left (it was rolled back). Only the mapping counts: the `[scope]`
/// may widen or narrow between runs ([`ConfirmedSpec::mapping_hash`]).
async fn check_spec(
    engine: &Engine<'_>,
    spec: &ConfirmedSpec,
    dry_run: bool,
) -> Result<(), EngineError> {
    let store = engine.store();
    let current = spec.mapping_hash();
    let stored = store.confirmed_hash().await.map_err(EngineError::Store)?;
    if stored.as_ref() == Some(&current) {
        return Ok(());
    }
    if let Some(stored) = stored {
        let journal_empty = store
            .journal()
            .next()
            .await
            .transpose()
            .map_err(EngineError::Store)?
            .is_none();
        if !journal_empty {
            return Err(EngineError::SpecChanged { stored, current });
        }
    }
    if !dry_run {
        store
            .set_confirmed_hash(&current)
            .await
            .map_err(EngineError::Store)?;
    }
    Ok(())
}

/// A full or delta run by stage.
async fn run_stages(context: &Context<'_, '_>, report: &mut RunReport) -> Result<(), EngineError> {
    let everyone = |_: i64| true;
    let totals = (
        expected(context, Stage::Companies),
        expected(context, Stage::Contacts),
    );
    if !setup(context, report).await?
        || !people(context, report, &everyone, &everyone, totals).await?
        || !knowledge_base(context, report).await?
    {
        return Ok(());
    }
    let links: Mutex<Vec<Operation>> = Mutex::new(Vec::new());
    let parents: Mutex<Vec<ParentLink>> = Mutex::new(Vec::new());
    let tickets = ticket_stream(context, &links, &parents);
    let total = expected(context, Stage::Tickets);
    if !stage(context, report, Stage::Tickets, total, tickets).await? {
        return Ok(());
    }
    links_stage(context, report, take(links), take(parents)).await
}
