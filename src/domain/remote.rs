//! What a person connected through a key may do beyond the role table
//! (domain.md, 2026-12-01). The server's account is the operator, so a
//! session never reads or writes a server file on a person's behalf; a
//! session lives only while its key is registered, its person enabled and
//! nobody ended it; and a person cannot lock themselves out.

use super::people::Standing;
use super::Denial;
use std::fmt;

/// Why an SSH session may no longer act.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Revocation {
    KeyRemoved,
    KeyExpired { at: String },
    Disabled { reason: Option<String> },
    Removed,
    Ended { by: String },
}

impl fmt::Display for Revocation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::KeyRemoved => write!(f, "your key was removed by the operator"),
            Self::KeyExpired { at } => write!(f, "your key expired on {at}"),
            Self::Disabled { reason: Some(reason) } if !reason.is_empty() => {
                write!(f, "your access was disabled by the operator ({reason})")
            }
            Self::Disabled { .. } => write!(f, "your access was disabled by the operator"),
            Self::Removed => write!(f, "you were removed from this server by the operator"),
            Self::Ended { by } => write!(f, "your session was ended by the operator ({by})"),
        }
    }
}

/// What the database says of a session, read inside the transaction that
/// is about to write (or by the console when the data changed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionFacts {
    /// The key's owner now, if the key is still registered: their id and
    /// standing.
    pub key_owner: Option<(i64, Standing)>,
    /// Who the session started as.
    pub started_as: i64,
    /// That person's standing now (whatever became of the key).
    pub person: Standing,
    /// Who ended the session, if someone did.
    pub ended_by: Option<String>,
    /// When the key stops being accepted.
    pub key_expires_at: Option<String>,
}

/// Whether the session may still act, at `now`.
pub fn session_standing(facts: &SessionFacts, now: time::OffsetDateTime) -> Result<(), Revocation> {
    // The person first: removing or disabling someone also ends their
    // sessions and (a removal) their keys, and the reason is the person's.
    match &facts.person {
        Standing::Removed { .. } => return Err(Revocation::Removed),
        Standing::Disabled { reason, .. } => return Err(Revocation::Disabled { reason: reason.clone() }),
        Standing::Enabled => {}
    }
    if let Some(by) = &facts.ended_by {
        return Err(Revocation::Ended { by: by.clone() });
    }
    if let Some(at) = facts.key_expires_at.as_deref().filter(|at| super::expiry::has_passed(Some(at), now)) {
        return Err(Revocation::KeyExpired { at: at.to_string() });
    }
    match &facts.key_owner {
        // A key given to someone else since is not this session's key.
        None => Err(Revocation::KeyRemoved),
        Some((owner, _)) if *owner != facts.started_as => Err(Revocation::KeyRemoved),
        Some((_, Standing::Enabled)) => Ok(()),
        Some((_, Standing::Disabled { reason, .. })) => Err(Revocation::Disabled { reason: reason.clone() }),
        Some((_, Standing::Removed { .. })) => Err(Revocation::Removed),
    }
}

/// A write refused because the session was revoked.
pub fn revoked(action: &str, why: &Revocation) -> Denial {
    Denial::session(action, "a session whose key is registered and whose person is enabled", format!("{why}"))
}

/// "In an SSH session, nothing names a server file": `remote` is whether
/// the session came in through a key; `instead` says how to do it.
pub fn decide_server_file(remote: bool, action: &str, instead: &str) -> Result<(), Denial> {
    if !remote {
        return Ok(());
    }
    Err(Denial::session(
        action,
        "a file on your own machine",
        format!("over SSH mpdesk never reads or writes the server's files; {instead}"),
    ))
}

/// The command that uploads from the person's machine over SSH.
pub const UPLOAD_OVER_SSH: &str =
    "from your machine run: ssh mpdesk@HOST program upload APP --version X.Y.Z --package - < app.zip";
/// The command that exports to the person's machine over SSH.
pub const EXPORT_OVER_SSH: &str = "from your machine run: ssh mpdesk@HOST program export APP X.Y.Z > app.zip";
/// The command that exports the audit log to the person's machine over SSH.
pub const AUDIT_EXPORT_OVER_SSH: &str = "from your machine run: ssh mpdesk@HOST audit export > audit.jsonl";
/// How to check an exported file over SSH (or, better, where it is).
pub const AUDIT_VERIFY_OVER_SSH: &str =
    "send it on standard input: ssh mpdesk@HOST audit verify --file - < audit.jsonl (or run mpdesk where the file is)";
/// The command that adds a key from the person's machine over SSH.
pub const KEY_OVER_SSH: &str = "from your machine run: ssh mpdesk@HOST key add - < ~/.ssh/id_ed25519.pub";

