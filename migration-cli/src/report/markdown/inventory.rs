//! The written inventory in Markdown: each item as it is in Vivantio, then its Intercom
//! equivalent step by step.

use migration_core::inventory::{InventoryItem, WrittenInventory};

use super::{line_start, put, text};
use crate::report::figures::{inventory_groups, labelled_lists};

/// The inventory section, one group per kind.
pub(super) fn section(out: &mut String, inventory: &WrittenInventory) {
    out.push_str(
        "## Written inventory\n\nThese have no API in Vivantio or Intercom: rebuild each by hand \
         in Intercom, as recommended.\n\n",
    );
    if inventory.items.is_empty() {
        out.push_str("The admin inventory file lists nothing.\n\n");
    }
    for (heading, items) in inventory_groups(inventory) {
        put!(out, "### {heading} ({})\n\n", items.len());
        for item in items {
            entry(out, item);
        }
    }
}

fn entry(out: &mut String, item: &InventoryItem) {
    put!(
        out,
        "#### {} · {}{}\n\n",
        text(&item.source_id),
        text(&item.name),
        if item.enabled { "" } else { " (disabled)" }
    );
    if !item.record_types.is_empty() {
        let types: Vec<String> = item.record_types.iter().map(|name| text(name)).collect();
        put!(out, "- **Applies to:** {}\n", types.join(", "));
    }
    if let Some(trigger) = &item.trigger {
        put!(out, "- **Trigger:** {}\n", text(trigger));
    }
    for (label, items) in labelled_lists(item) {
        nested(out, label, items);
    }
    put!(
        out,
        "\n**In Intercom: {}**\n\n",
        text(&item.recommendation.intercom_feature)
    );
    for (number, step) in item.recommendation.steps.iter().enumerate() {
        put!(out, "{}. {}\n", number + 1, line_start(step));
    }
    out.push('\n');
    for note in &item.recommendation.notes {
        put!(out, "> {}\n", line_start(note));
    }
    if !item.recommendation.notes.is_empty() {
        out.push('\n');
    }
}

fn nested(out: &mut String, label: &str, items: &[String]) {
    if items.is_empty() {
        return;
    }
    put!(out, "- **{label}:**\n");
    for item in items {
        put!(out, "  - {}\n", line_start(item));
    }
}
