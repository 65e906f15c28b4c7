//! The windowed pager against a fake tenant that caps result sizes and gains records mid-run.

use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use fixtures::generator::{generate_overwriting, GeneratorConfig, History};
use fixtures::instance::{Instance, Kind};
use fixtures::sim::vivantio::{VivantioSim, VivantioSimConfig, WireQuirks};
use futures::stream::BoxStream;
use futures::{StreamExt, TryStreamExt};
use serde_json::{json, Value};
use vivantio_client::assumptions::registry::ids;
use vivantio_client::paging::Selectable;
use vivantio_client::query::{fields::ticket, Query};
use vivantio_client::ticket::Ticket;
use vivantio_client::{
    Client, Error, IdWindowPager, LimiterSettings, Page, Pager, TicketId, WindowSettings,
};
use wiremock::{MockServer, Request, ResponseTemplate};

use crate::common;
use crate::common::{client_for, fast_limiter, post, AUTHORIZATION, PASSWORD, USERNAME};

/// A tenant holding tickets, refusing selects that match more than `cap` records, and adding
/// records at given call numbers.
struct FakeTenant {
    records: Mutex<Vec<Value>>,
    cap: usize,
    calls: AtomicUsize,
    inserts: Mutex<Vec<(usize, Vec<i64>)>>,
    largest_answer: AtomicUsize,
    ignore_id_filter: bool,
}

impl FakeTenant {
    fn new(ids: impl IntoIterator<Item = i64>, cap: usize) -> Arc<Self> {
        Arc::new(Self {
            records: Mutex::new(ids.into_iter().map(ticket_record).collect()),
            cap,
            calls: AtomicUsize::new(0),
            inserts: Mutex::new(Vec::new()),
            largest_answer: AtomicUsize::new(0),
            ignore_id_filter: false,
        })
    }

    fn insert_at_call(&self, call: usize, ids: Vec<i64>) {
        self.inserts.lock().unwrap().push((call, ids));
    }

    fn select(&self, request: &Request) -> ResponseTemplate {
        let call = self.calls.fetch_add(1, Ordering::SeqCst) + 1;
        let body: Value = serde_json::from_slice(&request.body).unwrap();
        let items = body["Query"]["Items"].as_array().unwrap().clone();
        let matches: Vec<Value> = self
            .records
            .lock()
            .unwrap()
            .iter()
            .filter(|record| {
                items.iter().all(|item| {
                    self.ignore_id_filter && item["FieldName"] == "Id" || item_matches(item, record)
                })
            })
            .cloned()
            .collect();
        // Records inserted "during" this call become visible to the next one.
        for (at, ids) in self.inserts.lock().unwrap().iter() {
            if *at == call {
                self.records
                    .lock()
                    .unwrap()
                    .extend(ids.iter().copied().map(ticket_record));
            }
        }
        if matches.len() > self.cap {
            return ResponseTemplate::new(200).set_body_json(json!({
                "Successful": false, "InfoMessages": [],
                "ErrorMessages": [{"Type": 4, "Message": format!(
                    "Query returned too many results ({} > {}); narrow it", matches.len(), self.cap)}]
            }));
        }
        self.largest_answer
            .fetch_max(matches.len(), Ordering::SeqCst);
        // Answer in reverse id order: the pager must not rely on the server's ordering.
        let mut matches = matches;
        matches.reverse();
        ResponseTemplate::new(200).set_body_json(common::results(Value::Array(matches)))
    }
}

fn ticket_record(id: i64) -> Value {
    let record_type = if id % 10 == 3 { 12 } else { 11 };
    json!({"Id": id, "RecordTypeId": record_type, "Title": format!("Ticket {id}"), "OpenDate": "2024-01-01T00:00:00"})
}

