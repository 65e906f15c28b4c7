//! One ticket, caller and article through the transforms: the decisions the brief lists.

use migration_core::idmap::{DestinationRef, EmptyIdMap, IdMap};
use migration_core::model::destination::{
    AttributeValue, ContactRole, ConversationState, ObservedRecord, PartAuthor, PartKind,
    ThreadState,
};
use migration_core::plan::plan_with;
use migration_core::reject::{ReasonCode, Severity};
use migration_core::spec::{MissingEmailPolicy, OrphanTicketPolicy};
use migration_core::transform::Mapper;
use migration_core::verify::{compare, expectations};
use migration_core::{DestinationOp, Operation, RecordKey};

use crate::common;

fn mapper_for(instance: &migration_core::model::source::SourceInstance) -> Mapper {
    Mapper::new(
        &common::default_spec(instance),
        &instance.schema,
        instance.directory(),
    )
    .unwrap()
}

fn parts(operations: &[Operation]) -> Vec<(&str, &migration_core::model::destination::PartRecord)> {
    operations
        .iter()
        .filter_map(|operation| match &operation.op {
            DestinationOp::AddPart { part, .. } => Some((operation.mark.as_str(), part)),
            _ => None,
        })
        .collect()
}

#[test]
fn parts_keep_original_order_authors_and_timestamps() {
    let instance = common::small_instance();
    let mapper = mapper_for(&instance);
    let mapped = mapper
        .map_ticket(&instance.tickets[0], &EmptyIdMap)
        .unwrap();
    let parts = parts(&mapped.operations);
    let marks: Vec<&str> = parts.iter().map(|(mark, _)| *mark).collect();
    assert_eq!(
        marks,
        [
            "part:vivantio-ticket:5001:archive",
            "part:vivantio-action:70002",
            "part:vivantio-action:70003",
            "part:vivantio-action:70003#2",
            "part:vivantio-action:70003:private",
            "part:vivantio-action:70004",
            "part:vivantio-action:70005",
        ]
    );
    // The caller's message dated before the ticket opened is placed at the opening, in order.
    let opened = parts[0].1.created_at;
    assert_eq!(parts[1].1.created_at, opened);
    assert!(parts
        .windows(2)
        .all(|pair| pair[0].1.created_at <= pair[1].1.created_at));
    // Caller 1002 shares 1001's email: its messages come from the one contact.
    assert_eq!(
        parts[1].1.author,
        PartAuthor::Contact(RecordKey::contact(1001))
    );
    assert_eq!(parts[1].1.kind, PartKind::Comment);
    assert_eq!(parts[2].1.author, PartAuthor::Admin(RecordKey::admin(201)));
    assert_eq!(parts[2].1.kind, PartKind::Comment);
    // Eleven public files: ten on the reply, one on a continuation; the private one on a note.
    assert_eq!(parts[2].1.attachments.len(), 10);
    assert_eq!(parts[3].1.attachments.len(), 1);
    assert_eq!(parts[4].1.kind, PartKind::Note);
    assert_eq!(parts[4].1.attachments.len(), 1);
    // The 45 MB file is refused, named in the body, and reported.
    assert!(parts[5].1.attachments.is_empty());
    assert!(parts[5].1.body_html.contains("Not moved: file-95100.png"));
    assert!(mapped
        .findings
        .iter()
        .any(|f| f.code == ReasonCode::AttachmentTooLarge && f.severity == Severity::Error));
    assert_eq!(parts[6].1.kind, PartKind::Note);
    // The legacy field and nothing else is archived.
    assert!(parts[0].1.body_html.contains("AssetTag: HL-DT-0112"));
    assert!(mapped
        .findings
        .iter()
        .any(|f| f.code == ReasonCode::PartOrderConflict));
    assert!(mapped
        .findings
        .iter()
        .any(|f| f.code == ReasonCode::SkippedEvent));
}

