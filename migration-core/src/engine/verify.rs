//! Verification: every moved record (or a seeded random sample of them) read back from the
//! destination and compared field by field with what the mapping says, parts (order and
//! times) and attachment checksums included.

use std::collections::BTreeMap;
use std::time::Instant;

use futures::{stream, Stream, StreamExt, TryStreamExt};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};

use super::context::Context;
use super::pipeline::Work;
use super::{Engine, EngineError, Event};
use crate::keys::{RecordKey, RecordKind};
use crate::model::destination::FileRef;
use crate::model::source::{SourceKind, SourceRef};
use crate::ops::{DestinationOp, Operation};
use crate::ports::RecordStatus;
use crate::spec::ConfirmedSpec;
use crate::verify::{compare, expectations, Comparison, Expectation, Expected};

/// Which moved records are compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "selection", rename_all = "snake_case")]
pub enum VerifySelection {
    /// Every record.
    All,
    /// About `percent` in a hundred, chosen by a hash of each record's key with the seed (the
    /// same seed picks the same records).
    Percent {
        /// Share, 1 to 100.
        percent: u8,
        /// Seed.
        seed: u64,
    },
    /// Exactly `records` records (fewer if fewer moved), chosen uniformly with the seed.
    Count {
        /// How many.
        records: usize,
        /// Seed.
        seed: u64,
    },
}

/// How to verify.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct VerifyOptions {
    /// Which records.
    pub selection: VerifySelection,
    /// Whether to compare attachment checksums: the engine hashes the source bytes and expects
    /// `parts.<n>.attachments.<m>.sha256` (lowercase hex SHA-256) in the read-back record.
    pub attachment_checksums: bool,
}

impl Default for VerifyOptions {
    fn default() -> Self {
        Self {
            selection: VerifySelection::All,
            attachment_checksums: true,
        }
    }
}

/// Verification counts of one kind of destination record.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct VerifyCounts {
    /// Records the runs moved (the source records marked migrated).
    pub migrated: u64,
    /// Records compared.
    pub checked: u64,
    /// Compared and equal.
    pub matching: u64,
    /// Compared and different in at least one field.
    pub differing: u64,
    /// Not found in the destination (or not in the ID map).
    pub missing: u64,
}

/// One field that differs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Difference {
    /// The source record.
    pub record: SourceRef,
    /// The destination record's key.
    pub key: RecordKey,
    /// The destination record's id, when it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub destination_id: Option<String>,
    /// The field (`parts.3.created_at`; `record` when the whole record is missing).
    pub field: String,
    /// What the mapping says.
    pub expected: Value,
    /// What the destination has (`None`: the field or the record is missing).
    pub found: Option<Value>,
}

/// The result of a verification.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VerifyReport {
    /// Which records were compared.
    pub selection: VerifySelection,
    /// Counts per kind of destination record.
    pub objects: BTreeMap<RecordKind, VerifyCounts>,
    /// Every difference.
    pub differences: Vec<Difference>,
    /// Whether it was stopped before the end.
    pub interrupted: bool,
    /// Wall time, in milliseconds.
    pub duration_ms: u64,
}

impl VerifyReport {
    /// Whether every compared record matched and none was missing.
    pub fn is_clean(&self) -> bool {
        self.differences.is_empty() && !self.interrupted
    }
}

/// A record to compare.
struct Candidate {
    record: SourceRef,
    expectation: Expectation,
    /// Files per part index, for checksums.
    files: Vec<(usize, Vec<FileRef>)>,
}

impl Candidate {
    fn key(&self) -> Option<&RecordKey> {
        self.expectation.key.as_ref()
    }
}

/// SplitMix64: a tiny deterministic generator, so a seed always picks the same sample.
struct SplitMix64(u64);

impl SplitMix64 {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number below `bound` (the bias is negligible for the bounds used here).
    fn below(&mut self, bound: u64) -> u64 {
        if bound == 0 {
            0
        } else {
            self.next() % bound
        }
    }
}

fn key_hash(seed: u64, key: &RecordKey) -> u64 {
    let text = key.to_string();
    let fnv = text.bytes().fold(0xcbf2_9ce4_8422_2325u64, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x100_0000_01b3)
    });
    SplitMix64(seed ^ fnv).next()
}

