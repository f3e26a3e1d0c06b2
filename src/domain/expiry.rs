//! Time-bound access (domain.md, 2026-12-01): a workspace membership, a
//! program membership, an invitation's access and an SSH key may end at
//! an instant. From that instant the membership counts as absent in every
//! decision, and a key is refused.
//!
//! *Decided* (2026-12-02):
//! - An expiry is an instant in UTC; a day (`2027-01-31`) means its first
//!   instant, 00:00 UTC: "expires on January 31st".
//! - An expired membership is removed, as a removal would (a workspace
//!   membership takes its program memberships with it), by whichever
//!   process notices first, with one `membership_expired` entry by
//!   `system`. An expired key stays listed, refused.
//! - The workspace Owner never expires; a transfer makes the new Owner's
//!   membership permanent. Owners and Masters act as Admins of every
//!   program, so a program never loses its last Admin to an expiry.
//! - Whoever may add a membership (or a key) may set, extend or clear its
//!   expiry; a time already past is refused.

use super::workspace_rules::{decide_member_action, MemberAction};
use super::{Denial, WorkspaceRole};
use time::format_description::well_known::Rfc3339;
use time::{Duration, OffsetDateTime};

/// The actor written on the entry an expiry leaves.
pub const SYSTEM: &str = "system";
/// The operation of that entry.
/// How close an end must be to be shown as soon (red, the header, the
/// "expiring" filter).
pub const SOON: Duration = Duration::days(7);

/// When access ends, as a person typed it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expiry {
    /// At this instant.
    At(OffsetDateTime),
    /// This long after it starts (now, or an invitation's acceptance).
    After(Duration),
    Never,
}

impl Expiry {
    /// `2027-01-31`, `2027-01-31T18:00:00Z`, `30d`, `12h`, `15m`, `90s`,
    /// `2w`, or (where `never` makes sense) `never`.
    pub fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim();
        let refused = || {
            format!(
                "'{}' is not an expiry: a date (2027-01-31), a time (2027-01-31T18:00:00Z), a duration (30d, 12h, 90s) or never",
                text.chars().take(40).collect::<String>()
            )
        };
        if text.eq_ignore_ascii_case("never") {
            return Ok(Self::Never);
        }
        if let Some(t) = parse_instant(text) {
            return Ok(Self::At(t));
        }
        let split = text.find(|c: char| !c.is_ascii_digit()).ok_or_else(refused)?;
        let (number, unit) = text.split_at(split);
        let n: i64 = number.parse().map_err(|_| refused())?;
        let n = n.min(100 * 366 * 24 * 3600);
        let span = match unit {
            "s" => Duration::seconds(n),
            "m" => Duration::minutes(n),
            "h" => Duration::hours(n),
            "d" => Duration::days(n),
            "w" => Duration::weeks(n),
            _ => return Err(refused()),
        };
        if span <= Duration::ZERO {
            return Err(refused());
        }
        Ok(Self::After(span))
    }

    /// The instant it ends for access that starts at `start` (None: never).
    pub fn from(self, start: OffsetDateTime) -> Option<OffsetDateTime> {
        match self {
            Self::At(t) => Some(t),
            Self::After(span) => Some(start + span),
            Self::Never => None,
        }
    }
}

/// An end that is already past is refused (it would remove the access the
/// moment it is written).
pub fn decide_future(end: Option<OffsetDateTime>, now: OffsetDateTime) -> Result<(), String> {
    match end {
        Some(end) if end <= now => {
            Err(format!("{} is not in the future; an expiry must be later than now ({})", stamp(end), stamp(now)))
        }
        _ => Ok(()),
    }
}

/// May `actor` (their acting workspace role) set when a member whose role
/// is `target` stops being one? Whoever may add that member; never the
/// Owner's.
pub fn decide_workspace_expiry(
    actor: Option<WorkspaceRole>,
    target: WorkspaceRole,
    read_only: bool,
) -> Result<(), Denial> {
    if target == WorkspaceRole::Owner {
        return Err(Denial::state(
            "Setting when the Owner's access ends",
            "a member other than the Owner",
            "the workspace Owner's membership never expires (transfer ownership first)".to_string(),
        ));
    }
    decide_member_action(actor, MemberAction::Expire, target, None, read_only)
}

