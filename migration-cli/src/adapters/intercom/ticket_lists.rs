//! The attributes of each ticket type as this process knows them, and what list attributes
//! need: a label the migration writes becomes its list item's id, an id read back becomes the
//! label again.
//!
//! "When setting ticket type attributes of the list attribute type, the key should be the
//! attribute name and the value of the attribute should be the list item id, obtainable by
//! listing the ticket type" (OpenAPI 2.16, `ticket_request_custom_attributes`,
//! `api.intercom.io.yaml` line 34169). `POST /tickets` and `PUT /tickets/{id}` (rollback's
//! restores included) therefore send item ids. The reference does not say whether a read
//! returns the id or the label, so a read accepts both: an id is shown as its label, anything
//! else as it is.
//!
//! `ticket_type_cache.rs` reads and keeps these per ticket type for the process.

use std::collections::HashMap;

use intercom_client::common::CustomAttributes;
use intercom_client::ticket_types::{TicketType, TicketTypeAttribute};
use serde_json::Value;

use super::name_index::KnownObject;
use super::values::name_key;

/// Intercom's ticket attribute holding the title.
pub(crate) const TITLE_ATTRIBUTE: &str = "_default_title_";
/// Intercom's ticket attribute holding the description.
pub(crate) const DESCRIPTION_ATTRIBUTE: &str = "_default_description_";
/// The before-image field naming the ticket type whose items its list values belong to.
pub(crate) const TICKET_TYPE_FIELD: &str = "ticket_type_id";

/// One item of a list attribute.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ListItem {
    /// What a ticket write sends.
    pub(crate) id: String,
    /// What the migration and people call it.
    pub(crate) label: String,
    /// Archived items take no new values.
    pub(crate) archived: bool,
}

/// One attribute of a ticket type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct KnownAttribute {
    /// Its id and whether it is archived.
    pub(crate) object: KnownObject,
    /// Its items, when it is a list attribute.
    pub(crate) items: Option<Vec<ListItem>>,
}

/// The attributes of one ticket type, by lowercase name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct TypeAttributes {
    /// The type's name, for error messages.
    type_name: Option<String>,
    attributes: HashMap<String, KnownAttribute>,
    /// Read again after a write named something it did not have (at most once a process).
    reread: bool,
}

/// Why a list value has no item id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ListMiss {
    /// No item of the attribute has that label or id.
    Unknown {
        attribute: String,
        value: String,
        labels: Vec<String>,
    },
    /// Only an archived item has that label.
    Archived { attribute: String, value: String },
}

impl ListMiss {
    /// The refusal, naming the ticket type, the attribute and the value.
    pub(crate) fn describe(&self, ticket_type: &str) -> String {
        match self {
            ListMiss::Unknown {
                attribute,
                value,
                labels,
            } => {
                const SHOWN: usize = 10;
                let mut known = labels
                    .iter()
                    .take(SHOWN)
                    .map(|label| format!("'{label}'"))
                    .collect::<Vec<_>>();
                if labels.len() > SHOWN {
                    known.push(format!("and {} more", labels.len() - SHOWN));
                }
                format!(
                    "ticket type {ticket_type}: list attribute {attribute} has no item '{value}' \
                     (its items: {}); Intercom takes a list item's id, so the value cannot be sent",
                    known.join(", ")
                )
            }
            ListMiss::Archived { attribute, value } => format!(
                "ticket type {ticket_type}: item '{value}' of list attribute {attribute} is archived"
            ),
        }
    }
}

impl TypeAttributes {
    /// The attributes a ticket type was read with.
    pub(crate) fn from_type(ticket_type: &TicketType) -> Self {
        let mut known = Self {
            type_name: ticket_type.name.clone(),
            ..Self::default()
        };
        for attribute in ticket_type
            .ticket_type_attributes
            .iter()
            .flat_map(|list| &list.ticket_type_attributes)
        {
            if let Some(name) = &attribute.name {
                known.learn(name, attribute);
            }
        }
        known
    }

