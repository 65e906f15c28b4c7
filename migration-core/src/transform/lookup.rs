//! Indexes built once from the specification and the source schema, so that mapping one
//! record is lookups, not searches.

use std::collections::BTreeMap;

use super::fast_hash::FastMap;

use crate::keys::RecordKey;
use crate::model::destination::{
    AttributeModel, ConversationState, PriorityLevel, TicketStateCategory,
};
use crate::model::source::{
    Agent, Category, FieldDefinition, SourceSchema, StatusKind, KNOWLEDGE_BASE_RECORD_TYPE,
};
use crate::spec::{
    dimension_attributes, option_label, sla_attribute_name, ticket_categories, BuiltinField,
    Dimension, FieldRule, LegacyFieldRule, MappingSpec, SlaMode, SourceField, TargetModel,
    ThreadTarget,
};

/// Where tickets of one type go.
#[derive(Debug, Clone)]
pub(crate) struct Route {
    pub target: ThreadTarget,
    /// Intercom ticket type name and key, for ticket targets.
    pub ticket_type: Option<(String, RecordKey)>,
    /// Keys of the thread attributes the specification writes, made once.
    pub attribute_keys: FastMap<String, RecordKey>,
}

impl Route {
    /// The key of the thread a ticket of this route becomes.
    pub fn thread_key(&self, ticket_id: i64) -> RecordKey {
        match self.target {
            ThreadTarget::Conversation => RecordKey::conversation(ticket_id),
            ThreadTarget::Ticket => RecordKey::ticket(ticket_id),
        }
    }

    /// The key of a thread attribute named `name` on this route.
    pub fn attribute_key(&self, name: &str) -> RecordKey {
        if let Some(key) = self.attribute_keys.get(name) {
            return key.clone();
        }
        self.make_attribute_key(name)
    }

    fn make_attribute_key(&self, name: &str) -> RecordKey {
        match &self.ticket_type {
            Some((type_name, _)) => RecordKey::ticket_type_attribute(type_name, name),
            None => RecordKey::attribute(AttributeModel::Conversation.as_str(), name),
        }
    }
}

/// A field rule with the custom field definition it reads, when custom.
#[derive(Debug, Clone)]
pub(crate) struct Binding {
    pub rule: FieldRule,
    pub field: Option<FieldDefinition>,
}

/// The attribute names of one SLA stage.
#[derive(Debug, Clone)]
pub(crate) struct SlaNames {
    pub target: String,
    pub completed: String,
    pub breached: String,
}

/// How one priority maps.
#[derive(Debug, Clone)]
pub(crate) struct PriorityEntry {
    pub level: PriorityLevel,
    /// Its option of the priority attribute.
    pub label: String,
    /// Its tag, when priorities are tagged.
    pub tag: Option<RecordKey>,
}

/// Everything precomputed.
#[derive(Debug, Clone)]
pub(crate) struct Lookup {
    pub routes: FastMap<i64, Route>,
    pub states: FastMap<i64, (ConversationState, TicketStateCategory)>,
    pub priorities: FastMap<i64, PriorityEntry>,
    pub category_tags: FastMap<i64, RecordKey>,
    pub category_paths: FastMap<i64, String>,
    /// Each ticket category's option of the category attribute.
    pub category_labels: FastMap<i64, String>,
    pub kb_categories: FastMap<i64, Category>,
    pub origin_tags: FastMap<i64, RecordKey>,
    /// Each named origin code's option of the origin attribute.
    pub origin_labels: FastMap<i64, String>,
    /// The attribute of each dimension the mapping keeps as one.
    pub dimension_attributes: FastMap<Dimension, String>,
    pub custom_bindings: FastMap<i64, Vec<Binding>>,
    pub custom_fields: FastMap<i64, FieldDefinition>,
    /// Record types whose forms hold each custom field.
    pub field_record_types: FastMap<i64, Vec<i64>>,
    /// Built-in field bindings with the model that owns each field, worked out once.
    pub builtin_bindings: Vec<(TargetModel, BuiltinField, Binding)>,
    pub legacy: FastMap<i64, LegacyFieldRule>,
    pub agents: FastMap<i64, Agent>,
    /// Agents the mapping gives the fallback admin (not their own address), with the name
    /// their parts are opened with.
    pub stand_ins: FastMap<i64, String>,
    /// Admin key of every agent, made once.
    pub admin_keys: FastMap<i64, RecordKey>,
    /// Team key of every group, made once.
    pub team_keys: FastMap<i64, RecordKey>,
    /// The fallback admin's key.
    pub fallback_admin: RecordKey,
    pub agent_emails: FastMap<String, i64>,
    pub groups: FastMap<i64, String>,
    pub sla: FastMap<String, SlaNames>,
    /// Display name of every tag the mapping can use, by key.
    pub tag_names: BTreeMap<RecordKey, String>,
}

