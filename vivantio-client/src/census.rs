//! Loud decoding: every field the [registry] lists is counted on
//! every answer, so that a field a tenant spells differently (or does not send) is reported
//! instead of decoding as empty.
//!
//! A [`WireCensus`] belongs to a [`Client`](crate::Client) and its clones. It counts, per field
//! assumption, the records seen, the spelling each present value used, and values of the wrong
//! type; behaviour checks (paging, hosts) add contradictions. [`WireCensus::report`] turns the
//! counts into [`Observation`]s: a field absent from every record of non-empty answers, or
//! present with values of another type, is an observation naming the assumption.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Mutex, PoisonError};

use serde::Serialize;
use serde_json::value::RawValue;
use serde_json::Value;

use crate::assumptions::registry::{self, Assumption, Subject, ValueKind};
use crate::enums::{FieldType, StatusType};

/// Counts of one field assumption.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct FieldTally {
    /// Records (or list elements) the field was looked for on.
    pub records: u64,
    /// How many held it, by the spelling used (`null` values included).
    pub spellings: BTreeMap<String, u64>,
    /// Present values of another type than assumed.
    pub wrong_type: u64,
    /// The first such value, shortened.
    pub wrong_example: Option<String>,
}

impl FieldTally {
    /// Records that held the field under any spelling.
    pub fn present(&self) -> u64 {
        self.spellings.values().sum()
    }
}

/// What the census found against one assumption.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Observation {
    /// The assumption's id.
    pub assumption: &'static str,
    /// The action it was seen on, if any.
    pub endpoint: Option<&'static str>,
    /// What was seen.
    pub problem: Problem,
    /// The facts, in a sentence ("absent from all 4 312 records").
    pub detail: String,
}

impl Observation {
    /// The registry entry.
    pub fn entry(&self) -> &'static Assumption {
        registry::find(self.assumption).expect("observations are made of registry entries")
    }
}

/// The kind of contradiction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Problem {
    /// The field was on none of the records of non-empty answers.
    Absent,
    /// The field held values of another type.
    WrongType,
    /// A behaviour check contradicted the assumption.
    Contradicted,
}

/// The spelling a tenant uses for a field with several known spellings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Spelling {
    /// The assumption's id.
    pub assumption: &'static str,
    /// The action.
    pub endpoint: &'static str,
    /// The spelling seen.
    pub spelling: String,
    /// Records that used it.
    pub records: u64,
    /// Whether it is the project's own first spelling.
    pub primary: bool,
}

/// What the census has seen so far.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct CensusReport {
    /// Field counts, by assumption id.
    pub fields: BTreeMap<&'static str, FieldTally>,
    /// Contradicted assumptions.
    pub observations: Vec<Observation>,
    /// Spellings seen of fields that have several.
    pub spellings: Vec<Spelling>,
}

/// The counts of one client (shared by its clones).
#[derive(Debug, Default)]
pub struct WireCensus {
    state: Mutex<State>,
    samples: Mutex<Option<Samples>>,
}

/// The first answers of each action, kept when asked (for `doctor --samples`).
#[derive(Debug, Default)]
struct Samples {
    per_action: usize,
    answers: BTreeMap<&'static str, Vec<Value>>,
}

#[derive(Debug, Default)]
struct State {
    fields: BTreeMap<&'static str, FieldTally>,
    contradictions: Vec<Observation>,
}

impl WireCensus {
    /// Counts the watched fields of an answer's records (`raw`: the `Results` list or the
    /// `Item` record as sent). Records are read as borrowed key/raw-value pairs, without
    /// building a tree: counting costs a scan of the answer, not a second decode.
    pub(crate) fn observe(&self, endpoint: &str, raw: &str) {
        let mut watched = registry::fields_of(endpoint).peekable();
        if watched.peek().is_none() {
            return;
        }
        let Some(records) = records(raw) else {
            return;
        };
        if records.is_empty() {
            return;
        }
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        for assumption in watched {
            let Subject::Field { path, kind, .. } = assumption.subject else {
                continue;
            };
            let segments: Vec<&str> = path.split('.').collect();
            let tally = state.fields.entry(assumption.id).or_default();
            for record in &records {
                count(record, &segments, kind, tally);
            }
        }
    }

    /// Whether `endpoint`'s answers are counted (its records are then decoded twice).
    pub(crate) fn watches(endpoint: &str) -> bool {
        registry::fields_of(endpoint).next().is_some()
    }

    /// Keeps the records of the first `per_action` answers of every action from now on.
    pub fn record_samples(&self, per_action: usize) {
        *self.samples.lock().unwrap_or_else(PoisonError::into_inner) = Some(Samples {
            per_action,
            answers: BTreeMap::new(),
        });
    }

