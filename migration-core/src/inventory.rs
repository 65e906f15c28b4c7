//! The written inventory: every workflow, business rule, saved report, SLA policy and portal
//! setting, with its trigger, conditions and actions and a recommended Intercom equivalent, as
//! a structured value the CLI renders.

use serde::{Deserialize, Serialize};

use crate::model::source::{AdminInventory, AdminRule, PortalSetting, SavedReport, SlaPolicy};

/// The kind of an inventory item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InventoryKind {
    /// A workflow.
    Workflow,
    /// A business rule.
    BusinessRule,
    /// A saved report.
    SavedReport,
    /// An SLA policy.
    SlaPolicy,
    /// A portal setting.
    PortalSetting,
}

/// What to build in Intercom instead.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Recommendation {
    /// The Intercom feature ("Workflows", "SLAs", "Reports").
    pub intercom_feature: String,
    /// What to set up, step by step.
    pub steps: Vec<String>,
    /// Caveats.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

/// One thing that does not move by API.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InventoryItem {
    /// Kind.
    pub kind: InventoryKind,
    /// Id in the inventory file ("WF-1").
    pub source_id: String,
    /// Name.
    pub name: String,
    /// Whether it is active in Vivantio.
    pub enabled: bool,
    /// Ticket types it applies to.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub record_types: Vec<String>,
    /// What starts it.
    pub trigger: Option<String>,
    /// Its conditions.
    pub conditions: Vec<String>,
    /// Its actions (reports: delivery and columns; SLA: targets and escalations; portal:
    /// settings).
    pub actions: Vec<String>,
    /// Business hours (SLA policies), one line per day, then holidays.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub business_hours: Vec<String>,
    /// When the clock stops (SLA policies).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pause_rules: Vec<String>,
    /// The Intercom equivalent.
    pub recommendation: Recommendation,
}

/// The whole written inventory.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WrittenInventory {
    /// Items, by kind then id.
    pub items: Vec<InventoryItem>,
}

impl WrittenInventory {
    /// The items of one kind.
    pub fn of_kind(&self, kind: InventoryKind) -> impl Iterator<Item = &InventoryItem> {
        self.items.iter().filter(move |item| item.kind == kind)
    }
}

fn texts<T: std::fmt::Display>(items: &[T]) -> Vec<String> {
    items.iter().map(ToString::to_string).collect()
}

/// Builds the inventory.
pub fn build_inventory(inventory: &AdminInventory) -> WrittenInventory {
    let mut items = Vec::new();
    for (kind, rules) in [
        (InventoryKind::Workflow, &inventory.workflows),
        (InventoryKind::BusinessRule, &inventory.business_rules),
    ] {
        items.extend(rules.iter().map(|rule| rule_item(kind, rule)));
    }
    items.extend(inventory.saved_reports.iter().map(report_item));
    items.extend(inventory.sla_policies.iter().map(sla_item));
    items.extend(inventory.portal_settings.iter().map(portal_item));
    items.sort_by(|a, b| a.kind.cmp(&b.kind).then(a.source_id.cmp(&b.source_id)));
    WrittenInventory { items }
}

fn report_item(report: &SavedReport) -> InventoryItem {
    let mut actions = texts(&report.actions);
    actions.extend(
        report
            .columns
            .iter()
            .map(|column| format!("column {column}")),
    );
    actions.extend(
        report
            .group_by
            .iter()
            .map(|group| format!("grouped by {group}")),
    );
    actions.extend(report.chart.iter().map(|chart| format!("{chart} chart")));
    let mut steps = vec![
        "Reports > New report: rebuild it from the filters and columns listed".to_string(),
        "Vivantio fields that became attributes are available as report filters; categories are tags".to_string(),
    ];
    if let Some(trigger) = &report.trigger {
        steps.push(format!("Schedule its export to match \"{trigger}\" (Intercom schedules report exports from the report's menu)"));
    }
    InventoryItem {
        kind: InventoryKind::SavedReport,
        source_id: report.id.clone(),
        name: report.name.clone(),
        enabled: true,
        record_types: Vec::new(),
        trigger: report.trigger.as_ref().map(ToString::to_string),
        conditions: texts(&report.conditions),
        actions,
        business_hours: Vec::new(),
        pause_rules: Vec::new(),
        recommendation: Recommendation {
            intercom_feature: "Reports (custom report)".into(),
            steps,
            notes: report
                .owner
                .iter()
                .map(|owner| format!("owned by {owner} in Vivantio"))
                .collect(),
        },
    }
}

