//! Builds a mapping specification, maps one Vivantio ticket and prints the operations.
//!
//! Run with `cargo run -p migration-core --example map_one_ticket`.

use migration_core::idmap::EmptyIdMap;
use migration_core::model::destination::{Admin, DestinationSchema};
use migration_core::model::source::{
    Action, Agent, Caller, Priority, SourceSchema, SourceTime, Status, StatusKind, Ticket,
    TicketType,
};
use migration_core::spec::{check, propose, ProposalOptions, ThreadTarget};
use migration_core::transform::{Mapper, SourceDirectory};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // 1. What discovery found in Vivantio and in the Intercom workspace.
    let schema = SourceSchema {
        ticket_types: vec![TicketType {
            id: 11,
            name: "Incident".into(),
            name_plural: "Incidents".into(),
            enabled: true,
        }],
        statuses: vec![Status {
            id: 6,
            name: "Closed".into(),
            kind: StatusKind::Closed,
            record_type_id: None,
            enabled: true,
        }],
        priorities: vec![Priority {
            id: 42,
            name: "P2 - High".into(),
            record_type_id: None,
            order: Some(2),
        }],
        agents: vec![Agent {
            id: 201,
            first_name: "Sarah".into(),
            last_name: "Mitchell".into(),
            email: Some("sarah@example.com".into()),
            enabled: true,
        }],
        ..SourceSchema::default()
    };
    let workspace = DestinationSchema {
        admins: vec![Admin {
            id: "1".into(),
            name: "Sarah Mitchell".into(),
            email: Some("sarah@example.com".into()),
        }],
        ..DestinationSchema::default()
    };

    // 2. The proposed specification, edited like a person would, then checked.
    let proposal = propose(
        &schema,
        &workspace,
        &ProposalOptions {
            source_time_zone: "Europe/London".into(),
            fallback_admin_email: "bot@example.com".into(),
        },
    );
    for note in &proposal.notes {
        println!(
            "# {:?}: {} ({})",
            note.confidence, note.decision, note.reason
        );
    }
    let mut spec = proposal.spec;
    spec.ticket_types[0].target = ThreadTarget::Conversation;
    let report = check(&spec, &schema, &workspace);
    assert!(report.is_ok(), "{report}");
    println!("\n{}", spec.to_toml()?);

    // 3. One caller and one ticket with two messages, mapped.
    let caller = Caller {
        id: 1001,
        name: Some("Rachel Hughes".into()),
        first_name: None,
        last_name: None,
        email: Some("Rachel.Hughes@Example.org".into()),
        phone: Some("+44 23 8000 1101".into()),
        client_id: None,
        location_name: None,
        notes: None,
        external_key: None,
        created_at: None,
        updated_at: None,
        deleted: false,
        custom_values: Vec::new(),
    };
    let mut directory = SourceDirectory::builder();
    directory.add_caller(&caller);
    let mapper = Mapper::new(&spec, &schema, directory.finish())?;
    let at = |text: &str| SourceTime::parse(text).ok().flatten();
    let message = |id, when: &str, agent_id, notes: &str| Action {
        id,
        at: at(when),
        agent_id,
        author_name: None,
        author_email: agent_id
            .is_none()
            .then(|| "rachel.hughes@example.org".to_string()),
        kind: Some("Note".into()),
        notes: Some(notes.into()),
        notes_html: None,
        private: false,
        status_id: None,
        attachments: Vec::new(),
    };
    let ticket = Ticket {
        id: 5001,
        display_id: Some("INC-5001".into()),
        record_type_id: 11,
        title: "Outlook keeps asking for my password".into(),
        description: Some("Since Monday Outlook asks for my password every hour.".into()),
        description_html: None,
        solution: None,
        status_id: Some(6),
        priority_id: Some(42),
        category_id: None,
        origin: None,
        caller_id: Some(1001),
        caller_name: None,
        caller_email: None,
        client_id: None,
        owner_id: Some(201),
        group_id: None,
        opened_at: at("2023-11-06T08:52:00"),
        closed_at: None,
        resolved_at: None,
        updated_at: None,
        deleted: false,
        custom_values: Vec::new(),
        legacy_values: Vec::new(),
        actions: vec![
            message(
                70002,
                "2023-11-06T09:30:00",
                Some(201),
                "Could you check the Office version?",
            ),
            message(70003, "2023-11-06T10:40:00", None, "It says version 2308."),
        ],
        attachments: Vec::new(),
        parent_ids: Vec::new(),
        sla: Vec::new(),
    };
    let contact = mapper.map_caller(&caller)?;
    let mapped = mapper.map_ticket(&ticket, &EmptyIdMap)?;
    println!("{}", serde_json::to_string_pretty(&contact.operations)?);
    println!("{}", serde_json::to_string_pretty(&mapped.operations)?);
    for finding in &mapped.findings {
        println!(
            "# {:?} {}: {}",
            finding.severity,
            finding.code.as_str(),
            finding.message
        );
    }
    Ok(())
}
