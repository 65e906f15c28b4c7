//! Intercom's own automation, which the API cannot list: what to pause in the workspace for
//! the migration window, so that nothing it creates reaches a customer.
//!
//! `verify` names every part of a migrated thread that the migration did not write (the
//! journal knows the id of each part it added) and is not an assignment or state event; a
//! full `migrate` refuses to start while the last verification found some, unless run with
//! [`ACCEPT_FLAG`].

use migration_core::engine::{ForeignPart, VerifyReport};

use crate::error::CliError;
use crate::project::Project;

/// What to pause in Intercom (Settings) before the first write, or to load into a workspace
/// that is not live yet; `doctor` prints it and the runbook repeats it.
pub const AUTOMATION_CHECKLIST: &[&str] = &[
    "Workflows and their triggers (\"customer sends first message\", \"ticket created\", ...)",
    "Fin AI Agent and any other bot or custom action that answers new conversations",
    "Assignment rules and round-robin balancing (the migration assigns threads itself)",
    "Conversation ratings and CSAT surveys",
    "SLA policies (they would start timers on history)",
    "Outbound messages, series and auto-messages aimed at new users or leads",
];

/// The flag of `migrate` that lets a full run start although the last `verify` found parts
/// Intercom's automation added.
pub const ACCEPT_FLAG: &str = "--accept-automation";

/// Parts listed on screen before "… and N more in the report".
const SHOWN: usize = 20;

/// One line naming a part the migration did not write: thread, part id, type, author, text.
pub fn foreign_part_line(part: &ForeignPart) -> String {
    format!(
        "  {} (id {}): part {}, {} by {}: \"{}\"",
        part.key,
        part.destination_id,
        part.part_id,
        part.kind,
        part.author_text(),
        part.body_start
    )
}

/// What `verify` prints about the parts it found that the migration did not write: nothing
/// when there are none.
pub fn verify_lines(report: &VerifyReport) -> Vec<String> {
    let parts = &report.foreign_parts;
    if parts.is_empty() {
        return Vec::new();
    }
    let mut lines = vec![format!(
        "{} part(s) on migrated conversations and tickets that the migration did not write \
         (Intercom's own automation: a workflow or Fin reply, a survey):",
        parts.len()
    )];
    lines.extend(parts.iter().take(SHOWN).map(foreign_part_line));
    if parts.len() > SHOWN {
        lines.push(format!(
            "  … and {} more in the report",
            parts.len() - SHOWN
        ));
    }
    lines.push(format!(
        "a full `migrate` refuses to start until this is settled: pause in Intercom {}, then \
         `rollback`, `migrate --sample N` and `verify` again; or run `migrate {ACCEPT_FLAG}` to \
         go on with it (runbook, step 0)",
        AUTOMATION_CHECKLIST_SHORT
    ));
    lines
}

/// The checklist in a few words, for one-line hints.
const AUTOMATION_CHECKLIST_SHORT: &str =
    "workflows, Fin AI Agent, assignment rules, CSAT surveys, SLAs and outbound messages";

/// Before a full migration: refuses while the last `verify` found parts the migration did not
/// write, unless `accepted` (`migrate --accept-automation`); then returns a line saying what
/// was accepted.
pub fn check_before_full_run(
    project: &Project,
    accepted: bool,
) -> Result<Option<String>, CliError> {
    let Some(report) = crate::history::latest_verify(&project.state_dir())? else {
        return Ok(None);
    };
    let parts = &report.foreign_parts;
    if parts.is_empty() {
        return Ok(None);
    }
    if accepted {
        tracing::warn!(
            parts = parts.len(),
            "full migration started although the last verify found parts Intercom's automation added ({ACCEPT_FLAG})"
        );
        return Ok(Some(format!(
            "accepted with {ACCEPT_FLAG}: the last verify found {} part(s) Intercom's automation \
             added to migrated threads; it may act on every thread this run creates",
            parts.len()
        )));
    }
    let mut lines = vec![format!(
        "the last `verify` found {} part(s) on migrated conversations and tickets that the \
         migration did not write: Intercom's own automation acted on them, and during a full run \
         it would act on every migrated thread (a customer could get an automated answer to a \
         ticket closed years ago):",
        parts.len()
    )];
    lines.extend(parts.iter().take(SHOWN).map(foreign_part_line));
    if parts.len() > SHOWN {
        lines.push(format!(
            "  … and {} more in the verification report",
            parts.len() - SHOWN
        ));
    }
    lines.push(
        "pause in Intercom for the migration window (or load into a workspace that is not live \
         yet):"
            .into(),
    );
    lines.extend(
        AUTOMATION_CHECKLIST
            .iter()
            .map(|item| format!("  - {item}")),
    );
    lines.push(format!(
        "then `vivantio2intercom rollback`, `migrate --sample N` and `verify` again; or, to go on \
         with it, run `vivantio2intercom migrate {ACCEPT_FLAG}`"
    ));
    Err(CliError::Refused(lines.join("\n")))
}
