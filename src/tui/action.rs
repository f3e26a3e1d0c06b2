//! Every action a person can take in the console, with its description.
//! Keys are bound to actions in `keymap`; whether an action is shown,
//! dimmed or allowed is decided in `hints` from the desk's answers.

use crate::desk::Operation;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Action {
    CreateProgram,
    EditProgram,
    AddMembers,
    RemoveMember,
    Invite,
    ChangeRole,
    BlockMember,
    UnblockMember,
    RemoveWorkspaceMember,
    Resend,
    Withdraw,
    Transfer,
    /// Rename the workspace (its Owner).
    RenameWorkspace,
    /// Delete the workspace, once empty (its Owner).
    DeleteWorkspace,
    Invitations,
    /// Your SSH keys.
    Keys,
    /// Your live SSH sessions.
    Sessions,
    Upload,
    Configure,
    Release,
    TakeOffline,
    Delete,
    /// Your last change here (on the Audit tab: the selected entry).
    Undo,
    /// What you last undid here.
    Redo,
    /// Walk the audit log's hash chain (Audit tab, on request).
    CheckChain,
    /// When the selected member's access ends.
    SetExpiry,
    /// Only the members whose access ends within 7 days (Members tab).
    ExpiringSoon,
    Filter,
    SwitchWorkspace,
    SwitchPersona,
    Help,
    Quit,
    FocusNext,
    FocusPrev,
    Up,
    Down,
    PageUp,
    PageDown,
    Top,
    Bottom,
    NextTab,
    PrevTab,
    TabPrograms,
    TabMembers,
    TabAudit,
    TabRoles,
    ClearFilter,
    /// The guided tour's next step.
    TourNext,
    /// The guided tour's previous step (its starting data restored).
    TourPrev,
    /// A demo back to how it started.
    DemoReset,
}

impl Action {
    /// In the order the bar and the help list them.
    pub const ALL: [Action; 50] = [
        Self::CreateProgram,
        Self::EditProgram,
        Self::AddMembers,
        Self::RemoveMember,
        Self::Invite,
        Self::ChangeRole,
        Self::BlockMember,
        Self::UnblockMember,
        Self::RemoveWorkspaceMember,
        Self::Resend,
        Self::Withdraw,
        Self::Transfer,
        Self::RenameWorkspace,
        Self::DeleteWorkspace,
        Self::Invitations,
        Self::Keys,
        Self::Sessions,
        Self::Upload,
        Self::Configure,
        Self::Release,
        Self::TakeOffline,
        Self::Delete,
        Self::Undo,
        Self::Redo,
        Self::CheckChain,
        Self::SetExpiry,
        Self::ExpiringSoon,
        Self::Filter,
        Self::SwitchWorkspace,
        Self::SwitchPersona,
        Self::Help,
        Self::Quit,
        Self::FocusNext,
        Self::FocusPrev,
        Self::Up,
        Self::Down,
        Self::PageUp,
        Self::PageDown,
        Self::Top,
        Self::Bottom,
        Self::NextTab,
        Self::PrevTab,
        Self::TabPrograms,
        Self::TabMembers,
        Self::TabAudit,
        Self::TabRoles,
        Self::ClearFilter,
        Self::TourNext,
        Self::TourPrev,
        Self::DemoReset,
    ];

