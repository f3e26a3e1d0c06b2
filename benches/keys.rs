//! What a person waits for: key → the last byte the console writes for
//! it, through a pseudo-terminal, the release binary on a database shaped
//! like a busy server (`store::generated`: 1k programs / 10k entries and
//! 100k programs / 1M entries). For each path the slowest key (p100) of a
//! scripted run is the figure; the median is printed beside it.
//!
//!     cargo bench --bench keys              # both sizes
//!     cargo bench --bench keys -- small     # one
//!     KEYS_PATH=Audit KEYS_SLOWEST=1 cargo bench --bench keys -- large
//!                                           # some paths, their slowest keys
//!
//! The databases are generated once into target/bench-data (the large one
//! takes about a minute). A key's frame is the burst of bytes that
//! answers it (a frame is one write: a gap of BURST ends it); a read that
//! goes to the background reader draws "searching…" in that frame and its
//! answer in a later one, so "settled" waits for the answer: the last byte
//! of the first frame that no longer says "searching…" or "counting…",
//! then QUIET without a byte. "first bytes" is until the key's first byte
//! came. A key that draws nothing (nothing changed) counts as 0.
// The report is this bench's own text (its paths' names and figures):
// printed as it is.
#![allow(clippy::disallowed_macros)]

use mpdesk::desk::{Desk, Shape};
use portable_pty::{native_pty_system, CommandBuilder, MasterPty, PtySize};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// No byte for this long after the answer: the screen has settled.
const QUIET: Duration = Duration::from_millis(30);
/// A key whose answer has not come by then fails the run.
const ANSWER: Duration = Duration::from_secs(20);
/// What a screen says while the background reader works on its answer.
const PENDING: [&str; 2] = ["searching…", "counting…"];
/// A gap this long ends a frame's bytes.
const BURST: Duration = Duration::from_millis(5);
/// A key that draws nothing within this is taken as answered with nothing.
const NOTHING: Duration = Duration::from_millis(400);

struct Console {
    master: Box<dyn MasterPty + Send>,
    writer: Box<dyn Write + Send>,
    child: Box<dyn portable_pty::Child + Send + Sync>,
    screen: vt100::Parser,
    _home: tempfile::TempDir,
}

impl Console {
    fn start(db: &Path, login: &str) -> Self {
        let pair = native_pty_system()
            .openpty(PtySize { rows: 30, cols: 100, pixel_width: 0, pixel_height: 0 })
            .expect("open a pty");
        let home = tempfile::tempdir().expect("dir");
        let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_mpdesk"));
        cmd.arg("--db");
        cmd.arg(db);
        cmd.args(["--user", login]);
        cmd.env("TERM", "xterm-256color");
        cmd.env("XDG_DATA_HOME", home.path());
        cmd.env("XDG_CONFIG_HOME", home.path());
        cmd.env_remove("NO_COLOR");
        let child = pair.slave.spawn_command(cmd).expect("spawn mpdesk");
        drop(pair.slave);
        let writer = pair.master.take_writer().expect("writer");
        let screen = vt100::Parser::new(
            std::num::NonZeroU16::new(30).expect("rows"),
            std::num::NonZeroU16::new(100).expect("cols"),
            0,
        );
        let mut console = Self { master: pair.master, writer, child, screen, _home: home };
        console.wait_for("Programs");
        console
    }

    fn fd(&self) -> i32 {
        self.master.as_raw_fd().expect("the master's descriptor")
    }

    /// Reads what comes within `wait`; the time the last byte came, if any.
    fn read_for(&mut self, wait: Duration) -> Option<Instant> {
        let mut poll = libc::pollfd { fd: self.fd(), events: libc::POLLIN, revents: 0 };
        // SAFETY: one valid pollfd.
        if unsafe { libc::poll(&mut poll, 1, wait.as_millis() as i32) } <= 0 {
            return None;
        }
        let mut buf = [0u8; 65536];
        // SAFETY: `buf` is ours, of the length given.
        let n = unsafe { libc::read(self.fd(), buf.as_mut_ptr().cast(), buf.len()) };
        assert!(n > 0, "the console ended:\n{}", self.screen.screen().contents());
        let now = Instant::now();
        self.screen.process(&buf[..n as usize]);
        Some(now)
    }

