//! Conversations and tickets with parts, files, details, assignment and state, verified.

use super::harness::*;

#[tokio::test]
async fn a_conversation_with_parts_files_details_and_state_verifies() {
    let mut h = Harness::start();
    h.setup_people().await;
    let mut impact = attribute(
        AttributeModel::Conversation,
        "vivantio_impact",
        AttributeType::List,
    );
    impact.options = vec!["Low".into(), "High".into()];
    h.run(creating(
        Phase::Schema,
        RecordKey::attribute("conversation", "vivantio_impact"),
        DestinationOp::EnsureAttribute(impact),
    ))
    .await;
    h.run(creating(
        Phase::Schema,
        RecordKey::tag("category: printers"),
        DestinationOp::EnsureTag {
            name: "Category: Printers".into(),
        },
    ))
    .await;
    h.caller_id_attribute().await;
    let contact = h.contact(7, "ada@example.com").await;

    let thread = RecordKey::conversation(100);
    let mut calls = Vec::new();
    let opening = ConversationOpening {
        contact: contact.clone(),
        body: "My printer jams".into(),
        created_at: 1_500_000_000,
    };
    let before = h.requests();
    h.run(creating(
        Phase::Threads,
        thread.clone(),
        DestinationOp::CreateConversation(opening),
    ))
    .await;
    calls.push(h.requests() - before);

    let files = payloads(2);
    let note = part(
        PartAuthor::Admin(RecordKey::admin(2)),
        PartKind::Note,
        "<p>Logs attached</p>",
        1_500_000_100,
        2,
    );
    let before = h.requests();
    h.run_with_files(
        changing(
            Phase::Parts,
            "part:1",
            DestinationOp::AddPart {
                thread: thread.clone(),
                part: note,
            },
        ),
        &files,
    )
    .await;
    calls.push(h.requests() - before);
    let reply = part(
        PartAuthor::Contact(contact.clone()),
        PartKind::Comment,
        "Thanks!",
        1_500_000_200,
        0,
    );
    h.run(changing(
        Phase::Parts,
        "part:2",
        DestinationOp::AddPart {
            thread: thread.clone(),
            part: reply,
        },
    ))
    .await;

    let details = DestinationOp::UpdateThread {
        thread: thread.clone(),
        title: Some("Printer jam".into()),
        priority: None,
        company: None,
        custom_attributes: [(
            "vivantio_impact".to_string(),
            AttributeValue::ListOption("High".into()),
        )]
        .into(),
    };
    let mut follow_ups = 0;
    for (mark, op) in [
        ("details", details),
        (
            "tag",
            DestinationOp::TagThread {
                thread: thread.clone(),
                tag: RecordKey::tag("category: printers"),
            },
        ),
        (
            "assign",
            DestinationOp::AssignThread {
                thread: thread.clone(),
                admin: Some(RecordKey::admin(2)),
                team: None,
            },
        ),
        (
            "state",
            DestinationOp::SetThreadState {
                thread: thread.clone(),
                state: ThreadState::Conversation(ConversationState::Closed),
            },
        ),
    ] {
        let before = h.requests();
        h.run(changing(Phase::ThreadDetails, mark, op)).await;
        follow_ups += h.requests() - before;
    }
    assert_eq!(calls, [1, 1], "one create, one call per part");
    assert_eq!(
        follow_ups, 4,
        "one call each for details, the tag, the assignment and the state"
    );
    h.assert_verified(&thread).await;

    let id = h.refs.get(&thread).unwrap().id.clone();
    let observed = h
        .destination
        .read_back(RecordKind::Conversation, &id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(observed.fields["state"], json!("closed"));
    assert_eq!(observed.fields["admin_assignee_id"], json!("991267002"));
    assert_eq!(
        observed.fields["parts.0.attachment_names"],
        json!(["f0.txt", "f1.txt"])
    );
    // What arrived is byte for byte what the source held.
    let stored: Vec<String> = h
        .sim
        .workspace()
        .files
        .values()
        .map(|file| file.sha256.clone())
        .collect();
    let sent: Vec<String> = files
        .iter()
        .map(|file| hex::encode(Sha256::digest(&file.bytes)))
        .collect();
    assert_eq!(stored, sent);
    let conversation = h.sim.workspace().conversation(&id).unwrap().clone();
    assert_eq!(conversation.created_at, 1_500_000_000);
    assert_eq!(conversation.parts[0].created_at, 1_500_000_100);

    let link = h
        .try_run(
            changing(
                Phase::Links,
                "link",
                DestinationOp::LinkThreads {
                    parent: thread.clone(),
                    child: RecordKey::conversation(101),
                },
            ),
            &[],
        )
        .await;
    assert_eq!(link.unwrap_err().kind, PortErrorKind::Rejected);
}

#[tokio::test]
async fn a_ticket_is_created_assigned_replied_resolved_and_verified() {
    let mut h = Harness::start();
    h.setup_people().await;
    h.caller_id_attribute().await;
    let bug = TicketTypeDefinition {
        name: "Bug".into(),
        description: "Bugs".into(),
        category: TicketCategory::Customer,
    };
    h.run(creating(
        Phase::Schema,
        RecordKey::ticket_type("Bug"),
        DestinationOp::EnsureTicketType(bug),
    ))
    .await;
    let vivantio_id = attribute(
        AttributeModel::Ticket,
        "vivantio_id",
        AttributeType::Integer,
    );
    let mut priority = attribute(
        AttributeModel::Ticket,
        "vivantio_priority",
        AttributeType::List,
    );
    priority.options = vec!["P1 - Critical".into(), "P2 - High".into()];
    // The type was created by this process: its attributes are known without a read.
    let before = h.destination.stats().requests_sent;
    for definition in [vivantio_id, priority] {
        let key = RecordKey::ticket_type_attribute("Bug", &definition.name);
        let op = DestinationOp::EnsureTicketTypeAttribute {
            ticket_type: RecordKey::ticket_type("Bug"),
            attribute: definition,
        };
        h.run(creating(Phase::Schema, key, op)).await;
    }
    assert_eq!(
        h.destination.stats().requests_sent - before,
        2,
        "two creates, no read"
    );
    let contact = h.contact(7, "ada@example.com").await;

    let ticket = |id: i64| TicketRecord {
        ticket_type: RecordKey::ticket_type("Bug"),
        contact: contact.clone(),
        company: None,
        title: format!("Crash {id}"),
        description: "It crashes".into(),
        created_at: 1_500_000_000 + id,
        attributes: [
            ("vivantio_id".to_string(), AttributeValue::Integer(id)),
            (
                "vivantio_priority".to_string(),
                AttributeValue::ListOption("P2 - High".into()),
            ),
        ]
        .into(),
        admin: Some(RecordKey::admin(2)),
        team: Some(RecordKey::team(1)),
    };
    let thread = RecordKey::ticket(200);
    let before = h.destination.stats().requests_sent;
    h.run(creating(
        Phase::Threads,
        thread.clone(),
        DestinationOp::CreateTicket(ticket(200)),
    ))
    .await;
    assert_eq!(
        h.destination.stats().requests_sent - before,
        1,
        "attributes and both assignees travel in POST /tickets"
    );
    let id = h.refs.get(&thread).unwrap().id.clone();
    let stored = h.sim.workspace().ticket(&id).unwrap().clone();
    assert_eq!(stored.admin_assignee_id.as_deref(), Some("991267002"));
    assert_eq!(stored.team_assignee_id.as_deref(), Some("5017001"));
    let files = payloads(1);
    let reply = part(
        PartAuthor::Admin(RecordKey::admin(2)),
        PartKind::Comment,
        "Fixed in 2.1",
        1_500_000_300,
        1,
    );
    h.run_with_files(
        changing(
            Phase::Parts,
            "part:1",
            DestinationOp::AddPart {
                thread: thread.clone(),
                part: reply,
            },
        ),
        &files,
    )
    .await;
    let state = |thread: &RecordKey, category| DestinationOp::SetThreadState {
        thread: thread.clone(),
        state: ThreadState::Ticket(category),
    };
    h.run(changing(
        Phase::StatesAndAssignments,
        "state",
        state(&thread, TicketStateCategory::Resolved),
    ))
    .await;
    h.assert_verified(&thread).await;
    let observed = h
        .destination
        .read_back(RecordKind::Ticket, &id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(observed.fields["team_assignee_id"], json!("5017001"));
    assert_eq!(observed.fields["admin_assignee_id"], json!("991267002"));
    assert_eq!(observed.fields["custom_attributes.vivantio_id"], json!(200));
    assert_eq!(
        observed.fields["custom_attributes.vivantio_priority"],
        json!("P2 - High")
    );
    assert_eq!(observed.fields["state"], json!("resolved"));

    // A ticket that stays in the state it was created in costs no state change.
    let open = RecordKey::ticket(201);
    h.run(creating(
        Phase::Threads,
        open.clone(),
        DestinationOp::CreateTicket(ticket(201)),
    ))
    .await;
    let before = h.destination.stats().requests_sent;
    h.run(changing(
        Phase::StatesAndAssignments,
        "state:201",
        state(&open, TicketStateCategory::Submitted),
    ))
    .await;
    assert_eq!(h.destination.stats().requests_sent, before);
    h.assert_verified(&open).await;
}

#[tokio::test]
async fn priority_goes_to_the_configured_attribute_or_nowhere() {
    let options = IntercomOptions {
        priority_attribute: Some("vivantio_priority".into()),
        ..IntercomOptions::default()
    };
    let mut h = Harness::with_options(options);
    let priority = attribute(
        AttributeModel::Conversation,
        "vivantio_priority",
        AttributeType::String,
    );
    h.run(creating(
        Phase::Schema,
        RecordKey::attribute("conversation", "vivantio_priority"),
        DestinationOp::EnsureAttribute(priority),
    ))
    .await;
    h.caller_id_attribute().await;
    let contact = h.contact(7, "ada@example.com").await;
    let thread = RecordKey::conversation(1);
    let opening = ConversationOpening {
        contact,
        body: "Hi".into(),
        created_at: 1_500_000_000,
    };
    h.run(creating(
        Phase::Threads,
        thread.clone(),
        DestinationOp::CreateConversation(opening),
    ))
    .await;
    let details = |thread: &RecordKey| DestinationOp::UpdateThread {
        thread: thread.clone(),
        title: None,
        priority: Some(migration_core::model::destination::PriorityLevel::High),
        company: None,
        custom_attributes: Default::default(),
    };
    h.run(changing(Phase::ThreadDetails, "details", details(&thread)))
        .await;
    let id = h.refs.get(&thread).unwrap().id.clone();
    let stored = h.sim.workspace().conversation(&id).unwrap().clone();
    assert_eq!(
        stored.custom_attributes.get("vivantio_priority"),
        Some(&json!("high"))
    );

    // Without the option, a priority alone costs no call at all.
    let plain =
        IntercomDestination::new(h.destination.client().clone(), IntercomOptions::default());
    let operation = changing(Phase::ThreadDetails, "details", details(&thread));
    let before = plain.stats().requests_sent;
    let request = ExecutionRequest {
        operation: &operation,
        refs: &h.refs,
        files: &[],
    };
    plain.execute(request).await.unwrap();
    assert_eq!(plain.stats().requests_sent, before);
}