    pub fn description(self) -> &'static str {
        match self {
            Self::CreateProgram => "Create a mini program",
            Self::EditProgram => "Edit the name and description",
            Self::AddMembers => "Add members from the new member list",
            Self::RemoveMember => "Remove the selected member from the program",
            Self::Invite => "Invite a registered user to the workspace",
            Self::ChangeRole => "Make the selected member a Master or a Developer",
            Self::BlockMember => "Block the selected member",
            Self::UnblockMember => "Unblock the selected member",
            Self::RemoveWorkspaceMember => "Remove the selected member from the workspace",
            Self::Resend => "Resend the selected invitation (3 more days)",
            Self::Withdraw => "Withdraw the selected invitation",
            Self::Transfer => "Transfer ownership to the selected Master",
            Self::RenameWorkspace => "Rename the workspace",
            Self::DeleteWorkspace => "Delete the workspace, once it is empty",
            Self::Invitations => "Your invitations: accept or decline",
            Self::Keys => "Your SSH keys: see, add (paste a .pub line), remove",
            Self::Sessions => "Your live SSH sessions: from where, with which key, since when",
            Self::Upload => "Upload code and a version",
            Self::Configure => "Configure domains, client and merchant IDs",
            Self::Release => "Release a version (an older one is a rollback)",
            Self::TakeOffline => "Take the program offline",
            Self::Delete => "Delete the program (irreversible)",
            Self::Undo => "Undo your last change here (Audit tab: the selected entry)",
            Self::Redo => "Redo what you last undid here",
            Self::CheckChain => "Check the audit log's hash chain, every entry",
            Self::SetExpiry => "When the selected member's access ends",
            Self::ExpiringSoon => "Only members whose access ends within 7 days",
            Self::Filter => "Filter the focused list as you type",
            Self::SwitchWorkspace => "Switch workspace",
            Self::SwitchPersona => "Switch persona (demo)",
            Self::Help => "Help: every action and why it is allowed or not",
            Self::Quit => "Quit",
            Self::FocusNext => "Focus the next pane",
            Self::FocusPrev => "Focus the previous pane",
            Self::Up => "Move up",
            Self::Down => "Move down",
            Self::PageUp => "Page up",
            Self::PageDown => "Page down",
            Self::Top => "Go to the first row",
            Self::Bottom => "Go to the last row",
            Self::NextTab => "Next tab",
            Self::PrevTab => "Previous tab",
            Self::TabPrograms => "Programs tab",
            Self::TabMembers => "Members tab",
            Self::TabAudit => "Audit tab",
            Self::TabRoles => "Roles tab",
            Self::ClearFilter => "Clear the filter and the message",
            Self::TourNext => "Tour: the next step",
            Self::TourPrev => "Tour: the previous step, with its starting data",
            Self::DemoReset => "Reset the demo to how it started (and the tour to step 1)",
        }
    }

    /// The short word in the key-hint bar.
    pub fn label(self) -> &'static str {
        match self {
            Self::CreateProgram => "new",
            Self::EditProgram => "edit",
            Self::AddMembers => "add",
            Self::RemoveMember => "remove",
            Self::Invite => "invite",
            Self::ChangeRole => "role",
            Self::BlockMember => "block",
            Self::UnblockMember => "unblock",
            Self::RemoveWorkspaceMember => "remove",
            Self::Resend => "resend",
            Self::Withdraw => "withdraw",
            Self::Transfer => "transfer",
            Self::RenameWorkspace => "rename",
            Self::DeleteWorkspace => "delete",
            Self::Invitations => "invitations",
            Self::Upload => "upload",
            Self::Configure => "config",
            Self::Release => "release",
            Self::TakeOffline => "offline",
            Self::Delete => "delete",
            Self::Undo => "undo",
            Self::Redo => "redo",
            Self::CheckChain => "chain",
            Self::SetExpiry => "expires",
            Self::ExpiringSoon => "expiring",
            Self::Filter => "filter",
            Self::SwitchWorkspace => "workspace",
            Self::SwitchPersona => "persona",
            Self::Help => "help",
            Self::Quit => "quit",
            Self::FocusNext => "pane",
            _ => "",
        }
    }

    /// The action's name in the config file's `[keys]` table.
    pub fn name(self) -> &'static str {
        match self {
            Self::CreateProgram => "create_program",
            Self::EditProgram => "edit_program",
            Self::AddMembers => "add_members",
            Self::RemoveMember => "remove_member",
            Self::Invite => "invite",
            Self::ChangeRole => "change_role",
            Self::BlockMember => "block_member",
            Self::UnblockMember => "unblock_member",
            Self::RemoveWorkspaceMember => "remove_workspace_member",
            Self::Resend => "resend",
            Self::Withdraw => "withdraw",
            Self::Transfer => "transfer",
            Self::RenameWorkspace => "rename_workspace",
            Self::DeleteWorkspace => "delete_workspace",
            Self::Invitations => "invitations",
            Self::Keys => "keys",
            Self::Sessions => "sessions",
            Self::Upload => "upload",
            Self::Configure => "configure",
            Self::Release => "release",
            Self::TakeOffline => "take_offline",
            Self::Delete => "delete",
            Self::Undo => "undo",
            Self::Redo => "redo",
            Self::CheckChain => "check_chain",
            Self::SetExpiry => "set_expiry",
            Self::ExpiringSoon => "expiring_soon",
            Self::Filter => "filter",
            Self::SwitchWorkspace => "switch_workspace",
            Self::SwitchPersona => "switch_persona",
            Self::Help => "help",
            Self::Quit => "quit",
            Self::FocusNext => "focus_next",
            Self::FocusPrev => "focus_prev",
            Self::Up => "up",
            Self::Down => "down",
            Self::PageUp => "page_up",
            Self::PageDown => "page_down",
            Self::Top => "top",
            Self::Bottom => "bottom",
            Self::NextTab => "next_tab",
            Self::PrevTab => "prev_tab",
            Self::TabPrograms => "tab_programs",
            Self::TabMembers => "tab_members",
            Self::TabAudit => "tab_audit",
            Self::TabRoles => "tab_roles",
            Self::ClearFilter => "clear_filter",
            Self::TourNext => "tour_next",
            Self::TourPrev => "tour_prev",
            Self::DemoReset => "demo_reset",
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.name() == name)
    }

    /// The tabs where the action can apply (a bit per tab, in `Tab::ALL`
    /// order). Two actions on one key must not share a tab.
    pub fn tabs(self) -> u8 {
        const PROGRAMS: u8 = 1;
        const MEMBERS: u8 = 2;
        const AUDIT: u8 = 4;
        if self.operation().is_some() {
            return PROGRAMS;
        }
        match self {
            Self::CreateProgram | Self::RemoveMember | Self::FocusNext | Self::FocusPrev => PROGRAMS,
            Self::Invite
            | Self::ChangeRole
            | Self::BlockMember
            | Self::UnblockMember
            | Self::RemoveWorkspaceMember
            | Self::Resend
            | Self::Withdraw
            | Self::Transfer
            | Self::RenameWorkspace
            | Self::DeleteWorkspace => MEMBERS,
            Self::Filter => PROGRAMS | AUDIT,
            Self::CheckChain => AUDIT,
            Self::SetExpiry => PROGRAMS | MEMBERS,
            Self::ExpiringSoon => MEMBERS,
            _ => u8::MAX,
        }
    }

    /// Two actions of which at most one ever applies (a blocked member can
    /// only be unblocked): they may share a key.
    pub fn exclusive_with(self, other: Action) -> bool {
        matches!((self, other), (Self::BlockMember, Self::UnblockMember) | (Self::UnblockMember, Self::BlockMember))
    }

    /// Shown in the key-hint bar (the rest only in help).
    pub fn in_bar(self) -> bool {
        !self.label().is_empty()
    }

    /// The program operation this action performs, if any.
    pub fn operation(self) -> Option<Operation> {
        match self {
            Self::EditProgram => Some(Operation::Edit),
            Self::AddMembers => Some(Operation::AddMembers),
            Self::Upload => Some(Operation::Upload),
            Self::Configure => Some(Operation::Configure),
            Self::Release => Some(Operation::Release),
            Self::TakeOffline => Some(Operation::TakeOffline),
            Self::Delete => Some(Operation::Delete),
            _ => None,
        }
    }
}
