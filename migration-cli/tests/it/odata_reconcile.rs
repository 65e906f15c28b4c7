//! The caller and organisation streams checked against the tenant's OData count: a tenant that
//! hides or cuts records without saying so is caught at the end of the stream, naming both numbers.
//! The simulator serves the API on `127.0.0.1` and the tenant (OData) on `localhost`.

use std::time::Duration;

use fixtures::instance::{Instance, Kind};
use fixtures::sim::vivantio::{VivantioSim, VivantioSimConfig, WireQuirks};
use futures::TryStreamExt;
use migration_cli::adapters::vivantio::{VivantioSource, VivantioSourceOptions};
use migration_core::ports::Source;
use vivantio_client::{Client, LimiterSettings};

fn sample() -> Option<Instance> {
    let dir = Instance::sample_dir();
    if !dir.join("manifest.json").is_file() {
        eprintln!("SKIPPED: no sample instance at {}", dir.display());
        return None;
    }
    Some(Instance::sample().expect("the sample instance loads"))
}

/// A simulator playing `quirks` and a source reading it with a tenant URL.
async fn serve(
    instance: &Instance,
    quirks: WireQuirks,
    odata_reconcile: bool,
) -> (VivantioSim, VivantioSource) {
    let config = VivantioSimConfig {
        quirks,
        ..VivantioSimConfig::default()
    };
    let sim = VivantioSim::start(config, instance.clone()).await.unwrap();
    let client = Client::builder()
        .platform_url(sim.platform_url())
        .tenant_url(format!("http://localhost:{}/", sim.address().port()))
        .credentials("api-user", "api-password")
        .limiter(LimiterSettings {
            initial_interval: Duration::ZERO,
            base_backoff: Duration::from_millis(5),
            max_backoff: Duration::from_millis(20),
            ..LimiterSettings::default()
        })
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap();
    let options = VivantioSourceOptions {
        odata_reconcile,
        ..VivantioSourceOptions::default()
    };
    (sim, VivantioSource::new(client, options))
}

fn odata_requests(sim: &VivantioSim) -> Vec<String> {
    sim.requests()
        .iter()
        .filter(|request| request.path.to_ascii_lowercase().starts_with("/odata/"))
        .map(|request| request.path.clone())
        .collect()
}

#[tokio::test]
async fn a_complete_read_matches_the_odata_count() {
    let Some(instance) = sample() else { return };
    let (sim, source) = serve(&instance, WireQuirks::none(), true).await;
    let callers: Vec<_> = source.callers().try_collect().await.expect("callers");
    let organisations: Vec<_> = source
        .organisations()
        .try_collect()
        .await
        .expect("organisations");
    assert_eq!(callers.len(), instance.records(Kind::Callers).len());
    assert_eq!(organisations.len(), instance.records(Kind::Clients).len());
    assert_eq!(
        odata_requests(&sim),
        ["/odata/Callers", "/odata/Clients"],
        "one count per stream"
    );
}

#[tokio::test]
async fn records_the_api_hides_fail_the_read_naming_both_numbers() {
    let Some(instance) = sample() else { return };
    // Callers and clients the API user cannot list, yet the feed counts.
    let mut hidden: Vec<i64> = [Kind::Callers, Kind::Clients]
        .into_iter()
        .filter_map(|kind| instance.records(kind).first()?["Id"].as_i64())
        .collect();
    hidden.sort_unstable();
    let quirks = WireQuirks {
        unlisted_ids: hidden.into_iter().collect(),
        ..WireQuirks::none()
    };
    let (sim, source) = serve(&instance, quirks, true).await;
    let total = instance.records(Kind::Callers).len();
    let mut callers = source.callers();
    let mut read = 0;
    let error = loop {
        match callers.try_next().await {
            Ok(Some(_)) => read += 1,
            Ok(None) => panic!("the short read ended without an error ({read} of {total})"),
            Err(error) => break error,
        }
    };
    assert!(read < total, "the quirk cut nothing");
    for part in [
        format!("{read} callers were extracted"),
        format!("counts {total}"),
        "would be lost".to_string(),
    ] {
        assert!(error.message.contains(&part), "{}", error.message);
    }
    assert!(
        error.message.contains("paging.extraction_complete"),
        "{}",
        error.message
    );
    let organisations = source.organisations().try_collect::<Vec<_>>().await;
    assert!(organisations.is_err(), "organisations are checked too");
    let census = source.client().wire_census();
    assert!(
        format!("{census:?}").contains("paging.extraction_complete"),
        "the contradiction is kept for the wire report"
    );
    drop(sim);
}

#[tokio::test]
async fn no_feed_or_no_check_lets_the_stream_end_as_it_is() {
    let Some(instance) = sample() else { return };
    let quirks = WireQuirks {
        no_odata: true,
        ..WireQuirks::none()
    };
    let (sim, source) = serve(&instance, quirks, true).await;
    let callers: Vec<_> = source.callers().try_collect().await.expect("no feed");
    assert_eq!(callers.len(), instance.records(Kind::Callers).len());
    assert_eq!(odata_requests(&sim).len(), 1, "asked, answered 404");

    let first = instance.records(Kind::Callers)[0]["Id"].as_i64().unwrap();
    let quirks = WireQuirks {
        unlisted_ids: [first].into(),
        ..WireQuirks::none()
    };
    let (sim, source) = serve(&instance, quirks, false).await;
    let callers = source
        .callers()
        .try_collect::<Vec<_>>()
        .await
        .expect("the check is off");
    assert_eq!(callers.len(), instance.records(Kind::Callers).len() - 1);
    assert!(odata_requests(&sim).is_empty(), "no count asked");
}
