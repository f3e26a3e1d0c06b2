//! The console ended from outside — SIGTERM, SIGINT, SIGHUP, its terminal
//! closed — in a real pseudo-terminal, read byte for byte: the terminal is
//! put back and a demo leaves no temporary folder.

use portable_pty::{native_pty_system, CommandBuilder, MasterPty, PtySize};
use std::path::Path;
use std::time::{Duration, Instant};

const LEAVE_ALTERNATE_SCREEN: &str = "\x1b[?1049l";
const ENTER_ALTERNATE_SCREEN: &str = "\x1b[?1049h";
const SHOW_CURSOR: &str = "\x1b[?25h";

/// A console whose terminal this test reads on its own thread (so that
/// closing the master side really closes the terminal).
struct RawConsole {
    master: Option<Box<dyn MasterPty + Send>>,
    child: Box<dyn portable_pty::Child + Send + Sync>,
    seen: Vec<u8>,
}

impl RawConsole {
    /// `shell` run by `sh -c` in a 100×30 terminal; `$MPDESK` is the binary.
    fn start(shell: &str, home: &Path, temp: &Path) -> Self {
        let pair = native_pty_system()
            .openpty(PtySize { rows: 30, cols: 100, pixel_width: 0, pixel_height: 0 })
            .expect("open a pty");
        let mut cmd = CommandBuilder::new("sh");
        cmd.args(["-c", shell]);
        cmd.env("MPDESK", env!("CARGO_BIN_EXE_mpdesk"));
        cmd.env("TERM", "xterm-256color");
        cmd.env("XDG_DATA_HOME", home);
        cmd.env("XDG_CONFIG_HOME", home);
        cmd.env("TMPDIR", temp);
        let child = pair.slave.spawn_command(cmd).expect("spawn");
        drop(pair.slave);
        let mut console = Self { master: Some(pair.master), child, seen: Vec::new() };
        console.read_until("Programs");
        console
    }

    fn fd(&self) -> i32 {
        self.master.as_ref().and_then(|m| m.as_raw_fd()).expect("the master's descriptor")
    }

    /// Reads what is there within `wait`; false once the terminal has
    /// nothing more to give (the console ended).
    fn read_some(&mut self, wait: Duration) -> bool {
        let fd = self.fd();
        let mut poll = libc::pollfd { fd, events: libc::POLLIN, revents: 0 };
        // SAFETY: one valid pollfd.
        if unsafe { libc::poll(&mut poll, 1, wait.as_millis() as i32) } <= 0 {
            return true;
        }
        let mut buf = [0u8; 8192];
        // SAFETY: `buf` is ours, of the length given.
        let n = unsafe { libc::read(fd, buf.as_mut_ptr().cast(), buf.len()) };
        if n <= 0 {
            return false;
        }
        self.seen.extend_from_slice(&buf[..n as usize]);
        true
    }

    fn read_until(&mut self, text: &str) {
        let start = Instant::now();
        while !String::from_utf8_lossy(&self.seen).contains(text) {
            assert!(start.elapsed() < Duration::from_secs(15), "no {text:?}: {}", String::from_utf8_lossy(&self.seen));
            assert!(self.read_some(Duration::from_millis(100)), "ended early: {}", String::from_utf8_lossy(&self.seen));
        }
    }

    /// Reads everything until the console is gone; its exit code.
    fn read_to_exit(&mut self, within: Duration) -> u32 {
        let start = Instant::now();
        while start.elapsed() < within {
            let more = self.read_some(Duration::from_millis(50));
            if let Ok(Some(status)) = self.child.try_wait() {
                while self.read_some(Duration::from_millis(50)) && self.pending() {}
                return status.exit_code();
            }
            if !more {
                std::thread::sleep(Duration::from_millis(10));
            }
        }
        let _ = self.child.kill();
        panic!("still running after {within:?}");
    }

    fn pending(&self) -> bool {
        let mut poll = libc::pollfd { fd: self.fd(), events: libc::POLLIN, revents: 0 };
        // SAFETY: one valid pollfd.
        unsafe { libc::poll(&mut poll, 1, 0) > 0 && poll.revents & libc::POLLIN != 0 }
    }

    /// The pid of the console (exec'd by `sh -c`, so the same process).
    fn signal(&self, signal: i32) {
        let pid = self.child.process_id().expect("pid") as i32;
        // SAFETY: kill(2) with a pid we started.
        assert_eq!(unsafe { libc::kill(pid, signal) }, 0, "kill");
    }

    /// Whether the terminal is back in cooked mode (echo, line editing):
    /// on Linux the master side reports the terminal's own settings.
    fn cooked(&self) -> bool {
        // SAFETY: tcgetattr writes into the struct we own.
        let mut t: libc::termios = unsafe { std::mem::zeroed() };
        let got = unsafe { libc::tcgetattr(self.fd(), &mut t) } == 0;
        got && t.c_lflag & libc::ECHO != 0 && t.c_lflag & libc::ICANON != 0
    }

