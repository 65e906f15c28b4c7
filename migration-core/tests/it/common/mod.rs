//! Test helpers: the bundled sample instance converted into the core model (the real adapter
//! lives in the CLI), a small hand-written instance, and a destination workspace.
pub mod preflight;
pub mod sample;

use migration_core::model::destination::{
    Admin, AttributeModel, AttributeType, DestinationSchema, ExistingAttribute, Team,
};
use migration_core::model::source::*;
use migration_core::spec::{propose, MappingSpec, ProposalOptions};
use serde_json::json;

/// A workspace with some admins, teams and attributes already there.
pub fn destination() -> DestinationSchema {
    DestinationSchema {
        attributes: vec![
            ExistingAttribute {
                model: AttributeModel::Conversation,
                name: "Affected_device".into(),
                data_type: AttributeType::String,
                options: Vec::new(),
                ticket_type: None,
                archived: false,
            },
            ExistingAttribute {
                model: AttributeModel::Contact,
                name: "vivantio_created_at".into(),
                data_type: AttributeType::Datetime,
                options: Vec::new(),
                ticket_type: None,
                archived: false,
            },
        ],
        admins: vec![
            Admin {
                id: "9001".into(),
                name: "Sarah Mitchell".into(),
                email: Some("sarah.mitchell@brightline-it.co.uk".into()),
            },
            Admin {
                id: "9002".into(),
                name: "Tom Okafor".into(),
                email: Some("tom@brightline.example".into()),
            },
            Admin {
                id: "9000".into(),
                name: "Migration Bot".into(),
                email: Some("migration@brightline.example".into()),
            },
        ],
        teams: vec![
            Team {
                id: "77".into(),
                name: "Service desk".into(),
            },
            Team {
                id: "78".into(),
                name: "Infrastructure team".into(),
            },
        ],
        ticket_types: Vec::new(),
        tags: Vec::new(),
    }
}

/// Proposal options for the sample tenant.
pub fn options() -> ProposalOptions {
    ProposalOptions {
        source_time_zone: "Europe/London".into(),
        fallback_admin_email: "migration@brightline.example".into(),
    }
}

/// The proposed default specification for an instance.
pub fn default_spec(instance: &SourceInstance) -> MappingSpec {
    let mut spec = propose(&instance.schema, &destination(), &options()).spec;
    spec.contacts.phone_default_region = Some("GB".into());
    spec
}

fn at(text: &str) -> Option<SourceTime> {
    SourceTime::parse(text).unwrap()
}

