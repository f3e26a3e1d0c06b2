//! Backups: a consistent copy of the whole database while people work,
//! and what a copy holds. A copy is written only where it was asked to go,
//! never over the database's own files, and the log says who took it.

use super::{Desk, DeskError, DeskResult, Principal};
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
        }
        if !self.store_read_only {
            let was_read_only = std::mem::replace(&mut self.read_only, false);
            let logged = self.audited(principal.login(), "database_backup", |_, entry, _| {
                entry.detail = format!("copied the whole database to {shown}");
                Ok(())
            });
            self.read_only = was_read_only;
            logged?;
        }
        Ok(())
    }
}

/// What the copy at `path` holds; an error if it is not an SQLite file.
pub fn inspect_backup(path: &Path) -> DeskResult<Inspection> {
    Ok(crate::store::backup::inspect(path)?)
}
