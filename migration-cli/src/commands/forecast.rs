//! The forecast `plan` prints before a cutover window is booked, and `bench` checks against a
//! run: the Intercom requests each stage sends and the Vivantio requests the run reads, for the
//! mapping's `[scope]` and for the whole instance, and the time each side takes at its pace
//! (the arithmetic is `migration_core::forecast`).
//!
//! Intercom's requests are counted from the operations pre-flight maps, record by record.
//! Vivantio's are counted from the records pre-flight reads, as the Vivantio adapter reads
//! them in a run. The pace is each app's limit as the workspace announced it (to `doctor`, or
//! to `plan`'s own reads when one token is configured; else Intercom's published 10,000 a
//! minute), the apps configured and the workspace's cap; and the Vivantio latency `doctor`
//! timed, over `vivantio.max_concurrency` reads at once.

use std::collections::{BTreeSet, HashSet};
use std::sync::{Arc, Mutex, PoisonError};

use async_trait::async_trait;
use futures::{StreamExt, TryStreamExt};
use migration_core::delta::Watermark;
use migration_core::engine::{Stage, OPEN_FIRST_KINDS};
use migration_core::forecast::{
    article_images, Forecast, Pace, Slower, StageRequests, Tally, VivantioRequests, Workspace,
};
use migration_core::model::destination::{DestinationSchema, FileRef};
use migration_core::model::source::{
    AdminInventory, Article, Caller, Organisation, SourceKind, SourceRef, SourceSchema, StatusKind,
    Ticket, WireReport, CALLER_RECORD_TYPE, CLIENT_RECORD_TYPE, KNOWLEDGE_BASE_RECORD_TYPE,
};
use migration_core::ops::Operation;
use migration_core::ports::{FilePayload, PortStream, Source, TicketFilter};
use migration_core::scope::{referenced_people, ScopeFilter};
use migration_core::spec::{MappingSpec, PeopleScope};
use migration_core::transform::{Mapper, SourceDirectory};
use migration_core::PortError;
use serde::{Deserialize, Serialize};

use crate::numbers::{duration, thousands};
use crate::project::Project;

/// Intercom's published limit of one private app, per minute, until the workspace announces
/// its own.
pub const PUBLISHED_PER_APP_PER_MINUTE: u32 = 10_000;
/// The announced limit is per 10-second window.
const WINDOWS_PER_MINUTE: u32 = 6;
/// Reads that complete one ticket that moves: history, attachment listing, parents, form
/// values and SLA stages (`adapters/vivantio/tickets.rs`, `read_extras`).
const TICKET_DETAIL_READS: u64 = 5;
/// Ids in a listing window: a full window is read again in two halves to prove nothing was
/// cut, three reads in all (`vivantio_client::paging`).
const RECORDS_PER_WINDOW: u64 = 500;
const READS_PER_WINDOW: u64 = 3;
/// Windows that find the end of a list: widening empty windows, then the open-ended one.
const END_OF_LIST_READS: u64 = 8;
/// Tickets one `Ticket/SelectList` reads by id (`adapters/vivantio/tickets.rs`).
const TICKETS_BY_ID: u64 = 100;
/// Times a run reads the tenant's configuration: `migrate` checks the mapping against it,
/// then the engine reads it for the run.
const CONFIGURATION_PASSES: u64 = 2;

/// The forecast of the run the mapping makes, and of the whole instance when its scope leaves
/// records out.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanForecast {
    /// How fast each side goes.
    pub pace: Pace,
    /// Reads `doctor` timed for the latency (0: not measured).
    pub latency_reads: usize,
    /// The run of the records the `[scope]` moves (every record when it leaves none out).
    pub in_scope: Forecast,
    /// The whole instance, when the scope leaves records out (at the in-scope records'
    /// averages: the records left out are never read in full).
    pub whole_instance: Option<Forecast>,
    /// In open-first order, each pass of the run.
    pub passes: Option<Passes>,
}

/// The two passes of an open-first run (`[run] order = "open_first"`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Passes {
    /// Open, on-hold and pending tickets the first pass moves.
    pub open_tickets: u64,
    /// The first pass: schema, people, the callers and organisations the open tickets name,
    /// the knowledge base and the open tickets; when it ends agents can work in Intercom.
    pub open: Forecast,
    /// The second: the other callers, organisations and tickets, and the links.
    pub history: Forecast,
}

