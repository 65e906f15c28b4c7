//! Redaction: what a `[redaction]` rule matches is replaced in every text a mapped record
//! sends (ticket titles and descriptions, conversation bodies, part bodies, custom attribute
//! values, attachment file names) before the operations leave the mapper, so no destination,
//! journal or verification ever holds it. Each record gets one `redacted` finding per rule
//! that matched, with the count and never the value.

mod detect;
mod html;

use std::ops::Range;

use regex::Regex;

use crate::error::SpecError;
use crate::model::destination::{AttributeValue, AttributeValues, PartRecord};
use crate::model::source::SourceRef;
use crate::ops::DestinationOp;
use crate::reject::{Finding, ReasonCode, RedactionCount, Severity};
use crate::spec::{replacement_for, RedactionPolicy, CARD_RULE, CREDENTIAL_RULE};

use super::file_name::safe_file_name;
use super::html::escape_text;
use super::{Mapped, Mapper};

use html::Shown;

impl Mapper {
    /// A record's mapping as it leaves the mapper: control characters removed, then redacted
    /// (in that order, so a control character between digits cannot hide a card number).
    pub(super) fn finished(&self, record: SourceRef, mapped: Mapped) -> Mapped {
        self.redactor
            .redacted(record, super::safe_text::scrubbed(record, mapped))
    }
}

/// How a rule finds what it redacts.
#[derive(Debug)]
enum Detector {
    Cards,
    Credentials(detect::Credentials),
    Pattern(Regex),
}

/// One compiled rule.
#[derive(Debug)]
struct Rule {
    name: String,
    replacement: String,
    /// What a person does to keep what the rule matches, for the finding's fix.
    fix: String,
    detector: Detector,
}

/// A compiled `[redaction]` policy.
#[derive(Debug)]
pub(crate) struct Redactor {
    rules: Vec<Rule>,
    skip_matching_attachments: bool,
}

/// One match: where, and which rule.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Hit {
    range: Range<usize>,
    rule: usize,
}

/// What the rules did to one record: per rule, values replaced, attachments left out, and
/// the fields they were in.
#[derive(Debug)]
struct Tally {
    rules: Vec<RuleTally>,
}

#[derive(Debug, Clone, Default)]
struct RuleTally {
    values: u64,
    attachments_skipped: u64,
    fields: Vec<&'static str>,
}

impl Tally {
    fn new(rules: usize) -> Self {
        Self {
            rules: vec![RuleTally::default(); rules],
        }
    }

    fn count(&mut self, hits: &[Hit], field: &'static str) {
        for hit in hits {
            let tally = &mut self.rules[hit.rule];
            tally.values += 1;
            if !tally.fields.contains(&field) {
                tally.fields.push(field);
            }
        }
    }
}

impl Redactor {
    /// Compiles `policy`; a pattern that is not a regular expression is refused with its path.
    pub fn new(policy: &RedactionPolicy) -> Result<Self, SpecError> {
        let mut rules = Vec::new();
        if policy.cards {
            rules.push(Rule {
                name: CARD_RULE.into(),
                replacement: replacement_for(CARD_RULE),
                fix: "nothing to do; to keep such numbers, set redaction.cards = false".into(),
                detector: Detector::Cards,
            });
        }
        if policy.credentials {
            rules.push(Rule {
                name: CREDENTIAL_RULE.into(),
                replacement: replacement_for(CREDENTIAL_RULE),
                fix: "nothing to do; to keep such values, set redaction.credentials = false".into(),
                detector: Detector::Credentials(detect::Credentials::new()),
            });
        }
        for (index, pattern) in policy.patterns.iter().enumerate() {
            let regex = Regex::new(&pattern.regex).map_err(|error| SpecError::Setting {
                path: format!("redaction.patterns[{index}].regex"),
                message: error.to_string(),
            })?;
            rules.push(Rule {
                name: pattern.name.trim().to_string(),
                replacement: pattern.replacement(),
                fix: format!(
                    "nothing to do; to keep such values, remove or narrow redaction.patterns[{index}]"
                ),
                detector: Detector::Pattern(regex),
            });
        }
        Ok(Self {
            rules,
            skip_matching_attachments: policy.skip_matching_attachments,
        })
    }