    fn assert_terminal_put_back(&self) {
        let text = String::from_utf8_lossy(&self.seen);
        let entered = text.rfind(ENTER_ALTERNATE_SCREEN).expect("entered the alternate screen");
        let tail = &text[entered..];
        assert!(tail.contains(LEAVE_ALTERNATE_SCREEN), "the alternate screen was not left: {:?}", last(tail));
        assert!(tail.ends_with(SHOW_CURSOR), "the last bytes do not show the cursor: {:?}", last(tail));
        assert!(self.cooked(), "raw mode is still on");
    }
}

fn last(text: &str) -> String {
    text.chars().rev().take(60).collect::<Vec<_>>().into_iter().rev().collect()
}

fn demo_folders(temp: &Path) -> Vec<String> {
    std::fs::read_dir(temp)
        .expect("read the temporary folder")
        .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
        .filter(|name| name.starts_with("mpdesk-demo-"))
        .collect()
}

#[test]
fn sigterm_sigint_and_sighup_put_the_terminal_back_and_remove_the_demo() {
    for signal in [libc::SIGTERM, libc::SIGINT, libc::SIGHUP] {
        let (home, temp) = (tempfile::tempdir().expect("dir"), tempfile::tempdir().expect("dir"));
        let mut console = RawConsole::start("exec \"$MPDESK\" --demo", home.path(), temp.path());
        assert_eq!(demo_folders(temp.path()).len(), 1, "the demo made its folder");
        console.signal(signal);
        let code = console.read_to_exit(Duration::from_secs(10));
        assert_eq!(code, 128 + signal as u32, "signal {signal}");
        console.assert_terminal_put_back();
        assert_eq!(demo_folders(temp.path()), Vec::<String>::new(), "signal {signal} left the demo's folder");
    }
}

#[test]
fn a_kept_demo_keeps_its_folder_when_a_signal_ends_it() {
    let (home, temp) = (tempfile::tempdir().expect("dir"), tempfile::tempdir().expect("dir"));
    let mut console = RawConsole::start("exec \"$MPDESK\" --demo --keep", home.path(), temp.path());
    console.signal(libc::SIGTERM);
    assert_eq!(console.read_to_exit(Duration::from_secs(10)), 143);
    console.assert_terminal_put_back();
    let kept = demo_folders(temp.path());
    assert_eq!(kept.len(), 1, "{kept:?}");
    assert!(temp.path().join(&kept[0]).join("demo.db").exists());
}

#[test]
fn the_console_ends_when_its_terminal_goes_away_even_with_sighup_ignored() {
    let (home, temp) = (tempfile::tempdir().expect("dir"), tempfile::tempdir().expect("dir"));
    let mut console = RawConsole::start("trap '' HUP; exec \"$MPDESK\" --demo", home.path(), temp.path());
    // The terminal goes away: the master side closes.
    drop(console.master.take());
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(10) {
        if console.child.try_wait().expect("wait").is_some() {
            assert_eq!(demo_folders(temp.path()), Vec::<String>::new(), "the demo's folder was left");
            return;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let _ = console.child.kill();
    panic!("mpdesk kept running after its terminal went away");
}

#[test]
fn a_second_signal_ends_a_console_whose_terminal_stopped_reading() {
    let (home, temp) = (tempfile::tempdir().expect("dir"), tempfile::tempdir().expect("dir"));
    let console = RawConsole::start("exec \"$MPDESK\" --demo", home.path(), temp.path());
    // Nobody reads the terminal any more, and every resize is a whole new
    // frame: the console soon blocks writing one.
    for round in 0..400u16 {
        let size = libc::winsize { ws_row: 30 + round % 2, ws_col: 100 + round % 7, ws_xpixel: 0, ws_ypixel: 0 };
        // SAFETY: TIOCSWINSZ reads the struct we own.
        unsafe { libc::ioctl(console.fd(), libc::TIOCSWINSZ, &size) };
        std::thread::sleep(Duration::from_millis(2));
    }
    // Blocked: what waits to be read stops growing.
    let queued = || {
        let mut n: libc::c_int = 0;
        // SAFETY: FIONREAD writes one int we own.
        unsafe { libc::ioctl(console.fd(), libc::FIONREAD, &mut n) };
        n
    };
    let start = Instant::now();
    let mut last = -1;
    while queued() != last || last <= 0 {
        assert!(start.elapsed() < Duration::from_secs(15), "the console never filled its terminal");
        last = queued();
        std::thread::sleep(Duration::from_millis(300));
    }
    let mut console = console;
    console.signal(libc::SIGTERM);
    std::thread::sleep(Duration::from_millis(500));
    assert!(console.child.try_wait().expect("wait").is_none(), "the first signal should wait on the blocked terminal");
    console.signal(libc::SIGTERM);
    let start = Instant::now();
    while console.child.try_wait().expect("wait").is_none() {
        assert!(start.elapsed() < Duration::from_secs(5), "the second signal did not end it");
        std::thread::sleep(Duration::from_millis(10));
    }
}
