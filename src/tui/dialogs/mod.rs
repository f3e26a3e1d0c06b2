//! Modal dialogs. Each is its own small state + key handler + view; a
//! dialog never calls the desk: it hands back a `Request` (confirmations
//! are data) and `update` carries it out, showing errors inline.

mod add_members;
mod configure;
mod confirm;
mod delete;
mod invitations;
mod invite;
mod keys;
mod pick_list;
mod picker;
mod program_form;
mod release;
mod upload;

pub use add_members::AddMembers;

/// How many candidates one add-members query fetches.
pub fn add_members_page() -> u64 {
    add_members::CANDIDATES_SHOWN
}
pub use configure::Configure;
pub use confirm::Confirm;
pub use delete::TypeToConfirm;
pub use invitations::InvitationList;
pub use invite::Invite;
pub use keys::KeyList;
pub use picker::{Picker, PickerKind};
pub use program_form::{FormMode, ProgramForm};
pub use release::Release;
pub use upload::Upload;

use super::layout::centered;
use super::theme::Theme;
use crate::desk::{ConfigChange, WorkspaceRole};
use crate::sanitize;
use crossterm::event::KeyEvent;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};
use ratatui::Frame;

/// What a dialog asks `update` to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Request {
    CreateProgram { workspace: String, name: String, description: String },
    EditProgram { app_id: String, name: String, description: String },
    AddMembers { app_id: String, logins: Vec<String> },
    RemoveMember { app_id: String, login: String },
    Upload { app_id: String, version: String, package: String, notes: String },
    Configure { app_id: String, change: ConfigChangeRequest },
    Release { app_id: String, version: String },
    TakeOffline { app_id: String },
    Delete { app_id: String },
    SwitchPersona { login: String },
    SwitchWorkspace { name: String },
    Invite { workspace: String, login: String, role: WorkspaceRole },
    ChangeRole { workspace: String, login: String, role: WorkspaceRole },
    Block { workspace: String, login: String },
    Unblock { workspace: String, login: String },
    RemoveFromWorkspace { workspace: String, login: String },
    Resend { workspace: String, login: String },
    Withdraw { workspace: String, login: String },
    Transfer { workspace: String, login: String },
    Accept { workspace: String },
    Decline { workspace: String },
    AddKey { line: String },
    RemoveKey { fingerprint: String },
    Undo { id: i64 },
    DemoReset,
}

/// `ConfigChange` as plain data (comparable in tests).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ConfigChangeRequest {
    pub add_domains: Vec<String>,
    pub remove_domains: Vec<String>,
    pub client_id: Option<String>,
    pub merchant_id: Option<String>,
}

impl From<ConfigChangeRequest> for ConfigChange {
    fn from(r: ConfigChangeRequest) -> Self {
        ConfigChange {
            add_domains: r.add_domains,
            remove_domains: r.remove_domains,
            client_id: r.client_id,
            merchant_id: r.merchant_id,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Stay,
    Cancel,
    Submit(Request),
    /// A dialog's filter changed: fetch its list again.
    Refilter,
    /// A dialog's list reached its last item: fetch the next page.
    MoreItems,
}

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
}

impl Dialog {
    pub fn handle_key(&mut self, key: KeyEvent) -> Outcome {
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
        }
    }

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
        };
        *slot = Some(error);
    }

    pub fn render(&self, frame: &mut Frame<'_>, theme: &Theme) {
        match self {
            Dialog::AddMembers(d) => d.render(frame, theme),
            Dialog::ProgramForm(d) => d.render(frame, theme),
            Dialog::Upload(d) => d.render(frame, theme),
            Dialog::Configure(d) => d.render(frame, theme),
            Dialog::Release(d) => d.render(frame, theme),
            Dialog::Confirm(d) => d.render(frame, theme),
            Dialog::TypeToConfirm(d) => d.render(frame, theme),
            Dialog::Picker(d) => d.render(frame, theme),
            Dialog::Invite(d) => d.render(frame, theme),
            Dialog::Invitations(d) => d.render(frame, theme),
            Dialog::Keys(d) => d.render(frame, theme),
        }
    }
}

/// Clears a centered box with a border and title; returns its inside.
pub(super) fn open_box(frame: &mut Frame<'_>, width: u16, height: u16, title: &str, theme: &Theme) -> Rect {
    let area = centered(frame.area(), width, height);
    frame.render_widget(Clear, area);
    let block = Block::bordered()
        .title(Span::styled(format!(" {} ", sanitize::line(title)), theme.title()))
        .border_style(theme.border(true));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    inner
}

/// The last rows of a dialog: the problem (if any), then the buttons with
/// the confirm button dimmed until the input is valid.
pub(super) fn footer(
    frame: &mut Frame<'_>,
    inner: Rect,
    problem: Option<&str>,
    confirm: &str,
    valid: bool,
    theme: &Theme,
) {
    if inner.height < 2 {
        return;
    }
    let rows = PROBLEM_ROWS.min(inner.height - 1);
    let error_area = Rect::new(inner.x, inner.y + inner.height - 1 - rows, inner.width, rows);
    let buttons_area = Rect::new(inner.x, inner.y + inner.height - 1, inner.width, 1);
    if let Some(problem) = problem {
        // Wrapped whole: the cause is at the end of the message.
        let text = sanitize::line(problem).into_owned();
        frame.render_widget(Paragraph::new(Span::styled(text, theme.error())).wrap(Wrap { trim: true }), error_area);
    }
    let mark = if valid { "" } else { theme.disabled_mark() };
    let buttons = Line::from(vec![
        Span::styled(format!("[Enter] {mark}{confirm}"), theme.hint_key(valid)),
        Span::raw("   "),
        Span::styled("[Esc] Cancel", theme.hint_label(true)),
    ]);
    frame.render_widget(Paragraph::new(buttons), buttons_area);
}

/// Rows the footer keeps for a problem, wrapped: the longest validation
/// message fits whole in three rows of a dialog at 80 columns.
pub(super) const PROBLEM_ROWS: u16 = 3;

/// Rows a dialog adds to its height for the footer (problem and buttons).
pub(super) const FOOTER_ROWS: u16 = PROBLEM_ROWS + 1;

/// A row inside a dialog's inside area, if it fits.
pub(super) fn row(inner: Rect, index: u16) -> Option<Rect> {
    (index < inner.height.saturating_sub(FOOTER_ROWS)).then(|| Rect::new(inner.x, inner.y + index, inner.width, 1))
}

/// Moves a focus index through `count` fields.
pub(super) fn cycle(focus: usize, count: usize, forward: bool) -> usize {
    if count == 0 {
        return 0;
    }
    if forward {
        (focus + 1) % count
    } else {
        (focus + count - 1) % count
    }
}
