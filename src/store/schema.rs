//! The schema, as ordered migrations. Append; never edit a released step.

use rusqlite_migration::{HookResult, M};

/// `PRAGMA application_id` of an mpdesk database ("MPDS").
pub const APPLICATION_ID: i64 = 0x4D50_4453;

pub fn migrations() -> Vec<M<'static>> {
    vec![
        M::up(V1),
        M::up(V2),
        M::up(V3),
        M::up(V4),
        M::up(V5),
        M::up(V6),
        M::up(V7),
        M::up(V8),
        M::up(V9),
        M::up(V10),
        M::up_with_hook(V11, chain_the_log),
        M::up(V12),
        M::up(V13),
        M::up(V14),
        M::up(V15),
        M::up(V16),
    ]
}

const V1: &str = r#"
PRAGMA application_id = 1297106003;
CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    login TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    email TEXT,
    created_at TEXT NOT NULL
);

CREATE TABLE workspaces (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    created_by INTEGER NOT NULL REFERENCES users(id),
    created_at TEXT NOT NULL
);

CREATE TABLE workspace_members (
    workspace_id INTEGER NOT NULL REFERENCES workspaces(id),
    user_id INTEGER NOT NULL REFERENCES users(id),
    role TEXT NOT NULL CHECK (role IN ('owner', 'master', 'developer')),
    status TEXT NOT NULL CHECK (status IN ('invited', 'active', 'blocked')),
    since TEXT NOT NULL,
    invited_by INTEGER REFERENCES users(id),
    expires_at TEXT,
    PRIMARY KEY (workspace_id, user_id)
) WITHOUT ROWID;
-- Invariant 1 (at most one Owner; the desk keeps "at least one").
CREATE UNIQUE INDEX workspace_one_owner ON workspace_members(workspace_id) WHERE role = 'owner';
CREATE INDEX workspace_members_by_user ON workspace_members(user_id, status);

CREATE TABLE programs (
    id INTEGER PRIMARY KEY,
    app_id TEXT NOT NULL UNIQUE,
    workspace_id INTEGER NOT NULL REFERENCES workspaces(id),
    name TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL CHECK (status IN ('draft', 'released', 'offline')),
    client_id TEXT,
    merchant_id TEXT,
    created_by INTEGER NOT NULL REFERENCES users(id),
    created_at TEXT NOT NULL,
    UNIQUE (workspace_id, name)
);
CREATE INDEX programs_by_name ON programs(name);

CREATE TABLE program_members (
    program_id INTEGER NOT NULL REFERENCES programs(id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES users(id),
    added_by INTEGER REFERENCES users(id),
    added_at TEXT NOT NULL,
    PRIMARY KEY (program_id, user_id)
) WITHOUT ROWID;
CREATE INDEX program_members_by_user ON program_members(user_id);

CREATE TABLE program_domains (
    program_id INTEGER NOT NULL REFERENCES programs(id) ON DELETE CASCADE,
    origin TEXT NOT NULL,
    PRIMARY KEY (program_id, origin)
) WITHOUT ROWID;

CREATE TABLE versions (
    id INTEGER PRIMARY KEY,
    program_id INTEGER NOT NULL REFERENCES programs(id) ON DELETE CASCADE,
    version TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('uploaded', 'live', 'superseded')),
    size INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    notes TEXT NOT NULL DEFAULT '',
    uploaded_by INTEGER NOT NULL REFERENCES users(id),
    uploaded_at TEXT NOT NULL,
    UNIQUE (program_id, version)
);
-- Invariant 4: at most one live version per program.
CREATE UNIQUE INDEX versions_one_live ON versions(program_id) WHERE state = 'live';

-- Package bytes apart from version rows, so listing versions never reads blobs.
CREATE TABLE packages (
    version_id INTEGER PRIMARY KEY REFERENCES versions(id) ON DELETE CASCADE,
    bytes BLOB NOT NULL
);

