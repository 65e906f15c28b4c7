//! What a run shares between its stages: the compiled mapper, the article cache the renderer
//! reads, the journal's unsettled intents, and the records this run could not create.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex, MutexGuard, RwLock};

use futures::{StreamExt, TryStreamExt};

use super::{Engine, EngineError, Event};
use crate::delta::Watermark;
use crate::idmap::{DestinationRef, IdMap};
use crate::keys::{RecordKey, RecordKind};
use crate::model::source::{SourceKind, SourceRef, SourceSchema};
use crate::ops::Mark;
use crate::ports::{Destination, Source, StateStore};
use crate::reject::{Finding, ReasonCode, RedactionTotals};
use crate::rollback::JournalState;
use crate::scope::{referenced_people, ScopeFilter};
use crate::spec::ConfirmedSpec;
use crate::transform::{Mapper, SourceDirectory};

/// Why a record this run needs is not there.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Unavailable {
    pub key: RecordKey,
    pub reason: String,
}

/// The shared state of one run (or verification).
pub(crate) struct Context<'e, 'a> {
    pub engine: &'e Engine<'a>,
    pub mapper: Mapper,
    pub schema: SourceSchema,
    /// Which records move (the mapper's directory knows only the people that do).
    pub scope: Arc<ScopeFilter>,
    pub dry_run: bool,
    /// The watermark a delta moves from (its marks are made unique with it).
    pub since: Option<Watermark>,
    /// Articles known in the destination and re-hosted images, for rendering bodies.
    articles: RwLock<IdMap>,
    /// Articles created (or found done in the journal) by the stage under way. They join
    /// `articles` when the stage ends, so that how a body renders, and whether it needs a
    /// relink, does not depend on which concurrent creates happened to finish first.
    stage_articles: Mutex<Vec<(RecordKey, DestinationRef)>>,
    /// Marks journalled as intents with no outcome, with their sequences.
    unsettled: Mutex<HashMap<Mark, Vec<u64>>>,
    /// Records this run could not create, with why.
    unavailable: Mutex<HashMap<RecordKey, String>>,
    /// Records a dry run would have created.
    planned: Mutex<HashSet<RecordKey>>,
    /// The latest change seen in the source.
    seen: Mutex<Option<Watermark>>,
    /// Findings per reason code.
    findings: Mutex<BTreeMap<ReasonCode, u64>>,
    /// Values redacted per rule, from the `redacted` findings.
    redactions: Mutex<RedactionTotals>,
    /// Whether the placeholder contact was queued in this run.
    pub placeholder_queued: AtomicBool,
    /// Attachment kibibytes that may be in memory at once (see
    /// [`super::EngineConfig::file_bytes_in_flight`]).
    pub file_budget: tokio::sync::Semaphore,
    /// The budget's size in kibibytes: the most one part takes.
    pub file_budget_kib: u32,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic while holding one of these locks cannot leave the data half-written (every
    // critical section is a single insert or remove), so a poisoned lock is still usable.
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl<'e, 'a> Context<'e, 'a> {
    /// Reads the source schema and directory, compiles the mapper and reads the journal's
    /// unsettled intents.
    pub async fn prepare(
        engine: &'e Engine<'a>,
        spec: &ConfirmedSpec,
        dry_run: bool,
    ) -> Result<Self, EngineError> {
        let schema = engine
            .source()
            .schema()
            .await
            .map_err(EngineError::Source)?;
        let mut directory = build_directory(engine.source()).await?;
        // An invalid zone is refused by `Mapper::new` below, before anything is judged.
        let scope = Arc::new(ScopeFilter::of_spec(spec.spec(), &schema));
        if scope.people_referenced() {
            referenced_people(engine.source(), &scope, &directory)
                .await
                .map_err(EngineError::Source)?
                .restrict(&mut directory);
        }
        let mapper = Mapper::new(spec.spec(), &schema, directory)?;
        // Kibibytes, so the count fits `acquire_many`'s u32 (and the semaphore's maximum).
        let file_budget_kib = u32::try_from(engine.config.file_bytes_in_flight.div_ceil(1024))
            .unwrap_or(u32::MAX)
            .max(1);
        let context = Self {
            engine,
            mapper,
            schema,
            scope,
            dry_run,
            since: None,
            articles: RwLock::new(IdMap::new()),
            stage_articles: Mutex::new(Vec::new()),
            unsettled: Mutex::new(HashMap::new()),
            unavailable: Mutex::new(HashMap::new()),
            planned: Mutex::new(HashSet::new()),
            seen: Mutex::new(None),
            findings: Mutex::new(BTreeMap::new()),
            redactions: Mutex::new(RedactionTotals::default()),
            placeholder_queued: AtomicBool::new(false),
            file_budget: tokio::sync::Semaphore::new(file_budget_kib as usize),
            file_budget_kib,
        };
        context.read_unsettled().await?;
        Ok(context)
    }

    pub fn source(&self) -> &'a dyn Source {
        self.engine.source()
    }

    pub fn destination(&self) -> &'a dyn Destination {
        self.engine.destination()
    }

