//! The port's [`schema`](migration_core::ports::Destination::schema): what the workspace has
//! before the migration, as the proposer and checker need it.

use intercom_client::conversation_attributes::ConversationAttribute;
use intercom_client::data_attributes::DataAttribute;
use intercom_client::ticket_types::TicketType;
use migration_core::model::destination::{
    Admin, AttributeModel, AttributeType, DestinationSchema, ExistingAttribute, ExistingTicketType,
    Team,
};
use migration_core::PortError;

use super::destination::IntercomDestination;
use super::errors::reading;
use super::name_index::seed;
use super::schema::{data_attribute_entry, named_entry};
use super::schema_requests::{list_items, wire_text};
use super::ticket_lists::TypeAttributes;

/// The workspace's lists, as read.
struct WorkspaceLists {
    admins: Vec<intercom_client::admins::Admin>,
    teams: Vec<intercom_client::teams::Team>,
    data_attributes: Vec<DataAttribute>,
    conversation_attributes: Vec<ConversationAttribute>,
    ticket_types: Vec<TicketType>,
    tags: Vec<intercom_client::tags::Tag>,
}

impl IntercomDestination {
    /// Everything the proposer and checker need from the workspace (admins, teams, live and
    /// archived attributes of every model, live ticket types, tag names).
    pub(crate) async fn read_schema(&self) -> Result<DestinationSchema, PortError> {
        let lists = self.read_lists().await?;
        self.seed_session(&lists).await;
        let mut attributes: Vec<ExistingAttribute> = lists
            .data_attributes
            .into_iter()
            .filter_map(existing_data_attribute)
            .collect();
        attributes.extend(
            lists
                .conversation_attributes
                .into_iter()
                .filter_map(existing_conversation_attribute),
        );
        let mut ticket_types = Vec::new();
        for ticket_type in lists.ticket_types {
            ticket_types.extend(add_ticket_type(ticket_type, &mut attributes));
        }
        Ok(DestinationSchema {
            attributes,
            admins: lists
                .admins
                .into_iter()
                .map(|admin| Admin {
                    id: admin.id.into_string(),
                    name: admin.name.unwrap_or_default(),
                    email: admin.email,
                })
                .collect(),
            teams: lists
                .teams
                .into_iter()
                .map(|team| Team {
                    id: team.id.into_string(),
                    name: team.name.unwrap_or_default(),
                })
                .collect(),
            ticket_types,
            tags: lists.tags.into_iter().filter_map(|tag| tag.name).collect(),
        })
    }

    /// Lists admins, teams, data attributes, conversation attributes, ticket types and tags,
    /// archived ones included.
    async fn read_lists(&self) -> Result<WorkspaceLists, PortError> {
        let client = &self.client;
        Ok(WorkspaceLists {
            admins: client
                .admins()
                .list()
                .await
                .map_err(reading("listing admins"))?,
            teams: client
                .teams()
                .list()
                .await
                .map_err(reading("listing teams"))?,
            data_attributes: client
                .data_attributes()
                .list(None, true)
                .await
                .map_err(reading("listing data attributes"))?,
            conversation_attributes: client
                .conversation_attributes()
                .list(true)
                .await
                .map_err(reading("listing conversation attributes"))?,
            ticket_types: client
                .ticket_types()
                .list()
                .await
                .map_err(reading("listing ticket types"))?,
            tags: client
                .tags()
                .list()
                .await
                .map_err(reading("listing tags"))?,
        })
    }

    /// Keeps the admins and teams just read, unless this process read them before.
    fn seed_people(
        &self,
        admins: &[intercom_client::admins::Admin],
        teams: &[intercom_client::teams::Team],
    ) {
        let _ = self.session.admins.set(
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
        let _ = self.session.teams.set(
            teams
                .iter()
                .map(|team| (team.id.to_string(), team.name.clone().unwrap_or_default()))
                .collect(),
        );
    }

    /// Keeps the lists just read for the operations of this process, which would otherwise
    /// read each again on first use: a migration reads its workspace once.
    async fn seed_session(&self, lists: &WorkspaceLists) {
        let WorkspaceLists {
            admins,
            teams,
            data_attributes,
            conversation_attributes,
            ticket_types,
            tags,
        } = lists;
        // A list read earlier in this process stays: it may know objects created since.
        self.seed_people(admins, teams);
        let session = &self.session;
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

/// A contact or company attribute as the checker knows it (none for other models, or without a
/// name or a known type).
fn existing_data_attribute(attribute: DataAttribute) -> Option<ExistingAttribute> {
    let model = match attribute.model.as_deref() {
        Some("contact") => AttributeModel::Contact,
        Some("company") => AttributeModel::Company,
        _ => return None,
    };
    let name = attribute.name?;
    let data_type = attribute
        .data_type
        .as_deref()
        .and_then(AttributeType::from_wire)?;
    // The 2.16 response has no `options` type: a list attribute reads as a string carrying its
    // options.
    let data_type = match (&data_type, &attribute.options) {
        (AttributeType::String, options) if !options.is_empty() => AttributeType::List,
        _ => data_type,
    };
    Some(ExistingAttribute {
        model,
        name,
        data_type,
        options: attribute.options,
        ticket_type: None,
        archived: attribute.archived.unwrap_or(false),
    })
}

/// A conversation attribute as the checker knows it (none without a name or a known type).
fn existing_conversation_attribute(attribute: ConversationAttribute) -> Option<ExistingAttribute> {
    let data_type = attribute
        .data_type
        .and_then(|data_type| AttributeType::from_wire(&wire_text(&data_type)));
    let (Some(name), Some(data_type)) = (attribute.name, data_type) else {
        return None;
    };
    Some(ExistingAttribute {
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
    })
}

/// Adds the attributes of `ticket_type` to `attributes`; the type itself when it is live (a
/// type without a name adds nothing).
fn add_ticket_type(
    ticket_type: TicketType,
    attributes: &mut Vec<ExistingAttribute>,
) -> Option<ExistingTicketType> {
    let type_name = ticket_type.name?;
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
    (!ticket_type.archived.unwrap_or(false)).then(|| ExistingTicketType {
        id: ticket_type.id.into_string(),
        name: type_name,
    })
}