CREATE TABLE audit (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    workspace_id INTEGER REFERENCES workspaces(id),
    workspace TEXT,
    program_app_id TEXT,
    program TEXT,
    operation TEXT NOT NULL,
    outcome TEXT NOT NULL CHECK (outcome IN ('ok', 'denied')),
    detail TEXT NOT NULL
);
CREATE INDEX audit_by_workspace ON audit(workspace_id, id);
CREATE INDEX audit_by_program ON audit(program_app_id, id);
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
"#;

/// Explicit members walked in the order they were added, and a
/// workspace's Owner and Masters found by role, so a page of a long member
/// list is read from indexes, not scanned or sorted whole.
const V2: &str = r#"
CREATE INDEX program_members_by_added ON program_members(program_id, added_at, user_id);
CREATE INDEX workspace_members_by_role ON workspace_members(workspace_id, role, status);
"#;

/// Workspace invitations and their history. "Expired" is computed from
/// `expires_at`; a person has at most one pending invitation per workspace.
const V3: &str = r#"
CREATE TABLE invitations (
    id INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL REFERENCES workspaces(id),
    user_id INTEGER NOT NULL REFERENCES users(id),
    role TEXT NOT NULL CHECK (role IN ('master', 'developer')),
    state TEXT NOT NULL CHECK (state IN ('pending', 'accepted', 'declined', 'withdrawn')),
    invited_by INTEGER NOT NULL REFERENCES users(id),
    sent_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    decided_at TEXT
);
CREATE UNIQUE INDEX invitations_one_pending ON invitations(workspace_id, user_id) WHERE state = 'pending';
CREATE INDEX invitations_by_workspace ON invitations(workspace_id, state, sent_at, id);
CREATE INDEX invitations_by_user ON invitations(user_id, state);
"#;

/// Names are unique, found and sorted ignoring case (ASCII letters, as
/// SQLite's NOCASE folds them): indexes in that order.
const V4: &str = r#"
CREATE INDEX programs_by_name_nocase ON programs(workspace_id, name COLLATE NOCASE, name);
CREATE INDEX programs_by_any_name_nocase ON programs(name COLLATE NOCASE);
CREATE INDEX workspaces_by_name_nocase ON workspaces(name COLLATE NOCASE);
"#;

/// SSH public keys (a key belongs to at most one person, found by its
/// fingerprint), and how each audited actor came in.
const V5: &str = r#"
CREATE TABLE ssh_keys (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id),
    algorithm TEXT NOT NULL,
    key TEXT NOT NULL,
    comment TEXT NOT NULL DEFAULT '',
    fingerprint TEXT NOT NULL UNIQUE,
    added_by TEXT NOT NULL,
    added_at TEXT NOT NULL
);
CREATE INDEX ssh_keys_by_user ON ssh_keys(user_id);
ALTER TABLE audit ADD COLUMN via TEXT NOT NULL DEFAULT 'local';
"#;

/// Substring search on program names through an FTS5 trigram index,
/// kept in step by the database itself (the external-content pattern), so
/// no write path — and no row an older build or another program wrote —
/// can be missing from it; built from the existing rows here.
const V6: &str = r#"
CREATE VIRTUAL TABLE programs_fts USING fts5(name, content='programs', content_rowid='id', tokenize='trigram');
CREATE TRIGGER programs_fts_insert AFTER INSERT ON programs BEGIN
    INSERT INTO programs_fts(rowid, name) VALUES (new.id, new.name);
END;
CREATE TRIGGER programs_fts_delete AFTER DELETE ON programs BEGIN
    INSERT INTO programs_fts(programs_fts, rowid, name) VALUES ('delete', old.id, old.name);
END;
CREATE TRIGGER programs_fts_update AFTER UPDATE OF name ON programs BEGIN
    INSERT INTO programs_fts(programs_fts, rowid, name) VALUES ('delete', old.id, old.name);
    INSERT INTO programs_fts(rowid, name) VALUES (new.id, new.name);
END;
INSERT INTO programs_fts(programs_fts) VALUES ('rebuild');
"#;

