//! Backups: a consistent copy of the whole database while people work,
//! and what a copy holds. A copy is written only where it was asked to go,
//! never over the database's own files, and the log says who took it.

use super::{Desk, DeskError, DeskResult, Principal};
use crate::domain::operation::AuditOp;
use crate::store::backup::{Inspection, Target};
use std::path::Path;

impl Desk {
    /// Writes a copy of the whole database to `out` (see
    /// [`crate::store::Store::backup_to`]), then logs it (`database_backup`).
    pub fn backup(&mut self, principal: &Principal, out: &Path, overwrite: bool) -> DeskResult<()> {
        let shown = super::shown(&out.to_string_lossy());
        match self.store.backup_to(out, overwrite)? {
            Ok(()) => {}
            Err(Target::Own) => {
                return Err(DeskError::Invalid(format!("'{shown}' is this database's own file; copy to another path")))
            }
            Err(Target::Exists) => {
                return Err(DeskError::Conflict(format!("'{shown}' already exists; pass --force to replace it")))
            }
            Err(Target::NotRegular) => {
                return Err(DeskError::Invalid(format!("'{shown}' exists and is not a regular file")))
            }
            Err(Target::Folder(dir, kind)) => return Err(DeskError::Invalid(folder_refused(&dir, kind))),
        }
        if !self.store_read_only {
            let was_read_only = std::mem::replace(&mut self.read_only, false);
            let logged = self.audited(&principal.logged_as(), AuditOp::DatabaseBackup, |_, entry, _| {
                entry.detail = format!("copied the whole database to {shown}");
                Ok(())
            });
            self.read_only = was_read_only;
            logged?;
        }
        Ok(())
    }
}

/// Why the backup's folder refused it, and what to do: the copy is
/// written by the account mpdesk runs as (on a packaged server, root
/// becomes the service account), not by whoever typed the command.
fn folder_refused(dir: &Path, kind: std::io::ErrorKind) -> String {
    let dir_shown = super::shown(&dir.to_string_lossy());
    if kind == std::io::ErrorKind::NotFound {
        return format!("cannot write the backup: the folder {dir_shown} does not exist; nothing was written");
    }
    let account = crate::session::running_as().unwrap_or_else(|| "this account".to_string());
    format!(
        "cannot write the backup into {dir_shown}: that folder is not writable by {account}, the account mpdesk runs as; nothing was written. Write it into a folder {account} owns (the package makes /var/backups/mpdesk/), or make one: install -d -o {account} -m 0700 DIR"
    )
}

/// What the copy at `path` holds; an error if it is not an SQLite file.
pub fn inspect_backup(path: &Path) -> DeskResult<Inspection> {
    Ok(crate::store::backup::inspect(path)?)
}
