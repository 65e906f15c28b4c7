//! Property tests: no transform panics on arbitrary input, and every plan's order is valid.

use migration_core::idmap::EmptyIdMap;
use migration_core::model::source::*;
use migration_core::plan::plan_with;
use migration_core::transform::email::normalise_email;
use migration_core::transform::html::{html_to_text, is_simple_html, text_to_html, HtmlRenderer};
use migration_core::transform::phone::{region, to_e164, Phone};
use migration_core::transform::values::{to_boolean, to_date, to_datetime, to_decimal, to_integer};
use migration_core::transform::Mapper;
use proptest::prelude::*;
use serde_json::Value;

use crate::common;

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        ".{0,24}".prop_map(Value::from),
        "[0-9 ,.+-]{0,12}".prop_map(Value::from),
        "(19|20|00)[0-9]{2}-[01][0-9]-[0-3][0-9]([T ][0-2][0-9]:[0-5][0-9](:[0-5][0-9])?)?(Z|[+-][01][0-9]:?[0-5][0-9])?".prop_map(Value::from),
        "/Date\\(-?[0-9]{0,16}([+-][0-9]{4})?\\)/".prop_map(Value::from),
    ];
    leaf.prop_recursive(2, 8, 4, |inner| {
        prop::collection::vec(inner, 0..4).prop_map(Value::Array)
    })
}

fn time() -> impl Strategy<Value = Option<SourceTime>> {
    prop_oneof![
        Just(None),
        (-2_000_000_000i64..4_000_000_000).prop_map(SourceTime::from_unix),
        "20[0-9]{2}-(0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])T[01][0-9]:[0-5][0-9]:[0-5][0-9]"
            .prop_map(|text| SourceTime::parse(&text).ok().flatten()),
    ]
}

fn attachment() -> impl Strategy<Value = Attachment> {
    (
        1i64..100_000,
        prop::option::of(0u64..50_000_000),
        any::<bool>(),
        ".{0,12}",
    )
        .prop_map(|(id, size, private, name)| Attachment {
            id,
            guid: format!("guid-{id}"),
            file_name: name,
            content_type: None,
            size,
            private,
            created_at: None,
        })
}

fn action() -> impl Strategy<Value = Action> {
    (
        1i64..1_000_000,
        time(),
        prop::option::of(prop_oneof![Just(201i64), 1i64..500]),
        prop::option::of(prop_oneof![
            Just("rachel.hughes@harbourlogistics.co.uk".to_string()),
            ".{0,20}"
        ]),
        prop::option::of(".{0,40}"),
        prop::option::of(prop_oneof![
            ".{0,40}",
            "<p>[a-z <>/&;]{0,30}</p>",
            "<(p|b|img|a|script)( src=\"[^\"]{0,20}\")?>.{0,10}"
        ]),
        any::<bool>(),
        prop::collection::vec(attachment(), 0..14),
    )
        .prop_map(
            |(id, at, agent_id, author_email, notes, notes_html, private, attachments)| Action {
                id,
                at,
                agent_id,
                author_name: None,
                author_email,
                kind: Some("Note".into()),
                notes,
                notes_html,
                private,
                status_id: None,
                attachments,
            },
        )
}

fn ticket() -> impl Strategy<Value = Ticket> {
    (
        (
            1i64..100,
            prop_oneof![Just(11i64), Just(13), 1i64..20],
            ".{0,20}",
            prop::option::of(".{0,40}"),
            prop::option::of("<p>.{0,30}</p>"),
        ),
        (
            prop::option::of(prop_oneof![Just(1i64), Just(6), 1i64..10]),
            prop::option::of(prop_oneof![Just(41i64), 1i64..50]),
            prop::option::of(prop_oneof![Just(601i64), Just(602), 1i64..700]),
        ),
        (
            prop::option::of(prop_oneof![Just(1001i64), Just(1003), 1i64..2000]),
            prop::option::of(prop_oneof![Just(101i64), 1i64..200]),
            prop::option::of(1i64..300),
            prop::option::of(prop_oneof![Just(301i64), 1i64..400]),
        ),
        (time(), time(), any::<bool>(), prop::option::of(1i64..5)),
        prop::collection::vec(
            (
                prop_oneof![Just(8103i64), Just(8108), 1i64..9000],
                json_value(),
            ),
            0..4,
        ),
        prop::collection::vec(json_value(), 0..2),
        prop::collection::vec(action(), 0..6),
        prop::collection::vec(attachment(), 0..3),
        prop::collection::vec(1i64..100, 0..2),
    )
        .prop_map(
            |(
                (id, record_type_id, title, description, description_html),
                (status_id, priority_id, category_id),
                (caller_id, client_id, owner_id, group_id),
                (opened_at, updated_at, deleted, origin),
                custom,
                legacy,
                actions,
                attachments,
                parent_ids,
            )| Ticket {
                id,
                display_id: Some(format!("T-{id}")),
                record_type_id,
                title,
                description,
                description_html,
                solution: None,
                status_id,
                priority_id,
                category_id,
                origin,
                caller_id,
                caller_name: None,
                caller_email: None,
                client_id,
                owner_id,
                group_id,
                opened_at,
                closed_at: None,
                resolved_at: None,
                updated_at,
                deleted,
                custom_values: custom
                    .into_iter()
                    .map(|(field_id, value)| FieldValue { field_id, value })
                    .collect(),
                legacy_values: legacy
                    .into_iter()
                    .map(|value| LegacyValue {
                        field_id: 701,
                        name: "AssetTag".into(),
                        value,
                    })
                    .collect(),
                actions,
                attachments,
                parent_ids: parent_ids
                    .into_iter()
                    .filter(|parent| *parent != id)
                    .collect(),
                sla: Vec::new(),
            },
        )
}

