//! A desk on a temporary database, with the invariants of domain.md checked
//! whenever a test's world is dropped, and a helper that proves a refused
//! operation changed nothing but one audit entry.

use mpdesk::desk::{Actor, Desk, DeskError, DeskResult};
use mpdesk::domain::SemVer;
use rusqlite::Connection;
use std::path::PathBuf;
use tempfile::TempDir;

pub struct World {
    pub desk: Desk,
    pub path: PathBuf,
    _dir: TempDir,
}

impl World {
    pub fn empty() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("test.db");
        let desk = Desk::open(&path).expect("open desk");
        Self { desk, path, _dir: dir }
    }

    /// An empty database whose desk reads time from `clock`.
    pub fn with_clock(clock: mpdesk::desk::ManualClock) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("test.db");
        let desk = Desk::open(&path).expect("open desk").with_clock(clock);
        Self { desk, path, _dir: dir }
    }

    pub fn demo() -> Self {
        let mut world = Self::empty();
        world.desk.load_demo_data().expect("demo data loads");
        world
    }

    pub fn actor(&self, login: &str) -> Actor {
        self.desk.actor(login).expect("registered actor")
    }

    pub fn app_id(&self, name: &str) -> String {
        self.raw()
            .query_row("SELECT app_id FROM programs WHERE name = ?1", [name], |r| r.get(0))
            .expect("program exists")
    }

    /// A second connection, as another process would have.
    pub fn raw(&self) -> Connection {
        Connection::open(&self.path).expect("raw connection")
    }

    /// Every row of every table but the audit log, as text.
    pub fn snapshot(&self) -> String {
        let conn = self.raw();
        let tables = [
            "invitations",
            "users",
            "workspaces",
            "workspace_members",
            "programs",
            "program_members",
            "program_domains",
            "versions",
            "packages",
        ];
        let mut out = String::new();
        for table in tables {
            let mut stmt = conn.prepare(&format!("SELECT * FROM {table} ORDER BY 1, 2")).expect("select");
            let columns = stmt.column_count();
            let rows = stmt
                .query_map([], |row| {
                    let mut line = Vec::new();
                    for i in 0..columns {
                        let value: rusqlite::types::Value = row.get(i)?;
                        line.push(format!("{value:?}"));
                    }
                    Ok(line.join("|"))
                })
                .expect("rows");
            for row in rows {
                out.push_str(&format!("{table}: {}\n", row.expect("row")));
            }
        }
        out
    }

    pub fn audit_count(&self) -> i64 {
        self.raw().query_row("SELECT count(*) FROM audit", [], |r| r.get(0)).expect("count")
    }

    pub fn last_audit(&self) -> (String, String, String) {
        self.raw()
            .query_row("SELECT operation, outcome, detail FROM audit ORDER BY id DESC LIMIT 1", [], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })
            .expect("an audit entry")
    }

    /// Runs an operation that must be refused; asserts it changed nothing
    /// but one "denied" audit entry, and returns the error.
    pub fn refused<T: std::fmt::Debug>(&mut self, op: impl FnOnce(&mut Desk) -> DeskResult<T>) -> DeskError {
        let before = self.snapshot();
        let audit_before = self.audit_count();
        let error = op(&mut self.desk).expect_err("the operation must be refused");
        assert_eq!(self.snapshot(), before, "a refused operation changed data: {error}");
        assert_eq!(self.audit_count(), audit_before + 1, "a refusal writes exactly one audit entry");
        assert_eq!(self.last_audit().1, "denied");
        error
    }

    /// The invariants of domain.md; panics naming the one that broke.
    pub fn check_invariants(&self) {
        let conn = self.raw();
        let empty = |sql: &str, what: &str| {
            let n: i64 = conn.query_row(&format!("SELECT count(*) FROM ({sql})"), [], |r| r.get(0)).expect(what);
            assert_eq!(n, 0, "invariant broken: {what}");
        };
        empty(
            "SELECT w.id FROM workspaces w WHERE (SELECT count(*) FROM workspace_members m
             WHERE m.workspace_id = w.id AND m.role = 'owner' AND m.status = 'active') != 1
             OR EXISTS (SELECT 1 FROM workspace_members m WHERE m.workspace_id = w.id AND m.role = 'owner' AND m.status != 'active')",
            "1. every workspace has exactly one Owner, and that Owner is Active",
        );
        empty(
            "SELECT 1 FROM program_members pm JOIN programs p ON p.id = pm.program_id
             WHERE NOT EXISTS (SELECT 1 FROM workspace_members m WHERE m.workspace_id = p.workspace_id AND m.user_id = pm.user_id)",
            "2. every program member is a member of the program's workspace",
        );
        empty(
            "SELECT 1 FROM pragma_table_info('program_members') WHERE name LIKE '%role%'",
            "3. a program member's role is derived, never stored",
        );
        empty(
            "SELECT p.id FROM programs p WHERE (p.status = 'released') !=
             ((SELECT count(*) FROM versions v WHERE v.program_id = p.id AND v.state = 'live') = 1)
             OR (SELECT count(*) FROM versions v WHERE v.program_id = p.id AND v.state = 'live') > 1",
            "4. at most one live version, and Released iff it has one",
        );
        let mut stmt =
            conn.prepare("SELECT program_id, version FROM versions ORDER BY program_id, id").expect("versions");
        let rows: Vec<(i64, String)> =
            stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).expect("rows").map(|r| r.expect("row")).collect();
        for pair in rows.windows(2) {
            if pair[0].0 == pair[1].0 {
                let a = SemVer::parse(&pair[0].1).expect("stored version parses");
                let b = SemVer::parse(&pair[1].1).expect("stored version parses");
                assert!(a < b, "invariant broken: 5. versions strictly increase ({} then {})", pair[0].1, pair[1].1);
            }
        }
    }
}

impl Drop for World {
    fn drop(&mut self) {
        if !std::thread::panicking() {
            self.check_invariants();
        }
    }
}

/// `fill`, made a package: the file of a one-file zip archive.
pub fn package(fill: &[u8]) -> Vec<u8> {
    mpdesk::desk::stored_zip::stored_zip("app.js", fill)
}

/// `len` bytes that start as every zip archive does (what mpdesk checks),
/// for the tests that need a large package rather than a valid one.
pub fn package_of_len(len: usize, fill: u8) -> Vec<u8> {
    let mut bytes = b"PK\x03\x04".to_vec();
    bytes.resize(len, fill);
    bytes
}
