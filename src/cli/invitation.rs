//! `mpdesk invitation`: your own workspace invitations — the clap types
//! and the handler, side by side.

use super::commands::{out, out_rows, Done};
use super::output::Format;
use crate::desk::{Actor, Desk};
use clap::Subcommand;

#[derive(Debug, Subcommand)]
#[command(defer = true)]
pub enum InvitationCommand {
    /// Your invitations.
    List,
    /// Accept an invitation to a workspace.
    Accept { workspace: String },
    /// Decline an invitation to a workspace.
    Decline { workspace: String },
}

pub(super) fn run(desk: &mut Desk, me: &Actor, format: Format, cmd: &InvitationCommand) -> Done {
    match cmd {
        InvitationCommand::List => {
            let list = desk.my_invitations(me)?;
            out_rows(format, list)
        }
        InvitationCommand::Accept { workspace } => {
            let joined = desk.accept_invitation(me, workspace)?;
            let shown = serde_json::json!({
                "workspace": workspace,
                "role": joined.role,
                "status": "active",
                "access_until": joined.access_until,
            });
            out(format.json(), &shown, || joined.said(workspace))
        }
        InvitationCommand::Decline { workspace } => {
            desk.decline_invitation(me, workspace)?;
            out(format.json(), &serde_json::json!({"workspace": workspace, "state": "declined"}), || {
                format!("declined the invitation to {workspace}")
            })
        }
    }
}
