//! Commands against the simulators, one concern each: an edited mapping needs a new
//! confirmation, a dry run sends nothing, status reports the runs, a rerun sends nothing.

use fixtures::instance::Instance;
use fixtures::sim::vivantio::VivantioSimConfig;
use migration_cli::commands::migrate::MigrateOptions;
use migration_cli::commands::plan::PlanOptions;
use migration_cli::commands::{confirm, migrate, plan, status};
use migration_cli::error::CliError;
use migration_core::engine::RunMode;

use crate::common;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_edited_mapping_is_refused_until_confirmed_again() {
    let world = common::world().await;
    plan::run(
        &world.project,
        &PlanOptions {
            replace_mapping: true,
        },
    )
    .await
    .unwrap();
    confirm::run(&world.project, "test").await.unwrap();
    let path = world.project.mapping_path();
    let text = std::fs::read_to_string(&path).unwrap();
    let edited = text.replace(
        "parent_tag = \"Vivantio: parent ticket\"",
        "parent_tag = \"Parent\"",
    );
    assert_ne!(text, edited, "the edit must change the content");
    std::fs::write(&path, edited).unwrap();
    let refused = migrate::run(
        &world.project,
        &MigrateOptions::new(RunMode::Sample { tickets: 3 }),
        &common::silent(),
    )
    .await;
    match refused {
        Err(CliError::Refused(message)) => assert!(message.contains("confirm"), "{message}"),
        other => panic!("expected a refusal, got {other:?}"),
    }
    assert!(world.intercom.workspace().is_empty_of_migrated_data());
    confirm::run(&world.project, "test").await.unwrap();
    let outcome = migrate::run(
        &world.project,
        &MigrateOptions::new(RunMode::Sample { tickets: 3 }),
        &common::silent(),
    )
    .await
    .unwrap();
    assert!(outcome.human.contains("completed"), "{}", outcome.human);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dry_run_sends_nothing_and_a_rerun_sends_no_write() {
    let world = common::world().await;
    plan::run(
        &world.project,
        &PlanOptions {
            replace_mapping: true,
        },
    )
    .await
    .unwrap();
    confirm::run(&world.project, "test").await.unwrap();
    let dry = migrate::run(
        &world.project,
        &MigrateOptions::new(RunMode::Full)
            .dry_run()
            .continue_on_mismatch(),
        &common::silent(),
    )
    .await
    .unwrap();
    assert!(dry.human.contains("dry run"), "{}", dry.human);
    assert!(world.intercom.workspace().is_empty_of_migrated_data());

    common::full_migration(&world).await;
    let after_first = world.intercom.workspace();
    let writes_before = world.intercom.stats();
    let rerun = common::full_migration(&world).await;
    let writes_after = world.intercom.stats();
    let writes = |stats: &fixtures::sim::intercom::SimStats| -> u64 {
        stats
            .operations
            .iter()
            .filter(|(operation, _)| !operation.starts_with("GET"))
            .map(|(_, count)| *count)
            .sum()
    };
    assert_eq!(
        writes(&writes_before),
        writes(&writes_after),
        "a rerun of a finished migration must send no write: {}",
        rerun.human
    );
    assert_eq!(
        serde_json::to_value(after_first).unwrap(),
        serde_json::to_value(world.intercom.workspace()).unwrap()
    );

    // Every uploaded attachment's checksum is kept, and matches the source file.
    let store = migration_cli::store::Store::open(&world.project.state_dir()).unwrap();
    let sample = Instance::sample().unwrap();
    let mut checked = 0;
    for attachment in sample.records(fixtures::instance::Kind::Attachments) {
        let (Some(guid), Some(sha256)) = (
            attachment["AttachmentGuid"].as_str(),
            attachment["Sha256"].as_str(),
        ) else {
            continue;
        };
        if let Some((kept, _size)) = store.attachment_checksum(guid).unwrap() {
            assert_eq!(kept, sha256.to_lowercase(), "attachment {guid}");
            checked += 1;
        }
    }
    assert!(
        checked >= 5,
        "only {checked} attachment checksums were kept"
    );
    drop(store);

    let status = status::run(&world.project).unwrap();
    assert_eq!(status.json["runs"].as_array().unwrap().len(), 2);
    assert!(
        status.human.contains("last run: #2 full"),
        "{}",
        status.human
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_token_is_a_clear_error_that_does_not_repeat_the_token() {
    let world = common::world().await;
    let global = global_args(&world);
    let vivantio = VivantioSimConfig::default();
    let project = migration_cli::project::Project::open_with_env(&global, |name| match name {
        "VIVANTIO_USERNAME" => Some(vivantio.username.clone()),
        "VIVANTIO_PASSWORD" => Some(vivantio.password.clone()),
        "INTERCOM_TOKEN" => Some("wrong-token-1234".to_string()),
        _ => None,
    })
    .unwrap();
    let error = migration_cli::commands::discover::run(&project)
        .await
        .expect_err("a wrong token must fail");
    let message = error.to_string();
    assert!(!message.contains("wrong-token-1234"), "{message}");
    assert!(
        message.to_lowercase().contains("unauthorized") || message.contains("401"),
        "{message}"
    );
    assert_eq!(
        error.exit_code(),
        migration_cli::error::EXIT_CONFIG,
        "{message}"
    );
    assert!(message.contains("INTERCOM_TOKEN"), "{message}");
}

#[tokio::test]
async fn a_wrong_vivantio_password_is_exit_3_naming_the_variables() {
    let world = common::world().await;
    let global = global_args(&world);
    let project = migration_cli::project::Project::open_with_env(&global, |name| match name {
        "VIVANTIO_USERNAME" => Some(VivantioSimConfig::default().username),
        "VIVANTIO_PASSWORD" => Some("not-the-password-987".to_string()),
        "INTERCOM_TOKEN" => Some(world.intercom.token().to_string()),
        _ => None,
    })
    .unwrap();
    let error = migration_cli::commands::discover::run(&project)
        .await
        .expect_err("a wrong password must fail");
    let message = error.to_string();
    assert_eq!(
        error.exit_code(),
        migration_cli::error::EXIT_CONFIG,
        "{message}"
    );
    assert!(message.contains("VIVANTIO_PASSWORD"), "{message}");
    assert!(!message.contains("not-the-password-987"), "{message}");
}

#[tokio::test]
async fn plan_names_reason_codes_as_documented_and_points_at_the_full_list() {
    let world = common::world().await;
    let outcome = migration_cli::commands::plan::run(
        &world.project,
        &PlanOptions {
            replace_mapping: true,
        },
    )
    .await
    .unwrap();
    let pre_flight = outcome
        .human
        .split_once("pre-flight:")
        .map(|(_, rest)| rest.to_string())
        .unwrap();
    assert!(
        pre_flight.contains("reports/preflight.json"),
        "{pre_flight}"
    );
    // Codes as the docs spell them (`orphaned_ticket`), never Rust's names (`OrphanedTicket`).
    assert!(pre_flight.contains("orphaned_ticket"), "{pre_flight}");
    assert!(!pre_flight.contains("OrphanedTicket"), "{pre_flight}");
    let not_moved = outcome.json["preflight"]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|finding| finding["severity"] == "error")
        .count();
    if not_moved > 0 {
        assert!(pre_flight.contains("  not moved "), "{pre_flight}");
    }
    // Error findings stop a record, not the migration: nothing on screen calls them blocking.
    assert!(!pre_flight.contains("  blocking "), "{pre_flight}");
    assert!(
        pre_flight.contains("deleted_record") == pre_flight.contains("(left out on purpose)"),
        "{pre_flight}"
    );
}

/// The project options a person would give to reach the world's simulators.
fn global_args(world: &common::World) -> migration_cli::settings::ProjectOptions {
    migration_cli::settings::ProjectOptions {
        vivantio_url: Some(world.project.settings.vivantio.platform_url.to_string()),
        intercom_url: Some(world.project.settings.intercom.base_url.to_string()),
        ..migration_cli::settings::ProjectOptions::new(world.project.config_path.clone())
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn verify_sample_checks_that_many_records_of_every_kind() {
    let world = common::confirmed_world().await;
    common::full_migration(&world).await;
    let outcome = migration_cli::commands::verify::run(
        &world.project,
        migration_core::engine::VerifySelection::PerKind {
            records: 2,
            seed: 3,
        },
        &common::silent(),
    )
    .await
    .unwrap();
    let objects = outcome.json["objects"].as_object().unwrap();
    assert!(objects.len() >= 4, "{objects:?}");
    for (kind, counts) in objects {
        let migrated = counts["migrated"].as_u64().unwrap();
        assert_eq!(
            counts["checked"].as_u64().unwrap(),
            migrated.min(2),
            "{kind}: {counts}"
        );
    }
    assert!(objects.contains_key("ticket") || objects.contains_key("conversation"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_run_whose_only_rejections_are_deleted_records_exits_0() {
    let world = common::confirmed_world().await;
    let outcome = common::full_migration(&world).await;
    let rejections = outcome.json["rejections"].as_array().unwrap();
    let deliberate = rejections
        .iter()
        .filter(|rejection| rejection["code"] == "deleted_record")
        .count();
    let expected = if rejections.len() == deliberate { 0 } else { 6 };
    assert_eq!(outcome.exit_code, expected, "{}", outcome.human);
    let report: migration_core::engine::RunReport =
        serde_json::from_value(outcome.json.clone()).unwrap();
    let mut only_deleted = report.clone();
    only_deleted
        .rejections
        .retain(|rejection| rejection.code.is_deliberate_skip());
    only_deleted.failures.clear();
    only_deleted.outcome = migration_core::engine::RunOutcome::Completed;
    assert!(
        !only_deleted.rejections.is_empty(),
        "the sample has deleted tickets"
    );
    let outcome = migrate::outcome("full", &only_deleted);
    assert_eq!(outcome.exit_code, 0, "{}", outcome.human);
    assert!(
        outcome.human.contains("left out on purpose"),
        "{}",
        outcome.human
    );
}
