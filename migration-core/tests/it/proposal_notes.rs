//! The proposal's notes against the written mapping: every note names a key of the document,
//! spells values as the document does, sits beside its decision as a `# why:` comment, and
//! follows a person's edits.

use migration_core::model::destination::{
    AttributeModel, AttributeType, DestinationSchema, ExistingAttribute,
};
use migration_core::model::source::{
    CustomForm, FieldDefinition, FieldType, Origin, SourceInstance,
};
use migration_core::spec::{propose, Confidence, MappingSpec, Proposal, ProposalOptions};

use crate::common;

/// The value at `path` (`fields[3]`, `origins.names.2`) in a parsed document, walked here
/// rather than with the crate's own walker, so the test does not take the crate's word.
fn walk<'v>(document: &'v toml::Value, path: &str) -> Option<&'v toml::Value> {
    let mut value = document;
    for part in path.split('.') {
        let (key, index) = match part.split_once('[') {
            Some((key, rest)) => (key, Some(rest.trim_end_matches(']').parse::<usize>().ok()?)),
            None => (part, None),
        };
        value = value.as_table()?.get(key)?;
        if let Some(index) = index {
            value = value.as_array()?.get(index)?;
        }
    }
    Some(value)
}

fn empty_workspace() -> DestinationSchema {
    DestinationSchema {
        attributes: Vec::new(),
        admins: Vec::new(),
        teams: Vec::new(),
        ticket_types: Vec::new(),
        tags: Vec::new(),
    }
}

fn without_fallback() -> ProposalOptions {
    ProposalOptions {
        fallback_admin_email: String::new(),
        ..common::options()
    }
}

/// Proposals over the instances and workspaces the notes must hold for.
fn proposals() -> Vec<(&'static str, Proposal)> {
    let small = common::small_instance();
    let mut cases = vec![
        (
            "small instance, workspace with matches",
            propose(&small.schema, &common::destination(), &common::options()),
        ),
        (
            "nothing matches in the workspace",
            propose(&small.schema, &empty_workspace(), &common::options()),
        ),
        (
            "no fallback admin yet",
            propose(&small.schema, &empty_workspace(), &without_fallback()),
        ),
    ];
    if let Some(sample) = common::sample::sample_instance() {
        cases.push((
            "fixtures sample",
            propose(&sample.schema, &common::destination(), &common::options()),
        ));
    }
    cases
}

#[test]
fn every_note_path_is_a_key_of_the_written_mapping() {
    for (case, proposal) in proposals() {
        for text in [
            proposal.spec.to_toml().unwrap(),
            proposal.to_commented_toml().unwrap(),
        ] {
            let document: toml::Value = toml::from_str(&text).unwrap();
            for note in &proposal.notes {
                assert!(
                    walk(&document, &note.path).is_some(),
                    "{case}: `{}` is not in the mapping",
                    note.path
                );
                if let Some(key) = &note.unset_key {
                    assert!(
                        walk(&document, key).is_none(),
                        "{case}: `{key}` is said to be left out"
                    );
                }
            }
        }
    }
}

#[test]
fn notes_spell_values_as_the_document_does() {
    let mut checked = 0;
    for (case, proposal) in proposals() {
        let document: toml::Value = toml::from_str(&proposal.spec.to_toml().unwrap()).unwrap();
        for note in &proposal.notes {
            let Some(entry) = walk(&document, &note.path).and_then(toml::Value::as_table) else {
                continue;
            };
            for key in ["data_type", "conversation_state", "ticket_state", "level"] {
                if let Some(value) = entry.get(key).and_then(toml::Value::as_str) {
                    checked += 1;
                    assert!(
                        note.decision.contains(value),
                        "{case}: {} says {:?}, the mapping {key} = {value:?}",
                        note.path,
                        note.decision
                    );
                }
            }
        }
        assert!(
            !proposal.notes.iter().any(|note| {
                // How Rust's Debug prints the old decisions ("P1 → Urgent", "New → Open / Submitted").
                [
                    "(String)",
                    "(Integer)",
                    "(List)",
                    "(Datetime)",
                    "(Number)",
                    "(DropDown)",
                    "→ Urgent",
                    "→ Open / ",
                    "→ Closed / ",
                ]
                .iter()
                .any(|debug| note.decision.contains(debug))
            }),
            "{case}: a decision is spelled as Rust prints it"
        );
    }
    assert!(checked > 10, "the check looked at {checked} values only");
}