/// Substring search in the audit log through a trigram index, kept in step
/// by a trigger (the log is append-only: entries are only ever inserted),
/// built from the existing entries here.
const V7: &str = r#"
CREATE VIRTUAL TABLE audit_fts USING fts5(actor, program, operation, detail, content='audit', content_rowid='id', tokenize='trigram');
CREATE TRIGGER audit_fts_insert AFTER INSERT ON audit BEGIN
    INSERT INTO audit_fts(rowid, actor, program, operation, detail) VALUES (new.id, new.actor, new.program, new.operation, new.detail);
END;
INSERT INTO audit_fts(audit_fts) VALUES ('rebuild');
"#;

/// What an undo needs: each new entry's structured before → after (JSON,
/// or why it cannot be undone), and which entry an undo reverts. Entries
/// written before this have neither. Undo finds "your last change here" by
/// actor, and "already undone?" by the entry reverted.
const V8: &str = r#"
ALTER TABLE audit ADD COLUMN undo TEXT;
ALTER TABLE audit ADD COLUMN reverts INTEGER REFERENCES audit(id);
CREATE INDEX audit_by_reverts ON audit(reverts) WHERE reverts IS NOT NULL;
CREATE INDEX audit_by_actor ON audit(actor, workspace_id, id);
"#;

/// People the operator disabled or removed (rows stay: programs,
/// versions and entries name them), and the live SSH sessions, so the
/// operator sees them and can end them, and a write can check its own.
/// A session remembers its process and when it started, so a crashed one
/// is told from a PID the system gave to another process since.
const V9: &str = r#"
ALTER TABLE users ADD COLUMN disabled_at TEXT;
ALTER TABLE users ADD COLUMN disabled_by TEXT;
ALTER TABLE users ADD COLUMN disabled_reason TEXT;
ALTER TABLE users ADD COLUMN removed_at TEXT;
CREATE TABLE ssh_sessions (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id),
    fingerprint TEXT NOT NULL,
    from_addr TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('console', 'command')),
    command TEXT NOT NULL DEFAULT '',
    pid INTEGER NOT NULL,
    pid_start INTEGER NOT NULL,
    started_at TEXT NOT NULL,
    ended_at TEXT,
    ended_by TEXT
);
CREATE INDEX ssh_sessions_by_user ON ssh_sessions(user_id);
"#;

/// Which programs a person is a member of in one workspace, from one
/// index: the audit scope and its "a member elsewhere?" check ask per
/// workspace, never walking all of a person's memberships. A program
/// never moves to another workspace, so the copy is set once, by a
/// trigger, whatever an insert names.
const V10: &str = r#"
ALTER TABLE program_members ADD COLUMN workspace_id INTEGER;
UPDATE program_members SET workspace_id = (SELECT p.workspace_id FROM programs p WHERE p.id = program_members.program_id);
CREATE TRIGGER program_members_workspace AFTER INSERT ON program_members BEGIN
    UPDATE program_members SET workspace_id = (SELECT p.workspace_id FROM programs p WHERE p.id = new.program_id)
    WHERE program_id = new.program_id AND user_id = new.user_id;
END;
DROP INDEX program_members_by_user;
CREATE INDEX program_members_by_user ON program_members(user_id, workspace_id);
"#;

/// The audit log's hash chain (see `chain`): each entry's previous hash
/// and its own. The entries written before are chained once, here, in id
/// order; the append-only trigger is lifted for that and only that. Each
/// finished export is remembered, so a prune can refuse to remove what
/// never left.
const V11: &str = r#"
ALTER TABLE audit ADD COLUMN prev BLOB;
ALTER TABLE audit ADD COLUMN hash BLOB;
CREATE TABLE audit_exports (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    first_id INTEGER NOT NULL,
    last_id INTEGER NOT NULL,
    entries INTEGER NOT NULL,
    whole INTEGER NOT NULL
);
"#;

