//! Undo: an audit entry's change taken back, by the same rules that allow
//! the change itself for the person who asks, in one transaction, audited
//! as an undo that names the entry it reverts (undoing an undo is a redo).
//! It refuses when the world moved on: the rows must still be what the
//! entry's "after" says, byte for byte.

use super::{
    access_of, acting_role, audit::audit_scope, facts_of, resolve_program, resolve_workspace, Actor, AuditEntry,
    AuditQuery, Desk, DeskError, DeskResult,
};
use crate::domain::operation::AuditOp;
use crate::domain::people::Standing;
use crate::domain::permission::{decide, decide_member_removal, Operation};
use crate::domain::undo as rules;
use crate::domain::workspace_rules::{decide_member_action, decide_workspace_change, MemberAction, WorkspaceChange};
use crate::domain::{MemberStatus, WorkspaceRole};
use crate::store;
use crate::store::records::ProgramRow;
use crate::store::undo::{Column, Kept, Key, Part, ProgramField, Row, Table, Undo};
use rusqlite::Connection;
use serde::Serialize;

/// What undoing an entry does (or did).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UndoPlan {
    /// The entry taken back.
    pub id: i64,
    /// Its operation ("member_remove", or "undo" for a redo).
    pub operation: String,
    pub redo: bool,
    /// Each change, in words: "add dana to Coffee Club".
    pub changes: Vec<String>,
    #[serde(skip)]
    parts: Vec<Part>,
    #[serde(skip)]
    entry: store::undo::Entry,
}

/// Watches what a use case is about to change, so that its audit entry
/// can say how to take it back.
#[derive(Debug, Default)]
pub(super) struct Capture {
    watched: Vec<Watch>,
}

#[derive(Debug)]
enum Watch {
    Rows(Key, Vec<Row>),
    Field(i64, ProgramField, serde_json::Value),
    Version(i64, String),
    WorkspaceName(i64, String),
}

impl Capture {
    /// Remember these rows as they are now.
    pub fn rows(&mut self, conn: &Connection, key: Key) -> DeskResult<()> {
        let before = store::undo::rows(conn, &key)?;
        self.watched.push(Watch::Rows(key, before));
        Ok(())
    }

    /// Rows that did not exist before (found by a key known only after).
    pub fn created(&mut self, key: Key) {
        self.watched.push(Watch::Rows(key, Vec::new()));
    }

    pub fn field(&mut self, conn: &Connection, program_id: i64, field: ProgramField) -> DeskResult<()> {
        let before = store::undo::program_field(conn, program_id, field)?.unwrap_or_default();
        self.watched.push(Watch::Field(program_id, field, before));
        Ok(())
    }

    pub fn version(&mut self, conn: &Connection, version_id: i64) -> DeskResult<()> {
        if let Some((state, _)) = store::undo::version_state(conn, version_id)? {
            self.watched.push(Watch::Version(version_id, state));
        }
        Ok(())
    }

    pub fn workspace_name(&mut self, conn: &Connection, workspace_id: i64) -> DeskResult<()> {
        if let Some(name) = store::undo::workspace(conn, workspace_id)? {
            self.watched.push(Watch::WorkspaceName(workspace_id, name));
        }
        Ok(())
    }

    /// The entry's undo record: every watched part that changed.
    pub fn finish(self, conn: &Connection) -> DeskResult<String> {
        let mut parts = Vec::new();
        for watch in self.watched {
            let part = match watch {
                Watch::Rows(key, before) => {
                    let after = store::undo::rows(conn, &key)?;
                    Part::Rows { key, before, after }
                }
                Watch::Field(program_id, field, before) => {
                    let after = store::undo::program_field(conn, program_id, field)?.unwrap_or_default();
                    Part::Program { program_id, field, before, after }
                }
                Watch::Version(version_id, before) => {
                    let after = store::undo::version_state(conn, version_id)?.map(|(s, _)| s).unwrap_or_default();
                    Part::VersionState { version_id, before, after }
                }
                Watch::WorkspaceName(workspace_id, before) => {
                    let after = store::undo::workspace(conn, workspace_id)?.unwrap_or_default();
                    Part::WorkspaceName { workspace_id, before, after }
                }
            };
            if part.changes() {
                parts.push(part);
            }
        }
        Ok(Undo::Parts(parts).to_json())
    }
}

/// The record of a change that cannot be undone.
pub(super) fn not_reversible(reason: &str) -> String {
    Undo::Not(reason.to_string()).to_json()
}

