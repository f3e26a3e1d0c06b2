//! What the desk answers: the shapes the CLI prints and the console shows.

use crate::domain::{MemberStatus, ProgramRole, ProgramStatus, WorkspaceRole};
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProgramSummary {
    pub app_id: String,
    pub name: String,
    pub workspace: String,
    pub status: ProgramStatus,
    pub live_version: Option<String>,
    pub my_role: ProgramRole,
    /// Why the actor has that role: "Admin — workspace Master".
    pub my_role_reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProgramConfig {
    pub domains: Vec<String>,
    pub client_id: Option<String>,
    pub merchant_id: Option<String>,
}

/// The selected program as the console shows it (see `Desk::program_overview`).
#[derive(Debug, Clone)]
pub struct ProgramOverview {
    pub detail: ProgramDetail,
    pub versions: Vec<crate::store::records::Version>,
    pub capabilities: Vec<super::Capability>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProgramDetail {
    #[serde(flatten)]
    pub summary: ProgramSummary,
    pub description: String,
    pub created_by: String,
    pub created_at: String,
    pub config: ProgramConfig,
    pub version_count: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MemberSource {
    /// An explicit member of the program.
    Member,
    WorkspaceOwner,
    WorkspaceMaster,
}

impl MemberSource {
    pub fn title(self) -> &'static str {
        match self {
            Self::Member => "member",
            Self::WorkspaceOwner => "workspace Owner",
            Self::WorkspaceMaster => "workspace Master",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProgramMember {
    pub login: String,
    pub name: String,
    pub role: ProgramRole,
    pub source: MemberSource,
    pub added_by: Option<String>,
    pub added_at: Option<String>,
    /// The operator disabled this person: still a member, can do nothing.
    pub disabled: bool,
    /// When they stop reaching the program (None: never).
    pub expires_at: Option<String>,
}

/// A person on the new member list, with the role they would get.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Candidate {
    pub login: String,
    pub name: String,
    pub role: ProgramRole,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WorkspaceSummary {
    pub name: String,
    pub role: WorkspaceRole,
    pub status: MemberStatus,
}

/// A package's size as people read it: "512 B", "2.1 KiB", "3.4 MiB" (the
/// exact bytes are in `--json` and the audit log).
pub fn size_text(bytes: u64) -> String {
    match bytes {
        b if b >= 1_048_576 => format!("{:.1} MiB", b as f64 / 1_048_576.0),
        b if b >= 1024 => format!("{:.1} KiB", b as f64 / 1024.0),
        b => format!("{b} B"),
    }
}
