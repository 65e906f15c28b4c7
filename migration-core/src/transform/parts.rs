//! Ticket history to conversation parts, in original order with original timestamps.
//!
//! Who wrote what: a private action is an admin note; a public action by an agent is an admin
//! comment; a public action by a caller is a user comment. An author the instance cannot place
//! (no agent, no caller with that email) is written as a note by the fallback admin, opened
//! with the original author's name, so that nothing appears as sent by someone who did not
//! send it. An agent the fallback admin stands in for (the mapping gives them the fallback
//! email, or the instance does not know them) keeps the kind of part, opened with their name
//! the same way.

use std::borrow::Cow;

use crate::idmap::IdMapView;
use crate::keys::{Mark, RecordKey, RecordKind};
use crate::model::destination::{FileRef, PartAuthor, PartKind, PartRecord};
use crate::model::source::{Action, Attachment, SourceKind, SourceRef, Ticket};
use crate::ops::{DestinationOp, Operation, Phase};
use crate::reject::{Finding, ReasonCode, Severity};

use super::attachment::{fit_one_part, human_size, split_attachments, AttachmentCheck};
use super::email::normalise_email;
use super::html::{escape_text, text_to_html};
use super::Mapper;

/// The thread the parts go to.
pub(crate) struct PartContext<'a> {
    pub ticket: &'a Ticket,
    pub record: SourceRef,
    pub thread: RecordKey,
    pub opened_at: i64,
}

enum Voice {
    Admin(RecordKey),
    /// An agent whose parts the fallback admin writes, by name.
    StandIn(String),
    Contact(RecordKey),
    Unknown(String),
}

/// `body` opened with who originally wrote it.
fn attributed(who: &str, body: &str) -> String {
    format!(
        "<p><em>Originally from {}:</em></p>{body}",
        escape_text(who)
    )
}

impl Mapper {
    /// The parts of a ticket, appended to `operations`: the archive note, ticket-level
    /// attachments, then every action.
    pub(crate) fn parts(
        &self,
        context: &PartContext<'_>,
        archive: &[String],
        ids: &dyn IdMapView,
        operations: &mut Vec<Operation>,
        findings: &mut Vec<Finding>,
    ) {
        if !archive.is_empty() {
            operations.push(self.archive_part(context, archive));
        }
        if !context.ticket.attachments.is_empty() {
            self.ticket_files_parts(context, operations, findings);
        }
        self.history_parts(context, ids, operations, findings);
    }

    /// The note that keeps the values no attribute holds, at the ticket's opening.
    fn archive_part(&self, context: &PartContext<'_>, archive: &[String]) -> Operation {
        let mut body =
            String::from("<p><strong>Vivantio fields kept for reference</strong></p><ul>");
        for line in archive {
            body.push_str("<li>");
            body.push_str(&escape_text(line));
            body.push_str("</li>");
        }
        body.push_str("</ul>");
        let mark = format!("part:vivantio-ticket:{}:archive", context.ticket.id);
        let part = self.fallback_note(body, context.opened_at, Vec::new());
        self.part_operation(context, mark, part)
    }

    /// The ticket's own files (not an action's), on notes at the ticket's opening.
    fn ticket_files_parts(
        &self,
        context: &PartContext<'_>,
        operations: &mut Vec<Operation>,
        findings: &mut Vec<Finding>,
    ) {
        let (files, refused) =
            self.check_files(&context.ticket.attachments, context.record, findings);
        let mut body = String::from("<p>Attachments of the Vivantio ticket</p>");
        body.push_str(&refused);
        let mark = format!("part:vivantio-ticket:{}:attachments", context.ticket.id);
        let part = self.fallback_note(body, context.opened_at, files);
        self.push_split(context, operations, mark, part);
    }

    /// Every action's parts in time order; an undated action, or one dated before the part
    /// before it, takes that part's time, so the thread reads in the order it happened.
    fn history_parts(
        &self,
        context: &PartContext<'_>,
        ids: &dyn IdMapView,
        operations: &mut Vec<Operation>,
        findings: &mut Vec<Finding>,
    ) {
        let mut clock = context.opened_at;
        let mut actions: Vec<(i64, &Action)> = context
            .ticket
            .actions
            .iter()
            .map(|action| (action.at.map_or(clock, |at| at.to_unix(self.zone)), action))
            .collect();
        actions.sort_by_key(|(at, action)| (*at, action.id));
        let mut early = 0;
        let mut skipped: Vec<&str> = Vec::new();
        for (at, action) in actions {
            if at < context.opened_at {
                early += 1;
            }
            clock = clock.max(at);
            if !self.action_parts(context, action, clock, ids, operations, findings) {
                skipped.push(action.kind.as_deref().unwrap_or("unnamed"));
            }
        }
        history_findings(context.record, early, skipped, findings);
    }