    /// Whether a ticket type read carried its attributes (a ticket's `ticket_type` may not).
    pub(crate) fn lists_attributes(ticket_type: &TicketType) -> bool {
        ticket_type
            .ticket_type_attributes
            .as_ref()
            .is_some_and(|list| !list.ticket_type_attributes.is_empty())
    }

    /// Records `attribute` (read, created or unarchived) under `name`.
    pub(crate) fn learn(&mut self, name: &str, attribute: &TicketTypeAttribute) {
        let is_list = attribute.data_type.as_deref() == Some("list");
        let known = KnownAttribute {
            object: KnownObject {
                id: attribute.id.to_string(),
                archived: attribute.archived.unwrap_or(false),
            },
            items: is_list.then(|| list_options(attribute.input_options.as_ref())),
        };
        self.attributes.insert(name_key(name), known);
    }

    /// The attribute named `name` (any case).
    pub(crate) fn get(&self, name: &str) -> Option<&KnownAttribute> {
        self.attributes.get(&name_key(name))
    }

    /// Whether the type lacks a custom attribute `attributes` names.
    fn lacks_any(&self, attributes: &CustomAttributes) -> bool {
        attributes
            .keys()
            .any(|name| is_custom(name) && self.get(name).is_none())
    }

    /// Whether `attributes` name an attribute or list label this read of the type lacks, so
    /// that reading the type again may find it; a read that was itself such a re-read never is.
    pub(crate) fn is_stale_for(&self, attributes: &CustomAttributes) -> bool {
        !self.reread && (self.lacks_any(attributes) || self.item_ids(attributes).is_err())
    }

    /// This read, marked as the re-read a stale one asked for.
    pub(crate) fn marked_reread(self) -> Self {
        Self {
            reread: true,
            ..self
        }
    }

    /// The type as refusals name it: `name (id)`, or the id when its name is unknown.
    pub(crate) fn describe_type(&self, type_id: &str) -> String {
        match &self.type_name {
            Some(name) => format!("{name} ({type_id})"),
            None => type_id.to_owned(),
        }
    }

    /// `attributes` with every list value as item ids: a label becomes its item's id, an item
    /// id and `null` stay, arrays (attributes allowing several values) are translated item by
    /// item. Attributes the type does not have, and those that are no lists, are left as they
    /// are.
    pub(crate) fn item_ids(
        &self,
        attributes: &CustomAttributes,
    ) -> Result<CustomAttributes, ListMiss> {
        attributes
            .iter()
            .map(|(name, value)| {
                let translated = match self.get(name).and_then(|known| known.items.as_deref()) {
                    Some(items) => item_value(name, items, value)?,
                    None => value.clone(),
                };
                Ok((name.clone(), translated))
            })
            .collect()
    }

    /// Shows every list value that is an item id as the item's label; other values (labels,
    /// if Intercom answers with them) stay as they are.
    pub(crate) fn show_labels(&self, attributes: &mut CustomAttributes) {
        for (name, value) in attributes.iter_mut() {
            if let Some(items) = self.get(name).and_then(|known| known.items.as_deref()) {
                relabel(items, value);
            }
        }
    }
}

/// The value to send for one list attribute.
fn item_value(attribute: &str, items: &[ListItem], value: &Value) -> Result<Value, ListMiss> {
    match value {
        Value::Null => Ok(Value::Null),
        Value::Array(values) => values
            .iter()
            .map(|value| item_value(attribute, items, value))
            .collect::<Result<Vec<_>, _>>()
            .map(Value::Array),
        Value::String(text) => item_id(attribute, items, text).map(Value::String),
        other => item_id(attribute, items, &other.to_string()).map(Value::String),
    }
}

