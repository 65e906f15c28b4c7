//! The Vivantio side of `doctor`: each action the migration reads, called once with a few
//! records, then every entry of the assumption registry judged against what came back.

use std::collections::BTreeMap;
use std::future::Future;
use std::time::{Duration, Instant};

use futures::{StreamExt, TryStreamExt};
use migration_core::model::source::{CALLER_RECORD_TYPE, CLIENT_RECORD_TYPE};
use vivantio_client::actions::ActionOptions;
use vivantio_client::assumptions::registry::{ids, Assumption, IfWrong, Subject, REGISTRY};
use vivantio_client::census::{CensusReport, Problem};
use vivantio_client::query::Query;
use vivantio_client::{endpoints as ep, Client, Error, RecordTypeId, SystemArea};

use super::{Check, Side};
use crate::project::Project;

/// Records read per list probe; enough to see every field, few enough to be quick.
const PROBE_RECORDS: usize = 20;
/// Tickets whose history, attachments, links, forms and SLA stages are read.
const PROBE_TICKETS: usize = 3;
/// Largest OData count for which `doctor` reads every caller and organisation to compare.
const FULL_COUNT_UP_TO: u64 = 50_000;
/// Largest attachment downloaded to prove the download action.
const PROBE_DOWNLOAD_BYTES: u64 = 4 * 1024 * 1024;

/// How each action answered: records seen, or the error.
#[derive(Default)]
struct Calls {
    answers: BTreeMap<&'static str, Result<usize, String>>,
    unknown: Vec<&'static str>,
    /// The first error that is not about one action (transport, credentials).
    fatal: Option<String>,
}

impl Calls {
    fn note<T>(&mut self, endpoint: &'static str, result: &Result<Vec<T>, Error>) {
        self.note_count(endpoint, result.as_ref().map(Vec::len));
    }

    /// Notes an answer of `records` records, or the error it failed with.
    fn note_count(&mut self, endpoint: &'static str, result: Result<usize, &Error>) {
        let entry = match result {
            Ok(records) => Ok(records),
            Err(error) => {
                if error.is_unknown_action() {
                    self.unknown.push(endpoint);
                } else if self.fatal.is_none() && error.is_unauthorized() {
                    self.fatal = Some(format!(
                        "{error}: Vivantio refused the credentials; check the variables \
                         vivantio.username_env and vivantio.password_env name (VIVANTIO_USERNAME \
                         and VIVANTIO_PASSWORD unless changed)"
                    ));
                } else if self.fatal.is_none() && error.is_retryable() {
                    self.fatal = Some(error.to_string());
                }
                Err(error.to_string())
            }
        };
        // The first answer of an action decides; later ones only add records.
        match (self.answers.get_mut(endpoint), entry) {
            (Some(Ok(seen)), Ok(more)) => *seen += more,
            (None, entry) => {
                self.answers.insert(endpoint, entry);
            }
            _ => {}
        }
    }
}

/// Calls each action the migration reads and judges every registry entry; also returns the
/// latency of the reads that were timed.
pub(super) async fn checks(project: &Project, client: &Client) -> (Vec<Check>, Latency) {
    let mut calls = Calls::default();
    let probes = probe(client, &mut calls).await;
    let census = client.wire_census();
    let latency = Latency::of(&probes.latencies);
    let mut checks = vec![hosts(project, &calls, &probes), latency.check()];
    for assumption in REGISTRY {
        if let Some(check) = judge(assumption, &calls, &census, &probes) {
            checks.push(check);
        }
    }
    (checks, latency)
}

/// How long one Vivantio read takes: the median of the reads that complete a ticket, which
/// are most of a run's reads.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(super) struct Latency {
    /// The median, in milliseconds (`None`: nothing was timed).
    pub median_ms: Option<f64>,
    /// Reads timed.
    pub reads: usize,
}

