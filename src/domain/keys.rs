//! SSH public keys: which ones a person may register (what OpenSSH 9
//! accepts by default), parsed and fingerprinted by the `ssh-key` crate,
//! and who may manage whose keys.

use super::chars::{self, CharClass};
use super::Denial;
use ssh_key::{Algorithm, HashAlg, PublicKey};

/// Smallest RSA modulus OpenSSH 9 accepts.
pub const RSA_MIN_BITS: usize = 2048;
/// Longest key comment kept.
pub const COMMENT_MAX: usize = 200;

/// A public key as a person gave it, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedKey {
    /// The key type as OpenSSH names it: `ssh-ed25519`, `ssh-rsa`, …
    pub algorithm: String,
    /// The base64 key blob.
    pub key: String,
    pub comment: String,
    /// SHA-256, as `ssh-keygen -l` prints it: `SHA256:…`.
    pub fingerprint: String,
}

impl ParsedKey {
    /// The key as one `authorized_keys` key field: `type blob comment`.
    pub fn openssh_line(&self) -> String {
        if self.comment.is_empty() {
            format!("{} {}", self.algorithm, self.key)
        } else {
            format!("{} {} {}", self.algorithm, self.key, self.comment)
        }
    }
}

fn rsa_bits(key: &PublicKey) -> usize {
    let Some(rsa) = key.key_data().rsa() else { return 0 };
    let bytes = rsa.n.as_positive_bytes().unwrap_or_default();
    match bytes.first() {
        Some(first) => bytes.len() * 8 - first.leading_zeros() as usize,
        None => 0,
    }
}

/// Parses one public key line (`ssh-ed25519 AAAA… comment`), refusing
/// what OpenSSH 9 would not accept and what is not a public key.
pub fn parse_public_key(text: &str) -> Result<ParsedKey, String> {
    let lines: Vec<&str> = text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')).collect();
    if text.contains("PRIVATE KEY") {
        return Err("this is a private key; give the .pub file".to_string());
    }
    let line = match lines.as_slice() {
        [] => return Err("no public key given; give one line like: ssh-ed25519 AAAA… you@laptop".to_string()),
        [line] => *line,
        _ => return Err(format!("give one public key at a time; this has {} lines", lines.len())),
    };
    let first = line.split_whitespace().next().unwrap_or_default();
    if first.contains("-cert-v01@openssh.com") {
        return Err("SSH certificates are not handled; give the plain public key (.pub)".to_string());
    }
    let key = PublicKey::from_openssh(line).map_err(|_| {
        "not an OpenSSH public key; give one line like: ssh-ed25519 AAAA… you@laptop (the .pub file)".to_string()
    })?;
    match key.algorithm() {
        Algorithm::Dsa => return Err("DSA keys are refused (OpenSSH 9 disables them); use ed25519".to_string()),
        Algorithm::Rsa { .. } if rsa_bits(&key) < RSA_MIN_BITS => {
            return Err(format!(
                "this RSA key has {} bits; at least {RSA_MIN_BITS} are needed (or use ed25519)",
                rsa_bits(&key)
            ))
        }
        Algorithm::Other(name) => return Err(format!("key type {} is not supported", name.as_str())),
        _ => {}
    }
    let comment = key.comment().trim().to_string();
    if comment.chars().count() > COMMENT_MAX {
        return Err(format!("key comment must be at most {COMMENT_MAX} characters"));
    }
    if let Some(c) = comment.chars().find(|c| !matches!(chars::class(*c), CharClass::Plain | CharClass::Combining)) {
        return Err(format!("key comment must be plain text; it has {}", chars::describe(c)));
    }
    let blob = line.split_whitespace().nth(1).unwrap_or_default().to_string();
    Ok(ParsedKey {
        algorithm: key.algorithm().as_str().to_string(),
        key: blob,
        comment,
        fingerprint: key.fingerprint(HashAlg::Sha256).to_string(),
    })
}

/// Who asks to change keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyManager {
    /// The server's own account, without a key: owns the file anyway.
    Operator,
    /// A person: `is_self` when the keys are their own.
    Person { is_self: bool },
}

/// The rule: the operator manages anyone's keys; a person only their own.
/// Workspace roles grant nothing here.
pub fn decide_key_change(who: KeyManager, action: &str) -> Result<(), Denial> {
    match who {
        KeyManager::Operator | KeyManager::Person { is_self: true } => Ok(()),
        KeyManager::Person { is_self: false } => Err(Denial::role(
            action,
            "the operator (the server's own account) or the key's owner".to_string(),
            "you manage only your own keys; workspace roles grant nothing over keys".to_string(),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ED25519: &str =
        "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl dana@laptop";

    #[test]
    fn parses_and_fingerprints_as_openssh() {
        let key = parse_public_key(ED25519).expect("valid");
        assert_eq!(key.algorithm, "ssh-ed25519");
        assert_eq!(key.comment, "dana@laptop");
        assert!(key.fingerprint.starts_with("SHA256:"), "{}", key.fingerprint);
        assert_eq!(key.openssh_line(), ED25519);
    }

    #[test]
    fn refuses_what_is_not_a_public_key() {
        for (text, expected) in [
            ("", "no public key"),
            ("-----BEGIN OPENSSH PRIVATE KEY-----\nb3Blbn\n-----END OPENSSH PRIVATE KEY-----", "private key"),
            ("ssh-ed25519 not-base64", "not an OpenSSH public key"),
            ("ssh-ed25519-cert-v01@openssh.com AAAA", "certificates"),
            ("hello world", "not an OpenSSH public key"),
        ] {
            let err = parse_public_key(text).expect_err(text);
            assert!(err.contains(expected), "{text:?}: {err}");
            assert!(!err.contains('\n'));
        }
        let two = format!("{ED25519}\n{ED25519}");
        assert!(parse_public_key(&two).expect_err("two").contains("one public key at a time"));
    }

    #[test]
    fn only_the_operator_or_the_owner_manages_keys() {
        assert!(decide_key_change(KeyManager::Operator, "Add a key").is_ok());
        assert!(decide_key_change(KeyManager::Person { is_self: true }, "Add a key").is_ok());
        let denial = decide_key_change(KeyManager::Person { is_self: false }, "Add a key").expect_err("other");
        assert!(denial.to_string().contains("only your own keys"), "{denial}");
    }
}
