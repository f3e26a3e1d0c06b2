//! Telling a live process from one whose PID the system has since given
//! to another: a PID together with when its process started (Linux's
//! `/proc/PID/stat`, field 22, in clock ticks since boot) names one
//! process for as long as the machine runs.

/// When `pid` started, if it is alive and readable.
pub fn start_time(pid: u32) -> Option<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name (field 2) is in parentheses and may hold spaces or
    // parentheses itself: count fields from the last ')'.
    let rest = &stat[stat.rfind(')')? + 1..];
    rest.split_whitespace().nth(19)?.parse().ok()
}

/// Whether the process that had `pid` and started at `started` still runs.
pub fn is_alive(pid: u32, started: u64) -> bool {
    start_time(pid) == Some(started)
}

/// This process: its PID and start time.
pub fn this_process() -> (u32, u64) {
    let pid = std::process::id();
    (pid, start_time(pid).unwrap_or(0))
}

/// Asks the process to end (SIGTERM), if it is still the one that was
/// recorded. Returns whether it was signalled.
pub fn terminate(pid: u32, started: u64) -> bool {
    if !is_alive(pid, started) {
        return false;
    }
    let Ok(pid) = libc::pid_t::try_from(pid) else { return false };
    // SAFETY: kill(2) with a positive pid only sends a signal.
    unsafe { libc::kill(pid, libc::SIGTERM) == 0 }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn this_process_is_alive_and_a_reused_pid_is_not() {
        let (pid, started) = this_process();
        assert!(started > 0);
        assert!(is_alive(pid, started));
        assert!(!is_alive(pid, started + 1), "same PID, another start: another process");
        let mut child = std::process::Command::new("true").spawn().expect("spawn");
        let child_pid = child.id();
        let _ = child.wait();
        assert!(start_time(child_pid).is_none());
    }
}
