//! Uploading, listing and exporting versions.

use super::{
    access_of, facts_of, invalid, note_program, resolve_program, Actor, Desk, DeskError, DeskResult, Operation, Page,
    Version,
};
use crate::domain::permission::decide;
use crate::domain::validate::{self, PACKAGE_MAX_BYTES};
use crate::domain::SemVer;
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

fn too_large(size: u64) -> DeskError {
    DeskError::Invalid(format!(
        "package is {:.1} MiB; the limit is {} MiB",
        size as f64 / 1_048_576.0,
        PACKAGE_MAX_BYTES / 1_048_576
    ))
}

/// Reads a package file, refusing one over the limit before reading it all.
fn read_package(path: &Path) -> DeskResult<Vec<u8>> {
    let cannot =
        |e: std::io::Error| DeskError::Invalid(format!("package file '{}' cannot be read: {e}", path.display()));
    let file = std::fs::File::open(path).map_err(cannot)?;
    let meta = file.metadata().map_err(cannot)?;
    if !meta.is_file() {
        return Err(DeskError::Invalid(format!("package file '{}' is not a regular file", path.display())));
    }
    if meta.len() > PACKAGE_MAX_BYTES {
        return Err(too_large(meta.len()));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(PACKAGE_MAX_BYTES + 1).read_to_end(&mut bytes).map_err(cannot)?;
    if bytes.len() as u64 > PACKAGE_MAX_BYTES {
        return Err(too_large(bytes.len() as u64));
    }
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
        self.audited(&actor.login, "program_upload", |tx, entry, now| {
            let row = resolve_program(tx, actor, program)?;
            note_program(entry, &row);
            decide(&access_of(&row, read_only), Operation::Upload, &facts_of(&row))?;
            let parsed = SemVer::parse(version).map_err(invalid)?;
            validate::notes(notes).map_err(invalid)?;
            if let Some(latest) = store::versions::latest(tx, row.id)? {
                let latest_parsed = SemVer::parse(&latest.version).map_err(DeskError::Storage)?;
                if parsed <= latest_parsed {
                    return Err(DeskError::Conflict(format!(
                        "version {version} is not greater than the latest, {}",
                        latest.version
                    )));
                }
            }
            let bytes = match package {
                PackageSource::File(path) => read_package(&path)?,
                PackageSource::Bytes(bytes) if bytes.len() as u64 > PACKAGE_MAX_BYTES => {
                    return Err(too_large(bytes.len() as u64))
                }
                PackageSource::Bytes(bytes) => bytes,
            };
            let sha256 = sha256_hex(&bytes);
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

    /// Writes a version's package to `out`, byte for byte.
    pub fn export_version(&self, actor: &Actor, program: &str, version: &str, out: &Path) -> DeskResult<Version> {
        let (found, bytes) = self.package(actor, program, version)?;
        std::fs::write(out, &bytes)
            .map_err(|e| DeskError::Invalid(format!("cannot write '{}': {e}", out.display())))?;
        Ok(found)
    }
}
