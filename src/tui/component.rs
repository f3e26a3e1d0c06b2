//! The one shape of every screen of the console (gitui's `components`,
//! ratatui's component template): a screen owns its state, turns a key or
//! an action into an [`Outcome`], says which actions it offers and whether
//! each is allowed ([`Component::hints`]), draws from `&self` and a
//! read-only [`Context`], and refreshes from the desk when the data
//! changed. The router (`router.rs`) hands a key to the one screen that
//! has the focus and carries out what comes back, once.
//!
//! A screen reads the desk through `Context::desk`, a shared reference:
//! every write needs `&mut Desk`, which only `requests.rs` has, so no
//! screen can write — it hands back a `Request` instead.

use super::action::Action;
use super::keymap::Keymap;
use super::request::Request;
use super::theme::Theme;
use crate::desk::{Actor, Denial, Desk, DeskResult, Invitation, WorkspaceSummary};
use crossterm::event::KeyEvent;
use ratatui::layout::Rect;
use ratatui::Frame;
use std::cell::RefCell;

/// The selected program, as loaded when the selection changed: shared by
/// the Details and Members panes, the Roles tab and the hints.
pub type Selection = crate::desk::ProgramOverview;

/// A focusable list or pane. The Programs tab has three; the Members and
/// Audit tabs one list each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pane {
    Programs,
    Details,
    Members,
    WorkspaceMembers,
    Audit,
}

impl Pane {
    pub const ALL: [Pane; 3] = [Pane::Programs, Pane::Details, Pane::Members];
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tab {
    Programs,
    Members,
    Audit,
    Roles,
}

impl Tab {
    pub const ALL: [Tab; 4] = [Tab::Programs, Tab::Members, Tab::Audit, Tab::Roles];

    pub fn title(self) -> &'static str {
        match self {
            Tab::Programs => "Programs",
            Tab::Members => "Members",
            Tab::Audit => "Audit",
            Tab::Roles => "Roles",
        }
    }

    pub fn index(self) -> usize {
        Self::ALL.iter().position(|t| *t == self).unwrap_or(0)
    }

    /// The action that shows it.
    pub fn action(self) -> Action {
        match self {
            Tab::Programs => Action::TabPrograms,
            Tab::Members => Action::TabMembers,
            Tab::Audit => Action::TabAudit,
            Tab::Roles => Action::TabRoles,
        }
    }

    /// The pane that has the focus when it shows.
    pub fn home(self) -> Pane {
        match self {
            Tab::Programs => Pane::Programs,
            // The Roles tab scrolls like a details pane.
            Tab::Roles => Pane::Details,
            Tab::Members => Pane::WorkspaceMembers,
            Tab::Audit => Pane::Audit,
        }
    }

