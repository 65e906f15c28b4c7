//! The Vivantio records a body points at (article links, inline images), found and rewritten
//! on the attribute values the sanitiser has parsed, never on its serialised output: text may
//! hold `href="…"` verbatim (the serialiser does not escape quotes in text), so a pattern over
//! the output cannot tell an attribute from text that looks like one.
//!
//! Ammonia's attribute filter must be `'static`, while the ID map a render reads is borrowed,
//! so what the filter needs for one render sits in a thread-local [`Pass`] for the length of
//! one synchronous `clean` call on that thread.

use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::hash_map::Entry;
use std::collections::HashMap;

use regex::Regex;

use crate::idmap::IdMapView;
use crate::keys::RecordKey;

/// A Vivantio record a body points at.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(super) enum Reference {
    /// A knowledge-base article, by id.
    Article(i64),
    /// An inline image, by attachment GUID (lowercase).
    Image(String),
}

/// What a reference becomes in one render.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Resolution {
    /// The Intercom copy's URL replaces the Vivantio one.
    Rewrite(String),
    /// The record has an Intercom copy without a public URL: the value stays as it is.
    Keep,
    /// No usable Intercom copy yet: the value stays, and the render reports it.
    Unresolved,
}

impl Reference {
    /// Where this reference points in the destination, as the ID map has it now.
    pub(super) fn resolve(&self, ids: &dyn IdMapView) -> Resolution {
        let key = match self {
            Self::Article(id) => RecordKey::article(*id),
            Self::Image(guid) => RecordKey::file(guid),
        };
        match ids.get(&key).map(|destination| destination.url.as_deref()) {
            None => Resolution::Unresolved,
            Some(None) => Resolution::Keep,
            // The sanitiser checked the URL schemes of the input before the filter runs, so a
            // replacement is held to the same rule here: only a web address is written.
            Some(Some(url)) if is_web_url(url) => Resolution::Rewrite(url.to_string()),
            Some(Some(_)) => Resolution::Unresolved,
        }
    }
}

fn is_web_url(url: &str) -> bool {
    let scheme = url.split_once(':').map_or("", |(scheme, _)| scheme);
    scheme.eq_ignore_ascii_case("https") || scheme.eq_ignore_ascii_case("http")
}

/// How the tenant's web application links an article, whatever the host: a route in the URL's
/// fragment (`https://<tenant>.vivantio.com/#/Article/Details/{id}`, KB). Recognised besides the
/// policy's article pattern. Group 1 is the article id.
pub(super) const TENANT_ARTICLE_LINK: &str = r"(?i)#/article/details/(\d+)\b";

/// The patterns that recognise references in URLs: the policy's, and the tenant's own
/// article route. None is bound to a host, so links and images on the tenant host
/// (`https://<tenant>.vivantio.com/…`) and on the platform host are recognised alike.
#[derive(Debug)]
pub(super) struct Patterns {
    /// Group 1 is the article id.
    pub article_link: Regex,
    /// [`TENANT_ARTICLE_LINK`]; group 1 is the article id.
    pub tenant_article_link: Regex,
    /// Group 1 is the attachment GUID.
    pub inline_image: Regex,
}

impl Patterns {
    /// The reference an attribute value makes, if it is an article link (`a href`) or an
    /// inline image (`img src`) the patterns recognise.
    pub(super) fn reference(&self, element: &str, attribute: &str, url: &str) -> Option<Reference> {
        match (element, attribute) {
            ("a", "href") => self.article(url),
            ("img", "src") => self.image(url),
            _ => None,
        }
    }

    /// References visible in the raw text of a body: most of what a render will meet, so
    /// resolving them first usually lets one sanitiser pass do.
    pub(super) fn candidates<'h>(&'h self, html: &'h str) -> impl Iterator<Item = Reference> + 'h {
        let articles = self
            .article_link
            .captures_iter(html)
            .chain(self.tenant_article_link.captures_iter(html))
            .filter_map(|captures| captures.get(1)?.as_str().parse().ok())
            .map(Reference::Article);
        let images = self
            .inline_image
            .captures_iter(html)
            .filter_map(|captures| {
                Some(Reference::Image(captures.get(1)?.as_str().to_lowercase()))
            });
        articles.chain(images)
    }

