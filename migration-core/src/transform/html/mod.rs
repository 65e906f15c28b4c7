//! HTML to what Intercom renders: sanitised, with Vivantio links and inline images rewritten
//! through the ID map; and the plain-text forms Intercom wants in some places.

use std::borrow::Cow;
use std::collections::HashSet;
use std::sync::Arc;

use regex::Regex;

use crate::error::SpecError;
use crate::idmap::IdMapView;
use crate::spec::HtmlPolicy;
use references::{Pass, Patterns, Reference};

mod references;

/// Tags kept in bodies: what Intercom's composer and Help Center render.
const ALLOWED_TAGS: &[&str] = &[
    "a",
    "b",
    "blockquote",
    "br",
    "code",
    "em",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "img",
    "li",
    "ol",
    "p",
    "pre",
    "strong",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "u",
    "ul",
];

/// The result of rendering one body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderedHtml {
    /// The HTML to send.
    pub html: String,
    /// GUIDs of inline images that have no re-hosted copy in the ID map.
    pub unresolved_images: Vec<String>,
    /// Ids of Vivantio articles linked to that have no Intercom article yet.
    pub unresolved_articles: Vec<i64>,
}

/// An image a body shows from Vivantio.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct InlineImage {
    /// The attachment GUID (lowercase), the image's file key.
    pub guid: String,
    /// The URL as the body has it.
    pub url: String,
}

/// Renders HTML for Intercom with one compiled policy.
pub struct HtmlRenderer {
    sanitizer: ammonia::Builder<'static>,
    patterns: Arc<Patterns>,
}

impl std::fmt::Debug for HtmlRenderer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HtmlRenderer")
            .field("article_link", &self.patterns.article_link.as_str())
            .field("inline_image", &self.patterns.inline_image.as_str())
            .finish_non_exhaustive()
    }
}

impl HtmlRenderer {
    /// Compiles the policy's patterns.
    pub fn new(policy: &HtmlPolicy) -> Result<Self, SpecError> {
        let compile = |path: &str, pattern: &str| {
            Regex::new(pattern).map_err(|error| SpecError::Setting {
                path: path.to_string(),
                message: error.to_string(),
            })
        };
        let patterns = Arc::new(Patterns {
            article_link: compile("html.article_link_pattern", &policy.article_link_pattern)?,
            tenant_article_link: compile("html", references::TENANT_ARTICLE_LINK)?,
            inline_image: compile("html.inline_image_pattern", &policy.inline_image_pattern)?,
        });
        let mut sanitizer = ammonia::Builder::default();
        let filter_patterns = Arc::clone(&patterns);
        sanitizer
            .tags(ALLOWED_TAGS.iter().copied().collect::<HashSet<_>>())
            .generic_attributes(HashSet::new())
            .tag_attributes(
                [("a", ["href"].into()), ("img", ["src", "alt"].into())]
                    .into_iter()
                    .collect(),
            )
            .url_schemes(["http", "https", "mailto"].into())
            .link_rel(None)
            .attribute_filter(move |element, attribute, value| {
                references::filter(&filter_patterns, element, attribute, value)
            });
        Ok(Self {
            sanitizer,
            patterns,
        })
    }

    /// Sanitises `html` and rewrites Vivantio article links and inline images to their
    /// Intercom copies where the ID map has them.
    pub fn render(&self, html: &str, ids: &dyn IdMapView) -> RenderedHtml {
        let mut rendered = RenderedHtml {
            html: String::new(),
            unresolved_images: Vec::new(),
            unresolved_articles: Vec::new(),
        };
        if is_simple_html(html) {
            // The common case, and the hot path of large runs: nothing the sanitiser would
            // change and no attribute to rewrite.
            rendered.html = html.trim().to_string();
            return rendered;
        }
        let mut pass = Pass::default();
        for reference in self.patterns.candidates(html) {
            pass.resolve(reference, ids);
        }
        let (mut clean, mut pass) = self.clean(html, pass);
        if pass.incomplete {
            // A reference the raw text hid (an entity in its URL, say): resolve what the
            // pass met and run it again, which then meets only resolved references.
            pass.resolve_met(ids);
            (clean, pass) = self.clean(html, pass);
        }
        for reference in pass.unresolved() {
            match reference {
                Reference::Article(id) => rendered.unresolved_articles.push(*id),
                Reference::Image(guid) => rendered.unresolved_images.push(guid.clone()),
            }
        }
        rendered.html = clean.trim().to_string();
        rendered
    }

