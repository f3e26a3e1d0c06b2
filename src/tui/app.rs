//! The console's state and the only place it reads from the desk. `update`
//! changes it; `view` only reads it.

use super::config::Config;
use super::dialogs::Dialog;
use super::keymap::Keymap;
use super::layout;
use super::theme::Theme;
use super::welcome::Welcome;
use super::window::{ListWindow, PAGE};
use crate::desk::{
    Actor, AuditEntry, Denial, Desk, DeskResult, Invitation, MemberOp, Page, ProgramMember, ProgramSummary, Seek,
    WorkspaceMember, WorkspaceRole, WorkspaceSummary,
};
use tui_input::Input;

/// Versions shown in the details pane; older ones are in `program versions`.
pub const VERSIONS_SHOWN: u64 = 50;

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
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusKind {
    Info,
    Error,
}

/// See [`App::status_context`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusContext {
    login: String,
    workspace: Option<String>,
    tab: Tab,
    focus: Pane,
    program: Option<String>,
    rows: [u64; 3],
    overlay: (bool, bool),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Status {
    pub kind: StatusKind,
    pub text: String,
}

/// The selected program, as loaded when the selection changed.
pub type Selection = crate::desk::ProgramOverview;

#[derive(Debug, Clone, Default)]
pub struct Help {
    pub filter: Input,
    pub scroll: u16,
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
}

pub enum Screen {
    Welcome(Box<Welcome>),
    Main,
}

pub struct App {
    pub desk: Desk,
    pub login: String,
    pub actor: Option<Actor>,
    pub options: Options,
    pub theme: Theme,
    /// Keys → actions (the config file's, or the defaults).
    pub keymap: Keymap,
    pub screen: Screen,
    pub workspaces: Vec<WorkspaceSummary>,
    pub workspace: Option<WorkspaceSummary>,
    pub create_program: Option<Result<(), Denial>>,
    pub tab: Tab,
    pub focus: Pane,
    pub programs: ListWindow<ProgramSummary>,
    pub program_filter: Input,
    pub members: ListWindow<ProgramMember>,
    pub member_filter: Input,
    /// The pane whose filter is being typed into.
    pub editing_filter: Option<Pane>,
    pub selection: Option<Selection>,
    pub member_removal: Option<Result<(), Denial>>,
    pub details_scroll: u16,
    /// Members tab: the workspace's members and invitations.
    pub ws_members: ListWindow<WorkspaceMember>,
    /// What can be done to the selected row, allowed or why not.
    pub ws_member_ops: Vec<(MemberOp, Result<(), Denial>)>,
    pub invite_options: Vec<(WorkspaceRole, Result<(), Denial>)>,
    /// Audit tab: entries with their ids, newest first.
    pub audit: ListWindow<(i64, AuditEntry)>,
    pub audit_filter: Input,
    pub roles_scroll: u16,
    /// The acting user's open invitations.
    pub my_invitations: Vec<Invitation>,
    /// The desk's time at the last refresh (for invitation countdowns).
    pub now: time::OffsetDateTime,
    pub dialog: Option<Dialog>,
    pub help: Option<Help>,
    pub status: Option<Status>,
    /// Counts status messages set, so `update` can tell a new one from an
    /// old one that outlived its context.
    pub status_serial: u64,
    /// Something on screen may have changed since the last frame. An idle
    /// console draws nothing: over SSH, not a byte.
    pub redraw: bool,
    /// A filter whose text changed and whose rows are not fetched yet.
    pub pending_filter: Option<Pane>,
    pub quit: bool,
    /// Why the console ended on its own: the person's access was taken
    /// away (a key removed, disabled, the session ended).
    pub ended: Option<String>,
    pub size: (u16, u16),
    /// The database file, shown in the help overlay (and, for a demo, at
    /// start) so a second terminal can join it.
    pub database: Option<String>,
    pub data_version: i64,
    /// Counts reloads: what `z` and `Z` would take back is looked up again
    /// only when this (or the workspace, persona or audit row) moved.
    pub data_epoch: u64,
    pub undo: super::app_undo::UndoChoices,
    /// The guided tour, when on.
    pub tour: Option<super::tour::Tour>,
    /// The demo as it started: what a reset goes back to.
    pub demo_start: Option<crate::desk::demo::Snapshot>,
    /// The last keys pressed, newest last (with `--show-keys`).
    pub recent_keys: std::collections::VecDeque<String>,
}

