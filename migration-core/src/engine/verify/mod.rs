//! Verification: every moved record (or a seeded random sample of them) read back from the
//! destination and compared field by field with what the mapping says, parts (order and
//! times) and attachment checksums included.

mod candidates;
mod foreign;
mod sampling;
mod types;

pub use foreign::{ForeignPart, CONTENT_PARTS};
pub use types::{
    Difference, UnreadableParts, VerifyCounts, VerifyOptions, VerifyReport, VerifySelection,
};

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::time::Instant;

use futures::{stream, StreamExt, TryStreamExt};
use serde_json::Value;
use sha2::{Digest, Sha256};

use super::context::Context;
use super::{Engine, EngineError, Event};
use crate::keys::{RecordKey, RecordKind};
use crate::model::destination::ObservedRecord;
use crate::model::source::SourceRef;
use crate::ops::Mark;
use crate::spec::ConfirmedSpec;
use crate::verify::{compare, Comparison, Expected};
use candidates::{candidates, expect_parent_tag, Candidate};
use foreign::take_foreign_parts;
use sampling::{key_hash, SplitMix64};

/// Verifies what the runs moved.
pub(crate) async fn verify(
    engine: &Engine<'_>,
    spec: &ConfirmedSpec,
    options: &VerifyOptions,
) -> Result<VerifyReport, EngineError> {
    let started = Instant::now();
    let context = Context::prepare(engine, spec, true).await?;
    know_articles(&context).await?;
    let mut report = VerifyReport {
        selection: options.selection,
        objects: BTreeMap::new(),
        differences: Vec::new(),
        unreadable_parts: Vec::new(),
        foreign_parts: Vec::new(),
        interrupted: false,
        duration_ms: 0,
    };
    let candidates = candidates(&context)
        .map_ok(|found| stream::iter(found.into_iter().map(Ok::<Candidate, EngineError>)))
        .try_flatten();
    let mut candidates = std::pin::pin!(candidates);
    let mut selector = Selector::new(options.selection);
    let concurrency = engine.config().concurrency;
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
        checking.extend(selector.offer(&key, candidate));
        if checking.len() >= concurrency {
            let batch = std::mem::take(&mut checking);
            check_all(&context, options, batch, &mut report).await?;
        }
    }
    checking.extend(selector.into_chosen());
    check_all(&context, options, checking, &mut report).await?;
    report.duration_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
    Ok(report)
}

/// Learns the destination record of every moved article and looks up its re-hosted images
/// (a verification hosts nothing), so the expected bodies show the links and image URLs the
/// runs wrote.
async fn know_articles(context: &Context<'_, '_>) -> Result<(), EngineError> {
    let mut articles = context.source().articles();
    while let Some(article) = articles.try_next().await.map_err(EngineError::Source)? {
        let key = RecordKey::article(article.id);
        if let Some(known) = context
            .store()
            .lookup(&key)
            .await
            .map_err(EngineError::Store)?
        {
            context.know_article(&key, &known);
        }
        context.host_images(&article.body_html).await?;
    }
    Ok(())
}

/// Which records a [`VerifySelection`] checks. All and Percent decide as each record comes, so
/// they compare as they go (bounded); Count and PerKind keep a seeded reservoir until every
/// record was seen.
struct Selector {
    selection: VerifySelection,
    reservoir: Option<SplitMix64>,
    /// Count's reservoir, and how many records it saw.
    chosen: Vec<Candidate>,
    seen: u64,
    /// PerKind's reservoirs, with how many records each saw.
    per_kind: BTreeMap<RecordKind, (Vec<Candidate>, u64)>,
}

impl Selector {
    fn new(selection: VerifySelection) -> Self {
        let reservoir = match selection {
            VerifySelection::Count { seed, .. } | VerifySelection::PerKind { seed, .. } => {
                Some(SplitMix64(seed))
            }
            _ => None,
        };
        Self {
            selection,
            reservoir,
            chosen: Vec::new(),
            seen: 0,
            per_kind: BTreeMap::new(),
        }
    }

    /// Takes the record `key`; returns it when it is to be checked now.
    fn offer(&mut self, key: &RecordKey, candidate: Candidate) -> Option<Candidate> {
        match (self.selection, &mut self.reservoir) {
            (VerifySelection::All, _) => return Some(candidate),
            (VerifySelection::Percent { percent, seed }, _) => {
                return (key_hash(seed, key) % 100 < u64::from(percent)).then_some(candidate);
            }
            (VerifySelection::Count { records, .. }, Some(rng)) => {
                keep_sampled(&mut self.chosen, &mut self.seen, records, candidate, rng);
            }
            (VerifySelection::PerKind { records, .. }, Some(rng)) => {
                let (chosen, seen) = self.per_kind.entry(key.kind()).or_default();
                keep_sampled(chosen, seen, records, candidate, rng);
            }
            (VerifySelection::Count { .. } | VerifySelection::PerKind { .. }, None) => {}
        }
        None
    }

