//! What wakes an idle console: a key, a resize, another process's commit,
//! the clock's next minute — and nothing else. On a server each person is
//! one process; a console that looked at the database every tick cost
//! a third of a core at a thousand idle people. Instead, one thread reads
//! the terminal and one waits on inotify for the database's directory, and
//! both feed one channel the console sleeps on. Every mpdesk commit rings
//! the database's bell (`store::BELL`: opened for writing and closed, one
//! event); another program's writes show when it closes the WAL file. Not
//! each write: a commit is dozens of them, and a thousand consoles woken by
//! each slowed the writer to seconds.
//!
//! Where inotify cannot serve (a network filesystem, where it does not
//! fire for other hosts' writes; no inotify instance left for this user),
//! the console falls back to looking every `SLOW_POLL`.

use crossterm::event::Event;
use std::ffi::OsString;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;
use std::sync::mpsc::{self, Receiver, SyncSender};
use std::time::{Duration, Instant};

/// Without a watch, how often to look for other processes' commits.
pub const SLOW_POLL: Duration = Duration::from_secs(1);
/// With one, a look anyway now and then: a missed event costs at most this.
pub const BACKSTOP: Duration = Duration::from_secs(30);

/// Something that happened while the console slept.
#[derive(Debug)]
pub enum Input {
    Terminal(Event),
    /// The database's files were written (maybe by this process).
    DatabaseWritten,
    /// The terminal could not be read.
    Failed(String),
}

/// How the console learns of other processes' commits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Watch {
    /// inotify on the database's directory: `BACKSTOP` between looks.
    Inotify,
    /// No watch (why is in the log): `SLOW_POLL` between looks.
    Polling,
}

impl Watch {
    /// The longest the console sleeps before it looks at the database.
    pub fn longest_sleep(self) -> Duration {
        match self {
            Watch::Inotify => BACKSTOP,
            Watch::Polling => SLOW_POLL,
        }
    }
}

/// An event may come before the commit it announces is visible (another
/// program closing the WAL file mid-way, a restored file moved in). So
/// after one the console looks again a few times, until the commit shows
/// or a second has passed; the bell, rung after the commit, is seen at
/// the first look.
#[derive(Debug, Default)]
pub struct AfterWrite {
    since: Option<Instant>,
    looks: usize,
}

/// When to look again, from the write.
const AGAIN: [Duration; 5] = [
    Duration::from_millis(5),
    Duration::from_millis(20),
    Duration::from_millis(100),
    Duration::from_millis(300),
    Duration::from_millis(1000),
];

impl AfterWrite {
    pub fn written(&mut self) {
        *self = AfterWrite { since: Some(Instant::now()), looks: 0 };
    }

    /// The commit showed: no more looks.
    pub fn seen(&mut self) {
        self.since = None;
    }

    /// How long until the next look, if one is to come.
    pub fn until_next(&self) -> Option<Duration> {
        let since = self.since?;
        AGAIN.get(self.looks).map(|at| at.saturating_sub(since.elapsed()))
    }

    /// Whether a look is due now (counting it).
    pub fn due(&mut self) -> bool {
        match self.until_next() {
            Some(wait) if wait.is_zero() => {
                self.looks += 1;
                true
            }
            _ => false,
        }
    }
}

/// The most inputs waiting for the console. A client typing or pasting
/// faster than the console answers waits (the terminal's reader stops
/// reading, and the pseudo-terminal's buffer fills up to the client)
/// instead of growing the server's memory.
const QUEUED: usize = 1024;

/// Starts reading the terminal and watching `database`; returns the
/// channel and the kind of watch it got.
pub fn start(database: &Path) -> (Receiver<Input>, Watch) {
    let (sender, receiver) = mpsc::sync_channel(QUEUED);
    read_terminal(sender.clone());
    let watch = match watch_database(database, sender) {
        Ok(()) => Watch::Inotify,
        Err(why) => {
            super::log::write(&format!("not watching the database ({why}); looking every {SLOW_POLL:?}"));
            Watch::Polling
        }
    };
    (receiver, watch)
}

fn read_terminal(sender: SyncSender<Input>) {
    std::thread::spawn(move || loop {
        let input = match crossterm::event::read() {
            Ok(event) => Input::Terminal(event),
            Err(error) => Input::Failed(error.to_string()),
        };
        let failed = matches!(input, Input::Failed(_));
        if sender.send(input).is_err() || failed {
            return;
        }
    });
}

/// Filesystems where another host's writes raise no inotify event.
const NETWORK_FILESYSTEMS: [i64; 8] = [
    0x6969,              // NFS
    0x517B,              // SMB
    0xFF53_4D42,         // CIFS
    0xFE53_4D42,         // SMB2
    0x6573_5546,         // FUSE (sshfs and the like)
    0x00C3_6400,         // Ceph
    0x0102_1997,         // 9p
    0x0BD0_0BD0u32 as _, // Lustre
];

/// Whether `dir` is on a filesystem inotify cannot watch for other hosts.
pub fn on_network_filesystem(dir: &Path) -> std::io::Result<bool> {
    let path = std::ffi::CString::new(dir.as_os_str().as_bytes()).map_err(std::io::Error::other)?;
    // SAFETY: an all-zero statfs is a valid value to be filled in.
    let mut stats: libc::statfs = unsafe { std::mem::zeroed() };
    // SAFETY: `path` is NUL-terminated and `stats` is a valid statfs.
    if unsafe { libc::statfs(path.as_ptr(), &mut stats) } != 0 {
        return Err(std::io::Error::last_os_error());
    }
    #[allow(clippy::unnecessary_cast)] // f_type is i64 on some targets, not all
    Ok(NETWORK_FILESYSTEMS.contains(&(stats.f_type as i64)))
}

