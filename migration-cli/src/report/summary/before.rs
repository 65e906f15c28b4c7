//! Before the runs, as the reports show it: discovery's tables, the pre-flight findings and
//! the companies Intercom will not list.

use super::{GroupedShape, GroupedTables, TableList};
use crate::report::lists::Listed;
use crate::report::model::{ArticleTally, AttachmentSummary, CompanyWithoutContacts};
use crate::report::sections::PreflightSection;
use crate::report::table::{Cell, Column, Table, TableKind, Tone};
use crate::report::words;

/// The largest attachments, largest first.
pub(crate) fn largest_files(attachments: &AttachmentSummary) -> Table {
    let mut table = Table::new(vec![
        Column::text("File"),
        Column::figure("Ticket"),
        Column::figure("Size"),
    ])
    .of_kind(TableKind::Compact);
    for file in &attachments.largest {
        table.push(vec![
            Cell::FileName(file.file_name.clone()),
            Cell::Figure(file.ticket_id.to_string(), Tone::Plain),
            Cell::Figure(words::bytes(file.bytes), Tone::Plain),
        ]);
    }
    table
}

/// Knowledge-base articles per category and language.
pub(crate) fn article_tallies(articles: &[ArticleTally]) -> Table {
    let mut table = Table::new(vec![
        Column::text("Category"),
        Column::text("Language"),
        Column::figure("Articles"),
    ])
    .of_kind(TableKind::Compact);
    for tally in articles {
        table.push(vec![
            Cell::Text(tally.category.clone()),
            Cell::Text(tally.language.clone()),
            Cell::Figure(words::count(tally.articles), Tone::Plain),
        ]);
    }
    table
}

/// The pre-flight findings by reason code, most serious reason first.
pub(crate) fn preflight_findings(section: &PreflightSection) -> GroupedTables {
    GroupedTables::new(
        &section.findings,
        GroupedShape {
            title: "Findings",
            kind: TableKind::Records,
            columns: &[
                Column::text("Severity"),
                Column::text("Record"),
                Column::text("What"),
                Column::text("Fix"),
            ],
            row: &|finding| {
                vec![
                    Cell::Severity(words::wire_name(&finding.severity)),
                    Cell::Record(finding.record.to_string()),
                    Cell::Text(finding.message.clone()),
                    Cell::Text(finding.fix.clone()),
                ]
            },
            fix: None,
        },
    )
}

/// The companies no migrated contact is attached to.
pub(crate) fn companies_without_contacts(companies: &Listed<CompanyWithoutContacts>) -> TableList {
    TableList::new(
        "Companies without contacts",
        companies,
        vec![
            Column::text("Record"),
            Column::text("company_id"),
            Column::text("Name"),
        ],
        |company| {
            vec![
                Cell::Record(company.record.to_string()),
                Cell::Code(company.company_id.clone()),
                Cell::Text(company.name.clone()),
            ]
        },
    )
}
