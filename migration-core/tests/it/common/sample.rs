//! A test-only converter from the sample instance's Vivantio wire JSON (PascalCase) to the
//! core model. The production adapter lives in the CLI and reads the Vivantio client's types.

use std::collections::{BTreeSet, HashMap};

use fixtures::instance::{Instance, Kind};
use migration_core::model::source::*;
use serde_json::Value;

fn text(record: &Value, field: &str) -> Option<String> {
    match record.get(field)? {
        Value::String(text) if !text.is_empty() => Some(text.clone()),
        Value::Number(number) => Some(number.to_string()),
        _ => None,
    }
}

fn int(record: &Value, field: &str) -> Option<i64> {
    match record.get(field)? {
        Value::Number(number) => number.as_i64(),
        Value::String(text) => text.trim().parse().ok(),
        _ => None,
    }
}

fn flag(record: &Value, field: &str) -> Option<bool> {
    record.get(field).and_then(Value::as_bool)
}

fn time(record: &Value, field: &str) -> Option<SourceTime> {
    text(record, field).and_then(|text| SourceTime::parse(&text).expect("sample dates parse"))
}

fn id(record: &Value) -> i64 {
    int(record, "Id").expect("every record has an Id")
}

/// The bundled sample, or `None` (with a message) when it is not there.
pub fn sample_instance() -> Option<SourceInstance> {
    let dir = Instance::sample_dir();
    if !dir.join("manifest.json").is_file() {
        eprintln!("SKIPPED: the sample instance is not in {}", dir.display());
        return None;
    }
    let instance = Instance::sample().expect("the sample instance loads");
    Some(convert(&instance))
}

/// Converts a loaded instance.
pub fn convert(instance: &Instance) -> SourceInstance {
    let records = |kind| instance.records(kind);
    let attachment = |record: &Value| Attachment {
        id: id(record),
        guid: text(record, "AttachmentGuid").unwrap_or_default(),
        file_name: text(record, "FileName").unwrap_or_default(),
        content_type: text(record, "ContentType"),
        size: record.get("Size").and_then(Value::as_u64),
        private: flag(record, "IsPrivate").unwrap_or(false),
        created_at: time(record, "CreatedDate"),
    };
    let attachments: HashMap<i64, Attachment> = records(Kind::Attachments)
        .iter()
        .map(|r| (id(r), attachment(r)))
        .collect();
    let mut origins = BTreeSet::new();
    let mut tickets: Vec<Ticket> = records(Kind::Tickets)
        .iter()
        .map(|r| {
            if let Some(origin) = int(r, "CallOrigin") {
                origins.insert(origin);
            }
            ticket(r)
        })
        .collect();
    let mut by_id: HashMap<i64, usize> = tickets
        .iter()
        .enumerate()
        .map(|(index, t)| (t.id, index))
        .collect();
    for action in records(Kind::Actions) {
        let Some(index) = int(action, "ParentId").and_then(|parent| by_id.get(&parent)) else {
            continue;
        };
        let files = action
            .get("Attachments")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .map(|file| {
                attachments
                    .get(&id(file))
                    .cloned()
                    .unwrap_or_else(|| attachment(file))
            })
            .collect();
        tickets[*index].actions.push(Action {
            id: id(action),
            at: time(action, "ActionDate"),
            agent_id: int(action, "ActionUserId"),
            author_name: text(action, "ActionUserName"),
            author_email: text(action, "ActionUserEmail"),
            kind: text(action, "ActionType").or_else(|| text(action, "Description")),
            notes: text(action, "Notes"),
            notes_html: text(action, "NotesHtml"),
            private: flag(action, "Private").unwrap_or(false),
            status_id: int(action, "StatusId"),
            attachments: files,
        });
    }
    for record in records(Kind::Attachments) {
        let on_ticket = text(record, "ParentArea").as_deref() == Some("Ticket")
            && int(record, "ActionId").is_none();
        if let (true, Some(index)) = (
            on_ticket,
            int(record, "ParentId").and_then(|p| by_id.get(&p)),
        ) {
            tickets[*index].attachments.push(attachment(record));
        }
    }
    for link in records(Kind::TicketLinks) {
        if let (Some(parent), Some(index)) = (
            int(link, "ParentId"),
            int(link, "ChildId").and_then(|c| by_id.get(&c)),
        ) {
            tickets[*index].parent_ids.push(parent);
        }
    }
    for stage in records(Kind::SlaInstances) {
        if let Some(index) = int(stage, "TicketId").and_then(|t| by_id.get(&t)) {
            tickets[*index].sla.push(SlaInstance {
                id: id(stage),
                stage_name: text(stage, "StageName").unwrap_or_default(),
                target_at: time(stage, "TargetDate"),
                completed_at: time(stage, "CompletedDate"),
                breached: flag(stage, "Breached").unwrap_or(false),
            });
        }
    }
    for form in records(Kind::CustomFormInstances) {
        if let Some(index) = int(form, "ParentId").and_then(|t| by_id.get(&t)) {
            let values = form
                .get("FieldValues")
                .and_then(Value::as_array)
                .into_iter()
                .flatten();
            tickets[*index]
                .custom_values
                .extend(values.map(|value| FieldValue {
                    field_id: int(value, "FieldId").unwrap_or_default(),
                    value: value.get("Value").cloned().unwrap_or_default(),
                }));
        }
    }
    by_id.clear();
    let inventory_path = instance.dir.join("inventory.json");
    let inventory = std::fs::read_to_string(&inventory_path)
        .map(|text| {
            serde_json::from_str(&text).expect("inventory.json matches the admin inventory model")
        })
        .unwrap_or_default();
    SourceInstance {
        schema: schema(instance, origins),
        organisations: records(Kind::Clients).iter().map(organisation).collect(),
        callers: records(Kind::Callers).iter().map(caller).collect(),
        tickets,
        articles: records(Kind::Articles).iter().map(article).collect(),
        inventory,
    }
}