/// The callers and organisations an open-first run moves in its first pass: those the open
/// tickets in scope name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OpenPass {
    callers: Vec<i64>,
    organisations: Vec<i64>,
}

/// What the first pass of an open-first run moves, found as the engine's open pass finds it
/// (`engine/open_pass.rs`): the scope narrowed to open kinds, with the people its tickets
/// name, listing the tickets once; `None` when the scope moves no open ticket.
pub async fn open_pass(
    source: &dyn Source,
    spec: &MappingSpec,
    schema: &SourceSchema,
    directory: &SourceDirectory,
) -> Result<Option<OpenPass>, PortError> {
    let wanted = &spec.scope.tickets.status_kinds;
    let kinds: Vec<StatusKind> = OPEN_FIRST_KINDS
        .into_iter()
        .filter(|kind| wanted.is_empty() || wanted.contains(kind))
        .collect();
    if kinds.is_empty() {
        return Ok(None);
    }
    let mut narrowed = spec.clone();
    let scope = &mut narrowed.scope;
    scope.tickets.status_kinds = kinds;
    scope.callers = PeopleScope::Referenced;
    scope.organisations = PeopleScope::Referenced;
    let filter = ScopeFilter::of_spec(&narrowed, schema);
    let named = referenced_people(source, &filter, directory).await?;
    Ok(Some(OpenPass {
        callers: named.callers.unwrap_or_default(),
        organisations: named.organisations.unwrap_or_default(),
    }))
}

/// Records of one kind a list held, and how many of them the scope moves.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Count {
    listed: u64,
    in_scope: u64,
}

impl Count {
    fn note(&mut self, moves: bool) {
        self.listed += 1;
        self.in_scope += u64::from(moves);
    }

    /// `in_scope_value`, a figure of the records in scope, for every record listed: at their
    /// average, or at `fallback` a record when none is in scope.
    fn whole(&self, in_scope_value: u64, fallback: u64) -> u64 {
        if self.in_scope == 0 {
            return in_scope_value + fallback * self.listed;
        }
        (u128::from(in_scope_value) * u128::from(self.listed))
            .div_ceil(u128::from(self.in_scope))
            .try_into()
            .unwrap_or(u64::MAX)
    }
}

/// What the watched source streamed, for the sink that sees each record's operations next.
#[derive(Debug, Default)]
struct Seen {
    tickets: Count,
    /// Tickets in scope whose status is open, on hold or pending.
    open_tickets: u64,
    /// The last ticket streamed: its id and whether it is open, on hold or pending.
    ticket: Option<(i64, bool)>,
    callers: Count,
    organisations: Count,
    articles: Count,
    /// The last article streamed: its id and the images its body shows from the source.
    article: Option<(i64, u64)>,
}

fn lock(seen: &Mutex<Seen>) -> std::sync::MutexGuard<'_, Seen> {
    seen.lock().unwrap_or_else(PoisonError::into_inner)
}

/// A source that notes, as pre-flight reads it, how many records each list holds and how
/// many of them the scope moves (judged as a run judges them), and each article's images.
pub struct Watched<'a> {
    inner: &'a dyn Source,
    mapper: &'a Mapper,
    filter: Arc<ScopeFilter>,
    /// The statuses whose tickets an open-first run moves first.
    open: Arc<HashSet<i64>>,
    seen: Arc<Mutex<Seen>>,
}

impl Watched<'_> {
    fn noting_tickets<'s>(&self, stream: PortStream<'s, Ticket>) -> PortStream<'s, Ticket> {
        let (seen, filter) = (Arc::clone(&self.seen), Arc::clone(&self.filter));
        let open = Arc::clone(&self.open);
        stream
            .inspect_ok(move |ticket| {
                let moves = filter.ticket(ticket);
                let is_open = ticket.status_id.is_some_and(|id| open.contains(&id));
                let mut seen = lock(&seen);
                seen.tickets.note(moves);
                seen.open_tickets += u64::from(moves && is_open);
                seen.ticket = Some((ticket.id, is_open));
            })
            .boxed()
    }
}

