//! Redaction of HTML bodies: the text a reader sees is searched, the markup is left as it is.
//!
//! The body is read as the text it shows: tags between inline words add nothing (so
//! `<b>Password:</b> hunter2` and `<span>4111</span> 1111…` read whole), block tags and `<br>`
//! end a line, entities are decoded and line breaks in the source are spaces. A match is
//! replaced where it starts; the rest of it, in later text pieces, is removed; tags are never
//! touched. The bodies come from the HTML renderer or the text converters, so tags are whole
//! and quoted attribute values are the only place a `>` can hide.

use std::ops::Range;

use crate::transform::html::{decode_entity, escape_text};

/// Tags that end a line of the text a body shows.
const BLOCK_TAGS: &[&str] = &[
    "address",
    "article",
    "blockquote",
    "br",
    "dd",
    "div",
    "dl",
    "dt",
    "footer",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hr",
    "li",
    "ol",
    "p",
    "pre",
    "section",
    "table",
    "td",
    "th",
    "tr",
    "ul",
];

/// One piece of a body: markup, copied as it is, or text the reader sees.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Piece {
    /// A tag or a comment, copied as it is (a block tag adds one `\n` to the text).
    Markup { html: Range<usize> },
    /// Text at `text` in the shown text, spelled at `html` in the body. `verbatim` text has
    /// the same bytes in both (line breaks and tabs aside, which become spaces); otherwise it
    /// is one entity, shown as one character.
    Text {
        text: Range<usize>,
        html: Range<usize>,
        verbatim: bool,
    },
}

/// A body read as the text it shows.
#[derive(Debug)]
pub(super) struct Shown {
    /// The text a reader sees, one line per block.
    pub text: String,
    pieces: Vec<Piece>,
}

impl Shown {
    /// Reads `html`.
    pub fn of(html: &str) -> Self {
        let bytes = html.as_bytes();
        let mut shown = Shown {
            text: String::with_capacity(html.len()),
            // A short body's pieces without growing the list.
            pieces: Vec::with_capacity(16),
        };
        let mut position = 0;
        while position < bytes.len() {
            match bytes[position] {
                b'<' => match markup_length(&html[position..]) {
                    Some(length) => {
                        if ends_line(&html[position..position + length]) {
                            shown.text.push('\n');
                        }
                        shown.pieces.push(Piece::Markup {
                            html: position..position + length,
                        });
                        position += length;
                    }
                    // A `<` that opens no tag is text (escaped bodies never hold one).
                    None => position = shown.verbatim(html, position, position + 1),
                },
                b'&' => {
                    let decoded = html[position + 1..]
                        .bytes()
                        .take(11)
                        .position(|byte| byte == b';')
                        .and_then(|end| {
                            decode_entity(&html[position + 1..position + 1 + end])
                                .map(|c| (c, end + 2))
                        });
                    match decoded {
                        Some((c, length)) => {
                            let start = shown.text.len();
                            shown.text.push(if c.is_whitespace() { ' ' } else { c });
                            shown.pieces.push(Piece::Text {
                                text: start..shown.text.len(),
                                html: position..position + length,
                                verbatim: false,
                            });
                            position += length;
                        }
                        None => position = shown.verbatim(html, position, position + 1),
                    }
                }
                _ => {
                    let end = memchr::memchr2(b'<', b'&', &bytes[position..])
                        .map_or(bytes.len(), |offset| position + offset);
                    position = shown.verbatim(html, position, end);
                }
            }
        }
        shown
    }

    /// Adds `html[start..end]` as text shown as it is spelled; returns `end`.
    fn verbatim(&mut self, html: &str, start: usize, end: usize) -> usize {
        let at = self.text.len();
        // Line breaks and tabs in HTML source are spaces on screen; each is one byte either way.
        let mut rest = &html[start..end];
        while let Some(offset) = memchr::memchr3(b'\n', b'\r', b'\t', rest.as_bytes()) {
            self.text.push_str(&rest[..offset]);
            self.text.push(' ');
            rest = &rest[offset + 1..];
        }
        self.text.push_str(rest);
        self.pieces.push(Piece::Text {
            text: at..self.text.len(),
            html: start..end,
            verbatim: true,
        });
        end
    }

