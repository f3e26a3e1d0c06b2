//! Registering and listing users. Registering grants nothing.

use super::{invalid, Actor, Desk, DeskError, DeskResult, Page, Principal, User, WorkspaceRole};
use crate::domain::invitation::StoredState;
use crate::domain::operation::AuditOp;
use crate::domain::people::{decide_operator_only, decide_removal, decide_standing_change, Standing};
use crate::domain::validate;
use crate::store;
use crate::store::invitations;

impl Desk {
    /// Registers oneself; `name` defaults to the login.
    pub fn add_user(&mut self, login: &str, name: Option<&str>, email: Option<&str>) -> DeskResult<User> {
        self.register_user(login, login, name, email)
    }

    /// Registers a user, audited as done `by` someone (the operator, or the
    /// person themselves).
    pub fn register_user(
        &mut self,
        by: &str,
        login: &str,
        name: Option<&str>,
        email: Option<&str>,
    ) -> DeskResult<User> {
        let login = login.to_string();
        let name = name.unwrap_or(&login).to_string();
        let email = email.map(str::to_string).filter(|e| !e.is_empty());
        let actor = by.to_string();
        self.audited(&actor, AuditOp::UserAdd, |tx, entry, now| {
            validate::login(&login).map_err(invalid)?;
            let name = validate::name("name", &name).map_err(invalid)?;
            if let Some(email) = &email {
                validate::email(email).map_err(invalid)?;
            }
            match store::users::by_login(tx, &login)?.map(|u| u.standing) {
                Some(Standing::Removed { at }) => {
                    return Err(DeskError::Conflict(format!(
                    "the login '{login}' belonged to a person removed on {}; logins are never reused — choose another",
                    at.get(..10).unwrap_or(&at)
                )))
                }
                Some(_) => return Err(DeskError::Conflict(format!("user '{login}' is already registered"))),
                None => {}
            }
            let id = store::users::insert(tx, &login, &name, email.as_deref(), now)?;
            entry.detail = format!("registered {login} ({name})");
            Ok(User { id, login: login.clone(), name: name.clone(), email: email.clone(), standing: Standing::Enabled })
        })
    }

    /// Registered people as `seen_by` may see them: over SSH a person sees
    /// only themselves and those who share a workspace with them (the
    /// server's registry, with emails, is not theirs to read).
    pub fn list_users(&self, seen_by: Option<&Actor>, page: Page) -> DeskResult<Vec<User>> {
        let sharing_with = seen_by.filter(|_| self.is_remote()).map(|actor| actor.id);
        Ok(store::users::list(self.conn(), sharing_with, page.offset, page.limit)?)
    }

    /// Registered users whose login or name contains `text`, one page.
    pub fn find_users(&self, text: Option<&str>, page: Page) -> DeskResult<Vec<User>> {
        Ok(store::users::find(self.conn(), text.unwrap_or(""), page.offset, page.limit)?)
    }

    /// Registered users matching `text`, each with why they cannot be
    /// invited to `workspace` (already a member, already invited), if so.
    pub fn find_invitees(
        &self,
        actor: &Actor,
        workspace: &str,
        text: Option<&str>,
        page: Page,
    ) -> DeskResult<Vec<(User, Option<String>)>> {
        let (ws, _) = super::resolve_workspace(self.conn(), actor, workspace)?;
        // Over SSH a team's Owner may not enumerate the server's registry:
        // only people who share a workspace with them, or an exact login.
        let sharing_with = self.is_remote().then_some(actor.id);
        let rows = store::users::find_in_workspace(
            self.conn(),
            ws.id,
            text.unwrap_or(""),
            sharing_with,
            page.offset,
            page.limit,
        )?;
        Ok(rows
            .into_iter()
            .map(|(user, membership, pending)| {
                // A disabled person's standing is what they are, whatever
                // their membership's own status says.
                let standing = user.standing.clone();
                let why = match (membership, pending) {
                    (Some((role, status)), _) => {
                        let role = WorkspaceRole::parse(&role).map(|r| r.title()).unwrap_or("?");
                        Some(match standing.is_enabled() {
                            true => format!("already a member ({role}, {status})"),
                            false => format!("{}: already a member ({role})", standing.as_str()),
                        })
                    }
                    (None, true) => Some("already invited".to_string()),
                    (None, false) => crate::domain::people::decide_invitee(&user.login, &standing).err(),
                };
                (user, why)
            })
            .collect())
    }