/// Time-bound access: a program membership and a key may end at an instant
/// (a workspace membership has had the column since V1), an invitation
/// may grant access for a while from its acceptance (or until an instant).
/// The expiring ones are found from small partial indexes: whatever is due
/// is noticed without walking the memberships.
const V12: &str = r#"
ALTER TABLE program_members ADD COLUMN expires_at TEXT;
ALTER TABLE ssh_keys ADD COLUMN expires_at TEXT;
ALTER TABLE invitations ADD COLUMN access_seconds INTEGER;
ALTER TABLE invitations ADD COLUMN access_until TEXT;
CREATE INDEX workspace_members_expiring ON workspace_members(expires_at) WHERE expires_at IS NOT NULL;
CREATE INDEX program_members_expiring ON program_members(expires_at) WHERE expires_at IS NOT NULL;
"#;

/// A session's ID is never given out again, so `ssh end ID` from an older
/// listing cannot end someone else's session: AUTOINCREMENT keeps the
/// highest ID ever used (an ended session's row is deleted).
const V13: &str = r#"
CREATE TABLE ssh_sessions_v13 (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id INTEGER NOT NULL REFERENCES users(id),
    fingerprint TEXT NOT NULL,
    from_addr TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('console', 'command')),
    command TEXT NOT NULL DEFAULT '',
    pid INTEGER NOT NULL,
    pid_start INTEGER NOT NULL,
    started_at TEXT NOT NULL,
    ended_at TEXT,
    ended_by TEXT
);
INSERT INTO ssh_sessions_v13 SELECT id, user_id, fingerprint, from_addr, kind, command, pid, pid_start,
    started_at, ended_at, ended_by FROM ssh_sessions;
DROP TABLE ssh_sessions;
ALTER TABLE ssh_sessions_v13 RENAME TO ssh_sessions;
CREATE INDEX ssh_sessions_by_user ON ssh_sessions(user_id);
"#;

/// The trigram indexes again, so that one- and two-character texts are
/// answered by them too (`store::search`): contentless, each value indexed
/// with two U+0003 after it (so its last characters start trigrams), app
/// IDs beside program names, and a vocabulary table over each; each built
/// as one segment (a query opens one, not one per batch the build wrote).
const V14: &str = r#"
DROP TRIGGER programs_fts_insert;
DROP TRIGGER programs_fts_delete;
DROP TRIGGER programs_fts_update;
DROP TABLE programs_fts;
CREATE VIRTUAL TABLE programs_fts USING fts5(name, app_id, content='', tokenize='trigram');
CREATE TRIGGER programs_fts_insert AFTER INSERT ON programs BEGIN
    INSERT INTO programs_fts(rowid, name, app_id) VALUES (new.id, new.name || char(3, 3), new.app_id || char(3, 3));
END;
CREATE TRIGGER programs_fts_delete AFTER DELETE ON programs BEGIN
    INSERT INTO programs_fts(programs_fts, rowid, name, app_id)
        VALUES ('delete', old.id, old.name || char(3, 3), old.app_id || char(3, 3));
END;
CREATE TRIGGER programs_fts_update AFTER UPDATE OF name, app_id ON programs BEGIN
    INSERT INTO programs_fts(programs_fts, rowid, name, app_id)
        VALUES ('delete', old.id, old.name || char(3, 3), old.app_id || char(3, 3));
    INSERT INTO programs_fts(rowid, name, app_id) VALUES (new.id, new.name || char(3, 3), new.app_id || char(3, 3));
END;
INSERT INTO programs_fts(rowid, name, app_id) SELECT id, name || char(3, 3), app_id || char(3, 3) FROM programs;
CREATE VIRTUAL TABLE programs_fts_terms USING fts5vocab(programs_fts, 'instance');