#[test]
fn the_commented_mapping_reads_back_as_the_same_spec() {
    for (case, proposal) in proposals() {
        let text = proposal.to_commented_toml().unwrap();
        let read = MappingSpec::from_toml(&text).unwrap();
        assert_eq!(read, proposal.spec, "{case}");
        assert_eq!(read.content_hash(), proposal.spec.content_hash(), "{case}");
        assert_eq!(
            text.lines()
                .filter(|line| line.starts_with("# why: "))
                .count(),
            proposal.notes.len(),
            "{case}: one `# why:` line per note"
        );
        for note in &proposal.notes {
            assert!(text.contains(&note.reason), "{case}: {}", note.reason);
        }
    }
    let small = common::small_instance();
    let proposal = propose(&small.schema, &empty_workspace(), &common::options());
    insta::assert_snapshot!(
        "small_commented_mapping",
        proposal.to_commented_toml().unwrap()
    );
}

#[test]
fn the_fixtures_sample_is_proposed_with_its_reasons() {
    let Some(sample) = common::sample::sample_instance() else {
        return;
    };
    let proposal = propose(&sample.schema, &common::destination(), &common::options());
    insta::assert_snapshot!(
        "sample_commented_mapping",
        proposal.to_commented_toml().unwrap()
    );
}

#[test]
fn notes_follow_the_persons_edits() {
    let small = common::small_instance();
    let proposal = propose(&small.schema, &empty_workspace(), &common::options());
    let note_at = |path: &str| {
        proposal
            .notes
            .iter()
            .find(|note| note.path == path)
            .unwrap_or_else(|| panic!("a note at {path}"))
            .clone()
    };
    let moved = note_at("fields[3]");
    assert!(moved.decision.contains("Number of users affected"));
    let group = proposal
        .notes
        .iter()
        .find(|note| note.unset_key.as_deref() == Some("teams.overrides.301"))
        .expect("the unmatched group's note")
        .clone();

    // Unchanged, the notes are the proposal's.
    assert_eq!(proposal.notes_for(&proposal.spec).unwrap(), proposal.notes);

    let mut edited = proposal.spec.clone();
    edited.origins.names.insert("2".into(), "Mail".into());
    edited.fields.remove(0);
    edited
        .teams
        .overrides
        .insert("301".into(), "Service desk".into());
    let text = edited.to_toml().unwrap();
    let document: toml::Value = toml::from_str(&text).unwrap();
    let notes = proposal.notes_for(&edited).unwrap();
    for note in &notes {
        assert!(walk(&document, &note.path).is_some(), "{}", note.path);
    }
    // The person's value replaces the proposal's, marked as theirs.
    let origin = notes
        .iter()
        .find(|note| note.path == "origins.names.2")
        .unwrap();
    assert!(origin.edited);
    assert_eq!(origin.decision, "\"Mail\" (edited by you)");
    assert!(
        origin.reason.contains("origin 2 → \"Email\""),
        "{}",
        origin.reason
    );
    // An entry that moved keeps its note, at its new place.
    let field = notes
        .iter()
        .find(|note| note.decision == moved.decision)
        .unwrap();
    assert_eq!(field.path, "fields[2]");
    assert!(!field.edited);
    // A removed decision has no note.
    assert!(!notes
        .iter()
        .any(|note| note.decision.contains("ticket.display_id")));
    // A key the proposal left out and the person wrote is theirs now.
    let team = notes
        .iter()
        .find(|note| note.path == "teams.overrides.301")
        .unwrap();
    assert!(team.edited);
    assert!(team.reason.contains(&group.decision));
    assert_eq!(
        notes.len(),
        proposal.notes.len() - 1,
        "only the removed field's note is gone"
    );
}

#[test]
fn origins_are_named_as_people_know_them() {
    let cases: [(i64, Option<&str>, &str, Confidence); 7] = [
        (1, None, "Phone", Confidence::Medium),
        (2, None, "E-mail", Confidence::Medium),
        (3, None, "Self-service portal", Confidence::Medium),
        (4, None, "Walk-in", Confidence::Medium),
        (5, None, "Created by an agent", Confidence::Medium),
        (9, None, "code 9 (unknown)", Confidence::Low),
        (2, Some(" Mail "), "Mail", Confidence::High),
    ];
    for (code, name, expected, confidence) in cases {
        let mut instance = common::small_instance();
        instance.schema.origins = vec![Origin {
            id: code,
            name: name.map(str::to_string),
        }];
        let proposal = propose(&instance.schema, &common::destination(), &common::options());
        assert_eq!(
            proposal
                .spec
                .origins
                .names
                .get(&code.to_string())
                .map(String::as_str),
            Some(expected)
        );
        let note = proposal
            .notes
            .iter()
            .find(|note| note.path == format!("origins.names.{code}"))
            .unwrap();
        assert_eq!(note.confidence, confidence, "{code}");
        assert_eq!(note.decision, format!("origin {code} → \"{expected}\""));
    }
}