#[test]
fn a_ticket_gets_attributes_tags_state_and_assignment() {
    let instance = common::small_instance();
    let mapper = mapper_for(&instance);
    let mapped = mapper
        .map_ticket(&instance.tickets[0], &EmptyIdMap)
        .unwrap();
    insta::assert_yaml_snapshot!("small_ticket_operations", mapped.operations);
    let state = mapped
        .operations
        .iter()
        .find_map(|operation| match &operation.op {
            DestinationOp::SetThreadState { state, .. } => Some(*state),
            _ => None,
        });
    assert_eq!(
        state,
        Some(ThreadState::Conversation(ConversationState::Closed))
    );
    // Priority, category and origin are list options in the attributes call every thread
    // gets; only the migration's own facts are tags.
    let details = mapped
        .operations
        .iter()
        .find_map(|operation| match &operation.op {
            DestinationOp::UpdateThread {
                custom_attributes, ..
            } => Some(custom_attributes),
            _ => None,
        })
        .unwrap();
    for (name, option) in [
        ("vivantio_priority", "P1 - Critical"),
        ("vivantio_category", "Hardware / Printer"),
        ("vivantio_origin", "Email"),
    ] {
        assert_eq!(
            details.get(name),
            Some(&AttributeValue::ListOption(option.into())),
            "{name}"
        );
    }
    assert_eq!(thread_tags(&mapped.operations), ["vivantio: parent ticket"]);

    // Asked for, each dimension is tagged as well.
    let mut tagging = common::default_spec(&instance);
    tagging.priority.tags = true;
    tagging.categories.tags = true;
    tagging.origins.tags = true;
    let mapper = Mapper::new(&tagging, &instance.schema, instance.directory()).unwrap();
    let mapped = mapper
        .map_ticket(&instance.tickets[0], &EmptyIdMap)
        .unwrap();
    assert_eq!(
        thread_tags(&mapped.operations),
        [
            "category: hardware / printer",
            "priority: p1 - critical",
            "origin: email",
            "vivantio: parent ticket"
        ]
    );
    let tag_names: Vec<String> = mapper
        .setup_operations(&instance.schema)
        .into_iter()
        .filter_map(|operation| match operation.op {
            DestinationOp::EnsureTag { name } => Some(name),
            _ => None,
        })
        .collect();
    assert!(
        tag_names.contains(&"Origin: Email".to_string()),
        "{tag_names:?}"
    );
}

fn thread_tags(operations: &[Operation]) -> Vec<String> {
    operations
        .iter()
        .filter_map(|operation| match &operation.op {
            DestinationOp::TagThread { tag, .. } => Some(tag.id().to_string()),
            _ => None,
        })
        .collect()
}

#[test]
fn an_intercom_ticket_is_created_assigned_and_with_its_dimensions() {
    let instance = common::small_instance();
    let mapper = mapper_for(&instance);
    let mapped = mapper
        .map_ticket(&instance.tickets[1], &EmptyIdMap)
        .unwrap();
    let create = &mapped.operations[0];
    let DestinationOp::CreateTicket(ticket) = &create.op else {
        panic!("{:?}", create.op);
    };
    assert_eq!(ticket.admin, Some(RecordKey::admin(201)));
    assert_eq!(ticket.team, Some(RecordKey::team(301)));
    assert!(create.requires.contains(&RecordKey::admin(201)));
    assert!(create.requires.contains(&RecordKey::team(301)));
    assert_eq!(
        ticket.attributes.get("vivantio_priority"),
        Some(&AttributeValue::ListOption("P1 - Critical".into()))
    );
    assert!(create.requires.contains(&RecordKey::ticket_type_attribute(
        "Service Request",
        "vivantio_priority"
    )));
    assert!(
        !mapped
            .operations
            .iter()
            .any(|operation| matches!(operation.op, DestinationOp::AssignThread { .. })),
        "the create assigns it: no assignment call follows"
    );
    // The schema stage creates each attribute with the instance's values as options, on
    // conversations and on the ticket type.
    let setup = mapper.setup_operations(&instance.schema);
    let options = |wanted: &str| {
        setup.iter().find_map(|operation| match &operation.op {
            DestinationOp::EnsureAttribute(definition) if definition.name == wanted => {
                Some(definition.options.clone())
            }
            _ => None,
        })
    };
    assert_eq!(
        options("vivantio_category"),
        Some(vec!["Hardware".into(), "Hardware / Printer".into()])
    );
    assert_eq!(options("vivantio_origin"), Some(vec!["Email".into()]));
    assert!(setup.iter().any(|operation| matches!(
        &operation.op,
        DestinationOp::EnsureTicketTypeAttribute { attribute, .. }
            if attribute.name == "vivantio_priority" && attribute.options == ["P1 - Critical"]
    )));
}

