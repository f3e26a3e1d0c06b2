//! Users. A removed person's row stays (programs, versions and the log
//! name them) but is never listed or found again.

use super::records::User;
use super::Cached;
use crate::domain::people::Standing;
use rusqlite::{params, Connection, OptionalExtension};

/// The columns [`from_row`] reads, from `users u`.
pub(crate) const COLUMNS: &str =
    "u.id, u.login, u.name, u.email, u.disabled_at, u.disabled_by, u.disabled_reason, u.removed_at";

pub(crate) fn from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<User> {
    Ok(User {
        id: row.get(0)?,
        login: super::text(row, 1)?,
        name: super::text(row, 2)?,
        email: super::opt_text(row, 3)?,
        standing: standing_at(row, 4)?,
    })
}

/// The standing read from four columns: disabled_at, disabled_by,
/// disabled_reason, removed_at.
pub(crate) fn standing_at(row: &rusqlite::Row<'_>, first: usize) -> rusqlite::Result<Standing> {
    if let Some(at) = super::opt_text(row, first + 3)? {
        return Ok(Standing::Removed { at });
    }
    Ok(match super::opt_text(row, first)? {
        Some(at) => Standing::Disabled {
            at,
            by: super::opt_text(row, first + 1)?.unwrap_or_default(),
            reason: super::opt_text(row, first + 2)?,
        },
        None => Standing::Enabled,
    })
}

pub fn insert(conn: &Connection, login: &str, name: &str, email: Option<&str>, now: &str) -> rusqlite::Result<i64> {
    conn.execute_cached(
        "INSERT INTO users (login, name, email, created_at) VALUES (?1, ?2, ?3, ?4)",
        params![login, name, email, now],
    )?;
    Ok(conn.last_insert_rowid())
}

/// A user by login, removed ones included (the desk says why they cannot act).
pub fn by_login(conn: &Connection, login: &str) -> rusqlite::Result<Option<User>> {
    conn.query_row_cached(&format!("SELECT {COLUMNS} FROM users u WHERE u.login = ?1"), [login], from_row).optional()
}

pub fn by_id(conn: &Connection, id: i64) -> rusqlite::Result<Option<User>> {
    conn.query_row_cached(&format!("SELECT {COLUMNS} FROM users u WHERE u.id = ?1"), [id], from_row).optional()
}

/// Registered people, by login; with `sharing_with`, only that person and
/// those who share a workspace with them.
pub fn list(conn: &Connection, sharing_with: Option<i64>, offset: u64, limit: u64) -> rusqlite::Result<Vec<User>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM users u WHERE u.removed_at IS NULL
           AND (?3 IS NULL OR u.id = ?3 OR EXISTS (
                SELECT 1 FROM workspace_members mine JOIN workspace_members theirs
                    ON theirs.workspace_id = mine.workspace_id AND theirs.user_id = u.id
                WHERE mine.user_id = ?3))
         ORDER BY u.login LIMIT ?1 OFFSET ?2"
    ))?;
    let rows = stmt.query_map(params![limit as i64, offset as i64, sharing_with], from_row)?;
    rows.collect()
}

pub fn count(conn: &Connection) -> rusqlite::Result<u64> {
    conn.query_row_cached("SELECT count(*) FROM users", [], |r| r.get::<_, i64>(0)).map(|n| n as u64)
}

/// Users whose login or name contains `text` (case-insensitive), by login.
pub fn find(conn: &Connection, text: &str, offset: u64, limit: u64) -> rusqlite::Result<Vec<User>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM users u
         WHERE u.removed_at IS NULL AND (?1 = '' OR instr(lower(u.login), ?1) > 0 OR instr(lower(u.name), ?1) > 0)
         ORDER BY u.login LIMIT ?2 OFFSET ?3"
    ))?;
    let rows =
        stmt.query_map(params![text.to_lowercase(), limit.min(i64::MAX as u64) as i64, offset as i64], from_row)?;
    rows.collect()
}

/// A user; their membership of a workspace (role, status), if any; and
/// whether an invitation to it is pending.
pub type UserStanding = (User, Option<(String, String)>, bool);

/// Like [`find`], with each user's standing in a workspace: their
/// membership (role, status) and whether an invitation is pending. With
/// `sharing_with`, only people who share a workspace with that user, or
/// whose login is exactly `text` (an SSH session: a team's Owner may not
/// enumerate the server's whole registry).
pub fn find_in_workspace(
    conn: &Connection,
    workspace_id: i64,
    text: &str,
    sharing_with: Option<i64>,
    offset: u64,
    limit: u64,
) -> rusqlite::Result<Vec<UserStanding>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS}, m.role, m.status,
                EXISTS (SELECT 1 FROM invitations i WHERE i.workspace_id = ?4 AND i.user_id = u.id AND i.state = 'pending')
         FROM users u LEFT JOIN workspace_members m ON m.workspace_id = ?4 AND m.user_id = u.id
         WHERE u.removed_at IS NULL
           AND (?1 = '' OR instr(lower(u.login), ?1) > 0 OR instr(lower(u.name), ?1) > 0)
           AND (?5 IS NULL OR u.login = ?6 OR EXISTS (
                SELECT 1 FROM workspace_members mine JOIN workspace_members theirs
                    ON theirs.workspace_id = mine.workspace_id AND theirs.user_id = u.id
                WHERE mine.user_id = ?5))
         ORDER BY u.login LIMIT ?2 OFFSET ?3"
    ))?;
    let rows = stmt.query_map(
        params![
            text.to_lowercase(),
            limit.min(i64::MAX as u64) as i64,
            offset as i64,
            workspace_id,
            sharing_with,
            text
        ],
        |r| {
            let membership = match (super::opt_text(r, 8)?, super::opt_text(r, 9)?) {
                (Some(role), Some(status)) => Some((role, status)),
                _ => None,
            };
            Ok((from_row(r)?, membership, r.get(10)?))
        },
    )?;
    rows.collect()
}

/// Disables (`Some`) or enables (`None`) a person.
pub fn set_disabled(
    conn: &Connection,
    user_id: i64,
    disabled: Option<(&str, &str, Option<&str>)>,
) -> rusqlite::Result<()> {
    let (at, by, reason) = match disabled {
        Some((at, by, reason)) => (Some(at), Some(by), reason),
        None => (None, None, None),
    };
    conn.execute_cached(
        "UPDATE users SET disabled_at = ?2, disabled_by = ?3, disabled_reason = ?4 WHERE id = ?1",
        params![user_id, at, by, reason],
    )?;
    Ok(())
}

pub fn set_removed(conn: &Connection, user_id: i64, at: &str) -> rusqlite::Result<()> {
    conn.execute_cached("UPDATE users SET removed_at = ?2 WHERE id = ?1", params![user_id, at])?;
    Ok(())
}