    pub fn store(&self) -> &'a dyn StateStore {
        self.engine.store()
    }

    pub fn emit(&self, event: Event) {
        self.engine.emit(event);
    }

    pub fn stopped(&self) -> bool {
        self.engine.stop.is_stopped()
    }

    async fn read_unsettled(&self) -> Result<(), EngineError> {
        let mut journal = self.store().journal();
        let mut unsettled: HashMap<Mark, Vec<u64>> = HashMap::new();
        while let Some(entry) = journal.next().await {
            let entry = entry.map_err(EngineError::Store)?;
            match entry.state {
                JournalState::Intent => unsettled
                    .entry(entry.operation.mark)
                    .or_default()
                    .push(entry.sequence),
                JournalState::Done(_) => {
                    unsettled.remove(&entry.operation.mark);
                }
            }
        }
        *lock(&self.unsettled) = unsettled;
        Ok(())
    }

    /// Takes the unsettled intents of `mark`, if any.
    pub fn take_unsettled(&self, mark: &str) -> Option<Vec<u64>> {
        lock(&self.unsettled).remove(mark)
    }

    /// Gives back unsettled intents that could not be settled now.
    pub fn keep_unsettled(&self, mark: &str, sequences: Vec<u64>) {
        lock(&self.unsettled)
            .entry(Mark::from(mark.to_string()))
            .or_default()
            .extend(sequences);
    }

    pub fn mark_unavailable(&self, key: RecordKey, reason: impl Into<String>) {
        lock(&self.unavailable).insert(key, reason.into());
    }

    pub fn unavailable(&self, key: &RecordKey) -> Option<Unavailable> {
        lock(&self.unavailable).get(key).map(|reason| Unavailable {
            key: key.clone(),
            reason: reason.clone(),
        })
    }

    pub fn plan_created(&self, key: RecordKey) {
        lock(&self.planned).insert(key);
    }

    pub fn is_planned(&self, key: &RecordKey) -> bool {
        lock(&self.planned).contains(key)
    }

    /// Records that an article exists in the destination, for rendering links to it.
    pub fn know_article(&self, key: &RecordKey, destination: &DestinationRef) {
        if key.kind() == RecordKind::Article {
            if let Ok(mut articles) = self.articles.write() {
                articles.insert(key.clone(), destination.clone());
            }
        }
    }

    /// Records an article an operation of the stage under way created; bodies see it once the
    /// stage ends ([`Self::publish_stage_articles`]).
    pub fn created_article(&self, key: &RecordKey, destination: &DestinationRef) {
        if key.kind() == RecordKind::Article {
            lock(&self.stage_articles).push((key.clone(), destination.clone()));
        }
    }

    /// Makes the articles the finished stage created visible to the renderer.
    pub fn publish_stage_articles(&self) {
        let created = std::mem::take(&mut *lock(&self.stage_articles));
        for (key, destination) in created {
            self.know_article(&key, &destination);
        }
    }

    /// Records that an inline image is re-hosted, for rewriting bodies that show it.
    pub fn know_image(&self, key: &RecordKey, destination: &DestinationRef) {
        if key.kind() == RecordKind::File {
            if let Ok(mut known) = self.articles.write() {
                known.insert(key.clone(), destination.clone());
            }
        }
    }

    /// Runs `f` with the articles (and re-hosted images) known so far.
    pub fn with_articles<T>(&self, f: impl FnOnce(&IdMap) -> T) -> T {
        match self.articles.read() {
            Ok(articles) => f(&articles),
            Err(poisoned) => f(&poisoned.into_inner()),
        }
    }

    /// Notes a source change time for the next watermark.
    pub fn saw_change(&self, at: Option<i64>) {
        let mut seen = lock(&self.seen);
        *seen = Some(seen.unwrap_or(Watermark::at(i64::MIN)).advanced_to(at));
    }

    /// Counts findings for the report.
    pub fn count_findings(&self, findings: &[Finding]) {
        if findings.is_empty() {
            return;
        }
        let mut counts = lock(&self.findings);
        let mut redactions = lock(&self.redactions);
        for finding in findings {
            redactions.add(finding);
            *counts.entry(finding.code).or_default() += 1;
        }
    }

    /// Findings per reason code so far.
    pub fn findings(&self) -> BTreeMap<ReasonCode, u64> {
        lock(&self.findings).clone()
    }

    /// Values redacted per rule so far.
    pub fn redactions(&self) -> RedactionTotals {
        lock(&self.redactions).clone()
    }

    /// The latest change seen.
    pub fn latest_change(&self) -> Option<Watermark> {
        *lock(&self.seen)
    }
}