    /// The images of `html` hosted on Vivantio (matched by the inline image pattern), each
    /// GUID once, in order of appearance.
    pub(crate) fn inline_images(&self, html: &str) -> Vec<InlineImage> {
        let mut images: Vec<InlineImage> = Vec::new();
        if is_simple_html(html) {
            return images;
        }
        let (_, pass) = self.clean(html, Pass::default());
        for (reference, url) in pass.met {
            let Reference::Image(guid) = reference else {
                continue;
            };
            if images.iter().all(|image| image.guid != guid) {
                images.push(InlineImage { guid, url });
            }
        }
        images
    }

    /// One sanitiser pass over `html` with `pass` given to the attribute filter.
    fn clean(&self, html: &str, pass: Pass) -> (String, Pass) {
        references::with_pass(pass, || self.sanitizer.clean(html).to_string())
    }
}

/// Whether `html` uses only attribute-free simple tags, properly nested, and well-formed
/// entities: then sanitising would not change it.
///
/// This is the hot path of large runs, so it works on bytes: it jumps from one `<`, `>` or
/// `&` to the next and keeps open tags on a fixed stack (deeper nesting takes the sanitiser).
pub fn is_simple_html(html: &str) -> bool {
    const MAX_DEPTH: usize = 32;
    let bytes = html.as_bytes();
    let mut open = [SimpleTag::Br; MAX_DEPTH];
    let mut depth = 0;
    let mut position = 0;
    while let Some(offset) = memchr::memchr3(b'<', b'>', b'&', &bytes[position..]) {
        position += offset;
        match bytes[position] {
            b'<' => {
                let Some(length) = memchr::memchr(b'>', &bytes[position..]) else {
                    return false;
                };
                let inner = &bytes[position + 1..position + length];
                let (closing, rest) = match inner.strip_prefix(b"/") {
                    Some(rest) => (true, rest),
                    None => (false, inner),
                };
                let (name, self_closing) = match rest.strip_suffix(b"/") {
                    Some(name) => (name.trim_ascii_end(), true),
                    None => (rest.trim_ascii_end(), false),
                };
                let Some(tag) = SimpleTag::from_name(name) else {
                    return false;
                };
                if tag == SimpleTag::Br {
                    if closing {
                        return false;
                    }
                } else if closing {
                    if depth == 0 || open[depth - 1] != tag {
                        return false;
                    }
                    depth -= 1;
                } else if self_closing || depth == MAX_DEPTH {
                    return false;
                } else {
                    open[depth] = tag;
                    depth += 1;
                }
                position += length + 1;
            }
            b'>' => return false,
            _ => {
                let window = &bytes[position..bytes.len().min(position + 11)];
                let Some(length) = memchr::memchr(b';', window) else {
                    return false;
                };
                let entity = &bytes[position + 1..position + length];
                let named = entity.len() > 1 && entity.iter().all(u8::is_ascii_alphabetic);
                let numeric = entity.strip_prefix(b"#").is_some_and(|digits| {
                    !digits.is_empty() && digits.iter().all(u8::is_ascii_digit)
                });
                if !(named || numeric) {
                    return false;
                }
                position += length + 1;
            }
        }
    }
    depth == 0
}

/// The tags the fast path accepts without running the sanitiser: no attributes possible.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SimpleTag {
    B,
    Blockquote,
    Br,
    Code,
    Em,
    Heading(u8),
    I,
    Li,
    Ol,
    P,
    Pre,
    Strong,
    U,
    Ul,
}

