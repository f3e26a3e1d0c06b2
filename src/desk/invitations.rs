//! The workspace membership lifecycle: invitations (sent, resent,
//! withdrawn, accepted, declined, expired), blocking, and ownership transfer.

use super::clock::parse_rfc3339;
use super::undo::Capture;
use super::{
    acting_role, not_yet_member, note_workspace, resolve_workspace, rfc3339, Actor, Desk, DeskError, DeskResult,
    MemberStatus, WorkspaceRole,
};
use crate::domain::expiry::{decide_future, stamp, Expiry};
use crate::domain::invitation::{self, InvitationState, StoredState};
use crate::domain::operation::AuditOp;
use crate::domain::workspace_rules::{block_transition, decide_member_action, decide_transfer, MemberAction};
use crate::domain::Denial;
use crate::store;
use crate::store::invitations::NewInvitation;
use crate::store::records::{InvitationRow, Membership};
use crate::store::undo::Key;
use crate::store::Page;
use serde::Serialize;
use time::OffsetDateTime;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Invitation {
    pub workspace: String,
    pub login: String,
    pub name: String,
    pub role: WorkspaceRole,
    pub state: InvitationState,
    pub invited_by: String,
    pub sent_at: String,
    pub expires_at: String,
    pub decided_at: Option<String>,
    /// The access it grants once accepted: this many seconds from the
    /// acceptance, or until this instant (neither: no end).
    pub access_seconds: Option<i64>,
    pub access_until: Option<String>,
}

/// What accepting an invitation gave: the role, and when the access ends.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Joined {
    pub role: WorkspaceRole,
    pub access_until: Option<String>,
}

impl Joined {
    /// What the console and the CLI say of it.
    pub fn said(&self, workspace: &str) -> String {
        let ends = self.access_until.as_ref().map(|end| format!("; your access ends {end}")).unwrap_or_default();
        format!("you joined {workspace} as {}{ends}", self.role.title())
    }
}

/// What can be done to one row of a workspace's member list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MemberOp {
    /// Developer ↔ Master: the role the member would get.
    ChangeRole(WorkspaceRole),
    Block,
    Unblock,
    Remove,
    Resend,
    Withdraw,
    Transfer,
    /// Set when the membership ends.
    Expire,
}

impl Invitation {
    fn from_row(row: InvitationRow, now: OffsetDateTime) -> DeskResult<Self> {
        let expires = parse_rfc3339(&row.expires_at)?;
        Ok(Self {
            workspace: row.workspace,
            login: row.login,
            name: row.name,
            role: row.role,
            state: invitation::state_at(row.state, expires, now),
            invited_by: row.invited_by,
            sent_at: row.sent_at,
            expires_at: row.expires_at,
            decided_at: row.decided_at,
            access_seconds: row.access_seconds,
            access_until: row.access_until,
        })
    }

    /// Whether the access it grants ends at all.
    pub fn access_limited(&self) -> bool {
        self.access_seconds.is_some() || self.access_until.is_some()
    }

    /// The same, short, where it is limited (a row of the console):
    /// " (access for 90d)", " (access until 2027-01-31)"; empty if not.
    pub fn access_brief(&self) -> String {
        match (self.access_seconds, &self.access_until) {
            (Some(seconds), _) => {
                format!(" (access for {})", crate::domain::expiry::span_text(time::Duration::seconds(seconds)))
            }
            (None, Some(until)) => format!(" (access until {})", until.get(..10).unwrap_or(until)),
            (None, None) => String::new(),
        }
    }

    /// The access it grants once accepted, in words: "for 90d from the
    /// acceptance", "until 2027-01-31T00:00:00Z", "no end" (what the
    /// invite says, the lists show and the invitee reads before accepting).
    pub fn access(&self) -> String {
        match (self.access_seconds, &self.access_until) {
            (Some(seconds), _) => format!(
                "for {} from the acceptance",
                crate::domain::expiry::span_text(time::Duration::seconds(seconds))
            ),
            (None, Some(until)) => format!("until {until}"),
            (None, None) => "no end".to_string(),
        }
    }

