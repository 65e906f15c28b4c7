//! The proposer: a default specification built from the discovered instance and workspace,
//! with a reason and a confidence for every decision.

use serde::{Deserialize, Serialize};

use super::classify::{
    classify_priority, classify_status, classify_ticket_type, field_type_proposal,
};
use super::confidence::Confidence;
use super::dimensions::{dimension_options, option_label, Dimension};
use super::document::MappingSpec;
use super::names::{check_attribute_name, name_similarity, suggest_attribute_name};
use super::rules::{
    BuiltinField, FieldRule, LegacyDecision, LegacyFieldRule, PriorityRule, SourceField,
    StatusRule, TargetModel, ThreadTarget, TicketTypeRule, Transform,
};
use super::targets::{attribute_targets, thread_places, AttributeTarget, ThreadPlace};
use super::usage::FieldUsage;
use crate::model::destination::{AttributeModel, AttributeType, DestinationSchema};
use crate::model::source::{
    CustomForm, FieldDefinition, Origin, SourceSchema, CALLER_RECORD_TYPE, CLIENT_RECORD_TYPE,
};

/// One decision of the proposal, explained.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProposalNote {
    /// Where the decision is in the document (`fields[3]`, `origins.names.2`): always a key of
    /// the written mapping.
    pub path: String,
    /// The decision, in a few words, with values spelled as in the document.
    pub decision: String,
    /// Why.
    pub reason: String,
    /// How sure.
    pub confidence: Confidence,
    /// When the decision is to leave a key out (`teams.overrides.4`: the group gets no team),
    /// that key; `path` is then the table it would go in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unset_key: Option<String>,
    /// Whether a person changed the decision in the document since it was proposed.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub edited: bool,
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
    propose_with_usage(source, destination, options, None)
}

/// [`propose`], knowing how many records hold a value of each custom field (a discovery
/// counted them): a field under [`super::usage::UNUSED_SHARE`] of its records is proposed as
/// skipped, the count as the reason.
pub fn propose_with_usage(
    source: &SourceSchema,
    destination: &DestinationSchema,
    options: &ProposalOptions,
    usage: Option<&FieldUsage>,
) -> Proposal {
    let mut proposer = Proposer {
        source,
        destination,
        spec: MappingSpec::new(&options.source_time_zone),
        notes: Vec::new(),
        usage: usage.filter(|usage| !usage.is_empty()),
    };
    proposer.spec.admins.fallback_email = options.fallback_admin_email.clone();
    proposer.admins();
    proposer.teams();
    proposer.ticket_types();
    proposer.statuses();
    proposer.priorities();
    proposer.origins();
    proposer.dimensions();
    proposer.builtin_fields();
    proposer.custom_fields();
    proposer.legacy_fields();
    proposer.redaction();
    Proposal {
        spec: proposer.spec,
        notes: proposer.notes,
    }
}