fn item_matches(item: &Value, record: &Value) -> bool {
    let field = item["FieldName"].as_str().unwrap();
    let (Some(actual), Some(wanted)) = (record[field].as_i64(), item["Value"].as_i64()) else {
        return false;
    };
    match item["Op"].as_str().unwrap() {
        "Equals" => actual == wanted,
        "DoesNotEqual" => actual != wanted,
        "GreaterThan" => actual > wanted,
        "GreaterThanOrEqualTo" => actual >= wanted,
        "LessThan" => actual < wanted,
        "LessThanOrEqualTo" => actual <= wanted,
        op => panic!("unexpected operator {op}"),
    }
}

async fn mount(tenant: &Arc<FakeTenant>, settings: WindowSettings) -> (MockServer, Client) {
    let server = MockServer::start().await;
    let responder = Arc::clone(tenant);
    post("Ticket/Select")
        .respond_with(move |request: &Request| responder.select(request))
        .mount(&server)
        .await;
    let client = Client::builder()
        .platform_url(server.uri())
        .credentials(USERNAME, PASSWORD)
        .limiter(fast_limiter())
        .window_settings(settings)
        .build()
        .unwrap();
    (server, client)
}

fn small_windows() -> WindowSettings {
    WindowSettings {
        initial_width: 500,
        target_per_window: 40,
        open_end_after_empty_span: 20_000,
        ..WindowSettings::default()
    }
}

#[tokio::test]
async fn a_stream_resumes_after_a_saved_page_cursor_with_exactly_the_remaining_records() {
    let tenant = FakeTenant::new((1..=300).filter(|id| id % 4 != 0), 60);
    let (_server, client) = mount(&tenant, small_windows()).await;
    let query = || Query::match_all().and(ticket::RECORD_TYPE_ID.equals(11));

    // A first run handles one page, saves where it stopped as text, and ends.
    let mut pages = client.tickets().pages(query(), 50, None);
    let first = pages.try_next().await.unwrap().unwrap();
    let handled: Vec<i64> = first.items().iter().map(|t| t.id.get()).collect();
    let saved = first.next_cursor().unwrap().to_string();
    drop(pages);

    // A new call resumes after the saved id and sees only what is left.
    let after: TicketId = saved.parse().unwrap();
    let rest: Vec<Page<Ticket>> = client
        .tickets()
        .pages(query(), 50, Some(after))
        .try_collect()
        .await
        .unwrap();
    assert!(rest.iter().all(|page| page.items().len() <= 50));
    assert!(rest.last().unwrap().is_last());
    let remaining: Vec<i64> = rest.into_iter().flatten().map(|t| t.id.get()).collect();

    let expected: Vec<i64> = (1..=300).filter(|id| id % 4 != 0 && id % 10 != 3).collect();
    assert_eq!(handled, expected[..50]);
    assert_eq!(remaining, expected[50..]);
}

#[tokio::test]
async fn streams_every_record_once_across_windows_with_insertions() {
    // 1..=3000 with gaps, a cap of 100, and records added mid-run both ahead of the pager and
    // far beyond the existing ids.
    let tenant = FakeTenant::new((1..=3000).filter(|id| id % 7 != 0), 100);
    tenant.insert_at_call(3, (3001..=3010).collect());
    tenant.insert_at_call(25, vec![900_000, 900_001]);
    let (_server, client) = mount(&tenant, small_windows()).await;

    let query = Query::match_all().and(ticket::RECORD_TYPE_ID.equals(11));
    let ids: Vec<i64> = client
        .tickets()
        .stream(query)
        .map_ok(|ticket| ticket.id.get())
        .try_collect()
        .await
        .unwrap();

    let expected: Vec<i64> = (1..=3010)
        .filter(|id| id % 7 != 0 || *id > 3000)
        .chain([900_000, 900_001])
        .filter(|id| id % 10 != 3)
        .collect();
    assert_eq!(ids, expected, "every record once, in id order");
    assert!(tenant.largest_answer.load(Ordering::SeqCst) <= 100);
    assert!(
        tenant.calls.load(Ordering::SeqCst) > 10,
        "it really windowed"
    );
}

