//! SSH keys: who may add, list and remove them, and the two answers
//! OpenSSH asks of mpdesk (the authorized_keys block, one key's line).

use super::{invalid, Actor, Desk, DeskError, DeskResult};
use crate::domain::expiry::{has_passed, openssh_expiry};
use crate::domain::keys::{decide_key_change, parse_public_key, KeyManager};
use crate::domain::operation::AuditOp;
use crate::domain::remote::{decide_key_removal, KeyRemoval};
use crate::store;
use crate::store::keys::NewKey;
pub use crate::store::records::SshKey;

/// Who asks: the operator (the server's own account, no key) or a person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Principal {
    /// The OS login of whoever runs mpdesk on the server's own account.
    Operator(String),
    Person(Actor),
}

impl Principal {
    /// Who the audit log names: a person by their login; the operator as
    /// "operator (OSLOGIN)", so that what alice did as the operator and
    /// what she did as herself never read as one person's.
    pub fn logged_as(&self) -> String {
        match self {
            Self::Operator(os_login) => format!("operator ({os_login})"),
            Self::Person(actor) => actor.login.clone(),
        }
    }

    fn manager(&self, owner_login: &str) -> KeyManager {
        match self {
            Self::Operator(_) => KeyManager::Operator,
            Self::Person(actor) => KeyManager::Person { is_self: actor.login == owner_login },
        }
    }
}

/// The markers around the lines mpdesk manages in an authorized_keys file.
pub const BEGIN_MARKER: &str = "# BEGIN mpdesk managed keys (do not edit; mpdesk ssh authorized-keys --write)";
pub const END_MARKER: &str = "# END mpdesk managed keys";

/// Why a key cannot be added again: it is theirs already, expired or not.
fn already_has(existing: &SshKey, now: time::OffsetDateTime) -> String {
    let end = existing.expires_at.as_deref();
    let renew = "`key add --replace` (with --expires for a new end) renews it";
    if crate::domain::expiry::has_passed(end, now) {
        format!("{}'s key {} expired on {}: {renew}", existing.login, existing.fingerprint, end.unwrap_or_default())
    } else {
        let until = end.map_or("with no end".to_string(), |end| format!("until {end}"));
        format!("{} already has the key {}, accepted {until}; {renew}", existing.login, existing.fingerprint)
    }
}

impl Desk {
    /// Registers `text` (one public key line) as `login`'s key, accepted by
    /// sshd only until `expires` (a date, a time or a duration from now) if
    /// given. With `replace`, a key the person has already (an expired
    /// one, say) gets this end instead: a renewal.
    pub fn add_key(
        &mut self,
        principal: &Principal,
        login: &str,
        text: &str,
        expires: Option<&str>,
        replace: bool,
    ) -> DeskResult<SshKey> {
        let by = principal.logged_as();
        let now_time = self.clock.now();
        let operation = if replace { AuditOp::KeyRenew } else { AuditOp::KeyAdd };
        self.audited(&by, operation, |tx, entry, now| {
            entry.detail = format!("key for {login}");
            decide_key_change(principal.manager(login), "Adding a key")?;
            let end = match expires {
                Some(text) => super::expiry::end_from(text, now_time)?,
                None => None,
            };
            let user = store::users::by_login(tx, login)?
                .ok_or_else(|| DeskError::NotFound(format!("user '{}' is not registered", super::shown(login))))?;
            let key = parse_public_key(text).map_err(invalid)?;
            if let Some(existing) = store::keys::by_fingerprint(tx, &key.fingerprint)? {
                if existing.login != login {
                    return Err(DeskError::Conflict("that key belongs to another person".to_string()));
                }
                if !replace {
                    return Err(DeskError::Conflict(already_has(&existing, now_time)));
                }
                store::keys::set_end(tx, &key.fingerprint, end.as_deref())?;
                entry.detail = format!(
                    "renewed {} key {} of {login}: accepted {}",
                    key.algorithm,
                    key.fingerprint,
                    end.as_deref().map_or("with no end".to_string(), |end| format!("until {end}"))
                );
                return store::keys::by_fingerprint(tx, &key.fingerprint)?
                    .ok_or_else(|| DeskError::Storage("the renewed key vanished".to_string()));
            }
            store::keys::insert(
                tx,
                &NewKey {
                    user_id: user.id,
                    algorithm: &key.algorithm,
                    key: &key.key,
                    comment: &key.comment,
                    fingerprint: &key.fingerprint,
                    added_by: &by,
                    now,
                    expires_at: end.as_deref(),
                },
            )?;
            entry.detail = format!("added {} key {} for {login}", key.algorithm, key.fingerprint);
            if let Some(end) = &end {
                entry.detail.push_str(&format!(", accepted until {end}"));
            }
            store::keys::by_fingerprint(tx, &key.fingerprint)?
                .ok_or_else(|| DeskError::Storage("the new key vanished".to_string()))
        })
    }

