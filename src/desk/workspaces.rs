//! Workspaces and direct membership management by Owners and Masters.

use super::undo::{not_reversible, Capture};
use super::{
    acting_role, invalid, not_yet_member, note_workspace, resolve_workspace, Actor, Desk, DeskError, DeskResult,
    MemberStatus, Page, WorkspaceMember, WorkspaceRole, WorkspaceSummary,
};
use crate::domain::invitation::StoredState;
use crate::domain::operation::AuditOp;
use crate::domain::validate;
use crate::domain::workspace_rules::{decide_member_action, decide_workspace_change, MemberAction, WorkspaceChange};
use crate::store;
use crate::store::undo::Key;

impl Desk {
    /// Creates a workspace; the actor becomes its Owner.
    pub fn create_workspace(&mut self, actor: &Actor, name: &str) -> DeskResult<WorkspaceSummary> {
        let by = actor.login.clone();
        self.create_workspace_by(&by, actor, name)
    }

    /// Creates a workspace with `owner` as its Owner, audited as done `by`
    /// someone (the owner, or the operator setting up a server).
    pub(super) fn create_workspace_by(&mut self, by: &str, actor: &Actor, name: &str) -> DeskResult<WorkspaceSummary> {
        let read_only = self.read_only;
        self.audited(by, AuditOp::WorkspaceCreate, |tx, entry, now| {
            entry.workspace = Some(name.to_string());
            if read_only {
                return Err(crate::domain::Denial::read_only("Create workspace").into());
            }
            let name = &validate::name("workspace name", name).map_err(invalid)?;
            if store::workspaces::by_name(tx, name)?.is_some() {
                return Err(DeskError::Conflict(format!("a workspace named '{name}' already exists")));
            }
            let id = store::workspaces::insert(tx, name, actor.id, now)?;
            store::workspaces::add_member(tx, id, actor.id, WorkspaceRole::Owner, MemberStatus::Active, None, now)?;
            entry.workspace_id = Some(id);
            entry.detail = format!("created workspace {name}; {} is Owner", actor.login);
            Ok(WorkspaceSummary { name: name.to_string(), role: WorkspaceRole::Owner, status: MemberStatus::Active })
        })
    }

    /// Renames a workspace (its Owner only); undone by renaming it back.
    pub fn rename_workspace(&mut self, actor: &Actor, workspace: &str, new_name: &str) -> DeskResult<WorkspaceSummary> {
        let read_only = self.read_only;
        self.audited(&actor.login, AuditOp::WorkspaceRename, |tx, entry, _now| {
            let (ws, membership) = resolve_workspace(tx, actor, workspace)?;
            note_workspace(entry, &ws);
            decide_workspace_change(acting_role(&membership), WorkspaceChange::Rename, (0, 0, 0), read_only)?;
            let name = validate::name("workspace name", new_name).map_err(invalid)?;
            if name == ws.name {
                return Err(invalid(format!("the workspace is already named '{name}'")));
            }
            if store::workspaces::by_name(tx, &name)?.is_some_and(|other| other.id != ws.id) {
                return Err(DeskError::Conflict(format!("a workspace named '{name}' already exists")));
            }
            let mut capture = Capture::default();
            capture.workspace_name(tx, ws.id)?;
            store::workspaces::rename(tx, ws.id, &name)?;
            entry.undo = Some(capture.finish(tx)?);
            entry.detail = format!("renamed workspace {:?} → {:?}", ws.name, name);
            Ok(WorkspaceSummary { name: name.to_string(), role: membership.role, status: membership.status })
        })
    }

    /// Whether the actor may rename and delete the workspace now, and why
    /// not (the console's keys).
    pub fn workspace_changes(
        &self,
        actor: &Actor,
        workspace: &str,
    ) -> DeskResult<Vec<(WorkspaceChange, Result<(), crate::domain::Denial>)>> {
        let (ws, membership) = resolve_workspace(self.conn(), actor, workspace)?;
        let role = acting_role(&membership);
        let contents = store::workspaces::contents(self.conn(), ws.id)?;
        Ok([WorkspaceChange::Rename, WorkspaceChange::Delete]
            .into_iter()
            .map(|change| (change, decide_workspace_change(role, change, contents, self.read_only)))
            .collect())
    }