/// May the person with `access` set when `login`'s membership of a
/// program ends? Whoever may add its members, for an explicit member (an
/// Owner or Master reaches every program through their workspace role:
/// their workspace membership's end is the one to set).
pub fn decide_program_expiry(
    access: &super::Access,
    facts: &super::lifecycle::ProgramFacts,
    login: &str,
    explicit: bool,
) -> Result<(), Denial> {
    super::permission::decide(access, super::Operation::AddMembers, facts)?;
    if explicit {
        return Ok(());
    }
    Err(Denial::state(
        "Setting when access ends",
        "an explicit member of the program",
        format!("{login} reaches every program as a workspace Owner or Master: set their workspace membership's end instead (the Members tab)"),
    ))
}

/// Whether an end has come.
pub fn has_passed(end: Option<&str>, now: OffsetDateTime) -> bool {
    end.and_then(parse_stamp).is_some_and(|end| end <= now)
}

/// How an end reads in a list: "in 3d", "in 5h", "in 40s", "Jan 31", "expired",
/// or "" for none.
pub fn left(end: Option<&str>, now: OffsetDateTime) -> String {
    let Some(end) = end.and_then(parse_stamp) else { return String::new() };
    let rest = end - now;
    if rest <= Duration::ZERO {
        return "expired".to_string();
    }
    if rest < Duration::minutes(1) {
        return format!("in {}s", rest.whole_seconds().max(1));
    }
    if rest < Duration::hours(1) {
        return format!("in {}m", rest.whole_minutes());
    }
    if rest < Duration::days(1) {
        return format!("in {}h", rest.whole_hours());
    }
    if rest <= SOON {
        return format!("in {}d", rest.whole_days());
    }
    let month = end.month().to_string();
    let short = &month[..3.min(month.len())];
    if end.year() == now.year() {
        format!("{short} {}", end.day())
    } else {
        format!("{short} {} {}", end.day(), end.year())
    }
}

/// The sooner of two stored ends; an end that does not read as one loses.
pub fn sooner(a: Option<String>, b: Option<String>) -> Option<String> {
    match (a, b) {
        (Some(a), Some(b)) => {
            Some(if parse_stamp(&b).is_some_and(|b| parse_stamp(&a).is_none_or(|a| b < a)) { b } else { a })
        }
        (a, b) => a.or(b),
    }
}

/// Whether an end is within [`SOON`] (and not past).
pub fn is_soon(end: Option<&str>, now: OffsetDateTime) -> bool {
    end.and_then(parse_stamp).is_some_and(|end| end > now && end - now <= SOON)
}

/// A span as a person would write it: "30d", "12h", "90s".
pub fn span_text(span: Duration) -> String {
    let seconds = span.whole_seconds();
    for (unit, size) in [("w", 7 * 86_400), ("d", 86_400), ("h", 3_600), ("m", 60)] {
        if seconds >= size && seconds % size == 0 {
            return format!("{}{unit}", seconds / size);
        }
    }
    format!("{seconds}s")
}

/// An instant a person typed: a day (`2027-01-31`, its first second, UTC)
/// or RFC 3339 (`2027-01-31T18:00:00Z`, any offset), in UTC.
pub fn parse_instant(text: &str) -> Option<OffsetDateTime> {
    let text = text.trim();
    if let Ok(t) = OffsetDateTime::parse(text, &Rfc3339) {
        return Some(t.to_offset(time::UtcOffset::UTC));
    }
    let day = time::Date::parse(text, time::macros::format_description!("[year]-[month]-[day]")).ok()?;
    Some(day.midnight().assume_utc())
}

/// An instant as entries store it.
pub fn stamp(t: OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC).replace_nanosecond(0).unwrap_or(t);
    t.format(&Rfc3339).unwrap_or_else(|_| t.unix_timestamp().to_string())
}

fn parse_stamp(text: &str) -> Option<OffsetDateTime> {
    OffsetDateTime::parse(text, &Rfc3339).ok()
}

