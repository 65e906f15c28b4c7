//! Property tests over whole records: any generated ticket, caller, organisation or article —
//! arbitrary Unicode, control characters, markup, huge texts, dates at the edges of time,
//! custom values of every JSON shape — either maps or is rejected with a reason and a fix, and
//! never panics. What maps carries no executable markup in any HTML body, no control character
//! but line breaks and tabs in any text, and no path in any file name.

use chrono::{DateTime, FixedOffset, NaiveDateTime};
use migration_core::idmap::EmptyIdMap;
use migration_core::model::source::*;
use migration_core::{Mapped, Mapper, Rejection};
use proptest::prelude::*;
use serde_json::Value;

use crate::common;

/// Texts a hostile or broken source may hold.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => any::<String>(),
        2 => ".{0,40}",
        1 => "[\\x00-\\x1f\\x7f\u{202e}\u{fffd}]{0,12}",
        1 => prop_oneof![
            Just("<script>alert(1)</script>".to_string()),
            Just("<img src=x onerror=alert(1)>".to_string()),
            Just("<a href=\"javascript:alert(1)\">x</a>".to_string()),
            Just("<iframe src=\"https://evil.example\"></iframe>".to_string()),
            Just("<p style=\"x\" onclick=\"y\">z</p>".to_string()),
            Just("../../etc/passwd".to_string()),
            Just("   ".to_string()),
            Just(String::new()),
        ],
        1 => (any::<char>(), 10_000usize..70_000).prop_map(|(c, n)| c.to_string().repeat(n)),
    ]
}

fn optional_text() -> impl Strategy<Value = Option<String>> {
    prop::option::of(text())
}

/// Emails in every broken form, and some good ones.
fn email() -> impl Strategy<Value = Option<String>> {
    prop::option::of(prop_oneof![
        "[a-z]{1,8}@[a-z]{1,8}\\.[a-z]{2,3}",
        "[ A-Za-z.@-]{0,20}",
        Just("a@@b.com".to_string()),
        Just("user@example.com\r\nBcc: x@y.z".to_string()),
        Just("first@example.com, second@example.com".to_string()),
        text(),
    ])
}

/// Dates anywhere chrono can hold them, with or without an offset.
fn time() -> impl Strategy<Value = Option<SourceTime>> {
    let seconds = prop_oneof![
        -8_000_000_000_000i64..8_000_000_000_000,
        0i64..4_000_000_000,
        Just(i64::MIN),
        Just(i64::MAX),
    ];
    prop_oneof![
        Just(None),
        seconds.clone().prop_map(SourceTime::from_unix),
        seconds.prop_map(
            |s| DateTime::from_timestamp(s, 0).map(|utc| SourceTime::Local(utc.naive_utc()))
        ),
        (any::<i64>(), -86_399i32..86_400).prop_map(|(s, offset)| {
            let offset = FixedOffset::east_opt(offset)?;
            DateTime::from_timestamp(s % 8_000_000_000_000, 0)
                .map(|utc| SourceTime::Zoned(utc.with_timezone(&offset)))
        }),
        Just(Some(SourceTime::Local(NaiveDateTime::MAX))),
        Just(Some(SourceTime::Local(NaiveDateTime::MIN))),
    ]
}

/// Custom field values of every JSON shape.
fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>()
            .prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        text().prop_map(Value::from),
        "-?[0-9]{0,30}(\\.[0-9]{0,10})?([eE][+-]?[0-9]{1,4})?".prop_map(Value::from),
    ];
    leaf.prop_recursive(2, 10, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map(".{0,6}", inner, 0..3)
                .prop_map(|map| Value::Object(map.into_iter().collect())),
        ]
    })
}

fn custom_values() -> impl Strategy<Value = Vec<FieldValue>> {
    prop::collection::vec(
        (
            prop_oneof![Just(8103i64), Just(8108), any::<i64>()],
            json_value(),
        )
            .prop_map(|(field_id, value)| FieldValue { field_id, value }),
        0..4,
    )
}

fn id() -> impl Strategy<Value = i64> {
    prop_oneof![1i64..10_000, any::<i64>()]
}

fn attachment() -> impl Strategy<Value = Attachment> {
    (
        id(),
        text(),
        text(),
        optional_text(),
        prop::option::of(any::<u64>()),
        any::<bool>(),
        time(),
    )
        .prop_map(
            |(id, guid, file_name, content_type, size, private, created_at)| Attachment {
                id,
                guid,
                file_name,
                content_type,
                size,
                private,
                created_at,
            },
        )
}

fn action() -> impl Strategy<Value = Action> {
    (
        (
            id(),
            time(),
            prop::option::of(id()),
            optional_text(),
            email(),
        ),
        (
            optional_text(),
            optional_text(),
            optional_text(),
            any::<bool>(),
        ),
        (
            prop::option::of(id()),
            prop::collection::vec(attachment(), 0..3),
        ),
    )
        .prop_map(
            |(
                (id, at, agent_id, author_name, author_email),
                (kind, notes, notes_html, private),
                (status_id, attachments),
            )| Action {
                id,
                at,
                agent_id,
                author_name,
                author_email,
                kind,
                notes,
                notes_html,
                private,
                status_id,
                attachments,
            },
        )
}