fn sla_item(policy: &SlaPolicy) -> InventoryItem {
    let targets: Vec<String> = policy
        .targets
        .iter()
        .map(|target| {
            format!(
                "{} / {}: {}{}",
                target.priority,
                target.stage,
                minutes(target.minutes),
                if target.business_hours_only {
                    " (business hours)"
                } else {
                    ""
                }
            )
        })
        .collect();
    let mut actions = targets.clone();
    actions.extend(texts(&policy.actions));
    let mut steps = vec![format!(
        "Settings > Helpdesk > SLAs: create \"{}\" with the targets {}",
        policy.name,
        targets.join("; ")
    )];
    steps.push("Apply it with a workflow whose conditions match the ones listed (priority, company or tag)".into());
    let mut business_hours = Vec::new();
    if let Some(hours) = &policy.business_hours {
        business_hours = texts(&hours.days);
        if !hours.holidays.is_empty() {
            business_hours.push(format!("holidays: {}", hours.holidays.join(", ")));
        }
        steps.push(format!(
            "Settings > Office hours: {} ({}), holidays as office-hours exceptions; make the SLA use office hours",
            texts(&hours.days).join(", "),
            hours.time_zone
        ));
    }
    let mut notes = Vec::new();
    if !policy.pause_rules.is_empty() {
        notes.push("Intercom SLA clocks pause while a conversation is snoozed or a ticket waits on the customer; the status rules of the mapping send these Vivantio statuses to those states".into());
    }
    notes.push(
        "Past SLA values moved as thread attributes; Intercom does not recompute them".into(),
    );
    InventoryItem {
        kind: InventoryKind::SlaPolicy,
        source_id: policy.id.clone(),
        name: policy.name.clone(),
        enabled: policy.enabled,
        record_types: policy.record_types.clone(),
        trigger: policy.trigger.as_ref().map(ToString::to_string),
        conditions: texts(&policy.conditions),
        actions,
        business_hours,
        pause_rules: texts(&policy.pause_rules),
        recommendation: Recommendation {
            intercom_feature: "SLAs".into(),
            steps,
            notes,
        },
    }
}

fn portal_item(setting: &PortalSetting) -> InventoryItem {
    let mut actions = texts(&setting.actions);
    actions.extend(
        setting
            .settings
            .iter()
            .map(|(key, value)| format!("setting {key} = {value}")),
    );
    let text = format!("{} {}", setting.name, actions.join(" ")).to_lowercase();
    let mut steps = Vec::new();
    let mut feature = "Help Center and Messenger settings";
    if text.contains("knowledge") || text.contains("article") {
        steps.push("Help Center > Settings: set audience and visibility of collections (Vivantio categories became collections)".into());
        feature = "Help Center";
    }
    if text.contains("sso") || text.contains("login") || text.contains("registration") {
        steps.push("Settings > Security and Messenger > Identity verification: set up SSO / who can sign in".into());
    }
    if text.contains("ticket") {
        steps.push("Settings > Tickets: make the matching ticket types available to customers in the Messenger".into());
    }
    if text.contains("logo") || text.contains("color") || text.contains("branding") {
        steps.push("Help Center > Style and Messenger > Style: logo and brand colour".into());
    }
    if text.contains("language") {
        steps.push("Help Center > Settings > Languages: add the languages listed".into());
    }
    if steps.is_empty() {
        steps.push("Find the closest setting in Messenger or Help Center settings".into());
    }
    InventoryItem {
        kind: InventoryKind::PortalSetting,
        source_id: setting.id.clone(),
        name: setting.name.clone(),
        enabled: setting.enabled,
        record_types: Vec::new(),
        trigger: setting.trigger.as_ref().map(ToString::to_string),
        conditions: texts(&setting.conditions),
        actions,
        business_hours: Vec::new(),
        pause_rules: Vec::new(),
        recommendation: Recommendation {
            intercom_feature: feature.into(),
            steps,
            notes: Vec::new(),
        },
    }
}