    fn wait_for(&mut self, text: &str) {
        let start = Instant::now();
        while !self.screen.screen().contents().contains(text) {
            assert!(start.elapsed() < Duration::from_secs(60), "no {text:?}:\n{}", self.screen.screen().contents());
            self.read_for(Duration::from_millis(50));
        }
        self.settle();
    }

    /// Reads until the terminal is quiet.
    fn settle(&mut self) {
        while self.read_for(QUIET).is_some() {}
    }

    fn pending(&self) -> bool {
        let screen = self.screen.screen().contents();
        PENDING.iter().any(|p| screen.contains(p))
    }

    /// Sends `key`; how long until its first byte, the last byte of its
    /// frame, and the last byte of the answer (see the module's doc).
    fn key(&mut self, key: &str) -> Timing {
        self.settle();
        let sent = Instant::now();
        self.writer.write_all(key.as_bytes()).expect("type");
        self.writer.flush().expect("flush");
        let Some(first) = self.read_for(NOTHING) else { return Timing::default() };
        let mut last = first;
        while let Some(at) = self.read_for(BURST) {
            last = at;
        }
        let frame = last - sent;
        while self.pending() {
            assert!(sent.elapsed() < ANSWER, "no answer to {key:?}:\n{}", self.screen.screen().contents());
            if let Some(at) = self.read_for(Duration::from_millis(100)) {
                last = at;
            }
        }
        while let Some(at) = self.read_for(QUIET) {
            last = at;
        }
        Timing { first: first - sent, frame, settled: last - sent }
    }
}

/// One key's times from its write (see [`Console::key`]).
#[derive(Clone, Copy, Default)]
struct Timing {
    first: Duration,
    frame: Duration,
    settled: Duration,
}

impl Drop for Console {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The generated database for `shape`, made once.
fn database(name: &str, shape: Shape) -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench-data");
    std::fs::create_dir_all(&dir).expect("bench-data folder");
    // The shape's generator version: a change to it makes a new file.
    let path = dir.join(format!("busy-v3-{name}.db"));
    if !path.exists() {
        let start = Instant::now();
        let partial = dir.join(format!("busy-v3-{name}.db.partial"));
        let _ = std::fs::remove_file(&partial);
        Desk::open(&partial).expect("create").load_busy_server(shape).expect("generate");
        std::fs::rename(&partial, &path).expect("rename");
        eprintln!("generated {} in {:.1} s", path.display(), start.elapsed().as_secs_f64());
    }
    path
}

/// One path: keys to get there (not measured), then the keys measured.
struct Path_ {
    name: &'static str,
    login: &'static str,
    setup: Vec<String>,
    keys: Vec<String>,
}

fn repeat(key: &str, n: usize) -> Vec<String> {
    vec![key.to_string(); n]
}

fn typed(text: &str) -> Vec<String> {
    text.chars().map(String::from).collect()
}

const ESC: &str = "\x1b";
const BACKSPACE: &str = "\x7f";
const PAGE_DOWN: &str = "\x1b[6~";
const END: &str = "\x1b[F";
const HOME: &str = "\x1b[H";

/// Switches to workspace `name` with `w` and its picker.
fn workspace(name: &str) -> Vec<String> {
    let mut keys = vec!["w".to_string()];
    keys.extend(typed(name));
    keys.push("\r".to_string());
    keys
}

