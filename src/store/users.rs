//! Users.

use super::records::User;
use super::Cached;
use rusqlite::{params, Connection, OptionalExtension};

fn from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<User> {
    Ok(User {
        id: row.get(0)?,
        login: super::text(row, 1)?,
        name: super::text(row, 2)?,
        email: super::opt_text(row, 3)?,
    })
}

pub fn insert(conn: &Connection, login: &str, name: &str, email: Option<&str>, now: &str) -> rusqlite::Result<i64> {
    conn.execute_cached(
        "INSERT INTO users (login, name, email, created_at) VALUES (?1, ?2, ?3, ?4)",
        params![login, name, email, now],
    )?;
    Ok(conn.last_insert_rowid())
}

pub fn by_login(conn: &Connection, login: &str) -> rusqlite::Result<Option<User>> {
    conn.query_row_cached("SELECT id, login, name, email FROM users WHERE login = ?1", [login], from_row).optional()
}

pub fn list(conn: &Connection, offset: u64, limit: u64) -> rusqlite::Result<Vec<User>> {
    let mut stmt = conn.prepare_cached("SELECT id, login, name, email FROM users ORDER BY login LIMIT ?1 OFFSET ?2")?;
    let rows = stmt.query_map(params![limit as i64, offset as i64], from_row)?;
    rows.collect()
}

pub fn count(conn: &Connection) -> rusqlite::Result<u64> {
    conn.query_row_cached("SELECT count(*) FROM users", [], |r| r.get::<_, i64>(0)).map(|n| n as u64)
}

/// Users whose login or name contains `text` (case-insensitive), by login.
pub fn find(conn: &Connection, text: &str, offset: u64, limit: u64) -> rusqlite::Result<Vec<User>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, login, name, email FROM users
         WHERE ?1 = '' OR instr(lower(login), ?1) > 0 OR instr(lower(name), ?1) > 0
         ORDER BY login LIMIT ?2 OFFSET ?3",
    )?;
    let rows =
        stmt.query_map(params![text.to_lowercase(), limit.min(i64::MAX as u64) as i64, offset as i64], from_row)?;
    rows.collect()
}

/// A user; their membership of a workspace (role, status), if any; and
/// whether an invitation to it is pending.
pub type UserStanding = (User, Option<(String, String)>, bool);

/// Like [`find`], with each user's standing in a workspace: their
/// membership (role, status) and whether an invitation is pending.
pub fn find_in_workspace(
    conn: &Connection,
    workspace_id: i64,
    text: &str,
    offset: u64,
    limit: u64,
) -> rusqlite::Result<Vec<UserStanding>> {
    let mut stmt = conn.prepare_cached(
        "SELECT u.id, u.login, u.name, u.email, m.role, m.status,
                EXISTS (SELECT 1 FROM invitations i WHERE i.workspace_id = ?4 AND i.user_id = u.id AND i.state = 'pending')
         FROM users u LEFT JOIN workspace_members m ON m.workspace_id = ?4 AND m.user_id = u.id
         WHERE ?1 = '' OR instr(lower(u.login), ?1) > 0 OR instr(lower(u.name), ?1) > 0
         ORDER BY u.login LIMIT ?2 OFFSET ?3",
    )?;
    let rows = stmt.query_map(
        params![text.to_lowercase(), limit.min(i64::MAX as u64) as i64, offset as i64, workspace_id],
        |r| {
            let membership = match (super::opt_text(r, 4)?, super::opt_text(r, 5)?) {
                (Some(role), Some(status)) => Some((role, status)),
                _ => None,
            };
            Ok((from_row(r)?, membership, r.get(6)?))
        },
    )?;
    rows.collect()
}
