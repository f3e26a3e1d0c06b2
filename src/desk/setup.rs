//! `mpdesk setup`: the first Owner of a new server in one step (the
//! operator's) — registered, with their key, and their workspace — each
//! part only if it is not there yet, so running it again changes nothing.

use super::{invalid, Desk, DeskError, DeskResult, Principal, WorkspaceRole};
use crate::domain::keys::parse_public_key;
use crate::domain::operation::AuditOp;
use crate::domain::people::{decide_operator_only, Standing};
use crate::store;
use serde::Serialize;

/// What `setup` did; all false: everything was there already.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SetupReport {
    pub registered: bool,
    pub key_added: bool,
    pub workspace_created: bool,
    /// The key's fingerprint, as `ssh-keygen -l` prints it.
    pub fingerprint: String,
}

impl SetupReport {
    pub fn changed(&self) -> bool {
        self.registered || self.key_added || self.workspace_created
    }
}

impl Desk {
    /// Registers `owner` (with `name`), adds their key, and creates
    /// `workspace` with them as its Owner — what is missing of these, in
    /// one transaction, each audited as the operator's.
    pub fn setup(
        &mut self,
        principal: &Principal,
        owner: &str,
        name: Option<&str>,
        key_text: &str,
        workspace: Option<&str>,
    ) -> DeskResult<SetupReport> {
        let by = principal.logged_as();
        if let Err(denial) = decide_operator_only(matches!(principal, Principal::Operator(_)), "Setting up a server") {
            let _ = self.record_refusal(&by, AuditOp::Setup, &denial.to_string());
            return Err(denial.into());
        }
        let key = parse_public_key(key_text).map_err(invalid)?;
        self.all_or_nothing(|desk| {
            let mut report = SetupReport { fingerprint: key.fingerprint.clone(), ..SetupReport::default() };
            match store::users::by_login(desk.conn(), owner)?.map(|u| u.standing) {
                None => {
                    desk.register_user(&by, owner, name, None)?;
                    report.registered = true;
                }
                Some(Standing::Enabled) => {}
                Some(_) => {
                    return Err(DeskError::Conflict(format!("{owner} is disabled or removed; see mpdesk user list")))
                }
            }
            match store::keys::by_fingerprint(desk.conn(), &key.fingerprint)? {
                None => {
                    desk.add_key(principal, owner, key_text, None, false)?;
                    report.key_added = true;
                }
                Some(existing) if existing.login == owner => {}
                Some(_) => return Err(DeskError::Conflict("that key belongs to another person".to_string())),
            }
            if let Some(workspace) = workspace {
                let actor = desk.actor(owner)?;
                match store::workspaces::by_name(desk.conn(), &crate::domain::validate::normalize(workspace))? {
                    None => {
                        desk.create_workspace_by(&by, &actor, workspace)?;
                        report.workspace_created = true;
                    }
                    Some(ws) => {
                        let membership = store::workspaces::membership(desk.conn(), ws.id, actor.id)?;
                        if membership.map(|m| m.role) != Some(WorkspaceRole::Owner) {
                            return Err(DeskError::Conflict(format!(
                                "the workspace {} exists and {owner} is not its Owner; choose another name",
                                ws.name
                            )));
                        }
                    }
                }
            }
            Ok(report)
        })
    }
}
