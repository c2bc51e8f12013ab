//! CPU time the whole process has used (user + system, every thread), from `getrusage`.
//!
//! The benchmarks run the engine, the Graph client and the simulated tenant in one process, so
//! this is the cost of all three together: an upper bound for the engine's share.

use std::time::Duration;

/// CPU time used so far, or `None` where the platform gives no figure.
pub fn process_cpu_time() -> Option<Duration> {
    imp::process_cpu_time()
}

#[cfg(unix)]
mod imp {
    use std::time::Duration;

    use nix::sys::resource::{getrusage, UsageWho};
    use nix::sys::time::TimeVal;

    pub(super) fn process_cpu_time() -> Option<Duration> {
        let usage = getrusage(UsageWho::RUSAGE_SELF).ok()?;
        Some(duration(usage.user_time()) + duration(usage.system_time()))
    }

    fn duration(time: TimeVal) -> Duration {
        let seconds = u64::try_from(time.tv_sec()).unwrap_or(0);
        let micros = u64::try_from(time.tv_usec()).unwrap_or(0);
        Duration::from_secs(seconds) + Duration::from_micros(micros)
    }
}

#[cfg(not(unix))]
mod imp {
    use std::time::Duration;

    pub(super) fn process_cpu_time() -> Option<Duration> {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn cpu_time_grows_with_work() {
        let before = process_cpu_time().expect("getrusage works on unix");
        // Work until the kernel has charged at least one more tick to this process (a few
        // milliseconds); the bound only keeps a broken getrusage from spinning forever.
        let grew = (0..50_000_000_u64).any(|spin| {
            std::hint::black_box(spin);
            process_cpu_time().expect("getrusage") > before
        });
        assert!(grew, "getrusage never reported more CPU time");
    }
}
