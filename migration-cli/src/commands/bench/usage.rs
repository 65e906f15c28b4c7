//! CPU time and peak memory of a child process (`plan`, the migration): CPU time from the
//! kernel after it exits, peak memory from its high-water mark while it runs.
//!
//! `getrusage`'s `ru_maxrss` cannot give the peak: Linux carries the largest resident size
//! across `exec`, so a child started from the bench reports at least the bench's own size
//! (the simulators and the generated instance), not the child's.

use std::time::Duration;

/// What the kernel accounted to the waited-for child processes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct ChildUsage {
    /// CPU time in user mode.
    pub user: Duration,
    /// CPU time in the kernel.
    pub system: Duration,
    /// The child's largest resident set size, in bytes (its `VmHWM`, last read just before it
    /// exited).
    pub peak_rss_bytes: u64,
}

impl ChildUsage {
    /// User plus system time.
    pub fn cpu(&self) -> Duration {
        self.user + self.system
    }

    /// The CPU time added since `earlier` (both read from [`children`], which only grows),
    /// with this usage's peak.
    pub fn since(self, earlier: ChildUsage) -> ChildUsage {
        ChildUsage {
            user: self.user.saturating_sub(earlier.user),
            system: self.system.saturating_sub(earlier.system),
            peak_rss_bytes: self.peak_rss_bytes,
        }
    }
}

/// CPU time of every child this process has waited for, added up.
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
        peak_rss_bytes: 0,
    })
}

/// The high-water mark of a running process's resident memory (`VmHWM`), in bytes; `None`
/// once it has exited or where `/proc` does not tell.
pub fn peak_resident_bytes(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let kib: u64 = status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))?
        .trim()
        .strip_suffix("kB")?
        .trim()
        .parse()
        .ok()?;
    Some(kib * 1024)
}

/// Not measured on platforms without `getrusage`.
#[cfg(not(unix))]
pub fn children() -> Option<ChildUsage> {
    None
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::ChildUsage;

    #[test]
    fn a_child_s_cpu_time_is_what_the_total_grew_by() {
        let earlier = ChildUsage {
            user: Duration::from_millis(1_500),
            system: Duration::from_millis(200),
            peak_rss_bytes: 7,
        };
        let total = ChildUsage {
            user: Duration::from_millis(4_000),
            system: Duration::from_millis(700),
            peak_rss_bytes: 0,
        };
        let child = ChildUsage {
            peak_rss_bytes: 42,
            ..total
        }
        .since(earlier);
        assert_eq!(child.user, Duration::from_millis(2_500));
        assert_eq!(child.system, Duration::from_millis(500));
        assert_eq!(child.peak_rss_bytes, 42);
    }
}

#[cfg(all(test, target_os = "linux"))]
mod linux_tests {
    #[test]
    fn the_peak_of_a_live_process_is_read_and_of_a_gone_one_is_none() {
        let own = super::peak_resident_bytes(std::process::id()).expect("this process");
        assert!(own > 1024 * 1024, "{own}");
        assert_eq!(super::peak_resident_bytes(u32::MAX), None);
    }
}
