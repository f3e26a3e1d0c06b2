//! Mini programs: create, list, show, edit, configure, release, take
//! offline, delete.

use super::undo::{not_reversible, Capture};
use super::{
    access_of, acting_role, facts_of, invalid, note_program, note_workspace, resolve_program, resolve_workspace,
    visibility, Actor, Desk, DeskError, DeskResult, Operation, Page, ProgramConfig, ProgramDetail, ProgramOverview,
    ProgramSummary,
};
use crate::domain::operation::AuditOp;
use crate::domain::permission::{decide, decide_create_program};
use crate::domain::{validate, ProgramRole, ProgramStatus};
use crate::store;
use crate::store::programs::{NewProgram, ProgramFilter, Seek};
use crate::store::records::ProgramRow;
use crate::store::undo::{Key, ProgramField};
use rusqlite::Connection;

/// New name and/or description; `None` keeps the current one.
#[derive(Debug, Clone, Default)]
pub struct ProgramEdit {
    pub name: Option<String>,
    pub description: Option<String>,
}

/// A configuration change. An empty client or merchant ID clears it.
#[derive(Debug, Clone, Default)]
pub struct ConfigChange {
    pub add_domains: Vec<String>,
    pub remove_domains: Vec<String>,
    pub client_id: Option<String>,
    pub merchant_id: Option<String>,
}

impl ConfigChange {
    fn is_empty(&self) -> bool {
        self.add_domains.is_empty()
            && self.remove_domains.is_empty()
            && self.client_id.is_none()
            && self.merchant_id.is_none()
    }
}

/// A program as lists show it (taking the row: a page is 200 of them).
pub(super) fn summary_of(row: ProgramRow) -> ProgramSummary {
    let access = access_of(&row, false);
    ProgramSummary {
        my_role: access.effective_role().unwrap_or(ProgramRole::Developer),
        my_role_reason: access.role_reason().unwrap_or_default(),
        app_id: row.app_id,
        name: row.name,
        workspace: row.workspace,
        status: row.status,
        live_version: row.live_version,
    }
}

/// Where new app IDs come from: random (the product), or counting up from
/// a start (tests and screenshots that must not change between runs).
#[derive(Debug, Clone, Default)]
pub enum AppIds {
    #[default]
    Random,
    Sequential(u64),
}

impl AppIds {
    fn candidate(&mut self) -> DeskResult<String> {
        let n = match self {
            Self::Random => {
                let mut bytes = [0u8; 8];
                getrandom::fill(&mut bytes)
                    .map_err(|e| DeskError::Storage(format!("no randomness for an app ID: {e}")))?;
                1_000_000_000_000_000 + u64::from_le_bytes(bytes) % 9_000_000_000_000_000
            }
            Self::Sequential(next) => {
                *next += 1;
                *next - 1
            }
        };
        Ok(n.to_string())
    }

    /// Sixteen digits, the first not zero, unused so far.
    fn next(&mut self, conn: &Connection) -> DeskResult<String> {
        for _ in 0..16 {
            let app_id = self.candidate()?;
            if app_id.len() == 16 && !store::programs::app_id_taken(conn, &app_id)? {
                return Ok(app_id);
            }
        }
        Err(DeskError::Storage("could not find an unused app ID".to_string()))
    }
}

fn check_name_free(
    conn: &Connection,
    workspace_id: i64,
    workspace: &str,
    name: &str,
    except: Option<i64>,
) -> DeskResult<()> {
    if store::programs::name_taken(conn, workspace_id, name, except)? {
        return Err(DeskError::Conflict(format!(
            "a mini program named '{name}' already exists in workspace {workspace}"
        )));
    }
    Ok(())
}

impl Desk {
    /// Creates a program in a workspace; the creator becomes its first Admin.
    pub fn create_program(
        &mut self,
        actor: &Actor,
        workspace: &str,
        name: &str,
        description: &str,
    ) -> DeskResult<ProgramSummary> {
        let read_only = self.read_only;
        let mut ids = std::mem::take(&mut self.app_ids);
        let result = self.audited(&actor.login, AuditOp::ProgramCreate, |tx, entry, now| {
            let (ws, membership) = resolve_workspace(tx, actor, workspace)?;
            note_workspace(entry, &ws);
            entry.program = Some(name.to_string());
            decide_create_program(acting_role(&membership), read_only)?;
            let name = &validate::name("name", name).map_err(invalid)?;
            validate::description(description).map_err(invalid)?;
            check_name_free(tx, ws.id, &ws.name, name, None)?;
            let app_id = ids.next(tx)?;
            let id = store::programs::insert(
                tx,
                &NewProgram { app_id: &app_id, workspace_id: ws.id, name, description, created_by: actor.id, now },
            )?;
            store::members::add(tx, id, actor.id, actor.id, now)?;
            entry.program_app_id = Some(app_id.clone());
            entry.detail = format!("created {name} ({app_id}); {} is its first Admin", actor.login);
            let row = store::programs::by_app_id(tx, actor.id, &app_id)?
                .ok_or_else(|| DeskError::Storage("the new program vanished".to_string()))?;
            Ok(summary_of(row))
        });
        self.app_ids = ids;
        result
    }

