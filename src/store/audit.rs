//! The append-only audit log (triggers refuse UPDATE and DELETE).

use super::records::{AuditEntry, NewAuditEntry};
use super::search::AUDIT;
use super::Cached;
use rusqlite::types::{Value, ValueRef};
use rusqlite::{params, params_from_iter, Connection};

/// Who acted, and how they came in.
pub struct Actor<'a> {
    pub login: &'a str,
    pub via: &'a str,
}

pub fn append(
    conn: &Connection,
    at: &str,
    actor: &Actor<'_>,
    outcome: &str,
    e: &NewAuditEntry,
) -> rusqlite::Result<i64> {
    // Chained to the newest entry, read by primary key: inside the write
    // transaction no other entry can come between.
    let (last, prev) = super::chain::tail(conn)?;
    let id = last + 1;
    let columns = [
        ValueRef::Integer(id),
        ValueRef::from(at),
        ValueRef::from(actor.login),
        e.workspace_id.map_or(ValueRef::Null, ValueRef::Integer),
        text(&e.workspace),
        text(&e.program_app_id),
        text(&e.program),
        ValueRef::from(e.operation.as_str()),
        ValueRef::from(outcome),
        ValueRef::from(e.detail.as_str()),
        ValueRef::from(actor.via),
        text(&e.undo),
        e.reverts.map_or(ValueRef::Null, ValueRef::Integer),
    ];
    let hash = super::chain::entry_hash(&prev, &columns);
    conn.prepare_cached(
        "INSERT INTO audit (id, at, actor, workspace_id, workspace, program_app_id, program, operation, outcome, detail, via, undo, reverts, prev, hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
    )?
    .execute(params![
        id,
        at,
        actor.login,
        e.workspace_id,
        e.workspace,
        e.program_app_id,
        e.program,
        e.operation,
        outcome,
        e.detail,
        actor.via,
        e.undo,
        e.reverts,
        prev.as_slice(),
        hash.as_slice()
    ])?;
    Ok(id)
}

fn text(value: &Option<String>) -> ValueRef<'_> {
    value.as_deref().map_or(ValueRef::Null, ValueRef::from)
}