    /// The parts of one action; `false` when it has none (an event without text, and events
    /// are not kept as notes).
    fn action_parts(
        &self,
        context: &PartContext<'_>,
        action: &Action,
        at: i64,
        ids: &dyn IdMapView,
        operations: &mut Vec<Operation>,
        findings: &mut Vec<Finding>,
    ) -> bool {
        let action_ref = SourceRef::new(SourceKind::Action, action.id);
        let mut body = self.action_body(action, action_ref, ids, findings);
        if body.is_empty() && action.attachments.is_empty() {
            if !self.spec.tickets.events_as_notes {
                return false;
            }
            body = format!(
                "<p>{}</p>",
                escape_text(action.kind.as_deref().unwrap_or("History event"))
            );
        }
        let (voice, kind) = self.voice_of(action, action_ref, findings);
        let (author, kind) = self.author_of(action, voice, kind, &mut body);
        // Intercom refuses uploaded files on a contact's reply to a ticket (URLs only), so
        // there they travel on the note just after, like private files do.
        let contact_on_ticket =
            matches!(author, PartAuthor::Contact(_)) && context.thread.kind() == RecordKind::Ticket;
        let (public_files, private_files): (Vec<&Attachment>, Vec<&Attachment>) = action
            .attachments
            .iter()
            .partition(|file| !contact_on_ticket && (!file.private || kind == PartKind::Note));
        let (files, refused) = self.check_files(public_files, action_ref, findings);
        body.push_str(&refused);
        if body.is_empty() {
            body = "<p>Attachments</p>".into();
        }
        let mark = Mark::new("part:vivantio-action:").int(action.id).build();
        let private_mark = (!private_files.is_empty()).then(|| format!("{mark}:private"));
        let part = PartRecord {
            author,
            kind,
            body_html: body,
            created_at: at,
            attachments: files,
        };
        self.push_split(context, operations, mark, part);
        if let Some(private_mark) = private_mark {
            // Intercom has no private file on a public reply: they go on a note just after.
            let (files, refused) = self.check_files(private_files, action_ref, findings);
            let heading = if contact_on_ticket {
                "Attachments of the previous message"
            } else {
                "Private attachments of the previous message"
            };
            let part = self.fallback_note(format!("<p>{heading}</p>{refused}"), at, files);
            self.push_split(context, operations, private_mark, part);
        }
        true
    }

    /// The action's text as HTML: its rich notes rendered (links and inline images
    /// rewritten), else its plain notes; empty when it has neither.
    fn action_body(
        &self,
        action: &Action,
        action_ref: SourceRef,
        ids: &dyn IdMapView,
        findings: &mut Vec<Finding>,
    ) -> String {
        let html = action
            .notes_html
            .as_deref()
            .filter(|html| !html.trim().is_empty());
        let text = action
            .notes
            .as_deref()
            .filter(|text| !text.trim().is_empty());
        match (html, text) {
            (Some(html), _) => {
                let rendered = self.html.render(html, ids);
                for guid in &rendered.unresolved_images {
                    findings.push(unresolved_image(action_ref, guid));
                }
                rendered.html
            }
            (None, Some(text)) => text_to_html(text),
            (None, None) => String::new(),
        }
    }

    /// Who writes the part, and its kind. Whoever Intercom cannot write as (a stand-in agent,
    /// a contact's private note, an unknown author) is written by the fallback admin, the body
    /// opened with the original author; a contact's or unknown author's part is then a note.
    fn author_of(
        &self,
        action: &Action,
        voice: Voice,
        kind: PartKind,
        body: &mut String,
    ) -> (PartAuthor, PartKind) {
        let fallback = || PartAuthor::Admin(self.lookup.fallback_admin.clone());
        match voice {
            Voice::Admin(key) => (PartAuthor::Admin(key), kind),
            Voice::StandIn(who) => {
                *body = attributed(&who, body);
                (fallback(), kind)
            }
            Voice::Contact(key) if kind == PartKind::Comment => (PartAuthor::Contact(key), kind),
            Voice::Contact(_) => {
                let who = action.author_name.as_deref().unwrap_or("the caller");
                *body = attributed(who, body);
                (fallback(), PartKind::Note)
            }
            Voice::Unknown(who) => {
                *body = attributed(&who, body);
                (fallback(), PartKind::Note)
            }
        }
    }

