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
    crate::domain::expiry::stamp(t)
}

/// Reads a time the desk wrote; a damaged value is a storage error.
pub fn parse_rfc3339(text: &str) -> Result<OffsetDateTime, super::DeskError> {
    OffsetDateTime::parse(text, &Rfc3339)
        .map_err(|e| super::DeskError::Storage(format!("bad time {text:?} in the database: {e}")))
}

/// A time a person typed, as entries store it: a day (`2027-01-31`, its
/// midnight UTC) or an RFC 3339 instant (`2027-01-31T18:00:00Z`, any
/// offset). Anything else is refused with what to type instead.
pub fn parse_when(text: &str) -> Result<String, super::DeskError> {
    crate::domain::expiry::parse_instant(text).map(rfc3339).ok_or_else(|| {
        super::DeskError::Invalid(format!(
            "'{}' is not a date: use 2027-01-31 or 2027-01-31T18:00:00Z",
            super::shown(text)
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_typed_time_is_a_day_or_an_instant_and_nothing_else() {
        assert_eq!(parse_when("2027-01-31").expect("day"), "2027-01-31T00:00:00Z");
        assert_eq!(parse_when("2027-01-31T20:00:00+02:00").expect("instant"), "2027-01-31T18:00:00Z");
        for bad in ["", "yesterday", "2027-13-01", "31/01/2027", "2027-01-31 18:00"] {
            let error = parse_when(bad).expect_err(bad);
            assert!(error.to_string().contains("use 2027-01-31"), "{error}");
        }
    }
}
