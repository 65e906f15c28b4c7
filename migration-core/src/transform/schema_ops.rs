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
        let mut operations = Vec::new();
        let mut marks = BTreeSet::new();
        let mut push = |operation: Operation, operations: &mut Vec<Operation>| {
            if marks.insert(operation.mark.clone()) {
                operations.push(operation);
            }
        };
        for rule in self
            .spec
            .ticket_types
            .iter()
            .filter(|rule| rule.target == ThreadTarget::Ticket)
        {
            let name = rule
                .intercom_ticket_type
                .clone()
                .unwrap_or_else(|| rule.source_name.clone());
            push(
                Operation::creating(
                    Phase::Schema,
                    RecordKey::ticket_type(&name),
                    DestinationOp::EnsureTicketType(TicketTypeDefinition {
                        description: format!("Migrated from Vivantio \"{}\"", rule.source_name),
                        name,
                        category: rule.ticket_category.unwrap_or(TicketCategory::Customer),
                    }),
                ),
                &mut operations,
            );
        }
        for target in attribute_targets(&self.spec, schema) {
            let definition = AttributeDefinition {
                model: target.model,
                name: target.name.clone(),
                data_type: target.data_type,
                description: target.description.clone(),
                options: target.options.clone(),
                multiline: target.multiline,
            };
            let operation = match (&target.model, &target.ticket_type) {
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
            };
            push(operation, &mut operations);
        }
        for (key, name) in &self.lookup.tag_names {
            push(
                Operation::creating(
                    Phase::Schema,
                    key.clone(),
                    DestinationOp::EnsureTag { name: name.clone() },
                ),
                &mut operations,
            );
        }
        push(
            Operation::creating(
                Phase::People,
                RecordKey::fallback_admin(),
                DestinationOp::MatchFallbackAdmin {
                    email: self.spec.admins.fallback_email.trim().to_lowercase(),
                },
            ),
            &mut operations,
        );
        for agent in &schema.agents {
            let email = self
                .spec
                .admins
                .overrides
                .get(&agent.id.to_string())
                .cloned()
                .or_else(|| agent.email.clone())
                .map(|email| email.trim().to_lowercase())
                .filter(|email| !email.is_empty());
            push(
                Operation::creating(
                    Phase::People,
                    RecordKey::admin(agent.id),
                    DestinationOp::MatchAdmin {
                        email,
                        name: agent.display_name(),
                    },
                )
                .requiring([RecordKey::fallback_admin()]),
                &mut operations,
            );
        }
        for group in &schema.groups {
            let name = self
                .spec
                .teams
                .overrides
                .get(&group.id.to_string())
                .cloned()
                .unwrap_or_else(|| group.name.trim().to_string());
            push(
                Operation::creating(
                    Phase::People,
                    RecordKey::team(group.id),
                    DestinationOp::MatchTeam { name },
                ),
                &mut operations,
            );
        }
        operations
    }
}
