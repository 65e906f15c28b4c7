//! The proposer: a default specification built from the discovered instance and workspace,
//! with a reason and a confidence for every decision.

use serde::{Deserialize, Serialize};

use super::classify::{
    classify_priority, classify_status, classify_ticket_type, field_type_proposal,
};
use super::document::MappingSpec;
use super::names::{check_attribute_name, name_similarity, suggest_attribute_name};
use super::rules::{
    BuiltinField, FieldRule, LegacyDecision, LegacyFieldRule, PriorityRule, SourceField,
    StatusRule, TargetModel, ThreadTarget, TicketTypeRule, Transform,
};
use crate::model::destination::{AttributeModel, AttributeType, DestinationSchema};
use crate::model::source::{SourceSchema, CALLER_RECORD_TYPE, CLIENT_RECORD_TYPE};

/// How sure the proposer is; low means "a person must look at this".
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Confidence {
    /// A guess; review it.
    Low,
    /// Likely right; skim it.
    Medium,
    /// Exact match or a safe default.
    High,
}

/// One decision of the proposal, explained.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProposalNote {
    /// Where the decision is in the document (`fields[3]`).
    pub path: String,
    /// The decision, in a few words.
    pub decision: String,
    /// Why.
    pub reason: String,
    /// How sure.
    pub confidence: Confidence,
}

/// A proposed specification and the reasons for it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Proposal {
    /// The specification (not confirmed).
    pub spec: MappingSpec,
    /// One note per decision.
    pub notes: Vec<ProposalNote>,
}

/// Settings the proposer cannot discover.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProposalOptions {
    /// IANA zone of the Vivantio tenant.
    pub source_time_zone: String,
    /// Email of the fallback admin.
    pub fallback_admin_email: String,
}

/// Builds the default specification.
pub fn propose(
    source: &SourceSchema,
    destination: &DestinationSchema,
    options: &ProposalOptions,
) -> Proposal {
    let mut proposer = Proposer {
        source,
        destination,
        spec: MappingSpec::new(&options.source_time_zone),
        notes: Vec::new(),
    };
    proposer.spec.admins.fallback_email = options.fallback_admin_email.clone();
    proposer.admins();
    proposer.teams();
    proposer.ticket_types();
    proposer.statuses();
    proposer.priorities();
    proposer.origins();
    proposer.builtin_fields();
    proposer.custom_fields();
    proposer.legacy_fields();
    Proposal {
        spec: proposer.spec,
        notes: proposer.notes,
    }
}

pub(super) struct Proposer<'a> {
    pub(super) source: &'a SourceSchema,
    pub(super) destination: &'a DestinationSchema,
    pub(super) spec: MappingSpec,
    pub(super) notes: Vec<ProposalNote>,
}

