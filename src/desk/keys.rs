//! SSH keys: who may add, list and remove them, and the two answers
//! OpenSSH asks of mpdesk (the authorized_keys block, one key's line).

use super::{invalid, Actor, Desk, DeskError, DeskResult};
use crate::domain::keys::{decide_key_change, parse_public_key, KeyManager};
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
    /// The login the audit log names.
    pub fn login(&self) -> &str {
        match self {
            Self::Operator(login) => login,
            Self::Person(actor) => &actor.login,
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

impl Desk {
    /// Registers `text` (one public key line) as `login`'s key.
    pub fn add_key(&mut self, principal: &Principal, login: &str, text: &str) -> DeskResult<SshKey> {
        let by = principal.login().to_string();
        self.audited(&by, "key_add", |tx, entry, now| {
            entry.detail = format!("key for {login}");
            decide_key_change(principal.manager(login), "Adding a key")?;
            let user = store::users::by_login(tx, login)?
                .ok_or_else(|| DeskError::NotFound(format!("user '{}' is not registered", super::shown(login))))?;
            let key = parse_public_key(text).map_err(invalid)?;
            if let Some(existing) = store::keys::by_fingerprint(tx, &key.fingerprint)? {
                return Err(DeskError::Conflict(if existing.login == login {
                    format!("{login} already has the key {}", key.fingerprint)
                } else {
                    "that key belongs to another person".to_string()
                }));
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
                },
            )?;
            entry.detail = format!("added {} key {} for {login}", key.algorithm, key.fingerprint);
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
    pub fn remove_key(&mut self, principal: &Principal, fingerprint: &str) -> DeskResult<SshKey> {
        let by = principal.login().to_string();
        self.audited(&by, "key_remove", |tx, entry, _now| {
            entry.detail = format!("key {}", super::shown(fingerprint));
            let missing = || DeskError::NotFound(format!("no key {} is registered", super::shown(fingerprint)));
            let key = store::keys::by_fingerprint(tx, fingerprint)?.ok_or_else(missing)?;
            if decide_key_change(principal.manager(&key.login), "Removing a key").is_err() {
                return Err(missing());
            }
            store::keys::remove(tx, fingerprint)?;
            entry.detail = format!("removed {} key {} of {}", key.algorithm, key.fingerprint, key.login);
            Ok(key)
        })
    }

    /// The person a key belongs to, if it is registered (an SSH session
    /// starts here).
    pub fn key_owner(&self, fingerprint: &str) -> DeskResult<Option<Actor>> {
        match store::keys::by_fingerprint(self.conn(), fingerprint)? {
            Some(key) => Ok(Some(self.actor(&key.login)?)),
            None => Ok(None),
        }
    }

    /// The key registered for `key_type` and `blob` (what sshd hands an
    /// AuthorizedKeysCommand), found by its fingerprint.
    pub fn find_key(&self, key_type: &str, blob: &str) -> DeskResult<Option<SshKey>> {
        let Ok(parsed) = parse_public_key(&format!("{key_type} {blob}")) else {
            return Ok(None);
        };
        Ok(store::keys::by_fingerprint(self.conn(), &parsed.fingerprint)?)
    }

    /// Every registered key, for the authorized_keys block.
    pub fn all_keys(&self) -> DeskResult<Vec<SshKey>> {
        Ok(store::keys::list(self.conn(), None)?)
    }
}

/// One authorized_keys line: the forced command names the key, not the
/// login, so a key removed or given to someone else since is refused by
/// the session itself. `command` is the mpdesk invocation up to `--key`.
pub fn authorized_line(command: &str, key: &SshKey) -> String {
    let comment = if key.comment.is_empty() { String::new() } else { format!(" {}", key.comment) };
    format!(
        "command=\"{command} ssh session --key {}\",restrict,pty {} {}{comment}",
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

#[cfg(test)]
mod tests {
    use super::*;

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
