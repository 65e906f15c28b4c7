//! `verify` against the simulators catches records changed behind the tool's back: the sample
//! is migrated in full, then records are edited directly in the Intercom simulator's workspace
//! (as someone would in Intercom's UI), and every edit must come back as a difference naming the
//! record, the field, what the mapping expects and what was found, with the differences exit
//! code. The same run also checks that article images were re-hosted into the project's image
//! folder, that an untouched migration verifies clean, and that rollback removes the images.

use migration_cli::commands::migrate::MigrateOptions;
use migration_cli::commands::plan::PlanOptions;
use migration_core::engine::VerifySelection;
use std::collections::BTreeSet;

use fixtures::instance::Instance;
use fixtures::sim::intercom::{IntercomSim, IntercomSimConfig, RateLimitConfig};
use fixtures::sim::vivantio::{VivantioSim, VivantioSimConfig};
use migration_cli::commands::{confirm, demo, migrate, plan, rollback, verify};
use migration_cli::error::EXIT_DIFFERENCES;
use migration_cli::progress::{Progress, ProgressMode};
use migration_core::engine::RunMode;
use serde_json::Value;

/// One difference as the verify report lists it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Seen {
    destination_id: String,
    field: String,
    expected: String,
    found: String,
}

fn differences(report: &Value) -> BTreeSet<Seen> {
    report["differences"]
        .as_array()
        .expect("the report lists differences")
        .iter()
        .map(|difference| Seen {
            destination_id: difference["destination_id"]
                .as_str()
                .unwrap_or_default()
                .to_string(),
            field: difference["field"].as_str().unwrap_or_default().to_string(),
            expected: difference["expected"].to_string(),
            found: difference["found"].to_string(),
        })
        .collect()
}

