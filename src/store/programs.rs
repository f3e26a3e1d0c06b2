//! Mini programs: rows with the acting user's standing, paged lists,
//! configuration and lifecycle updates.

use super::records::{Membership, ProgramExtra, ProgramRow};
use super::search::{numbered, PROGRAMS};
use super::workspaces::{bad_value, role_at, status_at};
use super::Cached;
use crate::domain::ProgramStatus;
use rusqlite::types::{Value, ValueRef};
use rusqlite::{params, params_from_iter, Connection, OptionalExtension};

/// Who sees which programs, as the desk derives it from the domain: a user
/// with an `active_status` membership sees every program of a workspace
/// where their role is in `manager_roles`, and the programs they are a
/// member of elsewhere.
#[derive(Debug, Clone)]
pub struct Visibility {
    pub user_id: i64,
    pub active_status: &'static str,
    pub manager_roles: Vec<&'static str>,
}

/// Filters of a program list.
#[derive(Debug, Clone, Default)]
pub struct ProgramFilter {
    pub workspace_id: Option<i64>,
    /// Case-insensitive substring of the name or the app ID.
    pub text: Option<String>,
}

const ROW_COLUMNS: &str = "p.id, p.app_id, p.name, p.workspace_id, w.name, p.status,
    (SELECT v.version FROM versions v WHERE v.program_id = p.id AND v.state = 'live'),
    (SELECT count(*) FROM versions v WHERE v.program_id = p.id),
    m.role, m.status, pm.user_id IS NOT NULL";

fn from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<ProgramRow> {
    // Columns that are parsed are read in place: a page is 200 rows.
    let status = super::str_at(r, 5)?;
    let membership = match (r.get_ref(8)?, r.get_ref(9)?) {
        (ValueRef::Null, _) | (_, ValueRef::Null) => None,
        _ => Some(Membership { role: role_at(r, 8)?, status: status_at(r, 9)? }),
    };
    Ok(ProgramRow {
        id: r.get(0)?,
        app_id: super::text(r, 1)?,
        name: super::text(r, 2)?,
        workspace_id: r.get(3)?,
        workspace: super::text(r, 4)?,
        status: ProgramStatus::parse(status).ok_or_else(|| bad_value("program status", status))?,
        live_version: super::opt_text(r, 6)?,
        version_count: r.get::<_, i64>(7)? as u64,
        membership,
        is_member: r.get(10)?,
    })
}

/// A program by app ID, with `user_id`'s standing in it (visible or not).
pub fn by_app_id(conn: &Connection, user_id: i64, app_id: &str) -> rusqlite::Result<Option<ProgramRow>> {
    let sql = format!(
        "SELECT {ROW_COLUMNS} FROM programs p JOIN workspaces w ON w.id = p.workspace_id
         LEFT JOIN workspace_members m ON m.workspace_id = p.workspace_id AND m.user_id = ?1
         LEFT JOIN program_members pm ON pm.program_id = p.id AND pm.user_id = ?1
         WHERE p.app_id = ?2"
    );
    conn.query_row_cached(&sql, params![user_id, app_id], from_row).optional()
}

/// Where the rows `vis` can see come from. `Visible::Managed` is one
/// workspace its reader manages, so sees whole: its programs alone, no
/// membership looked up per program (a count of 100,000 of them reads one
/// index).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Visible {
    Checked,
    Managed,
}

/// Whether `vis` manages workspace `ws` (an active manager role there).
fn manages(conn: &Connection, vis: &Visibility, ws: i64) -> rusqlite::Result<bool> {
    let role: Option<String> = conn
        .query_row_cached(
            "SELECT role FROM workspace_members WHERE workspace_id = ?1 AND user_id = ?2 AND status = ?3",
            params![ws, vis.user_id, vis.active_status],
            |r| r.get(0),
        )
        .optional()?;
    Ok(role.is_some_and(|role| vis.manager_roles.contains(&role.as_str())))
}

fn visible_where(
    conn: &Connection,
    vis: &Visibility,
    filter: &ProgramFilter,
    exact_name: Option<&str>,
) -> rusqlite::Result<(String, Vec<Value>)> {
    visible_where_as(conn, vis, filter, exact_name, Visible::Checked)
}

