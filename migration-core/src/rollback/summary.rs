//! What a person reads about a rollback before running it: its steps counted by action and
//! kind, and the values it cannot put back.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::UndoStep;
use crate::keys::RecordKind;

/// How many steps of one action on one kind of record a rollback takes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepCount {
    /// What the steps do (`delete`, `archive`, `restore`, `untag`, `detach`, `redact_part`,
    /// `unlink`).
    pub action: String,
    /// What they do it to (`contact`, `conversation`, `contact from company`, ...).
    pub subject: String,
    /// How many.
    pub count: u64,
}

/// Counts `steps` by action and subject, in the order each pair first appears (which, for
/// a plan, is the order the rollback reaches them).
pub fn count_steps(steps: &[UndoStep]) -> Vec<StepCount> {
    let mut counts: Vec<StepCount> = Vec::new();
    for step in steps {
        let (action, subject) = describe(step);
        match counts
            .iter_mut()
            .find(|count| count.action == action && count.subject == subject)
        {
            Some(count) => count.count += 1,
            None => counts.push(StepCount {
                action: action.to_string(),
                subject,
                count: 1,
            }),
        }
    }
    counts
}

fn describe(step: &UndoStep) -> (&'static str, String) {
    match step {
        UndoStep::Delete { kind, .. } => ("delete", kind.prefix().to_string()),
        UndoStep::Archive { kind, .. } => ("archive", kind.prefix().to_string()),
        UndoStep::Restore { kind, .. } => ("restore", kind.prefix().to_string()),
        UndoStep::Untag { kind, .. } => ("untag", kind.prefix().to_string()),
        UndoStep::Detach { .. } => ("detach", "contact from company".to_string()),
        UndoStep::RedactPart { kind, .. } => ("redact_part", kind.prefix().to_string()),
        UndoStep::Unlink { .. } => ("unlink", "linked threads".to_string()),
    }
}

/// A value a rollback leaves as the migration set it, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeptValue {
    /// Kind of record.
    pub kind: RecordKind,
    /// Its destination id.
    pub id: String,
    /// The field that keeps the migration's value.
    pub field: String,
    /// Why the rollback cannot put the old (empty) value back.
    pub reason: String,
}

/// Contact fields a restore cannot empty again, with why: Intercom's contact update (API 2.16)
/// declares `external_id` non-nullable, and the typed request sends only values it has.
const UNCLEARABLE_CONTACT_FIELDS: [(&str, &str); 3] = [
    (
        "external_id",
        "Intercom's API cannot clear an external_id (the field is not nullable); the contact keeps the id the migration set",
    ),
    (
        "name",
        "the contact had no name before; a restore only sends values, so it keeps the migrated name",
    ),
    (
        "phone",
        "the contact had no phone before; a restore only sends values, so it keeps the migrated phone",
    ),
];

/// The values restoring records that existed before the migration leaves in place: fields
/// that were empty before the run and cannot be emptied again.
pub fn kept_values(steps: &[UndoStep]) -> Vec<KeptValue> {
    steps
        .iter()
        .filter_map(|step| match step {
            UndoStep::Restore {
                kind: RecordKind::Contact,
                id,
                previous,
            } => Some((id, previous)),
            _ => None,
        })
        .flat_map(|(id, previous)| {
            UNCLEARABLE_CONTACT_FIELDS
                .iter()
                .filter(|(field, _)| previous.get(*field) == Some(&Value::Null))
                .map(|(field, reason)| KeptValue {
                    kind: RecordKind::Contact,
                    id: id.clone(),
                    field: (*field).to_string(),
                    reason: (*reason).to_string(),
                })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::RecordKey;
    use serde_json::json;

    fn restore(id: &str, previous: Value) -> UndoStep {
        UndoStep::Restore {
            kind: RecordKind::Contact,
            id: id.into(),
            previous: serde_json::from_value(previous).unwrap(),
        }
    }

    #[test]
    fn steps_are_counted_by_action_and_subject_in_plan_order() {
        let steps = vec![
            UndoStep::Delete {
                kind: RecordKind::Conversation,
                id: "1".into(),
                key: RecordKey::ticket(1),
            },
            restore("c1", json!({"name": "Old"})),
            UndoStep::Delete {
                kind: RecordKind::Conversation,
                id: "2".into(),
                key: RecordKey::ticket(2),
            },
            UndoStep::Detach {
                contact_id: "c1".into(),
                company_id: "k1".into(),
            },
        ];
        let counts = count_steps(&steps);
        let flat: Vec<(&str, &str, u64)> = counts
            .iter()
            .map(|count| (count.action.as_str(), count.subject.as_str(), count.count))
            .collect();
        assert_eq!(
            flat,
            vec![
                ("delete", "conversation", 2),
                ("restore", "contact", 1),
                ("detach", "contact from company", 1),
            ]
        );
    }

    #[test]
    fn only_fields_that_were_empty_before_are_kept() {
        let steps = vec![
            restore(
                "c1",
                json!({"external_id": null, "name": "Ada", "phone": null}),
            ),
            restore("c2", json!({"external_id": "crm-7", "name": null})),
        ];
        let kept: Vec<(String, String)> = kept_values(&steps)
            .into_iter()
            .map(|value| (value.id, value.field))
            .collect();
        assert_eq!(
            kept,
            vec![
                ("c1".to_string(), "external_id".to_string()),
                ("c1".to_string(), "phone".to_string()),
                ("c2".to_string(), "name".to_string()),
            ]
        );
    }
}
