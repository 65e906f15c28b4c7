//! The written inventory: each workflow, rule, report, SLA policy and portal setting as it is in
//! Vivantio beside what to build in Intercom instead.

use migration_core::inventory::{InventoryItem, WrittenInventory};

use super::tables::list;
use super::{escape, put};
use crate::report::figures::{inventory_groups, labelled_lists};
use crate::report::words;

/// The inventory section, one group per kind.
pub(super) fn section(out: &mut String, inventory: &WrittenInventory) {
    out.push_str(
        "<section id=\"inventory\">\n<h2>Written inventory</h2>\n<p class=\"lede\">These have no \
         API in Vivantio or Intercom: rebuild each by hand in Intercom, as recommended.</p>\n",
    );
    if inventory.items.is_empty() {
        out.push_str("<p class=\"empty\">The admin inventory file lists nothing.</p>\n");
    }
    for (heading, items) in inventory_groups(inventory) {
        put!(
            out,
            "<h3>{heading} <span class=\"pill\">{}</span></h3>\n",
            words::count(items.len() as u64)
        );
        for item in items {
            card(out, item);
        }
    }
    out.push_str("</section>\n");
}

fn card(out: &mut String, item: &InventoryItem) {
    put!(
        out,
        "<article class=\"inv\"><div class=\"inv-head\"><span class=\"inv-id\">{}</span>\
         <h4>{}</h4>{}</div>\n<div class=\"inv-body\"><div class=\"inv-source\">",
        escape(&item.source_id),
        escape(&item.name),
        if item.enabled {
            ""
        } else {
            "<span class=\"badge badge-plain\">disabled</span>"
        }
    );
    if !item.record_types.is_empty() {
        put!(
            out,
            "<p><span class=\"label\">Applies to</span> {}</p>",
            escape(&item.record_types.join(", "))
        );
    }
    if let Some(trigger) = &item.trigger {
        put!(
            out,
            "<p><span class=\"label\">Trigger</span> {}</p>",
            escape(trigger)
        );
    }
    for (label, items) in labelled_lists(item) {
        labelled_list(out, label, items);
    }
    put!(
        out,
        "</div><div class=\"inv-target\"><p class=\"target-title\">In Intercom: {}</p><ol>",
        escape(&item.recommendation.intercom_feature)
    );
    for step in &item.recommendation.steps {
        put!(out, "<li>{}</li>", escape(step));
    }
    out.push_str("</ol>");
    if !item.recommendation.notes.is_empty() {
        out.push_str("<div class=\"notes\">");
        list(out, &item.recommendation.notes);
        out.push_str("</div>");
    }
    out.push_str("</div></div></article>\n");
}

fn labelled_list(out: &mut String, label: &str, items: &[String]) {
    if items.is_empty() {
        return;
    }
    put!(out, "<p class=\"label\">{label}</p>");
    list(out, items);
}