/// A small instance with one of each hard case.
pub fn small_instance() -> SourceInstance {
    let schema = SourceSchema {
        ticket_types: vec![
            TicketType {
                id: 11,
                name: "Incident".into(),
                name_plural: "Incidents".into(),
                enabled: true,
            },
            TicketType {
                id: 13,
                name: "Service Request".into(),
                name_plural: "Service Requests".into(),
                enabled: true,
            },
        ],
        statuses: vec![
            Status {
                id: 1,
                name: "New".into(),
                kind: StatusKind::Open,
                record_type_id: Some(11),
                enabled: true,
            },
            Status {
                id: 6,
                name: "Closed".into(),
                kind: StatusKind::Closed,
                record_type_id: Some(11),
                enabled: true,
            },
        ],
        priorities: vec![Priority {
            id: 41,
            name: "P1 - Critical".into(),
            record_type_id: Some(11),
            order: Some(1),
        }],
        categories: vec![
            Category {
                id: 601,
                name: "Hardware".into(),
                parent_id: None,
                record_type_id: 11,
                enabled: true,
            },
            Category {
                id: 602,
                name: "Printer".into(),
                parent_id: Some(601),
                record_type_id: 11,
                enabled: true,
            },
            Category {
                id: 651,
                name: "Getting started".into(),
                parent_id: None,
                record_type_id: 10,
                enabled: true,
            },
            Category {
                id: 652,
                name: "Accounts".into(),
                parent_id: Some(651),
                record_type_id: 10,
                enabled: true,
            },
        ],
        agents: vec![Agent {
            id: 201,
            first_name: "Sarah".into(),
            last_name: "Mitchell".into(),
            email: Some("sarah.mitchell@brightline-it.co.uk".into()),
            enabled: true,
        }],
        groups: vec![Group {
            id: 301,
            name: "Service Desk".into(),
            description: None,
            enabled: true,
            agent_ids: vec![201],
        }],
        sla_targets: vec![SlaTarget {
            id: 1,
            priority_id: 41,
            stage_name: "Resolution".into(),
            target_minutes: 240,
            business_hours_only: false,
        }],
        origins: vec![Origin {
            id: 2,
            name: Some("Email".into()),
        }],
        custom_forms: vec![CustomForm {
            id: 801,
            name: "Incident details".into(),
            record_type_id: 11,
            fields: vec![
                FieldDefinition {
                    id: 8103,
                    name: "UsersAffected".into(),
                    label: Some("Number of users affected".into()),
                    field_type: FieldType::Number,
                    required: true,
                    options: Vec::new(),
                },
                FieldDefinition {
                    id: 8108,
                    name: "Impact".into(),
                    label: Some("Business impact".into()),
                    field_type: FieldType::DropDown,
                    required: true,
                    options: vec![
                        FieldOption {
                            id: 81081,
                            value: "Single user".into(),
                        },
                        FieldOption {
                            id: 81082,
                            value: "Team".into(),
                        },
                    ],
                },
            ],
        }],
        legacy_fields: vec![LegacyField {
            id: 701,
            name: "AssetTag".into(),
            label: Some("Asset tag".into()),
            field_type: "Text".into(),
            record_type_id: 11,
        }],
    };
    let organisation = Organisation {
        id: 101,
        reference: Some("HARB01".into()),
        name: "Harbour Logistics Ltd".into(),
        website: None,
        email: Some("it@harbourlogistics.co.uk".into()),
        email_suffix: None,
        notes: None,
        external_key: None,
        created_at: at("2019-03-11T09:00:00"),
        updated_at: at("2024-02-14T16:22:10"),
        deleted: false,
        custom_values: Vec::new(),
    };
    let caller = |id: i64, email: Option<&str>, phone: Option<&str>| Caller {
        id,
        name: Some(format!("Caller {id}")),
        first_name: None,
        last_name: None,
        email: email.map(String::from),
        phone: phone.map(String::from),
        client_id: Some(101),
        location_name: None,
        notes: None,
        external_key: None,
        created_at: at("2022-01-10T09:00:00"),
        updated_at: None,
        deleted: false,
        custom_values: Vec::new(),
    };
    let callers = vec![
        caller(
            1001,
            Some("rachel.hughes@harbourlogistics.co.uk"),
            Some("+44 23 8000 1101"),
        ),
        caller(
            1002,
            Some("Rachel.Hughes@HarbourLogistics.co.uk"),
            Some("023 8000 1102"),
        ),
        caller(1003, None, Some("ask for Kenji")),
    ];
    let attachment = |id: i64, size: u64, private: bool| Attachment {
        id,
        guid: format!("00000000-0000-0000-0000-{id:012}"),
        file_name: format!("file-{id}.png"),
        content_type: Some("image/png".into()),
        size: Some(size),
        private,
        created_at: None,
    };
    let action = |id: i64,
                  when: &str,
                  agent: Option<i64>,
                  email: Option<&str>,
                  notes: Option<&str>,
                  private: bool| Action {
        id,
        at: at(when),
        agent_id: agent,
        author_name: None,
        author_email: email.map(String::from),
        kind: Some("Note".into()),
        notes: notes.map(String::from),
        notes_html: None,
        private,
        status_id: None,
        attachments: Vec::new(),
    };
    let mut reply = action(
        70003,
        "2024-01-15T09:10:00",
        Some(201),
        None,
        Some("Please try again."),
        false,
    );
    reply.attachments = (0..12)
        .map(|n| attachment(95000 + n, 100, n == 11))
        .collect();
    let mut big = action(
        70004,
        "2024-01-15T09:20:00",
        None,
        Some("rachel.hughes@harbourlogistics.co.uk"),
        Some("Log file attached"),
        false,
    );
    big.attachments = vec![attachment(95100, 47_185_920, false)];
    let parent = Ticket {
        id: 5001,
        display_id: Some("INC-5001".into()),
        record_type_id: 11,
        title: "Printer jams".into(),
        description: Some("The printer jams on every label.".into()),
        description_html: None,
        solution: None,
        status_id: Some(6),
        priority_id: Some(41),
        category_id: Some(602),
        origin: Some(2),
        caller_id: Some(1002),
        caller_name: None,
        caller_email: None,
        client_id: Some(101),
        owner_id: Some(201),
        group_id: Some(301),
        opened_at: at("2024-01-15T09:00:00"),
        closed_at: at("2024-01-16T09:00:00"),
        resolved_at: None,
        updated_at: at("2024-01-16T09:00:00"),
        deleted: false,
        custom_values: vec![
            FieldValue {
                field_id: 8103,
                value: json!("3"),
            },
            FieldValue {
                field_id: 8108,
                value: json!(81082),
            },
        ],
        legacy_values: vec![LegacyValue {
            field_id: 701,
            name: "AssetTag".into(),
            value: json!("HL-DT-0112"),
        }],
        actions: vec![
            big,
            reply,
            action(
                70002,
                "2024-01-15T08:00:00",
                None,
                Some("rachel.hughes@harbourlogistics.co.uk"),
                Some("Still broken"),
                false,
            ),
            action(
                70005,
                "2024-01-15T09:30:00",
                Some(201),
                None,
                Some("Internal: ordered part"),
                true,
            ),
            action(70006, "2024-01-15T09:40:00", None, None, None, false),
        ],
        attachments: Vec::new(),
        parent_ids: Vec::new(),
        sla: vec![SlaInstance {
            id: 9501,
            stage_name: "Resolution".into(),
            target_at: at("2024-01-15T13:00:00"),
            completed_at: None,
            breached: true,
        }],
    };
    let mut child = parent.clone();
    child.id = 5002;
    child.display_id = Some("SR-5002".into());
    child.record_type_id = 13;
    child.caller_id = Some(9999);
    child.custom_values = Vec::new();
    child.legacy_values = Vec::new();
    child.actions = Vec::new();
    child.parent_ids = vec![5001];
    child.sla = Vec::new();
    let article = Article {
        id: 4001,
        title: "Welcome".into(),
        body_html:
            "<p>See <a href=\"https://acme.vivantio.com/Portal/KB/Article/4002\">reset</a>.</p>"
                .into(),
        summary: Some("How to reach us".into()),
        category_id: Some(652),
        status: Some("Published".into()),
        language: Some("en".into()),
        author_id: Some(201),
        is_public: true,
        keywords: None,
        created_at: at("2021-01-04T09:00:00"),
        updated_at: None,
    };
    let mut second = article.clone();
    second.id = 4002;
    second.title = "Reset your password".into();
    second.body_html = "<p>Go to the portal.</p>".into();
    SourceInstance {
        schema,
        organisations: vec![organisation],
        callers,
        tickets: vec![parent, child],
        articles: vec![article, second],
        inventory: AdminInventory::default(),
    }
}
