//! CPU time and peak memory of the migration process, read from the kernel after it exits.

use std::time::Duration;

/// What the kernel accounted to the waited-for child processes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct ChildUsage {
    /// CPU time in user mode.
    pub user: Duration,
    /// CPU time in the kernel.
    pub system: Duration,
    /// Largest resident set size of any of them, in bytes.
    pub peak_rss_bytes: u64,
}

impl ChildUsage {
    /// User plus system time.
    pub fn cpu(&self) -> Duration {
        self.user + self.system
    }
}

/// Usage of every child this process has waited for (the bench waits for exactly one).
#[cfg(unix)]
pub fn children() -> Option<ChildUsage> {
    let mut usage = std::mem::MaybeUninit::<libc::rusage>::zeroed();
    // SAFETY: getrusage writes a complete `rusage` into the pointer it is given and reads nothing.
    let status = unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, usage.as_mut_ptr()) };
    if status != 0 {
        return None;
    }
    // SAFETY: the call succeeded, so the struct is initialised.
    let usage = unsafe { usage.assume_init() };
    let time = |value: libc::timeval| {
        Duration::from_secs(u64::try_from(value.tv_sec).unwrap_or(0))
            + Duration::from_micros(u64::try_from(value.tv_usec).unwrap_or(0))
    };
    Some(ChildUsage {
        user: time(usage.ru_utime),
        system: time(usage.ru_stime),
        // Linux reports kilobytes.
        peak_rss_bytes: u64::try_from(usage.ru_maxrss).unwrap_or(0) * 1024,
    })
}

/// Not measured on platforms without `getrusage`.
#[cfg(not(unix))]
pub fn children() -> Option<ChildUsage> {
    None
}