DROP TRIGGER audit_fts_insert;
DROP TABLE audit_fts;
CREATE VIRTUAL TABLE audit_fts USING fts5(actor, program, operation, detail, content='', tokenize='trigram');
CREATE TRIGGER audit_fts_insert AFTER INSERT ON audit BEGIN
    INSERT INTO audit_fts(rowid, actor, program, operation, detail) VALUES (new.id, new.actor || char(3, 3),
        new.program || char(3, 3), new.operation || char(3, 3), new.detail || char(3, 3));
END;
INSERT INTO audit_fts(rowid, actor, program, operation, detail) SELECT id, actor || char(3, 3),
    program || char(3, 3), operation || char(3, 3), detail || char(3, 3) FROM audit;
CREATE VIRTUAL TABLE audit_fts_terms USING fts5vocab(audit_fts, 'instance');
INSERT INTO programs_fts(programs_fts) VALUES ('optimize');
INSERT INTO audit_fts(audit_fts) VALUES ('optimize');
"#;

/// How many programs and audit entries each workspace has, kept by the
/// database itself (triggers), so that `End` on a whole workspace reads
/// one row instead of counting 100,000 programs or a million entries.
/// `check --full` compares them with a count.
const V15: &str = r#"
CREATE TABLE workspace_tallies (
    workspace_id INTEGER PRIMARY KEY,
    programs INTEGER NOT NULL DEFAULT 0,
    entries INTEGER NOT NULL DEFAULT 0
);
INSERT INTO workspace_tallies (workspace_id, programs, entries)
    SELECT w.id, (SELECT count(*) FROM programs p WHERE p.workspace_id = w.id),
        (SELECT count(*) FROM audit a WHERE a.workspace_id = w.id)
    FROM (SELECT id FROM workspaces UNION SELECT workspace_id FROM audit WHERE workspace_id IS NOT NULL) w;
CREATE TRIGGER workspace_tallies_program_insert AFTER INSERT ON programs BEGIN
    INSERT INTO workspace_tallies (workspace_id, programs) VALUES (new.workspace_id, 1)
        ON CONFLICT (workspace_id) DO UPDATE SET programs = programs + 1;
END;
CREATE TRIGGER workspace_tallies_program_delete AFTER DELETE ON programs BEGIN
    UPDATE workspace_tallies SET programs = programs - 1 WHERE workspace_id = old.workspace_id;
END;
CREATE TRIGGER workspace_tallies_program_move AFTER UPDATE OF workspace_id ON programs BEGIN
    UPDATE workspace_tallies SET programs = programs - 1 WHERE workspace_id = old.workspace_id;
    INSERT INTO workspace_tallies (workspace_id, programs) VALUES (new.workspace_id, 1)
        ON CONFLICT (workspace_id) DO UPDATE SET programs = programs + 1;
END;
CREATE TRIGGER workspace_tallies_entry_insert AFTER INSERT ON audit WHEN new.workspace_id IS NOT NULL BEGIN
    INSERT INTO workspace_tallies (workspace_id, entries) VALUES (new.workspace_id, 1)
        ON CONFLICT (workspace_id) DO UPDATE SET entries = entries + 1;
END;
CREATE TRIGGER workspace_tallies_entry_delete AFTER DELETE ON audit WHEN old.workspace_id IS NOT NULL BEGIN
    UPDATE workspace_tallies SET entries = entries - 1 WHERE workspace_id = old.workspace_id;
END;
"#;

/// Fills `workspace_tallies` from a count (the migration, and the repair
/// `check --full` gives).
pub(crate) const TALLIES_RECOUNT: &str = "DELETE FROM workspace_tallies;
INSERT INTO workspace_tallies (workspace_id, programs, entries)
    SELECT w.id, (SELECT count(*) FROM programs p WHERE p.workspace_id = w.id),
        (SELECT count(*) FROM audit a WHERE a.workspace_id = w.id)
    FROM (SELECT id FROM workspaces UNION SELECT workspace_id FROM audit WHERE workspace_id IS NOT NULL) w;";

/// The entries an undo could name (`store::undo::last_own`), by actor and
/// workspace: what `z` looks for after every commit, on every console,
/// without reading the entries that are not changes.
const V16: &str =
    "CREATE INDEX audit_undoable ON audit(actor, workspace_id, id) WHERE outcome = 'ok' AND undo IS NOT NULL;";

