//! Two hosts: the RPC API on the platform host, inline images and the OData feed on the tenant's
//! web application. Credentials go to those two origins only; the User-Agent names the tool.
//! Wiremock servers on different ports stand for different hosts; the simulator serves both
//! hosts on one port, reached as `127.0.0.1` (platform) and `localhost` (tenant).

use std::time::Duration;

use fixtures::instance::{Instance, Kind};
use fixtures::sim::vivantio::{VivantioSim, VivantioSimConfig, WireQuirks};
use serde_json::json;
use vivantio_client::{Client, ClientBuilder};
use wiremock::matchers::{header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::common::{fast_limiter, ok, post, results, AUTHORIZATION, PASSWORD, USERNAME};

const GUID: &str = "0b9f6c1e-3f4a-4c1e-9a57-1f2e3d4c5b6a";
const PNG: &[u8] = b"\x89PNG\r\n\x1a\nnot really a png";

fn builder(platform: &MockServer) -> ClientBuilder {
    Client::builder()
        .platform_url(platform.uri())
        .credentials(USERNAME, PASSWORD)
        .limiter(fast_limiter())
        .timeout(Duration::from_secs(5))
}

fn with_tenant(platform: &MockServer, tenant: &MockServer) -> Client {
    builder(platform)
        .tenant_url(tenant.uri())
        .build()
        .expect("valid client")
}

fn image_path() -> String {
    format!("/Attachment/Inline/{GUID}")
}

fn png() -> ResponseTemplate {
    ResponseTemplate::new(200)
        .insert_header("content-type", "image/png")
        .set_body_bytes(PNG)
}

async fn requests(server: &MockServer) -> usize {
    server.received_requests().await.map_or(0, |r| r.len())
}

#[tokio::test]
async fn the_default_user_agent_names_the_tool_and_version_on_every_request() {
    let platform = MockServer::start().await;
    let tenant = MockServer::start().await;
    let agent = format!("vivantio2intercom/{}", env!("CARGO_PKG_VERSION"));
    post("Configuration/TicketTypeSelectAll")
        .and(header("user-agent", agent.as_str()))
        .respond_with(ok(results(json!([]))))
        .expect(1)
        .mount(&platform)
        .await;
    Mock::given(method("GET"))
        .and(path(image_path()))
        .and(header("user-agent", agent.as_str()))
        .respond_with(png())
        .expect(1)
        .mount(&tenant)
        .await;
    Mock::given(method("GET"))
        .and(path("/odata/Callers"))
        .and(header("user-agent", agent.as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"@odata.count": 1})))
        .expect(1)
        .mount(&tenant)
        .await;
    let client = with_tenant(&platform, &tenant);
    client.configuration().ticket_types().await.unwrap();
    let url = format!("{}{}", tenant.uri(), image_path());
    client.attachments().inline_image(&url).await.unwrap();
    client.odata().count("Callers").await.unwrap();
}

#[tokio::test]
async fn a_configured_user_agent_is_sent_instead() {
    let platform = MockServer::start().await;
    post("Configuration/TicketTypeSelectAll")
        .and(header("user-agent", "acme-migration/2.0"))
        .respond_with(ok(results(json!([]))))
        .expect(1)
        .mount(&platform)
        .await;
    let client = builder(&platform)
        .user_agent("acme-migration/2.0")
        .build()
        .unwrap();
    client.configuration().ticket_types().await.unwrap();
}

#[tokio::test]
async fn an_inline_image_on_the_tenant_host_is_fetched_there_with_credentials() {
    let platform = MockServer::start().await;
    let tenant = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(image_path()))
        .and(header("authorization", AUTHORIZATION))
        .respond_with(png())
        .expect(1)
        .mount(&tenant)
        .await;
    let client = with_tenant(&platform, &tenant);
    let url = format!("{}{}", tenant.uri(), image_path());
    let image = client.attachments().inline_image(&url).await.unwrap();
    assert_eq!(image.content.as_ref(), PNG);
    assert_eq!(image.file_name, GUID);
    assert_eq!(image.content_type.as_deref(), Some("image/png"));
    assert_eq!(requests(&platform).await, 0, "nothing went to the platform");
}