/// The directory of every organisation and caller, held for the whole run (see
/// [`SourceDirectory`] for its size). Tickets are not registered: they are streamed, and
/// links to parents are made in the links stage from the ID map instead.
async fn build_directory(source: &dyn Source) -> Result<SourceDirectory, EngineError> {
    let mut directory = SourceDirectory::builder();
    let mut organisations = source.organisations();
    while let Some(organisation) = organisations
        .try_next()
        .await
        .map_err(EngineError::Source)?
    {
        directory.add_organisation(&organisation);
    }
    let mut callers = source.callers();
    while let Some(caller) = callers.try_next().await.map_err(EngineError::Source)? {
        directory.add_caller(&caller);
    }
    Ok(directory.finish())
}

/// The source record a key's record comes from, when the key names one.
pub(crate) fn source_of(key: &RecordKey) -> Option<SourceRef> {
    let number = |prefix: &str| {
        key.id()
            .strip_prefix(prefix)
            .and_then(|rest| rest.parse::<i64>().ok())
    };
    let (kind, id) = match key.kind() {
        RecordKind::Contact => (SourceKind::Caller, number("vivantio-caller:")?),
        RecordKind::Company => (SourceKind::Organisation, number("vivantio-client:")?),
        RecordKind::Conversation | RecordKind::Ticket => {
            (SourceKind::Ticket, number("vivantio-ticket:")?)
        }
        RecordKind::Collection => (SourceKind::Category, number("vivantio-category:")?),
        RecordKind::Article => (SourceKind::Article, number("vivantio-article:")?),
        _ => return None,
    };
    Some(SourceRef::new(kind, id))
}

/// The keys a source record's destination record may have (a ticket becomes a conversation or
/// an Intercom ticket, depending on its type's rule).
pub(crate) fn keys_of(record: SourceRef) -> Vec<RecordKey> {
    match record.kind {
        SourceKind::Caller => vec![RecordKey::contact(record.id)],
        SourceKind::Organisation => vec![RecordKey::company(record.id)],
        SourceKind::Ticket => vec![
            RecordKey::conversation(record.id),
            RecordKey::ticket(record.id),
        ],
        SourceKind::Category => vec![RecordKey::collection(record.id)],
        SourceKind::Article => vec![RecordKey::article(record.id)],
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_and_source_records_correspond() {
        for record in [
            SourceRef::new(SourceKind::Caller, 7),
            SourceRef::new(SourceKind::Organisation, 8),
            SourceRef::new(SourceKind::Ticket, 9),
            SourceRef::new(SourceKind::Category, 10),
            SourceRef::new(SourceKind::Article, 11),
        ] {
            for key in keys_of(record) {
                assert_eq!(source_of(&key), Some(record), "{key}");
            }
        }
        assert_eq!(source_of(&RecordKey::placeholder_contact()), None);
        assert_eq!(source_of(&RecordKey::tag("vip")), None);
    }
}
