//! `mpdesk workspace`: workspaces, their members and invitations — the
//! clap types and the handler, side by side.

use super::args::ExpiresArg;
use super::commands::{out, out_rows, Done};
use super::output::{ends, until, Format};
use crate::desk::{Actor, Desk, Page, WorkspaceRole};
use clap::{Subcommand, ValueEnum};

#[derive(Debug, Subcommand)]
#[command(defer = true)]
pub enum WorkspaceCommand {
    /// Create a workspace; you become its Owner.
    Create {
        /// Its name: 1–64 characters, unique.
        name: String,
    },
    /// Workspaces you belong to.
    List,
    /// Workspace members.
    #[command(subcommand)]
    Member(WorkspaceMemberCommand),
    /// Invite a registered user; the invitation expires in 3 days.
    Invite {
        workspace: String,
        login: String,
        #[arg(long, value_enum)]
        role: RoleArg,
        #[command(flatten)]
        expires: ExpiresArg,
    },
    /// The workspace's invitations: pending, accepted, declined, withdrawn, expired.
    Invitations { workspace: String },
    /// Withdraw a pending invitation.
    Withdraw { workspace: String, login: String },
    /// Resend a pending invitation (its 3 days start again).
    Resend { workspace: String, login: String },
    /// Hand ownership to an Active Master; you become a Master.
    Transfer { workspace: String, login: String },
    /// Rename a workspace (its Owner only; undoable).
    Rename {
        workspace: String,
        /// The new name: 1–64 characters, unique.
        new_name: String,
    },
    /// Delete an empty workspace: no programs, no members besides you, no
    /// pending invitations (its Owner only; cannot be undone).
    Delete {
        workspace: String,
        /// Confirm: deleting cannot be undone.
        #[arg(long, required = true)]
        yes: bool,
    },
}

