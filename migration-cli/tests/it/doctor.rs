//! `doctor` against the simulators: read-only, all held on the documented contract, and the
//! broken assumption named in every mode `wire_assumptions.rs` breaks.

use migration_cli::commands::migrate::MigrateOptions;
use migration_core::engine::VerifySelection;
use std::collections::BTreeSet;

use fixtures::sim::vivantio::{VivantioSimConfig, WireQuirks};
use migration_cli::commands::doctor::{self, Check, DoctorOptions, Verdict};
use migration_cli::error::{EXIT_BLOCKED, EXIT_OK};
use vivantio_client::assumptions::registry::{IfWrong, Subject, REGISTRY};

use crate::common;
use crate::common::wire::scenarios;
use crate::common::World;

/// The Vivantio actions that change data (none may be called by `doctor`).
const VIVANTIO_WRITES: [&str; 3] = ["ticket/insert", "ticket/addnote", "ticket/changestatus"];

fn actions_called(world: &World) -> BTreeSet<String> {
    world
        .vivantio
        .requests()
        .iter()
        .filter_map(|request| {
            let mut segments = request.path.split('/').filter(|s| !s.is_empty());
            (segments.next()? == "api").then_some(())?;
            Some(format!("{}/{}", segments.next()?, segments.next()?).to_ascii_lowercase())
        })
        .collect()
}

fn intercom_writes(world: &World) -> u64 {
    world
        .intercom
        .stats()
        .operations
        .iter()
        // Intercom lists companies and searches with POST; those read.
        .filter(|(operation, _)| {
            !operation.starts_with("GET ")
                && !operation.ends_with("/list")
                && !operation.ends_with("/search")
        })
        .map(|(_, count)| count)
        .sum()
}

async fn doctor_checks(world: &World) -> (Vec<Check>, i32) {
    let outcome = doctor::run(&world.project, &DoctorOptions::default())
        .await
        .unwrap();
    let checks: Vec<Check> =
        serde_json::from_value(outcome.json["checks"].clone()).expect("checks in the JSON");
    (checks, outcome.exit_code)
}

