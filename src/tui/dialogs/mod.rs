//! Modal dialogs. Each is its own small module — state, key handler,
//! view — that never calls the desk: it hands back a `Request` (a
//! confirmation is data) and `requests.rs` carries it out; an error comes
//! back into the dialog, shown inline. Each is a layer on the console's
//! stack (`dialog_layer!`), built and pushed by the screen that opens it
//! (`Outcome::push`); one that reads what it starts from has an `open`.

mod add_members;
mod configure;
mod confirm;
mod delete;
mod expiry;
mod invitations;
mod invite;
mod keys;
mod picker;
mod program_form;
mod release;
mod upload;

pub use add_members::AddMembers;

/// How many candidates one add-members query fetches.
pub fn add_members_page() -> u64 {
    add_members::CANDIDATES_SHOWN
}

/// A dialog list's page: from the start, or after what is loaded.
fn list_page(loaded: usize, next_page: bool) -> crate::desk::Page {
    crate::desk::Page::new(if next_page { loaded as u64 } else { 0 }, add_members_page())
}
pub use configure::Configure;
pub use confirm::Confirm;
pub use delete::TypeToConfirm;
pub use expiry::{SetExpiry, DURATIONS};
pub use invitations::InvitationList;
pub use invite::{Invite, Newcomers};
pub use keys::KeyList;
pub use picker::{Picker, PickerKind};
pub use program_form::{FormMode, ProgramForm};
pub use release::Release;
pub use upload::Upload;

pub use super::component::Outcome;
pub use super::request::{ConfigChangeRequest, Request};

/// A dialog as a layer on the console's stack: modal (every key is its
/// own), drawn from its own state, the desk's refusal shown inside it.
/// Extra items (a paged list's fetch, a refresh) go in the braces.
macro_rules! dialog_layer {
    ($dialog:ty) => {
        $crate::tui::dialogs::dialog_layer!($dialog, {});
    };
    ($dialog:ty, { $($extra:item)* }) => {
        impl $crate::tui::component::Component for $dialog {
            fn handle_key(
                &mut self,
                key: crossterm::event::KeyEvent,
                _ctx: &$crate::tui::component::Context<'_>,
            ) -> $crate::tui::component::Outcome {
                <$dialog>::handle_key(self, key)
            }

            fn captures_keys(&self) -> bool {
                true
            }

            fn draw(
                &self,
                frame: &mut ratatui::Frame<'_>,
                area: ratatui::layout::Rect,
                ctx: &$crate::tui::component::Context<'_>,
                _focused: bool,
            ) {
                self.render(frame, area, ctx.theme)
            }

            fn show_error(&mut self, error: String) -> bool {
                self.error = Some(error);
                true
            }

            $($extra)*
        }
    };
}
pub(crate) use dialog_layer;
