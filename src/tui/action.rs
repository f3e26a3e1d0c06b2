//! Every action a person can take in the console, declared once, in one
//! row: its config name, the word in the key-hint bar, its description,
//! the program operation it asks the desk about, the tabs it applies on and
//! its default keys. The bar, help, the Roles tab, the keymap and the key
//! handler all read these rows; whether an action is shown, dimmed or
//! allowed is decided in `hints` from the desk's answers.

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

pub use super::action_rows::{Row, ROWS};

impl Action {
    /// In the order the bar and the help list them.
    pub const ALL: [Action; 50] = {
        let mut all = [Action::CreateProgram; 50];
        let mut i = 0;
        while i < ROWS.len() {
            all[i] = ROWS[i].action;
            i += 1;
        }
        all
    };

    pub fn row(self) -> &'static Row {
        &ROWS[self as usize]
    }

    pub fn description(self) -> &'static str {
        self.row().description
    }

    /// The short word in the key-hint bar.
    pub fn label(self) -> &'static str {
        self.row().label
    }

    /// The action's name in the config file's `[keys]` table.
    pub fn name(self) -> &'static str {
        self.row().name
    }

    pub fn from_name(name: &str) -> Option<Self> {
        ROWS.iter().find(|row| row.name == name).map(|row| row.action)
    }

    /// The tabs where the action can apply (a bit per tab, in `Tab::ALL`
    /// order). Two actions on one key must not share a tab.
    pub fn tabs(self) -> u8 {
        self.row().tabs
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
        self.row().operation
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_row_is_its_actions_and_each_name_is_one_actions() {
        for (i, row) in ROWS.iter().enumerate() {
            assert_eq!(row.action as usize, i, "{:?} is out of the enum's order", row.action);
            assert_eq!(Action::from_name(row.name), Some(row.action));
            assert!(!row.keys.is_empty() && !row.description.is_empty(), "{:?}", row.action);
        }
    }
}
