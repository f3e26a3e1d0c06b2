//! The one place the console changes data: a [`Request`] (from a dialog,
//! a screen or a console-wide key) carried out through the desk, which
//! checks the rule, writes one transaction and the audit entry — then the
//! screens that show what changed are refreshed. Returns what the status
//! line says, or the desk's refusal.

use super::app::App;
use super::request::{ExpiryTarget, Request};
use crate::desk::{DeskError, DeskResult, PackageSource, Principal, ProgramEdit};

/// Carries out a confirmed request through the desk, then refreshes; an
/// error as the desk explains it.
pub fn execute(app: &mut App, request: Request) -> DeskResult<String> {
    let result = carry_out(app, request);
    result.map_err(|error| app.desk.explained(error))
}

fn carry_out(app: &mut App, request: Request) -> DeskResult<String> {
    // Every request is named here: a new one does not compile until it is
    // carried out (or said to belong to the welcome screen).
    let actor = acting(app);
    let message = match request {
        Request::CreateProgram { workspace, name, description } => {
            let actor = actor?;
            let created = app.desk.create_program(&actor, &workspace, &name, &description)?;
            app.screens.programs.clear_filter();
            app.reload();
            app.select_program(&created.app_id);
            format!("created {} ({}); you are its Admin", created.name, created.app_id)
        }
        Request::EditProgram { app_id, name, description } => {
            let actor = actor?;
            let edit = ProgramEdit { name: Some(name), description: Some(description) };
            let saved = app.desk.edit_program(&actor, &app_id, &edit)?;
            app.reload();
            app.select_program(&app_id);
            format!("saved {}", saved.name)
        }
        Request::AddMembers { app_id, logins, expires } => {
            let actor = actor?;
            let added = app.desk.add_members(&actor, &app_id, &logins, expires.as_deref())?;
            app.reload();
            let names: Vec<String> = added.iter().map(|m| format!("{} ({})", m.login, m.role.title())).collect();
            let until = added.first().and_then(|m| m.expires_at.clone()).map(|end| format!(" until {end}"));
            format!("added {}{}", names.join(", "), until.unwrap_or_default())
        }
        Request::RemoveMember { app_id, login } => {
            let actor = actor?;
            app.desk.remove_member(&actor, &app_id, &login)?;
            app.reload();
            format!("removed {login}")
        }
        Request::Upload { app_id, version, package, notes } => {
            let actor = actor?;
            let path = expand_home(&package);
            let uploaded = app.desk.upload_version(&actor, &app_id, &version, PackageSource::File(path), &notes)?;
            app.reload();
            format!("uploaded {} ({})", uploaded.version, crate::desk::size_text(uploaded.size))
        }
        Request::Configure { app_id, change } => {
            let actor = actor?;
            app.desk.configure_program(&actor, &app_id, &change.into())?;
            app.reload();
            "configuration saved".to_string()
        }
        Request::Release { app_id, version } => {
            let actor = actor?;
            let live = app.desk.release(&actor, &app_id, Some(&version))?;
            app.reload();
            format!("{live} is live")
        }
        Request::TakeOffline { app_id } => {
            let actor = actor?;
            app.desk.take_offline(&actor, &app_id)?;
            app.reload();
            "taken offline".to_string()
        }
        Request::Delete { app_id } => {
            let actor = actor?;
            let name = app.desk.show_program(&actor, &app_id)?.summary.name;
            app.desk.delete_program(&actor, &app_id)?;
            app.reload();
            format!("deleted {name} ({app_id})")
        }
        Request::Invite { workspace, login, role, expires } => {
            let actor = actor?;
            let invitation = app.desk.invite(&actor, &workspace, &login, role, expires.as_deref())?;
            app.reload_tab();
            format!("invited {login} as {}; {}", role.title(), invitation.countdown(app.desk.now_time()))
        }
        Request::ChangeRole { workspace, login, role } => {
            let actor = actor?;
            app.desk.set_workspace_member_role(&actor, &workspace, &login, role)?;
            app.after_membership_change();
            format!("{login} is now {}", role.title())
        }
        Request::Block { workspace, login } => {
            let actor = actor?;
            app.desk.block_member(&actor, &workspace, &login)?;
            app.after_membership_change();
            format!("blocked {login}")
        }
        Request::Unblock { workspace, login } => {
            let actor = actor?;
            app.desk.unblock_member(&actor, &workspace, &login)?;
            app.after_membership_change();
            format!("unblocked {login}")
        }
        Request::RemoveFromWorkspace { workspace, login } => {
            let actor = actor?;
            app.desk.remove_workspace_member(&actor, &workspace, &login)?;
            app.after_membership_change();
            format!("removed {login} from {workspace}")
        }
        Request::Resend { workspace, login } => {
            let actor = actor?;
            app.desk.resend_invitation(&actor, &workspace, &login)?;
            app.reload_tab();
            format!("resent {login}'s invitation")
        }
        Request::Withdraw { workspace, login } => {
            let actor = actor?;
            app.desk.withdraw_invitation(&actor, &workspace, &login)?;
            app.reload_tab();
            format!("withdrew {login}'s invitation")
        }
        Request::Transfer { workspace, login } => {
            let actor = actor?;
            app.desk.transfer_ownership(&actor, &workspace, &login)?;
            let me = app.who.login.clone();
            app.start_as(&me);
            format!("{login} is now the Owner of {workspace}; you are a Master")
        }
        Request::RenameWorkspace { workspace, new_name } => {
            let actor = actor?;
            let renamed = app.desk.rename_workspace(&actor, &workspace, &new_name)?;
            app.who.workspace = Some(renamed.clone());
            let me = app.who.login.clone();
            app.start_as(&me);
            format!("renamed {workspace} to {}", renamed.name)
        }
        Request::DeleteWorkspace { workspace } => {
            let actor = actor?;
            app.desk.delete_workspace(&actor, &workspace)?;
            app.who.workspace = None;
            let me = app.who.login.clone();
            app.start_as(&me);
            format!("deleted workspace {workspace}")
        }
        Request::SwitchPersona { login } => {
            actor?;
            let persona = app.desk.actor(&login)?;
            // What was selected stays selected where the new persona sees it.
            let (kept_program, kept_member) = std::mem::take(&mut app.stage.kept);
            let program = app.screens.programs.selected_app_id().or(kept_program);
            let member = app.screens.members_tab.list.selected_row().map(|m| m.login.clone()).or(kept_member);
            app.start_as(&login);
            app.keep_selection(program, member);
            format!("you are now {} ({login})", persona.name)
        }
        Request::SwitchWorkspace { name } => {
            let actor = actor?;
            if let Some(notice) = app.desk.blocked_notice(&actor, &name)? {
                return Err(DeskError::Conflict(notice));
            }
            app.who.workspace = app.who.workspaces.iter().find(|w| w.name == name).cloned();
            app.screens.programs.to_first_row();
            app.screens.programs.clear_filter();
            app.screens.members.clear_filter();
            app.screens.members_tab.reset();
            app.screens.audit.reset();
            app.reload();
            app.reload_tab();
            format!("workspace {name}")
        }
        Request::Accept { workspace } => {
            let actor = actor?;
            let joined = app.desk.accept_invitation(&actor, &workspace)?;
            let me = app.who.login.clone();
            app.start_as(&me);
            joined.said(&workspace)
        }
        Request::Decline { workspace } => {
            let actor = actor?;
            app.desk.decline_invitation(&actor, &workspace)?;
            app.load_invitations();
            app.with_parts(|p| {
                if let Some(top) = p.layers.last_mut() {
                    top.refresh(&p.ctx);
                }
            });
            format!("declined the invitation to {workspace}")
        }
        Request::Undo { id } => {
            let actor = actor?;
            let plan = app.desk.undo(&actor, id)?;
            app.reload();
            app.reload_tab();
            let verb = if plan.redo { "redid" } else { "undid" };
            format!("{verb} #{id} ({}): {}", plan.operation, plan.changes.join("; "))
        }
        Request::AddKey { line } => {
            let actor = actor?;
            let key = app.desk.add_key(&Principal::Person(actor.clone()), &actor.login, &line, None, false)?;
            format!("added {} key {}", key.algorithm, key.fingerprint)
        }
        Request::RemoveKey { fingerprint } => {
            let actor = actor?;
            let key = app.desk.remove_key(&Principal::Person(actor), &fingerprint)?;
            format!("removed key {}", key.fingerprint)
        }
        Request::SetExpiry { target, when } => {
            let actor = actor?;
            let (end, who) = match target {
                ExpiryTarget::Workspace { workspace, login } => {
                    (app.desk.set_workspace_member_expiry(&actor, &workspace, &login, &when)?, login)
                }
                ExpiryTarget::Program { app_id, login } => {
                    (app.desk.set_member_expiry(&actor, &app_id, &login, &when)?, login)
                }
            };
            app.after_membership_change();
            match end {
                Some(end) => format!("{who}'s access ends {end}"),
                None => format!("{who}'s access no longer ends"),
            }
        }
        Request::TourStep(index) => {
            app.enter_step(index);
            String::new()
        }
        Request::DemoReset => {
            app.reset_demo()?;
            "the demo is back to how it started".to_string()
        }
        Request::Start { .. } | Request::LoadDemo => {
            return Err(DeskError::Invalid("that is the welcome screen's to do".to_string()))
        }
    };
    app.sync.data_version = app.desk.data_version().unwrap_or(app.sync.data_version);
    Ok(message)
}

