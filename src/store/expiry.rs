//! Memberships that end at an instant: the next end, what is due, and
//! setting an end. Both lists are read from partial indexes that hold only
//! the expiring rows.

use rusqlite::{params, Connection};

/// A membership whose end has come.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Due {
    pub workspace_id: i64,
    pub workspace: String,
    /// A program membership (else the workspace membership, which takes
    /// its program memberships with it).
    pub program: Option<DueProgram>,
    #[serde(skip)]
    pub user_id: i64,
    pub login: String,
    /// The workspace role (for a program membership too: the program role
    /// follows from it).
    pub role: String,
    pub expires_at: String,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct DueProgram {
    #[serde(skip)]
    pub id: i64,
    pub name: String,
    pub app_id: String,
}

/// The earliest end still to come or already due, of any membership.
pub fn next_end(conn: &Connection) -> rusqlite::Result<Option<String>> {
    conn.prepare_cached(
        "SELECT min(e) FROM (
            SELECT min(expires_at) AS e FROM workspace_members WHERE expires_at IS NOT NULL
            UNION ALL SELECT min(expires_at) FROM program_members WHERE expires_at IS NOT NULL)",
    )?
    .query_row([], |r| super::opt_text(r, 0))
}

/// Every membership whose end is at or before `now`, earliest first
/// (workspace memberships before program ones at the same instant), in
/// one statement read from the two partial indexes.
pub fn due(conn: &Connection, now: &str) -> rusqlite::Result<Vec<Due>> {
    let mut stmt = conn.prepare_cached(
        "SELECT m.workspace_id, w.name, m.user_id, u.login, m.role, m.expires_at, NULL, NULL, NULL, 0 AS kind
         FROM workspace_members m JOIN workspaces w ON w.id = m.workspace_id JOIN users u ON u.id = m.user_id
         WHERE m.expires_at IS NOT NULL AND m.expires_at <= ?1
         UNION ALL
         SELECT p.workspace_id, w.name, pm.user_id, u.login, coalesce(m.role, 'developer'), pm.expires_at,
                p.id, p.name, p.app_id, 1 AS kind
         FROM program_members pm JOIN programs p ON p.id = pm.program_id JOIN workspaces w ON w.id = p.workspace_id
         JOIN users u ON u.id = pm.user_id
         LEFT JOIN workspace_members m ON m.workspace_id = p.workspace_id AND m.user_id = pm.user_id
         WHERE pm.expires_at IS NOT NULL AND pm.expires_at <= ?1
         ORDER BY 6, 10, 1, 7, 3",
    )?;
    let rows = stmt.query_map([now], |r| {
        let program = match r.get::<_, Option<i64>>(6)? {
            Some(id) => Some(DueProgram { id, name: super::text(r, 7)?, app_id: super::text(r, 8)? }),
            None => None,
        };
        Ok(Due {
            workspace_id: r.get(0)?,
            workspace: super::text(r, 1)?,
            program,
            user_id: r.get(2)?,
            login: super::text(r, 3)?,
            role: super::text(r, 4)?,
            expires_at: super::text(r, 5)?,
        })
    })?;
    rows.collect()
}

/// Sets (or clears) when a workspace membership ends.
pub fn set_workspace_end(
    conn: &Connection,
    workspace_id: i64,
    user_id: i64,
    end: Option<&str>,
) -> rusqlite::Result<()> {
    conn.prepare_cached("UPDATE workspace_members SET expires_at = ?3 WHERE workspace_id = ?1 AND user_id = ?2")?
        .execute(params![workspace_id, user_id, end])?;
    Ok(())
}

/// Sets (or clears) when a program membership ends.
pub fn set_program_end(conn: &Connection, program_id: i64, user_id: i64, end: Option<&str>) -> rusqlite::Result<()> {
    conn.prepare_cached("UPDATE program_members SET expires_at = ?3 WHERE program_id = ?1 AND user_id = ?2")?
        .execute(params![program_id, user_id, end])?;
    Ok(())
}

/// When a workspace membership ends (None: never, or no membership).
pub fn workspace_end(conn: &Connection, workspace_id: i64, user_id: i64) -> rusqlite::Result<Option<String>> {
    use rusqlite::OptionalExtension;
    Ok(conn
        .prepare_cached("SELECT expires_at FROM workspace_members WHERE workspace_id = ?1 AND user_id = ?2")?
        .query_row(params![workspace_id, user_id], |r| super::opt_text(r, 0))
        .optional()?
        .flatten())
}

/// When a program membership ends (None: never, or no membership).
pub fn program_end(conn: &Connection, program_id: i64, user_id: i64) -> rusqlite::Result<Option<String>> {
    use rusqlite::OptionalExtension;
    Ok(conn
        .prepare_cached("SELECT expires_at FROM program_members WHERE program_id = ?1 AND user_id = ?2")?
        .query_row(params![program_id, user_id], |r| super::opt_text(r, 0))
        .optional()?
        .flatten())
}

/// The earlier of two ends (None is never).
pub fn earliest(a: Option<String>, b: Option<String>) -> Option<String> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// Where an ended membership was: a workspace, or a program by app ID or
/// name.
pub enum Place<'a> {
    Workspace(i64),
    AppId(&'a str),
    ProgramName(&'a str),
}

/// What the newest `membership_expired` entry says of `login` there, if
/// one does (read from the entries `system` wrote: few).
pub fn last_ended(conn: &Connection, login: &str, place: Place<'_>) -> rusqlite::Result<Option<String>> {
    use rusqlite::OptionalExtension;
    let (column, value) = match place {
        Place::Workspace(id) => ("workspace_id", rusqlite::types::Value::Integer(id)),
        Place::AppId(app_id) => ("program_app_id", rusqlite::types::Value::Text(app_id.to_string())),
        Place::ProgramName(name) => ("program", rusqlite::types::Value::Text(name.to_string())),
    };
    let pattern = format!("{}'s %", login.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_"));
    conn.prepare_cached(&format!(
        "SELECT detail FROM audit WHERE actor = ?1 AND operation = ?2 AND {column} = ?3
         AND detail LIKE ?4 ESCAPE '\\' ORDER BY id DESC LIMIT 1"
    ))?
    .query_row(
        params![
            crate::domain::expiry::SYSTEM,
            crate::domain::operation::AuditOp::MembershipExpired.as_str(),
            value,
            pattern
        ],
        |r| super::text(r, 0),
    )
    .optional()
}
