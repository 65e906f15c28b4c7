//! Schema and people operations: create once, then match; admins and teams by email and name.

use super::harness::*;

#[tokio::test]
async fn schema_operations_create_once_then_match() {
    let mut h = Harness::start();
    let contact = attribute(
        AttributeModel::Contact,
        "vivantio_caller_id",
        AttributeType::Integer,
    );
    let key = RecordKey::attribute("contact", "vivantio_caller_id");
    let first = h
        .run(creating(
            Phase::Schema,
            key.clone(),
            DestinationOp::EnsureAttribute(contact.clone()),
        ))
        .await;
    assert_eq!(first.effect, WriteEffect::Created);
    let again = h
        .run(creating(
            Phase::Schema,
            key,
            DestinationOp::EnsureAttribute(contact),
        ))
        .await;
    assert_eq!(
        (again.effect, again.destination),
        (WriteEffect::Matched, first.destination.clone())
    );

    let mut impact = attribute(
        AttributeModel::Conversation,
        "vivantio_impact",
        AttributeType::List,
    );
    impact.options = vec!["Low".into(), "High".into()];
    let conversation_attribute = h
        .run(creating(
            Phase::Schema,
            RecordKey::attribute("conversation", "vivantio_impact"),
            DestinationOp::EnsureAttribute(impact),
        ))
        .await;
    let observed = h
        .destination
        .read_back(
            RecordKind::Attribute,
            &conversation_attribute.destination.unwrap().id,
        )
        .await
        .unwrap()
        .unwrap();
    assert_eq!(observed.fields["name"], json!("vivantio_impact"));
    assert_eq!(observed.fields["model"], json!("conversation"));

    let bug = TicketTypeDefinition {
        name: "Bug".into(),
        description: "Bugs".into(),
        category: TicketCategory::Customer,
    };
    let ticket_type = h
        .run(creating(
            Phase::Schema,
            RecordKey::ticket_type("Bug"),
            DestinationOp::EnsureTicketType(bug),
        ))
        .await;
    assert_eq!(ticket_type.effect, WriteEffect::Created);
    let severity = AttributeDefinition {
        options: vec!["S1".into(), "S2".into()],
        ..attribute(AttributeModel::Ticket, "severity", AttributeType::List)
    };
    let op = DestinationOp::EnsureTicketTypeAttribute {
        ticket_type: RecordKey::ticket_type("Bug"),
        attribute: severity,
    };
    let created = h
        .run(creating(
            Phase::Schema,
            RecordKey::ticket_type_attribute("Bug", "severity"),
            op.clone(),
        ))
        .await;
    assert_eq!(created.effect, WriteEffect::Created);
    let matched = h
        .run(creating(
            Phase::Schema,
            RecordKey::ticket_type_attribute("Bug", "severity"),
            op,
        ))
        .await;
    assert_eq!(matched.effect, WriteEffect::Matched);

    // A tag that already exists (in any case) is matched, not created again.
    h.destination.client().tags().create("VIP").await.unwrap();
    let vip = h
        .run(creating(
            Phase::Schema,
            RecordKey::tag("vip"),
            DestinationOp::EnsureTag { name: "vip".into() },
        ))
        .await;
    assert_eq!(vip.effect, WriteEffect::Matched);
    let fresh = h
        .run(creating(
            Phase::Schema,
            RecordKey::tag("category: email"),
            DestinationOp::EnsureTag {
                name: "Category: Email".into(),
            },
        ))
        .await;
    assert_eq!(fresh.effect, WriteEffect::Created);
    assert_eq!(h.sim.workspace().tags.len(), 2);

    let schema = h.destination.schema().await.unwrap();
    assert!(schema
        .attribute(AttributeModel::Contact, "vivantio_caller_id")
        .is_some());
    assert!(schema
        .attribute(AttributeModel::Ticket, "severity")
        .is_some_and(|a| a.ticket_type.as_deref() == Some("Bug")));
    assert!(schema.ticket_types.iter().any(|t| t.name == "Bug"));
    assert_eq!(schema.admins.len(), 4);
}

