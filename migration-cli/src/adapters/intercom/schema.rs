//! Schema operations: data and conversation attributes, ticket types and their attributes,
//! tags.
//!
//! "Ensure" means: use the live object of that name if the workspace has one (`Matched`),
//! unarchive it if it is archived (`Updated`, so rollback archives it again), else create it.
//! The lists are read once per process (one call per kind, one per ticket type). A ticket
//! type's attributes are kept with their list items, which ticket writes need (see
//! [`ticket_lists`](super::ticket_lists)).

use std::collections::{BTreeMap, HashMap};
use std::future::Future;

use intercom_client::data_attributes::{DataAttributeModel, UpdateDataAttributeRequest};
use intercom_client::ticket_types::{
    CreateTicketTypeRequest, UpdateTicketTypeAttributeRequest, UpdateTicketTypeRequest,
};
use intercom_client::{DataAttributeId, TicketTypeAttributeId, TicketTypeId};
use migration_core::model::destination::{
    AttributeDefinition, AttributeModel, TicketTypeDefinition,
};
use migration_core::ports::{ExecutionOutcome, WriteEffect};
use migration_core::PortError;
use serde_json::Value;

use super::destination::{outcome, updated, IntercomDestination};
use super::errors::{reading, rejected, writing};
use super::name_index::{find_in, remember_in, KnownObject, NameIndex};
use super::schema_requests::{
    conversation_attribute_request, data_attribute_request, ticket_attribute_request, wire_category,
};
use super::ticket_lists::TypeAttributes;
use super::values::name_key;

impl IntercomDestination {
    pub(crate) async fn ensure_attribute(
        &self,
        definition: &AttributeDefinition,
    ) -> Result<ExecutionOutcome, PortError> {
        match definition.model {
            AttributeModel::Contact | AttributeModel::Company => self.ensure_data_attribute(definition).await,
            AttributeModel::Conversation => self.ensure_conversation_attribute(definition).await,
            AttributeModel::Ticket => Err(rejected(format!(
                "ticket attribute {} has no ticket type; ticket attributes are ensured on their ticket type",
                definition.name
            ))),
        }
    }

    async fn ensure_data_attribute(
        &self,
        definition: &AttributeDefinition,
    ) -> Result<ExecutionOutcome, PortError> {
        let model = if definition.model == AttributeModel::Contact {
            DataAttributeModel::Contact
        } else {
            DataAttributeModel::Company
        };
        let key = format!(
            "{}:{}",
            definition.model.as_str(),
            name_key(&definition.name)
        );
        let index = &self.session.data_attributes;
        let found = find_in(index, &key, || self.load_data_attributes()).await?;
        if let Some(existing) = found {
            let request = UpdateDataAttributeRequest {
                archived: Some(false),
                ..Default::default()
            };
            let unarchive = async {
                self.client
                    .data_attributes()
                    .update(&DataAttributeId::from(&existing.id), &request)
                    .await
            };
            let what = format!("data attribute {}", definition.name);
            return match_or_unarchive(index, &key, &existing, &what, unarchive).await;
        }
        let request = data_attribute_request(definition, model);
        let created = self
            .client
            .data_attributes()
            .create(&request)
            .await
            .map_err(writing(format!(
                "creating {} attribute {}",
                definition.model.as_str(),
                definition.name
            )))?;
        let id = created
            .id
            .map(|id| id.into_string())
            .unwrap_or_else(|| definition.name.clone());
        Ok(record_created(index, &key, id).await)
    }

    async fn load_data_attributes(&self) -> Result<HashMap<String, KnownObject>, PortError> {
        let listing = async { self.client.data_attributes().list(None, true).await };
        index_listing(listing, "listing data attributes", |attribute| {
            data_attribute_entry(&attribute)
        })
        .await
    }

