//! How each list the CLI prints becomes table rows: one header list and
//! one row function per record, so every list command prints the same way.

use super::output::opt;
use crate::desk::Invitation;
use crate::desk::{
    AuditEntry, Candidate, ProgramMember, ProgramSummary, User, Version, WorkspaceMember, WorkspaceSummary,
};

pub trait TableRow {
    const HEADERS: &'static [&'static str];
    /// What an empty list says instead of a bare header, and how to fill it.
    const EMPTY: &'static str;
    /// The columns of `--format csv`: keys of the row's JSON, whose values
    /// are the cells as they are (no glyphs, no "-" for none). CSV is for
    /// machines; the table's headings and cells are for people.
    const COLUMNS: &'static [&'static str];
    fn cells(&self) -> Vec<String>;
}

impl TableRow for User {
    const HEADERS: &'static [&'static str] = &["LOGIN", "NAME", "EMAIL", "STATUS"];
    const EMPTY: &'static str = "no users yet; register one with: mpdesk user add LOGIN --name \"Their Name\"";
    const COLUMNS: &'static [&'static str] = &["login", "name", "email", "status"];
    fn cells(&self) -> Vec<String> {
        vec![self.login.clone(), self.name.clone(), opt(&self.email), self.standing.as_str().to_string()]
    }
}

impl TableRow for crate::desk::SessionRow {
    const HEADERS: &'static [&'static str] = &["ID", "LOGIN", "KEY", "FROM", "STARTED", "WHAT"];
    const EMPTY: &'static str = "no live SSH sessions";
    const COLUMNS: &'static [&'static str] =
        &["id", "login", "fingerprint", "from", "kind", "command", "started_at", "ended_by"];
    fn cells(&self) -> Vec<String> {
        let what = if self.command.is_empty() { self.kind.clone() } else { format!("{}: {}", self.kind, self.command) };
        let what = match &self.ended_by {
            Some(by) => format!("{what} (ending: ended by {by})"),
            None => what,
        };
        vec![
            self.id.to_string(),
            self.login.clone(),
            self.fingerprint.clone(),
            self.from.clone(),
            self.started_at.clone(),
            what,
        ]
    }
}

impl TableRow for WorkspaceSummary {
    const HEADERS: &'static [&'static str] = &["WORKSPACE", "ROLE", "STATUS"];
    const EMPTY: &'static str = "you are in no workspace yet; create one with: mpdesk workspace create NAME";
    const COLUMNS: &'static [&'static str] = &["name", "role", "status"];
    fn cells(&self) -> Vec<String> {
        vec![self.name.clone(), self.role.title().to_string(), self.status.as_str().to_string()]
    }
}

impl TableRow for WorkspaceMember {
    const HEADERS: &'static [&'static str] = &["LOGIN", "NAME", "ROLE", "STATUS", "SINCE", "EXPIRES"];
    const EMPTY: &'static str = "no members";
    const COLUMNS: &'static [&'static str] = &["login", "name", "role", "status", "since", "expires_at", "disabled"];
    fn cells(&self) -> Vec<String> {
        vec![
            self.login.clone(),
            self.name.clone(),
            self.role.title().to_string(),
            if self.disabled {
                format!("{} (disabled)", self.status.as_str())
            } else {
                self.status.as_str().to_string()
            },
            self.since.clone(),
            opt(&self.expires_at),
        ]
    }
}

impl TableRow for Invitation {
    const HEADERS: &'static [&'static str] =
        &["WORKSPACE", "LOGIN", "ROLE", "STATE", "INVITED BY", "SENT", "EXPIRES", "ACCESS"];
    const EMPTY: &'static str = "no invitations";
    const COLUMNS: &'static [&'static str] = &[
        "workspace",
        "login",
        "name",
        "role",
        "state",
        "invited_by",
        "sent_at",
        "expires_at",
        "decided_at",
        "access_seconds",
        "access_until",
    ];
    fn cells(&self) -> Vec<String> {
        vec![
            self.workspace.clone(),
            self.login.clone(),
            self.role.title().to_string(),
            self.state.as_str().to_string(),
            self.invited_by.clone(),
            self.sent_at.clone(),
            self.expires_at.clone(),
            self.access(),
        ]
    }
}