impl Lookup {
    pub fn build(spec: &MappingSpec, schema: &SourceSchema) -> Self {
        let mut lookup = Lookup::empty();
        for attribute in dimension_attributes(spec, schema) {
            lookup
                .dimension_attributes
                .insert(attribute.dimension, attribute.name);
        }
        // Routes key the dimension attributes, so they come after them.
        lookup.route_ticket_types(spec, schema);
        lookup.map_statuses(spec, schema);
        lookup.map_priorities(spec);
        lookup.categories(spec, schema);
        lookup.register_policy_tags(spec);
        lookup.map_origins(spec);
        lookup.bind_fields(spec, schema);
        lookup.index_agents(spec, schema);
        for group in &schema.groups {
            lookup.groups.insert(group.id, group.name.clone());
            lookup.team_keys.insert(group.id, RecordKey::team(group.id));
        }
        lookup.name_sla_attributes(spec, schema);
        lookup
    }

    fn empty() -> Self {
        Lookup {
            routes: FastMap::default(),
            states: FastMap::default(),
            priorities: FastMap::default(),
            category_tags: FastMap::default(),
            category_paths: FastMap::default(),
            category_labels: FastMap::default(),
            kb_categories: FastMap::default(),
            origin_tags: FastMap::default(),
            origin_labels: FastMap::default(),
            dimension_attributes: FastMap::default(),
            custom_bindings: FastMap::default(),
            custom_fields: FastMap::default(),
            field_record_types: FastMap::default(),
            builtin_bindings: Vec::new(),
            legacy: FastMap::default(),
            agents: FastMap::default(),
            stand_ins: FastMap::default(),
            admin_keys: FastMap::default(),
            team_keys: FastMap::default(),
            fallback_admin: RecordKey::fallback_admin(),
            agent_emails: FastMap::default(),
            groups: FastMap::default(),
            sla: FastMap::default(),
            tag_names: BTreeMap::new(),
        }
    }

    /// A route per ticket type rule, with the keys of every thread attribute made up front.
    fn route_ticket_types(&mut self, spec: &MappingSpec, schema: &SourceSchema) {
        let names = self.thread_attribute_names(spec, schema);
        for rule in &spec.ticket_types {
            let ticket_type = (rule.target == ThreadTarget::Ticket).then(|| {
                let name = rule
                    .intercom_ticket_type
                    .clone()
                    .unwrap_or_else(|| rule.source_name.clone());
                let key = RecordKey::ticket_type(&name);
                (name, key)
            });
            let mut route = Route {
                target: rule.target,
                ticket_type,
                attribute_keys: FastMap::default(),
            };
            for name in &names {
                let key = route.make_attribute_key(name);
                route.attribute_keys.insert(name.clone(), key);
            }
            self.routes.insert(rule.source_id, route);
        }
    }

