//! Reconciliation of writes whose response was lost, and of writes never sent.

use super::harness::*;

#[tokio::test]
async fn reconcile_finds_writes_whose_response_was_lost() {
    let mut h = Harness::start();
    h.setup_people().await;
    h.caller_id_attribute().await;

    // A contact whose create was applied but whose answer was lost.
    h.sim.set_faults(IntercomFaults::lose_next_writes(
        1,
        LostResponse::ServerError { status: 502 },
    ));
    let contact_op = creating(
        Phase::Contacts,
        RecordKey::contact(7),
        DestinationOp::UpsertContact(contact_record(7, "ada@example.com")),
    );
    let error = h.try_run(contact_op.clone(), &[]).await.unwrap_err();
    assert_eq!(error.kind, PortErrorKind::Uncertain);
    let found = h
        .destination
        .reconcile(ExecutionRequest {
            operation: &contact_op,
            refs: &h.refs,
            files: &[],
        })
        .await
        .unwrap()
        .unwrap();
    assert_eq!(found.effect, WriteEffect::Created);
    let contact_id = h
        .sim
        .workspace()
        .user_by_external_id("vivantio-caller-7")
        .unwrap()
        .id
        .clone();
    assert_eq!(found.destination.clone().unwrap().id, contact_id);
    h.refs
        .0
        .insert(RecordKey::contact(7), found.destination.unwrap());

    // A conversation, the same way (the connection drops after the write).
    h.sim.set_faults(IntercomFaults::lose_next_writes(
        1,
        LostResponse::DropConnection,
    ));
    let opening = ConversationOpening {
        contact: RecordKey::contact(7),
        body: "My printer jams".into(),
        created_at: 1_500_000_000,
    };
    let conversation_op = creating(
        Phase::Threads,
        RecordKey::conversation(1),
        DestinationOp::CreateConversation(opening.clone()),
    );
    assert_eq!(
        h.try_run(conversation_op.clone(), &[])
            .await
            .unwrap_err()
            .kind,
        PortErrorKind::Uncertain
    );
    let found = h
        .destination
        .reconcile(ExecutionRequest {
            operation: &conversation_op,
            refs: &h.refs,
            files: &[],
        })
        .await
        .unwrap()
        .unwrap();
    let conversation_id = h
        .sim
        .workspace()
        .conversations
        .values()
        .next()
        .unwrap()
        .id
        .clone();
    assert_eq!(
        found,
        ExecutionOutcome {
            destination: Some(DestinationRef::id(&conversation_id)),
            effect: WriteEffect::Created
        }
    );
    h.refs.0.insert(
        RecordKey::conversation(1),
        DestinationRef::id(&conversation_id),
    );

    // A conversation that was never sent is not found.
    let other = ConversationOpening {
        created_at: 1_500_000_500,
        ..opening
    };
    let never = creating(
        Phase::Threads,
        RecordKey::conversation(2),
        DestinationOp::CreateConversation(other),
    );
    assert_eq!(
        h.destination
            .reconcile(ExecutionRequest {
                operation: &never,
                refs: &h.refs,
                files: &[]
            })
            .await
            .unwrap(),
        None
    );

    // A part: found by its time, author and body; a different one is not.
    h.sim.set_faults(IntercomFaults::lose_next_writes(
        1,
        LostResponse::ServerError { status: 500 },
    ));
    let note = part(
        PartAuthor::Admin(RecordKey::admin(2)),
        PartKind::Note,
        "<p>Checked</p>",
        1_500_000_100,
        0,
    );
    let part_op = changing(
        Phase::Parts,
        "part:1",
        DestinationOp::AddPart {
            thread: RecordKey::conversation(1),
            part: note.clone(),
        },
    );
    assert_eq!(
        h.try_run(part_op.clone(), &[]).await.unwrap_err().kind,
        PortErrorKind::Uncertain
    );
    let found = h
        .destination
        .reconcile(ExecutionRequest {
            operation: &part_op,
            refs: &h.refs,
            files: &[],
        })
        .await
        .unwrap()
        .unwrap();
    let part_id = h
        .sim
        .workspace()
        .conversation(&conversation_id)
        .unwrap()
        .parts[0]
        .id
        .clone();
    assert_eq!(found.destination.unwrap().id, part_id);
    let unsent = PartRecord {
        created_at: 1_500_000_900,
        ..note
    };
    let unsent_op = changing(
        Phase::Parts,
        "part:2",
        DestinationOp::AddPart {
            thread: RecordKey::conversation(1),
            part: unsent,
        },
    );
    assert_eq!(
        h.destination
            .reconcile(ExecutionRequest {
                operation: &unsent_op,
                refs: &h.refs,
                files: &[]
            })
            .await
            .unwrap(),
        None
    );
    assert_eq!(
        h.sim
            .workspace()
            .conversation(&conversation_id)
            .unwrap()
            .parts
            .len(),
        1
    );

    // A company.
    h.run(creating(
        Phase::Schema,
        RecordKey::attribute("company", "vivantio_tier"),
        DestinationOp::EnsureAttribute(attribute(
            AttributeModel::Company,
            "vivantio_tier",
            AttributeType::String,
        )),
    ))
    .await;
    // Upserts are safe to resend, so the client retries once: both answers are lost.
    h.sim.set_faults(IntercomFaults::lose_next_writes(
        2,
        LostResponse::ServerError { status: 503 },
    ));
    let company_op = creating(
        Phase::Companies,
        RecordKey::company(42),
        DestinationOp::UpsertCompany(company_record("Acme")),
    );
    assert_eq!(
        h.try_run(company_op.clone(), &[]).await.unwrap_err().kind,
        PortErrorKind::Uncertain
    );
    let found = h
        .destination
        .reconcile(ExecutionRequest {
            operation: &company_op,
            refs: &h.refs,
            files: &[],
        })
        .await
        .unwrap()
        .unwrap();
    assert_eq!(found.effect, WriteEffect::Created);
}

