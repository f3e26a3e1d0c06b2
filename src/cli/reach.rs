//! Where each command may run, decided once, beside the commands (the
//! allow-list gitolite's shell keeps): an SSH session runs a command only
//! if this says it may. Every match names every variant, so a new command
//! does not compile until it is placed.

use super::args::{
    AuditArgs, AuditCommand, BackupArgs, Command, ConfigCommand, InvitationCommand, KeyCommand, MemberCommand,
    ProgramCommand, SshCommand, UserCommand, WorkspaceCommand, WorkspaceMemberCommand,
};
use crate::domain::remote::{
    AUDIT_EXPORT_OVER_SSH, AUDIT_VERIFY_OVER_SSH, EXPORT_OVER_SSH, KEY_OVER_SSH, UPLOAD_OVER_SSH,
};
use std::path::Path;

/// Where a command may run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reach {
    /// Locally and over SSH; the desk's rules decide the rest.
    Anywhere,
    /// Only the operator, on the server's own account: never over SSH.
    /// The command as the refusal names it.
    Operator(&'static str),
    /// It names a file, and over SSH that would be the server's: refused
    /// there, with what to send instead.
    ServerFile(String),
}

impl Reach {
    /// Whether an SSH session may run it.
    pub fn over_ssh(&self) -> bool {
        *self == Self::Anywhere
    }
}

fn names_file(path: &Path) -> bool {
    path.as_os_str() != "-"
}

fn server_file(option: &str, instead: &str) -> Reach {
    Reach::ServerFile(format!("{option} names a file, and over SSH that would be the server's; {instead}"))
}

impl Command {
    pub fn reach(&self) -> Reach {
        match self {
            Self::User(command) => command.reach(),
            Self::Workspace(command) => command.reach(),
            Self::Program(command) => command.reach(),
            Self::Member(command) => command.reach(),
            Self::Invitation(command) => command.reach(),
            Self::Audit(args) => args.reach(),
            Self::Undo { .. } | Self::Expire { .. } | Self::Completions { .. } | Self::Man { dir: None } => {
                Reach::Anywhere
            }
            Self::Man { dir: Some(_) } => Reach::Operator("man --dir"),
            Self::Key(command) => command.reach(),
            Self::Ssh(command) => command.reach(),
            Self::Init { .. } => Reach::Operator("init"),
            Self::DemoData => Reach::Operator("demo-data"),
            Self::Config(command) => command.reach(),
            Self::Setup { .. } => Reach::Operator("setup"),
            Self::Check { .. } => Reach::Operator("check"),
            Self::Doctor => Reach::Operator("doctor"),
            Self::Backup(BackupArgs { .. }) => Reach::Operator("backup"),
        }
    }
}

impl UserCommand {
    fn reach(&self) -> Reach {
        match self {
            Self::List => Reach::Anywhere,
            Self::Add { .. } => Reach::Operator("user add"),
            Self::Disable { .. } => Reach::Operator("user disable"),
            Self::Enable { .. } => Reach::Operator("user enable"),
            Self::Remove { .. } => Reach::Operator("user remove"),
        }
    }
}

impl WorkspaceCommand {
    fn reach(&self) -> Reach {
        match self {
            Self::Member(member) => match member {
                WorkspaceMemberCommand::Add { .. }
                | WorkspaceMemberCommand::Expire { .. }
                | WorkspaceMemberCommand::Role { .. }
                | WorkspaceMemberCommand::Remove { .. }
                | WorkspaceMemberCommand::List { .. }
                | WorkspaceMemberCommand::Block { .. }
                | WorkspaceMemberCommand::Unblock { .. } => Reach::Anywhere,
            },
            Self::Create { .. }
            | Self::List
            | Self::Invite { .. }
            | Self::Invitations { .. }
            | Self::Withdraw { .. }
            | Self::Resend { .. }
            | Self::Transfer { .. }
            | Self::Rename { .. }
            | Self::Delete { .. } => Reach::Anywhere,
        }
    }
}

impl ProgramCommand {
    fn reach(&self) -> Reach {
        match self {
            Self::Upload { package, .. } if names_file(package) => server_file("--package", UPLOAD_OVER_SSH),
            Self::Export { out: Some(_), .. } => server_file("--out", EXPORT_OVER_SSH),
            Self::Upload { .. }
            | Self::Export { out: None, .. }
            | Self::Create { .. }
            | Self::List { .. }
            | Self::Show { .. }
            | Self::Edit { .. }
            | Self::Config(_)
            | Self::Versions { .. }
            | Self::Release { .. }
            | Self::Offline { .. }
            | Self::Delete { .. }
            | Self::Can { .. } => Reach::Anywhere,
        }
    }
}

impl MemberCommand {
    fn reach(&self) -> Reach {
        match self {
            Self::Candidates { .. }
            | Self::Add { .. }
            | Self::Expire { .. }
            | Self::Remove { .. }
            | Self::List { .. } => Reach::Anywhere,
        }
    }
}

impl InvitationCommand {
    fn reach(&self) -> Reach {
        match self {
            Self::List | Self::Accept { .. } | Self::Decline { .. } => Reach::Anywhere,
        }
    }
}

impl AuditArgs {
    fn reach(&self) -> Reach {
        match &self.command {
            Some(AuditCommand::Export { out: Some(_), .. }) => server_file("--out", AUDIT_EXPORT_OVER_SSH),
            Some(AuditCommand::Verify { file: Some(file), .. }) if names_file(file) => {
                server_file("--file", AUDIT_VERIFY_OVER_SSH)
            }
            None
            | Some(AuditCommand::Export { out: None, .. })
            | Some(AuditCommand::Verify { .. })
            | Some(AuditCommand::Prune { .. }) => Reach::Anywhere,
        }
    }
}

impl KeyCommand {
    fn reach(&self) -> Reach {
        match self {
            // `key add FILE` or `key add LOGIN FILE`: the file is the last.
            Self::Add { login, file, .. } if file.as_deref().unwrap_or(login) != "-" => {
                Reach::ServerFile(format!("a key file named over SSH would be the server's; {KEY_OVER_SSH}"))
            }
            Self::Add { .. } | Self::List { .. } | Self::Remove { .. } => Reach::Anywhere,
        }
    }
}

impl SshCommand {
    fn reach(&self) -> Reach {
        match self {
            Self::AuthorizedKeys { .. }
            | Self::Sessions
            | Self::End { .. }
            | Self::KeysCommand { .. }
            | Self::Session { .. } => Reach::Operator("ssh"),
        }
    }
}

impl ConfigCommand {
    fn reach(&self) -> Reach {
        match self {
            Self::Path | Self::Default | Self::Check => Reach::Operator("config"),
        }
    }
}
