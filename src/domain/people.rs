//! People on the server (domain.md, 2026-12-01): only the operator
//! registers, disables, enables and removes them. A disabled person keeps
//! their memberships and can do nothing; a person who owns a workspace
//! cannot be removed.

use super::Denial;

/// Where a registered person stands with the operator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Standing {
    Enabled,
    Disabled { at: String, by: String, reason: Option<String> },
    Removed { at: String },
}

impl Standing {
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Enabled => "enabled",
            Self::Disabled { .. } => "disabled",
            Self::Removed { .. } => "removed",
        }
    }

    pub fn is_enabled(&self) -> bool {
        *self == Self::Enabled
    }
}

/// "Only the operator …" (people, sessions, the whole log): `operator` is
/// whether the one asking runs mpdesk on the server's own account without
/// a key or `--user`. Workspace roles grant nothing here.
pub fn decide_operator_only(operator: bool, action: &str) -> Result<(), Denial> {
    if operator {
        return Ok(());
    }
    Err(Denial::role(
        action,
        "the operator (the server's own account, run without --user)".to_string(),
        "you act as a person; workspace roles grant nothing over people, sessions or the whole log".to_string(),
    ))
}

/// A person may act only while enabled.
pub fn decide_acting(login: &str, standing: &Standing) -> Result<(), Denial> {
    match standing {
        Standing::Enabled => Ok(()),
        Standing::Disabled { at, by, reason } => Err(Denial::session(
            "Acting",
            "an enabled person",
            format!("{login} was disabled by {by} on {}{}; ask the operator", day(at), because(reason)),
        )),
        Standing::Removed { at } => {
            Err(Denial::session("Acting", "a registered person", format!("{login} was removed on {}", day(at))))
        }
    }
}

/// A disabled person cannot connect, so an invitation would wait for
/// nothing: they are invited once the operator enables them.
pub fn decide_invitee(login: &str, standing: &Standing) -> Result<(), String> {
    match standing {
        Standing::Enabled => Ok(()),
        Standing::Disabled { .. } => {
            Err(format!("{login} is disabled by the operator; they can be invited once the operator enables them"))
        }
        Standing::Removed { .. } => Err(format!("{login} was removed from this server")),
    }
}

/// Removing a person is refused while they own a workspace (domain.md):
/// every workspace has exactly one Owner.
pub fn decide_removal(login: &str, owned: &[String]) -> Result<(), Denial> {
    if owned.is_empty() {
        return Ok(());
    }
    Err(Denial::state(
        "Removing a person",
        "them to own no workspace",
        format!(
            "{login} owns {}; transfer it first (mpdesk --user {login} workspace transfer WORKSPACE LOGIN)",
            owned.join(", ")
        ),
    ))
}

/// Disabling someone already disabled, or enabling someone enabled,
/// changes nothing: say so rather than log a change that was not one.
pub fn decide_standing_change(login: &str, standing: &Standing, disable: bool) -> Result<(), Denial> {
    match (standing, disable) {
        (Standing::Enabled, true) | (Standing::Disabled { .. }, false) => Ok(()),
        (Standing::Disabled { .. }, true) => {
            Err(Denial::state("Disabling", "an enabled person", format!("{login} is already disabled")))
        }
        (Standing::Enabled, false) => {
            Err(Denial::state("Enabling", "a disabled person", format!("{login} is not disabled")))
        }
        (Standing::Removed { .. }, _) => Err(Denial::state(
            if disable { "Disabling" } else { "Enabling" },
            "a registered person",
            format!("{login} was removed"),
        )),
    }
}

/// The date of an RFC 3339 instant.
fn day(at: &str) -> &str {
    at.get(..10).unwrap_or(at)
}

fn because(reason: &Option<String>) -> String {
    match reason {
        Some(reason) if !reason.is_empty() => format!(" ({reason})"),
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_operator_changes_people() {
        assert!(decide_operator_only(true, "Disabling a person").is_ok());
        let denial = decide_operator_only(false, "Disabling a person").expect_err("a person");
        assert!(denial.to_string().contains("the operator"), "{denial}");
    }

    #[test]
    fn a_disabled_or_removed_person_cannot_act() {
        assert!(decide_acting("dana", &Standing::Enabled).is_ok());
        let disabled = Standing::Disabled {
            at: "2026-12-01T10:00:00Z".into(),
            by: "root".into(),
            reason: Some("left the team".into()),
        };
        let denial = decide_acting("dana", &disabled).expect_err("disabled");
        assert_eq!(
            denial.to_string(),
            "Acting needs an enabled person; dana was disabled by root on 2026-12-01 (left the team); ask the operator"
        );
        assert!(decide_acting("dana", &Standing::Removed { at: "2026-12-01T10:00:00Z".into() }).is_err());
    }

    #[test]
    fn an_owner_cannot_be_removed() {
        assert!(decide_removal("nora", &[]).is_ok());
        let denial = decide_removal("olivia", &["Acme".to_string()]).expect_err("owner");
        assert!(denial.to_string().contains("olivia owns Acme; transfer it first"), "{denial}");
    }

    #[test]
    fn a_change_of_standing_must_change_something() {
        let disabled = Standing::Disabled { at: "t".into(), by: "root".into(), reason: None };
        assert!(decide_standing_change("d", &Standing::Enabled, true).is_ok());
        assert!(decide_standing_change("d", &disabled, false).is_ok());
        assert!(decide_standing_change("d", &disabled, true).is_err());
        assert!(decide_standing_change("d", &Standing::Enabled, false).is_err());
        assert!(decide_standing_change("d", &Standing::Removed { at: "t".into() }, false).is_err());
    }
}