/// Verifies what the runs moved.
pub(crate) async fn verify(
    engine: &Engine<'_>,
    spec: &ConfirmedSpec,
    options: &VerifyOptions,
) -> Result<VerifyReport, EngineError> {
    let started = Instant::now();
    let context = Context::prepare(engine, spec, true).await?;
    let mut articles = engine.source().articles();
    while let Some(article) = articles.try_next().await.map_err(EngineError::Source)? {
        let key = RecordKey::article(article.id);
        if let Some(known) = engine
            .store()
            .lookup(&key)
            .await
            .map_err(EngineError::Store)?
        {
            context.know_article(&key, &known);
        }
    }
    let mut report = VerifyReport {
        selection: options.selection,
        objects: BTreeMap::new(),
        differences: Vec::new(),
        interrupted: false,
        duration_ms: 0,
    };
    let candidates = candidates(&context).map_ok(|found| stream::iter(found.into_iter().map(Ok::<Candidate, EngineError>))).try_flatten();
    let mut candidates = std::pin::pin!(candidates);
    let mut chosen: Vec<Candidate> = Vec::new();
    let mut reservoir = match options.selection {
        VerifySelection::Count { seed, .. } => Some(SplitMix64(seed)),
        _ => None,
    };
    let mut seen = 0u64;
    let concurrency = engine.config().concurrency;
    // All and Percent compare as they go (bounded); Count must see every record first.
    let mut checking = Vec::new();
    while let Some(candidate) = candidates.try_next().await? {
        if context.stopped() {
            report.interrupted = true;
            break;
        }
        let Some(key) = candidate.key().cloned() else {
            continue;
        };
        report.objects.entry(key.kind()).or_default().migrated += 1;
        match (options.selection, &mut reservoir) {
            (VerifySelection::All, _) => checking.push(candidate),
            (VerifySelection::Percent { percent, seed }, _) => {
                if key_hash(seed, &key) % 100 < u64::from(percent) {
                    checking.push(candidate);
                }
            }
            (VerifySelection::Count { records, .. }, Some(rng)) => {
                seen += 1;
                if chosen.len() < records {
                    chosen.push(candidate);
                } else {
                    let slot = rng.below(seen);
                    if let Some(place) = usize::try_from(slot).ok().filter(|slot| *slot < records) {
                        chosen[place] = candidate;
                    }
                }
            }
            (VerifySelection::Count { .. }, None) => {}
        }
        if checking.len() >= concurrency {
            check_all(
                &context,
                options,
                std::mem::take(&mut checking),
                &mut report,
            )
            .await?;
        }
    }
    checking.append(&mut chosen);
    check_all(&context, options, checking, &mut report).await?;
    report.duration_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
    Ok(report)
}

/// Every moved record with what it should look like, in source order.
fn candidates<'c>(
    context: &'c Context<'_, '_>,
) -> impl Stream<Item = Result<Vec<Candidate>, EngineError>> + Send + 'c {
    let source = context.source();
    let mapper = &context.mapper;
    let companies = source
        .organisations()
        .map_err(EngineError::Source)
        .map_ok(|organisation| {
            (
                SourceRef::new(SourceKind::Organisation, organisation.id),
                mapper
                    .map_organisation(&organisation)
                    .map(|mapped| mapped.operations)
                    .ok(),
            )
        });
    let contacts = source
        .callers()
        .map_err(EngineError::Source)
        .map_ok(|caller| {
            (
                SourceRef::new(SourceKind::Caller, caller.id),
                mapper
                    .map_caller(&caller)
                    .map(|mapped| mapped.operations)
                    .ok(),
            )
        });
    let articles = source
        .articles()
        .map_err(EngineError::Source)
        .map_ok(|article| {
            let mapped = context.with_articles(|known| mapper.map_article(&article, known));
            (
                SourceRef::new(SourceKind::Article, article.id),
                mapped.map(|mapped| mapped.operations).ok(),
            )
        });
    let tickets =
        source
            .tickets(None)
            .map_err(EngineError::Source)
            .and_then(move |ticket| async move {
                let work = context.ticket_work(&ticket).await?;
                let operations = work.work.into_iter().find_map(|item| match item {
                    Work::Group(group) if group.record.is_some() => Some(group.operations),
                    _ => None,
                });
                Ok((SourceRef::new(SourceKind::Ticket, ticket.id), operations))
            });
    companies
        .chain(contacts)
        .chain(articles)
        .chain(tickets)
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

fn expected_records(record: SourceRef, operations: &[Operation]) -> Vec<Candidate> {
    let mut files: BTreeMap<RecordKey, Vec<(usize, Vec<FileRef>)>> = BTreeMap::new();
    let mut indexes: BTreeMap<&RecordKey, usize> = BTreeMap::new();
    for operation in operations {
        if let DestinationOp::AddPart { thread, part } = &operation.op {
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
            Candidate {
                record,
                expectation,
                files,
            }
        })
        .collect()
}