fn attribute(model: AttributeModel, name: &str, data_type: AttributeType) -> ExistingAttribute {
    ExistingAttribute {
        model,
        name: name.into(),
        data_type,
        options: Vec::new(),
        ticket_type: None,
        archived: false,
    }
}

/// The small instance with one more form holding a text field labelled `label`.
fn with_form(record_type_id: i64, label: &str) -> SourceInstance {
    let mut instance = common::small_instance();
    instance.schema.custom_forms.push(CustomForm {
        id: 899,
        name: "Extra details".into(),
        record_type_id,
        fields: vec![FieldDefinition {
            id: 8999,
            name: "Extra".into(),
            label: Some(label.into()),
            field_type: FieldType::Text,
            required: false,
            options: Vec::new(),
        }],
    });
    instance
}

/// A field whose proposed attribute name is checked, and what its reason must say.
struct NameCase {
    case: &'static str,
    instance: SourceInstance,
    workspace: DestinationSchema,
    source: &'static str,
    name: &'static str,
    says: Vec<&'static str>,
}

#[test]
fn a_numbered_attribute_name_says_what_took_the_name() {
    let conversation = AttributeModel::Conversation;
    let taken_twice = DestinationSchema {
        attributes: vec![
            attribute(
                conversation,
                "vivantio_ticket_number",
                AttributeType::Integer,
            ),
            attribute(
                conversation,
                "vivantio_ticket_number_2",
                AttributeType::Boolean,
            ),
        ],
        ..empty_workspace()
    };
    let contact_reference = DestinationSchema {
        attributes: vec![attribute(
            AttributeModel::Contact,
            "vivantio_reference",
            AttributeType::String,
        )],
        ..empty_workspace()
    };
    let cases = vec![
        NameCase {
            case: "both names exist in Intercom",
            instance: common::small_instance(),
            workspace: taken_twice,
            source: "ticket.display_id",
            name: "vivantio_ticket_number_3",
            says: vec![
                "numbered because `vivantio_ticket_number` is taken in Intercom (an existing conversation attribute)",
                "`vivantio_ticket_number_2` is taken in Intercom (an existing conversation attribute)",
            ],
        },
        NameCase {
            case: "another field of the same conversations has the name",
            instance: with_form(11, "Business impact"),
            workspace: empty_workspace(),
            source: "custom:8999",
            name: "vivantio_business_impact_2",
            says: vec!["numbered because `vivantio_business_impact` is taken by another field (fields[4], Vivantio Incident details / Business impact)"],
        },
        NameCase {
            case: "the same name on another ticket type is free",
            instance: with_form(13, "Business impact"),
            workspace: empty_workspace(),
            source: "custom:8999",
            name: "vivantio_business_impact",
            says: vec![],
        },
        NameCase {
            case: "a contact attribute takes the name from companies",
            instance: common::small_instance(),
            workspace: contact_reference,
            source: "organisation.reference",
            name: "vivantio_reference_2",
            says: vec!["numbered because `vivantio_reference` is taken in Intercom (an existing contact attribute)"],
        },
    ];
    for NameCase {
        case,
        instance,
        workspace,
        source,
        name,
        says,
    } in cases
    {
        let proposal = propose(&instance.schema, &workspace, &common::options());
        let index = proposal
            .spec
            .fields
            .iter()
            .position(|rule| rule.source.to_string() == source)
            .unwrap_or_else(|| panic!("{case}: a rule for {source}"));
        assert_eq!(proposal.spec.fields[index].attribute, name, "{case}");
        let note = proposal
            .notes
            .iter()
            .find(|note| note.path == format!("fields[{index}]"))
            .unwrap();
        for text in &says {
            assert!(note.reason.contains(text), "{case}: {}", note.reason);
        }
        if says.is_empty() {
            assert!(!note.reason.contains("numbered"), "{case}: {}", note.reason);
        }
    }
}
