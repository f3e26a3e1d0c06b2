//! The permission table of the seed page, as one `const` table, and the one
//! function that decides a program operation: [`decide`].

use super::lifecycle::{self, ProgramFacts};
use super::role::{MemberStatus, ProgramRole, WorkspaceRole};
use super::Denial;
use serde::Serialize;

/// An operation on one mini program (the rows of the seed's table but
/// "Create", which is a workspace operation: see [`CREATE_PROGRAM_ROLES`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Operation {
    Edit,
    View,
    AddMembers,
    Upload,
    Configure,
    Release,
    TakeOffline,
    Delete,
}

/// One row of the seed's table: may an Admin, may a Developer.
#[derive(Debug, Clone, Copy)]
pub struct Permission {
    pub operation: Operation,
    pub admin: bool,
    pub developer: bool,
}

/// The seed's table, the only copy. Removing a member counts as
/// "Add mini program members" (domain.md, *decided*).
pub const PERMISSIONS: [Permission; 8] = [
    Permission { operation: Operation::Edit, admin: true, developer: false },
    Permission { operation: Operation::View, admin: true, developer: true },
    Permission { operation: Operation::AddMembers, admin: true, developer: false },
    Permission { operation: Operation::Upload, admin: true, developer: true },
    Permission { operation: Operation::Configure, admin: true, developer: false },
    Permission { operation: Operation::Release, admin: true, developer: false },
    Permission { operation: Operation::TakeOffline, admin: true, developer: false },
    Permission { operation: Operation::Delete, admin: true, developer: false },
];

/// "Create mini programs: only workspace Owners and Masters."
pub const CREATE_PROGRAM_ROLES: [WorkspaceRole; 2] = [WorkspaceRole::Owner, WorkspaceRole::Master];

impl Operation {
    pub const ALL: [Operation; 8] = [
        Self::Edit,
        Self::View,
        Self::AddMembers,
        Self::Upload,
        Self::Configure,
        Self::Release,
        Self::TakeOffline,
        Self::Delete,
    ];

    /// The snake_case key used in JSON (`program can`).
    pub fn key(self) -> &'static str {
        match self {
            Self::Edit => "edit",
            Self::View => "view",
            Self::AddMembers => "add_members",
            Self::Upload => "upload",
            Self::Configure => "configure",
            Self::Release => "release",
            Self::TakeOffline => "take_offline",
            Self::Delete => "delete",
        }
    }

    /// The seed's wording of the row.
    pub fn description(self) -> &'static str {
        match self {
            Self::Edit => "Edit mini programs",
            Self::View => "View mini programs",
            Self::AddMembers => "Add mini program members",
            Self::Upload => "Upload mini program code and version",
            Self::Configure => "Configure mini programs",
            Self::Release => "Release mini programs",
            Self::TakeOffline => "Take mini programs offline",
            Self::Delete => "Delete mini programs",
        }
    }

    /// How a refusal names the operation ("Release needs …").
    pub fn action(self) -> &'static str {
        match self {
            Self::Edit => "Edit",
            Self::View => "View",
            Self::AddMembers => "Managing members",
            Self::Upload => "Upload",
            Self::Configure => "Configure",
            Self::Release => "Release",
            Self::TakeOffline => "Take offline",
            Self::Delete => "Delete",
        }
    }

    /// Operations that change data; a read-only session refuses them.
    pub fn mutates(self) -> bool {
        self != Self::View
    }

    pub fn row(self) -> Permission {
        PERMISSIONS.iter().copied().find(|p| p.operation == self).unwrap_or(Permission {
            operation: self,
            admin: false,
            developer: false,
        })
    }

    /// Whether the table lets `role` do this operation.
    pub fn allowed_for(self, role: ProgramRole) -> bool {
        let row = self.row();
        match role {
            ProgramRole::Admin => row.admin,
            ProgramRole::Developer => row.developer,
        }
    }

    /// The least role the table asks for.
    pub fn needed_role(self) -> ProgramRole {
        if self.allowed_for(ProgramRole::Developer) {
            ProgramRole::Developer
        } else {
            ProgramRole::Admin
        }
    }
}