pub(super) struct Proposer<'a> {
    /// Values per custom field, when a discovery counted them.
    usage: Option<&'a FieldUsage>,
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
            unset_key: None,
            edited: false,
        });
    }

    /// Marks the last note as the decision to leave `key` out of the document.
    pub(super) fn unset(&mut self, key: String) {
        if let Some(note) = self.notes.last_mut() {
            note.unset_key = Some(key);
        }
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
                    "{} → conversation_state \"{}\", ticket_state \"{}\"",
                    status.name,
                    spelled(&conversation_state),
                    spelled(&ticket_state)
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
                    "{} → level \"{}\", option \"{}\"",
                    priority.name,
                    spelled(&level),
                    option_label(&priority.name),
                ),
                reason,
                confidence,
            );
        }
    }

    fn origins(&mut self) {
        for origin in &self.source.origins {
            let (name, reason, confidence) = match &origin.name {
                Some(name) if !name.trim().is_empty() => (
                    name.trim().to_string(),
                    "name known from the instance".to_string(),
                    Confidence::High,
                ),
                _ => match Origin::standard_name(origin.id) {
                    Some(name) => (
                        name.to_string(),
                        format!("Vivantio's name for CallOrigin {}; the API serves only the code, so check it against a ticket of that origin", origin.id),
                        Confidence::Medium,
                    ),
                    None => (
                        format!("code {} (unknown)", origin.id),
                        "not one of Vivantio's built-in origins and the instance gives it no name; write the name your tenant uses".to_string(),
                        Confidence::Low,
                    ),
                },
            };
            self.spec
                .origins
                .names
                .insert(origin.id.to_string(), name.clone());
            self.note(
                format!("origins.names.{}", origin.id),
                format!("origin {} → \"{name}\"", origin.id),
                reason,
                confidence,
            );
        }
    }

    /// Priority, category and origin as list attributes of every thread, named so that
    /// nothing else takes the name.
    fn dimensions(&mut self) {
        for dimension in Dimension::ALL {
            let base = dimension.attribute(&self.spec).to_string();
            if base.is_empty() {
                continue;
            }
            let path = format!("{}.attribute", dimension.table());
            let what = dimension.table();
            let options = dimension_options(dimension, &self.spec, self.source);
            if options.is_empty() {
                self.note(
                    path,
                    format!("{what} → no attribute"),
                    "the instance has no values of it, so the attribute is not created".into(),
                    Confidence::High,
                );
                continue;
            }
            // The proposal's own default name must not count as taken by itself.
            set_dimension_attribute(&mut self.spec, dimension, String::new());
            let (name, why) = self.dimension_name(&base, &options);
            set_dimension_attribute(&mut self.spec, dimension, name.clone());
            self.note(
                path,
                format!(
                    "{what} → list attribute `{name}` on every conversation and ticket ({} option{})",
                    options.len(),
                    if options.len() == 1 { "" } else { "s" }
                ),
                format!(
                    "{why}; an attribute shows on the thread, filters the inbox and splits reports, and travels with the thread's other attributes at no extra request, where a tag costs a request per thread (set `tags = true` to tag as well)"
                ),
                Confidence::High,
            );
        }
    }

    /// `base` when it is free, or an existing list attribute of that name holding every option
    /// on every thread model; else the first free numbered name. Says why.
    fn dimension_name(&self, base: &str, options: &[String]) -> (String, String) {
        let existing: Vec<_> = self
            .destination
            .attributes
            .iter()
            .filter(|attribute| {
                !attribute.archived
                    && matches!(
                        attribute.model,
                        AttributeModel::Conversation | AttributeModel::Ticket
                    )
                    && attribute.name == base
            })
            .collect();
        let reusable = !existing.is_empty()
            && existing.iter().all(|attribute| {
                attribute.data_type == AttributeType::List
                    && options
                        .iter()
                        .all(|option| attribute.options.contains(option))
            });
        if reusable {
            return (
                base.to_string(),
                format!("reuses the existing list attribute `{base}`, which has every option"),
            );
        }
        let (name, why) = TakenNames::new(self, TargetModel::Thread, &[]).unique(base);
        (name.clone(), format!("new attribute `{name}`{why}"))
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
            let (attribute, confidence, why) = self.choose_name(model, &[], name, name, data_type);
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
                format!("{} → {attribute} ({})", field.as_str(), spelled(&data_type)),
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
                || self.skipped_unused(form, field, model)
            {
                continue;
            }
            let record_types: Vec<i64> = self
                .source
                .custom_fields()
                .filter(|(_, other)| other.id == field.id)
                .map(|(form, _)| form.record_type_id)
                .collect();
            let (attribute, confidence, why) =
                self.choose_name(model, &record_types, &label, &suggestion, data_type);
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
                    "{} / {label} ({}) → {attribute} ({})",
                    form.name,
                    spelled(&field.field_type),
                    spelled(&data_type)
                ),
                reason,
                confidence,
            );
        }
    }

    /// Leaves a custom field almost no record fills out of the mapping (no attribute is
    /// created for it), with a note saying how many records hold a value; `false` when the
    /// field is used or nothing was counted.
    fn skipped_unused(
        &mut self,
        form: &CustomForm,
        field: &FieldDefinition,
        model: TargetModel,
    ) -> bool {
        let Some(usage) = self.usage.map(|usage| usage.of(self.source, field.id)) else {
            return false;
        };
        let source = SourceField::Custom(field.id);
        let key = skip_key(&source);
        // A field shared by several forms is skipped once.
        if self
            .notes
            .iter()
            .any(|note| note.unset_key.as_deref() == Some(key.as_str()))
        {
            return true;
        }
        if !usage.is_unused() {
            return false;
        }
        let records = match model {
            TargetModel::Contact => "callers",
            TargetModel::Company => "organisations",
            _ => "tickets of its types",
        };
        let kept = match model {
            TargetModel::Thread => "its few values are kept in each ticket's archive note",
            _ => "its few values are listed as pre-flight findings",
        };
        self.note(
            "fields".into(),
            format!(
                "{} / {} (custom:{}) → skipped: no attribute",
                form.name,
                field.display_name(),
                field.id
            ),
            format!(
                "{} of {} {records} hold a value (under {}%): an attribute nobody fills only clutters Intercom, and {kept}. Add a [[fields]] rule with source = \"{source}\" to move it",
                usage.with_value,
                usage.records,
                super::usage::UNUSED_SHARE * 100.0
            ),
            Confidence::Medium,
        );
        self.unset(key);
        true
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
                        format!(
                            "legacy {label} → remap to the existing attribute {} ({})",
                            attribute.name,
                            spelled(&attribute.data_type)
                        ),
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
                        format!("legacy {label} → archive (an internal note on each ticket)"),
                        "legacy extension fields have no reliable type; their values are kept in an internal note on each ticket so nothing is lost. Remap it if people filter on it".into(),
                        Confidence::Medium,
                    );
                }
            }
        }
    }

    /// Picks an attribute name: reuse an existing attribute of the same meaning and type, else
    /// the suggestion, numbered when the name is taken (and the reason says by what).
    /// `record_types` are the forms' record types of a custom thread field (empty: every
    /// thread).
    fn choose_name(
        &self,
        model: TargetModel,
        record_types: &[i64],
        label: &str,
        suggestion: &str,
        data_type: AttributeType,
    ) -> (String, Confidence, String) {
        let taken = TakenNames::new(self, model, record_types);
        let own: &[AttributeModel] = match model {
            TargetModel::Thread => &[AttributeModel::Conversation, AttributeModel::Ticket],
            TargetModel::Contact => &[AttributeModel::Contact],
            TargetModel::Company => &[AttributeModel::Company],
        };
        let best = self
            .destination
            .attributes
            .iter()
            .filter(|attribute| !attribute.archived && own.contains(&attribute.model))
            .filter(|attribute| taken.proposed_by(&attribute.name).is_none())
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
            let (renamed, why) = taken.unique(suggestion);
            return (
                renamed.clone(),
                Confidence::Low,
                format!(
                    "the existing attribute `{}` looks alike but is {}, not {}; a new attribute `{renamed}` is proposed{why}",
                    attribute.name,
                    spelled(&attribute.data_type),
                    spelled(&data_type)
                ),
            );
        }
        let (name, why) = taken.unique(suggestion);
        (
            name.clone(),
            Confidence::High,
            format!("new attribute `{name}`{why}"),
        )
    }
}

