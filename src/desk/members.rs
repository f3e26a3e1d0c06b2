//! Program members: who reaches a program, the new member list, adding and
//! removing.

use super::undo::Capture;
use super::{
    access_of, facts_of, note_program, resolve_program, Actor, Candidate, Desk, DeskError, DeskResult, MemberSource,
    MemberStatus, Operation, Page, ProgramMember, WorkspaceRole,
};
use crate::domain::operation::AuditOp;
use crate::domain::permission::{decide, decide_member_removal};
use crate::domain::Denial;
use crate::store;
use crate::store::members::{Filter, Reach};
use crate::store::records::MemberRow;
use crate::store::undo::Key;

fn manager_roles() -> Vec<&'static str> {
    WorkspaceRole::ALL.iter().filter(|r| r.manages_all_programs()).map(|r| r.as_str()).collect()
}

fn addable_roles() -> Vec<&'static str> {
    WorkspaceRole::ALL.iter().filter(|r| !r.manages_all_programs()).map(|r| r.as_str()).collect()
}

fn reach<'a>(row: &crate::store::records::ProgramRow, roles: &'a [&'a str]) -> Reach<'a> {
    Reach {
        workspace_id: row.workspace_id,
        program_id: row.id,
        active_status: MemberStatus::ACTING.as_str(),
        manager_roles: roles,
    }
}

fn member_of(row: MemberRow) -> ProgramMember {
    let source = match (row.explicit, row.workspace_role) {
        (true, _) => MemberSource::Member,
        (false, WorkspaceRole::Owner) => MemberSource::WorkspaceOwner,
        (false, _) => MemberSource::WorkspaceMaster,
    };
    ProgramMember {
        login: row.login,
        name: row.name,
        role: row.workspace_role.eligible_program_role(),
        source,
        added_by: row.added_by,
        added_at: row.added_at,
        disabled: row.disabled,
        expires_at: row.expires_at,
    }
}

impl Desk {
    /// Everyone who reaches the program: explicit members and the
    /// workspace's Owner and Masters. Roles are derived, never stored.
    pub fn list_members(&self, actor: &Actor, program: &str, page: Page) -> DeskResult<Vec<ProgramMember>> {
        self.find_members(actor, program, None, page)
    }

    /// One page of the people who reach the program whose login or name
    /// contains `text` (case-insensitive).
    pub fn find_members(
        &self,
        actor: &Actor,
        program: &str,
        text: Option<&str>,
        page: Page,
    ) -> DeskResult<Vec<ProgramMember>> {
        let row = resolve_program(self.conn(), actor, program)?;
        let roles = manager_roles();
        let rows = store::members::reaching(
            self.conn(),
            &reach(&row, &roles),
            text.map(Filter::Contains),
            page.offset,
            page.limit,
        )?;
        Ok(rows.into_iter().map(member_of).collect())
    }

    pub fn count_members(&self, actor: &Actor, program: &str, text: Option<&str>) -> DeskResult<u64> {
        let row = resolve_program(self.conn(), actor, program)?;
        let roles = manager_roles();
        Ok(store::members::count_reaching(self.conn(), &reach(&row, &roles), text.map(Filter::Contains))?)
    }

    /// The new member list: Active workspace Developers not yet members.
    pub fn member_candidates(&self, actor: &Actor, program: &str, page: Page) -> DeskResult<Vec<Candidate>> {
        self.find_candidates(actor, program, None, page)
    }

    /// The new member list narrowed to logins or names containing `text`.
    pub fn find_candidates(
        &self,
        actor: &Actor,
        program: &str,
        text: Option<&str>,
        page: Page,
    ) -> DeskResult<Vec<Candidate>> {
        let row = resolve_program(self.conn(), actor, program)?;
        let rows = store::members::candidates(
            self.conn(),
            row.workspace_id,
            row.id,
            MemberStatus::ACTING.as_str(),
            &addable_roles(),
            text,
            page,
        )?;
        Ok(rows
            .into_iter()
            .filter_map(|(user, role)| {
                let role = WorkspaceRole::parse(&role)?;
                Some(Candidate { login: user.login, name: user.name, role: role.eligible_program_role() })
            })
            .collect())
    }

    /// Adds members, all or none, in one transaction, their memberships
    /// ending at `expires` (a date, a time, a duration from now) if given.
    pub fn add_members(
        &mut self,
        actor: &Actor,
        program: &str,
        logins: &[String],
        expires: Option<&str>,
    ) -> DeskResult<Vec<ProgramMember>> {
        let read_only = self.read_only;
        let now_time = self.clock.now();
        self.audited(&actor.login, AuditOp::MemberAdd, |tx, entry, now| {
            let row = resolve_program(tx, actor, program)?;
            note_program(entry, &row);
            decide(&access_of(&row, read_only), Operation::AddMembers, &facts_of(&row))?;
            let end = match expires {
                Some(text) => super::expiry::end_from(text, now_time)?,
                None => None,
            };
            if logins.is_empty() {
                return Err(DeskError::Invalid("name at least one user to add".to_string()));
            }
            let mut seen = Vec::new();
            let mut capture = Capture::default();
            for login in logins {
                if seen.contains(login) {
                    continue;
                }
                let user = store::users::by_login(tx, login)?
                    .ok_or_else(|| DeskError::NotFound(format!("user '{}' is not registered", super::shown(login))))?;
                let membership = store::workspaces::membership(tx, row.workspace_id, user.id)?
                    .filter(|m| m.status.can_act())
                    .ok_or_else(|| DeskError::Invalid(format!(
                        "{login} is not an active member of workspace {}; every mini program member must first be a member of the workspace",
                        row.workspace
                    )))?;
                if membership.role.manages_all_programs() {
                    return Err(DeskError::Conflict(format!(
                        "{login} is a workspace {} and already manages every mini program of this workspace",
                        membership.role.title()
                    )));
                }
                if store::members::is_member(tx, row.id, user.id)? {
                    return Err(DeskError::Conflict(format!("{login} is already a member of {}", row.name)));
                }
                capture.rows(tx, Key::ProgramMember { program_id: row.id, user_id: user.id })?;
                store::members::add(tx, row.id, user.id, actor.id, now)?;
                store::expiry::set_program_end(tx, row.id, user.id, end.as_deref())?;
                seen.push(login.clone());
            }
            entry.detail = format!("added {}", seen.join(", "));
            if let Some(end) = &end {
                entry.detail.push_str(&format!(" until {end}"));
            }
            entry.undo = Some(capture.finish(tx)?);
            let roles = manager_roles();
            let mut added = Vec::new();
            for login in &seen {
                added.extend(store::members::reaching(tx, &reach(&row, &roles), Some(Filter::Login(login)), 0, 1)?);
            }
            Ok(added.into_iter().map(member_of).collect())
        })
    }

    /// Removes an explicit member (member management: Admin only).
    pub fn remove_member(&mut self, actor: &Actor, program: &str, login: &str) -> DeskResult<()> {
        let read_only = self.read_only;
        self.audited(&actor.login, AuditOp::MemberRemove, |tx, entry, _now| {
            let row = resolve_program(tx, actor, program)?;
            note_program(entry, &row);
            decide(&access_of(&row, read_only), Operation::AddMembers, &facts_of(&row))?;
            let target = find_reaching(tx, &row, login)?;
            decide_member_removal(
                &access_of(&row, read_only),
                &facts_of(&row),
                login,
                target.explicit,
                target.workspace_role,
            )?;
            let user = store::users::by_login(tx, login)?
                .ok_or_else(|| DeskError::NotFound(format!("{login} is not a member of {}", row.name)))?;
            let mut capture = Capture::default();
            capture.rows(tx, Key::ProgramMember { program_id: row.id, user_id: user.id })?;
            store::members::remove(tx, row.id, user.id)?;
            entry.detail = format!("removed {login}");
            entry.undo = Some(capture.finish(tx)?);
            Ok(())
        })
    }

    /// Whether the actor may remove this person from the program, and if
    /// not, why (the console grays `remove` out from this).
    pub fn member_removal(&self, actor: &Actor, program: &str, login: &str) -> DeskResult<Result<(), Denial>> {
        let row = resolve_program(self.conn(), actor, program)?;
        let target = find_reaching(self.conn(), &row, login)?;
        Ok(decide_member_removal(
            &access_of(&row, self.read_only),
            &facts_of(&row),
            login,
            target.explicit,
            target.workspace_role,
        ))
    }
}

/// The person `login` among those who reach the program.
fn find_reaching(
    conn: &rusqlite::Connection,
    row: &crate::store::records::ProgramRow,
    login: &str,
) -> DeskResult<MemberRow> {
    let roles = manager_roles();
    store::members::reaching(conn, &reach(row, &roles), Some(Filter::Login(login)), 0, 1)?
        .into_iter()
        .next()
        .ok_or_else(|| DeskError::NotFound(format!("{login} is not a member of {}", row.name)))
}
