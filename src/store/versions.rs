//! Uploaded versions and their packages.

use super::records::Version;
use super::workspaces::bad_value;
use super::Cached;
use crate::domain::VersionState;
use rusqlite::{params, Connection, OptionalExtension};

fn from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Version> {
    let state: String = r.get(1)?;
    Ok(Version {
        version: super::text(r, 0)?,
        state: VersionState::parse(&state).ok_or_else(|| bad_value("version state", &state))?,
        size: r.get::<_, i64>(2)? as u64,
        sha256: super::text(r, 3)?,
        notes: super::text(r, 4)?,
        uploaded_by: super::text(r, 5)?,
        uploaded_at: super::text(r, 6)?,
    })
}

const COLUMNS: &str = "v.version, v.state, v.size, v.sha256, v.notes, u.login, v.uploaded_at
    FROM versions v JOIN users u ON u.id = v.uploaded_by";

/// Newest first (upload order is version order: invariant 5).
pub fn list(conn: &Connection, program_id: i64, offset: u64, limit: u64) -> rusqlite::Result<Vec<Version>> {
    let sql = format!("SELECT {COLUMNS} WHERE v.program_id = ?1 ORDER BY v.id DESC LIMIT ?2 OFFSET ?3");
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(params![program_id, limit.min(i64::MAX as u64) as i64, offset as i64], from_row)?;
    rows.collect()
}

/// The last uploaded version, which is also the greatest.
pub fn latest(conn: &Connection, program_id: i64) -> rusqlite::Result<Option<Version>> {
    let sql = format!("SELECT {COLUMNS} WHERE v.program_id = ?1 ORDER BY v.id DESC LIMIT 1");
    conn.query_row_cached(&sql, [program_id], from_row).optional()
}

pub fn find(conn: &Connection, program_id: i64, version: &str) -> rusqlite::Result<Option<(i64, Version)>> {
    let sql = format!("SELECT v.id, {COLUMNS} WHERE v.program_id = ?1 AND v.version = ?2");
    conn.query_row_cached(&sql, params![program_id, version], |r| {
        let id: i64 = r.get(0)?;
        let state: String = r.get(2)?;
        Ok((
            id,
            Version {
                version: super::text(r, 1)?,
                state: VersionState::parse(&state).ok_or_else(|| bad_value("version state", &state))?,
                size: r.get::<_, i64>(3)? as u64,
                sha256: super::text(r, 4)?,
                notes: super::text(r, 5)?,
                uploaded_by: super::text(r, 6)?,
                uploaded_at: super::text(r, 7)?,
            },
        ))
    })
    .optional()
}

pub struct NewVersion<'a> {
    pub program_id: i64,
    pub version: &'a str,
    pub bytes: &'a [u8],
    pub sha256: &'a str,
    pub notes: &'a str,
    pub uploaded_by: i64,
    pub now: &'a str,
}

pub fn insert(conn: &Connection, v: &NewVersion<'_>) -> rusqlite::Result<()> {
    conn.execute_cached(
        "INSERT INTO versions (program_id, version, state, size, sha256, notes, uploaded_by, uploaded_at)
         VALUES (?1, ?2, 'uploaded', ?3, ?4, ?5, ?6, ?7)",
        params![v.program_id, v.version, v.bytes.len() as i64, v.sha256, v.notes, v.uploaded_by, v.now],
    )?;
    let id = conn.last_insert_rowid();
    conn.execute_cached("INSERT INTO packages (version_id, bytes) VALUES (?1, ?2)", params![id, v.bytes])?;
    Ok(())
}

/// The live version, if any, becomes superseded.
pub fn retire_live(conn: &Connection, program_id: i64) -> rusqlite::Result<()> {
    conn.execute_cached(
        "UPDATE versions SET state = 'superseded' WHERE program_id = ?1 AND state = 'live'",
        [program_id],
    )?;
    Ok(())
}

pub fn make_live(conn: &Connection, version_id: i64) -> rusqlite::Result<()> {
    conn.execute_cached("UPDATE versions SET state = 'live' WHERE id = ?1", [version_id])?;
    Ok(())
}

pub fn package(conn: &Connection, version_id: i64) -> rusqlite::Result<Vec<u8>> {
    conn.query_row_cached("SELECT bytes FROM packages WHERE version_id = ?1", [version_id], |r| r.get(0))
}