impl Latency {
    /// The median of `durations`.
    pub fn of(durations: &[Duration]) -> Self {
        let mut sorted = durations.to_vec();
        sorted.sort_unstable();
        let median = match sorted.len() {
            0 => None,
            n if n % 2 == 1 => Some(sorted[n / 2]),
            n => Some((sorted[n / 2 - 1] + sorted[n / 2]) / 2),
        };
        Self {
            median_ms: median.map(|median| median.as_secs_f64() * 1000.0),
            reads: sorted.len(),
        }
    }

    fn check(&self) -> Check {
        let check = Check::new(
            Side::Vivantio,
            "latency",
            "the reads that complete a ticket, timed",
        );
        match self.median_ms {
            Some(median) => check.held(format!(
                "median {} ms over {} reads; `plan` forecasts the reading side with it",
                crate::commands::forecast::milliseconds(median),
                self.reads
            )),
            None => {
                check.cannot_tell("no read could be timed; `plan` forecasts Intercom's side only")
            }
        }
    }
}

/// `read`, timed into `latencies` when it succeeds. The client spaces its requests apart
/// until it has seen enough of them succeed, which a run soon has; waiting out that spacing
/// first leaves only the tenant's own time in the measure.
async fn timed<T, E>(
    client: &Client,
    latencies: &mut Vec<Duration>,
    read: impl Future<Output = Result<T, E>>,
) -> Result<T, E> {
    let limiter = client.limiter_snapshot();
    tokio::time::sleep(limiter.interval + limiter.paused_for).await;
    let started = Instant::now();
    let answer = read.await;
    if answer.is_ok() {
        latencies.push(started.elapsed());
    }
    answer
}

/// What the probes saw beyond per-action answers.
#[derive(Default)]
struct Probes {
    odata: BTreeMap<&'static str, Result<Option<u64>, String>>,
    full_counts: BTreeMap<&'static str, usize>,
    image: Option<Result<String, Error>>,
    download: Option<Result<u64, String>>,
    /// Tickets the first window read, or why it failed.
    paging: Option<Result<usize, String>>,
    /// How long each timed read took.
    latencies: Vec<Duration>,
}

/// Calls each action the migration reads, in the order a run first calls them: the first
/// answer of an action decides its verdict.
async fn probe(client: &Client, calls: &mut Calls) -> Probes {
    let mut probes = Probes::default();
    probe_configuration(client, calls).await;
    probe_tickets(client, calls, &mut probes).await;
    probe_people_and_articles(client, calls, &mut probes).await;
    probe_odata_counts(client, &mut probes).await;
    probes
}

/// The configuration actions: ticket types and what hangs off the first one, users and groups.
async fn probe_configuration(client: &Client, calls: &mut Calls) {
    let config = client.configuration();
    let types = config.ticket_types().await;
    calls.note(ep::TICKET_TYPE_SELECT_ALL.path, &types);
    let record_type = types
        .as_ref()
        .ok()
        .and_then(|types| types.first().map(|t| t.id));
    if let Some(record_type) = record_type {
        probe_record_type(client, record_type, calls).await;
    }
    let users = config.users().await;
    calls.note(ep::USER_SELECT_ALL.path, &users);
    let groups = config.groups().await;
    calls.note(ep::GROUP_SELECT_ALL.path, &groups);
    if let Some(group) = groups.ok().and_then(|g| g.first().map(|g| g.id)) {
        let members = config.users_in_group(group).await;
        calls.note(ep::USER_SELECT_BY_GROUP.path, &members);
    }
}