/// Which entries a reader may see, as the desk derives it: whole
/// workspaces, plus the entries of the programs it can view.
#[derive(Debug, Clone, Default)]
pub struct AuditScope {
    /// Every entry (the operator), those with no workspace included.
    pub everything: bool,
    pub workspace_ids: Vec<i64>,
    /// Also the entries of the programs this person is an explicit member
    /// of, in workspaces where they have this (acting) status — found in
    /// SQL, never by listing the programs first.
    pub member: Option<(i64, &'static str)>,
    /// Narrow to one workspace / program.
    pub only_workspace: Option<i64>,
    pub only_app_id: Option<String>,
    /// Entries that recorded this program name (the operator's filter).
    pub only_program_name: Option<String>,
    /// Case-insensitive substring of actor, program, operation or detail.
    pub text: Option<String>,
    /// Entries at or after this time, and before that one (RFC 3339, UTC,
    /// as entries store it).
    pub since: Option<String>,
    pub until: Option<String>,
}

/// The time bounds of a scope, on the entries aliased `alias`.
fn add_times(sql: &mut String, args: &mut Vec<Value>, scope: &AuditScope, alias: &str) {
    if let Some(since) = &scope.since {
        sql.push_str(&format!(" AND {alias}at >= ?"));
        args.push(Value::Text(since.clone()));
    }
    if let Some(until) = &scope.until {
        sql.push_str(&format!(" AND {alias}at < ?"));
        args.push(Value::Text(until.clone()));
    }
}

/// The programs a person is an explicit member of, in workspaces where
/// their membership has a status (two parameters: user id, status): their
/// few workspaces first (CROSS JOIN keeps that order), then each one's
/// memberships from one index.
const MEMBER_PROGRAMS: &str = "FROM workspace_members m
     CROSS JOIN program_members pm ON pm.user_id = m.user_id AND pm.workspace_id = m.workspace_id
     JOIN programs p ON p.id = pm.program_id
     WHERE m.user_id = ? AND m.status = ?";

fn scope_where(conn: &Connection, scope: &AuditScope) -> rusqlite::Result<(String, Vec<Value>)> {
    let mut args: Vec<Value> = Vec::new();
    let mut any = Vec::new();
    // One workspace its reader may read whole (the console's Audit tab of an
    // Owner or Master): a plain condition, so the (workspace_id, id) index
    // walks newest first and a page stops at its LIMIT.
    let whole = scope.only_workspace.filter(|ws| scope.everything || scope.workspace_ids.contains(ws));
    if let Some(ws) = whole {
        args.push(Value::Integer(ws));
        let mut sql = "a.workspace_id = ?".to_string();
        add_text(conn, &mut sql, &mut args, scope)?;
        if let Some(app_id) = &scope.only_app_id {
            sql.push_str(" AND a.program_app_id = ?");
            args.push(Value::Text(app_id.clone()));
        }
        if let Some(name) = &scope.only_program_name {
            sql.push_str(" AND a.program = ?");
            args.push(Value::Text(name.clone()));
        }
        add_times(&mut sql, &mut args, scope, "a.");
        return Ok((sql, args));
    }
    // Narrowed to a workspace not read whole, the whole ones cannot match:
    // left out, the member programs' index is the only way in.
    if !scope.workspace_ids.is_empty() && scope.only_workspace.is_none() {
        any.push(format!("a.workspace_id IN ({})", super::placeholders(scope.workspace_ids.len())));
        args.extend(scope.workspace_ids.iter().map(|id| Value::Integer(*id)));
    }
    if let Some((user_id, status)) = scope.member {
        args.push(Value::Integer(user_id));
        args.push(Value::Text(status.to_string()));
        // Narrowed to one workspace, only that workspace's programs; else
        // those outside the workspaces read whole (already in, by the
        // workspace's index): the list stays as short as it can be.
        let narrow = match scope.only_workspace {
            Some(ws) => {
                args.push(Value::Integer(ws));
                " AND m.workspace_id = ?".to_string()
            }
            None if !scope.workspace_ids.is_empty() => {
                args.extend(scope.workspace_ids.iter().map(|id| Value::Integer(*id)));
                format!(" AND m.workspace_id NOT IN ({})", super::placeholders(scope.workspace_ids.len()))
            }
            None => String::new(),
        };
        any.push(format!("a.program_app_id IN (SELECT p.app_id {MEMBER_PROGRAMS}{narrow})"));
    }
    let mut sql = match (scope.everything, any.is_empty()) {
        (true, _) => "1".to_string(),
        (false, true) => "0".to_string(),
        (false, false) => format!("({})", any.join(" OR ")),
    };
    if let Some(name) = &scope.only_program_name {
        sql.push_str(" AND a.program = ?");
        args.push(Value::Text(name.clone()));
    }
    if let Some(ws) = scope.only_workspace {
        // Not through its index: the scope above is the narrower way in.
        sql.push_str(" AND +a.workspace_id = ?");
        args.push(Value::Integer(ws));
    }
    if let Some(app_id) = &scope.only_app_id {
        sql.push_str(" AND a.program_app_id = ?");
        args.push(Value::Text(app_id.clone()));
    }
    add_text(conn, &mut sql, &mut args, scope)?;
    add_times(&mut sql, &mut args, scope, "a.");
    Ok((sql, args))
}

/// The text filter: a case-insensitive substring of actor, program,
/// operation or detail.
fn add_text(conn: &Connection, sql: &mut String, args: &mut Vec<Value>, scope: &AuditScope) -> rusqlite::Result<()> {
    let Some(text) = scope.text.as_deref().filter(|t| !t.is_empty()) else { return Ok(()) };
    // Few matches: the trigram index finds them. Many: walking newest
    // first finds a page soon.
    if let Some((rows, found)) = AUDIT.few_matches(conn, text)? {
        sql.push_str(&format!(" AND a.id IN ({rows})"));
        args.extend(found);
        return Ok(());
    }
    sql.push_str(
        " AND (instr(lower(a.actor), ?) > 0 OR instr(lower(coalesce(a.program, '')), ?) > 0
           OR instr(a.operation, ?) > 0 OR instr(lower(a.detail), ?) > 0)",
    );
    let lowered = text.to_lowercase();
    for _ in 0..4 {
        args.push(Value::Text(lowered.clone()));
    }
    Ok(())
}

/// Where an audit page starts (keyset on the entry id).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditSeek {
    Newest,
    /// Entries older than this id.
    Before(i64),
    /// Entries newer than this id.
    After(i64),
    Oldest,
}

