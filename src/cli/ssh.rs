//! The CLI's side of serving over SSH: the forced command each key line
//! runs, and writing the managed block of an authorized_keys file.

use super::args::Cli;
use crate::desk::keys::{foreign_key_lines, replace_block};
use crate::desk::{DeskError, DeskResult};
use crate::files::{write_atomically, WriteRefusal};
use std::path::Path;

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
