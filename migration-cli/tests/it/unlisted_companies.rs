//! Companies without contacts: Intercom "does not include companies who have no associated users
//! in list responses". The tool must find them anyway (it looks companies up by `company_id`,
//! never through a list: every company is without contacts while the companies phase runs), so
//! a company that existed before the run is updated and later restored, never claimed; and the
//! report must name the companies that stay without contacts.

use fixtures::instance::Kind;
use futures::TryStreamExt;
use intercom_client::companies::UpsertCompanyRequest;
use migration_cli::commands::plan::PlanOptions;
use migration_cli::commands::{confirm, plan, report, rollback, verify};
use migration_core::engine::VerifySelection;
use serde_json::{json, Value};

use crate::common;

const LONELY: &str = "Quiet Harbour Trust";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn companies_without_contacts_are_found_by_lookups_and_named_in_the_report() {
    let world = common::world().await;
    world.vivantio.insert_record(
        Kind::Clients,
        json!({
            "Id": 111, "Reference": "QHT01", "Name": LONELY,
            "WebSite": "https://quietharbour.example", "Email": "office@quietharbour.example",
            "EmailSuffix": "quietharbour.example", "Alert": "", "Notes": "", "ExternalKey": null,
            "ExternalSource": null, "CreatedDate": "2021-05-04T09:00:00",
            "UpdateDate": "2024-01-10T10:00:00", "Deleted": false, "StatusName": "Active",
            "RecordTypeId": 6,
        }),
    );
    let planned = plan::run(
        &world.project,
        &PlanOptions {
            replace_mapping: true,
        },
    )
    .await
    .unwrap();
    assert!(
        planned
            .human
            .contains("companies will have no contact attached"),
        "{}",
        planned.human
    );
    confirm::run(&world.project, "test").await.unwrap();
    let dir = world.project.reports_dir();
    let kept: Value = serde_json::from_str(
        &std::fs::read_to_string(dir.join("companies-without-contacts.json")).unwrap(),
    )
    .unwrap();
    let company_id = kept
        .as_array()
        .unwrap()
        .iter()
        .find(|company| company["name"] == LONELY)
        .and_then(|company| company["company_id"].as_str())
        .expect("plan names the company without contacts")
        .to_string();

    // The company is already in Intercom, without contacts, so no company list shows it: the
    // migration must find it by its company_id and update it rather than claim it created.
    let client = intercom_client::Client::builder()
        .token(world.intercom.token())
        .base_url(world.intercom.base_url())
        .build()
        .unwrap();
    let before = client
        .companies()
        .upsert(&UpsertCompanyRequest::new(
            company_id.clone(),
            "Quiet Harbour (before)",
        ))
        .await
        .unwrap();
    let listed: Vec<_> = client
        .companies()
        .list(Some(50))
        .try_collect()
        .await
        .unwrap();
    assert!(
        listed.is_empty(),
        "a company without contacts is not listed"
    );
    common::full_migration(&world).await;

    let workspace = world.intercom.workspace();
    let companies: Vec<_> = workspace.companies.values().collect();
    let lonely: Vec<_> = companies
        .iter()
        .filter(|company| company.company_id == company_id)
        .collect();
    assert_eq!(lonely.len(), 1, "one company per company_id");
    assert_eq!(
        lonely[0].id,
        before.id.as_str(),
        "the existing one, updated"
    );
    assert_eq!(lonely[0].name.as_deref(), Some(LONELY));
    assert_eq!(lonely[0].user_count, 0);

    // Intercom's lists leave it out; a lookup by company_id finds it.
    let listed: Vec<_> = client
        .companies()
        .list(Some(50))
        .try_collect()
        .await
        .unwrap();
    assert_eq!(listed.len(), companies.len() - 1);
    assert!(listed
        .iter()
        .all(|company| company.name.as_deref() != Some(LONELY)));
    let found = client
        .companies()
        .find_by_company_id(&company_id)
        .await
        .unwrap()
        .expect("found by company_id");
    assert_eq!(found.name.as_deref(), Some(LONELY));

    let verified = verify::run(&world.project, VerifySelection::All, &common::silent())
        .await
        .unwrap();
    assert!(
        verified.human.contains(": 0 differences"),
        "{}",
        verified.human
    );

    report::run(&world.project).unwrap();
    let document: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("report.json")).unwrap()).unwrap();
    let unlisted = &document["companies_without_contacts"];
    assert_eq!(unlisted["total"], 1, "{unlisted}");
    let first = unlisted["first"]
        .as_array()
        .expect("the report shows the first companies without contacts");
    assert_eq!(first[0]["name"], LONELY);
    assert_eq!(first[0]["company_id"], company_id.as_str());
    let listed = std::fs::read_to_string(dir.join(unlisted["file"].as_str().unwrap())).unwrap();
    let listed: Vec<Value> = listed
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    assert_eq!(
        listed,
        first[..],
        "the list beside the report holds every one"
    );
    let markdown = std::fs::read_to_string(dir.join("report.md")).unwrap();
    assert!(markdown.contains("## Companies Intercom will not list (1)"));
    assert!(markdown.contains(LONELY));
    let html = std::fs::read_to_string(dir.join("report.html")).unwrap();
    assert!(html.contains("Companies Intercom will not list"));

    // Rollback restores the company that existed before the run instead of deleting it.
    rollback::run(&world.project, &common::silent())
        .await
        .unwrap();
    let workspace = world.intercom.workspace();
    let left: Vec<_> = workspace.companies.values().collect();
    assert_eq!(left.len(), 1, "only the pre-existing company is left");
    assert_eq!(left[0].name.as_deref(), Some("Quiet Harbour (before)"));
}
