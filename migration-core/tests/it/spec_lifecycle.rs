//! The mapping document: TOML round trip, confirmation tied to content, checker messages.

use migration_core::model::destination::{AttributeModel, AttributeType, ExistingAttribute};
use migration_core::spec::{
    check, propose, ConfirmedSpec, FieldRule, IssueCode, LegacyDecision, MappingSpec, SourceField,
    TargetModel, Transform,
};
use migration_core::SpecError;

use crate::common;

fn proposed() -> (migration_core::model::source::SourceInstance, MappingSpec) {
    let instance = common::small_instance();
    let spec = common::default_spec(&instance);
    (instance, spec)
}

fn codes(
    spec: &MappingSpec,
    instance: &migration_core::model::source::SourceInstance,
) -> Vec<(IssueCode, String, String)> {
    check(spec, &instance.schema, &common::destination())
        .errors()
        .map(|issue| (issue.code, issue.path.clone(), issue.message.clone()))
        .collect()
}

#[test]
fn the_document_round_trips_through_toml() {
    let (_, spec) = proposed();
    let text = spec.to_toml().unwrap();
    let read = MappingSpec::from_toml(&text).unwrap();
    assert_eq!(read, spec);
    assert_eq!(read.content_hash(), spec.content_hash());
    insta::assert_snapshot!("small_spec_toml", text);
}

#[test]
fn the_proposal_explains_every_decision() {
    let instance = common::small_instance();
    let proposal = propose(&instance.schema, &common::destination(), &common::options());
    insta::assert_yaml_snapshot!("small_proposal_notes", proposal.notes);
    assert!(proposal.notes.iter().all(|note| !note.reason.is_empty()));
}

#[test]
fn a_confirmation_holds_only_for_the_content_it_confirmed() {
    let (instance, spec) = proposed();
    let destination = common::destination();
    assert_eq!(
        ConfirmedSpec::new(spec.clone(), &instance.schema, &destination).unwrap_err(),
        SpecError::NotConfirmed
    );
    let confirmed = spec.confirmed("ann", "2024-06-01T10:00:00Z");
    let text = confirmed.to_toml().unwrap();
    assert!(ConfirmedSpec::new(
        MappingSpec::from_toml(&text).unwrap(),
        &instance.schema,
        &destination
    )
    .is_ok());
    let edited = text.replace("tag_prefix = \"Category: \"", "tag_prefix = \"Cat: \"");
    assert_ne!(edited, text);
    let error = ConfirmedSpec::new(
        MappingSpec::from_toml(&edited).unwrap(),
        &instance.schema,
        &destination,
    )
    .unwrap_err();
    assert!(
        matches!(error, SpecError::StaleConfirmation { .. }),
        "{error}"
    );
    // Reformatting (comments, blank lines) is not a change of content.
    let commented = format!("# reviewed by Ann\n\n{text}");
    assert!(ConfirmedSpec::new(
        MappingSpec::from_toml(&commented).unwrap(),
        &instance.schema,
        &destination
    )
    .is_ok());
}

#[test]
fn the_checker_names_every_inconsistency_precisely() {
    let (instance, mut spec) = proposed();
    assert!(
        codes(&spec, &instance).is_empty(),
        "{:?}",
        codes(&spec, &instance)
    );
    spec.ticket_types.retain(|rule| rule.source_id != 13);
    spec.legacy_fields[0].decision = LegacyDecision::Undecided;
    spec.fields.push(FieldRule {
        source: SourceField::Custom(8103),
        label: None,
        model: TargetModel::Thread,
        attribute: "has space".into(),
        data_type: AttributeType::Integer,
        transform: Transform::Auto,
        value_map: Some("missing".into()),
        options: Vec::new(),
    });
    let first = spec
        .fields
        .iter()
        .position(|rule| rule.source == SourceField::Custom(8103))
        .unwrap();
    let mut duplicate = spec.fields[first].clone();
    duplicate.source = SourceField::Custom(8108);
    duplicate.data_type = AttributeType::String;
    spec.fields.push(duplicate);
    spec.fields.push(FieldRule {
        source: SourceField::Builtin(migration_core::spec::BuiltinField::TicketResolvedAt),
        label: None,
        model: TargetModel::Thread,
        attribute: "resolved_on".into(),
        data_type: AttributeType::Date,
        transform: Transform::Auto,
        value_map: None,
        options: Vec::new(),
    });
    spec.fields.push(FieldRule {
        source: SourceField::Builtin(migration_core::spec::BuiltinField::CallerCreatedAt),
        label: None,
        model: TargetModel::Contact,
        attribute: "vivantio_created_at".into(),
        data_type: AttributeType::String,
        transform: Transform::Auto,
        value_map: None,
        options: Vec::new(),
    });
    spec.source_time_zone = "Mars/Olympus".into();
    spec.admins.fallback_email.clear();
    let found = codes(&spec, &instance);
    insta::assert_yaml_snapshot!("checker_messages", found);
    for code in [
        IssueCode::UnmappedTicketType,
        IssueCode::UndecidedLegacyField,
        IssueCode::InvalidAttributeName,
        IssueCode::UnknownValueMap,
        IssueCode::DuplicateTarget,
        IssueCode::TypeClash,
        IssueCode::UnsupportedType,
        IssueCode::InvalidTimeZone,
        IssueCode::MissingFallbackAdmin,
    ] {
        assert!(
            found.iter().any(|(found, _, _)| *found == code),
            "{code:?} in {found:?}"
        );
    }
}

