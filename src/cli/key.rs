//! `mpdesk key`: SSH public keys — the clap types and the handler, side
//! by side.

use super::args::ExpiresArg;
use super::commands::{out, out_rows, Done};
use super::output::Format;
use crate::desk::{Desk, DeskError, DeskResult, Principal};
use clap::Subcommand;

#[derive(Debug, Subcommand)]
#[command(defer = true)]
pub enum KeyCommand {
    /// Register a public key: `key add [LOGIN] FILE` (without LOGIN, your own).
    #[command(override_usage = "mpdesk key add [LOGIN] <FILE>")]
    Add {
        /// Whose key it is (default: yours), or FILE when it is the only argument.
        #[arg(value_name = "LOGIN")]
        login: String,
        /// The .pub file, or - to read the key line from standard input (over SSH, only -).
        #[arg(value_name = "FILE")]
        file: Option<String>,
        #[command(flatten)]
        expires: ExpiresArg,
        /// The key is theirs already (expired, say): give it this end
        /// instead (--expires, or none) — a renewal.
        #[arg(long)]
        replace: bool,
    },
    /// Registered keys: yours, or LOGIN's, or (the operator) everyone's.
    List {
        /// Whose keys.
        login: Option<String>,
    },
    /// Remove a key by its fingerprint (SHA256:…, as ssh-keygen -l prints it).
    Remove {
        /// The key's SHA-256 fingerprint.
        fingerprint: String,
    },
}

pub(super) fn run(desk: &mut Desk, who: &Principal, format: Format, cmd: &KeyCommand) -> Done {
    match cmd {
        KeyCommand::Add { login, file, expires, replace } => {
            // `key add FILE` is your own key; `key add LOGIN FILE` someone's.
            let (login, file) =
                match file {
                    Some(file) => (login.clone(), file.clone()),
                    None => match who {
                        Principal::Person(me) => (me.login.clone(), login.clone()),
                        Principal::Operator(_) => return Err(DeskError::Invalid(
                            "the operator has no keys of their own: name whose key it is (mpdesk key add LOGIN FILE)"
                                .to_string(),
                        )),
                    },
                };
            let text = read_key_text(&file)?;
            let key = desk.add_key(who, &login, &text, expires.when(), *replace)?;
            out(format.json(), &key, || {
                let until = key.expires_at.as_ref().map(|end| format!(", accepted until {end}")).unwrap_or_default();
                let done = if *replace { "renewed" } else { "added" };
                format!("{done} {} key {} for {}{until}", key.algorithm, key.fingerprint, key.login)
            })
        }
        KeyCommand::List { login } => {
            let keys = desk.list_keys(who, login.as_deref())?;
            out_rows(format, keys)
        }
        KeyCommand::Remove { fingerprint } => {
            let key = desk.remove_key(who, fingerprint)?;
            out(format.json(), &key, || format!("removed {} key {} of {}", key.algorithm, key.fingerprint, key.login))
        }
    }
}

/// A key line from a .pub file (never a FIFO; small) or standard input.
pub(super) fn read_key_text(file: &str) -> DeskResult<String> {
    use std::io::Read;
    const MAX: u64 = 16 * 1024;
    // Read before mpdesk became the service account (root's file).
    if let Some((_, read)) = PREREAD_KEY.get().filter(|(path, _)| path == file) {
        return read.clone().map_err(DeskError::Invalid);
    }
    let mut text = String::new();
    let result = if file == "-" {
        std::io::stdin().take(MAX).read_to_string(&mut text)
    } else {
        crate::files::open_regular(std::path::Path::new(file)).and_then(|f| f.take(MAX).read_to_string(&mut text))
    };
    result.map_err(|e| {
        DeskError::Invalid(format!("cannot read the key from {}: {e}", crate::sanitize::quote(file, 80)))
    })?;
    Ok(text)
}

/// A key file named on the command line, read while still root (a key in
/// root's home is not the service account's to read).
static PREREAD_KEY: std::sync::OnceLock<(String, Result<String, String>)> = std::sync::OnceLock::new();

/// Reads the key file `command` names, if any, before mpdesk becomes the
/// service account.
pub fn preread_key(command: &super::args::Command) {
    let file = match command {
        super::args::Command::Setup { key, .. } => Some(key.as_str()),
        super::args::Command::Key(KeyCommand::Add { login, file, .. }) => Some(file.as_deref().unwrap_or(login)),
        _ => None,
    };
    if let Some(file) = file.filter(|f| *f != "-") {
        let _ = PREREAD_KEY.set((file.to_string(), read_key_text(file).map_err(|e| e.to_string())));
    }
}