/// The id of the item `text` names: an item id as it is, else the live item with that label.
fn item_id(attribute: &str, items: &[ListItem], text: &str) -> Result<String, ListMiss> {
    if items.iter().any(|item| item.id == text) {
        return Ok(text.to_owned());
    }
    let labelled = || items.iter().filter(|item| item.label == text);
    if let Some(live) = labelled().find(|item| !item.archived) {
        return Ok(live.id.clone());
    }
    if labelled().next().is_some() {
        return Err(ListMiss::Archived {
            attribute: attribute.to_owned(),
            value: text.to_owned(),
        });
    }
    Err(ListMiss::Unknown {
        attribute: attribute.to_owned(),
        value: text.to_owned(),
        labels: items
            .iter()
            .filter(|item| !item.archived)
            .map(|item| item.label.clone())
            .collect(),
    })
}

/// Replaces item ids in `value` (one, or an array) by their labels.
fn relabel(items: &[ListItem], value: &mut Value) {
    match value {
        Value::Array(values) => values.iter_mut().for_each(|value| relabel(items, value)),
        Value::String(text) => {
            if let Some(item) = items.iter().find(|item| item.id == *text) {
                *text = item.label.clone();
            }
        }
        _ => {}
    }
}

/// The items of a list attribute's `input_options` (`{"list_options": [{id, label, archived}]}`).
pub(crate) fn list_options(input_options: Option<&Value>) -> Vec<ListItem> {
    let options = input_options
        .and_then(|options| options.get("list_options"))
        .and_then(Value::as_array);
    options
        .into_iter()
        .flatten()
        .filter_map(|option| {
            let id = match option.get("id")? {
                Value::String(id) => id.clone(),
                Value::Number(id) => id.to_string(),
                _ => return None,
            };
            Some(ListItem {
                id,
                label: option.get("label")?.as_str()?.to_owned(),
                archived: option
                    .get("archived")
                    .and_then(Value::as_bool)
                    .unwrap_or(false),
            })
        })
        .collect()
}

/// Whether `attributes` names any attribute besides the title and description, the only ones
/// that need no ticket type to be written.
pub(crate) fn names_custom(attributes: &CustomAttributes) -> bool {
    attributes.keys().any(|name| is_custom(name))
}