    /// Keys: the operator sees anyone's (or one person's); a person only
    /// their own.
    pub fn list_keys(&self, principal: &Principal, login: Option<&str>) -> DeskResult<Vec<SshKey>> {
        let owner = match (principal, login) {
            (Principal::Person(actor), None) => Some(actor.login.clone()),
            (_, Some(login)) => Some(login.to_string()),
            (Principal::Operator(_), None) => None,
        };
        if let Some(owner) = &owner {
            decide_key_change(principal.manager(owner), "Listing keys")?;
        }
        let user_id = match &owner {
            Some(owner) => Some(
                store::users::by_login(self.conn(), owner)?
                    .ok_or_else(|| DeskError::NotFound(format!("user '{}' is not registered", super::shown(owner))))?
                    .id,
            ),
            None => None,
        };
        Ok(store::keys::list(self.conn(), user_id)?)
    }

    /// Removes a key by its fingerprint. A person's request for a key that
    /// is not theirs answers as for a key that does not exist.
    /// Removes a key by its fingerprint. A person's request for a key that
    /// is not theirs answers as for a key that does not exist. Over SSH a
    /// person may not remove the key they are connected with, nor their
    /// last one.
    pub fn remove_key(&mut self, principal: &Principal, fingerprint: &str) -> DeskResult<SshKey> {
        let by = principal.logged_as();
        let session_key = self.session_key().map(str::to_string);
        self.audited(&by, AuditOp::KeyRemove, |tx, entry, _now| {
            entry.detail = format!("key {}", super::shown(fingerprint));
            let key = removable(tx, principal, session_key.as_deref(), fingerprint)?;
            store::keys::remove(tx, fingerprint)?;
            entry.detail = format!("removed {} key {} of {}", key.algorithm, key.fingerprint, key.login);
            Ok(key)
        })
    }

    /// Why removing this key would be refused now, if it would (the Keys
    /// dialog asks before it offers to remove one).
    pub fn key_removal_refusal(&self, principal: &Principal, fingerprint: &str) -> Option<String> {
        removable(self.conn(), principal, self.session_key(), fingerprint).err().map(|e| e.to_string())
    }

    /// The key registered for `key_type` and `blob` (what sshd hands an
    /// AuthorizedKeysCommand), found by its fingerprint — if its person may
    /// act: a disabled person's keys are refused by sshd itself.
    pub fn find_key(&self, key_type: &str, blob: &str) -> DeskResult<Option<SshKey>> {
        let Ok(parsed) = parse_public_key(&format!("{key_type} {blob}")) else {
            return Ok(None);
        };
        let key = store::keys::by_fingerprint(self.conn(), &parsed.fingerprint)?;
        let now = self.clock.now();
        Ok(key.filter(|k| self.actor(&k.login).is_ok() && !has_passed(k.expires_at.as_deref(), now)))
    }

    /// The keys of every person who may act, for the authorized_keys block
    /// (a disabled person's lines leave it at the next `--write`; their
    /// sessions are refused before that).
    pub fn all_keys(&self) -> DeskResult<Vec<SshKey>> {
        let keys = store::keys::list(self.conn(), None)?;
        let now = self.clock.now();
        Ok(keys
            .into_iter()
            .filter(|k| self.actor(&k.login).is_ok() && !has_passed(k.expires_at.as_deref(), now))
            .collect())
    }
}