/// A page, newest first, found by `seek`: it costs the same at the
/// millionth entry as at the first.
pub fn page(
    conn: &Connection,
    scope: &AuditScope,
    seek: AuditSeek,
    limit: u64,
) -> rusqlite::Result<Vec<(i64, AuditEntry)>> {
    page_as(conn, scope, seek, limit, ENTRY_COLUMNS, entry_of)
}

/// A page as [`page`] finds it, each row read by `columns` and `read`.
fn page_as<T>(
    conn: &Connection,
    scope: &AuditScope,
    seek: AuditSeek,
    limit: u64,
    columns: &str,
    read: fn(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
) -> rusqlite::Result<Vec<(i64, T)>> {
    if let Some(sources) = sources(conn, scope)? {
        return page_of_sources(conn, scope, &sources, seek, limit, columns, read);
    }
    let (mut filter, mut args) = scope_where(conn, scope)?;
    match seek {
        AuditSeek::Before(id) => {
            filter.push_str(" AND a.id < ?");
            args.push(Value::Integer(id));
        }
        AuditSeek::After(id) => {
            filter.push_str(" AND a.id > ?");
            args.push(Value::Integer(id));
        }
        AuditSeek::Newest | AuditSeek::Oldest => {}
    }
    let ascending = matches!(seek, AuditSeek::After(_) | AuditSeek::Oldest);
    args.push(Value::Integer(limit.min(i64::MAX as u64) as i64));
    let sql = format!(
        "SELECT a.id, {columns} FROM audit a WHERE {filter} ORDER BY a.id {} LIMIT ?",
        if ascending { "ASC" } else { "DESC" }
    );
    let mut rows = rows_of(conn, &sql, args, read)?;
    if ascending {
        rows.reverse();
    }
    Ok(rows)
}

const ENTRY_COLUMNS: &str =
    "a.at, a.actor, a.workspace, a.program, a.program_app_id, a.operation, a.outcome, a.detail, a.via";

/// An entry's columns as [`ENTRY_COLUMNS`] lists them, after its id.
fn entry_of(r: &rusqlite::Row<'_>) -> rusqlite::Result<AuditEntry> {
    Ok(AuditEntry {
        at: super::text(r, 1)?,
        actor: super::text(r, 2)?,
        workspace: super::opt_text(r, 3)?,
        program: super::opt_text(r, 4)?,
        app_id: super::opt_text(r, 5)?,
        operation: super::text(r, 6)?,
        outcome: super::text(r, 7)?,
        detail: super::text(r, 8)?,
        via: super::text(r, 9)?,
    })
}

/// Rows whose first column is the entry id.
fn rows_of<T>(
    conn: &Connection,
    sql: &str,
    args: Vec<Value>,
    read: fn(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
) -> rusqlite::Result<Vec<(i64, T)>> {
    let mut stmt = conn.prepare_cached(sql)?;
    let rows = stmt.query_map(params_from_iter(args), |r| Ok((r.get(0)?, read(r)?)))?;
    rows.collect()
}

/// One way into the log that an index reads newest first.
#[derive(Debug, Clone, PartialEq)]
enum Source {
    Workspace(i64),
    Program(String),
}

/// More sources than this and one SQL walk is the cheaper way.
const MAX_SOURCES: usize = 256;

/// A scope that is a union (several whole workspaces, or whole ones plus
/// member programs elsewhere) as the indexes that hold it. SQLite answers
/// `ws IN (…) OR app IN (…)` by collecting every matching rowid before it
/// sorts, a million at a busy server; each source read newest first up to
/// the page's LIMIT, then merged, costs the page. `None`: one SQL query
/// serves (everything, one workspace, a text or name filter).
fn sources(conn: &Connection, scope: &AuditScope) -> rusqlite::Result<Option<Vec<Source>>> {
    let filtered = scope.only_workspace.is_some()
        || scope.only_app_id.is_some()
        || scope.only_program_name.is_some()
        || scope.text.as_deref().is_some_and(|t| !t.is_empty());
    if scope.everything || filtered {
        return Ok(None);
    }
    let mut sources: Vec<Source> = scope.workspace_ids.iter().map(|id| Source::Workspace(*id)).collect();
    if let Some((user_id, status)) = scope.member {
        let mut sql = format!("SELECT DISTINCT p.app_id {MEMBER_PROGRAMS}");
        let mut args: Vec<Value> = vec![Value::Integer(user_id), Value::Text(status.to_string())];
        if !scope.workspace_ids.is_empty() {
            sql.push_str(&format!(" AND m.workspace_id NOT IN ({})", super::placeholders(scope.workspace_ids.len())));
            args.extend(scope.workspace_ids.iter().map(|id| Value::Integer(*id)));
        }
        sql.push_str(&format!(" LIMIT {}", MAX_SOURCES + 1));
        let mut stmt = conn.prepare_cached(&sql)?;
        let apps = stmt.query_map(params_from_iter(args), |r| r.get::<_, String>(0))?;
        for app in apps {
            sources.push(Source::Program(app?));
        }
    }
    // A single source is one plain index walk already.
    Ok((sources.len() > 1 && sources.len() <= MAX_SOURCES).then_some(sources))
}

fn page_of_sources<T>(
    conn: &Connection,
    scope: &AuditScope,
    sources: &[Source],
    seek: AuditSeek,
    limit: u64,
    columns: &str,
    read: fn(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
) -> rusqlite::Result<Vec<(i64, T)>> {
    let ascending = matches!(seek, AuditSeek::After(_) | AuditSeek::Oldest);
    let (bound, order) = match seek {
        AuditSeek::Before(id) => (Some(("<", id)), "DESC"),
        AuditSeek::After(id) => (Some((">", id)), "ASC"),
        AuditSeek::Newest => (None, "DESC"),
        AuditSeek::Oldest => (None, "ASC"),
    };
    let limit = limit.min(i64::MAX as u64) as i64;
    let mut ids: Vec<i64> = Vec::new();
    for source in sources {
        let (column, key) = match source {
            Source::Workspace(id) => ("workspace_id", Value::Integer(*id)),
            Source::Program(app) => ("program_app_id", Value::Text(app.clone())),
        };
        let mut args = vec![key];
        let mut sql = format!("SELECT id FROM audit WHERE {column} = ?");
        if let Some((op, id)) = bound {
            sql.push_str(&format!(" AND id {op} ?"));
            args.push(Value::Integer(id));
        }
        add_times(&mut sql, &mut args, scope, "");
        sql.push_str(&format!(" ORDER BY id {order} LIMIT ?"));
        args.push(Value::Integer(limit));
        let mut stmt = conn.prepare_cached(&sql)?;
        let found = stmt.query_map(params_from_iter(args), |r| r.get::<_, i64>(0))?;
        for id in found {
            ids.push(id?);
        }
    }
    // Newest first; an entry of a member program inside a whole workspace
    // cannot come twice (those programs are left out), but dedup is cheap.
    ids.sort_unstable_by(|a, b| if ascending { a.cmp(b) } else { b.cmp(a) });
    ids.dedup();
    ids.truncate(limit as usize);
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT a.id, {columns} FROM audit a WHERE a.id IN ({}) ORDER BY a.id DESC",
        super::placeholders(ids.len())
    );
    rows_of(conn, &sql, ids.into_iter().map(Value::Integer).collect(), read)
}

/// Whether the person is an explicit member of a program outside the
/// workspaces `whole` (read whole anyway), where they have `status`.
pub fn member_programs_outside(conn: &Connection, user_id: i64, status: &str, whole: &[i64]) -> rusqlite::Result<bool> {
    // One index probe a workspace of theirs: never their memberships walked.
    let sql = format!(
        "SELECT EXISTS (SELECT 1 FROM workspace_members m
         CROSS JOIN program_members pm ON pm.user_id = m.user_id AND pm.workspace_id = m.workspace_id
         WHERE m.user_id = ? AND m.status = ?{})",
        if whole.is_empty() {
            String::new()
        } else {
            format!(" AND m.workspace_id NOT IN ({})", super::placeholders(whole.len()))
        }
    );
    let mut args: Vec<Value> = vec![Value::Integer(user_id), Value::Text(status.to_string())];
    args.extend(whole.iter().map(|id| Value::Integer(*id)));
    conn.prepare_cached(&sql)?.query_row(params_from_iter(args), |r| r.get(0))
}

/// Who last blocked `login` in a workspace, and when (newest first, from
/// the workspace's index).
pub fn last_block(conn: &Connection, workspace_id: i64, login: &str) -> rusqlite::Result<Option<(String, String)>> {
    use rusqlite::OptionalExtension;
    conn.prepare_cached(
        "SELECT actor, at FROM audit WHERE workspace_id = ?1 AND operation = 'workspace_member_block'
         AND outcome = 'ok' AND detail LIKE ?2 ESCAPE '\\' ORDER BY id DESC LIMIT 1",
    )?
    .query_row(
        params![workspace_id, format!("{} (%", login.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_"))],
        |r| Ok((super::text(r, 0)?, super::text(r, 1)?)),
    )
    .optional()
}

/// Whether the scope holds the entry `id` (one index lookup).
pub fn holds(conn: &Connection, scope: &AuditScope, id: i64) -> rusqlite::Result<bool> {
    let (filter, mut args) = scope_where(conn, scope)?;
    args.push(Value::Integer(id));
    let sql = format!("SELECT EXISTS (SELECT 1 FROM audit a WHERE {filter} AND a.id = ?)");
    conn.prepare_cached(&sql)?.query_row(params_from_iter(args), |r| r.get(0))
}

/// How many entries the scope holds (walks them: for "go to the end").
pub fn count(conn: &Connection, scope: &AuditScope) -> rusqlite::Result<u64> {
    let timed = scope.since.is_some() || scope.until.is_some();
    // One workspace seen whole: its tally.
    let narrowed = scope.only_app_id.is_some() || scope.only_program_name.is_some() || timed;
    if let (Some(ws), None, false) = (scope.only_workspace, scope.text.as_deref().filter(|t| !t.is_empty()), narrowed) {
        if scope.everything || scope.workspace_ids.contains(&ws) {
            return super::workspaces::tally(conn, ws).map(|t| t.entries);
        }
    }
    if let Some(sources) = sources(conn, scope)?.filter(|_| !timed) {
        // A program's entries inside a workspace read whole are counted
        // there, not twice.
        let whole: Vec<Value> = sources
            .iter()
            .filter_map(|s| match s {
                Source::Workspace(id) => Some(Value::Integer(*id)),
                Source::Program(_) => None,
            })
            .collect();
        let mut total = 0u64;
        for source in &sources {
            let n: i64 = match source {
                Source::Workspace(id) => conn
                    .prepare_cached("SELECT count(*) FROM audit WHERE workspace_id = ?")?
                    .query_row([id], |r| r.get(0))?,
                Source::Program(app) => {
                    let sql = format!(
                        "SELECT count(*) FROM audit WHERE program_app_id = ? AND coalesce(+workspace_id, 0) NOT IN ({})",
                        super::placeholders(whole.len())
                    );
                    let mut args = vec![Value::Text(app.clone())];
                    args.extend(whole.iter().cloned());
                    conn.prepare_cached(&sql)?.query_row(params_from_iter(args), |r| r.get(0))?
                }
            };
            total += n as u64;
        }
        return Ok(total);
    }
    let (filter, args) = scope_where(conn, scope)?;
    conn.query_row_cached(&format!("SELECT count(*) FROM audit a WHERE {filter}"), params_from_iter(args), |r| {
        r.get::<_, i64>(0)
    })
    .map(|n| n as u64)
}

pub fn count_all(conn: &Connection) -> rusqlite::Result<u64> {
    conn.query_row_cached("SELECT count(*) FROM audit", [], |r| r.get::<_, i64>(0)).map(|n| n as u64)
}

/// An entry as `audit export` and `audit --follow` write it: what
/// `audit --json` shows, and every column its hash covers, so the chain
/// can be checked from the file alone.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ExportedEntry {
    pub id: i64,
    #[serde(flatten)]
    pub entry: AuditEntry,
    pub workspace_id: Option<i64>,
    pub undo: Option<String>,
    pub reverts: Option<i64>,
    /// The previous entry's hash and this one's (hex; null for an entry
    /// written behind mpdesk's back).
    pub prev: Option<String>,
    pub hash: Option<String>,
}

const EXPORT_COLUMNS: &str = "a.at, a.actor, a.workspace, a.program, a.program_app_id, a.operation, a.outcome, a.detail, a.via, a.workspace_id, a.undo, a.reverts, a.prev, a.hash";

fn exported_of(r: &rusqlite::Row<'_>) -> rusqlite::Result<ExportedEntry> {
    let hash = |i: usize| -> rusqlite::Result<Option<String>> {
        Ok(match r.get_ref(i)? {
            ValueRef::Blob(bytes) => Some(super::chain::hex(bytes)),
            _ => None,
        })
    };
    Ok(ExportedEntry {
        id: r.get(0)?,
        entry: entry_of(r)?,
        workspace_id: r.get(10)?,
        undo: super::opt_text(r, 11)?,
        reverts: r.get(12)?,
        prev: hash(13)?,
        hash: hash(14)?,
    })
}

/// The next entries of the scope after `after` (0: from the start), oldest
/// first, at most `limit`: export and follow read the log in such pages,
/// so memory stays flat whatever its length.
pub fn exported_after(
    conn: &Connection,
    scope: &AuditScope,
    after: i64,
    limit: u64,
) -> rusqlite::Result<Vec<ExportedEntry>> {
    let mut rows = page_as(conn, scope, AuditSeek::After(after), limit, EXPORT_COLUMNS, exported_of)?;
    rows.reverse();
    Ok(rows.into_iter().map(|(_, row)| row).collect())
}

/// The newest entry's id (0: none).
pub fn last_id(conn: &Connection) -> rusqlite::Result<i64> {
    conn.query_row_cached("SELECT coalesce(max(id), 0) FROM audit", [], |r| r.get(0))
}

/// A finished export, remembered so a prune can tell whether the entries
/// it removes left mpdesk first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExportRecord {
    pub first: i64,
    pub last: i64,
    pub entries: u64,
    /// Every entry of the log in its time range (the operator's, not
    /// narrowed to a workspace).
    pub whole: bool,
}

pub fn record_export(conn: &Connection, at: &str, actor: &str, record: &ExportRecord) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "INSERT INTO audit_exports (at, actor, first_id, last_id, entries, whole) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![at, actor, record.first, record.last, record.entries as i64, record.whole])?;
    Ok(())
}

