//! What screens and dialogs hand back as data (gitui: confirmations are
//! data): a [`Request`] to change something through the desk, carried out
//! in one place (`requests.rs`).

use crate::desk::{ConfigChange, WorkspaceRole};

/// Whose access an expiry is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExpiryTarget {
    Workspace { workspace: String, login: String },
    Program { app_id: String, login: String },
}

/// A change to make through the desk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Request {
    CreateProgram {
        workspace: String,
        name: String,
        description: String,
    },
    EditProgram {
        app_id: String,
        name: String,
        description: String,
    },
    AddMembers {
        app_id: String,
        logins: Vec<String>,
        /// When their access ends (`30d`), if it does.
        expires: Option<String>,
    },
    RemoveMember {
        app_id: String,
        login: String,
    },
    Upload {
        app_id: String,
        version: String,
        package: String,
        notes: String,
    },
    Configure {
        app_id: String,
        change: ConfigChangeRequest,
    },
    Release {
        app_id: String,
        version: String,
    },
    TakeOffline {
        app_id: String,
    },
    Delete {
        app_id: String,
    },
    SwitchPersona {
        login: String,
    },
    SwitchWorkspace {
        name: String,
    },
    Invite {
        workspace: String,
        login: String,
        role: WorkspaceRole,
        /// How long the access lasts once accepted (`30d`), if it ends.
        expires: Option<String>,
    },
    /// Set, extend or clear when a membership ends (`7d`, a date, `never`).
    SetExpiry {
        target: ExpiryTarget,
        when: String,
    },
    ChangeRole {
        workspace: String,
        login: String,
        role: WorkspaceRole,
    },
    Block {
        workspace: String,
        login: String,
    },
    Unblock {
        workspace: String,
        login: String,
    },
    RemoveFromWorkspace {
        workspace: String,
        login: String,
    },
    Resend {
        workspace: String,
        login: String,
    },
    Withdraw {
        workspace: String,
        login: String,
    },
    Transfer {
        workspace: String,
        login: String,
    },
    RenameWorkspace {
        workspace: String,
        new_name: String,
    },
    DeleteWorkspace {
        workspace: String,
    },
    Accept {
        workspace: String,
    },
    Decline {
        workspace: String,
    },
    AddKey {
        line: String,
    },
    RemoveKey {
        fingerprint: String,
    },
    Undo {
        id: i64,
    },
    DemoReset,
    /// The guided tour's step (its starting data restored).
    TourStep(usize),
    /// The welcome screen: register (with a name, if not yet) and create
    /// a first workspace.
    Start {
        name: Option<String>,
        workspace: String,
    },
    /// The welcome screen: the demo data into an empty database.
    LoadDemo,
}

/// `ConfigChange` as plain data (comparable in tests).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ConfigChangeRequest {
    pub add_domains: Vec<String>,
    pub remove_domains: Vec<String>,
    pub client_id: Option<String>,
    pub merchant_id: Option<String>,
}

impl From<ConfigChangeRequest> for ConfigChange {
    fn from(r: ConfigChangeRequest) -> Self {
        ConfigChange {
            add_domains: r.add_domains,
            remove_domains: r.remove_domains,
            client_id: r.client_id,
            merchant_id: r.merchant_id,
        }
    }
}
