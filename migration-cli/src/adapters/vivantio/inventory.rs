//! The admin inventory file (`inventory.json`): what no Vivantio API serves (workflows, business
//! rules, saved reports, SLA policies, portal settings), written down from the admin screens.
//! The file holds one array per kind, in the shape of the core's [`AdminInventory`]
//! (`docs/vivantio-wire.md`, last section; the sample at `fixtures/data/sample/inventory.json`).

use std::path::Path;

use migration_core::model::source::AdminInventory;
use migration_core::{PortError, PortErrorKind};
use serde_json::Value;

/// The top-level keys the core reads (`reports` is accepted for `saved_reports`).
const KNOWN_KINDS: [&str; 6] = [
    "workflows",
    "business_rules",
    "saved_reports",
    "reports",
    "sla_policies",
    "portal_settings",
];

/// Reads the inventory at `path`. No path: an empty inventory (nothing is invented). A path that
/// does not exist is an error, since someone configured it.
pub async fn read_inventory(path: Option<&Path>) -> Result<AdminInventory, PortError> {
    let Some(path) = path else {
        return Ok(AdminInventory::default());
    };
    let bytes = tokio::fs::read(path).await.map_err(|error| {
        let kind = if error.kind() == std::io::ErrorKind::NotFound {
            PortErrorKind::NotFound
        } else {
            PortErrorKind::Other
        };
        PortError::new(
            kind,
            format!(
                "admin inventory {}: cannot read it: {error}",
                path.display()
            ),
        )
    })?;
    parse_inventory(&bytes, &path.display().to_string())
}

/// Parses inventory JSON; `origin` names the file in messages. Kinds the core does not know are
/// ignored with a warning rather than silently.
pub fn parse_inventory(bytes: &[u8], origin: &str) -> Result<AdminInventory, PortError> {
    let invalid = |message: String| {
        PortError::new(
            PortErrorKind::Other,
            format!("admin inventory {origin}: {message}"),
        )
    };
    let document: Value =
        serde_json::from_slice(bytes).map_err(|error| invalid(format!("not JSON: {error}")))?;
    let Value::Object(kinds) = &document else {
        return Err(invalid(
            "expected an object with one array per kind (workflows, business_rules, ...)".into(),
        ));
    };
    for key in kinds
        .keys()
        .filter(|key| !KNOWN_KINDS.contains(&key.as_str()))
    {
        tracing::warn!(file = origin, kind = %key, "admin inventory kind not known; ignored");
    }
    serde_json::from_value(document).map_err(|error| invalid(error.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_every_kind_and_the_reports_alias() {
        let inventory = parse_inventory(
            br#"{
                "workflows": [{"id": "WF-1", "name": "Major incident", "trigger": {"event": "TicketLogged"},
                               "actions": [{"type": "AssignGroup", "group": "Service Desk"}]}],
                "business_rules": [],
                "reports": [{"id": "R-1", "name": "Weekly SLA", "columns": ["Id", "Title"]}],
                "sla_policies": [{"id": "SLA-1", "name": "Standard", "targets": [
                    {"priority": "P1", "stage": "Response", "minutes": 30}]}],
                "portal_settings": [{"id": "P-1", "name": "Self-service", "settings": {"theme": "dark"}}],
                "dashboards": []
            }"#,
            "inventory.json",
        )
        .unwrap();
        assert_eq!(inventory.workflows[0].actions[0].kind, "AssignGroup");
        assert!(
            inventory.workflows[0].enabled,
            "enabled unless the file says otherwise"
        );
        assert_eq!(inventory.saved_reports[0].columns, ["Id", "Title"]);
        assert_eq!(inventory.sla_policies[0].targets[0].minutes, 30);
        assert_eq!(inventory.portal_settings[0].settings["theme"], "dark");
    }

    #[test]
    fn malformed_files_are_errors_naming_the_file() {
        let cases: [&[u8]; 3] = [
            b"not json",
            b"[1, 2]",
            br#"{"workflows": [{"name": "no id"}]}"#,
        ];
        for bytes in cases {
            let error = parse_inventory(bytes, "admin/inventory.json").unwrap_err();
            assert_eq!(error.kind, PortErrorKind::Other);
            assert!(
                error
                    .message
                    .starts_with("admin inventory admin/inventory.json: "),
                "{}",
                error.message
            );
        }
    }

    #[tokio::test]
    async fn no_path_is_an_empty_inventory_and_a_missing_file_is_not_found() {
        assert_eq!(
            read_inventory(None).await.unwrap(),
            AdminInventory::default()
        );
        let missing = std::env::temp_dir().join("vivantio-adapter-no-such-inventory.json");
        let error = read_inventory(Some(&missing)).await.unwrap_err();
        assert_eq!(error.kind, PortErrorKind::NotFound);
    }
}