/// What `workspace_tallies` should hold, counted (for `check --full`):
/// rows where the two disagree.
pub(crate) const TALLIES_WRONG: &str = "SELECT count(*) FROM (
    SELECT w.id, (SELECT count(*) FROM programs p WHERE p.workspace_id = w.id) AS programs,
        (SELECT count(*) FROM audit a WHERE a.workspace_id = w.id) AS entries
    FROM (SELECT id FROM workspaces UNION SELECT workspace_id FROM audit WHERE workspace_id IS NOT NULL) w
) c LEFT JOIN workspace_tallies t ON t.workspace_id = c.id
WHERE coalesce(t.programs, 0) != c.programs OR coalesce(t.entries, 0) != c.entries";

fn chain_the_log(tx: &rusqlite::Transaction<'_>) -> HookResult {
    tx.execute_batch("DROP TRIGGER audit_no_update")?;
    super::chain::chain_unchained(tx)?;
    tx.execute_batch(AUDIT_NO_UPDATE)?;
    Ok(())
}

/// The triggers that keep the log append-only (as V1 made them), for the
/// two places that lift one inside their own transaction: the migration
/// that chains, and a prune.
pub(crate) const AUDIT_NO_UPDATE: &str = "CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;";
pub(crate) const AUDIT_NO_DELETE: &str = "CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;";

#[cfg(test)]
mod tests {
    use rusqlite::Connection;
    use rusqlite_migration::Migrations;

    fn matches(conn: &Connection, table: &str, text: &str) -> Vec<i64> {
        let sql = format!("SELECT rowid FROM {table} WHERE {table} MATCH ?1 ORDER BY rowid");
        let mut stmt = conn.prepare(&sql).expect("prepare");
        let phrase = format!("\"{text}\"");
        stmt.query_map([phrase], |r| r.get(0)).expect("query").collect::<Result<_, _>>().expect("rows")
    }

    /// Entries an older build wrote are chained once by the migration, in
    /// id order, and verify; the log stays append-only after it.
    #[test]
    fn the_migration_chains_the_entries_written_before_it() {
        let mut conn = Connection::open_in_memory().expect("memory");
        let migrations = Migrations::new(super::migrations());
        migrations.to_version(&mut conn, 10).expect("a build from before the chain");
        for i in 0..25_000 {
            conn.execute(
                "INSERT INTO audit (at, actor, operation, outcome, detail) VALUES ('2026-01-01T00:00:00Z', 'olivia', 'program_edit', 'ok', ?1)",
                [format!("edit {i}")],
            )
            .expect("an older entry");
        }
        migrations.to_latest(&mut conn).expect("migrate");
        let walk = crate::store::chain::walk(&conn, None).expect("walk");
        assert_eq!((walk.entries, walk.broken), (25_000, None), "more than one batch, chained in order");
        let first: Vec<u8> = conn.query_row("SELECT prev FROM audit WHERE id = 1", [], |r| r.get(0)).expect("prev");
        assert_eq!(first, crate::store::chain::GENESIS);
        let refused = conn.execute("UPDATE audit SET detail = 'x' WHERE id = 1", []).expect_err("append-only again");
        assert!(refused.to_string().contains("append-only"), "{refused}");
    }

