//! Organisations, callers and knowledge-base articles.

use migration_core::model::source as core;
use vivantio_client::articles::Article;
use vivantio_client::callers::Caller;
use vivantio_client::clients::Organisation;

use super::{text, time, value_text};

/// An organisation with the custom form values read for it.
pub fn organisation(
    record: Organisation,
    custom_values: Vec<core::FieldValue>,
) -> core::Organisation {
    core::Organisation {
        id: record.id.get(),
        reference: text(record.reference),
        name: text(record.name).unwrap_or_default(),
        website: text(record.web_site),
        email: text(record.email),
        email_suffix: text(record.email_suffix),
        notes: text(record.notes),
        external_key: text(record.external_key),
        created_at: time(record.created_date),
        updated_at: time(record.update_date),
        deleted: record.deleted.unwrap_or(false),
        custom_values,
    }
}

/// A caller with the custom form values read for it. Emails are kept as typed (the core
/// decides what a usable one is).
pub fn caller(record: Caller, custom_values: Vec<core::FieldValue>) -> core::Caller {
    core::Caller {
        id: record.id.get(),
        name: text(record.name),
        first_name: text(record.first_name),
        last_name: text(record.last_name),
        email: text(record.email),
        phone: text(record.phone),
        client_id: record.client_id.map(i64::from).filter(|id| *id != 0),
        location_name: text(record.location_name),
        notes: text(record.notes),
        external_key: text(record.external_key),
        created_at: time(record.create_date),
        updated_at: time(record.update_date),
        deleted: record.deleted.unwrap_or(false),
        custom_values,
    }
}

/// A knowledge-base article; keywords sent as a list become one comma-separated text.
pub fn article(record: Article) -> core::Article {
    core::Article {
        id: record.id.get(),
        title: text(record.title).unwrap_or_default(),
        body_html: record.body_html.unwrap_or_default(),
        summary: text(record.summary),
        category_id: record.category_id.map(i64::from),
        status: value_text(&record.status),
        language: text(record.language),
        author_id: record.author_id.map(i64::from),
        is_public: record.is_public.unwrap_or(false),
        keywords: value_text(&record.keywords),
        created_at: time(record.created_date),
        updated_at: time(record.update_date),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use migration_core::model::source::SourceTime;
    use serde_json::json;

    #[test]
    fn organisation_fields() {
        let record: Organisation = serde_json::from_value(json!({
            "Id": 101, "Reference": "HARB", "Name": "Harbour Logistics Ltd",
            "WebSite": "harbourlogistics.co.uk", "Email": "", "EmailSuffix": "harbourlogistics.co.uk",
            "CreatedDate": "2021-03-01T09:00:00", "UpdateDate": "0001-01-01T00:00:00", "Deleted": null
        }))
        .unwrap();
        let values = vec![core::FieldValue {
            field_id: 1,
            value: json!("x"),
        }];
        let converted = organisation(record, values.clone());
        assert_eq!(converted.name, "Harbour Logistics Ltd");
        assert_eq!(converted.website.as_deref(), Some("harbourlogistics.co.uk"));
        assert_eq!(converted.email, None);
        assert_eq!(
            converted.created_at,
            SourceTime::parse("2021-03-01T09:00:00").unwrap()
        );
        assert_eq!(converted.updated_at, None, "year 1 means no date");
        assert!(!converted.deleted);
        assert_eq!(converted.custom_values, values);
    }

    #[test]
    fn callers_without_email_and_deleted_callers_survive() {
        let cases = [
            (
                json!({"Id": 1007, "Name": "Front Desk", "Email": null}),
                None,
                false,
            ),
            (
                json!({"Id": 1015, "Email": "", "FirstName": "Jürgen", "LastName": "Groß"}),
                None,
                false,
            ),
            (
                json!({"Id": 1037, "Email": "Oliver.Grant@Example.com ", "Deleted": true, "ClientId": 0}),
                Some("Oliver.Grant@Example.com "),
                true,
            ),
        ];
        for (record, email, deleted) in cases {
            let converted = caller(serde_json::from_value(record.clone()).unwrap(), Vec::new());
            assert_eq!(converted.email.as_deref(), email, "{record}");
            assert_eq!(converted.deleted, deleted, "{record}");
            assert_eq!(converted.client_id, None, "{record}");
        }
        let named = caller(
            serde_json::from_value(json!({"Id": 1015, "FirstName": "Jürgen", "LastName": "Groß"}))
                .unwrap(),
            Vec::new(),
        );
        assert_eq!(named.display_name().as_deref(), Some("Jürgen Groß"));
    }

    #[test]
    fn article_status_and_keywords_in_any_form() {
        let cases = [
            (
                json!({"Status": "Published", "Keywords": "vpn, remote"}),
                Some("Published"),
                Some("vpn, remote"),
            ),
            (
                json!({"Status": 2, "Keywords": ["vpn", "remote"]}),
                Some("2"),
                Some("vpn, remote"),
            ),
            (json!({"Status": null, "Keywords": null}), None, None),
        ];
        for (extra, status, keywords) in cases {
            let mut record = json!({"Id": 4001, "Title": "VPN einrichten", "BodyHtml": "<p>Schritt 1</p>", "IsPublic": true});
            record
                .as_object_mut()
                .unwrap()
                .extend(extra.as_object().unwrap().clone());
            let converted = article(serde_json::from_value(record).unwrap());
            assert_eq!(converted.status.as_deref(), status);
            assert_eq!(converted.keywords.as_deref(), keywords);
            assert_eq!(
                (converted.title.as_str(), converted.is_public),
                ("VPN einrichten", true)
            );
            assert_eq!(converted.body_html, "<p>Schritt 1</p>");
        }
    }
}
