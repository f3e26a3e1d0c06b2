//! Workspaces and their memberships.

use super::records::{Membership, Workspace, WorkspaceMember};
use super::Cached;
use crate::domain::{MemberStatus, WorkspaceRole};
use rusqlite::{params, Connection, OptionalExtension};

/// The workspace role in column `index`.
pub(crate) fn role_at(row: &rusqlite::Row<'_>, index: usize) -> rusqlite::Result<WorkspaceRole> {
    let text = super::str_at(row, index)?;
    WorkspaceRole::parse(text).ok_or_else(|| bad_value("workspace role", text))
}

/// The member status in column `index`.
pub(crate) fn status_at(row: &rusqlite::Row<'_>, index: usize) -> rusqlite::Result<MemberStatus> {
    let text = super::str_at(row, index)?;
    MemberStatus::parse(text).ok_or_else(|| bad_value("member status", text))
}

pub(crate) fn bad_value(what: &str, text: &str) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(
        0,
        rusqlite::types::Type::Text,
        format!("unknown {what} {text:?} in the database").into(),
    )
}

pub fn insert(conn: &Connection, name: &str, created_by: i64, now: &str) -> rusqlite::Result<i64> {
    conn.execute_cached(
        "INSERT INTO workspaces (name, created_by, created_at) VALUES (?1, ?2, ?3)",
        params![name, created_by, now],
    )?;
    Ok(conn.last_insert_rowid())
}

pub fn by_name(conn: &Connection, name: &str) -> rusqlite::Result<Option<Workspace>> {
    // Ignoring case; an exact match first (for data written before names
    // were unique ignoring case).
    conn.query_row_cached(
        "SELECT id, name FROM workspaces WHERE name = ?1 COLLATE NOCASE ORDER BY name = ?1 DESC LIMIT 1",
        [name],
        |r| Ok(Workspace { id: r.get(0)?, name: super::text(r, 1)? }),
    )
    .optional()
}

/// Renames a workspace.
pub fn rename(conn: &Connection, id: i64, name: &str) -> rusqlite::Result<()> {
    conn.execute_cached("UPDATE workspaces SET name = ?2 WHERE id = ?1", params![id, name])?;
    Ok(())
}

/// What an empty workspace must not hold: (programs, members besides the
/// Owner, pending invitations).
pub fn contents(conn: &Connection, id: i64) -> rusqlite::Result<(u64, u64, u64)> {
    conn.query_row_cached(
        "SELECT (SELECT count(*) FROM programs WHERE workspace_id = ?1),
                (SELECT count(*) FROM workspace_members WHERE workspace_id = ?1 AND role <> 'owner'),
                (SELECT count(*) FROM invitations WHERE workspace_id = ?1 AND state = 'pending')",
        [id],
        |r| Ok((r.get::<_, i64>(0)? as u64, r.get::<_, i64>(1)? as u64, r.get::<_, i64>(2)? as u64)),
    )
}

/// Deletes an empty workspace. Its row stays, for the audit entries and
/// past invitations that name it, under a name no person can type (a
/// control character: names refuse them), so its own name is free again;
/// without members nobody sees it.
pub fn delete(conn: &Connection, id: i64) -> rusqlite::Result<()> {
    conn.execute_cached("DELETE FROM workspace_members WHERE workspace_id = ?1", [id])?;
    conn.execute_cached("UPDATE workspaces SET name = ?2 WHERE id = ?1", params![id, format!("\u{1}deleted {id}")])?;
    Ok(())
}

pub fn count(conn: &Connection) -> rusqlite::Result<u64> {
    conn.query_row_cached("SELECT count(*) FROM workspaces", [], |r| r.get::<_, i64>(0)).map(|n| n as u64)
}

/// Workspaces a user has any membership in, with that membership.
pub fn of_user(conn: &Connection, user_id: i64) -> rusqlite::Result<Vec<(Workspace, Membership)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT w.id, w.name, m.role, m.status FROM workspace_members m
         JOIN workspaces w ON w.id = m.workspace_id
         WHERE m.user_id = ?1 ORDER BY w.name",
    )?;
    let rows = stmt.query_map([user_id], |r| {
        Ok((
            Workspace { id: r.get(0)?, name: super::text(r, 1)? },
            Membership { role: role_at(r, 2)?, status: status_at(r, 3)? },
        ))
    })?;
    rows.collect()
}

pub fn membership(conn: &Connection, workspace_id: i64, user_id: i64) -> rusqlite::Result<Option<Membership>> {
    conn.query_row_cached(
        "SELECT role, status FROM workspace_members WHERE workspace_id = ?1 AND user_id = ?2",
        params![workspace_id, user_id],
        |r| Ok(Membership { role: role_at(r, 0)?, status: status_at(r, 1)? }),
    )
    .optional()
}

pub fn add_member(
    conn: &Connection,
    workspace_id: i64,
    user_id: i64,
    role: WorkspaceRole,
    status: MemberStatus,
    invited_by: Option<i64>,
    now: &str,
) -> rusqlite::Result<()> {
    conn.execute_cached(
        "INSERT INTO workspace_members (workspace_id, user_id, role, status, since, invited_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![workspace_id, user_id, role.as_str(), status.as_str(), now, invited_by],
    )?;
    Ok(())
}

