//! Control characters out of every text that reaches Intercom: a NUL truncates strings in
//! some stores, and BEL, backspace and ESC sequences rewrite the terminal of whoever prints
//! a name or a log line.

use std::borrow::Cow;

use crate::model::destination::{AttributeValue, AttributeValues};
use crate::model::source::SourceRef;
use crate::ops::DestinationOp;
use crate::reject::{Finding, ReasonCode, Severity};

use super::Mapped;

/// Where a text goes, which decides what happens to its line breaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextShape {
    /// One line (names, titles, attribute values): every control character, line breaks
    /// and tabs included, becomes a space or goes.
    Line,
    /// Several lines (plain-text bodies, multi-line attributes, HTML): line breaks and tabs
    /// stay; the other control characters go.
    Lines,
}

/// Whether `text` holds a control character `shape` does not keep.
///
/// Scans bytes, so the common clean text costs one pass without decoding: C0 controls and
/// DEL are single bytes, and every C1 control (U+0080–U+009F) is encoded as 0xC2 0x80–0x9F.
pub fn has_controls(text: &str, shape: TextShape) -> bool {
    let bytes = text.as_bytes();
    // A branch-free pass over fixed chunks (which the compiler vectorises) clears most texts;
    // only a text holding a byte that may start a control character is looked at closely.
    let suspect = |byte: u8| (byte < 0x20) | (byte == 0x7f) | (byte == 0xc2);
    let may_hold_one = bytes
        .chunks(64)
        .any(|chunk| chunk.iter().fold(false, |seen, &byte| seen | suspect(byte)));
    may_hold_one
        && bytes.iter().enumerate().any(|(index, &byte)| match byte {
            b'\t' | b'\n' | b'\r' => shape == TextShape::Line,
            0x00..=0x1f | 0x7f => true,
            0xc2 => matches!(bytes.get(index + 1), Some(0x80..=0x9f)),
            _ => false,
        })
}

/// `text` without the control characters `shape` does not keep: in a line, tabs, line
/// breaks, vertical tabs and form feeds become one space each; every other control
/// character (NUL, BEL, backspace, ESC, DEL, C1) is removed.
pub fn without_controls(text: &str, shape: TextShape) -> Cow<'_, str> {
    if !has_controls(text, shape) {
        return Cow::Borrowed(text);
    }
    let mut clean = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\t' | '\n' | '\r' if shape == TextShape::Lines => clean.push(c),
            '\t' | '\n' | '\r' | '\u{b}' | '\u{c}' => clean.push(' '),
            c if c.is_control() => {}
            c => clean.push(c),
        }
    }
    Cow::Owned(clean)
}

/// Removes from `text` the control characters `shape` does not keep; whether it changed.
pub fn remove_controls(text: &mut String, shape: TextShape) -> bool {
    match without_controls(text, shape) {
        Cow::Borrowed(_) => false,
        Cow::Owned(clean) => {
            *text = clean;
            true
        }
    }
}

/// `mapped` with control characters removed from every text its operations send, and one
/// finding that names the fields they were removed from.
pub(crate) fn scrubbed(record: SourceRef, mut mapped: Mapped) -> Mapped {
    let mut changed: Vec<&'static str> = Vec::new();
    for operation in &mut mapped.operations {
        visit_texts(&mut operation.op, &mut |field, shape, text| {
            if remove_controls(text, shape) && !changed.contains(&field) {
                changed.push(field);
            }
        });
    }
    if !changed.is_empty() {
        mapped.findings.push(Finding::new(
            Severity::Info,
            record,
            ReasonCode::ControlCharacters,
            format!(
                "control characters (such as NUL, BEL or ESC) were removed from: {}",
                changed.join(", ")
            ),
            "nothing to do; the text moves without them",
        ));
    }
    mapped
}

type TextVisitor<'a> = dyn FnMut(&'static str, TextShape, &mut String) + 'a;

