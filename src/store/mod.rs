//! SQLite storage: opening (with the checks that keep a foreign or newer
//! file untouched), migrations, and the queries. Knows rows, not rules:
//! role sets that a query filters on are passed in by the desk.

pub mod audit;
pub mod invitations;
pub mod members;
pub mod programs;
pub mod records;
mod schema;
pub mod users;
pub mod versions;
pub mod workspaces;

use rusqlite::{Connection, OpenFlags, Transaction, TransactionBehavior};
use rusqlite_migration::Migrations;
use std::path::{Path, PathBuf};
use std::time::Duration;

pub use schema::APPLICATION_ID;

const BUSY_TIMEOUT: Duration = Duration::from_secs(5);
const SQLITE_MAGIC: &[u8; 16] = b"SQLite format 3\0";

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{0} is not an SQLite database; mpdesk left it untouched")]
    NotSqlite(PathBuf),
    #[error("{0} is an SQLite database of another application; mpdesk left it untouched")]
    Foreign(PathBuf),
    #[error("{path} was written by a newer mpdesk (schema {found}, this build knows {known}); upgrade mpdesk — the file was left untouched")]
    TooNew { path: PathBuf, found: i64, known: i64 },
    #[error("cannot use the database {path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("database migration failed: {0}")]
    Migration(String),
}

pub struct Store {
    conn: Connection,
}

impl Store {
    /// Opens (creating with mode 0600 if missing) and migrates the database.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        check_file(path)?;
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        Self::prepare(conn, path)
    }

    /// A private database in memory (tests, benchmarks).
    pub fn open_in_memory() -> Result<Self, StoreError> {
        Self::prepare(Connection::open_in_memory()?, Path::new(":memory:"))
    }

    fn prepare(mut conn: Connection, path: &Path) -> Result<Self, StoreError> {
        conn.busy_timeout(BUSY_TIMEOUT)?;
        // Switching to WAL and a first migration can meet another process
        // doing the same; SQLite then answers BUSY without waiting (lock
        // upgrade deadlock avoidance). Start over until the timeout.
        let deadline = std::time::Instant::now() + BUSY_TIMEOUT;
        loop {
            match initialize(&mut conn, path) {
                Err(StoreError::Sqlite(e)) if is_busy(&e) && std::time::Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(10));
                }
                Err(e) => return Err(e),
                Ok(()) => return Ok(Self { conn }),
            }
        }
    }

    pub fn conn(&self) -> &Connection {
        &self.conn
    }

    /// A write transaction: IMMEDIATE, so it waits for the busy timeout
    /// instead of failing when another process wrote in between.
    pub fn write(&mut self) -> rusqlite::Result<Transaction<'_>> {
        self.conn.transaction_with_behavior(TransactionBehavior::Immediate)
    }

    /// Changes when another connection commits (for live refresh).
    pub fn data_version(&self) -> rusqlite::Result<i64> {
        read_pragma(&self.conn, "data_version")
    }
}

fn initialize(conn: &mut Connection, path: &Path) -> Result<(), StoreError> {
    check_schema(conn, path)?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    migrate(conn)
}

fn is_busy(e: &rusqlite::Error) -> bool {
    matches!(e.sqlite_error_code(), Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked))
}

fn read_pragma(conn: &Connection, name: &str) -> rusqlite::Result<i64> {
    conn.pragma_query_value(None, name, |row| row.get(0))
}

fn known_schema_version() -> i64 {
    schema::migrations().len() as i64
}

/// Refuses a non-SQLite file before SQLite touches it; creates a new one
/// with mode 0600 so other users cannot read it.
fn check_file(path: &Path) -> Result<(), StoreError> {
    use std::io::Read;
    let io = |source| StoreError::Io { path: path.to_path_buf(), source };
    match std::fs::File::open(path) {
        Ok(mut file) => {
            let mut head = [0u8; 16];
            let len = file.metadata().map_err(io)?.len();
            if len > 0 {
                let read = file.read(&mut head).map_err(io)?;
                if read < 16 || &head != SQLITE_MAGIC {
                    return Err(StoreError::NotSqlite(path.to_path_buf()));
                }
            }
            Ok(())
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
                std::fs::create_dir_all(parent).map_err(io)?;
            }
            let mut options = std::fs::OpenOptions::new();
            options.write(true).create(true).truncate(false);
            #[cfg(unix)]
            {
                use std::os::unix::fs::OpenOptionsExt;
                options.mode(0o600);
            }
            options.open(path).map_err(io)?;
            Ok(())
        }
        Err(e) => Err(io(e)),
    }
}

/// Refuses a newer schema, or an SQLite file that some other program made.
fn check_schema(conn: &Connection, path: &Path) -> Result<(), StoreError> {
    // One read transaction: a concurrent first start must not be seen
    // half-way (tables there, version not yet).
    let tx = conn.unchecked_transaction()?;
    let found = read_pragma(&tx, "user_version")?;
    let known = known_schema_version();
    if found > known {
        return Err(StoreError::TooNew { path: path.to_path_buf(), found, known });
    }
    let app_id = read_pragma(&tx, "application_id")?;
    let tables: i64 = tx.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0))?;
    tx.finish()?;
    if (app_id != 0 && app_id != APPLICATION_ID) || (found == 0 && tables > 0) {
        return Err(StoreError::Foreign(path.to_path_buf()));
    }
    Ok(())
}

/// Two processes opening a new file at once can both read user_version 0
/// before either migrates; the loser's migration fails ("table already
/// exists") or hits a busy snapshot. Then the winner has done the work:
/// re-read and retry a few times.
fn migrate(conn: &mut Connection) -> Result<(), StoreError> {
    let migrations = Migrations::new(schema::migrations());
    let known = known_schema_version();
    let mut last_error = None;
    for attempt in 0..5 {
        match migrations.to_latest(conn) {
            Ok(()) => return Ok(()),
            Err(e) => {
                if read_pragma(conn, "user_version")? == known {
                    return Ok(());
                }
                last_error = Some(e.to_string());
                std::thread::sleep(Duration::from_millis(20 * (attempt + 1)));
            }
        }
    }
    Err(StoreError::Migration(last_error.unwrap_or_default()))
}

/// `?, ?, ?` for an IN list of `n` parameters.
pub(crate) fn placeholders(n: usize) -> String {
    vec!["?"; n.max(1)].join(", ")
}

/// A page of a list: `offset` rows skipped, at most `limit` returned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page {
    pub offset: u64,
    pub limit: u64,
}

impl Page {
    pub const ALL: Page = Page { offset: 0, limit: i64::MAX as u64 };

    pub fn new(offset: u64, limit: u64) -> Self {
        Self { offset, limit }
    }
}