pub fn set_status(conn: &Connection, workspace_id: i64, user_id: i64, status: MemberStatus) -> rusqlite::Result<()> {
    conn.execute_cached(
        "UPDATE workspace_members SET status = ?3 WHERE workspace_id = ?1 AND user_id = ?2",
        params![workspace_id, user_id, status.as_str()],
    )?;
    Ok(())
}

pub fn count_members(conn: &Connection, workspace_id: i64) -> rusqlite::Result<u64> {
    conn.query_row_cached("SELECT count(*) FROM workspace_members WHERE workspace_id = ?1", [workspace_id], |r| {
        r.get::<_, i64>(0)
    })
    .map(|n| n as u64)
}

pub fn set_role(conn: &Connection, workspace_id: i64, user_id: i64, role: WorkspaceRole) -> rusqlite::Result<()> {
    conn.execute_cached(
        "UPDATE workspace_members SET role = ?3 WHERE workspace_id = ?1 AND user_id = ?2",
        params![workspace_id, user_id, role.as_str()],
    )?;
    Ok(())
}

/// Removes the membership and, with it, every program membership in the workspace.
pub fn remove_member(conn: &Connection, workspace_id: i64, user_id: i64) -> rusqlite::Result<()> {
    conn.execute_cached(
        "DELETE FROM program_members WHERE user_id = ?2
         AND program_id IN (SELECT id FROM programs WHERE workspace_id = ?1)",
        params![workspace_id, user_id],
    )?;
    conn.execute_cached(
        "DELETE FROM workspace_members WHERE workspace_id = ?1 AND user_id = ?2",
        params![workspace_id, user_id],
    )?;
    Ok(())
}

/// The members whose membership ends by `until` (those already ended
/// too, until noticed), soonest first: read from the index of expiring
/// memberships, never by walking the workspace's members.
pub fn expiring_members(
    conn: &Connection,
    workspace_id: i64,
    until: &str,
    offset: u64,
    limit: u64,
) -> rusqlite::Result<Vec<WorkspaceMember>> {
    let mut stmt = conn.prepare_cached(
        "SELECT u.login, u.name, m.role, m.status, m.since, u.disabled_at IS NOT NULL, m.expires_at FROM workspace_members m
         JOIN users u ON u.id = m.user_id WHERE m.expires_at <= ?2 AND +m.workspace_id = ?1
         ORDER BY m.expires_at, u.login LIMIT ?3 OFFSET ?4",
    )?;
    let rows = stmt.query_map(params![workspace_id, until, limit as i64, offset as i64], member_of)?;
    rows.collect()
}

pub fn count_expiring_members(conn: &Connection, workspace_id: i64, until: &str) -> rusqlite::Result<u64> {
    conn.query_row_cached(
        "SELECT count(*) FROM workspace_members m WHERE m.expires_at <= ?2 AND +m.workspace_id = ?1",
        params![workspace_id, until],
        |r| r.get::<_, i64>(0),
    )
    .map(|n| n as u64)
}

fn member_of(r: &rusqlite::Row<'_>) -> rusqlite::Result<WorkspaceMember> {
    Ok(WorkspaceMember {
        login: super::text(r, 0)?,
        name: super::text(r, 1)?,
        role: role_at(r, 2)?,
        status: status_at(r, 3)?,
        since: super::text(r, 4)?,
        expires_at: super::opt_text(r, 6)?,
        disabled: r.get(5)?,
    })
}

pub fn members(
    conn: &Connection,
    workspace_id: i64,
    offset: u64,
    limit: u64,
) -> rusqlite::Result<Vec<WorkspaceMember>> {
    let mut stmt = conn.prepare_cached(
        "SELECT u.login, u.name, m.role, m.status, m.since, u.disabled_at IS NOT NULL, m.expires_at FROM workspace_members m
         JOIN users u ON u.id = m.user_id WHERE m.workspace_id = ?1
         ORDER BY CASE m.role WHEN 'owner' THEN 0 WHEN 'master' THEN 1 ELSE 2 END, u.login
         LIMIT ?2 OFFSET ?3",
    )?;
    let rows = stmt.query_map(params![workspace_id, limit as i64, offset as i64], member_of)?;
    rows.collect()
}

/// How many programs and audit entries a workspace has, as the schema's
/// triggers keep them (zero for one with none).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    pub programs: u64,
    pub entries: u64,
}

pub fn tally(conn: &Connection, workspace_id: i64) -> rusqlite::Result<Tally> {
    conn.query_row_cached(
        "SELECT programs, entries FROM workspace_tallies WHERE workspace_id = ?1",
        [workspace_id],
        |r| Ok(Tally { programs: r.get::<_, i64>(0)?.max(0) as u64, entries: r.get::<_, i64>(1)?.max(0) as u64 }),
    )
    .optional()
    .map(Option::unwrap_or_default)
}
