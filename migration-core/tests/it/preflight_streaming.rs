//! Streamed pre-flight (through the `Source` port, record by record) finds exactly what
//! pre-flight over a whole in-memory instance found: the same findings, with the same reasons,
//! in the same order once sorted, and the same counts.

use std::collections::{BTreeMap, BTreeSet};

use migration_core::model::source::{
    Action, Article, Attachment, Caller, FieldValue, SourceInstance, SourceTime, Ticket,
};
use migration_core::spec::MappingSpec;
use migration_core::validate::EXAMPLES_PER_REASON;
use migration_core::{Finding, ReasonCode};

use crate::common;
use crate::common::preflight::{in_memory, sorted, streamed};

/// Runs both and compares them; returns the findings.
fn same_both_ways(instance: &SourceInstance, spec: &MappingSpec) -> Vec<Finding> {
    let destination = common::destination();
    let reference = in_memory(spec, instance, &destination);
    let (received, report) = streamed(instance, spec, &destination);
    let streamed = sorted(received.clone());
    for (index, (a, b)) in reference.iter().zip(&streamed).enumerate() {
        assert_eq!(a, b, "finding {index} differs");
    }
    assert_eq!(reference.len(), streamed.len());
    let mut counts = BTreeMap::new();
    for finding in &reference {
        *counts.entry(finding.code).or_insert(0) += 1;
    }
    assert_eq!(report.counts, counts);
    assert_eq!(report.total(), reference.len());
    for (code, count) in &counts {
        let kept = report.findings.iter().filter(|f| f.code == *code).count();
        assert_eq!(kept, (*count).min(EXAMPLES_PER_REASON), "{code:?}");
    }
    reference
}

fn codes(findings: &[Finding]) -> BTreeSet<ReasonCode> {
    findings.iter().map(|finding| finding.code).collect()
}

#[test]
fn the_sample_s_findings_are_the_same_streamed() {
    let Some(instance) = common::sample::sample_instance() else {
        return;
    };
    let spec = common::default_spec(&instance);
    let found = same_both_ways(&instance, &spec);
    assert!(!found.is_empty());
    let mut linked = spec.clone();
    linked.parent_child.link = true;
    assert_eq!(codes(&same_both_ways(&instance, &linked)), codes(&found));
}

/// A generated instance of `tickets` tickets, in the core model.
fn generated(tickets: u64) -> SourceInstance {
    let dir =
        std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("preflight-{tickets}"));
    let config = fixtures::generator::GeneratorConfig::for_tickets(tickets).with_seed(17);
    fixtures::generator::generate_overwriting(&config, &dir).expect("the instance generates");
    let instance = fixtures::instance::Instance::load(&dir).expect("the instance loads");
    common::sample::convert(&instance)
}

/// `instance` with one more record for every finding kind a generated instance may lack:
/// callers of a missing organisation and with a malformed email, tickets of an unmapped type, with unknown values, a
/// date-less one, early actions, an unknown author, a value with no rule, an unsafe file name,
/// control characters, parents that are missing, rejected or of an unmapped type, a parent
/// cycle and a ticket that is its own parent; articles without a category and with an inline
/// image.
fn with_every_kind(mut instance: SourceInstance) -> SourceInstance {
    let caller = instance
        .callers
        .iter()
        .find(|caller| !caller.deleted && caller.email.is_some())
        .expect("a caller with an email")
        .clone();
    instance.callers.push(Caller {
        id: 9_000_001,
        email: Some("orphan.of.a.missing.organisation@example.com".into()),
        client_id: Some(9_999_999),
        ..caller.clone()
    });
    instance.callers.push(Caller {
        id: 9_000_002,
        email: Some("not an email".into()),
        ..caller.clone()
    });
    let base = instance
        .tickets
        .iter()
        .find(|ticket| {
            !ticket.deleted
                && ticket.caller_id == Some(caller.id)
                && ticket.parent_ids.is_empty()
                && ticket.actions.len() >= 2
        })
        .or_else(|| {
            instance.tickets.iter().find(|ticket| {
                !ticket.deleted && ticket.parent_ids.is_empty() && ticket.actions.len() >= 2
            })
        })
        .expect("a ticket with actions")
        .clone();
    let ticket = |id: i64| Ticket {
        id,
        display_id: Some(format!("T{id}")),
        ..base.clone()
    };
    let unmapped_type = 9_100_001;
    let deleted = 9_100_002;
    let mut added = vec![
        Ticket {
            record_type_id: 987_654,
            ..ticket(unmapped_type)
        },
        Ticket {
            deleted: true,
            ..ticket(deleted)
        },
        Ticket {
            status_id: Some(987_654),
            priority_id: Some(987_654),
            category_id: Some(987_654),
            ..ticket(9_100_003)
        },
        Ticket {
            opened_at: None,
            updated_at: None,
            actions: base
                .actions
                .iter()
                .map(|action| Action {
                    at: None,
                    ..action.clone()
                })
                .collect(),
            ..ticket(9_100_004)
        },
        Ticket {
            opened_at: SourceTime::parse("2099-01-01T00:00:00").unwrap(),
            ..ticket(9_100_005)
        },
        Ticket {
            actions: base
                .actions
                .iter()
                .map(|action| Action {
                    agent_id: Some(987_654),
                    notes: Some("A reply by an agent no one knows".into()),
                    ..action.clone()
                })
                .collect(),
            ..ticket(9_100_006)
        },
        Ticket {
            custom_values: vec![FieldValue {
                field_id: 987_654,
                value: serde_json::json!("a value no rule reads"),
            }],
            ..ticket(9_100_007)
        },
        Ticket {
            title: "Printer \u{7}beeps\u{1b}[2J".into(),
            attachments: vec![Attachment {
                id: 9_200_001,
                guid: "0d7f3c52-0000-4000-8000-000000000001".into(),
                file_name: "../../CON.txt".into(),
                content_type: Some("text/plain".into()),
                size: Some(10),
                private: false,
                created_at: base.opened_at,
            }],
            ..ticket(9_100_008)
        },
    ];
    // Children of a missing parent, a rejected one and one of an unmapped type; a cycle of
    // two; a ticket that is its own parent.
    for (child, parent) in [
        (9_100_101, 99_999_999),
        (9_100_102, deleted),
        (9_100_103, unmapped_type),
        (9_100_104, 9_100_105),
        (9_100_105, 9_100_104),
        (9_100_106, 9_100_106),
        (9_100_107, base.id),
    ] {
        added.push(Ticket {
            parent_ids: vec![parent],
            ..ticket(child)
        });
    }
    instance.tickets.extend(added);
    let article = instance.articles.first().expect("an article").clone();
    instance.articles.push(Article {
        id: 9_300_001,
        category_id: None,
        ..article.clone()
    });
    instance.articles.push(Article {
        id: 9_300_002,
        body_html: "<p>Settings:</p><p><img src=\"https://generated.vivantio.example/Attachment/Inline/8e814077-6d42-5404-af33-78aedbc420b0\" alt=\"settings\"></p>".into(),
        ..article
    });
    instance
}