    /// A note by the fallback admin.
    fn fallback_note(&self, body_html: String, at: i64, files: Vec<FileRef>) -> PartRecord {
        PartRecord {
            author: PartAuthor::Admin(self.lookup.fallback_admin.clone()),
            kind: PartKind::Note,
            body_html,
            created_at: at,
            attachments: files,
        }
    }

    /// Who wrote the action, and whether it is a comment or a note: an agent by id, else an
    /// agent or contact by email, else an author the instance cannot place.
    fn voice_of(
        &self,
        action: &Action,
        action_ref: SourceRef,
        findings: &mut Vec<Finding>,
    ) -> (Voice, PartKind) {
        let kind = if action.private {
            PartKind::Note
        } else {
            PartKind::Comment
        };
        if let Some(agent_id) = action.agent_id {
            let voice = self
                .agent_voice(agent_id)
                .unwrap_or_else(|| unplaced_agent(action, agent_id, action_ref, findings));
            return (voice, kind);
        }
        // Clean addresses (the common case) are found without full normalisation, and without
        // a copy when already in lower case.
        let quick = action.author_email.as_deref().map(|email| {
            let email = email.trim();
            if email.bytes().any(|byte| byte.is_ascii_uppercase()) {
                Cow::Owned(email.to_ascii_lowercase())
            } else {
                Cow::Borrowed(email)
            }
        });
        if let Some(voice) = quick
            .as_deref()
            .and_then(|address| self.email_voice(address))
        {
            return (voice, kind);
        }
        let email = normalise_email(action.author_email.as_deref())
            .ok()
            .map(|email| email.address);
        if let Some(voice) = email
            .as_deref()
            .and_then(|address| self.email_voice(address))
        {
            return (voice, kind);
        }
        (
            Voice::Unknown(unknown_author(action, email.as_deref())),
            kind,
        )
    }

    /// The agent, else the contact, with the (lower-case) email `address`.
    fn email_voice(&self, address: &str) -> Option<Voice> {
        if let Some(voice) = self
            .lookup
            .agent_emails
            .get(address)
            .and_then(|id| self.agent_voice(*id))
        {
            return Some(voice);
        }
        self.directory
            .contact_with_email(address)
            .map(Voice::Contact)
    }

    /// How a known agent's parts are written: as their admin, or by the fallback admin for them.
    fn agent_voice(&self, agent_id: i64) -> Option<Voice> {
        if let Some(name) = self.lookup.stand_ins.get(&agent_id) {
            return Some(Voice::StandIn(name.clone()));
        }
        self.lookup.admin(agent_id).map(Voice::Admin)
    }

    /// Splits refused (too large) files from movable ones; refused ones are named in the body.
    fn check_files<'a>(
        &self,
        attachments: impl IntoIterator<Item = &'a Attachment>,
        record: SourceRef,
        findings: &mut Vec<Finding>,
    ) -> (Vec<FileRef>, String) {
        let mut files = Vec::new();
        let mut refused = String::new();
        for attachment in attachments {
            match AttachmentCheck::of(attachment, self.spec.attachments.max_bytes) {
                AttachmentCheck::Accepted(file) => {
                    if file.file_name != attachment.file_name {
                        findings.push(renamed_file(record, attachment, &file.file_name));
                    }
                    files.push(file);
                }
                AttachmentCheck::TooLarge {
                    file_name,
                    size,
                    limit,
                } => {
                    refused.push_str(&format!(
                        "<p>[Not moved: {} ({}) is over the {} limit]</p>",
                        escape_text(&file_name),
                        human_size(size),
                        human_size(limit)
                    ));
                    findings.push(Finding::new(
                        Severity::Error,
                        SourceRef::new(SourceKind::Attachment, attachment.id),
                        ReasonCode::AttachmentTooLarge,
                        format!("{file_name} ({}) on {record} is over Intercom's {} limit and is not moved", human_size(size), human_size(limit)),
                        "store the file elsewhere and link it, or raise attachments.max_bytes if your workspace accepts larger files",
                    ));
                }
            }
        }
        (files, refused)
    }

    /// Pushes `part` as one part, or as several when its files are over the limits of one:
    /// the first keeps the body and mark, the next ones say they continue it.
    fn push_split(
        &self,
        context: &PartContext<'_>,
        operations: &mut Vec<Operation>,
        mark: String,
        part: PartRecord,
    ) {
        let per_part = self.spec.attachments.max_files_per_part;
        let bytes_per_part = self.spec.attachments.max_bytes_per_part;
        if fit_one_part(&part.attachments, per_part, bytes_per_part) {
            // The common case, one part: the body and mark move into it instead of being copied.
            operations.push(self.part_operation(context, mark, part));
            return;
        }
        let PartRecord {
            author,
            kind,
            body_html: body,
            created_at: at,
            attachments: files,
        } = part;
        let groups = split_attachments(files, per_part, bytes_per_part);
        let total = groups.len();
        for (index, attachments) in groups.into_iter().enumerate() {
            let body_html = if index == 0 {
                body.clone()
            } else {
                format!("<p>Attachments, continued ({} of {total})</p>", index + 1)
            };
            let part_mark = if index == 0 {
                mark.clone()
            } else {
                Mark::new(&mark).text("#").int(index as i64 + 1).build()
            };
            let part = PartRecord {
                author: author.clone(),
                kind,
                body_html,
                created_at: at,
                attachments,
            };
            operations.push(self.part_operation(context, part_mark, part));
        }
    }

    fn part_operation(
        &self,
        context: &PartContext<'_>,
        mark: String,
        part: PartRecord,
    ) -> Operation {
        let author = part.author.key().clone();
        Operation::changing(
            Phase::Parts,
            mark,
            DestinationOp::AddPart {
                thread: context.thread.clone(),
                part,
            },
        )
        .requiring([context.thread.clone(), author])
        .from_source(context.record)
    }
}