#[tokio::test]
async fn the_stream_is_lazy() {
    let tenant = FakeTenant::new(1..=5000, 100);
    let (_server, client) = mount(&tenant, small_windows()).await;
    let first: Vec<Ticket> = client
        .tickets()
        .stream(Query::match_all())
        .take(5)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(
        first.iter().map(|t| t.id.get()).collect::<Vec<_>>(),
        [1, 2, 3, 4, 5]
    );
    // (0,500], (0,250] and (0,125] refused, (0,62] read and verified by its halves (0,31] and
    // (31,62] (the first answer is always verified): nothing beyond the first window.
    assert_eq!(tenant.calls.load(Ordering::SeqCst), 6);
}

#[tokio::test]
async fn a_small_tenant_finishes_with_the_open_ended_window() {
    let tenant = FakeTenant::new([5, 6, 7], 100);
    tenant.insert_at_call(2, vec![10_000_000]);
    let (_server, client) = mount(&tenant, small_windows()).await;
    let tickets: Vec<Ticket> = client
        .tickets()
        .stream(Query::match_all())
        .try_collect()
        .await
        .unwrap();
    let ids: Vec<i64> = tickets.iter().map(|t| t.id.get()).collect();
    assert_eq!(ids, [5, 6, 7, 10_000_000]);
}

#[tokio::test]
async fn a_tenant_ignoring_the_id_filter_still_yields_each_record_once() {
    let mut tenant = FakeTenant::new(1..=50, 1000);
    Arc::get_mut(&mut tenant).unwrap().ignore_id_filter = true;
    let (_server, client) = mount(&tenant, small_windows()).await;
    let count = client
        .tickets()
        .stream(Query::match_all())
        .try_fold(0, |count, _| async move { Ok(count + 1) })
        .await
        .unwrap();
    assert_eq!(count, 50);
    // (0,500] answers all 50; verifying it, its half (0,25] answers them again: one answer is
    // the whole set.
    assert_eq!(tenant.calls.load(Ordering::SeqCst), 2);
    assert_eq!(paging_findings(&client), [ids::ID_FILTER_HONOURED]);
}

#[tokio::test]
async fn a_record_inserted_while_a_window_is_verified_is_not_taken_for_a_cut() {
    // The window (0,500] answers 50; id 60 arrives before its halves are read, so they hold 51.
    // Reading the window again answers 51, not 50: it grew, it was not cut.
    let tenant = FakeTenant::new(1..=50, 1000);
    tenant.insert_at_call(1, vec![60]);
    let (_server, client) = mount(&tenant, small_windows()).await;
    let ids: Vec<i64> = client
        .tickets()
        .stream(Query::match_all())
        .map_ok(|ticket| ticket.id.get())
        .try_collect()
        .await
        .unwrap();
    let expected: Vec<i64> = (1..=50).chain([60]).collect();
    assert_eq!(ids, expected);
    assert!(paging_findings(&client).is_empty());
}

#[tokio::test]
async fn a_window_of_one_id_refused_is_a_paging_error() {
    let server = MockServer::start().await;
    post("Ticket/Select")
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "Successful": false,
            "ErrorMessages": [{"Type": 4, "Message": "Query returned too many results (9 > 1); narrow it"}]
        })))
        .mount(&server)
        .await;
    let client = client_for(&server, fast_limiter());
    let pager = IdWindowPager::new(WindowSettings {
        initial_width: 8,
        ..WindowSettings::default()
    });
    let error = client
        .tickets()
        .stream_with(&pager, Query::match_all())
        .try_collect::<Vec<_>>()
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Paging { .. }), "{error:?}");
}

