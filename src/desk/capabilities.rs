//! For every operation: allowed, or the `Denial` that says why not. The
//! console grays actions out from this answer; the CLI prints it.

use super::{access_of, acting_role, facts_of, resolve_program, resolve_workspace, Actor, Desk, DeskResult, Operation};
use crate::domain::permission::{decide, decide_create_program};
use crate::domain::Denial;
use crate::store::records::ProgramRow;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Capability {
    pub operation: Operation,
    pub decision: Result<(), Denial>,
}

impl Capability {
    pub fn allowed(&self) -> bool {
        self.decision.is_ok()
    }

    pub fn reason(&self) -> Option<String> {
        self.decision.as_ref().err().map(|d| d.to_string())
    }
}

/// What the actor may do in a workspace as a whole.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkspaceCapabilities {
    pub create_program: Result<(), Denial>,
}

impl Desk {
    /// Every program operation, in the seed's order, allowed or denied.
    pub fn capabilities(&self, actor: &Actor, program: &str) -> DeskResult<Vec<Capability>> {
        let row = resolve_program(self.conn(), actor, program)?;
        Ok(capabilities_of(&row, self.read_only))
    }

    pub fn workspace_capabilities(&self, actor: &Actor, workspace: &str) -> DeskResult<WorkspaceCapabilities> {
        let (_, membership) = resolve_workspace(self.conn(), actor, workspace)?;
        Ok(WorkspaceCapabilities { create_program: decide_create_program(acting_role(&membership), self.read_only) })
    }
}

pub(super) fn capabilities_of(row: &ProgramRow, read_only: bool) -> Vec<Capability> {
    let access = access_of(row, read_only);
    let facts = facts_of(row);
    Operation::ALL
        .iter()
        .map(|&operation| Capability { operation, decision: decide(&access, operation, &facts) })
        .collect()
}