/// The first entry in `first..=last` no whole export has written (None:
/// every one left mpdesk in some export). An export counts for the ids it
/// wrote without a gap.
pub fn first_unexported(conn: &Connection, first: i64, last: i64) -> rusqlite::Result<Option<i64>> {
    let mut stmt = conn.prepare_cached(
        "SELECT first_id, last_id FROM audit_exports
         WHERE whole AND entries = last_id - first_id + 1 AND last_id >= ?1 AND first_id <= ?2 ORDER BY first_id",
    )?;
    let ranges = stmt.query_map(params![first, last], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?)))?;
    let mut next = first;
    for range in ranges {
        let (from, to) = range?;
        if from > next {
            break;
        }
        next = next.max(to + 1);
        if next > last {
            return Ok(None);
        }
    }
    Ok(Some(next))
}

/// What pruning the entries written before `before` would remove: the
/// oldest entries up to the first one at or after that time (the log is
/// cut as a prefix, so the chain still runs from where it starts).
pub fn prune_plan(conn: &Connection, before: &str) -> rusqlite::Result<Option<super::chain::PruneMark>> {
    use rusqlite::OptionalExtension;
    let keep_from: Option<i64> = conn.query_row("SELECT min(id) FROM audit WHERE at >= ?1", [before], |r| r.get(0))?;
    let last = match keep_from {
        Some(id) => id - 1,
        None => last_id(conn)?,
    };
    // An end of the range: its id, time and hash.
    type End = (i64, String, Option<Vec<u8>>);
    let ends = |order: &str| -> rusqlite::Result<Option<End>> {
        conn.query_row(
            &format!("SELECT id, at, hash FROM audit WHERE id <= ?1 ORDER BY id {order} LIMIT 1"),
            [last],
            |r| Ok((r.get(0)?, super::text(r, 1)?, r.get(2)?)),
        )
        .optional()
    };
    let (Some((first, first_at, _)), Some((last, last_at, hash))) = (ends("ASC")?, ends("DESC")?) else {
        return Ok(None);
    };
    let count: i64 = conn.query_row("SELECT count(*) FROM audit WHERE id <= ?1", [last], |r| r.get(0))?;
    let last_hash = hash.and_then(|h| <[u8; 32]>::try_from(h.as_slice()).ok()).unwrap_or(super::chain::GENESIS);
    Ok(Some(super::chain::PruneMark { count: count as u64, first, last, first_at, last_at, last_hash }))
}

