//! Shared pieces of the fuzz targets: the sample instance's configuration as the core's schema
//! (so the mapping checker meets real ids), and the safety rules every rendered body must obey.

use std::path::Path;

use migration_cli::adapters::vivantio::convert;
use migration_core::model::destination::DestinationSchema;
use migration_core::model::source::SourceSchema;
use serde::de::DeserializeOwned;
use vivantio_client::config as wire;
use vivantio_client::custom_forms::CustomFormDefinition;

/// The bundled sample instance's folder.
fn sample_dir() -> &'static Path {
    Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../fixtures/data/sample"
    ))
}

/// One sample file as wire records with the record type each was listed under.
fn sample_records<T: DeserializeOwned>(stem: &str) -> Vec<(T, i64)> {
    let path = sample_dir().join(format!("{stem}.json"));
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|error| panic!("fuzz set-up: cannot read {}: {error}", path.display()));
    let values: Vec<serde_json::Value> = serde_json::from_str(&text)
        .unwrap_or_else(|error| panic!("fuzz set-up: {} is not JSON: {error}", path.display()));
    values
        .into_iter()
        .map(|value| {
            let owner = value
                .get("RecordTypeId")
                .or_else(|| value.get("PriorityId"))
                .and_then(serde_json::Value::as_i64)
                .unwrap_or_default();
            let record = serde_json::from_value(value).unwrap_or_else(|error| {
                panic!("fuzz set-up: a {stem} record does not decode: {error}")
            });
            (record, owner)
        })
        .collect()
}

/// The sample instance's configuration, converted by the production adapter.
pub fn sample_schema() -> SourceSchema {
    let users: Vec<wire::User> = sample_records::<wire::User>("users")
        .into_iter()
        .map(|(user, _)| user)
        .collect();
    let groups = sample_records::<serde_json::Value>("groups")
        .into_iter()
        .map(|(group, _)| {
            let members: Vec<wire::User> = group
                .get("UserIds")
                .and_then(serde_json::Value::as_array)
                .map(|ids| {
                    ids.iter()
                        .filter_map(serde_json::Value::as_i64)
                        .filter_map(|id| users.iter().find(|user| user.id.get() == id).cloned())
                        .collect()
                })
                .unwrap_or_default();
            let record: wire::Group = serde_json::from_value(group).expect("sample group decodes");
            convert::group(record, &members)
        })
        .collect();
    SourceSchema {
        ticket_types: sample_records("ticket_types")
            .into_iter()
            .map(|(record, _)| convert::ticket_type(record))
            .collect(),
        statuses: sample_records("statuses")
            .into_iter()
            .map(|(record, owner)| convert::status(record, owner))
            .collect(),
        priorities: sample_records("priorities")
            .into_iter()
            .map(|(record, owner)| convert::priority(record, owner))
            .collect(),
        categories: sample_records("categories")
            .into_iter()
            .map(|(record, owner)| convert::category(record, owner))
            .collect(),
        agents: users.iter().cloned().map(convert::agent).collect(),
        groups,
        sla_targets: sample_records("sla_targets")
            .into_iter()
            .filter_map(|(record, owner)| convert::sla_target(record, owner))
            .collect(),
        origins: Vec::new(),
        custom_forms: sample_records::<CustomFormDefinition>("custom_forms")
            .into_iter()
            .map(|(record, owner)| convert::custom_form(record, owner))
            .collect(),
        legacy_fields: sample_records("extension_fields")
            .into_iter()
            .map(|(record, owner)| convert::legacy_field(record, owner))
            .collect(),
    }
}

/// An empty Intercom workspace.
pub fn empty_workspace() -> DestinationSchema {
    DestinationSchema::default()
}

/// Tags a rendered body may contain (what the sanitiser keeps).
///
/// Deliberately typed again rather than imported from `migration_core::transform::html`: this
/// list is the oracle the `html` target checks the sanitiser's output against, and an oracle
/// that read the sanitiser's own list would accept whatever tag that list wrongly let through.
/// A change to the sanitiser's list is meant to be made here too, by hand.
const SAFE_TAGS: &[&str] = &[
    "a",
    "b",
    "blockquote",
    "br",
    "code",
    "em",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "img",
    "li",
    "ol",
    "p",
    "pre",
    "strong",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "u",
    "ul",
];

