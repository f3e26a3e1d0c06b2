//! What a database file allows, found before SQLite opens it (so that a
//! file nobody may write is never written to, and no side file is left
//! where none may be): the filesystem, the permissions, changes still in
//! its `-wal`, and whether the file is whole — its size a whole number of
//! its pages, and not shorter than its header says — and so how a reader
//! opens it.

use super::StoreError;
use rusqlite::{Connection, OpenFlags};
use std::ffi::CString;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileState {
    /// The file (or, for a new one, its folder) is on a read-only filesystem.
    pub read_only_fs: bool,
    /// This account may write the file (true for a file not yet there).
    pub writable: bool,
    /// This account may create files beside it (`-wal`, `-shm`).
    pub folder_writable: bool,
    /// Changes are waiting in a non-empty `-wal` (not checkpointed yet).
    pub wal_pending: bool,
    /// `-wal` and `-shm` are both there (someone has it open, or had).
    pub side_files: bool,
}

pub use crate::held_files::beside;

fn c_path(path: &Path) -> Option<CString> {
    CString::new(path.as_os_str().as_bytes()).ok()
}

fn may_write(path: &Path) -> bool {
    // SAFETY: access(2) only reads the NUL-terminated path.
    c_path(path).is_some_and(|p| unsafe { libc::access(p.as_ptr(), libc::W_OK) } == 0)
}

fn read_only_fs(path: &Path) -> bool {
    let Some(p) = c_path(path) else { return false };
    let mut stat: libc::statvfs = unsafe { std::mem::zeroed() };
    // SAFETY: statvfs(2) writes into the struct we own.
    unsafe { libc::statvfs(p.as_ptr(), &mut stat) == 0 && stat.f_flag & libc::ST_RDONLY != 0 }
}

/// Examines `path` (which may not exist yet).
pub fn examine(path: &Path) -> FileState {
    let folder = match path.parent().filter(|p| !p.as_os_str().is_empty()) {
        Some(folder) => folder.to_path_buf(),
        None => PathBuf::from("."),
    };
    let exists = path.exists();
    let wal = std::fs::metadata(beside(path, "-wal")).ok();
    // A folder not there yet is made on first use: what counts is the
    // nearest one that is.
    let nearest = if exists { path } else { folder.ancestors().find(|p| p.exists()).unwrap_or(&folder) };
    FileState {
        read_only_fs: read_only_fs(nearest),
        writable: !exists || may_write(path),
        folder_writable: if folder.exists() { may_write(&folder) } else { may_write(nearest) },
        wal_pending: wal.as_ref().is_some_and(|m| m.len() > 0),
        side_files: wal.is_some() && beside(path, "-shm").exists(),
    }
}

/// Why an SQLite file is not whole, read from its 100-byte header and its
/// size (never blocking: a FIFO or a device is no regular file to read).
pub fn damage(path: &Path) -> Option<String> {
    use std::io::Read;
    let mut file = crate::files::open_regular(path).ok()?;
    let len = file.metadata().ok()?.len();
    if len == 0 {
        return None;
    }
    let mut header = [0u8; 100];
    if file.read_exact(&mut header).is_err() {
        return Some(format!("it is {len} bytes, shorter than its header"));
    }
    let page = match u16::from_be_bytes([header[16], header[17]]) {
        1 => 65536,
        n => u64::from(n),
    };
    if !page.is_power_of_two() || !(512..=65536).contains(&page) {
        return Some(format!("its header names a page size of {page} bytes"));
    }
    if len % page != 0 {
        return Some(format!("its size, {len} bytes, is not a whole number of its {page}-byte pages"));
    }
    // The page count in the header holds when it was written with the
    // change counter it names — and no `-wal` holds pages still: a
    // checkpoint cut short writes page 1 before the pages after it, and
    // SQLite finishes it from the `-wal` on the next open.
    let word = |at: usize| u32::from_be_bytes([header[at], header[at + 1], header[at + 2], header[at + 3]]);
    let (counted, counter, valid_for) = (u64::from(word(28)), word(24), word(92));
    let wal_holds_pages = std::fs::metadata(beside(path, "-wal")).is_ok_and(|m| m.len() > 0);
    if counter == valid_for && counted > len / page && !wal_holds_pages {
        return Some(format!("it holds {} pages where its header says {counted}", len / page));
    }
    None
}