    /// `mapped` with every match replaced in what its operations send, matching attachments
    /// renamed or left out, the findings' own words redacted, and one `redacted` finding per
    /// rule that matched.
    pub fn redacted(&self, record: SourceRef, mut mapped: Mapped) -> Mapped {
        if self.rules.is_empty() {
            return mapped;
        }
        let mut tally = Tally::new(self.rules.len());
        for operation in &mut mapped.operations {
            self.operation(&mut operation.op, &mut tally);
        }
        // Findings may quote a record's text (a file name that was not safe, a value that
        // did not convert), and reports keep them: they are redacted too, but not counted,
        // as nothing of them is sent.
        for finding in &mut mapped.findings {
            let hits = self.hits(&finding.message);
            if !hits.is_empty() {
                finding.message = self.replaced(&finding.message, &hits);
            }
        }
        for (rule, counted) in self.rules.iter().zip(tally.rules) {
            if counted.values > 0 || counted.attachments_skipped > 0 {
                mapped.findings.push(finding(record, rule, counted));
            }
        }
        mapped
    }

    fn operation(&self, op: &mut DestinationOp, tally: &mut Tally) {
        match op {
            DestinationOp::CreateConversation(opening) => {
                self.text(&mut opening.body, "conversation body", tally);
            }
            DestinationOp::CreateTicket(ticket) => {
                self.text(&mut ticket.title, "ticket title", tally);
                self.text(&mut ticket.description, "ticket description", tally);
                self.attributes(&mut ticket.attributes, tally);
            }
            DestinationOp::AddPart { part, .. } => self.part(part, tally),
            DestinationOp::UpdateThread {
                title,
                custom_attributes,
                ..
            } => {
                if let Some(title) = title {
                    self.text(title, "thread title", tally);
                }
                self.attributes(custom_attributes, tally);
            }
            DestinationOp::UpsertContact(contact) => {
                self.attributes(&mut contact.custom_attributes, tally);
            }
            DestinationOp::UpsertCompany(company) => {
                self.attributes(&mut company.custom_attributes, tally);
            }
            // Names, emails, phones, tags and keys are not free text a caller typed; article
            // bodies are the knowledge base's own, written to be read.
            DestinationOp::EnsureAttribute(_)
            | DestinationOp::EnsureTicketType(_)
            | DestinationOp::EnsureTicketTypeAttribute { .. }
            | DestinationOp::EnsureTag { .. }
            | DestinationOp::MatchFallbackAdmin { .. }
            | DestinationOp::MatchAdmin { .. }
            | DestinationOp::MatchTeam { .. }
            | DestinationOp::AttachContactToCompany { .. }
            | DestinationOp::TagContact { .. }
            | DestinationOp::CreateCollection(_)
            | DestinationOp::CreateArticle(_)
            | DestinationOp::RelinkArticle { .. }
            | DestinationOp::TagThread { .. }
            | DestinationOp::LinkThreads { .. }
            | DestinationOp::AssignThread { .. }
            | DestinationOp::SetThreadState { .. } => {}
        }
    }

    fn attributes(&self, values: &mut AttributeValues, tally: &mut Tally) {
        values.retain(|_, value| {
            let number = match value {
                AttributeValue::String(text) => {
                    self.text(text, "custom attribute", tally);
                    return true;
                }
                AttributeValue::Integer(number) => number.to_string(),
                // A card number typed into a number field arrives whole only when it fits.
                AttributeValue::Decimal(number) if number.fract() == 0.0 && number.abs() < 1e19 => {
                    format!("{number:.0}")
                }
                // A list option is one of the options the mapping lists, not free text; a
                // replacement would not be an option Intercom accepts.
                _ => return true,
            };
            // A number has no room for a replacement: a matching one is not sent at all.
            let hits = self.hits(&number);
            tally.count(&hits, "number attribute (left out)");
            hits.is_empty()
        });
    }

    fn part(&self, part: &mut PartRecord, tally: &mut Tally) {
        if self.may_match(&part.body_html) {
            self.body(part, tally);
        }
        self.files(part, tally);
    }

    /// Whether a rule may match the text `raw` shows (an HTML body as it is spelled): most
    /// bodies are cleared by this look at their spelling and are not read as text at all.
    fn may_match(&self, raw: &str) -> bool {
        self.rules.iter().any(|rule| match &rule.detector {
            Detector::Cards => detect::may_hold_card(raw),
            Detector::Credentials(credentials) => credentials.may_be_in(raw),
            Detector::Pattern(_) => true,
        })
    }

