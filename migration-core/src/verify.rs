//! Verification: the expected destination record versus what the destination returns,
//! compared field by field.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::keys::{RecordKey, RecordKind};
use crate::model::destination::{
    ArticleRecord, AttributeValues, CompanyRecord, ContactRecord, ObservedRecord, PartAuthor,
    PartKind, PartRecord, ThreadState,
};
use crate::ops::{DestinationOp, Operation};
use crate::transform::html::html_to_text;

/// How one field is compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Comparison {
    /// Equal JSON values.
    Exact,
    /// Equal texts, ignoring case (emails, names Intercom may recase).
    CaseInsensitive,
    /// Equal once HTML is reduced to text (Intercom rewrites markup).
    Html,
    /// Equal lists, ignoring order and case (tags).
    Set,
}

/// One expected field value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Expected {
    /// The value.
    pub value: Value,
    /// How to compare it.
    pub comparison: Comparison,
}

/// The expected state of one destination record, built from the operations that write it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Expectation {
    /// The record.
    pub key: Option<RecordKey>,
    /// Its fields, by the names in [`ObservedRecord`].
    pub fields: BTreeMap<String, Expected>,
}

/// One field that differs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FieldDifference {
    /// Field name.
    pub field: String,
    /// What the migration wrote.
    pub expected: Value,
    /// What the destination has (`None`: the field is missing).
    pub actual: Option<Value>,
}

/// Observed field: how many parts of a thread (of every kind, events included) the destination
/// did not show because it returns only its most recent ones; `null` when it may have left some
/// out without saying how many. Absent means it showed them all.
pub const PARTS_NOT_SHOWN: &str = "parts.not_shown";

/// The comparison of one record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecordDiff {
    /// The record.
    pub key: Option<RecordKey>,
    /// Every field that differs.
    pub differences: Vec<FieldDifference>,
    /// The oldest expected parts the destination's API does not show (see
    /// [`PARTS_NOT_SHOWN`]): not compared, and not differences.
    #[serde(default)]
    pub unreadable_parts: usize,
}

impl RecordDiff {
    /// Whether the record is as expected.
    pub fn is_match(&self) -> bool {
        self.differences.is_empty()
    }
}

/// The expectations of the records written by `operations` (one per created record, with
/// the parts, attributes, tags and state later operations add to it).
pub fn expectations(operations: &[Operation]) -> Vec<Expectation> {
    let mut builder = ExpectationBuilder::default();
    for operation in operations {
        builder.add(operation);
    }
    builder.by_key.into_values().collect()
}

/// The expectations gathered so far, with the running part count and tag list of each thread
/// (later operations append to them, so each needs what the earlier ones wrote).
#[derive(Default)]
struct ExpectationBuilder {
    by_key: BTreeMap<RecordKey, Expectation>,
    parts: BTreeMap<RecordKey, usize>,
    tags: BTreeMap<RecordKey, Vec<String>>,
}

impl ExpectationBuilder {
    /// Records what one operation writes; operations that write nothing readable add nothing.
    fn add(&mut self, operation: &Operation) {
        let created = operation.creates.as_ref();
        match (&operation.op, created) {
            (DestinationOp::UpsertCompany(company), Some(key)) => self.company(key, company),
            (DestinationOp::UpsertContact(contact), Some(key)) => self.contact(key, contact),
            (DestinationOp::CreateArticle(article), Some(key)) => self.article(key, article),
            (DestinationOp::CreateConversation(opening), Some(key)) => {
                self.set(key, "source.body", opening.body.clone(), Comparison::Html);
                self.set(key, "created_at", opening.created_at, Comparison::Exact);
            }
            (DestinationOp::CreateTicket(ticket), Some(key)) => {
                self.set(key, "title", ticket.title.clone(), Comparison::Exact);
                self.set(key, "created_at", ticket.created_at, Comparison::Exact);
                self.custom_attributes(key, &ticket.attributes);
            }
            (DestinationOp::AddPart { thread, part }, _) => self.part(thread, part),
            (
                DestinationOp::UpdateThread {
                    thread,
                    title,
                    custom_attributes,
                    ..
                },
                _,
            ) => {
                if let Some(title) = title {
                    self.set(thread, "title", title.clone(), Comparison::Exact);
                }
                self.custom_attributes(thread, custom_attributes);
            }
            // A 2.16 ticket object carries no tags, so only conversation tags can be read back.
            (DestinationOp::TagThread { thread, tag }, _)
                if thread.kind() != RecordKind::Ticket =>
            {
                self.tag(thread, tag)
            }
            (DestinationOp::SetThreadState { thread, state }, _) => self.state(thread, state),
            _ => {}
        }
    }

