//! Registering and listing users. Registering grants nothing.

use super::{invalid, Actor, Desk, DeskError, DeskResult, Page, User, WorkspaceRole};
use crate::domain::validate;
use crate::store;

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
        self.audited(&actor, "user_add", |tx, entry, now| {
            validate::login(&login).map_err(invalid)?;
            let name = validate::name("name", &name).map_err(invalid)?;
            if let Some(email) = &email {
                validate::email(email).map_err(invalid)?;
            }
            if store::users::by_login(tx, &login)?.is_some() {
                return Err(DeskError::Conflict(format!("user '{login}' is already registered")));
            }
            let id = store::users::insert(tx, &login, &name, email.as_deref(), now)?;
            entry.detail = format!("registered {login} ({name})");
            Ok(User { id, login: login.clone(), name: name.clone(), email: email.clone() })
        })
    }

    pub fn list_users(&self, page: Page) -> DeskResult<Vec<User>> {
        Ok(store::users::list(self.conn(), page.offset, page.limit)?)
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
        let rows = store::users::find_in_workspace(self.conn(), ws.id, text.unwrap_or(""), page.offset, page.limit)?;
        Ok(rows
            .into_iter()
            .map(|(user, membership, pending)| {
                let why = match (membership, pending) {
                    (Some((role, status)), _) => Some(format!(
                        "already a member ({}, {status})",
                        WorkspaceRole::parse(&role).map(|r| r.title()).unwrap_or("?")
                    )),
                    (None, true) => Some("already invited".to_string()),
                    (None, false) => None,
                };
                (user, why)
            })
            .collect())
    }

    pub fn count_users(&self) -> DeskResult<u64> {
        Ok(store::users::count(self.conn())?)
    }
}
