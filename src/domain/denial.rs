//! `Denial`: why an operation is refused — the rule, what is needed, what
//! the actor has. Every refusal a person reads is one of these.

use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DenialKind {
    /// The actor's role does not allow it.
    Role,
    /// The program's state does not allow it (e.g. delete while Released).
    State,
    /// The session is read-only.
    ReadOnly,
    /// What an SSH session may not do whatever the role (name a server
    /// file, outlive its key, lock its person out).
    Session,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Denial {
    pub kind: DenialKind,
    /// The operation as a person names it: "Release", "Take offline".
    pub action: String,
    /// What the rule asks for: "the mini program Admin role".
    pub needs: String,
    /// What the actor or program has: "you are Developer (workspace Developer)".
    pub has: String,
}

impl Denial {
    pub fn role(action: &str, needs: String, has: String) -> Self {
        Self { kind: DenialKind::Role, action: action.to_string(), needs, has }
    }

    pub fn state(action: &str, needs: &str, has: String) -> Self {
        Self { kind: DenialKind::State, action: action.to_string(), needs: needs.to_string(), has }
    }

    pub fn session(action: &str, needs: &str, has: String) -> Self {
        Self { kind: DenialKind::Session, action: action.to_string(), needs: needs.to_string(), has }
    }

    pub fn read_only(action: &str) -> Self {
        Self {
            kind: DenialKind::ReadOnly,
            action: action.to_string(),
            needs: "a writable session".to_string(),
            has: READ_ONLY_SESSION.to_string(),
        }
    }
}

/// What a read-only session has, unless the desk knows why it only reads.
const READ_ONLY_SESSION: &str = "this is a read-only session";

impl fmt::Display for Denial {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind {
            DenialKind::ReadOnly if self.has == READ_ONLY_SESSION => write!(f, "{}: read-only session", self.action),
            DenialKind::ReadOnly => write!(f, "{}: {}", self.action, self.has),
            _ => write!(f, "{} needs {}; {}", self.action, self.needs, self.has),
        }
    }
}

impl std::error::Error for Denial {}
