//! The use cases: the one door to the data. Each write checks the domain
//! rule, runs one IMMEDIATE transaction and appends one audit entry —
//! refused attempts too. The CLI and the console call only this.

mod audit;
pub mod backup;
pub use audit::{parse_head, AuditQuery, ExportQuery, ExportSummary};
mod capabilities;
mod clock;
pub mod demo;
mod error;
mod expiry;
mod invitations;
pub mod keys;
mod reader;
pub use reader::Interrupter;
mod members;
mod programs;
pub mod sessions;
mod setup;
pub mod stored_zip;
mod types;
mod undo;
mod users;
mod versions;
mod workspaces;

pub use capabilities::{Capability, WorkspaceCapabilities};
pub use clock::{parse_when, rfc3339, Clock, ManualClock, SystemClock};
pub use error::{DeskError, DeskResult, ErrorKind};
pub use invitations::{countdown_text, Invitation, Joined, MemberOp};
pub use keys::{Principal, SshKey};
pub use programs::{ConfigChange, ProgramEdit};
pub use sessions::{SessionKind, SessionRow};
pub use setup::SetupReport;
pub use types::*;
pub use undo::UndoPlan;
pub use versions::{export_refusal, ExportTarget, PackageSource};

pub use crate::domain::invitation::InvitationState;
pub use crate::domain::permission::{Permission, CREATE_PROGRAM_ROLES, PERMISSIONS};
pub use crate::domain::role::ELIGIBILITY;
pub use crate::domain::validate;
pub use crate::domain::SemVer;
pub use crate::domain::{Denial, MemberStatus, Operation, ProgramRole, ProgramStatus, VersionState, WorkspaceRole};
pub use crate::store::audit::{AuditScope, ExportedEntry};
pub use crate::store::chain::{HeadCheck, PruneMark, Walk};
pub use crate::store::generated::Shape;
pub use crate::store::programs::Seek;
pub use crate::store::records::{AuditEntry, User, Version, WorkspaceMember};
pub use crate::store::Page;

use crate::domain::operation::AuditOp;
use crate::domain::permission::Access;
use crate::store::programs::Visibility;
use crate::store::records::{NewAuditEntry, ProgramRow, Workspace};
use crate::store::{self, Store};
use rusqlite::Connection;
use std::path::Path;

/// The acting user, resolved from a registered login.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub(crate) id: i64,
    pub login: String,
    pub name: String,
}

/// What a refused attempt may quote from its input in the audit log.
pub const AUDIT_QUOTE_MAX: usize = 200;

pub struct Desk {
    store: Store,
    clock: Box<dyn Clock>,
    read_only: bool,
    app_ids: programs::AppIds,
    /// How this session's actor came in, for every audit entry.
    via: String,
    /// The SSH session this desk serves, when its person came in through
    /// a key: every write re-checks it (see [`Desk::audited`]).
    remote: Option<sessions::Remote>,
    /// The file itself is open read-only: not even the log can be written.
    store_read_only: bool,
    /// Said once: the connection was reopened because another program
    /// removed the files it used (see [`Desk::reopen_if_replaced`]).
    reopened: Option<String>,
    /// Why this desk only reads when nobody asked for --readonly (the
    /// file is on a read-only filesystem): a refused write says it.
    read_only_because: Option<String>,
    /// What this desk has written to the log so far, so a command can say
    /// who acted (see [`Desk::logged`]).
    logged: Option<Logged>,
}

/// The entries one desk has appended as done ("ok"): their ids and who
/// the log names as having done them (the last one's actor).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Logged {
    pub first: i64,
    pub last: i64,
    pub actor: String,
}

impl Logged {
    /// "#12 by operator (alice)", "#12–#14 by alice".
    pub fn said(&self) -> String {
        match self.first == self.last {
            true => format!("#{} by {}", self.last, crate::sanitize::line(&self.actor)),
            false => format!("#{}–#{} by {}", self.first, self.last, crate::sanitize::line(&self.actor)),
        }
    }
}

