//! The stages a run is made of, each run and checked against the source count before the
//! next starts: the schema and people, the companies and contacts, the knowledge base, the
//! links. A run by stage, a sample and both passes of an open-first run are built from them.

use std::sync::Mutex;

use futures::{future, stream, Stream, TryStreamExt};

use super::context::Context;
use super::links::parent_links;
use super::observer::Event;
use super::pipeline::Work;
use super::report::{Reconciliation, RunOutcome, RunReport};
use super::stage::Stage;
use super::ticket::ParentLink;
use super::work::{article_stream, collection_work, setup_stages, singles, take, work_of};
use super::EngineError;
use crate::delta::{changed_since, Changed};
use crate::model::source::{SourceKind, SourceRef};
use crate::ops::Operation;

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
