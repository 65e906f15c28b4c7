//! The attributes of each ticket type, kept for the process in
//! [`Session::ticket_type_attributes`](super::session::Session): ticket writes need their list
//! items' ids, ticket reads their labels (see [`ticket_lists`](super::ticket_lists)).
//!
//! The items come with the ticket type, which the process mostly has at hand: `GET
//! /ticket_types` read by the checks, the answer to a ticket type's or an attribute's create,
//! the `ticket_type` every ticket read carries. Otherwise `GET /ticket_types/{id}` is read once
//! per type and process (a resumed process has not run the schema stage), and once more when a
//! write names an attribute or label the type did not have, in case it changed since.

use intercom_client::common::CustomAttributes;
use intercom_client::tickets::Ticket;
use migration_core::PortError;
use serde_json::Value;

use super::destination::IntercomDestination;
use super::errors::{reading, rejected};
use super::ticket_lists::{names_custom, TypeAttributes, TICKET_TYPE_FIELD};

impl IntercomDestination {
    /// `attributes` of a ticket of type `type_id`, ready to write: list values as item ids.
    /// A label the attribute does not have is refused, naming type, attribute and value.
    pub(crate) async fn with_item_ids(
        &self,
        type_id: &str,
        attributes: CustomAttributes,
    ) -> Result<CustomAttributes, PortError> {
        if !names_custom(&attributes) {
            return Ok(attributes);
        }
        let mut indexes = self.session.ticket_type_attributes.lock().await;
        if !indexes.contains_key(type_id) {
            let known = self.read_type_attributes(type_id).await?;
            indexes.insert(type_id.to_owned(), known);
        }
        let stale = indexes
            .get(type_id)
            .is_some_and(|known| known.is_stale_for(&attributes));
        if stale {
            let known = self.read_type_attributes(type_id).await?;
            indexes.insert(type_id.to_owned(), known.marked_reread());
        }
        let known = indexes.entry(type_id.to_owned()).or_default();
        known
            .item_ids(&attributes)
            .map_err(|miss| rejected(miss.describe(&known.describe_type(type_id))))
    }

    /// The attributes of the type of `ticket`, to show its list values: the ones it was read
    /// with, else those this process knows (read once per type if need be).
    pub(crate) async fn lists_of(
        &self,
        ticket: &Ticket,
    ) -> Result<TypeAttributes, intercom_client::Error> {
        let Some(ticket_type) = &ticket.ticket_type else {
            return Ok(TypeAttributes::default());
        };
        let type_id = ticket_type.id.as_str();
        let mut indexes = self.session.ticket_type_attributes.lock().await;
        if TypeAttributes::lists_attributes(ticket_type) {
            let known = TypeAttributes::from_type(ticket_type);
            indexes
                .entry(type_id.to_owned())
                .or_insert_with(|| known.clone());
            return Ok(known);
        }
        if let Some(known) = indexes.get(type_id) {
            return Ok(known.clone());
        }
        let known = self.type_attributes(type_id).await?;
        indexes.insert(type_id.to_owned(), known.clone());
        Ok(known)
    }

    /// The type of ticket `id`: remembered from its create, else named by its before-image,
    /// else read (`GET /tickets/{id}`, only when neither is at hand).
    pub(crate) async fn ticket_type_of(
        &self,
        id: &str,
        previous: &std::collections::BTreeMap<String, Value>,
    ) -> Result<String, PortError> {
        if let Some(type_id) = self.session.created_ticket_type(id) {
            return Ok(type_id);
        }
        if let Some(type_id) = previous.get(TICKET_TYPE_FIELD).and_then(Value::as_str) {
            return Ok(type_id.to_owned());
        }
        let ticket = self
            .client
            .tickets()
            .get(&id.into())
            .await
            .map_err(reading(format!("reading ticket {id} for its ticket type")))?;
        let type_id = ticket
            .ticket_type
            .as_ref()
            .map(|ticket_type| ticket_type.id.to_string())
            .ok_or_else(|| rejected(format!("ticket {id} shows no ticket type")))?;
        if let Some(ticket_type) = &ticket.ticket_type {
            if TypeAttributes::lists_attributes(ticket_type) {
                let mut indexes = self.session.ticket_type_attributes.lock().await;
                indexes
                    .entry(type_id.clone())
                    .or_insert_with(|| TypeAttributes::from_type(ticket_type));
            }
        }
        Ok(type_id)
    }

    /// `GET /ticket_types/{id}`, indexed.
    pub(crate) async fn read_type_attributes(
        &self,
        type_id: &str,
    ) -> Result<TypeAttributes, PortError> {
        self.type_attributes(type_id)
            .await
            .map_err(reading(format!("reading ticket type {type_id}")))
    }

    async fn type_attributes(
        &self,
        type_id: &str,
    ) -> Result<TypeAttributes, intercom_client::Error> {
        let ticket_type = self.client.ticket_types().get(&type_id.into()).await?;
        Ok(TypeAttributes::from_type(&ticket_type))
    }
}
