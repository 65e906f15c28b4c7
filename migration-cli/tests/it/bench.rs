//! `bench` end to end on a small instance: the table is printed, the figures are written,
//! `plan` is measured beside the migration, and every request Intercom handled is accounted
//! to the stage that made it.

use assert_cmd::Command;
use serde_json::Value;

#[test]
fn a_small_bench_accounts_every_request_to_a_stage() {
    let dir = tempfile::tempdir().unwrap();
    let output = Command::cargo_bin("vivantio2intercom")
        .unwrap()
        .current_dir(dir.path())
        .env_remove("V2I_VIVANTIO_URL")
        .env_remove("V2I_INTERCOM_URL")
        .args(["bench", "--tickets", "40", "--unlimited", "--dir"])
        .arg(dir.path().join("bench"))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    // A generated instance's only rejections are records deleted in Vivantio, which the
    // mapping leaves out on purpose: the run succeeded.
    assert_eq!(output.status.code(), Some(0), "{stdout}\n{stderr}");
    assert!(
        stdout.contains("stage            records       ops  requests   ops/rec   req/rec"),
        "{stdout}"
    );

    let json = std::fs::read_to_string(dir.path().join("bench/bench.json")).unwrap();
    let figures: Value = serde_json::from_str(&json).unwrap();
    let number = |value: &Value| value.as_u64().unwrap();
    // `plan` ran in its own child process against the same tenant, and was measured.
    assert!(stdout.contains("\nplan           "), "{stdout}");
    assert!(
        number(&figures["plan"]["usage"]["peak_rss_bytes"]) > 1_000_000,
        "{json}"
    );
    assert!(number(&figures["plan"]["wall_ms"]) > 0, "{json}");
    let planned: Value = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join("bench/bench-plan.json")).unwrap(),
    )
    .unwrap();
    assert!(planned["preflight"]["counts"].is_object(), "{planned}");
    let stage = |name: &str| {
        figures["stages"]
            .as_array()
            .unwrap()
            .iter()
            .find(|row| row["stage"] == name)
            .unwrap_or_else(|| panic!("no {name} row in {json}"))
            .clone()
    };
    let handled: u64 = figures["operations"]
        .as_object()
        .unwrap()
        .values()
        .map(number)
        .sum();
    let by_stages: u64 = figures["stages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| number(&row["requests"]))
        .sum();
    assert_eq!(number(&figures["rate_limited"]), 0);
    assert_eq!(handled, number(&figures["requests"]));
    assert_eq!(number(&figures["unclaimed_requests"]), 0, "{json}");
    assert_eq!(by_stages, handled);

    // A company upsert reads its before-image, then writes: two requests per operation.
    let companies = stage("companies");
    assert!(number(&companies["operations"]) > 0);
    assert_eq!(
        number(&companies["requests"]),
        2 * number(&companies["operations"])
    );
    // One create per article.
    let articles = stage("articles");
    assert_eq!(number(&articles["requests"]), number(&articles["records"]));
    // Every thread's create and parts at least; operations Intercom already satisfies (a
    // conversation just created is open) cost nothing, so requests may be fewer than operations.
    let tickets = stage("tickets");
    assert!(number(&tickets["requests"]) > 2 * number(&tickets["records"]));
    assert!(number(&tickets["requests"]) <= number(&tickets["operations"]));

    // Requests per ticket on both sides, and `plan`'s forecast beside what the run did.
    assert!(
        stdout.contains("\nper ticket     ") && stdout.contains(" Vivantio requests (40 tickets)"),
        "{stdout}"
    );
    assert!(stdout.contains("\nforecast       "), "{stdout}");
    let forecast = &figures["forecast"];
    let within = |forecast: u64, measured: u64| {
        (forecast as f64 - measured as f64).abs() <= 0.05 * measured as f64
    };
    let intercom = number(&forecast["forecast"]["intercom_requests"]);
    assert!(within(intercom, number(&figures["requests"])), "{json}");
    let vivantio: u64 = forecast["forecast"]["vivantio"]
        .as_object()
        .unwrap()
        .values()
        .map(number)
        .sum();
    let read: u64 = figures["vivantio_operations"]
        .as_object()
        .unwrap()
        .values()
        .map(number)
        .sum();
    assert!(
        within(vivantio, read),
        "forecast {vivantio}, read {read}: {json}"
    );
    for row in figures["stages"].as_array().unwrap() {
        assert!(row["forecast"].is_u64(), "{row}");
    }
}