    /// Sets one expected field of a record, creating its expectation on first use.
    fn set(
        &mut self,
        key: &RecordKey,
        field: impl Into<String>,
        value: impl Into<Value>,
        comparison: Comparison,
    ) {
        self.by_key
            .entry(key.clone())
            .or_insert_with(|| Expectation {
                key: Some(key.clone()),
                fields: BTreeMap::new(),
            })
            .fields
            .insert(
                field.into(),
                Expected {
                    value: value.into(),
                    comparison,
                },
            );
    }

    fn custom_attributes(&mut self, key: &RecordKey, values: &AttributeValues) {
        for (name, value) in values {
            self.set(
                key,
                format!("custom_attributes.{name}"),
                value.to_json(),
                Comparison::Exact,
            );
        }
    }

    fn company(&mut self, key: &RecordKey, company: &CompanyRecord) {
        self.set(
            key,
            "company_id",
            company.company_id.clone(),
            Comparison::Exact,
        );
        self.set(key, "name", company.name.clone(), Comparison::Exact);
        if let Some(website) = &company.website {
            self.set(key, "website", website.clone(), Comparison::CaseInsensitive);
        }
        if let Some(at) = company.remote_created_at {
            self.set(key, "remote_created_at", at, Comparison::Exact);
        }
        self.custom_attributes(key, &company.custom_attributes);
    }

    fn contact(&mut self, key: &RecordKey, contact: &ContactRecord) {
        let role = serde_json::to_value(contact.role).unwrap_or_default();
        self.set(key, "role", role, Comparison::Exact);
        self.set(
            key,
            "external_id",
            contact.external_id.clone(),
            Comparison::Exact,
        );
        for (field, value) in [
            ("email", &contact.email),
            ("phone", &contact.phone),
            ("name", &contact.name),
        ] {
            if let Some(value) = value {
                self.set(key, field, value.clone(), Comparison::CaseInsensitive);
            }
        }
        self.custom_attributes(key, &contact.custom_attributes);
    }

    fn article(&mut self, key: &RecordKey, article: &ArticleRecord) {
        self.set(key, "title", article.title.clone(), Comparison::Exact);
        self.set(key, "body", article.body_html.clone(), Comparison::Html);
        let state = serde_json::to_value(article.state).unwrap_or_default();
        self.set(key, "state", state, Comparison::Exact);
    }

    /// Expects the part as the next one of its thread, numbered in the order written.
    fn part(&mut self, thread: &RecordKey, part: &PartRecord) {
        let index = self.parts.entry(thread.clone()).or_default();
        let prefix = format!("parts.{index}");
        *index += 1;
        let count = *index;
        let author = match part.author {
            PartAuthor::Admin(_) => "admin",
            PartAuthor::Contact(_) => "user",
        };
        let kind = match part.kind {
            PartKind::Comment => "comment",
            PartKind::Note => "note",
        };
        let body = part.body_html.clone();
        self.set(thread, format!("{prefix}.body"), body, Comparison::Html);
        let created_at = part.created_at;
        self.set(
            thread,
            format!("{prefix}.created_at"),
            created_at,
            Comparison::Exact,
        );
        self.set(
            thread,
            format!("{prefix}.author"),
            author,
            Comparison::Exact,
        );
        self.set(thread, format!("{prefix}.kind"), kind, Comparison::Exact);
        let attachments = part.attachments.len();
        self.set(
            thread,
            format!("{prefix}.attachments"),
            attachments,
            Comparison::Exact,
        );
        self.set(thread, "parts.count", count, Comparison::Exact);
    }

