//! Reads that must not keep a person waiting: one that gives up after a
//! budget, and a second, read-only desk on the same file to finish it on
//! another thread (the console's background reader), which can be told to
//! stop what it is doing.

use super::{Desk, DeskResult};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Stops what a desk's connection is running (from another thread): the
/// statement ends with an error, and a read changes nothing.
pub struct Interrupter(rusqlite::InterruptHandle);

impl Interrupter {
    pub fn interrupt(&self) {
        self.0.interrupt();
    }
}

/// How many SQLite steps run between two looks at the clock.
const STEPS_BETWEEN_LOOKS: i32 = 1_000;

impl Desk {
    /// Runs `read`, giving up once it has taken `budget`: then `Ok(None)`
    /// (SQLite stopped the statement; it was a read, so nothing changed).
    pub fn within<T>(&self, budget: Duration, read: impl FnOnce(&Self) -> DeskResult<T>) -> DeskResult<Option<T>> {
        let deadline = Instant::now() + budget;
        let gave_up = Arc::new(AtomicBool::new(false));
        let flag = gave_up.clone();
        let late = move || {
            let late = Instant::now() >= deadline;
            flag.fetch_or(late, Ordering::Relaxed);
            late
        };
        self.conn().progress_handler(STEPS_BETWEEN_LOOKS, Some(late))?;
        let result = read(self);
        self.conn().progress_handler(0, None::<fn() -> bool>)?;
        match result {
            Err(_) if gave_up.load(Ordering::Relaxed) => Ok(None),
            result => result.map(Some),
        }
    }

    /// A second desk on the same file, read-only, with the same clock —
    /// None for a database in memory (there is no second connection to it).
    pub fn open_reader(&self) -> DeskResult<Option<Desk>> {
        let Some(path) = self.store.path() else { return Ok(None) };
        let mut reader = Desk::open_read_only(path)?;
        reader.clock = self.clock.share();
        Ok(Some(reader))
    }

    /// What stops this desk's running statement from another thread.
    pub fn interrupter(&self) -> Interrupter {
        Interrupter(self.conn().get_interrupt_handle())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_read_past_its_budget_gives_up_and_one_within_it_answers() {
        let desk = Desk::open_in_memory().expect("desk");
        let slow = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100000000) SELECT count(*) FROM n";
        let gave_up =
            desk.within(Duration::from_millis(5), |d| Ok(d.conn().query_row(slow, [], |r| r.get::<_, i64>(0))?));
        assert_eq!(gave_up.expect("no error"), None);
        let answered =
            desk.within(Duration::from_secs(5), |d| Ok(d.conn().query_row("SELECT 7", [], |r| r.get::<_, i64>(0))?));
        assert_eq!(answered.expect("no error"), Some(7));
        assert!(desk.open_reader().expect("no error").is_none(), "no second connection to memory");
    }
}