/// Why a rendered body is unsafe to send to Intercom, or `None` when it is safe: every `<`
/// opens an allowed tag, only `href`, `src` and `alt` attributes appear, and no URL uses a
/// scheme that runs code.
pub fn unsafe_markup(html: &str) -> Option<String> {
    let mut rest = html;
    while let Some(start) = rest.find('<') {
        let after = &rest[start + 1..];
        let Some(end) = after.find('>') else {
            return Some(format!("unterminated tag at {:?}", excerpt(after)));
        };
        let tag = &after[..end];
        rest = &after[end + 1..];
        let body = tag.trim_start_matches('/').trim_end_matches('/');
        let name: String = body
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        if !SAFE_TAGS.contains(&name.as_str()) {
            return Some(format!("tag <{}> is not allowed", excerpt(tag)));
        }
        for (attribute, value) in attributes(&body[name.len()..]) {
            if !matches!(attribute.as_str(), "href" | "src" | "alt") {
                return Some(format!("attribute {attribute:?} in <{}>", excerpt(tag)));
            }
            if attribute != "alt" && runs_code(&value) {
                return Some(format!("{attribute}={value:?} runs code"));
            }
        }
    }
    None
}

/// The `name="value"` pairs of a tag (the sanitiser quotes every value with `"`).
fn attributes(text: &str) -> Vec<(String, String)> {
    let mut found = Vec::new();
    let mut rest = text.trim_start();
    while !rest.is_empty() {
        let name_end = rest
            .find(|c: char| c == '=' || c.is_whitespace())
            .unwrap_or(rest.len());
        let name = rest[..name_end].to_ascii_lowercase();
        rest = &rest[name_end..];
        let mut value = String::new();
        if let Some(after) = rest.strip_prefix("=\"") {
            let close = after.find('"').unwrap_or(after.len());
            value = after[..close].to_string();
            rest = after.get(close + 1..).unwrap_or("");
        } else if let Some(after) = rest.strip_prefix('=') {
            // An unquoted value: the sanitiser never writes one, but the oracle must read it
            // (and move on) rather than loop on it.
            let end = after.find(char::is_whitespace).unwrap_or(after.len());
            value = after[..end].to_string();
            rest = &after[end..];
        }
        found.push((name, value));
        rest = rest.trim_start();
    }
    found
}

/// Whether a URL (as written in an attribute) would run code in a browser. A browser decodes
/// the attribute, trims leading and trailing controls and spaces, and drops tabs and line breaks
/// anywhere before it reads the scheme (WHATWG URL); other characters inside the scheme make it
/// a relative URL, which runs nothing.
fn runs_code(url: &str) -> bool {
    let decoded = url
        .replace("&amp;", "&")
        .replace("&nbsp;", "\u{a0}")
        .replace("&#58;", ":")
        .replace("&colon;", ":");
    let compact: String = decoded
        .trim_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect::<String>()
        .to_ascii_lowercase();
    ["javascript:", "vbscript:", "data:", "livescript:"]
        .iter()
        .any(|scheme| compact.starts_with(scheme))
}

fn excerpt(text: &str) -> String {
    text.chars().take(60).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_checker_sees_scripts_handlers_and_code_urls() {
        assert!(unsafe_markup("<p>fine &lt;script&gt;</p><a href=\"https://x\">x</a>").is_none());
        assert!(unsafe_markup("<script>alert(1)</script>").is_some());
        assert!(unsafe_markup("<img src=\"x\" onerror=\"alert(1)\">").is_some());
        assert!(unsafe_markup("<a href=\" JaVa\tScript:alert(1)\">x</a>").is_some());
        assert!(unsafe_markup("<iframe src=\"https://x\"></iframe>").is_some());
        // A form feed inside the scheme makes a relative URL in every browser.
        assert!(unsafe_markup("<a href=\"javascri\u{c}pt:x\">x</a>").is_none());
    }

    #[test]
    fn the_sample_schema_converts() {
        let schema = sample_schema();
        assert_eq!(schema.ticket_types.len(), 4);
        assert!(!schema.custom_forms.is_empty());
    }
}