#[tokio::test]
async fn on_the_documented_contract_every_check_holds_and_nothing_is_written() {
    let world = common::confirmed_world().await;
    world.intercom.reset_stats();
    world.vivantio.clear_requests();
    let (checks, exit) = doctor_checks(&world).await;
    let contradicted: Vec<&Check> = checks
        .iter()
        .filter(|check| check.verdict == Verdict::Contradicted || check.blocking)
        .collect();
    assert!(contradicted.is_empty(), "{contradicted:#?}");
    assert_eq!(exit, EXIT_OK);
    assert_eq!(
        intercom_writes(&world),
        0,
        "doctor wrote to Intercom: {:?}",
        world.intercom.stats().operations
    );
    let called = actions_called(&world);
    for write in VIVANTIO_WRITES {
        assert!(!called.contains(write), "doctor called {write}");
    }
    let held = checks.iter().filter(|c| c.verdict == Verdict::Held).count();
    assert!(held > 60, "only {held} checks held");
    assert!(
        checks
            .iter()
            .any(|c| c.check == "mapping references" && c.verdict == Verdict::Held),
        "the confirmed mapping's references are checked: {checks:#?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn doctor_names_every_broken_assumption() {
    let clean = common::world().await;
    doctor_checks(&clean).await;
    let called: Vec<String> = actions_called(&clean).into_iter().collect();
    let mut unnamed = BTreeSet::new();
    let mut named = 0;
    for assumption in REGISTRY {
        for scenario in scenarios(assumption, &called) {
            // A known alias is read as well: nothing to name.
            let alias = matches!(assumption.subject, Subject::Field { .. })
                && scenario.quirks.fields.iter().any(|f| f.rename_to.is_some());
            if alias {
                continue;
            }
            let world = common::world_with(VivantioSimConfig {
                quirks: scenario.quirks.clone(),
                result_cap: scenario.result_cap,
                ..VivantioSimConfig::default()
            })
            .await;
            let (checks, exit) = doctor_checks(&world).await;
            let check = checks.iter().find(|check| {
                check.check == assumption.id && check.verdict == Verdict::Contradicted
            });
            match check {
                Some(check) => {
                    named += 1;
                    let blocks = matches!(assumption.if_wrong, IfWrong::Blocks | IfWrong::Stops);
                    assert_eq!(check.blocking, blocks, "{}: {check:#?}", assumption.id);
                    if blocks {
                        assert_eq!(exit, EXIT_BLOCKED, "{}", assumption.id);
                    }
                    println!("{}: {}", assumption.id, check.will_do);
                }
                None => {
                    unnamed.insert(assumption.id);
                }
            }
            assert_eq!(intercom_writes(&world), 0, "{}", assumption.id);
        }
    }
    assert!(
        unnamed.is_empty(),
        "doctor did not name {unnamed:?} ({named} named)"
    );
    assert!(named >= 40, "{named} named");
}

#[tokio::test]
async fn samples_are_saved_masked_without_a_personal_value_or_a_secret() {
    let world = common::world().await;
    let dir = world.dir().join("samples");
    let outcome = doctor::run(
        &world.project,
        &DoctorOptions {
            samples: Some(dir.clone()),
        },
    )
    .await
    .unwrap();
    assert_eq!(outcome.exit_code, EXIT_OK);
    let mut files = 0;
    let personal = [
        "Sabine",
        "Öztürk",
        "@brightline",
        "api-password",
        "test-token",
    ];
    for entry in std::fs::read_dir(&dir).unwrap() {
        let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        for value in personal {
            assert!(!text.contains(value), "{value} survived the masking");
        }
        files += 1;
    }
    assert!(files >= 15, "{files} sample files");
    let callers = std::fs::read_to_string(dir.join("Caller_Select.json")).unwrap();
    let answers: serde_json::Value = serde_json::from_str(&callers).unwrap();
    let records: usize = answers
        .as_array()
        .unwrap()
        .iter()
        .map(|answer| answer.as_array().map_or(0, Vec::len))
        .sum();
    assert!(records > 0, "no caller in the samples: {answers}");
}

#[tokio::test]
async fn without_an_odata_feed_the_extraction_cannot_be_told() {
    let world = common::world_with(VivantioSimConfig {
        quirks: WireQuirks {
            no_odata: true,
            ..WireQuirks::default()
        },
        ..VivantioSimConfig::default()
    })
    .await;
    let (checks, _) = doctor_checks(&world).await;
    let extraction = checks
        .iter()
        .find(|c| c.check == "paging.extraction_complete")
        .unwrap();
    assert_eq!(extraction.verdict, Verdict::CannotTell, "{extraction:#?}");
}

#[tokio::test]
async fn automation_seen_by_the_last_verify_blocks() {
    use fixtures::sim::intercom::IntercomAutomation;
    use migration_cli::commands::{migrate, verify};
    use migration_core::engine::RunMode;

    let world = common::confirmed_world().await;
    let (checks, _) = doctor_checks(&world).await;
    let automation = |checks: &[Check]| {
        checks
            .iter()
            .find(|check| check.check == "automation")
            .cloned()
            .unwrap()
    };
    assert_eq!(automation(&checks).verdict, Verdict::CannotTell);
    world
        .intercom
        .set_automation(IntercomAutomation::bot_replies());
    migrate::run(
        &world.project,
        &MigrateOptions::new(RunMode::Sample { tickets: 4 }).continue_on_mismatch(),
        &common::silent(),
    )
    .await
    .unwrap();
    let _ = verify::run(&world.project, VerifySelection::All, &common::silent()).await;
    let (checks, exit) = doctor_checks(&world).await;
    let seen = automation(&checks);
    assert_eq!(seen.verdict, Verdict::Contradicted, "{seen:#?}");
    assert!(seen.blocking);
    assert_eq!(exit, EXIT_BLOCKED);
}

#[tokio::test]
async fn discover_shows_the_last_doctor() {
    let world = common::world().await;
    let before = migration_cli::commands::discover::run(&world.project)
        .await
        .unwrap();
    assert!(
        before.human.contains("doctor: not run yet"),
        "{}",
        before.human
    );
    doctor_checks(&world).await;
    let after = migration_cli::commands::discover::run(&world.project)
        .await
        .unwrap();
    assert!(
        after.json["doctor"]["held"].as_u64().unwrap() > 60,
        "{}",
        after.json["doctor"]
    );
    assert!(after.human.contains("0 contradicted"), "{}", after.human);
}

#[tokio::test]
async fn doctor_times_vivantio_s_reads_and_keeps_what_it_measured_for_plan() {
    let world = common::confirmed_world().await;
    assert_eq!(doctor::last_measured(&world.project).unwrap(), None);
    let (checks, _) = doctor_checks(&world).await;
    let latency = checks
        .iter()
        .find(|check| check.check == "latency")
        .expect("a latency check");
    assert_eq!(latency.verdict, Verdict::Held, "{latency:?}");
    let measured = doctor::last_measured(&world.project)
        .unwrap()
        .expect("kept in reports/doctor.json");
    // Four reads complete each of the three tickets it reads.
    assert_eq!(measured.vivantio_reads_timed, 12);
    let median = measured.vivantio_latency_ms.expect("a median");
    assert!(median > 0.0 && median < 5_000.0, "{median}");
    assert!(
        latency.will_do.starts_with("median "),
        "{}",
        latency.will_do
    );
    // The simulator's 10,000 a minute, announced per 10-second window.
    assert_eq!(measured.intercom_limit_per_window, Some(1_667));
}
