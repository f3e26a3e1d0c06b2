//! What an audit entry keeps so that it can be undone: the rows a change
//! touched, before and after, exactly as stored. Undoing puts "before"
//! back, byte for byte, only while the rows are still "after".
//!
//! Tables and columns are fixed enums, never names read from the file: the
//! JSON comes from the database, and the database is not trusted to name
//! what SQL touches.

use rusqlite::types::Value;
use rusqlite::{params, params_from_iter, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

/// A stored value: these tables hold only integers, text and NULL.
pub type Row = Vec<serde_json::Value>;

/// A set of rows, found by a key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "rows", rename_all = "snake_case")]
pub enum Key {
    /// One person's explicit membership of one program.
    ProgramMember { program_id: i64, user_id: i64 },
    /// One person's workspace membership.
    WorkspaceMember { workspace_id: i64, user_id: i64 },
    /// Every program membership one person has in one workspace.
    MemberPrograms { workspace_id: i64, user_id: i64 },
    /// One invitation.
    Invitation { id: i64 },
    /// A program's domain whitelist.
    Domains { program_id: i64 },
}

/// A program column an undo may set back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProgramField {
    Name,
    Description,
    Status,
    ClientId,
    MerchantId,
}

impl ProgramField {
    fn column(self) -> &'static str {
        match self {
            Self::Name => "name",
            Self::Description => "description",
            Self::Status => "status",
            Self::ClientId => "client_id",
            Self::MerchantId => "merchant_id",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Self::Name => "name",
            Self::Description => "description",
            Self::Status => "status",
            Self::ClientId => "client ID",
            Self::MerchantId => "merchant ID",
        }
    }
}

/// One part of a change: what it was before and what it became.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "part", rename_all = "snake_case")]
pub enum Part {
    Rows { key: Key, before: Vec<Row>, after: Vec<Row> },
    Program { program_id: i64, field: ProgramField, before: serde_json::Value, after: serde_json::Value },
    VersionState { version_id: i64, before: String, after: String },
    WorkspaceName { workspace_id: i64, before: String, after: String },
}

impl Part {
    /// The same part the other way round: what undoing it does.
    pub fn inverse(&self) -> Self {
        match self.clone() {
            Self::Rows { key, before, after } => Self::Rows { key, before: after, after: before },
            Self::Program { program_id, field, before, after } => {
                Self::Program { program_id, field, before: after, after: before }
            }
            Self::VersionState { version_id, before, after } => {
                Self::VersionState { version_id, before: after, after: before }
            }
            Self::WorkspaceName { workspace_id, before, after } => {
                Self::WorkspaceName { workspace_id, before: after, after: before }
            }
        }
    }

    /// Whether it changed anything at all.
    pub fn changes(&self) -> bool {
        match self {
            Self::Rows { before, after, .. } => before != after,
            Self::Program { before, after, .. } => before != after,
            Self::VersionState { before, after, .. } => before != after,
            Self::WorkspaceName { before, after, .. } => before != after,
        }
    }
}

/// What an entry says of undoing it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Undo {
    /// Reversible: these parts, undone together.
    Parts(Vec<Part>),
    /// Not reversible, and why.
    Not(String),
}

impl Undo {
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|_| "{\"not\":\"unreadable\"}".to_string())
    }
}

/// A column a kept row holds. Rows are kept as JSON arrays in the order
/// of their table's list below (the SELECT and INSERT are built from it),
/// and read by a column's name ([`Kept`]), never by a position.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    Id,
    ProgramId,
    WorkspaceId,
    UserId,
    AddedBy,
    AddedAt,
    ExpiresAt,
    Role,
    Status,
    Since,
    InvitedBy,
    State,
    SentAt,
    DecidedAt,
    AccessSeconds,
    AccessUntil,
    Origin,
}

impl Column {
    fn name(self) -> &'static str {
        match self {
            Self::Id => "id",
            Self::ProgramId => "program_id",
            Self::WorkspaceId => "workspace_id",
            Self::UserId => "user_id",
            Self::AddedBy => "added_by",
            Self::AddedAt => "added_at",
            Self::ExpiresAt => "expires_at",
            Self::Role => "role",
            Self::Status => "status",
            Self::Since => "since",
            Self::InvitedBy => "invited_by",
            Self::State => "state",
            Self::SentAt => "sent_at",
            Self::DecidedAt => "decided_at",
            Self::AccessSeconds => "access_seconds",
            Self::AccessUntil => "access_until",
            Self::Origin => "origin",
        }
    }
}