#[tokio::test]
async fn reconcile_of_tickets_waits_for_the_search_index_before_saying_no() {
    let options = IntercomOptions {
        search_index_lag: Duration::from_secs(3600),
        ..IntercomOptions::default()
    };
    let mut h = Harness::with_options(options);
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
    let contact = h.contact(7, "ada@example.com").await;
    let record = |title: &str, created_at: i64| TicketRecord {
        ticket_type: RecordKey::ticket_type("Bug"),
        contact: contact.clone(),
        company: None,
        title: title.into(),
        description: "d".into(),
        created_at,
        attributes: Default::default(),
        admin: None,
        team: None,
    };
    h.sim.set_faults(IntercomFaults::lose_next_writes(
        1,
        LostResponse::ServerError { status: 502 },
    ));
    let lost = creating(
        Phase::Threads,
        RecordKey::ticket(1),
        DestinationOp::CreateTicket(record("Crash", 1_500_000_000)),
    );
    assert!(h.try_run(lost.clone(), &[]).await.is_err());
    let found = h
        .destination
        .reconcile(ExecutionRequest {
            operation: &lost,
            refs: &h.refs,
            files: &[],
        })
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        found.destination.unwrap().id,
        h.sim.workspace().tickets.values().next().unwrap().id
    );

    let never = creating(
        Phase::Threads,
        RecordKey::ticket(2),
        DestinationOp::CreateTicket(record("Other", 1_500_000_001)),
    );
    let waiting = h
        .destination
        .reconcile(ExecutionRequest {
            operation: &never,
            refs: &h.refs,
            files: &[],
        })
        .await
        .unwrap_err();
    assert_eq!(waiting.kind, PortErrorKind::Uncertain);

    let options = IntercomOptions {
        search_index_lag: Duration::ZERO,
        ..IntercomOptions::default()
    };
    let impatient = IntercomDestination::new(client(&h.sim, h.sim.token()), options);
    assert_eq!(
        impatient
            .reconcile(ExecutionRequest {
                operation: &never,
                refs: &h.refs,
                files: &[]
            })
            .await
            .unwrap(),
        None
    );
}
