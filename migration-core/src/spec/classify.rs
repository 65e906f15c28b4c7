//! The proposer's guesses: what a ticket type, status, priority or field type most likely
//! becomes, with the reason.

use super::confidence::Confidence;
use super::rules::{TargetModel, ThreadTarget, Transform};
use crate::model::destination::{
    AttributeType, ConversationState, PriorityLevel, TicketCategory, TicketStateCategory,
};
use crate::model::source::{FieldDefinition, FieldType, Priority, Status, StatusKind, TicketType};

pub(super) fn classify_ticket_type(
    ticket_type: &TicketType,
) -> (ThreadTarget, TicketCategory, &'static str, Confidence) {
    let name = ticket_type.name.to_lowercase();
    if name.contains("incident") || name.contains("question") || name.contains("enquiry") {
        (
            ThreadTarget::Conversation,
            TicketCategory::Customer,
            "incidents are customer conversations: the caller writes, agents reply",
            Confidence::High,
        )
    } else if name.contains("problem") || name.contains("change") {
        (
            ThreadTarget::Ticket,
            TicketCategory::Tracker,
            "problems and changes track work that spans customers: an Intercom tracker ticket",
            Confidence::Medium,
        )
    } else if name.contains("request") {
        (
            ThreadTarget::Ticket,
            TicketCategory::Customer,
            "service requests have a lifecycle of their own: an Intercom customer ticket",
            Confidence::Medium,
        )
    } else {
        (
            ThreadTarget::Conversation,
            TicketCategory::Customer,
            "custom ticket type: a conversation keeps every message; choose a ticket if it has a lifecycle",
            Confidence::Low,
        )
    }
}

pub(super) fn classify_status(status: &Status) -> (ConversationState, TicketStateCategory, String) {
    let name = status.name.to_lowercase();
    let waiting = name.contains("wait") || name.contains("await") || name.contains("customer");
    let progress =
        name.contains("progress") || name.contains("assigned") || name.contains("working");
    match status.kind {
        StatusKind::Closed | StatusKind::Deleted => (
            ConversationState::Closed,
            TicketStateCategory::Resolved,
            "closed statuses end the thread".into(),
        ),
        StatusKind::OnHold => (
            ConversationState::Snoozed,
            TicketStateCategory::WaitingOnCustomer,
            "on-hold statuses are parked: snoozed / waiting".into(),
        ),
        StatusKind::Pending => (
            ConversationState::Open,
            TicketStateCategory::WaitingOnCustomer,
            "pending statuses wait on someone; the conversation stays open".into(),
        ),
        StatusKind::Open if waiting => (
            ConversationState::Open,
            TicketStateCategory::WaitingOnCustomer,
            "open status whose name says it waits on the customer".into(),
        ),
        StatusKind::Open if progress => (
            ConversationState::Open,
            TicketStateCategory::InProgress,
            "open status whose name says work is in progress".into(),
        ),
        StatusKind::Open => (
            ConversationState::Open,
            TicketStateCategory::Submitted,
            "open status".into(),
        ),
    }
}

pub(super) fn classify_priority(
    priority: &Priority,
    all: &[Priority],
) -> (PriorityLevel, Confidence, String) {
    let name = priority.name.to_lowercase();
    let by_name = [
        (["critical", "urgent", "p1"], PriorityLevel::Urgent),
        (["high", "major", "p2"], PriorityLevel::High),
        (["medium", "normal", "p3"], PriorityLevel::Medium),
        (["low", "minor", "p4"], PriorityLevel::Low),
    ]
    .into_iter()
    .find(|(words, _)| words.iter().any(|word| name.contains(word)));
    if let Some((_, level)) = by_name {
        return (level, Confidence::High, "the name says it".into());
    }
    // Otherwise rank by Vivantio's order (lower is more urgent), spread over four levels.
    let mut ranked: Vec<&Priority> = all.iter().collect();
    ranked.sort_by_key(|p| (p.order.unwrap_or(i32::MAX), p.id));
    let position = ranked.iter().position(|p| p.id == priority.id).unwrap_or(0);
    let levels = [
        PriorityLevel::Urgent,
        PriorityLevel::High,
        PriorityLevel::Medium,
        PriorityLevel::Low,
    ];
    let slot = position * levels.len() / ranked.len().max(1);
    (
        levels[slot.min(levels.len() - 1)],
        Confidence::Low,
        format!(
            "the name does not say; ranked {} of {} by Vivantio's order",
            position + 1,
            ranked.len()
        ),
    )
}

pub(super) fn field_type_proposal(
    field: &FieldDefinition,
    model: TargetModel,
) -> (AttributeType, Transform, Vec<String>, Option<String>) {
    let people = model != TargetModel::Thread;
    let options: Vec<String> = field
        .options
        .iter()
        .map(|option| option.value.clone())
        .collect();
    match field.field_type {
        FieldType::Text => (AttributeType::String, Transform::Text, Vec::new(), None),
        FieldType::TextArea => (AttributeType::String, Transform::MultilineText, Vec::new(), None),
        FieldType::Number => (AttributeType::Integer, Transform::Integer, Vec::new(), None),
        FieldType::Decimal => (AttributeType::Decimal, Transform::Decimal, Vec::new(), None),
        FieldType::DateTime => (AttributeType::Datetime, Transform::Datetime, Vec::new(), None),
        FieldType::Checkbox => (AttributeType::Boolean, Transform::Boolean, Vec::new(), None),
        FieldType::Date if people => (AttributeType::Date, Transform::Date, Vec::new(), None),
        FieldType::Date => (
            AttributeType::Datetime,
            Transform::Datetime,
            Vec::new(),
            Some("conversations and tickets have no date type: midnight of the date in the source zone".into()),
        ),
        FieldType::DropDown if options.len() >= 2 || (!people && !options.is_empty()) => {
            (AttributeType::List, Transform::ListOption, options, None)
        }
        FieldType::DropDown => (
            AttributeType::String,
            Transform::Text,
            Vec::new(),
            Some("too few options for an Intercom list: kept as text".into()),
        ),
        FieldType::MultiSelect => (
            AttributeType::String,
            Transform::Joined,
            Vec::new(),
            Some("Intercom lists hold one choice: the choices are joined into text".into()),
        ),
    }
}