fn acting(app: &App) -> DeskResult<crate::desk::Actor> {
    app.who.actor.clone().ok_or_else(|| DeskError::NotFound("no acting user".to_string()))
}

/// What the welcome screen asked for, carried out: the login to start as.
pub fn welcome(app: &mut App, request: Request) -> DeskResult<String> {
    let actor = || app.who.actor.clone().ok_or_else(|| DeskError::NotFound("no acting user".to_string()));
    match request {
        Request::Accept { workspace } => {
            let actor = actor()?;
            app.desk.accept_invitation(&actor, &workspace).map(|_| app.who.login.clone())
        }
        Request::Decline { workspace } => {
            let actor = actor()?;
            app.desk.decline_invitation(&actor, &workspace).map(|_| app.who.login.clone())
        }
        Request::LoadDemo => {
            app.desk.load_demo_data().and_then(|_| crate::desk::demo::demo_owner()).inspect(|_| app.options.demo = true)
        }
        Request::Start { name, workspace } => {
            let login = app.who.login.clone();
            app.desk.register_and_create_workspace(&login, name.as_deref(), &workspace).map(|_| login)
        }
        Request::CreateProgram { .. }
        | Request::EditProgram { .. }
        | Request::AddMembers { .. }
        | Request::RemoveMember { .. }
        | Request::Upload { .. }
        | Request::Configure { .. }
        | Request::Release { .. }
        | Request::TakeOffline { .. }
        | Request::Delete { .. }
        | Request::SwitchPersona { .. }
        | Request::SwitchWorkspace { .. }
        | Request::Invite { .. }
        | Request::SetExpiry { .. }
        | Request::ChangeRole { .. }
        | Request::Block { .. }
        | Request::Unblock { .. }
        | Request::RemoveFromWorkspace { .. }
        | Request::Resend { .. }
        | Request::Withdraw { .. }
        | Request::Transfer { .. }
        | Request::RenameWorkspace { .. }
        | Request::DeleteWorkspace { .. }
        | Request::AddKey { .. }
        | Request::RemoveKey { .. }
        | Request::Undo { .. }
        | Request::DemoReset
        | Request::TourStep(_) => Err(DeskError::Invalid("not a welcome screen request".to_string())),
    }
}

fn expand_home(path: &str) -> std::path::PathBuf {
    match (path.strip_prefix("~/"), std::env::var_os("HOME")) {
        (Some(rest), Some(home)) => std::path::PathBuf::from(home).join(rest),
        _ => std::path::PathBuf::from(path),
    }
}
