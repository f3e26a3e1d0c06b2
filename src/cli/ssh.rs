//! `mpdesk ssh` (the operator's): serving over SSH — the forced command
//! each key line runs, writing the managed block of an authorized_keys
//! file, the keys command, live sessions; the clap types and the handler.

use super::args::Cli;
use super::commands::{out, out_rows, principal, Done, Identity};
use super::output::print_text;
use crate::desk::keys::{foreign_key_lines, replace_block};
use crate::desk::{Desk, DeskError, DeskResult};
use crate::files::{write_atomically, WriteRefusal};
use clap::Subcommand;
use std::path::{Path, PathBuf};

/// `EXE --db DB [--config FILE]`: this very binary on this very database
/// (and config file), absolute, quoted for the shell sshd runs the forced
/// command with.
pub fn forced_command(cli: &Cli) -> DeskResult<String> {
    let exe = std::env::current_exe().map_err(|e| DeskError::Storage(format!("cannot find mpdesk's own path: {e}")))?;
    let db = match cli.db() {
        Some(db) => db,
        None => crate::session::default_db_path()?,
    };
    let db = std::fs::canonicalize(&db).unwrap_or(db);
    let quoted = |path: &Path| -> DeskResult<String> {
        let text = path.to_str().ok_or_else(|| DeskError::Invalid(format!("{} is not UTF-8", path.display())))?;
        // The command sits inside command="…" in authorized_keys.
        if text.contains(['"', '\\', '\n']) {
            return Err(DeskError::Invalid(format!("{text} cannot stand in a forced command (it has \" or \\)")));
        }
        Ok(shell_words::quote(text).into_owned())
    };
    // The server's config file for every console it serves, if it names one.
    let config = match &cli.config {
        Some(config) => format!(" --config {}", quoted(config)?),
        None => String::new(),
    };
    Ok(format!("{} --db {}{config}", quoted(&exe)?, quoted(&db)?))
}

/// Replaces the managed block in `path` (created if missing), atomically,
/// mode 0600, every line outside the markers kept byte for byte — but
/// refuses while the file holds key lines outside the block (each is a way
/// into the service account), unless `keep_foreign`.
pub fn write_block(path: &Path, lines: &[String], keep_foreign: bool) -> DeskResult<()> {
    let existing = match crate::files::open_regular(path) {
        Ok(file) => {
            use std::io::Read;
            let mut text = String::new();
            file.take(16 * 1024 * 1024)
                .read_to_string(&mut text)
                .map_err(|e| DeskError::Invalid(format!("cannot read {}: {e}", path.display())))?;
            text
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(DeskError::Invalid(format!("cannot read {}: {e}", path.display()))),
    };
    let foreign = foreign_key_lines(&existing);
    if !foreign.is_empty() && !keep_foreign {
        let listed: Vec<String> = foreign
            .iter()
            .take(5)
            .map(|(number, line)| format!("line {number}: {}", crate::sanitize::quote(line, 60)))
            .collect();
        return Err(DeskError::Conflict(format!(
            "{} holds {} key line(s) outside mpdesk's block ({}{}); each lets its key into this account with no mpdesk in between — remove them, or pass --keep-foreign to keep them on purpose",
            path.display(),
            foreign.len(),
            listed.join("; "),
            if foreign.len() > 5 { "; …" } else { "" }
        )));
    }
    let text = replace_block(&existing, lines);
    write_atomically(path, text.as_bytes(), true).map_err(|refusal| match refusal {
        WriteRefusal::Exists | WriteRefusal::NotRegular => {
            DeskError::Invalid(format!("{} is not a regular file", path.display()))
        }
        WriteRefusal::Io(e) => DeskError::Invalid(format!("cannot write {}: {e}", path.display())),
    })
}

#[derive(Debug, Subcommand)]
#[command(defer = true)]
pub enum SshCommand {
    /// The managed block of authorized_keys lines (one forced command per key).
    AuthorizedKeys {
        /// Replace the block in this file atomically, keeping every other line.
        #[arg(long, value_name = "FILE")]
        write: Option<PathBuf>,
        /// Write even though FILE holds key lines outside mpdesk's block
        /// (each is a way into the service account; keep them only on purpose).
        #[arg(long, requires = "write")]
        keep_foreign: bool,
    },
    /// The live SSH sessions: who, with which key, from where, since when.
    Sessions,
    /// End a session (by its id), every session of one key (by its
    /// fingerprint) or of a person (by login), within a second. They may
    /// connect again: `user disable` keeps a person out.
    End {
        /// A session id (`mpdesk ssh sessions`; never reused), a key's
        /// fingerprint (SHA256:…) or a login.
        target: String,
    },
    /// For sshd's AuthorizedKeysCommand: the line for one key, or nothing.
    KeysCommand {
        /// The account sshd asks for (%u).
        account: String,
        /// The key's type (%t).
        key_type: String,
        /// The base64 key (%k).
        key: String,
    },
    /// One SSH connection, as the key's owner (only ever run by sshd).
    Session {
        /// The key's fingerprint, from the forced command.
        #[arg(long)]
        key: String,
    },
}

pub(super) fn run(desk: &mut Desk, cli: &Cli, identity: &Identity, cmd: &SshCommand) -> Done {
    match cmd {
        SshCommand::Sessions => {
            let who = principal(desk, cli, identity)?;
            let sessions = desk.ssh_sessions(&who)?;
            out_rows(cli.output_format(), sessions)
        }
        SshCommand::End { target } => {
            let who = principal(desk, cli, identity)?;
            let ended = desk.end_ssh_sessions(&who, target)?;
            out(cli.output_format().json(), &ended, || {
                ended
                    .iter()
                    .map(|s| format!("ended session {} of {} ({} from {})", s.id, s.login, s.fingerprint, s.from))
                    .collect::<Vec<_>>()
                    .join("\n")
            })
        }
        SshCommand::AuthorizedKeys { write, keep_foreign } => {
            let command = super::ssh::forced_command(cli)?;
            let lines: Vec<String> =
                desk.all_keys()?.iter().map(|k| crate::desk::keys::authorized_line(&command, k)).collect();
            match write {
                None => {
                    let block = crate::desk::keys::replace_block("", &lines);
                    print_text(block.trim_end()).map_err(|e| DeskError::Storage(e.to_string()))
                }
                Some(path) => {
                    super::ssh::write_block(path, &lines, *keep_foreign)?;
                    out(
                        cli.output_format().json(),
                        &serde_json::json!({"file": path.display().to_string(), "keys": lines.len()}),
                        || format!("wrote {} keys to {}", lines.len(), path.display()),
                    )
                }
            }
        }
        SshCommand::KeysCommand { key_type, key, .. } => {
            let command = super::ssh::forced_command(cli)?;
            match desk.find_key(key_type, key)? {
                Some(found) => print_text(&crate::desk::keys::authorized_line(&command, &found))
                    .map_err(|e| DeskError::Storage(e.to_string())),
                None => Ok(()),
            }
        }
        SshCommand::Session { .. } => {
            Err(DeskError::Invalid("ssh session is run by sshd through a forced command, not by hand".to_string()))
        }
    }
}