#[test]
fn an_orphaned_child_ticket_goes_to_the_placeholder_and_links_to_its_parent() {
    let instance = common::small_instance();
    let mut linking = common::default_spec(&instance);
    linking.parent_child.link = true;
    let mapper = Mapper::new(&linking, &instance.schema, instance.directory()).unwrap();
    let mapped = mapper
        .map_ticket(&instance.tickets[1], &EmptyIdMap)
        .unwrap();
    let create = &mapped.operations[0];
    assert!(
        matches!(&create.op, DestinationOp::CreateTicket(ticket) if ticket.contact == RecordKey::placeholder_contact())
    );
    assert!(mapped
        .findings
        .iter()
        .any(|f| f.code == ReasonCode::OrphanedTicket));
    let link = mapped
        .operations
        .iter()
        .find(|operation| matches!(operation.op, DestinationOp::LinkThreads { .. }))
        .unwrap();
    assert_eq!(
        link.requires,
        vec![RecordKey::conversation(5001), RecordKey::ticket(5002)]
    );

    let mut spec = common::default_spec(&instance);
    spec.tickets.orphans = OrphanTicketPolicy::Reject;
    let strict = Mapper::new(&spec, &instance.schema, instance.directory()).unwrap();
    let rejection = strict
        .map_ticket(&instance.tickets[1], &EmptyIdMap)
        .unwrap_err();
    assert_eq!(rejection.code, ReasonCode::OrphanedTicket);
}

#[test]
fn callers_dedupe_by_email_and_without_one_become_flagged_leads() {
    let instance = common::small_instance();
    let mapper = mapper_for(&instance);
    let first = mapper.map_caller(&instance.callers[0]).unwrap();
    assert!(
        matches!(&first.operations[0].op, DestinationOp::UpsertContact(c) if c.phone.as_deref() == Some("+442380001101") && c.role == ContactRole::User)
    );
    let duplicate = mapper.map_caller(&instance.callers[1]).unwrap();
    assert!(
        duplicate.operations.is_empty(),
        "same company: nothing more to do"
    );
    assert_eq!(duplicate.findings[0].code, ReasonCode::DuplicateEmail);
    let anonymous = mapper.map_caller(&instance.callers[2]).unwrap();
    let contact = match &anonymous.operations[0].op {
        DestinationOp::UpsertContact(contact) => contact,
        other => panic!("{other:?}"),
    };
    assert_eq!(contact.role, ContactRole::Lead);
    assert_eq!(contact.email, None);
    assert!(contact
        .custom_attributes
        .contains_key("vivantio_phone_text"));
    assert!(anonymous
        .operations
        .iter()
        .any(|op| matches!(op.op, DestinationOp::TagContact { .. })));
    let codes: Vec<ReasonCode> = anonymous.findings.iter().map(|f| f.code).collect();
    assert_eq!(codes, [ReasonCode::MissingEmail, ReasonCode::UnparsedPhone]);

    let mut spec = common::default_spec(&instance);
    spec.contacts.missing_email = MissingEmailPolicy::Reject;
    let strict = Mapper::new(&spec, &instance.schema, instance.directory()).unwrap();
    assert_eq!(
        strict.map_caller(&instance.callers[2]).unwrap_err().code,
        ReasonCode::MissingEmail
    );
}

#[test]
fn companies_keep_their_vivantio_id_date_and_domain() {
    let instance = common::small_instance();
    let mapper = mapper_for(&instance);
    let mapped = mapper.map_organisation(&instance.organisations[0]).unwrap();
    let DestinationOp::UpsertCompany(company) = &mapped.operations[0].op else {
        panic!()
    };
    assert_eq!(company.company_id, "101");
    assert_eq!(
        company.website.as_deref(),
        Some("https://harbourlogistics.co.uk")
    );
    assert_eq!(company.remote_created_at, Some(1_552_294_800));
}

