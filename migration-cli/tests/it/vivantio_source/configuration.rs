//! The schema and the admin inventory.

use std::collections::BTreeSet;

use fixtures::instance::{Instance, Kind};
use migration_cli::adapters::vivantio::VivantioSourceOptions;
use migration_core::ports::Source;
use serde_json::Value;

use super::harness::*;

#[tokio::test]
async fn schema_lists_the_sample_configuration() {
    let Some(instance) = sample() else { return };
    let (_sim, source) = serve(&instance, VivantioSourceOptions::default()).await;
    let schema = source.schema().await.expect("schema");

    let id_list = |list: Vec<i64>| -> Vec<i64> {
        let mut list = list;
        list.sort_unstable();
        list
    };
    assert_eq!(
        id_list(schema.ticket_types.iter().map(|t| t.id).collect()),
        ids(instance.records(Kind::TicketTypes))
    );
    assert_eq!(
        id_list(schema.statuses.iter().map(|t| t.id).collect()),
        ids(instance.records(Kind::Statuses))
    );
    assert_eq!(
        id_list(schema.priorities.iter().map(|t| t.id).collect()),
        ids(instance.records(Kind::Priorities))
    );
    assert_eq!(
        id_list(schema.categories.iter().map(|t| t.id).collect()),
        ids(instance.records(Kind::Categories))
    );
    assert!(
        schema.categories.iter().any(|c| c.record_type_id == 10),
        "knowledge-base categories"
    );
    assert_eq!(
        id_list(schema.agents.iter().map(|t| t.id).collect()),
        ids(instance.records(Kind::Users))
    );
    assert_eq!(
        id_list(schema.sla_targets.iter().map(|t| t.id).collect()),
        ids(instance.records(Kind::SlaTargets))
    );
    assert_eq!(
        id_list(schema.custom_forms.iter().map(|t| t.id).collect()),
        ids(instance.records(Kind::CustomForms))
    );
    assert_eq!(
        id_list(schema.legacy_fields.iter().map(|t| t.id).collect()),
        ids(instance.records(Kind::ExtensionFields))
    );
    for group in &schema.groups {
        let raw_group = raw(&instance, Kind::Groups, group.id);
        let mut members: Vec<i64> = raw_group["UserIds"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(Value::as_i64)
            .collect();
        members.sort_unstable();
        assert_eq!(group.agent_ids, members, "group {}", group.id);
        assert_eq!(Some(group.name.as_str()), text(raw_group, "Name"));
    }
    assert_eq!(schema.groups.len(), instance.records(Kind::Groups).len());
    let form_fields: usize = instance
        .records(Kind::CustomForms)
        .iter()
        .map(|f| f["Fields"].as_array().unwrap().len())
        .sum();
    assert_eq!(schema.custom_fields().count(), form_fields);

    let origins: BTreeSet<i64> = instance
        .records(Kind::Tickets)
        .iter()
        .filter_map(|t| int(t, "CallOrigin"))
        .collect();
    assert_eq!(
        schema.origins.iter().map(|o| o.id).collect::<BTreeSet<_>>(),
        origins
    );
    assert!(
        schema.origins.iter().all(|o| o.name.is_none()),
        "no names are invented"
    );
}

#[tokio::test]
async fn admin_inventory_comes_from_the_file_only() {
    let Some(instance) = sample() else { return };
    let path = Instance::sample_dir().join(fixtures::instance::INVENTORY_FILE);
    let options = VivantioSourceOptions {
        inventory_path: Some(path),
        ..Default::default()
    };
    let (_sim, source) = serve(&instance, options).await;
    let inventory = source.admin_inventory().await.expect("inventory");
    let raw = instance.inventory().expect("the sample has an inventory");
    let count = |kind: &str| raw[kind].as_array().map_or(0, Vec::len);
    assert_eq!(inventory.workflows.len(), count("workflows"));
    assert_eq!(inventory.business_rules.len(), count("business_rules"));
    assert_eq!(inventory.saved_reports.len(), count("reports"));
    assert_eq!(inventory.sla_policies.len(), count("sla_policies"));
    assert_eq!(inventory.portal_settings.len(), count("portal_settings"));
    assert!(inventory.workflows.len() + inventory.sla_policies.len() > 0);

    let (_sim, without) = serve(&instance, VivantioSourceOptions::default()).await;
    assert_eq!(
        without.admin_inventory().await.expect("empty"),
        Default::default()
    );
}