    /// One page of the programs the actor can view.
    pub fn list_programs(
        &self,
        actor: &Actor,
        workspace: Option<&str>,
        text: Option<&str>,
        page: Page,
    ) -> DeskResult<Vec<ProgramSummary>> {
        let filter = self.program_filter(actor, workspace, text)?;
        let rows = store::programs::visible(self.conn(), &visibility(actor), &filter, page.offset, page.limit)?;
        Ok(rows.into_iter().map(summary_of).collect())
    }

    /// Every program the actor can view, handed to `each` one by one as
    /// the database reads them (for a list that streams).
    pub fn each_program(
        &self,
        actor: &Actor,
        workspace: Option<&str>,
        each: &mut dyn FnMut(ProgramSummary) -> DeskResult<()>,
    ) -> DeskResult<()> {
        let filter = self.program_filter(actor, workspace, None)?;
        let mut failure = None;
        store::programs::each_visible(
            self.conn(),
            &visibility(actor),
            &filter,
            &mut |row| match each(summary_of(row)) {
                Ok(()) => true,
                Err(error) => {
                    failure = Some(error);
                    false
                }
            },
        )?;
        failure.map_or(Ok(()), Err)
    }

    /// One page of a workspace's programs the actor can view, found by a
    /// keyset `seek` (by name) so paging costs the same at any depth.
    pub fn seek_programs(
        &self,
        actor: &Actor,
        workspace: &str,
        text: Option<&str>,
        seek: Seek<'_>,
        limit: u64,
    ) -> DeskResult<Vec<ProgramSummary>> {
        let filter = self.program_filter(actor, Some(workspace), text)?;
        let rows = store::programs::visible_seek(self.conn(), &visibility(actor), &filter, seek, limit)?;
        Ok(rows.into_iter().map(summary_of).collect())
    }

    /// How many programs `actor` can see there, counting no further than
    /// `up_to` if given.
    pub fn count_programs(
        &self,
        actor: &Actor,
        workspace: Option<&str>,
        text: Option<&str>,
        up_to: Option<u64>,
    ) -> DeskResult<u64> {
        let filter = self.program_filter(actor, workspace, text)?;
        Ok(store::programs::count_visible(self.conn(), &visibility(actor), &filter, up_to)?)
    }

    fn program_filter(&self, actor: &Actor, workspace: Option<&str>, text: Option<&str>) -> DeskResult<ProgramFilter> {
        let workspace_id = match workspace {
            Some(name) => Some(resolve_workspace(self.conn(), actor, name)?.0.id),
            None => None,
        };
        Ok(ProgramFilter { workspace_id, text: text.map(str::to_string) })
    }

    pub fn show_program(&self, actor: &Actor, program: &str) -> DeskResult<ProgramDetail> {
        let row = resolve_program(self.conn(), actor, program)?;
        self.detail_of(row)
    }

    /// What the console shows of the selected program — its details, its
    /// newest versions, and what the actor may do with it — from one
    /// lookup of the program (three calls would look it up three times).
    pub fn program_overview(&self, actor: &Actor, program: &str, versions: Page) -> DeskResult<ProgramOverview> {
        let row = resolve_program(self.conn(), actor, program)?;
        let capabilities = super::capabilities::capabilities_of(&row, self.read_only);
        let versions = store::versions::list(self.conn(), row.id, versions.offset, versions.limit)?;
        Ok(ProgramOverview { detail: self.detail_of(row)?, versions, capabilities })
    }