fn ticket() -> impl Strategy<Value = Ticket> {
    (
        (
            id(),
            optional_text(),
            prop_oneof![Just(11i64), Just(13), any::<i64>()],
            text(),
            optional_text(),
            optional_text(),
            optional_text(),
        ),
        (
            prop::option::of(prop_oneof![Just(1i64), Just(6), any::<i64>()]),
            prop::option::of(prop_oneof![Just(41i64), any::<i64>()]),
            prop::option::of(prop_oneof![Just(602i64), any::<i64>()]),
            prop::option::of(any::<i64>()),
            prop::option::of(prop_oneof![Just(1001i64), Just(1003), any::<i64>()]),
            optional_text(),
            email(),
        ),
        (
            prop::option::of(prop_oneof![Just(101i64), any::<i64>()]),
            prop::option::of(prop_oneof![Just(201i64), any::<i64>()]),
            prop::option::of(prop_oneof![Just(301i64), any::<i64>()]),
        ),
        (time(), time(), time(), time(), any::<bool>()),
        custom_values(),
        prop::collection::vec(action(), 0..4),
        prop::collection::vec(attachment(), 0..3),
        prop::collection::vec(id(), 0..2),
    )
        .prop_map(
            |(
                (id, display_id, record_type_id, title, description, description_html, solution),
                (status_id, priority_id, category_id, origin, caller_id, caller_name, caller_email),
                (client_id, owner_id, group_id),
                (opened_at, closed_at, resolved_at, updated_at, deleted),
                custom_values,
                actions,
                attachments,
                parent_ids,
            )| Ticket {
                id,
                display_id,
                record_type_id,
                title,
                description,
                description_html,
                solution,
                status_id,
                priority_id,
                category_id,
                origin,
                caller_id,
                caller_name,
                caller_email,
                client_id,
                owner_id,
                group_id,
                opened_at,
                closed_at,
                resolved_at,
                updated_at,
                deleted,
                custom_values,
                legacy_values: Vec::new(),
                actions,
                attachments,
                parent_ids,
                sla: Vec::new(),
            },
        )
}

fn caller() -> impl Strategy<Value = Caller> {
    (
        (
            id(),
            optional_text(),
            optional_text(),
            optional_text(),
            email(),
        ),
        (
            optional_text(),
            prop::option::of(prop_oneof![Just(101i64), any::<i64>()]),
        ),
        (optional_text(), optional_text(), optional_text()),
        (time(), time(), any::<bool>(), custom_values()),
    )
        .prop_map(
            |(
                (id, name, first_name, last_name, email),
                (phone, client_id),
                (location_name, notes, external_key),
                (created_at, updated_at, deleted, custom_values),
            )| Caller {
                id,
                name,
                first_name,
                last_name,
                email,
                phone,
                client_id,
                location_name,
                notes,
                external_key,
                created_at,
                updated_at,
                deleted,
                custom_values,
            },
        )
}

fn organisation() -> impl Strategy<Value = Organisation> {
    (
        (id(), optional_text(), text(), optional_text(), email()),
        (optional_text(), optional_text(), optional_text()),
        (time(), time(), any::<bool>(), custom_values()),
    )
        .prop_map(
            |(
                (id, reference, name, website, email),
                (email_suffix, notes, external_key),
                (created_at, updated_at, deleted, custom_values),
            )| Organisation {
                id,
                reference,
                name,
                website,
                email,
                email_suffix,
                notes,
                external_key,
                created_at,
                updated_at,
                deleted,
                custom_values,
            },
        )
}

fn article() -> impl Strategy<Value = Article> {
    (
        (id(), text(), text(), optional_text()),
        (
            prop::option::of(prop_oneof![Just(652i64), any::<i64>()]),
            optional_text(),
            optional_text(),
            prop::option::of(prop_oneof![Just(201i64), any::<i64>()]),
        ),
        (any::<bool>(), optional_text(), time(), time()),
    )
        .prop_map(
            |(
                (id, title, body_html, summary),
                (category_id, status, language, author_id),
                (is_public, keywords, created_at, updated_at),
            )| Article {
                id,
                title,
                body_html,
                summary,
                category_id,
                status,
                language,
                author_id,
                is_public,
                keywords,
                created_at,
                updated_at,
            },
        )
}

fn mapper() -> Mapper {
    let instance = common::small_instance();
    Mapper::new(
        &common::default_spec(&instance),
        &instance.schema,
        instance.directory(),
    )
    .unwrap()
}

