//! The report's sections as both renderers show them: every figure counted, every phrase and
//! every table built once here from the sections, so that the HTML page and the Markdown
//! document only lay them out. A renderer adds its own markup and prose, never a figure.

mod after;
mod before;
mod run;

pub(crate) use after::{RollbackSummary, VerificationSummary};
pub(crate) use before::{
    article_tallies, companies_without_contacts, largest_files, preflight_findings,
};
pub(crate) use run::{RunSummary, StageTimes};

use super::figures::ObjectRow;
use super::lists::{Group, Grouped, Listed};
use super::table::{Cell, Column, Table, TableKind, Tone};
use super::words;

/// A per-record list shown as a table of its first records: how many there are and the file
/// that holds every one.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct TableList {
    /// What the list holds, as a title.
    pub title: &'static str,
    /// Records in the whole list.
    pub total: u64,
    /// The file holding every record.
    pub file: Option<String>,
    /// The first records.
    pub table: Table,
}

impl TableList {
    /// The first records of `listed` as rows of `columns`.
    fn new<T>(
        title: &'static str,
        listed: &Listed<T>,
        columns: Vec<Column>,
        row: impl Fn(&T) -> Vec<Cell>,
    ) -> Self {
        let mut table = Table::new(columns);
        for item in &listed.first {
            table.push(row(item));
        }
        Self {
            title,
            total: listed.total,
            file: listed.file.clone(),
            table,
        }
    }

    /// Whether the list holds no record.
    pub(crate) fn is_empty(&self) -> bool {
        self.total == 0
    }

    /// Records shown.
    pub(crate) fn shown(&self) -> usize {
        self.table.rows.len()
    }
}

/// A per-record list grouped by reason, each group a table of its first records.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct GroupedTables {
    /// What the list holds, as a title.
    pub title: &'static str,
    /// Records in the whole list.
    pub total: u64,
    /// The file holding every record.
    pub file: Option<String>,
    /// The groups, in the order shown.
    pub groups: Vec<TableGroup>,
}

/// The first records of one reason.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct TableGroup {
    /// The reason.
    pub reason: String,
    /// Records of this reason in the whole list.
    pub count: u64,
    /// The fix, when every record of the group has the same one (else each row has its own).
    pub fix: Option<String>,
    /// The first records.
    pub table: Table,
}

impl TableGroup {
    /// Records shown.
    pub(crate) fn shown(&self) -> usize {
        self.table.rows.len()
    }
}

/// How a grouped list is titled and what its rows hold.
struct GroupedShape<'a, T> {
    title: &'static str,
    kind: TableKind,
    columns: &'a [Column],
    row: &'a dyn Fn(&T) -> Vec<Cell>,
    /// Each record's own fix, shown in a last column when its group has no common one.
    fix: Option<&'a dyn Fn(&T) -> &str>,
}

impl GroupedTables {
    /// The groups of `grouped`, each a table shaped by `shape`.
    fn new<T>(grouped: &Grouped<T>, shape: GroupedShape<'_, T>) -> Self {
        let group_table = |group: &Group<T>| {
            let own_fix = shape.fix.filter(|_| group.fix.is_none());
            let mut columns = shape.columns.to_vec();
            if own_fix.is_some() {
                columns.push(Column::text("Fix"));
            }
            let mut table = Table::new(columns).of_kind(shape.kind);
            for item in &group.examples {
                let mut row = (shape.row)(item);
                if let Some(fix) = own_fix {
                    row.push(Cell::Text(fix(item).to_string()));
                }
                table.push(row);
            }
            TableGroup {
                reason: group.reason.clone(),
                count: group.count,
                fix: group.fix.clone(),
                table,
            }
        };
        Self {
            title: shape.title,
            total: grouped.total,
            file: grouped.file.clone(),
            groups: grouped.groups.iter().map(group_table).collect(),
        }
    }

    /// Whether the list holds no record.
    pub(crate) fn is_empty(&self) -> bool {
        self.total == 0
    }
}

/// The first records of a list of records, by name.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct RecordList {
    /// What the list holds, as a title.
    pub title: &'static str,
    /// The records.
    pub records: Listed<String>,
}

impl RecordList {
    fn new<T: ToString>(title: &'static str, listed: &Listed<T>) -> Self {
        Self {
            title,
            records: Listed {
                total: listed.total,
                file: listed.file.clone(),
                first: listed.first.iter().map(ToString::to_string).collect(),
            },
        }
    }
}

