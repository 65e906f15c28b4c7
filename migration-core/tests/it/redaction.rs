//! What never leaves: a ticket holding a card number, a pasted password and an identifier of
//! a person's own pattern maps to operations without them, with one `redacted` finding per
//! rule that says how many and never what; pre-flight adds the same findings up per rule;
//! the checker refuses a pattern that is not a regular expression; the proposal turns the
//! detectors on and a person can turn them off.

use migration_core::idmap::EmptyIdMap;
use migration_core::model::source::{Attachment, SourceInstance};
use migration_core::reject::{ReasonCode, RuleTotal};
use migration_core::spec::{check, propose, MappingSpec, RedactionPattern};
use migration_core::transform::Mapper;
use serde_json::json;

use crate::common;

/// Texts planted in the small instance's first ticket; none may be sent.
const SECRETS: [&str; 5] = [
    "4111 1111 1111 1111",
    "5500-0055-5555-5559",
    "hunter2",
    "AB123456C",
    "4111111111111111",
];

/// The default specification with a person's own pattern for National Insurance numbers.
fn spec_for(instance: &SourceInstance) -> MappingSpec {
    let mut spec = common::default_spec(instance);
    spec.redaction.patterns.push(RedactionPattern {
        name: "ni_number".into(),
        regex: r"\b[A-Z]{2}\d{6}[A-D]\b".into(),
        replacement: None,
    });
    spec
}

/// The small instance, its first ticket holding every secret: in its title, description, a
/// message in HTML, a number field and an attachment's name. An order number that fails the
/// Luhn check stays.
fn planted() -> SourceInstance {
    let mut instance = common::small_instance();
    let ticket = &mut instance.tickets[0];
    // The caller's first message only, so the operations are the ones that carry texts.
    ticket.actions.retain(|action| action.id == 70002);
    ticket.title = "Card 4111 1111 1111 1111 declined".into();
    ticket.description =
        Some("Paid with 5500-0055-5555-5559 yesterday; order 4111 1111 1111 1112 is fine.".into());
    let message = ticket
        .actions
        .iter_mut()
        .find(|action| action.id == 70002)
        .expect("the caller's message");
    message.notes_html =
        Some("<p><b>Password:</b> hunter2</p><p>My NI number is AB123456C.</p>".into());
    message.attachments.push(Attachment {
        id: 96001,
        guid: "00000000-0000-0000-0000-000000096001".into(),
        file_name: "statement 4111111111111111.pdf".into(),
        content_type: Some("application/pdf".into()),
        size: Some(2048),
        private: false,
        created_at: None,
    });
    ticket.custom_values[0].value = json!("4111111111111111");
    instance
}

#[test]
fn a_ticket_maps_without_its_secrets_and_says_how_many_went() {
    let instance = planted();
    let mapper = Mapper::new(&spec_for(&instance), &instance.schema, instance.directory()).unwrap();
    let mapped = mapper
        .map_ticket(&instance.tickets[0], &EmptyIdMap)
        .unwrap();
    let sent = serde_json::to_string(&mapped.operations).unwrap();
    for secret in SECRETS {
        assert!(!sent.contains(secret), "{secret} is sent");
    }
    assert!(
        sent.contains("4111 1111 1111 1112"),
        "an order number failing the Luhn check stays"
    );
    let redacted: Vec<_> = mapped
        .findings
        .iter()
        .filter(|finding| finding.code == ReasonCode::Redacted)
        .collect();
    for finding in &mapped.findings {
        for secret in SECRETS {
            assert!(!finding.message.contains(secret), "{}", finding.message);
        }
    }
    insta::assert_yaml_snapshot!("redacted_ticket_findings", redacted);
    insta::assert_yaml_snapshot!("redacted_ticket_operations", mapped.operations);
}

#[test]
fn pre_flight_adds_the_redactions_up_per_rule() {
    let instance = planted();
    let (received, report) =
        common::preflight::streamed(&instance, &spec_for(&instance), &common::destination());
    let total = |values, records| RuleTotal {
        values,
        attachments_skipped: 0,
        records,
    };
    let totals: Vec<(&str, RuleTotal)> = report
        .redactions
        .0
        .iter()
        .map(|(rule, total)| (rule.as_str(), *total))
        .collect();
    // Cards: the title, the description, the attachment's name and the number field.
    assert_eq!(
        totals,
        [
            ("card", total(4, 1)),
            ("credential", total(1, 1)),
            ("ni_number", total(1, 1)),
        ]
    );
    assert_eq!(report.counts[&ReasonCode::Redacted], 3);
    let sent_to_sink = received
        .iter()
        .filter(|finding| finding.code == ReasonCode::Redacted)
        .count();
    assert_eq!(
        sent_to_sink, 3,
        "each rule's finding goes to the list as well"
    );
    let untouched = common::small_instance();
    let (_, clean) =
        common::preflight::streamed(&untouched, &spec_for(&untouched), &common::destination());
    assert!(clean.redactions.is_empty());
    assert!(!clean.counts.contains_key(&ReasonCode::Redacted));
}

#[test]
fn the_checker_refuses_a_pattern_that_is_not_a_regular_expression_with_its_path() {
    let instance = common::small_instance();
    let mut spec = spec_for(&instance);
    spec.redaction.patterns.push(RedactionPattern {
        name: "account".into(),
        regex: "ACC-(\\d+".into(),
        replacement: Some("[account]".into()),
    });
    let report = check(&spec, &instance.schema, &common::destination());
    let refused: Vec<&str> = report.errors().map(|issue| issue.path.as_str()).collect();
    assert_eq!(refused, ["redaction.patterns[1].regex"]);
    assert!(Mapper::new(&spec, &instance.schema, instance.directory()).is_err());
}

#[test]
fn the_proposal_redacts_and_a_person_can_turn_it_off_which_changes_the_hash() {
    let instance = common::small_instance();
    let proposal = propose(&instance.schema, &common::destination(), &common::options());
    assert!(proposal.spec.redaction.cards && proposal.spec.redaction.credentials);
    let text = proposal.to_commented_toml().unwrap();
    assert!(
        text.contains("# why: old tickets hold card numbers"),
        "{text}"
    );
    let edited = MappingSpec::from_toml(&text.replace("cards = true", "cards = false")).unwrap();
    assert!(!edited.redaction.cards && edited.redaction.credentials);
    assert_ne!(edited.content_hash(), proposal.spec.content_hash());
    let notes = proposal.notes_for(&edited).unwrap();
    let cards = notes
        .iter()
        .find(|note| note.path == "redaction.cards")
        .expect("the decision keeps its note");
    assert!(cards.edited, "{cards:?}");

    let mut off = edited;
    off.redaction.credentials = false;
    // Nothing redacted is the default: the table is left out, so a mapping written before it
    // existed keeps its hash.
    assert!(!off.to_toml().unwrap().contains("[redaction]"));
    let mapper = Mapper::new(&off, &instance.schema, instance.directory()).unwrap();
    let planted = planted();
    let mapped = mapper.map_ticket(&planted.tickets[0], &EmptyIdMap).unwrap();
    assert!(serde_json::to_string(&mapped.operations)
        .unwrap()
        .contains("4111 1111 1111 1111"));
    assert!(mapped
        .findings
        .iter()
        .all(|finding| finding.code != ReasonCode::Redacted));
}