#[tokio::test]
async fn hydration_reads_ids_then_select_list_in_chunks() {
    // The window (0,500] answers 1, 2, 3 and is verified by its halves (0,2] and (2,500], whose
    // ids are hydrated chunk by chunk.
    let tenant = FakeTenant::new([3, 1, 2], 1000);
    let (server, client) = mount(&tenant, WindowSettings::default()).await;
    post("Ticket/SelectList")
        .and(wiremock::matchers::body_json(json!([1, 2])))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(common::results(json!([
                {"Id": 2, "Title": "two"}, {"Id": 1, "Title": "one"}
            ]))),
        )
        .expect(1)
        .mount(&server)
        .await;
    post("Ticket/SelectList")
        .and(wiremock::matchers::body_json(json!([3])))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(common::results(json!([
                {"Id": 3, "Title": "three"}
            ]))),
        )
        .expect(1)
        .mount(&server)
        .await;
    let pager = IdWindowPager::new(WindowSettings {
        hydrate_chunk: Some(2),
        open_end_after_empty_span: 1000,
        ..WindowSettings::default()
    });
    let titles: Vec<String> = client
        .tickets()
        .stream_with(&pager, Query::match_all())
        .map_ok(|ticket| ticket.title.unwrap_or_default())
        .try_collect()
        .await
        .unwrap();
    assert_eq!(titles, ["one", "two", "three"]);
}

/// A stand-in for a future `SelectPage` strategy: proves the trait can be implemented outside
/// the crate with the public low-level call.
struct SingleSelect;

impl Pager for SingleSelect {
    fn stream<T: Selectable>(
        &self,
        client: Client,
        query: Query,
    ) -> BoxStream<'static, Result<T, Error>> {
        futures::stream::once(async move {
            client
                .call_results::<T, _>(T::SELECT, None, Some(&query.to_body()))
                .await
        })
        .map_ok(|records| futures::stream::iter(records.into_iter().map(Ok)))
        .try_flatten()
        .boxed()
    }
}

#[tokio::test]
async fn another_strategy_can_replace_the_windows() {
    let server = MockServer::start().await;
    post("Ticket/Select")
        .and(wiremock::matchers::header("authorization", AUTHORIZATION))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(common::results(json!([{"Id": 1}, {"Id": 2}]))),
        )
        .expect(1)
        .mount(&server)
        .await;
    let client = client_for(&server, fast_limiter());
    let ids: Vec<i64> = client
        .tickets()
        .stream_with(&SingleSelect, Query::match_all())
        .map_ok(|ticket| ticket.id.get())
        .try_collect()
        .await
        .unwrap();
    assert_eq!(ids, [1, 2]);
}

// ---- Against the Vivantio simulator: answers cut without an error, an ignored `Id` filter ----

/// A generated instance of 5 000 tickets (minimal history), every seventh id removed so that
/// windows meet gaps. Generated once per test run.
fn generated() -> &'static Instance {
    static INSTANCE: OnceLock<Instance> = OnceLock::new();
    INSTANCE.get_or_init(|| {
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
            .join(format!("paging-tickets-{}", std::process::id()));
        let config = GeneratorConfig::for_tickets(5_000).with_history(History::Minimal);
        generate_overwriting(&config, &dir).expect("the generator runs");
        let mut instance = Instance::load(&dir).expect("the generated instance loads");
        let _ = std::fs::remove_dir_all(&dir);
        instance
            .records_mut(Kind::Tickets)
            .retain(|ticket| ticket["Id"].as_i64().is_some_and(|id| id % 7 != 0));
        instance
    })
}

/// The bundled sample instance (60 tickets, ids 5001 to 5060).
fn sample() -> Instance {
    Instance::sample().expect("the sample instance loads")
}

/// A simulator serving `instance` with these quirks and refusal cap, and a client for it.
async fn simulate(
    instance: &Instance,
    quirks: WireQuirks,
    result_cap: usize,
    window: WindowSettings,
) -> (VivantioSim, Client) {
    let config = VivantioSimConfig {
        result_cap,
        quirks,
        ..VivantioSimConfig::default()
    };
    let sim = VivantioSim::start(config, instance.clone())
        .await
        .expect("the simulator starts");
    let client = Client::builder()
        .platform_url(sim.platform_url())
        .credentials("api-user", "api-password")
        .limiter(LimiterSettings {
            initial_interval: Duration::ZERO,
            ..LimiterSettings::default()
        })
        .window_settings(window)
        .timeout(Duration::from_secs(30))
        .build()
        .expect("a valid client");
    (sim, client)
}

