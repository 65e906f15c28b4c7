//! The operations that prepare the workspace: attributes, ticket types, tags, and the
//! matching of agents to admins and groups to teams.

use std::collections::BTreeSet;

use crate::keys::RecordKey;
use crate::model::destination::{
    AttributeDefinition, AttributeModel, TicketCategory, TicketTypeDefinition,
};
use crate::model::source::SourceSchema;
use crate::ops::{DestinationOp, Operation, Phase};
use crate::spec::{attribute_targets, ThreadTarget};

use super::Mapper;

impl Mapper {
    /// Every schema and people operation the specification needs, in order.
    pub fn setup_operations(&self, schema: &SourceSchema) -> Vec<Operation> {
        let mut marks = BTreeSet::new();
        // Two decisions may ask for the same thing (one attribute from two rules): the first
        // one's operation is kept.
        self.ticket_type_operations()
            .chain(self.attribute_operations(schema))
            .chain(self.tag_operations())
            .chain(self.admin_operations(schema))
            .chain(self.team_operations(schema))
            .filter(|operation| marks.insert(operation.mark.clone()))
            .collect()
    }

    /// One Intercom ticket type per rule that makes tickets.
    fn ticket_type_operations(&self) -> impl Iterator<Item = Operation> + '_ {
        self.spec
            .ticket_types
            .iter()
            .filter(|rule| rule.target == ThreadTarget::Ticket)
            .map(|rule| {
                let name = rule
                    .intercom_ticket_type
                    .clone()
                    .unwrap_or_else(|| rule.source_name.clone());
                Operation::creating(
                    Phase::Schema,
                    RecordKey::ticket_type(&name),
                    DestinationOp::EnsureTicketType(TicketTypeDefinition {
                        description: format!("Migrated from Vivantio \"{}\"", rule.source_name),
                        name,
                        category: rule.ticket_category.unwrap_or(TicketCategory::Customer),
                    }),
                )
            })
    }

    /// Every attribute the specification writes to; a ticket attribute after its ticket type.
    fn attribute_operations(&self, schema: &SourceSchema) -> impl Iterator<Item = Operation> {
        attribute_targets(&self.spec, schema)
            .into_iter()
            .map(|target| {
                let definition = AttributeDefinition {
                    model: target.model,
                    name: target.name.clone(),
                    data_type: target.data_type,
                    description: target.description,
                    options: target.options,
                    multiline: target.multiline,
                };
                match (&target.model, &target.ticket_type) {
                    (AttributeModel::Ticket, Some(ticket_type)) => Operation::creating(
                        Phase::Schema,
                        RecordKey::ticket_type_attribute(ticket_type, &target.name),
                        DestinationOp::EnsureTicketTypeAttribute {
                            ticket_type: RecordKey::ticket_type(ticket_type),
                            attribute: definition,
                        },
                    )
                    .requiring([RecordKey::ticket_type(ticket_type)]),
                    _ => Operation::creating(
                        Phase::Schema,
                        RecordKey::attribute(target.model.as_str(), &target.name),
                        DestinationOp::EnsureAttribute(definition),
                    ),
                }
            })
    }

    /// Every tag the mapping puts on threads.
    fn tag_operations(&self) -> impl Iterator<Item = Operation> + '_ {
        self.lookup.tag_names.iter().map(|(key, name)| {
            Operation::creating(
                Phase::Schema,
                key.clone(),
                DestinationOp::EnsureTag { name: name.clone() },
            )
        })
    }

    /// The fallback admin, then one admin match per agent (by its override or own email).
    fn admin_operations<'a>(
        &'a self,
        schema: &'a SourceSchema,
    ) -> impl Iterator<Item = Operation> + 'a {
        let fallback = Operation::creating(
            Phase::People,
            RecordKey::fallback_admin(),
            DestinationOp::MatchFallbackAdmin {
                email: self.spec.admins.fallback_email.trim().to_lowercase(),
            },
        );
        let agents = schema.agents.iter().map(|agent| {
            let email = self
                .spec
                .admins
                .overrides
                .get(&agent.id.to_string())
                .cloned()
                .or_else(|| agent.email.clone())
                .map(|email| email.trim().to_lowercase())
                .filter(|email| !email.is_empty());
            Operation::creating(
                Phase::People,
                RecordKey::admin(agent.id),
                DestinationOp::MatchAdmin {
                    email,
                    name: agent.display_name(),
                },
            )
            .requiring([RecordKey::fallback_admin()])
        });
        std::iter::once(fallback).chain(agents)
    }

    /// One team match per group (by its override or own name).
    fn team_operations<'a>(
        &'a self,
        schema: &'a SourceSchema,
    ) -> impl Iterator<Item = Operation> + 'a {
        schema.groups.iter().map(|group| {
            let name = self
                .spec
                .teams
                .overrides
                .get(&group.id.to_string())
                .cloned()
                .unwrap_or_else(|| group.name.trim().to_string());
            Operation::creating(
                Phase::People,
                RecordKey::team(group.id),
                DestinationOp::MatchTeam { name },
            )
        })
    }
}
