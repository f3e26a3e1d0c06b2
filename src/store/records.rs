//! Rows as the store reads them. The desk turns rows into answers.

use crate::domain::{MemberStatus, ProgramStatus, VersionState, WorkspaceRole};
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct User {
    #[serde(skip)]
    pub id: i64,
    pub login: String,
    pub name: String,
    pub email: Option<String>,
    /// Enabled, disabled by the operator, or removed.
    #[serde(rename = "status", serialize_with = "standing_name")]
    pub standing: crate::domain::people::Standing,
}

fn standing_name<S: serde::Serializer>(standing: &crate::domain::people::Standing, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(standing.as_str())
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Workspace {
    pub id: i64,
    pub name: String,
}

/// A person's membership in a workspace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Membership {
    pub role: WorkspaceRole,
    pub status: MemberStatus,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WorkspaceMember {
    pub login: String,
    pub name: String,
    pub role: WorkspaceRole,
    pub status: MemberStatus,
    /// Member since; for an invitation, when it was last sent.
    pub since: String,
    /// When the membership ends (None: never); for an invitation, when
    /// the invitation expires.
    pub expires_at: Option<String>,
    /// The operator disabled this person: they can do nothing anywhere
    /// until enabled; the membership is kept.
    pub disabled: bool,
}

/// An invitation as stored, with names resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvitationRow {
    pub id: i64,
    pub workspace: String,
    pub login: String,
    pub name: String,
    pub role: WorkspaceRole,
    pub state: crate::domain::invitation::StoredState,
    pub invited_by: String,
    pub sent_at: String,
    pub expires_at: String,
    pub decided_at: Option<String>,
    /// The invitee was disabled by the operator.
    pub invitee_disabled: bool,
    /// The access it grants once accepted: this many seconds from the
    /// acceptance, or until this instant (neither: no end).
    pub access_seconds: Option<i64>,
    pub access_until: Option<String>,
}

/// A program with the acting user's standing in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProgramRow {
    pub id: i64,
    pub app_id: String,
    pub name: String,
    pub workspace_id: i64,
    pub workspace: String,
    pub status: ProgramStatus,
    pub live_version: Option<String>,
    pub version_count: u64,
    pub membership: Option<Membership>,
    pub is_member: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProgramExtra {
    pub description: String,
    pub created_by: String,
    pub created_at: String,
    pub client_id: Option<String>,
    pub merchant_id: Option<String>,
    pub domains: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Version {
    pub version: String,
    pub state: VersionState,
    pub size: u64,
    pub sha256: String,
    pub notes: String,
    pub uploaded_by: String,
    pub uploaded_at: String,
}

/// Someone who reaches a program: an explicit member, or an Owner/Master.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberRow {
    pub login: String,
    pub name: String,
    pub workspace_role: WorkspaceRole,
    pub explicit: bool,
    pub added_by: Option<String>,
    pub added_at: Option<String>,
    /// Disabled by the operator (kept as a member, can do nothing).
    pub disabled: bool,
    /// When this person stops reaching the program: the earlier of their
    /// program membership's end and their workspace membership's.
    pub expires_at: Option<String>,
}

/// A person's SSH public key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SshKey {
    pub login: String,
    pub algorithm: String,
    pub key: String,
    pub comment: String,
    /// `SHA256:…`, as `ssh-keygen -l` prints it.
    pub fingerprint: String,
    pub added_by: String,
    pub added_at: String,
    /// When sshd stops accepting it (None: never).
    pub expires_at: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct AuditEntry {
    pub at: String,
    pub actor: String,
    pub workspace: Option<String>,
    pub program: Option<String>,
    pub app_id: Option<String>,
    pub operation: String,
    pub outcome: String,
    pub detail: String,
    /// How the actor came in: `local`, or `ssh SHA256:… from ADDRESS`.
    pub via: String,
}

/// An audit entry to append.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct NewAuditEntry {
    pub workspace_id: Option<i64>,
    pub workspace: Option<String>,
    pub program_app_id: Option<String>,
    pub program: Option<String>,
    pub operation: String,
    pub detail: String,
    /// What undoing it takes (JSON of `store::undo::Undo`).
    pub undo: Option<String>,
    /// The entry this one undoes.
    pub reverts: Option<i64>,
}