/// Removes the entries up to `mark.last` (and their search index rows),
/// inside the caller's write transaction: the append-only trigger is
/// lifted for this statement and put back before the transaction ends.
/// The caller appends the prune's own entry after it.
pub fn prune(conn: &Connection, mark: &super::chain::PruneMark) -> rusqlite::Result<()> {
    conn.execute(
        &format!(
            "INSERT INTO {fts}({fts}, rowid, {columns}) SELECT 'delete', id, {values} FROM audit WHERE id <= ?1",
            fts = AUDIT.fts,
            columns = AUDIT.column_list(),
            values = AUDIT.indexed_values(""),
        ),
        [mark.last],
    )?;
    conn.execute_batch("DROP TRIGGER audit_no_delete")?;
    conn.execute("DELETE FROM audit WHERE id <= ?1", [mark.last])?;
    conn.execute_batch(super::schema::AUDIT_NO_DELETE)?;
    Ok(())
}

/// Walks the chain of an exported file (JSON lines, as `audit export`
/// writes them) by the rules `verify` applies to the database: an auditor
/// handed the file and a head hash needs nothing else.
/// The fields an exported line has, and no others (also the CSV export's
/// header, in this order).
pub const EXPORTED_FIELDS: [&str; 15] = [
    "id",
    "at",
    "actor",
    "workspace",
    "program",
    "app_id",
    "operation",
    "outcome",
    "detail",
    "via",
    "workspace_id",
    "undo",
    "reverts",
    "prev",
    "hash",
];