impl App {
    /// Remembers the database file to show; a demo also says at once where
    /// it is, for the second terminal of the walkthrough.
    pub fn show_database(&mut self, path: &std::path::Path) {
        let shown = path.display().to_string();
        if self.options.demo {
            self.set_status(
                StatusKind::Info,
                format!("demo database: {shown} (another terminal: mpdesk --db {shown} --user eve …)"),
            );
        }
        self.database = Some(shown);
    }

    /// A console for `login`: the main screen if they are registered and in
    /// a workspace, the welcome screen otherwise.
    pub fn new(desk: Desk, login: &str, options: Options, config: Config, size: (u16, u16)) -> Self {
        let mut desk = desk;
        desk.set_read_only(options.read_only);
        let data_version = desk.data_version().unwrap_or(0);
        let mut app = Self {
            desk,
            login: login.to_string(),
            actor: None,
            options,
            theme: config.theme,
            keymap: config.keymap,
            screen: Screen::Main,
            workspaces: Vec::new(),
            workspace: None,
            create_program: None,
            tab: Tab::Programs,
            focus: Pane::Programs,
            programs: ListWindow::default(),
            program_filter: Input::default(),
            members: ListWindow::default(),
            member_filter: Input::default(),
            editing_filter: None,
            selection: None,
            member_removal: None,
            details_scroll: 0,
            ws_members: ListWindow::default(),
            ws_member_ops: Vec::new(),
            invite_options: Vec::new(),
            audit: ListWindow::default(),
            audit_filter: Input::default(),
            roles_scroll: 0,
            my_invitations: Vec::new(),
            now: time::OffsetDateTime::UNIX_EPOCH,
            dialog: None,
            help: None,
            status: None,
            quit: false,
            ended: None,
            size,
            database: None,
            status_serial: 0,
            redraw: true,
            pending_filter: None,
            data_version,
            data_epoch: 0,
            undo: Default::default(),
            tour: None,
            demo_start: None,
            recent_keys: Default::default(),
        };
        if app.options.demo && !app.desk.is_read_only() {
            let start = app.desk.snapshot();
            app.demo_start = app.report(start);
        }

        app.start_as(login);
        if app.options.tour {
            match super::tour::builtin() {
                Ok(steps) => app.start_tour(steps),
                Err(error) => app.set_status(StatusKind::Error, error),
            }
        }
        app
    }

    /// (Re)starts as `login`: loads everything, or shows the welcome screen.
    pub fn start_as(&mut self, login: &str) {
        self.in_one_snapshot(|app| app.enter_as(login));
    }

    fn enter_as(&mut self, login: &str) {
        self.login = login.to_string();
        self.actor = self.desk.actor(login).ok();
        self.workspaces = match &self.actor {
            Some(actor) => self.desk.list_workspaces(actor).unwrap_or_default(),
            None => Vec::new(),
        };
        let keep = self.workspace.as_ref().map(|w| w.name.clone());
        self.workspace = keep
            .and_then(|name| self.workspaces.iter().find(|w| w.name == name).cloned())
            .or_else(|| self.workspaces.iter().find(|w| w.status.can_act()).cloned())
            .or_else(|| self.workspaces.first().cloned());
        self.load_invitations();
        if self.actor.is_none() || self.workspace.is_none() {
            let demo_available = self.desk.count_users().map(|n| n == 0).unwrap_or(false);
            let mut welcome = Welcome::new(login, self.actor.is_some(), demo_available);
            welcome.read_only = self.desk.is_read_only();
            welcome.invitations = self.my_invitations.clone();
            if !welcome.invitations.is_empty() {
                welcome.focus = super::welcome::WelcomeFocus::Invitation(0);
            }
            self.screen = Screen::Welcome(Box::new(welcome));
            return;
        }
        self.screen = Screen::Main;
        self.programs.selected = 0;
        self.programs.top = 0;
        self.reload();
        self.reload_tab();
        // Blocked everywhere: say so, rather than "not found".
        if let (Some(actor), Some(ws)) = (self.actor.clone(), self.workspace.clone()) {
            if let Ok(Some(notice)) = self.desk.blocked_notice(&actor, &ws.name) {
                self.set_status(StatusKind::Error, notice);
            }
        }
        if !self.my_invitations.is_empty() && self.dialog.is_none() {
            self.open_invitations();
        }
        self.refresh_undo();
    }