/// OpenSSH's `expiry-time=` on a key line: `YYYYMMDDHHMMSSZ`, the `Z`
/// making sshd read it in UTC whatever the server's time zone.
pub fn openssh_expiry(end: &str) -> Option<String> {
    let t = parse_stamp(end)?.to_offset(time::UtcOffset::UTC);
    Some(format!(
        "{:04}{:02}{:02}{:02}{:02}{:02}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn an_expiry_is_a_date_a_time_a_duration_or_never() {
        let now = datetime!(2027-01-01 12:00:00 UTC);
        assert_eq!(Expiry::parse("2027-01-31").map(|e| e.from(now)), Ok(Some(datetime!(2027-01-31 00:00:00 UTC))));
        assert_eq!(
            Expiry::parse("2027-01-31T20:00:00+02:00").map(|e| e.from(now)),
            Ok(Some(datetime!(2027-01-31 18:00:00 UTC)))
        );
        for (text, span) in [
            ("30d", Duration::days(30)),
            ("12h", Duration::hours(12)),
            ("90s", Duration::seconds(90)),
            ("2w", Duration::weeks(2)),
        ] {
            assert_eq!(Expiry::parse(text).map(|e| e.from(now)), Ok(Some(now + span)), "{text}");
        }
        assert_eq!(Expiry::parse("never"), Ok(Expiry::Never));
        for bad in ["", "0d", "-3d", "3x", "d", "tomorrow", "2027-02-30"] {
            let error = Expiry::parse(bad).expect_err(bad);
            assert!(error.contains("is not an expiry"), "{bad}: {error}");
        }
    }

    #[test]
    fn the_past_is_refused_and_the_owner_never_expires() {
        let now = datetime!(2027-01-01 12:00:00 UTC);
        assert!(decide_future(Some(now), now).is_err());
        assert!(decide_future(Some(now + Duration::seconds(1)), now).is_ok());
        assert!(decide_future(None, now).is_ok());
        let owner = decide_workspace_expiry(Some(WorkspaceRole::Owner), WorkspaceRole::Owner, false);
        assert!(owner.expect_err("the Owner").to_string().contains("never expires"));
        assert!(decide_workspace_expiry(Some(WorkspaceRole::Master), WorkspaceRole::Developer, false).is_ok());
        assert!(decide_workspace_expiry(Some(WorkspaceRole::Master), WorkspaceRole::Master, false).is_err());
        assert!(decide_workspace_expiry(Some(WorkspaceRole::Owner), WorkspaceRole::Master, false).is_ok());
        assert!(decide_workspace_expiry(Some(WorkspaceRole::Developer), WorkspaceRole::Developer, false).is_err());
        assert!(decide_workspace_expiry(Some(WorkspaceRole::Owner), WorkspaceRole::Developer, true).is_err());
    }

    #[test]
    fn an_end_reads_as_how_long_is_left() {
        let now = datetime!(2027-01-01 12:00:00 UTC);
        let at = |t: OffsetDateTime| stamp(t);
        assert_eq!(left(None, now), "");
        assert_eq!(left(Some(&at(now)), now), "expired");
        assert_eq!(left(Some(&at(now + Duration::minutes(5))), now), "in 5m");
        assert_eq!(left(Some(&at(now + Duration::seconds(110))), now), "in 1m");
        assert_eq!(left(Some(&at(now + Duration::seconds(40))), now), "in 40s");
        assert_eq!(left(Some(&at(now + Duration::hours(5))), now), "in 5h");
        assert_eq!(left(Some(&at(now + Duration::days(3))), now), "in 3d");
        assert_eq!(left(Some(&at(datetime!(2027-01-31 00:00:00 UTC))), now), "Jan 31");
        assert_eq!(left(Some(&at(datetime!(2028-01-31 00:00:00 UTC))), now), "Jan 31 2028");
        let (soon, later) = (at(now + Duration::minutes(1)), at(now + Duration::days(1)));
        assert_eq!(sooner(Some(later.clone()), Some(soon.clone())), Some(soon.clone()));
        assert_eq!(sooner(Some(soon.clone()), Some(later.clone())), Some(soon.clone()));
        assert_eq!(sooner(None, Some(later.clone())), Some(later));
        assert!(is_soon(Some(&at(now + Duration::days(7))), now));
        assert!(!is_soon(Some(&at(now + Duration::days(8))), now));
        assert_eq!(openssh_expiry("2027-01-31T18:05:09Z").as_deref(), Some("20270131180509Z"));
    }
}