/// The side files SQLite may have made beside `path`, and whether each was
/// there before.
pub fn side_files_before(path: &Path) -> Vec<(PathBuf, bool)> {
    ["-wal", "-shm", "-journal"]
        .into_iter()
        .map(|suffix| {
            let file = beside(path, suffix);
            let there = file.exists();
            (file, there)
        })
        .collect()
}

/// Removes the side files an open that failed left behind: only those
/// that were not there before, and only if empty (nothing of anyone's).
pub fn remove_new_side_files(before: &[(PathBuf, bool)]) {
    for (file, was_there) in before {
        if !was_there && std::fs::metadata(file).is_ok_and(|m| m.len() == 0 || file.to_string_lossy().ends_with("-shm"))
        {
            let _ = std::fs::remove_file(file);
        }
    }
}

/// A connection that cannot write (`query_only`) and leaves nothing new
/// beside the file once closed:
/// - a whole file this account may write: opened for writing, so that
///   SQLite, closing the last connection, removes the `-wal`/`-shm` it
///   made (a read-only connection could not);
/// - `-wal` and `-shm` there already: SQLite's read-only open reads a
///   WAL database through them without writing;
/// - otherwise, for a file nobody is writing (no `-wal`), `immutable`:
///   no lock, no side file.
pub(crate) fn open_for_reading(path: &Path) -> Result<Connection, StoreError> {
    let state = examine(path);
    let read_only = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let can_write = state.writable && state.folder_writable && !state.read_only_fs;
    let conn = if can_write && damage(path).is_none() {
        Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX)?
    } else if state.side_files {
        Connection::open_with_flags(path, read_only)?
    } else if state.wal_pending {
        return Err(StoreError::Unsaved(path.to_path_buf()));
    } else {
        let uri = format!("file:{}?mode=ro&immutable=1", super::backup::uri_path(path));
        Connection::open_with_flags(uri, read_only | OpenFlags::SQLITE_OPEN_URI)?
    };
    conn.pragma_update(None, "query_only", "ON")?;
    Ok(conn)
}

/// Runs an open; SQLite's "malformed" becomes what it means for this
/// file, and the `-wal`/`-shm` SQLite made beside a damaged file go again.
pub(super) fn leaving_no_side_files_if_corrupt<T>(
    path: &Path,
    open: impl FnOnce() -> Result<T, StoreError>,
) -> Result<T, StoreError> {
    let before = side_files_before(path);
    open().map_err(|error| match &error {
        StoreError::Sqlite(e)
            if matches!(
                e.sqlite_error_code(),
                Some(rusqlite::ErrorCode::DatabaseCorrupt | rusqlite::ErrorCode::NotADatabase)
            ) =>
        {
            remove_new_side_files(&before);
            StoreError::Corrupt(path.to_path_buf())
        }
        _ => error,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn database(dir: &Path) -> PathBuf {
        let path = dir.join("x.db");
        let conn = rusqlite::Connection::open(&path).expect("open");
        conn.execute_batch("CREATE TABLE t(x); INSERT INTO t VALUES (randomblob(20000));").expect("fill");
        drop(conn);
        path
    }

    #[test]
    fn a_whole_file_is_whole_and_a_cut_one_is_not() {
        let dir = tempfile::tempdir().expect("dir");
        let path = database(dir.path());
        assert_eq!(damage(&path), None);
        let bytes = std::fs::read(&path).expect("read");
        std::fs::write(&path, &bytes[..bytes.len() - 7]).expect("cut");
        assert!(damage(&path).expect("cut").contains("not a whole number"), "{:?}", damage(&path));
        let page = 4096;
        std::fs::write(&path, &bytes[..bytes.len() - page]).expect("cut a page");
        assert!(damage(&path).expect("short").contains("where its header says"), "{:?}", damage(&path));
        // The same shape is a checkpoint cut short when a -wal holds the
        // pages: SQLite finishes it on the next open.
        std::fs::write(beside(&path, "-wal"), b"frames").expect("a wal");
        assert_eq!(damage(&path), None);
    }

    #[test]
    fn a_new_file_in_a_writable_folder_may_be_written() {
        let dir = tempfile::tempdir().expect("dir");
        let state = examine(&dir.path().join("new.db"));
        assert!(state.writable && state.folder_writable && !state.read_only_fs);
    }
}