#[async_trait]
impl Source for Watched<'_> {
    async fn schema(&self) -> Result<SourceSchema, PortError> {
        self.inner.schema().await
    }

    fn organisations(&self) -> PortStream<'_, Organisation> {
        let (seen, directory) = (Arc::clone(&self.seen), self.mapper.directory());
        self.inner
            .organisations()
            .inspect_ok(move |organisation| {
                let moves = directory.moves_organisation(organisation.id);
                lock(&seen).organisations.note(moves);
            })
            .boxed()
    }

    fn callers(&self) -> PortStream<'_, Caller> {
        let (seen, directory) = (Arc::clone(&self.seen), self.mapper.directory());
        self.inner
            .callers()
            .inspect_ok(move |caller| lock(&seen).callers.note(directory.moves_caller(caller.id)))
            .boxed()
    }

    fn tickets(&self, changed_since: Option<Watermark>) -> PortStream<'_, Ticket> {
        self.noting_tickets(self.inner.tickets(changed_since))
    }

    fn tickets_reading(
        &self,
        changed_since: Option<Watermark>,
        in_full: TicketFilter,
    ) -> PortStream<'_, Ticket> {
        self.noting_tickets(self.inner.tickets_reading(changed_since, in_full))
    }

    fn articles(&self) -> PortStream<'_, Article> {
        let (seen, filter, mapper) = (
            Arc::clone(&self.seen),
            Arc::clone(&self.filter),
            self.mapper,
        );
        self.inner
            .articles()
            .inspect_ok(move |article| {
                let images = article_images(mapper, &article.body_html);
                let mut seen = lock(&seen);
                seen.articles.note(filter.article(article));
                seen.article = Some((article.id, images));
            })
            .boxed()
    }

    async fn attachment(&self, file: &FileRef) -> Result<FilePayload, PortError> {
        self.inner.attachment(file).await
    }

    async fn inline_image(&self, url: &str) -> Result<FilePayload, PortError> {
        self.inner.inline_image(url).await
    }

    async fn admin_inventory(&self) -> Result<AdminInventory, PortError> {
        self.inner.admin_inventory().await
    }

    fn wire_report(&self) -> WireReport {
        self.inner.wire_report()
    }
}

/// Counts, as pre-flight maps each record in scope, what the run will send and read.
pub struct Collector<'m> {
    mapper: &'m Mapper,
    workspace: Workspace,
    tally: Tally,
    /// Images of the articles in scope, when images are re-hosted.
    images: Option<u64>,
    seen: Arc<Mutex<Seen>>,
    filter: Arc<ScopeFilter>,
    open: Arc<HashSet<i64>>,
    /// In open-first order: what the first pass moves, and its requests.
    passes: Option<(OpenPass, Tally)>,
}

impl<'m> Collector<'m> {
    /// A collector for `mapper`'s mapping (over a directory restricted to the callers and
    /// organisations that move, as a run's is) into `destination`, which the run writes with
    /// `priority_attribute` set or not; `images` says whether article images are re-hosted;
    /// `open_pass`, in open-first order, what its first pass moves.
    pub fn new(
        mapper: &'m Mapper,
        schema: &SourceSchema,
        destination: &DestinationSchema,
        priority_attribute: bool,
        images: bool,
        open_pass: Option<OpenPass>,
    ) -> Self {
        let setup = mapper.setup_operations(schema);
        let placeholder = mapper.placeholder_contact_operations();
        let workspace = Workspace::new(destination, &setup, &placeholder, priority_attribute);
        let mut tally = Tally::default();
        tally.setup(&workspace, &setup);
        let open = schema
            .statuses
            .iter()
            .filter(|status| OPEN_FIRST_KINDS.contains(&status.kind))
            .map(|status| status.id)
            .collect();
        Self {
            mapper,
            workspace,
            passes: open_pass.map(|named| (named, tally.clone())),
            tally,
            images: images.then_some(0),
            seen: Arc::default(),
            filter: Arc::new(ScopeFilter::of_spec(mapper.spec(), schema)),
            open: Arc::new(open),
        }
    }