/// The configuration of one ticket type, and the custom form definitions of tickets, clients
/// and callers.
async fn probe_record_type(client: &Client, record_type: RecordTypeId, calls: &mut Calls) {
    let config = client.configuration();
    let statuses = config.statuses(record_type).await;
    calls.note(ep::STATUS_SELECT_BY_RECORD_TYPE.path, &statuses);
    let priorities = config.priorities(record_type).await;
    calls.note(ep::PRIORITY_SELECT_BY_RECORD_TYPE.path, &priorities);
    let categories = config.categories(record_type).await;
    calls.note(ep::CATEGORY_SELECT_BY_RECORD_TYPE.path, &categories);
    let legacy = config.extension_fields(record_type).await;
    calls.note(ep::EXTENSION_FIELD_SELECT_BY_RECORD_TYPE.path, &legacy);
    if let Some(priority) = priorities.ok().and_then(|p| p.first().map(|p| p.id)) {
        let targets = config.sla_stage_targets(priority).await;
        calls.note(ep::SLA_STAGE_TARGET_SELECT_BY_PRIORITY.path, &targets);
    }
    for owner in [
        record_type,
        CLIENT_RECORD_TYPE.into(),
        CALLER_RECORD_TYPE.into(),
    ] {
        let forms = client.custom_forms().definitions(owner).await;
        calls.note(ep::CUSTOM_FORM_DEFINITIONS_BY_RECORD_TYPE.path, &forms);
    }
}

/// The first window of tickets, what completes the first few, their form values and one
/// attachment download.
async fn probe_tickets(client: &Client, calls: &mut Calls, probes: &mut Probes) {
    let tickets = first(client.tickets().stream(Query::match_all())).await;
    probes.paging = Some(tickets.as_ref().map(Vec::len).map_err(ToString::to_string));
    calls.note(ep::TICKET_SELECT.path, &tickets);
    let form_candidates: Vec<i64> = tickets
        .as_ref()
        .map(|tickets| tickets.iter().map(|t| t.id.get()).collect())
        .unwrap_or_default();
    let mut guid = None;
    for id in form_candidates.iter().take(PROBE_TICKETS).copied() {
        let found = probe_ticket(client, id, calls, &mut probes.latencies).await;
        guid = guid.or(found);
    }
    probe_form_instances(client, &form_candidates, calls).await;
    if let Some(guid) = guid {
        probes.download = Some(probe_download(client, &guid, calls).await);
    }
}

/// The timed reads that complete one ticket; returns the guid of an attachment small enough
/// to download.
async fn probe_ticket(
    client: &Client,
    id: i64,
    calls: &mut Calls,
    times: &mut Vec<Duration>,
) -> Option<String> {
    let tickets = client.tickets();
    let actions = timed(
        client,
        times,
        tickets.actions(id.into(), ActionOptions::default()),
    )
    .await;
    calls.note(ep::TICKET_ACTION_SELECT_BY_PARENT.path, &actions);
    let parents = timed(client, times, tickets.parents(id.into())).await;
    calls.note(ep::TICKET_SELECT_PARENTS.path, &parents);
    let sla = timed(client, times, tickets.sla_stages(id.into())).await;
    calls.note(ep::TICKET_SLA_STAGE_INSTANCES.path, &sla);
    let files = timed(
        client,
        times,
        client.attachments().list(id, SystemArea::Ticket),
    )
    .await;
    calls.note(ep::ATTACHMENT_SELECT_BY_PARENT.path, &files);
    files.ok().and_then(|files| {
        files
            .into_iter()
            .find(|file| file.size.is_none_or(|size| size <= PROBE_DOWNLOAD_BYTES))
            .and_then(|file| file.attachment_guid)
    })
}

/// Form values sit on some tickets only: looks through the first window until one has any.
async fn probe_form_instances(client: &Client, candidates: &[i64], calls: &mut Calls) {
    for id in candidates {
        let forms = client
            .custom_forms()
            .instances(None, *id, SystemArea::Ticket)
            .await;
        let found = forms.as_ref().is_ok_and(|forms| !forms.is_empty());
        let failed = forms.is_err();
        calls.note(ep::CUSTOM_FORM_INSTANCES_BY_PARENT.path, &forms);
        if found || failed {
            break;
        }
    }
}

/// Downloads one attachment: its size, or why it failed.
async fn probe_download(client: &Client, guid: &str, calls: &mut Calls) -> Result<u64, String> {
    let downloaded = client
        .attachments()
        .download_at_most(guid, Some(PROBE_DOWNLOAD_BYTES))
        .await;
    calls.note_count(ep::ATTACHMENT_DOWNLOAD.path, downloaded.as_ref().map(|_| 1));
    downloaded
        .map(|file| file.size)
        .map_err(|error| error.to_string())
}