    /// A membership knows its program's workspace, whether an older build
    /// wrote it (the migration fills it in) or any insert after (a
    /// trigger), whatever the insert names.
    #[test]
    fn a_membership_knows_its_programs_workspace() {
        let mut conn = Connection::open_in_memory().expect("memory");
        let migrations = Migrations::new(super::migrations());
        migrations.to_version(&mut conn, 9).expect("a build from before");
        conn.execute_batch(
            "INSERT INTO users (id, login, name, created_at) VALUES (1, 'olivia', 'Olivia', 't'), (2, 'dana', 'Dana', 't');
             INSERT INTO workspaces (id, name, created_by, created_at) VALUES (1, 'Acme', 1, 't'), (2, 'Side', 1, 't');
             INSERT INTO programs (id, app_id, workspace_id, name, status, created_by, created_at)
                 VALUES (7, '1000000000000007', 2, 'Quokka Queue', 'draft', 1, 't'),
                        (8, '1000000000000008', 1, 'Wombat', 'draft', 1, 't');
             INSERT INTO program_members (program_id, user_id, added_at) VALUES (7, 2, 't');",
        )
        .expect("rows of the older build");
        migrations.to_latest(&mut conn).expect("migrate");
        conn.execute(
            "INSERT INTO program_members (program_id, user_id, added_at, workspace_id) VALUES (8, 2, 't', 99)",
            [],
        )
        .expect("a later insert");
        let workspaces: Vec<(i64, i64)> = conn
            .prepare("SELECT program_id, workspace_id FROM program_members ORDER BY program_id")
            .expect("prepare")
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .expect("query")
            .collect::<Result<_, _>>()
            .expect("rows");
        assert_eq!(workspaces, [(7, 2), (8, 1)]);
    }

    /// The trigram indexes answer for rows an older build wrote (their
    /// migrations build them from what is there) and follow every write
    /// after (triggers), with no write path of mpdesk's involved.
    #[test]
    fn the_trigram_indexes_hold_older_rows_and_follow_every_write() {
        let mut conn = Connection::open_in_memory().expect("memory");
        let migrations = Migrations::new(super::migrations());
        migrations.to_version(&mut conn, 5).expect("a build from before the indexes");
        conn.execute_batch(
            "INSERT INTO users (id, login, name, created_at) VALUES (1, 'olivia', 'Olivia', 't');
             INSERT INTO workspaces (id, name, created_by, created_at) VALUES (1, 'Acme', 1, 't');
             INSERT INTO programs (id, app_id, workspace_id, name, status, created_by, created_at)
                 VALUES (7, '1000000000000007', 1, 'Quokka Queue', 'draft', 1, 't');
             INSERT INTO audit (at, actor, workspace_id, operation, outcome, detail)
                 VALUES ('t', 'olivia', 1, 'program_create', 'ok', 'created Quokka Queue');",
        )
        .expect("rows of the older build");

        migrations.to_latest(&mut conn).expect("migrate");
        assert_eq!(matches(&conn, "programs_fts", "okka q"), [7], "a program from before V6");
        assert_eq!(matches(&conn, "audit_fts", "okka q").len(), 1, "an entry from before V7");

        conn.execute_batch(
            "UPDATE programs SET name = 'Wombat Waitlist' WHERE id = 7;
             INSERT INTO programs (id, app_id, workspace_id, name, status, created_by, created_at)
                 VALUES (8, '1000000000000008', 1, 'Quokka Quiz', 'draft', 1, 't');
             INSERT INTO audit (at, actor, workspace_id, operation, outcome, detail)
                 VALUES ('t', 'olivia', 1, 'program_edit', 'ok', 'renamed to Wombat Waitlist');",
        )
        .expect("later writes");
        assert_eq!(matches(&conn, "programs_fts", "okka q"), [8], "the renamed one left, the new one came");
        assert_eq!(matches(&conn, "programs_fts", "mbat wait"), [7]);
        assert_eq!(matches(&conn, "audit_fts", "mbat wait").len(), 1);
        conn.execute("DELETE FROM programs WHERE id = 8", []).expect("delete");
        assert!(matches(&conn, "programs_fts", "okka q").is_empty(), "a deleted program is not found");
        let terms = |table: &str, prefix: &str| -> i64 {
            let sql = format!("SELECT count(*) FROM {table} WHERE term >= ?1 AND term < ?1 || char(1114111)");
            conn.query_row(&sql, [prefix], |r| r.get(0)).expect("terms")
        };
        assert_eq!(terms("programs_fts_terms", "st"), 1, "the end of a name from before V14 (\"st\" and two U+0003)");
        assert_eq!(terms("audit_fts_terms", "d "), 2, "\"d \" in both entries' details: one from before V14");
    }

