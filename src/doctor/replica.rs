//! The backup replica: what `/etc/mpdesk/litestream.yml` names (read as
//! YAML), whether Litestream, as the service account, can write there, and
//! whether what it holds keeps up with Litestream's own state beside the
//! database — a replica that cannot be written says "replication failing"
//! however healthy the unit looks.

use super::{fail, pass, Check};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

/// The package's Litestream config (a commented example until the operator
/// sets a replica).
const LITESTREAM_CONFIG: &str = "/etc/mpdesk/litestream.yml";
/// How old the newest replicated file may be (Litestream syncs every
/// second; snapshots and retention run less often, but the WAL segments
/// keep coming while anyone writes).
const REPLICA_STALE: Duration = Duration::from_secs(24 * 60 * 60);
/// How far the replica may trail Litestream's local state (it ships about
/// once a second, and retries for a while after a network error).
const REPLICA_BEHIND: Duration = Duration::from_secs(120);
const LOGS: &str = "journalctl -u mpdesk-replicate says why";

pub(super) fn check(database: &Path) -> Check {
    let Ok(text) = std::fs::read_to_string(LITESTREAM_CONFIG) else {
        return pass("backups", format!("no {LITESTREAM_CONFIG}; no replica configured (see README: Backups)"));
    };
    let replicas = match replica_paths(&text) {
        Ok(replicas) => replicas,
        Err(why) => {
            return fail(
                "backups",
                format!("{LITESTREAM_CONFIG} does not read as YAML: {why}"),
                "fix the line it names (README: Backups and a standby server)",
            )
        }
    };
    let Some(first) = replicas.first() else {
        return pass("backups", "no replica configured (optional: README, Backups and a standby server)".to_string());
    };
    let Some(path) = first.strip_prefix("file://").or(Some(first.as_str())).filter(|p| p.starts_with('/')) else {
        return pass("backups", format!("replica {first} (not a local path: its age is not checked here)"));
    };
    local_replica(Path::new(path), &litestream_state(database))
}

/// Where Litestream keeps its own state for `database`: `.NAME-litestream`
/// beside it (0.3 and 0.5 alike).
fn litestream_state(database: &Path) -> PathBuf {
    let name = database.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    database.with_file_name(format!(".{name}-litestream"))
}

fn local_replica(path: &Path, state: &Path) -> Check {
    let account = crate::session::running_as().unwrap_or_else(|| "this account".to_string());
    let make = format!(
        "install -d -o {account} -g {account} -m 0700 {}, then: systemctl restart mpdesk-replicate",
        path.display()
    );
    if !path.exists() {
        let parent = path.ancestors().skip(1).find(|a| a.exists()).unwrap_or(Path::new("/"));
        if !writable(parent) {
            return fail(
                "backups",
                format!(
                    "replication failing: Litestream, as {account}, cannot create {}: {} is not writable by {account}",
                    path.display(),
                    parent.display()
                ),
                &make,
            );
        }
        return fail(
            "backups",
            format!("replica {} holds nothing yet", path.display()),
            "systemctl enable --now mpdesk-replicate",
        );
    }
    if !writable(path) {
        return fail(
            "backups",
            format!(
                "replication failing: {} is not writable by {account}, the account Litestream runs as",
                path.display()
            ),
            &make,
        );
    }
    let Some(newest) = newest_file(path) else {
        return fail(
            "backups",
            format!("replica {} holds nothing yet", path.display()),
            "systemctl enable --now mpdesk-replicate",
        );
    };
    let age = |at: SystemTime| at.elapsed().unwrap_or_default();
    if let Some(local) = newest_file(state).filter(|&local| local > newest + REPLICA_BEHIND) {
        return fail(
            "backups",
            format!(
                "replication failing: Litestream's own state beside the database was written {}s ago, the replica {} only {}s ago",
                age(local).as_secs(),
                path.display(),
                age(newest).as_secs()
            ),
            LOGS,
        );
    }
    if age(newest) > REPLICA_STALE {
        return fail(
            "backups",
            format!("replica {}: the newest file is {}h old", path.display(), age(newest).as_secs() / 3600),
            "systemctl status mpdesk-replicate (is Litestream running?)",
        );
    }
    pass("backups", format!("replica {}, newest file {}s old", path.display(), age(newest).as_secs()))
}