#[test]
fn article_links_are_rewritten_now_or_by_a_later_relink() {
    let instance = common::small_instance();
    let mapper = mapper_for(&instance);
    let first = mapper
        .map_article(&instance.articles[0], &EmptyIdMap)
        .unwrap();
    assert_eq!(first.operations.len(), 2);
    assert!(matches!(
        first.operations[1].op,
        DestinationOp::RelinkArticle { .. }
    ));
    let mut ids = IdMap::new();
    ids.insert(
        RecordKey::article(4002),
        DestinationRef {
            id: "7".into(),
            url: Some("https://help.example.com/en/articles/7".into()),
        },
    );
    let later = mapper.map_article(&instance.articles[0], &ids).unwrap();
    assert_eq!(later.operations.len(), 1);
    let DestinationOp::CreateArticle(article) = &later.operations[0].op else {
        panic!()
    };
    assert!(article
        .body_html
        .contains("https://help.example.com/en/articles/7"));
    assert_eq!(article.parent, Some(RecordKey::collection(652)));
}

#[test]
fn the_whole_small_instance_plans_in_a_valid_order() {
    let instance = common::small_instance();
    let mapper = mapper_for(&instance);
    let planned = plan_with(&mapper, &instance, &EmptyIdMap);
    planned.plan.verify_order(&EmptyIdMap).unwrap();
    let operations = planned.plan.operations();
    let position = |mark: &str| {
        operations
            .iter()
            .position(|operation| operation.mark == mark)
            .unwrap()
    };
    assert!(
        position("collection:vivantio-category:651") < position("collection:vivantio-category:652")
    );
    assert!(
        position("conversation:vivantio-ticket:5001") < position("ticket:vivantio-ticket:5002")
    );
    assert!(
        position("contact:vivantio-placeholder:unknown-caller")
            < position("ticket:vivantio-ticket:5002")
    );
}

#[test]
fn a_misordered_plan_is_caught() {
    use migration_core::plan::{LoadPlan, OrderViolation};
    let instance = common::small_instance();
    let mapper = mapper_for(&instance);
    let ordered = plan_with(&mapper, &instance, &EmptyIdMap)
        .plan
        .operations()
        .to_vec();
    let position = |operations: &[Operation], mark: &str| {
        operations.iter().position(|op| op.mark == mark).unwrap()
    };

    let mut thread_late = ordered.clone();
    let thread = thread_late.remove(position(&ordered, "conversation:vivantio-ticket:5001"));
    thread_late.push(thread);
    let violations = LoadPlan::as_given(thread_late)
        .verify_order(&EmptyIdMap)
        .unwrap_err();
    assert!(violations.contains(&OrderViolation::NotCreatedBefore {
        mark: "part:vivantio-action:70002".into(),
        missing: RecordKey::conversation(5001),
    }));
    assert!(violations.contains(&OrderViolation::PhaseGoesBack {
        mark: "conversation:vivantio-ticket:5001".into()
    }));
    // What the ID map already has counts as created.
    let mut ids = IdMap::new();
    ids.insert(RecordKey::conversation(5001), DestinationRef::id("c1"));
    let mut without_thread = ordered.clone();
    without_thread.remove(position(&ordered, "conversation:vivantio-ticket:5001"));
    assert!(LoadPlan::as_given(without_thread.clone())
        .verify_order(&EmptyIdMap)
        .is_err());
    assert!(LoadPlan::as_given(without_thread)
        .verify_order(&ids)
        .is_ok());

    let mut parts_swapped = ordered.clone();
    parts_swapped.swap(
        position(&ordered, "part:vivantio-action:70002"),
        position(&ordered, "part:vivantio-action:70005"),
    );
    let violations = LoadPlan::as_given(parts_swapped)
        .verify_order(&EmptyIdMap)
        .unwrap_err();
    assert!(
        violations
            .iter()
            .any(|v| matches!(v, OrderViolation::PartsOutOfOrder { .. })),
        "{violations:?}"
    );

    let mut twice = ordered.clone();
    twice.push(ordered[position(&ordered, "contact:vivantio-caller:1001")].clone());
    let violations = LoadPlan::as_given(twice)
        .verify_order(&EmptyIdMap)
        .unwrap_err();
    assert!(
        violations
            .iter()
            .any(|v| matches!(v, OrderViolation::Duplicate { .. })),
        "{violations:?}"
    );
    // Ordering repairs what it can: phases given backwards, and parts given newest first,
    // come back valid.
    let mut shuffled = ordered.clone();
    shuffled.sort_by_key(|operation| std::cmp::Reverse(operation.phase));
    let parts_at = shuffled
        .iter()
        .position(|op| op.mark == "part:vivantio-action:70002")
        .unwrap();
    let last_part = shuffled
        .iter()
        .position(|op| op.mark == "part:vivantio-action:70005")
        .unwrap();
    shuffled.swap(parts_at, last_part);
    assert!(LoadPlan::as_given(shuffled.clone())
        .verify_order(&EmptyIdMap)
        .is_err());
    LoadPlan::from_operations(shuffled)
        .verify_order(&EmptyIdMap)
        .unwrap();
}