/// What the history leaves out or moves: events without text, actions dated before the
/// ticket was opened.
fn history_findings(
    record: SourceRef,
    early: usize,
    mut skipped: Vec<&str>,
    findings: &mut Vec<Finding>,
) {
    if !skipped.is_empty() {
        skipped.sort_unstable();
        skipped.dedup();
        findings.push(Finding::new(
            Severity::Info,
            record,
            ReasonCode::SkippedEvent,
            format!("history events without text ({}) are not messages and are not moved; the final state is", skipped.join(", ")),
            "set tickets.events_as_notes = true to keep them as notes",
        ));
    }
    if early > 0 {
        findings.push(Finding::new(
            Severity::Warning,
            record,
            ReasonCode::PartOrderConflict,
            format!("{early} action(s) are dated before the ticket was opened; they are placed at its opening time, in their order"),
            "correct the dates in Vivantio if the order matters",
        ));
    }
}

/// An agent the instance does not know: the fallback admin writes for them, by name.
fn unplaced_agent(
    action: &Action,
    agent_id: i64,
    action_ref: SourceRef,
    findings: &mut Vec<Finding>,
) -> Voice {
    findings.push(Finding::new(
        Severity::Info,
        action_ref,
        ReasonCode::UnmatchedAuthor,
        format!(
            "agent {agent_id} is not in the instance; the fallback admin writes this part, opened with the author's name"
        ),
        "add the agent to the discovered schema, or accept the fallback admin",
    ));
    let who = action
        .author_name
        .as_deref()
        .map(str::trim)
        .filter(|name| !name.is_empty())
        .map_or_else(|| format!("agent {agent_id}"), str::to_string);
    Voice::StandIn(who)
}

/// How an author the instance cannot place is named: name and email, whichever it has.
fn unknown_author(action: &Action, email: Option<&str>) -> String {
    let name = action
        .author_name
        .as_deref()
        .map(str::trim)
        .filter(|name| !name.is_empty());
    match (name, email) {
        (Some(name), Some(address)) => format!("{name} <{address}>"),
        (Some(name), None) => name.to_string(),
        (None, Some(address)) => address.to_string(),
        (None, None) => "an unknown author".to_string(),
    }
}

pub(crate) fn unresolved_image(record: SourceRef, guid: &str) -> Finding {
    Finding::new(
        Severity::Warning,
        record,
        ReasonCode::UnresolvedImage,
        format!("inline image {guid} has no re-hosted copy; it keeps pointing at Vivantio, which needs a login"),
        "re-host the image and record it in the ID map (file key) before the run",
    )
}

fn renamed_file(record: SourceRef, attachment: &Attachment, safe_name: &str) -> Finding {
    Finding::new(
        Severity::Info,
        SourceRef::new(SourceKind::Attachment, attachment.id),
        ReasonCode::RenamedFile,
        format!(
            "{:?} on {record} is not a safe file name; it is uploaded as {safe_name:?}",
            attachment.file_name
        ),
        "nothing to do; rename the file in Vivantio to choose the name yourself",
    )
}