/// What removing one key would leave.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyRemoval {
    /// Asked from an SSH session.
    pub remote: bool,
    /// The key is the one this SSH session came in with.
    pub is_session_key: bool,
    /// How many keys its owner has, this one included.
    pub owner_keys: usize,
}

/// Over SSH a person may not remove the key they are connected with, nor
/// their last key: either would lock them out with no way back but the
/// operator. (The operator, on the server, may.)
pub fn decide_key_removal(removal: KeyRemoval) -> Result<(), Denial> {
    if !removal.remote {
        return Ok(());
    }
    if removal.is_session_key {
        return Err(Denial::session(
            "Removing a key",
            "a key other than the one this session uses",
            "you are connected with this key; connect with another key to remove it, or ask the operator".to_string(),
        ));
    }
    if removal.owner_keys <= 1 {
        return Err(Denial::session(
            "Removing a key",
            "another key left to connect with",
            "this is your last key; add another first, or ask the operator".to_string(),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(owner: Option<(i64, Standing)>, ended: Option<&str>) -> SessionFacts {
        let person = owner.as_ref().filter(|(id, _)| *id == 7).map_or(Standing::Enabled, |(_, s)| s.clone());
        SessionFacts {
            key_owner: owner,
            started_as: 7,
            person,
            ended_by: ended.map(str::to_string),
            key_expires_at: None,
        }
    }

    const NOW: time::OffsetDateTime = time::macros::datetime!(2027-01-31 12:00:00 UTC);

    #[test]
    fn a_session_ends_when_its_key_expires() {
        let mut expiring = facts(Some((7, Standing::Enabled)), None);
        expiring.key_expires_at = Some("2027-01-31T12:00:01Z".to_string());
        assert_eq!(session_standing(&expiring, NOW), Ok(()));
        expiring.key_expires_at = Some("2027-01-31T12:00:00Z".to_string());
        assert_eq!(
            session_standing(&expiring, NOW).map_err(|r| r.to_string()),
            Err("your key expired on 2027-01-31T12:00:00Z".to_string())
        );
    }

    #[test]
    fn a_session_lives_while_its_key_and_person_do() {
        assert_eq!(session_standing(&facts(Some((7, Standing::Enabled)), None), NOW), Ok(()));
        assert_eq!(session_standing(&facts(None, None), NOW), Err(Revocation::KeyRemoved));
        assert_eq!(session_standing(&facts(Some((8, Standing::Enabled)), None), NOW), Err(Revocation::KeyRemoved));
        let disabled = Standing::Disabled { at: "t".into(), by: "root".into(), reason: Some("gone".into()) };
        assert_eq!(
            session_standing(&facts(Some((7, disabled)), None), NOW).map_err(|r| r.to_string()),
            Err("your access was disabled by the operator (gone)".to_string())
        );
        assert_eq!(
            session_standing(&facts(Some((7, Standing::Enabled)), Some("root")), NOW).map_err(|r| r.to_string()),
            Err("your session was ended by the operator (root)".to_string())
        );
        assert_eq!(
            session_standing(&facts(Some((7, Standing::Removed { at: "t".into() })), None), NOW),
            Err(Revocation::Removed)
        );
        // A removal deletes the keys and ends the sessions too: the reason
        // is still the removal.
        let mut removed = facts(None, Some("root"));
        removed.person = Standing::Removed { at: "t".into() };
        assert_eq!(session_standing(&removed, NOW), Err(Revocation::Removed));
    }

    #[test]
    fn over_ssh_no_server_file_is_named() {
        assert!(decide_server_file(false, "Upload from a file", UPLOAD_OVER_SSH).is_ok());
        let denial = decide_server_file(true, "Upload from a file", UPLOAD_OVER_SSH).expect_err("remote");
        assert!(denial.to_string().contains("--package - < app.zip"), "{denial}");
    }

    #[test]
    fn a_person_cannot_lock_themselves_out_over_ssh() {
        let local = KeyRemoval { remote: false, is_session_key: true, owner_keys: 1 };
        assert!(decide_key_removal(local).is_ok(), "the operator may");
        let session = KeyRemoval { remote: true, is_session_key: true, owner_keys: 3 };
        assert!(decide_key_removal(session).expect_err("own").to_string().contains("connected with this key"));
        let last = KeyRemoval { remote: true, is_session_key: false, owner_keys: 1 };
        assert!(decide_key_removal(last).expect_err("last").to_string().contains("your last key"));
        assert!(decide_key_removal(KeyRemoval { remote: true, is_session_key: false, owner_keys: 2 }).is_ok());
    }
}