impl SimpleTag {
    fn from_name(name: &[u8]) -> Option<Self> {
        Some(match name {
            b"b" => Self::B,
            b"blockquote" => Self::Blockquote,
            b"br" => Self::Br,
            b"code" => Self::Code,
            b"em" => Self::Em,
            [b'h', level @ b'1'..=b'6'] => Self::Heading(*level),
            b"i" => Self::I,
            b"li" => Self::Li,
            b"ol" => Self::Ol,
            b"p" => Self::P,
            b"pre" => Self::Pre,
            b"strong" => Self::Strong,
            b"u" => Self::U,
            b"ul" => Self::Ul,
            _ => return None,
        })
    }
}

/// Plain text as HTML: escaped, blank lines separating paragraphs, single line breaks as
/// `<br>`. Lines lose their trailing blanks; blank lines before the first and after the last
/// line of text are dropped (as [`super::values::multi_line`] does), in one pass.
pub fn text_to_html(text: &str) -> String {
    let unified: Cow<'_, str> = if text.contains('\r') {
        text.replace("\r\n", "\n").replace('\r', "\n").into()
    } else {
        text.into()
    };
    let mut html = String::with_capacity(unified.len() + 16);
    let mut blank_before = false;
    for line in unified.split('\n').map(str::trim_end) {
        if line.is_empty() {
            blank_before = true;
            continue;
        }
        if html.is_empty() {
            html.push_str("<p>");
        } else if blank_before {
            html.push_str("</p><p>");
        } else {
            html.push_str("<br>");
        }
        blank_before = false;
        push_escaped(&mut html, line);
    }
    if !html.is_empty() {
        html.push_str("</p>");
    }
    html
}

/// Appends `text` to `html`, escaped for use between tags.
fn push_escaped(html: &mut String, text: &str) {
    let mut rest = text;
    while let Some(at) = memchr::memchr3(b'&', b'<', b'>', rest.as_bytes()) {
        html.push_str(&rest[..at]);
        html.push_str(match rest.as_bytes()[at] {
            b'&' => "&amp;",
            b'<' => "&lt;",
            _ => "&gt;",
        });
        rest = &rest[at + 1..];
    }
    html.push_str(rest);
}

/// HTML as plain text: tags dropped, block ends as line breaks, list items as "- ", common
/// entities decoded, scripts and styles removed.
pub fn html_to_text(html: &str) -> String {
    let mut text = String::with_capacity(html.len());
    let mut position = 0;
    while position < html.len() {
        let rest = &html[position..];
        if rest.starts_with('<') {
            let Some(length) = rest.find('>') else {
                text.push_str(rest);
                break;
            };
            let inner = &rest[1..length];
            let closing = inner.starts_with('/');
            let name: String = inner
                .trim_start_matches('/')
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric())
                .collect::<String>()
                .to_ascii_lowercase();
            position += length + 1;
            if !closing && (name == "script" || name == "style") {
                let end_tag = format!("</{name}");
                match html[position..].to_ascii_lowercase().find(&end_tag) {
                    Some(end) => position += end,
                    None => break,
                }
                continue;
            }
            match name.as_str() {
                "br" | "p" | "div" | "tr" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6"
                | "blockquote" | "pre" | "ul" | "ol" | "table" => {
                    text.push('\n');
                }
                "li" if !closing => text.push_str("\n- "),
                "td" | "th" if closing => text.push(' '),
                _ => {}
            }
        } else if rest.starts_with('&') {
            let decoded = rest
                .find(';')
                .filter(|end| *end <= 10)
                .and_then(|end| decode_entity(&rest[1..end]).map(|c| (c, end + 1)));
            match decoded {
                Some((c, length)) => {
                    text.push(c);
                    position += length;
                }
                None => {
                    text.push('&');
                    position += 1;
                }
            }
        } else {
            let next = rest.find(['<', '&']).unwrap_or(rest.len());
            text.push_str(&rest[..next]);
            position += next;
        }
    }
    let lines: Vec<String> = text.split('\n').map(super::values::single_line).collect();
    super::values::multi_line(&lines.join("\n"))
}

/// The character an entity (`amp`, `nbsp`, `#39`, `#x41`, without `&` and `;`) stands for.
pub(crate) fn decode_entity(entity: &str) -> Option<char> {
    match entity {
        "amp" => Some('&'),
        "lt" => Some('<'),
        "gt" => Some('>'),
        "quot" => Some('"'),
        "apos" | "#39" => Some('\''),
        "nbsp" => Some(' '),
        _ => {
            let code = entity.strip_prefix('#')?;
            let value = match code.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => code.parse().ok()?,
            };
            char::from_u32(value)
        }
    }
}

