//! Parts of a migrated thread that the migration did not write: what the destination's own
//! automation added (a workflow or AI agent reply, a survey). The journal knows the id of every
//! part the runs added; any other content part the destination shows is foreign. Foreign parts
//! are named in the report and taken out of the observed `parts.<n>` before the comparison, so
//! the written parts still line up with what the mapping expects.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::super::context::Context;
use super::super::EngineError;
use super::candidates::Candidate;
use crate::keys::RecordKey;
use crate::model::destination::ObservedRecord;
use crate::model::source::SourceRef;
use crate::transform::html::html_to_text;

/// Prefix of the observed fields that list every content part of a thread, whoever wrote it:
/// `content_parts.<n>.id|kind|author|author_id|author_name|body|created_at` and
/// `content_parts.count` (assignment, state and attribute events left out). A destination that
/// does not produce them is not checked for foreign parts.
pub const CONTENT_PARTS: &str = "content_parts";

/// Characters of a foreign part's text kept in the report.
const BODY_START: usize = 120;

/// A part of a migrated conversation or ticket that the migration did not write and that is
/// not an assignment or state event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ForeignPart {
    /// The source record of the thread.
    pub record: SourceRef,
    /// The thread's key.
    pub key: RecordKey,
    /// The thread's id in the destination.
    pub destination_id: String,
    /// The part's id.
    pub part_id: String,
    /// The part's type (`comment`, `note`, `quick_reply`, ...).
    pub kind: String,
    /// Who wrote it (`bot`, `admin`, `user`, ...).
    pub author: String,
    /// The author's id, when the destination gives one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author_id: Option<String>,
    /// The author's name, when the destination gives one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author_name: Option<String>,
    /// When it was written (Unix seconds).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at: Option<i64>,
    /// The start of its text (markup removed).
    pub body_start: String,
}

impl ForeignPart {
    /// `Fin (bot 278)`, `bot`: who wrote it, as a person reads it.
    pub fn author_text(&self) -> String {
        let who = match &self.author_id {
            Some(id) => format!("{} {id}", self.author),
            None => self.author.clone(),
        };
        match &self.author_name {
            Some(name) if !name.trim().is_empty() => format!("{name} ({who})"),
            _ => who,
        }
    }
}

/// The foreign parts of a thread read back as `observed`, taken out of its `parts.<n>`.
pub(super) async fn take_foreign_parts(
    context: &Context<'_, '_>,
    candidate: &Candidate,
    key: &RecordKey,
    observed: &mut ObservedRecord,
) -> Result<Vec<ForeignPart>, EngineError> {
    let count = observed
        .fields
        .get(&format!("{CONTENT_PARTS}.count"))
        .and_then(Value::as_u64)
        .unwrap_or(0);
    if count == 0 {
        return Ok(Vec::new());
    }
    let mut written = Written::of(context, candidate).await?;
    let mut foreign = Vec::new();
    for index in 0..count {
        let part = ContentPart {
            fields: &observed.fields,
            prefix: format!("{CONTENT_PARTS}.{index}"),
        };
        let Some(part_id) = part.text("id") else {
            continue;
        };
        let created_at = part.created_at();
        if written.claims(&part_id, created_at) {
            continue;
        }
        foreign.push(ForeignPart {
            record: candidate.record,
            key: key.clone(),
            destination_id: observed.id.clone(),
            part_id,
            kind: part.text("kind").unwrap_or_default(),
            author: part.text("author").unwrap_or_else(|| "unknown".into()),
            author_id: part.text("author_id"),
            author_name: part.text("author_name"),
            created_at,
            body_start: body_start(part.text("body").as_deref()),
        });
    }
    let ids: HashSet<&str> = foreign.iter().map(|part| part.part_id.as_str()).collect();
    drop_parts(&mut observed.fields, &ids);
    Ok(foreign)
}

/// The parts the runs wrote to a thread: the ids the journal holds, and how many it lacks the
/// id of with the historical times the mapping gives the parts (such a part is recognised by
/// its time instead).
struct Written {
    ids: HashSet<String>,
    unknown: usize,
    times: Vec<i64>,
}

impl Written {
    /// What the journal says of the parts of `candidate`.
    async fn of(context: &Context<'_, '_>, candidate: &Candidate) -> Result<Self, EngineError> {
        let mut ids = HashSet::new();
        let mut unknown = 0usize;
        for mark in &candidate.part_marks {
            let outcome = context
                .store()
                .completed(mark)
                .await
                .map_err(EngineError::Store)?;
            match outcome.and_then(|outcome| outcome.destination) {
                Some(destination) => {
                    ids.insert(destination.id);
                }
                None => unknown += 1,
            }
        }
        let times = if unknown > 0 {
            candidate
                .expectation
                .fields
                .iter()
                .filter(|(field, _)| field.starts_with("parts.") && field.ends_with(".created_at"))
                .filter_map(|(_, expected)| expected.value.as_i64())
                .collect()
        } else {
            Vec::new()
        };
        Ok(Self {
            ids,
            unknown,
            times,
        })
    }