#[test]
fn verification_names_every_field_that_differs() {
    let instance = common::small_instance();
    let mapper = mapper_for(&instance);
    let mapped = mapper
        .map_ticket(&instance.tickets[0], &EmptyIdMap)
        .unwrap();
    let expected = expectations(&mapped.operations);
    let thread = expected
        .iter()
        .find(|e| e.key == Some(RecordKey::conversation(5001)))
        .unwrap();
    let mut observed = ObservedRecord {
        key: thread.key.clone(),
        id: "c1".into(),
        fields: thread
            .fields
            .iter()
            .map(|(name, expected)| (name.clone(), expected.value.clone()))
            .collect(),
    };
    assert!(compare(thread, &observed).is_match());
    observed.fields.insert("title".into(), "Printer jam".into());
    observed.fields.remove("parts.2.body");
    observed.fields.insert(
        "tags".into(),
        serde_json::json!(["VIVANTIO: Parent Ticket"]),
    );
    observed.fields.insert(
        "custom_attributes.vivantio_priority".into(),
        "P2 - High".into(),
    );
    observed.fields.insert("parts.0.body".into(), "<div>  <strong>Vivantio fields kept for reference</strong><ul><li>AssetTag: HL-DT-0112</li></ul></div>".into());
    let diff = compare(thread, &observed);
    let fields: Vec<&str> = diff.differences.iter().map(|d| d.field.as_str()).collect();
    assert_eq!(
        fields,
        [
            "custom_attributes.vivantio_priority",
            "parts.2.body",
            "title"
        ]
    );
    assert_eq!(diff.differences[1].actual, None);
}

#[test]
fn delta_adds_only_what_changed_since_the_watermark() {
    use migration_core::delta::{changed_since, map_ticket_delta, Watermark};
    let instance = common::small_instance();
    let mapper = mapper_for(&instance);
    let ticket = &instance.tickets[0];
    let zone = mapper.zone();
    // 2024-01-15T09:25:00 London (= UTC in January).
    let watermark = Watermark::at(1_705_310_700);
    assert!(changed_since(ticket, watermark, zone));
    assert!(!changed_since(ticket, Watermark::at(2_000_000_000), zone));
    let fresh = map_ticket_delta(&mapper, ticket, &EmptyIdMap, watermark)
        .unwrap()
        .unwrap();
    assert!(matches!(
        fresh.operations[0].op,
        DestinationOp::CreateConversation(_)
    ));
    let mut ids = IdMap::new();
    ids.insert(RecordKey::conversation(5001), DestinationRef::id("c1"));
    let delta = map_ticket_delta(&mapper, ticket, &ids, watermark)
        .unwrap()
        .unwrap();
    assert!(!delta
        .operations
        .iter()
        .any(|op| matches!(op.op, DestinationOp::CreateConversation(_))));
    let marks: Vec<&str> = parts(&delta.operations)
        .iter()
        .map(|(mark, _)| *mark)
        .collect();
    assert_eq!(marks, ["part:vivantio-action:70005"]);
    assert!(
        map_ticket_delta(&mapper, ticket, &ids, Watermark::at(2_000_000_000))
            .unwrap()
            .is_none()
    );
}
