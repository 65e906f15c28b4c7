//! `plan` writes mapping.toml with each decision's reason beside it, and mapping-notes.json
//! describing the mapping as it stands, rewritten after a person edits the mapping.

use migration_cli::commands::plan;
use migration_cli::commands::plan::PlanOptions;
use migration_core::spec::{MappingSpec, ProposalNote};

use crate::common;

fn notes(world: &common::World) -> Vec<ProposalNote> {
    let text = std::fs::read_to_string(world.dir().join("mapping-notes.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plan_keeps_the_notes_true_to_the_edited_mapping() {
    let world = common::world().await;
    plan::run(
        &world.project,
        &PlanOptions {
            replace_mapping: true,
        },
    )
    .await
    .unwrap();
    let path = world.project.mapping_path();
    let proposed = std::fs::read_to_string(&path).unwrap();
    assert!(
        proposed.contains("\n# why: "),
        "reasons are written beside the decisions"
    );
    assert!(proposed.contains("2 = \"E-mail\""), "{proposed}");
    MappingSpec::from_toml(&proposed).expect("the commented mapping reads back");
    let before = notes(&world);
    let origin = before
        .iter()
        .find(|note| note.path == "origins.names.2")
        .expect("a note on origin 2");
    assert!(!origin.edited);

    let edited = proposed.replace("2 = \"E-mail\"", "2 = \"Email message\"");
    assert_ne!(edited, proposed);
    std::fs::write(&path, &edited).unwrap();
    plan::run(&world.project, &PlanOptions::default())
        .await
        .unwrap();
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        edited,
        "plan leaves an existing mapping as the person wrote it"
    );
    let after = notes(&world);
    let document: toml::Value = toml::from_str(&edited).unwrap();
    for note in &after {
        let found = migration_core::spec::value_at(&document, &note.path);
        assert!(found.is_some(), "{} is not in the mapping", note.path);
    }
    let origin = after
        .iter()
        .find(|note| note.path == "origins.names.2")
        .unwrap();
    assert!(origin.edited);
    assert_eq!(origin.decision, "\"Email message\" (edited by you)");
    assert_eq!(after.iter().filter(|note| note.edited).count(), 1);
    assert_eq!(after.len(), before.len());
}
