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
    let spec = context.mapper.spec();
    let parent_tag = Some(spec.parent_child.parent_tag.trim())
        .filter(|name| !name.is_empty())
        .map(RecordKey::tag);
    let tag_exists = match &parent_tag {
        Some(tag) => {
            context
                .store()
                .lookup(tag)
                .await
                .map_err(EngineError::Store)?
                .is_some()
                || context.is_planned(tag)
        }
        None => false,
    };
    let mut tagged = HashSet::new();
    let mut operations = Vec::new();
    for link in parents {
        let mut parent = None;
        for key in [
            RecordKey::conversation(link.parent_id),
            RecordKey::ticket(link.parent_id),
        ] {
            if context
                .store()
                .lookup(&key)
                .await
                .map_err(EngineError::Store)?
                .is_some()
                || context.is_planned(&key)
            {
                parent = Some(key);
                break;
            }
        }
        let Some(parent) = parent else {
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
            continue;
        };
        if let (Some(tag), true) = (&parent_tag, tag_exists) {
            if tagged.insert(parent.clone()) {
                operations.push(
                    Operation::changing(
                        Phase::Links,
                        format!("tagging:{parent}:{tag}"),
                        DestinationOp::TagThread {
                            thread: parent.clone(),
                            tag: tag.clone(),
                        },
                    )
                    .requiring([parent.clone(), tag.clone()])
                    .from_source(SourceRef::new(SourceKind::Ticket, link.parent_id)),
                );
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
