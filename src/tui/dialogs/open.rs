//! Builds the dialog a screen asked to open, reading what it starts from
//! (the new member list, the registered users, your keys) — once, when it
//! opens.

use super::{AddMembers, Configure, Confirm, InvitationList, Invite, KeyList, Picker, PickerKind};
use super::{ProgramForm, Release, TypeToConfirm, Upload};
use crate::desk::{Page, Principal};
use crate::tui::component::{Component, Context};
use crate::tui::request::Open;

/// The dialog `open` names, as a layer for the stack; `None` if what it
/// needs could not be read (the error is in `ctx`'s problems) or there is
/// no acting person.
pub fn open(open: Open, ctx: &Context<'_>) -> Option<Box<dyn Component>> {
    let page = Page::new(0, super::add_members_page());
    let layer: Box<dyn Component> = match open {
        Open::CreateProgram { workspace } => Box::new(ProgramForm::create(&workspace)),
        Open::EditProgram { app_id, name, description } => Box::new(ProgramForm::edit(&app_id, &name, &description)),
        Open::AddMembers { app_id, name } => {
            let candidates = ctx.report(ctx.desk.find_candidates(ctx.actor()?, &app_id, None, page))?;
            Box::new(AddMembers::new(&app_id, &name, candidates))
        }
        Open::Upload { app_id, latest } => Box::new(Upload::new(&app_id, latest)),
        Open::Configure { app_id, config } => Box::new(Configure::new(&app_id, &config)),
        Open::Release { app_id, name, versions } => Box::new(Release::new(&app_id, &name, versions)),
        Open::Delete { app_id, name } => Box::new(TypeToConfirm::delete_program(&app_id, &name)),
        Open::Transfer { workspace, login } => Box::new(TypeToConfirm::transfer(&workspace, &login)),
        Open::RenameWorkspace { workspace } => Box::new(TypeToConfirm::rename_workspace(&workspace)),
        Open::DeleteWorkspace { workspace } => Box::new(TypeToConfirm::delete_workspace(&workspace)),
        Open::Confirm { title, question, confirm, request } => {
            Box::new(Confirm::new(&title, question, &confirm, request))
        }
        Open::Invite { workspace, roles } => {
            let users = ctx.desk.find_invitees(ctx.actor()?, &workspace, None, page).ok()?;
            Box::new(Invite::new(&workspace, users, roles))
        }
        Open::Workspaces => {
            let items = ctx
                .who
                .workspaces
                .iter()
                .map(|w| (w.name.clone(), format!("{} — {}", w.name, w.role.title())))
                .collect();
            Box::new(Picker::new(PickerKind::Workspace, items, ctx.workspace().unwrap_or_default()))
        }
        Open::Personas => {
            let users = ctx.report(ctx.desk.list_users(ctx.actor(), Page::new(0, 500)))?;
            let items = users.into_iter().map(|u| (u.login.clone(), format!("{} ({})", u.name, u.login))).collect();
            Box::new(Picker::new(PickerKind::Persona, items, &ctx.who.login))
        }
        Open::Invitations => Box::new(InvitationList::new(ctx.who.invitations.clone(), ctx.desk.now_time())),
        Open::Keys => {
            let me = Principal::Person(ctx.actor()?.clone());
            let keys = ctx.report(ctx.desk.list_keys(&me, None))?;
            let keys = keys
                .into_iter()
                .map(|key| {
                    let refusal = ctx.desk.key_removal_refusal(&me, &key.fingerprint);
                    (key, refusal)
                })
                .collect();
            Box::new(KeyList::new(keys))
        }
    };
    Some(layer)
}
