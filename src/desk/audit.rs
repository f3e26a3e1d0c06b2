//! Reading the audit log: Owners and Masters read their workspace's log;
//! others read the entries of programs they can view.

use super::{
    acting_role, resolve_program, resolve_workspace, visibility, Actor, AuditEntry, Desk,
    DeskResult,
};
use crate::domain::workspace_rules::reads_workspace_audit;
use crate::store;
use crate::store::audit::AuditScope;
use crate::store::programs::ProgramFilter;

/// Which part of the log to read.
#[derive(Debug, Clone, Default)]
pub struct AuditQuery {
    pub workspace: Option<String>,
    pub program: Option<String>,
    pub text: Option<String>,
    /// Keyset paging: entries older than this id.
    pub before: Option<i64>,
    pub limit: u64,
}

impl Desk {
    /// Newest first, with each entry's id for paging on.
    pub fn audit(&self, actor: &Actor, query: &AuditQuery) -> DeskResult<Vec<(i64, AuditEntry)>> {
        let conn = self.conn();
        let mut scope = AuditScope {
            text: query.text.clone(),
            ..Default::default()
        };
        for (ws, membership) in store::workspaces::of_user(conn, actor.id)? {
            if reads_workspace_audit(acting_role(&membership)) {
                scope.workspace_ids.push(ws.id);
            }
        }
        let readable = store::programs::visible(
            conn,
            &visibility(actor),
            &ProgramFilter::default(),
            0,
            i64::MAX as u64,
        )?;
        scope.app_ids = readable
            .into_iter()
            .filter(|p| !scope.workspace_ids.contains(&p.workspace_id))
            .map(|p| p.app_id)
            .collect();
        if let Some(name) = &query.workspace {
            scope.only_workspace = Some(resolve_workspace(conn, actor, name)?.0.id);
        }
        if let Some(program) = &query.program {
            scope.only_app_id = Some(resolve_program(conn, actor, program)?.app_id);
        }
        Ok(store::audit::page(conn, &scope, query.before, query.limit)?)
    }
}