impl Desk {
    pub fn open(path: &Path) -> DeskResult<Self> {
        Ok(Self::new(Store::open(path)?))
    }

    /// A read-only session on an existing database: SQLite itself refuses
    /// every write, and every change is refused with the reason.
    pub fn open_read_only(path: &Path) -> DeskResult<Self> {
        let mut desk = Self::new(Store::open_read_only(path)?);
        desk.read_only = true;
        desk.store_read_only = true;
        Ok(desk)
    }

    /// [`Desk::open`], except that a database on a read-only filesystem is
    /// opened read-only: what only reads works as anywhere, and a write is
    /// refused saying why (see [`Desk::explained`]).
    pub fn open_or_read(path: &Path) -> DeskResult<Self> {
        match Store::open(path) {
            Ok(store) => Ok(Self::new(store)),
            Err(store::StoreError::ReadOnlyFs(file)) => {
                let mut desk = Self::open_read_only(path)?;
                desk.read_only_because = Some(format!("{} is on a read-only filesystem", file.display()));
                Ok(desk)
            }
            Err(error) => Err(error.into()),
        }
    }

    pub fn open_in_memory() -> DeskResult<Self> {
        Ok(Self::new(Store::open_in_memory()?))
    }

    fn new(store: Store) -> Self {
        Self {
            store,
            clock: Box::new(SystemClock),
            read_only: false,
            app_ids: programs::AppIds::Random,
            via: "local".to_string(),
            remote: None,
            store_read_only: false,
            reopened: None,
            read_only_because: None,
            logged: None,
        }
    }

    /// Reopens the database if another program removed the `-wal` or
    /// `-shm` this connection uses (a reader that thought it was the last
    /// one checkpointed and deleted them): what this connection would read
    /// or commit then is in a file nobody else sees (and every write is
    /// refused until then, see `Store::write`). Every other desk of this
    /// process on the file must be closed first. Returns whether it
    /// reopened; [`Desk::take_reopened`] says so once.
    pub fn reopen_if_replaced(&mut self) -> DeskResult<bool> {
        if self.store.replaced_file().is_none() {
            return Ok(false);
        }
        self.store.reopen()?;
        self.reopened = Some(format!("{}: reopened it and read everything again", store::REPLACED));
        Ok(true)
    }

    /// Whether another program removed the files this desk's connection
    /// uses (then [`Desk::reopen_if_replaced`]).
    pub fn replaced_file(&self) -> bool {
        self.store.replaced_file().is_some()
    }

    /// What [`Desk::reopen_if_replaced`] did, once.
    pub fn take_reopened(&mut self) -> Option<String> {
        self.reopened.take()
    }

    /// App IDs counting up from `first` (16 digits) instead of random ones,
    /// so screenshots and snapshots are the same on every run.
    pub fn with_sequential_app_ids(mut self, first: u64) -> Self {
        self.app_ids = programs::AppIds::Sequential(first);
        self
    }

    pub fn with_clock(mut self, clock: impl Clock + 'static) -> Self {
        self.clock = Box::new(clock);
        self
    }

    /// A read-only session: every mutating operation is refused. (A desk
    /// opened read-only stays so.)
    pub fn set_read_only(&mut self, read_only: bool) {
        self.read_only |= read_only;
    }

    /// How the actor of this session came in (`ssh SHA256:… from ADDRESS`);
    /// `local` unless set.
    pub fn set_via(&mut self, via: &str) {
        self.via = via.to_string();
    }

    /// The entries this desk has written as done, and by whom.
    pub fn logged(&self) -> Option<&Logged> {
        self.logged.as_ref()
    }

    pub fn is_read_only(&self) -> bool {
        self.read_only
    }

    /// Reads until [`Desk::release_snapshot`] see one snapshot, under one
    /// lock (see [`crate::store::Store::hold_snapshot`]).
    pub fn hold_snapshot(&self) -> DeskResult<()> {
        Ok(self.store.hold_snapshot()?)
    }

