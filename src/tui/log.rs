//! A log file in the data directory; the console never prints logs to
//! the screen.

use std::io::Write;
use std::path::PathBuf;
use std::sync::{Mutex, OnceLock};

static LOG: OnceLock<Mutex<std::fs::File>> = OnceLock::new();
/// The database this process works on, named in every line: several
/// consoles on several databases share one log.
static DATABASE: OnceLock<String> = OnceLock::new();

pub fn set_database(path: &std::path::Path) {
    let _ = DATABASE.set(path.display().to_string());
}

/// Opens (appending) the log file; returns its path.
pub fn open(path: PathBuf) -> Option<PathBuf> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).ok()?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.create(true).append(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let file = options.open(&path).ok()?;
    LOG.set(Mutex::new(file)).ok()?;
    Some(path)
}

pub fn write(message: &str) {
    if let Some(Ok(mut file)) = LOG.get().map(|m| m.lock()) {
        // Logs are read in terminals too: sanitized like everything shown.
        let message = crate::sanitize::line(message);
        let database = crate::sanitize::line(DATABASE.get().map(String::as_str).unwrap_or("-")).into_owned();
        let at = crate::desk::rfc3339(time::OffsetDateTime::now_utc());
        let _ = writeln!(file, "{at} [{database}] {message}");
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_log_is_private_and_sanitized() {
        let dir = tempfile::tempdir().expect("dir");
        let path = super::open(dir.path().join("mpdesk.log")).expect("the only log of this test binary");
        super::write("refused \u{1b}]0;owned\u{7} \u{202e}");
        let text = std::fs::read_to_string(&path).expect("read");
        assert!(text.contains("refused ^[]0;owned^G <U+202E>"), "{text}");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).expect("meta").permissions().mode() & 0o777;
            assert_eq!(mode, 0o600);
        }
    }
}
