//! Rollback planning: from the journal of what a run wrote, the steps that undo it, newest
//! first. Records that existed before the run are restored to their previous values, never
//! deleted.

use std::collections::{BTreeMap, HashSet};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::keys::{RecordKey, RecordKind};
use crate::ops::{DestinationOp, Mark, Operation};
use crate::ports::{ExecutionOutcome, WriteEffect};

mod summary;

pub use crate::ports::{JournalEntry, JournalState, UndoStep};
pub use summary::{count_steps, kept_values, KeptValue, StepCount};

/// The rollback of a run.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RollbackPlan {
    /// Steps, in the order to run them.
    pub steps: Vec<UndoStep>,
    /// Marks of operations journaled as started but not done: they may or may not have been
    /// applied; a person (or a read-back) must check them.
    pub uncertain: Vec<Mark>,
}

/// Plans the undoing of everything the journal says was done, newest first.
pub fn plan_rollback(journal: &[JournalEntry]) -> RollbackPlan {
    let mut plan = RollbackPlan::default();
    // Records the run created and that the plan deletes: changes on them need no undoing.
    let created: HashSet<RecordKey> = journal
        .iter()
        .filter_map(|entry| match &entry.state {
            JournalState::Done(ExecutionOutcome {
                effect: WriteEffect::Created,
                ..
            }) => entry.operation.creates.clone(),
            _ => None,
        })
        .collect();
    let mut ordered: Vec<&JournalEntry> = journal.iter().collect();
    ordered.sort_by_key(|entry| std::cmp::Reverse(entry.sequence));
    for entry in ordered {
        let outcome = match &entry.state {
            JournalState::Intent => {
                plan.uncertain.push(entry.operation.mark.clone());
                continue;
            }
            JournalState::Done(outcome) => outcome,
        };
        if let Some(step) = undo_one(entry, outcome, &created) {
            plan.steps.push(step);
        }
    }
    plan
}

/// The step that undoes one journalled outcome; `None` when there is nothing to undo (a match,
/// or a change on a record the plan deletes anyway) or the ids it needs are not known.
fn undo_one(
    entry: &JournalEntry,
    outcome: &ExecutionOutcome,
    created: &HashSet<RecordKey>,
) -> Option<UndoStep> {
    let operation = &entry.operation;
    let id_of = |key: &RecordKey| {
        entry
            .refs
            .get(key)
            .map(|destination| destination.id.clone())
    };
    let own_id = outcome
        .destination
        .as_ref()
        .map(|destination| destination.id.clone());
    match (&outcome.effect, &operation.creates) {
        (WriteEffect::Matched, _) => None,
        (WriteEffect::Created, Some(key)) => Some(undo_creation(key, own_id?)),
        (WriteEffect::Updated { previous }, _) => {
            undo_update(operation, previous, own_id, created, &id_of)
        }
        (WriteEffect::Created | WriteEffect::Added, _) => {
            undo_addition(&operation.op, own_id, created, &id_of)
        }
    }
}

/// Deletes a record the run created, or archives it where Intercom cannot delete that kind.
fn undo_creation(key: &RecordKey, id: String) -> UndoStep {
    let archive_only = matches!(
        key.kind(),
        RecordKind::Attribute | RecordKind::TicketType | RecordKind::TicketTypeAttribute
    );
    if archive_only {
        UndoStep::Archive {
            kind: key.kind(),
            id,
            key: key.clone(),
        }
    } else {
        UndoStep::Delete {
            kind: key.kind(),
            id,
            key: key.clone(),
        }
    }
}

/// Restores the previous values of a record that existed before the run.
fn undo_update(
    operation: &Operation,
    previous: &BTreeMap<String, Value>,
    own_id: Option<String>,
    created: &HashSet<RecordKey>,
    id_of: &dyn Fn(&RecordKey) -> Option<String>,
) -> Option<UndoStep> {
    let target = touched_record(&operation.op).or(operation.creates.as_ref())?;
    if created.contains(target) {
        return None;
    }
    let id = operation
        .creates
        .as_ref()
        .and(own_id)
        .or_else(|| id_of(target))?;
    Some(UndoStep::Restore {
        kind: target.kind(),
        id,
        previous: previous.clone(),
    })
}