    /// The kept answers by action: each the `Results` list or the `Item` record, as sent.
    pub fn samples(&self) -> BTreeMap<&'static str, Vec<Value>> {
        self.samples
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .as_ref()
            .map(|samples| samples.answers.clone())
            .unwrap_or_default()
    }

    /// Whether another answer of `endpoint` is wanted as a sample.
    pub(crate) fn wants_sample(&self, endpoint: &str) -> bool {
        self.samples
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .as_ref()
            .is_some_and(|samples| {
                samples
                    .answers
                    .get(endpoint)
                    .is_none_or(|kept| kept.len() < samples.per_action)
            })
    }

    /// Keeps one answer of `endpoint` as a sample, if another is wanted.
    pub(crate) fn sample(&self, endpoint: &'static str, answer: &Value) {
        if let Some(samples) = self
            .samples
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .as_mut()
        {
            let kept = samples.answers.entry(endpoint).or_default();
            if kept.len() < samples.per_action {
                kept.push(answer.clone());
            }
        }
    }

    /// Records that a behaviour check contradicted `assumption` (an id of
    /// [`registry::ids`]); repeated details are kept once.
    pub fn contradict(
        &self,
        assumption: &'static str,
        endpoint: Option<&'static str>,
        detail: String,
    ) {
        debug_assert!(registry::find(assumption).is_some(), "{assumption}");
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        let seen = state
            .contradictions
            .iter()
            .any(|o| o.assumption == assumption && o.endpoint == endpoint);
        if !seen {
            // The detail can quote what the tenant answered (a page, an address in a body): it
            // goes to the wire report, not to the log.
            tracing::warn!(
                assumption,
                endpoint,
                "Vivantio wire assumption contradicted; the wire report says how"
            );
            state.contradictions.push(Observation {
                assumption,
                endpoint,
                problem: Problem::Contradicted,
                detail,
            });
        }
    }

    /// What has been seen so far.
    pub fn report(&self) -> CensusReport {
        let state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        let mut observations = Vec::new();
        let mut spellings = Vec::new();
        for (id, tally) in &state.fields {
            let Some(assumption) = registry::find(id) else {
                continue;
            };
            let endpoint = assumption.endpoint().map(|e| e.path);
            let names = assumption.spellings();
            if tally.records > 0 && tally.present() == 0 {
                observations.push(Observation {
                    assumption: assumption.id,
                    endpoint,
                    problem: Problem::Absent,
                    detail: format!(
                        "`{}`{} is absent from all {} records {} answered",
                        assumption
                            .field_path()
                            .unwrap_or_default()
                            .replace('|', "/"),
                        if names.len() > 1 {
                            " (under every known spelling)"
                        } else {
                            ""
                        },
                        tally.records,
                        endpoint.unwrap_or("the tenant"),
                    ),
                });
            }
            if tally.wrong_type > 0 {
                observations.push(Observation {
                    assumption: assumption.id,
                    endpoint,
                    problem: Problem::WrongType,
                    detail: format!(
                        "`{}` held {} values of another type than assumed in {} (first: {})",
                        assumption
                            .field_path()
                            .unwrap_or_default()
                            .replace('|', "/"),
                        tally.wrong_type,
                        endpoint.unwrap_or("the tenant"),
                        tally.wrong_example.as_deref().unwrap_or("?")
                    ),
                });
            }
            if names.len() > 1 {
                for (spelling, records) in &tally.spellings {
                    spellings.push(Spelling {
                        assumption: assumption.id,
                        endpoint: endpoint.unwrap_or_default(),
                        primary: names.first() == Some(&spelling.as_str()),
                        spelling: spelling.clone(),
                        records: *records,
                    });
                }
            }
        }
        observations.extend(state.contradictions.iter().cloned());
        CensusReport {
            fields: state.fields.clone(),
            observations,
            spellings,
        }
    }
}

/// A record as borrowed key/raw-value pairs.
type Record<'a> = HashMap<&'a str, &'a RawValue>;

/// The records of an answer: a list of records, or one record. `None` when the text is not
/// that shape (or a key needs unescaping): the typed decode then reports the answer.
fn records(raw: &str) -> Option<Vec<Record<'_>>> {
    if raw.trim_start().starts_with('[') {
        serde_json::from_str(raw).ok()
    } else {
        serde_json::from_str::<Record<'_>>(raw)
            .ok()
            .map(|record| vec![record])
    }
}

/// Counts the field at `segments` below `record`.
fn count(record: &Record<'_>, segments: &[&str], kind: ValueKind, tally: &mut FieldTally) {
    let Some((first, rest)) = segments.split_first() else {
        return;
    };
    let into_list = first.ends_with("[]");
    let names = first.trim_end_matches("[]").split('|');
    if rest.is_empty() {
        tally.records += 1;
        let found = names
            .into_iter()
            .find_map(|name| record.get(name).map(|raw| (name, *raw)));
        if let Some((name, raw)) = found {
            *tally.spellings.entry(name.to_string()).or_default() += 1;
            let text = raw.get().trim();
            if text != "null" && !fits(text, kind) {
                tally.wrong_type += 1;
                tally.wrong_example.get_or_insert_with(|| shorten(text));
            }
        }
        return;
    }
    let Some(child) = names.into_iter().find_map(|name| record.get(name)) else {
        return;
    };
    let text = child.get();
    if into_list {
        if let Ok(items) = serde_json::from_str::<Vec<Record<'_>>>(text) {
            for item in &items {
                count(item, rest, kind, tally);
            }
        }
    } else if let Ok(inner) = serde_json::from_str::<Record<'_>>(text) {
        count(&inner, rest, kind, tally);
    }
}