fn paths() -> Vec<Path_> {
    let filter = |words: &[&str]| {
        let mut keys = vec!["/".to_string()];
        for word in words {
            keys.extend(typed(word));
            keys.extend(repeat(BACKSPACE, word.chars().count()));
        }
        keys.push(ESC.to_string());
        keys
    };
    let mut all = vec![
        Path_ { name: "Programs: j ×300 (Owner, Big)", login: "owner", setup: vec![], keys: repeat("j", 300) },
        Path_ {
            name: "Programs: End, Home ×5, PageDown ×5 (Owner, Big)",
            login: "owner",
            setup: vec![],
            keys: [END, HOME].iter().cycle().take(10).chain([PAGE_DOWN; 5].iter()).map(|k| k.to_string()).collect(),
        },
        Path_ {
            name: "Programs: filter \"sunny\", \"xyzq\", \"su\", \"00421\", \"zq\", \"q\" (Owner, Big)",
            login: "owner",
            setup: vec![],
            keys: filter(&["sunny", "xyzq", "su", "00421", "zq", "q"]),
        },
    ];
    for (role, ws) in [("Owner", "Big"), ("Master", "Side A"), ("Developer", "Side B")] {
        let mut setup = workspace(ws);
        setup.push("3".to_string());
        let mut keys = repeat("j", 40);
        keys.extend(repeat(PAGE_DOWN, 10));
        keys.extend([END.to_string(), HOME.to_string()]);
        keys.extend(filter(&["sunny", "xyzq", "dev", "zz", "sasha", "zq", "z"]));
        let name: &'static str =
            Box::leak(format!("Audit tab: j ×40, PageDown ×10, End, Home, filters ({role}, {ws})").into_boxed_str());
        all.push(Path_ { name, login: "owner", setup, keys });
    }
    all
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

/// Reads `db` through once, as a server that has been serving it holds it
/// in memory: this VM's kernel evicts a file's idle pages (the large one is
/// 750 MB), and a key that met a page on disk would time the disk.
fn warm(db: &Path) {
    use std::io::Read;
    let mut file = std::fs::File::open(db).expect("the database");
    let mut buffer = vec![0u8; 1 << 20];
    while file.read(&mut buffer).expect("read") > 0 {}
}

fn main() {
    let only = std::env::args().skip(1).find(|a| a == "small" || a == "large");
    let sizes = [("small", Shape::SMALL), ("large", Shape::LARGE)];
    println!("| path | size | keys | first bytes p100 | frame median / p100 | settled median / p100 |");
    println!("|---|---|---|---|---|---|");
    for (size, shape) in sizes.into_iter().filter(|(n, _)| only.as_deref().is_none_or(|o| o == *n)) {
        let db = database(size, shape);
        warm(&db);
        // KEYS_PATH=TEXT measures only the paths whose name has TEXT.
        let wanted = std::env::var("KEYS_PATH").unwrap_or_default();
        for path in paths().into_iter().filter(|p| p.name.contains(wanted.as_str())) {
            let mut console = Console::start(&db, path.login);
            for key in &path.setup {
                console.key(key);
            }
            let timed: Vec<Timing> = path.keys.iter().map(|k| console.key(k)).collect();
            if std::env::var_os("KEYS_SLOWEST").is_some() {
                let mut order: Vec<usize> = (0..timed.len()).collect();
                order.sort_by_key(|&i| std::cmp::Reverse(timed[i].settled));
                order.truncate(5);
                let mut by_first: Vec<usize> = (0..timed.len()).collect();
                by_first.sort_by_key(|&i| std::cmp::Reverse(timed[i].first));
                order.extend(by_first.into_iter().take(3));
                for &i in &order {
                    eprintln!(
                        "  {}: key {i} {:?}: first bytes {:.1} ms, settled {:.1} ms",
                        path.name,
                        path.keys[i],
                        timed[i].first.as_secs_f64() * 1e3,
                        timed[i].settled.as_secs_f64() * 1e3
                    );
                }
            }
            let sorted = |of: fn(&Timing) -> Duration| {
                let mut times: Vec<Duration> = timed.iter().map(of).collect();
                times.sort();
                times
            };
            let ms = |d: Duration| d.as_secs_f64() * 1e3;
            let (first, frame, settled) = (sorted(|t| t.first), sorted(|t| t.frame), sorted(|t| t.settled));
            println!(
                "| {} | {size} | {} | {:.1} ms | {:.1} / {:.1} ms | {:.1} / {:.1} ms |",
                path.name,
                timed.len(),
                ms(percentile(&first, 1.0)),
                ms(percentile(&frame, 0.5)),
                ms(percentile(&frame, 1.0)),
                ms(percentile(&settled, 0.5)),
                ms(percentile(&settled, 1.0)),
            );
        }
    }
}