/// Removes a relation or event the run added (a tag, a company, a part, a link) to records
/// the plan does not delete.
fn undo_addition(
    op: &DestinationOp,
    own_id: Option<String>,
    created: &HashSet<RecordKey>,
    id_of: &dyn Fn(&RecordKey) -> Option<String>,
) -> Option<UndoStep> {
    // A relation on a record the plan deletes goes with it.
    let deleted = |keys: &[&RecordKey]| keys.iter().any(|key| created.contains(*key));
    match op {
        DestinationOp::TagThread { thread, tag } => untag(thread, tag, created, id_of),
        DestinationOp::TagContact { contact, tag } => untag(contact, tag, created, id_of),
        DestinationOp::AttachContactToCompany { contact, company } => {
            if deleted(&[contact, company]) {
                return None;
            }
            Some(UndoStep::Detach {
                contact_id: id_of(contact)?,
                company_id: id_of(company)?,
            })
        }
        DestinationOp::AddPart { thread, .. } => {
            if deleted(&[thread]) {
                return None;
            }
            Some(UndoStep::RedactPart {
                kind: thread.kind(),
                thread_id: id_of(thread)?,
                part_id: own_id?,
            })
        }
        DestinationOp::LinkThreads { parent, child } => {
            if deleted(&[parent, child]) {
                return None;
            }
            Some(UndoStep::Unlink {
                parent_id: id_of(parent)?,
                child_id: id_of(child)?,
            })
        }
        _ => None,
    }
}

fn untag(
    target: &RecordKey,
    tag: &RecordKey,
    created: &HashSet<RecordKey>,
    id_of: &dyn Fn(&RecordKey) -> Option<String>,
) -> Option<UndoStep> {
    if created.contains(target) || created.contains(tag) {
        return None;
    }
    Some(UndoStep::Untag {
        kind: target.kind(),
        id: id_of(target)?,
        tag_id: id_of(tag)?,
    })
}

/// An entry without what rollback planning does not read (bodies, attribute values), so a
/// journal of millions of entries fits in memory.
pub fn slim(mut entry: JournalEntry) -> JournalEntry {
    match &mut entry.operation.op {
        DestinationOp::AddPart { part, .. } => {
            part.body_html.clear();
            part.attachments.clear();
        }
        DestinationOp::CreateConversation(opening) => opening.body.clear(),
        DestinationOp::CreateTicket(ticket) => {
            ticket.description.clear();
            ticket.attributes.clear();
        }
        DestinationOp::CreateArticle(article) => article.body_html.clear(),
        DestinationOp::RelinkArticle { source_html, .. } => source_html.clear(),
        DestinationOp::UpsertContact(contact) => contact.custom_attributes.clear(),
        DestinationOp::UpsertCompany(company) => company.custom_attributes.clear(),
        DestinationOp::UpdateThread {
            custom_attributes, ..
        } => custom_attributes.clear(),
        _ => {}
    }
    entry
}