#[derive(Debug, Subcommand)]
#[command(defer = true)]
pub enum WorkspaceMemberCommand {
    /// Add a registered user to the workspace.
    Add {
        workspace: String,
        login: String,
        #[arg(long, value_enum)]
        role: RoleArg,
        #[command(flatten)]
        expires: ExpiresArg,
    },
    /// Set, extend or clear when a member's access ends: a date, a time, a
    /// duration from now, or never (not the Owner's: it never ends).
    Expire {
        workspace: String,
        login: String,
        /// 2027-01-31, 2027-01-31T18:00:00Z, 30d, 12h, 90s, or never.
        #[arg(value_name = "WHEN")]
        when: String,
    },
    /// Change a member's role.
    Role {
        workspace: String,
        login: String,
        #[arg(value_enum)]
        role: RoleArg,
    },
    /// Remove a member (and their program memberships in the workspace).
    Remove { workspace: String, login: String },
    /// List the workspace's members and pending invitations.
    List { workspace: String },
    /// Block a member: they see and do nothing until unblocked.
    Block { workspace: String, login: String },
    /// Unblock a member.
    Unblock { workspace: String, login: String },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum RoleArg {
    Master,
    Developer,
}

pub(super) fn run(desk: &mut Desk, me: &Actor, format: Format, cmd: &WorkspaceCommand) -> Done {
    match cmd {
        WorkspaceCommand::Create { name } => {
            let ws = desk.create_workspace(me, name)?;
            out(format.json(), &ws, || format!("created workspace {}; you are its Owner", ws.name))
        }
        WorkspaceCommand::List => {
            let list = desk.list_workspaces(me)?;
            out_rows(format, list)
        }
        WorkspaceCommand::Member(WorkspaceMemberCommand::Add { workspace, login, role: r, expires }) => {
            desk.add_workspace_member(me, workspace, login, role(*r), expires.when())?;
            let end = desk.member_end(me, workspace, login)?;
            let answer =
                serde_json::json!({"workspace": workspace, "login": login, "role": role(*r), "expires_at": end});
            out(format.json(), &answer, || {
                format!("added {login} to {workspace} as {}{}", role(*r).title(), until(&end))
            })
        }
        WorkspaceCommand::Member(WorkspaceMemberCommand::Expire { workspace, login, when }) => {
            let end = desk.set_workspace_member_expiry(me, workspace, login, when)?;
            out(format.json(), &serde_json::json!({"workspace": workspace, "login": login, "expires_at": end}), || {
                format!("{login}'s access to {workspace} {}", ends(&end))
            })
        }
        WorkspaceCommand::Member(WorkspaceMemberCommand::Role { workspace, login, role: r }) => {
            desk.set_workspace_member_role(me, workspace, login, role(*r))?;
            out(format.json(), &serde_json::json!({"workspace": workspace, "login": login, "role": role(*r)}), || {
                format!("{login} is now {} of {workspace}", role(*r).title())
            })
        }
        WorkspaceCommand::Member(WorkspaceMemberCommand::Remove { workspace, login }) => {
            desk.remove_workspace_member(me, workspace, login)?;
            out(format.json(), &serde_json::json!({"workspace": workspace, "removed": login}), || {
                format!("removed {login} from {workspace} and from its mini programs")
            })
        }
        WorkspaceCommand::Member(WorkspaceMemberCommand::Block { workspace, login }) => {
            desk.block_member(me, workspace, login)?;
            out(
                format.json(),
                &serde_json::json!({"workspace": workspace, "login": login, "status": "blocked"}),
                || format!("blocked {login} in {workspace}: they see and do nothing there until unblocked"),
            )
        }
        WorkspaceCommand::Member(WorkspaceMemberCommand::Unblock { workspace, login }) => {
            desk.unblock_member(me, workspace, login)?;
            out(format.json(), &serde_json::json!({"workspace": workspace, "login": login, "status": "active"}), || {
                format!("unblocked {login} in {workspace}")
            })
        }
        WorkspaceCommand::Invite { workspace, login, role: r, expires } => {
            let inv = desk.invite(me, workspace, login, role(*r), expires.when())?;
            out(format.json(), &inv, || {
                let access = if inv.access_limited() {
                    format!("; the access it grants lasts {}", inv.access())
                } else {
                    String::new()
                };
                format!("invited {login} to {workspace} as {}; expires {}{access}", inv.role.title(), inv.expires_at)
            })
        }
        WorkspaceCommand::Invitations { workspace } => {
            let list = desk.list_invitations(me, workspace, Page::ALL)?;
            out_rows(format, list)
        }
        WorkspaceCommand::Withdraw { workspace, login } => {
            desk.withdraw_invitation(me, workspace, login)?;
            out(
                format.json(),
                &serde_json::json!({"workspace": workspace, "login": login, "state": "withdrawn"}),
                || format!("withdrew {login}'s invitation to {workspace}"),
            )
        }
        WorkspaceCommand::Resend { workspace, login } => {
            let inv = desk.resend_invitation(me, workspace, login)?;
            out(format.json(), &inv, || {
                format!("resent {login}'s invitation to {workspace}; expires {}", inv.expires_at)
            })
        }
        WorkspaceCommand::Transfer { workspace, login } => {
            desk.transfer_ownership(me, workspace, login)?;
            out(format.json(), &serde_json::json!({"workspace": workspace, "owner": login}), || {
                format!("{login} is now the Owner of {workspace}; you are a Master")
            })
        }
        WorkspaceCommand::Rename { workspace, new_name } => {
            let renamed = desk.rename_workspace(me, workspace, new_name)?;
            out(format.json(), &serde_json::json!({"workspace": workspace, "renamed": renamed.name}), || {
                format!("renamed {workspace} to {}", renamed.name)
            })
        }
        WorkspaceCommand::Delete { workspace, .. } => {
            desk.delete_workspace(me, workspace)?;
            out(format.json(), &serde_json::json!({"deleted": workspace}), || format!("deleted workspace {workspace}"))
        }
        WorkspaceCommand::Member(WorkspaceMemberCommand::List { workspace }) => {
            let members = desk.list_workspace_members(me, workspace, Page::ALL)?;
            out_rows(format, members)
        }
    }
}

fn role(arg: RoleArg) -> WorkspaceRole {
    match arg {
        RoleArg::Master => WorkspaceRole::Master,
        RoleArg::Developer => WorkspaceRole::Developer,
    }
}