/// Watches the directory of `database` (its WAL file may come and go) for
/// writes to the database or its WAL; a thread sends one
/// `DatabaseWritten` per batch of events.
fn watch_database(database: &Path, sender: SyncSender<Input>) -> Result<(), String> {
    let database = std::path::absolute(database).map_err(|e| e.to_string())?;
    let dir = database.parent().ok_or("the database has no folder")?.to_path_buf();
    let name = database.file_name().ok_or("the database has no file name")?.to_os_string();
    if on_network_filesystem(&dir).map_err(|e| e.to_string())? {
        return Err("it is on a network filesystem".into());
    }
    // SAFETY: plain system call; the result is checked.
    let fd = unsafe { libc::inotify_init1(libc::IN_CLOEXEC) };
    if fd < 0 {
        return Err(format!("inotify: {}", std::io::Error::last_os_error()));
    }
    // SAFETY: `fd` was just opened and is owned here from now on.
    let fd = unsafe { <std::os::fd::OwnedFd as std::os::fd::FromRawFd>::from_raw_fd(fd) };
    let dir_c = std::ffi::CString::new(dir.as_os_str().as_bytes()).map_err(|e| e.to_string())?;
    // Closed after writing, not each write: mpdesk's commits ring the bell
    // once each; another program's (sqlite3) show when it closes the WAL; a
    // restored file moves in.
    // And a `-wal` or `-shm` another program removed: the console
    // reopens (see Desk::reopen_if_replaced).
    let mask = libc::IN_CLOSE_WRITE | libc::IN_MOVED_TO | libc::IN_DELETE;
    // SAFETY: `fd` is an inotify descriptor, `dir_c` NUL-terminated.
    if unsafe { libc::inotify_add_watch(std::os::fd::AsRawFd::as_raw_fd(&fd), dir_c.as_ptr(), mask) } < 0 {
        return Err(format!("inotify on {}: {}", dir.display(), std::io::Error::last_os_error()));
    }
    let mut wal = name.clone();
    wal.push("-wal");
    let mut bell = name.clone();
    bell.push(crate::store::BELL);
    let mut shm = name.clone();
    shm.push("-shm");
    let wanted = [name, wal, shm, bell];
    std::thread::spawn(move || {
        let mut file = std::fs::File::from(fd);
        let mut buffer = [0u8; 4096];
        loop {
            let Ok(read) = std::io::Read::read(&mut file, &mut buffer) else { return };
            if read == 0 {
                return;
            }
            let ours = names(&buffer[..read]).any(|n| wanted.contains(&n));
            if ours && sender.send(Input::DatabaseWritten).is_err() {
                return;
            }
        }
    });
    Ok(())
}

/// The file names of a buffer of inotify events.
fn names(mut events: &[u8]) -> impl Iterator<Item = OsString> + '_ {
    const HEADER: usize = std::mem::size_of::<libc::inotify_event>();
    std::iter::from_fn(move || {
        if events.len() < HEADER {
            return None;
        }
        // The name's length is the event's last field (u32, native order).
        let len_at = HEADER - 4;
        let len = u32::from_ne_bytes(events[len_at..HEADER].try_into().ok()?) as usize;
        let end = (HEADER + len).min(events.len());
        let raw = &events[HEADER..end];
        let name = &raw[..raw.iter().position(|b| *b == 0).unwrap_or(raw.len())];
        events = &events[end..];
        Some(std::ffi::OsStr::from_bytes(name).to_os_string())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_write_to_the_wal_wakes_and_a_write_elsewhere_does_not() {
        let dir = tempfile::tempdir().expect("dir");
        let database = dir.path().join("desk.db");
        let (sender, receiver) = mpsc::sync_channel(QUEUED);
        watch_database(&database, sender).expect("watch");
        std::fs::write(dir.path().join("other.log"), b"x").expect("other");
        assert!(receiver.recv_timeout(Duration::from_millis(200)).is_err(), "another file woke the console");
        std::fs::write(dir.path().join("desk.db-wal"), b"x").expect("wal");
        let woke = receiver.recv_timeout(Duration::from_secs(2));
        assert!(matches!(woke, Ok(Input::DatabaseWritten)), "the WAL's write did not wake it: {woke:?}");
    }

    /// A writer that stays open (another console) closes no file: its
    /// commit is announced by the bell, once, after it is visible.
    #[test]
    fn a_commit_by_a_connection_that_stays_open_rings_the_bell() {
        let dir = tempfile::tempdir().expect("dir");
        let database = dir.path().join("desk.db");
        let mut writer = crate::desk::Desk::open(&database).expect("create");
        let reader = crate::desk::Desk::open(&database).expect("reader");
        let before = reader.data_version().expect("version");
        let (sender, receiver) = mpsc::sync_channel(QUEUED);
        watch_database(&database, sender).expect("watch");
        writer.add_user("ann", None, None).expect("a commit");
        let woke = receiver.recv_timeout(Duration::from_secs(2));
        assert!(matches!(woke, Ok(Input::DatabaseWritten)), "the commit did not wake it: {woke:?}");
        assert_ne!(reader.data_version().expect("version"), before, "woken before the commit shows");
        assert!(receiver.recv_timeout(Duration::from_millis(100)).is_err(), "one commit, one wake");
    }

    #[test]
    fn a_database_in_a_missing_folder_is_looked_at_by_polling() {
        let (sender, _receiver) = mpsc::sync_channel(QUEUED);
        assert!(watch_database(Path::new("/nonexistent-mpdesk/desk.db"), sender).is_err());
    }
}