async fn check_all(
    context: &Context<'_, '_>,
    options: &VerifyOptions,
    candidates: Vec<Candidate>,
    report: &mut VerifyReport,
) -> Result<(), EngineError> {
    let concurrency = context.engine.config().concurrency;
    let mut results = stream::iter(candidates)
        .map(|candidate| check(context, options, candidate))
        .buffered(concurrency);
    while let Some(result) = results.next().await {
        let (kind, found, differences) = result?;
        let counts = report.objects.entry(kind).or_default();
        counts.checked += 1;
        match (found, differences.is_empty()) {
            (false, _) => counts.missing += 1,
            (true, true) => counts.matching += 1,
            (true, false) => counts.differing += 1,
        }
        report.differences.extend(differences);
    }
    Ok(())
}

/// Compares one record: whether it was found, and every difference.
async fn check(
    context: &Context<'_, '_>,
    options: &VerifyOptions,
    mut candidate: Candidate,
) -> Result<(RecordKind, bool, Vec<Difference>), EngineError> {
    let Some(key) = candidate.key().cloned() else {
        return Ok((RecordKind::File, true, Vec::new()));
    };
    let record = candidate.record;
    let missing = |destination_id: Option<String>, expected: &str| Difference {
        record,
        key: key.clone(),
        destination_id,
        field: "record".into(),
        expected: Value::String(expected.into()),
        found: None,
    };
    let Some(destination) = context
        .store()
        .lookup(&key)
        .await
        .map_err(EngineError::Store)?
    else {
        return Ok((key.kind(), false, vec![missing(None, "in the ID map")]));
    };
    let observed = context
        .destination()
        .read_back(key.kind(), &destination.id)
        .await
        .map_err(|error| EngineError::Destination {
            mark: key.to_string(),
            error,
        })?;
    let Some(observed) = observed else {
        return Ok((
            key.kind(),
            false,
            vec![missing(Some(destination.id), "present in the destination")],
        ));
    };
    if key.kind().is_thread() {
        expect_parent_tag(context, &key, &mut candidate.expectation).await?;
    }
    if options.attachment_checksums {
        for (part, files) in std::mem::take(&mut candidate.files) {
            for (position, file) in files.iter().enumerate() {
                let payload = context
                    .source()
                    .attachment(file)
                    .await
                    .map_err(EngineError::Source)?;
                let checksum = hex::encode(Sha256::digest(&payload.bytes));
                candidate.expectation.fields.insert(
                    format!("parts.{part}.attachments.{position}.sha256"),
                    Expected {
                        value: Value::String(checksum),
                        comparison: Comparison::Exact,
                    },
                );
            }
        }
    }
    let diff = compare(&candidate.expectation, &observed);
    context.emit(Event::RecordVerified {
        key: key.clone(),
        differences: diff.differences.len(),
    });
    let differences = diff
        .differences
        .into_iter()
        .map(|difference| Difference {
            record,
            key: key.clone(),
            destination_id: Some(observed.id.clone()),
            field: difference.field,
            expected: difference.expected,
            found: difference.actual,
        })
        .collect();
    Ok((key.kind(), true, differences))
}

/// The links stage tags parents (the mapping of one streamed ticket cannot know it is one);
/// when it did, the tag is expected too.
async fn expect_parent_tag(
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
    if context.store().completed(&mark).await.map_err(EngineError::Store)?.is_none() {
        return Ok(());
    }
    let tags = expectation.fields.entry("tags".into()).or_insert_with(|| Expected {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_picks_the_same_records_and_another_seed_others() {
        let keys: Vec<RecordKey> = (0..1000).map(RecordKey::contact).collect();
        let pick = |seed| {
            keys.iter()
                .filter(|key| key_hash(seed, key) % 100 < 10)
                .cloned()
                .collect::<Vec<_>>()
        };
        assert_eq!(pick(7), pick(7));
        assert_ne!(pick(7), pick(8));
        let share = pick(7).len();
        assert!((60..=140).contains(&share), "{share} of 1000 at 10%");
    }

    #[test]
    fn splitmix_is_deterministic() {
        let mut a = SplitMix64(1);
        let mut b = SplitMix64(1);
        assert_eq!((a.next(), a.below(10)), (b.next(), b.below(10)));
    }
}