    /// "expires in 2d 4h" or "expired" at `now`.
    pub fn countdown(&self, now: OffsetDateTime) -> String {
        parse_rfc3339(&self.expires_at).map(|e| invitation::countdown(e, now)).unwrap_or_default()
    }
}

/// "expires in 2d 4h" / "expired" for a stored expiry time at `now`.
pub fn countdown_text(expires_at: &str, now: OffsetDateTime) -> String {
    parse_rfc3339(expires_at).map(|e| invitation::countdown(e, now)).unwrap_or_else(|_| "?".to_string())
}

fn user_id(conn: &rusqlite::Connection, login: &str) -> DeskResult<i64> {
    store::users::by_login(conn, login)?
        .map(|u| u.id)
        .ok_or_else(|| DeskError::NotFound(format!("user '{}' is not registered", super::shown(login))))
}

fn pending_of(
    conn: &rusqlite::Connection,
    workspace_id: i64,
    workspace: &str,
    login: &str,
) -> DeskResult<InvitationRow> {
    let missing = || DeskError::NotFound(format!("no pending invitation for {login} in {workspace}"));
    let user = store::users::by_login(conn, login)?.ok_or_else(missing)?;
    store::invitations::pending(conn, workspace_id, user.id)?.ok_or_else(missing)
}

/// Every applicable operation on a member row, each allowed or why not.
fn member_ops(
    actor_role: Option<WorkspaceRole>,
    target: &Membership,
    login: &str,
    read_only: bool,
) -> Vec<(MemberOp, Result<(), Denial>)> {
    let other = match target.role {
        WorkspaceRole::Developer => WorkspaceRole::Master,
        _ => WorkspaceRole::Developer,
    };
    let mut ops = vec![(
        MemberOp::ChangeRole(other),
        decide_member_action(actor_role, MemberAction::ChangeRole, target.role, Some(other), read_only),
    )];
    if target.status == MemberStatus::Blocked {
        ops.push((
            MemberOp::Unblock,
            decide_member_action(actor_role, MemberAction::Unblock, target.role, None, read_only),
        ));
    } else {
        ops.push((
            MemberOp::Block,
            decide_member_action(actor_role, MemberAction::Block, target.role, None, read_only),
        ));
    }
    ops.push((MemberOp::Remove, decide_member_action(actor_role, MemberAction::Remove, target.role, None, read_only)));
    ops.push((MemberOp::Expire, crate::domain::expiry::decide_workspace_expiry(actor_role, target.role, read_only)));
    if target.role != WorkspaceRole::Owner {
        ops.push((
            MemberOp::Transfer,
            decide_transfer(actor_role, login, target.role, target.status.can_act(), read_only),
        ));
    }
    ops
}

impl Desk {
    /// The desk's clock (the console counts down invitations with it).
    pub fn now_time(&self) -> OffsetDateTime {
        self.clock.now()
    }

