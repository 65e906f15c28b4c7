//! Configuration records: ticket types, statuses, priorities, categories, agents, groups, SLA
//! targets, custom form definitions and legacy extension fields.

use migration_core::model::source as core;
use vivantio_client::config as wire;
use vivantio_client::custom_forms as forms;
use vivantio_client::{FieldType, StatusType};

use super::text;

/// A ticket type; its name is the singular name, else the plural one.
pub fn ticket_type(record: wire::TicketType) -> core::TicketType {
    let name_plural = text(record.name_plural).unwrap_or_default();
    core::TicketType {
        id: record.id.get(),
        name: text(record.name_singular).unwrap_or_else(|| name_plural.clone()),
        name_plural,
        enabled: record.enabled.unwrap_or(true),
    }
}

/// A status of the record type it was asked for. A status whose `Type` is missing or unknown is
/// read as open (the class under which nothing is closed by mistake) and logged.
pub fn status(record: wire::Status, asked_record_type: i64) -> core::Status {
    let kind = match &record.status_type {
        Some(StatusType::Open) => Some(core::StatusKind::Open),
        Some(StatusType::OnHold) => Some(core::StatusKind::OnHold),
        Some(StatusType::Closed) => Some(core::StatusKind::Closed),
        Some(StatusType::Pending) => Some(core::StatusKind::Pending),
        Some(StatusType::Deleted) => Some(core::StatusKind::Deleted),
        Some(StatusType::Other(raw)) => core::StatusKind::from_wire(raw),
        None => None,
    };
    let kind = kind.unwrap_or_else(|| {
        tracing::warn!(
            status_id = record.id.get(),
            status_type = ?record.status_type,
            "status type unknown; the status is read as open"
        );
        core::StatusKind::Open
    });
    core::Status {
        id: record.id.get(),
        name: text(record.name).unwrap_or_default(),
        kind,
        record_type_id: record
            .record_type_id
            .map(i64::from)
            .or(Some(asked_record_type)),
        enabled: record.enabled.unwrap_or(true),
    }
}

/// A priority of the record type it was asked for.
pub fn priority(record: wire::Priority, asked_record_type: i64) -> core::Priority {
    core::Priority {
        id: record.id.get(),
        name: text(record.name).unwrap_or_default(),
        record_type_id: record
            .record_type_id
            .map(i64::from)
            .or(Some(asked_record_type)),
        order: record.order.and_then(|order| i32::try_from(order).ok()),
    }
}

/// A category of the record type it was asked for.
pub fn category(record: wire::Category, asked_record_type: i64) -> core::Category {
    core::Category {
        id: record.id.get(),
        name: text(record.name).unwrap_or_default(),
        parent_id: record
            .parent_id
            .map(i64::from)
            .filter(|parent| *parent != 0),
        record_type_id: record.record_type_id.map_or(asked_record_type, i64::from),
        enabled: record.enabled.unwrap_or(true),
    }
}

/// An agent.
pub fn agent(record: wire::User) -> core::Agent {
    core::Agent {
        id: record.id.get(),
        first_name: text(record.first_name).unwrap_or_default(),
        last_name: text(record.last_name).unwrap_or_default(),
        email: text(record.email_address),
        enabled: record.enabled.unwrap_or(true),
    }
}

/// A group with the agents `Configuration/UserSelectByGroupId` listed for it.
pub fn group(record: wire::Group, members: &[wire::User]) -> core::Group {
    let mut agent_ids: Vec<i64> = members.iter().map(|member| member.id.get()).collect();
    agent_ids.sort_unstable();
    agent_ids.dedup();
    core::Group {
        id: record.id.get(),
        name: text(record.name).unwrap_or_default(),
        description: text(record.description),
        enabled: record.enabled.unwrap_or(true),
        agent_ids,
    }
}

/// An SLA stage target of the priority it was asked for; `None` (logged) when it states no
/// duration, since a target without one cannot be reproduced.
pub fn sla_target(record: wire::SlaStageTarget, asked_priority: i64) -> Option<core::SlaTarget> {
    let Some(target_minutes) = record.target_minutes else {
        tracing::warn!(
            target_id = record.id.get(),
            "SLA stage target without a duration skipped"
        );
        return None;
    };
    Some(core::SlaTarget {
        id: record.id.get(),
        priority_id: record.priority_id.map_or(asked_priority, i64::from),
        stage_name: text(record.stage_name).unwrap_or_default(),
        target_minutes,
        business_hours_only: record.business_hours_only.unwrap_or(false),
    })
}

/// A custom form definition of the record type it was asked for, with its fields.
pub fn custom_form(
    record: forms::CustomFormDefinition,
    asked_record_type: i64,
) -> core::CustomForm {
    core::CustomForm {
        id: record.id.get(),
        name: text(record.name).unwrap_or_default(),
        record_type_id: record.record_type_id.map_or(asked_record_type, i64::from),
        fields: record.fields.into_iter().map(field_definition).collect(),
    }
}

fn field_definition(record: forms::FieldDefinition) -> core::FieldDefinition {
    let field_type = record
        .field_type
        .as_ref()
        .and_then(|kind| core::FieldType::from_wire(kind.as_str()))
        .unwrap_or_else(|| {
            // Values are kept raw, so text is the reading that loses nothing.
            tracing::warn!(
                field_id = record.id.get(),
                field_type = ?record.field_type,
                "custom field type unknown; the field is read as text"
            );
            core::FieldType::Text
        });
    let options = record
        .options
        .into_iter()
        .filter_map(|option| match option.id {
            Some(id) => Some(core::FieldOption {
                id,
                value: text(option.value).unwrap_or_default(),
            }),
            None => {
                tracing::warn!(
                    field_id = record.id.get(),
                    "field option without an id skipped"
                );
                None
            }
        })
        .collect();
    core::FieldDefinition {
        id: record.id.get(),
        name: text(record.name).unwrap_or_default(),
        label: text(record.label),
        field_type,
        required: record.required.unwrap_or(false),
        options,
    }
}

