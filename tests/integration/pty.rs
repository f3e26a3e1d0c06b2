//! End to end: the built binary in a pseudo-terminal, its screen parsed by
//! vt100. Waits on screen content with a deadline (never fixed sleeps) and
//! dumps the screen when a wait times out.

use mpdesk::desk::{Desk, Page};
use portable_pty::{native_pty_system, CommandBuilder, PtySize};
use std::io::{Read, Write};
use std::num::NonZeroU16;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const DEADLINE: Duration = Duration::from_secs(15);

/// The most cells a side of the screen a test reads back.
const VIEWED: u16 = 800;

pub struct Console {
    parser: Arc<Mutex<vt100::Parser>>,
    /// Every byte the program wrote to its terminal, counted.
    written: Arc<std::sync::atomic::AtomicUsize>,
    writer: Box<dyn Write + Send>,
    child: Box<dyn portable_pty::Child + Send + Sync>,
    master: Box<dyn portable_pty::MasterPty + Send>,
}

impl Console {
    pub fn start(args: &[&str], data_home: &std::path::Path) -> Self {
        Self::start_program(env!("CARGO_BIN_EXE_mpdesk"), args, data_home)
    }

    /// Any program (mpdesk, or ssh to it) in a 100×30 terminal.
    pub fn start_program(program: &str, args: &[&str], data_home: &std::path::Path) -> Self {
        Self::start_with(program, args, data_home, &[("TERM", Some("xterm-256color"))])
    }

