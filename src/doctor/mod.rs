//! `mpdesk doctor`: checks a packaged server the way the things that use it
//! will — the service account as sshd sees it, what sshd will really do for
//! it (`sshd -T`), the binary sshd runs and the folders above it, the
//! database, the config file, key lines that bypass mpdesk, and the backup
//! replica. One line a check, ✓ or ✗ with the fix; exit 1 if any ✗.
//!
//! Run as root it reads what only root may (the shadow file, sshd's host
//! keys) first, then becomes the service account for the rest, so it
//! never leaves a root-owned file beside the database.

mod replica;

use crate::cli::Cli;
use crate::print::{self, Stream};
use crate::service::{self, Account};
use crate::tui::config::ConfigSource;
use serde::Serialize;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

/// The sshd the package configures.
const SSHD: &str = "/usr/sbin/sshd";
/// The shadow file, where a locked account's password starts with `!`.
const SHADOW: &str = "/etc/shadow";

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Check {
    pub check: String,
    pub ok: bool,
    pub detail: String,
    /// What to do, when it failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<String>,
}

pub(super) fn pass(check: &str, detail: String) -> Check {
    Check { check: check.to_string(), ok: true, detail, fix: None }
}

pub(super) fn fail(check: &str, detail: String, fix: &str) -> Check {
    Check { check: check.to_string(), ok: false, detail, fix: Some(fix.to_string()) }
}

/// Runs every check and prints them; the exit code.
pub fn run(cli: &Cli) -> i32 {
    let checks = checks(cli);
    let failed = checks.iter().any(|c| !c.ok);
    let printed = if cli.output_format().json() {
        print::json(Stream::Out, &checks, false)
    } else {
        let lines: Vec<String> = checks
            .iter()
            .map(|c| match &c.fix {
                None => format!("✓ {}: {}", c.check, c.detail),
                Some(fix) => format!("✗ {}: {} — fix: {fix}", c.check, c.detail),
            })
            .collect();
        print::text(Stream::Out, &lines.join("\n"))
    };
    match (printed, failed) {
        (Err(_), _) | (_, true) => 1,
        (Ok(()), false) => 0,
    }
}

fn checks(cli: &Cli) -> Vec<Check> {
    let Some(account) = service::service_account() else {
        return vec![fail(
            "account",
            format!("there is no {} account", service::ACCOUNT),
            "install the mpdesk package (it creates the account), or: adduser --system --group --home /var/lib/mpdesk --shell /bin/sh mpdesk",
        )];
    };
    let mut checks = vec![account_check(&account), sshd_check(), binary_check()];
    if service::is_root() {
        let invoker = crate::session::os_login().unwrap_or_else(|| "root".to_string());
        if let Err(error) = service::become_account(&account, &invoker) {
            checks.push(fail("switch", format!("cannot become {}: {error}", account.name), "run doctor as root"));
            return checks;
        }
    }
    let database = cli.db().unwrap_or_else(|| account.database());
    checks.push(database_check(&database, &account));
    checks.push(removed_files_check(&database));
    checks.push(config_check(cli));
    checks.push(stray_keys_check(&account));
    checks.push(replica::check(&database));
    checks
}

/// The account sshd will let in: a shell that runs forced commands, a
/// password field that does not lock it.
fn account_check(account: &Account) -> Check {
    let shell = Path::new(&account.shell);
    let usable = shell.is_file()
        && std::fs::metadata(shell).is_ok_and(|m| m.mode() & 0o111 != 0)
        && !account.shell.ends_with("nologin")
        && !account.shell.ends_with("/false");
    if !usable {
        return fail(
            "account",
            format!("{}'s shell is {}: sshd runs forced commands through it", account.name, account.shell),
            &format!("usermod -s /bin/sh {}", account.name),
        );
    }
    let locked = match std::fs::read_to_string(SHADOW) {
        Err(_) => return fail("account", format!("cannot read {SHADOW}"), "run doctor as root"),
        Ok(shadow) => shadow
            .lines()
            .find_map(|l| l.strip_prefix(&format!("{}:", account.name)))
            .is_some_and(|rest| rest.starts_with('!')),
    };
    if locked {
        return fail(
            "account",
            format!(
                "{} is locked in {SHADOW} (its password starts with !): sshd refuses it when UsePAM is no",
                account.name
            ),
            &format!("usermod -p '*' {}", account.name),
        );
    }
    pass("account", format!("{} (home {}, shell {}), not locked", account.name, account.home.display(), account.shell))
}