    /// `html` (the body this was read from) with each range of the shown text in `hits`
    /// (sorted, not overlapping, on character boundaries) replaced by its replacement, escaped.
    pub fn replaced(&self, html: &str, hits: &[(Range<usize>, &str)]) -> String {
        let mut out = String::with_capacity(html.len() + 16 * hits.len());
        let mut next = 0;
        let mut placed = vec![false; hits.len()];
        for piece in &self.pieces {
            let (text, spelled, verbatim) = match piece {
                Piece::Markup { html: spelled } => {
                    out.push_str(&html[spelled.clone()]);
                    continue;
                }
                Piece::Text {
                    text,
                    html: spelled,
                    verbatim,
                } => (text, spelled, *verbatim),
            };
            // The bytes of `html` that spell shown text `from..to` of this piece.
            let spelling = |from: usize, to: usize| {
                if verbatim {
                    &html[spelled.start + (from - text.start)..spelled.start + (to - text.start)]
                } else {
                    &html[spelled.clone()]
                }
            };
            let mut at = text.start;
            while at < text.end {
                while next < hits.len() && hits[next].0.end <= at {
                    next += 1;
                }
                let Some((hit, replacement)) = hits.get(next).filter(|hit| hit.0.start < text.end)
                else {
                    out.push_str(spelling(at, text.end));
                    break;
                };
                if hit.start > at {
                    out.push_str(spelling(at, hit.start));
                }
                if !placed[next] {
                    out.push_str(&escape_text(replacement));
                    placed[next] = true;
                }
                at = hit.end.min(text.end);
            }
        }
        out
    }
}

/// The length of the tag or comment `rest` starts with, or `None` when the `<` opens none.
fn markup_length(rest: &str) -> Option<usize> {
    if rest.starts_with("<!--") {
        return Some(rest.find("-->").map_or(rest.len(), |end| end + 3));
    }
    let bytes = rest.as_bytes();
    if !bytes
        .get(1)
        .is_some_and(|byte| byte.is_ascii_alphabetic() || matches!(byte, b'/' | b'!'))
    {
        return None;
    }
    let mut quote = None;
    for (index, &byte) in bytes.iter().enumerate().skip(1) {
        match (quote, byte) {
            (Some(open), _) if byte == open => quote = None,
            (Some(_), _) => {}
            (None, b'"' | b'\'') => quote = Some(byte),
            (None, b'>') => return Some(index + 1),
            _ => {}
        }
    }
    None
}

/// Whether `tag` (`<p class="x">`, `</li>`, `<br/>`) ends a line of the shown text.
fn ends_line(tag: &str) -> bool {
    let name = tag.trim_start_matches('<').trim_start_matches('/');
    let name = &name[..name.bytes().take_while(u8::is_ascii_alphanumeric).count()];
    BLOCK_TAGS
        .iter()
        .any(|block| block.eq_ignore_ascii_case(name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn block_tags_end_lines_in_any_case_and_inline_tags_do_not() {
        let cases = [
            ("<p>", true),
            ("</LI>", true),
            ("<br/>", true),
            ("<td class=\"x\">", true),
            ("<b>", false),
            ("<span>", false),
            ("<!-- p -->", false),
        ];
        for (tag, ends) in cases {
            assert_eq!(ends_line(tag), ends, "{tag}");
        }
    }

    #[test]
    fn a_body_reads_as_the_text_it_shows() {
        let cases = [
            ("<p>Password:</p><p>x</p>", "\nPassword:\n\nx\n"),
            ("<b>Password:</b> x<br>y", "Password: x\ny"),
            ("a&nbsp;b &amp; c &euro; d", "a b & c &euro; d"),
            ("<a href=\"x?a=1&b=>\">link</a>", "link"),
            ("line\nbreak<!-- note -->", "line break"),
            ("1 < 2", "1 < 2"),
        ];
        for (html, text) in cases {
            assert_eq!(Shown::of(html).text, text, "{html:?}");
        }
    }

    #[test]
    fn replacements_keep_the_markup_and_cross_inline_tags() {
        // A body, the shown texts to replace with their replacements, and the body after.
        type Case<'a> = (&'a str, &'a [(&'a str, &'a str)], &'a str);
        let cases: &[Case] = &[
            (
                "<p><b>Password:</b> hunter2</p>",
                &[("hunter2", "[redacted: credential]")],
                "<p><b>Password:</b> [redacted: credential]</p>",
            ),
            (
                "<p>card <span>4111</span> 1111&nbsp;1111 1111.</p>",
                &[("4111 1111 1111 1111", "<x>")],
                "<p>card <span>&lt;x&gt;</span>.</p>",
            ),
            (
                "<p>a &amp; secret b</p>",
                &[("& secret", "[r]")],
                "<p>a [r] b</p>",
            ),
            ("<p>nothing</p>", &[], "<p>nothing</p>"),
        ];
        for (html, hits, expected) in cases {
            let shown = Shown::of(html);
            let hits: Vec<(Range<usize>, &str)> = hits
                .iter()
                .map(|(found, replacement)| {
                    let start = shown.text.find(found).expect("the hit is in the text");
                    (start..start + found.len(), *replacement)
                })
                .collect();
            assert_eq!(shown.replaced(html, &hits), *expected, "{html:?}");
        }
    }
}
