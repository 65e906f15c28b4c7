//! The CLI's allocator settings, which keep the resident size of a long run low:
//!
//! - mimalloc 3 keeps freed pages for a second before giving them back to the system; with
//!   attachments of many megabytes passing through, that retention alone added about 30 MB to
//!   the peak resident size of a run. Giving pages back at once costs no measurable CPU here.
//! - mimalloc asks for transparent huge pages (2 MiB) where the system offers them on request
//!   (`madvise`, a common default); a partly used huge page is resident whole, which added
//!   about 40 MB more (seed account: peak 121.6 MB with them, 81.2 MB without, same CPU time).

use libmimalloc_sys::{mi_option_get, mi_option_set, mi_option_t};

/// `mi_option_purge_delay` in `mimalloc.h` of mimalloc 3, which `libmimalloc-sys` builds (the
/// Rust bindings do not name it); a test checks the index against the option's default.
const PURGE_DELAY: mi_option_t = 15;

/// `mi_option_allow_thp` in the same header; checked the same way.
const ALLOW_THP: mi_option_t = 43;

/// Makes mimalloc return freed memory to the system at once and use no transparent huge
/// pages, unless `MIMALLOC_PURGE_DELAY` or `MIMALLOC_ALLOW_THP` in the environment chose
/// otherwise.
pub fn keep_resident_memory_low() {
    if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() {
        // SAFETY: setting an option is a plain store into mimalloc's option table, valid at
        // any time and from any thread.
        unsafe { mi_option_set(PURGE_DELAY, 0) };
    }
    if std::env::var_os("MIMALLOC_ALLOW_THP").is_none() {
        // SAFETY: as above.
        unsafe { mi_option_set(ALLOW_THP, 0) };
        // mimalloc reads the option when it maps memory, and it may have mapped its first
        // arena before this runs; the process-wide flag also covers that arena.
        disable_transparent_huge_pages();
    }
}

#[cfg(target_os = "linux")]
fn disable_transparent_huge_pages() {
    // SAFETY: PR_SET_THP_DISABLE takes plain integers and only sets a flag of this process;
    // a kernel without it answers with an error, which changes nothing.
    unsafe { libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0) };
}

#[cfg(not(target_os = "linux"))]
fn disable_transparent_huge_pages() {}

/// mimalloc's current purge delay, in milliseconds.
pub fn purge_delay_ms() -> std::ffi::c_long {
    // SAFETY: reading an option has no preconditions.
    unsafe { mi_option_get(PURGE_DELAY) }
}

/// Whether mimalloc may ask for transparent huge pages.
pub fn allows_huge_pages() -> bool {
    // SAFETY: reading an option has no preconditions.
    unsafe { mi_option_get(ALLOW_THP) != 0 }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_options_set_are_the_ones_named() {
        if std::env::var_os("MIMALLOC_PURGE_DELAY").is_some()
            || std::env::var_os("MIMALLOC_ALLOW_THP").is_some()
        {
            return;
        }
        // mimalloc 3's defaults (`options.c`: purge delay 1000 ms, huge pages allowed) prove
        // the indexes name these options.
        assert_eq!(purge_delay_ms(), 1000);
        assert!(allows_huge_pages());
        keep_resident_memory_low();
        assert_eq!(purge_delay_ms(), 0);
        assert!(!allows_huge_pages());
        #[cfg(target_os = "linux")]
        {
            // SAFETY: PR_GET_THP_DISABLE only reads this process's flag.
            let disabled = unsafe { libc::prctl(libc::PR_GET_THP_DISABLE, 0, 0, 0, 0) };
            assert_eq!(disabled, 1);
        }
    }
}