#[tokio::test]
async fn people_match_by_email_and_name_with_the_fallback_admin() {
    let mut h = Harness::start();
    h.setup_people().await;
    assert_eq!(
        h.refs.get(&RecordKey::fallback_admin()).unwrap().id,
        "991267004"
    );
    assert_eq!(h.refs.get(&RecordKey::admin(2)).unwrap().id, "991267002");
    assert_eq!(h.refs.get(&RecordKey::team(1)).unwrap().id, "5017001");
    let unknown = DestinationOp::MatchAdmin {
        email: Some("gone@example.com".into()),
        name: "Gone".into(),
    };
    let stand_in = h
        .run(creating(Phase::People, RecordKey::admin(3), unknown))
        .await;
    assert_eq!(stand_in.destination.unwrap().id, "991267004");
    let no_team = h
        .run(creating(
            Phase::People,
            RecordKey::team(2),
            DestinationOp::MatchTeam {
                name: "Nobody".into(),
            },
        ))
        .await;
    assert_eq!(no_team.destination, None);
    let missing = h
        .try_run(
            creating(
                Phase::People,
                RecordKey::fallback_admin(),
                DestinationOp::MatchFallbackAdmin {
                    email: "x@y.z".into(),
                },
            ),
            &[],
        )
        .await;
    assert_eq!(missing.unwrap_err().kind, PortErrorKind::Rejected);
    // Admins and teams are listed once per process: three more matches, no more requests.
    let before = h.requests();
    h.run(creating(
        Phase::People,
        RecordKey::admin(4),
        DestinationOp::MatchAdmin {
            email: Some("alex.morgan@example.com".into()),
            name: "Alex".into(),
        },
    ))
    .await;
    h.run(creating(
        Phase::People,
        RecordKey::team(3),
        DestinationOp::MatchTeam {
            name: "Billing".into(),
        },
    ))
    .await;
    assert_eq!(h.requests(), before);
}

#[tokio::test]
async fn the_workspace_read_for_the_checks_serves_the_run() {
    // A workspace that already has a tag, a conversation attribute and a ticket type with an
    // attribute, as a rehearsal leaves it.
    let mut h = Harness::start();
    h.destination.client().tags().create("VIP").await.unwrap();
    let mut impact = attribute(
        AttributeModel::Conversation,
        "vivantio_impact",
        AttributeType::List,
    );
    impact.options = vec!["Low".into(), "High".into()];
    let bug = TicketTypeDefinition {
        name: "Bug".into(),
        description: "Bugs".into(),
        category: TicketCategory::Customer,
    };
    let severity = AttributeDefinition {
        options: vec!["S1".into(), "S2".into()],
        ..attribute(AttributeModel::Ticket, "severity", AttributeType::List)
    };
    let mut operations = vec![
        creating(
            Phase::Schema,
            RecordKey::attribute("conversation", "vivantio_impact"),
            DestinationOp::EnsureAttribute(impact),
        ),
        creating(
            Phase::Schema,
            RecordKey::ticket_type("Bug"),
            DestinationOp::EnsureTicketType(bug),
        ),
        creating(
            Phase::Schema,
            RecordKey::ticket_type_attribute("Bug", "severity"),
            DestinationOp::EnsureTicketTypeAttribute {
                ticket_type: RecordKey::ticket_type("Bug"),
                attribute: severity,
            },
        ),
        creating(
            Phase::Schema,
            RecordKey::tag("vip"),
            DestinationOp::EnsureTag { name: "VIP".into() },
        ),
    ];
    for operation in operations.clone() {
        h.run(operation).await;
    }
    h.setup_people().await;
    operations.extend(h.operations.iter().rev().take(3).cloned());

    // A new process reads the workspace for the checks; the same operations and the people
    // matching then read nothing again.
    let fresh =
        IntercomDestination::new(h.destination.client().clone(), IntercomOptions::default());
    let schema = fresh.schema().await.unwrap();
    assert!(schema.ticket_types.iter().any(|t| t.name == "Bug"));
    let before = fresh.stats().requests_sent;
    for operation in &operations {
        let request = ExecutionRequest {
            operation,
            refs: &h.refs,
            files: &[],
        };
        let outcome = fresh.execute(request).await.unwrap();
        assert_eq!(outcome.effect, WriteEffect::Matched, "{}", operation.mark);
    }
    assert_eq!(fresh.stats().requests_sent, before, "no list is read twice");
}
