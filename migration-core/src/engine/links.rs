//! The links stage: children linked to their parents once every thread exists.

use std::collections::HashSet;

use super::context::Context;
use super::report::RunReport;
use super::ticket::ParentLink;
use super::EngineError;
use crate::keys::RecordKey;
use crate::model::source::{SourceKind, SourceRef};
use crate::ops::{DestinationOp, Operation, Phase};
use crate::reject::{Finding, ReasonCode, Severity};

/// Links children to parents now that every thread exists; a parent that did not move leaves
/// its child tagged but unlinked (reported). Parents get the parent tag.
pub(crate) async fn parent_links(
    context: &Context<'_, '_>,
    parents: Vec<ParentLink>,
    report: &mut RunReport,
) -> Result<Vec<Operation>, EngineError> {
    let parent_tag = parent_tag(context).await?;
    let mut tagged = HashSet::new();
    let mut operations = Vec::new();
    for link in parents {
        let Some(parent) = moved_parent(context, link.parent_id).await? else {
            unlinked(context, &link, report);
            continue;
        };
        if let Some(tag) = &parent_tag {
            if tagged.insert(parent.clone()) {
                operations.push(tag_parent(&parent, tag, link.parent_id));
            }
        }
        operations.push(
            Operation::changing(
                Phase::Links,
                format!("link:{parent}:{}", link.child),
                DestinationOp::LinkThreads {
                    parent: parent.clone(),
                    child: link.child.clone(),
                },
            )
            .requiring([parent, link.child])
            .from_source(link.record),
        );
    }
    Ok(operations)
}

/// The mapping's parent tag, when it has one and the tag is in the destination (or planned).
async fn parent_tag(context: &Context<'_, '_>) -> Result<Option<RecordKey>, EngineError> {
    let name = context.mapper.spec().parent_child.parent_tag.trim();
    if name.is_empty() {
        return Ok(None);
    }
    let tag = RecordKey::tag(name);
    Ok(exists(context, &tag).await?.then_some(tag))
}

/// The thread the parent ticket `parent_id` became, when it moved.
async fn moved_parent(
    context: &Context<'_, '_>,
    parent_id: i64,
) -> Result<Option<RecordKey>, EngineError> {
    for key in [
        RecordKey::conversation(parent_id),
        RecordKey::ticket(parent_id),
    ] {
        if exists(context, &key).await? {
            return Ok(Some(key));
        }
    }
    Ok(None)
}

/// Whether `key` is in the destination, or a dry run plans it.
async fn exists(context: &Context<'_, '_>, key: &RecordKey) -> Result<bool, EngineError> {
    let found = context
        .store()
        .lookup(key)
        .await
        .map_err(EngineError::Store)?;
    Ok(found.is_some() || context.is_planned(key))
}

/// Reports a child left unlinked because its parent did not move.
fn unlinked(context: &Context<'_, '_>, link: &ParentLink, report: &mut RunReport) {
    context.count_findings(&[Finding::new(
        Severity::Warning,
        link.record,
        ReasonCode::MissingParent,
        format!(
            "parent ticket {} did not move, so the child is tagged but not linked",
            link.parent_id
        ),
        "check why the parent ticket did not move",
    )]);
    report.unlinked_children.push(link.record);
}

/// Tags the parent thread, once per parent.
fn tag_parent(parent: &RecordKey, tag: &RecordKey, parent_id: i64) -> Operation {
    Operation::changing(
        Phase::Links,
        format!("tagging:{parent}:{tag}"),
        DestinationOp::TagThread {
            thread: parent.clone(),
            tag: tag.clone(),
        },
    )
    .requiring([parent.clone(), tag.clone()])
    .from_source(SourceRef::new(SourceKind::Ticket, parent_id))
}