    /// `source` as pre-flight should read it for this collector to see its records.
    pub fn watch<'a>(&self, source: &'a dyn Source) -> Watched<'a>
    where
        'm: 'a,
    {
        Watched {
            inner: source,
            mapper: self.mapper,
            filter: Arc::clone(&self.filter),
            open: Arc::clone(&self.open),
            seen: Arc::clone(&self.seen),
        }
    }

    /// One record in scope pre-flight mapped, with its operations.
    pub fn mapped(&mut self, record: SourceRef, operations: &[Operation]) {
        self.tally.record(&self.workspace, record.kind, operations);
        if let Some((named, open)) = &mut self.passes {
            let listed = |ids: &[i64]| ids.binary_search(&record.id).is_ok();
            let first = match record.kind {
                SourceKind::Ticket => lock(&self.seen).ticket == Some((record.id, true)),
                SourceKind::Caller => listed(&named.callers),
                SourceKind::Organisation => listed(&named.organisations),
                _ => true,
            };
            if first {
                open.record(&self.workspace, record.kind, operations);
            }
        }
        if let (SourceKind::Article, Some(images)) = (record.kind, self.images.as_mut()) {
            if let Some((id, shown)) = lock(&self.seen).article {
                *images += if id == record.id { shown } else { 0 };
            }
        }
    }

    /// The forecast, once pre-flight has read every record.
    pub fn finish(self, project: &Project, schema: &SourceSchema, told: Told) -> PlanForecast {
        let pace = pace(project, told);
        let seen = lock(&self.seen);
        let history = seen.tickets.in_scope.saturating_sub(seen.open_tickets);
        let shape = ReadShape::of(
            project,
            schema,
            self.filter.people_referenced(),
            self.passes.is_some().then_some(history),
        );
        let listed = Listed {
            tickets: seen.tickets.listed,
            callers: seen.callers.listed,
            organisations: seen.organisations.listed,
            articles: seen.articles.listed,
        };
        let stages = self.tally.stages(&self.workspace);
        let (files, images) = (self.tally.files(), self.images.unwrap_or(0));
        let reads = shape.requests(&listed, seen.tickets.in_scope, files, images);
        let in_scope = Forecast::new(stages.clone(), reads, &pace);
        let whole_instance = (!self.filter.is_everything()).then(|| {
            let everything = ReadShape {
                referenced: false,
                by_id: None,
                ..shape
            };
            let tickets = &seen.tickets;
            let reads = everything.requests(
                &listed,
                tickets.listed,
                tickets.whole(files, 0),
                seen.articles.whole(images, 0),
            );
            Forecast::new(whole_stages(&stages, &seen), reads, &pace)
        });
        let passes = self.passes.as_ref().map(|(_, open)| {
            let open_reads = VivantioRequests {
                ticket_details: TICKET_DETAIL_READS * seen.open_tickets,
                attachments: open.files(),
                ..reads
            };
            let history_reads = VivantioRequests {
                listing: 0,
                form_values: 0,
                images: 0,
                ticket_details: reads.ticket_details - open_reads.ticket_details,
                attachments: files.saturating_sub(open.files()),
            };
            let open_stages = open.stages(&self.workspace);
            Passes {
                open_tickets: seen.open_tickets,
                history: Forecast::new(minus(&stages, &open_stages), history_reads, &pace),
                open: Forecast::new(open_stages, open_reads, &pace),
            }
        });
        PlanForecast {
            pace,
            latency_reads: told.latency_reads,
            in_scope,
            whole_instance,
            passes,
        }
    }
}

/// Stage by stage, what `all` has beyond `part` (the reads made once per process are in both).
fn minus(all: &[StageRequests], part: &[StageRequests]) -> Vec<StageRequests> {
    all.iter()
        .zip(part)
        .map(|(all, part)| StageRequests {
            stage: all.stage,
            records: all.records.saturating_sub(part.records),
            operations: all.operations.saturating_sub(part.operations),
            requests: all.requests.saturating_sub(part.requests),
        })
        .collect()
}

