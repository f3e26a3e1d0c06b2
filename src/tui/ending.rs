//! How the console ends when nobody pressed `q`: SIGTERM, SIGINT or SIGHUP,
//! or its terminal gone. The terminal is put back (alternate screen left,
//! cursor shown, raw mode off), a demo's temporary folder removed, and the
//! process exits with 128 + the signal. A second SIGTERM or SIGINT while
//! that runs ends it at once (a terminal that no longer reads can block
//! the first); a second SIGHUP does not, as the kernel sends one of its own
//! when the terminal closes, which would cut the cleanup short.
//! Every write is one transaction, so ending mid-way leaves nothing
//! half-written.

use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

/// Set once ending has begun: the next signal exits without waiting.
fn ending() -> &'static Arc<AtomicBool> {
    static ENDING: OnceLock<Arc<AtomicBool>> = OnceLock::new();
    ENDING.get_or_init(|| Arc::new(AtomicBool::new(false)))
}

/// The demo's temporary folder, removed on any end but `q` (where its
/// owner removes it) unless the person asked to keep it.
static TEMPORARY: Mutex<Option<PathBuf>> = Mutex::new(None);

/// Removes `dir` if the console ends on a signal or a hangup.
pub fn remove_on_signal(dir: Option<PathBuf>) {
    if let Ok(mut temporary) = TEMPORARY.lock() {
        *temporary = dir;
    }
}

/// Puts the terminal back (with `restore`, which keeps it from then on),
/// removes the demo's folder, exits with `code`.
fn end(restore: fn(), code: i32, why: &str) -> ! {
    ending().store(true, Ordering::SeqCst);
    super::log::write(&format!("{why}; ending"));
    restore();
    let dir = TEMPORARY.lock().ok().and_then(|mut t| t.take());
    if let Some(dir) = dir {
        let _ = std::fs::remove_dir_all(dir);
    }
    std::process::exit(code)
}

/// Handles the signals and watches the terminal, from now on.
pub fn install(restore: fn()) -> std::io::Result<()> {
    let signals = [SIGTERM, SIGINT, SIGHUP];
    // The immediate exit is registered first: it runs before the handler
    // below would, and only once ending has begun.
    for signal in [SIGTERM, SIGINT] {
        signal_hook::flag::register_conditional_shutdown(signal, 128 + signal, ending().clone())?;
    }
    let mut incoming = signal_hook::iterator::Signals::new(signals)?;
    std::thread::spawn(move || {
        if let Some(signal) = incoming.forever().next() {
            end(restore, 128 + signal, &format!("signal {signal}"));
        }
    });
    watch_for_hangup(restore);
    Ok(())
}

/// Ends the process once the terminal is gone (the SSH link dropped, the
/// emulator closed) even where SIGHUP does not come (a console started
/// under `nohup`): crossterm would otherwise read end-of-file in a loop.
/// A thread blocks in poll(2) on the terminal, which reports a hangup even
/// with no events asked for.
fn watch_for_hangup(restore: fn()) {
    // Only the terminal itself (a closed pipe on stdin is no hangup),
    // decided here, while it is surely there: a hung-up tty is no longer
    // a tty to isatty().
    // SAFETY: isatty only inspects the descriptor.
    let mut fds: Vec<libc::pollfd> = [libc::STDIN_FILENO, libc::STDOUT_FILENO]
        .into_iter()
        .filter(|fd| unsafe { libc::isatty(*fd) } == 1)
        .map(|fd| libc::pollfd { fd, events: 0, revents: 0 })
        .collect();
    if fds.is_empty() {
        return;
    }
    std::thread::spawn(move || loop {
        // SAFETY: `fds` is a valid array of pollfd of the length given.
        let ready = unsafe { libc::poll(fds.as_mut_ptr(), fds.len() as libc::nfds_t, -1) };
        let hung_up = fds.iter().any(|p| p.revents & (libc::POLLHUP | libc::POLLERR | libc::POLLNVAL) != 0);
        if ready > 0 && hung_up {
            end(restore, 128 + SIGHUP, "the terminal went away");
        }
        if ready < 0 && std::io::Error::last_os_error().kind() != std::io::ErrorKind::Interrupted {
            return;
        }
    });
}
