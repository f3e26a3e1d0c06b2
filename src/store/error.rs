//! What can go wrong opening or using the database file, each as one
//! sentence that names the file and says what to do.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{0} is not an SQLite database; mpdesk left it untouched")]
    NotSqlite(PathBuf),
    #[error("{0} is not a regular file (a FIFO, a device or a folder?); mpdesk left it untouched")]
    NotRegular(PathBuf),
    #[error("{0} is an SQLite database of another application; mpdesk left it untouched")]
    Foreign(PathBuf),
    #[error("{path} was written by an older mpdesk (schema {found}, this build knows {known}); open it once without --readonly to upgrade it — the file was left untouched")]
    TooOld { path: PathBuf, found: i64, known: i64 },
    #[error("{path} was written by a newer mpdesk (schema {found}, this build knows {known}); upgrade mpdesk — the file was left untouched")]
    TooNew { path: PathBuf, found: i64, known: i64 },
    #[error("cannot use the database {path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    #[error("{0} is on a read-only filesystem: open it with --readonly")]
    ReadOnlyFs(PathBuf),
    #[error("{path} cannot be written by this account ({why}): open it with --readonly")]
    NotWritable { path: PathBuf, why: String },
    #[error("{path} looks damaged ({why}), so nothing is written to it: run `mpdesk --db {path} check`, and restore it from a backup (`mpdesk backup verify FILE` says whether a copy is whole)")]
    Damaged { path: PathBuf, why: String },
    #[error("{0} is damaged (SQLite: database disk image is malformed): restore it from a backup (`mpdesk backup verify FILE` says whether a copy is whole); `mpdesk --db {0} check --full` lists what is wrong")]
    Corrupt(PathBuf),
    #[error("{0} has changes still in its -wal file, and reading it here would mean writing beside it, which this account may not: open it once where it can be written (or copy both files)")]
    Unsaved(PathBuf),
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("database migration failed: {0}")]
    Migration(String),
}
