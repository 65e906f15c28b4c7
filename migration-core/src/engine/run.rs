//! The stage loop of a full or delta run: schema, people, companies, contacts, collections,
//! articles, article links, tickets (streamed), links; each stage that moves source records
//! is checked against the source count before the next starts. A full run in open-first order
//! goes through these stages in two passes ([`super::order`]).

use std::sync::Mutex;
use std::time::Instant;

use futures::{future, stream, Stream, StreamExt, TryStreamExt};

use super::context::Context;
use super::links::parent_links;
use super::observer::Event;
use super::order::{run_open_first, RunOrder};
use super::pipeline::Work;
use super::report::{Reconciliation, RunOutcome, RunReport};
use super::stage::Stage;
use super::ticket::ParentLink;
use super::work::{
    article_stream, collection_work, setup_stages, singles, take, ticket_stream, work_of,
};
use super::{Engine, EngineError, RunMode};
use crate::delta::{changed_since, Changed, Watermark};
use crate::model::source::{SourceKind, SourceRef};
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
        RunMode::Sample { tickets } => {
            super::sample::run_sample(&context, tickets, &mut report).await?
        }
        RunMode::Full if engine.config.order == RunOrder::OpenFirst => {
            seen = run_open_first(&context, &mut report).await?;
        }
        RunMode::Full | RunMode::Delta => run_stages(&context, &mut report).await?,
    }
    if report.outcome == RunOutcome::Completed
        && !dry_run
        && !matches!(mode, RunMode::Sample { .. })
    {
        let start = context.since.unwrap_or(Watermark::at(i64::MIN));
        let watermark = seen
            .or_else(|| context.latest_change())
            .map_or(start, |seen| start.max(seen));
        if watermark.at > i64::MIN {
            engine
                .store()
                .set_watermark(watermark)
                .await
                .map_err(EngineError::Store)?;
            report.watermark = Some(watermark);
        }
    }
    report.findings = context.findings();
    report.redactions = context.redactions();
    report.duration_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
    engine.emit(Event::RunFinished {
        outcome: report.outcome.clone(),
    });
    Ok(report)
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

/// Runs one stage and adds it to the report; `false` when the run must stop (interrupted, or
/// a count mismatch the configuration does not let pass).
pub(crate) async fn stage<S>(
    context: &Context<'_, '_>,
    report: &mut RunReport,
    stage: Stage,
    total: Option<u64>,
    work: S,
) -> Result<bool, EngineError>
where
    S: Stream<Item = Result<Work, EngineError>> + Send,
{
    let outcome = context.run_stage(stage, total, work).await?;
    report.rejections.extend(outcome.rejections);
    report.failures.extend(outcome.failures);
    let mut stage_report = outcome.report;
    let mismatch = stage.source_kind().and_then(|_| {
        let records = stage_report.records;
        let present = records.moved + records.skipped;
        let reconciliation = Reconciliation {
            source: records.source,
            present,
            rejected: records.rejected,
            failed: records.failed,
            unaccounted: records.source.saturating_sub(records.accounted()),
            matches: records.failed == 0
                && records.source == present + records.rejected + records.out_of_scope,
            out_of_scope: records.out_of_scope,
        };
        stage_report.reconciliation = Some(reconciliation.clone());
        (!reconciliation.matches).then_some(reconciliation)
    });
    context.emit(Event::StageFinished {
        report: stage_report.clone(),
    });
    report.push_stage(stage_report);
    if context.stopped() {
        report.outcome = RunOutcome::Interrupted;
        return Ok(false);
    }
    if let Some(reconciliation) = mismatch {
        context.emit(Event::Mismatch {
            stage,
            reconciliation,
        });
        if !context.engine.config.continue_on_mismatch {
            report.outcome = RunOutcome::StoppedOnMismatch { stage };
            return Ok(false);
        }
    }
    Ok(true)
}

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

/// The source count of a stage's records, when the run was told it (a delta reads only what
/// changed: the instance's counts say nothing of its size).
pub(crate) fn expected(context: &Context<'_, '_>, stage: Stage) -> Option<u64> {
    stage
        .source_kind()
        .filter(|_| context.since.is_none())
        .and_then(|kind| context.engine.expected(kind))
}