    pub fn release_snapshot(&self) -> DeskResult<()> {
        Ok(self.store.release_snapshot()?)
    }

    /// Changes whenever another process commits; poll it to refresh.
    pub fn data_version(&self) -> DeskResult<i64> {
        Ok(self.store.data_version()?)
    }

    fn now(&self) -> String {
        rfc3339(self.clock.now())
    }

    fn conn(&self) -> &Connection {
        self.store.conn()
    }

    /// Runs one write use case in one IMMEDIATE transaction. `work` fills
    /// in the audit entry's context as it learns it. On success the entry
    /// is appended with outcome "ok" in the same transaction; on a refusal
    /// everything is rolled back and only a "denied" entry is written,
    /// quoting its input bounded and displayable. A read-only session
    /// writes nothing at all: the use case runs on a snapshot that is
    /// rolled back, and what it would have changed is refused.
    fn audited<T>(
        &mut self,
        actor_login: &str,
        operation: AuditOp,
        work: impl FnOnce(&Connection, &mut NewAuditEntry, &str) -> DeskResult<T>,
    ) -> DeskResult<T> {
        let result = self.audited_once(actor_login, operation, work);
        result.map_err(|error| self.confirm_damage(error))
    }

    /// An error as the person should read it: "damaged" only if SQLite's
    /// check agrees, a full disk with its room, a write refused on a
    /// read-only filesystem with that reason.
    pub fn explained(&self, error: DeskError) -> DeskError {
        match self.confirm_damage(error) {
            DeskError::Denied(mut denial) if denial.kind == crate::domain::denial::DenialKind::ReadOnly => {
                if let Some(why) = &self.read_only_because {
                    denial.has = format!("{why}, so mpdesk opened it only to read");
                }
                DeskError::Denied(denial)
            }
            DeskError::Storage(message) if message == error::DISK_FULL => DeskError::Storage(match self.store.path() {
                Some(path) => error::disk_full(path),
                None => message,
            }),
            other => other,
        }
    }

    /// SQLite said "malformed" during an operation: the file is called
    /// damaged only if SQLite's own check of it agrees. Otherwise what
    /// really happened is said (the files changed under this connection),
    /// never advice to restore a backup, which would lose work.
    pub fn confirm_damage(&self, error: DeskError) -> DeskError {
        if !matches!(error, DeskError::Corrupt(_)) {
            return error;
        }
        let check = self.conn().query_row("PRAGMA quick_check", [], |r| r.get::<_, String>(0));
        match check {
            Ok(verdict) if verdict == "ok" => DeskError::Storage(error::NOT_DAMAGED.to_string()),
            _ => error,
        }
    }

    fn audited_once<T>(
        &mut self,
        actor_login: &str,
        operation: AuditOp,
        work: impl FnOnce(&Connection, &mut NewAuditEntry, &str) -> DeskResult<T>,
    ) -> DeskResult<T> {
        let now = self.now();
        let mut entry = NewAuditEntry { operation: operation.as_str().to_string(), ..Default::default() };
        if self.read_only {
            let snapshot = self.store.read()?;
            let result = work(&snapshot, &mut entry, &now);
            drop(snapshot);
            return match result {
                Err(error) if !error.is_storage() => Err(error),
                _ => Err(Denial::read_only(&operation.as_str().replace('_', " ")).into()),
            };
        }
        // Memberships whose end has come are gone before anything is decided.
        self.notice_expiries()?;
        let tx = self.store.write()?;
        let result = self.check_session(&tx, operation).and_then(|()| work(&tx, &mut entry, &now));
        match result {
            Ok(value) => {
                if entry.undo.is_none() {
                    entry.undo = Some(undo::not_reversible(operation.not_reversible()));
                }
                let actor = store::audit::Actor { login: actor_login, via: &self.via };
                let id = store::audit::append(&tx, &now, &actor, "ok", &entry)?;
                tx.commit()?;
                let first = self.logged.as_ref().map_or(id, |logged| logged.first);
                self.logged = Some(Logged { first, last: id, actor: actor_login.to_string() });
                Ok(value)
            }
            Err(error) => {
                drop(tx);
                if error.is_refusal() {
                    entry.detail = error.to_string();
                    bound_quotes(&mut entry);
                    let tx = self.store.write()?;
                    let login = crate::sanitize::quote(actor_login, AUDIT_QUOTE_MAX);
                    let actor = store::audit::Actor { login: &login, via: &self.via };
                    store::audit::append(&tx, &now, &actor, "denied", &entry)?;
                    tx.commit()?;
                }
                Err(error)
            }
        }
    }

