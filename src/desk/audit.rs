//! Reading the audit log: Owners and Masters read their workspace's log;
//! others read the entries of programs they can view.

use super::{
    acting_role, resolve_program, resolve_workspace, visibility, Actor, AuditEntry, Desk, DeskError, DeskResult,
    Principal,
};
use crate::domain::people::decide_operator_only;
use crate::domain::workspace_rules::reads_workspace_audit;
use crate::store;
use crate::store::audit::{AuditScope, AuditSeek};

/// Which part of the log to read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditQuery {
    pub workspace: Option<String>,
    pub program: Option<String>,
    pub text: Option<String>,
    /// Keyset paging: entries older than this id…
    pub before: Option<i64>,
    /// …or newer than this one…
    pub after: Option<i64>,
    /// …or the oldest page.
    pub oldest: bool,
    pub limit: u64,
}

impl Desk {
    /// Newest first, with each entry's id for paging on.
    pub fn audit(&self, actor: &Actor, query: &AuditQuery) -> DeskResult<Vec<(i64, AuditEntry)>> {
        let scope = audit_scope(self.conn(), actor, query)?;
        let seek = match (query.before, query.after, query.oldest) {
            (Some(id), _, _) => AuditSeek::Before(id),
            (None, Some(id), _) => AuditSeek::After(id),
            (None, None, true) => AuditSeek::Oldest,
            (None, None, false) => AuditSeek::Newest,
        };
        Ok(store::audit::page(self.conn(), &scope, seek, query.limit)?)
    }

    /// Every entry, newest first — the operator's: refused (changes
    /// nothing) for anyone else. `--workspace` and `--program` narrow it
    /// by the names the entries recorded (an app ID for a program too).
    pub fn audit_everything(&self, principal: &Principal, query: &AuditQuery) -> DeskResult<Vec<(i64, AuditEntry)>> {
        decide_operator_only(matches!(principal, Principal::Operator(_)), "Reading the whole log")?;
        let mut scope = AuditScope { everything: true, text: query.text.clone(), ..Default::default() };
        if let Some(name) = &query.workspace {
            let ws = store::workspaces::by_name(self.conn(), &crate::domain::validate::normalize(name))?
                .ok_or_else(|| DeskError::NotFound(format!("workspace '{}' not found", super::shown(name))))?;
            scope.only_workspace = Some(ws.id);
        }
        match &query.program {
            Some(program) if super::is_app_id(program) => scope.only_app_id = Some(program.clone()),
            Some(program) => scope.only_program_name = Some(crate::domain::validate::normalize(program).into_owned()),
            None => {}
        }
        Ok(store::audit::page(self.conn(), &scope, AuditSeek::Newest, query.limit)?)
    }

    /// How many entries the actor may read (walks them all: use sparingly).
    pub fn count_audit(&self, actor: &Actor, query: &AuditQuery) -> DeskResult<u64> {
        let scope = audit_scope(self.conn(), actor, query)?;
        Ok(store::audit::count(self.conn(), &scope)?)
    }
}

/// The entries `actor` may read, narrowed by `query`.
pub(super) fn audit_scope(conn: &rusqlite::Connection, actor: &Actor, query: &AuditQuery) -> DeskResult<AuditScope> {
    {
        let mut scope = AuditScope { text: query.text.clone(), ..Default::default() };
        for (ws, membership) in store::workspaces::of_user(conn, actor.id)? {
            if reads_workspace_audit(acting_role(&membership)) {
                scope.workspace_ids.push(ws.id);
            }
        }
        // Managers read whole workspaces; everyone also reads the programs
        // they are a member of (a subquery: the program list is never loaded).
        // Only when there are such programs: an OR costs an index merge and
        // a sort, where a whole workspace alone is read newest first.
        let vis = visibility(actor);
        if store::audit::member_programs_outside(conn, vis.user_id, vis.active_status, &scope.workspace_ids)? {
            scope.member = Some((vis.user_id, vis.active_status));
        }
        if let Some(name) = &query.workspace {
            scope.only_workspace = Some(resolve_workspace(conn, actor, name)?.0.id);
        }
        if let Some(program) = &query.program {
            scope.only_app_id = Some(resolve_program(conn, actor, program)?.app_id);
        }
        Ok(scope)
    }
}
