//! Time-bound access: setting when a membership ends, and noticing the
//! ends that came — before any decision, so an expired membership is
//! gone at the moment it expires, whoever asks next.

use super::undo::{not_reversible, Capture};
use super::{
    access_of, acting_role, facts_of, note_program, note_workspace, resolve_program, resolve_workspace, Actor, Desk,
    DeskError, DeskResult,
};
use crate::domain::expiry::{decide_future, decide_program_expiry, decide_workspace_expiry, Expiry, SYSTEM};
use crate::domain::operation::AuditOp;
use crate::store;
use crate::store::expiry::Due;
use crate::store::records::NewAuditEntry;
use crate::store::undo::Key;
use time::OffsetDateTime;

/// An end as a person typed it, a duration counted from `now`: refused
/// when it cannot be read or is already past.
pub(super) fn end_from(text: &str, now: OffsetDateTime) -> DeskResult<Option<String>> {
    let end = Expiry::parse(text).map_err(DeskError::Invalid)?.from(now);
    decide_future(end, now).map_err(DeskError::Invalid)?;
    Ok(end.map(crate::domain::expiry::stamp))
}

/// A person who reaches the program (an explicit member, or its
/// workspace's Owner or a Master); anyone else is not found.
fn reaching(
    conn: &rusqlite::Connection,
    row: &crate::store::records::ProgramRow,
    login: &str,
) -> DeskResult<crate::store::records::User> {
    let missing = || DeskError::NotFound(format!("{login} is not a member of {}", row.name));
    let user = store::users::by_login(conn, login)?.ok_or_else(missing)?;
    let explicit = store::members::is_member(conn, row.id, user.id)?;
    let manager =
        store::workspaces::membership(conn, row.workspace_id, user.id)?.is_some_and(|m| m.role.manages_all_programs());
    if explicit || manager {
        Ok(user)
    } else {
        Err(missing())
    }
}

fn was(end: &Option<String>) -> String {
    end.clone().unwrap_or_else(|| "never".to_string())
}

impl Desk {
    /// Removes every membership whose end has come, each with one
    /// `membership_expired` entry by `system`, in one transaction. Many
    /// processes may notice the same end at once: the transaction rereads
    /// what is due under the write lock, so each is removed and logged
    /// exactly once. A read-only desk writes nothing (see README). Costs
    /// one index probe when nothing is due.
    pub fn notice_expiries(&mut self) -> DeskResult<Vec<Due>> {
        if self.read_only {
            return Ok(Vec::new());
        }
        let now = self.now();
        match store::expiry::next_end(self.conn())? {
            Some(next) if next <= now => {}
            _ => return Ok(Vec::new()),
        }
        let tx = self.store.write()?;
        let due = store::expiry::due(&tx, &now)?;
        let actor = store::audit::Actor { login: SYSTEM, via: "expiry" };
        for d in &due {
            let mut entry = NewAuditEntry {
                operation: AuditOp::MembershipExpired.as_str().to_string(),
                workspace_id: Some(d.workspace_id),
                workspace: Some(d.workspace.clone()),
                undo: Some(not_reversible(AuditOp::MembershipExpired.not_reversible())),
                ..Default::default()
            };
            let role = crate::domain::WorkspaceRole::parse(&d.role).map(|r| r.title()).unwrap_or("member");
            match &d.program {
                Some(p) => {
                    entry.program = Some(p.name.clone());
                    entry.program_app_id = Some(p.app_id.clone());
                    entry.detail = format!("{}'s membership of {} expired on {}", d.login, p.name, d.expires_at);
                    store::members::remove(&tx, p.id, d.user_id)?;
                }
                None => {
                    entry.detail = format!(
                        "{}'s {role} membership of {} expired on {} (and their program memberships there)",
                        d.login, d.workspace, d.expires_at
                    );
                    store::workspaces::remove_member(&tx, d.workspace_id, d.user_id)?;
                }
            }
            store::audit::append(&tx, &now, &actor, "ok", &entry)?;
        }
        tx.commit()?;
        Ok(due)
    }

    /// What `mpdesk expire` would remove (dry run) or removes now.
    pub fn expire(&mut self, dry_run: bool) -> DeskResult<Vec<Due>> {
        if dry_run || self.read_only {
            return Ok(store::expiry::due(self.conn(), &self.now())?);
        }
        self.notice_expiries()
    }

    /// The next instant a membership ends.
    pub fn next_expiry(&self) -> DeskResult<Option<OffsetDateTime>> {
        Ok(store::expiry::next_end(self.conn())?.and_then(|t| super::clock::parse_rfc3339(&t).ok()))
    }