    /// Whether its screens read their rows again each time it shows (the
    /// Programs tab is kept fresh as it is; the Roles tab reads the
    /// selection).
    pub fn reads_on_show(self) -> bool {
        matches!(self, Tab::Members | Tab::Audit)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusKind {
    Info,
    Error,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Options {
    /// Persona switching on (a demo walkthrough).
    pub demo: bool,
    pub read_only: bool,
    /// The guided tour (a demo only).
    pub tour: bool,
    /// The last keys pressed, in a corner, for an audience.
    pub show_keys: bool,
    /// What only a key needs (what `z` and `Z` would take back) is looked
    /// up after the first frame is drawn, not before it.
    pub after_first_frame: bool,
}

/// An entry an undo would take back, and why it cannot be, if not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UndoChoice {
    pub id: i64,
    pub refusal: Option<String>,
}

/// The acting person, where they are, and what they may do there — what
/// every screen shares.
#[derive(Debug, Clone, Default)]
pub struct Who {
    pub login: String,
    pub actor: Option<Actor>,
    pub workspaces: Vec<WorkspaceSummary>,
    pub workspace: Option<WorkspaceSummary>,
    /// Whether they may create a program in this workspace.
    pub create_program: Option<Result<(), Denial>>,
    /// Their pending, unexpired invitations.
    pub invitations: Vec<Invitation>,
    /// Their newest change here not undone (`z`), and their newest undo
    /// not redone (`Z`).
    pub undo: Option<UndoChoice>,
    pub redo: Option<UndoChoice>,
    /// When their own access to this workspace ends (looked up on reload).
    pub access_ends: Option<String>,
    /// Who blocked them here and since when, if they are blocked (every
    /// tab says it where its list would be; looked up on reload).
    pub blocked: Option<String>,
}

impl Who {
    pub fn workspace_name(&self) -> Option<&str> {
        self.workspace.as_ref().map(|w| w.name.as_str())
    }
}

/// What a screen may read while it handles a key, refreshes or draws.
pub struct Context<'a> {
    /// Reads only: writes go through a `Request`.
    pub desk: &'a Desk,
    pub who: &'a Who,
    pub selection: Option<&'a Selection>,
    pub theme: &'a Theme,
    pub keymap: &'a Keymap,
    pub options: Options,
    /// The console's part of the terminal (above the tour's panel).
    pub size: (u16, u16),
    /// The desk's time at the last refresh (for countdowns).
    pub now: time::OffsetDateTime,
    /// Counts reloads: a screen's lookup of something derived (whether an
    /// entry can be undone) is done again only when this moved.
    pub epoch: u64,
    /// Reads that would keep a key waiting go there.
    pub background: &'a super::background::Background,
    /// This frame's hint list (the help overlay lists it); empty while
    /// keys are handled.
    pub hints: &'a [Hint],
    /// The database file, for the help overlay (a second terminal joins it).
    pub database: Option<&'a str>,
    /// The config file the console started with, for the help overlay.
    pub config_file: Option<&'a super::config::ConfigFile>,
    /// A desk error met while reading, for the status line (and the log).
    problems: RefCell<Vec<String>>,
}

impl<'a> Context<'a> {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        desk: &'a Desk,
        who: &'a Who,
        selection: Option<&'a Selection>,
        (theme, keymap): (&'a Theme, &'a Keymap),
        options: Options,
        size: (u16, u16),
        (now, epoch, background): (time::OffsetDateTime, u64, &'a super::background::Background),
    ) -> Self {
        Self {
            desk,
            who,
            selection,
            theme,
            keymap,
            options,
            size,
            now,
            epoch,
            background,
            hints: &[],
            database: None,
            config_file: None,
            problems: RefCell::default(),
        }
    }

    /// The same context, drawing a frame with these hints.
    pub fn with_hints(mut self, hints: &'a [Hint], stage: &'a super::app::Stage) -> Self {
        self.hints = hints;
        self.database = stage.database.as_deref();
        self.config_file = stage.config_file.as_ref();
        self
    }

    /// The value, or `None` with the error kept for the status line.
    pub fn report<T>(&self, result: DeskResult<T>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(error) => {
                self.problems.borrow_mut().push(error.to_string());
                None
            }
        }
    }

    /// The errors met, oldest first.
    pub fn take_problems(&self) -> Vec<String> {
        std::mem::take(&mut self.problems.borrow_mut())
    }

    pub fn actor(&self) -> Option<&'a Actor> {
        self.who.actor.as_ref()
    }

    pub fn workspace(&self) -> Option<&'a str> {
        self.who.workspace_name()
    }

    /// The selected program's app ID.
    pub fn app_id(&self) -> Option<&'a str> {
        self.selection.map(|s| s.detail.summary.app_id.as_str())
    }
}

/// A layer for the stack, built by the screen that opens it: a new dialog
/// is its module, one `mod` line, and the screen that pushes it.
pub struct Layer(pub Box<dyn Component>);

impl Layer {
    pub fn new(layer: impl Component) -> Self {
        Self(Box::new(layer))
    }
}

impl std::fmt::Debug for Layer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Layer")
    }
}

