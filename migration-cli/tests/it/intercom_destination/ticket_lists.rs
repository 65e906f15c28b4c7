//! List attributes of tickets: Intercom 2.16 takes a list item's id, not its label, in
//! `POST /tickets` and `PUT /tickets/{id}` (`ticket_request_custom_attributes`), and the
//! simulator refuses labels. Writes, rollback's restores and read-back are checked here, with
//! the requests each costs.

use super::harness::*;

const PRIORITY: &str = "vivantio_priority";

/// A ticket type "Bug" with a list attribute of two items, and a contact.
async fn setup(h: &mut Harness) -> RecordKey {
    h.run(creating(
        Phase::Schema,
        RecordKey::ticket_type("Bug"),
        DestinationOp::EnsureTicketType(TicketTypeDefinition {
            name: "Bug".into(),
            description: "Bugs".into(),
            category: TicketCategory::Customer,
        }),
    ))
    .await;
    let mut priority = attribute(AttributeModel::Ticket, PRIORITY, AttributeType::List);
    priority.options = vec!["P1 - Critical".into(), "P2 - High".into()];
    h.run(creating(
        Phase::Schema,
        RecordKey::ticket_type_attribute("Bug", PRIORITY),
        DestinationOp::EnsureTicketTypeAttribute {
            ticket_type: RecordKey::ticket_type("Bug"),
            attribute: priority,
        },
    ))
    .await;
    h.caller_id_attribute().await;
    h.contact(7, "ada@example.com").await
}

fn ticket(contact: &RecordKey, n: i64, priority: &str) -> TicketRecord {
    TicketRecord {
        ticket_type: RecordKey::ticket_type("Bug"),
        contact: contact.clone(),
        company: None,
        title: format!("Crash {n}"),
        description: "It crashes".into(),
        created_at: 1_500_000_000 + n,
        attributes: [(
            PRIORITY.to_string(),
            AttributeValue::ListOption(priority.into()),
        )]
        .into(),
        admin: None,
        team: None,
    }
}

/// The id the simulator gave the item `label` of the priority attribute.
fn item_id(h: &Harness, label: &str) -> String {
    let workspace = h.sim.workspace();
    let attribute = workspace
        .ticket_types
        .values()
        .flat_map(|ticket_type| &ticket_type.attributes)
        .find(|attribute| attribute.name == PRIORITY)
        .unwrap();
    let item = attribute.list_items.iter().find(|item| item.label == label);
    item.unwrap().id.clone()
}

/// What the simulator holds for the priority of ticket `key`.
fn stored_priority(h: &Harness, key: &RecordKey) -> Value {
    let id = &h.refs.get(key).unwrap().id;
    h.sim.workspace().ticket(id).unwrap().ticket_attributes[PRIORITY].clone()
}

/// The same destination as a new process would have it: nothing read, nothing remembered.
fn new_process(h: &mut Harness) {
    h.destination =
        IntercomDestination::new(client(&h.sim, h.sim.token()), IntercomOptions::default());
}

async fn create(h: &mut Harness, contact: &RecordKey, n: i64, priority: &str) -> RecordKey {
    let key = RecordKey::ticket(n);
    let op = DestinationOp::CreateTicket(ticket(contact, n, priority));
    h.run(creating(Phase::Threads, key.clone(), op)).await;
    key
}

#[tokio::test]
async fn tickets_are_created_with_item_ids_and_read_back_as_labels() {
    let mut h = Harness::start();
    let contact = setup(&mut h).await;
    let before = h.requests();
    let key = create(&mut h, &contact, 1, "P2 - High").await;
    assert_eq!(
        h.requests() - before,
        1,
        "the items came with the attribute's create: POST /tickets alone"
    );
    let high = item_id(&h, "P2 - High");
    assert_ne!(high, "P2 - High");
    assert_eq!(stored_priority(&h, &key), json!(high));

    // Intercom's read shows the id (the simulator answers with what was written); read-back
    // shows the label the migration wrote, so verification finds no difference.
    let id = h.refs.get(&key).unwrap().id.clone();
    let raw = h
        .destination
        .client()
        .tickets()
        .get(&id.as_str().into())
        .await
        .unwrap();
    assert_eq!(raw.ticket_attributes[PRIORITY], json!(high));
    let observed = h
        .destination
        .read_back(RecordKind::Ticket, &id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        observed.fields[&format!("custom_attributes.{PRIORITY}")],
        json!("P2 - High")
    );
    h.assert_verified(&key).await;
}