/// A legacy extension field of the record type it was asked for; its type stays Vivantio's name.
pub fn legacy_field(
    record: wire::ExtensionFieldDefinition,
    asked_record_type: i64,
) -> core::LegacyField {
    core::LegacyField {
        id: record.id.get(),
        name: text(record.name).unwrap_or_default(),
        label: text(record.label),
        field_type: record
            .field_type
            .as_ref()
            .map(FieldType::as_str)
            .unwrap_or_default()
            .to_string(),
        record_type_id: record.record_type_id.map_or(asked_record_type, i64::from),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::de::DeserializeOwned;
    use serde_json::json;

    fn wire<T: DeserializeOwned>(value: serde_json::Value) -> T {
        serde_json::from_value(value).unwrap()
    }

    #[test]
    fn status_types_by_name_code_and_unknown() {
        let cases = [
            (json!(1), core::StatusKind::Open),
            (json!("OnHold"), core::StatusKind::OnHold),
            (json!(4), core::StatusKind::Closed),
            (json!("Pending"), core::StatusKind::Pending),
            (json!(99), core::StatusKind::Deleted),
            (json!("on hold"), core::StatusKind::OnHold),
            (json!(7), core::StatusKind::Open),
            (json!(null), core::StatusKind::Open),
        ];
        for (status_type, expected) in cases {
            let record = wire(json!({"Id": 3, "Name": "Closed", "Type": status_type}));
            let converted = status(record, 11);
            assert_eq!(converted.kind, expected, "{status_type}");
            assert_eq!(converted.record_type_id, Some(11));
            assert!(converted.enabled);
        }
    }

    #[test]
    fn record_types_fall_back_to_the_one_asked_for() {
        let sent = category(
            wire(json!({"Id": 1, "Name": "Email", "RecordTypeId": 13, "ParentId": 0})),
            11,
        );
        assert_eq!((sent.record_type_id, sent.parent_id), (13, None));
        let missing = category(wire(json!({"Id": 2, "Name": "Outlook", "ParentId": 1})), 11);
        assert_eq!((missing.record_type_id, missing.parent_id), (11, Some(1)));
        let priority = priority(wire(json!({"Id": 41, "Name": "P1", "Order": 1})), 11);
        assert_eq!(
            (priority.record_type_id, priority.order),
            (Some(11), Some(1))
        );
        let legacy = legacy_field(
            wire(json!({"Id": 701, "Name": "AssetTag", "FieldType": "Text"})),
            11,
        );
        assert_eq!(
            (legacy.record_type_id, legacy.field_type.as_str()),
            (11, "Text")
        );
    }

    #[test]
    fn ticket_type_names() {
        let both = ticket_type(wire(
            json!({"Id": 11, "NameSingular": "Incident", "NamePlural": "Incidents"}),
        ));
        assert_eq!(
            (both.name.as_str(), both.name_plural.as_str()),
            ("Incident", "Incidents")
        );
        let plural_only = ticket_type(wire(
            json!({"Id": 12, "NamePlural": "Problems", "Enabled": false}),
        ));
        assert_eq!(
            (plural_only.name.as_str(), plural_only.enabled),
            ("Problems", false)
        );
    }

    #[test]
    fn groups_carry_their_members_once() {
        let members: Vec<wire::User> = wire(json!([{"Id": 202}, {"Id": 201}, {"Id": 202}]));
        let converted = group(wire(json!({"Id": 301, "Name": "Service Desk"})), &members);
        assert_eq!(converted.agent_ids, vec![201, 202]);
        assert_eq!(converted.description, None);
    }

    #[test]
    fn agents_and_sla_targets() {
        let converted = agent(wire(
            json!({"Id": 201, "FirstName": "Zoë", "EmailAddress": ""}),
        ));
        assert_eq!(
            (converted.display_name(), converted.email),
            ("Zoë".to_string(), None)
        );
        let target = sla_target(
            wire(json!({"Id": 1, "StageName": "Response", "TargetMinutes": 60})),
            41,
        )
        .unwrap();
        assert_eq!(
            (
                target.priority_id,
                target.target_minutes,
                target.business_hours_only
            ),
            (41, 60, false)
        );
        assert_eq!(
            sla_target(wire(json!({"Id": 2, "StageName": "Response"})), 41),
            None
        );
    }

    #[test]
    fn custom_form_fields_and_options() {
        let form = custom_form(
            wire(json!({"Id": 801, "Name": "Hardware", "Fields": [
                {"Id": 1, "Name": "Model", "FieldType": "DropDown", "Required": true,
                 "Options": [{"Id": 10, "Value": "Dell"}, {"Value": "no id"}]},
                {"Id": 2, "Name": "Photo", "FieldType": "Hologram"},
                {"Id": 3, "Name": "When", "Label": "Seen at", "FieldType": "DateTime"}
            ]})),
            14,
        );
        assert_eq!(form.record_type_id, 14);
        let kinds: Vec<core::FieldType> =
            form.fields.iter().map(|field| field.field_type).collect();
        assert_eq!(
            kinds,
            [
                core::FieldType::DropDown,
                core::FieldType::Text,
                core::FieldType::DateTime
            ]
        );
        assert_eq!(
            form.fields[0].options,
            vec![core::FieldOption {
                id: 10,
                value: "Dell".into()
            }]
        );
        assert!(form.fields[0].required);
        assert_eq!(form.fields[2].display_name(), "Seen at");
    }
}
