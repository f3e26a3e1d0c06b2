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

/// A process that still has a file open after it was removed from its
/// folder: what it reads and writes there no other process sees.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OnRemovedFile {
    pub pid: u32,
    /// Its command line, arguments joined by spaces.
    pub command: String,
    pub file: std::path::PathBuf,
}

/// Every process this account may look at (`/proc/PID/fd`) that holds one
/// of `files` (absolute paths) open after it was removed.
pub fn on_removed_files(files: &[std::path::PathBuf]) -> Vec<OnRemovedFile> {
    let removed: Vec<(std::ffi::OsString, &std::path::PathBuf)> = files
        .iter()
        .map(|f| {
            let mut name = f.clone().into_os_string();
            name.push(" (deleted)");
            (name, f)
        })
        .collect();
    let mut found = Vec::new();
    let Ok(processes) = std::fs::read_dir("/proc") else { return found };
    for process in processes.flatten() {
        let Some(pid) = process.file_name().to_str().and_then(|n| n.parse::<u32>().ok()) else { continue };
        let Ok(fds) = std::fs::read_dir(process.path().join("fd")) else { continue };
        for fd in fds.flatten() {
            let Ok(target) = std::fs::read_link(fd.path()) else { continue };
            if let Some((_, file)) = removed.iter().find(|(name, _)| target.as_os_str() == name.as_os_str()) {
                let command = std::fs::read(process.path().join("cmdline")).unwrap_or_default();
                let command = String::from_utf8_lossy(&command).split('\0').collect::<Vec<_>>().join(" ");
                found.push(OnRemovedFile { pid, command: command.trim().to_string(), file: (*file).clone() });
                break;
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_removed_file_held_open_is_found_with_its_process() {
        let dir = tempfile::tempdir().expect("dir");
        let wal = dir.path().join("m.db-wal");
        let other = dir.path().join("m.db-shm");
        std::fs::write(&wal, b"frames").expect("write");
        std::fs::write(&other, b"index").expect("write");
        let held = std::fs::File::open(&wal).expect("open");
        let files = [wal.clone(), other.clone()];
        assert!(!on_removed_files(&files).iter().any(|p| p.pid == std::process::id()), "nothing removed yet");
        std::fs::remove_file(&wal).expect("remove");
        std::fs::remove_file(&other).expect("remove, not held");
        let found: Vec<OnRemovedFile> =
            on_removed_files(&files).into_iter().filter(|p| p.pid == std::process::id()).collect();
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].file, wal);
        assert!(!found[0].command.is_empty());
        drop(held);
        assert!(!on_removed_files(&files).iter().any(|p| p.pid == std::process::id()), "closed: gone");
    }

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