    pub fn set_status(&mut self, kind: StatusKind, text: impl Into<String>) {
        self.status = Some(Status { kind, text: text.into() });
        self.status_serial += 1;
    }

    /// What a status message belongs to: when any of it changes (another
    /// selection, tab, pane, workspace, persona, a dialog or the help), a
    /// message set before no longer speaks of what is on the screen.
    pub fn status_context(&self) -> StatusContext {
        StatusContext {
            login: self.login.clone(),
            workspace: self.workspace.as_ref().map(|w| w.name.clone()),
            tab: self.tab,
            focus: self.focus,
            program: self.selection.as_ref().map(|s| s.detail.summary.app_id.clone()),
            rows: [self.members.selected, self.ws_members.selected, self.audit.selected],
            overlay: (self.dialog.is_some(), self.help.is_some()),
        }
    }

    /// Shows a desk error in the status line (and in the log).
    /// Runs `work` with its reads in one snapshot of the database: what
    /// one screen shows is consistent, and read under one lock.
    pub fn in_one_snapshot<T>(&mut self, work: impl FnOnce(&mut Self) -> T) -> T {
        let held = self.desk.hold_snapshot();
        let held = self.report(held).is_some();
        let value = work(self);
        if held {
            let released = self.desk.release_snapshot();
            self.report(released);
        }
        value
    }

