//! Live SSH sessions: one row from the moment sshd hands a connection to
//! mpdesk until it ends. The row is deleted when the session ends; a
//! crashed one is told apart by its process (see [`crate::process`]).

use super::Cached;
use crate::domain::remote::SessionFacts;
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;

pub struct NewSession<'a> {
    pub user_id: i64,
    pub fingerprint: &'a str,
    pub from: &'a str,
    /// `console` or `command`.
    pub kind: &'a str,
    pub command: &'a str,
    pub pid: u32,
    pub pid_start: u64,
    pub now: &'a str,
}

/// A session as the operator sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SessionRow {
    pub id: i64,
    pub login: String,
    pub fingerprint: String,
    pub from: String,
    pub kind: String,
    pub command: String,
    pub pid: u32,
    #[serde(skip)]
    pub pid_start: u64,
    pub started_at: String,
    /// Who ended it, if someone did and it has not gone yet.
    pub ended_by: Option<String>,
}

const COLUMNS: &str =
    "s.id, u.login, s.fingerprint, s.from_addr, s.kind, s.command, s.pid, s.pid_start, s.started_at, s.ended_by
    FROM ssh_sessions s JOIN users u ON u.id = s.user_id";

fn from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<SessionRow> {
    Ok(SessionRow {
        id: r.get(0)?,
        login: super::text(r, 1)?,
        fingerprint: super::text(r, 2)?,
        from: super::text(r, 3)?,
        kind: super::text(r, 4)?,
        command: super::text(r, 5)?,
        pid: r.get(6)?,
        pid_start: r.get::<_, i64>(7)? as u64,
        started_at: super::text(r, 8)?,
        ended_by: super::opt_text(r, 9)?,
    })
}

pub fn insert(conn: &Connection, s: &NewSession<'_>) -> rusqlite::Result<i64> {
    conn.execute_cached(
        "INSERT INTO ssh_sessions (user_id, fingerprint, from_addr, kind, command, pid, pid_start, started_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![s.user_id, s.fingerprint, s.from, s.kind, s.command, s.pid, s.pid_start as i64, s.now],
    )?;
    Ok(conn.last_insert_rowid())
}

pub fn remove(conn: &Connection, id: i64) -> rusqlite::Result<()> {
    conn.execute_cached("DELETE FROM ssh_sessions WHERE id = ?1", [id])?;
    Ok(())
}

/// Every recorded session, oldest first (the caller drops dead ones).
pub fn list(conn: &Connection) -> rusqlite::Result<Vec<SessionRow>> {
    let mut stmt = conn.prepare_cached(&format!("SELECT {COLUMNS} ORDER BY s.id"))?;
    let rows = stmt.query_map([], from_row)?;
    rows.collect()
}

pub fn end(conn: &Connection, id: i64, by: &str, now: &str) -> rusqlite::Result<()> {
    conn.execute_cached("UPDATE ssh_sessions SET ended_at = ?2, ended_by = ?3 WHERE id = ?1", params![id, now, by])?;
    Ok(())
}

/// Ends every session of one person.
pub fn end_all_of(conn: &Connection, user_id: i64, by: &str, now: &str) -> rusqlite::Result<()> {
    conn.execute_cached(
        "UPDATE ssh_sessions SET ended_at = ?2, ended_by = ?3 WHERE user_id = ?1 AND ended_at IS NULL",
        params![user_id, now, by],
    )?;
    Ok(())
}

/// Drops the record of a session whose process had `pid`: only one process
/// has a PID at a time, and the caller has it now.
pub fn forget_pid(conn: &Connection, pid: u32) -> rusqlite::Result<()> {
    conn.execute_cached("DELETE FROM ssh_sessions WHERE pid = ?1", [pid])?;
    Ok(())
}

/// What the rules need to know of a session now: its key's owner and
/// their standing, who it started as, and whether someone ended it. A
/// session whose row is gone counts as ended.
pub fn facts(conn: &Connection, id: i64) -> rusqlite::Result<SessionFacts> {
    let found = conn
        .query_row_cached(
            "SELECT s.user_id, s.ended_by, k.user_id, u.disabled_at, u.disabled_by, u.disabled_reason, u.removed_at,
             k.expires_at, p.disabled_at, p.disabled_by, p.disabled_reason, p.removed_at
             FROM ssh_sessions s LEFT JOIN ssh_keys k ON k.fingerprint = s.fingerprint
             LEFT JOIN users u ON u.id = k.user_id JOIN users p ON p.id = s.user_id WHERE s.id = ?1",
            [id],
            |r| {
                let owner = match r.get::<_, Option<i64>>(2)? {
                    Some(owner) => Some((owner, super::users::standing_at(r, 3)?)),
                    None => None,
                };
                Ok(SessionFacts {
                    started_as: r.get(0)?,
                    person: super::users::standing_at(r, 8)?,
                    ended_by: super::opt_text(r, 1)?,
                    key_owner: owner,
                    key_expires_at: super::opt_text(r, 7)?,
                })
            },
        )
        .optional()?;
    Ok(found.unwrap_or(SessionFacts {
        started_as: 0,
        person: crate::domain::people::Standing::Enabled,
        ended_by: Some("the session's record is gone".to_string()),
        key_owner: None,
        key_expires_at: None,
    }))
}
