//! SQLite storage: opening (with the checks that keep a foreign or newer
//! file untouched), migrations, and the queries. Knows rows, not rules:
//! role sets that a query filters on are passed in by the desk.

pub mod audit;
pub mod backup;
pub mod chain;
mod error;
pub mod expiry;
pub mod file_state;
pub mod generated;
pub mod invitations;
pub mod keys;
pub mod members;
pub mod programs;
pub mod records;
mod schema;
pub(crate) mod search;
pub mod sessions;
pub mod undo;
pub mod users;
pub mod versions;
pub mod workspaces;

use rusqlite::{Connection, OpenFlags, Transaction};
use rusqlite_migration::Migrations;
use std::path::{Path, PathBuf};
use std::time::Duration;

pub use backup::health;
pub use error::StoreError;
use file_state::leaving_no_side_files_if_corrupt;
pub(crate) use file_state::open_for_reading;
pub use schema::APPLICATION_ID;

/// How long a write waits for another to finish. A 47 MB package takes
/// about half a second to write with synchronous=FULL; two dozen at once
/// queue for ten or so.
const BUSY_TIMEOUT: Duration = Duration::from_secs(30);
/// Bytes the WAL file is truncated to after a checkpoint.
const JOURNAL_SIZE_LIMIT: i64 = 4 * 1024 * 1024;
const SQLITE_MAGIC: &[u8; 16] = b"SQLite format 3\0";
/// Distinct statements a connection keeps prepared. Parsing and planning
/// a statement costs more than running most of ours; a console runs a few
/// dozen distinct ones, so each is parsed once per process.
const STATEMENT_CACHE: usize = 128;

/// `query_row` and `execute` through the connection's statement cache.
pub trait Cached {
    fn query_row_cached<T, P, F>(&self, sql: &str, params: P, f: F) -> rusqlite::Result<T>
    where
        P: rusqlite::Params,
        F: FnOnce(&rusqlite::Row<'_>) -> rusqlite::Result<T>;
    fn execute_cached<P: rusqlite::Params>(&self, sql: &str, params: P) -> rusqlite::Result<usize>;
}

impl Cached for Connection {
    fn query_row_cached<T, P, F>(&self, sql: &str, params: P, f: F) -> rusqlite::Result<T>
    where
        P: rusqlite::Params,
        F: FnOnce(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
    {
        self.prepare_cached(sql)?.query_row(params, f)
    }

    fn execute_cached<P: rusqlite::Params>(&self, sql: &str, params: P) -> rusqlite::Result<usize> {
        self.prepare_cached(sql)?.execute(params)
    }
}

pub struct Store {
    conn: Connection,
    path: PathBuf,
    snapshot: Snapshot,
    /// The files this connection holds (none for a database in memory).
    held: crate::held_files::Held,
    /// Opened by [`Store::open_read_only`] (a reopen opens the same way).
    read_only: bool,
}

/// Reads held in one read transaction (see [`Store::hold_snapshot`]).
#[derive(Default)]
struct Snapshot {
    /// Nested holders.
    depth: std::cell::Cell<u32>,
    /// Whether the read transaction is open (a write ends it early).
    open: std::cell::Cell<bool>,
}

impl Store {
    /// Opens (creating with mode 0600 if missing) and migrates the
    /// database — only if it may be written and is whole: otherwise it
    /// says why (and that --readonly reads it), before SQLite touches it.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        let state = file_state::examine(path);
        if state.read_only_fs {
            return Err(StoreError::ReadOnlyFs(path.to_path_buf()));
        }
        if !state.writable || !state.folder_writable {
            let why = if state.writable {
                let folder = path.parent().map(|p| p.display().to_string()).unwrap_or_default();
                format!("its folder {folder} is not writable, and SQLite keeps files beside it")
            } else {
                "the file is not writable".to_string()
            };
            return Err(StoreError::NotWritable { path: path.to_path_buf(), why });
        }
        // A file this process holds open already was checked before its
        // first connection; reading it again beside SQLite would drop
        // SQLite's locks on it.
        if !crate::held_files::is_held(path) {
            check_file(path)?;
            if let Some(why) = file_state::damage(path) {
                return Err(StoreError::Damaged { path: path.to_path_buf(), why });
            }
        }
        let mut store = leaving_no_side_files_if_corrupt(path, || {
            let flags =
                OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
            Self::prepare(Connection::open_with_flags(path, flags)?, path)
        })?;
        store.held = crate::held_files::Held::register(path);
        Ok(store)
    }

