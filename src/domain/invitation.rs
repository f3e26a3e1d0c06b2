//! Workspace invitations: pending until accepted, declined or withdrawn;
//! a pending one expires 3 days after it was last sent.

use super::Denial;
use serde::Serialize;
use time::OffsetDateTime;

/// How long an invitation stays open after it was (re)sent.
pub const LIFETIME: time::Duration = time::Duration::days(3);

/// What is stored; "expired" is a pending invitation past its time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum StoredState {
    Pending,
    Accepted,
    Declined,
    Withdrawn,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum InvitationState {
    Pending,
    Accepted,
    Declined,
    Withdrawn,
    Expired,
}

impl StoredState {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Accepted => "accepted",
            Self::Declined => "declined",
            Self::Withdrawn => "withdrawn",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "pending" => Some(Self::Pending),
            "accepted" => Some(Self::Accepted),
            "declined" => Some(Self::Declined),
            "withdrawn" => Some(Self::Withdrawn),
            _ => None,
        }
    }
}

impl InvitationState {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Accepted => "accepted",
            Self::Declined => "declined",
            Self::Withdrawn => "withdrawn",
            Self::Expired => "expired",
        }
    }
}

/// When an invitation sent at `sent_at` expires.
pub fn expires_at(sent_at: OffsetDateTime) -> OffsetDateTime {
    sent_at + LIFETIME
}

/// The state a person sees at `now`.
pub fn state_at(stored: StoredState, expires_at: OffsetDateTime, now: OffsetDateTime) -> InvitationState {
    match stored {
        StoredState::Pending if now >= expires_at => InvitationState::Expired,
        StoredState::Pending => InvitationState::Pending,
        StoredState::Accepted => InvitationState::Accepted,
        StoredState::Declined => InvitationState::Declined,
        StoredState::Withdrawn => InvitationState::Withdrawn,
    }
}

/// The invitee may accept or decline only a pending, unexpired invitation.
pub fn check_response(action: &str, state: InvitationState) -> Result<(), Denial> {
    match state {
        InvitationState::Pending => Ok(()),
        InvitationState::Expired => Err(Denial::state(
            action,
            "an invitation that has not expired",
            "this one has expired — ask for it to be resent".to_string(),
        )),
        other => Err(Denial::state(action, "a pending invitation", format!("this one was {}", other.as_str()))),
    }
}

/// Withdraw and resend apply to a pending invitation, expired or not.
pub fn check_open(action: &str, stored: StoredState) -> Result<(), Denial> {
    match stored {
        StoredState::Pending => Ok(()),
        other => Err(Denial::state(action, "a pending invitation", format!("this one was {}", other.as_str()))),
    }
}

/// "expires in 2d 4h", "expires in 35m", "expired".
pub fn countdown(expires_at: OffsetDateTime, now: OffsetDateTime) -> String {
    let left = expires_at - now;
    if left <= time::Duration::ZERO {
        return "expired".to_string();
    }
    if left < time::Duration::minutes(1) {
        return format!("expires in {}s", left.whole_seconds().max(1));
    }
    let minutes = left.whole_minutes();
    let (days, hours, mins) = (minutes / (24 * 60), minutes / 60 % 24, minutes % 60);
    match (days, hours) {
        (0, 0) => format!("expires in {mins}m"),
        (0, h) => format!("expires in {h}h {mins}m"),
        (d, h) => format!("expires in {d}d {h}h"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn expiry_is_three_days_after_sending() {
        let sent = datetime!(2026-01-01 12:00:00 UTC);
        let expires = expires_at(sent);
        let second = time::Duration::seconds(1);
        assert_eq!(state_at(StoredState::Pending, expires, expires - second), InvitationState::Pending);
        assert_eq!(state_at(StoredState::Pending, expires, expires), InvitationState::Expired);
        assert_eq!(state_at(StoredState::Pending, expires, expires + second), InvitationState::Expired);
        assert_eq!(state_at(StoredState::Accepted, expires, expires + second), InvitationState::Accepted);
    }

    #[test]
    fn countdown_reads_like_a_person_would_say_it() {
        let now = datetime!(2026-01-01 12:00:00 UTC);
        assert_eq!(countdown(now + time::Duration::hours(52), now), "expires in 2d 4h");
        assert_eq!(countdown(now + time::Duration::minutes(90), now), "expires in 1h 30m");
        assert_eq!(countdown(now + time::Duration::seconds(110), now), "expires in 1m");
        assert_eq!(countdown(now + time::Duration::seconds(20), now), "expires in 20s");
        assert_eq!(countdown(now + time::Duration::milliseconds(300), now), "expires in 1s");
        assert_eq!(countdown(now, now), "expired");
        assert_eq!(countdown(now - time::Duration::days(1), now), "expired");
    }
}
