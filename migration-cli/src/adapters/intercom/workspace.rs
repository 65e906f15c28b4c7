//! The port's [`schema`](migration_core::ports::Destination::schema): what the workspace has
//! before the migration, as the proposer and checker need it.

use migration_core::model::destination::{
    Admin, AttributeModel, AttributeType, DestinationSchema, ExistingAttribute, ExistingTicketType,
    Team,
};
use migration_core::PortError;

use super::destination::IntercomDestination;
use super::errors::reading;
use super::schema::{data_attribute_entry, named_entry};
use super::schema_requests::{list_items, wire_text};
use super::session::seed;
use super::ticket_lists::TypeAttributes;

impl IntercomDestination {
    /// Everything the proposer and checker need from the workspace (admins, teams, live and
    /// archived attributes of every model, live ticket types, tag names).
    pub(crate) async fn read_schema(&self) -> Result<DestinationSchema, PortError> {
        let client = &self.client;
        let admins = client
            .admins()
            .list()
            .await
            .map_err(reading("listing admins"))?;
        let teams = client
            .teams()
            .list()
            .await
            .map_err(reading("listing teams"))?;
        let data_attributes = client
            .data_attributes()
            .list(None, true)
            .await
            .map_err(reading("listing data attributes"))?;
        let conversation_attributes = client
            .conversation_attributes()
            .list(true)
            .await
            .map_err(reading("listing conversation attributes"))?;
        let ticket_types = client
            .ticket_types()
            .list()
            .await
            .map_err(reading("listing ticket types"))?;
        let tags = client
            .tags()
            .list()
            .await
            .map_err(reading("listing tags"))?;
        self.seed_session(
            &admins,
            &teams,
            &data_attributes,
            &conversation_attributes,
            &ticket_types,
            &tags,
        )
        .await;
        let mut attributes = Vec::new();
        for attribute in data_attributes {
            let model = match attribute.model.as_deref() {
                Some("contact") => AttributeModel::Contact,
                Some("company") => AttributeModel::Company,
                _ => continue,
            };
            let (Some(name), Some(data_type)) = (
                attribute.name,
                attribute
                    .data_type
                    .as_deref()
                    .and_then(AttributeType::from_wire),
            ) else {
                continue;
            };
            // The 2.16 response has no `options` type: a list attribute reads as a string
            // carrying its options.
            let data_type = match (&data_type, &attribute.options) {
                (AttributeType::String, options) if !options.is_empty() => AttributeType::List,
                _ => data_type,
            };
            attributes.push(ExistingAttribute {
                model,
                name,
                data_type,
                options: attribute.options,
                ticket_type: None,
                archived: attribute.archived.unwrap_or(false),
            });
        }
        for attribute in conversation_attributes {
            let data_type = attribute
                .data_type
                .and_then(|data_type| AttributeType::from_wire(&wire_text(&data_type)));
            let (Some(name), Some(data_type)) = (attribute.name, data_type) else {
                continue;
            };
            attributes.push(ExistingAttribute {
                model: AttributeModel::Conversation,
                name,
                data_type,
                options: attribute
                    .options
                    .into_iter()
                    .filter_map(|option| option.label)
                    .collect(),
                ticket_type: None,
                archived: attribute.archived.unwrap_or(false),
            });
        }
        let mut existing_types = Vec::new();
        for ticket_type in ticket_types {
            let Some(type_name) = ticket_type.name else {
                continue;
            };
            let type_attributes = ticket_type
                .ticket_type_attributes
                .map(|list| list.ticket_type_attributes)
                .unwrap_or_default();
            for attribute in type_attributes {
                let data_type = attribute
                    .data_type
                    .as_deref()
                    .and_then(AttributeType::from_wire);
                let (Some(name), Some(data_type)) = (attribute.name, data_type) else {
                    continue;
                };
                attributes.push(ExistingAttribute {
                    model: AttributeModel::Ticket,
                    name,
                    data_type,
                    options: list_items(attribute.input_options.as_ref()),
                    ticket_type: Some(type_name.clone()),
                    archived: attribute.archived.unwrap_or(false),
                });
            }
            if !ticket_type.archived.unwrap_or(false) {
                existing_types.push(ExistingTicketType {
                    id: ticket_type.id.into_string(),
                    name: type_name,
                });
            }
        }
        Ok(DestinationSchema {
            attributes,
            admins: admins
                .into_iter()
                .map(|admin| Admin {
                    id: admin.id.into_string(),
                    name: admin.name.unwrap_or_default(),
                    email: admin.email,
                })
                .collect(),
            teams: teams
                .into_iter()
                .map(|team| Team {
                    id: team.id.into_string(),
                    name: team.name.unwrap_or_default(),
                })
                .collect(),
            ticket_types: existing_types,
            tags: tags.into_iter().filter_map(|tag| tag.name).collect(),
        })
    }

    /// Keeps the lists just read for the operations of this process, which would otherwise
    /// read each again on first use: a migration reads its workspace once.
    async fn seed_session(
        &self,
        admins: &[intercom_client::admins::Admin],
        teams: &[intercom_client::teams::Team],
        data_attributes: &[intercom_client::data_attributes::DataAttribute],
        conversation_attributes: &[intercom_client::conversation_attributes::ConversationAttribute],
        ticket_types: &[intercom_client::ticket_types::TicketType],
        tags: &[intercom_client::tags::Tag],
    ) {
        let session = &self.session;
        // A list read earlier in this process stays: it may know objects created since.
        let _ = session.admins.set(
            admins
                .iter()
                .map(|admin| {
                    (
                        admin.id.to_string(),
                        admin.name.clone().unwrap_or_default(),
                        admin.email.clone(),
                    )
                })
                .collect(),
        );
        let _ = session.teams.set(
            teams
                .iter()
                .map(|team| (team.id.to_string(), team.name.clone().unwrap_or_default()))
                .collect(),
        );
        seed(
            &session.data_attributes,
            data_attributes.iter().filter_map(data_attribute_entry),
        )
        .await;
        // Archived conversation attributes do not hold their name: only live ones are kept.
        seed(
            &session.conversation_attributes,
            conversation_attributes
                .iter()
                .filter(|attribute| !attribute.archived.unwrap_or(false))
                .filter_map(|attribute| {
                    named_entry(
                        attribute.name.clone(),
                        attribute.id.to_string(),
                        attribute.archived,
                    )
                }),
        )
        .await;
        seed(
            &session.ticket_types,
            ticket_types.iter().filter_map(|ticket_type| {
                named_entry(
                    ticket_type.name.clone(),
                    ticket_type.id.to_string(),
                    ticket_type.archived,
                )
            }),
        )
        .await;
        seed(
            &session.tags,
            tags.iter()
                .filter_map(|tag| named_entry(tag.name.clone(), tag.id.to_string(), None)),
        )
        .await;
        let mut known = session.ticket_type_attributes.lock().await;
        for ticket_type in ticket_types {
            known
                .entry(ticket_type.id.to_string())
                .or_insert_with(|| TypeAttributes::from_type(ticket_type));
        }
    }
}