/// What a key or an action led to; the router carries it out.
#[derive(Debug)]
pub enum Outcome {
    Nothing,
    /// Change the data through the desk (then refresh what shows it).
    Request(Request),
    /// The welcome screen's request (register, join, load the demo):
    /// carried out, then the console starts as the person it names.
    Enter(Request),
    /// Put this layer on top of the stack.
    Push(Layer),
    /// Close the dialog or overlay that handled the key.
    Close,
    Status(StatusKind, String),
    /// Another program is selected: its details and members load.
    SelectionMoved,
    /// A list's filter text changed: look it up once the keys typed
    /// together are handled.
    FilterChanged(Pane),
    /// A dialog's list: fetch it again (its filter changed) or its next page.
    FetchItems {
        next_page: bool,
    },
    Quit,
}

impl Outcome {
    /// Put this dialog or overlay on top of the stack.
    pub fn push(layer: impl Component) -> Self {
        Self::Push(Layer::new(layer))
    }

    /// Push the layer if what it starts from could be read; if not, the
    /// desk's error is in the context's problems, for the status line.
    pub fn push_read(layer: Option<impl Component>) -> Self {
        layer.map_or(Self::Nothing, Self::push)
    }
}

/// One action as the key-hint bar, the help overlay and the key handler
/// see it: its key, and why not when not permitted (built per frame in
/// `hints.rs` from the screens' offers).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hint {
    pub action: Action,
    pub key: String,
    /// Why not, when not permitted.
    pub denial: Option<String>,
    /// Who offered it, and so carries it out.
    pub by: Offerer,
}

/// Who offered an action: the console itself, or one of the tab's screens
/// (its place in `Screens::of_tab`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Offerer {
    Console,
    Screen(usize),
}

impl Hint {
    pub fn enabled(&self) -> bool {
        self.denial.is_none()
    }
}

/// An action offered here: allowed, or why not.
pub type Offer = (Action, Result<(), String>);

/// A refusal as the hint list shows it.
pub fn offer(action: Action, decision: &Result<(), Denial>) -> Offer {
    (action, decision.clone().map_err(|d| d.to_string()))
}

/// The shape of every screen, and of every layer on the console's stack
/// (a dialog, an overlay): a key goes to the top layer, which hands back
/// an [`Outcome`] (`Close` takes it off the stack).
pub trait Component: std::any::Any {
    /// A key this screen takes as it is (text typed into a field, a
    /// dialog's keys), before the keymap is asked.
    fn handle_key(&mut self, _key: KeyEvent, _ctx: &Context<'_>) -> Outcome {
        Outcome::Nothing
    }

    /// Whether this screen takes keys as they are right now (typing).
    fn captures_keys(&self) -> bool {
        false
    }

    /// An action it offered, allowed, to carry out.
    fn perform(&mut self, _action: Action, _ctx: &Context<'_>) -> Outcome {
        Outcome::Nothing
    }

    /// The actions it offers now (not offered: not applicable here).
    fn hints(&self, _ctx: &Context<'_>, _focused: bool, _offers: &mut Vec<Offer>) {}

    fn draw(&self, frame: &mut Frame<'_>, area: Rect, ctx: &Context<'_>, focused: bool);

    /// The data changed: read again what it shows.
    fn refresh(&mut self, _ctx: &Context<'_>) {}

    /// A layer that shows the desk's refusal inside it (a dialog) takes it
    /// and says so; otherwise it goes to the status line.
    fn show_error(&mut self, _error: String) -> bool {
        false
    }

    /// A request it handed back was carried out: whether it stays on the
    /// stack (having read again what it shows) instead of closing.
    fn stays_after_request(&mut self, _ctx: &Context<'_>) -> bool {
        false
    }

    /// A list that pages in SQL: fetch it again from the start (its filter
    /// changed) or its next page.
    fn fetch_items(&mut self, _ctx: &Context<'_>, _next_page: bool) {}
}