/// What `sshd -T` says it will do for the account.
fn sshd_check() -> Check {
    let probe = format!("user={},host=localhost,addr=127.0.0.1", service::ACCOUNT);
    let output = std::process::Command::new(SSHD).args(["-T", "-C", &probe]).output();
    let output = match output {
        Ok(output) if output.status.success() => output,
        Ok(output) => {
            let why = String::from_utf8_lossy(&output.stderr);
            return fail(
                "sshd",
                format!("sshd -T fails: {}", why.trim()),
                "fix what sshd -t says, then: systemctl reload ssh",
            );
        }
        Err(error) => return fail("sshd", format!("cannot run {SSHD}: {error}"), "apt-get install openssh-server"),
    };
    let settings = String::from_utf8_lossy(&output.stdout).into_owned();
    let exe = std::env::current_exe().ok().and_then(|p| p.canonicalize().ok()).unwrap_or_default();
    match sshd_problems(&settings, &exe) {
        problems if problems.is_empty() => pass(
            "sshd",
            format!("keys for {} come from {} ssh keys-command; no keys file, tty allowed, forwarding off, a connection with no session closed", service::ACCOUNT, exe.display()),
        ),
        problems => fail(
            "sshd",
            problems.join("; "),
            "keep /etc/ssh/sshd_config.d/50-mpdesk.conf as the package installed it (it ends with Match all), then: sshd -t && systemctl reload ssh",
        ),
    }
}

/// What is wrong in `sshd -T`'s settings for the service account.
pub fn sshd_problems(settings: &str, exe: &Path) -> Vec<String> {
    let value = |key: &str| {
        settings.lines().find_map(|l| l.split_once(' ').filter(|(k, _)| *k == key).map(|(_, v)| v.to_string()))
    };
    let mut problems = Vec::new();
    match value("authorizedkeyscommand") {
        Some(command)
            if command.split_whitespace().next() == Some(&exe.to_string_lossy())
                && command.contains("ssh keys-command") => {}
        Some(command) => {
            problems.push(format!("AuthorizedKeysCommand is {command}, not this mpdesk ({})", exe.display()))
        }
        None => problems.push("no AuthorizedKeysCommand".to_string()),
    }
    let expected = [
        ("authorizedkeyscommanduser", service::ACCOUNT),
        ("authorizedkeysfile", "none"),
        ("permittty", "yes"),
        ("passwordauthentication", "no"),
        ("kbdinteractiveauthentication", "no"),
        ("permituserenvironment", "no"),
    ];
    for (key, want) in expected {
        match value(key) {
            Some(got) if got == want => {}
            got => problems.push(format!("{key} is {}, not {want}", got.unwrap_or_else(|| "unset".to_string()))),
        }
    }
    // No forced command runs for a connection that opens no session
    // (`ssh -N`): only this timeout ends it.
    if value("unusedconnectiontimeout").is_none_or(|v| v == "none" || v == "0") {
        problems.push("UnusedConnectionTimeout is none: an `ssh -N` connection stays logged in, unlisted".to_string());
    }
    // DisableForwarding overrides every kind of forwarding; without it,
    // each must be off.
    if value("disableforwarding").as_deref() != Some("yes") {
        let on: Vec<String> =
            ["allowtcpforwarding", "allowagentforwarding", "x11forwarding", "allowstreamlocalforwarding"]
                .into_iter()
                .filter_map(|key| value(key).filter(|v| v != "no").map(|v| format!("{key} {v}")))
                .collect();
        if !on.is_empty() {
            problems.push(format!("forwarding is on ({})", on.join(", ")));
        }
    }
    // A client's environment is data mpdesk ignores; still, nothing beyond
    // the locale should be accepted.
    let accepted: Vec<String> =
        settings.lines().filter_map(|l| l.strip_prefix("acceptenv ")).map(str::to_string).collect();
    let loader: Vec<&String> = accepted.iter().filter(|v| LOADER.iter().any(|name| sshd_matches(v, name))).collect();
    let wide: Vec<&String> =
        accepted.iter().filter(|v| !matches!(v.as_str(), "LANG" | "LC_*") && !loader.contains(v)).collect();
    if !loader.is_empty() {
        problems.push(format!(
            "AcceptEnv {} passes LD_* to the loader: a client's LD_PRELOAD would run its code as {} before mpdesk starts",
            loader.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(" "),
            service::ACCOUNT
        ));
    }
    if !wide.is_empty() {
        problems.push(format!(
            "AcceptEnv lets clients send {}",
            wide.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(" ")
        ));
    }
    problems
}