    fn body(&self, part: &mut PartRecord, tally: &mut Tally) {
        let shown = Shown::of(&part.body_html);
        let hits = self.hits(&shown.text);
        if !hits.is_empty() {
            tally.count(&hits, "part body");
            let replacements: Vec<(Range<usize>, &str)> = hits
                .iter()
                .map(|hit| (hit.range.clone(), self.rules[hit.rule].replacement.as_str()))
                .collect();
            part.body_html = shown.replaced(&part.body_html, &replacements);
        }
    }

    fn files(&self, part: &mut PartRecord, tally: &mut Tally) {
        let mut left_out: Vec<usize> = Vec::new();
        part.attachments.retain_mut(|file| {
            let hits = self.hits(&file.file_name);
            let Some(first) = hits.first() else {
                return true;
            };
            if self.skip_matching_attachments {
                tally.rules[first.rule].attachments_skipped += 1;
                left_out.push(first.rule);
                return false;
            }
            tally.count(&hits, "attachment name");
            let redacted = self.replaced(&file.file_name, &hits);
            file.file_name = safe_file_name(&redacted).into_owned();
            true
        });
        for rule in left_out {
            // Said where the file would have been, as a file over the size limit is.
            part.body_html.push_str(&format!(
                "<p>[Not moved: an attachment whose name matched the redaction rule {}]</p>",
                escape_text(&self.rules[rule].name)
            ));
        }
    }

    /// Replaces the matches in a plain `text` sent as `field`.
    fn text(&self, text: &mut String, field: &'static str, tally: &mut Tally) {
        let hits = self.hits(text);
        if !hits.is_empty() {
            tally.count(&hits, field);
            *text = self.replaced(text, &hits);
        }
    }

    /// Every rule's matches in `text`, in order, without overlaps: of overlapping matches the
    /// one starting first wins, then the longer, then the earlier rule.
    fn hits(&self, text: &str) -> Vec<Hit> {
        let mut hits: Vec<Hit> = Vec::new();
        for (rule, detector) in self.rules.iter().map(|rule| &rule.detector).enumerate() {
            let ranges = match detector {
                Detector::Cards => detect::card_numbers(text),
                Detector::Credentials(credentials) => credentials.values(text),
                Detector::Pattern(regex) => regex
                    .find_iter(text)
                    .filter(|found| !found.is_empty())
                    .map(|found| found.range())
                    .collect(),
            };
            hits.extend(ranges.into_iter().map(|range| Hit { range, rule }));
        }
        if hits.len() > 1 {
            hits.sort_by_key(|hit| (hit.range.start, std::cmp::Reverse(hit.range.end), hit.rule));
            let mut end = 0;
            hits.retain(|hit| {
                let keep = hit.range.start >= end;
                if keep {
                    end = hit.range.end;
                }
                keep
            });
        }
        hits
    }

    /// `text` with each of `hits` replaced by its rule's replacement.
    fn replaced(&self, text: &str, hits: &[Hit]) -> String {
        let mut out = String::with_capacity(text.len() + 16 * hits.len());
        let mut at = 0;
        for hit in hits {
            out.push_str(&text[at..hit.range.start]);
            out.push_str(&self.rules[hit.rule].replacement);
            at = hit.range.end;
        }
        out.push_str(&text[at..]);
        out
    }
}