/// Walks an exported file's chain. `encode` is how mpdesk writes an entry
/// on a line: a line whose entry chains but whose bytes are not exactly
/// that (a field added, a field twice, a value re-encoded) is refused,
/// since what it shows is not what its hash covers.
/// `part`: the file is part of the log (see [`super::chain::Walker::part`]).
pub fn walk_exported(
    reader: impl std::io::BufRead,
    wanted_head: Option<&[u8; 32]>,
    part: bool,
    encode: impl Fn(&ExportedEntry) -> String,
) -> Result<super::chain::Walk, String> {
    let mut walker = match part {
        true => super::chain::Walker::part(wanted_head),
        false => super::chain::Walker::new(wanted_head),
    };
    for (index, line) in reader.lines().enumerate() {
        let number = index + 1;
        let line = line.map_err(|e| format!("cannot read line {number}: {e}"))?;
        if line.trim().is_empty() {
            continue;
        }
        if number == 1 && line.trim_end() == EXPORTED_FIELDS.join(",") {
            return Err(CSV_NOT_CHECKED.to_string());
        }
        let e: ExportedEntry =
            serde_json::from_str(&line).map_err(|e| format!("line {number} is not an exported entry: {e}"))?;
        let columns = [
            ValueRef::Integer(e.id),
            ValueRef::from(e.entry.at.as_str()),
            ValueRef::from(e.entry.actor.as_str()),
            e.workspace_id.map_or(ValueRef::Null, ValueRef::Integer),
            text(&e.entry.workspace),
            text(&e.entry.app_id),
            text(&e.entry.program),
            ValueRef::from(e.entry.operation.as_str()),
            ValueRef::from(e.entry.outcome.as_str()),
            ValueRef::from(e.entry.detail.as_str()),
            ValueRef::from(e.entry.via.as_str()),
            text(&e.undo),
            e.reverts.map_or(ValueRef::Null, ValueRef::Integer),
        ];
        let hash = |h: &Option<String>| h.as_deref().and_then(super::chain::parse_hex);
        if !walker.entry(hash(&e.prev), hash(&e.hash), &columns) {
            break;
        }
        if encode(&e) != line {
            return Err(not_as_exported(number, e.id, &line));
        }
    }
    Ok(walker.finish())
}

/// Why a CSV export is not checked, and what is.
pub const CSV_NOT_CHECKED: &str = "this is a CSV export, which audit verify does not check: CSV is for spreadsheets, and its lines are not the bytes the hashes were computed over; export with --format jsonl (the default) for a file that checks";

/// Why a line whose entry chains is still refused.
fn not_as_exported(number: usize, id: i64, line: &str) -> String {
    let unknown: Vec<String> = serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(line)
        .map(|fields| fields.keys().filter(|k| !EXPORTED_FIELDS.contains(&k.as_str())).cloned().collect())
        .unwrap_or_default();
    let what = match unknown.is_empty() {
        true => "it is not byte for byte as mpdesk exported it (a field twice, or a value re-encoded)".to_string(),
        false => format!("it has fields mpdesk never exports ({}), which no hash covers", unknown.join(", ")),
    };
    format!("line {number} (entry #{id}): {what}; the file is not an intact export")
}
