//! The runbook's rehearsal loop through the real binary: sample, edit the mapping, confirm,
//! roll back, sample again; what `status`, `report` and `rollback --dry-run` say on the way,
//! also without credentials and while another process holds the state folder.

use migration_cli::store::Store;

use crate::common;
use crate::common::binary::{BinaryWorld, Template};

/// `--json` output of a command run without any credential in the environment.
async fn without_credentials(world: &BinaryWorld, args: &[&str]) -> common::binary::Finished {
    let mut command = world.command(args);
    command
        .env_remove("VIVANTIO_USERNAME")
        .env_remove("VIVANTIO_PASSWORD")
        .env_remove("INTERCOM_TOKEN");
    common::binary::finish(command.spawn().unwrap(), args).await
}

fn edit_mapping(world: &BinaryWorld) {
    let path = world.dir().join("mapping.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    let edited = text.replace(
        "parent_tag = \"Vivantio: parent ticket\"",
        "parent_tag = \"Rehearsal parent\"",
    );
    assert_ne!(text, edited, "the edit must change the mapping");
    std::fs::write(&path, edited).unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sample_edit_confirm_rollback_sample_goes_round() {
    let template = Template::confirmed().await;
    let world = BinaryWorld::start(&template).await;
    world
        .run_expecting(&["migrate", "--sample", "2", "--yes"], &[0, 6])
        .await;
    edit_mapping(&world);
    world.run_expecting(&["confirm"], &[0]).await;

    let preview = without_credentials(&world, &["rollback", "--dry-run"]).await;
    assert_eq!(preview.code(), 0, "{}", preview.stderr);
    let preview = preview.json();
    let by_kind = preview["by_kind"].as_array().unwrap();
    assert!(
        by_kind
            .iter()
            .any(|count| count["action"] == "delete" && count["subject"] == "conversation"),
        "{preview}"
    );
    let counted: u64 = by_kind
        .iter()
        .map(|count| count["count"].as_u64().unwrap())
        .sum();
    assert_eq!(
        counted,
        preview["steps"].as_array().unwrap().len() as u64,
        "--json lists every step the counts add up to"
    );

    world.run_expecting(&["rollback", "--yes"], &[0]).await;
    assert!(world.intercom.workspace().is_empty_of_migrated_data());
    let empty = without_credentials(&world, &["rollback", "--dry-run"]).await;
    assert_eq!(empty.json()["steps"].as_array().unwrap().len(), 0);

    // The mapping changed after the first sample: once it is rolled back, a new sample runs.
    world
        .run_expecting(&["migrate", "--sample", "2", "--yes"], &[0, 6])
        .await;
    assert!(!world.intercom.workspace().is_empty_of_migrated_data());

    let status = without_credentials(&world, &["status"]).await;
    assert_eq!(status.code(), 0, "{}", status.stderr);
    let status = status.json();
    let runs = status["runs"].as_array().unwrap();
    assert_eq!(runs[0]["mode"], "sample");
    assert!(runs[0]["rolled_back_by"].is_i64(), "{status}");
    assert!(runs[2]["rolled_back_by"].is_null(), "{status}");
    let tickets = status["records"]
        .as_array()
        .unwrap()
        .iter()
        .find(|kind| kind["kind"] == "ticket")
        .unwrap();
    assert!(
        tickets["done"].as_u64().unwrap() <= 2,
        "only the second sample's tickets count: {status}"
    );

    let report = without_credentials(&world, &["report"]).await;
    assert_eq!(report.code(), 0, "{}", report.stderr);
    let json: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(world.dir().join("reports/report.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(
        json["runs"].as_array().unwrap().len(),
        1,
        "the rolled-back sample is not what is in Intercom"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn status_and_report_read_a_state_folder_a_run_holds() {
    let template = Template::confirmed().await;
    let world = BinaryWorld::start(&template).await;
    world
        .run_expecting(&["migrate", "--sample", "2", "--yes"], &[0, 6])
        .await;
    let held = Store::open(&world.state_dir()).unwrap();
    let run = held
        .begin_run(migration_cli::store::RunKind::Full, None)
        .unwrap();

    let status = world.run_expecting(&["status"], &[0]).await.json();
    assert_eq!(status["running"], true, "{status}");
    assert_eq!(
        status["runs"].as_array().unwrap().last().unwrap()["id"],
        run.get()
    );
    world.run_expecting(&["report"], &[0]).await;
    // A writer still refuses: one run at a time.
    let refused = world
        .run_expecting(&["migrate", "--sample", "2", "--yes"], &[4])
        .await;
    assert!(refused.stdout.contains("in use"), "{}", refused.stdout);

    held.fail_run(run, "Intercom failed on operation x: boom")
        .unwrap();
    drop(held);
    let status = world.run_expecting(&["status"], &[0]).await.json();
    assert_eq!(status["running"], false);
    assert_eq!(
        status["last_error"], "Intercom failed on operation x: boom",
        "{status}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn writes_without_a_terminal_need_yes_and_say_so() {
    let template = Template::confirmed().await;
    let world = BinaryWorld::start(&template).await;
    for args in [
        &["migrate", "--sample", "1"][..],
        &["delta"][..],
        &["rollback"][..],
    ] {
        let finished = world.run_expecting(args, &[2]).await;
        assert!(
            finished.stdout.contains("add --yes"),
            "{}: {}",
            args.join(" "),
            finished.stdout
        );
    }
    assert!(world.intercom.workspace().is_empty_of_migrated_data());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn status_without_state_says_there_is_none() {
    let template = Template::confirmed().await;
    let world = BinaryWorld::start(&template).await;
    std::fs::remove_dir_all(world.state_dir()).unwrap();
    let finished = without_credentials(&world, &["status"]).await;
    assert_eq!(finished.code(), 4, "{}", finished.stdout);
    assert!(
        finished.stdout.contains("no migration state"),
        "{}",
        finished.stdout
    );
}