/// The counts-per-object table of the baseline run, with what verification found.
pub(crate) fn objects_table(rows: &[ObjectRow]) -> Table {
    // The column shows only when the scope left something out.
    let scoped = rows.iter().any(|row| row.out_of_scope > 0);
    let mut columns = vec![Column::text("Object"), Column::figure("Source")];
    if scoped {
        columns.push(Column::figure("Out of scope"));
    }
    columns.extend([
        Column::figure("In Intercom"),
        Column::meter(),
        Column::figure("Rejected"),
        Column::figure("Failed"),
        Column::figure("Verified"),
    ]);
    let mut table = Table::new(columns);
    for row in rows {
        let share = if row.in_scope() == 0 {
            0.0
        } else {
            (row.moved as f64 * 100.0 / row.in_scope() as f64).min(100.0)
        };
        let verified = match row.verified {
            Some(counts) => Cell::Verdict(
                format!(
                    "{} of {}",
                    words::count(counts.matching),
                    words::count(counts.checked)
                ),
                if counts.differing + counts.missing > 0 {
                    Tone::Bad
                } else {
                    Tone::Good
                },
            ),
            None => Cell::Verdict("–".to_string(), Tone::Muted),
        };
        let mut cells = vec![
            Cell::Text(words::humanize(row.object.as_str())),
            figure(row.source),
        ];
        if scoped {
            cells.push(figure(row.out_of_scope));
        }
        cells.extend([
            figure(row.moved),
            Cell::Meter(share),
            Cell::Figure(words::count(row.rejected), Tone::warn_if(row.rejected)),
            Cell::Figure(words::count(row.failed), Tone::bad_if(row.failed)),
            verified,
        ]);
        table.push(cells);
    }
    table
}

/// A plain count.
fn figure(value: u64) -> Cell {
    Cell::Figure(words::count(value), Tone::Plain)
}

#[cfg(test)]
mod tests {
    use migration_core::model::source::{SourceKind, SourceRef};
    use migration_core::reject::{ReasonCode, Rejection};

    use super::*;
    use crate::report::figures::ObjectRow;

    #[test]
    fn only_a_group_without_a_common_fix_gets_a_fix_column() {
        let rejection = |id, fix: &str| {
            Rejection::new(
                SourceRef::new(SourceKind::Ticket, id),
                ReasonCode::MissingDate,
                "no date",
                fix,
            )
        };
        let group = |fix: Option<&str>, examples| Group {
            reason: "missing_date".to_string(),
            count: 2,
            fix: fix.map(str::to_string),
            examples,
        };
        let grouped = Grouped {
            total: 4,
            file: Some("rejections.jsonl".to_string()),
            groups: vec![
                group(Some("set it"), vec![rejection(1, "set it")]),
                group(None, vec![rejection(2, "a"), rejection(3, "b")]),
            ],
        };
        let tables = GroupedTables::new(
            &grouped,
            GroupedShape {
                title: "Rejected",
                kind: TableKind::Records,
                columns: &[Column::text("Record")],
                row: &|rejection: &Rejection| vec![Cell::Record(rejection.record.to_string())],
                fix: Some(&|rejection: &Rejection| rejection.fix.as_str()),
            },
        );
        let titles = |group: &TableGroup| -> Vec<&str> {
            group
                .table
                .columns
                .iter()
                .map(|column| column.title)
                .collect()
        };
        assert_eq!(titles(&tables.groups[0]), ["Record"]);
        assert_eq!(titles(&tables.groups[1]), ["Record", "Fix"]);
        assert_eq!(tables.groups[1].table.rows[1][1], Cell::Text("b".into()));
        assert_eq!(tables.groups[1].shown(), 2);
        assert_eq!(
            (tables.total, tables.file.as_deref()),
            (4, Some("rejections.jsonl"))
        );
    }

    #[test]
    fn the_objects_table_has_a_scope_column_only_when_the_scope_left_something_out() {
        let row = |out_of_scope| ObjectRow {
            object: SourceKind::Ticket,
            source: 10,
            moved: 4,
            rejected: 1,
            failed: 0,
            out_of_scope,
            verified: None,
        };
        let titles = |rows: &[ObjectRow]| -> Vec<&str> {
            objects_table(rows)
                .columns
                .iter()
                .map(|column| column.title)
                .collect()
        };
        assert!(!titles(&[row(0)]).contains(&"Out of scope"));
        assert!(titles(&[row(0), row(2)]).contains(&"Out of scope"));
        // What moved of what the scope moves: 4 of 8.
        assert!(objects_table(&[row(2)]).rows[0].contains(&Cell::Meter(50.0)));
    }
}
