//! The CLI's allocator settings. mimalloc 3 keeps freed pages for a second before giving them
//! back to the system; with attachments of many megabytes passing through, that retention
//! alone added about 30 MB to the peak resident size of a run. Giving pages back at once
//! costs no measurable CPU here.

use libmimalloc_sys::{mi_option_get, mi_option_set, mi_option_t};

/// `mi_option_purge_delay` in `mimalloc.h` of mimalloc 3, which `libmimalloc-sys` builds (the
/// Rust bindings do not name it); a test checks the index against the option's default.
const PURGE_DELAY: mi_option_t = 15;

/// Makes mimalloc return freed memory to the system at once, unless `MIMALLOC_PURGE_DELAY`
/// in the environment chose otherwise.
pub fn return_freed_memory_at_once() {
    if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() {
        // SAFETY: setting an option is a plain store into mimalloc's option table, valid at
        // any time and from any thread.
        unsafe { mi_option_set(PURGE_DELAY, 0) };
    }
}

/// mimalloc's current purge delay, in milliseconds.
pub fn purge_delay_ms() -> std::ffi::c_long {
    // SAFETY: reading an option has no preconditions.
    unsafe { mi_option_get(PURGE_DELAY) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_purge_delay_option_is_the_one_set() {
        if std::env::var_os("MIMALLOC_PURGE_DELAY").is_some() {
            return;
        }
        // mimalloc 3's default purge delay (1000 ms, `options.c`) proves the index names it.
        assert_eq!(purge_delay_ms(), 1000);
        return_freed_memory_at_once();
        assert_eq!(purge_delay_ms(), 0);
    }
}