    /// Opens an existing database so that nothing can be written to it:
    /// SQLite itself refuses every write (and `query_only` on top).
    pub fn open_read_only(path: &Path) -> Result<Self, StoreError> {
        let io = |source| StoreError::Io { path: path.to_path_buf(), source };
        // The console's second connection: the file was checked before the
        // first, and must not be opened beside it (see held_files).
        let held = crate::held_files::is_held(path);
        match crate::files::open_regular(path) {
            _ if held => {}
            Err(e) if e.kind() == std::io::ErrorKind::InvalidInput => {
                return Err(StoreError::NotRegular(path.to_path_buf()))
            }
            Err(e) => return Err(io(e)),
            Ok(file) => {
                drop(file);
                check_file(path)?
            }
        }
        let mut store = leaving_no_side_files_if_corrupt(path, || {
            let conn = open_for_reading(path)?;
            conn.busy_timeout(BUSY_TIMEOUT)?;
            keep_plans(&conn)?;
            check_schema(&conn, path)?;
            let (found, known) = (read_pragma(&conn, "user_version")?, known_schema_version());
            if found < known {
                return Err(StoreError::TooOld { path: path.to_path_buf(), found, known });
            }
            Ok(Self::with(conn, path, true))
        })?;
        store.held = crate::held_files::Held::register(path);
        Ok(store)
    }

    /// A private database in memory (tests, benchmarks).
    pub fn open_in_memory() -> Result<Self, StoreError> {
        Self::prepare(Connection::open_in_memory()?, Path::new(":memory:"))
    }