#[tokio::test]
async fn an_inline_image_on_the_platform_host_is_still_fetched_there() {
    let platform = MockServer::start().await;
    let tenant = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(image_path()))
        .and(header("authorization", AUTHORIZATION))
        .respond_with(png())
        .expect(1)
        .mount(&platform)
        .await;
    let client = with_tenant(&platform, &tenant);
    let url = format!("{}{}", platform.uri(), image_path());
    let image = client.attachments().inline_image(&url).await.unwrap();
    assert_eq!(image.content.as_ref(), PNG);
    assert_eq!(requests(&tenant).await, 0);
}

#[tokio::test]
async fn an_inline_image_on_another_host_is_refused_without_a_request() {
    let platform = MockServer::start().await;
    let tenant = MockServer::start().await;
    let stranger = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(png())
        .mount(&stranger)
        .await;
    let client = with_tenant(&platform, &tenant);
    let url = format!("{}{}", stranger.uri(), image_path());
    let error = client.attachments().inline_image(&url).await.unwrap_err();
    let message = error.to_string();
    assert!(
        message.contains("credentials are not sent to that host"),
        "{message}"
    );
    assert!(!message.contains(PASSWORD));
    for server in [&platform, &tenant, &stranger] {
        assert_eq!(requests(server).await, 0, "no request anywhere");
    }
}

#[tokio::test]
async fn an_inline_image_on_a_tenant_alias_is_fetched_from_the_tenant_url() {
    let platform = MockServer::start().await;
    let tenant = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(image_path()))
        .and(header("authorization", AUTHORIZATION))
        .respond_with(png())
        .expect(1)
        .mount(&tenant)
        .await;
    let client = builder(&platform)
        .tenant_url(tenant.uri())
        .tenant_alias("https://acme.vivantio.com")
        .build()
        .unwrap();
    let url = format!("https://acme.vivantio.com{}", image_path());
    let image = client.attachments().inline_image(&url).await.unwrap();
    assert_eq!(image.content.as_ref(), PNG);
}

#[tokio::test]
async fn without_a_tenant_url_the_image_path_is_fetched_from_the_platform() {
    let platform = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(image_path()))
        .and(header("authorization", AUTHORIZATION))
        .respond_with(png())
        .expect(1)
        .mount(&platform)
        .await;
    let client = builder(&platform).build().unwrap();
    let url = format!("https://acme.vivantio.com{}", image_path());
    let image = client.attachments().inline_image(&url).await.unwrap();
    assert_eq!(image.content.as_ref(), PNG);
}

#[tokio::test]
async fn a_login_page_instead_of_an_image_is_a_clear_error() {
    let platform = MockServer::start().await;
    let tenant = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(image_path()))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("content-type", "text/html; charset=utf-8")
                .set_body_string("<!DOCTYPE html><html><title>Log in</title></html>"),
        )
        .expect(1)
        .mount(&tenant)
        .await;
    let client = with_tenant(&platform, &tenant);
    let url = format!("{}{}", tenant.uri(), image_path());
    let error = client.attachments().inline_image(&url).await.unwrap_err();
    assert!(error.is_not_an_image(), "{error:?}");
    assert!(!error.is_retryable());
    let message = error.to_string();
    assert!(
        message.contains("web page") && message.contains("login page"),
        "{message}"
    );
}

#[tokio::test]
async fn a_throttled_inline_image_is_retried() {
    let platform = MockServer::start().await;
    let tenant = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(image_path()))
        .respond_with(ResponseTemplate::new(429))
        .up_to_n_times(1)
        .mount(&tenant)
        .await;
    Mock::given(method("GET"))
        .and(path(image_path()))
        .respond_with(png())
        .mount(&tenant)
        .await;
    let client = with_tenant(&platform, &tenant);
    let url = format!("{}{}", tenant.uri(), image_path());
    let image = client.attachments().inline_image(&url).await.unwrap();
    assert_eq!(image.content.as_ref(), PNG);
    assert_eq!(requests(&tenant).await, 2);
}

