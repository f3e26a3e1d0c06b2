//! Copies of the database: taken with SQLite's online backup API while
//! others write (one step, inside one read transaction: writers go on, and
//! the copy is of one moment), and checked without opening them for write.

use super::{known_schema_version, Store, StoreError};
use rusqlite::{Connection, OpenFlags};
use std::path::Path;

/// Why a copy's target was refused.
#[derive(Debug)]
pub enum Target {
    /// One of the database's own files.
    Own,
    Exists,
    NotRegular,
    /// The folder the copy goes into cannot be written by this account
    /// (or is missing).
    Folder(std::path::PathBuf, std::io::ErrorKind),
}

impl Store {
    /// Writes a consistent copy of the whole database to `out`: mode 0600,
    /// in rollback-journal mode (one file, nothing beside it), whole or not
    /// at all (a temporary file renamed into place). Never one of the
    /// database's own files; an existing file only with `overwrite`.
    pub fn backup_to(&self, out: &Path, overwrite: bool) -> Result<Result<(), Target>, StoreError> {
        if self.files().iter().any(|own| crate::files::same_file(out, own)) {
            return Ok(Err(Target::Own));
        }
        match std::fs::symlink_metadata(out) {
            Ok(meta) if !meta.is_file() => return Ok(Err(Target::NotRegular)),
            Ok(_) if !overwrite => return Ok(Err(Target::Exists)),
            _ => {}
        }
        let io = |source| StoreError::Io { path: out.to_path_buf(), source };
        let dir = match out.parent().filter(|p| !p.as_os_str().is_empty()) {
            Some(dir) => dir.to_path_buf(),
            None => std::path::PathBuf::from("."),
        };
        // A temporary file is created with mode 0600.
        let temp = match tempfile::Builder::new().prefix(".mpdesk-backup-").tempfile_in(&dir) {
            Ok(temp) => temp,
            Err(e) if matches!(e.kind(), std::io::ErrorKind::PermissionDenied | std::io::ErrorKind::NotFound) => {
                return Ok(Err(Target::Folder(dir, e.kind())))
            }
            Err(e) => return Err(io(e)),
        };
        {
            let mut copy = Connection::open(temp.path())?;
            let backup = rusqlite::backup::Backup::new(&self.conn, &mut copy)?;
            // All pages in one step: one read transaction, so the copy is
            // of one moment however much others write meanwhile.
            let mut tries = 0;
            loop {
                match backup.step(-1)? {
                    rusqlite::backup::StepResult::Done => break,
                    _ if tries < 300 => {
                        tries += 1;
                        std::thread::sleep(std::time::Duration::from_millis(10));
                    }
                    _ => return Err(StoreError::Migration("the database stayed locked; try again".to_string())),
                }
            }
            drop(backup);
            copy.pragma_update(None, "journal_mode", "DELETE")?;
        }
        temp.as_file().sync_all().map_err(io)?;
        temp.persist(out).map_err(|e| io(e.error))?;
        Ok(Ok(()))
    }
}

/// What a copy holds, read without writing anything beside it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Inspection {
    /// `PRAGMA integrity_check`'s problems (none: whole).
    pub problems: Vec<String>,
    pub schema: i64,
    pub schema_known: i64,
    /// Rows of each table that matters.
    pub counts: Vec<(String, i64)>,
    /// The newest audit entry: id, time, operation, actor.
    pub newest_entry: Option<(i64, String, String, String)>,
}

/// Reads `path` as an mpdesk database copy (immutable: SQLite creates no
/// file beside it and takes no lock).
pub fn inspect(path: &Path) -> Result<Inspection, StoreError> {
    crate::files::open_regular(path).map_err(|source| StoreError::Io { path: path.to_path_buf(), source })?;
    let uri = format!("file:{}?mode=ro&immutable=1", uri_path(path));
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_URI | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(uri, flags)?;
    // A damaged file fails part way: what failed is itself the finding.
    let checked: rusqlite::Result<Vec<String>> = conn
        .prepare("PRAGMA integrity_check")
        .and_then(|mut stmt| stmt.query_map([], |r| r.get::<_, String>(0))?.collect());
    let mut problems = checked.unwrap_or_else(|e| vec![e.to_string()]);
    problems.retain(|p| p != "ok");
    let schema: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap_or(-1);
    let mut counts = Vec::new();
    for table in ["users", "workspaces", "programs", "program_members", "versions", "ssh_keys", "audit"] {
        let n = conn.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0)).unwrap_or(-1);
        counts.push((table.to_string(), n));
    }
    let newest = conn
        .query_row("SELECT id, at, operation, actor FROM audit ORDER BY id DESC LIMIT 1", [], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })
        .ok();
    Ok(Inspection { problems, schema, schema_known: known_schema_version(), counts, newest_entry: newest })
}

/// A path as an SQLite URI's path: `%`, `?` and `#` escaped.
pub(crate) fn uri_path(path: &Path) -> String {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    absolute.to_string_lossy().replace('%', "%25").replace('?', "%3f").replace('#', "%23")
}

/// What `mpdesk doctor` asks of the live database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Health {
    /// `PRAGMA quick_check`'s problems (none: whole).
    pub problems: Vec<String>,
    pub wal: bool,
    pub schema: i64,
    pub schema_known: i64,
}

