//! The port's [`schema`](migration_core::ports::Destination::schema): what the workspace has
//! before the migration, as the proposer and checker need it.

use migration_core::model::destination::{
    Admin, AttributeModel, AttributeType, DestinationSchema, ExistingAttribute, ExistingTicketType,
    Team,
};
use migration_core::PortError;

use super::destination::IntercomDestination;
use super::errors::reading;
use super::schema_requests::{list_items, wire_text};

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
}
