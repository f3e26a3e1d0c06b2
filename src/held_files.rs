//! The database files this process has open through SQLite.
//!
//! POSIX locks belong to a process and a file, not to a descriptor:
//! closing *any* descriptor of the database file drops every lock SQLite
//! holds on it, and SQLite cannot tell. The next client that closes (the
//! `sqlite3` CLI, Litestream, a script) then believes it is the last one,
//! checkpoints, and deletes `-wal` and `-shm` under this process, whose
//! later commits go into a deleted file. So every open of a file by other
//! means asks here first, and a file SQLite holds is never opened beside it.
//!
//! Each connection also remembers which `-wal` and `-shm` it opened (by
//! device and inode), to notice when another program removed them anyway.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

type FileId = (u64, u64);

/// Every file (by device and inode) an open connection of this process
/// holds, once per connection holding it.
static HELD: Mutex<Vec<FileId>> = Mutex::new(Vec::new());

fn id_of(path: &Path) -> Option<FileId> {
    use std::os::unix::fs::MetadataExt;
    // stat(2) opens no descriptor, so it drops no lock.
    std::fs::metadata(path).ok().map(|m| (m.dev(), m.ino()))
}

fn held() -> std::sync::MutexGuard<'static, Vec<FileId>> {
    // A panic while holding the list cannot leave it half-changed (each
    // change is one push or one remove).
    HELD.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Whether `path` is a file an SQLite connection of this process has open
/// (the database, its `-wal` or its `-shm`): then it must not be opened
/// and closed by other means.
pub fn is_held(path: &Path) -> bool {
    id_of(path).is_some_and(|id| held().contains(&id))
}

/// `path` with `suffix` after its name (`-wal`, `-shm`).
pub fn beside(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// The files one connection holds, registered while it is open.
#[derive(Debug, Default)]
pub struct Held {
    files: Vec<(PathBuf, FileId)>,
}

impl Held {
    /// Registers the database at `path` and the `-wal` and `-shm` beside
    /// it as they are now (just after the connection opened them).
    pub fn register(path: &Path) -> Self {
        let files: Vec<(PathBuf, FileId)> = [path.to_path_buf(), beside(path, "-wal"), beside(path, "-shm")]
            .into_iter()
            .filter_map(|file| id_of(&file).map(|id| (file, id)))
            .collect();
        held().extend(files.iter().map(|(_, id)| *id));
        Self { files }
    }

    /// Which of the files this connection opened is no longer the one at
    /// its path (removed, or replaced by another program): the connection
    /// then reads and writes a file nobody else sees.
    pub fn replaced(&self) -> Option<&Path> {
        self.files.iter().find(|(path, id)| id_of(path) != Some(*id)).map(|(path, _)| path.as_path())
    }
}

impl Drop for Held {
    fn drop(&mut self) {
        let mut held = held();
        for (_, id) in &self.files {
            if let Some(at) = held.iter().position(|h| h == id) {
                held.swap_remove(at);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_registered_file_is_held_until_its_connection_goes() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("x.db");
        std::fs::write(&path, b"").expect("file");
        assert!(!is_held(&path));
        let first = Held::register(&path);
        let second = Held::register(&path);
        assert!(is_held(&path));
        drop(first);
        assert!(is_held(&path), "the second connection still holds it");
        drop(second);
        assert!(!is_held(&path));
    }

    #[test]
    fn a_file_removed_behind_the_connection_is_noticed() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("x.db");
        std::fs::write(&path, b"").expect("file");
        std::fs::write(beside(&path, "-wal"), b"").expect("wal");
        let held = Held::register(&path);
        // Open, as SQLite keeps it: its inode cannot be given to a new file.
        let _open = std::fs::File::open(beside(&path, "-wal")).expect("open");
        assert_eq!(held.replaced(), None);
        std::fs::remove_file(beside(&path, "-wal")).expect("remove");
        assert_eq!(held.replaced(), Some(beside(&path, "-wal").as_path()));
        std::fs::write(beside(&path, "-wal"), b"").expect("a new one");
        assert!(held.replaced().is_some(), "a new file at the path is not the one open");
    }
}