fn caller() -> impl Strategy<Value = Caller> {
    (
        1000i64..1010,
        prop::option::of(prop_oneof![
            "[a-c]@example\\.com",
            "[A-C]@EXAMPLE\\.COM",
            ".{0,12}"
        ]),
        prop::option::of(".{0,16}"),
        prop::option::of(prop_oneof![Just(101i64), 100i64..104]),
        any::<bool>(),
    )
        .prop_map(|(id, email, phone, client_id, deleted)| Caller {
            id,
            name: None,
            first_name: Some("First".into()),
            last_name: None,
            email,
            phone,
            client_id,
            location_name: None,
            notes: None,
            external_key: None,
            created_at: None,
            updated_at: None,
            deleted,
            custom_values: Vec::new(),
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn value_conversions_never_panic(raw in json_value()) {
        let zone = chrono_tz::Europe::London;
        let _ = (to_integer(&raw), to_decimal(&raw), to_boolean(&raw), to_datetime(&raw, zone), to_date(&raw, zone));
        if let Some(text) = raw.as_str() {
            let _ = SourceTime::parse(text);
        }
    }

    #[test]
    fn emails_normalise_idempotently(raw in prop_oneof![".{0,30}", "[a-zA-Z0-9._+-]{1,10}@[a-zA-Z0-9-]{1,8}\\.[a-zA-Z]{2,4}"]) {
        if let Ok(email) = normalise_email(Some(&raw)) {
            prop_assert_eq!(email.address.matches('@').count(), 1);
            prop_assert_eq!(&email.address, &email.address.to_lowercase());
            prop_assert_eq!(normalise_email(Some(&email.address)).map(|again| again.address), Ok(email.address.clone()));
        }
    }

    #[test]
    fn phones_are_e164_or_kept(raw in prop_oneof![".{0,24}", "[+0(][0-9 ()./-]{0,20}"], code in prop_oneof![Just("GB"), Just("US"), Just("IT"), Just("XX")]) {
        match to_e164(&raw, region(code)) {
            Some(Phone::E164(number)) => {
                prop_assert!(number.starts_with('+'));
                prop_assert!((9..=16).contains(&number.len()), "{}", number);
                prop_assert!(number[1..].bytes().all(|b| b.is_ascii_digit()) && !number[1..].starts_with('0'));
            }
            Some(Phone::Unparsed(text)) => prop_assert_eq!(text, raw.trim()),
            None => prop_assert!(raw.trim().is_empty()),
        }
    }

    #[test]
    fn html_rendering_never_panics(html in ".{0,80}", text in ".{0,80}") {
        let renderer = HtmlRenderer::new(&Default::default()).unwrap();
        let rendered = renderer.render(&html, &EmptyIdMap);
        prop_assert!(!rendered.html.contains("<script"));
        let _ = html_to_text(&html);
        let as_html = text_to_html(&text);
        prop_assert!(is_simple_html(&as_html), "{}", as_html);
    }

    #[test]
    fn ticket_mapping_never_panics(ticket in ticket()) {
        let instance = common::small_instance();
        let mapper = Mapper::new(&common::default_spec(&instance), &instance.schema, instance.directory()).unwrap();
        if let Ok(mapped) = mapper.map_ticket(&ticket, &EmptyIdMap) {
            let parts: Vec<i64> = mapped.operations.iter().filter_map(|op| match &op.op {
                migration_core::DestinationOp::AddPart { part, .. } => {
                    assert!(part.attachments.len() <= 10);
                    Some(part.created_at)
                }
                _ => None,
            }).collect();
            prop_assert!(parts.windows(2).all(|pair| pair[0] <= pair[1]));
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn every_plan_has_a_valid_order(
        tickets in prop::collection::vec(ticket(), 0..12),
        callers in prop::collection::vec(caller(), 0..8),
        keep_organisation in any::<bool>(),
    ) {
        let mut instance = common::small_instance();
        if !keep_organisation {
            instance.organisations.clear();
        }
        let mut seen = std::collections::HashSet::new();
        instance.callers = callers.into_iter().filter(|caller| seen.insert(caller.id)).collect();
        let mut ids = std::collections::HashSet::new();
        instance.tickets = tickets.into_iter().filter(|ticket| ids.insert(ticket.id)).collect();
        let mapper = Mapper::new(&common::default_spec(&instance), &instance.schema, instance.directory()).unwrap();
        let planned = plan_with(&mapper, &instance, &EmptyIdMap);
        let verdict = planned.plan.verify_order(&EmptyIdMap);
        prop_assert!(verdict.is_ok(), "{:?}", verdict);
    }
}
