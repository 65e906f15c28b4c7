//! Verification: the expected destination record versus what the destination returns,
//! compared field by field.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::keys::{RecordKey, RecordKind};
use crate::model::destination::{ObservedRecord, PartAuthor, PartKind, ThreadState};
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

/// The comparison of one record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecordDiff {
    /// The record.
    pub key: Option<RecordKey>,
    /// Every field that differs.
    pub differences: Vec<FieldDifference>,
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
    let mut by_key: BTreeMap<RecordKey, Expectation> = BTreeMap::new();
    let mut parts: BTreeMap<RecordKey, usize> = BTreeMap::new();
    let mut tags: BTreeMap<RecordKey, Vec<String>> = BTreeMap::new();
    for operation in operations {
        let mut set = |key: &RecordKey, field: String, value: Value, comparison: Comparison| {
            by_key
                .entry(key.clone())
                .or_insert_with(|| Expectation {
                    key: Some(key.clone()),
                    fields: BTreeMap::new(),
                })
                .fields
                .insert(field, Expected { value, comparison });
        };
        match &operation.op {
            DestinationOp::UpsertCompany(company) => {
                let Some(key) = &operation.creates else {
                    continue;
                };
                set(
                    key,
                    "company_id".into(),
                    company.company_id.clone().into(),
                    Comparison::Exact,
                );
                set(
                    key,
                    "name".into(),
                    company.name.clone().into(),
                    Comparison::Exact,
                );
                if let Some(website) = &company.website {
                    set(
                        key,
                        "website".into(),
                        website.clone().into(),
                        Comparison::CaseInsensitive,
                    );
                }
                if let Some(at) = company.remote_created_at {
                    set(
                        key,
                        "remote_created_at".into(),
                        at.into(),
                        Comparison::Exact,
                    );
                }
                for (name, value) in &company.custom_attributes {
                    set(
                        key,
                        format!("custom_attributes.{name}"),
                        value.to_json(),
                        Comparison::Exact,
                    );
                }
            }
            DestinationOp::UpsertContact(contact) => {
                let Some(key) = &operation.creates else {
                    continue;
                };
                set(
                    key,
                    "role".into(),
                    serde_json::to_value(contact.role).unwrap_or_default(),
                    Comparison::Exact,
                );
                set(
                    key,
                    "external_id".into(),
                    contact.external_id.clone().into(),
                    Comparison::Exact,
                );
                for (field, value) in [
                    ("email", &contact.email),
                    ("phone", &contact.phone),
                    ("name", &contact.name),
                ] {
                    if let Some(value) = value {
                        set(
                            key,
                            field.into(),
                            value.clone().into(),
                            Comparison::CaseInsensitive,
                        );
                    }
                }
                for (name, value) in &contact.custom_attributes {
                    set(
                        key,
                        format!("custom_attributes.{name}"),
                        value.to_json(),
                        Comparison::Exact,
                    );
                }
            }
            DestinationOp::CreateArticle(article) => {
                let Some(key) = &operation.creates else {
                    continue;
                };
                set(
                    key,
                    "title".into(),
                    article.title.clone().into(),
                    Comparison::Exact,
                );
                set(
                    key,
                    "body".into(),
                    article.body_html.clone().into(),
                    Comparison::Html,
                );
                set(
                    key,
                    "state".into(),
                    serde_json::to_value(article.state).unwrap_or_default(),
                    Comparison::Exact,
                );
            }
            DestinationOp::CreateConversation(opening) => {
                let Some(key) = &operation.creates else {
                    continue;
                };
                set(
                    key,
                    "source.body".into(),
                    opening.body.clone().into(),
                    Comparison::Html,
                );
                set(
                    key,
                    "created_at".into(),
                    opening.created_at.into(),
                    Comparison::Exact,
                );
            }
            DestinationOp::CreateTicket(ticket) => {
                let Some(key) = &operation.creates else {
                    continue;
                };
                set(
                    key,
                    "title".into(),
                    ticket.title.clone().into(),
                    Comparison::Exact,
                );
                set(
                    key,
                    "created_at".into(),
                    ticket.created_at.into(),
                    Comparison::Exact,
                );
                for (name, value) in &ticket.attributes {
                    set(
                        key,
                        format!("custom_attributes.{name}"),
                        value.to_json(),
                        Comparison::Exact,
                    );
                }
            }
            DestinationOp::AddPart { thread, part } => {
                let index = parts.entry(thread.clone()).or_default();
                let prefix = format!("parts.{index}");
                *index += 1;
                set(
                    thread,
                    format!("{prefix}.body"),
                    part.body_html.clone().into(),
                    Comparison::Html,
                );
                set(
                    thread,
                    format!("{prefix}.created_at"),
                    part.created_at.into(),
                    Comparison::Exact,
                );
                let author = match part.author {
                    PartAuthor::Admin(_) => "admin",
                    PartAuthor::Contact(_) => "user",
                };
                set(
                    thread,
                    format!("{prefix}.author"),
                    author.into(),
                    Comparison::Exact,
                );
                let kind = match part.kind {
                    PartKind::Comment => "comment",
                    PartKind::Note => "note",
                };
                set(
                    thread,
                    format!("{prefix}.kind"),
                    kind.into(),
                    Comparison::Exact,
                );
                set(
                    thread,
                    format!("{prefix}.attachments"),
                    part.attachments.len().into(),
                    Comparison::Exact,
                );
                set(
                    thread,
                    "parts.count".into(),
                    (*index).into(),
                    Comparison::Exact,
                );
            }
            DestinationOp::UpdateThread {
                thread,
                title,
                custom_attributes,
                ..
            } => {
                if let Some(title) = title {
                    set(
                        thread,
                        "title".into(),
                        title.clone().into(),
                        Comparison::Exact,
                    );
                }
                for (name, value) in custom_attributes {
                    set(
                        thread,
                        format!("custom_attributes.{name}"),
                        value.to_json(),
                        Comparison::Exact,
                    );
                }
            }
            // A 2.16 ticket object carries no tags, so only conversation tags can be read back.
            DestinationOp::TagThread { thread, tag } if thread.kind() != RecordKind::Ticket => {
                let list = tags.entry(thread.clone()).or_default();
                list.push(tag.id().to_string());
                set(thread, "tags".into(), list.clone().into(), Comparison::Set);
            }
            DestinationOp::SetThreadState { thread, state } => {
                let state = match state {
                    ThreadState::Conversation(state) => serde_json::to_value(state),
                    ThreadState::Ticket(state) => serde_json::to_value(state),
                };
                set(
                    thread,
                    "state".into(),
                    state.unwrap_or_default(),
                    Comparison::Exact,
                );
            }
            _ => {}
        }
    }
    by_key.into_values().collect()
}

/// Compares an expectation with what the destination returned, field by field.
pub fn compare(expectation: &Expectation, observed: &ObservedRecord) -> RecordDiff {
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
