//! What both front ends (the CLI and the console) need before they start:
//! which database, who is acting. Paths are never guessed: only the
//! default database is created on first use; any other is created on
//! purpose by `mpdesk init`.

use crate::desk::{Desk, DeskError, DeskResult};
use std::path::{Path, PathBuf};

/// The default database: on a packaged server, run as root or as the
/// service account, the service account's (`/var/lib/mpdesk/mpdesk.db`);
/// otherwise mpdesk.db in the platform data directory.
pub fn default_db_path() -> DeskResult<PathBuf> {
    if let Some(path) = crate::service::packaged_database() {
        return Ok(path);
    }
    let dirs = directories::ProjectDirs::from("", "", "mpdesk")
        .ok_or_else(|| DeskError::Invalid("no home directory to keep the database in; pass --db PATH".to_string()))?;
    Ok(dirs.data_dir().join("mpdesk.db"))
}

/// The data directory (for the log), if there is a home.
pub fn data_dir() -> Option<PathBuf> {
    default_db_path().ok().and_then(|p| p.parent().map(Path::to_path_buf))
}

/// How to run this same mpdesk from another terminal in this folder:
/// `mpdesk` when that is what the PATH finds, else its path (relative to
/// here when it is below: `./target/release/mpdesk` after `cargo run`).
pub fn command_here() -> String {
    let Some(exe) = std::env::current_exe().ok().and_then(|e| e.canonicalize().ok()) else {
        return "mpdesk".to_string();
    };
    let on_path = std::env::var_os("PATH").is_some_and(|paths| {
        std::env::split_paths(&paths).any(|dir| dir.join("mpdesk").canonicalize().is_ok_and(|found| found == exe))
    });
    if on_path {
        return "mpdesk".to_string();
    }
    let here = std::env::current_dir().ok().and_then(|d| d.canonicalize().ok());
    match here.as_deref().and_then(|here| exe.strip_prefix(here).ok()) {
        Some(below) => format!("./{}", below.display()),
        None => exe.display().to_string(),
    }
}

/// The command line that runs `rest` on `database` from another terminal
/// here, as the operator (this OS account, no `--user`): `--db` only when
/// the file is not the default one.
pub fn operator_command(database: Option<&Path>, rest: &str) -> String {
    let default = default_db_path().ok();
    let db = match database {
        Some(path) if Some(path) != default.as_deref() => {
            let shown = path.display().to_string();
            format!(" --db {}", shell_words::quote(&shown))
        }
        _ => String::new(),
    };
    format!("{}{db} {rest}", command_here())
}

/// Where a local console keeps its log: beside the packaged database when
/// it works on that one (as the service account), else in the person's own
/// data directory — never in the service's folder on another's behalf
/// (root on its own file would leave a root-owned log there).
pub fn log_dir(database: Option<&Path>) -> Option<PathBuf> {
    let packaged = crate::service::packaged_database();
    match (database, packaged) {
        (Some(db), Some(packaged)) if db != packaged => {
            directories::ProjectDirs::from("", "", "mpdesk").map(|d| d.data_dir().to_path_buf())
        }
        _ => data_dir(),
    }
}

/// The acting login: --user, MPDESK_USER, the login of the OS account
/// (asked of the OS first, so a bare environment still works), or the
/// usual variables.
pub fn acting_login(user: Option<&str>) -> Option<String> {
    user.map(str::to_string)
        .or_else(os_login)
        .or_else(|| std::env::var("USER").ok())
        .or_else(|| std::env::var("LOGNAME").ok())
        .or_else(|| std::env::var("USERNAME").ok())
        .filter(|s| !s.is_empty())
}

/// The name and home folder of the account this process runs as, from
/// the password database — never from `USER` or `HOME`, which an SSH
/// client can send where an operator widened `AcceptEnv`.
fn account() -> Option<(String, PathBuf)> {
    #[cfg(unix)]
    {
        let mut buf = vec![0 as libc::c_char; 4096];
        let mut pwd: libc::passwd = unsafe { std::mem::zeroed() };
        let mut result: *mut libc::passwd = std::ptr::null_mut();
        // SAFETY: getpwuid_r writes into the buffers we own, of the sizes
        // given, and sets `result` to null or to `pwd`.
        let rc = unsafe { libc::getpwuid_r(libc::geteuid(), &mut pwd, buf.as_mut_ptr(), buf.len(), &mut result) };
        if rc != 0 || result.is_null() || pwd.pw_name.is_null() || pwd.pw_dir.is_null() {
            return None;
        }
        // SAFETY: pw_name and pw_dir point into `buf`, NUL-terminated by getpwuid_r.
        let (name, dir) = unsafe { (std::ffi::CStr::from_ptr(pwd.pw_name), std::ffi::CStr::from_ptr(pwd.pw_dir)) };
        let dir = <std::ffi::OsStr as std::os::unix::ffi::OsStrExt>::from_bytes(dir.to_bytes());
        Some((name.to_str().ok()?.to_string(), PathBuf::from(dir)))
    }
    #[cfg(not(unix))]
    None
}