    /// Records a refusal that happened before any use case could run (an
    /// SSH command a person may not send): one "denied" entry.
    pub fn record_refusal(&mut self, actor_login: &str, operation: AuditOp, reason: &str) -> DeskResult<()> {
        let reason = reason.to_string();
        let result: DeskResult<()> = self.audited(actor_login, operation, |_, _, _| Err(DeskError::Invalid(reason)));
        match result {
            Err(DeskError::Invalid(_)) | Ok(()) => Ok(()),
            Err(other) => Err(other),
        }
    }

    /// Runs several use cases so that they land together or not at all.
    pub(crate) fn all_or_nothing<T>(&mut self, work: impl FnOnce(&mut Self) -> DeskResult<T>) -> DeskResult<T> {
        if self.read_only {
            return work(self);
        }
        self.store.begin_batch()?;
        let logged_before = self.logged.clone();
        let result = work(self);
        let ended = self.store.end_batch(result.is_ok());
        if result.is_err() || ended.is_err() {
            // Rolled back: what the batch appended is not in the log.
            self.logged = logged_before;
        }
        ended?;
        result
    }

    /// Resolves a registered login to the acting user; a person the
    /// operator disabled or removed cannot act.
    pub fn actor(&self, login: &str) -> DeskResult<Actor> {
        match store::users::by_login(self.conn(), login)? {
            Some(user) => {
                crate::domain::people::decide_acting(&user.login, &user.standing)?;
                Ok(Actor { id: user.id, login: user.login, name: user.name })
            }
            // The command to register is offered only for a login that
            // could be registered (never a 100,000-character one).
            None if crate::domain::validate::login(login).is_ok() => Err(DeskError::NotFound(format!(
                "user '{login}' is not registered; register with: mpdesk user add {login} --name \"Your Name\""
            ))),
            None => Err(DeskError::NotFound(format!("user '{}' is not registered", shown(login)))),
        }
    }
}

/// A refusal quotes what a person typed: each quoted field is kept to
/// [`AUDIT_QUOTE_MAX`] characters, sanitized, so the log can be neither
/// flooded nor used to spoof the people who read it.
fn bound_quotes(entry: &mut NewAuditEntry) {
    let bound = |text: &mut String| *text = crate::sanitize::quote(text, AUDIT_QUOTE_MAX);
    bound(&mut entry.detail);
    for field in [&mut entry.workspace, &mut entry.program, &mut entry.program_app_id] {
        if let Some(text) = field.as_mut() {
            bound(text);
        }
    }
}

/// Who sees which programs, derived from the domain's rules.
fn visibility(actor: &Actor) -> Visibility {
    Visibility {
        user_id: actor.id,
        active_status: MemberStatus::ACTING.as_str(),
        manager_roles: WorkspaceRole::ALL.iter().filter(|r| r.manages_all_programs()).map(|r| r.as_str()).collect(),
    }
}

fn access_of(row: &ProgramRow, read_only: bool) -> Access {
    Access { workspace: row.membership.as_ref().map(|m| (m.role, m.status)), program_member: row.is_member, read_only }
}

fn facts_of(row: &ProgramRow) -> crate::domain::lifecycle::ProgramFacts {
    crate::domain::lifecycle::ProgramFacts { status: row.status, version_count: row.version_count }
}

