//! The desk's clock, injectable so tests move time instead of waiting.

use std::sync::{Arc, Mutex};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

pub trait Clock: Send {
    fn now(&self) -> OffsetDateTime;
    /// The same clock, for a second desk on the same data.
    fn share(&self) -> Box<dyn Clock>;
}

pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> OffsetDateTime {
        OffsetDateTime::now_utc()
    }

    fn share(&self) -> Box<dyn Clock> {
        Box::new(SystemClock)
    }
}

/// A clock that only moves when told to (tests, demos).
#[derive(Clone)]
pub struct ManualClock(Arc<Mutex<OffsetDateTime>>);

impl ManualClock {
    pub fn new(at: OffsetDateTime) -> Self {
        Self(Arc::new(Mutex::new(at)))
    }

    pub fn advance(&self, by: time::Duration) {
        if let Ok(mut now) = self.0.lock() {
            *now += by;
        }
    }
}

impl Clock for ManualClock {
    fn now(&self) -> OffsetDateTime {
        self.0.lock().map(|t| *t).unwrap_or(OffsetDateTime::UNIX_EPOCH)
    }

    fn share(&self) -> Box<dyn Clock> {
        Box::new(self.clone())
    }
}

/// RFC 3339 in UTC, to the second: "2026-11-27T21:30:00Z".
pub fn rfc3339(t: OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC).replace_nanosecond(0).unwrap_or(t);
    t.format(&Rfc3339).unwrap_or_else(|_| t.unix_timestamp().to_string())
}

/// Reads a time the desk wrote; a damaged value is a storage error.
pub fn parse_rfc3339(text: &str) -> Result<OffsetDateTime, super::DeskError> {
    OffsetDateTime::parse(text, &Rfc3339)
        .map_err(|e| super::DeskError::Storage(format!("bad time {text:?} in the database: {e}")))
}