/// A table a key finds rows of, and the columns kept of it, in order. A
/// column added later goes at the end: rows kept before it lack it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Table {
    ProgramMembers,
    WorkspaceMembers,
    Invitations,
    ProgramDomains,
}

impl Table {
    fn name(self) -> &'static str {
        match self {
            Self::ProgramMembers => "program_members",
            Self::WorkspaceMembers => "workspace_members",
            Self::Invitations => "invitations",
            Self::ProgramDomains => "program_domains",
        }
    }

    pub fn columns(self) -> &'static [Column] {
        use Column::*;
        match self {
            Self::ProgramMembers => &[ProgramId, UserId, AddedBy, AddedAt, ExpiresAt],
            Self::WorkspaceMembers => &[WorkspaceId, UserId, Role, Status, Since, InvitedBy, ExpiresAt],
            Self::Invitations => &[
                Id,
                WorkspaceId,
                UserId,
                Role,
                State,
                InvitedBy,
                SentAt,
                ExpiresAt,
                DecidedAt,
                AccessSeconds,
                AccessUntil,
            ],
            Self::ProgramDomains => &[ProgramId, Origin],
        }
    }

    /// Columns not kept because the schema fills them itself (a trigger
    /// copies a program member's workspace from the program).
    #[cfg(test)]
    fn derived(self) -> &'static [&'static str] {
        match self {
            Self::ProgramMembers => &["workspace_id"],
            Self::WorkspaceMembers | Self::Invitations | Self::ProgramDomains => &[],
        }
    }

    fn column_list(self) -> String {
        self.columns().iter().map(|c| c.name()).collect::<Vec<_>>().join(", ")
    }
}

impl Key {
    pub fn table(&self) -> Table {
        match self {
            Key::ProgramMember { .. } | Key::MemberPrograms { .. } => Table::ProgramMembers,
            Key::WorkspaceMember { .. } => Table::WorkspaceMembers,
            Key::Invitation { .. } => Table::Invitations,
            Key::Domains { .. } => Table::ProgramDomains,
        }
    }
}

/// A kept row of a table, read by column name.
#[derive(Debug, Clone, Copy)]
pub struct Kept<'a> {
    table: Table,
    row: &'a Row,
}

impl<'a> Kept<'a> {
    pub fn new(table: Table, row: &'a Row) -> Self {
        Self { table, row }
    }

    fn value(&self, column: Column) -> Option<&'a serde_json::Value> {
        let at = self.table.columns().iter().position(|c| *c == column)?;
        self.row.get(at)
    }

    /// The column's integer; `None` if the table has no such column, the
    /// row predates it, or it holds something else.
    pub fn int(&self, column: Column) -> Option<i64> {
        self.value(column)?.as_i64()
    }

    pub fn text(&self, column: Column) -> Option<&'a str> {
        self.value(column)?.as_str()
    }
}

/// The WHERE (and ORDER BY) that finds `key`'s rows, and its arguments.
fn finds(key: &Key) -> (&'static str, Vec<i64>) {
    match *key {
        Key::ProgramMember { program_id, user_id } => {
            ("WHERE program_id = ?1 AND user_id = ?2", vec![program_id, user_id])
        }
        Key::WorkspaceMember { workspace_id, user_id } => {
            ("WHERE workspace_id = ?1 AND user_id = ?2", vec![workspace_id, user_id])
        }
        Key::MemberPrograms { workspace_id, user_id } => (
            "WHERE user_id = ?2 AND program_id IN (SELECT id FROM programs WHERE workspace_id = ?1)",
            vec![workspace_id, user_id],
        ),
        Key::Invitation { id } => ("WHERE id = ?1", vec![id]),
        Key::Domains { program_id } => ("WHERE program_id = ?1", vec![program_id]),
    }
}

