//! Files a person names (a package, an export target, a database): opened
//! without ever blocking on a FIFO or a device, written atomically.

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Opens an existing file for reading, refusing anything that is not a
/// regular file. The open itself does not block (O_NONBLOCK: a FIFO with
/// no writer would wait forever), and the check is made on the opened
/// handle, so nothing can be swapped in between.
pub fn open_regular(path: &Path) -> io::Result<File> {
    open_checked(OpenOptions::new().read(true), path)
}

/// Like [`open_regular`], for reading and writing (a database file).
pub fn open_regular_rw(path: &Path) -> io::Result<File> {
    open_checked(OpenOptions::new().read(true).write(true), path)
}

fn open_checked(options: &mut OpenOptions, path: &Path) -> io::Result<File> {
    // Closing this descriptor would drop the locks SQLite holds on it.
    if crate::held_files::is_held(path) {
        return Err(io::Error::other("it is the database this process has open (mpdesk reads it only through SQLite)"));
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY);
    }
    let file = options.open(path)?;
    if !file.metadata()?.is_file() {
        return Err(io::Error::new(io::ErrorKind::InvalidInput, "not a regular file"));
    }
    Ok(file)
}

/// Why a write target was refused.
#[derive(Debug)]
pub enum WriteRefusal {
    Exists,
    NotRegular,
    Io(io::Error),
}

/// Writes `bytes` to `path` as a whole or not at all: a temporary file in
/// the same folder, synced, then renamed over. An existing file is
/// replaced only with `overwrite`, and never one that is not a regular file.
pub fn write_atomically(path: &Path, bytes: &[u8], overwrite: bool) -> Result<(), WriteRefusal> {
    write_streamed(path, overwrite, |w| w.write_all(bytes))
}

/// [`write_atomically`], with the bytes written by `write` as it makes
/// them (buffered): the file appears whole or not at all.
pub fn write_streamed<T>(
    path: &Path,
    overwrite: bool,
    write: impl FnOnce(&mut dyn Write) -> io::Result<T>,
) -> Result<T, WriteRefusal> {
    match std::fs::symlink_metadata(path) {
        Ok(meta) if !meta.is_file() => return Err(WriteRefusal::NotRegular),
        Ok(_) if !overwrite => return Err(WriteRefusal::Exists),
        Ok(_) => {}
        Err(e) if e.kind() == io::ErrorKind::NotFound => {}
        Err(e) => return Err(WriteRefusal::Io(e)),
    }
    let dir = match path.parent().filter(|p| !p.as_os_str().is_empty()) {
        Some(dir) => dir.to_path_buf(),
        None => PathBuf::from("."),
    };
    let mut temp = tempfile::Builder::new().prefix(".mpdesk-").tempfile_in(&dir).map_err(WriteRefusal::Io)?;
    let mut buffered = io::BufWriter::new(temp.as_file_mut());
    let value = write(&mut buffered).map_err(WriteRefusal::Io)?;
    buffered.flush().map_err(WriteRefusal::Io)?;
    drop(buffered);
    temp.as_file().sync_all().map_err(WriteRefusal::Io)?;
    if overwrite {
        temp.persist(path).map_err(|e| WriteRefusal::Io(e.error))?;
    } else {
        // Fails if the path appeared meanwhile: never replaces a file unasked.
        temp.persist_noclobber(path).map_err(|e| match e.error.kind() {
            io::ErrorKind::AlreadyExists => WriteRefusal::Exists,
            _ => WriteRefusal::Io(e.error),
        })?;
    }
    if let Ok(dir) = File::open(&dir) {
        let _ = dir.sync_all();
    }
    Ok(value)
}

/// The same file on disk (by device and inode), or the same path once
/// its folder is resolved, for a path that may not exist yet.
pub fn same_file(a: &Path, b: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if let (Ok(x), Ok(y)) = (std::fs::metadata(a), std::fs::metadata(b)) {
            return x.dev() == y.dev() && x.ino() == y.ino();
        }
    }
    match (resolved(a), resolved(b)) {
        (Some(x), Some(y)) => x == y,
        _ => false,
    }
}

fn resolved(path: &Path) -> Option<PathBuf> {
    let name = path.file_name()?;
    let parent = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    Some(parent.canonicalize().ok()?.join(name))
}

/// Bytes an unprivileged process may still write on the filesystem of
/// `dir` (statvfs(3)), if it can be asked.
pub fn free_bytes(dir: &Path) -> Option<u64> {
    use std::os::unix::ffi::OsStrExt;
    let path = std::ffi::CString::new(dir.as_os_str().as_bytes()).ok()?;
    // SAFETY: statvfs fills the struct we own from a NUL-terminated path.
    let mut stats: libc::statvfs = unsafe { std::mem::zeroed() };
    if unsafe { libc::statvfs(path.as_ptr(), &mut stats) } != 0 {
        return None;
    }
    Some(stats.f_bavail.saturating_mul(stats.f_frsize))
}
