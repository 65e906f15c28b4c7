//! The page's building blocks for the report's lists: any [`Table`], a list grouped by reason
//! or a list of first records in closed blocks, and the lines that say where every record is.

use super::{escape, put};
use crate::report::summary::{GroupedTables, TableList};
use crate::report::table::{Cell, ColumnKind, Table, TableKind, Tone};
use crate::report::words;

/// Where a table stands, which decides only how its markup is spaced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Placement {
    /// In a section's flow: a row a line.
    Section,
    /// Inside a closed block: all on one line.
    Block,
}

/// Renders `table`.
pub(crate) fn table(out: &mut String, table: &Table, placement: Placement) {
    let class = match table.kind {
        TableKind::Records => "data",
        TableKind::Comparison => "data diffs",
        TableKind::Compact => "data compact",
    };
    put!(out, "<table class=\"{class}\"><thead><tr>");
    for column in &table.columns {
        match column.kind {
            ColumnKind::Text => put!(out, "<th>{}</th>", escape(column.title)),
            ColumnKind::Figure => put!(out, "<th class=\"num\">{}</th>", escape(column.title)),
            ColumnKind::Meter => out.push_str("<th class=\"progress-col\"></th>"),
        }
    }
    let line = match placement {
        Placement::Section => "\n",
        Placement::Block => "",
    };
    put!(out, "</tr></thead><tbody>{line}");
    for row in &table.rows {
        out.push_str("<tr>");
        for value in row {
            cell(out, value);
        }
        put!(out, "</tr>{line}");
    }
    put!(out, "</tbody></table>{line}");
}

fn cell(out: &mut String, cell: &Cell) {
    match cell {
        Cell::Text(text) => put!(out, "<td>{}</td>", escape(text)),
        Cell::FileName(name) => put!(out, "<td class=\"wrap-text\">{}</td>", escape(name)),
        Cell::Record(record) => put!(out, "<td class=\"nowrap\">{}</td>", escape(record)),
        Cell::Pair(first, second) => put!(
            out,
            "<td class=\"nowrap\">{}<br><span class=\"muted small\">{}</span></td>",
            escape(first),
            escape(second)
        ),
        Cell::Code(name) => put!(out, "<td><code>{}</code></td>", escape(name)),
        Cell::Figure(figure, tone) => {
            let class = text_class(*tone);
            let space = if class.is_empty() { "" } else { " " };
            put!(
                out,
                "<td class=\"num{space}{class}\">{}</td>",
                escape(figure)
            );
        }
        Cell::Verdict(figure, tone) => put!(
            out,
            "<td class=\"num\"><span class=\"{}\">{}</span></td>",
            text_class(*tone),
            escape(figure)
        ),
        Cell::Severity(severity) => {
            let severity = escape(severity);
            put!(
                out,
                "<td><span class=\"sev sev-{severity}\">{severity}</span></td>"
            );
        }
        Cell::Expected(value) => put!(out, "<td class=\"value\">{}</td>", escape(value)),
        Cell::Found(value) | Cell::Excerpt(value) => {
            put!(out, "<td class=\"value found\">{}</td>", escape(value));
        }
        Cell::Meter(share) => put!(
            out,
            "<td class=\"progress-col\"><span class=\"meter\">\
             <span style=\"width:{share:.1}%\"></span></span></td>"
        ),
    }
}

/// The style sheet's class for text of `tone` (none for plain text).
fn text_class(tone: Tone) -> &'static str {
    match tone {
        Tone::Plain => "",
        Tone::Good => "good-text",
        Tone::Warn => "warn-text",
        Tone::Bad => "bad-text",
        Tone::Muted => "muted",
    }
}

/// A count in a pill: plain, or marked bad.
pub(crate) fn pill(count: u64, tone: Tone) -> String {
    let class = if tone == Tone::Bad {
        "pill pill-bad"
    } else {
        "pill"
    };
    format!("<span class=\"{class}\">{}</span>", words::count(count))
}

/// A list grouped by reason: its title with how many, then its [`groups`].
pub(crate) fn grouped(out: &mut String, list: &GroupedTables, tone: Tone, urgent: bool) {
    put!(
        out,
        "<h4>{} {}</h4>\n",
        escape(list.title),
        pill(list.total, tone)
    );
    groups(out, list, urgent);
}

