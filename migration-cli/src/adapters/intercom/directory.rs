//! Directory operations: company upserts, contact upserts, company links and contact tags.
//!
//! * A company is looked up by `company_id` first, so an existing one is reported as
//!   `Updated` with its previous values (rollback restores them, never deletes it).
//! * A contact is created in one call; a 409 means a user with that email or external id
//!   exists: it is read (its before-image), then updated, and reported as `Updated`.

use std::collections::BTreeMap;

use intercom_client::companies::{Company, UpsertCompanyRequest};
use intercom_client::contacts::{Contact, ContactRequest};
use intercom_client::{ContactId, Error};
use migration_core::model::destination::{CompanyRecord, ContactRecord, ContactRole};
use migration_core::ports::{ExecutionOutcome, WriteEffect};
use migration_core::PortError;
use serde_json::Value;

use super::destination::{outcome, updated, IntercomDestination};
use super::errors::{reading, rejected, write_error, writing};
use super::values::{custom_attributes, previous_custom, text_or_null};

impl IntercomDestination {
    pub(crate) async fn upsert_company(
        &self,
        company: &CompanyRecord,
    ) -> Result<ExecutionOutcome, PortError> {
        let existing = self
            .client
            .companies()
            .find_by_company_id(&company.company_id)
            .await
            .map_err(reading(format!(
                "looking up company {}",
                company.company_id
            )))?;
        let saved = self
            .client
            .companies()
            .upsert(&company_request(company))
            .await
            .map_err(writing(format!("upserting company {}", company.company_id)))?;
        let id = saved.id.into_string();
        Ok(match existing {
            Some(before) => updated(id, company_previous(&before, company)),
            None => outcome(id, WriteEffect::Created),
        })
    }

    pub(crate) async fn upsert_contact(
        &self,
        contact: &ContactRecord,
    ) -> Result<ExecutionOutcome, PortError> {
        let request = contact_request(contact);
        let existing_id = match self.client.contacts().create(&request).await {
            Ok(created) => return Ok(outcome(created.id.into_string(), WriteEffect::Created)),
            Err(Error::Conflict {
                existing_id: Some(id),
                ..
            }) => id.into_string(),
            Err(Error::Conflict {
                existing_id: None, ..
            }) => self
                .client
                .contacts()
                .find_by_external_id(&contact.external_id)
                .await
                .map_err(reading(format!(
                    "looking up contact {}",
                    contact.external_id
                )))?
                .map(|found| found.id.into_string())
                .ok_or_else(|| {
                    rejected(format!(
                        "contact {} conflicts with an existing user that Intercom did not name",
                        contact.external_id
                    ))
                })?,
            Err(error) => {
                return Err(write_error(
                    &format!("creating contact {}", contact.external_id),
                    &error,
                ))
            }
        };
        let before = self
            .client
            .contacts()
            .get(&ContactId::from(&existing_id))
            .await
            .map_err(reading(format!("reading contact {existing_id}")))?;
        let mut update = request;
        update.role = None;
        if before
            .external_id
            .as_deref()
            .is_some_and(|own| own != contact.external_id)
        {
            // Their external id belongs to the workspace's own integration: keep it.
            tracing::warn!(contact = %existing_id, "matched contact keeps its own external id");
            update.external_id = None;
        }
        self.client
            .contacts()
            .update(&ContactId::from(&existing_id), &update)
            .await
            .map_err(writing(format!("updating matched contact {existing_id}")))?;
        Ok(updated(existing_id, contact_previous(&before, contact)))
    }

    pub(crate) async fn attach_contact(
        &self,
        contact_id: &str,
        company_id: &str,
    ) -> Result<ExecutionOutcome, PortError> {
        self.client
            .contacts()
            .attach_company(&contact_id.into(), &company_id.into())
            .await
            .map_err(writing(format!(
                "attaching contact {contact_id} to company {company_id}"
            )))?;
        Ok(ExecutionOutcome {
            destination: None,
            effect: WriteEffect::Added,
        })
    }

    pub(crate) async fn tag_contact(
        &self,
        contact_id: &str,
        tag_id: &str,
    ) -> Result<ExecutionOutcome, PortError> {
        self.client
            .tags()
            .tag_contact(&contact_id.into(), &tag_id.into())
            .await
            .map_err(writing(format!("tagging contact {contact_id}")))?;
        Ok(ExecutionOutcome {
            destination: None,
            effect: WriteEffect::Added,
        })
    }
}

/// `POST /companies` for a company record.
pub(crate) fn company_request(company: &CompanyRecord) -> UpsertCompanyRequest {
    let mut request = UpsertCompanyRequest::new(&company.company_id, &company.name);
    request.website = company.website.clone();
    request.remote_created_at = company.remote_created_at.map(Into::into);
    if !company.custom_attributes.is_empty() {
        request.custom_attributes = Some(custom_attributes(&company.custom_attributes));
    }
    request
}