    /// The tallies follow every write that adds, removes or moves a
    /// program or an entry, whoever writes it; a tally edited by hand is
    /// found, and the recount puts it right.
    #[test]
    fn the_tallies_follow_every_write_and_a_wrong_one_is_found() {
        let mut conn = Connection::open_in_memory().expect("memory");
        let migrations = Migrations::new(super::migrations());
        migrations.to_version(&mut conn, 14).expect("a build from before the tallies");
        conn.execute_batch(
            "INSERT INTO users (id, login, name, created_at) VALUES (1, 'olivia', 'Olivia', 't');
             INSERT INTO workspaces (id, name, created_by, created_at) VALUES (1, 'Acme', 1, 't'), (2, 'Side', 1, 't');
             INSERT INTO programs (id, app_id, workspace_id, name, status, created_by, created_at)
                 VALUES (7, '1000000000000007', 1, 'Quokka', 'draft', 1, 't');
             INSERT INTO audit (at, actor, workspace_id, operation, outcome, detail)
                 VALUES ('t', 'olivia', 1, 'program_create', 'ok', 'created Quokka');",
        )
        .expect("rows of the older build");
        migrations.to_latest(&mut conn).expect("migrate");
        let tally = |ws: i64| crate::store::workspaces::tally(&conn, ws).expect("tally");
        let wrong = || conn.query_row(super::TALLIES_WRONG, [], |r| r.get::<_, i64>(0)).expect("compare");
        assert_eq!((tally(1).programs, tally(1).entries), (1, 1), "counted by the migration");
        conn.execute_batch(
            "INSERT INTO programs (id, app_id, workspace_id, name, status, created_by, created_at)
                 VALUES (8, '1000000000000008', 1, 'Wombat', 'draft', 1, 't'),
                        (9, '1000000000000009', 2, 'Numbat', 'draft', 1, 't');
             UPDATE programs SET workspace_id = 2 WHERE id = 7;
             DELETE FROM programs WHERE id = 8;
             INSERT INTO audit (at, actor, workspace_id, operation, outcome, detail)
                 VALUES ('t', 'olivia', 2, 'program_move', 'ok', 'moved'), ('t', 'olivia', NULL, 'user_add', 'ok', '');",
        )
        .expect("later writes");
        assert_eq!((tally(1).programs, tally(2).programs, tally(1).entries, tally(2).entries), (0, 2, 1, 1));
        assert_eq!(tally(99), crate::store::workspaces::Tally::default(), "a workspace with nothing");
        assert_eq!(wrong(), 0);
        conn.execute("UPDATE workspace_tallies SET entries = 5 WHERE workspace_id = 2", []).expect("edit");
        assert_eq!(wrong(), 1);
        conn.execute_batch(super::TALLIES_RECOUNT).expect("recount");
        assert_eq!(wrong(), 0);
        let one_line = |sql: &str| sql.split_whitespace().collect::<Vec<_>>().join(" ");
        let recount = one_line(super::TALLIES_RECOUNT);
        let insert = recount.split_once("; ").map(|(_, insert)| insert).expect("delete; insert");
        assert!(one_line(super::V15).contains(insert), "the migration counts as the recount does");
    }

    /// The schema's triggers index each value as `store::search` says it
    /// is indexed (the check and a prune rebuild and delete by it).
    #[test]
    fn the_triggers_index_values_as_search_says() {
        let one_line = |sql: &str| sql.split_whitespace().collect::<Vec<_>>().join(" ");
        let (programs, audit) = (&crate::store::search::PROGRAMS, &crate::store::search::AUDIT);
        for values in [programs.indexed_values("new."), programs.indexed_values("old."), audit.indexed_values("new.")] {
            assert!(one_line(super::V14).contains(&one_line(&values)), "{values}");
        }
    }
}