impl Proposer<'_> {
    pub(super) fn note(
        &mut self,
        path: String,
        decision: String,
        reason: String,
        confidence: Confidence,
    ) {
        self.notes.push(ProposalNote {
            path,
            decision,
            reason,
            confidence,
        });
    }

    fn ticket_types(&mut self) {
        for (index, ticket_type) in self.source.ticket_types.iter().enumerate() {
            let (target, category, reason, confidence) = classify_ticket_type(ticket_type);
            let existing = self
                .destination
                .ticket_types
                .iter()
                .find(|known| known.name.eq_ignore_ascii_case(&ticket_type.name));
            let rule = TicketTypeRule {
                source_id: ticket_type.id,
                source_name: ticket_type.name.clone(),
                target,
                intercom_ticket_type: (target == ThreadTarget::Ticket).then(|| {
                    existing.map_or_else(|| ticket_type.name.clone(), |known| known.name.clone())
                }),
                ticket_category: (target == ThreadTarget::Ticket).then_some(category),
            };
            let decision = match target {
                ThreadTarget::Conversation => format!("{} → conversation", ticket_type.name),
                ThreadTarget::Ticket => format!(
                    "{} → Intercom ticket type \"{}\"{}",
                    ticket_type.name,
                    rule.intercom_ticket_type.clone().unwrap_or_default(),
                    if existing.is_some() {
                        " (exists)"
                    } else {
                        " (created)"
                    }
                ),
            };
            self.spec.ticket_types.push(rule);
            self.note(
                format!("ticket_types[{index}]"),
                decision,
                reason.into(),
                confidence,
            );
        }
    }

    fn statuses(&mut self) {
        for (index, status) in self.source.statuses.iter().enumerate() {
            let (conversation_state, ticket_state, reason) = classify_status(status);
            self.spec.statuses.push(StatusRule {
                source_id: status.id,
                source_name: status.name.clone(),
                conversation_state,
                ticket_state,
            });
            self.note(
                format!("statuses[{index}]"),
                format!(
                    "{} → {:?} / {:?}",
                    status.name, conversation_state, ticket_state
                ),
                reason,
                Confidence::High,
            );
        }
    }

    fn priorities(&mut self) {
        for (index, priority) in self.source.priorities.iter().enumerate() {
            let (level, confidence, reason) = classify_priority(priority, &self.source.priorities);
            self.spec.priorities.push(PriorityRule {
                source_id: priority.id,
                source_name: priority.name.clone(),
                level,
                tag: Some(format!("Priority: {}", priority.name.trim())),
            });
            self.note(
                format!("priorities[{index}]"),
                format!(
                    "{} → {:?} and tag \"Priority: {}\"",
                    priority.name,
                    level,
                    priority.name.trim()
                ),
                reason,
                confidence,
            );
        }
    }

    fn origins(&mut self) {
        for origin in &self.source.origins {
            let (name, confidence) = match &origin.name {
                Some(name) if !name.trim().is_empty() => {
                    (name.trim().to_string(), Confidence::High)
                }
                _ => (format!("Code {}", origin.id), Confidence::Low),
            };
            self.spec
                .origins
                .names
                .insert(origin.id.to_string(), name.clone());
            self.note(
                format!("origins.names.{}", origin.id),
                format!("origin {} → tag \"{}{name}\"", origin.id, self.spec.origins.tag_prefix),
                if confidence == Confidence::High {
                    "name known from the instance".into()
                } else {
                    "Vivantio origin codes are tenant-specific and this one has no name; rename the tag".into()
                },
                confidence,
            );
        }
    }

    fn builtin_fields(&mut self) {
        let proposals = [
            (
                BuiltinField::TicketDisplayId,
                "vivantio_ticket_number",
                "keeps the Vivantio ticket number searchable",
            ),
            (
                BuiltinField::CallerCreatedAt,
                "vivantio_created_at",
                "Intercom has no settable contact creation date",
            ),
            (
                BuiltinField::OrganisationReference,
                "vivantio_reference",
                "keeps the organisation's Vivantio reference",
            ),
        ];
        for (field, name, reason) in proposals {
            let model = field.model();
            let data_type = field.natural_type();
            let (attribute, confidence, why) = self.choose_name(model, name, name, data_type);
            let index = self.spec.fields.len();
            self.spec.fields.push(FieldRule {
                source: SourceField::Builtin(field),
                label: None,
                model,
                attribute: attribute.clone(),
                data_type,
                transform: Transform::Auto,
                value_map: None,
                options: Vec::new(),
            });
            self.note(
                format!("fields[{index}]"),
                format!("{} → {attribute} ({data_type:?})", field.as_str()),
                format!("{reason}; {why}"),
                confidence,
            );
        }
    }

    fn custom_fields(&mut self) {
        for (form, field) in self.source.custom_fields() {
            let model = match form.record_type_id {
                CALLER_RECORD_TYPE => TargetModel::Contact,
                CLIENT_RECORD_TYPE => TargetModel::Company,
                _ => TargetModel::Thread,
            };
            let (data_type, transform, options, type_reason) = field_type_proposal(field, model);
            let label = field.display_name().to_string();
            let suggestion = suggest_attribute_name(&label);
            // A field shared by several forms (same id) is proposed once.
            if self
                .spec
                .fields
                .iter()
                .any(|rule| rule.source == SourceField::Custom(field.id))
            {
                continue;
            }
            let (attribute, confidence, why) =
                self.choose_name(model, &label, &suggestion, data_type);
            let index = self.spec.fields.len();
            self.spec.fields.push(FieldRule {
                source: SourceField::Custom(field.id),
                label: Some(format!("{} / {label}", form.name)),
                model,
                attribute: attribute.clone(),
                data_type,
                transform,
                value_map: None,
                options,
            });
            let confidence = confidence.min(if type_reason.is_some() {
                Confidence::Medium
            } else {
                Confidence::High
            });
            let mut reason = why;
            if let Some(type_reason) = type_reason {
                reason = format!("{reason}; {type_reason}");
            }
            self.note(
                format!("fields[{index}]"),
                format!(
                    "{} / {label} ({:?}) → {attribute} ({data_type:?})",
                    form.name, field.field_type
                ),
                reason,
                confidence,
            );
        }
    }

    fn legacy_fields(&mut self) {
        for field in &self.source.legacy_fields {
            let label = field.label.clone().unwrap_or_else(|| field.name.clone());
            let matched = self
                .destination
                .attributes
                .iter()
                .filter(|attribute| !attribute.archived)
                .map(|attribute| (name_similarity(&attribute.name, &label), attribute))
                .filter(|(score, _)| *score >= 0.99)
                .max_by(|a, b| a.0.total_cmp(&b.0))
                .map(|(_, attribute)| attribute);
            let index = self.spec.legacy_fields.len();
            match matched {
                Some(attribute) => {
                    self.spec.legacy_fields.push(LegacyFieldRule {
                        source_id: field.id,
                        source_name: field.name.clone(),
                        decision: LegacyDecision::Remap,
                        attribute: Some(attribute.name.clone()),
                        data_type: Some(attribute.data_type),
                    });
                    self.note(
                        format!("legacy_fields[{index}]"),
                        format!("legacy {label} → existing attribute {}", attribute.name),
                        "an Intercom attribute has the same name; check that it means the same thing".into(),
                        Confidence::Medium,
                    );
                }
                None => {
                    self.spec.legacy_fields.push(LegacyFieldRule {
                        source_id: field.id,
                        source_name: field.name.clone(),
                        decision: LegacyDecision::Archive,
                        attribute: None,
                        data_type: None,
                    });
                    self.note(
                        format!("legacy_fields[{index}]"),
                        format!("legacy {label} → archived into a note"),
                        "legacy extension fields have no reliable type; their values are kept in an internal note on each ticket so nothing is lost. Remap it if people filter on it".into(),
                        Confidence::Medium,
                    );
                }
            }
        }
    }

    /// Picks an attribute name: reuse an existing attribute of the same meaning and type, else
    /// the suggestion (made unique if it clashes).
    fn choose_name(
        &self,
        model: TargetModel,
        label: &str,
        suggestion: &str,
        data_type: AttributeType,
    ) -> (String, Confidence, String) {
        let models: &[AttributeModel] = match model {
            TargetModel::Thread => &[AttributeModel::Conversation, AttributeModel::Ticket],
            TargetModel::Contact => &[AttributeModel::Contact],
            TargetModel::Company => &[AttributeModel::Company],
        };
        let best = self
            .destination
            .attributes
            .iter()
            .filter(|attribute| !attribute.archived && models.contains(&attribute.model))
            .map(|attribute| {
                let score = name_similarity(&attribute.name, label)
                    .max(name_similarity(&attribute.name, suggestion));
                (score, attribute)
            })
            .filter(|(score, _)| *score >= 0.5)
            .max_by(|a, b| a.0.total_cmp(&b.0));
        if let Some((score, attribute)) = best {
            if attribute.data_type == data_type {
                let confidence = if score >= 0.99 {
                    Confidence::High
                } else {
                    Confidence::Medium
                };
                return (
                    attribute.name.clone(),
                    confidence,
                    format!(
                        "reuses the existing {} attribute `{}` ({:.0}% name match, same type)",
                        attribute.model.as_str(),
                        attribute.name,
                        score * 100.0
                    ),
                );
            }
            let renamed = unique_name(suggestion, self.destination, models);
            return (
                renamed.clone(),
                Confidence::Low,
                format!(
                    "the existing attribute `{}` looks alike but is {:?}, not {data_type:?}; a new attribute `{renamed}` is proposed",
                    attribute.name, attribute.data_type
                ),
            );
        }
        let name = unique_name(suggestion, self.destination, models);
        (
            name.clone(),
            Confidence::High,
            format!("new attribute `{name}`"),
        )
    }
}

fn unique_name(base: &str, destination: &DestinationSchema, models: &[AttributeModel]) -> String {
    let taken = |name: &str| {
        destination
            .attributes
            .iter()
            .any(|attribute| models.contains(&attribute.model) && attribute.name == name)
            || models
                .iter()
                .any(|model| check_attribute_name(*model, name).is_err())
    };
    if !taken(base) {
        return base.to_string();
    }
    (2..)
        .map(|n| format!("{base}_{n}"))
        .find(|name| !taken(name))
        .unwrap_or_else(|| base.to_string())
}