/// Intercom workflow triggers, by words of the Vivantio trigger event, the first match winning.
const RULE_TRIGGERS: &[(&[&str], &str)] = &[
    (
        &["logged", "creat", "new"],
        "customer sends their first message / ticket created",
    ),
    (
        &["status", "updat", "chang"],
        "teammate changes the conversation or ticket state",
    ),
    (
        &["schedul", "time", "idle"],
        "customer or teammate unresponsive (timed)",
    ),
];

/// Workflow steps, by words of the rule's action kinds; every matching step is listed.
const RULE_ACTION_STEPS: &[(&[&str], &str)] = &[
    (
        &["assign", "route"],
        "Add \"Assign to\" (teams were matched from Vivantio groups by name)",
    ),
    (
        &["email", "notify", "send"],
        "Add \"Send message\" or \"Notify teammate\"; rebuild the email templates",
    ),
    (
        &["priority"],
        "Add \"Mark as priority\" (priorities were mapped to Intercom levels)",
    ),
    (
        &["status", "close", "resolve", "schedule"],
        "Add \"Close\" / \"Snooze\" or change the ticket state; use a wait step for scheduled steps",
    ),
    (&["note"], "Add \"Add note\" with the same text"),
    (
        &["field", "tag", "category", "set"],
        "Add \"Set conversation data\" or \"Tag\" (categories became tags, fields became attributes)",
    ),
    (
        &["approv"],
        "Intercom has no approval step: use a back-office ticket assigned to the approver",
    ),
];

fn rule_item(kind: InventoryKind, rule: &AdminRule) -> InventoryItem {
    let kinds: Vec<String> = rule
        .actions
        .iter()
        .map(|action| action.kind.to_lowercase())
        .collect();
    let has = |words: &[&str]| {
        kinds
            .iter()
            .any(|kind| words.iter().any(|word| kind.contains(word)))
    };
    let feature = if kind == InventoryKind::BusinessRule && has(&["assign", "route"]) {
        "Workflows (assignment) or Assignment rules"
    } else {
        "Workflows"
    };
    let mut steps = vec![format!(
        "Workflows > New workflow, trigger: {}",
        rule_trigger(rule)
    )];
    if !rule.conditions.is_empty() {
        steps.push(format!(
            "Add a branch with: {}",
            texts(&rule.conditions).join(" AND ")
        ));
    }
    steps.extend(
        RULE_ACTION_STEPS
            .iter()
            .filter(|(words, _)| has(words))
            .map(|(_, step)| step.to_string()),
    );
    InventoryItem {
        kind,
        source_id: rule.id.clone(),
        name: rule.name.clone(),
        enabled: rule.enabled,
        record_types: rule.record_types.clone(),
        trigger: rule.trigger.as_ref().map(ToString::to_string),
        conditions: texts(&rule.conditions),
        actions: texts(&rule.actions),
        business_hours: Vec::new(),
        pause_rules: Vec::new(),
        recommendation: Recommendation {
            intercom_feature: feature.into(),
            steps,
            notes: rule_notes(rule),
        },
    }
}

/// The Intercom trigger closest to the rule's Vivantio trigger event.
fn rule_trigger(rule: &AdminRule) -> &'static str {
    let event = rule
        .trigger
        .as_ref()
        .map(|trigger| trigger.event.to_lowercase())
        .unwrap_or_default();
    RULE_TRIGGERS
        .iter()
        .find(|(words, _)| words.iter().any(|word| event.contains(word)))
        .map_or("the closest trigger available", |(_, trigger)| trigger)
}