    /// Expects the thread's tags as the whole list tagged so far.
    fn tag(&mut self, thread: &RecordKey, tag: &RecordKey) {
        let list = self.tags.entry(thread.clone()).or_default();
        list.push(tag.id().to_string());
        let list = list.clone();
        self.set(thread, "tags", list, Comparison::Set);
    }

    fn state(&mut self, thread: &RecordKey, state: &ThreadState) {
        let state = match state {
            ThreadState::Conversation(state) => serde_json::to_value(state),
            ThreadState::Ticket(state) => serde_json::to_value(state),
        };
        self.set(
            thread,
            "state",
            state.unwrap_or_default(),
            Comparison::Exact,
        );
    }
}

/// Compares an expectation with what the destination returned, field by field.
///
/// When the destination shows only the most recent parts of a thread, the expected parts are
/// lined up from the newest: the oldest ones it cannot show are counted in
/// [`RecordDiff::unreadable_parts`] and not compared.
pub fn compare(expectation: &Expectation, observed: &ObservedRecord) -> RecordDiff {
    let unreadable = unreadable_parts(expectation, observed);
    let shifted;
    let expectation = if unreadable > 0 {
        shifted = without_oldest_parts(expectation, unreadable);
        &shifted
    } else {
        expectation
    };
    let differences = expectation
        .fields
        .iter()
        .filter_map(|(field, expected)| {
            let actual = observed.fields.get(field);
            let same =
                actual.is_some_and(|actual| equal(&expected.value, actual, expected.comparison));
            (!same).then(|| FieldDifference {
                field: field.clone(),
                expected: expected.value.clone(),
                actual: actual.cloned(),
            })
        })
        .collect();
    RecordDiff {
        key: expectation.key.clone(),
        differences,
        unreadable_parts: unreadable,
    }
}

/// How many of the expected parts are older than what the destination shows: the shortfall of
/// parts read back, up to the number of parts it says it left out.
fn unreadable_parts(expectation: &Expectation, observed: &ObservedRecord) -> usize {
    let count = |value: &Value| value.as_u64().and_then(|n| usize::try_from(n).ok());
    let Some(expected) = expectation
        .fields
        .get("parts.count")
        .and_then(|expected| count(&expected.value))
    else {
        return 0;
    };
    let shown = observed
        .fields
        .get("parts.count")
        .and_then(count)
        .unwrap_or(0);
    let shortfall = expected.saturating_sub(shown);
    match observed.fields.get(PARTS_NOT_SHOWN) {
        None => 0,
        Some(Value::Null) => shortfall,
        Some(not_shown) => shortfall.min(count(not_shown).unwrap_or(0)),
    }
}

/// The expectation without its `hidden` oldest parts, the others renumbered from 0.
fn without_oldest_parts(expectation: &Expectation, hidden: usize) -> Expectation {
    let mut fields = BTreeMap::new();
    for (field, expected) in &expectation.fields {
        if field == "parts.count" {
            let count = expected.value.as_u64().unwrap_or(0);
            let value = count.saturating_sub(hidden as u64).into();
            fields.insert(
                field.clone(),
                Expected {
                    value,
                    comparison: expected.comparison,
                },
            );
            continue;
        }
        let indexed = field.strip_prefix("parts.").and_then(|rest| {
            let (index, tail) = rest.split_once('.')?;
            Some((index.parse::<usize>().ok()?, tail))
        });
        match indexed {
            Some((index, _)) if index < hidden => {}
            Some((index, tail)) => {
                fields.insert(format!("parts.{}.{tail}", index - hidden), expected.clone());
            }
            None => {
                fields.insert(field.clone(), expected.clone());
            }
        }
    }
    Expectation {
        key: expectation.key.clone(),
        fields,
    }
}