    /// Deletes an empty workspace (its Owner only): no programs, no members
    /// besides the Owner, no pending invitations. Not reversible.
    pub fn delete_workspace(&mut self, actor: &Actor, workspace: &str) -> DeskResult<()> {
        let read_only = self.read_only;
        self.audited(&actor.login, AuditOp::WorkspaceDelete, |tx, entry, _now| {
            let (ws, membership) = resolve_workspace(tx, actor, workspace)?;
            note_workspace(entry, &ws);
            let contents = store::workspaces::contents(tx, ws.id)?;
            decide_workspace_change(acting_role(&membership), WorkspaceChange::Delete, contents, read_only)?;
            store::workspaces::delete(tx, ws.id)?;
            entry.undo = Some(not_reversible(AuditOp::WorkspaceDelete.not_reversible()));
            entry.detail = format!("deleted workspace {}", ws.name);
            Ok(())
        })
    }

    /// The first run: registers `login` (when `name` is given) and creates
    /// their first workspace, both or neither.
    pub fn register_and_create_workspace(
        &mut self,
        login: &str,
        name: Option<&str>,
        workspace: &str,
    ) -> DeskResult<WorkspaceSummary> {
        self.all_or_nothing(|desk| {
            if let Some(name) = name {
                desk.add_user(login, Some(name), None)?;
            }
            let actor = desk.actor(login)?;
            desk.create_workspace(&actor, workspace)
        })
    }

    /// For a person blocked in a workspace: who blocked them and since
    /// when, and what they can do about it. None if they are not blocked.
    pub fn blocked_notice(&self, actor: &Actor, workspace: &str) -> DeskResult<Option<String>> {
        let (ws, membership) = resolve_workspace(self.conn(), actor, workspace)?;
        if membership.status != MemberStatus::Blocked {
            return Ok(None);
        }
        let by = store::audit::last_block(self.conn(), ws.id, &actor.login)?;
        let by = match by {
            Some((who, at)) => format!(" by {who} since {}", at.get(..16).unwrap_or(&at).replace('T', " ")),
            None => String::new(),
        };
        Ok(Some(format!(
            "you are blocked in {}{by}: you see and do nothing there; ask its Owner or a Master to unblock you",
            ws.name
        )))
    }

    /// The workspaces the actor belongs to.
    pub fn list_workspaces(&self, actor: &Actor) -> DeskResult<Vec<WorkspaceSummary>> {
        let rows = store::workspaces::of_user(self.conn(), actor.id)?;
        Ok(rows.into_iter().map(|(ws, m)| WorkspaceSummary { name: ws.name, role: m.role, status: m.status }).collect())
    }

    /// Adds a registered user to a workspace directly, as Active, the
    /// membership ending at `expires` (a date, a time, a duration from
    /// now) if given.
    pub fn add_workspace_member(
        &mut self,
        actor: &Actor,
        workspace: &str,
        login: &str,
        role: WorkspaceRole,
        expires: Option<&str>,
    ) -> DeskResult<()> {
        let read_only = self.read_only;
        let now_time = self.clock.now();
        self.audited(&actor.login, AuditOp::WorkspaceMemberAdd, |tx, entry, now| {
            let (ws, membership) = resolve_workspace(tx, actor, workspace)?;
            note_workspace(entry, &ws);
            decide_member_action(acting_role(&membership), MemberAction::Add, role, None, read_only)?;
            let end = match expires {
                Some(text) => super::expiry::end_from(text, now_time)?,
                None => None,
            };
            let user = store::users::by_login(tx, login)?
                .ok_or_else(|| DeskError::NotFound(format!("user '{}' is not registered", super::shown(login))))?;
            not_yet_member(tx, &ws, user.id, login)?;
            let mut capture = Capture::default();
            capture.rows(tx, Key::WorkspaceMember { workspace_id: ws.id, user_id: user.id })?;
            store::workspaces::add_member(tx, ws.id, user.id, role, MemberStatus::Active, Some(actor.id), now)?;
            store::expiry::set_workspace_end(tx, ws.id, user.id, end.as_deref())?;
            entry.detail = format!("added {login} as {}", role.title());
            if let Some(end) = &end {
                entry.detail.push_str(&format!(" until {end}"));
            }
            // A direct add answers a pending invitation: it is settled here,
            // in the same transaction, so nobody is listed twice.
            if let Some(pending) = store::invitations::pending(tx, ws.id, user.id)? {
                capture.rows(tx, Key::Invitation { id: pending.id })?;
                store::invitations::decide(tx, pending.id, StoredState::Withdrawn, now)?;
                entry.detail.push_str("; their pending invitation: pending → withdrawn (added directly)");
            }
            entry.undo = Some(capture.finish(tx)?);
            Ok(())
        })
    }