/// Variables the dynamic loader reads before any program's own code runs.
const LOADER: [&str; 4] = ["LD_PRELOAD", "LD_LIBRARY_PATH", "LD_AUDIT", "LD_DEBUG_OUTPUT"];

/// Whether an sshd pattern (`*` any run, `?` one character) matches `name`.
fn sshd_matches(pattern: &str, name: &str) -> bool {
    let mut pattern_chars = pattern.chars();
    match pattern_chars.next() {
        None => name.is_empty(),
        Some('*') => {
            let rest = pattern_chars.as_str();
            name.char_indices().map(|(i, _)| i).chain([name.len()]).any(|i| sshd_matches(rest, &name[i..]))
        }
        Some(first) => {
            let mut chars = name.chars();
            match chars.next() {
                Some(c) if first == '?' || c == first => sshd_matches(pattern_chars.as_str(), chars.as_str()),
                _ => false,
            }
        }
    }
}

/// sshd runs the keys command only if it and every folder above it are
/// root's and not writable by group or others.
fn binary_check() -> Check {
    let Ok(exe) = std::env::current_exe().and_then(|p| p.canonicalize()) else {
        return fail("binary", "cannot find this program's own path".to_string(), "run /usr/bin/mpdesk doctor");
    };
    for path in exe.ancestors() {
        let Ok(meta) = std::fs::metadata(path) else { continue };
        if meta.uid() != 0 || meta.mode() & 0o022 != 0 {
            return fail(
                "binary",
                format!(
                    "{} is owned by uid {} with mode {:o}: sshd refuses a keys command there",
                    path.display(),
                    meta.uid(),
                    meta.mode() & 0o7777
                ),
                &format!("chown root {} && chmod go-w {}", path.display(), path.display()),
            );
        }
    }
    pass("binary", format!("{} and every folder above it are root's, not group or other writable", exe.display()))
}

/// The database: the account's, private, in WAL mode, whole, current.
fn database_check(path: &Path, account: &Account) -> Check {
    let meta = match std::fs::metadata(path) {
        Ok(meta) => meta,
        Err(_) => {
            return fail(
                "database",
                format!("no database at {}", path.display()),
                "mpdesk setup --owner LOGIN --name 'THEIR NAME' --key FILE --workspace NAME",
            )
        }
    };
    if meta.uid() != account.uid {
        return fail(
            "database",
            format!("{} is owned by uid {}, not by {} (uid {})", path.display(), meta.uid(), account.name, account.uid),
            &format!("chown {}: {} && chmod 600 {}", account.name, path.display(), path.display()),
        );
    }
    if meta.mode() & 0o777 != 0o600 {
        return fail(
            "database",
            format!(
                "{} is {}'s, as it should be, but has mode {:o}: other accounts may read it",
                path.display(),
                account.name,
                meta.mode() & 0o777
            ),
            &format!("chmod 600 {}", path.display()),
        );
    }
    match crate::store::health(path) {
        Ok(health) if health.problems.is_empty() && health.wal && health.schema == health.schema_known => pass(
            "database",
            format!("{} ({}, mode 600, WAL, quick_check ok, schema {})", path.display(), account.name, health.schema),
        ),
        Ok(health) => fail(
            "database",
            format!(
                "{}: WAL {}, schema {} of {}, {}",
                path.display(),
                if health.wal { "on" } else { "off" },
                health.schema,
                health.schema_known,
                if health.problems.is_empty() { "quick_check ok".to_string() } else { health.problems.join("; ") }
            ),
            "open it once with this mpdesk (it migrates); if quick_check fails, restore the newest backup",
        ),
        Err(error) => {
            fail("database", error.to_string(), "restore the newest backup (README: Backups and a standby server)")
        }
    }
}