/// Calls `visit` with every free text `op` sends to Intercom, its field name and shape.
/// Keys, emails checked by their own rules and already-rendered file names are not texts.
fn visit_texts(op: &mut DestinationOp, visit: &mut TextVisitor<'_>) {
    use TextShape::{Line, Lines};
    match op {
        DestinationOp::EnsureAttribute(attribute) => {
            visit("attribute description", Line, &mut attribute.description);
        }
        DestinationOp::EnsureTag { name } => visit("tag name", Line, name),
        DestinationOp::UpsertCompany(company) => {
            visit("company name", Line, &mut company.name);
            if let Some(website) = &mut company.website {
                visit("company website", Line, website);
            }
            visit_attributes(&mut company.custom_attributes, visit);
        }
        DestinationOp::UpsertContact(contact) => {
            if let Some(name) = &mut contact.name {
                visit("contact name", Line, name);
            }
            if let Some(phone) = &mut contact.phone {
                visit("contact phone", Line, phone);
            }
            visit_attributes(&mut contact.custom_attributes, visit);
        }
        DestinationOp::CreateCollection(collection) => {
            visit("collection name", Line, &mut collection.name);
        }
        DestinationOp::CreateArticle(article) => {
            visit("article title", Line, &mut article.title);
            if let Some(description) = &mut article.description {
                visit("article description", Lines, description);
            }
            visit("article body", Lines, &mut article.body_html);
        }
        // The source HTML is rendered again at run time, so it is cleaned before it is kept.
        DestinationOp::RelinkArticle { source_html, .. } => {
            visit("article body", Lines, source_html);
        }
        DestinationOp::CreateConversation(opening) => {
            visit("conversation body", Lines, &mut opening.body);
        }
        DestinationOp::CreateTicket(ticket) => {
            visit("ticket title", Line, &mut ticket.title);
            visit("ticket description", Lines, &mut ticket.description);
            visit_attributes(&mut ticket.attributes, visit);
        }
        DestinationOp::AddPart { part, .. } => visit("part body", Lines, &mut part.body_html),
        DestinationOp::UpdateThread {
            title,
            custom_attributes,
            ..
        } => {
            if let Some(title) = title {
                visit("thread title", Line, title);
            }
            visit_attributes(custom_attributes, visit);
        }
        DestinationOp::EnsureTicketType(_)
        | DestinationOp::EnsureTicketTypeAttribute { .. }
        | DestinationOp::MatchFallbackAdmin { .. }
        | DestinationOp::MatchAdmin { .. }
        | DestinationOp::MatchTeam { .. }
        | DestinationOp::AttachContactToCompany { .. }
        | DestinationOp::TagContact { .. }
        | DestinationOp::TagThread { .. }
        | DestinationOp::LinkThreads { .. }
        | DestinationOp::AssignThread { .. }
        | DestinationOp::SetThreadState { .. } => {}
    }
}

fn visit_attributes(values: &mut AttributeValues, visit: &mut TextVisitor<'_>) {
    for value in values.values_mut() {
        match value {
            // A text attribute may be multi-line; its own rule already made it one line or not.
            AttributeValue::String(text) => visit("custom attribute", TextShape::Lines, text),
            AttributeValue::ListOption(option) => {
                visit("custom attribute", TextShape::Line, option)
            }
            AttributeValue::Integer(_)
            | AttributeValue::Decimal(_)
            | AttributeValue::Boolean(_)
            | AttributeValue::Date(_)
            | AttributeValue::Datetime(_) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_removed_by_shape() {
        let cases = [
            ("plain £ © é text", TextShape::Line, "plain £ © é text"),
            ("bell\u{7} nul\0 del\u{7f}", TextShape::Line, "bell nul del"),
            ("esc\u{1b}[31m red", TextShape::Line, "esc[31m red"),
            ("back\u{8}space", TextShape::Lines, "backspace"),
            ("c1\u{85}\u{9b}x", TextShape::Lines, "c1x"),
            ("a\tb\r\nc", TextShape::Line, "a b  c"),
            ("a\tb\r\nc", TextShape::Lines, "a\tb\r\nc"),
            ("vt\u{b}ff\u{c}", TextShape::Line, "vt ff "),
            ("rtl\u{202e}kept", TextShape::Line, "rtl\u{202e}kept"),
        ];
        for (text, shape, expected) in cases {
            assert_eq!(without_controls(text, shape), expected, "{text:?}");
            assert_eq!(has_controls(text, shape), text != expected, "{text:?}");
        }
    }

    #[test]
    fn clean_text_is_borrowed_and_reports_no_change() {
        assert!(matches!(
            without_controls("¡hola!", TextShape::Line),
            Cow::Borrowed(_)
        ));
        let mut text = "two\nlines".to_string();
        assert!(!remove_controls(&mut text, TextShape::Lines));
        assert!(remove_controls(&mut text, TextShape::Line));
        assert_eq!(text, "two lines");
    }
}
