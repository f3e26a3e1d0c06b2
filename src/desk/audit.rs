//! Reading the audit log: Owners and Masters read their workspace's log;
//! others read the entries of programs they can view.

use super::{
    acting_role, resolve_program, resolve_workspace, visibility, Actor, AuditEntry, Desk, DeskError, DeskResult,
    Principal,
};
use crate::domain::operation::AuditOp;
use crate::domain::people::decide_operator_only;
use crate::domain::workspace_rules::{decide_chain_check, decide_prune, reads_workspace_audit};
use crate::store;
use crate::store::audit::{AuditScope, AuditSeek, ExportedEntry};
use crate::store::chain::{self, PruneMark, Walk};
use crate::store::records::NewAuditEntry;

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

/// What `audit export` writes: the entries its reader may read, oldest
/// first, narrowed to a workspace and a time range.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExportQuery {
    pub workspace: Option<String>,
    /// Entries at or after this time, and before that one, as a person
    /// types them (`2027-01-31`, `2027-01-31T18:00:00Z`).
    pub since: Option<String>,
    pub until: Option<String>,
}

/// What an export wrote.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct ExportSummary {
    pub entries: u64,
    pub first: Option<i64>,
    pub last: Option<i64>,
    /// The last entry's hash: the head to hand over with the file.
    pub head: Option<String>,
    /// Whether it holds the whole log up to its head (the operator's, from
    /// the start): else it is checked as a part (`audit verify --part`).
    pub whole: bool,
}

/// Export and follow read the log this many entries at a time.
const LOG_PAGE: u64 = 1_000;

impl Desk {
    /// The entries `principal` may read: the operator every one (narrowed
    /// by a workspace's current name), a person what [`audit_scope`] gives.
    fn reading_scope(&self, principal: &Principal, workspace: Option<&str>) -> DeskResult<AuditScope> {
        match principal {
            Principal::Operator(_) => {
                let mut scope = AuditScope { everything: true, ..Default::default() };
                if let Some(name) = workspace {
                    let ws = store::workspaces::by_name(self.conn(), &crate::domain::validate::normalize(name))?
                        .ok_or_else(|| DeskError::NotFound(format!("workspace '{}' not found", super::shown(name))))?;
                    scope.only_workspace = Some(ws.id);
                }
                Ok(scope)
            }
            Principal::Person(actor) => {
                let query = AuditQuery { workspace: workspace.map(str::to_string), ..Default::default() };
                audit_scope(self.conn(), actor, &query)
            }
        }
    }

    /// The entries after `after` that `principal` may read, oldest first,
    /// at most `limit` — what `audit --follow` prints as they commit. The
    /// scope is derived anew each time: a person who lost a role stops
    /// seeing that workspace's entries at once.
    pub fn audit_after(
        &self,
        principal: &Principal,
        workspace: Option<&str>,
        after: i64,
        limit: u64,
    ) -> DeskResult<Vec<ExportedEntry>> {
        let scope = self.reading_scope(principal, workspace)?;
        Ok(store::audit::exported_after(self.conn(), &scope, after, limit)?)
    }

    /// The newest entry's id (0 for an empty log): where following starts.
    pub fn audit_last_id(&self) -> DeskResult<i64> {
        Ok(store::audit::last_id(self.conn())?)
    }

    /// Every entry `principal` may read, oldest first, handed to `write`
    /// a page at a time from one snapshot (memory stays flat). A finished
    /// export is audited and remembered (a prune asks whether its entries
    /// left first); one that `write` gave up on (a closed pipe) is not.
    /// The outer error is the database's, the inner one `write`'s.
    pub fn audit_export(
        &mut self,
        principal: &Principal,
        query: &ExportQuery,
        mut write: impl FnMut(&ExportedEntry) -> std::io::Result<()>,
    ) -> DeskResult<std::io::Result<ExportSummary>> {
        let mut scope = self.reading_scope(principal, query.workspace.as_deref())?;
        scope.since = query.since.as_deref().map(super::parse_when).transpose()?;
        scope.until = query.until.as_deref().map(super::parse_when).transpose()?;
        let whole = scope.everything && scope.only_workspace.is_none();
        let mut summary = ExportSummary { whole: whole && scope.since.is_none(), ..ExportSummary::default() };
        self.hold_snapshot()?;
        let written = self.export_pages(&scope, &mut summary, &mut write);
        self.release_snapshot()?;
        if let Err(e) = written? {
            return Ok(Err(e));
        }
        if let (Some(first), Some(last), false) = (summary.first, summary.last, self.read_only) {
            let record = store::audit::ExportRecord { first, last, entries: summary.entries, whole };
            let scope_name = match (&query.workspace, whole) {
                (_, true) => "the whole log".to_string(),
                (Some(ws), false) => format!("workspace {ws}"),
                (None, false) => "the entries they may read".to_string(),
            };
            let by = principal.logged_as();
            self.audited(&by, AuditOp::AuditExport, |tx, entry, now| {
                store::audit::record_export(tx, now, &by, &record)?;
                entry.detail = format!("exported {} entries #{first}–#{last} of {scope_name}", summary.entries);
                Ok(())
            })?;
        }
        Ok(Ok(summary))
    }

