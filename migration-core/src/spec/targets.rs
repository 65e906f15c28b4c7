//! Every destination attribute a specification writes to, with where it comes from.

use crate::model::destination::{AttributeModel, AttributeType};
use crate::model::source::{SourceSchema, CALLER_RECORD_TYPE, CLIENT_RECORD_TYPE};

use super::dimensions::dimension_attributes;
use super::document::MappingSpec;
use super::policies::SlaMode;
use super::rules::{LegacyDecision, SourceField, TargetModel, ThreadTarget, Transform};

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

/// The models (and ticket types) an attribute lands on.
type Places = Vec<(AttributeModel, Option<String>)>;

/// One attribute a decision of the specification asks for, before it is spread over the
/// places it lands.
struct Wanted {
    origin: String,
    places: Places,
    name: String,
    data_type: AttributeType,
    options: Vec<String>,
    multiline: bool,
    description: String,
}

impl Wanted {
    /// A single-line attribute without options.
    fn plain(
        origin: impl Into<String>,
        places: Places,
        name: impl Into<String>,
        data_type: AttributeType,
        description: impl Into<String>,
    ) -> Self {
        Self {
            origin: origin.into(),
            places,
            name: name.into(),
            data_type,
            options: Vec::new(),
            multiline: false,
            description: description.into(),
        }
    }

    /// One target per place.
    fn spread(self, targets: &mut Vec<AttributeTarget>) {
        for (model, ticket_type) in self.places {
            targets.push(AttributeTarget {
                origin: self.origin.clone(),
                model,
                ticket_type,
                name: self.name.clone(),
                data_type: self.data_type,
                options: self.options.clone(),
                multiline: self.multiline,
                description: self.description.clone(),
            });
        }
    }
}

/// Every attribute the specification writes to (one entry per model and ticket type).
pub fn attribute_targets(spec: &MappingSpec, schema: &SourceSchema) -> Vec<AttributeTarget> {
    let all_threads: Places = thread_places(spec, None).iter().map(place_model).collect();
    let wanted = dimension_lists(spec, schema, &all_threads)
        .chain(field_attributes(spec, schema, &all_threads))
        .chain(legacy_attributes(spec, schema, &all_threads))
        .chain(sla_attributes(spec, schema, &all_threads))
        .chain(setting_attributes(spec, &all_threads));
    let mut targets = Vec::new();
    for attribute in wanted {
        attribute.spread(&mut targets);
    }
    targets
}

/// The priority, category and origin lists, on every thread.
fn dimension_lists<'a>(
    spec: &'a MappingSpec,
    schema: &'a SourceSchema,
    all_threads: &'a Places,
) -> impl Iterator<Item = Wanted> + 'a {
    dimension_attributes(spec, schema)
        .into_iter()
        .map(|attribute| Wanted {
            origin: attribute.dimension.table().into(),
            places: all_threads.clone(),
            name: attribute.name,
            data_type: AttributeType::List,
            options: attribute.options,
            multiline: false,
            description: attribute.dimension.description().into(),
        })
}

/// The `[[fields]]` rules.
fn field_attributes<'a>(
    spec: &'a MappingSpec,
    schema: &'a SourceSchema,
    all_threads: &'a Places,
) -> impl Iterator<Item = Wanted> + 'a {
    spec.fields.iter().enumerate().map(|(index, rule)| {
        let places = match (rule.model, rule.source) {
            (TargetModel::Contact, _) => vec![(AttributeModel::Contact, None)],
            (TargetModel::Company, _) => vec![(AttributeModel::Company, None)],
            (TargetModel::Thread, SourceField::Custom(field_id)) => {
                custom_field_places(spec, schema, field_id, all_threads)
            }
            (TargetModel::Thread, SourceField::Builtin(_)) => all_threads.clone(),
        };
        let label = rule
            .label
            .clone()
            .unwrap_or_else(|| rule.source.to_string());
        Wanted {
            origin: format!("fields[{index}]"),
            places,
            name: rule.attribute.clone(),
            data_type: rule.data_type,
            options: rule.options.clone(),
            multiline: matches!(rule.transform, Transform::MultilineText),
            description: format!("Vivantio {label}"),
        }
    })
}