#[test]
fn a_generated_instance_with_every_kind_of_finding_gives_the_same_findings_streamed() {
    let instance = with_every_kind(generated(400));
    let spec = common::default_spec(&instance);
    let unlinked = same_both_ways(&instance, &spec);
    let mut linked_spec = spec.clone();
    linked_spec.parent_child.link = true;
    let linked = same_both_ways(&instance, &linked_spec);
    let mut placeholder_spec = linked_spec.clone();
    placeholder_spec.tickets.orphans = migration_core::spec::OrphanTicketPolicy::PlaceholderContact;
    placeholder_spec.tickets.skip_deleted = false;
    let placeholder = same_both_ways(&instance, &placeholder_spec);

    let mut found = codes(&unlinked);
    found.extend(codes(&linked));
    found.extend(codes(&placeholder));
    // Every reason pre-flight gives (`wire_assumption` comes from the source afterwards;
    // nothing gives `split_attachments` as a finding).
    let every = [
        ReasonCode::MissingEmail,
        ReasonCode::MalformedEmail,
        ReasonCode::DuplicateEmail,
        ReasonCode::UnparsedPhone,
        ReasonCode::OrphanedCaller,
        ReasonCode::OrphanedTicket,
        ReasonCode::MissingParent,
        ReasonCode::ParentCycle,
        ReasonCode::LegacyField,
        ReasonCode::AttachmentTooLarge,
        ReasonCode::UnmappedTicketType,
        ReasonCode::UnmappedValue,
        ReasonCode::PartOrderConflict,
        ReasonCode::InvalidValue,
        ReasonCode::MissingDate,
        ReasonCode::DeletedRecord,
        ReasonCode::UnmatchedAuthor,
        ReasonCode::UnresolvedImage,
        ReasonCode::MissingCategory,
        ReasonCode::SkippedEvent,
        ReasonCode::RenamedFile,
        ReasonCode::ControlCharacters,
    ];
    let missing: Vec<_> = every.iter().filter(|code| !found.contains(code)).collect();
    assert!(missing.is_empty(), "no finding of {missing:?}");
    // Both ways of a parent not moving are judged across tickets.
    let parents: BTreeSet<&str> = linked
        .iter()
        .filter(|finding| finding.code == ReasonCode::MissingParent)
        .map(|finding| {
            finding
                .message
                .split_once(' ')
                .map_or("", |(first, _)| first)
        })
        .collect();
    assert_eq!(parents, BTreeSet::from(["parent", "the"]), "{linked:#?}");
    let cycle: Vec<i64> = linked
        .iter()
        .filter(|finding| finding.code == ReasonCode::ParentCycle)
        .map(|finding| finding.record.id)
        .collect();
    assert_eq!(cycle, vec![9_100_104, 9_100_105, 9_100_106]);
}
