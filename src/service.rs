//! A packaged server: the service account `mpdesk` (created by the Debian
//! package), its home `/var/lib/mpdesk`, and the database there. Run as
//! root on such a server, mpdesk becomes that account before it opens
//! anything, so no file it creates there (the database, its `-wal` and
//! `-shm`, the log) is ever root's.

use std::ffi::{CStr, CString};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// The service account's name.
pub const ACCOUNT: &str = "mpdesk";
/// The package's config file (keys and colours of every console served).
pub const CONFIG_FILE: &str = "/etc/mpdesk/config.toml";

/// An account from the password database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    pub name: String,
    pub uid: u32,
    pub gid: u32,
    pub home: PathBuf,
    pub shell: String,
}

impl Account {
    /// The packaged server's database: in the account's home.
    pub fn database(&self) -> PathBuf {
        self.home.join("mpdesk.db")
    }
}

/// `name`'s entry in the password database.
pub fn lookup(name: &str) -> Option<Account> {
    let c_name = CString::new(name).ok()?;
    let mut buf = vec![0 as libc::c_char; 16 * 1024];
    let mut pwd: libc::passwd = unsafe { std::mem::zeroed() };
    let mut result: *mut libc::passwd = std::ptr::null_mut();
    // SAFETY: getpwnam_r writes into the buffers we own, of the sizes given,
    // and sets `result` to null or to `pwd`.
    let rc = unsafe { libc::getpwnam_r(c_name.as_ptr(), &mut pwd, buf.as_mut_ptr(), buf.len(), &mut result) };
    if rc != 0 || result.is_null() || pwd.pw_dir.is_null() || pwd.pw_shell.is_null() {
        return None;
    }
    // SAFETY: the strings point into `buf`, NUL-terminated by getpwnam_r.
    let (dir, shell) = unsafe { (CStr::from_ptr(pwd.pw_dir), CStr::from_ptr(pwd.pw_shell)) };
    Some(Account {
        name: name.to_string(),
        uid: pwd.pw_uid,
        gid: pwd.pw_gid,
        home: PathBuf::from(<std::ffi::OsStr as std::os::unix::ffi::OsStrExt>::from_bytes(dir.to_bytes())),
        shell: shell.to_string_lossy().into_owned(),
    })
}

/// The service account, on a packaged server.
pub fn service_account() -> Option<Account> {
    lookup(ACCOUNT)
}

/// The package's folder of settings (its config file and the replica's).
pub const CONFIG_DIR: &str = "/etc/mpdesk";

/// The service account where mpdesk is really installed as a service: the
/// account exists and so does the package's `/etc/mpdesk` or the account's
/// database (a by-hand install). An `mpdesk` account alone — left behind,
/// or made for something else — is not a server, so root on a laptop keeps
/// its own files.
pub fn installed_service() -> Option<Account> {
    installed(service_account(), |path| path.exists())
}

/// [`installed_service`]'s rule, with what exists asked of `exists`.
pub fn installed(account: Option<Account>, exists: impl Fn(&Path) -> bool) -> Option<Account> {
    account.filter(|account| exists(Path::new(CONFIG_DIR)) || exists(&account.database()))
}

pub fn is_root() -> bool {
    // SAFETY: geteuid cannot fail.
    unsafe { libc::geteuid() == 0 }
}

/// Whether this process is the service account itself.
pub fn is_service_account(account: &Account) -> bool {
    // SAFETY: geteuid cannot fail.
    unsafe { libc::geteuid() == account.uid }
}

/// The database a packaged server keeps, when this process is root or the
/// service account (`None` elsewhere: a person's own default applies).
pub fn packaged_database() -> Option<PathBuf> {
    let account = installed_service()?;
    (is_root() || is_service_account(&account)).then(|| account.database())
}

static INVOKED_BY: OnceLock<String> = OnceLock::new();

/// Who ran mpdesk, when it became the service account since (the
/// operator's name in the log: `root`, not `mpdesk`).
pub fn invoked_by() -> Option<&'static str> {
    INVOKED_BY.get().map(String::as_str)
}

/// Whether a command run as root on a packaged server works on the
/// service account's files (and so becomes the account first): no `--db`,
/// or one inside its home.
pub fn works_on_service_files(account: &Account, db: Option<&Path>) -> bool {
    match db {
        None => true,
        Some(path) => {
            let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
            absolute.starts_with(&account.home)
        }
    }
}

/// Becomes `account` for good: its groups, its group, then its user (in
/// that order — a process that is no longer root cannot change groups).
/// `invoker` is remembered as who ran mpdesk.
pub fn become_account(account: &Account, invoker: &str) -> std::io::Result<()> {
    let _ = INVOKED_BY.set(invoker.to_string());
    let name = CString::new(account.name.as_str()).map_err(std::io::Error::other)?;
    let check = |rc: libc::c_int| if rc == 0 { Ok(()) } else { Err(std::io::Error::last_os_error()) };
    // SAFETY: plain system calls with valid arguments; each result is checked.
    unsafe {
        check(libc::initgroups(name.as_ptr(), account.gid as libc::gid_t))?;
        check(libc::setgid(account.gid))?;
        check(libc::setuid(account.uid))?;
        if libc::geteuid() != account.uid || libc::setuid(0) == 0 {
            return Err(std::io::Error::other("the switch did not hold"));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn root_is_in_the_password_database_and_a_stranger_is_not() {
        let root = lookup("root").expect("root");
        assert_eq!(root.uid, 0);
        assert!(root.home.is_absolute());
        assert!(lookup("no-such-account-here").is_none());
    }

    /// The account as the package makes it.
    fn packaged_account() -> Account {
        Account {
            name: ACCOUNT.into(),
            uid: 999,
            gid: 999,
            home: PathBuf::from("/var/lib/mpdesk"),
            shell: "/bin/sh".into(),
        }
    }

    #[test]
    fn a_database_inside_the_home_is_the_service_accounts() {
        let account = packaged_account();
        assert!(works_on_service_files(&account, None));
        assert!(works_on_service_files(&account, Some(Path::new("/var/lib/mpdesk/mpdesk.db"))));
        assert!(!works_on_service_files(&account, Some(Path::new("/root/mine.db"))));
        assert_eq!(account.database(), PathBuf::from("/var/lib/mpdesk/mpdesk.db"));
    }

    #[test]
    fn an_account_alone_is_not_an_installed_service() {
        let account = packaged_account();
        let with = |present: &'static [&'static str]| {
            installed(Some(account.clone()), move |path: &Path| present.iter().any(|p| Path::new(p) == path))
        };
        assert_eq!(with(&[]), None, "a stray account is not a server");
        assert_eq!(with(&["/etc/mpdesk"]).as_ref(), Some(&account), "the package's settings");
        assert_eq!(with(&["/var/lib/mpdesk/mpdesk.db"]).as_ref(), Some(&account), "a by-hand install's database");
        assert_eq!(installed(None, |_| true), None, "no account, no server");
    }
}