    /// Whether the part `id` written at `created_at` is one the runs wrote; a part recognised
    /// by its time uses that time up.
    fn claims(&mut self, id: &str, created_at: Option<i64>) -> bool {
        if self.ids.contains(id) {
            return true;
        }
        if self.unknown == 0 {
            return false;
        }
        let Some(position) =
            created_at.and_then(|at| self.times.iter().position(|expected| *expected == at))
        else {
            return false;
        };
        self.times.swap_remove(position);
        self.unknown -= 1;
        true
    }
}

/// One content part as the observed fields show it (`content_parts.<n>.*`).
struct ContentPart<'o> {
    fields: &'o BTreeMap<String, Value>,
    prefix: String,
}

impl ContentPart<'_> {
    fn text(&self, field: &str) -> Option<String> {
        self.fields
            .get(&format!("{}.{field}", self.prefix))
            .and_then(Value::as_str)
            .map(str::to_owned)
    }

    fn created_at(&self) -> Option<i64> {
        self.fields
            .get(&format!("{}.created_at", self.prefix))
            .and_then(Value::as_i64)
    }
}

/// The first characters of a body's text, whitespace collapsed.
fn body_start(body: Option<&str>) -> String {
    let text = html_to_text(body.unwrap_or_default())
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    if text.chars().count() <= BODY_START {
        return text;
    }
    let mut start: String = text.chars().take(BODY_START).collect();
    start.push('…');
    start
}

/// Removes the parts with these ids from `parts.<n>.*`, renumbering the others from 0 and
/// lowering `parts.count`.
fn drop_parts(fields: &mut BTreeMap<String, Value>, ids: &HashSet<&str>) {
    if ids.is_empty() {
        return;
    }
    let dropped: BTreeSet<usize> = fields
        .iter()
        .filter_map(|(field, value)| {
            let index = field.strip_prefix("parts.")?.strip_suffix(".id")?;
            let id = value.as_str()?;
            ids.contains(id).then(|| index.parse().ok()).flatten()
        })
        .collect();
    if dropped.is_empty() {
        return;
    }
    let indexed: Vec<String> = fields
        .keys()
        .filter(|field| part_index(field).is_some())
        .cloned()
        .collect();
    let mut renumbered = Vec::new();
    for field in indexed {
        let Some((index, tail)) = part_index(&field) else {
            continue;
        };
        let tail = tail.to_owned();
        let value = fields.remove(&field);
        if dropped.contains(&index) {
            continue;
        }
        let before = dropped.range(..index).count();
        if let Some(value) = value {
            renumbered.push((format!("parts.{}.{tail}", index - before), value));
        }
    }
    fields.extend(renumbered);
    if let Some(count) = fields.get("parts.count").and_then(Value::as_u64) {
        let left = count.saturating_sub(dropped.len() as u64);
        fields.insert("parts.count".into(), left.into());
    }
}

/// `parts.<n>.<tail>` as `(n, tail)`.
fn part_index(field: &str) -> Option<(usize, &str)> {
    let (index, tail) = field.strip_prefix("parts.")?.split_once('.')?;
    Some((index.parse().ok()?, tail))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn dropped_parts_leave_the_others_renumbered_in_order() {
        let mut fields: BTreeMap<String, Value> = BTreeMap::new();
        for (index, id) in ["90", "91", "92", "93"].iter().enumerate() {
            fields.insert(format!("parts.{index}.id"), json!(id));
            fields.insert(format!("parts.{index}.body"), json!(format!("body {id}")));
        }
        fields.insert("parts.count".into(), json!(4));
        fields.insert("parts.not_shown".into(), json!(null));
        drop_parts(&mut fields, &HashSet::from(["90", "92"]));
        assert_eq!(fields["parts.count"], json!(2));
        assert_eq!(fields["parts.0.id"], json!("91"));
        assert_eq!(fields["parts.1.body"], json!("body 93"));
        assert!(!fields.contains_key("parts.2.id"));
        assert!(fields.contains_key("parts.not_shown"));
    }

    #[test]
    fn a_body_start_is_text_cut_short() {
        assert_eq!(body_start(Some("<p>Hi   <b>there</b></p>")), "Hi there");
        let long = format!("<p>{}</p>", "word ".repeat(100));
        let start = body_start(Some(&long));
        assert!(start.ends_with('…'));
        assert_eq!(start.chars().count(), BODY_START + 1);
    }

    #[test]
    fn authors_read_with_their_name() {
        let part = ForeignPart {
            record: SourceRef::new(crate::model::source::SourceKind::Ticket, 1),
            key: RecordKey::conversation(1),
            destination_id: "7".into(),
            part_id: "9".into(),
            kind: "comment".into(),
            author: "bot".into(),
            author_id: Some("278".into()),
            author_name: Some("Fin".into()),
            created_at: None,
            body_start: String::new(),
        };
        assert_eq!(part.author_text(), "Fin (bot 278)");
    }
}