fn silent() -> Progress {
    Progress::new(ProgressMode::Silent)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn verify_reports_every_record_changed_behind_the_tools_back() {
    let dir = tempfile::tempdir().unwrap();
    let vivantio = VivantioSim::start(VivantioSimConfig::default(), Instance::sample().unwrap())
        .await
        .unwrap();
    let intercom = IntercomSim::start(IntercomSimConfig {
        rate_limit: RateLimitConfig::off(),
        ..IntercomSimConfig::default()
    })
    .unwrap();
    let project = demo::simulator_project(dir.path(), &vivantio, &intercom).unwrap();
    plan::run(
        &project,
        &PlanOptions {
            replace_mapping: true,
        },
    )
    .await
    .unwrap();
    confirm::run(&project, "test").await.unwrap();
    migrate::run(
        &project,
        &MigrateOptions::new(RunMode::Full).continue_on_mismatch(),
        &silent(),
    )
    .await
    .unwrap();

    // Article images were re-hosted: files in the project's folder, bodies pointing at them.
    let hosted: Vec<_> = std::fs::read_dir(dir.path().join(demo::DEMO_IMAGES_DIR))
        .expect("the image folder was created")
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(!hosted.is_empty(), "no image was re-hosted");
    let workspace = intercom.workspace();
    let bodies: Vec<String> = workspace
        .articles
        .values()
        .filter_map(|article| article.body.clone())
        .collect();
    assert!(
        bodies
            .iter()
            .any(|body| body.contains(demo::DEMO_IMAGES_URL)),
        "no article shows a re-hosted image"
    );
    assert!(
        !bodies
            .iter()
            .any(|body| body.contains("/Attachment/Inline/")),
        "an article still shows a Vivantio inline image"
    );

    let clean = verify::run(&project, VerifySelection::All, &silent())
        .await
        .unwrap();
    let baseline = differences(&clean.json);
    assert!(
        baseline.is_empty(),
        "an untouched migration verifies clean: {baseline:#?}"
    );

    // The edits, behind the tool's back.
    let tampered_email = "changed.by.hand@example.com";
    let (contact_id, old_email, company_id, old_company_name, conversation_id, article_id) =
        intercom.edit_workspace(|workspace| {
            let contact = workspace
                .contacts
                .values_mut()
                .find(|contact| contact.external_id.is_some() && contact.email.is_some())
                .expect("a migrated contact with an email");
            let old_email = contact.email.replace(tampered_email.to_string());
            let contact_id = contact.id.clone();

            let company = workspace
                .companies
                .values_mut()
                .find(|company| company.name.is_some())
                .expect("a migrated company");
            let old_company_name = company.name.replace("Renamed By Hand Ltd".to_string());
            let company_id = company.id.clone();

            let conversation = workspace
                .conversations
                .values_mut()
                .find(|conversation| {
                    conversation
                        .parts
                        .iter()
                        .filter(|part| part.body.is_some())
                        .count()
                        >= 2
                })
                .expect("a conversation with two parts that have bodies");
            let with_body: Vec<usize> = conversation
                .parts
                .iter()
                .enumerate()
                .filter(|(_, part)| part.body.is_some())
                .map(|(index, _)| index)
                .collect();
            conversation.parts[with_body[0]].body = Some("<p>edited by hand</p>".into());
            conversation.parts.remove(with_body[with_body.len() - 1]);
            let conversation_id = conversation.id.clone();

            let article = workspace
                .articles
                .values_mut()
                .next()
                .expect("a migrated article");
            article.body = Some("<p>rewritten by hand</p>".into());
            let article_id = article.id.clone();
            (
                contact_id,
                old_email,
                company_id,
                old_company_name,
                conversation_id,
                article_id,
            )
        });

    let outcome = verify::run(&project, VerifySelection::All, &silent())
        .await
        .unwrap();
    assert_eq!(outcome.exit_code, EXIT_DIFFERENCES, "{}", outcome.human);
    let found = differences(&outcome.json);
    let on = |id: &str| -> Vec<&Seen> {
        found
            .iter()
            .filter(|seen| seen.destination_id == id)
            .collect()
    };

    let contact = on(&contact_id);
    assert!(
        contact.iter().any(|seen| seen.field == "email"
            && seen.found == format!("\"{tampered_email}\"")
            && seen.expected.to_lowercase()
                == format!("\"{}\"", old_email.clone().unwrap()).to_lowercase()),
        "the contact's email: {contact:#?}"
    );
    let company = on(&company_id);
    assert!(
        company.iter().any(|seen| seen.field == "name"
            && seen.found == "\"Renamed By Hand Ltd\""
            && seen.expected == format!("\"{}\"", old_company_name.clone().unwrap())),
        "the company's name: {company:#?}"
    );
    let conversation = on(&conversation_id);
    assert!(
        conversation
            .iter()
            .any(|seen| seen.field.starts_with("parts.") && seen.found.contains("edited by hand")),
        "the edited part's body: {conversation:#?}"
    );
    assert!(
        conversation
            .iter()
            .any(|seen| seen.field == "parts.count" || seen.found == "null"),
        "the deleted part: {conversation:#?}"
    );
    let article = on(&article_id);
    assert!(
        article
            .iter()
            .any(|seen| seen.field == "body" && seen.found.contains("rewritten by hand")),
        "the article's body: {article:#?}"
    );
    // Nothing else is reported.
    let tampered: BTreeSet<&str> = [
        contact_id.as_str(),
        company_id.as_str(),
        conversation_id.as_str(),
        article_id.as_str(),
    ]
    .into();
    let strays: Vec<&Seen> = found
        .iter()
        .filter(|seen| !tampered.contains(seen.destination_id.as_str()))
        .collect();
    assert!(
        strays.is_empty(),
        "differences on untouched records: {strays:#?}"
    );

    // Rollback removes the images the run published, with everything else.
    rollback::run(&project, &silent()).await.unwrap();
    let left = std::fs::read_dir(dir.path().join(demo::DEMO_IMAGES_DIR))
        .unwrap()
        .count();
    assert_eq!(left, 0, "re-hosted images are removed on rollback");
}