fn rule_notes(rule: &AdminRule) -> Vec<String> {
    let mut notes = Vec::new();
    if !rule.record_types.is_empty() {
        notes.push(format!("Applies to {} in Vivantio: restrict it to the conversations or ticket types they became", rule.record_types.join(", ")));
    }
    if !rule.enabled {
        notes.push("Disabled in Vivantio: rebuild only if still wanted".into());
    }
    notes.extend(rule.description.clone());
    notes
}

fn minutes(total: i64) -> String {
    match total {
        m if m > 0 && m % (60 * 24) == 0 => format!("{} day(s)", m / (60 * 24)),
        m if m > 0 && m % 60 == 0 => format!("{} hour(s)", m / 60),
        m => format!("{m} minute(s)"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_item_gets_a_recommendation() {
        let inventory: AdminInventory = serde_json::from_value(serde_json::json!({
            "workflows": [{
                "id": "WF-1", "name": "Route VIP", "enabled": true, "record_types": ["Incident"],
                "trigger": {"event": "TicketLogged"},
                "conditions": [{"field": "ClientName", "op": "Contains", "value": "VIP"}],
                "actions": [{"type": "AssignGroup", "group": "Tier 2"}, {"type": "SetPriority", "priority": "P1"}]
            }],
            "sla_policies": [{
                "id": "SLA-1", "name": "Gold", "trigger": {"event": "TicketLogged"},
                "business_hours": {"time_zone": "Europe/London", "days": [{"day": "Monday", "start": "09:00", "end": "17:00"}], "holidays": ["2024-12-25"]},
                "pause_rules": [{"when": {"field": "StatusType", "op": "Equals", "value": "Pending"}, "stages": ["Resolution"]}],
                "targets": [{"priority": "P1", "stage": "Response", "minutes": 60, "business_hours_only": true}]
            }],
            "reports": [{"id": "RPT-1", "name": "Open by client", "trigger": {"event": "Schedule", "cron": "0 8 * * 1"}, "columns": ["Title"]}],
            "portal_settings": [{"id": "PS-1", "name": "Portal", "actions": [{"type": "ShowKnowledgeBase"}], "settings": {"sso": {"enabled": true}}}]
        }))
        .unwrap();
        let written = build_inventory(&inventory);
        assert_eq!(written.items.len(), 4);
        let workflow = written.of_kind(InventoryKind::Workflow).next().unwrap();
        assert_eq!(workflow.trigger.as_deref(), Some("TicketLogged"));
        assert_eq!(
            workflow.conditions,
            vec!["ClientName Contains VIP".to_string()]
        );
        assert_eq!(workflow.actions[0], "AssignGroup (group: Tier 2)");
        assert!(workflow
            .recommendation
            .steps
            .iter()
            .any(|step| step.contains("Assign to")));
        assert!(workflow
            .recommendation
            .steps
            .iter()
            .any(|step| step.contains("priority")));
        let sla = written.of_kind(InventoryKind::SlaPolicy).next().unwrap();
        assert_eq!(sla.actions[0], "P1 / Response: 1 hour(s) (business hours)");
        assert_eq!(
            sla.business_hours,
            vec![
                "Monday 09:00-17:00".to_string(),
                "holidays: 2024-12-25".to_string()
            ]
        );
        assert_eq!(
            sla.pause_rules,
            vec!["pause Resolution while StatusType Equals Pending".to_string()]
        );
        let report = written.of_kind(InventoryKind::SavedReport).next().unwrap();
        assert_eq!(report.trigger.as_deref(), Some("Schedule cron=0 8 * * 1"));
        let portal = written
            .of_kind(InventoryKind::PortalSetting)
            .next()
            .unwrap();
        assert_eq!(portal.recommendation.intercom_feature, "Help Center");
        assert!(portal
            .recommendation
            .steps
            .iter()
            .any(|step| step.contains("SSO")));
    }
}