    fn prepare(mut conn: Connection, path: &Path) -> Result<Self, StoreError> {
        conn.busy_timeout(BUSY_TIMEOUT)?;
        keep_plans(&conn)?;
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
                Ok(()) => return Ok(Self::with(conn, path, false)),
            }
        }
    }

    fn with(conn: Connection, path: &Path, read_only: bool) -> Self {
        let held = crate::held_files::Held::default();
        Self { conn, path: path.to_path_buf(), snapshot: Snapshot::default(), held, read_only }
    }

    pub fn conn(&self) -> &Connection {
        &self.conn
    }

    /// The `-wal` or `-shm` this connection uses, if another program
    /// removed it (or put another file in its place): this connection's
    /// commits would go into a file nobody else sees.
    pub fn replaced_file(&self) -> Option<&Path> {
        self.held.replaced()
    }

    /// Refuses to go on while this connection's `-wal` or `-shm` is not
    /// the one on disk (see [`Store::replaced_file`]).
    fn check_files(&self) -> rusqlite::Result<()> {
        match self.replaced_file() {
            None => Ok(()),
            Some(file) => Err(replaced_error(file)),
        }
    }

    /// A new connection in place of this one, opened the same way (after
    /// another program removed the files this one used). Every other
    /// connection of this process to the file must be closed first: SQLite
    /// shares one `-shm` mapping among a process's connections to a file,
    /// and a new one would go on using the removed one. The old connection
    /// is closed without a checkpoint: what it holds is in a file nobody
    /// else sees, and checkpointing it would write over what others
    /// committed since.
    pub fn reopen(&mut self) -> Result<(), StoreError> {
        if self.path().is_none() {
            return Ok(());
        }
        self.end_snapshot()?;
        let _ = self.conn.set_db_config(rusqlite::config::DbConfig::SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, true);
        let stale = std::mem::replace(&mut self.conn, Connection::open_in_memory()?);
        let _ = stale.close();
        self.held = crate::held_files::Held::default();
        let path = self.path.clone();
        *self = if self.read_only { Self::open_read_only(&path)? } else { Self::open(&path)? };
        Ok(())
    }

    /// A copy of the whole database, in memory (SQLite's backup API).
    pub fn copy(&self) -> Result<Connection, StoreError> {
        let mut copy = Connection::open_in_memory()?;
        rusqlite::backup::Backup::new(&self.conn, &mut copy)?.run_to_completion(256, Duration::from_millis(5), None)?;
        Ok(copy)
    }

    /// Makes the database what `copy` holds, whole, in one step of the
    /// backup API (other connections see it as one commit).
    pub fn replace_with(&mut self, copy: &Connection) -> Result<(), StoreError> {
        rusqlite::backup::Backup::new(copy, &mut self.conn)?.run_to_completion(
            i32::MAX,
            Duration::from_millis(5),
            None,
        )?;
        Ok(())
    }

    /// The database file and the files SQLite keeps beside it; nothing
    /// else may ever write to these.
    /// The database file; None for a database in memory.
    pub fn path(&self) -> Option<&Path> {
        Some(self.path.as_path()).filter(|p| *p != Path::new(":memory:"))
    }

    pub fn files(&self) -> Vec<PathBuf> {
        if self.path == Path::new(":memory:") {
            return Vec::new();
        }
        let mut files = vec![self.path.clone()];
        files.extend(["-wal", "-shm", "-journal", BELL].map(|suffix| beside(&self.path, suffix)));
        files
    }

    /// A write: an IMMEDIATE transaction, so it waits for the busy timeout
    /// instead of failing when another process wrote in between — or,
    /// inside a batch, a savepoint of the batch's transaction.
    pub fn write(&self) -> rusqlite::Result<Write<'_>> {
        self.end_snapshot()?;
        self.check_files()?;
        let nested = !self.conn.is_autocommit();
        self.conn.execute_batch(if nested { "SAVEPOINT mpdesk_write" } else { "BEGIN IMMEDIATE" })?;
        Ok(Write { conn: &self.conn, nested, open: true, bell: self.path().map(bell), held: &self.held })
    }

    /// A read that sees one snapshot and is always rolled back (what a
    /// read-only session runs a use case in).
    pub fn read(&self) -> rusqlite::Result<Transaction<'_>> {
        self.end_snapshot()?;
        self.conn.unchecked_transaction()
    }

    /// Starts a batch: the writes until [`Store::end_batch`] land together
    /// or not at all.
    pub fn begin_batch(&mut self) -> rusqlite::Result<()> {
        self.end_snapshot()?;
        self.check_files()?;
        self.conn.execute_batch("BEGIN IMMEDIATE")
    }

    pub fn end_batch(&mut self, commit: bool) -> rusqlite::Result<()> {
        if commit {
            // Never committed into a file nobody else sees.
            if let Err(e) = self.check_files() {
                let _ = self.conn.execute_batch("ROLLBACK");
                return Err(e);
            }
        }
        self.conn.execute_batch(if commit { "COMMIT" } else { "ROLLBACK" })?;
        if commit {
            self.check_files()?;
            ring(self.path().map(bell));
        }
        Ok(())
    }

    /// Runs the reads until the matching [`Store::release_snapshot`] in
    /// one read transaction: one consistent snapshot, and one lock instead
    /// of one per statement. Holders nest. A write ends the snapshot
    /// first (a read transaction cannot always become a write one).
    pub fn hold_snapshot(&self) -> rusqlite::Result<()> {
        let depth = self.snapshot.depth.get();
        if depth == 0 && self.conn.is_autocommit() {
            self.conn.execute_batch("BEGIN DEFERRED")?;
            self.snapshot.open.set(true);
        }
        self.snapshot.depth.set(depth + 1);
        Ok(())
    }

    pub fn release_snapshot(&self) -> rusqlite::Result<()> {
        let depth = self.snapshot.depth.get().saturating_sub(1);
        self.snapshot.depth.set(depth);
        if depth == 0 {
            self.end_snapshot()?;
        }
        Ok(())
    }

    fn end_snapshot(&self) -> rusqlite::Result<()> {
        if self.snapshot.open.replace(false) && !self.conn.is_autocommit() {
            self.conn.execute_batch("COMMIT")?;
        }
        Ok(())
    }

    /// Runs `work` with foreign keys off (they cannot change inside a
    /// transaction), then turns them on again whatever happened.
    pub fn without_foreign_keys<T, E: From<rusqlite::Error>>(
        &self,
        work: impl FnOnce(&Self) -> Result<T, E>,
    ) -> Result<T, E> {
        self.end_snapshot()?;
        self.conn.pragma_update(None, "foreign_keys", "OFF")?;
        let result = work(self);
        self.conn.pragma_update(None, "foreign_keys", "ON")?;
        result
    }

    /// Changes when another connection commits (for live refresh).
    pub fn data_version(&self) -> rusqlite::Result<i64> {
        read_pragma(&self.conn, "data_version")
    }
}