/// Whether a present, non-null value (its JSON text) has the assumed shape.
fn fits(text: &str, kind: ValueKind) -> bool {
    let first = text.as_bytes().first().copied().unwrap_or_default();
    let number = first == b'-' || first.is_ascii_digit();
    match kind {
        ValueKind::Bool => text == "true" || text == "false",
        ValueKind::Integer => {
            (number && text.parse::<i64>().is_ok())
                || serde_json::from_str::<String>(text)
                    .is_ok_and(|inner| inner.trim().parse::<i64>().is_ok())
        }
        ValueKind::Number => number,
        ValueKind::Text => first == b'"',
        ValueKind::List => first == b'[',
        ValueKind::Any => true,
        ValueKind::StatusType => known_name(text, |name| {
            !matches!(StatusType::from_name(name), StatusType::Other(_))
        }),
        ValueKind::FieldType => known_name(text, |name| {
            !matches!(FieldType::from_name(name), FieldType::Other(_))
        }),
    }
}

/// Whether a name (a JSON string) or a code (a JSON number) is one `known` accepts.
fn known_name(text: &str, known: impl Fn(&str) -> bool) -> bool {
    match serde_json::from_str::<String>(text) {
        Ok(name) => known(&name),
        Err(_) => text.parse::<i64>().is_ok() && known(text),
    }
}

fn shorten(text: &str) -> String {
    match text.char_indices().nth(40) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ACTIONS: &str = "Ticket/ActionSelectByParentId";

    #[test]
    fn a_field_absent_from_every_record_is_an_observation() {
        let census = WireCensus::default();
        census.observe(ACTIONS, r#"[{"Id": 1, "Notes": "a"}, {"Id": 2}]"#);
        let report = census.report();
        let private = report
            .observations
            .iter()
            .find(|o| o.assumption == "action.private")
            .expect("Private is absent");
        assert_eq!(private.problem, Problem::Absent);
        assert!(
            private.detail.contains("all 2 records"),
            "{}",
            private.detail
        );
    }

    #[test]
    fn an_alias_counts_as_present_and_is_reported_as_the_tenants_spelling() {
        let census = WireCensus::default();
        census.observe(ACTIONS, r#"[{"Id": 1, "IsPrivate": false}]"#);
        let report = census.report();
        assert!(report
            .observations
            .iter()
            .all(|o| o.assumption != "action.private"));
        assert_eq!(report.spellings.len(), 1);
        assert_eq!(report.spellings[0].spelling, "IsPrivate");
        assert!(!report.spellings[0].primary);
    }

    #[test]
    fn null_is_present_and_a_wrong_type_is_an_observation() {
        let census = WireCensus::default();
        census.observe(ACTIONS, r#"[{"Private": null}, {"Private": "yes"}]"#);
        let report = census.report();
        let tally = &report.fields["action.private"];
        assert_eq!(
            (tally.records, tally.present(), tally.wrong_type),
            (2, 2, 1)
        );
        let wrong = report
            .observations
            .iter()
            .find(|o| o.assumption == "action.private")
            .unwrap();
        assert_eq!(wrong.problem, Problem::WrongType);
        assert!(wrong.detail.contains("\"yes\""));
    }

    #[test]
    fn nested_fields_are_counted_per_list_element_under_either_container_spelling() {
        let census = WireCensus::default();
        let definitions = "Entity/CustomEntityDefinitionSelectByRecordTypeId";
        census.observe(
            definitions,
            r#"{"Id": 1, "FieldDefinitions": [
                {"Id": 1, "FieldType": "Text", "FieldOptions": []},
                {"Id": 2, "FieldType": "Spreadsheet"}
            ]}"#,
        );
        let report = census.report();
        assert_eq!(
            report.fields["form.fields"].spellings["FieldDefinitions"],
            1
        );
        let types = &report.fields["form.field_type"];
        assert_eq!((types.records, types.wrong_type), (2, 1));
        assert_eq!(
            report.fields["form.field_options"].spellings["FieldOptions"],
            1
        );
    }

    #[test]
    fn empty_answers_prove_nothing() {
        let census = WireCensus::default();
        census.observe(ACTIONS, "[]");
        assert!(census.report().observations.is_empty());
    }

    #[test]
    fn contradictions_are_kept_once() {
        let census = WireCensus::default();
        for _ in 0..2 {
            census.contradict(
                registry::ids::ID_FILTER_HONOURED,
                Some("Ticket/Select"),
                "records outside the window".into(),
            );
        }
        assert_eq!(census.report().observations.len(), 1);
    }
}
