//! The demo data set (assets/demo.json), loaded through the desk's own use
//! cases so every rule applies to it too.

use super::{Desk, DeskError, DeskResult, PackageSource, WorkspaceRole};
use serde::Deserialize;

pub const DEMO_JSON: &str = include_str!("../../assets/demo.json");

/// The persona the demo console starts as (the first workspace's Owner).
pub fn demo_owner() -> DeskResult<String> {
    Ok(parse()?.owner_persona)
}

#[derive(Deserialize)]
struct DemoData {
    owner_persona: String,
    users: Vec<DemoUser>,
    workspaces: Vec<DemoWorkspace>,
}

#[derive(Deserialize)]
struct DemoUser {
    login: String,
    name: String,
    email: Option<String>,
}

#[derive(Deserialize)]
struct DemoWorkspace {
    name: String,
    owner: String,
    members: Vec<DemoMember>,
    programs: Vec<DemoProgram>,
}

#[derive(Deserialize)]
struct DemoMember {
    login: String,
    role: String,
}

#[derive(Deserialize)]
struct DemoProgram {
    name: String,
    created_by: String,
    description: String,
    #[serde(default)]
    members: Vec<String>,
    #[serde(default)]
    domains: Vec<String>,
    client_id: Option<String>,
    merchant_id: Option<String>,
    #[serde(default)]
    steps: Vec<DemoStep>,
}

/// What happens to a program over time, in order.
#[derive(Deserialize)]
#[serde(tag = "do", rename_all = "snake_case")]
enum DemoStep {
    Upload { by: String, version: String, notes: String },
    Release { by: String, version: Option<String> },
    TakeOffline { by: String },
}

fn parse() -> DeskResult<DemoData> {
    serde_json::from_str(DEMO_JSON).map_err(|e| DeskError::Storage(format!("the built-in demo data is broken: {e}")))
}

/// A small, deterministic package for a demo version: a zip archive, as
/// every package is.
fn demo_package(program: &str, version: &str) -> Vec<u8> {
    let readme = format!("demo package of {program} {version}\n").repeat(64);
    super::stored_zip::stored_zip("README.txt", readme.as_bytes())
}

impl Desk {
    /// Loads the demo data into an empty database, all or nothing. Returns
    /// the demo logins.
    pub fn load_demo_data(&mut self) -> DeskResult<Vec<String>> {
        if self.read_only {
            return Err(super::Denial::read_only("Loading the demo data").into());
        }
        // Filed as the demo's starting point, which `z` and undo leave alone.
        let via = std::mem::replace(&mut self.via, crate::domain::undo::DEMO_DATA_VIA.to_string());
        let loaded = self.all_or_nothing(Self::load_demo_data_unbatched);
        self.via = via;
        loaded
    }

    /// The demo data, then a busy server's shape on top (benchmarks and
    /// the tests that measure them: see `store::generated`).
    pub fn load_busy_server(&mut self, shape: crate::store::generated::Shape) -> DeskResult<()> {
        self.load_demo_data()?;
        Ok(crate::store::generated::add_busy_server(self.conn(), shape)?)
    }

    fn load_demo_data_unbatched(&mut self) -> DeskResult<Vec<String>> {
        let users = self.count_users()?;
        if users > 0 {
            return Err(DeskError::Conflict(format!(
                "demo data goes into an empty database; this one already has {users} users (use a new --db path)"
            )));
        }
        let data = parse()?;
        for user in &data.users {
            self.add_user(&user.login, Some(&user.name), user.email.as_deref())?;
        }
        for ws in &data.workspaces {
            let owner = self.actor(&ws.owner)?;
            self.create_workspace(&owner, &ws.name)?;
            for member in &ws.members {
                let role = WorkspaceRole::parse(&member.role)
                    .ok_or_else(|| DeskError::Storage(format!("demo data: unknown role {}", member.role)))?;
                self.add_workspace_member(&owner, &ws.name, &member.login, role, None)?;
            }
            for program in &ws.programs {
                self.load_demo_program(&ws.name, program)?;
            }
        }
        Ok(data.users.into_iter().map(|u| u.login).collect())
    }

    fn load_demo_program(&mut self, workspace: &str, program: &DemoProgram) -> DeskResult<()> {
        let creator = self.actor(&program.created_by)?;
        let created = self.create_program(&creator, workspace, &program.name, &program.description)?;
        let app_id = created.app_id;
        if !program.members.is_empty() {
            self.add_members(&creator, &app_id, &program.members, None)?;
        }
        if !program.domains.is_empty() || program.client_id.is_some() || program.merchant_id.is_some() {
            let change = super::ConfigChange {
                add_domains: program.domains.clone(),
                remove_domains: Vec::new(),
                client_id: program.client_id.clone(),
                merchant_id: program.merchant_id.clone(),
            };
            self.configure_program(&creator, &app_id, &change)?;
        }
        for step in &program.steps {
            match step {
                DemoStep::Upload { by, version, notes } => {
                    let actor = self.actor(by)?;
                    let bytes = demo_package(&program.name, version);
                    self.upload_version(&actor, &app_id, version, PackageSource::Bytes(bytes), notes)?;
                }
                DemoStep::Release { by, version } => {
                    let actor = self.actor(by)?;
                    self.release(&actor, &app_id, version.as_deref())?;
                }
                DemoStep::TakeOffline { by } => {
                    let actor = self.actor(by)?;
                    self.take_offline(&actor, &app_id)?;
                }
            }
        }
        Ok(())
    }
}

/// The whole database at one moment, held in memory: what a demo's reset
/// and the guided tour's steps go back to.
pub struct Snapshot(rusqlite::Connection);

impl Desk {
    pub fn snapshot(&self) -> DeskResult<Snapshot> {
        Ok(Snapshot(self.store.copy()?))
    }

    /// Makes the whole database what `snapshot` holds — the audit log
    /// too: it is how a demo starts over, never an operation on real data
    /// (the console offers it only in a demo).
    pub fn restore(&mut self, snapshot: &Snapshot) -> DeskResult<()> {
        if self.read_only {
            return Err(super::Denial::read_only("Resetting the demo").into());
        }
        Ok(self.store.replace_with(&snapshot.0)?)
    }
}

/// Who and what the demo data holds, by name (the tour is checked
/// against it when it loads).
#[derive(Debug, Clone, Default)]
pub struct DemoNames {
    pub logins: Vec<String>,
    pub workspaces: Vec<String>,
    pub programs: Vec<String>,
}

pub fn demo_names() -> DeskResult<DemoNames> {
    let data = parse()?;
    Ok(DemoNames {
        logins: data.users.iter().map(|u| u.login.clone()).collect(),
        workspaces: data.workspaces.iter().map(|w| w.name.clone()).collect(),
        programs: data.workspaces.iter().flat_map(|w| w.programs.iter().map(|p| p.name.clone())).collect(),
    })
}