    /// What the reservoirs kept, once every record was offered.
    fn into_chosen(self) -> impl Iterator<Item = Candidate> {
        let per_kind = self.per_kind.into_values().flat_map(|(chosen, _)| chosen);
        self.chosen.into_iter().chain(per_kind)
    }
}

/// Reservoir sampling: after `seen` candidates, `chosen` holds `records` of them, each
/// equally likely.
fn keep_sampled(
    chosen: &mut Vec<Candidate>,
    seen: &mut u64,
    records: usize,
    candidate: Candidate,
    rng: &mut SplitMix64,
) {
    *seen += 1;
    if chosen.len() < records {
        chosen.push(candidate);
    } else {
        let slot = rng.below(*seen);
        if let Some(place) = usize::try_from(slot).ok().filter(|slot| *slot < records) {
            chosen[place] = candidate;
        }
    }
}

async fn check_all(
    context: &Context<'_, '_>,
    options: &VerifyOptions,
    candidates: Vec<Candidate>,
    report: &mut VerifyReport,
) -> Result<(), EngineError> {
    let concurrency = context.engine.config().concurrency;
    let foreign = Mutex::new(Vec::new());
    let mut results = stream::iter(candidates)
        .map(|candidate| check(context, options, candidate, &foreign))
        .buffered(concurrency);
    while let Some(result) = results.next().await {
        let (kind, found, differences, unreadable) = result?;
        report.unreadable_parts.extend(unreadable);
        let counts = report.objects.entry(kind).or_default();
        counts.checked += 1;
        match (found, differences.is_empty()) {
            (false, _) => counts.missing += 1,
            (true, true) => counts.matching += 1,
            (true, false) => counts.differing += 1,
        }
        report.differences.extend(differences);
    }
    drop(results);
    let foreign = foreign
        .into_inner()
        .unwrap_or_else(|poison| poison.into_inner());
    report.foreign_parts.extend(foreign);
    // Threads finish in any order; each one's parts were added together, in its order.
    report.foreign_parts.sort_by(|a, b| a.key.cmp(&b.key));
    Ok(())
}

/// What checking one record found: its kind, whether it was found, every difference, and the
/// parts the destination cannot show.
type Checked = (RecordKind, bool, Vec<Difference>, Option<UnreadableParts>);

/// Compares one record: whether it was found, every difference, and its unreadable parts.
async fn check(
    context: &Context<'_, '_>,
    options: &VerifyOptions,
    mut candidate: Candidate,
    foreign: &Mutex<Vec<ForeignPart>>,
) -> Result<Checked, EngineError> {
    let Some(key) = candidate.key().cloned() else {
        return Ok((RecordKind::File, true, Vec::new(), None));
    };
    let mut observed = match read_back(context, &key, candidate.record).await? {
        Ok(observed) => observed,
        Err(missing) => return Ok((key.kind(), false, vec![missing], None)),
    };
    if key.kind().is_thread() {
        expect_parent_tag(context, &key, &mut candidate.expectation).await?;
        let found = take_foreign_parts(context, &candidate, &key, &mut observed).await?;
        if !found.is_empty() {
            foreign
                .lock()
                .unwrap_or_else(|poison| poison.into_inner())
                .extend(found);
        }
    }
    if options.attachment_checksums {
        expect_checksums(context, &mut candidate).await?;
    }
    Ok(compared(context, &candidate, &key, &observed))
}

/// The record `key` as the destination shows it; `Err` with the difference when it is not in
/// the ID map or not in the destination.
async fn read_back(
    context: &Context<'_, '_>,
    key: &RecordKey,
    record: SourceRef,
) -> Result<Result<ObservedRecord, Difference>, EngineError> {
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
        .lookup(key)
        .await
        .map_err(EngineError::Store)?
    else {
        return Ok(Err(missing(None, "in the ID map")));
    };
    let observed = context
        .destination()
        .read_back(key.kind(), &destination.id)
        .await
        .map_err(|error| EngineError::Destination {
            mark: Mark::from(key.to_string()),
            error,
        })?;
    Ok(observed.ok_or_else(|| missing(Some(destination.id), "present in the destination")))
}

/// Expects the SHA-256 of each attachment as the source has it now.
async fn expect_checksums(
    context: &Context<'_, '_>,
    candidate: &mut Candidate,
) -> Result<(), EngineError> {
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
    Ok(())
}

/// What the comparison of a found record with its expectation says.
fn compared(
    context: &Context<'_, '_>,
    candidate: &Candidate,
    key: &RecordKey,
    observed: &ObservedRecord,
) -> Checked {
    let record = candidate.record;
    let diff = compare(&candidate.expectation, observed);
    context.emit(Event::RecordVerified {
        key: key.clone(),
        differences: diff.differences.len(),
    });
    let unreadable = (diff.unreadable_parts > 0).then(|| UnreadableParts {
        record,
        key: key.clone(),
        destination_id: observed.id.clone(),
        parts: diff.unreadable_parts as u64,
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
    (key.kind(), true, differences, unreadable)
}
