//! Any text as an article or message body: the rendered HTML keeps only allowed tags and
//! attributes and no URL that runs code, Vivantio links are rewritten safely, and the text forms
//! never panic.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use migration_core::idmap::{DestinationRef, IdMap};
use migration_core::keys::RecordKey;
use migration_core::transform::html::{html_to_text, is_simple_html, text_to_html, HtmlRenderer};
use vivantio2intercom_fuzz::unsafe_markup;

/// A renderer with the default policy and an ID map whose URLs need escaping.
fn renderer() -> &'static (HtmlRenderer, IdMap) {
    static RENDERER: OnceLock<(HtmlRenderer, IdMap)> = OnceLock::new();
    RENDERER.get_or_init(|| {
        let renderer = HtmlRenderer::new(&Default::default()).expect("the default policy compiles");
        let mut ids = IdMap::new();
        ids.insert(
            RecordKey::article(4002),
            DestinationRef {
                id: "9".into(),
                url: Some("https://help.example.com/a?x=1&y=\"2\"<b>".into()),
            },
        );
        ids.insert(
            RecordKey::file("0f3978cf-8201-590d-8bde-ab751a192430"),
            DestinationRef {
                id: "f".into(),
                url: Some("https://files.example.com/f.png".into()),
            },
        );
        (renderer, ids)
    })
}

fuzz_target!(|text: &str| {
    let (renderer, ids) = renderer();
    let rendered = renderer.render(text, ids);
    if let Some(problem) = unsafe_markup(&rendered.html) {
        panic!(
            "unsafe output ({problem}) for {text:?}: {:?}",
            rendered.html
        );
    }
    let _ = html_to_text(text);
    let as_html = text_to_html(text);
    assert!(
        is_simple_html(&as_html),
        "text_to_html({text:?}) = {as_html:?}"
    );
    assert!(
        unsafe_markup(&as_html).is_none(),
        "text_to_html({text:?}) = {as_html:?}"
    );
});
