//! Intercom's own automation (a workflow or Fin replying to every new conversation and ticket)
//! must not reach customers: after a sample, `verify` names every part the migration did not
//! write, and the full run refuses to start until that is settled or accepted.

use fixtures::sim::intercom::{IntercomAutomation, BOT_ID, BOT_NAME};
use migration_cli::commands::migrate::MigrateOptions;
use migration_cli::commands::{migrate, report, rollback, verify};
use migration_cli::error::{CliError, EXIT_DIFFERENCES, EXIT_OK};
use migration_core::engine::VerifySelection;
use migration_core::engine::{RunMode, VerifyReport};

use crate::common;

const SAMPLE: RunMode = RunMode::Sample { tickets: 6 };

async fn sample(world: &common::World) {
    migrate::run(
        &world.project,
        &MigrateOptions::new(SAMPLE).continue_on_mismatch(),
        &common::silent(),
    )
    .await
    .unwrap();
}

async fn verified(world: &common::World) -> (migration_cli::commands::Outcome, VerifyReport) {
    let outcome = verify::run(&world.project, VerifySelection::All, &common::silent())
        .await
        .unwrap();
    let report: VerifyReport = serde_json::from_value(outcome.json.clone()).unwrap();
    (outcome, report)
}

/// Ids of the parts the simulated automation wrote, over every conversation and ticket.
fn bot_part_ids(world: &common::World) -> Vec<String> {
    let workspace = world.intercom.workspace();
    let conversations = workspace.conversations.values().flat_map(|c| &c.parts);
    let tickets = workspace.tickets.values().flat_map(|t| &t.parts);
    let mut ids: Vec<String> = conversations
        .chain(tickets)
        .filter(|part| part.author.kind == "bot")
        .map(|part| part.id.clone())
        .collect();
    ids.sort();
    ids
}

fn threads(world: &common::World) -> usize {
    let workspace = world.intercom.workspace();
    workspace.conversations.len() + workspace.tickets.len()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn verify_names_automated_replies_and_the_full_run_waits_for_acceptance() {
    let world = common::confirmed_world().await;
    world
        .intercom
        .set_automation(IntercomAutomation::bot_replies());
    sample(&world).await;
    let bot_parts = bot_part_ids(&world);
    assert!(
        bot_parts.len() >= 2,
        "the sample must create threads for the bot to answer: {bot_parts:?}"
    );
    assert_eq!(bot_parts.len(), threads(&world), "one bot reply per thread");

    let (outcome, report) = verified(&world).await;
    assert_eq!(outcome.exit_code, EXIT_DIFFERENCES, "{}", outcome.human);
    let mut named: Vec<String> = report
        .foreign_parts
        .iter()
        .map(|part| part.part_id.clone())
        .collect();
    named.sort();
    assert_eq!(named, bot_parts, "every automated reply, and only those");
    for part in &report.foreign_parts {
        assert_eq!(part.kind, "comment");
        assert_eq!(part.author, "bot");
        assert_eq!(part.author_id.as_deref(), Some(BOT_ID));
        assert_eq!(part.author_name.as_deref(), Some(BOT_NAME));
        assert!(
            part.body_start.starts_with("Thanks for getting in touch"),
            "{part:?}"
        );
        assert!(part.key.kind().is_thread());
        assert!(
            outcome.human.contains(&format!(
                "{} (id {}): part {}",
                part.key, part.destination_id, part.part_id
            )),
            "{}",
            outcome.human
        );
    }
    assert!(
        report.differences.is_empty(),
        "the automated replies must not shift the migrated parts: {:?}",
        report.differences
    );
    assert!(outcome.human.contains("Fin (bot"), "{}", outcome.human);
    assert!(
        outcome.human.contains("--accept-automation"),
        "{}",
        outcome.human
    );
    report::run(&world.project).unwrap();
    for name in ["report.html", "report.md"] {
        let written = std::fs::read_to_string(world.project.reports_dir().join(name)).unwrap();
        assert!(
            written.contains("Parts the migration did not write"),
            "{name}"
        );
        assert!(written.contains(&bot_parts[0]), "{name}");
    }

    let before = threads(&world);
    let refused = migrate::run(
        &world.project,
        &MigrateOptions::new(RunMode::Full).continue_on_mismatch(),
        &common::silent(),
    )
    .await;
    match refused {
        Err(CliError::Refused(message)) => {
            assert!(message.contains("--accept-automation"), "{message}");
            assert!(message.contains("Fin AI Agent"), "{message}");
            assert!(message.contains(&bot_parts[0]), "{message}");
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
    assert_eq!(threads(&world), before, "a refused run writes nothing");
    // A sample is still allowed: it is how one checks the workspace.
    sample(&world).await;

    let accepted = migrate::run(
        &world.project,
        &MigrateOptions::new(RunMode::Full)
            .continue_on_mismatch()
            .accept_automation(),
        &common::silent(),
    )
    .await
    .unwrap();
    assert!(accepted.human.contains("accepted"), "{}", accepted.human);
    assert!(threads(&world) > before, "{}", accepted.human);
}

#[test]
fn the_runbook_repeats_the_checklist_doctor_prints() {
    let runbook = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/runbook.md");
    let text = std::fs::read_to_string(runbook).unwrap();
    let (_, first_step) = text.split_once("## 0. Before you start").unwrap();
    let (first_step, _) = first_step.split_once("\n## 1.").unwrap();
    for item in migration_cli::automation::AUTOMATION_CHECKLIST {
        assert!(first_step.contains(&format!("- {item}\n")), "{item}");
    }
    assert!(text.contains(migration_cli::automation::ACCEPT_FLAG));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_automation_verify_flags_nothing_and_the_full_run_starts() {
    let world = common::confirmed_world().await;
    sample(&world).await;
    let (outcome, report) = verified(&world).await;
    assert!(
        report.foreign_parts.is_empty(),
        "{:?}",
        report.foreign_parts
    );
    assert!(report.differences.is_empty(), "{:?}", report.differences);
    assert_eq!(outcome.exit_code, EXIT_OK, "{}", outcome.human);
    assert!(
        !outcome
            .json
            .as_object()
            .unwrap()
            .contains_key("foreign_parts"),
        "the report's JSON is unchanged when nothing is found"
    );
    let full = common::full_migration(&world).await;
    assert!(full.human.contains("completed"), "{}", full.human);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pausing_the_automation_then_sampling_again_lifts_the_refusal() {
    let world = common::confirmed_world().await;
    world
        .intercom
        .set_automation(IntercomAutomation::bot_replies());
    sample(&world).await;
    let (_, report) = verified(&world).await;
    assert!(!report.foreign_parts.is_empty());

    world.intercom.set_automation(IntercomAutomation::off());
    rollback::run(&world.project, &common::silent())
        .await
        .unwrap();
    sample(&world).await;
    // Until a verification proves the workspace quiet, the last one stands.
    assert!(matches!(
        migrate::run(
            &world.project,
            &MigrateOptions::new(RunMode::Full)
                .dry_run()
                .continue_on_mismatch(),
            &common::silent()
        )
        .await,
        Err(CliError::Refused(_))
    ));
    let (outcome, report) = verified(&world).await;
    assert!(report.foreign_parts.is_empty(), "{}", outcome.human);
    let full = common::full_migration(&world).await;
    assert!(full.human.contains("completed"), "{}", full.human);
}