    /// The next instant something this desk serves ends: a membership, or
    /// the key its SSH session came in with (the console wakes then).
    pub fn next_end(&self) -> DeskResult<Option<OffsetDateTime>> {
        Ok(match (self.next_expiry()?, self.session_key_end()?) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        })
    }

    /// When the key this session came in with stops working, if it ends.
    pub fn session_key_end(&self) -> DeskResult<Option<OffsetDateTime>> {
        Ok(match self.session_key() {
            Some(fingerprint) => store::keys::by_fingerprint(self.conn(), fingerprint)?
                .and_then(|k| k.expires_at)
                .and_then(|t| super::clock::parse_rfc3339(&t).ok()),
            None => None,
        })
    }

    /// Whether the actor may set when `login`'s access to a program ends
    /// (the console grays the key from this): who may add members there,
    /// for an explicit member.
    pub fn member_expiry_decision(
        &self,
        actor: &Actor,
        program: &str,
        login: &str,
    ) -> DeskResult<Result<(), crate::domain::Denial>> {
        let row = resolve_program(self.conn(), actor, program)?;
        let user = reaching(self.conn(), &row, login)?;
        let explicit = store::members::is_member(self.conn(), row.id, user.id)?;
        Ok(decide_program_expiry(&access_of(&row, self.read_only), &facts_of(&row), login, explicit))
    }

    /// When `login`'s membership of a workspace the actor belongs to ends.
    pub fn member_end(&self, actor: &Actor, workspace: &str, login: &str) -> DeskResult<Option<String>> {
        let (ws, _) = resolve_workspace(self.conn(), actor, workspace)?;
        let (user_id, _) = super::workspaces::workspace_target(self.conn(), ws.id, &ws.name, login)?;
        Ok(store::expiry::workspace_end(self.conn(), ws.id, user_id)?)
    }

    /// Sets, extends or clears (`never`) when `login`'s workspace
    /// membership ends: by whoever may add such a member, never the
    /// Owner's; audited and undoable.
    pub fn set_workspace_member_expiry(
        &mut self,
        actor: &Actor,
        workspace: &str,
        login: &str,
        expiry: &str,
    ) -> DeskResult<Option<String>> {
        let read_only = self.read_only;
        let now_time = self.clock.now();
        self.audited(&actor.login, AuditOp::WorkspaceMemberExpire, |tx, entry, _now| {
            let (ws, membership) = resolve_workspace(tx, actor, workspace)?;
            note_workspace(entry, &ws);
            let (user_id, target) = super::workspaces::workspace_target(tx, ws.id, &ws.name, login)?;
            decide_workspace_expiry(acting_role(&membership), target.role, read_only)?;
            let end = end_from(expiry, now_time)?;
            let before = store::expiry::workspace_end(tx, ws.id, user_id)?;
            let mut capture = Capture::default();
            capture.rows(tx, Key::WorkspaceMember { workspace_id: ws.id, user_id })?;
            store::expiry::set_workspace_end(tx, ws.id, user_id, end.as_deref())?;
            entry.detail =
                format!("{login} ({}): access ends {} (was {})", target.role.title(), was(&end), was(&before));
            entry.undo = Some(capture.finish(tx)?);
            Ok(end)
        })
    }

    /// Sets, extends or clears when `login`'s explicit membership of a
    /// program ends: by whoever may add members there; audited, undoable.
    pub fn set_member_expiry(
        &mut self,
        actor: &Actor,
        program: &str,
        login: &str,
        expiry: &str,
    ) -> DeskResult<Option<String>> {
        let read_only = self.read_only;
        let now_time = self.clock.now();
        self.audited(&actor.login, AuditOp::MemberExpire, |tx, entry, _now| {
            let row = resolve_program(tx, actor, program)?;
            note_program(entry, &row);
            let user = reaching(tx, &row, login)?;
            let explicit = store::members::is_member(tx, row.id, user.id)?;
            decide_program_expiry(&access_of(&row, read_only), &facts_of(&row), login, explicit)?;
            let end = end_from(expiry, now_time)?;
            let before = store::expiry::program_end(tx, row.id, user.id)?;
            let mut capture = Capture::default();
            capture.rows(tx, Key::ProgramMember { program_id: row.id, user_id: user.id })?;
            store::expiry::set_program_end(tx, row.id, user.id, end.as_deref())?;
            entry.detail = format!("{login}: access ends {} (was {})", was(&end), was(&before));
            entry.undo = Some(capture.finish(tx)?);
            Ok(end)
        })
    }
}