/// The first window of clients, callers and articles, and the first inline image an article
/// shows.
async fn probe_people_and_articles(client: &Client, calls: &mut Calls, probes: &mut Probes) {
    let clients = first(client.clients().stream(Query::match_all())).await;
    calls.note(ep::CLIENT_SELECT.path, &clients);
    let callers = first(client.callers().stream(Query::match_all())).await;
    calls.note(ep::CALLER_SELECT.path, &callers);
    let articles = first(client.articles().stream(Query::match_all())).await;
    calls.note(ep::ARTICLE_SELECT.path, &articles);
    let image_url = articles.ok().and_then(|articles| {
        articles
            .iter()
            .find_map(|article| article.body_html.as_deref().and_then(inline_image_url))
    });
    if let Some(url) = image_url {
        probes.image = Some(
            client
                .attachments()
                .inline_image(&url)
                .await
                .map(|image| image.content_type.unwrap_or_default()),
        );
    }
}

/// The OData counts of callers and clients, and, where they are small enough, every record
/// read to compare.
async fn probe_odata_counts(client: &Client, probes: &mut Probes) {
    for feed in ["Callers", "Clients"] {
        let counted = client.odata().count(feed).await;
        if let Ok(Some(count)) = counted {
            if count <= FULL_COUNT_UP_TO {
                let read = match feed {
                    "Callers" => count_all(client.callers().stream(Query::match_all())).await,
                    _ => count_all(client.clients().stream(Query::match_all())).await,
                };
                if let Ok(read) = read {
                    probes.full_counts.insert(feed, read);
                }
            }
        }
        probes
            .odata
            .insert(feed, counted.map_err(|error| error.to_string()));
    }
}

/// The first [`PROBE_RECORDS`] records of a stream.
async fn first<T>(
    stream: futures::stream::BoxStream<'static, Result<T, Error>>,
) -> Result<Vec<T>, Error> {
    stream.take(PROBE_RECORDS).try_collect().await
}

async fn count_all<T>(
    stream: futures::stream::BoxStream<'static, Result<T, Error>>,
) -> Result<usize, Error> {
    stream.try_fold(0, |n, _| async move { Ok(n + 1) }).await
}

/// The first `/Attachment/Inline/` image a body shows.
fn inline_image_url(html: &str) -> Option<String> {
    let lower = html.to_ascii_lowercase();
    let at = lower.find("/attachment/inline/")?;
    let start = lower[..at].rfind(['"', '\'', '='])? + 1;
    let end = at + lower[at..].find(['"', '\'', ' ', '>'])?;
    Some(html[start..end].trim().to_string())
}

/// Whether both hosts answered.
fn hosts(project: &Project, calls: &Calls, probes: &Probes) -> Check {
    let platform = &project.settings.vivantio.platform_url;
    let check = Check::new(Side::Vivantio, "hosts", format!("{platform}api/…"));
    if let Some(fatal) = &calls.fatal {
        return check.failed(fatal);
    }
    match &project.settings.vivantio.tenant_url {
        None => check.cannot_tell(
            "no vivantio.tenant_url: inline images are fetched from the platform host, and the \
             extraction cannot be reconciled with the tenant's OData counts",
        ),
        Some(tenant) => {
            let reached = probes.odata.values().any(Result::is_ok)
                || probes.image.as_ref().is_some_and(Result::is_ok);
            if reached {
                check.held(format!(
                    "the API answers on the platform host and {tenant} answers Basic auth"
                ))
            } else {
                check.cannot_tell(format!(
                    "{tenant} served neither the OData feed nor an image to the API user"
                ))
            }
        }
    }
}

