//! The migration report: one [`MigrationReport`] document (discovery, pre-flight findings,
//! runs, verification, rollback and the written inventory) rendered three ways:
//!
//! * [`to_html`]: a self-contained page (inline CSS, no script, no external asset) to open
//!   in any browser, offline;
//! * [`to_markdown`]: the same content as GitHub-flavoured Markdown, for tickets and wikis;
//! * [`to_json`]: the document itself, for scripts ([`from_json`] reads it back).
//!
//! [`write_all`] writes the three files into a folder. Every text that comes from customer
//! records is escaped by the renderers: a ticket titled `<script>` shows as text.
//!
//! The document holds counts and the first few records of each reason; every per-record list
//! (rejections, failures, findings, differences…) is written in full beside it as JSON Lines
//! by the [`lists`] module, while the sections are built ([`RunSection::new`] and the like).
//! However many records a migration has, the three files stay small.
//!
//! The HTML and the Markdown show the same things: each section is summarised once (its
//! figures and phrases, its lists as tables that say what each cell holds, in the order of the
//! report's parts), and each renderer only lays that summary out in its own markup.

mod figures;
mod html;
mod json;
pub mod lists;
mod markdown;
mod model;
mod outline;
mod sections;
mod summary;
mod table;
mod words;

pub use figures::{Headline, ObjectRow, Verdict, VerifiedCounts};
pub use html::to_html;
pub use json::{from_json, to_json};
pub use lists::{FindingsFile, Group, Grouped, ListFolder, Listed, PREFLIGHT_FINDINGS_FILE};
pub use markdown::to_markdown;
pub use model::{
    companies_without_contacts, ArticleTally, AttachmentSummary, CompanyWithoutContacts,
    CustomFieldCounts, DiscoverySummary, DoctorDigest, HelpCenterStatus, IntercomSummary,
    LargeFile, MigrationReport, OpenTicketsInIntercom,
};
pub use sections::{PreflightSection, RollbackSection, RunSection, VerificationSection};

use std::io;
use std::path::{Path, PathBuf};

use crate::private_files::{create_private_dir_all, replace_private};

/// Where [`write_all`] wrote the report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportPaths {
    /// The HTML page.
    pub html: PathBuf,
    /// The Markdown document.
    pub markdown: PathBuf,
    /// The JSON document.
    pub json: PathBuf,
}

/// Writes `report.html`, `report.md` and `report.json` into `dir` (created if missing),
/// replacing earlier ones; all owner-only.
pub fn write_all(report: &MigrationReport, dir: &Path) -> io::Result<ReportPaths> {
    create_private_dir_all(dir)?;
    let paths = ReportPaths {
        html: dir.join("report.html"),
        markdown: dir.join("report.md"),
        json: dir.join("report.json"),
    };
    let json = to_json(report).map_err(io::Error::other)?;
    // Each file is replaced whole, so a reader never sees half a report.
    replace_private(&paths.html, to_html(report))?;
    replace_private(&paths.markdown, to_markdown(report))?;
    replace_private(&paths.json, json)?;
    Ok(paths)
}
