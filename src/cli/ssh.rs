//! The CLI's side of serving over SSH: the forced command each key line
//! runs, and writing the managed block of an authorized_keys file.

use super::args::Cli;
use crate::desk::keys::replace_block;
use crate::desk::{DeskError, DeskResult};
use crate::files::{write_atomically, WriteRefusal};
use std::path::Path;

/// `EXE --db DB`: this very binary on this very database, absolute, quoted
/// for the shell sshd runs the forced command with.
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
    Ok(format!("{} --db {}", quoted(&exe)?, quoted(&db)?))
}

/// Replaces the managed block in `path` (created if missing), atomically,
/// mode 0600, every line outside the markers kept byte for byte.
pub fn write_block(path: &Path, lines: &[String]) -> DeskResult<()> {
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
    let text = replace_block(&existing, lines);
    write_atomically(path, text.as_bytes(), true).map_err(|refusal| match refusal {
        WriteRefusal::Exists | WriteRefusal::NotRegular => {
            DeskError::Invalid(format!("{} is not a regular file", path.display()))
        }
        WriteRefusal::Io(e) => DeskError::Invalid(format!("cannot write {}: {e}", path.display())),
    })
}