/// The threads of the ticket types whose forms carry custom field `field_id`; every thread
/// when no form does.
fn custom_field_places(
    spec: &MappingSpec,
    schema: &SourceSchema,
    field_id: i64,
    all_threads: &Places,
) -> Places {
    let record_types: Vec<i64> = schema
        .custom_fields()
        .filter(|(_, field)| field.id == field_id)
        .map(|(form, _)| form.record_type_id)
        .collect();
    if record_types.is_empty() {
        return all_threads.clone();
    }
    let mut places: Vec<_> = record_types
        .into_iter()
        .flat_map(|id| thread_places(spec, Some(id)))
        .collect();
    places.sort();
    places.dedup();
    places.iter().map(place_model).collect()
}

/// The legacy fields remapped to an attribute, on the record their field belongs to.
fn legacy_attributes<'a>(
    spec: &'a MappingSpec,
    schema: &'a SourceSchema,
    all_threads: &'a Places,
) -> impl Iterator<Item = Wanted> + 'a {
    spec.legacy_fields
        .iter()
        .enumerate()
        .filter(|(_, rule)| rule.decision == LegacyDecision::Remap)
        .filter_map(move |(index, rule)| {
            let (Some(name), Some(data_type)) = (&rule.attribute, rule.data_type) else {
                return None;
            };
            let record_type = schema
                .legacy_fields
                .iter()
                .find(|field| field.id == rule.source_id)
                .map(|field| field.record_type_id);
            let places = match record_type {
                Some(CALLER_RECORD_TYPE) => vec![(AttributeModel::Contact, None)],
                Some(CLIENT_RECORD_TYPE) => vec![(AttributeModel::Company, None)],
                Some(id) if !thread_places(spec, Some(id)).is_empty() => {
                    thread_places(spec, Some(id))
                        .iter()
                        .map(place_model)
                        .collect()
                }
                _ => all_threads.clone(),
            };
            Some(Wanted::plain(
                format!("legacy_fields[{index}]"),
                places,
                name.as_str(),
                data_type,
                format!("Vivantio legacy field {}", rule.source_name),
            ))
        })
}

/// A target, a completion time and a breach flag per SLA stage, when SLAs become attributes.
fn sla_attributes<'a>(
    spec: &'a MappingSpec,
    schema: &'a SourceSchema,
    all_threads: &'a Places,
) -> impl Iterator<Item = Wanted> + 'a {
    let stages = if spec.sla.mode == SlaMode::Attributes {
        schema.sla_stage_names()
    } else {
        Vec::new()
    };
    stages.into_iter().flat_map(move |stage| {
        [
            ("target", AttributeType::Datetime),
            ("completed", AttributeType::Datetime),
            ("breached", AttributeType::Boolean),
        ]
        .map(|(suffix, data_type)| {
            Wanted::plain(
                "sla",
                all_threads.clone(),
                sla_attribute_name(&spec.sla.attribute_prefix, &stage, suffix),
                data_type,
                format!("Vivantio SLA stage {stage}: {suffix}"),
            )
        })
    })
}

/// The attributes single settings name: the parent ticket reference and the unparsed phone.
fn setting_attributes(spec: &MappingSpec, all_threads: &Places) -> impl Iterator<Item = Wanted> {
    let parent = &spec.parent_child.reference_attribute;
    let phone = &spec.contacts.unparsed_phone_attribute;
    let parent = (!parent.is_empty()).then(|| {
        Wanted::plain(
            "parent_child.reference_attribute",
            all_threads.clone(),
            parent.as_str(),
            AttributeType::String,
            "Vivantio parent ticket number",
        )
    });
    let phone = (!phone.is_empty()).then(|| {
        Wanted::plain(
            "contacts.unparsed_phone_attribute",
            vec![(AttributeModel::Contact, None)],
            phone.as_str(),
            AttributeType::String,
            "Vivantio phone number that is not E.164",
        )
    });
    parent.into_iter().chain(phone)
}

/// The attribute name for one SLA stage value (`vivantio_sla_first_response_target`).
pub fn sla_attribute_name(prefix: &str, stage: &str, suffix: &str) -> String {
    let stage = super::names::words(stage).join("_");
    format!("{prefix}_{stage}_{suffix}")
}