    /// Invites a registered user (the invitation expires in 3 days),
    /// granting access for a while once accepted (`30d`) or until an
    /// instant (`2027-01-31`), if given.
    pub fn invite(
        &mut self,
        actor: &Actor,
        workspace: &str,
        login: &str,
        role: WorkspaceRole,
        access: Option<&str>,
    ) -> DeskResult<Invitation> {
        let read_only = self.read_only;
        let now = self.now_time();
        self.audited(&actor.login, AuditOp::WorkspaceInvite, |tx, entry, sent_at| {
            let (ws, membership) = resolve_workspace(tx, actor, workspace)?;
            note_workspace(entry, &ws);
            decide_member_action(acting_role(&membership), MemberAction::Invite, role, None, read_only)?;
            let access = match access.map(Expiry::parse).transpose().map_err(DeskError::Invalid)? {
                Some(Expiry::After(span)) => (Some(span.whole_seconds()), None),
                Some(Expiry::At(until)) => {
                    decide_future(Some(until), now).map_err(DeskError::Invalid)?;
                    (None, Some(stamp(until)))
                }
                Some(Expiry::Never) | None => (None, None),
            };
            let user = user_id(tx, login)?;
            not_yet_member(tx, &ws, user, login)?;
            if let Some(invitee) = store::users::by_login(tx, login)? {
                crate::domain::people::decide_invitee(login, &invitee.standing).map_err(DeskError::Conflict)?;
            }
            if let Some(pending) = store::invitations::pending(tx, ws.id, user)? {
                let open = Invitation::from_row(pending, now)?;
                return Err(DeskError::Conflict(format!(
                    "{login} already has an invitation to {} ({}); resend it instead",
                    ws.name,
                    open.countdown(now)
                )));
            }
            let expires_at = rfc3339(invitation::expires_at(now));
            store::invitations::insert(
                tx,
                &NewInvitation {
                    workspace_id: ws.id,
                    user_id: user,
                    role,
                    invited_by: actor.id,
                    sent_at,
                    expires_at: &expires_at,
                },
            )?;
            entry.detail = format!("invited {login} as {}; expires {expires_at}", role.title());
            let mut row = pending_of(tx, ws.id, &ws.name, login)?;
            store::invitations::set_access(tx, row.id, access.0, access.1.as_deref())?;
            (row.access_seconds, row.access_until) = access.clone();
            match &access {
                (Some(seconds), _) => entry.detail.push_str(&format!(
                    "; access for {} once accepted",
                    crate::domain::expiry::span_text(time::Duration::seconds(*seconds))
                )),
                (_, Some(until)) => entry.detail.push_str(&format!("; access until {until}")),
                _ => {}
            }
            let mut capture = Capture::default();
            capture.created(Key::Invitation { id: row.id });
            entry.undo = Some(capture.finish(tx)?);
            Invitation::from_row(row, now)
        })
    }

    /// Resends a pending invitation: its 3 days start again.
    pub fn resend_invitation(&mut self, actor: &Actor, workspace: &str, login: &str) -> DeskResult<Invitation> {
        let read_only = self.read_only;
        let now = self.now_time();
        self.audited(&actor.login, AuditOp::WorkspaceInvitationResend, |tx, entry, sent_at| {
            let (ws, membership) = resolve_workspace(tx, actor, workspace)?;
            note_workspace(entry, &ws);
            let row = pending_of(tx, ws.id, &ws.name, login)?;
            decide_member_action(acting_role(&membership), MemberAction::Invite, row.role, None, read_only)?;
            let expires_at = rfc3339(invitation::expires_at(now));
            store::invitations::resend(tx, row.id, sent_at, &expires_at)?;
            entry.detail = format!("resent {login}'s invitation; expires {} → {expires_at}", row.expires_at);
            Invitation::from_row(pending_of(tx, ws.id, &ws.name, login)?, now)
        })
    }

    /// Withdraws a pending invitation (expired or not).
    pub fn withdraw_invitation(&mut self, actor: &Actor, workspace: &str, login: &str) -> DeskResult<()> {
        let read_only = self.read_only;
        self.audited(&actor.login, AuditOp::WorkspaceInvitationWithdraw, |tx, entry, now| {
            let (ws, membership) = resolve_workspace(tx, actor, workspace)?;
            note_workspace(entry, &ws);
            let row = pending_of(tx, ws.id, &ws.name, login)?;
            decide_member_action(acting_role(&membership), MemberAction::Withdraw, row.role, None, read_only)?;
            let mut capture = Capture::default();
            capture.rows(tx, Key::Invitation { id: row.id })?;
            store::invitations::decide(tx, row.id, StoredState::Withdrawn, now)?;
            entry.detail = format!("withdrew {login}'s invitation as {}: pending → withdrawn", row.role.title());
            entry.undo = Some(capture.finish(tx)?);
            Ok(())
        })
    }

    /// The invitee accepts: they become an Active member with the invited role.
    pub fn accept_invitation(&mut self, actor: &Actor, workspace: &str) -> DeskResult<Joined> {
        self.respond(actor, workspace, true)
    }

