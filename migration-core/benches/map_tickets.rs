//! Replaced by the mapping benchmark.
fn main() {}
