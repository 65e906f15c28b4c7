//! The document's building blocks for the report's lists: any [`Table`] as a GitHub table, a
//! list grouped by reason, a list of first records, and the lines that say where every record
//! is.

use super::{cell, code, link, put, text};
use crate::report::summary::{GroupedTables, TableList};
use crate::report::table::{Cell, ColumnKind, Table};
use crate::report::words;

/// Renders `table`, then a blank line. Bars are left out: a table of text cannot draw them.
pub(crate) fn table(out: &mut String, table: &Table) {
    let columns = || {
        table
            .columns
            .iter()
            .filter(|column| column.kind != ColumnKind::Meter)
    };
    out.push('|');
    for column in columns() {
        put!(out, " {} |", column.title);
        if let Some(second) = column.second {
            put!(out, " {second} |");
        }
    }
    out.push_str("\n|");
    for column in columns() {
        let rule = if column.kind == ColumnKind::Figure {
            " ---: |"
        } else {
            " --- |"
        };
        out.push_str(rule);
        if column.second.is_some() {
            out.push_str(" --- |");
        }
    }
    out.push('\n');
    for row in &table.rows {
        out.push('|');
        for value in row {
            cell_text(out, value);
        }
        out.push('\n');
    }
    out.push('\n');
}

fn cell_text(out: &mut String, value: &Cell) {
    match value {
        Cell::Text(raw) | Cell::FileName(raw) | Cell::Record(raw) | Cell::Excerpt(raw) => {
            put!(out, " {} |", cell(raw));
        }
        Cell::Pair(first, second) => put!(out, " {} | {} |", cell(first), cell(second)),
        Cell::Code(raw) | Cell::Expected(raw) | Cell::Found(raw) => {
            put!(out, " {} |", code(raw));
        }
        Cell::Figure(figure, _) | Cell::Verdict(figure, _) | Cell::Severity(figure) => {
            put!(out, " {figure} |");
        }
        Cell::Meter(_) => {}
    }
}

/// A list grouped by reason: its title (a heading of `level`) with how many, then its
/// [`groups`] with their reasons in bold.
pub(crate) fn grouped(out: &mut String, list: &GroupedTables, level: &str) {
    put!(
        out,
        "{level} {} ({})\n\n",
        list.title,
        words::count(list.total)
    );
    groups(out, list, None);
}

/// Where every record of `list` is, then each group's reason (a heading of `level`, else in
/// bold), fix and table.
pub(crate) fn groups(out: &mut String, list: &GroupedTables, level: Option<&str>) {
    list_file(out, list.file.as_deref());
    for group in &list.groups {
        let reason = code(&group.reason);
        let count = words::count(group.count);
        match level {
            Some(level) => put!(out, "{level} {reason} ({count})"),
            None => put!(out, "**{reason}** ({count})"),
        }
        if let Some(fix) = &group.fix {
            put!(out, ". Fix: {}", text(fix));
        }
        out.push_str("\n\n");
        table(out, &group.table);
        more(out, group.shown(), group.count, list.file.as_deref());
    }
}

/// Where every record of `list` is, its first records, and how many more there are.
pub(crate) fn listed(out: &mut String, list: &TableList) {
    list_file(out, list.file.as_deref());
    table(out, &list.table);
    more(out, list.shown(), list.total, list.file.as_deref());
}

/// The paragraph naming the file that holds every record of a list (nothing without one).
pub(crate) fn list_file(out: &mut String, file: Option<&str>) {
    if let Some(file) = file {
        put!(
            out,
            "Every record, one per line (JSON Lines): {}\n\n",
            link(file)
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
        "The first {} of {}",
        words::count(shown as u64),
        words::count(total)
    );
    if let Some(file) = file {
        put!(out, "; every one is in {}", link(file));
    }
    out.push_str(".\n\n");
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::table::{Column, Tone};

    #[test]
    fn a_pair_takes_two_columns_figures_align_right_and_bars_are_left_out() {
        let mut rows = Table::new(vec![
            Column::pair("Record", "Intercom record"),
            Column::figure("Moved"),
            Column::meter(),
            Column::text("Field"),
        ]);
        rows.push(vec![
            Cell::Pair("ticket 1".into(), "ticket:1 (id 9)".into()),
            Cell::Figure("1,204".into(), Tone::Bad),
            Cell::Meter(50.0),
            Cell::Code("parts.*.body".into()),
        ]);
        let mut out = String::new();
        table(&mut out, &rows);
        assert_eq!(
            out,
            "| Record | Intercom record | Moved | Field |\n| --- | --- | ---: | --- |\n\
             | ticket 1 | ticket:1 (id 9) | 1,204 | `parts.*.body` |\n\n"
        );
    }

    #[test]
    fn groups_show_their_common_fix_and_where_the_rest_are() {
        let mut first = Table::new(vec![Column::text("Record")]);
        first.push(vec![Cell::Record("ticket 1".into())]);
        let list = GroupedTables {
            title: "Rejected by the mapping",
            total: 3,
            file: Some("run-1-rejections.jsonl".into()),
            groups: vec![crate::report::summary::TableGroup {
                reason: "missing_date".into(),
                count: 3,
                fix: Some("set *the* date".into()),
                table: first,
            }],
        };
        let mut out = String::new();
        grouped(&mut out, &list, "####");
        assert!(
            out.starts_with("#### Rejected by the mapping (3)\n\n"),
            "{out}"
        );
        assert!(out.contains("**`missing_date`** (3). Fix: set \\*the\\* date\n\n| Record |"));
        assert!(out.ends_with(
            "The first 1 of 3; every one is in [run-1-rejections.jsonl](run-1-rejections.jsonl).\n\n"
        ));
    }
}