    /// Promotes or demotes a member; their role on every program follows.
    pub fn set_workspace_member_role(
        &mut self,
        actor: &Actor,
        workspace: &str,
        login: &str,
        role: WorkspaceRole,
    ) -> DeskResult<()> {
        let read_only = self.read_only;
        self.audited(&actor.login, AuditOp::WorkspaceMemberRole, |tx, entry, _now| {
            let (ws, membership) = resolve_workspace(tx, actor, workspace)?;
            note_workspace(entry, &ws);
            let (user_id, target) = workspace_target(tx, ws.id, &ws.name, login)?;
            decide_member_action(
                acting_role(&membership),
                MemberAction::ChangeRole,
                target.role,
                Some(role),
                read_only,
            )?;
            if target.role == role {
                return Err(DeskError::Conflict(format!("{login} is already {} of {}", role.title(), ws.name)));
            }
            let mut capture = Capture::default();
            capture.rows(tx, Key::WorkspaceMember { workspace_id: ws.id, user_id })?;
            store::workspaces::set_role(tx, ws.id, user_id, role)?;
            entry.detail = format!("{login}: {} → {}", target.role.title(), role.title());
            entry.undo = Some(capture.finish(tx)?);
            Ok(())
        })
    }

    /// Removes a member and all their program memberships in the workspace.
    pub fn remove_workspace_member(&mut self, actor: &Actor, workspace: &str, login: &str) -> DeskResult<()> {
        let read_only = self.read_only;
        self.audited(&actor.login, AuditOp::WorkspaceMemberRemove, |tx, entry, _now| {
            let (ws, membership) = resolve_workspace(tx, actor, workspace)?;
            note_workspace(entry, &ws);
            let (user_id, target) = workspace_target(tx, ws.id, &ws.name, login)?;
            decide_member_action(acting_role(&membership), MemberAction::Remove, target.role, None, read_only)?;
            let mut capture = Capture::default();
            capture.rows(tx, Key::WorkspaceMember { workspace_id: ws.id, user_id })?;
            capture.rows(tx, Key::MemberPrograms { workspace_id: ws.id, user_id })?;
            store::workspaces::remove_member(tx, ws.id, user_id)?;
            entry.detail = format!("removed {login} ({}) and their program memberships", target.role.title());
            entry.undo = Some(capture.finish(tx)?);
            Ok(())
        })
    }