fn select(key: &Key) -> (String, Vec<i64>) {
    let (filter, args) = finds(key);
    let table = key.table();
    // A fixed order, so that rows read now compare with rows kept.
    let order = match key {
        Key::MemberPrograms { .. } => " ORDER BY program_id",
        Key::Domains { .. } => " ORDER BY origin",
        Key::ProgramMember { .. } | Key::WorkspaceMember { .. } | Key::Invitation { .. } => "",
    };
    (format!("SELECT {} FROM {} {filter}{order}", table.column_list(), table.name()), args)
}

fn delete(key: &Key) -> (String, Vec<i64>) {
    let (filter, args) = finds(key);
    (format!("DELETE FROM {} {filter}", key.table().name()), args)
}

fn insert(key: &Key) -> String {
    let table = key.table();
    let places = (1..=table.columns().len()).map(|i| format!("?{i}")).collect::<Vec<_>>().join(", ");
    format!("INSERT INTO {} ({}) VALUES ({places})", table.name(), table.column_list())
}

fn to_json(value: Value) -> serde_json::Value {
    match value {
        Value::Null => serde_json::Value::Null,
        Value::Integer(i) => i.into(),
        Value::Real(f) => f.into(),
        Value::Text(t) => t.into(),
        Value::Blob(b) => String::from_utf8_lossy(&b).into_owned().into(),
    }
}

fn to_sql(value: &serde_json::Value) -> Value {
    match value {
        serde_json::Value::Null => Value::Null,
        serde_json::Value::Number(n) => {
            n.as_i64().map(Value::Integer).unwrap_or(Value::Real(n.as_f64().unwrap_or(0.0)))
        }
        serde_json::Value::String(s) => Value::Text(s.clone()),
        other => Value::Text(other.to_string()),
    }
}

/// The rows `key` finds now, in a fixed order.
pub fn rows(conn: &Connection, key: &Key) -> rusqlite::Result<Vec<Row>> {
    let (sql, args) = select(key);
    let mut stmt = conn.prepare_cached(&sql)?;
    let columns = stmt.column_count();
    let rows = stmt.query_map(params_from_iter(args), |r| {
        (0..columns).map(|i| r.get::<_, Value>(i).map(to_json)).collect::<rusqlite::Result<Row>>()
    })?;
    rows.collect()
}

/// Replaces the rows `key` finds with `rows`.
pub fn put_rows(conn: &Connection, key: &Key, rows: &[Row]) -> rusqlite::Result<()> {
    let (sql, args) = delete(key);
    conn.prepare_cached(&sql)?.execute(params_from_iter(args))?;
    let mut stmt = conn.prepare_cached(&insert(key))?;
    let width = stmt.parameter_count();
    for row in rows {
        // A row kept before a column was added has no value for it: NULL,
        // what the column held then.
        let values = row.iter().map(to_sql).chain(std::iter::repeat(Value::Null)).take(width.max(row.len()));
        stmt.execute(params_from_iter(values))?;
    }
    Ok(())
}

/// Whether the rows read now are the rows kept: a kept row from before a
/// column was added matches a row whose extra columns are NULL.
pub fn same_rows(now: &[Row], kept: &[Row]) -> bool {
    now.len() == kept.len()
        && now.iter().zip(kept).all(|(now, kept)| {
            now.len() >= kept.len()
                && now[..kept.len()] == kept[..]
                && now[kept.len()..].iter().all(serde_json::Value::is_null)
        })
}

pub fn program_field(
    conn: &Connection,
    program_id: i64,
    field: ProgramField,
) -> rusqlite::Result<Option<serde_json::Value>> {
    let sql = format!("SELECT {} FROM programs WHERE id = ?1", field.column());
    conn.prepare_cached(&sql)?.query_row([program_id], |r| r.get::<_, Value>(0).map(to_json)).optional()
}

pub fn set_program_field(
    conn: &Connection,
    program_id: i64,
    field: ProgramField,
    value: &serde_json::Value,
) -> rusqlite::Result<()> {
    let sql = format!("UPDATE programs SET {} = ?2 WHERE id = ?1", field.column());
    conn.prepare_cached(&sql)?.execute(params![program_id, to_sql(value)])?;
    Ok(())
}

