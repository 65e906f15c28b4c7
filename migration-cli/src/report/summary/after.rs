//! After the runs, as the reports show it: what verification read back and what a rollback
//! undid.

use super::{figure, GroupedShape, GroupedTables, TableList};
use crate::report::lists::Listed;
use crate::report::sections::{RollbackSection, VerificationSection};
use crate::report::table::{Cell, Column, Table, TableKind, Tone};
use crate::report::words;

/// How much of an expected or found value a table cell shows; the JSON report has it whole.
const VALUE_LIMIT: usize = 200;

/// The latest verification, ready to lay out.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct VerificationSummary {
    /// Which records were compared, in words.
    pub selection: String,
    /// Its wall time, in words.
    pub duration: String,
    /// Whether it was stopped before the end.
    pub interrupted: bool,
    /// Counts per kind of Intercom record.
    pub counts: Table,
    /// Parts not readable through the API, over every thread, counted.
    pub unreadable_part_count: String,
    /// The threads whose oldest parts the API does not show.
    pub unreadable: TableList,
    /// Parts of migrated threads the migration did not write.
    pub foreign: TableList,
    /// Field differences, by field.
    pub differences: GroupedTables,
}

impl VerificationSummary {
    /// The summary of `section`.
    pub(crate) fn new(section: &VerificationSection) -> Self {
        Self {
            selection: words::selection_text(section.selection),
            duration: words::duration(section.duration_ms),
            interrupted: section.interrupted,
            counts: verification_counts(section),
            unreadable_part_count: words::count(section.unreadable_part_count),
            unreadable: TableList::new(
                "Parts not readable through the API",
                &section.unreadable_parts,
                vec![
                    Column::text("Record"),
                    Column::text("Intercom record"),
                    Column::figure("Parts not readable"),
                ],
                |thread| {
                    vec![
                        Cell::Text(thread.record.to_string()),
                        Cell::Text(format!("{} (id {})", thread.key, thread.destination_id)),
                        figure(thread.parts),
                    ]
                },
            ),
            foreign: foreign_parts(section),
            differences: differences(section),
        }
    }
}

/// Migrated, checked, matching, differing and missing records per kind of Intercom record.
fn verification_counts(section: &VerificationSection) -> Table {
    let mut table = Table::new(vec![
        Column::text("Intercom record"),
        Column::figure("Migrated"),
        Column::figure("Checked"),
        Column::figure("Matching"),
        Column::figure("Differing"),
        Column::figure("Missing"),
    ]);
    for (kind, counts) in &section.objects {
        table.push(vec![
            Cell::Text(words::humanize(&words::wire_name(kind))),
            figure(counts.migrated),
            figure(counts.checked),
            Cell::Figure(words::count(counts.matching), Tone::Good),
            Cell::Figure(
                words::count(counts.differing),
                Tone::bad_if(counts.differing),
            ),
            Cell::Figure(words::count(counts.missing), Tone::bad_if(counts.missing)),
        ]);
    }
    table
}

fn foreign_parts(section: &VerificationSection) -> TableList {
    TableList::new(
        "Parts the migration did not write",
        &section.foreign_parts,
        vec![
            Column::text("Intercom record"),
            Column::text("Part"),
            Column::text("Type"),
            Column::text("Author"),
            Column::text("Text"),
        ],
        |part| {
            vec![
                Cell::Record(format!("{} (id {})", part.key, part.destination_id)),
                Cell::Text(part.part_id.clone()),
                Cell::Code(part.kind.clone()),
                Cell::Text(part.author_text()),
                Cell::Excerpt(part.body_start.clone()),
            ]
        },
    )
}

