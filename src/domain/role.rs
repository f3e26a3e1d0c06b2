//! Workspace roles, mini program roles and the eligibility table between them.

use serde::Serialize;

/// A person's role in a workspace.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum WorkspaceRole {
    Owner,
    Master,
    Developer,
}

/// A person's role on one mini program; always derived, never stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ProgramRole {
    Admin,
    Developer,
}

/// Where a workspace membership stands. Only Active members act or see.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum MemberStatus {
    Invited,
    Active,
    Blocked,
}

/// The seed's table "Workspace role → Eligible mini program role".
pub const ELIGIBILITY: [(WorkspaceRole, ProgramRole); 3] = [
    (WorkspaceRole::Owner, ProgramRole::Admin),
    (WorkspaceRole::Master, ProgramRole::Admin),
    (WorkspaceRole::Developer, ProgramRole::Developer),
];

impl WorkspaceRole {
    pub const ALL: [WorkspaceRole; 3] = [Self::Owner, Self::Master, Self::Developer];

    /// The mini program role this workspace role makes a person eligible for.
    pub fn eligible_program_role(self) -> ProgramRole {
        ELIGIBILITY.iter().find(|(ws, _)| *ws == self).map(|(_, p)| *p).unwrap_or(ProgramRole::Developer)
    }

    /// Owners and Masters manage every program of their workspace.
    pub fn manages_all_programs(self) -> bool {
        self.eligible_program_role() == ProgramRole::Admin
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Owner => "owner",
            Self::Master => "master",
            Self::Developer => "developer",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Self::Owner => "Owner",
            Self::Master => "Master",
            Self::Developer => "Developer",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "owner" => Some(Self::Owner),
            "master" => Some(Self::Master),
            "developer" => Some(Self::Developer),
            _ => None,
        }
    }
}

impl ProgramRole {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Admin => "admin",
            Self::Developer => "developer",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Self::Admin => "Admin",
            Self::Developer => "Developer",
        }
    }
}

impl MemberStatus {
    /// The one status whose members act or see anything in the workspace.
    pub const ACTING: MemberStatus = MemberStatus::Active;

    pub fn can_act(self) -> bool {
        self == Self::ACTING
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Invited => "invited",
            Self::Active => "active",
            Self::Blocked => "blocked",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "invited" => Some(Self::Invited),
            "active" => Some(Self::Active),
            "blocked" => Some(Self::Blocked),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn owners_and_masters_are_admins_developers_are_developers() {
        assert_eq!(WorkspaceRole::Owner.eligible_program_role(), ProgramRole::Admin);
        assert_eq!(WorkspaceRole::Master.eligible_program_role(), ProgramRole::Admin);
        assert_eq!(WorkspaceRole::Developer.eligible_program_role(), ProgramRole::Developer);
    }

    #[test]
    fn role_names_round_trip() {
        for r in WorkspaceRole::ALL {
            assert_eq!(WorkspaceRole::parse(r.as_str()), Some(r));
        }
    }
}