/// Processes still on a `-wal` or `-shm` another program removed: their
/// writes go where no other process reads (mpdesk's own reopen at their
/// next wake; one that stays is stuck).
fn removed_files_check(database: &Path) -> Check {
    let database = std::path::absolute(database).unwrap_or_else(|_| database.to_path_buf());
    let files: Vec<PathBuf> =
        ["-wal", "-shm"].iter().map(|suffix| crate::held_files::beside(&database, suffix)).collect();
    let stuck = crate::process::on_removed_files(&files);
    if stuck.is_empty() {
        return pass("open files", format!("no process has a removed -wal or -shm of {} open", database.display()));
    }
    let each: Vec<String> =
        stuck.iter().map(|p| format!("PID {} ({}) has {} open, removed", p.pid, p.command, p.file.display())).collect();
    fail(
        "open files",
        format!("{}: what it writes there no other process reads", each.join("; ")),
        "an mpdesk console reopens the file within a second of its next wake; end one that stays: kill PID (`mpdesk ssh sessions` names its person), and never delete -wal or -shm by hand",
    )
}

fn config_check(cli: &Cli) -> Check {
    let (path, source) = match cli.config_file() {
        Some(named) => (named, ConfigSource::Named),
        None => (PathBuf::from(service::CONFIG_FILE), ConfigSource::Server),
    };
    match crate::tui::config::load_file(&path, source, None) {
        Ok(_) => pass("config", format!("{} reads", path.display())),
        Err(error) => {
            fail("config", error.to_string(), "fix the line it names (mpdesk config default shows every setting)")
        }
    }
}

/// Key lines in the account's authorized_keys files that are not mpdesk's:
/// each is a way into the account with no mpdesk in between.
fn stray_keys_check(account: &Account) -> Check {
    let mut found = Vec::new();
    for name in ["authorized_keys", "authorized_keys2"] {
        let path = account.home.join(".ssh").join(name);
        let Ok(text) = std::fs::read_to_string(&path) else { continue };
        for (line, _) in crate::desk::keys::foreign_key_lines(&text) {
            found.push(format!("{}:{line}", path.display()));
        }
    }
    if found.is_empty() {
        pass("keys", format!("no key line outside mpdesk's in {}/.ssh", account.home.display()))
    } else {
        fail(
            "keys",
            format!("key lines that bypass mpdesk: {}", found.join(", ")),
            "remove them (or run mpdesk ssh authorized-keys --write, which names them)",
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sshd_settings_are_read_as_sshd_prints_them() {
        let exe = Path::new("/usr/bin/mpdesk");
        let good = "authorizedkeyscommand /usr/bin/mpdesk --db /var/lib/mpdesk/mpdesk.db ssh keys-command %u %t %k\n\
            authorizedkeyscommanduser mpdesk\nauthorizedkeysfile none\npermittty yes\npasswordauthentication no\n\
            kbdinteractiveauthentication no\nallowtcpforwarding yes\ndisableforwarding yes\n\
            permituserenvironment no\nacceptenv LANG\nacceptenv LC_*\nunusedconnectiontimeout 10\n";
        assert!(sshd_problems(good, exe).is_empty(), "{:?}", sshd_problems(good, exe));
        let bad = good
            .replace("authorizedkeysfile none", "authorizedkeysfile .ssh/authorized_keys")
            .replace("acceptenv LANG", "acceptenv XDG_*")
            .replace("disableforwarding yes", "disableforwarding no");
        let problems = sshd_problems(&bad, exe);
        assert_eq!(problems.len(), 3, "{problems:?}");
        assert!(problems.iter().any(|p| p.contains("allowtcpforwarding yes")), "{problems:?}");
        assert!(problems.iter().any(|p| p.contains("XDG_*")));
        assert!(!sshd_problems(good, Path::new("/usr/local/bin/mpdesk")).is_empty(), "another binary");
        for pattern in ["*", "LD_*", "L?_PRELOAD", "*PRELOAD"] {
            let problems = sshd_problems(&good.replace("acceptenv LANG", &format!("acceptenv {pattern}")), exe);
            assert!(
                problems.len() == 1 && problems[0].contains("LD_PRELOAD would run its code"),
                "{pattern}: {problems:?}"
            );
        }
        let safe = good.replace("acceptenv LANG", "acceptenv LANGUAGE");
        assert!(!sshd_problems(&safe, exe).iter().any(|p| p.contains("LD_")), "LANGUAGE passes no LD_*");
        let open = good.replace("unusedconnectiontimeout 10", "unusedconnectiontimeout none");
        assert!(sshd_problems(&open, exe).iter().any(|p| p.contains("ssh -N")), "{:?}", sshd_problems(&open, exe));
    }
}