/// The stages of the whole instance, each at the average of its records in scope.
fn whole_stages(stages: &[StageRequests], seen: &Seen) -> Vec<StageRequests> {
    stages
        .iter()
        .map(|row| {
            // A kind with nothing in scope is counted at one create a record.
            let (count, fallback) = match row.stage {
                Stage::Companies => (seen.organisations, 1),
                Stage::Contacts => (seen.callers, 1),
                Stage::Articles => (seen.articles, 1),
                Stage::ArticleLinks => (seen.articles, 0),
                Stage::Tickets => (seen.tickets, 1),
                Stage::Links => (seen.tickets, 0),
                Stage::Schema | Stage::People | Stage::Collections => return *row,
            };
            StageRequests {
                stage: row.stage,
                records: count.whole(row.records, fallback),
                operations: count.whole(row.operations, fallback),
                requests: count.whole(row.requests, fallback),
            }
        })
        .collect()
}

/// Records each list holds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Listed {
    tickets: u64,
    callers: u64,
    organisations: u64,
    articles: u64,
}

/// How a run reads the tenant, besides its records.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct ReadShape {
    /// Configuration reads (types, statuses, forms, agents, groups, SLA targets).
    configuration: u64,
    /// Whether callers and organisations have custom forms (one read a record and pass).
    caller_forms: bool,
    organisation_forms: bool,
    /// Whether each caller and organisation pass is counted against the OData feed first.
    odata: bool,
    /// Whether the tickets are listed once more to find the callers and organisations they
    /// name.
    referenced: bool,
    /// In open-first order, the tickets the history pass reads by id: both passes list the
    /// tickets and the people once more each, the first also to find the people its tickets
    /// name.
    by_id: Option<u64>,
}

impl ReadShape {
    fn of(project: &Project, schema: &SourceSchema, referenced: bool, by_id: Option<u64>) -> Self {
        let forms = |record_type| {
            schema
                .custom_forms
                .iter()
                .any(|form| form.record_type_id == record_type)
        };
        let vivantio = &project.settings.vivantio;
        Self {
            configuration: configuration_reads(schema),
            caller_forms: forms(CALLER_RECORD_TYPE),
            organisation_forms: forms(CLIENT_RECORD_TYPE),
            odata: vivantio.odata_reconcile && vivantio.tenant_url.is_some(),
            referenced,
            by_id,
        }
    }

    /// The requests of a run that reads `tickets` tickets in full, downloads `files` files and
    /// fetches `images` images. `migrate` first proves the account (one read), then the
    /// configuration is read twice, each time with a scan of the tickets as listed; the run
    /// lists the tickets once more (twice for referenced people), callers and organisations
    /// twice (into its directory, then by their stage) and articles once; open first, see
    /// [`ReadShape::by_id`].
    fn requests(&self, listed: &Listed, tickets: u64, files: u64, images: u64) -> VivantioRequests {
        let open_first = u64::from(self.by_id.is_some());
        let people_passes = 2 + open_first;
        let people_pass = |records: u64| windows(records) + 1 + u64::from(self.odata);
        let ticket_passes = CONFIGURATION_PASSES + 1 + u64::from(self.referenced) + 2 * open_first;
        let forms = |on: bool, records: u64| if on { people_passes * records } else { 0 };
        VivantioRequests {
            listing: 1
                + CONFIGURATION_PASSES * self.configuration
                + ticket_passes * windows(listed.tickets)
                + people_passes * (people_pass(listed.callers) + people_pass(listed.organisations))
                + windows(listed.articles)
                + self.by_id.unwrap_or(0).div_ceil(TICKETS_BY_ID),
            ticket_details: TICKET_DETAIL_READS * tickets,
            form_values: forms(self.caller_forms, listed.callers)
                + forms(self.organisation_forms, listed.organisations),
            attachments: files,
            images,
        }
    }
}

/// Reads that list `records` records, window by window.
fn windows(records: u64) -> u64 {
    records.div_ceil(RECORDS_PER_WINDOW) * READS_PER_WINDOW + END_OF_LIST_READS
}

