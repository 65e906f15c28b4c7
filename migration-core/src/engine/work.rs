//! Source records as work items for the stages: setup operations, mapped records, articles
//! and tickets streamed from the source.

use std::sync::{Arc, Mutex};

use futures::future::{self, BoxFuture};
use futures::stream::BoxStream;
use futures::{stream, Stream, StreamExt, TryStreamExt};

use super::context::Context;
use super::order::IdSet;
use super::pipeline::{Group, Work};
use super::stage::Stage;
use super::ticket::ParentLink;
use super::EngineError;
use crate::delta::{changed_since, Changed};
use crate::keys::RecordKey;
use crate::model::source::{Article, SourceKind, SourceRef, Ticket, KNOWLEDGE_BASE_RECORD_TYPE};
use crate::ops::{Operation, Phase};
use crate::plan::LoadPlan;
use crate::reject::Rejection;
use crate::transform::Mapped;

/// Work items from operations that each stand alone, in the given order.
pub(crate) fn singles(operations: Vec<Operation>) -> Vec<Result<Work, EngineError>> {
    operations
        .into_iter()
        .map(|operation| Ok(Work::Group(Group::new(operation.source, vec![operation]))))
        .collect()
}

/// Splits setup operations into the schema and people stages, in dependency order.
pub(crate) fn setup_stages(operations: Vec<Operation>) -> (Vec<Operation>, Vec<Operation>) {
    LoadPlan::from_operations(operations)
        .operations()
        .iter()
        .cloned()
        .partition(|operation| Stage::of(operation.phase) == Stage::Schema)
}

/// A mapped record as work; in a delta, its content updates get delta marks.
pub(crate) fn work_of(
    context: &Context<'_, '_>,
    record: SourceRef,
    mapped: Result<Mapped, Rejection>,
) -> Work {
    match mapped {
        Err(rejection) => Work::Rejected(rejection),
        Ok(mut mapped) => {
            context.count_findings(&mapped.findings);
            if let Some(since) = context.since {
                super::delta::rekey(&mut mapped.operations, since);
            }
            Work::Group(Group::new(Some(record), mapped.operations))
        }
    }
}

pub(crate) type WorkStream = stream::Iter<std::vec::IntoIter<Result<Work, EngineError>>>;

// The streams are built in functions with a named lifetime and their futures boxed: with
// closures alone the compiler cannot prove the run's future `Send`.
pub(crate) fn article_stream<'c>(
    context: &'c Context<'_, '_>,
    relinks: &'c Mutex<Vec<Operation>>,
) -> impl Stream<Item = Result<Work, EngineError>> + Send + 'c {
    context
        .source()
        .articles()
        .map_err(EngineError::Source)
        .and_then(move |article| -> BoxFuture<'c, Result<Work, EngineError>> {
            Box::pin(article_work(context, article, relinks))
        })
}

pub(crate) fn ticket_stream<'c>(
    context: &'c Context<'_, '_>,
    links: &'c Mutex<Vec<Operation>>,
    parents: &'c Mutex<Vec<ParentLink>>,
) -> impl Stream<Item = Result<Work, EngineError>> + Send + 'c {
    context
        .source()
        .tickets_reading(context.since, context.scope.in_full())
        .map_err(EngineError::Source)
        .and_then(
            move |ticket| -> BoxFuture<'c, Result<WorkStream, EngineError>> {
                Box::pin(ticket_work(context, ticket, links, parents))
            },
        )
        .try_flatten()
}

