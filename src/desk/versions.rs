//! Uploading, listing and exporting versions.

use super::{
    access_of, facts_of, invalid, note_program, resolve_program, Actor, Desk, DeskError, DeskResult, Operation, Page,
    Version,
};
use crate::domain::operation::AuditOp;
use crate::domain::permission::decide;
use crate::domain::remote::{decide_server_file, EXPORT_OVER_SSH, UPLOAD_OVER_SSH};
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
pub enum PackageSource {
    /// A file on this machine (never over SSH: it would be the server's).
    File(PathBuf),
    Bytes(Vec<u8>),
    /// A stream (standard input): read to its end, at most 50 MiB, hashed
    /// as it arrives.
    Stream(Box<dyn Read>),
}

impl std::fmt::Debug for PackageSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::File(path) => f.debug_tuple("File").field(path).finish(),
            Self::Bytes(bytes) => write!(f, "Bytes({} bytes)", bytes.len()),
            Self::Stream(_) => f.write_str("Stream"),
        }
    }
}

/// Where an export goes.
pub enum ExportTarget<'w> {
    /// A file on this machine (never over SSH), replaced only with `overwrite`.
    File { path: &'w Path, overwrite: bool },
    /// A stream (standard output), byte for byte.
    Stream(&'w mut dyn std::io::Write),
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

/// How often a stream being read asks whether its session may still act.
const STILL_ALLOWED_EVERY: std::time::Duration = std::time::Duration::from_millis(250);

/// Reads a stream to its end, refusing it as soon as it passes the limit,
/// and hashes it as it arrives. Every quarter second (a stream that has
/// nothing to give says so with `TimedOut`), `still_allowed` is asked:
/// a person cut off mid-upload is refused then, not after the rest.
fn read_stream(mut stream: impl Read, still_allowed: impl Fn() -> DeskResult<()>) -> DeskResult<(Vec<u8>, String)> {
    let mut bytes = Vec::new();
    let mut hasher = Sha256::new();
    let mut chunk = vec![0u8; 64 * 1024];
    let mut asked = std::time::Instant::now();
    loop {
        if asked.elapsed() >= STILL_ALLOWED_EVERY {
            still_allowed()?;
            asked = std::time::Instant::now();
        }
        let n = match stream.read(&mut chunk) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if matches!(e.kind(), std::io::ErrorKind::Interrupted | std::io::ErrorKind::TimedOut) => continue,
            Err(e) => {
                return Err(DeskError::Invalid(format!("the package could not be read from standard input: {e}")))
            }
        };
        check_size((bytes.len() + n) as u64)?;
        hasher.update(&chunk[..n]);
        bytes.extend_from_slice(&chunk[..n]);
    }
    Ok((bytes, hex(&hasher.finalize())))
}

fn hex(digest: &[u8]) -> String {
    crate::store::chain::hex(digest)
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
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
        let remote = self.is_remote();
        // Read (and hash) the package before taking the write lock: other
        // writers must not wait on this process's disk or network.
        let (package, what) = match package {
            PackageSource::File(path) => (
                decide_server_file(remote, "Upload from a file", UPLOAD_OVER_SSH)
                    .map_err(DeskError::from)
                    .and_then(|()| read_package(&path))
                    .map(|bytes| {
                        let sha256 = sha256_hex(&bytes);
                        (bytes, sha256)
                    }),
                format!("'{}'", path_shown(&path)),
            ),
            PackageSource::Bytes(bytes) => (
                check_size(bytes.len() as u64).map(|()| {
                    let sha256 = sha256_hex(&bytes);
                    (bytes, sha256)
                }),
                "the upload".to_string(),
            ),
            PackageSource::Stream(stream) => (
                read_stream(stream, || self.check_session(self.conn(), AuditOp::ProgramUpload)),
                "standard input".to_string(),
            ),
        };
        let package = package.and_then(|(bytes, sha256)| match validate::package_format(&bytes) {
            Ok(()) => Ok((bytes, sha256)),
            Err(why) => Err(DeskError::Invalid(format!("{what} is {why}"))),
        });
        self.audited(&actor.login, AuditOp::ProgramUpload, |tx, entry, now| {
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

    /// Whether a package may be read from a file where mpdesk runs: never
    /// in an SSH session (it would be the server's file).
    pub fn file_upload(&self) -> Result<(), crate::domain::Denial> {
        decide_server_file(self.is_remote(), "Uploading from the console", UPLOAD_OVER_SSH)
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

    /// Writes a version's package out, byte for byte: to a file (never
    /// one of the database's own, an existing one only with `overwrite`,
    /// atomically; never over SSH) or to a stream. Every export is audited
    /// (`version_export`) before a byte leaves; a file opened read-only
    /// cannot hold the entry, and whoever opened it can copy it anyway.
    pub fn export_version(
        &mut self,
        actor: &Actor,
        program: &str,
        version: &str,
        target: ExportTarget<'_>,
    ) -> DeskResult<Version> {
        if let ExportTarget::File { path, overwrite } = target {
            decide_server_file(self.is_remote(), "Export to a file", EXPORT_OVER_SSH)?;
            // A target refused is refused before anything is recorded or read.
            self.check_export_target(path, overwrite)?;
        }
        let to = match &target {
            ExportTarget::File { path, .. } => format!("'{}'", path_shown(path)),
            ExportTarget::Stream(_) => "standard output".to_string(),
        };
        let announced = self.record_export(actor, program, version, &to)?;
        let (found, bytes) = self.package(actor, program, version)?;
        if found.sha256 != announced.sha256 {
            return Err(DeskError::Conflict(format!("version {version} changed while it was exported; try again")));
        }
        match target {
            ExportTarget::File { path, overwrite } => self.write_export(path, &bytes, overwrite)?,
            ExportTarget::Stream(w) => w
                .write_all(&bytes)
                .and_then(|()| w.flush())
                .map_err(|e| DeskError::Storage(format!("cannot write the package to {to}: {e}")))?,
        }
        Ok(found)
    }

    /// The export's audit entry: who took which version where.
    fn record_export(&mut self, actor: &Actor, program: &str, version: &str, to: &str) -> DeskResult<Version> {
        if self.store_read_only {
            let row = resolve_program(self.conn(), actor, program)?;
            return version_of(self.conn(), &row, version);
        }
        let was_read_only = std::mem::replace(&mut self.read_only, false);
        let result = self.audited(&actor.login, AuditOp::VersionExport, |tx, entry, _now| {
            let row = resolve_program(tx, actor, program)?;
            note_program(entry, &row);
            decide(&access_of(&row, false), Operation::View, &facts_of(&row))?;
            let found = version_of(tx, &row, version)?;
            entry.detail =
                format!("exported {} ({} bytes, sha256 {}) to {to}", found.version, found.size, &found.sha256[..12]);
            Ok(found)
        });
        self.read_only = was_read_only;
        result
    }

    fn check_export_target(&self, out: &Path, overwrite: bool) -> DeskResult<()> {
        if self.store.files().iter().any(|own| crate::files::same_file(out, own)) {
            return Err(DeskError::Invalid(format!(
                "'{}' is this database's own file; export to another path",
                path_shown(out)
            )));
        }
        match std::fs::symlink_metadata(out) {
            Ok(meta) if !meta.is_file() => Err(export_refusal(out, WriteRefusal::NotRegular)),
            Ok(_) if !overwrite => Err(export_refusal(out, WriteRefusal::Exists)),
            _ => Ok(()),
        }
    }

    fn write_export(&self, out: &Path, bytes: &[u8], overwrite: bool) -> DeskResult<()> {
        self.check_export_target(out, overwrite)?;
        crate::files::write_atomically(out, bytes, overwrite).map_err(|refusal| export_refusal(out, refusal))
    }
}

/// A file mpdesk would not (or could not) write, as the one-line error.
pub fn export_refusal(out: &Path, refusal: WriteRefusal) -> DeskError {
    match refusal {
        WriteRefusal::Exists => {
            DeskError::Conflict(format!("'{}' already exists; pass --force to replace it", path_shown(out)))
        }
        WriteRefusal::NotRegular => {
            DeskError::Invalid(format!("'{}' exists and is not a regular file", path_shown(out)))
        }
        WriteRefusal::Io(e) => DeskError::Invalid(format!("cannot write '{}': {e}", path_shown(out))),
    }
}

fn version_of(
    conn: &rusqlite::Connection,
    row: &crate::store::records::ProgramRow,
    version: &str,
) -> DeskResult<Version> {
    store::versions::find(conn, row.id, version)?
        .map(|(_, v)| v)
        .ok_or_else(|| DeskError::NotFound(format!("version {} of {} not found", super::shown(version), row.name)))
}