fn schema(instance: &Instance, origins: BTreeSet<i64>) -> SourceSchema {
    let records = |kind| instance.records(kind);
    SourceSchema {
        ticket_types: records(Kind::TicketTypes)
            .iter()
            .map(|r| TicketType {
                id: id(r),
                name: text(r, "NameSingular").unwrap_or_default(),
                name_plural: text(r, "NamePlural").unwrap_or_default(),
                enabled: flag(r, "Enabled").unwrap_or(true),
            })
            .collect(),
        statuses: records(Kind::Statuses)
            .iter()
            .map(|r| Status {
                id: id(r),
                name: text(r, "Name").unwrap_or_default(),
                kind: text(r, "Type")
                    .and_then(|t| StatusKind::from_wire(&t))
                    .unwrap_or(StatusKind::Open),
                record_type_id: int(r, "RecordTypeId"),
                enabled: flag(r, "Enabled").unwrap_or(true),
            })
            .collect(),
        priorities: records(Kind::Priorities)
            .iter()
            .map(|r| Priority {
                id: id(r),
                name: text(r, "Name").unwrap_or_default(),
                record_type_id: int(r, "RecordTypeId"),
                order: int(r, "Order").and_then(|o| i32::try_from(o).ok()),
            })
            .collect(),
        categories: records(Kind::Categories)
            .iter()
            .map(|r| Category {
                id: id(r),
                name: text(r, "Name").unwrap_or_default(),
                parent_id: int(r, "ParentId"),
                record_type_id: int(r, "RecordTypeId").unwrap_or_default(),
                enabled: flag(r, "Enabled").unwrap_or(true),
            })
            .collect(),
        agents: records(Kind::Users)
            .iter()
            .map(|r| Agent {
                id: id(r),
                first_name: text(r, "FirstName").unwrap_or_default(),
                last_name: text(r, "LastName").unwrap_or_default(),
                email: text(r, "EmailAddress"),
                enabled: flag(r, "Enabled").unwrap_or(true),
            })
            .collect(),
        groups: records(Kind::Groups)
            .iter()
            .map(|r| Group {
                id: id(r),
                name: text(r, "Name").unwrap_or_default(),
                description: text(r, "Description"),
                enabled: flag(r, "Enabled").unwrap_or(true),
                agent_ids: r
                    .get("UserIds")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_i64)
                    .collect(),
            })
            .collect(),
        sla_targets: records(Kind::SlaTargets)
            .iter()
            .map(|r| SlaTarget {
                id: id(r),
                priority_id: int(r, "PriorityId").unwrap_or_default(),
                stage_name: text(r, "StageName").unwrap_or_default(),
                target_minutes: int(r, "TargetMinutes").unwrap_or_default(),
                business_hours_only: flag(r, "BusinessHoursOnly").unwrap_or(false),
            })
            .collect(),
        origins: origins
            .into_iter()
            .map(|id| Origin { id, name: None })
            .collect(),
        custom_forms: records(Kind::CustomForms)
            .iter()
            .map(|r| CustomForm {
                id: id(r),
                name: text(r, "Name").unwrap_or_default(),
                record_type_id: int(r, "RecordTypeId").unwrap_or_default(),
                fields: r
                    .get("Fields")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .map(|f| FieldDefinition {
                        id: id(f),
                        name: text(f, "Name").unwrap_or_default(),
                        label: text(f, "Label"),
                        field_type: text(f, "FieldType")
                            .and_then(|t| FieldType::from_wire(&t))
                            .unwrap_or(FieldType::Text),
                        required: flag(f, "Required").unwrap_or(false),
                        options: f
                            .get("Options")
                            .and_then(Value::as_array)
                            .into_iter()
                            .flatten()
                            .map(|o| FieldOption {
                                id: id(o),
                                value: text(o, "Value").unwrap_or_default(),
                            })
                            .collect(),
                    })
                    .collect(),
            })
            .collect(),
        legacy_fields: records(Kind::ExtensionFields)
            .iter()
            .map(|r| LegacyField {
                id: id(r),
                name: text(r, "Name").unwrap_or_default(),
                label: text(r, "Label"),
                field_type: text(r, "FieldType").unwrap_or_default(),
                record_type_id: int(r, "RecordTypeId").unwrap_or_default(),
            })
            .collect(),
    }
}

