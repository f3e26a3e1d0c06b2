//! Uploading, listing and exporting versions.

use super::{
    access_of, facts_of, invalid, note_program, resolve_program, Actor, Desk, DeskError, DeskResult, Operation, Page,
    Version,
};
use crate::domain::permission::decide;
use crate::domain::validate::{self, PACKAGE_MAX_BYTES};
use crate::domain::version::check_successor;
use crate::domain::SemVer;
use crate::files::WriteRefusal;
use crate::store;
use crate::store::versions::NewVersion;
use sha2::{Digest, Sha256};
use std::io::Read;
use std::path::{Path, PathBuf};

/// Where an uploaded package comes from.
#[derive(Debug, Clone)]
pub enum PackageSource {
    File(PathBuf),
    Bytes(Vec<u8>),
}

fn check_size(size: u64) -> DeskResult<()> {
    validate::package_size(size).map_err(DeskError::Invalid)
}

fn path_shown(path: &Path) -> String {
    super::shown(&path.to_string_lossy())
}

/// Reads a package file, refusing one over the limit before reading it all.
fn read_package(path: &Path) -> DeskResult<Vec<u8>> {
    let cannot = |e: std::io::Error| match e.kind() {
        std::io::ErrorKind::InvalidInput => DeskError::Invalid(format!(
            "package file '{}' is not a regular file (a FIFO, a device or a folder?)",
            path_shown(path)
        )),
        _ => DeskError::Invalid(format!("package file '{}' cannot be read: {e}", path_shown(path))),
    };
    let file = crate::files::open_regular(path).map_err(cannot)?;
    let meta = file.metadata().map_err(cannot)?;
    check_size(meta.len())?;
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(PACKAGE_MAX_BYTES + 1).read_to_end(&mut bytes).map_err(cannot)?;
    check_size(bytes.len() as u64)?;
    Ok(bytes)
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

impl Desk {
    /// Uploads a version: a semantic version strictly greater than every
    /// version uploaded so far, a package of at most 50 MiB, and notes.
    pub fn upload_version(
        &mut self,
        actor: &Actor,
        program: &str,
        version: &str,
        package: PackageSource,
        notes: &str,
    ) -> DeskResult<Version> {
        let read_only = self.read_only;
        // Read (and hash) the package before taking the write lock: other
        // writers must not wait on this process's disk.
        let package = match package {
            PackageSource::File(path) => read_package(&path),
            PackageSource::Bytes(bytes) => check_size(bytes.len() as u64).map(|()| bytes),
        }
        .map(|bytes| {
            let sha256 = sha256_hex(&bytes);
            (bytes, sha256)
        });
        self.audited(&actor.login, "program_upload", |tx, entry, now| {
            let row = resolve_program(tx, actor, program)?;
            note_program(entry, &row);
            decide(&access_of(&row, read_only), Operation::Upload, &facts_of(&row))?;
            let parsed = SemVer::parse(version).map_err(invalid)?;
            validate::notes(notes).map_err(invalid)?;
            let latest = match store::versions::latest(tx, row.id)? {
                Some(latest) => Some(SemVer::parse(&latest.version).map_err(DeskError::Storage)?),
                None => None,
            };
            check_successor(latest.as_ref(), &parsed).map_err(DeskError::Conflict)?;
            let (bytes, sha256) = package?;
            store::versions::insert(
                tx,
                &NewVersion {
                    program_id: row.id,
                    version,
                    bytes: &bytes,
                    sha256: &sha256,
                    notes,
                    uploaded_by: actor.id,
                    now,
                },
            )?;
            entry.detail = format!("uploaded {version} ({} bytes, sha256 {})", bytes.len(), &sha256[..12]);
            store::versions::find(tx, row.id, version)?
                .map(|(_, v)| v)
                .ok_or_else(|| DeskError::Storage("the new version vanished".to_string()))
        })
    }

    /// One page of a program's versions, newest first.
    pub fn list_versions(&self, actor: &Actor, program: &str, page: Page) -> DeskResult<Vec<Version>> {
        let row = resolve_program(self.conn(), actor, program)?;
        Ok(store::versions::list(self.conn(), row.id, page.offset, page.limit)?)
    }

    /// The package bytes of a version, checked against their SHA-256.
    pub fn package(&self, actor: &Actor, program: &str, version: &str) -> DeskResult<(Version, Vec<u8>)> {
        let row = resolve_program(self.conn(), actor, program)?;
        decide(&access_of(&row, false), Operation::View, &facts_of(&row))?;
        let (id, found) = store::versions::find(self.conn(), row.id, version)?
            .ok_or_else(|| DeskError::NotFound(format!("version {version} of {} not found", row.name)))?;
        let bytes = store::versions::package(self.conn(), id)?;
        if sha256_hex(&bytes) != found.sha256 {
            return Err(DeskError::Storage(format!(
                "package of {version} does not match its SHA-256; the database is damaged"
            )));
        }
        Ok((found, bytes))
    }

    /// Writes a version's package to `out`, byte for byte and atomically.
    /// Never onto the database's own files; an existing file only with
    /// `overwrite`.
    pub fn export_version(
        &self,
        actor: &Actor,
        program: &str,
        version: &str,
        out: &Path,
        overwrite: bool,
    ) -> DeskResult<Version> {
        let (found, bytes) = self.package(actor, program, version)?;
        if self.store.files().iter().any(|own| crate::files::same_file(out, own)) {
            return Err(DeskError::Invalid(format!(
                "'{}' is this database's own file; export to another path",
                path_shown(out)
            )));
        }
        crate::files::write_atomically(out, &bytes, overwrite).map_err(|refusal| match refusal {
            WriteRefusal::Exists => {
                DeskError::Conflict(format!("'{}' already exists; pass --force to replace it", path_shown(out)))
            }
            WriteRefusal::NotRegular => {
                DeskError::Invalid(format!("'{}' exists and is not a regular file", path_shown(out)))
            }
            WriteRefusal::Io(e) => DeskError::Invalid(format!("cannot write '{}': {e}", path_shown(out))),
        })?;
        Ok(found)
    }
}