    fn export_pages(
        &self,
        scope: &AuditScope,
        summary: &mut ExportSummary,
        write: &mut impl FnMut(&ExportedEntry) -> std::io::Result<()>,
    ) -> DeskResult<std::io::Result<()>> {
        let mut after = 0;
        loop {
            let page = store::audit::exported_after(self.conn(), scope, after, LOG_PAGE)?;
            for row in &page {
                if let Err(e) = write(row) {
                    return Ok(Err(e));
                }
                summary.entries += 1;
                summary.first.get_or_insert(row.id);
                summary.last = Some(row.id);
            }
            if let Some(last) = page.last() {
                summary.head.clone_from(&last.hash);
            }
            match page.last() {
                Some(last) if page.len() as u64 == LOG_PAGE => after = last.id,
                _ => return Ok(Ok(())),
            }
        }
    }

    /// Whether `principal` may walk the chain (the console grays its key
    /// from this answer; `audit verify` asks it too).
    pub fn chain_check(&self, principal: &Principal) -> DeskResult<Result<(), crate::domain::Denial>> {
        let roles = match principal {
            Principal::Operator(_) => Vec::new(),
            Principal::Person(actor) => store::workspaces::of_user(self.conn(), actor.id)?
                .iter()
                .map(|(_, membership)| acting_role(membership))
                .collect(),
        };
        Ok(decide_chain_check(matches!(principal, Principal::Operator(_)), &roles))
    }

    /// Walks the whole chain (every entry, one statement): how many, the
    /// head, the first break; with `head`, whether that hash is still in
    /// the log. Reads only.
    pub fn audit_verify(&self, principal: &Principal, head: Option<&str>) -> DeskResult<Walk> {
        self.chain_check(principal)?.map_err(DeskError::from)?;
        let wanted = head.map(parse_head).transpose()?;
        self.hold_snapshot()?;
        let walk = chain::walk(self.conn(), wanted.as_ref());
        self.release_snapshot()?;
        Ok(walk?)
    }

    /// Removes the entries written before `before` (a prefix of the log)
    /// and appends one `audit_pruned` entry saying how many, which, and
    /// the last removed hash, so the chain still verifies from where it
    /// now starts. The operator's; refused while any of those entries was
    /// never exported whole (`audit export` by the operator), unless
    /// `force`. One transaction.
    pub fn audit_prune(&mut self, principal: &Principal, before: &str, force: bool) -> DeskResult<PruneMark> {
        let login = principal.logged_as();
        let result = self.prune_refusal(principal, before);
        let before = match result {
            Ok(before) => before,
            Err(error) => {
                if error.is_refusal() {
                    self.record_refusal(&login, OPERATION_PRUNE, &error.to_string())?;
                }
                return Err(error);
            }
        };
        // An undo that reverted a removed entry still names it: the
        // reference is history, not a link to keep.
        let via = self.via.clone();
        let now = self.now();
        let pruned = self.store.without_foreign_keys(|store| -> DeskResult<PruneMark> {
            let tx = store.write()?;
            let mark = planned(&tx, &before, force)?;
            let entry = NewAuditEntry {
                operation: OPERATION_PRUNE.as_str().to_string(),
                detail: mark.detail(),
                undo: Some(super::undo::not_reversible(OPERATION_PRUNE.not_reversible())),
                ..Default::default()
            };
            store::audit::append(&tx, &now, &store::audit::Actor { login: &login, via: &via }, "ok", &entry)?;
            store::audit::prune(&tx, &mark)?;
            tx.commit()?;
            Ok(mark)
        });
        if let Err(error) = &pruned {
            if error.is_refusal() {
                self.record_refusal(&login, OPERATION_PRUNE, &error.to_string())?;
            }
        }
        pruned
    }

    /// Why a prune cannot run (the time, the role, nothing to remove, not
    /// exported), before any transaction; the time as entries store it.
    fn prune_refusal(&self, principal: &Principal, before: &str) -> DeskResult<String> {
        decide_prune(matches!(principal, Principal::Operator(_)))?;
        if self.read_only {
            return Err(crate::domain::Denial::read_only("Pruning the audit log").into());
        }
        let before = super::parse_when(before)?;
        if before > self.now() {
            return Err(DeskError::Invalid(format!("{before} is in the future: a prune removes only what is past")));
        }
        Ok(before)
    }
}

/// A head hash as a person typed it (64 hex digits, as verify prints).
pub fn parse_head(text: &str) -> DeskResult<[u8; 32]> {
    chain::parse_hex(text).ok_or_else(|| {
        DeskError::Invalid(format!("'{}' is not a head hash: 64 hex digits, as verify prints", super::shown(text)))
    })
}

/// The operation a prune is audited as.
const OPERATION_PRUNE: AuditOp = AuditOp::AuditPruned;

/// What a prune before `before` removes, inside its transaction: refused
/// when there is nothing, or (unless `force`) when an entry never left in
/// a whole export.
fn planned(tx: &rusqlite::Connection, before: &str, force: bool) -> DeskResult<PruneMark> {
    let mark = store::audit::prune_plan(tx, before)?
        .ok_or_else(|| DeskError::Invalid(format!("no entries before {before}: nothing to prune")))?;
    if !force {
        if let Some(id) = store::audit::first_unexported(tx, mark.first, mark.last)? {
            return Err(DeskError::Conflict(format!(
                "entry #{id} (of #{}–#{}) was never exported: export the log first (mpdesk audit export --until {before} --out FILE), or pass --force to prune anyway",
                mark.first, mark.last
            )));
        }
    }
    Ok(mark)
}