/// The name of the account that ran mpdesk, from the password database
/// (run as root on a packaged server, `root`, though mpdesk became the
/// service account since).
/// The account this process runs as (after a packaged server's root
/// became the service account, that one).
pub fn running_as() -> Option<String> {
    account().map(|(name, _)| name)
}

pub fn os_login() -> Option<String> {
    crate::service::invoked_by().map(str::to_string).or_else(|| account().map(|(name, _)| name))
}

/// Which config file applies, and why (`config path` and the help
/// overlay say it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConfigSource {
    /// `--config PATH` or `MPDESK_CONFIG`.
    Named,
    /// The package's, run as root or the service account where mpdesk is
    /// installed as a service.
    Server,
    /// The person's own, in the platform's config directory (and whether
    /// an installed service here has another, for its operator).
    Own { service_here: bool },
    /// The serving account's own, over SSH where mpdesk is not installed
    /// as a package.
    Account,
}

impl ConfigSource {
    /// Why this file is the one, in a few words.
    pub fn why(self) -> &'static str {
        match self {
            ConfigSource::Named => "named by --config or MPDESK_CONFIG",
            ConfigSource::Server => "the server's: mpdesk is installed as a service here",
            ConfigSource::Own { service_here: false } => "your own: mpdesk is not installed as a service here",
            ConfigSource::Own { service_here: true } => {
                "your own: the service here reads /etc/mpdesk/config.toml for root and the mpdesk account only"
            }
            ConfigSource::Account => "the serving account's own",
        }
    }
}

/// Where the service account keeps mpdesk's files, found through its home
/// in the password database (an SSH session's: nothing the client sends
/// picks a file).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountPaths {
    pub database: PathBuf,
    pub config: PathBuf,
    pub config_source: ConfigSource,
    pub log: PathBuf,
}

pub fn account_paths() -> Option<AccountPaths> {
    let (_, home) = account()?;
    // A packaged server keeps its files where the package put them.
    if let Some(database) = crate::service::packaged_database() {
        let log = database.with_file_name("mpdesk.log");
        let config = PathBuf::from(crate::service::CONFIG_FILE);
        return Some(AccountPaths { database, config, config_source: ConfigSource::Server, log });
    }
    let data = home.join(".local/share/mpdesk");
    Some(AccountPaths {
        database: data.join("mpdesk.db"),
        config: home.join(".config/mpdesk/config.toml"),
        config_source: ConfigSource::Account,
        log: data.join("mpdesk.log"),
    })
}

/// How a local actor came in: `local`, or — when `--user` names someone
/// other than the OS account — `local, --user by OSLOGIN`, so the log
/// tells who really did it.
pub fn local_via(user: Option<&str>) -> String {
    match (user, os_login()) {
        (Some(user), Some(os)) if user != os => format!("local, --user by {os}"),
        (Some(user), None) => format!("local, --user {user} by an unknown account"),
        _ => "local".to_string(),
    }
}

/// The database a command or the console works on: `path`, which must
/// exist, or the default one, created (with its folder) on first use.
pub fn database_path(path: Option<&Path>) -> DeskResult<PathBuf> {
    match path {
        None => default_db_path(),
        Some(path) if path.exists() => Ok(path.to_path_buf()),
        Some(path) => Err(DeskError::NotFound(format!(
            "no database at {}; create one with: mpdesk init --db {}",
            path.display(),
            path.display()
        ))),
    }
}

/// Opens the database for a command or the console (see [`database_path`]).
pub fn open(path: Option<&Path>, read_only: bool) -> DeskResult<(Desk, PathBuf)> {
    let path = database_path(path)?;
    let desk = if read_only { Desk::open_read_only(&path)? } else { Desk::open_or_read(&path)? };
    Ok((desk, path))
}

/// What `mpdesk init` did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Init {
    Created,
    AlreadyThere,
}

/// Creates a new, empty database at `path` on purpose. The folder must
/// exist unless `parents`; an existing mpdesk database is left as it is.
pub fn init(path: &Path, parents: bool) -> DeskResult<Init> {
    if path.exists() {
        Desk::open_read_only(path)?;
        return Ok(Init::AlreadyThere);
    }
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        if !parent.is_dir() {
            if !parents {
                return Err(DeskError::NotFound(format!(
                    "the folder {} does not exist; create it first, or pass --parents",
                    parent.display()
                )));
            }
            std::fs::create_dir_all(parent)
                .map_err(|e| DeskError::Invalid(format!("cannot create {}: {e}", parent.display())))?;
        }
    }
    Desk::open(path)?;
    Ok(Init::Created)
}