/// The configuration reads of `adapters/vivantio/schema.rs`: ticket types; statuses,
/// priorities, categories and legacy fields per type; groups and their members; the
/// knowledge-base categories; the custom forms of each type, organisations and callers;
/// agents; the SLA targets of each priority.
fn configuration_reads(schema: &SourceSchema) -> u64 {
    let types: BTreeSet<i64> = schema.ticket_types.iter().map(|t| t.id).collect();
    let knowledge_base = u64::from(!types.contains(&KNOWLEDGE_BASE_RECORD_TYPE));
    let form_owners = types
        .iter()
        .chain(&[CLIENT_RECORD_TYPE, CALLER_RECORD_TYPE])
        .collect::<BTreeSet<_>>();
    1 + 4 * types.len() as u64
        + 1
        + schema.groups.len() as u64
        + knowledge_base
        + form_owners.len() as u64
        + 1
        + schema.priorities.len() as u64
}

/// What `doctor` measured, and what `plan`'s own client was told, for the pace.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Told {
    /// The per-window limit the workspace announced to one app.
    pub per_app_per_window: Option<u32>,
    /// The median Vivantio read, in milliseconds, and how many reads it was taken over.
    pub latency_ms: Option<f64>,
    /// Reads timed.
    pub latency_reads: usize,
}

/// The pace of `project`'s configuration with what was told.
pub fn pace(project: &Project, told: Told) -> Pace {
    let intercom = &project.settings.intercom;
    let apps = u32::try_from(project.credentials.intercom_tokens.len())
        .unwrap_or(u32::MAX)
        .max(1);
    Pace {
        per_app_per_minute: told
            .per_app_per_window
            .map_or(PUBLISHED_PER_APP_PER_MINUTE, |window| {
                window.saturating_mul(WINDOWS_PER_MINUTE)
            }),
        announced: told.per_app_per_window.is_some(),
        apps,
        workspace_per_minute: intercom.workspace_rate_limit_per_minute,
        margin: intercom.rate_limit_margin,
        vivantio_latency_ms: told.latency_ms,
        vivantio_concurrency: u32::try_from(project.settings.vivantio.max_concurrency)
            .unwrap_or(u32::MAX),
    }
}

impl PlanForecast {
    /// The forecast as `plan` prints it.
    pub fn lines(&self) -> Vec<String> {
        let pace = &self.pace;
        let scope = if self.whole_instance.is_some() {
            " (the records in scope)"
        } else {
            ""
        };
        let run = &self.in_scope;
        let mut lines = vec![
            format!(
                "forecast{scope}: {} Intercom requests, {} Vivantio requests",
                thousands(run.intercom_requests),
                thousands(run.vivantio.total())
            ),
            format!("  Intercom by stage: {}", by_stage(&run.stages)),
        ];
        lines.push(intercom_line(pace, run));
        lines.push(match pace.vivantio_latency_ms {
            Some(latency) => format!(
                "  Vivantio: {} at {} ms a read (median of {} reads `doctor` timed), {} at once (vivantio.max_concurrency)",
                minutes(run.vivantio_seconds.unwrap_or_default()),
                milliseconds(latency),
                self.latency_reads,
                pace.vivantio_concurrency
            ),
            None => "  Vivantio: its latency is not measured yet; `vivantio2intercom doctor` times a few reads".into(),
        });
        lines.push(slower_line(pace, run));
        if let Some(passes) = &self.passes {
            lines.push(format!(
                "  open first: {} for the open pass ({} open, on-hold and pending tickets and what they need: {} Intercom requests, {} Vivantio), then {} for the history ({} and {})",
                minutes(passes.open.wall_seconds),
                thousands(passes.open_tickets),
                thousands(passes.open.intercom_requests),
                thousands(passes.open.vivantio.total()),
                minutes(passes.history.wall_seconds),
                thousands(passes.history.intercom_requests),
                thousands(passes.history.vivantio.total()),
            ));
        }
        if let Some(whole) = &self.whole_instance {
            lines.push(format!(
                "  whole instance, scope aside (at the in-scope records' averages): {} Intercom requests, {} Vivantio requests, {}",
                thousands(whole.intercom_requests),
                thousands(whole.vivantio.total()),
                minutes(whole.wall_seconds)
            ));
        }
        lines
    }
}

fn by_stage(stages: &[StageRequests]) -> String {
    stages
        .iter()
        .map(|row| format!("{} {}", stage_name(row), thousands(row.requests)))
        .collect::<Vec<_>>()
        .join(", ")
}

fn stage_name(row: &StageRequests) -> String {
    serde_json::to_value(row.stage)
        .ok()
        .and_then(|value| value.as_str().map(|name| name.replace('_', " ")))
        .unwrap_or_else(|| format!("{:?}", row.stage))
}