    pub fn decline_invitation(&mut self, actor: &Actor, workspace: &str) -> DeskResult<WorkspaceRole> {
        self.respond(actor, workspace, false).map(|answered| answered.role)
    }

    fn respond(&mut self, actor: &Actor, workspace: &str, accept: bool) -> DeskResult<Joined> {
        let read_only = self.read_only;
        let now = self.now_time();
        let operation = if accept { AuditOp::WorkspaceInvitationAccept } else { AuditOp::WorkspaceInvitationDecline };
        self.audited(&actor.login, operation, |tx, entry, at| {
            let missing = || DeskError::NotFound(format!("no invitation to workspace '{}'", super::shown(workspace)));
            let ws =
                store::workspaces::by_name(tx, &crate::domain::validate::normalize(workspace))?.ok_or_else(missing)?;
            let row = store::invitations::pending(tx, ws.id, actor.id)?.ok_or_else(missing)?;
            note_workspace(entry, &ws);
            let label = if accept { "Accepting an invitation" } else { "Declining an invitation" };
            if read_only {
                return Err(Denial::read_only(label).into());
            }
            let expires = parse_rfc3339(&row.expires_at)?;
            invitation::check_response(label, invitation::state_at(row.state, expires, now))?;
            not_yet_member(tx, &ws, actor.id, "you")?;
            let mut access_until = None;
            if accept {
                // Access granted for a while starts now.
                let end = match store::invitations::access(tx, row.id)? {
                    (Some(seconds), _) => Some(stamp(now + time::Duration::seconds(seconds))),
                    (None, Some(until)) => {
                        decide_future(parse_rfc3339(&until).ok(), now).map_err(|_| {
                            DeskError::Conflict(format!(
                                "this invitation's access ended on {until}; ask for a new invitation"
                            ))
                        })?;
                        Some(until)
                    }
                    (None, None) => None,
                };
                store::invitations::decide(tx, row.id, StoredState::Accepted, at)?;
                store::workspaces::add_member(tx, ws.id, actor.id, row.role, MemberStatus::Active, None, at)?;
                store::expiry::set_workspace_end(tx, ws.id, actor.id, end.as_deref())?;
                entry.detail =
                    format!("joined as {} (invited by {}): pending → accepted", row.role.title(), row.invited_by);
                if let Some(end) = &end {
                    entry.detail.push_str(&format!("; access until {end}"));
                }
                access_until = end;
            } else {
                store::invitations::decide(tx, row.id, StoredState::Declined, at)?;
                entry.detail = format!("declined the invitation as {}: pending → declined", row.role.title());
            }
            Ok(Joined { role: row.role, access_until })
        })
    }

    /// A workspace's invitations, every state, newest first.
    pub fn list_invitations(&self, actor: &Actor, workspace: &str, page: Page) -> DeskResult<Vec<Invitation>> {
        let (ws, membership) = resolve_workspace(self.conn(), actor, workspace)?;
        if acting_role(&membership).is_none() {
            return Err(DeskError::NotFound(format!("workspace '{}' not found", super::shown(workspace))));
        }
        let now = self.now_time();
        store::invitations::of_workspace(self.conn(), ws.id, page.offset, page.limit)?
            .into_iter()
            .map(|row| Invitation::from_row(row, now))
            .collect()
    }

    /// The actor's own invitations, newest first.
    pub fn my_invitations(&self, actor: &Actor) -> DeskResult<Vec<Invitation>> {
        let now = self.now_time();
        store::invitations::of_user(self.conn(), actor.id)?
            .into_iter()
            .map(|row| Invitation::from_row(row, now))
            .collect()
    }

    pub fn block_member(&mut self, actor: &Actor, workspace: &str, login: &str) -> DeskResult<()> {
        self.set_blocked(actor, workspace, login, true)
    }

    pub fn unblock_member(&mut self, actor: &Actor, workspace: &str, login: &str) -> DeskResult<()> {
        self.set_blocked(actor, workspace, login, false)
    }

