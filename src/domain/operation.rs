//! Every operation the audit log records, by the name it is stored under:
//! written once here, compared as an enum everywhere (a string typed in a
//! use case could name nothing), and each says whether it can be undone.

macro_rules! operations {
    ($($op:ident = $name:literal,)*) => {
        /// An operation, as the audit log's `operation` column names it.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum AuditOp {
            $($op,)*
        }

        impl AuditOp {
            pub const ALL: &'static [AuditOp] = &[$(AuditOp::$op,)*];

            /// The name it is stored and exported under.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(AuditOp::$op => $name,)*
                }
            }
        }
    };
}

operations! {
    ProgramCreate = "program_create",
    ProgramEdit = "program_edit",
    ProgramConfigure = "program_configure",
    ProgramUpload = "program_upload",
    ProgramRelease = "program_release",
    ProgramTakeOffline = "program_take_offline",
    ProgramDelete = "program_delete",
    VersionExport = "version_export",
    MemberAdd = "member_add",
    MemberExpire = "member_expire",
    MemberRemove = "member_remove",
    MembershipExpired = "membership_expired",
    WorkspaceCreate = "workspace_create",
    WorkspaceRename = "workspace_rename",
    WorkspaceDelete = "workspace_delete",
    WorkspaceTransfer = "workspace_transfer",
    WorkspaceInvite = "workspace_invite",
    WorkspaceInvitationResend = "workspace_invitation_resend",
    WorkspaceInvitationWithdraw = "workspace_invitation_withdraw",
    WorkspaceInvitationAccept = "workspace_invitation_accept",
    WorkspaceInvitationDecline = "workspace_invitation_decline",
    WorkspaceMemberAdd = "workspace_member_add",
    WorkspaceMemberExpire = "workspace_member_expire",
    WorkspaceMemberRole = "workspace_member_role",
    WorkspaceMemberBlock = "workspace_member_block",
    WorkspaceMemberUnblock = "workspace_member_unblock",
    WorkspaceMemberRemove = "workspace_member_remove",
    UserAdd = "user_add",
    UserDisable = "user_disable",
    UserEnable = "user_enable",
    UserRemove = "user_remove",
    KeyAdd = "key_add",
    KeyRenew = "key_renew",
    KeyRemove = "key_remove",
    SshEnd = "ssh_end",
    SshCommand = "ssh_command",
    Setup = "setup",
    AuditExport = "audit_export",
    AuditPruned = "audit_pruned",
    DatabaseBackup = "database_backup",
    Undo = "undo",
    Redo = "redo",
}

impl AuditOp {
    /// The operation a stored name is, if mpdesk writes it.
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|op| op.as_str() == name)
    }

    /// Why an entry of this operation cannot be undone, for those that
    /// never can (the rest are undone by the rules that allowed them, if
    /// what undoing needs was recorded).
    /// Whether it only read the data (an export, a backup): no change of
    /// anyone's, so not "your last change" for `z`.
    pub fn only_reads(self) -> bool {
        matches!(self, Self::VersionExport | Self::AuditExport | Self::DatabaseBackup)
    }

    pub fn not_reversible(self) -> &'static str {
        match self {
            Self::ProgramDelete => {
                "deleting a mini program is not reversible: its versions, packages and members are gone"
            }
            Self::ProgramUpload => {
                "an upload is not reversible: versions are never removed, and version numbers only grow"
            }
            Self::ProgramCreate => {
                "creating a mini program is not undone: delete it instead (while it is not Released)"
            }
            Self::WorkspaceInvitationAccept | Self::WorkspaceInvitationDecline => {
                "accepting or declining is the invitee's own answer; only they could change it"
            }
            Self::WorkspaceTransfer => "a transfer of ownership is not undone: the new Owner may transfer it back",
            Self::WorkspaceInvitationResend => "a resend only restarts the 3 days; withdraw the invitation instead",
            Self::WorkspaceCreate => "creating a workspace is not reversible",
            Self::WorkspaceDelete => "deleting a workspace is not reversible: create it again",
            Self::UserAdd => "registering a user is not reversible",
            Self::KeyAdd | Self::KeyRenew | Self::KeyRemove => {
                "SSH key changes are not undone: add or remove the key again"
            }
            Self::VersionExport => "an export only read the data; a copy that left cannot be taken back",
            Self::MembershipExpired => "an expired membership is not brought back by undo: add the person again",
            Self::AuditExport => "an export only read the log; a copy that left cannot be taken back",
            Self::AuditPruned => "pruned entries are gone from the database; the exports hold them",
            Self::UserDisable | Self::UserEnable => {
                "the operator's changes to people are not undone: enable or disable again"
            }
            Self::UserRemove => "removing a person is not reversible: register them again",
            Self::SshEnd => "an ended session is not undone: the person connects again",
            Self::DatabaseBackup => "a backup only read the data",
            // Reversible ones, when what undoing needs was not recorded.
            Self::ProgramEdit
            | Self::ProgramConfigure
            | Self::ProgramRelease
            | Self::ProgramTakeOffline
            | Self::MemberAdd
            | Self::MemberExpire
            | Self::MemberRemove
            | Self::WorkspaceRename
            | Self::WorkspaceInvite
            | Self::WorkspaceInvitationWithdraw
            | Self::WorkspaceMemberAdd
            | Self::WorkspaceMemberExpire
            | Self::WorkspaceMemberRole
            | Self::WorkspaceMemberBlock
            | Self::WorkspaceMemberUnblock
            | Self::WorkspaceMemberRemove
            | Self::SshCommand
            | Self::Setup
            | Self::Undo
            | Self::Redo => "this change is not reversible",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_name_is_one_operation() {
        for op in AuditOp::ALL {
            assert_eq!(AuditOp::parse(op.as_str()), Some(*op));
        }
        assert_eq!(AuditOp::parse("program_creat"), None);
    }
}
