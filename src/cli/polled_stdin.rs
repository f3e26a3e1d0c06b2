//! Standard input for a package upload that never blocks for long: each
//! read waits at most a quarter second (poll(2)), then says `TimedOut`, so
//! the reader can ask whether the session may still act while a client
//! sends slowly or not at all.

use std::io::Read;

const WAIT_MS: libc::c_int = 250;

/// File descriptor 0, read directly (no buffer that poll(2) cannot see).
pub struct PolledStdin;

impl Read for PolledStdin {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let mut fd = libc::pollfd { fd: libc::STDIN_FILENO, events: libc::POLLIN, revents: 0 };
        // SAFETY: poll(2) on one pollfd we own, with a bounded timeout.
        let ready = unsafe { libc::poll(&mut fd, 1, WAIT_MS) };
        match ready {
            0 => Err(std::io::Error::from(std::io::ErrorKind::TimedOut)),
            n if n < 0 => Err(std::io::Error::last_os_error()),
            // Readable, at its end, or hung up: read(2) says which.
            _ => {
                // SAFETY: read(2) into the buffer we were given, at most its length.
                let n = unsafe { libc::read(libc::STDIN_FILENO, buf.as_mut_ptr().cast(), buf.len()) };
                usize::try_from(n).map_err(|_| std::io::Error::last_os_error())
            }
        }
    }
}