#[test]
fn an_existing_attribute_of_another_type_is_a_clash() {
    let (instance, spec) = proposed();
    let mut destination = common::destination();
    destination.attributes.push(ExistingAttribute {
        model: AttributeModel::Conversation,
        name: "vivantio_ticket_number".into(),
        data_type: AttributeType::Integer,
        options: Vec::new(),
        ticket_type: None,
        archived: false,
    });
    let report = check(&spec, &instance.schema, &destination);
    let clash = report
        .errors()
        .find(|issue| issue.code == IssueCode::TypeClash)
        .expect("a type clash");
    assert!(
        clash.message.contains("vivantio_ticket_number"),
        "{}",
        clash.message
    );
    assert!(clash.message.contains("Integer"), "{}", clash.message);
    // The proposer, seeing the same workspace, avoids the clash with a new name.
    let proposal = propose(&instance.schema, &destination, &common::options());
    assert!(check(&proposal.spec, &instance.schema, &destination).is_ok());
}

#[test]
fn unsupported_documents_are_refused() {
    assert!(matches!(
        MappingSpec::from_toml("version = 2\nsource_time_zone = \"UTC\""),
        Err(SpecError::UnsupportedVersion(2))
    ));
    assert!(matches!(
        MappingSpec::from_toml("version = "),
        Err(SpecError::Parse(_))
    ));
}

#[test]
fn unknown_keys_are_refused_naming_the_key_and_the_valid_ones() {
    let (_, spec) = proposed();
    let text = spec.to_toml().unwrap();
    for (table, key) in [
        ("[tickets]", "events_as_note"),
        ("[contacts]", "merge_by_phone"),
    ] {
        let edited = text.replacen(table, &format!("{table}\n{key} = true"), 1);
        assert_ne!(edited, text, "{table} is in the proposal");
        let error = MappingSpec::from_toml(&edited).expect_err(key).to_string();
        assert!(error.contains(key), "{error}");
        assert!(error.contains("expected one of"), "{error}");
    }
    let top = format!("contact_policy = 1\n{text}");
    let error = MappingSpec::from_toml(&top)
        .expect_err("a top-level key")
        .to_string();
    assert!(error.contains("contact_policy"), "{error}");
}

#[test]
fn every_admin_and_team_the_mapping_names_must_exist_in_the_workspace() {
    let (instance, spec) = proposed();
    assert!(codes(&spec, &instance).is_empty(), "the proposal is clean");
    type Edit = Box<dyn Fn(&mut MappingSpec)>;
    let cases: Vec<(&str, Edit, &str)> = vec![
        (
            "admins.fallback_email",
            Box::new(|spec| spec.admins.fallback_email = "nobody@example.com".into()),
            "nobody@example.com",
        ),
        (
            "admins.overrides.42",
            Box::new(|spec| {
                spec.admins
                    .overrides
                    .insert("42".into(), "gone@example.com".into());
            }),
            "gone@example.com",
        ),
        (
            "teams.overrides.7",
            Box::new(|spec| {
                spec.teams
                    .overrides
                    .insert("7".into(), "Night shift".into());
            }),
            "Night shift",
        ),
    ];
    for (path, edit, named) in cases {
        let mut edited = spec.clone();
        edit(&mut edited);
        let found = codes(&edited, &instance);
        assert!(
            found
                .iter()
                .any(|(code, at, message)| *code == IssueCode::UnknownDestination
                    && at == path
                    && message.contains(named)),
            "{path}: {found:?}"
        );
    }
    // Case and surrounding spaces do not matter, as when the run matches them.
    let mut spaced = spec.clone();
    spaced.admins.fallback_email = " Migration@Brightline.example ".into();
    spaced
        .teams
        .overrides
        .insert("7".into(), "service DESK".into());
    assert!(codes(&spaced, &instance).is_empty());
    // A workspace whose admins were not read is not judged.
    let unread = migration_core::model::destination::DestinationSchema::default();
    let mut edited = spec.clone();
    edited.admins.fallback_email = "nobody@example.com".into();
    edited.teams.overrides.clear();
    assert!(check(&edited, &instance.schema, &unread).is_ok());
}

#[test]
fn a_confirmation_keeps_the_comments_and_layout_of_the_written_mapping() {
    let (_, spec) = proposed();
    let text = format!(
        "# written by a person\n{}",
        spec.to_toml().unwrap().replace(
            "parent_tag =",
            "# why: kept as the proposal says\nparent_tag ="
        )
    );
    let confirmed = MappingSpec::from_toml(&text)
        .unwrap()
        .confirmed("ada", "2026-12-07T10:00:00Z");
    let written = confirmed.confirmation_into(&text).unwrap();
    assert!(written.starts_with("# written by a person\n"), "{written}");
    assert!(written.contains("# why: kept as the proposal says\nparent_tag ="));
    let read = MappingSpec::from_toml(&written).unwrap();
    assert_eq!(read, confirmed);
    assert_eq!(read.content_hash(), spec.content_hash());
    // Confirming again replaces the table rather than adding a second one.
    let again = read
        .confirmed("bob", "2026-12-08T10:00:00Z")
        .confirmation_into(&written)
        .unwrap();
    assert_eq!(again.matches("[confirmation]").count(), 1, "{again}");
    assert!(again.contains("bob"));
}