fn visible_where_as(
    conn: &Connection,
    vis: &Visibility,
    filter: &ProgramFilter,
    exact_name: Option<&str>,
    visible: Visible,
) -> rusqlite::Result<(String, Vec<Value>)> {
    let text = filter.text.as_deref().filter(|t| !t.is_empty());
    let indexed = match text {
        Some(text) => PROGRAMS.few_matches(conn, text)?,
        None => None,
    };
    let mut args: Vec<Value> = vec![Value::Integer(vis.user_id), Value::Text(vis.active_status.to_string())];
    args.extend(vis.manager_roles.iter().map(|r| Value::Text(r.to_string())));
    // `{programs}` is the way in: every program, or the index's few
    // matches (then sorted, never the names walked to find them).
    let mut sql = format!(
        "FROM {{programs}} JOIN workspaces w ON w.id = p.workspace_id
         JOIN workspace_members m ON m.workspace_id = p.workspace_id AND m.user_id = ?1 AND m.status = ?2
         LEFT JOIN program_members pm ON pm.program_id = p.id AND pm.user_id = ?1
         WHERE (m.role IN ({}) OR pm.user_id IS NOT NULL)",
        (0..vis.manager_roles.len()).map(|i| format!("?{}", i + 3)).collect::<Vec<_>>().join(", ")
    );
    if vis.manager_roles.is_empty() {
        sql = sql.replace("m.role IN ()", "0");
    }
    if visible == Visible::Managed {
        args.clear();
        sql = "FROM {programs} WHERE 1".to_string();
    }
    if let Some(ws) = filter.workspace_id {
        args.push(Value::Integer(ws));
        sql.push_str(&format!(" AND p.workspace_id = ?{}", args.len()));
    }
    let mut programs = "programs p".to_string();
    match (indexed, text) {
        // Few matches: the index finds them (then they are sorted, never
        // the names walked to find them).
        (Some((rows, found)), _) => {
            let first = args.len() + 1;
            args.extend(found);
            programs = format!(
                "(SELECT DISTINCT id FROM ({}) ) f CROSS JOIN programs p ON p.id = f.id",
                numbered(&rows, first)
            );
        }
        // Many: walking the rows in order finds a page within the first
        // few hundred.
        (None, Some(text)) => {
            args.push(Value::Text(text.to_lowercase()));
            sql.push_str(&format!(" AND (instr(lower(p.name), ?{0}) > 0 OR instr(p.app_id, ?{0}) > 0)", args.len()));
        }
        (None, None) => {}
    }
    if let Some(name) = exact_name {
        args.push(Value::Text(name.to_string()));
        sql.push_str(&format!(" AND p.name = ?{} COLLATE NOCASE", args.len()));
    }
    Ok((sql.replace("{programs}", &programs), args))
}

/// One page of the programs `vis` can see, ordered by workspace and name.
pub fn visible(
    conn: &Connection,
    vis: &Visibility,
    filter: &ProgramFilter,
    offset: u64,
    limit: u64,
) -> rusqlite::Result<Vec<ProgramRow>> {
    let (from, mut args) = visible_where(conn, vis, filter, None)?;
    args.push(Value::Integer(limit.min(i64::MAX as u64) as i64));
    args.push(Value::Integer(offset as i64));
    let sql =
        format!("SELECT {ROW_COLUMNS} {from} ORDER BY w.name COLLATE NOCASE, w.name, p.name COLLATE NOCASE, p.name LIMIT ?{} OFFSET ?{}", args.len() - 1, args.len());
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(params_from_iter(args), from_row)?;
    rows.collect()
}

/// Every program `vis` can see, in the order of [`visible`], handed to
/// `each` as SQLite steps through them; `each` returns false to stop.
pub fn each_visible(
    conn: &Connection,
    vis: &Visibility,
    filter: &ProgramFilter,
    each: &mut dyn FnMut(ProgramRow) -> bool,
) -> rusqlite::Result<()> {
    let (from, args) = visible_where(conn, vis, filter, None)?;
    let sql =
        format!("SELECT {ROW_COLUMNS} {from} ORDER BY w.name COLLATE NOCASE, w.name, p.name COLLATE NOCASE, p.name");
    let mut stmt = conn.prepare_cached(&sql)?;
    let mut rows = stmt.query(params_from_iter(args))?;
    while let Some(row) = rows.next()? {
        if !each(from_row(row)?) {
            break;
        }
    }
    Ok(())
}

