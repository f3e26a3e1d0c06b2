//! The errors a desk caller branches on. Each reads as one sentence.

use crate::domain::denial::DenialKind;
use crate::domain::Denial;
use crate::store::StoreError;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    PermissionDenied,
    NotFound,
    Invalid,
    Conflict,
    Storage,
}

impl ErrorKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::PermissionDenied => "permission_denied",
            Self::NotFound => "not_found",
            Self::Invalid => "invalid",
            Self::Conflict => "conflict",
            Self::Storage => "storage",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DeskError {
    /// Refused by the role table, the lifecycle or a read-only session.
    #[error("{0}")]
    Denied(Denial),
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Invalid(String),
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    Storage(String),
    /// SQLite found the file malformed: what to do, naming the file once
    /// the caller knows it ([`DeskError::naming_file`]).
    #[error("{0}")]
    Corrupt(String),
}

/// What a malformed database means, before the file is named.
const CORRUPT: &str = "the database is damaged (SQLite: database disk image is malformed): restore it from a backup (`mpdesk backup verify FILE` says whether a copy is whole); `mpdesk check --full` lists what is wrong";

/// SQLite said "malformed", and its check of the file finds it whole.
pub(crate) const NOT_DAMAGED: &str = "SQLite reported the database as malformed during this change, yet its own check (quick_check) finds the file whole: another program most likely changed the database's files while mpdesk had them open. Nothing was written; try it again (`mpdesk check --full` checks every page)";

/// SQLite's "database or disk is full", before the file is named.
pub(crate) const DISK_FULL: &str =
    "the disk holding the database is full (SQLite: database or disk is full): nothing was written";

/// A full disk, said with the file, the room left and the room needed.
pub(crate) fn disk_full(path: &std::path::Path) -> String {
    let folder = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(std::path::Path::new("."));
    let free = crate::files::free_bytes(folder)
        .map(|bytes| format!("{} KiB free", bytes / 1024))
        .unwrap_or_else(|| "its free space unknown".to_string());
    format!(
        "the filesystem holding {} is full ({free}): nothing was written. A change needs room for its pages in {}-wal — at least 1 MiB for most changes, an upload its package's size again; free space there (df -h {}) and try again",
        path.display(),
        path.display(),
        folder.display()
    )
}

impl DeskError {
    pub fn kind(&self) -> ErrorKind {
        match self {
            Self::Denied(d) if d.kind == DenialKind::State => ErrorKind::Conflict,
            Self::Denied(_) => ErrorKind::PermissionDenied,
            Self::NotFound(_) => ErrorKind::NotFound,
            Self::Invalid(_) => ErrorKind::Invalid,
            Self::Conflict(_) => ErrorKind::Conflict,
            Self::Storage(_) | Self::Corrupt(_) => ErrorKind::Storage,
        }
    }

    /// The same error, a damaged database named by its file.
    pub fn naming_file(self, path: &std::path::Path) -> Self {
        match self {
            Self::Corrupt(_) => Self::from(StoreError::Corrupt(path.to_path_buf())),
            other => other,
        }
    }

    /// A refusal is audited; a storage failure cannot be.
    pub(crate) fn is_refusal(&self) -> bool {
        self.kind() != ErrorKind::Storage
    }

    pub(crate) fn is_storage(&self) -> bool {
        self.kind() == ErrorKind::Storage
    }
}

impl From<rusqlite::Error> for DeskError {
    fn from(e: rusqlite::Error) -> Self {
        // A rule the database itself keeps (a unique name, one Owner, one
        // live version) was about to break: that is a conflict with the
        // data as it is, never SQLite's own words.
        if e.sqlite_error_code() == Some(rusqlite::ErrorCode::ConstraintViolation) {
            return Self::Conflict(
                "that change conflicts with the data as it is now (someone may have changed it meanwhile); nothing was changed".to_string(),
            );
        }
        if let rusqlite::Error::SqliteFailure(_, Some(message)) = &e {
            if message.starts_with(crate::store::REPLACED) {
                return Self::Storage(format!(
                    "{message}: this change is not saved — mpdesk reopens the database; try it again"
                ));
            }
        }
        if matches!(
            e.sqlite_error_code(),
            Some(rusqlite::ErrorCode::DatabaseCorrupt | rusqlite::ErrorCode::NotADatabase)
        ) {
            return Self::Corrupt(CORRUPT.to_string());
        }
        if e.sqlite_error_code() == Some(rusqlite::ErrorCode::DiskFull) {
            return Self::Storage(DISK_FULL.to_string());
        }
        Self::Storage(format!("database error: {e}"))
    }
}

impl From<StoreError> for DeskError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Corrupt(_) => Self::Corrupt(e.to_string()),
            StoreError::Sqlite(e) => Self::from(e),
            e => Self::Storage(e.to_string()),
        }
    }
}

impl From<Denial> for DeskError {
    fn from(d: Denial) -> Self {
        Self::Denied(d)
    }
}

pub type DeskResult<T> = Result<T, DeskError>;