/// Every HTML string in the operations (keys `body` and `…_html`), with its JSON path. The
/// opening message of a conversation is plain text (Intercom renders no HTML there), so it is
/// not an HTML body.
fn bodies(value: &Value, path: String, found: &mut Vec<(String, String)>) {
    match value {
        Value::Object(map) => {
            let plain_text_body =
                map.get("op").and_then(Value::as_str) == Some("create_conversation");
            for (name, inner) in map {
                let inner_path = format!("{path}.{name}");
                match inner {
                    Value::String(text)
                        if (name == "body" && !plain_text_body) || name.ends_with("_html") =>
                    {
                        found.push((inner_path, text.clone()))
                    }
                    _ => bodies(inner, inner_path, found),
                }
            }
        }
        Value::Array(items) => {
            for (index, inner) in items.iter().enumerate() {
                bodies(inner, format!("{path}[{index}]"), found);
            }
        }
        _ => {}
    }
}

/// What is executable in an HTML body: a tag that runs code, a handler, or a code URL.
fn executable(html: &str) -> Option<String> {
    let lower = html.to_ascii_lowercase();
    for tag in [
        "<script", "<iframe", "<object", "<embed", "<svg", "<style", "<form",
    ] {
        if lower.contains(tag) {
            return Some(format!("{tag}> tag"));
        }
    }
    let mut rest = lower.as_str();
    while let Some(start) = rest.find('<') {
        let after = &rest[start + 1..];
        let end = after.find('>').unwrap_or(after.len());
        let inside = &after[..end];
        rest = &after[end..];
        for word in inside.split(|c: char| c.is_whitespace() || c == '"' || c == '/') {
            if word.starts_with("on") && word.contains('=') {
                return Some(format!("handler {word}"));
            }
        }
        let compact: String = inside.chars().filter(|c| !c.is_whitespace()).collect();
        if compact.contains("=\"javascript:") || compact.contains("=\"vbscript:") {
            return Some("code URL".into());
        }
    }
    None
}

/// Every string in `value` with its JSON path and the key it is under.
fn strings<'a>(value: &'a Value, path: String, found: &mut Vec<(String, &'a str)>) {
    match value {
        Value::String(text) => found.push((path, text)),
        Value::Object(map) => {
            for (name, inner) in map {
                strings(inner, format!("{path}.{name}"), found);
            }
        }
        Value::Array(items) => {
            for (index, inner) in items.iter().enumerate() {
                strings(inner, format!("{path}[{index}]"), found);
            }
        }
        _ => {}
    }
}

/// Why a text sent to Intercom is unsafe: a control character other than a line break or a
/// tab, or a file name that is a path. An attachment's GUID is exempt: it only names the file
/// to download from Vivantio (URL-encoded there) and is never sent to Intercom.
fn unsafe_text(path: &str, text: &str) -> Option<&'static str> {
    if path.ends_with(".guid") {
        return None;
    }
    if text
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
    {
        return Some("a control character");
    }
    let file_name = path.ends_with(".file_name");
    if file_name
        && (text.contains(['/', '\\', '\t', '\n', '\r']) || text == ".." || text.is_empty())
    {
        return Some("a file name that is a path or empty");
    }
    None
}

/// The property: mapped records carry safe bodies; rejected ones say why and how to fix it.
fn maps_or_is_rejected(result: Result<Mapped, Rejection>) -> Result<(), TestCaseError> {
    match result {
        Ok(mapped) => {
            let json = serde_json::to_value(&mapped.operations).unwrap();
            let mut found = Vec::new();
            bodies(&json, "operations".into(), &mut found);
            for (path, body) in found {
                if let Some(problem) = executable(&body) {
                    return Err(TestCaseError::fail(format!(
                        "{problem} in {path}: {}",
                        body.chars().take(200).collect::<String>()
                    )));
                }
            }
            let mut texts = Vec::new();
            strings(&json, "operations".into(), &mut texts);
            for (path, text) in texts {
                if let Some(problem) = unsafe_text(&path, text) {
                    return Err(TestCaseError::fail(format!(
                        "{problem} in {path}: {:?}",
                        text.chars().take(80).collect::<String>()
                    )));
                }
            }
            for finding in &mapped.findings {
                prop_assert!(!finding.message.trim().is_empty(), "{finding:?}");
            }
        }
        Err(rejection) => {
            prop_assert!(!rejection.message.trim().is_empty(), "{rejection:?}");
            prop_assert!(!rejection.fix.trim().is_empty(), "{rejection:?}");
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn any_ticket_maps_or_is_rejected_with_a_reason(ticket in ticket()) {
        maps_or_is_rejected(mapper().map_ticket(&ticket, &EmptyIdMap))?;
    }

    #[test]
    fn any_caller_maps_or_is_rejected_with_a_reason(caller in caller()) {
        maps_or_is_rejected(mapper().map_caller(&caller))?;
    }

    #[test]
    fn any_organisation_maps_or_is_rejected_with_a_reason(organisation in organisation()) {
        maps_or_is_rejected(mapper().map_organisation(&organisation))?;
    }

    #[test]
    fn any_article_maps_or_is_rejected_with_a_reason(article in article()) {
        maps_or_is_rejected(mapper().map_article(&article, &EmptyIdMap))?;
    }
}