impl Desk {
    /// What undoing entry `id` would change, or why it cannot be undone
    /// now by this actor; changes nothing.
    pub fn undo_plan(&self, actor: &Actor, id: i64) -> DeskResult<UndoPlan> {
        plan(self.conn(), actor, id, self.read_only)
    }

    /// Undoes entry `id` (an undo entry: redoes it), in one transaction,
    /// audited as an undo naming `id`.
    pub fn undo(&mut self, actor: &Actor, id: i64) -> DeskResult<UndoPlan> {
        let read_only = self.read_only;
        let redo =
            store::undo::entry(self.conn(), id)?.is_some_and(|e| AuditOp::parse(&e.operation) == Some(AuditOp::Undo));
        let operation = if redo { AuditOp::Redo } else { AuditOp::Undo };
        self.audited(&actor.login, operation, |tx, entry, _now| {
            // Filed under the entry's workspace and program (refused or
            // not) once the actor may see it at all.
            let original = visible_entry(tx, actor, id)?;
            entry.workspace_id = original.workspace_id;
            entry.workspace = original.workspace.clone();
            entry.program_app_id = original.app_id.clone();
            entry.program = original.program.clone();
            let plan = plan(tx, actor, id, read_only)?;
            entry.reverts = Some(id);
            apply(tx, &plan.parts)?;
            let verb = if plan.redo { "redid" } else { "undid" };
            entry.detail = format!("{verb} #{id} ({}): {}", plan.operation, plan.changes.join("; "));
            // What this entry changed is the inverse: undoing it redoes.
            entry.undo = Some(Undo::Parts(plan.parts.clone()).to_json());
            Ok(plan)
        })
    }

    /// The actor's newest change in the workspace that `z` would undo
    /// (with `redo`, the newest undo that `Z` would redo).
    pub fn last_undoable(&self, actor: &Actor, workspace: &str, redo: bool) -> DeskResult<Option<i64>> {
        let (ws, _) = resolve_workspace(self.conn(), actor, workspace)?;
        Ok(store::undo::last_own(self.conn(), &actor.login, ws.id, redo)?)
    }

    /// Why entry `id` can be undone by this actor now (`None`), or why not.
    pub fn undo_refusal(&self, actor: &Actor, id: i64) -> DeskResult<Option<String>> {
        refusal(self.undo_plan(actor, id))
    }

    /// A page of the log (as `audit` reads it), each entry with why this
    /// actor could not undo it now (`None`: they could). The page is read
    /// from the actor's own scope, so no entry's visibility is asked again:
    /// the check costs what the entry's own undo record does.
    pub fn audit_with_undo(
        &self,
        actor: &Actor,
        query: &AuditQuery,
    ) -> DeskResult<Vec<(i64, AuditEntry, Option<String>)>> {
        let conn = self.conn();
        // One read transaction: one snapshot, and one lock taken, not one
        // a query (a thousand entries took a thousand file locks).
        let snapshot = conn.unchecked_transaction()?;
        let page = self.audit(actor, query)?;
        // Which entries kept an undo record, in one statement: the others
        // are answered from the page (as `plan_entry` would answer them).
        let ids: Vec<i64> = page.iter().map(|(id, _)| *id).collect();
        let recorded = store::undo::with_record(conn, &ids)?;
        let mut rows = Vec::with_capacity(page.len());
        for (id, entry) in page {
            let why = if entry.outcome != "ok" {
                Some(cannot(id, &entry.operation, rules::REFUSED).to_string())
            } else if !recorded.contains(&id) {
                Some(cannot(id, &entry.operation, rules::RECORDED_BEFORE_UNDO).to_string())
            } else {
                let stored = store::undo::entry(conn, id)?
                    .ok_or_else(|| DeskError::NotFound(format!("audit entry #{id} not found")))?;
                refusal(plan_entry(conn, actor, stored, self.read_only))?
            };
            rows.push((id, entry, why));
        }
        snapshot.finish()?;
        Ok(rows)
    }
}

fn refusal(plan: DeskResult<UndoPlan>) -> DeskResult<Option<String>> {
    match plan {
        Ok(_) => Ok(None),
        Err(e) if e.is_storage() => Err(e),
        Err(e) => Ok(Some(e.to_string())),
    }
}

fn cannot(id: i64, operation: &str, reason: &str) -> DeskError {
    DeskError::Invalid(format!("#{id} ({operation}) cannot be undone: {reason}"))
}