/// The attribute names a new attribute cannot take: those of existing attributes where it
/// would live (contacts and companies share one namespace in Intercom), names Intercom
/// refuses, and names the proposal already gives another field in the same place.
struct TakenNames<'p> {
    destination: &'p DestinationSchema,
    models: &'static [AttributeModel],
    places: Vec<(AttributeModel, Option<String>)>,
    targets: Vec<AttributeTarget>,
}

impl<'p> TakenNames<'p> {
    fn new(proposer: &'p Proposer<'_>, model: TargetModel, record_types: &[i64]) -> Self {
        let people: &'static [AttributeModel] = &[AttributeModel::Contact, AttributeModel::Company];
        // Contacts and companies share one namespace of data attributes in Intercom.
        let (models, places): (&'static [AttributeModel], _) = match model {
            TargetModel::Thread => {
                let mut places: Vec<ThreadPlace> = if record_types.is_empty() {
                    thread_places(&proposer.spec, None)
                } else {
                    record_types
                        .iter()
                        .flat_map(|id| thread_places(&proposer.spec, Some(*id)))
                        .collect()
                };
                places.sort();
                places.dedup();
                (
                    &[AttributeModel::Conversation, AttributeModel::Ticket],
                    places
                        .into_iter()
                        .map(|place| match place {
                            ThreadPlace::Conversation => (AttributeModel::Conversation, None),
                            ThreadPlace::TicketType(name) => (AttributeModel::Ticket, Some(name)),
                        })
                        .collect(),
                )
            }
            TargetModel::Contact | TargetModel::Company => {
                (people, people.iter().map(|model| (*model, None)).collect())
            }
        };
        Self {
            destination: proposer.destination,
            models,
            places,
            targets: attribute_targets(&proposer.spec, proposer.source),
        }
    }

