//! Program members: explicit rows, plus the workspace's managers who reach
//! every program, and the new member list.

use super::placeholders;
use super::records::{MemberRow, User};
use super::workspaces::role_at;
use super::Cached;
use rusqlite::types::Value;
use rusqlite::{params, params_from_iter, Connection};

/// Who reaches one program: its explicit members who are Active in the
/// workspace, and the workspace members whose role is in `manager_roles`.
#[derive(Debug, Clone)]
pub struct Reach<'a> {
    pub workspace_id: i64,
    pub program_id: i64,
    pub active_status: &'a str,
    pub manager_roles: &'a [&'a str],
}

/// Narrows the people who reach a program.
#[derive(Debug, Clone, Copy)]
pub enum Filter<'a> {
    /// Login or name contains this, case-insensitive.
    Contains(&'a str),
    /// Exactly this login.
    Login(&'a str),
}

/// Which half of the people who reach a program a query reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Part {
    /// The workspace members whose role is in `manager_roles` (few).
    Managers,
    /// Explicit members with any other role.
    Explicit,
}

fn part_query(reach: &Reach<'_>, part: Part, filter: Option<Filter<'_>>) -> (String, Vec<Value>) {
    let mut args = vec![
        Value::Integer(reach.workspace_id),
        Value::Integer(reach.program_id),
        Value::Text(reach.active_status.to_string()),
    ];
    args.extend(reach.manager_roles.iter().map(|r| Value::Text(r.to_string())));
    if reach.manager_roles.is_empty() {
        args.push(Value::Null);
    }
    let roles = (0..reach.manager_roles.len().max(1)).map(|i| format!("?{}", i + 4)).collect::<Vec<_>>().join(", ");
    let mut sql = match part {
        Part::Managers => format!(
            "FROM workspace_members m JOIN users u ON u.id = m.user_id
             LEFT JOIN program_members pm ON pm.program_id = ?2 AND pm.user_id = m.user_id
             LEFT JOIN users ab ON ab.id = pm.added_by
             WHERE m.workspace_id = ?1 AND m.status = ?3 AND m.role IN ({roles})"
        ),
        Part::Explicit => format!(
            "FROM program_members pm
             JOIN workspace_members m ON m.workspace_id = ?1 AND m.user_id = pm.user_id AND m.status = ?3
             JOIN users u ON u.id = pm.user_id
             LEFT JOIN users ab ON ab.id = pm.added_by
             WHERE pm.program_id = ?2 AND m.role NOT IN ({roles})"
        ),
    };
    match filter {
        Some(Filter::Contains(text)) if !text.is_empty() => {
            args.push(Value::Text(text.to_lowercase()));
            sql.push_str(&format!(
                " AND (instr(lower(u.login), ?{0}) > 0 OR instr(lower(u.name), ?{0}) > 0)",
                args.len()
            ));
        }
        Some(Filter::Login(login)) => {
            args.push(Value::Text(login.to_string()));
            sql.push_str(&format!(" AND u.login = ?{}", args.len()));
        }
        _ => {}
    }
    (sql, args)
}

