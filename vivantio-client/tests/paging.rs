//! The windowed pager against a fake tenant that caps result sizes and gains records mid-run.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use common::{client_for, fast_limiter, post, AUTHORIZATION, PASSWORD, USERNAME};
use futures::stream::BoxStream;
use futures::{StreamExt, TryStreamExt};
use serde_json::{json, Value};
use vivantio_client::paging::Selectable;
use vivantio_client::query::{fields::ticket, Query};
use vivantio_client::ticket::Ticket;
use vivantio_client::{Client, Error, IdWindowPager, Pager, WindowSettings};
use wiremock::{MockServer, Request, ResponseTemplate};

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
        .map_ok(|ticket| ticket.id)
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
        first.iter().map(|t| t.id).collect::<Vec<_>>(),
        [1, 2, 3, 4, 5]
    );
    // (0,500], (0,250] and (0,125] refused, (0,62] read: nothing beyond the first window.
    assert_eq!(tenant.calls.load(Ordering::SeqCst), 4);
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
    let ids: Vec<i64> = tickets.iter().map(|t| t.id).collect();
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
    let server = MockServer::start().await;
    post("Ticket/Select")
        .respond_with(
            ResponseTemplate::new(200).set_body_json(common::results(json!([
                {"Id": 3}, {"Id": 1}, {"Id": 2}
            ]))),
        )
        .up_to_n_times(1)
        .mount(&server)
        .await;
    post("Ticket/Select")
        .respond_with(ResponseTemplate::new(200).set_body_json(common::results(json!([]))))
        .mount(&server)
        .await;
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
    let client = client_for(&server, fast_limiter());
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
        .map_ok(|ticket| ticket.id)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(ids, [1, 2]);
}