fn intercom_line(pace: &Pace, run: &Forecast) -> String {
    let source = if pace.announced {
        "announced by the workspace"
    } else {
        "Intercom's published limit"
    };
    let mut line = format!(
        "  Intercom: {} with one app at {}/min ({source}, less the {}% margin)",
        minutes(run.intercom_one_app_seconds),
        thousands(u64::from(pace.per_app_per_minute)),
        pace.margin * 100.0
    );
    if pace.apps > 1 {
        let together = u64::from(pace.per_app_per_minute) * u64::from(pace.apps);
        let cap = if together > u64::from(pace.workspace_per_minute) {
            format!(
                ", held to the workspace's {}/min",
                thousands(u64::from(pace.workspace_per_minute))
            )
        } else {
            String::new()
        };
        line.push_str(&format!(
            "; {} with the {} apps configured{cap}",
            minutes(run.intercom_seconds),
            pace.apps
        ));
    }
    line
}

fn slower_line(pace: &Pace, run: &Forecast) -> String {
    match run.slower {
        Slower::Unknown => format!(
            "  wall time: at least {} (Intercom's side; Vivantio's is not known)",
            minutes(run.wall_seconds)
        ),
        Slower::Intercom => format!(
            "  wall time: {}, set by Intercom's limit (Vivantio's side takes {})",
            minutes(run.wall_seconds),
            minutes(run.vivantio_seconds.unwrap_or_default())
        ),
        Slower::Vivantio => {
            let advice = run
                .vivantio_concurrency_to_keep_up
                .map(|needed| format!("; raise vivantio.max_concurrency (now {}) towards {needed} to keep up with Intercom, if the tenant allows it", pace.vivantio_concurrency))
                .unwrap_or_default();
            format!(
                "  wall time: {}, set by Vivantio's latency (Intercom's side takes {}){advice}",
                minutes(run.wall_seconds),
                minutes(run.intercom_seconds)
            )
        }
    }
}

/// Milliseconds as a person reads them: a tenth under ten, whole above.
pub fn milliseconds(value: f64) -> String {
    if value < 10.0 {
        format!("{value:.1}")
    } else {
        format!("{value:.0}")
    }
}