fn differences(section: &VerificationSection) -> GroupedTables {
    GroupedTables::new(
        &section.differences,
        GroupedShape {
            title: "Differences",
            kind: TableKind::Comparison,
            columns: &[
                Column::pair("Record", "Intercom record"),
                Column::text("Field"),
                Column::text("Expected"),
                Column::text("Found"),
            ],
            row: &|difference| {
                let destination = match &difference.destination_id {
                    Some(id) => format!("{} (id {id})", difference.key),
                    None => difference.key.to_string(),
                };
                vec![
                    Cell::Pair(difference.record.to_string(), destination),
                    Cell::Code(difference.field.clone()),
                    Cell::Expected(words::value_text(Some(&difference.expected), VALUE_LIMIT)),
                    Cell::Found(words::value_text(difference.found.as_ref(), VALUE_LIMIT)),
                ]
            },
            fix: None,
        },
    )
}

/// One of a rollback's tallies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Tally {
    /// What it counts, in lower case (`steps planned`).
    pub label: &'static str,
    /// How many.
    pub value: u64,
    /// How it reads.
    pub tone: Tone,
}

/// The latest rollback, ready to lay out.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct RollbackSummary {
    /// Where it stands, in lower case (`dry run: nothing was changed`).
    pub status: &'static str,
    /// Its wall time, in words.
    pub duration: String,
    /// Whether it was stopped before the end.
    pub interrupted: bool,
    /// Steps planned, undone, already gone… in the order shown.
    pub tallies: Vec<Tally>,
    /// Steps planned per kind of step: the kind in words, how many.
    pub steps: Vec<(String, String)>,
    /// Journal entries that could not be undone.
    pub failures: TableList,
    /// Journal entries whose outcome is still unknown.
    pub uncertain: Listed<String>,
    /// Values that stay as the migration set them.
    pub kept: TableList,
}

impl RollbackSummary {
    /// The title of the entries whose outcome is unknown.
    pub(crate) const UNCERTAIN: &'static str = "Outcome unknown (check these by hand)";

    /// The summary of `section`.
    pub(crate) fn new(section: &RollbackSection) -> Self {
        let status = if section.dry_run {
            "dry run: nothing was changed"
        } else if section.is_complete() {
            "complete: everything the runs wrote is undone"
        } else {
            "incomplete: see below"
        };
        Self {
            status,
            duration: words::duration(section.duration_ms),
            interrupted: section.interrupted,
            tallies: tallies(section),
            steps: section
                .steps
                .iter()
                .map(|(kind, planned)| (words::humanize(kind), words::count(*planned)))
                .collect(),
            failures: TableList::new(
                "Could not be undone",
                &section.failures,
                vec![
                    Column::figure("Journal entry"),
                    Column::text("Operation"),
                    Column::text("Why it could not be undone"),
                ],
                |failure| {
                    vec![
                        Cell::Figure(failure.sequence.to_string(), Tone::Plain),
                        Cell::Code(failure.mark.to_string()),
                        Cell::Text(failure.reason.clone()),
                    ]
                },
            ),
            uncertain: section.uncertain.clone(),
            kept: kept_values(section),
        }
    }
}

fn tallies(section: &RollbackSection) -> Vec<Tally> {
    let tally = |label, value, tone| Tally { label, value, tone };
    vec![
        tally("steps planned", section.steps_planned, Tone::Plain),
        tally("undone", section.undone, Tone::Good),
        tally("already gone", section.already_absent, Tone::Plain),
        tally("needed no step", section.settled_without_step, Tone::Plain),
        tally("never applied", section.never_applied, Tone::Plain),
        tally(
            "could not be undone",
            section.failures.total,
            Tone::bad_if(section.failures.total),
        ),
    ]
}

fn kept_values(section: &RollbackSection) -> TableList {
    TableList::new(
        "Values that stay as the migration set them",
        &section.kept,
        vec![
            Column::text("Intercom record"),
            Column::text("Field"),
            Column::text("Why it stays"),
        ],
        |value| {
            vec![
                Cell::Record(format!(
                    "{} {}",
                    words::humanize(&words::wire_name(&value.kind)),
                    value.id
                )),
                Cell::Code(value.field.clone()),
                Cell::Text(value.reason.clone()),
            ]
        },
    )
}