/// The record an operation changes without creating it.
fn touched_record(op: &DestinationOp) -> Option<&RecordKey> {
    match op {
        DestinationOp::UpdateThread { thread, .. }
        | DestinationOp::AssignThread { thread, .. }
        | DestinationOp::SetThreadState { thread, .. } => Some(thread),
        DestinationOp::RelinkArticle { article, .. } => Some(article),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::idmap::DestinationRef;
    use crate::model::destination::{ConversationState, ThreadState};
    use crate::ops::Phase;
    use crate::ports::ResolvedRefs;

    fn entry(
        sequence: u64,
        operation: Operation,
        refs: &[(RecordKey, &str)],
        outcome: Option<(Option<&str>, WriteEffect)>,
    ) -> JournalEntry {
        JournalEntry {
            sequence,
            operation,
            refs: ResolvedRefs(
                refs.iter()
                    .map(|(key, id)| (key.clone(), DestinationRef::id(*id)))
                    .collect(),
            ),
            state: match outcome {
                Some((id, effect)) => JournalState::Done(ExecutionOutcome {
                    destination: id.map(DestinationRef::id),
                    effect,
                }),
                None => JournalState::Intent,
            },
        }
    }

    #[test]
    fn created_records_are_deleted_newest_first_and_existing_ones_restored() {
        let tag = RecordKey::tag("vip");
        let contact = RecordKey::contact(1);
        let existing_thread = RecordKey::conversation(9);
        let previous: BTreeMap<String, Value> = [("state".to_string(), Value::from("open"))].into();
        let journal = vec![
            entry(
                1,
                Operation::creating(
                    Phase::Schema,
                    tag.clone(),
                    DestinationOp::EnsureTag { name: "VIP".into() },
                ),
                &[],
                Some((Some("t1"), WriteEffect::Matched)),
            ),
            entry(
                2,
                Operation::creating(
                    Phase::Schema,
                    RecordKey::attribute("contact", "x"),
                    DestinationOp::EnsureTag { name: "x".into() },
                ),
                &[],
                Some((Some("a1"), WriteEffect::Created)),
            ),
            entry(
                3,
                Operation::creating(
                    Phase::Contacts,
                    contact.clone(),
                    DestinationOp::EnsureTag { name: "c".into() },
                ),
                &[],
                Some((Some("c1"), WriteEffect::Created)),
            ),
            entry(
                4,
                Operation::changing(
                    Phase::Contacts,
                    "tagging:c",
                    DestinationOp::TagContact {
                        contact: contact.clone(),
                        tag: tag.clone(),
                    },
                ),
                &[(contact.clone(), "c1"), (tag.clone(), "t1")],
                Some((None, WriteEffect::Added)),
            ),
            entry(
                5,
                Operation::changing(
                    Phase::ThreadDetails,
                    "tagging:t",
                    DestinationOp::TagThread {
                        thread: existing_thread.clone(),
                        tag: tag.clone(),
                    },
                ),
                &[(existing_thread.clone(), "v9"), (tag.clone(), "t1")],
                Some((None, WriteEffect::Added)),
            ),
            entry(
                6,
                Operation::changing(
                    Phase::StatesAndAssignments,
                    "state:t",
                    DestinationOp::SetThreadState {
                        thread: existing_thread.clone(),
                        state: ThreadState::Conversation(ConversationState::Closed),
                    },
                ),
                &[(existing_thread.clone(), "v9")],
                Some((
                    None,
                    WriteEffect::Updated {
                        previous: previous.clone(),
                    },
                )),
            ),
            entry(
                7,
                Operation::creating(
                    Phase::Threads,
                    RecordKey::conversation(10),
                    DestinationOp::EnsureTag { name: "n".into() },
                ),
                &[],
                None,
            ),
        ];
        let plan = plan_rollback(&journal);
        assert_eq!(
            plan.uncertain,
            vec![Mark::from("conversation:vivantio-ticket:10")]
        );
        assert_eq!(
            plan.steps,
            vec![
                UndoStep::Restore {
                    kind: RecordKind::Conversation,
                    id: "v9".into(),
                    previous
                },
                UndoStep::Untag {
                    kind: RecordKind::Conversation,
                    id: "v9".into(),
                    tag_id: "t1".into()
                },
                UndoStep::Delete {
                    kind: RecordKind::Contact,
                    id: "c1".into(),
                    key: contact
                },
                UndoStep::Archive {
                    kind: RecordKind::Attribute,
                    id: "a1".into(),
                    key: RecordKey::attribute("contact", "x")
                },
            ]
        );
    }

    #[test]
    fn nothing_that_existed_before_is_ever_deleted() {
        let key = RecordKey::company(3);
        let journal = vec![entry(
            1,
            Operation::creating(
                Phase::Companies,
                key,
                DestinationOp::EnsureTag { name: "c".into() },
            ),
            &[],
            Some((
                Some("co3"),
                WriteEffect::Updated {
                    previous: BTreeMap::new(),
                },
            )),
        )];
        let plan = plan_rollback(&journal);
        assert!(matches!(plan.steps.as_slice(), [UndoStep::Restore { id, .. }] if id == "co3"));
    }
}