#[tokio::test]
async fn odata_count_reads_the_count_from_the_tenant_with_credentials() {
    let platform = MockServer::start().await;
    let tenant = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/odata/Callers"))
        .and(query_param("$count", "true"))
        .and(query_param("$top", "1"))
        .and(header("authorization", AUTHORIZATION))
        .and(header("accept", "application/json"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "@odata.context": "x", "@odata.count": 1234, "value": [{"Id": 1}],
            "@odata.nextLink": "x?$skip=1"
        })))
        .expect(1)
        .mount(&tenant)
        .await;
    Mock::given(method("GET"))
        .and(path("/odata/Clients"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"@odata.count": "56"})))
        .expect(1)
        .mount(&tenant)
        .await;
    let client = with_tenant(&platform, &tenant);
    assert_eq!(client.odata().count("Callers").await.unwrap(), Some(1234));
    assert_eq!(client.odata().count("Clients").await.unwrap(), Some(56));
    assert_eq!(requests(&platform).await, 0);
}

#[tokio::test]
async fn odata_count_is_none_without_a_tenant_url_or_a_feed() {
    let platform = MockServer::start().await;
    let client = builder(&platform).build().unwrap();
    assert_eq!(client.odata().count("Callers").await.unwrap(), None);
    assert_eq!(requests(&platform).await, 0, "no request without a tenant");

    let tenant = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(404))
        .mount(&tenant)
        .await;
    let client = with_tenant(&platform, &tenant);
    assert_eq!(client.odata().count("Clients").await.unwrap(), None);
    assert!(client.odata().count("../x").await.is_err(), "feed names");
}

#[tokio::test]
async fn odata_count_auth_and_transport_failures_are_errors() {
    let platform = MockServer::start().await;
    let tenant = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/odata/Callers"))
        .respond_with(ResponseTemplate::new(401))
        .mount(&tenant)
        .await;
    Mock::given(method("GET"))
        .and(path("/odata/Clients"))
        .respond_with(ResponseTemplate::new(403))
        .mount(&tenant)
        .await;
    let client = with_tenant(&platform, &tenant);
    let error = client.odata().count("Callers").await.unwrap_err();
    assert!(error.is_unauthorized(), "{error}");
    assert!(error.to_string().contains("odata/Callers"), "{error}");
    assert!(client
        .odata()
        .count("Clients")
        .await
        .unwrap_err()
        .is_unauthorized());

    // A tenant URL nobody listens on.
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}/", listener.local_addr().unwrap())
    };
    let client = builder(&platform).tenant_url(closed).build().unwrap();
    let error = client.odata().count("Callers").await.unwrap_err();
    assert!(
        matches!(error, vivantio_client::Error::Transport { .. }),
        "{error:?}"
    );
}

#[tokio::test]
async fn a_throttled_odata_count_is_retried() {
    let platform = MockServer::start().await;
    let tenant = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(2)
        .mount(&tenant)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"@odata.count": 9})))
        .mount(&tenant)
        .await;
    let client = with_tenant(&platform, &tenant);
    assert_eq!(client.odata().count("Callers").await.unwrap(), Some(9));
    assert_eq!(requests(&tenant).await, 3);
}

// --- the simulator: one port, two host names ---

fn sample() -> Option<Instance> {
    let dir = Instance::sample_dir();
    if !dir.join("manifest.json").is_file() {
        eprintln!("SKIPPED: no sample instance at {}", dir.display());
        return None;
    }
    Some(Instance::sample().expect("the sample instance loads"))
}