/// Whether this process (the service account, for doctor) may create
/// files in `dir`: the effective IDs, as Litestream would have them.
fn writable(dir: &Path) -> bool {
    use std::os::unix::ffi::OsStrExt;
    let Ok(path) = std::ffi::CString::new(dir.as_os_str().as_bytes()) else { return false };
    // SAFETY: faccessat reads the NUL-terminated path we own.
    unsafe { libc::faccessat(libc::AT_FDCWD, path.as_ptr(), libc::W_OK | libc::X_OK, libc::AT_EACCESS) == 0 }
}

/// The replica paths or URLs a Litestream config names: each database's
/// `replica:` (0.5) or `replicas:` (0.3) entries, their `url:` or `path:`.
pub fn replica_paths(config: &str) -> Result<Vec<String>, String> {
    let docs = yaml_rust2::YamlLoader::load_from_str(config).map_err(|e| e.to_string())?;
    let mut found = Vec::new();
    for db in docs.iter().flat_map(|doc| doc["dbs"].as_vec().into_iter().flatten()) {
        let many = db["replicas"].as_vec().into_iter().flatten();
        let one = Some(&db["replica"]).filter(|r| r.as_hash().is_some());
        for replica in many.chain(one) {
            if let Some(value) = replica["url"].as_str().or(replica["path"].as_str()) {
                found.push(value.to_string());
            }
        }
    }
    Ok(found)
}

fn newest_file(dir: &Path) -> Option<SystemTime> {
    let mut newest: Option<SystemTime> = None;
    let mut stack = vec![dir.to_path_buf()];
    while let Some(path) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&path) else { continue };
        for entry in entries.flatten() {
            let Ok(meta) = entry.metadata() else { continue };
            if meta.is_dir() {
                stack.push(entry.path());
            } else if let Ok(modified) = meta.modified() {
                newest = Some(newest.map_or(modified, |n| n.max(modified)));
            }
        }
    }
    newest
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replicas_are_read_as_yaml_and_comments_are_not_part_of_a_path() {
        let config = "dbs:\n  - path: /var/lib/mpdesk/mpdesk.db\n    replicas:\n      - path: /srv/replica\n#      - url: s3://b\n";
        assert_eq!(replica_paths(config).expect("yaml"), ["/srv/replica"]);
        let single = "dbs:\n  - path: /var/lib/mpdesk/mpdesk.db\n    replica:\n      type: file\n      path: /srv/r   # on another disk\n";
        assert_eq!(replica_paths(single).expect("yaml"), ["/srv/r"], "an inline comment is not the path");
        let shipped = include_str!("../../assets/packaging/litestream.yml");
        assert!(
            replica_paths(shipped).expect("yaml").is_empty(),
            "the package ships no replica: the operator sets one"
        );
        // README's step: remove "# " before the three lines under the folder.
        let opened: String = shipped
            .lines()
            .map(|l| match l.strip_prefix("    # ") {
                Some(rest) if ["replica:", "  type: file", "  path: /var/backups/mpdesk/replica"].contains(&rest) => {
                    format!("    {rest}\n")
                }
                _ => format!("{l}\n"),
            })
            .collect();
        assert_eq!(replica_paths(&opened).expect("yaml"), ["/var/backups/mpdesk/replica"], "{opened}");
        assert!(replica_paths("dbs:\n  - path: /x\n    # replicas:\n    #   - path: /y\n").expect("yaml").is_empty());
        assert!(replica_paths("dbs:\n  - path: [\n").is_err(), "not YAML");
    }

    #[test]
    fn a_replica_folder_nobody_may_create_is_replication_failing() {
        let dir = tempfile::tempdir().expect("dir");
        let state = dir.path().join(".m.db-litestream");
        let check = local_replica(&dir.path().join("replica"), &state);
        assert!(!check.ok && check.detail.contains("holds nothing yet"), "{check:?}");
        std::fs::create_dir(dir.path().join("replica")).expect("mkdir");
        std::fs::write(dir.path().join("replica/0001.ltx"), b"ltx").expect("write");
        let check = local_replica(&dir.path().join("replica"), &state);
        assert!(check.ok, "{check:?}");
        // Litestream's own state moved on long after the replica's newest file.
        std::fs::create_dir(&state).expect("state");
        let later = std::fs::File::create(state.join("0002.ltx")).expect("ltx");
        later.set_modified(SystemTime::now() + Duration::from_secs(600)).expect("mtime");
        let check = local_replica(&dir.path().join("replica"), &state);
        assert!(!check.ok && check.detail.starts_with("replication failing"), "{check:?}");
    }
}