/// The key `principal` may remove, or why not (see [`Desk::remove_key`]).
fn removable(
    conn: &rusqlite::Connection,
    principal: &Principal,
    session_key: Option<&str>,
    fingerprint: &str,
) -> DeskResult<SshKey> {
    let missing = || DeskError::NotFound(format!("no key {} is registered", super::shown(fingerprint)));
    let key = store::keys::by_fingerprint(conn, fingerprint)?.ok_or_else(missing)?;
    if decide_key_change(principal.manager(&key.login), "Removing a key").is_err() {
        return Err(missing());
    }
    let owner = store::users::by_login(conn, &key.login)?.map(|u| u.id);
    decide_key_removal(KeyRemoval {
        remote: session_key.is_some(),
        is_session_key: session_key == Some(key.fingerprint.as_str()),
        owner_keys: store::keys::list(conn, owner)?.len(),
    })?;
    Ok(key)
}

/// One authorized_keys line: the forced command names the key, not the
/// login, so a key removed or given to someone else since is refused by
/// the session itself. `command` is the mpdesk invocation up to `--key`.
pub fn authorized_line(command: &str, key: &SshKey) -> String {
    let comment = if key.comment.is_empty() { String::new() } else { format!(" {}", key.comment) };
    // sshd itself stops accepting the key then, whatever mpdesk says.
    let expiry = match key.expires_at.as_deref().and_then(openssh_expiry) {
        Some(at) => format!(",expiry-time=\"{at}\""),
        None => String::new(),
    };
    format!(
        "command=\"{command} ssh session --key {}\",restrict,pty{expiry} {} {}{comment}",
        key.fingerprint, key.algorithm, key.key
    )
}

/// `file` with its managed block replaced by `lines` (added at the end if
/// it has none); every line outside the markers kept byte for byte.
pub fn replace_block(file: &str, lines: &[String]) -> String {
    let mut block = format!("{BEGIN_MARKER}\n");
    for line in lines {
        block.push_str(line);
        block.push('\n');
    }
    block.push_str(END_MARKER);
    block.push('\n');
    let begin = file.find(&format!("{BEGIN_MARKER}\n")).or_else(|| file.find(BEGIN_MARKER));
    match begin {
        Some(start) => {
            let rest = &file[start..];
            let end = rest.find(END_MARKER).map(|i| {
                let after = start + i + END_MARKER.len();
                if file[after..].starts_with('\n') {
                    after + 1
                } else {
                    after
                }
            });
            match end {
                Some(end) => format!("{}{block}{}", &file[..start], &file[end..]),
                None => format!("{}{block}", &file[..start]),
            }
        }
        None if file.is_empty() || file.ends_with('\n') => format!("{file}{block}"),
        None => format!("{file}\n{block}"),
    }
}

/// The key lines of `file` outside mpdesk's managed block (1-based line
/// numbers): each lets its key into the service account — the operator —
/// with no forced command of mpdesk's.
pub fn foreign_key_lines(file: &str) -> Vec<(usize, String)> {
    let mut inside = false;
    let mut found = Vec::new();
    for (index, line) in file.lines().enumerate() {
        let trimmed = line.trim();
        if trimmed == BEGIN_MARKER {
            inside = true;
        } else if trimmed == END_MARKER {
            inside = false;
        } else if !inside && !trimmed.is_empty() && !trimmed.starts_with('#') {
            found.push((index + 1, trimmed.to_string()));
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_lines_outside_the_block_are_found() {
        let file = format!(
            "# a note\nssh-ed25519 AAAA planted\n{BEGIN_MARKER}\ncommand=\"x\" ssh-ed25519 BBBB\n{END_MARKER}\n\n  restrict ssh-rsa CCCC\n"
        );
        assert_eq!(
            foreign_key_lines(&file),
            vec![(2, "ssh-ed25519 AAAA planted".to_string()), (7, "restrict ssh-rsa CCCC".to_string())]
        );
        assert!(foreign_key_lines(&replace_block("# only a comment\n", &["k".to_string()])).is_empty());
    }

    #[test]
    fn the_block_is_replaced_and_the_rest_kept_byte_for_byte() {
        let outside = "ssh-ed25519 AAAA mine\n# a note\n";
        let once = replace_block(outside, &["one".to_string()]);
        assert!(once.starts_with(outside));
        let twice = replace_block(&format!("{once}after\n"), &["two".to_string(), "three".to_string()]);
        assert_eq!(twice, format!("{outside}{BEGIN_MARKER}\ntwo\nthree\n{END_MARKER}\nafter\n"));
        assert_eq!(replace_block("no newline", &[]), format!("no newline\n{BEGIN_MARKER}\n{END_MARKER}\n"));
    }
}
