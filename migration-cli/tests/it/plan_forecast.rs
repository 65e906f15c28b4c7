//! `plan`'s forecast against what a migration then does on the simulators: the Intercom and
//! Vivantio requests of the run, for the whole sample and for a `[scope]`; the pace from what
//! `doctor` measured; the two passes of an open-first run.

use migration_cli::commands::doctor::{self, DoctorOptions};
use migration_cli::commands::forecast::PlanForecast;
use migration_cli::commands::plan::PlanOptions;
use migration_cli::commands::{confirm, plan};
use migration_core::engine::RunOrder;
use migration_core::forecast::Slower;

use crate::common;

/// The forecast `plan` prints in its JSON.
async fn forecast(world: &common::World) -> PlanForecast {
    let outcome = plan::run(&world.project, &PlanOptions::default())
        .await
        .unwrap();
    serde_json::from_value(outcome.json["forecast"].clone()).expect("a forecast in the JSON")
}

/// Requests each simulator received during a full migration.
async fn measured(world: &common::World) -> (u64, u64) {
    world.intercom.reset_stats();
    world.vivantio.clear_requests();
    common::full_migration(world).await;
    (
        world.intercom.stats().requests,
        world.vivantio.request_count() as u64,
    )
}

/// Whether `forecast` is within 5 % of `measured`.
fn agrees(forecast: u64, measured: u64) -> bool {
    (forecast as f64 - measured as f64).abs() <= 0.05 * measured as f64
}

#[tokio::test]
async fn the_forecast_counts_the_requests_the_run_sends_and_reads() {
    let world = common::confirmed_world().await;
    let forecast = forecast(&world).await;
    assert!(
        forecast.whole_instance.is_none(),
        "the mapping moves everything"
    );
    let run = &forecast.in_scope;
    let (intercom, vivantio) = measured(&world).await;
    // To the request: the binary first proves both accounts with one read each, which the
    // library's `migrate` leaves to it.
    assert_eq!(
        run.intercom_requests,
        intercom + 1,
        "Intercom: {:?}",
        world.intercom.stats().operations
    );
    assert_eq!(
        run.vivantio.total(),
        vivantio + 1,
        "Vivantio: {:?}",
        run.vivantio
    );
    // One token: the limit the workspace announced to `plan`'s own reads (the simulator's
    // 10,000 a minute, as 1,667 a 10-second window); no `doctor` yet, so no latency.
    assert!(forecast.pace.announced);
    assert_eq!(forecast.pace.per_app_per_minute, 6 * 1_667);
    assert_eq!(forecast.pace.vivantio_latency_ms, None);
    assert_eq!(run.slower, Slower::Unknown);
}

#[tokio::test]
async fn a_scope_is_forecast_on_its_own_beside_the_whole_instance() {
    let world = common::confirmed_world().await;
    let path = world.project.mapping_path();
    let mut text = std::fs::read_to_string(&path).unwrap();
    text.push_str(
        "\n[scope]\ncallers = \"referenced\"\n\n[scope.tickets]\nstatus_kinds = [\"closed\"]\n",
    );
    std::fs::write(&path, text).unwrap();
    let forecast = forecast(&world).await;
    confirm::run(&world.project, "test").await.unwrap();
    let whole = forecast
        .whole_instance
        .clone()
        .expect("the whole instance beside the scope");
    let run = &forecast.in_scope;
    assert!(
        run.intercom_requests < whole.intercom_requests,
        "{run:?} {whole:?}"
    );
    assert!(run.vivantio.ticket_details < whole.vivantio.ticket_details);
    let (intercom, vivantio) = measured(&world).await;
    assert!(
        agrees(run.intercom_requests, intercom),
        "Intercom: forecast {} against {intercom} sent",
        run.intercom_requests
    );
    assert!(
        agrees(run.vivantio.total(), vivantio),
        "Vivantio: forecast {:?} against {vivantio} read",
        run.vivantio
    );
    let human = plan::run(&world.project, &PlanOptions::default())
        .await
        .unwrap()
        .human;
    assert!(
        human.contains("forecast (the records in scope): "),
        "{human}"
    );
    assert!(human.contains("  whole instance, scope aside"), "{human}");
}

#[tokio::test]
async fn doctor_s_latency_paces_the_reading_side() {
    let world = common::confirmed_world().await;
    doctor::run(&world.project, &DoctorOptions::default())
        .await
        .unwrap();
    let forecast = forecast(&world).await;
    let latency = forecast.pace.vivantio_latency_ms.expect("doctor's latency");
    assert!(latency > 0.0);
    assert!(forecast.latency_reads > 0);
    let run = &forecast.in_scope;
    let vivantio = run.vivantio_seconds.expect("the reading side's time");
    let expected = run.vivantio.total() as f64 * latency
        / 1000.0
        / f64::from(forecast.pace.vivantio_concurrency);
    assert!((vivantio - expected).abs() < 1e-9);
    assert_ne!(run.slower, Slower::Unknown);
    assert!(run.wall_seconds >= run.intercom_seconds.max(vivantio));
}

#[tokio::test]
async fn an_open_first_run_is_forecast_pass_by_pass() {
    let mut world = common::confirmed_world().await;
    assert!(forecast(&world).await.passes.is_none());
    world.project.settings.order = RunOrder::OpenFirst;
    let forecast = forecast(&world).await;
    let passes = forecast.passes.expect("both passes in open-first order");
    let run = &forecast.in_scope;
    assert!(passes.open_tickets > 0);
    assert!(passes.open.intercom_requests > 0 && passes.history.intercom_requests > 0);
    // Every request is in one pass; the reads made once per process are in the first.
    assert_eq!(
        passes.open.intercom_requests + passes.history.intercom_requests,
        run.intercom_requests
    );
    assert_eq!(
        passes.open.vivantio.ticket_details + passes.history.vivantio.ticket_details,
        run.vivantio.ticket_details
    );
    let (intercom, vivantio) = measured(&world).await;
    assert!(
        agrees(run.intercom_requests, intercom),
        "Intercom: forecast {} against {intercom} sent in open-first order",
        run.intercom_requests
    );
    assert!(
        agrees(run.vivantio.total(), vivantio),
        "Vivantio: forecast {:?} against {vivantio} read in open-first order",
        run.vivantio
    );
}
