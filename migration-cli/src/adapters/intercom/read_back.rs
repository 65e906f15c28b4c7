//! Reading records back for verification, flattened to the field names
//! [`migration_core::verify`] compares: `name`, `email`, `custom_attributes.<name>`, `title`,
//! `state`, `tags`, `source.body`, `created_at`, `parts.<n>.body|created_at|author|kind|attachments`,
//! `parts.count`, `parts.not_shown` (Intercom returns only the 500 most recent parts of a
//! thread), and a few more that reports use.
//!
//! Only replies and notes count as parts: the assignment, state and close events Intercom adds
//! are not parts the migration wrote. Intercom does not expose the bytes' checksums of uploaded
//! files (only name, type, size and an expiring URL), so each part reports its attachment count,
//! names and sizes; the simulator's stored SHA-256s are checked by the tests instead.

use std::collections::BTreeMap;

use intercom_client::{AdminId, CollectionId, Error};
use migration_core::model::destination::ObservedRecord;
use migration_core::{PortError, RecordKind};
use serde_json::Value;

use super::destination::IntercomDestination;
use super::errors::read_error;
use super::flatten::{flatten_conversation, flatten_ticket, ids};
use super::help_center::state_name;
use super::values::{flatten_custom, text_or_null};

impl IntercomDestination {
    /// The record `id` of `kind`, flattened; `None` when Intercom says it does not exist.
    pub(crate) async fn observe(
        &self,
        kind: RecordKind,
        id: &str,
    ) -> Result<Option<ObservedRecord>, PortError> {
        match self.fetch(kind, id).await {
            Ok(fields) => Ok(fields.map(|fields| ObservedRecord {
                key: None,
                id: id.to_owned(),
                fields,
            })),
            Err(error) if error.is_not_found() => Ok(None),
            Err(error) => Err(read_error(
                &format!("reading {} {id}", kind.prefix()),
                &error,
            )),
        }
    }

    async fn fetch(
        &self,
        kind: RecordKind,
        id: &str,
    ) -> Result<Option<BTreeMap<String, Value>>, Error> {
        let client = &self.client;
        let mut fields = BTreeMap::new();
        match kind {
            RecordKind::Contact => {
                flatten_contact(client.contacts().get(&id.into()).await?, &mut fields)
            }
            RecordKind::Company => {
                flatten_company(&client.companies().get(&id.into()).await?, &mut fields)
            }
            RecordKind::Conversation => {
                flatten_conversation(&client.conversations().get(&id.into()).await?, &mut fields)
            }
            RecordKind::Ticket => {
                let ticket = client.tickets().get(&id.into()).await?;
                let lists = self.lists_of(&ticket).await?;
                flatten_ticket(&ticket, &lists, &mut fields);
            }
            RecordKind::Article => flatten_article(
                &client.help_center().articles().get(&id.into()).await?,
                &mut fields,
            ),
            RecordKind::Collection => {
                let collection = client.help_center().collections().get(&id.into()).await?;
                fields.insert("name".into(), text_or_null(collection.name.as_deref()));
                fields.insert(
                    "parent_id".into(),
                    text_or_null(collection.parent_id.as_ref().map(CollectionId::as_str)),
                );
            }
            RecordKind::Tag => {
                let tag = client.tags().get(&id.into()).await?;
                fields.insert("name".into(), text_or_null(tag.name.as_deref()));
            }
            RecordKind::Admin => {
                let admin = client.admins().get(&id.into()).await?;
                fields.insert("name".into(), text_or_null(admin.name.as_deref()));
                fields.insert("email".into(), text_or_null(admin.email.as_deref()));
            }
            RecordKind::Team => {
                let team = client.teams().get(&id.into()).await?;
                fields.insert("name".into(), text_or_null(team.name.as_deref()));
            }
            RecordKind::TicketType => {
                let ticket_type = client.ticket_types().get(&id.into()).await?;
                fields.insert("name".into(), text_or_null(ticket_type.name.as_deref()));
                fields.insert(
                    "archived".into(),
                    Value::Bool(ticket_type.archived.unwrap_or(false)),
                );
            }
            RecordKind::TicketTypeAttribute => {
                let Some((type_id, attribute)) = self.find_ticket_type_attribute(id).await? else {
                    return Ok(None);
                };
                fields.insert("ticket_type_id".into(), Value::String(type_id));
                fields.insert("name".into(), text_or_null(attribute.name.as_deref()));
                fields.insert(
                    "data_type".into(),
                    text_or_null(attribute.data_type.as_deref()),
                );
                fields.insert(
                    "archived".into(),
                    Value::Bool(attribute.archived.unwrap_or(false)),
                );
            }
            RecordKind::Attribute => return self.fetch_attribute(id).await,
            RecordKind::File => {
                return Err(Error::InvalidRequest(
                    "files are read back through their part".into(),
                ))
            }
        }
        Ok(Some(fields))
    }

