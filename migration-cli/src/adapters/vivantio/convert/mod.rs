//! Pure conversions from `vivantio-client`'s wire records to `migration-core`'s source model.
//!
//! Nothing here talks to the network: the schema and ticket readers of this adapter
//! fetch, these functions translate. Where the core model requires a value that Vivantio may
//! leave out, the rule is: use what the request itself established (the record type or
//! priority a list was asked for), else an empty text or `false`; never a made-up name.
//! Records that cannot be represented at all (an attachment without a download key) are left
//! out with a warning in the log.

mod records;
mod schema;
mod ticket;

pub use records::{article, caller, organisation};
pub use schema::{
    agent, category, custom_form, group, legacy_field, priority, sla_target, status, ticket_type,
};
pub use ticket::{action, form_values, hydrate_ticket, sla_instance, ticket, TicketExtras};

use migration_core::model::source::SourceTime;
use serde_json::Value;
use vivantio_client::VivantioDate;

/// A Vivantio date as the core's time: zoned stays zoned, naive stays a tenant-local wall-clock
/// time (the core reads it in the tenant zone of the mapping specification).
pub fn time(date: Option<VivantioDate>) -> Option<SourceTime> {
    date.map(|date| match date {
        VivantioDate::Zoned(zoned) => SourceTime::Zoned(zoned),
        VivantioDate::Naive(naive) => SourceTime::Local(naive),
    })
}

/// A text field with empty or blank values treated as absent; other text is kept as typed.
pub fn text(value: Option<String>) -> Option<String> {
    value.filter(|text| !text.trim().is_empty())
}

/// A loosely typed wire value (`"Published"`, `3`, `null`) as text; `None` for null and blanks.
pub fn value_text(value: &Value) -> Option<String> {
    match value {
        Value::Null => None,
        Value::String(raw) => text(Some(raw.clone())),
        Value::Array(items) => {
            let parts: Vec<String> = items.iter().filter_map(value_text).collect();
            (!parts.is_empty()).then(|| parts.join(", "))
        }
        other => Some(other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn dates_keep_their_form() {
        let cases = [
            ("2024-05-01T10:37:09", "2024-05-01T10:37:09"),
            ("2024-05-01T10:37:09+02:00", "2024-05-01T10:37:09+02:00"),
            ("2024-05-01T10:37:09Z", "2024-05-01T10:37:09+00:00"),
            ("/Date(1714559829000+0100)/", "2024-05-01T11:37:09+01:00"),
        ];
        for (wire, expected) in cases {
            let date = VivantioDate::parse(wire).unwrap();
            let converted = time(date).unwrap();
            assert_eq!(converted.to_string(), expected, "{wire}");
            assert_eq!(
                matches!(converted, SourceTime::Local(_)),
                date.unwrap().is_naive(),
                "{wire}"
            );
        }
        assert_eq!(time(None), None);
    }

    #[test]
    fn naive_dates_resolve_in_the_tenant_zone_like_the_client_does() {
        let date = VivantioDate::parse("2024-05-01T10:37:09").unwrap().unwrap();
        let zone = chrono_tz::Europe::London;
        assert_eq!(
            time(Some(date)).unwrap().to_unix(zone),
            date.to_utc(zone).timestamp()
        );
    }

    #[test]
    fn texts_and_loose_values() {
        assert_eq!(text(Some("  ".into())), None);
        assert_eq!(text(Some(" a ".into())).as_deref(), Some(" a "));
        let cases = [
            (json!(null), None),
            (json!(""), None),
            (json!("Published"), Some("Published")),
            (json!(3), Some("3")),
            (json!(["vpn", "remote", ""]), Some("vpn, remote")),
            (json!([]), None),
        ];
        for (value, expected) in cases {
            assert_eq!(value_text(&value).as_deref(), expected, "{value}");
        }
    }
}