fn minutes(seconds: f64) -> String {
    duration(seconds.ceil() as u64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn from<T: serde::de::DeserializeOwned>(value: serde_json::Value) -> T {
        serde_json::from_value(value).unwrap()
    }

    #[test]
    fn configuration_reads_follow_the_tenant_s_configuration() {
        let ticket_type = |id| json!({"id": id, "name": "t", "name_plural": "ts", "enabled": true});
        let schema = SourceSchema {
            ticket_types: vec![from(ticket_type(11)), from(ticket_type(12))],
            groups: vec![from(json!({"id": 1, "name": "g", "enabled": true}))],
            priorities: vec![
                from(json!({"id": 1, "name": "p"})),
                from(json!({"id": 2, "name": "q"})),
                from(json!({"id": 3, "name": "r"})),
            ],
            ..SourceSchema::default()
        };
        // Types, 4 per type, groups, 1 group's members, the knowledge base, forms of two types
        // and of organisations and callers, agents, 3 priorities' SLA targets.
        assert_eq!(configuration_reads(&schema), 1 + 8 + 1 + 1 + 1 + 4 + 1 + 3);
    }

    #[test]
    fn vivantio_requests_follow_how_a_run_reads() {
        let listed = Listed {
            tickets: 1_000,
            callers: 500,
            organisations: 50,
            articles: 50,
        };
        let shape = ReadShape {
            configuration: 41,
            ..ReadShape::default()
        };
        assert_eq!(windows(0), END_OF_LIST_READS);
        assert_eq!(windows(1_000), 2 * READS_PER_WINDOW + END_OF_LIST_READS);
        let plain = shape.requests(&listed, 990, 232, 0);
        // Measured on a 1,000-ticket bench: 183 listing reads, 5,000 ticket reads.
        let listing = 1
            + 2 * 41
            + 3 * windows(1_000)
            + 2 * (windows(500) + 1)
            + 2 * (windows(50) + 1)
            + windows(50);
        assert_eq!(plain.listing, listing);
        assert_eq!(plain.ticket_details, 5 * 990);
        assert_eq!(
            (plain.attachments, plain.form_values, plain.images),
            (232, 0, 0)
        );
        let cases = [
            (
                ReadShape {
                    referenced: true,
                    ..shape
                },
                windows(1_000),
                0,
            ),
            (
                ReadShape {
                    by_id: Some(250),
                    ..shape
                },
                2 * windows(1_000) + windows(500) + 1 + windows(50) + 1 + 3,
                0,
            ),
            (
                ReadShape {
                    odata: true,
                    ..shape
                },
                4,
                0,
            ),
            (
                ReadShape {
                    caller_forms: true,
                    ..shape
                },
                0,
                1_000,
            ),
            (
                ReadShape {
                    organisation_forms: true,
                    ..shape
                },
                0,
                100,
            ),
        ];
        for (shape, more_listing, forms) in cases {
            let reads = shape.requests(&listed, 990, 232, 0);
            assert_eq!(reads.listing, plain.listing + more_listing, "{shape:?}");
            assert_eq!(reads.form_values, forms, "{shape:?}");
        }
    }

    #[test]
    fn the_whole_instance_is_counted_at_the_in_scope_average() {
        let count = Count {
            listed: 1_000,
            in_scope: 100,
        };
        assert_eq!(count.whole(730, 1), 7_300);
        assert_eq!(count.whole(0, 1), 0);
        let nothing_in_scope = Count {
            listed: 40,
            in_scope: 0,
        };
        assert_eq!(nothing_in_scope.whole(0, 1), 40);
        assert_eq!(nothing_in_scope.whole(0, 0), 0);
    }

    fn plan_forecast(latency: Option<f64>, apps: u32) -> PlanForecast {
        let stages = vec![StageRequests {
            stage: Stage::Tickets,
            records: 10_000,
            operations: 90_000,
            requests: 99_000,
        }];
        let vivantio = VivantioRequests {
            ticket_details: 50_000,
            ..VivantioRequests::default()
        };
        let pace = Pace {
            per_app_per_minute: 10_000,
            announced: false,
            apps,
            workspace_per_minute: 25_000,
            margin: 0.01,
            vivantio_latency_ms: latency,
            vivantio_concurrency: 4,
        };
        PlanForecast {
            in_scope: Forecast::new(stages, vivantio, &pace),
            pace,
            latency_reads: if latency.is_some() { 12 } else { 0 },
            whole_instance: None,
            passes: None,
        }
    }

    #[test]
    fn the_lines_name_the_slower_side_and_the_setting_that_helps() {
        let lines = plan_forecast(Some(120.0), 3).lines();
        assert_eq!(
            lines[0],
            "forecast: 99,000 Intercom requests, 50,000 Vivantio requests"
        );
        assert_eq!(lines[1], "  Intercom by stage: tickets 99,000");
        assert_eq!(
            lines[2],
            "  Intercom: 10m 0s with one app at 10,000/min (Intercom's published limit, less the 1% margin); 4m 0s with the 3 apps configured, held to the workspace's 25,000/min"
        );
        assert_eq!(
            lines[3],
            "  Vivantio: 25m 0s at 120 ms a read (median of 12 reads `doctor` timed), 4 at once (vivantio.max_concurrency)"
        );
        assert_eq!(
            lines[4],
            "  wall time: 25m 0s, set by Vivantio's latency (Intercom's side takes 4m 0s); raise vivantio.max_concurrency (now 4) towards 25 to keep up with Intercom, if the tenant allows it"
        );
        let unknown = plan_forecast(None, 1).lines();
        assert_eq!(
            unknown[3],
            "  Vivantio: its latency is not measured yet; `vivantio2intercom doctor` times a few reads"
        );
        assert_eq!(
            unknown[4],
            "  wall time: at least 10m 0s (Intercom's side; Vivantio's is not known)"
        );
        let fast = plan_forecast(Some(10.0), 1).lines();
        assert_eq!(
            fast[4],
            "  wall time: 10m 0s, set by Intercom's limit (Vivantio's side takes 2m 5s)"
        );
    }
}