    pub fn count_users(&self) -> DeskResult<u64> {
        Ok(store::users::count(self.conn())?)
    }

    /// Disables a person (the operator's): their keys are refused, their
    /// open sessions end within a second, they can do nothing; their
    /// memberships stay, so enabling restores them.
    pub fn disable_user(&mut self, principal: &Principal, login: &str, reason: Option<&str>) -> DeskResult<User> {
        let by = principal.logged_as();
        let reason = reason.map(str::to_string).filter(|r| !r.is_empty());
        self.audited(&by, AuditOp::UserDisable, |tx, entry, now| {
            entry.detail = format!("disable {}", super::shown(login));
            decide_operator_only(matches!(principal, Principal::Operator(_)), "Disabling a person")?;
            if let Some(reason) = &reason {
                validate::name("reason", reason).map_err(invalid)?;
            }
            let user = registered(tx, login)?;
            decide_standing_change(login, &user.standing, true)?;
            store::users::set_disabled(tx, user.id, Some((now, &by, reason.as_deref())))?;
            entry.detail = match &reason {
                Some(reason) => format!("disabled {login}: {reason}"),
                None => format!("disabled {login}"),
            };
            registered(tx, login)
        })
    }

    /// Enables a disabled person again: their memberships and keys work
    /// as before.
    pub fn enable_user(&mut self, principal: &Principal, login: &str) -> DeskResult<User> {
        let by = principal.logged_as();
        self.audited(&by, AuditOp::UserEnable, |tx, entry, _now| {
            entry.detail = format!("enable {}", super::shown(login));
            decide_operator_only(matches!(principal, Principal::Operator(_)), "Enabling a person")?;
            let user = registered(tx, login)?;
            decide_standing_change(login, &user.standing, false)?;
            store::users::set_disabled(tx, user.id, None)?;
            entry.detail = format!("enabled {login}");
            registered(tx, login)
        })
    }

    /// Removes a person (the operator's), refused while they own a
    /// workspace: in one transaction their keys, their memberships (with
    /// their program memberships, as removing a workspace member does) and
    /// their pending invitations go, and their sessions end. The log keeps
    /// what they did.
    pub fn remove_user(&mut self, principal: &Principal, login: &str) -> DeskResult<User> {
        let by = principal.logged_as();
        self.audited(&by, AuditOp::UserRemove, |tx, entry, now| {
            entry.detail = format!("remove {}", super::shown(login));
            decide_operator_only(matches!(principal, Principal::Operator(_)), "Removing a person")?;
            let user = registered(tx, login)?;
            if let Standing::Removed { .. } = user.standing {
                return Err(DeskError::NotFound(format!("user '{}' is not registered", super::shown(login))));
            }
            let memberships = store::workspaces::of_user(tx, user.id)?;
            let owned: Vec<String> = memberships
                .iter()
                .filter(|(_, m)| m.role == WorkspaceRole::Owner)
                .map(|(ws, _)| ws.name.clone())
                .collect();
            decide_removal(login, &owned)?;
            for (ws, _) in &memberships {
                store::workspaces::remove_member(tx, ws.id, user.id)?;
            }
            let mut withdrawn = 0;
            for invitation in invitations::of_user(tx, user.id)? {
                if invitation.state == StoredState::Pending {
                    invitations::decide(tx, invitation.id, StoredState::Withdrawn, now)?;
                    withdrawn += 1;
                }
            }
            let keys = store::keys::list(tx, Some(user.id))?;
            for key in &keys {
                store::keys::remove(tx, &key.fingerprint)?;
            }
            store::sessions::end_all_of(tx, user.id, &by, now)?;
            store::users::set_removed(tx, user.id, now)?;
            entry.detail = format!(
                "removed {login}: {} workspace memberships, {withdrawn} pending invitations, {} keys",
                memberships.len(),
                keys.len()
            );
            registered(tx, login)
        })
    }
}

/// A registered person by login (any standing), or not found.
fn registered(conn: &rusqlite::Connection, login: &str) -> DeskResult<User> {
    store::users::by_login(conn, login)?
        .ok_or_else(|| DeskError::NotFound(format!("user '{}' is not registered", super::shown(login))))
}