/// Escapes text for use between tags.
pub fn escape_text(text: &str) -> Cow<'_, str> {
    if memchr::memchr3(b'&', b'<', b'>', text.as_bytes()).is_none() {
        return Cow::Borrowed(text);
    }
    let mut escaped = String::with_capacity(text.len() + 8);
    push_escaped(&mut escaped, text);
    Cow::Owned(escaped)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::idmap::{DestinationRef, IdMap};
    use crate::keys::RecordKey;

    fn renderer() -> HtmlRenderer {
        HtmlRenderer::new(&HtmlPolicy::default()).unwrap()
    }

    #[test]
    fn simple_html_takes_the_fast_path_unchanged() {
        for html in [
            "<p>Hello <b>there</b></p>",
            "a<br>b<br/>c",
            "<ul><li>x</li></ul>",
            "fish &amp; chips &#39;",
            "plain",
        ] {
            assert!(is_simple_html(html), "{html}");
            assert_eq!(renderer().render(html, &IdMap::new()).html, html);
        }
        for html in [
            "<p>open",
            "<p class=x>a</p>",
            "<script>x</script>",
            "a & b",
            "a > b",
            "</p>",
            "<br></br>",
            "<p/>",
            "<h7>x</h7>",
            "<p><b>crossed</p></b>",
            "&verylongentityname;",
            "&#;",
        ] {
            assert!(!is_simple_html(html), "{html}");
        }
    }

    #[test]
    fn unsafe_html_is_sanitised() {
        let cases = [
            (
                "<p onclick=\"x()\">Hi</p><script>alert(1)</script>",
                "<p>Hi</p>",
            ),
            ("<p>open", "<p>open</p>"),
            ("a & b", "a &amp; b"),
            ("<a href=\"javascript:alert(1)\">x</a>", "<a>x</a>"),
            ("<div><span style=\"color:red\">text</span></div>", "text"),
            (
                "<img src=\"https://cdn.example.com/a.png\" width=\"3\">",
                "<img src=\"https://cdn.example.com/a.png\">",
            ),
        ];
        for (html, expected) in cases {
            assert_eq!(
                renderer().render(html, &IdMap::new()).html,
                expected,
                "{html}"
            );
        }
    }

    #[test]
    fn links_and_images_are_rewritten_through_the_id_map() {
        let mut ids = IdMap::new();
        ids.insert(
            RecordKey::article(42),
            DestinationRef {
                id: "9".into(),
                url: Some("https://help.example.com/articles/9".into()),
            },
        );
        let guid = "0b9f6c1e-3f4a-4c1e-9a57-1f2e3d4c5b6a";
        ids.insert(
            RecordKey::file(guid),
            DestinationRef {
                id: "f1".into(),
                url: Some("https://files.example.com/f1.png".into()),
            },
        );
        let html = format!(
            "<p><a href=\"https://acme.vivantio.com/kb/article/42\">see</a> <a href=\"https://x/Page?ArticleId=7&amp;y=1\">other</a> <img src=\"https://acme.vivantio.com/file?guid={guid}\"> <img src=\"https://acme.vivantio.com/file?guid=ffffffff-ffff-ffff-ffff-ffffffffffff\"></p>"
        );
        let rendered = renderer().render(&html, &ids);
        assert!(
            rendered
                .html
                .contains("href=\"https://help.example.com/articles/9\""),
            "{}",
            rendered.html
        );
        assert!(
            rendered
                .html
                .contains("src=\"https://files.example.com/f1.png\""),
            "{}",
            rendered.html
        );
        assert!(rendered.html.contains("ArticleId=7"), "{}", rendered.html);
        assert_eq!(rendered.unresolved_articles, vec![7]);
        assert_eq!(
            rendered.unresolved_images,
            vec!["ffffffff-ffff-ffff-ffff-ffffffffffff".to_string()]
        );
    }

    #[test]
    fn links_and_images_on_the_tenant_host_are_recognised() {
        let renderer = renderer();
        let articles: [(&str, Option<i64>); 10] = [
            // The tenant's own article route, in the fragment, any case.
            ("https://acme.vivantio.com/#/Article/Details/42", Some(42)),
            (
                "https://acme.vivantio.com/#/article/details/7?tab=1",
                Some(7),
            ),
            ("http://localhost:8080/#/Article/Details/5", Some(5)),
            ("#/Article/Details/9", Some(9)),
            // The policy's forms, on the tenant host as on any other.
            (
                "https://acme.vivantio.com/Portal/KB/Article/4002",
                Some(4002),
            ),
            ("https://acme.vivantio.com/x?ArticleId=3", Some(3)),
            // Not articles.
            ("https://acme.vivantio.com/#/Article/Details/12abc", None),
            ("https://acme.vivantio.com/#/Ticket/Details/42", None),
            ("https://acme.vivantio.com/Article/Details", None),
            ("https://acme.vivantio.com/", None),
        ];
        for (url, expected) in articles {
            let found = renderer.patterns.reference("a", "href", url);
            assert_eq!(found, expected.map(Reference::Article), "{url}");
            assert_eq!(
                renderer.patterns.reference("img", "src", url),
                None,
                "{url}"
            );
        }
        let guid = "0b9f6c1e-3f4a-4c1e-9a57-1f2e3d4c5b6a";
        let images: [(&str, bool); 5] = [
            // On the tenant host, the platform host, a simulator's hosts.
            ("https://acme.vivantio.com/Attachment/Inline/GUID", true),
            (
                "https://webservices-na01.vivantio.com/attachment/inline/GUID",
                true,
            ),
            ("http://localhost:9/Attachment/Inline/GUID", true),
            ("http://127.0.0.1:9/Attachment/Inline/GUID", true),
            ("https://acme.vivantio.com/#/Article/Details/42", false),
        ];
        for (url, recognised) in images {
            for guid in [guid.to_string(), guid.to_uppercase()] {
                let url = url.replace("GUID", &guid);
                let found = renderer.patterns.reference("img", "src", &url);
                let expected = recognised.then(|| Reference::Image(guid.to_lowercase()));
                assert_eq!(found, expected, "{url}");
            }
        }
    }

    #[test]
    fn tenant_article_links_are_rewritten_like_the_other_forms() {
        let ids = ids_with_article(42, "https://help.example.com/articles/42");
        let cases = [
            (
                "<p><a href=\"https://acme.vivantio.com/#/Article/Details/42\">kb</a></p>",
                "<p><a href=\"https://help.example.com/articles/42\">kb</a></p>",
                vec![],
            ),
            (
                "<p><a href=\"https://acme.vivantio.com/Portal/KB/Article/42\">kb</a></p>",
                "<p><a href=\"https://help.example.com/articles/42\">kb</a></p>",
                vec![],
            ),
            (
                "<p><a href=\"https://acme.vivantio.com/#/Article/Details/43\">kb</a></p>",
                "<p><a href=\"https://acme.vivantio.com/#/Article/Details/43\">kb</a></p>",
                vec![43],
            ),
            (
                // Hidden from the raw-text scan by an entity: found by the second pass.
                "<p><a href=\"https://acme.vivantio.com/&#35;/Article/Details/42\">kb</a></p>",
                "<p><a href=\"https://help.example.com/articles/42\">kb</a></p>",
                vec![],
            ),
        ];
        for (html, expected, unresolved) in cases {
            let rendered = renderer().render(html, &ids);
            assert_eq!(rendered.html, expected, "{html}");
            assert_eq!(rendered.unresolved_articles, unresolved, "{html}");
        }
    }

    fn ids_with_article(id: i64, url: &str) -> IdMap {
        let mut ids = IdMap::new();
        ids.insert(
            RecordKey::article(id),
            DestinationRef {
                id: "9".into(),
                url: Some(url.into()),
            },
        );
        ids
    }

    #[test]
    fn only_attribute_values_are_rewritten_never_text_that_looks_like_one() {
        let ids = ids_with_article(4002, "https://help.example.com/a?x=1&y=\"2\"<b>");
        // The fuzz finding `html-attribute-splice`: an image source ending in `href=`, then
        // text, then a link. A pattern over the serialised output took the text for a value.
        let html = "<a>a href=\"https://acme.vivantio.com/Portal/KB/Artix</a><img src=\"ht//acm app (see <a href=\">Setting up</a>).</li>Portal/KB/Article/4002\">kb</a></p>";
        let rendered = renderer().render(html, &ids);
        assert!(
            !rendered.html.contains("help.example.com"),
            "{}",
            rendered.html
        );
        assert!(rendered.unresolved_articles.is_empty());
        let text_only =
            "<p>write href=\"https://acme.vivantio.com/kb/article/4002\" in <i>text</i></p>";
        let rendered = renderer().render(text_only, &ids);
        assert_eq!(rendered.html, text_only);
        // The same link as a real attribute is rewritten, and escaped by the serialiser.
        let link = "<p><a href=\"https://acme.vivantio.com/kb/article/4002\">kb</a> &amp;</p>";
        assert_eq!(
            renderer().render(link, &ids).html,
            "<p><a href=\"https://help.example.com/a?x=1&amp;y=&quot;2&quot;&lt;b&gt;\">kb</a> &amp;</p>"
        );
    }

    #[test]
    fn a_reference_hidden_by_entities_is_still_resolved() {
        let ids = ids_with_article(7, "https://help.example.com/articles/7");
        // `&amp;articleid=7` and `&#47;kb&#47;article&#47;8` only read as links once parsed.
        let html = "<p><a href=\"https://x/Page?y=1&amp;articleid=7\">seven</a> <a href=\"https://x&#47;kb&#47;article&#47;8\">eight</a></p>";
        let rendered = renderer().render(html, &ids);
        assert_eq!(
            rendered.html,
            "<p><a href=\"https://help.example.com/articles/7\">seven</a> <a href=\"https://x/kb/article/8\">eight</a></p>"
        );
        assert_eq!(rendered.unresolved_articles, vec![8]);
    }

    #[test]
    fn a_destination_url_that_is_not_a_web_address_is_never_written() {
        let ids = ids_with_article(5, "javascript:alert(1)");
        let html = "<p><a href=\"https://acme.vivantio.com/kb/article/5\">five</a></p>";
        let rendered = renderer().render(html, &ids);
        assert_eq!(rendered.html, html);
        assert_eq!(rendered.unresolved_articles, vec![5]);
    }

    #[test]
    fn text_and_html_convert_both_ways() {
        assert_eq!(
            text_to_html("Hi <team>,\r\nline two\n\n\nBye & thanks"),
            "<p>Hi &lt;team&gt;,<br>line two</p><p>Bye &amp; thanks</p>"
        );
        assert_eq!(text_to_html("   "), "");
        for text in [
            "\n\n  \nfirst  \n\n\n\nsecond\r\nthird\rfourth\n \n",
            "a",
            "\u{a0}x\u{a0}\n\u{2003}\ny",
            "<&>\n\n<&>",
        ] {
            let paragraphs: Vec<String> = crate::transform::values::multi_line(text)
                .split("\n\n")
                .map(|paragraph| {
                    let lines: Vec<String> = paragraph
                        .split('\n')
                        .map(|line| escape_text(line).into_owned())
                        .collect();
                    format!("<p>{}</p>", lines.join("<br>"))
                })
                .collect();
            assert_eq!(text_to_html(text), paragraphs.concat(), "{text:?}");
        }
        let cases = [
            (
                "<p>Hello&nbsp;<b>world</b></p><p>Second</p>",
                "Hello world\n\nSecond",
            ),
            ("<ul><li>one</li><li>two</li></ul>", "- one\n- two"),
            (
                "a<br>b &amp; c &lt;d&gt; &#65;&#x42; &bogus; &",
                "a\nb & c <d> AB &bogus; &",
            ),
            ("<style>p{}</style><script>x</script>text", "text"),
            ("unclosed <b", "unclosed <b"),
        ];
        for (html, expected) in cases {
            assert_eq!(html_to_text(html), expected, "{html}");
        }
    }
}