impl TableRow for ProgramSummary {
    const HEADERS: &'static [&'static str] = &["APP ID", "NAME", "WORKSPACE", "STATUS", "LIVE", "MY ROLE"];
    const EMPTY: &'static str =
        "no mini programs you can view; an Owner or Master creates one with: mpdesk program create WORKSPACE NAME";
    const COLUMNS: &'static [&'static str] = &["app_id", "name", "workspace", "status", "live_version", "my_role"];
    fn cells(&self) -> Vec<String> {
        vec![
            self.app_id.clone(),
            self.name.clone(),
            self.workspace.clone(),
            format!("{} {}", self.status.glyph(), self.status.title()),
            opt(&self.live_version),
            self.my_role.title().to_string(),
        ]
    }
}

impl TableRow for Version {
    const HEADERS: &'static [&'static str] = &["VERSION", "STATE", "SIZE", "UPLOADED BY", "UPLOADED AT", "NOTES"];
    const EMPTY: &'static str =
        "no versions uploaded yet; upload one with: mpdesk program upload PROGRAM --version 1.0.0 --package FILE";
    const COLUMNS: &'static [&'static str] =
        &["version", "state", "size", "sha256", "uploaded_by", "uploaded_at", "notes"];
    fn cells(&self) -> Vec<String> {
        vec![
            self.version.clone(),
            self.state.as_str().to_string(),
            self.size.to_string(),
            self.uploaded_by.clone(),
            self.uploaded_at.clone(),
            self.notes.clone(),
        ]
    }
}

impl TableRow for Candidate {
    const HEADERS: &'static [&'static str] = &["LOGIN", "NAME", "WOULD BE"];
    const EMPTY: &'static str = "nobody to add: every active workspace Developer is a member already (invite more with: mpdesk workspace invite)";
    const COLUMNS: &'static [&'static str] = &["login", "name", "role"];
    fn cells(&self) -> Vec<String> {
        vec![self.login.clone(), self.name.clone(), self.role.title().to_string()]
    }
}

impl TableRow for ProgramMember {
    const HEADERS: &'static [&'static str] = &["LOGIN", "NAME", "ROLE", "SOURCE", "ADDED BY", "ADDED AT", "EXPIRES"];
    const EMPTY: &'static str = "no members";
    const COLUMNS: &'static [&'static str] =
        &["login", "name", "role", "source", "added_by", "added_at", "expires_at", "disabled"];
    fn cells(&self) -> Vec<String> {
        vec![
            self.login.clone(),
            self.name.clone(),
            self.role.title().to_string(),
            if self.disabled { format!("{} (disabled)", self.source.title()) } else { self.source.title().to_string() },
            opt(&self.added_by),
            opt(&self.added_at),
            opt(&self.expires_at),
        ]
    }
}

/// An audit entry with its id (what `mpdesk undo` takes) and whether the
/// person reading could undo it now, or why not.
#[derive(Debug, Clone, serde::Serialize)]
pub struct AuditRow {
    pub id: i64,
    #[serde(flatten)]
    pub entry: AuditEntry,
    pub undoable: bool,
    pub undo_reason: Option<String>,
}

impl TableRow for AuditRow {
    const HEADERS: &'static [&'static str] =
        &["ID", "AT", "ACTOR", "WORKSPACE", "PROGRAM", "OPERATION", "OUTCOME", "DETAIL", "UNDO"];
    const EMPTY: &'static str = "no audit entries you may read";
    const COLUMNS: &'static [&'static str] = &[
        "id",
        "at",
        "actor",
        "workspace",
        "program",
        "app_id",
        "operation",
        "outcome",
        "detail",
        "via",
        "undoable",
        "undo_reason",
    ];
    fn cells(&self) -> Vec<String> {
        let e = &self.entry;
        vec![
            self.id.to_string(),
            e.at.clone(),
            e.actor.clone(),
            opt(&e.workspace),
            opt(&e.program),
            e.operation.clone(),
            e.outcome.clone(),
            e.detail.clone(),
            if self.undoable { "yes" } else { "no" }.to_string(),
        ]
    }
}

impl TableRow for crate::desk::SshKey {
    const HEADERS: &'static [&'static str] = &["LOGIN", "TYPE", "FINGERPRINT", "COMMENT", "ADDED", "EXPIRES"];
    const EMPTY: &'static str = "no SSH keys; add one with: mpdesk key add LOGIN ~/.ssh/id_ed25519.pub";
    const COLUMNS: &'static [&'static str] =
        &["login", "algorithm", "fingerprint", "comment", "added_by", "added_at", "expires_at"];
    fn cells(&self) -> Vec<String> {
        vec![
            self.login.clone(),
            self.algorithm.clone(),
            self.fingerprint.clone(),
            self.comment.clone(),
            format!("{} by {}", self.added_at, self.added_by),
            opt(&self.expires_at),
        ]
    }
}