/// The `redacted` finding of one rule on one record.
fn finding(record: SourceRef, rule: &Rule, counted: RuleTally) -> Finding {
    let mut message = String::new();
    if counted.values > 0 {
        message.push_str(&format!(
            "{} value{} matched the redaction rule `{}` and {} replaced with \"{}\" (in {})",
            counted.values,
            if counted.values == 1 { "" } else { "s" },
            rule.name,
            if counted.values == 1 { "was" } else { "were" },
            rule.replacement,
            counted.fields.join(", ")
        ));
    }
    if counted.attachments_skipped > 0 {
        if !message.is_empty() {
            message.push_str("; ");
        }
        message.push_str(&format!(
            "{} attachment{} whose name matched the redaction rule `{}` {} not moved",
            counted.attachments_skipped,
            if counted.attachments_skipped == 1 {
                ""
            } else {
                "s"
            },
            rule.name,
            if counted.attachments_skipped == 1 {
                "is"
            } else {
                "are"
            }
        ));
    }
    let mut finding = Finding::new(
        Severity::Info,
        record,
        ReasonCode::Redacted,
        message,
        rule.fix.clone(),
    );
    finding.redaction = Some(RedactionCount {
        rule: rule.name.clone(),
        values: counted.values,
        attachments_skipped: counted.attachments_skipped,
    });
    finding
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::RecordKey;
    use crate::model::destination::{FileRef, PartAuthor, PartKind};
    use crate::model::source::SourceKind;
    use crate::ops::{Operation, Phase};
    use crate::spec::RedactionPattern;

    fn policy() -> RedactionPolicy {
        RedactionPolicy {
            cards: true,
            credentials: true,
            skip_matching_attachments: false,
            patterns: vec![RedactionPattern {
                name: "ni_number".into(),
                regex: r"\b[A-Z]{2}\d{6}[A-D]\b".into(),
                replacement: Some("[NI removed]".into()),
            }],
        }
    }

    fn redact(policy: &RedactionPolicy, text: &str) -> String {
        let redactor = Redactor::new(policy).unwrap();
        let hits = redactor.hits(text);
        redactor.replaced(text, &hits)
    }

    #[test]
    fn each_rule_replaces_what_it_matches_and_only_when_on() {
        let all = policy();
        let cards_only = RedactionPolicy {
            cards: true,
            ..RedactionPolicy::default()
        };
        let cases: &[(&RedactionPolicy, &str, &str)] = &[
            (
                &all,
                "card 4111 1111 1111 1111 please",
                "card [redacted: card] please",
            ),
            (
                &all,
                "order 4111 1111 1111 1112",
                "order 4111 1111 1111 1112",
            ),
            (
                &all,
                "Password: hunter2\nthanks",
                "Password: [redacted: credential]\nthanks",
            ),
            (&all, "NI AB123456C on file", "NI [NI removed] on file"),
            // Overlapping matches are one redaction: the one starting first, else the earlier
            // rule's.
            (&all, "pin: 4111111111111111", "pin: [redacted: card]"),
            (
                &all,
                "pin: x 4111111111111111",
                "pin: [redacted: credential]",
            ),
            (
                &cards_only,
                "Password: hunter2 4111111111111111",
                "Password: hunter2 [redacted: card]",
            ),
            (
                &RedactionPolicy::default(),
                "4111111111111111",
                "4111111111111111",
            ),
        ];
        for (policy, text, expected) in cases {
            assert_eq!(redact(policy, text), *expected, "{text:?}");
        }
    }

    #[test]
    fn a_pattern_that_is_not_a_regex_is_refused_with_its_path() {
        let mut policy = policy();
        policy.patterns[0].regex = "(".into();
        let error = Redactor::new(&policy).unwrap_err();
        assert!(
            matches!(&error, SpecError::Setting { path, .. } if path == "redaction.patterns[0].regex"),
            "{error}"
        );
    }

    fn part_with(body: &str, file_names: &[&str]) -> Mapped {
        let thread = RecordKey::conversation(1);
        let part = PartRecord {
            author: PartAuthor::Admin(RecordKey::admin(1)),
            kind: PartKind::Note,
            body_html: body.into(),
            created_at: 0,
            attachments: file_names
                .iter()
                .enumerate()
                .map(|(id, name)| FileRef {
                    attachment_id: id as i64,
                    guid: format!("g{id}"),
                    file_name: (*name).into(),
                    content_type: None,
                    size: Some(1),
                })
                .collect(),
        };
        Mapped {
            operations: vec![Operation::changing(
                Phase::Parts,
                "part:1",
                DestinationOp::AddPart { thread, part },
            )],
            findings: vec![Finding::new(
                Severity::Info,
                SourceRef::new(SourceKind::Attachment, 7),
                ReasonCode::RenamedFile,
                "\"a/4111111111111111.pdf\" is not a safe file name",
                "nothing to do",
            )],
        }
    }

    fn the_part(mapped: &Mapped) -> &PartRecord {
        match &mapped.operations[0].op {
            DestinationOp::AddPart { part, .. } => part,
            other => panic!("not a part: {other:?}"),
        }
    }

    #[test]
    fn a_part_is_redacted_in_its_text_and_file_names_and_counted_per_rule() {
        let record = SourceRef::new(SourceKind::Ticket, 9);
        let mapped = part_with(
            "<p><b>Password:</b> hunter2</p><p>cards 4111 1111 1111 1111 and 5500005555555559</p>",
            &["4111111111111111.pdf", "notes.txt"],
        );
        let redacted = Redactor::new(&policy()).unwrap().redacted(record, mapped);
        let part = the_part(&redacted);
        assert_eq!(
            part.body_html,
            "<p><b>Password:</b> [redacted: credential]</p><p>cards [redacted: card] and [redacted: card]</p>"
        );
        let names: Vec<&str> = part
            .attachments
            .iter()
            .map(|file| file.file_name.as_str())
            .collect();
        assert_eq!(names, ["[redacted_ card].pdf", "notes.txt"]);
        assert_eq!(
            redacted.findings[0].message,
            "\"a/[redacted: card].pdf\" is not a safe file name"
        );
        let counts: Vec<(&str, u64, u64)> = redacted
            .findings
            .iter()
            .filter_map(|finding| finding.redaction.as_ref())
            .map(|count| (count.rule.as_str(), count.values, count.attachments_skipped))
            .collect();
        assert_eq!(counts, [("card", 3, 0), ("credential", 1, 0)]);
        let card = &redacted.findings[1];
        assert_eq!(card.code, ReasonCode::Redacted);
        assert_eq!(card.record, record);
        assert_eq!(
            card.message,
            "3 values matched the redaction rule `card` and were replaced with \"[redacted: card]\" (in part body, attachment name)"
        );
        assert!(!card.message.contains("4111"));
    }

    #[test]
    fn a_matching_attachment_can_be_left_out_instead_and_the_part_says_so() {
        let record = SourceRef::new(SourceKind::Ticket, 9);
        let policy = RedactionPolicy {
            skip_matching_attachments: true,
            ..policy()
        };
        let mapped = part_with("<p>Files</p>", &["scan AB123456C.png", "ok.png"]);
        let redacted = Redactor::new(&policy).unwrap().redacted(record, mapped);
        let part = the_part(&redacted);
        assert_eq!(part.attachments.len(), 1);
        assert_eq!(part.attachments[0].file_name, "ok.png");
        assert_eq!(
            part.body_html,
            "<p>Files</p><p>[Not moved: an attachment whose name matched the redaction rule ni_number]</p>"
        );
        let count = redacted.findings[1].redaction.as_ref().unwrap();
        assert_eq!((count.values, count.attachments_skipped), (0, 1));
        assert_eq!(
            redacted.findings[1].message,
            "1 attachment whose name matched the redaction rule `ni_number` is not moved"
        );
    }

    #[test]
    fn a_body_is_read_as_text_only_when_its_spelling_may_hold_a_match() {
        let redactor = Redactor::new(&RedactionPolicy {
            cards: true,
            credentials: true,
            ..RedactionPolicy::default()
        })
        .unwrap();
        let cases = [
            ("<p>All fine, order 1234.</p>", false),
            ("<p>call 0123 456 789 012 today</p>", true),
            ("<p><b>PIN</b>: 1234</p>", true),
            ("<p>&#80;assword: x</p>", true),
            ("<p>shipping: tomorrow</p>", false),
        ];
        for (body, may) in cases {
            assert_eq!(redactor.may_match(body), may, "{body}");
        }
        let record = SourceRef::new(SourceKind::Ticket, 9);
        let mapped = part_with("<p>&#80;assword: hunter2</p>", &[]);
        let redacted = redactor.redacted(record, mapped);
        assert_eq!(
            the_part(&redacted).body_html,
            "<p>&#80;assword: [redacted: credential]</p>"
        );
    }

    #[test]
    fn nothing_matched_adds_no_finding_and_changes_nothing() {
        let record = SourceRef::new(SourceKind::Ticket, 9);
        let mapped = part_with("<p>All fine, order 1234.</p>", &["report.pdf"]);
        let unchanged = mapped.clone();
        let redacted = Redactor::new(&policy()).unwrap().redacted(record, mapped);
        assert_eq!(redacted.operations, unchanged.operations);
        assert_eq!(redacted.findings.len(), 1);
    }
}
