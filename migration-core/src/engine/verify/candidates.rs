//! The records to compare: every source record the runs moved, mapped again into what its
//! destination record should look like.

use std::collections::BTreeMap;

use futures::{Stream, StreamExt, TryStreamExt};
use serde_json::Value;

use super::super::context::Context;
use super::super::pipeline::Work;
use super::super::EngineError;
use crate::keys::RecordKey;
use crate::model::destination::FileRef;
use crate::model::source::{SourceKind, SourceRef};
use crate::ops::{DestinationOp, Mark, Operation};
use crate::ports::RecordStatus;
use crate::verify::{expectations, Comparison, Expectation, Expected};

/// A record to compare.
pub(super) struct Candidate {
    pub(super) record: SourceRef,
    pub(super) expectation: Expectation,
    /// Files per part index, for checksums.
    pub(super) files: Vec<(usize, Vec<FileRef>)>,
    /// Marks of the operations that add the thread's parts, in order (their journalled
    /// outcomes hold the part ids).
    pub(super) part_marks: Vec<Mark>,
}

impl Candidate {
    pub(super) fn key(&self) -> Option<&RecordKey> {
        self.expectation.key.as_ref()
    }
}

/// A source record with the operations its mapping gives, when it moves.
type MappedRecord = (SourceRef, Option<Vec<Operation>>);

/// Every moved record within the scope with what it should look like, in source order.
pub(super) fn candidates<'c>(
    context: &'c Context<'_, '_>,
) -> impl Stream<Item = Result<Vec<Candidate>, EngineError>> + Send + 'c {
    companies(context)
        .chain(contacts(context))
        .chain(articles(context))
        .chain(tickets(context))
        .and_then(move |(record, operations)| async move {
            let Some(operations) = operations else {
                return Ok(Vec::new());
            };
            match context
                .store()
                .record_status(record)
                .await
                .map_err(EngineError::Store)?
            {
                Some(RecordStatus::Migrated) => Ok(expected_records(record, &operations)),
                _ => Ok(Vec::new()),
            }
        })
}

fn companies<'c>(
    context: &'c Context<'_, '_>,
) -> impl Stream<Item = Result<MappedRecord, EngineError>> + Send + 'c {
    let mapper = &context.mapper;
    let directory = mapper.directory();
    context
        .source()
        .organisations()
        .map_err(EngineError::Source)
        .map_ok(move |organisation| {
            (
                SourceRef::new(SourceKind::Organisation, organisation.id),
                directory
                    .moves_organisation(organisation.id)
                    .then(|| mapper.map_organisation(&organisation).ok())
                    .flatten()
                    .map(|mapped| mapped.operations),
            )
        })
}

fn contacts<'c>(
    context: &'c Context<'_, '_>,
) -> impl Stream<Item = Result<MappedRecord, EngineError>> + Send + 'c {
    let mapper = &context.mapper;
    let directory = mapper.directory();
    context
        .source()
        .callers()
        .map_err(EngineError::Source)
        .map_ok(move |caller| {
            (
                SourceRef::new(SourceKind::Caller, caller.id),
                directory
                    .moves_caller(caller.id)
                    .then(|| mapper.map_caller(&caller).ok())
                    .flatten()
                    .map(|mapped| mapped.operations),
            )
        })
}

fn articles<'c>(
    context: &'c Context<'_, '_>,
) -> impl Stream<Item = Result<MappedRecord, EngineError>> + Send + 'c {
    let mapper = &context.mapper;
    context
        .source()
        .articles()
        .map_err(EngineError::Source)
        .map_ok(move |article| {
            let mapped = context
                .scope
                .article(&article)
                .then(|| context.with_articles(|known| mapper.map_article(&article, known)));
            (
                SourceRef::new(SourceKind::Article, article.id),
                mapped
                    .and_then(|mapped| mapped.ok())
                    .map(|mapped| mapped.operations),
            )
        })
}

/// The tickets, each with the operations of its own record (not its placeholder contact).
fn tickets<'c>(
    context: &'c Context<'_, '_>,
) -> impl Stream<Item = Result<MappedRecord, EngineError>> + Send + 'c {
    context
        .source()
        .tickets_reading(None, context.scope.in_full())
        .map_err(EngineError::Source)
        .and_then(move |ticket| async move {
            let record = SourceRef::new(SourceKind::Ticket, ticket.id);
            if !context.scope.ticket(&ticket) {
                return Ok((record, None));
            }
            let work = context.ticket_work(&ticket).await?;
            let operations = work.work.into_iter().find_map(|item| match item {
                Work::Group(group) if group.record.is_some() => Some(group.operations),
                _ => None,
            });
            Ok((record, operations))
        })
}

fn expected_records(record: SourceRef, operations: &[Operation]) -> Vec<Candidate> {
    let mut files: BTreeMap<RecordKey, Vec<(usize, Vec<FileRef>)>> = BTreeMap::new();
    let mut indexes: BTreeMap<&RecordKey, usize> = BTreeMap::new();
    let mut marks: BTreeMap<&RecordKey, Vec<Mark>> = BTreeMap::new();
    for operation in operations {
        if let DestinationOp::AddPart { thread, part } = &operation.op {
            marks
                .entry(thread)
                .or_default()
                .push(operation.mark.clone());
            let index = indexes.entry(thread).or_default();
            if !part.attachments.is_empty() {
                files
                    .entry(thread.clone())
                    .or_default()
                    .push((*index, part.attachments.clone()));
            }
            *index += 1;
        }
    }
    expectations(operations)
        .into_iter()
        .map(|expectation| {
            let files = expectation
                .key
                .as_ref()
                .and_then(|key| files.remove(key))
                .unwrap_or_default();
            let part_marks = expectation
                .key
                .as_ref()
                .and_then(|key| marks.remove(key))
                .unwrap_or_default();
            Candidate {
                record,
                expectation,
                files,
                part_marks,
            }
        })
        .collect()
}

/// The links stage tags parents (the mapping of one streamed ticket cannot know it is one);
/// when it did, the tag is expected too.
pub(super) async fn expect_parent_tag(
    context: &Context<'_, '_>,
    thread: &RecordKey,
    expectation: &mut Expectation,
) -> Result<(), EngineError> {
    let name = context.mapper.spec().parent_child.parent_tag.trim();
    if name.is_empty() {
        return Ok(());
    }
    let tag = RecordKey::tag(name);
    let mark = format!("tagging:{thread}:{tag}");
    if context
        .store()
        .completed(&mark)
        .await
        .map_err(EngineError::Store)?
        .is_none()
    {
        return Ok(());
    }
    let tags = expectation
        .fields
        .entry("tags".into())
        .or_insert_with(|| Expected {
            value: Value::Array(Vec::new()),
            comparison: Comparison::Set,
        });
    if let Value::Array(list) = &mut tags.value {
        let id = Value::String(tag.id().to_string());
        if !list.contains(&id) {
            list.push(id);
        }
    }
    Ok(())
}
