//! Any text as `mapping.toml`: it parses or is refused with a message; a parsed specification
//! is checked against the sample instance's configuration and compiled into a mapper without a
//! panic, and writes back to TOML that reads as the same specification.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use migration_core::model::source::SourceSchema;
use migration_core::spec::check;
use migration_core::{Mapper, MappingSpec, SourceDirectory};
use vivantio2intercom_fuzz::{empty_workspace, sample_schema};

fn schema() -> &'static SourceSchema {
    static SCHEMA: OnceLock<SourceSchema> = OnceLock::new();
    SCHEMA.get_or_init(sample_schema)
}

fuzz_target!(|text: &str| {
    let spec = match MappingSpec::from_toml(text) {
        Ok(spec) => spec,
        Err(error) => {
            assert!(!error.to_string().is_empty());
            return;
        }
    };
    let report = check(&spec, schema(), &empty_workspace());
    for issue in report.errors() {
        assert!(!issue.message.trim().is_empty(), "{issue:?}");
    }
    let _ = Mapper::new(&spec, schema(), SourceDirectory::new());
    let written = spec.to_toml().expect("a parsed specification writes back");
    let again = MappingSpec::from_toml(&written)
        .unwrap_or_else(|error| panic!("written TOML does not read back: {error}\n{written}"));
    assert_eq!(again.content_hash(), spec.content_hash(), "{written}");
});
