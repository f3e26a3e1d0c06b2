//! The program lifecycle: Draft (never released) → Released (one live
//! version) → Offline (can be released again).

use super::permission::Operation;
use super::Denial;
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ProgramStatus {
    Draft,
    Released,
    Offline,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum VersionState {
    /// Uploaded, never live.
    Uploaded,
    /// The one live version of a Released program.
    Live,
    /// Was live once; replaced or taken offline.
    Superseded,
}

/// What the lifecycle needs to know about a program to decide.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProgramFacts {
    pub status: ProgramStatus,
    pub version_count: u64,
}

impl ProgramStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Released => "released",
            Self::Offline => "offline",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Self::Draft => "Draft",
            Self::Released => "Released",
            Self::Offline => "Offline",
        }
    }

    /// A glyph so the status reads without color.
    pub fn glyph(self) -> &'static str {
        match self {
            Self::Draft => "○",
            Self::Released => "●",
            Self::Offline => "◌",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "draft" => Some(Self::Draft),
            "released" => Some(Self::Released),
            "offline" => Some(Self::Offline),
            _ => None,
        }
    }
}

impl VersionState {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Uploaded => "uploaded",
            Self::Live => "live",
            Self::Superseded => "superseded",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "uploaded" => Some(Self::Uploaded),
            "live" => Some(Self::Live),
            "superseded" => Some(Self::Superseded),
            _ => None,
        }
    }
}

/// May the program's state take this operation now?
pub fn check(op: Operation, facts: &ProgramFacts) -> Result<(), Denial> {
    let has = format!("this program is {}", facts.status.title());
    match op {
        Operation::Release if facts.version_count == 0 => Err(Denial::state(
            op.action(),
            "an uploaded version",
            "this program has no versions yet — upload one first".to_string(),
        )),
        Operation::TakeOffline if facts.status != ProgramStatus::Released => {
            Err(Denial::state(op.action(), "a Released program", has))
        }
        Operation::Delete if facts.status == ProgramStatus::Released => {
            Err(Denial::state(op.action(), "a program that is not Released", format!("{has} — take it offline first")))
        }
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(status: ProgramStatus, version_count: u64) -> ProgramFacts {
        ProgramFacts { status, version_count }
    }

    #[test]
    fn release_needs_a_version() {
        assert!(check(Operation::Release, &facts(ProgramStatus::Draft, 0)).is_err());
        assert!(check(Operation::Release, &facts(ProgramStatus::Draft, 1)).is_ok());
        assert!(check(Operation::Release, &facts(ProgramStatus::Offline, 2)).is_ok());
        assert!(check(Operation::Release, &facts(ProgramStatus::Released, 2)).is_ok());
    }

    #[test]
    fn only_released_goes_offline_and_released_cannot_be_deleted() {
        assert!(check(Operation::TakeOffline, &facts(ProgramStatus::Released, 1)).is_ok());
        assert!(check(Operation::TakeOffline, &facts(ProgramStatus::Draft, 1)).is_err());
        assert!(check(Operation::TakeOffline, &facts(ProgramStatus::Offline, 1)).is_err());
        let denial =
            check(Operation::Delete, &facts(ProgramStatus::Released, 1)).expect_err("released cannot be deleted");
        assert!(denial.to_string().contains("take it offline first"));
        assert!(check(Operation::Delete, &facts(ProgramStatus::Offline, 1)).is_ok());
        assert!(check(Operation::Delete, &facts(ProgramStatus::Draft, 0)).is_ok());
    }
}