/// The verdict on one registry entry, or `None` for actions the migration never calls.
fn judge(
    assumption: &Assumption,
    calls: &Calls,
    census: &CensusReport,
    probes: &Probes,
) -> Option<Check> {
    let contradicted_by_census = census
        .observations
        .iter()
        .find(|observation| observation.assumption == assumption.id);
    let on_wrong = |check: Check, detail: &str| {
        let blocking = matches!(assumption.if_wrong, IfWrong::Blocks | IfWrong::Stops);
        let action = match assumption.if_wrong {
            IfWrong::Blocks => "BLOCKS until acknowledged in mapping.toml",
            IfWrong::Stops => "STOPS before writing",
            IfWrong::Fallback => "falls back",
            _ => "goes on",
        };
        check.contradicted(
            format!("{detail}; {action}: {}", assumption.consequence),
            blocking,
        )
    };
    match assumption.subject {
        Subject::Endpoint(endpoint) => {
            let answer = calls.answers.get(endpoint.path)?;
            let check = Check::new(Side::Vivantio, assumption.id, endpoint.path);
            Some(match answer {
                Ok(1) => check.held("answered (1 record)"),
                Ok(records) => check.held(format!("answered ({records} records)")),
                Err(_) if calls.unknown.contains(&endpoint.path) => {
                    on_wrong(check, "the tenant has no such action (HTTP 404)")
                }
                Err(error) => check.failed(error),
            })
        }
        Subject::Field { endpoint, path, .. } => {
            let check = Check::new(
                Side::Vivantio,
                assumption.id,
                format!("{} `{}`", endpoint.path, path.replace('|', "/")),
            );
            if let Some(observation) = contradicted_by_census {
                return Some(on_wrong(check, &observation.detail));
            }
            let tally = census.fields.get(assumption.id);
            Some(match tally {
                Some(tally) if tally.records > 0 => check.held(format!(
                    "present on {} of {} records",
                    tally.present(),
                    tally.records
                )),
                _ => {
                    check.cannot_tell("no record came back to look at; checked again while reading")
                }
            })
        }
        Subject::Behaviour => Some(behaviour(assumption, calls, census, probes, &on_wrong)),
    }
}

/// The verdict on a behaviour, from the probes and what the census saw while reading.
fn behaviour(
    assumption: &Assumption,
    calls: &Calls,
    census: &CensusReport,
    probes: &Probes,
    on_wrong: &dyn Fn(Check, &str) -> Check,
) -> Check {
    let id = assumption.id;
    let observed = census
        .observations
        .iter()
        .find(|o| o.assumption == id && o.problem == Problem::Contradicted)
        .map(|observation| observation.detail.as_str());
    let check = |call: &str| Check::new(Side::Vivantio, id, call);
    match id {
        ids::ID_QUERYABLE | ids::TOO_MANY_WORDING | ids::DATE_FORMS => {
            first_window(check("Ticket/Select (first window)"), id, probes, on_wrong)
        }
        ids::NO_SILENT_TRUNCATION | ids::ID_FILTER_HONOURED => halves(
            check("Ticket/Select (first window and its halves)"),
            observed,
            probes,
            on_wrong,
        ),
        ids::EXTRACTION_COMPLETE => extraction(
            check("GET <tenant>/odata/Callers, /odata/Clients ($count)"),
            probes,
            on_wrong,
        ),
        ids::INLINE_IMAGES_BASIC_AUTH => inline_images(
            check("GET <tenant>/Attachment/Inline/… (first article image)"),
            probes,
            on_wrong,
        ),
        _ => while_reading(check("(while reading)"), observed, calls, on_wrong),
    }
}

/// Assumptions the first ticket window proves by being read, or contradicts by the error
/// that names them.
fn first_window(
    call: Check,
    id: &str,
    probes: &Probes,
    on_wrong: &dyn Fn(Check, &str) -> Check,
) -> Check {
    let paging_error = probes
        .paging
        .as_ref()
        .and_then(|paging| paging.as_ref().err());
    match (&probes.paging, &paging_error) {
        (_, Some(error)) if error.contains(id) => on_wrong(call, error),
        (Some(Ok(read)), _) if id == ids::TOO_MANY_WORDING => call.cannot_tell(format!(
            "no refusal came back ({read} tickets read); a refusal in other words stops the read with its own message"
        )),
        (Some(Ok(read)), _) => call.held(format!("{read} tickets read through windows on Id")),
        _ => call.cannot_tell("the ticket read did not get that far"),
    }
}