    /// With these environment variables set (or, with `None`, removed).
    /// The config and data folders are `data_home`, whatever this machine's are.
    pub fn start_with(program: &str, args: &[&str], data_home: &std::path::Path, env: &[(&str, Option<&str>)]) -> Self {
        let pair = native_pty_system()
            .openpty(PtySize { rows: 30, cols: 100, pixel_width: 0, pixel_height: 0 })
            .expect("open a pty");
        let mut cmd = CommandBuilder::new(program);
        cmd.args(args);
        cmd.env("XDG_DATA_HOME", data_home);
        cmd.env("XDG_CONFIG_HOME", data_home);
        cmd.env_remove("NO_COLOR");
        cmd.env_remove("COLORTERM");
        cmd.env_remove("MPDESK_CONFIG");
        for (name, value) in env {
            match value {
                Some(value) => cmd.env(name, value),
                None => cmd.env_remove(name),
            }
        }
        let child = pair.slave.spawn_command(cmd).expect("spawn mpdesk");
        drop(pair.slave);
        let mut reader = pair.master.try_clone_reader().expect("reader");
        let writer = pair.master.take_writer().expect("writer");
        let parser = Arc::new(Mutex::new(vt100::Parser::new(
            NonZeroU16::new(30).expect("rows"),
            NonZeroU16::new(100).expect("cols"),
            0,
        )));
        let sink = parser.clone();
        let written = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let counter = written.clone();
        let master = pair.master;
        std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                if let Ok(mut parser) = sink.lock() {
                    parser.process(&buf[..n]);
                }
                counter.fetch_add(n, std::sync::atomic::Ordering::SeqCst);
            }
        });
        Self { parser, written, child, writer, master }
    }

    /// Tells the program its window is now `cols` × `rows` (as a client's
    /// terminal would). The screen read back is the window's top-left
    /// corner, at most [`VIEWED`] cells a side: no terminal emulator keeps
    /// 65535² cells either.
    pub fn resize(&self, cols: u16, rows: u16) {
        if let Ok(mut parser) = self.parser.lock() {
            let side = |n: u16| NonZeroU16::new(n.min(VIEWED)).expect("a size");
            parser.screen_mut().set_size(side(rows), side(cols));
        }
        self.master.resize(PtySize { rows, cols, pixel_width: 0, pixel_height: 0 }).expect("resize the pty");
    }

    /// Waits until the screen's bottom row shows something: a window
    /// resized to this screen's size has been drawn in full.
    pub fn wait_for_bottom_row(&self) {
        let start = Instant::now();
        while start.elapsed() < DEADLINE {
            if self.screen().lines().count()
                >= self.parser.lock().map(|p| p.screen().size().0.get() as usize).unwrap_or(0)
            {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        panic!("timed out waiting for the bottom row; the screen was:\n{}", self.screen());
    }

    /// The program's resident memory, in KiB, from /proc.
    pub fn resident_kib(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.process_id())).expect("status");
        let line = status.lines().find(|l| l.starts_with("VmRSS:")).expect("VmRSS");
        line.split_whitespace().nth(1).and_then(|n| n.parse().ok()).expect("a number")
    }

    /// How many bytes the program has written to its terminal so far.
    pub fn bytes_written(&self) -> usize {
        self.written.load(std::sync::atomic::Ordering::SeqCst)
    }

    pub fn process_id(&self) -> u32 {
        self.child.process_id().expect("a running child has an id")
    }

    /// The foreground colour of every cell on screen that has one.
    pub fn colors(&self) -> Vec<vt100::Color> {
        let Ok(parser) = self.parser.lock() else { return Vec::new() };
        let screen = parser.screen();
        let (rows, cols) = screen.size();
        let (rows, cols) = (rows.get(), cols.get());
        (0..rows)
            .flat_map(|r| (0..cols).map(move |c| (r, c)))
            .filter_map(|(r, c)| screen.cell(r, c).map(|cell| cell.fgcolor()))
            .filter(|c| *c != vt100::Color::Default)
            .collect()
    }

    /// Whether the first cell of `text` on screen is drawn dim.
    pub fn is_dimmed(&self, text: &str) -> bool {
        let Ok(parser) = self.parser.lock() else { return false };
        let screen = parser.screen();
        for (row, line) in screen.contents().lines().enumerate() {
            if let Some(at) = line.find(text) {
                let column = unicode_width::UnicodeWidthStr::width(&line[..at]) as u16;
                return screen.cell(row as u16, column).is_some_and(|c| c.dim());
            }
        }
        panic!("{text:?} is not on the screen:\n{}", screen.contents());
    }

    pub fn screen(&self) -> String {
        self.parser.lock().map(|p| p.screen().contents()).unwrap_or_default()
    }

    pub fn wait_for(&self, text: &str) {
        let start = Instant::now();
        while start.elapsed() < DEADLINE {
            if self.screen().contains(text) {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        panic!("timed out waiting for {text:?}; the screen was:\n{}", self.screen());
    }

    /// Waits until `text` is no longer on the screen.
    pub fn wait_gone(&self, text: &str) {
        let start = Instant::now();
        while start.elapsed() < DEADLINE {
            if !self.screen().contains(text) {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        panic!("timed out waiting for {text:?} to go; the screen was:\n{}", self.screen());
    }

    /// Waits for a screen line that contains every one of `parts`.
    pub fn wait_for_line(&self, parts: &[&str], within: Duration) -> Duration {
        let start = Instant::now();
        while start.elapsed() < within {
            if self.screen().lines().any(|l| parts.iter().all(|p| l.contains(p))) {
                return start.elapsed();
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        panic!("no line with {parts:?} within {within:?}; the screen was:\n{}", self.screen());
    }

    pub fn keys(&mut self, keys: &str) {
        self.writer.write_all(keys.as_bytes()).expect("type");
        self.writer.flush().expect("flush");
    }

    /// Types `keys`, failing (and killing the program) if it has not read
    /// them all within `within`: a program that stops reading its terminal
    /// would otherwise hang the test in the write.
    pub fn keys_within(&mut self, keys: &str, within: Duration) {
        let (done, finished) = std::sync::mpsc::channel();
        let mut writer = std::mem::replace(&mut self.writer, Box::new(std::io::sink()));
        let keys = keys.to_string();
        // A thread of its own, left behind if the write never ends.
        std::thread::spawn(move || {
            let written = writer.write_all(keys.as_bytes()).and_then(|()| writer.flush());
            let _ = done.send((written.is_ok(), writer));
        });
        match finished.recv_timeout(within) {
            Ok((true, writer)) => self.writer = writer,
            _ => {
                let _ = self.child.kill();
                panic!("the program did not read the keys within {within:?}; the screen was:\n{}", self.screen());
            }
        }
    }

    /// Waits for the program to end on its own; returns its exit code and
    /// how long it took.
    pub fn wait_for_exit(&mut self, within: Duration) -> (u32, Duration) {
        let start = Instant::now();
        while start.elapsed() < within {
            if let Ok(Some(status)) = self.child.try_wait() {
                return (status.exit_code(), start.elapsed());
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        panic!("still running after {within:?}; the screen was:\n{}", self.screen());
    }

    pub fn wait_exit(&mut self) {
        let start = Instant::now();
        while start.elapsed() < DEADLINE {
            if let Ok(Some(status)) = self.child.try_wait() {
                assert!(status.success(), "mpdesk exited with {status:?}:\n{}", self.screen());
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        panic!("mpdesk did not exit; the screen was:\n{}", self.screen());
    }
}

#[test]
fn demo_walkthrough_in_a_real_terminal() {
    let home = tempfile::tempdir().expect("dir");
    let mut console = Console::start(&["--demo", "--keep"], home.path());
    console.wait_for("olivia (Owner)");
    console.wait_for("Coffee Club");
    console.keys("j");
    console.wait_for("Name         Loyalty Card");
    console.keys("k");
    console.wait_for("Name         Coffee Club");

    // As a Developer, release is dimmed: pressing it explains why.
    console.keys("p");
    console.wait_for("Switch persona");
    console.keys("dana\r");
    console.wait_for("dana (Developer)");
    console.keys("r");
    console.wait_for("Release needs the mini program Admin role");

    // Back to the Owner: add nora through the dialog.
    console.keys("p");
    console.wait_for("Switch persona");
    console.keys("olivia\r");
    console.wait_for("olivia (Owner)");
    console.keys("a");
    console.wait_for("Add members to Coffee Club");
    console.keys(" \r");
    console.wait_for("added nora (Developer)");
    console.wait_for("Members (5)");

    // Step 7: the database's path is in the help overlay; a second process
    // joins it while the console stays open.
    console.keys("?");
    console.wait_for("Database");
    let screen = console.screen();
    let line = screen.lines().find(|l| l.contains("Database ")).expect("the database line");
    let shown =
        line.split("Database").nth(1).and_then(|rest| rest.split_whitespace().next()).expect("a path").to_string();
    console.keys("?");
    console.wait_for("Press ? for every action");
    console.keys("2");
    console.wait_for("Members of Acme Mini Apps");
    console.keys("i");
    console.wait_for("Invite to Acme Mini Apps");
    console.keys("eve\r");
    // Wait for the status the invitation's commit sets: a line with "eve"
    // and "invited" is already on screen in the dialog ("Developer").
    console.wait_for("invited eve as Developer");
    let accepted = mpdesk(std::path::Path::new(&shown), "eve", &["invitation", "accept", "Acme Mini Apps"]);
    assert!(accepted.status.success(), "{shown}: {}", String::from_utf8_lossy(&accepted.stderr));
    console.wait_for_line(&["eve", "Eve Stone", "active"], DEADLINE);

    console.keys("q");
    console.wait_exit();
    console.wait_for("kept the demo database at");
    let screen = console.screen();
    let line = screen.lines().find(|l| l.contains("kept the demo database at")).expect("the path line");
    let path = std::path::PathBuf::from(line.trim().trim_start_matches("kept the demo database at ").trim());

    let desk = Desk::open(&path).expect("the kept database opens");
    let olivia = desk.actor("olivia").expect("olivia");
    let members = desk.list_members(&olivia, "Coffee Club", Page::ALL).expect("members");
    assert!(members.iter().any(|m| m.login == "nora"), "nora was added through the console");
    if let Some(dir) = path.parent() {
        let _ = std::fs::remove_dir_all(dir);
    }
}

pub(crate) fn mpdesk(db: &std::path::Path, user: &str, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_mpdesk"))
        .arg("--db")
        .arg(db)
        .arg("--user")
        .arg(user)
        .args(args)
        .output()
        .expect("run mpdesk")
}

/// olivia's console on a demo database that other processes also open.
pub(crate) fn olivia_on_a_shared_demo(home: &std::path::Path) -> (Console, std::path::PathBuf) {
    let db = home.join("shared.db");
    assert!(mpdesk(&db, "olivia", &["init"]).status.success());
    assert!(mpdesk(&db, "olivia", &["demo-data"]).status.success());
    let db_arg = db.to_str().expect("utf8").to_string();
    (Console::start(&["--db", &db_arg, "--user", "olivia"], home), db)
}

#[test]
fn an_invitation_accepted_elsewhere_shows_up_within_a_second() {
    let home = tempfile::tempdir().expect("dir");
    let (mut console, db) = olivia_on_a_shared_demo(home.path());
    console.wait_for("olivia (Owner)");
    console.keys("2");
    console.wait_for("Members of Acme Mini Apps");
    console.keys("i");
    console.wait_for("Invite to Acme Mini Apps");
    console.keys("eve\r");
    console.wait_for_line(&["eve", "invited", "expires in 2d 23h"], DEADLINE);

    // A second process, as eve, accepts.
    let accepted = mpdesk(&db, "eve", &["invitation", "accept", "Acme Mini Apps"]);
    assert!(accepted.status.success(), "{}", String::from_utf8_lossy(&accepted.stderr));
    let took = console.wait_for_line(&["eve", "Eve Stone", "active"], Duration::from_millis(1500));
    assert!(took <= Duration::from_millis(1500), "shown as active after {took:?}");
    console.keys("q");
    console.wait_exit();
}

/// An idle console sleeps: no byte to its terminal, no look at the
/// database, until the database's files are written. It waits on an
/// inotify watch, and another process's commit reaches its screen.
#[test]
fn an_idle_console_writes_nothing_and_wakes_on_another_process_commit() {
    let home = tempfile::tempdir().expect("dir");
    let (mut console, db) = olivia_on_a_shared_demo(home.path());
    console.wait_for("Details");
    let fds = std::fs::read_dir(format!("/proc/{}/fd", console.process_id())).expect("fds");
    let watches = fds.flatten().filter_map(|fd| std::fs::read_link(fd.path()).ok());
    assert!(watches.into_iter().any(|l| l.to_string_lossy().contains("inotify")), "no inotify watch");
    // Not across a minute's turn (a countdown may redraw then).
    let second = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).expect("clock").as_secs() % 60;
    if second >= 57 {
        std::thread::sleep(Duration::from_secs(61 - second));
    }
    std::thread::sleep(Duration::from_millis(300));
    let before = console.bytes_written();
    std::thread::sleep(Duration::from_secs(2));
    assert_eq!(console.bytes_written(), before, "an idle console wrote to its terminal");

    let created = mpdesk(&db, "olivia", &["program", "create", "Acme Mini Apps", "Aardvark From Elsewhere"]);
    assert!(created.status.success(), "{}", String::from_utf8_lossy(&created.stderr));
    console.wait_for_line(&["Aardvark From Elsewhere"], Duration::from_millis(1500));
    console.keys("q");
    console.wait_exit();
}

/// An end that comes while a console is open: dana's membership of Coffee
/// Club ends three seconds after olivia sets it, from another process, and
/// within a second of that instant it is gone from her screen (no key
/// pressed, no job run), with one entry in the log.
#[test]
fn an_end_that_comes_while_the_console_is_open_takes_the_program_away_within_a_second() {
    let home = tempfile::tempdir().expect("dir");
    let db = home.path().join("shared.db");
    assert!(mpdesk(&db, "olivia", &["init"]).status.success());
    assert!(mpdesk(&db, "olivia", &["demo-data"]).status.success());
    let db_arg = db.to_str().expect("utf8").to_string();
    let mut console = Console::start(&["--db", &db_arg, "--user", "dana"], home.path());
    console.wait_for("dana (Developer)");
    console.wait_for("Coffee Club");
    let set = mpdesk(&db, "olivia", &["--json", "member", "expire", "Coffee Club", "dana", "3s"]);
    assert!(set.status.success(), "{}", String::from_utf8_lossy(&set.stderr));
    let answer: serde_json::Value = serde_json::from_slice(&set.stdout).expect("json");
    let end = answer["expires_at"].as_str().expect("an end").to_string();
    let end = time::OffsetDateTime::parse(&end, &time::format_description::well_known::Rfc3339).expect("time");
    console.wait_gone("Coffee Club");
    let late = time::OffsetDateTime::now_utc() - end;
    assert!(late <= time::Duration::milliseconds(1200), "gone {late} after its end");
    let log = mpdesk(&db, "olivia", &["--json", "audit", "--limit", "5"]);
    let log: serde_json::Value = serde_json::from_slice(&log.stdout).expect("json");
    let ended: Vec<&serde_json::Value> =
        log.as_array().expect("rows").iter().filter(|e| e["operation"] == "membership_expired").collect();
    assert_eq!(ended.len(), 1, "{log}");
    assert_eq!(ended[0]["actor"], "system");
    console.keys("q");
    console.wait_exit();
}

/// What `z` would take back is looked up just after the first frame, not
/// before it: the hint comes on by itself, no key pressed — for olivia,
/// whose edit a moment ago is hers to take back, not for dana.
#[test]
fn the_undo_hint_comes_on_after_the_first_frame_without_a_key() {
    let home = tempfile::tempdir().expect("dir");
    let db = home.path().join("shared.db");
    assert!(mpdesk(&db, "olivia", &["init"]).status.success());
    assert!(mpdesk(&db, "olivia", &["demo-data"]).status.success());
    let edited = mpdesk(&db, "olivia", &["program", "edit", "Parking Pass", "--description", "Book a spot."]);
    assert!(edited.status.success(), "{}", String::from_utf8_lossy(&edited.stderr));
    let db_arg = db.to_str().expect("utf8").to_string();
    for (login, undoable) in [("olivia", true), ("dana", false)] {
        let mut console = Console::start(&["--db", &db_arg, "--user", login], home.path());
        console.wait_for("Details");
        console.wait_for("z undo");
        let start = Instant::now();
        while console.is_dimmed("z undo") == undoable && start.elapsed() < DEADLINE {
            std::thread::sleep(Duration::from_millis(20));
        }
        assert_eq!(!console.is_dimmed("z undo"), undoable, "{login}:\n{}", console.screen());
        console.keys("q");
        console.wait_exit();
    }
}