/// What an actor has on one program in this session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Access {
    /// Role and status in the program's workspace, if a member at all.
    pub workspace: Option<(WorkspaceRole, MemberStatus)>,
    /// Whether the actor is an explicit member of the program.
    pub program_member: bool,
    /// A read-only session refuses every mutating operation.
    pub read_only: bool,
}

impl Access {
    /// Active workspace role, if any: only Active members act or see.
    pub fn active_workspace_role(&self) -> Option<WorkspaceRole> {
        match self.workspace {
            Some((role, status)) if status.can_act() => Some(role),
            _ => None,
        }
    }

    /// Effective role on the program (domain.md, "Mini program roles").
    pub fn effective_role(&self) -> Option<ProgramRole> {
        let role = self.active_workspace_role()?;
        if role.manages_all_programs() || self.program_member {
            Some(role.eligible_program_role())
        } else {
            None
        }
    }

    /// Why the actor has the role they have: "Admin — workspace Master".
    pub fn role_reason(&self) -> Option<String> {
        let ws = self.active_workspace_role()?;
        let role = self.effective_role()?;
        let member = if ws.manages_all_programs() { "" } else { "program member, " };
        Some(format!("{} — {member}workspace {}", role.title(), ws.title()))
    }

    pub fn can_view(&self) -> bool {
        self.effective_role().is_some()
    }

    fn describe(&self) -> String {
        match (self.effective_role(), self.active_workspace_role()) {
            (Some(role), Some(ws)) => {
                format!("you are {} (workspace {})", role.title(), ws.title())
            }
            _ => "you have no role on this program".to_string(),
        }
    }
}

/// The one decision: may this actor do this operation on this program now?
/// Checks the session, then the role table, then the lifecycle.
pub fn decide(access: &Access, op: Operation, facts: &ProgramFacts) -> Result<(), Denial> {
    if access.read_only && op.mutates() {
        return Err(Denial::read_only(op.action()));
    }
    let allowed = access.effective_role().is_some_and(|role| op.allowed_for(role));
    if !allowed {
        return Err(Denial::role(
            op.action(),
            format!("the mini program {} role", op.needed_role().title()),
            access.describe(),
        ));
    }
    lifecycle::check(op, facts)
}

/// May this workspace role create programs? (seed: Owners and Masters only)
pub fn decide_create_program(workspace_role: Option<WorkspaceRole>, read_only: bool) -> Result<(), Denial> {
    if read_only {
        return Err(Denial::read_only("Create program"));
    }
    match workspace_role {
        Some(role) if CREATE_PROGRAM_ROLES.contains(&role) => Ok(()),
        other => Err(Denial::role(
            "Create program",
            "the workspace Owner or Master role".to_string(),
            describe_workspace_role(other),
        )),
    }
}

pub(crate) fn describe_workspace_role(role: Option<WorkspaceRole>) -> String {
    match role {
        Some(role) => format!("you are {} in this workspace", role.title()),
        None => "you are not an active member of this workspace".to_string(),
    }
}

/// May this actor remove this person from the program? Member management
/// (Admin only), and only explicit members: Owners and Masters reach every
/// program through their workspace role.
pub fn decide_member_removal(
    access: &Access,
    facts: &ProgramFacts,
    target_login: &str,
    target_explicit: bool,
    target_role: WorkspaceRole,
) -> Result<(), Denial> {
    decide(access, Operation::AddMembers, facts)?;
    if target_explicit {
        return Ok(());
    }
    Err(Denial::state(
        "Removing a member",
        "an explicit program member",
        format!(
            "{target_login} reaches every mini program as workspace {}; change their workspace role instead",
            target_role.title()
        ),
    ))
}