/// Assumptions proven by reading the first window again in halves.
fn halves(
    call: Check,
    observed: Option<&str>,
    probes: &Probes,
    on_wrong: &dyn Fn(Check, &str) -> Check,
) -> Check {
    match observed {
        Some(detail) => on_wrong(call, detail),
        None if matches!(probes.paging, Some(Ok(_))) => {
            call.held("the first window was read again in halves and matched")
        }
        None => call.cannot_tell("the ticket read did not get that far"),
    }
}

/// Whether every caller and organisation the OData feed counts was read.
fn extraction(call: Check, probes: &Probes, on_wrong: &dyn Fn(Check, &str) -> Check) -> Check {
    let mut short = Vec::new();
    let mut counted = Vec::new();
    for (feed, answer) in &probes.odata {
        if let Ok(Some(count)) = answer {
            counted.push(format!("{count} {}", feed.to_ascii_lowercase()));
            if let Some(read) = probes.full_counts.get(feed) {
                if (*read as u64) < *count {
                    short.push(format!(
                        "{read} {} read against {count} counted",
                        feed.to_ascii_lowercase()
                    ));
                }
            }
        }
    }
    if !short.is_empty() {
        on_wrong(call, &short.join(", "))
    } else if counted.is_empty() {
        call.cannot_tell("no OData count: the extraction cannot be reconciled with one")
    } else if probes.full_counts.len() == counted.len() {
        call.held(format!(
            "every record counted was read ({}); each run is reconciled again",
            counted.join(", ")
        ))
    } else {
        call.cannot_tell(format!(
            "the feed counts {}: each run's extraction is reconciled with it",
            counted.join(", ")
        ))
    }
}

/// Whether the tenant host served an article's inline image to the API user.
fn inline_images(call: Check, probes: &Probes, on_wrong: &dyn Fn(Check, &str) -> Check) -> Check {
    match &probes.image {
        Some(Ok(content_type)) => call.held(format!("an image came back ({content_type})")),
        Some(Err(error)) if error.is_not_an_image() => on_wrong(call, &error.to_string()),
        Some(Err(error)) => call.cannot_tell(format!("the image could not be read: {error}")),
        None => call.cannot_tell("no article body shows a Vivantio image"),
    }
}

/// Behaviours only a real read shows: contradicted if the census saw it, else left to the run.
fn while_reading(
    call: Check,
    observed: Option<&str>,
    calls: &Calls,
    on_wrong: &dyn Fn(Check, &str) -> Check,
) -> Check {
    match observed {
        Some(detail) => on_wrong(call, detail),
        None if calls.fatal.is_none() => call.cannot_tell("checked while the migration reads"),
        None => call.cannot_tell("the tenant could not be read"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_latency_is_the_median_read() {
        let ms = |values: &[u64]| -> Vec<Duration> {
            values.iter().map(|ms| Duration::from_millis(*ms)).collect()
        };
        assert_eq!(Latency::of(&[]), Latency::default());
        let odd = Latency::of(&ms(&[90, 10, 30]));
        assert_eq!((odd.median_ms, odd.reads), (Some(30.0), 3));
        // One slow read does not move the median.
        let even = Latency::of(&ms(&[40, 20, 9_000, 30]));
        assert_eq!((even.median_ms, even.reads), (Some(35.0), 4));
    }

    #[test]
    fn the_first_inline_image_of_a_body_is_found() {
        let body = r#"<p>See <img alt="x" src="https://acme.vivantio.com/Attachment/Inline/ab-12"> and more</p>"#;
        assert_eq!(
            inline_image_url(body).as_deref(),
            Some("https://acme.vivantio.com/Attachment/Inline/ab-12")
        );
        assert_eq!(inline_image_url("<p>no image</p>"), None);
    }
}