fn equal(expected: &Value, actual: &Value, comparison: Comparison) -> bool {
    match comparison {
        Comparison::Exact => expected == actual || numbers_equal(expected, actual),
        Comparison::CaseInsensitive => match (expected.as_str(), actual.as_str()) {
            (Some(left), Some(right)) => {
                left.trim().eq_ignore_ascii_case(right.trim())
                    || left.trim().to_lowercase() == right.trim().to_lowercase()
            }
            _ => expected == actual,
        },
        Comparison::Html => match (expected.as_str(), actual.as_str()) {
            (Some(left), Some(right)) => normalise_text(left) == normalise_text(right),
            _ => expected == actual,
        },
        Comparison::Set => {
            let set = |value: &Value| {
                let mut items: Vec<String> = value
                    .as_array()
                    .map(|items| {
                        items
                            .iter()
                            .filter_map(Value::as_str)
                            .map(str::to_lowercase)
                            .collect()
                    })
                    .unwrap_or_default();
                items.sort();
                items.dedup();
                items
            };
            set(expected) == set(actual)
        }
    }
}

fn numbers_equal(left: &Value, right: &Value) -> bool {
    match (left.as_f64(), right.as_f64()) {
        (Some(a), Some(b)) => (a - b).abs() < 1e-9,
        _ => false,
    }
}

fn normalise_text(html: &str) -> String {
    html_to_text(html)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// A thread expected with `parts` notes whose bodies are their numbers.
    fn thread(parts: usize) -> Expectation {
        let mut fields = BTreeMap::new();
        for index in 0..parts {
            fields.insert(
                format!("parts.{index}.body"),
                Expected {
                    value: json!(format!("<p>{index}</p>")),
                    comparison: Comparison::Html,
                },
            );
        }
        fields.insert(
            "parts.count".into(),
            Expected {
                value: json!(parts),
                comparison: Comparison::Exact,
            },
        );
        Expectation {
            key: Some(RecordKey::ticket(1)),
            fields,
        }
    }

    /// The destination showing parts `from..to` of the thread, and saying how many it left out.
    fn shown(from: usize, to: usize, not_shown: Option<Value>) -> ObservedRecord {
        let mut fields = BTreeMap::new();
        for index in from..to {
            fields.insert(
                format!("parts.{}.body", index - from),
                json!(format!("<p>{index}</p>")),
            );
        }
        fields.insert("parts.count".into(), json!(to - from));
        if let Some(not_shown) = not_shown {
            fields.insert(PARTS_NOT_SHOWN.into(), not_shown);
        }
        ObservedRecord {
            key: None,
            id: "1".into(),
            fields,
        }
    }

    #[test]
    fn parts_older_than_what_the_destination_shows_are_unreadable_not_different() {
        let diff = compare(&thread(650), &shown(150, 650, Some(json!(150))));
        assert!(diff.is_match(), "{:?}", diff.differences);
        assert_eq!(diff.unreadable_parts, 150);
        // Events among the newest parts push written ones out; `null` says "some, unknown".
        let diff = compare(&thread(650), &shown(151, 650, Some(Value::Null)));
        assert!(diff.is_match(), "{:?}", diff.differences);
        assert_eq!(diff.unreadable_parts, 151);
    }

    #[test]
    fn parts_missing_beyond_what_the_destination_left_out_are_differences() {
        // It says it left out 100 parts, but 150 are short: 50 were never written.
        let diff = compare(&thread(650), &shown(150, 650, Some(json!(100))));
        assert_eq!(diff.unreadable_parts, 100);
        assert!(diff
            .differences
            .iter()
            .any(|difference| difference.field == "parts.count"));
        // Without the field, the destination showed everything: every shortfall differs.
        let diff = compare(&thread(3), &shown(0, 2, None));
        assert_eq!(diff.unreadable_parts, 0);
        assert_eq!(diff.differences.len(), 2, "{:?}", diff.differences);
    }

    #[test]
    fn a_wrong_part_among_those_shown_is_still_a_difference() {
        let mut observed = shown(150, 650, Some(json!(150)));
        observed
            .fields
            .insert("parts.499.body".into(), json!("<p>tampered</p>"));
        let diff = compare(&thread(650), &observed);
        assert_eq!(diff.unreadable_parts, 150);
        assert_eq!(diff.differences.len(), 1);
        assert_eq!(diff.differences[0].field, "parts.499.body");
        assert_eq!(diff.differences[0].expected, json!("<p>649</p>"));
    }
}