/// Entry `id`, if the actor may read it; one they may not answers as one
/// that does not exist.
fn visible_entry(conn: &Connection, actor: &Actor, id: i64) -> DeskResult<store::undo::Entry> {
    let missing = || DeskError::NotFound(format!("audit entry #{id} not found"));
    let entry = store::undo::entry(conn, id)?.ok_or_else(missing)?;
    let scope = audit_scope(conn, actor, &AuditQuery::default())?;
    if !store::audit::holds(conn, &scope, id)? {
        return Err(missing());
    }
    Ok(entry)
}

fn plan(conn: &Connection, actor: &Actor, id: i64, read_only: bool) -> DeskResult<UndoPlan> {
    plan_entry(conn, actor, visible_entry(conn, actor, id)?, read_only)
}

/// The plan for an entry the actor may read.
fn plan_entry(conn: &Connection, actor: &Actor, entry: store::undo::Entry, read_only: bool) -> DeskResult<UndoPlan> {
    let id = entry.id;
    let op = entry.operation.clone();
    if entry.outcome != "ok" {
        return Err(cannot(id, &op, rules::REFUSED));
    }
    let record = entry.undo.as_deref().ok_or_else(|| cannot(id, &op, rules::RECORDED_BEFORE_UNDO))?;
    let record: Undo = serde_json::from_str(record).map_err(|_| cannot(id, &op, "its undo record is unreadable"))?;
    let parts = match record {
        Undo::Not(reason) => return Err(cannot(id, &op, &reason)),
        Undo::Parts(_) if entry.via == rules::DEMO_DATA_VIA => return Err(cannot(id, &op, rules::DEMO_DATA)),
        Undo::Parts(parts) => parts,
    };
    if let Some(by) = store::undo::reverted_by(conn, id)? {
        return Err(DeskError::Conflict(format!("#{id} was already undone by #{by} (undo #{by} to redo it)")));
    }
    // Taken back in the reverse order it was done.
    let inverse: Vec<Part> = parts.iter().rev().map(Part::inverse).collect();
    let names = Names { conn };
    for part in &inverse {
        allowed(conn, actor, &entry, part, read_only)?;
    }
    for part in &inverse {
        still_as_left(conn, &names, part, &inverse)?;
    }
    let changes = inverse.iter().map(|p| names.describe(p)).collect::<DeskResult<Vec<_>>>()?;
    Ok(UndoPlan { id, redo: AuditOp::parse(&op) == Some(AuditOp::Undo), operation: op, changes, parts: inverse, entry })
}

/// Writes each part's "after" (an inverse part's after is the old state).
/// A version becomes live only once the others have stopped being.
fn apply(conn: &Connection, parts: &[Part]) -> DeskResult<()> {
    let mut ordered: Vec<&Part> = parts.iter().collect();
    ordered.sort_by_key(|p| matches!(p, Part::VersionState { after, .. } if after == "live"));
    for part in ordered {
        match part {
            Part::Rows { key, after, .. } => store::undo::put_rows(conn, key, after)?,
            Part::Program { program_id, field, after, .. } => {
                store::undo::set_program_field(conn, *program_id, *field, after)?
            }
            Part::VersionState { version_id, after, .. } => store::undo::set_version_state(conn, *version_id, after)?,
            Part::WorkspaceName { workspace_id, after, .. } => store::workspaces::rename(conn, *workspace_id, after)?,
        }
    }
    Ok(())
}

/// A workspace member row: (role, status).
fn member(row: Option<&Row>) -> Option<(WorkspaceRole, MemberStatus)> {
    let row = Kept::new(Table::WorkspaceMembers, row?);
    let role = WorkspaceRole::parse(row.text(Column::Role)?)?;
    let status = MemberStatus::parse(row.text(Column::Status)?)?;
    Some((role, status))
}

/// An invitation row: (role, state).
fn invitation(row: Option<&Row>) -> Option<(WorkspaceRole, String)> {
    let row = Kept::new(Table::Invitations, row?);
    Some((WorkspaceRole::parse(row.text(Column::Role)?)?, row.text(Column::State)?.to_string()))
}

/// The origins of kept domain rows.
fn origins(rows: &[Row]) -> Vec<String> {
    rows.iter().filter_map(|r| Kept::new(Table::ProgramDomains, r).text(Column::Origin).map(str::to_string)).collect()
}

