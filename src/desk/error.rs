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
}

impl DeskError {
    pub fn kind(&self) -> ErrorKind {
        match self {
            Self::Denied(d) if d.kind == DenialKind::State => ErrorKind::Conflict,
            Self::Denied(_) => ErrorKind::PermissionDenied,
            Self::NotFound(_) => ErrorKind::NotFound,
            Self::Invalid(_) => ErrorKind::Invalid,
            Self::Conflict(_) => ErrorKind::Conflict,
            Self::Storage(_) => ErrorKind::Storage,
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
        Self::Storage(format!("database error: {e}"))
    }
}

impl From<StoreError> for DeskError {
    fn from(e: StoreError) -> Self {
        Self::Storage(e.to_string())
    }
}

impl From<Denial> for DeskError {
    fn from(d: Denial) -> Self {
        Self::Denied(d)
    }
}

pub type DeskResult<T> = Result<T, DeskError>;
