//! Modal dialogs. Each is its own small module — state, key handler,
//! view — that never calls the desk: it hands back a `Request` (a
//! confirmation is data) and `requests.rs` carries it out; an error comes
//! back into the dialog, shown inline. [`Dialog`] is the component the
//! router sees; [`open`] builds one from what a screen asked to open.

mod add_members;
mod configure;
mod confirm;
mod delete;
mod expiry;
mod invitations;
mod invite;
mod keys;
mod open;
mod picker;
mod program_form;
mod release;
mod upload;

pub use add_members::AddMembers;
pub use open::open;

/// How many candidates one add-members query fetches.
pub fn add_members_page() -> u64 {
    add_members::CANDIDATES_SHOWN
}
pub use configure::Configure;
pub use confirm::Confirm;
pub use delete::TypeToConfirm;
pub use expiry::{SetExpiry, DURATIONS};
pub use invitations::InvitationList;
pub use invite::Invite;
pub use keys::KeyList;
pub use picker::{Picker, PickerKind};
pub use program_form::{FormMode, ProgramForm};
pub use release::Release;
pub use upload::Upload;

pub use super::component::Outcome;
pub use super::request::{ConfigChangeRequest, Request};

use super::component::{Component, Context};
use crate::desk::Page;
use crossterm::event::KeyEvent;
use ratatui::layout::Rect;
use ratatui::Frame;

pub enum Dialog {
    AddMembers(AddMembers),
    ProgramForm(ProgramForm),
    Upload(Upload),
    Configure(Configure),
    Release(Release),
    Confirm(Confirm),
    TypeToConfirm(TypeToConfirm),
    Picker(Picker),
    Invite(Invite),
    Invitations(InvitationList),
    Keys(KeyList),
    SetExpiry(SetExpiry),
}

impl Dialog {
    /// An error from the desk, shown inside the dialog.
    pub fn set_error(&mut self, error: String) {
        let slot = match self {
            Dialog::AddMembers(d) => &mut d.error,
            Dialog::ProgramForm(d) => &mut d.error,
            Dialog::Upload(d) => &mut d.error,
            Dialog::Configure(d) => &mut d.error,
            Dialog::Release(d) => &mut d.error,
            Dialog::Confirm(d) => &mut d.error,
            Dialog::TypeToConfirm(d) => &mut d.error,
            Dialog::Picker(d) => &mut d.error,
            Dialog::Invite(d) => &mut d.error,
            Dialog::Invitations(d) => &mut d.error,
            Dialog::Keys(d) => &mut d.error,
            Dialog::SetExpiry(d) => &mut d.error,
        };
        *slot = Some(error);
    }

    /// A dialog's list, one page in SQL: again from the start when its
    /// filter changed, or the next page, appended, when the selection
    /// reached its end.
    pub fn fetch_items(&mut self, ctx: &Context<'_>, next_page: bool) {
        let Some(actor) = ctx.actor() else { return };
        let page = |loaded: usize| Page::new(if next_page { loaded as u64 } else { 0 }, add_members_page());
        match self {
            Dialog::AddMembers(dialog) => {
                let text = dialog.list.filter.value().to_string();
                match ctx.desk.find_candidates(actor, &dialog.app_id, Some(&text), page(dialog.list.items.len())) {
                    Ok(items) if next_page => dialog.list.append_items(items),
                    Ok(items) => dialog.list.set_items(items),
                    Err(e) => dialog.error = Some(e.to_string()),
                }
            }
            Dialog::Invite(dialog) => {
                let text = dialog.list.filter.value().to_string();
                match ctx.desk.find_invitees(actor, &dialog.workspace, Some(&text), page(dialog.list.items.len())) {
                    Ok(items) if next_page => dialog.list.append_items(items),
                    Ok(items) => dialog.list.set_items(items),
                    Err(e) => dialog.error = Some(e.to_string()),
                }
            }
            _ => {}
        }
    }

    /// Your invitations changed (one declined): the list shows what is left.
    pub fn show_invitations(&mut self, invitations: &[crate::desk::Invitation]) {
        if let Dialog::Invitations(list) = self {
            list.invitations = invitations.to_vec();
            list.selected = 0;
        }
    }
}

impl Component for Dialog {
    fn handle_key(&mut self, key: KeyEvent, _ctx: &Context<'_>) -> Outcome {
        match self {
            Dialog::AddMembers(d) => d.handle_key(key),
            Dialog::ProgramForm(d) => d.handle_key(key),
            Dialog::Upload(d) => d.handle_key(key),
            Dialog::Configure(d) => d.handle_key(key),
            Dialog::Release(d) => d.handle_key(key),
            Dialog::Confirm(d) => d.handle_key(key),
            Dialog::TypeToConfirm(d) => d.handle_key(key),
            Dialog::Picker(d) => d.handle_key(key),
            Dialog::Invite(d) => d.handle_key(key),
            Dialog::Invitations(d) => d.handle_key(key),
            Dialog::Keys(d) => d.handle_key(key),
            Dialog::SetExpiry(d) => d.handle_key(key),
        }
    }

    /// A dialog is modal: every key is its own.
    fn captures_keys(&self) -> bool {
        true
    }

    fn draw(&self, frame: &mut Frame<'_>, area: Rect, ctx: &Context<'_>, _focused: bool) {
        let theme = ctx.theme;
        match self {
            Dialog::AddMembers(d) => d.render(frame, area, theme),
            Dialog::ProgramForm(d) => d.render(frame, area, theme),
            Dialog::Upload(d) => d.render(frame, area, theme),
            Dialog::Configure(d) => d.render(frame, area, theme),
            Dialog::Release(d) => d.render(frame, area, theme),
            Dialog::Confirm(d) => d.render(frame, area, theme),
            Dialog::TypeToConfirm(d) => d.render(frame, area, theme),
            Dialog::Picker(d) => d.render(frame, area, theme),
            Dialog::Invite(d) => d.render(frame, area, theme),
            Dialog::Invitations(d) => d.render(frame, area, theme),
            Dialog::Keys(d) => d.render(frame, area, theme),
            Dialog::SetExpiry(d) => d.render(frame, area, theme),
        }
    }
}