/// One write under way; rolled back unless committed.
pub struct Write<'a> {
    conn: &'a Connection,
    nested: bool,
    open: bool,
    bell: Option<PathBuf>,
    held: &'a crate::held_files::Held,
}

impl Write<'_> {
    /// Commits — and says so only when the commit went into the files
    /// everyone else reads: checked just before (then nothing is
    /// committed) and just after (then the write is reported as not
    /// proven, never as done).
    pub fn commit(mut self) -> rusqlite::Result<()> {
        if !self.nested {
            if let Some(file) = self.held.replaced() {
                return Err(replaced_error(file));
            }
        }
        self.open = false;
        self.conn.execute_batch(if self.nested { "RELEASE mpdesk_write" } else { "COMMIT" })?;
        if !self.nested {
            if let Some(file) = self.held.replaced() {
                return Err(replaced_error(file));
            }
            ring(self.bell.take());
        }
        Ok(())
    }
}

/// What SQLite would not say: the file this connection writes was removed
/// behind it by another program.
pub const REPLACED: &str = "the database's WAL was removed behind mpdesk by another program";

fn replaced_error(file: &Path) -> rusqlite::Error {
    rusqlite::Error::SqliteFailure(
        rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_IOERR),
        Some(format!("{REPLACED} ({} is not the file this connection opened)", file.display())),
    )
}

/// The suffix of the file that tells the database's consoles it changed.
pub const BELL: &str = "-commits";

/// The bell of the database at `path`.
pub fn bell(path: &Path) -> PathBuf {
    beside(path, BELL)
}

use crate::held_files::beside;

/// Tells every console on this database that a commit landed: the bell
/// file is opened for writing and closed (nothing is written), which is one
/// inotify event (IN_CLOSE_WRITE) for each console that waits on it. A
/// commit writes its WAL file dozens of times; a console woken by each of
/// those writes would, a thousand times over, slow the writer to a crawl.
/// Not following a link, not waiting on a pipe; a bell that cannot ring
/// leaves the consoles their slow look.
fn ring(bell: Option<PathBuf>) {
    use std::os::unix::fs::OpenOptionsExt;
    let Some(bell) = bell else { return };
    let _ = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .mode(0o600)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
        .open(bell);
}

impl std::ops::Deref for Write<'_> {
    type Target = Connection;
    fn deref(&self) -> &Connection {
        self.conn
    }
}

impl Drop for Write<'_> {
    fn drop(&mut self) {
        if self.open {
            let undo = if self.nested { "ROLLBACK TO mpdesk_write; RELEASE mpdesk_write" } else { "ROLLBACK" };
            let _ = self.conn.execute_batch(undo);
        }
    }
}

fn initialize(conn: &mut Connection, path: &Path) -> Result<(), StoreError> {
    check_schema(conn, path)?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    // FULL: an acknowledged write survives a power loss too (NORMAL in WAL
    // mode may lose the last commits); the audit trail promises that. It
    // costs one fsync per write, ~0.16 ms here.
    conn.pragma_update(None, "synchronous", "FULL")?;
    // The WAL returns to at most this size after a checkpoint, instead of
    // staying at its high-water mark while a console is open.
    conn.pragma_update(None, "journal_size_limit", JOURNAL_SIZE_LIMIT)?;
    migrate(conn)
}