    fn detail_of(&self, row: ProgramRow) -> DeskResult<ProgramDetail> {
        let extra = store::programs::extra(self.conn(), row.id)?;
        let version_count = row.version_count;
        Ok(ProgramDetail {
            summary: summary_of(row),
            description: extra.description,
            created_by: extra.created_by,
            created_at: extra.created_at,
            config: ProgramConfig {
                domains: extra.domains,
                client_id: extra.client_id,
                merchant_id: extra.merchant_id,
            },
            version_count,
        })
    }

    pub fn edit_program(&mut self, actor: &Actor, program: &str, edit: &ProgramEdit) -> DeskResult<ProgramSummary> {
        let read_only = self.read_only;
        self.audited(&actor.login, AuditOp::ProgramEdit, |tx, entry, _now| {
            let row = resolve_program(tx, actor, program)?;
            note_program(entry, &row);
            decide(&access_of(&row, read_only), Operation::Edit, &facts_of(&row))?;
            if edit.name.is_none() && edit.description.is_none() {
                return Err(invalid("nothing to change: give a new name or description".to_string()));
            }
            let current = store::programs::extra(tx, row.id)?;
            let name = edit.name.clone().unwrap_or_else(|| row.name.clone());
            let description = edit.description.clone().unwrap_or(current.description.clone());
            let name = validate::name("name", &name).map_err(invalid)?;
            validate::description(&description).map_err(invalid)?;
            check_name_free(tx, row.workspace_id, &row.workspace, &name, Some(row.id))?;
            let mut capture = Capture::default();
            capture.field(tx, row.id, ProgramField::Name)?;
            capture.field(tx, row.id, ProgramField::Description)?;
            store::programs::set_name_description(tx, row.id, &name, &description)?;
            entry.undo = Some(capture.finish(tx)?);
            let mut changes = Vec::new();
            if name != row.name {
                changes.push(format!("name {:?} → {:?}", row.name, name));
            }
            if description != current.description {
                changes.push("description changed".to_string());
            }
            entry.detail = if changes.is_empty() { "no change".to_string() } else { changes.join("; ") };
            let mut updated = row;
            updated.name = name;
            Ok(summary_of(updated))
        })
    }

    pub fn configure_program(
        &mut self,
        actor: &Actor,
        program: &str,
        change: &ConfigChange,
    ) -> DeskResult<ProgramConfig> {
        let read_only = self.read_only;
        self.audited(&actor.login, AuditOp::ProgramConfigure, |tx, entry, _now| {
            let row = resolve_program(tx, actor, program)?;
            note_program(entry, &row);
            decide(&access_of(&row, read_only), Operation::Configure, &facts_of(&row))?;
            if change.is_empty() {
                return Err(invalid(
                    "nothing to change: add or remove a domain, or set a client or merchant ID".to_string(),
                ));
            }
            let current = store::programs::extra(tx, row.id)?;
            let mut capture = Capture::default();
            capture.rows(tx, Key::Domains { program_id: row.id })?;
            capture.field(tx, row.id, ProgramField::ClientId)?;
            capture.field(tx, row.id, ProgramField::MerchantId)?;
            let mut details = Vec::new();
            for origin in &change.remove_domains {
                let origin = validate::origin(origin).map_err(invalid)?;
                if !store::programs::remove_domain(tx, row.id, &origin)? {
                    return Err(invalid(format!("domain {origin} is not in the whitelist")));
                }
                details.push(format!("-{origin}"));
            }
            for origin in &change.add_domains {
                let origin = validate::origin(origin).map_err(invalid)?;
                store::programs::add_domain(tx, row.id, &origin)?;
                details.push(format!("+{origin}"));
            }
            let pick = |field: &str, new: &Option<String>, old: &Option<String>| -> DeskResult<Option<String>> {
                match new.as_deref() {
                    None => Ok(old.clone()),
                    Some("") => Ok(None),
                    Some(value) => {
                        validate::config_id(field, value).map_err(invalid)?;
                        Ok(Some(value.to_string()))
                    }
                }
            };
            let client_id = pick("client ID", &change.client_id, &current.client_id)?;
            let merchant_id = pick("merchant ID", &change.merchant_id, &current.merchant_id)?;
            if client_id != current.client_id {
                details.push(format!(
                    "client ID {:?} → {:?}",
                    current.client_id.as_deref().unwrap_or(""),
                    client_id.as_deref().unwrap_or("")
                ));
            }
            if merchant_id != current.merchant_id {
                details.push(format!(
                    "merchant ID {:?} → {:?}",
                    current.merchant_id.as_deref().unwrap_or(""),
                    merchant_id.as_deref().unwrap_or("")
                ));
            }
            let domains = store::programs::domains(tx, row.id)?;
            if domains.len() > validate::DOMAINS_MAX {
                return Err(invalid(format!(
                    "a program may whitelist at most {} domains; this change makes {}",
                    validate::DOMAINS_MAX,
                    domains.len()
                )));
            }
            store::programs::set_ids(tx, row.id, client_id.as_deref(), merchant_id.as_deref())?;
            entry.detail = details.join("; ");
            entry.undo = Some(capture.finish(tx)?);
            Ok(ProgramConfig { domains: store::programs::domains(tx, row.id)?, client_id, merchant_id })
        })
    }