    /// A conversation attribute, else a contact or company data attribute, with this id.
    async fn fetch_attribute(&self, id: &str) -> Result<Option<BTreeMap<String, Value>>, Error> {
        let mut fields = BTreeMap::new();
        match self.client.conversation_attributes().get(&id.into()).await {
            Ok(attribute) => {
                fields.insert("model".into(), Value::from("conversation"));
                fields.insert("name".into(), text_or_null(attribute.name.as_deref()));
                fields.insert(
                    "archived".into(),
                    Value::Bool(attribute.archived.unwrap_or(false)),
                );
                return Ok(Some(fields));
            }
            Err(error) if error.is_not_found() => {}
            Err(error) => return Err(error),
        }
        let attributes = self.client.data_attributes().list(None, true).await?;
        let Some(attribute) = attributes
            .into_iter()
            .find(|attribute| attribute.id.as_ref().is_some_and(|own| own == id))
        else {
            return Ok(None);
        };
        fields.insert("model".into(), text_or_null(attribute.model.as_deref()));
        fields.insert("name".into(), text_or_null(attribute.name.as_deref()));
        fields.insert(
            "data_type".into(),
            text_or_null(attribute.data_type.as_deref()),
        );
        fields.insert(
            "archived".into(),
            Value::Bool(attribute.archived.unwrap_or(false)),
        );
        Ok(Some(fields))
    }

    /// The ticket type holding the attribute `id`, and the attribute (one `GET /ticket_types`).
    pub(crate) async fn find_ticket_type_attribute(
        &self,
        id: &str,
    ) -> Result<Option<(String, intercom_client::ticket_types::TicketTypeAttribute)>, Error> {
        let types = self.client.ticket_types().list().await?;
        Ok(types.into_iter().find_map(|ticket_type| {
            let type_id = ticket_type.id.into_string();
            ticket_type
                .ticket_type_attributes?
                .ticket_type_attributes
                .into_iter()
                .find(|attribute| attribute.id == id)
                .map(|attribute| (type_id, attribute))
        }))
    }
}

/// A contact's fields.
fn flatten_contact(
    contact: intercom_client::contacts::Contact,
    fields: &mut BTreeMap<String, Value>,
) {
    let role = contact
        .role
        .and_then(|role| serde_json::to_value(role).ok())
        .unwrap_or(Value::Null);
    fields.insert("role".into(), role);
    fields.insert(
        "external_id".into(),
        text_or_null(contact.external_id.as_deref()),
    );
    fields.insert("email".into(), text_or_null(contact.email.as_deref()));
    fields.insert("phone".into(), text_or_null(contact.phone.as_deref()));
    fields.insert("name".into(), text_or_null(contact.name.as_deref()));
    fields.insert(
        "signed_up_at".into(),
        contact.signed_up_at.map_or(Value::Null, Value::from),
    );
    let companies = contact
        .companies
        .map(|list| ids(list.data.into_iter().map(|item| item.id)))
        .unwrap_or_default();
    fields.insert("company_ids".into(), companies.into());
    flatten_custom(fields, &contact.custom_attributes);
}

/// A company's fields.
fn flatten_company(
    company: &intercom_client::companies::Company,
    fields: &mut BTreeMap<String, Value>,
) {
    fields.insert(
        "company_id".into(),
        text_or_null(company.company_id.as_deref()),
    );
    fields.insert("name".into(), text_or_null(company.name.as_deref()));
    fields.insert("website".into(), text_or_null(company.website.as_deref()));
    fields.insert(
        "remote_created_at".into(),
        company.remote_created_at.map_or(Value::Null, Value::from),
    );
    flatten_custom(fields, &company.custom_attributes);
}

/// An article's fields.
fn flatten_article(
    article: &intercom_client::help_center::Article,
    fields: &mut BTreeMap<String, Value>,
) {
    fields.insert("title".into(), text_or_null(article.title.as_deref()));
    fields.insert(
        "description".into(),
        text_or_null(article.description.as_deref()),
    );
    fields.insert("body".into(), text_or_null(article.body.as_deref()));
    fields.insert("state".into(), state_name(article.state.clone()));
    fields.insert(
        "author_id".into(),
        text_or_null(article.author_id.as_ref().map(AdminId::as_str)),
    );
    fields.insert(
        "parent_id".into(),
        text_or_null(article.parent_ids.first().map(CollectionId::as_str)),
    );
}