    async fn ensure_conversation_attribute(
        &self,
        definition: &AttributeDefinition,
    ) -> Result<ExecutionOutcome, PortError> {
        let key = name_key(&definition.name);
        let index = &self.session.conversation_attributes;
        let listing = async { self.client.conversation_attributes().list(false).await };
        let found = find_in(index, &key, || {
            index_listing(listing, "listing conversation attributes", |attribute| {
                named_entry(
                    attribute.name,
                    attribute.id.into_string(),
                    attribute.archived,
                )
            })
        })
        .await?;
        // Archived conversation attributes do not hold their name, so only a live one matches.
        if let Some(existing) = found.filter(|existing| !existing.archived) {
            return Ok(outcome(existing.id, WriteEffect::Matched));
        }
        let request = conversation_attribute_request(definition)?;
        let created = self
            .client
            .conversation_attributes()
            .create(&request)
            .await
            .map_err(writing(format!(
                "creating conversation attribute {}",
                definition.name
            )))?;
        let id = created.id.into_string();
        Ok(record_created(index, &key, id).await)
    }

    pub(crate) async fn ensure_ticket_type(
        &self,
        definition: &TicketTypeDefinition,
    ) -> Result<ExecutionOutcome, PortError> {
        let key = name_key(&definition.name);
        let index = &self.session.ticket_types;
        let listing = async { self.client.ticket_types().list().await };
        let found = find_in(index, &key, || {
            index_listing(listing, "listing ticket types", |ticket_type| {
                named_entry(
                    ticket_type.name,
                    ticket_type.id.into_string(),
                    ticket_type.archived,
                )
            })
        })
        .await?;
        if let Some(existing) = found {
            let request = UpdateTicketTypeRequest {
                archived: Some(false),
                ..Default::default()
            };
            let unarchive = async {
                self.client
                    .ticket_types()
                    .update(&TicketTypeId::from(&existing.id), &request)
                    .await
            };
            let what = format!("ticket type {}", definition.name);
            return match_or_unarchive(index, &key, &existing, &what, unarchive).await;
        }
        let request = CreateTicketTypeRequest {
            name: definition.name.clone(),
            description: Some(definition.description.clone()).filter(|text| !text.is_empty()),
            category: Some(wire_category(definition.category)),
            ..Default::default()
        };
        let created = self
            .client
            .ticket_types()
            .create(&request)
            .await
            .map_err(writing(format!("creating ticket type {}", definition.name)))?;
        // The answer lists the new type's attributes: its own attributes need no read.
        self.session
            .ticket_type_attributes
            .lock()
            .await
            .insert(created.id.to_string(), TypeAttributes::from_type(&created));
        let id = created.id.into_string();
        Ok(record_created(index, &key, id).await)
    }

    pub(crate) async fn ensure_ticket_type_attribute(
        &self,
        ticket_type_id: &str,
        definition: &AttributeDefinition,
    ) -> Result<ExecutionOutcome, PortError> {
        let mut indexes = self.session.ticket_type_attributes.lock().await;
        if !indexes.contains_key(ticket_type_id) {
            let known = self.read_type_attributes(ticket_type_id).await?;
            indexes.insert(ticket_type_id.to_owned(), known);
        }
        let index = indexes.entry(ticket_type_id.to_owned()).or_default();
        let existing = index
            .get(&definition.name)
            .map(|known| known.object.clone());
        // Each answer describes the attribute with its list items, so the index stays complete
        // for the tickets written after it without another read.
        if let Some(existing) = existing {
            if !existing.archived {
                return Ok(outcome(existing.id, WriteEffect::Matched));
            }
            let request = UpdateTicketTypeAttributeRequest {
                archived: Some(false),
                ..Default::default()
            };
            let unarchived = self
                .client
                .ticket_types()
                .update_attribute(
                    &ticket_type_id.into(),
                    &TicketTypeAttributeId::from(&existing.id),
                    &request,
                )
                .await
                .map_err(writing(format!(
                    "unarchiving ticket attribute {}",
                    definition.name
                )))?;
            index.learn(&definition.name, &unarchived);
            return Ok(updated(existing.id, archived_before()));
        }
        let request = ticket_attribute_request(definition)?;
        let created = self
            .client
            .ticket_types()
            .create_attribute(&ticket_type_id.into(), &request)
            .await
            .map_err(writing(format!(
                "creating ticket attribute {}",
                definition.name
            )))?;
        index.learn(&definition.name, &created);
        Ok(outcome(created.id.into_string(), WriteEffect::Created))
    }