    /// Makes a version live: the latest by default, an older one is a rollback.
    pub fn release(&mut self, actor: &Actor, program: &str, version: Option<&str>) -> DeskResult<String> {
        let read_only = self.read_only;
        self.audited(&actor.login, AuditOp::ProgramRelease, |tx, entry, _now| {
            let row = resolve_program(tx, actor, program)?;
            note_program(entry, &row);
            decide(&access_of(&row, read_only), Operation::Release, &facts_of(&row))?;
            let latest = store::versions::latest(tx, row.id)?
                .ok_or_else(|| DeskError::Conflict(format!("{} has no versions yet; upload one first", row.name)))?;
            let wanted = version.unwrap_or(&latest.version);
            let (version_id, target) = store::versions::find(tx, row.id, wanted)?
                .ok_or_else(|| DeskError::NotFound(format!("version {wanted} of {} not found", row.name)))?;
            if row.live_version.as_deref() == Some(target.version.as_str()) {
                return Err(DeskError::Conflict(format!("version {} of {} is already live", target.version, row.name)));
            }
            let mut capture = Capture::default();
            capture.field(tx, row.id, ProgramField::Status)?;
            if let Some(live) = store::undo::live_version(tx, row.id)? {
                capture.version(tx, live)?;
            }
            capture.version(tx, version_id)?;
            store::versions::retire_live(tx, row.id)?;
            store::versions::make_live(tx, version_id)?;
            store::programs::set_status(tx, row.id, ProgramStatus::Released)?;
            // Draft is never returned to: the first release is for good.
            entry.undo = Some(if row.status == ProgramStatus::Draft {
                not_reversible(crate::domain::undo::FIRST_RELEASE)
            } else {
                capture.finish(tx)?
            });
            let kind = if target.version == latest.version { "released" } else { "rolled back to" };
            entry.detail = match &row.live_version {
                Some(previous) => format!("{kind} {} (was {previous})", target.version),
                None => format!("{kind} {} (was {})", target.version, row.status.title()),
            };
            Ok(target.version)
        })
    }

    pub fn take_offline(&mut self, actor: &Actor, program: &str) -> DeskResult<()> {
        let read_only = self.read_only;
        self.audited(&actor.login, AuditOp::ProgramTakeOffline, |tx, entry, _now| {
            let row = resolve_program(tx, actor, program)?;
            note_program(entry, &row);
            decide(&access_of(&row, read_only), Operation::TakeOffline, &facts_of(&row))?;
            let mut capture = Capture::default();
            capture.field(tx, row.id, ProgramField::Status)?;
            if let Some(live) = store::undo::live_version(tx, row.id)? {
                capture.version(tx, live)?;
            }
            store::versions::retire_live(tx, row.id)?;
            store::programs::set_status(tx, row.id, ProgramStatus::Offline)?;
            entry.undo = Some(capture.finish(tx)?);
            entry.detail =
                format!("took {} offline (was live: {})", row.name, row.live_version.as_deref().unwrap_or("none"));
            Ok(())
        })
    }

    /// Deletes a program that is not Released, with its members, versions
    /// and configuration. The audit log keeps what happened.
    pub fn delete_program(&mut self, actor: &Actor, program: &str) -> DeskResult<()> {
        let read_only = self.read_only;
        self.audited(&actor.login, AuditOp::ProgramDelete, |tx, entry, _now| {
            let row = resolve_program(tx, actor, program)?;
            note_program(entry, &row);
            decide(&access_of(&row, read_only), Operation::Delete, &facts_of(&row))?;
            store::programs::delete(tx, row.id)?;
            let versions = if row.version_count == 1 {
                "1 version".to_string()
            } else {
                format!("{} versions", row.version_count)
            };
            entry.detail = format!("deleted {} ({}) with {versions}", row.name, row.app_id);
            Ok(())
        })
    }
}