/// One article as work: new articles are created (links to later ones wait for the article
/// links stage); in a delta, changed articles that moved already get their body updated.
async fn article_work(
    context: &Context<'_, '_>,
    article: Article,
    relinks: &Mutex<Vec<Operation>>,
) -> Result<Work, EngineError> {
    let (since, zone) = (context.since, context.mapper.zone());
    context.saw_change(article.changed_at(zone));
    let key = RecordKey::article(article.id);
    let record = SourceRef::new(SourceKind::Article, article.id);
    let known = context
        .store()
        .lookup(&key)
        .await
        .map_err(EngineError::Store)?;
    if let Some(known) = &known {
        context.know_article(&key, known);
    }
    let changed = since.is_none_or(|since| changed_since(&article, since, zone));
    match (since, known) {
        (Some(_), _) if !changed => Ok(Work::Unchanged),
        _ if !context.scope.article(&article) => Ok(Work::OutOfScope(record)),
        (Some(since), Some(_)) => {
            // The update is rendered later with what is known then; its images are hosted now.
            context.host_images(&article.body_html).await?;
            push(relinks, super::delta::article_update(&article, since));
            Ok(Work::Group(Group::new(Some(record), Vec::new())))
        }
        _ => {
            let unhosted = context.host_images(&article.body_html).await?;
            let mapped = context.with_articles(|articles| {
                context
                    .mapper
                    .map_article_noting(&article, articles, &unhosted)
            });
            let mut work = work_of(context, record, mapped);
            if let Work::Group(group) = &mut work {
                let (now, later) = std::mem::take(&mut group.operations)
                    .into_iter()
                    .partition(|operation: &Operation| operation.phase != Phase::ArticleLinks);
                group.operations = now;
                for operation in later {
                    push(relinks, operation);
                }
            }
            Ok(work)
        }
    }
}

/// One ticket as work; its links wait for the links stage.
pub(crate) async fn ticket_work(
    context: &Context<'_, '_>,
    ticket: Ticket,
    links: &Mutex<Vec<Operation>>,
    parents: &Mutex<Vec<ParentLink>>,
) -> Result<WorkStream, EngineError> {
    if !context.scope.ticket(&ticket) {
        // Read as listed only: judged on its own fields, its history was never read.
        context.saw_change(ticket.changed_at(context.mapper.zone()));
        let record = SourceRef::new(SourceKind::Ticket, ticket.id);
        return Ok(stream::iter(vec![Ok(Work::OutOfScope(record))]));
    }
    let work = context.ticket_work(&ticket).await?;
    context.count_findings(&work.findings);
    for link in work.links {
        push(links, link);
    }
    if let Some(parent) = work.parent {
        push(parents, parent);
    }
    Ok(stream::iter(
        work.work.into_iter().map(Ok).collect::<Vec<_>>(),
    ))
}

/// The tickets with `ids`, read in full in that order; through a listing, in the source's own
/// order, when the source cannot read tickets by id.
pub(crate) fn read_in_order<'c>(
    context: &'c Context<'_, '_>,
    ids: Arc<[i64]>,
) -> BoxStream<'c, Result<Ticket, EngineError>> {
    if let Some(tickets) = context.source().tickets_by_id(Arc::clone(&ids)) {
        return tickets.map_err(EngineError::Source).boxed();
    }
    let wanted = Arc::new(IdSet::new(ids.to_vec()));
    let in_full = Arc::clone(&wanted);
    context
        .source()
        .tickets_reading(
            None,
            Arc::new(move |ticket: &Ticket| in_full.contains(ticket.id)),
        )
        .map_err(EngineError::Source)
        .try_filter(move |ticket| future::ready(wanted.contains(ticket.id)))
        .boxed()
}

/// Knowledge-base categories, parents first.
pub(crate) fn collection_work(context: &Context<'_, '_>) -> Vec<Result<Work, EngineError>> {
    let mut rejected = Vec::new();
    let mut operations = Vec::new();
    for category in context
        .schema
        .categories
        .iter()
        .filter(|category| category.record_type_id == KNOWLEDGE_BASE_RECORD_TYPE)
    {
        match context.mapper.map_category(category) {
            Ok(mapped) => {
                context.count_findings(&mapped.findings);
                operations.extend(mapped.operations);
            }
            Err(rejection) => rejected.push(Ok(Work::Rejected(rejection))),
        }
    }
    let mut work = rejected;
    work.extend(singles(
        LoadPlan::from_operations(operations).operations().to_vec(),
    ));
    work
}

pub(crate) fn push<T>(list: &Mutex<Vec<T>>, item: T) {
    list.lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .push(item);
}

pub(crate) fn take<T>(list: Mutex<Vec<T>>) -> Vec<T> {
    list.into_inner()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}