    /// Blocking keeps program memberships, inert, until unblocked.
    fn set_blocked(&mut self, actor: &Actor, workspace: &str, login: &str, block: bool) -> DeskResult<()> {
        let read_only = self.read_only;
        let operation = if block { AuditOp::WorkspaceMemberBlock } else { AuditOp::WorkspaceMemberUnblock };
        self.audited(&actor.login, operation, |tx, entry, _now| {
            let (ws, membership) = resolve_workspace(tx, actor, workspace)?;
            note_workspace(entry, &ws);
            let (user, target) = super::workspaces::workspace_target(tx, ws.id, &ws.name, login)?;
            let action = if block { MemberAction::Block } else { MemberAction::Unblock };
            decide_member_action(acting_role(&membership), action, target.role, None, read_only)?;
            let (from, to) = block_transition(login, target.status, block)?;
            let mut capture = Capture::default();
            capture.rows(tx, Key::WorkspaceMember { workspace_id: ws.id, user_id: user })?;
            store::workspaces::set_status(tx, ws.id, user, to)?;
            entry.detail = format!("{login} ({}): {} → {}", target.role.title(), from.as_str(), to.as_str());
            entry.undo = Some(capture.finish(tx)?);
            Ok(())
        })
    }

    /// The Owner hands ownership to an Active Master and becomes a Master.
    pub fn transfer_ownership(&mut self, actor: &Actor, workspace: &str, login: &str) -> DeskResult<()> {
        let read_only = self.read_only;
        self.audited(&actor.login, AuditOp::WorkspaceTransfer, |tx, entry, _now| {
            let (ws, membership) = resolve_workspace(tx, actor, workspace)?;
            note_workspace(entry, &ws);
            let (user, target) = super::workspaces::workspace_target(tx, ws.id, &ws.name, login)?;
            decide_transfer(acting_role(&membership), login, target.role, target.status.can_act(), read_only)?;
            // One Owner at a time (a unique index): step down first.
            store::workspaces::set_role(tx, ws.id, actor.id, WorkspaceRole::Master)?;
            store::workspaces::set_role(tx, ws.id, user, WorkspaceRole::Owner)?;
            entry.detail = format!("ownership {} → {login}; {} is now Master", actor.login, actor.login);
            // The Owner never expires.
            if let Some(end) = store::expiry::workspace_end(tx, ws.id, user)? {
                store::expiry::set_workspace_end(tx, ws.id, user, None)?;
                entry.detail.push_str(&format!("; {login}'s access no longer ends ({end})"));
            }
            Ok(())
        })
    }

    /// For the console: every operation on one member or invitation row,
    /// allowed or the `Denial`.
    pub fn member_operations(
        &self,
        actor: &Actor,
        workspace: &str,
        login: &str,
    ) -> DeskResult<Vec<(MemberOp, Result<(), Denial>)>> {
        let (ws, membership) = resolve_workspace(self.conn(), actor, workspace)?;
        let actor_role = acting_role(&membership);
        let user = user_id(self.conn(), login)?;
        if let Some(target) = store::workspaces::membership(self.conn(), ws.id, user)? {
            return Ok(member_ops(actor_role, &target, login, self.read_only));
        }
        let row = pending_of(self.conn(), ws.id, &ws.name, login)?;
        Ok(vec![
            (MemberOp::Resend, decide_member_action(actor_role, MemberAction::Invite, row.role, None, self.read_only)),
            (
                MemberOp::Withdraw,
                decide_member_action(actor_role, MemberAction::Withdraw, row.role, None, self.read_only),
            ),
        ])
    }

    /// Which roles the actor may invite people as.
    pub fn invite_options(
        &self,
        actor: &Actor,
        workspace: &str,
    ) -> DeskResult<Vec<(WorkspaceRole, Result<(), Denial>)>> {
        let (_, membership) = resolve_workspace(self.conn(), actor, workspace)?;
        Ok([WorkspaceRole::Developer, WorkspaceRole::Master]
            .into_iter()
            .map(|role| {
                (role, decide_member_action(acting_role(&membership), MemberAction::Invite, role, None, self.read_only))
            })
            .collect())
    }
}