/// A kept invitation's column.
fn invitation_int(row: Option<&Row>, column: Column) -> Option<i64> {
    Kept::new(Table::Invitations, row?).int(column)
}

/// The program an entry is about, as the actor stands in it now.
fn program_of(conn: &Connection, actor: &Actor, entry: &store::undo::Entry) -> DeskResult<ProgramRow> {
    let app_id = entry.app_id.as_deref().unwrap_or_default();
    resolve_program(conn, actor, app_id).map_err(|e| match e {
        DeskError::NotFound(_) => DeskError::Conflict(format!(
            "{} no longer exists (or you no longer see it)",
            entry.program.as_deref().unwrap_or("the mini program")
        )),
        other => other,
    })
}

/// The actor's acting role in a workspace, by its id.
fn role_in(conn: &Connection, actor: &Actor, workspace_id: i64) -> DeskResult<Option<WorkspaceRole>> {
    let name = store::undo::workspace(conn, workspace_id)?
        .ok_or_else(|| DeskError::Conflict("the workspace no longer exists".to_string()))?;
    let (_, membership) = resolve_workspace(conn, actor, &name)?;
    Ok(acting_role(&membership))
}

/// The permission table's answer for this part, for the person who asks:
/// the rule of the change that would do the same thing.
fn allowed(
    conn: &Connection,
    actor: &Actor,
    entry: &store::undo::Entry,
    part: &Part,
    read_only: bool,
) -> DeskResult<()> {
    let program_rule = |op: Operation| -> DeskResult<ProgramRow> {
        let row = program_of(conn, actor, entry)?;
        decide(&access_of(&row, read_only), op, &facts_of(&row))?;
        Ok(row)
    };
    match part {
        Part::Rows { key: Key::ProgramMember { user_id, .. }, after, .. } => {
            let row = program_rule(Operation::AddMembers)?;
            if after.is_empty() {
                // Taking someone off a program: the removal rule.
                let login = store::undo::login(conn, *user_id)?.unwrap_or_default();
                let target = store::workspaces::membership(conn, row.workspace_id, *user_id)?;
                let role = target.map(|m| m.role).unwrap_or(WorkspaceRole::Developer);
                decide_member_removal(&access_of(&row, read_only), &facts_of(&row), &login, true, role)?;
            }
        }
        Part::Rows { key: Key::Domains { .. }, .. } => {
            program_rule(Operation::Configure)?;
        }
        Part::Program { field, after, .. } => {
            let op = match field {
                ProgramField::Name | ProgramField::Description => Operation::Edit,
                ProgramField::ClientId | ProgramField::MerchantId => Operation::Configure,
                ProgramField::Status if after == "released" => Operation::Release,
                ProgramField::Status => Operation::TakeOffline,
            };
            program_rule(op)?;
        }
        Part::VersionState { after, .. } => {
            program_rule(if after == "live" { Operation::Release } else { Operation::TakeOffline })?;
        }
        Part::WorkspaceName { workspace_id, .. } => {
            let role = role_in(conn, actor, *workspace_id)?;
            decide_workspace_change(role, WorkspaceChange::Rename, (0, 0, 0), read_only)?;
        }
        Part::Rows { key: Key::WorkspaceMember { workspace_id, .. }, before, after } => {
            let actor_role = role_in(conn, actor, *workspace_id)?;
            let decide = |action, target, new| decide_member_action(actor_role, action, target, new, read_only);
            match (member(before.first()), member(after.first())) {
                (None, Some((role, _))) => decide(MemberAction::Add, role, None)?,
                (Some((role, _)), None) => decide(MemberAction::Remove, role, None)?,
                (Some((from, was)), Some((to, will))) => {
                    if from != to {
                        decide(MemberAction::ChangeRole, from, Some(to))?;
                    }
                    if was != will {
                        let action =
                            if will == MemberStatus::Blocked { MemberAction::Block } else { MemberAction::Unblock };
                        decide(action, to, None)?;
                    }
                }
                (None, None) => {}
            }
        }
        // Rides with the workspace membership it belongs to.
        Part::Rows { key: Key::MemberPrograms { .. }, .. } => {}
        Part::Rows { key: Key::Invitation { .. }, before, after } => {
            let workspace_id =
                invitation_int(before.first().or(after.first()), Column::WorkspaceId).unwrap_or_default();
            let actor_role = role_in(conn, actor, workspace_id)?;
            match (invitation(before.first()), invitation(after.first())) {
                (_, Some((role, state))) if state == "pending" => {
                    decide_member_action(actor_role, MemberAction::Invite, role, None, read_only)?
                }
                (Some((role, _)), _) | (None, Some((role, _))) => {
                    decide_member_action(actor_role, MemberAction::Withdraw, role, None, read_only)?
                }
                (None, None) => {}
            }
        }
    }
    Ok(())
}

