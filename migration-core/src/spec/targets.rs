//! Every destination attribute a specification writes to, with where it comes from.

use crate::model::destination::{AttributeModel, AttributeType};
use crate::model::source::{SourceSchema, CALLER_RECORD_TYPE, CLIENT_RECORD_TYPE};

use super::dimensions::dimension_attributes;
use super::document::MappingSpec;
use super::policies::SlaMode;
use super::rules::{LegacyDecision, SourceField, TargetModel, ThreadTarget};

/// Where the values of a thread attribute land: a conversation attribute, or the attribute of
/// one Intercom ticket type.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ThreadPlace {
    /// Conversation attribute.
    Conversation,
    /// Attribute of the named Intercom ticket type.
    TicketType(String),
}

/// One attribute the specification writes to.
#[derive(Debug, Clone, PartialEq)]
pub struct AttributeTarget {
    /// Where in the specification it is decided (`fields[2]`, `sla`, `priority`).
    pub origin: String,
    /// Object.
    pub model: AttributeModel,
    /// Ticket type, for ticket attributes.
    pub ticket_type: Option<String>,
    /// Name.
    pub name: String,
    /// Type.
    pub data_type: AttributeType,
    /// Options, for lists.
    pub options: Vec<String>,
    /// Whether the text has several lines.
    pub multiline: bool,
    /// Description for Intercom.
    pub description: String,
}

/// The places a ticket of `record_type_id` lands, or every place the spec uses when `None`.
pub fn thread_places(spec: &MappingSpec, record_type_id: Option<i64>) -> Vec<ThreadPlace> {
    let mut places: Vec<ThreadPlace> = spec
        .ticket_types
        .iter()
        .filter(|rule| record_type_id.is_none_or(|id| rule.source_id == id))
        .map(|rule| match rule.target {
            ThreadTarget::Conversation => ThreadPlace::Conversation,
            ThreadTarget::Ticket => ThreadPlace::TicketType(
                rule.intercom_ticket_type
                    .clone()
                    .unwrap_or_else(|| rule.source_name.clone()),
            ),
        })
        .collect();
    places.sort();
    places.dedup();
    places
}

fn place_model(place: &ThreadPlace) -> (AttributeModel, Option<String>) {
    match place {
        ThreadPlace::Conversation => (AttributeModel::Conversation, None),
        ThreadPlace::TicketType(name) => (AttributeModel::Ticket, Some(name.clone())),
    }
}

/// Every attribute the specification writes to (one entry per model and ticket type).
pub fn attribute_targets(spec: &MappingSpec, schema: &SourceSchema) -> Vec<AttributeTarget> {
    let mut targets = Vec::new();
    let mut push = |origin: String,
                    places: Vec<(AttributeModel, Option<String>)>,
                    name: &str,
                    data_type: AttributeType,
                    options: &[String],
                    multiline: bool,
                    description: String| {
        for (model, ticket_type) in places {
            targets.push(AttributeTarget {
                origin: origin.clone(),
                model,
                ticket_type,
                name: name.to_string(),
                data_type,
                options: options.to_vec(),
                multiline,
                description: description.clone(),
            });
        }
    };
    let all_threads: Vec<_> = thread_places(spec, None).iter().map(place_model).collect();
    for attribute in dimension_attributes(spec, schema) {
        push(
            attribute.dimension.table().into(),
            all_threads.clone(),
            &attribute.name,
            AttributeType::List,
            &attribute.options,
            false,
            attribute.dimension.description().into(),
        );
    }
    for (index, rule) in spec.fields.iter().enumerate() {
        let places = match rule.model {
            TargetModel::Contact => vec![(AttributeModel::Contact, None)],
            TargetModel::Company => vec![(AttributeModel::Company, None)],
            TargetModel::Thread => match rule.source {
                SourceField::Custom(field_id) => {
                    let record_types: Vec<i64> = schema
                        .custom_fields()
                        .filter(|(_, field)| field.id == field_id)
                        .map(|(form, _)| form.record_type_id)
                        .collect();
                    if record_types.is_empty() {
                        all_threads.clone()
                    } else {
                        let mut places: Vec<_> = record_types
                            .into_iter()
                            .flat_map(|id| thread_places(spec, Some(id)))
                            .collect();
                        places.sort();
                        places.dedup();
                        places.iter().map(place_model).collect()
                    }
                }
                SourceField::Builtin(_) => all_threads.clone(),
            },
        };
        let multiline = matches!(rule.transform, super::rules::Transform::MultilineText);
        push(
            format!("fields[{index}]"),
            places,
            &rule.attribute,
            rule.data_type,
            &rule.options,
            multiline,
            format!(
                "Vivantio {}",
                rule.label
                    .clone()
                    .unwrap_or_else(|| rule.source.to_string())
            ),
        );
    }
    for (index, rule) in spec.legacy_fields.iter().enumerate() {
        if rule.decision != LegacyDecision::Remap {
            continue;
        }
        let (Some(name), Some(data_type)) = (&rule.attribute, rule.data_type) else {
            continue;
        };
        let record_type = schema
            .legacy_fields
            .iter()
            .find(|field| field.id == rule.source_id)
            .map(|field| field.record_type_id);
        let places = match record_type {
            Some(CALLER_RECORD_TYPE) => vec![(AttributeModel::Contact, None)],
            Some(CLIENT_RECORD_TYPE) => vec![(AttributeModel::Company, None)],
            Some(id) if !thread_places(spec, Some(id)).is_empty() => thread_places(spec, Some(id))
                .iter()
                .map(place_model)
                .collect(),
            _ => all_threads.clone(),
        };
        push(
            format!("legacy_fields[{index}]"),
            places,
            name,
            data_type,
            &[],
            false,
            format!("Vivantio legacy field {}", rule.source_name),
        );
    }
    if spec.sla.mode == SlaMode::Attributes {
        for stage in schema.sla_stage_names() {
            for (suffix, data_type) in [
                ("target", AttributeType::Datetime),
                ("completed", AttributeType::Datetime),
                ("breached", AttributeType::Boolean),
            ] {
                push(
                    "sla".into(),
                    all_threads.clone(),
                    &sla_attribute_name(&spec.sla.attribute_prefix, &stage, suffix),
                    data_type,
                    &[],
                    false,
                    format!("Vivantio SLA stage {stage}: {suffix}"),
                );
            }
        }
    }
    if !spec.parent_child.reference_attribute.is_empty() {
        push(
            "parent_child.reference_attribute".into(),
            all_threads.clone(),
            &spec.parent_child.reference_attribute,
            AttributeType::String,
            &[],
            false,
            "Vivantio parent ticket number".into(),
        );
    }
    if !spec.contacts.unparsed_phone_attribute.is_empty() {
        push(
            "contacts.unparsed_phone_attribute".into(),
            vec![(AttributeModel::Contact, None)],
            &spec.contacts.unparsed_phone_attribute,
            AttributeType::String,
            &[],
            false,
            "Vivantio phone number that is not E.164".into(),
        );
    }
    targets
}

/// The attribute name for one SLA stage value (`vivantio_sla_first_response_target`).
pub fn sla_attribute_name(prefix: &str, stage: &str, suffix: &str) -> String {
    let stage = super::names::words(stage).join("_");
    format!("{prefix}_{stage}_{suffix}")
}