    /// Every thread attribute the specification can write: field rules, dimensions, legacy
    /// fields, the parent reference and the SLA stages.
    fn thread_attribute_names(&self, spec: &MappingSpec, schema: &SourceSchema) -> Vec<String> {
        spec.fields
            .iter()
            .filter(|field| field.model == TargetModel::Thread)
            .map(|field| field.attribute.clone())
            .chain(self.dimension_attributes.values().cloned())
            .chain(
                spec.legacy_fields
                    .iter()
                    .filter_map(|legacy| legacy.attribute.clone()),
            )
            .chain(std::iter::once(
                spec.parent_child.reference_attribute.clone(),
            ))
            .chain(schema.sla_stage_names().into_iter().flat_map(|stage| {
                ["target", "completed", "breached"]
                    .map(|suffix| sla_attribute_name(&spec.sla.attribute_prefix, &stage, suffix))
            }))
            .collect()
    }

    /// The states of every status: the rule's, else the default of its kind; rules for
    /// statuses the schema lacks still apply.
    fn map_statuses(&mut self, spec: &MappingSpec, schema: &SourceSchema) {
        for status in &schema.statuses {
            let rule = spec
                .statuses
                .iter()
                .find(|rule| rule.source_id == status.id);
            let states = match rule {
                Some(rule) => (rule.conversation_state, rule.ticket_state),
                None => default_states(status.kind),
            };
            self.states.insert(status.id, states);
        }
        for rule in &spec.statuses {
            self.states
                .entry(rule.source_id)
                .or_insert((rule.conversation_state, rule.ticket_state));
        }
    }

    fn map_priorities(&mut self, spec: &MappingSpec) {
        for rule in &spec.priorities {
            let tag = rule
                .tag
                .as_deref()
                .filter(|tag| Dimension::Priority.tags(spec) && !tag.trim().is_empty())
                .map(|tag| self.tag(tag));
            let entry = PriorityEntry {
                level: rule.level,
                label: option_label(&rule.source_name),
                tag,
            };
            self.priorities.insert(rule.source_id, entry);
        }
    }

    fn register_policy_tags(&mut self, spec: &MappingSpec) {
        for policy_tag in [
            &spec.contacts.flag_tag,
            &spec.tickets.orphan_tag,
            &spec.parent_child.parent_tag,
            &spec.parent_child.child_tag,
        ] {
            if !policy_tag.trim().is_empty() {
                self.tag(policy_tag);
            }
        }
    }

    fn map_origins(&mut self, spec: &MappingSpec) {
        for (code, name) in &spec.origins.names {
            let Ok(code) = code.trim().parse::<i64>() else {
                continue;
            };
            self.origin_labels.insert(code, option_label(name));
            if Dimension::Origin.tags(spec) {
                let tag = format!("{}{}", spec.origins.tag_prefix, name.trim());
                let key = self.tag(&tag);
                self.origin_tags.insert(code, key);
            }
        }
    }

    /// Indexes the custom fields, then binds each field rule (custom rules to the definition
    /// they read) and the legacy rules.
    fn bind_fields(&mut self, spec: &MappingSpec, schema: &SourceSchema) {
        for (form, field) in schema.custom_fields() {
            self.custom_fields.insert(field.id, field.clone());
            self.field_record_types
                .entry(field.id)
                .or_default()
                .push(form.record_type_id);
        }
        for rule in &spec.fields {
            match rule.source {
                SourceField::Custom(id) => {
                    let field = self.custom_fields.get(&id).cloned();
                    self.custom_bindings.entry(id).or_default().push(Binding {
                        rule: rule.clone(),
                        field,
                    });
                }
                SourceField::Builtin(builtin) => self.builtin_bindings.push((
                    builtin.model(),
                    builtin,
                    Binding {
                        rule: rule.clone(),
                        field: None,
                    },
                )),
            }
        }
        for rule in &spec.legacy_fields {
            self.legacy.insert(rule.source_id, rule.clone());
        }
    }

    fn index_agents(&mut self, spec: &MappingSpec, schema: &SourceSchema) {
        let fallback_email = spec.admins.fallback_email.trim().to_lowercase();
        for agent in &schema.agents {
            if let Some(name) = stand_in_name(spec, &fallback_email, agent) {
                self.stand_ins.insert(agent.id, name);
            }
            if let Some(email) = agent.email.as_deref() {
                self.agent_emails
                    .insert(email.trim().to_lowercase(), agent.id);
            }
            self.agents.insert(agent.id, agent.clone());
            self.admin_keys.insert(agent.id, RecordKey::admin(agent.id));
        }
    }