    pub fn report<T>(&mut self, result: DeskResult<T>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(error) => {
                super::log::write(&format!("desk error: {error}"));
                self.set_status(StatusKind::Error, error.to_string());
                None
            }
        }
    }

    fn filter_text(input: &Input) -> Option<String> {
        Some(input.value().to_string()).filter(|t| !t.is_empty())
    }

    /// Reloads everything shown, keeping the selection where it can.
    pub fn reload(&mut self) {
        self.in_one_snapshot(Self::reload_programs);
    }

    fn reload_programs(&mut self) {
        self.data_epoch += 1;
        let (Some(actor), Some(workspace)) = (self.actor.clone(), self.workspace.clone()) else {
            return;
        };
        self.create_program = self.desk.workspace_capabilities(&actor, &workspace.name).ok().map(|c| c.create_program);
        let selected_app = self.programs.selected_row().map(|p| p.app_id.clone());
        let text = Self::filter_text(&self.program_filter);
        // No count before the first frame: one page and one row more say
        // whether there is more; the total is counted only when someone
        // goes near the end (or already is deep in the list).
        let probe = self.desk.seek_programs(&actor, &workspace.name, text.as_deref(), Seek::First, PAGE + 1);
        let mut first_page = self.report(probe).unwrap_or_default();
        let found = first_page.len() as u64;
        let deep = self.programs.selected + 2 * self.programs_height() as u64 >= PAGE;
        self.programs.offset = 0;
        self.programs.rows.clear();
        if found <= PAGE {
            self.programs.reset(found);
        } else if deep {
            let total = self.desk.count_programs(&actor, Some(&workspace.name), text.as_deref());
            let total = self.report(total).unwrap_or(found);
            self.programs.reset(total);
        } else {
            self.programs.reset(found);
            self.programs.exact = false;
        }
        // The probe is the first page: most views start there.
        first_page.truncate(PAGE as usize);
        self.programs.fill(0, first_page);
        self.ensure_program_rows();
        // Keep the same program selected if it is still near where it was.
        if let Some(app_id) = selected_app {
            let found = self.programs.rows.iter().position(|p| p.app_id == app_id);
            if let Some(pos) = found {
                self.programs.select(self.programs.offset + pos as u64);
            }
        }
        self.load_selection();
    }

    pub fn programs_height(&self) -> u16 {
        layout::list_height(self.ui_size(), Pane::Programs)
    }

    pub fn members_height(&self) -> u16 {
        layout::list_height(self.ui_size(), Pane::Members)
    }

    /// Rows the tour's panel takes at the bottom: none without a tour, or
    /// when the terminal is too short to hold it and the console both.
    pub fn tour_rows(&self) -> u16 {
        const PANEL: u16 = 8;
        let spare = self.size.1.saturating_sub(layout::MIN_HEIGHT);
        match self.tour {
            Some(_) if spare >= 4 => PANEL.min(spare),
            _ => 0,
        }
    }

    /// The console's own part of the terminal (above the tour's panel).
    pub fn ui_size(&self) -> (u16, u16) {
        (self.size.0, self.size.1 - self.tour_rows())
    }

    /// Fetches programs if the visible ones are not loaded: next to what
    /// is loaded by name (keyset), from either end, and only for a jump
    /// into the middle by offset — so scrolling costs one page at any depth.
    pub fn ensure_program_rows(&mut self) {
        let height = self.programs_height();
        if self.programs.near_unknown_end(height) {
            self.count_programs_exactly();
        }
        self.programs.scroll_to_selection(height);
        let (Some(actor), Some(workspace)) = (self.actor.clone(), self.workspace.clone()) else {
            return;
        };
        if self.programs.page_needed(height).is_none() {
            return;
        }
        let text = Self::filter_text(&self.program_filter);
        let text = text.as_deref();
        let w = &self.programs;
        let (top, total) = (w.top, w.total);
        let end = (top + height as u64).min(total);
        let (start, loaded_end) = (w.offset, w.offset + w.rows.len() as u64);
        let first = w.rows.first().map(|p| p.name.clone());
        let last = w.rows.last().map(|p| p.name.clone());
        let fetched = match (first, last) {
            (Some(_), Some(last)) if top >= start && top <= loaded_end + PAGE / 2 && end > loaded_end => {
                let next = self.desk.seek_programs(&actor, &workspace.name, text, Seek::After(&last), PAGE);
                self.report(next).map(|next| {
                    let mut rows = self.programs.rows.split_off((top - start) as usize);
                    rows.extend(next);
                    (top, rows)
                })
            }
            (Some(first), Some(_)) if top < start && start - top <= PAGE / 2 => {
                let previous = self.desk.seek_programs(&actor, &workspace.name, text, Seek::Before(&first), PAGE);
                self.report(previous).map(|mut rows| {
                    let keep = ((end.max(start) - start) as usize).min(self.programs.rows.len());
                    let offset = start.saturating_sub(rows.len() as u64);
                    rows.extend(self.programs.rows.drain(..keep));
                    (offset, rows)
                })
            }
            // The last page only when the visible rows lie in it (with 201
            // to ~224 programs, "near the end" was not "in the last page").
            _ if top >= total.saturating_sub(PAGE) && end + PAGE >= total => {
                let rows = self.desk.seek_programs(&actor, &workspace.name, text, Seek::Last, PAGE);
                self.report(rows).map(|rows| (total.saturating_sub(rows.len() as u64), rows))
            }
            _ if top < PAGE => {
                let rows = self.desk.seek_programs(&actor, &workspace.name, text, Seek::First, PAGE);
                self.report(rows).map(|rows| (0, rows))
            }
            _ => {
                let offset = top.saturating_sub(PAGE / 4);
                let rows = self.desk.list_programs(&actor, Some(&workspace.name), text, Page::new(offset, PAGE));
                self.report(rows).map(|rows| (offset, rows))
            }
        };
        if let Some((offset, rows)) = fetched {
            self.programs.fill(offset, rows);
        }
    }

    /// Loads the selected program's details, versions, capabilities and
    /// first members. Costs the same however many programs there are.
    pub fn load_selection(&mut self) {
        self.in_one_snapshot(Self::load_selected_program);
    }

    fn load_selected_program(&mut self) {
        self.details_scroll = 0;
        let Some(actor) = self.actor.clone() else {
            return;
        };
        let Some(app_id) = self.programs.selected_row().map(|p| p.app_id.clone()) else {
            self.selection = None;
            self.members = ListWindow::default();
            self.member_removal = None;
            return;
        };
        let loaded = self.desk.program_overview(&actor, &app_id, Page::new(0, VERSIONS_SHOWN));
        self.selection = self.report(loaded);
        self.members.selected = 0;
        self.members.top = 0;
        self.reload_members();
    }

    /// Reloads the members pane from its first page. Its length is only
    /// counted when the list is longer than a page and the view reaches
    /// its end, so moving between programs costs one page, not a count.
    pub fn reload_members(&mut self) {
        let (Some(actor), Some(app_id)) = (self.actor.clone(), self.selected_app_id()) else {
            self.members = ListWindow::default();
            self.member_removal = None;
            return;
        };
        let selected = self.members.selected;
        self.members = ListWindow { selected, top: self.members.top, exact: false, ..ListWindow::default() };
        let text = Self::filter_text(&self.member_filter);
        let rows = self.desk.find_members(&actor, &app_id, text.as_deref(), Page::new(0, PAGE + 1));
        let rows = self.report(rows).unwrap_or_default();
        self.members.fill_probed(0, rows);
        self.members.top = self.members.top.min(self.members.selected);
        self.ensure_member_rows();
    }

    /// Counts the members exactly (for "go to the last row").
    /// The program list's length, counted (for End, or near the end).
    pub fn count_programs_exactly(&mut self) {
        if self.programs.exact {
            return;
        }
        let (Some(actor), Some(workspace)) = (self.actor.clone(), self.workspace.clone()) else {
            return;
        };
        let text = Self::filter_text(&self.program_filter);
        let total = self.desk.count_programs(&actor, Some(&workspace.name), text.as_deref());
        if let Some(total) = self.report(total) {
            self.programs.total = total;
            self.programs.exact = true;
        }
    }

    pub fn count_members_exactly(&mut self) {
        if self.members.exact {
            return;
        }
        let (Some(actor), Some(app_id)) = (self.actor.clone(), self.selected_app_id()) else {
            return;
        };
        let text = Self::filter_text(&self.member_filter);
        let total = self.desk.count_members(&actor, &app_id, text.as_deref());
        if let Some(total) = self.report(total) {
            self.members.total = total;
            self.members.exact = true;
        }
    }

    pub fn ensure_member_rows(&mut self) {
        let height = self.members_height();
        self.members.scroll_to_selection(height);
        let (Some(actor), Some(app_id)) = (self.actor.clone(), self.selected_app_id()) else {
            return;
        };
        let text = Self::filter_text(&self.member_filter);
        if self.members.near_unknown_end(height) {
            let offset = self.members.top.saturating_sub(PAGE / 4);
            let rows = self.desk.find_members(&actor, &app_id, text.as_deref(), Page::new(offset, PAGE + 1));
            let rows = self.report(rows).unwrap_or_default();
            self.members.fill_probed(offset, rows);
            self.members.scroll_to_selection(height);
        }
        if let Some(offset) = self.members.page_needed(height) {
            let rows = self.desk.find_members(&actor, &app_id, text.as_deref(), Page::new(offset, PAGE));
            let rows = self.report(rows).unwrap_or_default();
            self.members.fill(offset, rows);
        }
        self.load_member_removal();
    }

    fn load_member_removal(&mut self) {
        let login = self.members.selected_row().map(|m| m.login.clone());
        self.member_removal = match (self.actor.clone(), self.selected_app_id(), login) {
            (Some(actor), Some(app_id), Some(login)) => self.desk.member_removal(&actor, &app_id, &login).ok(),
            _ => None,
        };
    }

    pub fn selected_app_id(&self) -> Option<String> {
        self.selection.as_ref().map(|s| s.detail.summary.app_id.clone())
    }

    /// Checks whether another process changed the data; reloads if so.
    pub fn poll_changes(&mut self) {
        let Ok(version) = self.desk.data_version() else {
            return;
        };
        if version != self.data_version {
            self.data_version = version;
            // Taking access away works at once: a revoked console ends.
            if let Some(why) = self.desk.revocation(&self.login) {
                self.ended = Some(why);
                return;
            }
            match self.screen {
                Screen::Main => {
                    let login = self.login.clone();
                    if self.actor.is_none() || self.workspace.is_none() {
                        self.start_as(&login);
                    } else {
                        let members_selected = self.members.selected;
                        self.workspaces =
                            self.actor.as_ref().and_then(|a| self.desk.list_workspaces(a).ok()).unwrap_or_default();
                        if self.workspaces.iter().all(|w| Some(&w.name) != self.workspace.as_ref().map(|w| &w.name)) {
                            self.start_as(&login);
                            return;
                        }
                        self.reload();
                        self.members.select(members_selected);
                        self.ensure_member_rows();
                        self.load_invitations();
                        self.reload_tab();
                    }
                }
                Screen::Welcome(_) => {}
            }
        }
    }
}