/// The ids of the simulator's tickets, in order.
fn table_ids(sim: &VivantioSim) -> Vec<i64> {
    let mut ids: Vec<i64> = sim
        .records(Kind::Tickets)
        .iter()
        .filter_map(|ticket| ticket["Id"].as_i64())
        .collect();
    ids.sort_unstable();
    ids
}

/// Every ticket id the client's default pager streams, in stream order (repeats kept).
async fn read_all(client: &Client) -> Result<Vec<i64>, Error> {
    client
        .tickets()
        .stream(Query::match_all())
        .map_ok(|ticket| ticket.id.get())
        .try_collect()
        .await
}

/// The paging assumptions the client's census found contradicted.
fn paging_findings(client: &Client) -> Vec<&'static str> {
    client
        .wire_census()
        .observations
        .iter()
        .map(|observation| observation.assumption)
        .filter(|id| id.starts_with("paging."))
        .collect()
}

/// `Ticket/Select` requests the simulator received.
fn selects(sim: &VivantioSim) -> usize {
    sim.requests()
        .iter()
        .filter(|request| request.path.ends_with("/Select"))
        .count()
}

/// Reads the generated instance from a tenant that cuts every answer at `cap` records.
async fn read_under_a_silent_cap(cap: usize, result_cap: usize, hydrate_chunk: Option<usize>) {
    let quirks = WireQuirks {
        silent_truncation: Some(cap),
        ..WireQuirks::default()
    };
    let window = WindowSettings {
        hydrate_chunk,
        ..WindowSettings::default()
    };
    let (sim, client) = simulate(generated(), quirks, result_cap, window).await;
    let ids = read_all(&client).await.expect("the stream");
    let expected = table_ids(&sim);
    assert_eq!(ids.len(), expected.len(), "cap {cap}: every record, once");
    assert_eq!(ids, expected, "cap {cap}: every record once, in id order");
    assert_eq!(paging_findings(&client), [ids::NO_SILENT_TRUNCATION]);
    let detail = &client.wire_census().observations[0].detail;
    assert!(
        detail.contains(&format!("cut at {cap} records")),
        "{detail}"
    );
    eprintln!(
        "silent cap {cap}: {} selects for {} tickets",
        selects(&sim),
        ids.len()
    );
    sim.stop().await;
}

#[tokio::test]
async fn a_silent_cap_smaller_than_the_first_window_loses_nothing() {
    read_under_a_silent_cap(37, 100_000, None).await;
}

#[tokio::test]
async fn a_round_silent_cap_loses_nothing() {
    read_under_a_silent_cap(100, 100_000, None).await;
}

#[tokio::test]
async fn a_silent_cap_at_the_target_loses_nothing() {
    read_under_a_silent_cap(250, 100_000, None).await;
}

#[tokio::test]
async fn a_silent_cap_below_an_announced_one_loses_nothing() {
    // Over 200 matches are refused, fewer are cut at 37.
    read_under_a_silent_cap(37, 200, None).await;
}

#[tokio::test]
async fn a_silent_cap_on_answers_read_as_ids_loses_nothing() {
    read_under_a_silent_cap(37, 100_000, Some(40)).await;
}

#[tokio::test]
async fn a_cut_open_ended_window_is_not_trusted() {
    // The sample's 60 tickets, then 400 far above them: the open-ended window tried after the
    // empty run answers 75 of those 400, as large as any answer so far, so windowing goes on.
    let mut instance = sample();
    let template = instance.records(Kind::Tickets)[0].clone();
    for id in 3_000_001..=3_000_400 {
        let mut ticket = template.clone();
        ticket["Id"] = json!(id);
        ticket["DisplayId"] = json!(format!("INC-{id}"));
        instance.records_mut(Kind::Tickets).push(ticket);
    }
    let quirks = WireQuirks {
        silent_truncation: Some(75),
        ..WireQuirks::default()
    };
    let (sim, client) = simulate(&instance, quirks, 100_000, WindowSettings::default()).await;
    let ids = read_all(&client).await.expect("the stream");
    assert_eq!(ids, table_ids(&sim));
    assert_eq!(ids.len(), 460);
    assert_eq!(paging_findings(&client), [ids::NO_SILENT_TRUNCATION]);
    let open_ended = sim
        .requests()
        .iter()
        .filter_map(|request| request.body_json())
        .filter(|body| {
            body["Query"]["Items"]
                .as_array()
                .is_some_and(|items| items.len() == 1)
        })
        .count();
    assert!(
        open_ended >= 2,
        "the cut open-ended answer was read, then another one"
    );
    sim.stop().await;
}