/// Whether `name` is an attribute besides the title and description every ticket type has.
fn is_custom(name: &str) -> bool {
    name != TITLE_ATTRIBUTE && name != DESCRIPTION_ATTRIBUTE
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn ticket_type() -> TicketType {
        serde_json::from_value(json!({
            "id": "10000001", "name": "Bug",
            "ticket_type_attributes": {"ticket_type_attributes": [
                {"id": "1", "name": "_default_title_", "data_type": "string"},
                {"id": "2", "name": "vivantio_priority", "data_type": "list", "input_options": {
                    "list_options": [
                        {"id": "de1825a0-0164-4070-8ca6-13e22462fa7e", "label": "High", "archived": false},
                        {"id": "77", "label": "Low", "archived": false},
                        {"id": "78", "label": "Old", "archived": true}
                    ]}},
                {"id": "3", "name": "areas", "data_type": "list", "input_options": {
                    "list_options": [{"id": "a1", "label": "Web"}, {"id": "a2", "label": "Mail"}],
                    "allow_multiple_values": true}},
                {"id": "4", "name": "vivantio_id", "data_type": "integer"}
            ]}
        }))
        .unwrap()
    }

    fn attributes(value: Value) -> CustomAttributes {
        value.as_object().unwrap().clone()
    }

    #[test]
    fn labels_become_item_ids_and_ids_pass_through() {
        let known = TypeAttributes::from_type(&ticket_type());
        let sent = known
            .item_ids(&attributes(json!({
                "_default_title_": "Printer", "vivantio_priority": "High", "vivantio_id": 7
            })))
            .unwrap();
        assert_eq!(
            Value::Object(sent),
            json!({"_default_title_": "Printer", "vivantio_priority": "de1825a0-0164-4070-8ca6-13e22462fa7e", "vivantio_id": 7})
        );
        let ids = attributes(json!({"vivantio_priority": "77", "areas": null}));
        assert_eq!(known.item_ids(&ids).unwrap(), ids, "ids and nulls stay");
        let other_case = attributes(json!({"VIVANTIO_PRIORITY": "Low"}));
        assert_eq!(
            known.item_ids(&other_case).unwrap()["VIVANTIO_PRIORITY"],
            json!("77"),
            "attribute names match in any case, as Intercom's do"
        );
    }

    #[test]
    fn several_values_are_translated_one_by_one() {
        let known = TypeAttributes::from_type(&ticket_type());
        let sent = known
            .item_ids(&attributes(json!({"areas": ["Mail", "a1"]})))
            .unwrap();
        assert_eq!(sent["areas"], json!(["a2", "a1"]));
        let mut read = attributes(json!({"areas": ["a2", "a1"], "vivantio_priority": "Low"}));
        known.show_labels(&mut read);
        assert_eq!(
            Value::Object(read),
            json!({"areas": ["Mail", "Web"], "vivantio_priority": "Low"})
        );
    }

    #[test]
    fn a_label_the_attribute_lacks_is_refused_by_name() {
        let known = TypeAttributes::from_type(&ticket_type());
        let miss = known
            .item_ids(&attributes(json!({"vivantio_priority": "Urgent"})))
            .unwrap_err();
        assert_eq!(
            miss,
            ListMiss::Unknown {
                attribute: "vivantio_priority".into(),
                value: "Urgent".into(),
                labels: vec!["High".into(), "Low".into()],
            }
        );
        let text = miss.describe("Bug (10000001)");
        assert!(
            text.contains("Bug (10000001)")
                && text.contains("vivantio_priority")
                && text.contains("Urgent"),
            "{text}"
        );
        let archived = known
            .item_ids(&attributes(json!({"vivantio_priority": "Old"})))
            .unwrap_err();
        assert!(matches!(archived, ListMiss::Archived { .. }));
        assert!(known
            .item_ids(&attributes(json!({"areas": ["Web", "Fax"]})))
            .is_err());
    }

    #[test]
    fn ids_read_back_show_as_labels_and_labels_stay() {
        let known = TypeAttributes::from_type(&ticket_type());
        let mut read = attributes(json!({
            "vivantio_priority": "de1825a0-0164-4070-8ca6-13e22462fa7e", "vivantio_id": 77, "unknown": "77"
        }));
        known.show_labels(&mut read);
        assert_eq!(
            Value::Object(read),
            json!({"vivantio_priority": "High", "vivantio_id": 77, "unknown": "77"})
        );
    }

    #[test]
    fn only_custom_attributes_need_the_ticket_type() {
        assert!(!names_custom(&attributes(
            json!({"_default_title_": "x", "_default_description_": "y"})
        )));
        assert!(names_custom(&attributes(json!({"vivantio_id": 1}))));
        let known = TypeAttributes::from_type(&ticket_type());
        assert!(known.lacks_any(&attributes(json!({"colour": "red"}))));
        assert!(known.is_stale_for(&attributes(json!({"colour": "red"}))));
        assert!(known.is_stale_for(&attributes(json!({"vivantio_priority": "Urgent"}))));
        assert!(!known.is_stale_for(&attributes(json!({"vivantio_priority": "High"}))));
        assert!(
            !known
                .clone()
                .marked_reread()
                .is_stale_for(&attributes(json!({"colour": "red"}))),
            "a re-read is not read again"
        );
        assert_eq!(known.describe_type("10000001"), "Bug (10000001)");
        assert_eq!(TypeAttributes::default().describe_type("7"), "7");
        assert!(!known.lacks_any(&attributes(
            json!({"vivantio_id": 1, "_default_description_": "y"})
        )));
        assert!(
            list_options(Some(&json!({"list_options": [{"id": 5, "label": "Five"}]})))
                .iter()
                .any(|item| item.id == "5" && !item.archived)
        );
    }
}