    /// The workspace's members (Owner, Masters, Developers; Active or
    /// Blocked), then its pending invitations; only Active members read it.
    pub fn list_workspace_members(
        &self,
        actor: &Actor,
        workspace: &str,
        page: Page,
    ) -> DeskResult<Vec<WorkspaceMember>> {
        let (ws, membership) = resolve_workspace(self.conn(), actor, workspace)?;
        if acting_role(&membership).is_none() {
            return Err(DeskError::NotFound(format!("workspace '{}' not found", super::shown(workspace))));
        }
        let mut rows = store::workspaces::members(self.conn(), ws.id, page.offset, page.limit)?;
        if (rows.len() as u64) < page.limit {
            let members = if rows.is_empty() {
                store::workspaces::count_members(self.conn(), ws.id)?
            } else {
                page.offset + rows.len() as u64
            };
            let rest = page.limit - rows.len() as u64;
            let invitations = store::invitations::pending_of_workspace(
                self.conn(),
                ws.id,
                page.offset.saturating_sub(members),
                rest,
            )?;
            rows.extend(invitations.into_iter().map(|i| WorkspaceMember {
                login: i.login,
                name: i.name,
                role: i.role,
                status: MemberStatus::Invited,
                since: i.sent_at,
                expires_at: Some(i.expires_at),
                disabled: i.invitee_disabled,
            }));
        }
        Ok(rows)
    }

    /// One person's membership status in a workspace (`None`: not a
    /// member); read like the member list, by its Active members only.
    pub fn member_status(&self, actor: &Actor, workspace: &str, login: &str) -> DeskResult<Option<MemberStatus>> {
        let (ws, membership) = resolve_workspace(self.conn(), actor, workspace)?;
        if acting_role(&membership).is_none() {
            return Err(DeskError::NotFound(format!("workspace '{}' not found", super::shown(workspace))));
        }
        let Some(user) = store::users::by_login(self.conn(), login)? else { return Ok(None) };
        Ok(store::workspaces::membership(self.conn(), ws.id, user.id)?.map(|m| m.status))
    }

    /// The members whose access ends within 7 days, soonest first (the
    /// Members tab's "expiring" filter); read like the member list.
    pub fn expiring_workspace_members(
        &self,
        actor: &Actor,
        workspace: &str,
        page: Page,
    ) -> DeskResult<Vec<WorkspaceMember>> {
        let ws = self.readable_workspace(actor, workspace)?;
        let until = crate::domain::expiry::stamp(self.clock.now() + crate::domain::expiry::SOON);
        Ok(store::workspaces::expiring_members(self.conn(), ws.id, &until, page.offset, page.limit)?)
    }

    pub fn count_expiring_workspace_members(&self, actor: &Actor, workspace: &str) -> DeskResult<u64> {
        let ws = self.readable_workspace(actor, workspace)?;
        let until = crate::domain::expiry::stamp(self.clock.now() + crate::domain::expiry::SOON);
        Ok(store::workspaces::count_expiring_members(self.conn(), ws.id, &until)?)
    }

    /// A workspace whose member list the actor may read (an acting member).
    fn readable_workspace(&self, actor: &Actor, workspace: &str) -> DeskResult<crate::store::records::Workspace> {
        let (ws, membership) = resolve_workspace(self.conn(), actor, workspace)?;
        if acting_role(&membership).is_none() {
            return Err(DeskError::NotFound(format!("workspace '{}' not found", super::shown(workspace))));
        }
        Ok(ws)
    }

    pub fn count_workspace_members(&self, actor: &Actor, workspace: &str) -> DeskResult<u64> {
        let (ws, membership) = resolve_workspace(self.conn(), actor, workspace)?;
        if acting_role(&membership).is_none() {
            return Err(DeskError::NotFound(format!("workspace '{}' not found", super::shown(workspace))));
        }
        Ok(store::workspaces::count_members(self.conn(), ws.id)?
            + store::invitations::count_pending_of_workspace(self.conn(), ws.id)?)
    }
}

pub(super) fn workspace_target(
    conn: &rusqlite::Connection,
    workspace_id: i64,
    workspace: &str,
    login: &str,
) -> DeskResult<(i64, crate::store::records::Membership)> {
    let missing = || DeskError::NotFound(format!("{login} is not a member of workspace {workspace}"));
    let user = store::users::by_login(conn, login)?.ok_or_else(missing)?;
    let membership = store::workspaces::membership(conn, workspace_id, user.id)?.ok_or_else(missing)?;
    Ok((user.id, membership))
}