/// Refuses, saying what differs, unless the part's rows are still as the
/// change left them — and what it puts back can stand today.
fn still_as_left(conn: &Connection, names: &Names<'_>, part: &Part, plan: &[Part]) -> DeskResult<()> {
    let moved = |what: String| Err(DeskError::Conflict(format!("the data changed since: {what}; nothing was undone")));
    match part {
        Part::Rows { key, before, after } => {
            let now = store::undo::rows(conn, key)?;
            if !store::undo::same_rows(&now, before) {
                return moved(names.rows_moved(key, before, &now)?);
            }
            restorable(conn, names, key, after, plan)?;
        }
        Part::Program { program_id, field, before, after } => {
            let (_, program) = names.program(*program_id)?;
            match store::undo::program_field(conn, *program_id, *field)? {
                None => return moved(format!("{program} no longer exists")),
                Some(now) if now != *before => {
                    return moved(format!("{program}'s {} is now {}", field.title(), shown_value(&now)))
                }
                Some(_) => {}
            }
            if *field == ProgramField::Name {
                let name = after.as_str().unwrap_or_default();
                let workspace_id = store::undo::program_workspace(conn, *program_id)?.unwrap_or_default();
                if store::programs::name_taken(conn, workspace_id, name, Some(*program_id))? {
                    return moved(format!("another mini program is now named {name:?}"));
                }
            }
        }
        Part::VersionState { version_id, before, .. } => match store::undo::version_state(conn, *version_id)? {
            None => return moved("the version no longer exists".to_string()),
            Some((now, version)) if now != *before => {
                return moved(format!("version {version} is now {now}, not {before}"))
            }
            Some(_) => {}
        },
        Part::WorkspaceName { workspace_id, before, after } => {
            match store::undo::workspace(conn, *workspace_id)? {
                Some(now) if now != *before => return moved(format!("the workspace is now named {now:?}")),
                None => return moved("the workspace no longer exists".to_string()),
                Some(_) => {}
            }
            if store::workspaces::by_name(conn, after)?.is_some_and(|w| w.id != *workspace_id) {
                return moved(format!("another workspace is now named {after:?}"));
            }
        }
    }
    Ok(())
}

/// A person's workspace membership once the plan is applied: the plan's
/// own part for it if it has one, else as it is now.
fn membership_after(
    conn: &Connection,
    plan: &[Part],
    workspace_id: i64,
    user_id: i64,
) -> DeskResult<Option<(WorkspaceRole, MemberStatus)>> {
    let key = Key::WorkspaceMember { workspace_id, user_id };
    let planned = plan.iter().find_map(|p| match p {
        Part::Rows { key: k, after, .. } if *k == key => Some(member(after.first())),
        _ => None,
    });
    match planned {
        Some(target) => Ok(target),
        None => Ok(store::workspaces::membership(conn, workspace_id, user_id)?.map(|m| (m.role, m.status))),
    }
}