    /// The rule of this proposal already writing `name` where the new attribute would live.
    fn proposed_by(&self, name: &str) -> Option<&AttributeTarget> {
        self.targets.iter().find(|target| {
            target.name == name
                && self.places.iter().any(|(model, ticket_type)| {
                    target.model == *model
                        && target.ticket_type.as_deref().map(str::to_lowercase)
                            == ticket_type.as_deref().map(str::to_lowercase)
                })
        })
    }

    /// Why `name` cannot be used, if it cannot.
    fn why_taken(&self, name: &str) -> Option<String> {
        if let Some(existing) = self
            .destination
            .attributes
            .iter()
            .find(|attribute| self.models.contains(&attribute.model) && attribute.name == name)
        {
            return Some(format!(
                "`{name}` is taken in Intercom (an existing {} attribute)",
                existing.model.as_str()
            ));
        }
        if let Some(problem) = self
            .models
            .iter()
            .find_map(|model| check_attribute_name(*model, name).err())
        {
            return Some(format!("Intercom refuses `{name}` ({problem})"));
        }
        self.proposed_by(name).map(|target| {
            format!(
                "`{name}` is taken by another field ({}, {})",
                target.origin, target.description
            )
        })
    }

    /// `base`, or `base_2`, `base_3`… the first free one, with the reason it is numbered
    /// (`""` when it is not).
    fn unique(&self, base: &str) -> (String, String) {
        let mut reasons = Vec::new();
        let mut candidates =
            std::iter::once(base.to_string()).chain((2..).map(|n| format!("{base}_{n}")));
        // Bounded: past a hundred taken names the base is returned and the checker says why.
        for _ in 0..100 {
            let Some(name) = candidates.next() else { break };
            match self.why_taken(&name) {
                None if reasons.is_empty() => return (name, String::new()),
                None => return (name, format!(", numbered because {}", reasons.join("; "))),
                Some(reason) => reasons.push(reason),
            }
        }
        (base.to_string(), String::new())
    }
}

fn set_dimension_attribute(spec: &mut MappingSpec, dimension: Dimension, name: String) {
    match dimension {
        Dimension::Priority => spec.priority.attribute = name,
        Dimension::Category => spec.categories.attribute = name,
        Dimension::Origin => spec.origins.attribute = name,
    }
}

/// A value as the document spells it (`waiting_on_customer`, `list`).
/// Where a rule for `source` would be in the mapping, found by its identity.
fn skip_key(source: &SourceField) -> String {
    format!("fields[source={source}]")
}

pub(super) fn spelled<T: Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(text)) => text,
        Ok(other) => other.to_string(),
        Err(_) => String::new(),
    }
}