    fn name_sla_attributes(&mut self, spec: &MappingSpec, schema: &SourceSchema) {
        if spec.sla.mode != SlaMode::Attributes {
            return;
        }
        for stage in schema.sla_stage_names() {
            let name = |suffix| sla_attribute_name(&spec.sla.attribute_prefix, &stage, suffix);
            self.sla.insert(
                stage.to_lowercase(),
                SlaNames {
                    target: name("target"),
                    completed: name("completed"),
                    breached: name("breached"),
                },
            );
        }
    }

    fn categories(&mut self, spec: &MappingSpec, schema: &SourceSchema) {
        for category in &schema.categories {
            if category.record_type_id == KNOWLEDGE_BASE_RECORD_TYPE {
                self.kb_categories.insert(category.id, category.clone());
            }
        }
        let tagged = Dimension::Category.tags(spec);
        for category in ticket_categories(spec, schema) {
            if tagged {
                let key = self.tag(&format!(
                    "{}{}",
                    spec.categories.tag_prefix, category.tag_name
                ));
                self.category_tags.insert(category.id, key);
            }
            if !category.label.is_empty() {
                self.category_labels.insert(category.id, category.label);
            }
            self.category_paths.insert(category.id, category.path);
        }
    }

    /// Registers a tag name and returns its key.
    pub fn tag(&mut self, name: &str) -> RecordKey {
        let name = name.trim();
        let key = RecordKey::tag(name);
        self.tag_names
            .entry(key.clone())
            .or_insert_with(|| name.to_string());
        key
    }

    /// The key of a policy tag, or `None` when the policy leaves it empty.
    pub fn policy_tag(&self, name: &str) -> Option<RecordKey> {
        let name = name.trim();
        (!name.is_empty()).then(|| RecordKey::tag(name))
    }

    /// The admin key of an agent, if the agent is known.
    pub fn admin(&self, agent_id: i64) -> Option<RecordKey> {
        self.admin_keys.get(&agent_id).cloned()
    }

    /// The bindings of built-in fields owned by `model`.
    pub fn builtins(
        &self,
        model: TargetModel,
    ) -> impl Iterator<Item = (BuiltinField, &Binding)> + '_ {
        self.builtin_bindings
            .iter()
            .filter(move |(owner, _, _)| *owner == model)
            .map(|(_, field, binding)| (*field, binding))
    }
}

/// The name an agent's parts are opened with when the mapping writes the agent as the fallback
/// admin (an override to the fallback address that is not the agent's own); `None` otherwise.
fn stand_in_name(spec: &MappingSpec, fallback_email: &str, agent: &Agent) -> Option<String> {
    let written_as = spec
        .admins
        .overrides
        .get(&agent.id.to_string())
        .map(|email| email.trim().to_lowercase());
    let own = agent
        .email
        .as_deref()
        .map(|email| email.trim().to_lowercase());
    let stands_in = !fallback_email.is_empty()
        && written_as.as_deref() == Some(fallback_email)
        && own.as_deref() != Some(fallback_email);
    if !stands_in {
        return None;
    }
    let name = agent.display_name();
    Some(if name.is_empty() {
        format!("agent {}", agent.id)
    } else {
        name
    })
}

/// The states a status kind implies when the specification has no rule for the status.
pub(crate) fn default_states(kind: StatusKind) -> (ConversationState, TicketStateCategory) {
    match kind {
        StatusKind::Open => (ConversationState::Open, TicketStateCategory::Submitted),
        StatusKind::Pending => (
            ConversationState::Open,
            TicketStateCategory::WaitingOnCustomer,
        ),
        StatusKind::OnHold => (
            ConversationState::Snoozed,
            TicketStateCategory::WaitingOnCustomer,
        ),
        StatusKind::Closed | StatusKind::Deleted => {
            (ConversationState::Closed, TicketStateCategory::Resolved)
        }
    }
}