#[tokio::test]
async fn a_new_process_reads_each_ticket_type_once_for_its_items() {
    let mut h = Harness::start();
    let contact = setup(&mut h).await;
    new_process(&mut h);
    let before = h.requests();
    let first = create(&mut h, &contact, 1, "P1 - Critical").await;
    let second = create(&mut h, &contact, 2, "P2 - High").await;
    assert_eq!(
        h.requests() - before,
        3,
        "GET /ticket_types/{{id}} once, then one POST /tickets each"
    );
    assert_eq!(
        stored_priority(&h, &first),
        json!(item_id(&h, "P1 - Critical"))
    );
    assert_eq!(
        stored_priority(&h, &second),
        json!(item_id(&h, "P2 - High"))
    );
    // A read in yet another process learns the items from the ticket it reads.
    new_process(&mut h);
    let before = h.requests();
    h.assert_verified(&second).await;
    assert_eq!(h.requests() - before, 1, "GET /tickets/{{id}} alone");
}

#[tokio::test]
async fn a_label_the_attribute_lacks_is_refused_and_never_sent() {
    let mut h = Harness::start();
    let contact = setup(&mut h).await;
    let before = h.requests();
    for n in [1, 2] {
        let op = DestinationOp::CreateTicket(ticket(&contact, n, "P9 - Someday"));
        let error = h
            .try_run(creating(Phase::Threads, RecordKey::ticket(n), op), &[])
            .await
            .unwrap_err();
        assert_eq!(error.kind, PortErrorKind::Rejected);
        for named in ["Bug", PRIORITY, "P9 - Someday", "P1 - Critical"] {
            assert!(error.message.contains(named), "{named}: {}", error.message);
        }
    }
    assert_eq!(
        h.requests() - before,
        1,
        "the type is read again once, in case it changed; no ticket is sent"
    );
    assert!(h.sim.workspace().tickets.is_empty());
}

#[tokio::test]
async fn updates_and_their_rollback_send_item_ids() {
    let mut h = Harness::start();
    let contact = setup(&mut h).await;
    // A ticket that existed before this run, at P1.
    let key = create(&mut h, &contact, 1, "P1 - Critical").await;
    h.journal.clear();
    h.operations.clear();
    new_process(&mut h);

    let update = DestinationOp::UpdateThread {
        thread: key.clone(),
        title: None,
        priority: None,
        company: None,
        custom_attributes: [(
            PRIORITY.to_string(),
            AttributeValue::ListOption("P2 - High".into()),
        )]
        .into(),
    };
    let before = h.requests();
    let outcome = h
        .run(changing(Phase::ThreadDetails, "details", update))
        .await;
    assert_eq!(
        h.requests() - before,
        2,
        "the before-image read carries the ticket type: GET /tickets/{{id}} and the PUT"
    );
    let WriteEffect::Updated { previous } = &outcome.effect else {
        panic!("{outcome:?}");
    };
    assert_eq!(
        previous[&format!("custom_attributes.{PRIORITY}")],
        json!("P1 - Critical")
    );
    let type_id = h
        .refs
        .get(&RecordKey::ticket_type("Bug"))
        .unwrap()
        .id
        .clone();
    assert_eq!(previous["ticket_type_id"], json!(type_id));
    assert_eq!(stored_priority(&h, &key), json!(item_id(&h, "P2 - High")));

    // Rollback, in a process of its own, puts the previous item back by its id.
    new_process(&mut h);
    let plan = plan_rollback(&h.journal);
    assert_eq!(plan.steps.len(), 1, "{:?}", plan.steps);
    let before = h.requests();
    h.destination.undo(&plan.steps[0]).await.unwrap();
    assert_eq!(
        h.requests() - before,
        2,
        "GET /ticket_types/{{id}} for the items, then the PUT"
    );
    assert_eq!(
        stored_priority(&h, &key),
        json!(item_id(&h, "P1 - Critical"))
    );
}
