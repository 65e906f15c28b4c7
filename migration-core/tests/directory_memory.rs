//! The source directory an engine run holds from start to end: its heap per caller, measured
//! with a counting allocator while 200,000 callers are streamed into it (as the engine does).
//! Maps of strings took about 220 bytes a caller; the compact directory must stay under 48,
//! which keeps half a million callers (an instance of a million tickets) near 20 MB.
//!
//! Its own test binary (the other tests are in `tests/it/`), because it installs a counting
//! global allocator: one per process, with process-wide counters.

use migration_core::model::source::Caller;
use migration_core::SourceDirectory;
use serde_json::json;

#[global_allocator]
static ALLOCATOR: fixtures::heap::CountingAllocator = fixtures::heap::CountingAllocator;

const CALLERS: i64 = 200_000;

fn caller(id: i64) -> Caller {
    // One in 50 shares an earlier caller's email, one in 20 has none, one in 100 is deleted.
    let email = match id % 100 {
        0..=1 => Some(format!("shared{}@example.com", id / 100)),
        2..=6 => None,
        _ => Some(format!("first.last{id}@customer-{}.example.com", id % 997)),
    };
    serde_json::from_value(json!({
        "id": id,
        "name": format!("Caller {id}"),
        "email": email,
        "client_id": (id % 3 != 0).then_some(id / 25 + 1),
        "deleted": id % 100 == 50,
    }))
    .expect("a caller")
}

#[test]
fn the_directory_keeps_under_48_bytes_a_caller() {
    let callers: Vec<Caller> = (1..=CALLERS).map(caller).collect();
    fixtures::heap::count_this_thread(true);
    let before = fixtures::heap::reset_peak();
    let mut builder = SourceDirectory::builder();
    for caller in &callers {
        builder.add_caller(caller);
    }
    let directory = builder.finish();
    let held = fixtures::heap::live() - before;
    let peak = fixtures::heap::peak() - before;
    fixtures::heap::count_this_thread(false);

    let per_caller = held as f64 / CALLERS as f64;
    let peak_per_caller = peak as f64 / CALLERS as f64;
    println!(
        "directory of {CALLERS} callers: {held} bytes held ({per_caller:.1} a caller), \
         {peak} at most while building ({peak_per_caller:.1} a caller), {} reported",
        directory.heap_bytes()
    );
    assert!(per_caller < 48.0, "{per_caller:.1} bytes a caller");
    // Building may hold the columns twice (growth, then the trim at the end), never more.
    assert!(
        peak_per_caller < 120.0,
        "{peak_per_caller:.1} bytes a caller while building"
    );
    assert!(
        directory.heap_bytes() as isize <= held,
        "heap_bytes() must not claim more than the allocator saw"
    );
    // Still right at this size: the pair of callers 100 and 101 share an email.
    assert_eq!(
        directory.caller(101).map(|entry| entry.canonical_id),
        Some(100)
    );
    assert_eq!(directory.caller(150).map(|entry| entry.deleted), Some(true));
}