    fn article(&self, url: &str) -> Option<Reference> {
        let captures = self
            .article_link
            .captures(url)
            .or_else(|| self.tenant_article_link.captures(url))?;
        let id = captures.get(1)?.as_str().parse().ok()?;
        Some(Reference::Article(id))
    }

    fn image(&self, url: &str) -> Option<Reference> {
        let guid = self.inline_image.captures(url)?.get(1)?.as_str();
        Some(Reference::Image(guid.to_lowercase()))
    }
}

/// One sanitiser pass's view of the references: what is known before it, what it met.
#[derive(Debug, Default)]
pub(super) struct Pass {
    /// What each reference resolved before the pass becomes.
    pub resolved: HashMap<Reference, Resolution>,
    /// Every reference met, in document order, with the URL as the body had it (decoded).
    pub met: Vec<(Reference, String)>,
    /// Whether the pass met a reference `resolved` lacks (and so left its value as it was).
    pub incomplete: bool,
}

impl Pass {
    /// Resolves `reference` through `ids` unless it already is.
    pub(super) fn resolve(&mut self, reference: Reference, ids: &dyn IdMapView) {
        if let Entry::Vacant(vacant) = self.resolved.entry(reference) {
            let resolution = vacant.key().resolve(ids);
            vacant.insert(resolution);
        }
    }

    /// Resolves everything the last pass met and readies the pass to run again.
    pub(super) fn resolve_met(&mut self, ids: &dyn IdMapView) {
        for (reference, _) in std::mem::take(&mut self.met) {
            self.resolve(reference, ids);
        }
        self.incomplete = false;
    }

    /// The references met that have no usable Intercom copy, in document order.
    pub(super) fn unresolved(&self) -> impl Iterator<Item = &Reference> {
        self.met
            .iter()
            .map(|(reference, _)| reference)
            .filter(|reference| {
                !matches!(
                    self.resolved.get(reference),
                    Some(Resolution::Rewrite(_) | Resolution::Keep)
                )
            })
    }

    /// What the filter writes for a reference met, recording it.
    fn meet<'u>(&mut self, reference: Reference, url: &'u str) -> Cow<'u, str> {
        let written = match self.resolved.get(&reference) {
            Some(Resolution::Rewrite(replacement)) => Cow::Owned(replacement.clone()),
            Some(Resolution::Keep | Resolution::Unresolved) => Cow::Borrowed(url),
            None => {
                self.incomplete = true;
                Cow::Borrowed(url)
            }
        };
        self.met.push((reference, url.to_string()));
        written
    }
}

thread_local! {
    static CURRENT: RefCell<Option<Pass>> = const { RefCell::new(None) };
}

/// Runs `clean` (one synchronous sanitiser call) with `pass` visible to the attribute filter
/// on this thread, then gives the pass back with what it met.
pub(super) fn with_pass<T>(pass: Pass, clean: impl FnOnce() -> T) -> (T, Pass) {
    /// Clears the thread's pass even if `clean` unwinds, so no later call sees a stale one.
    struct Installed;
    impl Drop for Installed {
        fn drop(&mut self) {
            CURRENT.with(|current| current.borrow_mut().take());
        }
    }
    CURRENT.with(|current| *current.borrow_mut() = Some(pass));
    let installed = Installed;
    let output = clean();
    let pass = CURRENT
        .with(|current| current.borrow_mut().take())
        .unwrap_or_default();
    drop(installed);
    (output, pass)
}

/// The sanitiser's attribute filter: rewrites references through the thread's current pass.
/// Outside a pass (no render under way on this thread) every value stays as it is.
pub(super) fn filter<'u>(
    patterns: &Patterns,
    element: &str,
    attribute: &str,
    value: &'u str,
) -> Option<Cow<'u, str>> {
    let Some(reference) = patterns.reference(element, attribute, value) else {
        return Some(Cow::Borrowed(value));
    };
    CURRENT.with(|current| match current.borrow_mut().as_mut() {
        Some(pass) => Some(pass.meet(reference, value)),
        None => Some(Cow::Borrowed(value)),
    })
}
