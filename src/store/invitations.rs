//! Workspace invitations.

use super::records::InvitationRow;
use super::workspaces::{bad_value, role_at};
use super::Cached;
use crate::domain::invitation::StoredState;
use crate::domain::WorkspaceRole;
use rusqlite::{params, Connection, OptionalExtension};

const COLUMNS: &str = "i.id, w.name, u.login, u.name, i.role, i.state, ib.login, i.sent_at, i.expires_at, i.decided_at,
    u.disabled_at IS NOT NULL, i.access_seconds, i.access_until
    FROM invitations i JOIN workspaces w ON w.id = i.workspace_id JOIN users u ON u.id = i.user_id
    JOIN users ib ON ib.id = i.invited_by";

fn from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<InvitationRow> {
    let state: String = r.get(5)?;
    Ok(InvitationRow {
        id: r.get(0)?,
        workspace: super::text(r, 1)?,
        login: super::text(r, 2)?,
        name: super::text(r, 3)?,
        role: role_at(r, 4)?,
        state: StoredState::parse(&state).ok_or_else(|| bad_value("invitation state", &state))?,
        invited_by: super::text(r, 6)?,
        sent_at: super::text(r, 7)?,
        expires_at: super::text(r, 8)?,
        decided_at: super::opt_text(r, 9)?,
        invitee_disabled: r.get(10)?,
        access_seconds: r.get(11)?,
        access_until: super::opt_text(r, 12)?,
    })
}

pub struct NewInvitation<'a> {
    pub workspace_id: i64,
    pub user_id: i64,
    pub role: WorkspaceRole,
    pub invited_by: i64,
    pub sent_at: &'a str,
    pub expires_at: &'a str,
}

pub fn insert(conn: &Connection, n: &NewInvitation<'_>) -> rusqlite::Result<i64> {
    conn.execute_cached(
        "INSERT INTO invitations (workspace_id, user_id, role, state, invited_by, sent_at, expires_at)
         VALUES (?1, ?2, ?3, 'pending', ?4, ?5, ?6)",
        params![n.workspace_id, n.user_id, n.role.as_str(), n.invited_by, n.sent_at, n.expires_at],
    )?;
    Ok(conn.last_insert_rowid())
}

/// How long an invitation's access lasts once accepted: seconds from the
/// acceptance, or until an instant (neither: no end).
pub fn set_access(conn: &Connection, id: i64, seconds: Option<i64>, until: Option<&str>) -> rusqlite::Result<()> {
    conn.execute_cached(
        "UPDATE invitations SET access_seconds = ?2, access_until = ?3 WHERE id = ?1",
        params![id, seconds, until],
    )?;
    Ok(())
}

pub fn access(conn: &Connection, id: i64) -> rusqlite::Result<(Option<i64>, Option<String>)> {
    conn.query_row_cached("SELECT access_seconds, access_until FROM invitations WHERE id = ?1", [id], |r| {
        Ok((r.get(0)?, super::opt_text(r, 1)?))
    })
}

/// The pending invitation (expired or not) of a user to a workspace.
pub fn pending(conn: &Connection, workspace_id: i64, user_id: i64) -> rusqlite::Result<Option<InvitationRow>> {
    let sql = format!("SELECT {COLUMNS} WHERE i.workspace_id = ?1 AND i.user_id = ?2 AND i.state = 'pending'");
    conn.query_row_cached(&sql, params![workspace_id, user_id], from_row).optional()
}

pub fn decide(conn: &Connection, id: i64, state: StoredState, at: &str) -> rusqlite::Result<()> {
    conn.execute_cached(
        "UPDATE invitations SET state = ?2, decided_at = ?3 WHERE id = ?1",
        params![id, state.as_str(), at],
    )?;
    Ok(())
}

pub fn resend(conn: &Connection, id: i64, sent_at: &str, expires_at: &str) -> rusqlite::Result<()> {
    conn.execute_cached(
        "UPDATE invitations SET sent_at = ?2, expires_at = ?3 WHERE id = ?1",
        params![id, sent_at, expires_at],
    )?;
    Ok(())
}

/// A workspace's invitations, every state, newest first.
pub fn of_workspace(
    conn: &Connection,
    workspace_id: i64,
    offset: u64,
    limit: u64,
) -> rusqlite::Result<Vec<InvitationRow>> {
    let sql = format!("SELECT {COLUMNS} WHERE i.workspace_id = ?1 ORDER BY i.id DESC LIMIT ?2 OFFSET ?3");
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(params![workspace_id, limit.min(i64::MAX as u64) as i64, offset as i64], from_row)?;
    rows.collect()
}

/// A workspace's pending invitations (expired or not), oldest first.
pub fn pending_of_workspace(
    conn: &Connection,
    workspace_id: i64,
    offset: u64,
    limit: u64,
) -> rusqlite::Result<Vec<InvitationRow>> {
    let sql = format!(
        "SELECT {COLUMNS} WHERE i.workspace_id = ?1 AND i.state = 'pending' ORDER BY i.sent_at, i.id LIMIT ?2 OFFSET ?3"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(params![workspace_id, limit.min(i64::MAX as u64) as i64, offset as i64], from_row)?;
    rows.collect()
}

pub fn count_pending_of_workspace(conn: &Connection, workspace_id: i64) -> rusqlite::Result<u64> {
    conn.query_row_cached(
        "SELECT count(*) FROM invitations WHERE workspace_id = ?1 AND state = 'pending'",
        [workspace_id],
        |r| r.get::<_, i64>(0),
    )
    .map(|n| n as u64)
}

/// A user's own invitations, every state, newest first.
pub fn of_user(conn: &Connection, user_id: i64) -> rusqlite::Result<Vec<InvitationRow>> {
    let sql = format!("SELECT {COLUMNS} WHERE i.user_id = ?1 ORDER BY i.id DESC LIMIT 500");
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map([user_id], from_row)?;
    rows.collect()
}