/// A version's state and number.
pub fn version_state(conn: &Connection, version_id: i64) -> rusqlite::Result<Option<(String, String)>> {
    conn.prepare_cached("SELECT state, version FROM versions WHERE id = ?1")?
        .query_row([version_id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()
}

pub fn set_version_state(conn: &Connection, version_id: i64, state: &str) -> rusqlite::Result<()> {
    conn.prepare_cached("UPDATE versions SET state = ?2 WHERE id = ?1")?.execute(params![version_id, state])?;
    Ok(())
}

/// The live version of a program (its id), if any.
pub fn live_version(conn: &Connection, program_id: i64) -> rusqlite::Result<Option<i64>> {
    conn.prepare_cached("SELECT id FROM versions WHERE program_id = ?1 AND state = 'live'")?
        .query_row([program_id], |r| r.get(0))
        .optional()
}

/// One entry, as undo needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub id: i64,
    pub actor: String,
    pub workspace_id: Option<i64>,
    pub workspace: Option<String>,
    pub app_id: Option<String>,
    pub program: Option<String>,
    pub operation: String,
    pub outcome: String,
    pub detail: String,
    /// NULL for entries written before undo existed.
    pub undo: Option<String>,
    pub reverts: Option<i64>,
    pub via: String,
}

pub fn entry(conn: &Connection, id: i64) -> rusqlite::Result<Option<Entry>> {
    conn.prepare_cached(
        "SELECT id, actor, workspace_id, workspace, program_app_id, program, operation, outcome, detail, undo, reverts, via
         FROM audit WHERE id = ?1",
    )?
    .query_row([id], |r| {
        Ok(Entry {
            id: r.get(0)?,
            actor: super::text(r, 1)?,
            workspace_id: r.get(2)?,
            workspace: super::opt_text(r, 3)?,
            app_id: super::opt_text(r, 4)?,
            program: super::opt_text(r, 5)?,
            operation: super::text(r, 6)?,
            outcome: super::text(r, 7)?,
            detail: super::text(r, 8)?,
            undo: super::opt_text(r, 9)?,
            reverts: r.get(10)?,
            via: super::text(r, 11)?,
        })
    })
    .optional()
}

/// Which of `ids` kept an undo record (entries from before undo did not).
pub fn with_record(conn: &Connection, ids: &[i64]) -> rusqlite::Result<std::collections::HashSet<i64>> {
    if ids.is_empty() {
        return Ok(Default::default());
    }
    let sql = format!("SELECT id FROM audit WHERE id IN ({}) AND undo IS NOT NULL", super::placeholders(ids.len()));
    let mut stmt = conn.prepare(&sql)?;
    let found = stmt.query_map(params_from_iter(ids), |r| r.get::<_, i64>(0))?;
    found.collect()
}

/// The entry that undid `id`, if one did.
pub fn reverted_by(conn: &Connection, id: i64) -> rusqlite::Result<Option<i64>> {
    conn.prepare_cached("SELECT id FROM audit WHERE reverts = ?1 AND outcome = 'ok' ORDER BY id LIMIT 1")?
        .query_row([id], |r| r.get(0))
        .optional()
}

/// How far back `z` and `Z` look: the actor's newest entries in the
/// workspace, so the lookup (on every reload) costs the same however long
/// their history is.
pub const REACH: i64 = 500;

/// `actor`'s newest change in the workspace, among their last [`REACH`]
/// entries there, not taken back yet: with `undos`, the newest of their
/// undos that can be taken back (what `Z` redoes); else their newest other
/// change (what `z` undoes) — one that cannot be undone too, so that `z`
/// says why rather than reaching past it to an older one. What only read
/// the data (an export, a backup) is no change.
pub fn last_own(conn: &Connection, actor: &str, workspace_id: i64, undos: bool) -> rusqlite::Result<Option<i64>> {
    let reads = crate::domain::operation::AuditOp::ALL
        .iter()
        .filter(|op| op.only_reads())
        .map(|op| format!("'{}'", op.as_str()))
        .collect::<Vec<_>>()
        .join(", ");
    let kind = if undos {
        "a.operation = 'undo' AND a.undo LIKE '{\"parts\"%'".to_string()
    } else {
        format!("a.operation <> 'undo' AND a.undo IS NOT NULL AND a.operation NOT IN ({reads})")
    };
    // The demo's starting data is nobody's change to take back.
    const DEMO: &str = crate::domain::undo::DEMO_DATA_VIA;
    // The oldest of their last REACH entries there, from the index alone;
    // then, newest first down to it, only the entries an undo could name
    // (`audit_undoable`, a partial index): neither reads the entries that
    // are not changes, however many there are.
    let sql = format!(
        "SELECT a.id FROM audit a
         WHERE a.actor = ?1 AND a.workspace_id = ?2 AND a.outcome = 'ok' AND a.undo IS NOT NULL
           AND a.id >= coalesce((SELECT id FROM audit WHERE actor = ?1 AND workspace_id = ?2
                                 ORDER BY id DESC LIMIT 1 OFFSET {}), 0)
           AND {kind} AND a.via <> '{DEMO}'
           AND NOT EXISTS (SELECT 1 FROM audit r WHERE r.reverts = a.id AND r.outcome = 'ok')
         ORDER BY a.id DESC LIMIT 1",
        REACH - 1
    );
    conn.prepare_cached(&sql)?.query_row(params![actor, workspace_id], |r| r.get(0)).optional()
}

/// A user's login, for what an undo says.
pub fn login(conn: &Connection, user_id: i64) -> rusqlite::Result<Option<String>> {
    conn.prepare_cached("SELECT login FROM users WHERE id = ?1")?.query_row([user_id], |r| super::text(r, 0)).optional()
}

/// A program's app ID and name.
pub fn program(conn: &Connection, program_id: i64) -> rusqlite::Result<Option<(String, String)>> {
    conn.prepare_cached("SELECT app_id, name FROM programs WHERE id = ?1")?
        .query_row([program_id], |r| Ok((super::text(r, 0)?, super::text(r, 1)?)))
        .optional()
}

/// The workspace a program belongs to.
pub fn program_workspace(conn: &Connection, program_id: i64) -> rusqlite::Result<Option<i64>> {
    conn.prepare_cached("SELECT workspace_id FROM programs WHERE id = ?1")?
        .query_row([program_id], |r| r.get(0))
        .optional()
}

/// A workspace's name.
pub fn workspace(conn: &Connection, workspace_id: i64) -> rusqlite::Result<Option<String>> {
    conn.prepare_cached("SELECT name FROM workspaces WHERE id = ?1")?
        .query_row([workspace_id], |r| super::text(r, 0))
        .optional()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every column of each table is kept (an undo puts a row back whole),
    /// but one the schema derives, and every kept column is in the table:
    /// a migration that adds one fails here until `Table::columns` lists it.
    #[test]
    fn kept_columns_are_the_tables_columns() {
        let store = crate::store::Store::open_in_memory().expect("store");
        for table in [Table::ProgramMembers, Table::WorkspaceMembers, Table::Invitations, Table::ProgramDomains] {
            let mut stmt = store.conn().prepare(&format!("PRAGMA table_info({})", table.name())).expect("info");
            let mut in_schema: Vec<String> = stmt
                .query_map([], |r| r.get::<_, String>(1))
                .expect("columns")
                .collect::<Result<_, _>>()
                .expect("read");
            let mut kept: Vec<String> = table.columns().iter().map(|c| c.name().to_string()).collect();
            kept.extend(table.derived().iter().map(|c| c.to_string()));
            in_schema.sort();
            kept.sort();
            assert_eq!(kept, in_schema, "{}", table.name());
        }
    }

    #[test]
    fn a_kept_row_is_read_by_name_and_an_older_row_lacks_a_later_column() {
        let row: Row = vec![7.into(), 3.into(), "developer".into(), "active".into()];
        let kept = Kept::new(Table::WorkspaceMembers, &row);
        assert_eq!((kept.int(Column::UserId), kept.text(Column::Status)), (Some(3), Some("active")));
        assert_eq!(kept.text(Column::ExpiresAt), None, "kept before the column was added");
        assert_eq!(kept.int(Column::Origin), None, "not a column of this table");
    }
}
