//! The signatures reconciliation recognises a lost write by: a record untouched since its
//! creation, a conversation's contact, time and opening, a part's time, kind, author and body.

use intercom_client::companies::Company;
use intercom_client::contacts::Contact;
use intercom_client::conversations::Conversation;
use intercom_client::Timestamp;
use migration_core::model::destination::{
    CompanyRecord, ContactRecord, ConversationOpening, PartAuthor, PartKind, PartRecord,
};

use super::flatten::ObservedPart;
use super::values::{author_kind, body_words};

/// Seconds within which `created_at` and `updated_at` count as the same instant.
const SAME_INSTANT: i64 = 2;

/// Whether a record was never changed after it was created.
fn untouched(created_at: Option<Timestamp>, updated_at: Option<Timestamp>) -> bool {
    matches!((created_at, updated_at), (Some(created), Some(updated)) if (updated.unix() - created.unix()).abs() <= SAME_INSTANT)
}

/// Whether `found` is the company a lost upsert of `company` created.
pub(crate) fn company_created_as(found: &Company, company: &CompanyRecord) -> bool {
    untouched(found.created_at, found.updated_at)
        && found.name.as_deref() == Some(company.name.as_str())
}

/// Whether `found` is the contact a lost create of `contact` made.
pub(crate) fn contact_created_as(found: &Contact, contact: &ContactRecord) -> bool {
    let same_email = match (&contact.email, &found.email) {
        (Some(wanted), Some(own)) => wanted.eq_ignore_ascii_case(own),
        (Some(_), None) => false,
        (None, _) => true,
    };
    untouched(found.created_at, found.updated_at) && same_email
}

/// Whether `conversation` was opened by `contact_id` with this opening.
pub(crate) fn conversation_matches(
    conversation: &Conversation,
    contact_id: &str,
    opening: &ConversationOpening,
) -> bool {
    let Some(source) = &conversation.source else {
        return false;
    };
    let author = source
        .author
        .as_ref()
        .and_then(|author| author.id.as_ref())
        .is_some_and(|id| id == contact_id);
    let contact = conversation
        .contacts
        .as_ref()
        .is_some_and(|list| list.contacts.iter().any(|own| own.id == contact_id));
    let body = source
        .body
        .as_deref()
        .is_some_and(|body| body_words(body) == body_words(&opening.body));
    conversation.created_at == Some(opening.created_at.into()) && (author || contact) && body
}

/// Whether an observed part is `part`, written by `author_id`.
pub(crate) fn part_matches(observed: &ObservedPart, part: &PartRecord, author_id: &str) -> bool {
    let kind = match part.kind {
        PartKind::Comment => "comment",
        PartKind::Note => "note",
    };
    let author = match part.author {
        PartAuthor::Admin(_) => "admin",
        PartAuthor::Contact(_) => "user",
    };
    observed.created_at == Some(part.created_at)
        && observed.kind == kind
        && author_kind(observed.author_type.as_deref()) == author
        && observed.author_id.as_deref() == Some(author_id)
        && observed
            .body
            .as_deref()
            .is_some_and(|body| body_words(body) == body_words(&part.body_html))
}

#[cfg(test)]
mod tests {
    use super::*;
    use migration_core::model::destination::ContactRole;
    use migration_core::RecordKey;
    use serde_json::json;

    fn opening() -> ConversationOpening {
        ConversationOpening {
            contact: RecordKey::contact(5),
            body: "My printer jams".into(),
            created_at: 1_600_000_000,
        }
    }

    #[test]
    fn conversations_match_on_contact_time_and_body() {
        let conversation: Conversation = serde_json::from_value(json!({
            "id": "7000001", "created_at": 1_600_000_000,
            "source": {"body": "<p>My printer  jams</p>", "author": {"type": "user", "id": "1000001"}},
            "contacts": {"contacts": [{"id": "1000001"}]}
        }))
        .unwrap();
        assert!(conversation_matches(&conversation, "1000001", &opening()));
        assert!(!conversation_matches(&conversation, "1000002", &opening()));
        let mut later = opening();
        later.created_at += 1;
        assert!(!conversation_matches(&conversation, "1000001", &later));
        let mut other = opening();
        other.body = "Something else".into();
        assert!(!conversation_matches(&conversation, "1000001", &other));
    }

    #[test]
    fn parts_match_on_time_kind_author_and_body() {
        let observed = ObservedPart {
            id: "9000001".into(),
            kind: "note".into(),
            body: Some("<p>Checked the logs</p>".into()),
            created_at: Some(1_600_000_100),
            author_type: Some("admin".into()),
            author_id: Some("991267001".into()),
            attachments: vec![],
        };
        let part = PartRecord {
            author: PartAuthor::Admin(RecordKey::admin(1)),
            kind: PartKind::Note,
            body_html: "Checked the logs".into(),
            created_at: 1_600_000_100,
            attachments: vec![],
        };
        assert!(part_matches(&observed, &part, "991267001"));
        assert!(!part_matches(&observed, &part, "991267002"));
        let comment = PartRecord {
            kind: PartKind::Comment,
            ..part.clone()
        };
        assert!(!part_matches(&observed, &comment, "991267001"));
    }

    #[test]
    fn only_untouched_records_count_as_created_by_a_lost_write() {
        let company = CompanyRecord {
            company_id: "42".into(),
            name: "Acme".into(),
            website: None,
            remote_created_at: None,
            custom_attributes: Default::default(),
        };
        let fresh: Company = serde_json::from_value(
            json!({"id": "1", "name": "Acme", "created_at": 100, "updated_at": 101}),
        )
        .unwrap();
        let edited: Company = serde_json::from_value(
            json!({"id": "1", "name": "Acme", "created_at": 100, "updated_at": 900}),
        )
        .unwrap();
        assert!(company_created_as(&fresh, &company));
        assert!(!company_created_as(&edited, &company));
        let contact = ContactRecord {
            role: ContactRole::User,
            external_id: "vivantio-caller-1".into(),
            email: Some("ada@example.com".into()),
            phone: None,
            name: None,
            signed_up_at: None,
            custom_attributes: Default::default(),
        };
        let created: Contact = serde_json::from_value(
            json!({"id": "1", "email": "Ada@example.com", "created_at": 5, "updated_at": 5}),
        )
        .unwrap();
        assert!(contact_created_as(&created, &contact));
        let other: Contact = serde_json::from_value(
            json!({"id": "1", "email": "bob@example.com", "created_at": 5, "updated_at": 5}),
        )
        .unwrap();
        assert!(!contact_created_as(&other, &contact));
    }
}