fn read_part(
    conn: &Connection,
    reach: &Reach<'_>,
    part: Part,
    filter: Option<Filter<'_>>,
    offset: u64,
    limit: u64,
) -> rusqlite::Result<Vec<MemberRow>> {
    let (from, mut args) = part_query(reach, part, filter);
    args.push(Value::Integer(limit.min(i64::MAX as u64) as i64));
    args.push(Value::Integer(offset.min(i64::MAX as u64) as i64));
    let order = match part {
        Part::Managers => "CASE m.role WHEN 'owner' THEN 0 ELSE 1 END, u.login",
        Part::Explicit => "pm.added_at, pm.user_id",
    };
    let sql = format!(
        "SELECT u.login, u.name, m.role, pm.user_id IS NOT NULL, ab.login, pm.added_at, u.disabled_at IS NOT NULL,
         pm.expires_at, m.expires_at {from}
         ORDER BY {order} LIMIT ?{} OFFSET ?{}",
        args.len() - 1,
        args.len()
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(params_from_iter(args), |r| {
        Ok(MemberRow {
            login: super::text(r, 0)?,
            name: super::text(r, 1)?,
            workspace_role: role_at(r, 2)?,
            explicit: r.get(3)?,
            added_by: super::opt_text(r, 4)?,
            added_at: super::opt_text(r, 5)?,
            disabled: r.get(6)?,
            expires_at: super::expiry::earliest(super::opt_text(r, 7)?, super::opt_text(r, 8)?),
        })
    })?;
    rows.collect()
}

fn count_part(conn: &Connection, reach: &Reach<'_>, part: Part, filter: Option<Filter<'_>>) -> rusqlite::Result<u64> {
    let (from, args) = part_query(reach, part, filter);
    conn.query_row_cached(&format!("SELECT count(*) {from}"), params_from_iter(args), |r| r.get::<_, i64>(0))
        .map(|n| n as u64)
}

/// One page of the people who reach a program: the Owner, then Masters
/// (by login), then explicit members in the order they were added. Each
/// half is read in index order, so a page costs the same however long
/// the list is (past the managers, an OFFSET walks the skipped rows).
pub fn reaching(
    conn: &Connection,
    reach: &Reach<'_>,
    filter: Option<Filter<'_>>,
    offset: u64,
    limit: u64,
) -> rusqlite::Result<Vec<MemberRow>> {
    let mut rows = read_part(conn, reach, Part::Managers, filter, offset, limit)?;
    if rows.len() as u64 >= limit {
        return Ok(rows);
    }
    let managers =
        if rows.is_empty() { count_part(conn, reach, Part::Managers, filter)? } else { offset + rows.len() as u64 };
    let rest = limit - rows.len() as u64;
    rows.extend(read_part(conn, reach, Part::Explicit, filter, offset.saturating_sub(managers), rest)?);
    Ok(rows)
}

pub fn count_reaching(conn: &Connection, reach: &Reach<'_>, filter: Option<Filter<'_>>) -> rusqlite::Result<u64> {
    Ok(count_part(conn, reach, Part::Managers, filter)? + count_part(conn, reach, Part::Explicit, filter)?)
}

/// Active workspace members with a role in `roles` who are not members of
/// the program yet (the new member list), one page, optionally narrowed to
/// logins or names containing `text`.
pub fn candidates(
    conn: &Connection,
    workspace_id: i64,
    program_id: i64,
    active_status: &str,
    roles: &[&str],
    text: Option<&str>,
    page: super::Page,
) -> rusqlite::Result<Vec<(User, String)>> {
    let mut sql = format!(
        "SELECT {}, m.role FROM workspace_members m JOIN users u ON u.id = m.user_id
         WHERE m.workspace_id = ? AND m.status = ? AND m.role IN ({})
           AND NOT EXISTS (SELECT 1 FROM program_members pm WHERE pm.program_id = ? AND pm.user_id = m.user_id)",
        super::users::COLUMNS,
        placeholders(roles.len())
    );
    let mut args = vec![Value::Integer(workspace_id), Value::Text(active_status.to_string())];
    args.extend(roles.iter().map(|r| Value::Text(r.to_string())));
    if roles.is_empty() {
        args.push(Value::Null);
    }
    args.push(Value::Integer(program_id));
    if let Some(text) = text.filter(|t| !t.is_empty()) {
        sql.push_str(" AND (instr(lower(u.login), ?) > 0 OR instr(lower(u.name), ?) > 0)");
        args.push(Value::Text(text.to_lowercase()));
        args.push(Value::Text(text.to_lowercase()));
    }
    sql.push_str(" ORDER BY u.login LIMIT ? OFFSET ?");
    args.push(Value::Integer(page.limit.min(i64::MAX as u64) as i64));
    args.push(Value::Integer(page.offset as i64));
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(params_from_iter(args), |r| Ok((super::users::from_row(r)?, r.get(8)?)))?;
    rows.collect()
}

pub fn is_member(conn: &Connection, program_id: i64, user_id: i64) -> rusqlite::Result<bool> {
    conn.query_row_cached(
        "SELECT EXISTS (SELECT 1 FROM program_members WHERE program_id = ?1 AND user_id = ?2)",
        params![program_id, user_id],
        |r| r.get(0),
    )
}

pub fn add(conn: &Connection, program_id: i64, user_id: i64, added_by: i64, now: &str) -> rusqlite::Result<()> {
    conn.execute_cached(
        "INSERT INTO program_members (program_id, user_id, added_by, added_at) VALUES (?1, ?2, ?3, ?4)",
        params![program_id, user_id, added_by, now],
    )?;
    Ok(())
}

pub fn remove(conn: &Connection, program_id: i64, user_id: i64) -> rusqlite::Result<bool> {
    let n = conn
        .execute("DELETE FROM program_members WHERE program_id = ?1 AND user_id = ?2", params![program_id, user_id])?;
    Ok(n > 0)
}