/// The simulator, a client with `127.0.0.1` as platform and `localhost` as tenant, and the
/// tenant URL.
async fn sim_with_tenant(instance: Instance, quirks: WireQuirks) -> (VivantioSim, Client, String) {
    let config = VivantioSimConfig {
        quirks,
        ..VivantioSimConfig::default()
    };
    let sim = VivantioSim::start(config, instance).await.unwrap();
    let tenant = format!("http://localhost:{}/", sim.address().port());
    let client = Client::builder()
        .platform_url(sim.platform_url())
        .tenant_url(tenant.clone())
        .credentials("api-user", "api-password")
        .limiter(fast_limiter())
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    (sim, client, tenant)
}

/// An inline image URL some sample article shows, moved onto `tenant`.
fn an_inline_image(instance: &Instance, tenant: &str) -> String {
    let marker = "/attachment/inline/";
    for article in instance.records(Kind::Articles) {
        let body = article["BodyHtml"].as_str().unwrap_or_default();
        if let Some(at) = body.to_ascii_lowercase().find(marker) {
            let guid: String = body[at + marker.len()..]
                .chars()
                .take_while(|c| c.is_ascii_hexdigit() || *c == '-')
                .collect();
            return format!("{tenant}Attachment/Inline/{guid}");
        }
    }
    panic!("no sample article shows an inline image");
}

#[tokio::test]
async fn the_simulator_counts_callers_and_clients_on_the_tenant_host() {
    let Some(instance) = sample() else { return };
    let (sim, client, tenant) = sim_with_tenant(instance.clone(), WireQuirks::none()).await;
    assert_eq!(
        client.odata().count("Callers").await.unwrap(),
        Some(instance.records(Kind::Callers).len() as u64)
    );
    assert_eq!(
        client.odata().count("Clients").await.unwrap(),
        Some(instance.records(Kind::Clients).len() as u64)
    );
    let url = an_inline_image(&instance, &tenant);
    let image = client.attachments().inline_image(&url).await.unwrap();
    assert!(image.content.starts_with(b"\x89PNG"));
    sim.stop().await;
}

#[tokio::test]
async fn the_simulator_quirks_no_odata_and_login_page_are_noticed() {
    let Some(instance) = sample() else { return };
    let quirks = WireQuirks {
        no_odata: true,
        inline_images_as_login_page: true,
        ..WireQuirks::none()
    };
    let (sim, client, tenant) = sim_with_tenant(instance.clone(), quirks).await;
    assert_eq!(client.odata().count("Callers").await.unwrap(), None);
    let url = an_inline_image(&instance, &tenant);
    let error = client.attachments().inline_image(&url).await.unwrap_err();
    assert!(error.is_not_an_image(), "{error}");
    sim.stop().await;
}

#[tokio::test]
async fn the_simulator_odata_feed_pages_with_skip_and_top() {
    let Some(instance) = sample() else { return };
    let (sim, _client, tenant) = sim_with_tenant(instance.clone(), WireQuirks::none()).await;
    let http = reqwest::Client::new();
    let get = |query: &str| {
        http.get(format!("{tenant}odata/callers?{query}"))
            .basic_auth("api-user", Some("api-password"))
            .send()
    };
    let total = instance.records(Kind::Callers).len();
    let page: serde_json::Value = get("$skip=2&$top=3").await.unwrap().json().await.unwrap();
    assert!(
        page.get("@odata.count").is_none(),
        "counted on request only"
    );
    let ids: Vec<i64> = page["value"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|record| record["Id"].as_i64())
        .collect();
    let mut all: Vec<i64> = instance
        .records(Kind::Callers)
        .iter()
        .filter_map(|record| record["Id"].as_i64())
        .collect();
    all.sort_unstable();
    assert_eq!(ids, all[2..5]);
    assert!(
        page.get("@odata.nextLink").is_none(),
        "$top=3 asked for three"
    );
    let counted: serde_json::Value = get("$count=true&$skip=0")
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(counted["@odata.count"], total);
    let bad = get("$top=x").await.unwrap();
    assert_eq!(bad.status(), 400);
    let unauthorised = http
        .get(format!("{tenant}odata/Callers"))
        .send()
        .await
        .unwrap();
    assert_eq!(unauthorised.status(), 401);
    sim.stop().await;
}
