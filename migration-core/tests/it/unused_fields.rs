//! Custom fields nobody fills: with a discovery's counts, the proposal leaves a field under 1%
//! of its records out of the mapping, says how many records hold a value, and follows a person
//! who adds the rule back.

use migration_core::model::source::{FieldValue, SourceInstance};
use migration_core::spec::{
    propose, propose_with_usage, FieldRule, FieldUsage, MappingSpec, Proposal, SourceField,
};
use serde_json::json;

use crate::common;

/// Usage counted as a discovery would over `tickets` tickets of type 11, `users_affected` of
/// them with a value of field 8103 and `impact` with a value of field 8108.
fn usage(tickets: u64, users_affected: u64, impact: u64) -> FieldUsage {
    let mut usage = FieldUsage::default();
    for n in 0..tickets {
        let mut values = Vec::new();
        if n < users_affected {
            values.push(FieldValue {
                field_id: 8103,
                value: json!(3),
            });
        }
        if n < impact {
            values.push(FieldValue {
                field_id: 8108,
                value: json!(81082),
            });
        }
        usage.count(11, &values);
    }
    usage
}

fn proposal(instance: &SourceInstance, usage: Option<&FieldUsage>) -> Proposal {
    propose_with_usage(
        &instance.schema,
        &common::destination(),
        &common::options(),
        usage,
    )
}

fn rule(spec: &MappingSpec, field: i64) -> Option<&FieldRule> {
    spec.fields
        .iter()
        .find(|rule| rule.source == SourceField::Custom(field))
}

#[test]
fn fields_under_one_record_in_a_hundred_are_proposed_as_skipped_with_the_count() {
    let instance = common::small_instance();
    // (tickets, with 8103, with 8108, 8103 skipped, 8108 skipped)
    let cases = [
        (200, 150, 0, false, true),
        (200, 1, 2, true, false),
        (300, 3, 2, false, true),
        // Nothing counted says nothing.
        (0, 0, 0, false, false),
    ];
    for (tickets, users_affected, impact, skip_users, skip_impact) in cases {
        let counted = usage(tickets, users_affected, impact);
        let proposal = proposal(&instance, Some(&counted));
        let case = format!("{tickets} tickets, {users_affected} and {impact} with a value");
        for (field, skipped, with_value) in [
            (8103, skip_users, users_affected),
            (8108, skip_impact, impact),
        ] {
            assert_eq!(
                rule(&proposal.spec, field).is_none(),
                skipped,
                "{case}: {field}"
            );
            let key = format!("fields[source=custom:{field}]");
            let note = proposal
                .notes
                .iter()
                .find(|note| note.unset_key.as_deref() == Some(key.as_str()));
            assert_eq!(note.is_some(), skipped, "{case}: {field}");
            if let Some(note) = note {
                assert_eq!(note.path, "fields");
                assert!(
                    note.reason.starts_with(&format!(
                        "{with_value} of {tickets} tickets of its types hold a value"
                    )),
                    "{case}: {}",
                    note.reason
                );
                assert!(
                    note.decision.contains(&format!("custom:{field}")),
                    "{}",
                    note.decision
                );
            }
        }
    }
}

#[test]
fn without_counts_every_field_gets_a_rule() {
    let instance = common::small_instance();
    let plain = propose(&instance.schema, &common::destination(), &common::options());
    for usage in [None, Some(FieldUsage::default())] {
        let counted = proposal(&instance, usage.as_ref());
        assert_eq!(counted, plain);
    }
    assert!(rule(&plain.spec, 8103).is_some() && rule(&plain.spec, 8108).is_some());
}

#[test]
fn the_skip_is_written_above_the_rules_and_follows_a_persons_edit() {
    let instance = common::small_instance();
    let proposal = proposal(&instance, Some(&usage(200, 150, 0)));
    let text = proposal.to_commented_toml().unwrap();
    assert_eq!(MappingSpec::from_toml(&text).unwrap(), proposal.spec);
    let skip = text
        .find("→ skipped: no attribute")
        .expect("the skip is written as a comment");
    let first_rule = text.find("[[fields]]").expect("the other rules");
    assert!(skip < first_rule, "{text}");
    assert_eq!(
        text.lines()
            .filter(|line| line.starts_with("# why: "))
            .count(),
        proposal.notes.len(),
        "one `# why:` line per note"
    );
    let between = &text[skip..first_rule];
    assert!(
        between.contains("0 of 200 tickets of its types hold a value"),
        "{between}"
    );

    // Unchanged (or with other rules edited), the skip's note stays.
    assert_eq!(proposal.notes_for(&proposal.spec).unwrap(), proposal.notes);
    let mut edited = proposal.spec.clone();
    edited.fields.remove(0);
    let notes = proposal.notes_for(&edited).unwrap();
    assert!(notes
        .iter()
        .any(|note| note.unset_key.as_deref() == Some("fields[source=custom:8108]")));

    // A person who adds the rule back owns the decision.
    let mut restored = proposal.spec.clone();
    let plain = propose(&instance.schema, &common::destination(), &common::options());
    restored
        .fields
        .push(rule(&plain.spec, 8108).unwrap().clone());
    let notes = proposal.notes_for(&restored).unwrap();
    let note = notes
        .iter()
        .find(|note| note.path == "fields[source=custom:8108]")
        .expect("the person's rule has the note");
    assert!(note.edited);
    assert!(note.reason.contains("0 of 200"), "{}", note.reason);
}
