//! Companies, contacts (a 409 is matched), company links, contact tags, and the Help Center.

use super::harness::*;

#[tokio::test]
async fn companies_and_contacts_upsert_link_tag_and_read_back() {
    let mut h = Harness::start();
    let tier = attribute(
        AttributeModel::Company,
        "vivantio_tier",
        AttributeType::String,
    );
    h.run(creating(
        Phase::Schema,
        RecordKey::attribute("company", "vivantio_tier"),
        DestinationOp::EnsureAttribute(tier),
    ))
    .await;
    let caller_id = attribute(
        AttributeModel::Contact,
        "vivantio_caller_id",
        AttributeType::Integer,
    );
    h.run(creating(
        Phase::Schema,
        RecordKey::attribute("contact", "vivantio_caller_id"),
        DestinationOp::EnsureAttribute(caller_id),
    ))
    .await;
    h.run(creating(
        Phase::Schema,
        RecordKey::tag("vip"),
        DestinationOp::EnsureTag { name: "VIP".into() },
    ))
    .await;

    let company = RecordKey::company(42);
    let before = h.requests();
    let created = h
        .run(creating(
            Phase::Companies,
            company.clone(),
            DestinationOp::UpsertCompany(company_record("Acme")),
        ))
        .await;
    assert_eq!(h.requests() - before, 2, "find by company_id, then upsert");
    assert_eq!(created.effect, WriteEffect::Created);
    h.assert_verified(&company).await;

    let contact = h.contact(7, "ada@example.com").await;
    h.assert_verified(&contact).await;
    let link = DestinationOp::AttachContactToCompany {
        contact: contact.clone(),
        company: company.clone(),
    };
    assert_eq!(
        h.run(changing(Phase::Contacts, "link:7", link))
            .await
            .effect,
        WriteEffect::Added
    );
    let tag = DestinationOp::TagContact {
        contact: contact.clone(),
        tag: RecordKey::tag("vip"),
    };
    h.run(changing(Phase::Contacts, "tag:7", tag)).await;
    let workspace = h.sim.workspace();
    let stored = workspace.user_by_external_id("vivantio-caller-7").unwrap();
    assert_eq!(
        stored.company_ids,
        [h.refs.get(&company).unwrap().id.clone()]
    );
    assert_eq!(stored.tag_ids.len(), 1);

    // The same company again, renamed: reported as an update with the previous values.
    let renamed = h
        .run(creating(
            Phase::Companies,
            company.clone(),
            DestinationOp::UpsertCompany(company_record("Acme Ltd")),
        ))
        .await;
    match renamed.effect {
        WriteEffect::Updated { previous } => {
            assert_eq!(previous["name"], json!("Acme"));
            assert_eq!(previous["custom_attributes.vivantio_tier"], json!("gold"));
        }
        other => panic!("expected an update, got {other:?}"),
    }
    assert_eq!(h.sim.workspace().companies.len(), 1);
}

#[tokio::test]
async fn a_conflicting_contact_is_matched_and_updated_not_duplicated() {
    let mut h = Harness::start();
    let caller_id = attribute(
        AttributeModel::Contact,
        "vivantio_caller_id",
        AttributeType::Integer,
    );
    h.run(creating(
        Phase::Schema,
        RecordKey::attribute("contact", "vivantio_caller_id"),
        DestinationOp::EnsureAttribute(caller_id),
    ))
    .await;
    let existing = h
        .destination
        .client()
        .contacts()
        .create(
            &ContactRequest::user("crm-7")
                .email("ADA@example.com")
                .name("Ada L."),
        )
        .await
        .unwrap();

    let key = RecordKey::contact(7);
    let outcome = h
        .run(creating(
            Phase::Contacts,
            key.clone(),
            DestinationOp::UpsertContact(contact_record(7, "ada@example.com")),
        ))
        .await;
    assert_eq!(
        outcome.destination.as_ref().unwrap().id,
        existing.id.as_str()
    );
    match &outcome.effect {
        WriteEffect::Updated { previous } => {
            assert_eq!(previous["name"], json!("Ada L."));
            assert_eq!(
                previous["custom_attributes.vivantio_caller_id"],
                Value::Null
            );
        }
        other => panic!("expected an update, got {other:?}"),
    }
    let workspace = h.sim.workspace();
    assert_eq!(workspace.contacts.len(), 1, "matched, not duplicated");
    let stored = workspace.contact(existing.id.as_str()).unwrap();
    assert_eq!(stored.name.as_deref(), Some("Caller 7"));
    assert_eq!(
        stored.external_id.as_deref(),
        Some("crm-7"),
        "the workspace's own external id is kept"
    );

    // Rollback restores the matched contact instead of deleting it.
    let plan = plan_rollback(&h.journal);
    assert!(
        matches!(
            plan.steps.as_slice(),
            [
                UndoStep::Restore {
                    kind: RecordKind::Contact,
                    ..
                },
                UndoStep::Archive { .. }
            ]
        ),
        "{plan:?}"
    );
    h.destination.undo(&plan.steps[0]).await.unwrap();
    let restored = h.sim.workspace();
    let stored = restored.contact(existing.id.as_str()).unwrap();
    assert_eq!(stored.name.as_deref(), Some("Ada L."));
}

#[tokio::test]
async fn help_center_collections_articles_and_relinks() {
    let mut h = Harness::start();
    h.setup_people().await;
    let parent = RecordKey::collection(1);
    h.run(creating(
        Phase::Collections,
        parent.clone(),
        DestinationOp::CreateCollection(CollectionRecord {
            name: "Guides".into(),
            parent: None,
        }),
    ))
    .await;
    let child = RecordKey::collection(2);
    let nested = CollectionRecord {
        name: "Printers".into(),
        parent: Some(parent.clone()),
    };
    h.run(
        creating(
            Phase::Collections,
            child.clone(),
            DestinationOp::CreateCollection(nested),
        )
        .requiring([parent.clone()]),
    )
    .await;
    let observed = h
        .destination
        .read_back(RecordKind::Collection, &h.refs.get(&child).unwrap().id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        observed.fields["parent_id"],
        json!(h.refs.get(&parent).unwrap().id)
    );

    let article = RecordKey::article(9);
    let record = ArticleRecord {
        title: "Clearing a jam".into(),
        description: Some("Steps".into()),
        body_html: "<p>Open the tray.</p>".into(),
        author: RecordKey::admin(2),
        state: ArticleState::Published,
        parent: Some(child.clone()),
    };
    h.run(creating(
        Phase::Articles,
        article.clone(),
        DestinationOp::CreateArticle(record),
    ))
    .await;
    h.assert_verified(&article).await;
    let before = h.requests();
    let relink = DestinationOp::RelinkArticle {
        article: article.clone(),
        source_html: "<p>See <a href=\"/articles/2\">this</a>.</p>".into(),
    };
    let outcome = h
        .run(changing(Phase::ArticleLinks, "relink:9", relink))
        .await;
    assert_eq!(
        h.requests() - before,
        1,
        "an article created here needs no before-image"
    );
    assert_eq!(
        outcome.effect,
        WriteEffect::Updated {
            previous: BTreeMap::new()
        }
    );
    let observed = h
        .destination
        .read_back(RecordKind::Article, &h.refs.get(&article).unwrap().id)
        .await
        .unwrap()
        .unwrap();
    assert!(observed.fields["body"]
        .as_str()
        .unwrap()
        .contains("/articles/2"));
}
