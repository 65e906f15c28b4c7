//! The create requests of schema objects, from the core's attribute and ticket type
//! definitions, and the reverse readings the schema snapshot needs.

use intercom_client::conversation_attributes::{
    ConversationAttributeType, CreateConversationAttributeRequest,
};
use intercom_client::data_attributes::{
    CreateDataAttributeRequest, DataAttributeModel, DataAttributeType,
};
use intercom_client::ticket_types::{
    CreateTicketTypeAttributeRequest, TicketAttributeType, TicketCategory as WireCategory,
};
use migration_core::model::destination::{AttributeDefinition, AttributeType, TicketCategory};
use migration_core::PortError;
use serde_json::Value;

use super::errors::rejected;

/// A conversation attribute type's wire name.
pub(crate) fn wire_text(data_type: &ConversationAttributeType) -> String {
    serde_json::to_value(data_type)
        .ok()
        .and_then(|value| value.as_str().map(str::to_owned))
        .unwrap_or_default()
}

/// The labels of a list ticket attribute's `input_options` (`{"list_options": [{"label"}]}`).
pub(crate) fn list_items(input_options: Option<&Value>) -> Vec<String> {
    input_options
        .and_then(|options| options.get("list_options"))
        .and_then(Value::as_array)
        .map(|items| {
            items
                .iter()
                .filter_map(|item| item.get("label").and_then(Value::as_str).map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

pub(crate) fn wire_category(category: TicketCategory) -> WireCategory {
    match category {
        TicketCategory::Customer => WireCategory::Customer,
        TicketCategory::BackOffice => WireCategory::BackOffice,
        TicketCategory::Tracker => WireCategory::Tracker,
    }
}

/// `POST /data_attributes` for a contact or company attribute.
pub(crate) fn data_attribute_request(
    definition: &AttributeDefinition,
    model: DataAttributeModel,
) -> CreateDataAttributeRequest {
    let data_type = match definition.data_type {
        AttributeType::List => {
            let request = CreateDataAttributeRequest::options(
                &definition.name,
                model,
                definition.options.iter().cloned(),
            );
            return described(request, definition);
        }
        AttributeType::String => DataAttributeType::String,
        AttributeType::Integer => DataAttributeType::Integer,
        AttributeType::Decimal => DataAttributeType::Float,
        AttributeType::Boolean => DataAttributeType::Boolean,
        AttributeType::Date => DataAttributeType::Date,
        AttributeType::Datetime => DataAttributeType::Datetime,
    };
    described(
        CreateDataAttributeRequest::new(&definition.name, model, data_type),
        definition,
    )
}

fn described(
    request: CreateDataAttributeRequest,
    definition: &AttributeDefinition,
) -> CreateDataAttributeRequest {
    if definition.description.is_empty() {
        request
    } else {
        request.description(&definition.description)
    }
}

/// `POST /conversations/attributes`; conversations have no date type.
pub(crate) fn conversation_attribute_request(
    definition: &AttributeDefinition,
) -> Result<CreateConversationAttributeRequest, PortError> {
    let mut request = match definition.data_type {
        AttributeType::List => CreateConversationAttributeRequest::list(
            &definition.name,
            definition.options.iter().cloned(),
        ),
        AttributeType::String => CreateConversationAttributeRequest::new(
            &definition.name,
            ConversationAttributeType::String,
        ),
        AttributeType::Integer => CreateConversationAttributeRequest::new(
            &definition.name,
            ConversationAttributeType::Integer,
        ),
        AttributeType::Decimal => CreateConversationAttributeRequest::new(
            &definition.name,
            ConversationAttributeType::Decimal,
        ),
        AttributeType::Boolean => CreateConversationAttributeRequest::new(
            &definition.name,
            ConversationAttributeType::Boolean,
        ),
        AttributeType::Datetime => CreateConversationAttributeRequest::new(
            &definition.name,
            ConversationAttributeType::Datetime,
        ),
        AttributeType::Date => {
            return Err(rejected(format!(
                "conversation attribute {} cannot be a date (use datetime)",
                definition.name
            )))
        }
    };
    if !definition.description.is_empty() {
        request.description = Some(definition.description.clone());
    }
    if definition.multiline && definition.data_type == AttributeType::String {
        request.multiline = Some(true);
    }
    Ok(request)
}

/// `POST /ticket_types/{id}/attributes`; ticket attributes have no date type and need a
/// description.
pub(crate) fn ticket_attribute_request(
    definition: &AttributeDefinition,
) -> Result<CreateTicketTypeAttributeRequest, PortError> {
    let data_type = match definition.data_type {
        AttributeType::String => TicketAttributeType::String,
        AttributeType::Integer => TicketAttributeType::Integer,
        AttributeType::Decimal => TicketAttributeType::Decimal,
        AttributeType::Boolean => TicketAttributeType::Boolean,
        AttributeType::Datetime => TicketAttributeType::Datetime,
        AttributeType::List => TicketAttributeType::List,
        AttributeType::Date => {
            return Err(rejected(format!(
                "ticket attribute {} cannot be a date (use datetime)",
                definition.name
            )))
        }
    };
    let description = if definition.description.is_empty() {
        definition.name.clone()
    } else {
        definition.description.clone()
    };
    let mut request =
        CreateTicketTypeAttributeRequest::new(&definition.name, description, data_type);
    if definition.data_type == AttributeType::List {
        request.list_items = Some(definition.options.join(","));
    }
    if definition.multiline && definition.data_type == AttributeType::String {
        request.multiline = Some(true);
    }
    Ok(request)
}
#[cfg(test)]
mod tests {
    use super::*;
    use migration_core::model::destination::AttributeModel;
    use serde_json::json;

    fn definition(model: AttributeModel, data_type: AttributeType) -> AttributeDefinition {
        AttributeDefinition {
            model,
            name: "vivantio_impact".into(),
            data_type,
            description: String::new(),
            options: vec!["Low".into(), "High".into()],
            multiline: true,
        }
    }

    #[test]
    fn data_attribute_requests_use_the_people_vocabulary() {
        let list = data_attribute_request(
            &definition(AttributeModel::Contact, AttributeType::List),
            DataAttributeModel::Contact,
        );
        let wire = serde_json::to_value(&list).unwrap();
        assert_eq!(wire["data_type"], "options");
        assert_eq!(
            wire["options"],
            json!([{"value": "Low"}, {"value": "High"}])
        );
        let decimal = data_attribute_request(
            &definition(AttributeModel::Company, AttributeType::Decimal),
            DataAttributeModel::Company,
        );
        assert_eq!(
            serde_json::to_value(&decimal).unwrap()["data_type"],
            "float"
        );
    }

    #[test]
    fn conversation_and_ticket_attributes_refuse_dates() {
        let date = definition(AttributeModel::Conversation, AttributeType::Date);
        assert!(conversation_attribute_request(&date).is_err());
        assert!(ticket_attribute_request(&date).is_err());
        let string = conversation_attribute_request(&definition(
            AttributeModel::Conversation,
            AttributeType::String,
        ))
        .unwrap();
        assert_eq!(string.multiline, Some(true));
        let list =
            ticket_attribute_request(&definition(AttributeModel::Ticket, AttributeType::List))
                .unwrap();
        assert_eq!(list.list_items.as_deref(), Some("Low,High"));
        assert_eq!(list.description, "vivantio_impact");
        assert_eq!(list.multiline, None);
    }

    #[test]
    fn list_items_are_read_from_input_options() {
        let options =
            json!({"list_options": [{"id": "1", "label": "Low"}, {"id": "2", "label": "High"}]});
        assert_eq!(list_items(Some(&options)), ["Low", "High"]);
        assert!(list_items(None).is_empty());
        assert_eq!(wire_text(&ConversationAttributeType::Decimal), "decimal");
        assert_eq!(
            wire_category(TicketCategory::BackOffice),
            WireCategory::BackOffice
        );
    }
}