    pub(crate) async fn ensure_tag(&self, name: &str) -> Result<ExecutionOutcome, PortError> {
        let key = name_key(name);
        let index = &self.session.tags;
        let listing = async { self.client.tags().list().await };
        let found = find_in(index, &key, || {
            index_listing(listing, "listing tags", |tag| {
                named_entry(tag.name, tag.id.into_string(), None)
            })
        })
        .await?;
        if let Some(existing) = found {
            return Ok(outcome(existing.id, WriteEffect::Matched));
        }
        // `POST /tags` answers with the existing tag when the name is taken, so a tag created
        // since the list was read is matched rather than duplicated.
        let tag = self
            .client
            .tags()
            .create(name)
            .await
            .map_err(writing(format!("creating tag {name}")))?;
        let id = tag.id.into_string();
        Ok(record_created(index, &key, id).await)
    }
}

/// Uses a live object as it is, or unarchives an archived one with `unarchive` and records it
/// as live; `what` names the object for the error message.
async fn match_or_unarchive<T>(
    index: &NameIndex,
    key: &str,
    existing: &KnownObject,
    what: &str,
    unarchive: impl Future<Output = Result<T, intercom_client::Error>>,
) -> Result<ExecutionOutcome, PortError> {
    if !existing.archived {
        return Ok(outcome(existing.id.clone(), WriteEffect::Matched));
    }
    unarchive
        .await
        .map_err(writing(format!("unarchiving {what}")))?;
    remember_in(index, key, live(&existing.id)).await;
    // The before-image lets rollback archive it again.
    Ok(updated(existing.id.clone(), archived_before()))
}

/// Records an object the run just created under `key` and reports its creation.
async fn record_created(index: &NameIndex, key: &str, id: String) -> ExecutionOutcome {
    remember_in(index, key, live(&id)).await;
    outcome(id, WriteEffect::Created)
}

/// Reads one list of workspace objects and indexes the ones `entry` keeps; `context` says what
/// was being read when the list fails.
async fn index_listing<T>(
    listing: impl Future<Output = Result<Vec<T>, intercom_client::Error>>,
    context: impl Into<String>,
    entry: impl FnMut(T) -> Option<(String, KnownObject)>,
) -> Result<HashMap<String, KnownObject>, PortError> {
    let items = listing.await.map_err(reading(context))?;
    Ok(items.into_iter().filter_map(entry).collect())
}

/// The index entry of a contact or company data attribute, keyed by `model:name`.
pub(crate) fn data_attribute_entry(
    attribute: &intercom_client::data_attributes::DataAttribute,
) -> Option<(String, KnownObject)> {
    let model = attribute.model.as_deref()?;
    let name = attribute.name.as_deref()?;
    let id = attribute
        .id
        .as_ref()
        .map(|id| id.to_string())
        .unwrap_or_else(|| name.to_owned());
    let known = KnownObject {
        id,
        archived: attribute.archived.unwrap_or(false),
    };
    Some((format!("{model}:{}", name_key(name)), known))
}

/// The index entry of a listed object, keyed by its name; objects without a name are skipped.
pub(crate) fn named_entry(
    name: Option<String>,
    id: String,
    archived: Option<bool>,
) -> Option<(String, KnownObject)> {
    let name = name?;
    let known = KnownObject {
        id,
        archived: archived.unwrap_or(false),
    };
    Some((name_key(&name), known))
}

/// A known object that is not archived.
fn live(id: &str) -> KnownObject {
    KnownObject {
        id: id.to_owned(),
        archived: false,
    }
}

/// The before-image of an object the run unarchived.
fn archived_before() -> BTreeMap<String, Value> {
    BTreeMap::from([("archived".to_owned(), Value::Bool(true))])
}