fn organisation(r: &Value) -> Organisation {
    Organisation {
        id: id(r),
        reference: text(r, "Reference"),
        name: text(r, "Name").unwrap_or_default(),
        website: text(r, "WebSite"),
        email: text(r, "Email"),
        email_suffix: text(r, "EmailSuffix"),
        notes: text(r, "Notes"),
        external_key: text(r, "ExternalKey"),
        created_at: time(r, "CreatedDate"),
        updated_at: time(r, "UpdateDate"),
        deleted: flag(r, "Deleted").unwrap_or(false),
        custom_values: Vec::new(),
    }
}

fn caller(r: &Value) -> Caller {
    Caller {
        id: id(r),
        name: text(r, "Name"),
        first_name: text(r, "FirstName"),
        last_name: text(r, "LastName"),
        email: text(r, "Email"),
        phone: text(r, "Phone"),
        client_id: int(r, "ClientId"),
        location_name: text(r, "LocationName"),
        notes: text(r, "Notes"),
        external_key: text(r, "ExternalKey"),
        created_at: time(r, "CreateDate"),
        updated_at: time(r, "UpdateDate"),
        deleted: flag(r, "Deleted").unwrap_or(false),
        custom_values: Vec::new(),
    }
}

fn ticket(r: &Value) -> Ticket {
    Ticket {
        id: id(r),
        display_id: text(r, "DisplayId"),
        record_type_id: int(r, "RecordTypeId").unwrap_or_default(),
        title: text(r, "Title").unwrap_or_default(),
        description: text(r, "Description"),
        description_html: text(r, "DescriptionHtml"),
        solution: text(r, "Solution"),
        status_id: int(r, "StatusId"),
        priority_id: int(r, "PriorityId"),
        category_id: int(r, "CategoryId"),
        origin: int(r, "CallOrigin"),
        caller_id: int(r, "CallerId"),
        caller_name: text(r, "CallerName"),
        caller_email: text(r, "CallerEmail"),
        client_id: int(r, "ClientId"),
        owner_id: int(r, "OwnerId"),
        group_id: int(r, "GroupId"),
        opened_at: time(r, "OpenDate"),
        closed_at: time(r, "CloseDate"),
        resolved_at: time(r, "ResolvedDate"),
        updated_at: time(r, "LastModifiedDate"),
        deleted: flag(r, "Deleted").unwrap_or(false),
        custom_values: Vec::new(),
        legacy_values: r
            .get("ExtensionFields")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .map(|v| LegacyValue {
                field_id: int(v, "FieldId").unwrap_or_default(),
                name: text(v, "Name").unwrap_or_default(),
                value: v.get("Value").cloned().unwrap_or_default(),
            })
            .collect(),
        actions: Vec::new(),
        attachments: Vec::new(),
        parent_ids: Vec::new(),
        sla: Vec::new(),
    }
}

fn article(r: &Value) -> Article {
    Article {
        id: id(r),
        title: text(r, "Title").unwrap_or_default(),
        body_html: text(r, "BodyHtml").unwrap_or_default(),
        summary: text(r, "Summary"),
        category_id: int(r, "CategoryId"),
        status: text(r, "Status"),
        language: text(r, "Language"),
        author_id: int(r, "AuthorId"),
        is_public: flag(r, "IsPublic").unwrap_or(false),
        keywords: text(r, "Keywords"),
        created_at: time(r, "CreatedDate"),
        updated_at: time(r, "UpdateDate"),
    }
}
