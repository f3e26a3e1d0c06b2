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
    DatabaseWritten(Written),
    /// The terminal could not be read.
    Failed(String),
}

/// What an event on the database's files says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Written {
    /// The bell: an mpdesk commit, rung after it is visible — one look.
    Commit,
    /// Another close, move or removal: a commit may show a moment later.
    Maybe,
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
    /// When the bell last rang.
    bell: Option<Instant>,
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
    pub fn written(&mut self, written: Written) {
        // The bell is rung after the commit shows: the look it brings
        // finds it, so no more are due. Files closed soon after a bell
        // are most likely its writer ending (the database, the WAL): one
        // look, not the retries a second long.
        let after_a_bell = self.bell.is_some_and(|at| at.elapsed() < AGAIN[AGAIN.len() - 1]);
        match written {
            Written::Commit => {
                *self = AfterWrite { since: None, looks: 0, bell: Some(Instant::now()) };
            }
            Written::Maybe if after_a_bell => self.since = None,
            Written::Maybe => *self = AfterWrite { since: Some(Instant::now()), looks: 0, bell: self.bell },
        }
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
    std::thread::spawn(move || {
        let mut file = std::fs::File::from(fd);
        let mut buffer = [0u8; 4096];
        loop {
            let Ok(read) = std::io::Read::read(&mut file, &mut buffer) else { return };
            if read == 0 {
                return;
            }
            let mut written = None;
            for (mask, file) in events(&buffer[..read]) {
                let this = if file == bell && mask & libc::IN_CLOSE_WRITE != 0 {
                    Some(Written::Commit)
                // Every connection closes the `-shm` when it ends, having
                // written nothing: only its removal counts.
                } else if file == shm && mask & libc::IN_CLOSE_WRITE != 0 {
                    None
                } else if file == name || file == wal || file == shm {
                    Some(Written::Maybe)
                } else {
                    None
                };
                written = match (written, this) {
                    (Some(Written::Commit), _) | (_, Some(Written::Commit)) => Some(Written::Commit),
                    (found, None) => found,
                    (_, maybe) => maybe,
                };
            }
            if let Some(written) = written {
                if sender.send(Input::DatabaseWritten(written)).is_err() {
                    return;
                }
            }
        }
    });
    Ok(())
}

/// The mask and file name of each event in a buffer of inotify events.
fn events(mut events: &[u8]) -> impl Iterator<Item = (u32, OsString)> + '_ {
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
        // The mask follows the watch descriptor (i32, then u32).
        let mask = u32::from_ne_bytes(events[4..8].try_into().ok()?);
        events = &events[end..];
        Some((mask, std::ffi::OsStr::from_bytes(name).to_os_string()))
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
        assert!(
            matches!(woke, Ok(Input::DatabaseWritten(Written::Maybe))),
            "the WAL's write did not wake it: {woke:?}"
        );
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
        assert!(matches!(woke, Ok(Input::DatabaseWritten(Written::Commit))), "the commit did not wake it: {woke:?}");
        assert_ne!(reader.data_version().expect("version"), before, "woken before the commit shows");
        assert!(receiver.recv_timeout(Duration::from_millis(100)).is_err(), "one commit, one wake");
    }

    /// Every connection closes the `-shm` as it ends, having written
    /// nothing: that wakes no console (its removal does).
    #[test]
    fn a_closed_shm_wakes_nobody_and_a_removed_one_does() {
        let dir = tempfile::tempdir().expect("dir");
        let database = dir.path().join("desk.db");
        let shm = dir.path().join("desk.db-shm");
        std::fs::write(&shm, b"x").expect("shm");
        let (sender, receiver) = mpsc::sync_channel(QUEUED);
        watch_database(&database, sender).expect("watch");
        std::fs::write(&shm, b"y").expect("written and closed");
        assert!(receiver.recv_timeout(Duration::from_millis(200)).is_err(), "a closed -shm woke the console");
        std::fs::remove_file(&shm).expect("remove");
        let woke = receiver.recv_timeout(Duration::from_secs(2));
        assert!(matches!(woke, Ok(Input::DatabaseWritten(Written::Maybe))), "{woke:?}");
    }

    /// The bell's look finds its commit: no more looks follow it, nor the
    /// files its writer closes as it ends; another program's WAL closed
    /// with no bell is looked at again for a second.
    #[test]
    fn the_bell_brings_one_look_and_another_close_the_retries() {
        let mut after = AfterWrite::default();
        after.written(Written::Commit);
        assert_eq!(after.until_next(), None, "the bell: the look it brings, then none");
        after.written(Written::Maybe);
        assert_eq!(after.until_next(), None, "its writer ending: no retries");
        let mut after = AfterWrite::default();
        after.written(Written::Maybe);
        assert!(after.until_next().is_some(), "a WAL closed by another program: looked at again");
    }

    #[test]
    fn a_database_in_a_missing_folder_is_looked_at_by_polling() {
        let (sender, _receiver) = mpsc::sync_channel(QUEUED);
        assert!(watch_database(Path::new("/nonexistent-mpdesk/desk.db"), sender).is_err());
    }
}