/// What a part puts back must be allowed to exist once the plan is done:
/// a program member must be an Active Developer of the workspace; a
/// pending invitation needs its invitee not to be a member, nor invited
/// again.
fn restorable(conn: &Connection, names: &Names<'_>, key: &Key, rows: &[Row], plan: &[Part]) -> DeskResult<()> {
    let conflict = |what: String| Err(DeskError::Conflict(format!("{what}; nothing was undone")));
    // Nothing comes back for a person the operator removed from the server.
    let person = match key {
        Key::ProgramMember { user_id, .. }
        | Key::WorkspaceMember { user_id, .. }
        | Key::MemberPrograms { user_id, .. } => Some(*user_id),
        Key::Invitation { .. } => invitation_int(rows.first(), Column::UserId),
        _ => None,
    };
    if let (Some(user_id), false) = (person, rows.is_empty()) {
        if let Some(Standing::Removed { .. }) = store::users::by_id(conn, user_id)?.map(|u| u.standing) {
            return conflict(format!("{} was removed from this server since", names.login(user_id)?));
        }
    }
    match key {
        Key::ProgramMember { program_id, user_id } if !rows.is_empty() => {
            let login = names.login(*user_id)?;
            let workspace_id = store::undo::program_workspace(conn, *program_id)?.unwrap_or_default();
            match membership_after(conn, plan, workspace_id, *user_id)? {
                Some((role, status)) if status.can_act() && !role.manages_all_programs() => {}
                Some((role, status)) => {
                    return conflict(format!(
                        "{login} is now {} ({}) in the workspace, so not to be added to a program",
                        role.title(),
                        status.as_str()
                    ))
                }
                None => return conflict(format!("{login} is no longer a member of the workspace")),
            }
        }
        // Leaving a workspace takes the program memberships in it along:
        // undoing a direct add may not strand any made since.
        Key::WorkspaceMember { workspace_id, user_id } if rows.is_empty() => {
            let programs = Key::MemberPrograms { workspace_id: *workspace_id, user_id: *user_id };
            let planned =
                plan.iter().any(|p| matches!(p, Part::Rows { key, after, .. } if *key == programs && after.is_empty()));
            let now = store::undo::rows(conn, &programs)?;
            if !planned && !now.is_empty() {
                return conflict(format!(
                    "{} is on {} of the workspace's mini programs since ({}); remove them from the workspace instead",
                    names.login(*user_id)?,
                    now.len(),
                    list(&names.program_names(&now)?)
                ));
            }
        }
        Key::Invitation { id } => {
            let row = rows.first().map(|r| Kept::new(Table::Invitations, r));
            if let Some(row) = row.filter(|r| r.text(Column::State) == Some("pending")) {
                let workspace_id = row.int(Column::WorkspaceId).unwrap_or_default();
                let user_id = row.int(Column::UserId).unwrap_or_default();
                let login = names.login(user_id)?;
                if membership_after(conn, plan, workspace_id, user_id)?.is_some() {
                    return conflict(format!("{login} is a member of the workspace now"));
                }
                if store::invitations::pending(conn, workspace_id, user_id)?.is_some_and(|p| p.id != *id) {
                    return conflict(format!("{login} has another pending invitation now"));
                }
            }
        }
        _ => {}
    }
    Ok(())
}

fn shown_value(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::Null => "empty".to_string(),
        serde_json::Value::String(s) => format!("{:?}", crate::sanitize::quote(s, 60)),
        other => other.to_string(),
    }
}

/// Names of what parts refer to by id, for people.
struct Names<'a> {
    conn: &'a Connection,
}

