//! Program members: explicit rows, plus the workspace's managers who reach
//! every program, and the new member list.

use super::placeholders;
use super::records::{MemberRow, User};
use super::workspaces::parse_role;
use rusqlite::types::Value;
use rusqlite::{params, params_from_iter, Connection};

/// Everyone who reaches a program, one page: explicit members (Active in
/// the workspace) and the workspace members whose role is in `manager_roles`.
pub fn reaching(
    conn: &Connection,
    workspace_id: i64,
    program_id: i64,
    active_status: &str,
    manager_roles: &[&str],
    offset: u64,
    limit: u64,
) -> rusqlite::Result<Vec<MemberRow>> {
    let sql = format!(
        "SELECT u.login, u.name, m.role, pm.user_id IS NOT NULL, ab.login, pm.added_at
         FROM workspace_members m JOIN users u ON u.id = m.user_id
         LEFT JOIN program_members pm ON pm.program_id = ?2 AND pm.user_id = m.user_id
         LEFT JOIN users ab ON ab.id = pm.added_by
         WHERE m.workspace_id = ?1 AND m.status = ?3
           AND (pm.user_id IS NOT NULL OR m.role IN ({}))
         ORDER BY CASE m.role WHEN 'owner' THEN 0 WHEN 'master' THEN 1 ELSE 2 END, u.login
         LIMIT ?4 OFFSET ?5",
        (0..manager_roles.len().max(1))
            .map(|i| format!("?{}", i + 6))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let mut args = vec![
        Value::Integer(workspace_id),
        Value::Integer(program_id),
        Value::Text(active_status.to_string()),
        Value::Integer(limit.min(i64::MAX as u64) as i64),
        Value::Integer(offset as i64),
    ];
    args.extend(manager_roles.iter().map(|r| Value::Text(r.to_string())));
    if manager_roles.is_empty() {
        args.push(Value::Null);
    }
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(params_from_iter(args), |r| {
        Ok(MemberRow {
            login: r.get(0)?,
            name: r.get(1)?,
            workspace_role: parse_role(r.get(2)?)?,
            explicit: r.get(3)?,
            added_by: r.get(4)?,
            added_at: r.get(5)?,
        })
    })?;
    rows.collect()
}

/// Active workspace members with a role in `roles` who are not members of
/// the program yet (the new member list), one page.
pub fn candidates(
    conn: &Connection,
    workspace_id: i64,
    program_id: i64,
    active_status: &str,
    roles: &[&str],
    offset: u64,
    limit: u64,
) -> rusqlite::Result<Vec<(User, String)>> {
    let sql = format!(
        "SELECT u.id, u.login, u.name, u.email, m.role FROM workspace_members m JOIN users u ON u.id = m.user_id
         WHERE m.workspace_id = ? AND m.status = ? AND m.role IN ({})
           AND NOT EXISTS (SELECT 1 FROM program_members pm WHERE pm.program_id = ? AND pm.user_id = m.user_id)
         ORDER BY u.login LIMIT ? OFFSET ?",
        placeholders(roles.len())
    );
    let mut args = vec![
        Value::Integer(workspace_id),
        Value::Text(active_status.to_string()),
    ];
    args.extend(roles.iter().map(|r| Value::Text(r.to_string())));
    if roles.is_empty() {
        args.push(Value::Null);
    }
    args.push(Value::Integer(program_id));
    args.push(Value::Integer(limit.min(i64::MAX as u64) as i64));
    args.push(Value::Integer(offset as i64));
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(params_from_iter(args), |r| {
        Ok((
            User {
                id: r.get(0)?,
                login: r.get(1)?,
                name: r.get(2)?,
                email: r.get(3)?,
            },
            r.get(4)?,
        ))
    })?;
    rows.collect()
}

pub fn is_member(conn: &Connection, program_id: i64, user_id: i64) -> rusqlite::Result<bool> {
    conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM program_members WHERE program_id = ?1 AND user_id = ?2)",
        params![program_id, user_id],
        |r| r.get(0),
    )
}

pub fn add(
    conn: &Connection,
    program_id: i64,
    user_id: i64,
    added_by: i64,
    now: &str,
) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO program_members (program_id, user_id, added_by, added_at) VALUES (?1, ?2, ?3, ?4)",
        params![program_id, user_id, added_by, now],
    )?;
    Ok(())
}

pub fn remove(conn: &Connection, program_id: i64, user_id: i64) -> rusqlite::Result<bool> {
    let n = conn.execute(
        "DELETE FROM program_members WHERE program_id = ?1 AND user_id = ?2",
        params![program_id, user_id],
    )?;
    Ok(n > 0)
}