/// Opens the database read-only and checks it (quick_check reads every
/// page but checks no index against its table: seconds, not minutes).
pub fn health(path: &Path) -> Result<Health, StoreError> {
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX)?;
    let mode: String = conn.query_row("PRAGMA journal_mode", [], |r| r.get(0))?;
    let mut problems: Vec<String> =
        conn.prepare("PRAGMA quick_check")?.query_map([], |r| r.get::<_, String>(0))?.collect::<Result<_, _>>()?;
    problems.retain(|p| p != "ok");
    let schema: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    Ok(Health { problems, wal: mode.eq_ignore_ascii_case("wal"), schema, schema_known: known_schema_version() })
}

/// `mpdesk check`: what is wrong with the database file, if anything —
/// its size against its pages, then SQLite's `quick_check` (every page
/// read) or, `full`, `integrity_check` (every index against its table).
/// Opened for reading only, writing nothing beside it.
pub fn check(path: &Path, full: bool) -> Result<Vec<String>, StoreError> {
    crate::files::open_regular(path).map_err(|source| StoreError::Io { path: path.to_path_buf(), source })?;
    let mut problems: Vec<String> = super::file_state::damage(path).into_iter().collect();
    let conn = super::open_for_reading(path)?;
    let pragma = if full { "PRAGMA integrity_check" } else { "PRAGMA quick_check" };
    let checked: rusqlite::Result<Vec<String>> =
        conn.prepare(pragma).and_then(|mut stmt| stmt.query_map([], |r| r.get::<_, String>(0))?.collect());
    problems.extend(checked.unwrap_or_else(|e| vec![e.to_string()]).into_iter().filter(|p| p != "ok"));
    if full {
        problems.extend(search_index_problems(&conn));
        problems.extend(tally_problems(&conn));
    }
    Ok(problems)
}

/// integrity_check does not look inside a full-text index, and the audit
/// chain does not cover it: each index is rebuilt from its table in temp
/// (nothing written to the database) and compared, term by term.
fn search_index_problems(conn: &Connection) -> Vec<String> {
    let mut problems = Vec::new();
    for index in [&super::search::PROGRAMS, &super::search::AUDIT] {
        let (fts, table) = (index.fts, index.table);
        match compare_index(conn, index) {
            Ok((0, 0)) => {}
            Ok((extra, missing)) => problems.push(format!(
                "the search index {fts} does not match {table}: {extra} entries that are not in {table}, {missing} missing (it was edited behind mpdesk; rebuild it as the service account: sqlite3 DB \"{}\")",
                index.rebuild_sql().split_whitespace().collect::<Vec<_>>().join(" ")
            )),
            Err(e) => problems.push(format!("the search index {fts} could not be compared with {table}: {e}")),
        }
    }
    problems
}

/// The per-workspace tallies (what `End` reads instead of counting)
/// against a count of the rows.
fn tally_problems(conn: &Connection) -> Option<String> {
    match conn.query_row(super::schema::TALLIES_WRONG, [], |r| r.get::<_, i64>(0)) {
        Ok(0) => None,
        Ok(wrong) => Some(format!(
            "the tallies of {wrong} workspace(s) do not match their programs and audit entries (edited behind mpdesk; put them right as the service account: sqlite3 DB \"{}\")",
            super::schema::TALLIES_RECOUNT.split_whitespace().collect::<Vec<_>>().join(" ")
        )),
        Err(e) => Some(format!("the workspace tallies could not be compared with a count: {e}")),
    }
}

fn compare_index(conn: &Connection, index: &super::search::SearchIndex) -> rusqlite::Result<(i64, i64)> {
    let (columns, values, table, fts) = (index.column_list(), index.indexed_values(""), index.table, index.fts);
    // Only temp tables are made; query_only guards the database itself.
    conn.pragma_update(None, "query_only", "OFF")?;
    let compared = conn.execute_batch(&format!(
        "CREATE VIRTUAL TABLE temp.rebuilt USING fts5({columns}, content='', tokenize='trigram');
         INSERT INTO temp.rebuilt(rowid, {columns}) SELECT id, {values} FROM main.{table};
         CREATE VIRTUAL TABLE temp.have USING fts5vocab(main, {fts}, 'instance');
         CREATE VIRTUAL TABLE temp.want USING fts5vocab(temp, rebuilt, 'instance');"
    ));
    let counted = compared.and_then(|()| {
        let count = |sql: &str| conn.query_row(sql, [], |r| r.get::<_, i64>(0));
        let columns = "term, doc, col, offset";
        Ok((
            count(&format!(
                "SELECT count(*) FROM (SELECT {columns} FROM temp.have EXCEPT SELECT {columns} FROM temp.want)"
            ))?,
            count(&format!(
                "SELECT count(*) FROM (SELECT {columns} FROM temp.want EXCEPT SELECT {columns} FROM temp.have)"
            ))?,
        ))
    });
    let _ = conn.execute_batch(
        "DROP TABLE IF EXISTS temp.have; DROP TABLE IF EXISTS temp.want; DROP TABLE IF EXISTS temp.rebuilt;",
    );
    conn.pragma_update(None, "query_only", "ON")?;
    counted
}