impl Names<'_> {
    fn login(&self, user_id: i64) -> DeskResult<String> {
        Ok(store::undo::login(self.conn, user_id)?.unwrap_or_else(|| format!("user #{user_id}")))
    }

    fn program(&self, program_id: i64) -> DeskResult<(String, String)> {
        Ok(store::undo::program(self.conn, program_id)?
            .unwrap_or_else(|| (String::new(), format!("mini program #{program_id}"))))
    }

    fn workspace(&self, workspace_id: i64) -> DeskResult<String> {
        Ok(store::undo::workspace(self.conn, workspace_id)?.unwrap_or_else(|| format!("workspace #{workspace_id}")))
    }

    fn program_names(&self, rows: &[Row]) -> DeskResult<Vec<String>> {
        rows.iter()
            .filter_map(|r| Kept::new(Table::ProgramMembers, r).int(Column::ProgramId))
            .map(|id| self.program(id).map(|(_, name)| name))
            .collect()
    }

    /// How the rows differ from what the change left.
    fn rows_moved(&self, key: &Key, expected: &[Row], now: &[Row]) -> DeskResult<String> {
        Ok(match *key {
            Key::ProgramMember { program_id, user_id } => {
                let (login, (_, program)) = (self.login(user_id)?, self.program(program_id)?);
                if now.is_empty() {
                    format!("{login} was taken off {program} since")
                } else if expected.is_empty() {
                    format!("{login} was added to {program} again since")
                } else {
                    format!("{login}'s membership of {program} changed since")
                }
            }
            Key::WorkspaceMember { workspace_id, user_id } => {
                let (login, ws) = (self.login(user_id)?, self.workspace(workspace_id)?);
                match (member(expected.first()), member(now.first())) {
                    (_, None) => format!("{login} is no longer a member of {ws}"),
                    (None, Some(_)) => format!("{login} is a member of {ws} again"),
                    (Some((r1, s1)), Some((r2, s2))) => format!(
                        "{login} is now {} ({}) in {ws}, not {} ({})",
                        r2.title(),
                        s2.as_str(),
                        r1.title(),
                        s1.as_str()
                    ),
                }
            }
            Key::MemberPrograms { workspace_id, user_id } => format!(
                "{}'s mini programs in {} changed since (now: {})",
                self.login(user_id)?,
                self.workspace(workspace_id)?,
                list(&self.program_names(now)?)
            ),
            Key::Invitation { .. } => {
                let login =
                    self.login(invitation_int(expected.first().or(now.first()), Column::UserId).unwrap_or_default())?;
                match (invitation(expected.first()), invitation(now.first())) {
                    (_, None) => format!("{login}'s invitation is gone"),
                    (_, Some((_, state))) => format!("{login}'s invitation is {state} now"),
                }
            }
            Key::Domains { program_id } => {
                let domains: Vec<String> = origins(now);
                format!("{}'s domains are now {}", self.program(program_id)?.1, list(&domains))
            }
        })
    }

    /// One part, in words ("add dana to Coffee Club").
    fn describe(&self, part: &Part) -> DeskResult<String> {
        Ok(match part {
            Part::Rows { key: Key::ProgramMember { program_id, user_id }, after, .. } => {
                let (login, (_, program)) = (self.login(*user_id)?, self.program(*program_id)?);
                if after.is_empty() {
                    format!("take {login} off {program}")
                } else {
                    format!("put {login} on {program}")
                }
            }
            Part::Rows { key: Key::WorkspaceMember { workspace_id, user_id }, before, after } => {
                let (login, ws) = (self.login(*user_id)?, self.workspace(*workspace_id)?);
                match (member(before.first()), member(after.first())) {
                    (None, Some((role, status))) => {
                        format!("add {login} to {ws} as {} ({})", role.title(), status.as_str())
                    }
                    (Some(_), None) => format!("remove {login} from {ws}"),
                    (Some((r1, s1)), Some((r2, s2))) if r1 != r2 => {
                        format!("{login}: {} → {}{}", r1.title(), r2.title(), status_change(s1, s2))
                    }
                    (Some((_, s1)), Some((_, s2))) => format!("{login}: {} → {}", s1.as_str(), s2.as_str()),
                    (None, None) => String::new(),
                }
            }
            Part::Rows { key: Key::MemberPrograms { user_id, .. }, before, after } => {
                let login = self.login(*user_id)?;
                if after.len() >= before.len() {
                    format!("put {login} back on {}", list(&self.program_names(after)?))
                } else {
                    format!("take {login} off {}", list(&self.program_names(before)?))
                }
            }
            Part::Rows { key: Key::Invitation { .. }, before, after } => {
                let login =
                    self.login(invitation_int(after.first().or(before.first()), Column::UserId).unwrap_or_default())?;
                match (invitation(before.first()), invitation(after.first())) {
                    (None, Some((role, state))) => format!("{login}'s invitation as {}: {state}", role.title()),
                    (Some((role, state)), None) => format!("delete {login}'s invitation as {} ({state})", role.title()),
                    (Some((_, from)), Some((_, to))) => format!("{login}'s invitation: {from} → {to}"),
                    (None, None) => String::new(),
                }
            }
            Part::Rows { key: Key::Domains { program_id }, before, after } => {
                format!(
                    "{}'s domains: {} → {}",
                    self.program(*program_id)?.1,
                    list(&origins(before)),
                    list(&origins(after))
                )
            }
            Part::Program { program_id, field, before, after } => format!(
                "{}'s {}: {} → {}",
                self.program(*program_id)?.1,
                field.title(),
                shown_value(before),
                shown_value(after)
            ),
            Part::VersionState { version_id, before, after } => {
                let version = store::undo::version_state(self.conn, *version_id)?.map(|(_, v)| v).unwrap_or_default();
                format!("version {version}: {before} → {after}")
            }
            Part::WorkspaceName { before, after, .. } => format!("the workspace's name: {before:?} → {after:?}"),
        })
    }
}

fn status_change(from: MemberStatus, to: MemberStatus) -> String {
    if from == to {
        String::new()
    } else {
        format!(", {} → {}", from.as_str(), to.as_str())
    }
}

fn list(items: &[String]) -> String {
    if items.is_empty() {
        "none".to_string()
    } else {
        items.join(", ")
    }
}