#[tokio::test]
async fn a_normal_tenant_is_verified_cheaply_and_contradicts_nothing() {
    for (name, instance) in [("sample", sample()), ("generated", generated().clone())] {
        let mut costs = Vec::new();
        for verify in [false, true] {
            let window = WindowSettings {
                verify_full_windows: verify,
                ..WindowSettings::default()
            };
            let (sim, client) = simulate(&instance, WireQuirks::default(), 500, window).await;
            let ids = read_all(&client).await.expect("the stream");
            assert_eq!(ids, table_ids(&sim), "{name}");
            assert!(paging_findings(&client).is_empty(), "{name}");
            costs.push(selects(&sim));
            sim.stop().await;
        }
        let (unverified, verified) = (costs[0], costs[1]);
        eprintln!("{name}: {unverified} selects without verification, {verified} with");
        assert!(
            verified <= unverified + unverified / 5 + 4,
            "{name}: {unverified} -> {verified}"
        );
    }
}

#[tokio::test]
async fn an_ignored_id_filter_is_reported_and_the_set_read_from_one_answer() {
    for instance in [sample(), generated().clone()] {
        let quirks = WireQuirks {
            ignore_id_filter: true,
            ..WireQuirks::default()
        };
        let (sim, client) = simulate(&instance, quirks, 100_000, WindowSettings::default()).await;
        let ids = read_all(&client).await.expect("the stream");
        assert_eq!(ids, table_ids(&sim));
        assert_eq!(paging_findings(&client), [ids::ID_FILTER_HONOURED]);
        assert!(
            sim.request_count() <= 3,
            "one answer is the whole set, not one per window: {}",
            sim.request_count()
        );
        sim.stop().await;
    }
}

#[tokio::test]
async fn an_ignored_id_filter_with_a_cut_answer_is_a_paging_error() {
    // A round answer cannot be told from a cut one, and with the filter ignored no window can
    // be split to find out.
    let quirks = WireQuirks {
        silent_truncation: Some(300),
        ignore_id_filter: true,
        ..WireQuirks::default()
    };
    let (sim, client) = simulate(generated(), quirks, 100_000, WindowSettings::default()).await;
    let error = read_all(&client).await.unwrap_err();
    assert!(
        matches!(&error, Error::Paging { message, .. } if message.contains("ignores the Id filter")),
        "{error:?}"
    );
    sim.stop().await;

    // A cap found while the filter worked: an answer that large is known to be cut.
    let quirks = WireQuirks {
        silent_truncation: Some(37),
        ..WireQuirks::default()
    };
    let (sim, client) = simulate(generated(), quirks, 100_000, WindowSettings::default()).await;
    let mut stream = client.tickets().stream(Query::match_all());
    for _ in 0..100 {
        stream
            .try_next()
            .await
            .expect("the stream")
            .expect("a ticket");
    }
    assert_eq!(paging_findings(&client), [ids::NO_SILENT_TRUNCATION]);
    sim.set_quirks(WireQuirks {
        silent_truncation: Some(37),
        ignore_id_filter: true,
        ..WireQuirks::default()
    });
    let error = loop {
        match stream.try_next().await {
            Ok(Some(_)) => continue,
            Ok(None) => panic!("the stream ended without an error"),
            Err(error) => break error,
        }
    };
    assert!(matches!(error, Error::Paging { .. }), "{error:?}");
    assert_eq!(
        paging_findings(&client),
        [ids::NO_SILENT_TRUNCATION, ids::ID_FILTER_HONOURED]
    );
    sim.stop().await;
}