/// Where every record of `list` is, then a block per group, open when each record is a
/// problem to look at (`urgent`), with its count marked so.
pub(crate) fn groups(out: &mut String, list: &GroupedTables, urgent: bool) {
    list_file(out, list.file.as_deref());
    let group_tone = if urgent { Tone::Bad } else { Tone::Plain };
    for group in &list.groups {
        let mut body = String::new();
        table(&mut body, &group.table, Placement::Block);
        more(&mut body, group.shown(), group.count, list.file.as_deref());
        let mut summary = format!(
            "<code>{}</code>{}",
            escape(&group.reason),
            pill(group.count, group_tone)
        );
        if let Some(fix) = &group.fix {
            put!(summary, "<span class=\"fix\">Fix: {}</span>", escape(fix));
        }
        details(out, urgent, &summary, &body);
    }
}

/// Where every record of `list` is, then its first records in a block titled with how many.
pub(crate) fn listed(out: &mut String, list: &TableList, open: bool, tone: Tone) {
    list_file(out, list.file.as_deref());
    let mut body = String::new();
    table(&mut body, &list.table, Placement::Block);
    more(&mut body, list.shown(), list.total, list.file.as_deref());
    let summary = format!("{}{}", escape(list.title), pill(list.total, tone));
    details(out, open, &summary, &body);
}

/// A `<details>` block: a summary line and a body, open or closed.
pub(crate) fn details(out: &mut String, open: bool, summary: &str, body: &str) {
    put!(
        out,
        "<details class=\"group\"{}><summary>{summary}</summary>\n<div class=\"group-body\">{body}</div></details>\n",
        if open { " open" } else { "" }
    );
}

/// The line naming the file that holds every record of a list (nothing without one).
pub(crate) fn list_file(out: &mut String, file: Option<&str>) {
    if let Some(file) = file {
        put!(
            out,
            "<p class=\"list-file\">Every record, one per line (JSON Lines): \
             <a href=\"{0}\">{0}</a></p>\n",
            escape(file)
        );
    }
}

/// Under the records shown of a group or list, when they are not all of it: how many are
/// shown, and where the rest are.
pub(crate) fn more(out: &mut String, shown: usize, total: u64, file: Option<&str>) {
    if shown as u64 >= total {
        return;
    }
    put!(
        out,
        "<p class=\"more\">The first {} of {}",
        words::count(shown as u64),
        words::count(total)
    );
    if let Some(file) = file {
        put!(
            out,
            "; every one is in <a href=\"{0}\">{0}</a>",
            escape(file)
        );
    }
    out.push_str(".</p>");
}

/// A list of escaped items, or nothing when there are none.
pub(crate) fn list(out: &mut String, items: &[String]) {
    if items.is_empty() {
        return;
    }
    out.push_str("<ul>");
    for item in items {
        put!(out, "<li>{}</li>", escape(item));
    }
    out.push_str("</ul>");
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::table::Column;

    #[test]
    fn cells_say_what_they_hold_and_figures_take_their_tone() {
        let mut rows = Table::new(vec![
            Column::pair("Record", "Intercom record"),
            Column::figure("Failed"),
            Column::meter(),
            Column::figure("Verified"),
        ]);
        rows.push(vec![
            Cell::Pair("ticket <1>".into(), "ticket:1".into()),
            Cell::Figure("2".into(), Tone::Bad),
            Cell::Meter(12.34),
            Cell::Verdict("–".into(), Tone::Muted),
        ]);
        let mut out = String::new();
        table(&mut out, &rows, Placement::Block);
        assert_eq!(
            out,
            "<table class=\"data\"><thead><tr><th>Record</th><th class=\"num\">Failed</th>\
             <th class=\"progress-col\"></th><th class=\"num\">Verified</th></tr></thead><tbody>\
             <tr><td class=\"nowrap\">ticket &lt;1&gt;<br><span class=\"muted small\">ticket:1\
             </span></td><td class=\"num bad-text\">2</td><td class=\"progress-col\"><span \
             class=\"meter\"><span style=\"width:12.3%\"></span></span></td><td class=\"num\">\
             <span class=\"muted\">–</span></td></tr></tbody></table>"
        );
    }

    #[test]
    fn a_table_in_a_section_puts_a_row_on_each_line() {
        let mut rows = Table::new(vec![Column::text("Object")]);
        rows.push(vec![Cell::Text("Ticket".into())]);
        rows.push(vec![Cell::Text("Caller".into())]);
        let mut out = String::new();
        table(&mut out, &rows, Placement::Section);
        assert_eq!(out.lines().count(), 4, "{out}");
        assert!(out.ends_with("</tbody></table>\n"));
    }
}