/// The values an upsert of `record` overwrites on `before`.
pub(crate) fn company_previous(
    before: &Company,
    record: &CompanyRecord,
) -> BTreeMap<String, Value> {
    let mut previous = previous_custom(&before.custom_attributes, record.custom_attributes.keys());
    previous.insert(
        "company_id".into(),
        Value::String(record.company_id.clone()),
    );
    previous.insert("name".into(), text_or_null(before.name.as_deref()));
    if record.website.is_some() {
        previous.insert("website".into(), text_or_null(before.website.as_deref()));
    }
    if record.remote_created_at.is_some() {
        previous.insert(
            "remote_created_at".into(),
            before.remote_created_at.map_or(Value::Null, Value::from),
        );
    }
    previous
}

/// `POST /contacts` for a contact record (the same body updates a matched contact).
pub(crate) fn contact_request(contact: &ContactRecord) -> ContactRequest {
    let mut request = match contact.role {
        ContactRole::User => ContactRequest::user(&contact.external_id),
        ContactRole::Lead => {
            let mut lead = ContactRequest::lead();
            lead.external_id = Some(contact.external_id.clone());
            lead
        }
    };
    request.email = contact.email.clone();
    request.phone = contact.phone.clone();
    request.name = contact.name.clone();
    request.signed_up_at = contact.signed_up_at.map(Into::into);
    if !contact.custom_attributes.is_empty() {
        request.custom_attributes = Some(custom_attributes(&contact.custom_attributes));
    }
    request
}

/// The values an update with `record` overwrites on `before`.
pub(crate) fn contact_previous(
    before: &Contact,
    record: &ContactRecord,
) -> BTreeMap<String, Value> {
    let mut previous = previous_custom(&before.custom_attributes, record.custom_attributes.keys());
    previous.insert(
        "external_id".into(),
        text_or_null(before.external_id.as_deref()),
    );
    let optional = [
        ("email", record.email.is_some(), before.email.as_deref()),
        ("phone", record.phone.is_some(), before.phone.as_deref()),
        ("name", record.name.is_some(), before.name.as_deref()),
    ];
    for (field, overwritten, value) in optional {
        if overwritten {
            previous.insert(field.into(), text_or_null(value));
        }
    }
    if record.signed_up_at.is_some() {
        previous.insert(
            "signed_up_at".into(),
            before.signed_up_at.map_or(Value::Null, Value::from),
        );
    }
    previous
}

#[cfg(test)]
mod tests {
    use super::*;
    use migration_core::model::destination::AttributeValue;
    use serde_json::json;

    fn company_record() -> CompanyRecord {
        CompanyRecord {
            company_id: "42".into(),
            name: "Acme".into(),
            website: Some("https://acme.example".into()),
            remote_created_at: Some(1_500_000_000),
            custom_attributes: [("tier".to_string(), AttributeValue::String("gold".into()))].into(),
        }
    }

    #[test]
    fn company_requests_carry_the_historical_creation_time() {
        let wire = serde_json::to_value(company_request(&company_record())).unwrap();
        assert_eq!(
            wire,
            json!({"company_id": "42", "name": "Acme", "website": "https://acme.example",
                "remote_created_at": 1_500_000_000, "custom_attributes": {"tier": "gold"}})
        );
    }

    #[test]
    fn company_before_images_name_every_overwritten_field() {
        let before: Company = serde_json::from_value(json!({
            "id": "2000001", "company_id": "42", "name": "Acme Old", "custom_attributes": {"tier": "silver"}
        }))
        .unwrap();
        let previous = company_previous(&before, &company_record());
        assert_eq!(previous["name"], json!("Acme Old"));
        assert_eq!(previous["website"], Value::Null);
        assert_eq!(previous["remote_created_at"], Value::Null);
        assert_eq!(previous["custom_attributes.tier"], json!("silver"));
        assert_eq!(previous["company_id"], json!("42"));
    }

    #[test]
    fn contact_requests_keep_the_role_and_before_images_only_touched_fields() {
        let record = ContactRecord {
            role: ContactRole::Lead,
            external_id: "vivantio-caller-7".into(),
            email: None,
            phone: Some("+441234567890".into()),
            name: Some("Ada".into()),
            signed_up_at: None,
            custom_attributes: Default::default(),
        };
        let wire = serde_json::to_value(contact_request(&record)).unwrap();
        assert_eq!(
            wire,
            json!({"role": "lead", "external_id": "vivantio-caller-7", "phone": "+441234567890", "name": "Ada"})
        );
        let before: Contact =
            serde_json::from_value(json!({"id": "1000001", "name": "Old", "email": "a@b.co"}))
                .unwrap();
        let previous = contact_previous(&before, &record);
        assert_eq!(previous["name"], json!("Old"));
        assert_eq!(previous["phone"], Value::Null);
        assert!(!previous.contains_key("email"), "email is not overwritten");
    }
}