/// Statements are parsed and planned once per connection: kept in the
/// cache, and not planned again for the values bound to them. Without the
/// query planner stability guarantee SQLite re-plans any statement with a
/// bound `LIMIT ?` on its first run and whenever the limit changes — every
/// page query, parsed twice.
fn keep_plans(conn: &Connection) -> rusqlite::Result<()> {
    conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
    conn.set_db_config(rusqlite::config::DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG, true)?;
    Ok(())
}

fn is_busy(e: &rusqlite::Error) -> bool {
    matches!(e.sqlite_error_code(), Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked))
}

fn read_pragma(conn: &Connection, name: &str) -> rusqlite::Result<i64> {
    conn.pragma_query_value(None, name, |row| row.get(0))
}

pub(crate) fn known_schema_version() -> i64 {
    schema::migrations().len() as i64
}

/// Refuses a non-SQLite file before SQLite touches it; creates a new one
/// with mode 0600 so other users cannot read it.
fn check_file(path: &Path) -> Result<(), StoreError> {
    use std::io::Read;
    let io = |source| StoreError::Io { path: path.to_path_buf(), source };
    match crate::files::open_regular(path) {
        Err(e) if e.kind() == std::io::ErrorKind::InvalidInput => Err(StoreError::NotRegular(path.to_path_buf())),
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

/// Decides, before a single byte is written, whether the file is mpdesk's:
/// an empty database (to be created), or one tagged with mpdesk's
/// application id (then the schema must not be newer than this build).
/// Anything else is another program's, and is left as it is.
fn check_schema(conn: &Connection, path: &Path) -> Result<(), StoreError> {
    // One read transaction: a concurrent first start must not be seen
    // half-way (tables there, version not yet).
    let tx = conn.unchecked_transaction()?;
    let found = read_pragma(&tx, "user_version")?;
    let app_id = read_pragma(&tx, "application_id")?;
    let tables: i64 = tx.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0))?;
    tx.finish()?;
    let empty = app_id == 0 && found == 0 && tables == 0;
    let ours = app_id == APPLICATION_ID && found > 0;
    if !empty && !ours {
        return Err(StoreError::Foreign(path.to_path_buf()));
    }
    let known = known_schema_version();
    if found > known {
        return Err(StoreError::TooNew { path: path.to_path_buf(), found, known });
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

/// A text column as a string, whatever bytes it holds: a row written with
/// invalid UTF-8 (by another program) shows with replacement characters
/// instead of failing the whole list.
/// The text in column `index`, borrowed from the row.
pub(crate) fn str_at<'r>(row: &'r rusqlite::Row<'_>, index: usize) -> rusqlite::Result<&'r str> {
    row.get_ref(index)?
        .as_str()
        .map_err(|e| rusqlite::Error::FromSqlConversionFailure(index, rusqlite::types::Type::Text, Box::new(e)))
}

pub(crate) fn text(row: &rusqlite::Row<'_>, index: usize) -> rusqlite::Result<String> {
    Ok(opt_text(row, index)?.unwrap_or_default())
}

pub(crate) fn opt_text(row: &rusqlite::Row<'_>, index: usize) -> rusqlite::Result<Option<String>> {
    use rusqlite::types::ValueRef;
    Ok(match row.get_ref(index)? {
        ValueRef::Null => None,
        ValueRef::Text(bytes) | ValueRef::Blob(bytes) => Some(String::from_utf8_lossy(bytes).into_owned()),
        ValueRef::Integer(n) => Some(n.to_string()),
        ValueRef::Real(x) => Some(x.to_string()),
    })
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_are_durable_and_the_wal_has_a_size_limit() {
        let dir = tempfile::tempdir().expect("dir");
        let store = Store::open(&dir.path().join("d.db")).expect("open");
        assert_eq!(read_pragma(store.conn(), "synchronous").expect("synchronous"), 2, "FULL");
        assert_eq!(read_pragma(store.conn(), "journal_size_limit").expect("limit"), JOURNAL_SIZE_LIMIT);
    }
}