/// The schema and people stages; `false` when the run must stop.
pub(crate) async fn setup(
    context: &Context<'_, '_>,
    report: &mut RunReport,
) -> Result<bool, EngineError> {
    let (schema, people) = setup_stages(context.mapper.setup_operations(&context.schema));
    let total = Some(schema.len() as u64);
    let work = stream::iter(singles(schema));
    if !stage(context, report, Stage::Schema, total, work).await? {
        return Ok(false);
    }
    let total = Some(people.len() as u64);
    stage(
        context,
        report,
        Stage::People,
        total,
        stream::iter(singles(people)),
    )
    .await
}

/// Which records of a kind a pass takes, by source id (the others are another pass's: they
/// are neither read further nor counted).
pub(crate) type Share<'s> = &'s (dyn Fn(i64) -> bool + Sync);

/// The companies and contacts stages over the organisations and callers `organisations` and
/// `callers` take, announced with `totals`; `false` when the run must stop.
pub(crate) async fn people(
    context: &Context<'_, '_>,
    report: &mut RunReport,
    organisations: Share<'_>,
    callers: Share<'_>,
    totals: (Option<u64>, Option<u64>),
) -> Result<bool, EngineError> {
    let companies = company_stream(context, organisations);
    if !stage(context, report, Stage::Companies, totals.0, companies).await? {
        return Ok(false);
    }
    let contacts = contact_stream(context, callers);
    stage(context, report, Stage::Contacts, totals.1, contacts).await
}

fn company_stream<'c>(
    context: &'c Context<'_, '_>,
    share: Share<'c>,
) -> impl Stream<Item = Result<Work, EngineError>> + Send + 'c {
    let (since, zone) = (context.since, context.mapper.zone());
    let directory = context.mapper.directory();
    context
        .source()
        .organisations()
        .map_err(EngineError::Source)
        .try_filter(move |organisation| future::ready(share(organisation.id)))
        .map_ok(move |organisation| {
            context.saw_change(organisation.changed_at(zone));
            if since.is_some_and(|since| !changed_since(&organisation, since, zone)) {
                return Work::Unchanged;
            }
            let record = SourceRef::new(SourceKind::Organisation, organisation.id);
            if !directory.moves_organisation(organisation.id) {
                return Work::OutOfScope(record);
            }
            work_of(
                context,
                record,
                context.mapper.map_organisation(&organisation),
            )
        })
}

fn contact_stream<'c>(
    context: &'c Context<'_, '_>,
    share: Share<'c>,
) -> impl Stream<Item = Result<Work, EngineError>> + Send + 'c {
    let (since, zone) = (context.since, context.mapper.zone());
    let directory = context.mapper.directory();
    context
        .source()
        .callers()
        .map_err(EngineError::Source)
        .try_filter(move |caller| future::ready(share(caller.id)))
        .map_ok(move |caller| {
            context.saw_change(caller.changed_at(zone));
            if since.is_some_and(|since| !changed_since(&caller, since, zone)) {
                return Work::Unchanged;
            }
            let record = SourceRef::new(SourceKind::Caller, caller.id);
            if !directory.moves_caller(caller.id) {
                return Work::OutOfScope(record);
            }
            work_of(context, record, context.mapper.map_caller(&caller))
        })
}

/// The collections, articles and article links stages; `false` when the run must stop.
pub(crate) async fn knowledge_base(
    context: &Context<'_, '_>,
    report: &mut RunReport,
) -> Result<bool, EngineError> {
    let collections = collection_work(context);
    let total = Some(collections.len() as u64);
    let work = stream::iter(collections);
    if !stage(context, report, Stage::Collections, total, work).await? {
        return Ok(false);
    }
    let relinks: Mutex<Vec<Operation>> = Mutex::new(Vec::new());
    let articles = article_stream(context, &relinks);
    let total = expected(context, Stage::Articles);
    if !stage(context, report, Stage::Articles, total, articles).await? {
        return Ok(false);
    }
    let relinks = take(relinks);
    let total = Some(relinks.len() as u64);
    let work = stream::iter(singles(relinks));
    stage(context, report, Stage::ArticleLinks, total, work).await
}

/// The links stage: the tickets' own links and their children's links to parents.
pub(crate) async fn links_stage(
    context: &Context<'_, '_>,
    report: &mut RunReport,
    mut links: Vec<Operation>,
    parents: Vec<ParentLink>,
) -> Result<(), EngineError> {
    links.extend(parent_links(context, parents, report).await?);
    let total = Some(links.len() as u64);
    stage(
        context,
        report,
        Stage::Links,
        total,
        stream::iter(singles(links)),
    )
    .await?;
    Ok(())
}
