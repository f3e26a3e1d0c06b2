//! SSH public keys, found by fingerprint (unique) or by person.

use super::records::SshKey;
use super::Cached;
use rusqlite::{params, Connection, OptionalExtension};

const COLUMNS: &str = "u.login, k.algorithm, k.key, k.comment, k.fingerprint, k.added_by, k.added_at, k.expires_at";

fn from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<SshKey> {
    Ok(SshKey {
        login: super::text(r, 0)?,
        algorithm: super::text(r, 1)?,
        key: super::text(r, 2)?,
        comment: super::text(r, 3)?,
        fingerprint: super::text(r, 4)?,
        added_by: super::text(r, 5)?,
        added_at: super::text(r, 6)?,
        expires_at: super::opt_text(r, 7)?,
    })
}

pub struct NewKey<'a> {
    pub user_id: i64,
    pub algorithm: &'a str,
    pub key: &'a str,
    pub comment: &'a str,
    pub fingerprint: &'a str,
    pub added_by: &'a str,
    pub now: &'a str,
    /// When the key stops being accepted.
    pub expires_at: Option<&'a str>,
}

pub fn insert(conn: &Connection, k: &NewKey<'_>) -> rusqlite::Result<()> {
    conn.execute_cached(
        "INSERT INTO ssh_keys (user_id, algorithm, key, comment, fingerprint, added_by, added_at, expires_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![k.user_id, k.algorithm, k.key, k.comment, k.fingerprint, k.added_by, k.now, k.expires_at],
    )?;
    Ok(())
}

pub fn by_fingerprint(conn: &Connection, fingerprint: &str) -> rusqlite::Result<Option<SshKey>> {
    conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM ssh_keys k JOIN users u ON u.id = k.user_id WHERE k.fingerprint = ?1"
    ))?
    .query_row([fingerprint], from_row)
    .optional()
}

/// One person's keys, or everyone's (`None`), oldest first.
pub fn list(conn: &Connection, user_id: Option<i64>) -> rusqlite::Result<Vec<SshKey>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM ssh_keys k JOIN users u ON u.id = k.user_id
         WHERE ?1 IS NULL OR k.user_id = ?1 ORDER BY k.id"
    ))?;
    let rows = stmt.query_map([user_id], from_row)?;
    rows.collect()
}

/// Sets (or clears) when a key stops being accepted.
pub fn set_end(conn: &Connection, fingerprint: &str, end: Option<&str>) -> rusqlite::Result<usize> {
    conn.execute_cached("UPDATE ssh_keys SET expires_at = ?2 WHERE fingerprint = ?1", params![fingerprint, end])
}

pub fn remove(conn: &Connection, fingerprint: &str) -> rusqlite::Result<usize> {
    conn.execute_cached("DELETE FROM ssh_keys WHERE fingerprint = ?1", [fingerprint])
}