/// Where a page of one workspace's programs starts (they are ordered by
/// name, unique within a workspace). Keyset seeks read only the page;
/// an offset walks the rows it skips.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Seek<'a> {
    /// The first rows.
    First,
    /// The rows right after this name.
    After(&'a str),
    /// The rows right before this name.
    Before(&'a str),
    /// The last rows.
    Last,
}

/// One page of the programs of `filter.workspace_id` (required) that `vis`
/// can see, ascending by name, found by `seek`.
pub fn visible_seek(
    conn: &Connection,
    vis: &Visibility,
    filter: &ProgramFilter,
    seek: Seek<'_>,
    limit: u64,
) -> rusqlite::Result<Vec<ProgramRow>> {
    let (mut from, mut args) = visible_where(conn, vis, filter, None)?;
    let descending = matches!(seek, Seek::Before(_) | Seek::Last);
    match seek {
        // Names sort ignoring case, then exactly (a tie only in data
        // written before names were unique ignoring case).
        Seek::After(name) => {
            args.push(Value::Text(name.to_string()));
            let n = args.len();
            from.push_str(&format!(
                " AND (p.name COLLATE NOCASE > ?{n} OR (p.name COLLATE NOCASE = ?{n} AND p.name > ?{n}))"
            ));
        }
        Seek::Before(name) => {
            args.push(Value::Text(name.to_string()));
            let n = args.len();
            from.push_str(&format!(
                " AND (p.name COLLATE NOCASE < ?{n} OR (p.name COLLATE NOCASE = ?{n} AND p.name < ?{n}))"
            ));
        }
        Seek::First | Seek::Last => {}
    }
    args.push(Value::Integer(limit.min(i64::MAX as u64) as i64));
    let order = if descending { "DESC" } else { "ASC" };
    let sql = format!(
        "SELECT {ROW_COLUMNS} {from} ORDER BY p.name COLLATE NOCASE {order}, p.name {order} LIMIT ?{}",
        args.len()
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let mut rows: Vec<ProgramRow> =
        stmt.query_map(params_from_iter(args), from_row)?.collect::<rusqlite::Result<_>>()?;
    if descending {
        rows.reverse();
    }
    Ok(rows)
}

/// How many programs `vis` can see — counting no further than `up_to`,
/// if given (a screen's "200+" reads 201 index entries). A whole workspace
/// its reader manages is its tally.
pub fn count_visible(
    conn: &Connection,
    vis: &Visibility,
    filter: &ProgramFilter,
    up_to: Option<u64>,
) -> rusqlite::Result<u64> {
    let managed = match filter.workspace_id {
        Some(ws) if manages(conn, vis, ws)? => Visible::Managed,
        _ => Visible::Checked,
    };
    if let (Visible::Managed, Some(ws), None) =
        (managed, filter.workspace_id, filter.text.as_deref().filter(|t| !t.is_empty()))
    {
        let programs = super::workspaces::tally(conn, ws)?.programs;
        return Ok(up_to.map_or(programs, |limit| programs.min(limit)));
    }
    let (from, mut args) = visible_where_as(conn, vis, filter, None, managed)?;
    let sql = match up_to {
        Some(limit) => {
            args.push(Value::Integer(limit.min(i64::MAX as u64) as i64));
            format!("SELECT count(*) FROM (SELECT 1 {from} LIMIT ?{})", args.len())
        }
        None => format!("SELECT count(*) {from}"),
    };
    conn.query_row_cached(&sql, params_from_iter(args), |r| r.get::<_, i64>(0)).map(|n| n as u64)
}

/// Visible programs with exactly this name (any workspace).
pub fn visible_by_name(conn: &Connection, vis: &Visibility, name: &str) -> rusqlite::Result<Vec<ProgramRow>> {
    let (from, args) = visible_where(conn, vis, &ProgramFilter::default(), Some(name))?;
    let sql = format!("SELECT {ROW_COLUMNS} {from} ORDER BY w.name LIMIT 20");
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(params_from_iter(args), from_row)?;
    rows.collect()
}

pub fn extra(conn: &Connection, program_id: i64) -> rusqlite::Result<ProgramExtra> {
    let mut extra = conn.query_row_cached(
        "SELECT p.description, u.login, p.created_at, p.client_id, p.merchant_id
         FROM programs p JOIN users u ON u.id = p.created_by WHERE p.id = ?1",
        [program_id],
        |r| {
            Ok(ProgramExtra {
                description: super::text(r, 0)?,
                created_by: super::text(r, 1)?,
                created_at: super::text(r, 2)?,
                client_id: super::opt_text(r, 3)?,
                merchant_id: super::opt_text(r, 4)?,
                domains: Vec::new(),
            })
        },
    )?;
    extra.domains = domains(conn, program_id)?;
    Ok(extra)
}

pub fn domains(conn: &Connection, program_id: i64) -> rusqlite::Result<Vec<String>> {
    let mut stmt = conn.prepare_cached("SELECT origin FROM program_domains WHERE program_id = ?1 ORDER BY origin")?;
    let rows = stmt.query_map([program_id], |r| super::text(r, 0))?;
    rows.collect()
}

pub fn app_id_taken(conn: &Connection, app_id: &str) -> rusqlite::Result<bool> {
    conn.query_row_cached("SELECT EXISTS (SELECT 1 FROM programs WHERE app_id = ?1)", [app_id], |r| r.get(0))
}

pub fn name_taken(conn: &Connection, workspace_id: i64, name: &str, except: Option<i64>) -> rusqlite::Result<bool> {
    conn.query_row_cached(
        "SELECT EXISTS (SELECT 1 FROM programs WHERE workspace_id = ?1 AND name = ?2 COLLATE NOCASE AND id IS NOT ?3)",
        params![workspace_id, name, except],
        |r| r.get(0),
    )
}

pub struct NewProgram<'a> {
    pub app_id: &'a str,
    pub workspace_id: i64,
    pub name: &'a str,
    pub description: &'a str,
    pub created_by: i64,
    pub now: &'a str,
}

pub fn insert(conn: &Connection, p: &NewProgram<'_>) -> rusqlite::Result<i64> {
    conn.execute_cached(
        "INSERT INTO programs (app_id, workspace_id, name, description, status, created_by, created_at)
         VALUES (?1, ?2, ?3, ?4, 'draft', ?5, ?6)",
        params![p.app_id, p.workspace_id, p.name, p.description, p.created_by, p.now],
    )?;
    Ok(conn.last_insert_rowid())
}

pub fn set_name_description(conn: &Connection, program_id: i64, name: &str, description: &str) -> rusqlite::Result<()> {
    conn.execute_cached(
        "UPDATE programs SET name = ?2, description = ?3 WHERE id = ?1",
        params![program_id, name, description],
    )?;
    Ok(())
}

pub fn set_ids(
    conn: &Connection,
    program_id: i64,
    client_id: Option<&str>,
    merchant_id: Option<&str>,
) -> rusqlite::Result<()> {
    conn.execute_cached(
        "UPDATE programs SET client_id = ?2, merchant_id = ?3 WHERE id = ?1",
        params![program_id, client_id, merchant_id],
    )?;
    Ok(())
}

pub fn add_domain(conn: &Connection, program_id: i64, origin: &str) -> rusqlite::Result<()> {
    conn.execute_cached(
        "INSERT OR IGNORE INTO program_domains (program_id, origin) VALUES (?1, ?2)",
        params![program_id, origin],
    )?;
    Ok(())
}

/// Removes a domain; false when it was not there.
pub fn remove_domain(conn: &Connection, program_id: i64, origin: &str) -> rusqlite::Result<bool> {
    let n = conn.execute_cached(
        "DELETE FROM program_domains WHERE program_id = ?1 AND origin = ?2",
        params![program_id, origin],
    )?;
    Ok(n > 0)
}

pub fn set_status(conn: &Connection, program_id: i64, status: ProgramStatus) -> rusqlite::Result<()> {
    conn.execute_cached("UPDATE programs SET status = ?2 WHERE id = ?1", params![program_id, status.as_str()])?;
    Ok(())
}

/// Deletes a program with its members, versions, packages and domains.
pub fn delete(conn: &Connection, program_id: i64) -> rusqlite::Result<()> {
    conn.execute_cached("DELETE FROM programs WHERE id = ?1", [program_id])?;
    Ok(())
}