/// "Not found" for a place the actor's membership of ended: says so, with
/// when (the entry the end left).
fn ended(conn: &Connection, actor: &Actor, place: store::expiry::Place<'_>) -> DeskResult<Option<DeskError>> {
    Ok(store::expiry::last_ended(conn, &actor.login, place)?
        .map(|detail| DeskError::NotFound(format!("{detail}; ask to be added again"))))
}

fn not_found(reference: &str) -> DeskError {
    DeskError::NotFound(format!("mini program '{}' not found", shown(reference)))
}

/// What an error message may quote of a person's input: bounded, visible.
pub(crate) fn shown(input: &str) -> String {
    crate::sanitize::quote(input, 80)
}

fn is_app_id(reference: &str) -> bool {
    reference.len() == 16 && reference.chars().all(|c| c.is_ascii_digit())
}

/// A program by app ID or name among those the actor can view; one it
/// cannot view answers exactly as one that does not exist.
fn resolve_program(conn: &Connection, actor: &Actor, reference: &str) -> DeskResult<ProgramRow> {
    if is_app_id(reference) {
        let row = store::programs::by_app_id(conn, actor.id, reference)?;
        return match row {
            Some(row) if access_of(&row, false).can_view() => Ok(row),
            _ => {
                Err(ended(conn, actor, store::expiry::Place::AppId(reference))?.unwrap_or_else(|| not_found(reference)))
            }
        };
    }
    let reference = &validate::normalize(reference);
    let mut rows = store::programs::visible_by_name(conn, &visibility(actor), reference)?;
    match rows.len() {
        0 => {
            Err(ended(conn, actor, store::expiry::Place::ProgramName(reference))?
                .unwrap_or_else(|| not_found(reference)))
        }
        1 => Ok(rows.remove(0)),
        _ => Err(DeskError::Conflict(format!(
            "'{}' names mini programs in several workspaces; use an app ID: {}",
            shown(reference),
            rows.iter().map(|r| format!("{} ({})", r.app_id, r.workspace)).collect::<Vec<_>>().join(", ")
        ))),
    }
}

/// A workspace the actor belongs to (any status), by name; others answer
/// not found.
fn resolve_workspace(
    conn: &Connection,
    actor: &Actor,
    name: &str,
) -> DeskResult<(Workspace, crate::store::records::Membership)> {
    let missing = || DeskError::NotFound(format!("workspace '{}' not found", shown(name)));
    let workspace = store::workspaces::by_name(conn, &validate::normalize(name))?.ok_or_else(missing)?;
    let Some(membership) = store::workspaces::membership(conn, workspace.id, actor.id)? else {
        // A membership that ended says so, not "not found".
        return Err(ended(conn, actor, store::expiry::Place::Workspace(workspace.id))?.unwrap_or_else(missing));
    };
    Ok((workspace, membership))
}

/// The actor's role in a workspace if they may act there (Active).
fn acting_role(membership: &crate::store::records::Membership) -> Option<WorkspaceRole> {
    membership.status.can_act().then_some(membership.role)
}

/// Refuses to add, invite or admit someone who is already a member.
fn not_yet_member(conn: &Connection, workspace: &Workspace, user_id: i64, who: &str) -> DeskResult<()> {
    match store::workspaces::membership(conn, workspace.id, user_id)? {
        None => Ok(()),
        Some(existing) => Err(DeskError::Conflict(format!(
            "{who} {} already a member of {} ({}, {})",
            if who == "you" { "are" } else { "is" },
            workspace.name,
            existing.role.title(),
            existing.status.as_str()
        ))),
    }
}

fn note_program(entry: &mut NewAuditEntry, row: &ProgramRow) {
    entry.workspace_id = Some(row.workspace_id);
    entry.workspace = Some(row.workspace.clone());
    entry.program_app_id = Some(row.app_id.clone());
    entry.program = Some(row.name.clone());
}

fn note_workspace(entry: &mut NewAuditEntry, workspace: &Workspace) {
    entry.workspace_id = Some(workspace.id);
    entry.workspace = Some(workspace.name.clone());
}

fn invalid(message: String) -> DeskError {
    DeskError::Invalid(message)
}
