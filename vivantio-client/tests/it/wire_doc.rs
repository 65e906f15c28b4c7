//! `docs/vivantio-wire.md` shows the assumption registry exactly as the code holds it.
//!
//! Run with `V2I_BLESS=1` to rewrite the table after changing the registry.

use vivantio_client::assumptions::registry;

const START: &str = "<!-- registry:start (generated from vivantio-client's assumption registry; V2I_BLESS=1 cargo test -p vivantio-client --test it wire_doc rewrites it) -->\n";
const END: &str = "<!-- registry:end -->";

#[test]
fn the_wire_doc_shows_the_registry() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/vivantio-wire.md");
    let doc = std::fs::read_to_string(&path).unwrap();
    let start = doc
        .find(START)
        .expect("the doc has the registry start marker")
        + START.len();
    let end = doc.find(END).expect("the doc has the registry end marker");
    let table = registry::to_markdown();
    if std::env::var_os("V2I_BLESS").is_some() {
        let rewritten = format!("{}{table}{}", &doc[..start], &doc[end..]);
        std::fs::write(&path, rewritten).unwrap();
        return;
    }
    assert_eq!(
        &doc[start..end],
        table,
        "docs/vivantio-wire.md is out of date: run V2I_BLESS=1 cargo test -p vivantio-client --test it wire_doc"
    );
}
