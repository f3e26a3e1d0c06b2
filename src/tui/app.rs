//! The console's shared state: the desk, the acting person, options,
//! keymap, theme, the status line, what is showing, the selected program —
//! and the screens themselves, each owning its own state. Screens see the
//! shared part through a read-only [`Context`]; what changes several of
//! them at once (a reload after a write, another persona) is in
//! `app_load.rs`.

pub use super::component::{Options, Pane, Selection, StatusKind, Tab};
pub use super::screens::welcome::Welcome;

use super::component::{Component, Context, Who};
use super::config::Config;
use super::keymap::Keymap;
use super::layout;
use super::screens::tour::Tour;
use super::screens::Screens;
use super::theme::Theme;
use crate::desk::{Desk, DeskResult};
use std::collections::VecDeque;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Status {
    pub kind: StatusKind,
    pub text: String,
}

/// Which tab shows, and which pane has the focus.
pub struct View {
    pub tab: Tab,
    pub focus: Pane,
}

/// Keeping up with the data.
pub struct Sync {
    /// SQLite's data version at the last look: another process committed
    /// when it moves.
    pub data_version: i64,
    /// Counts reloads: what `z` and `Z` would take back is looked up again
    /// only when this (or the workspace, persona or audit row) moved.
    pub epoch: u64,
    /// The desk's time at the last refresh (for invitation countdowns).
    pub now: time::OffsetDateTime,
    /// A list whose filter text changed and whose rows are not fetched yet.
    pub pending_filter: Option<Pane>,
    /// Counts status messages set, so the router can tell a new one from
    /// an old one that outlived its context.
    pub status_serial: u64,
    /// What the person's undo choices were looked up for.
    pub undo_key: Option<(u64, String, String)>,
    /// Reads finished off the key path.
    pub background: super::background::Background,
    /// The next instant a membership or this session's key ends: the
    /// console wakes then, and what expired is gone.
    pub next_end: Option<time::OffsetDateTime>,
}

/// The event loop's state.
pub struct Run {
    /// The part of the window drawn: at most [`layout::MAX_WIDTH`] ×
    /// [`layout::MAX_HEIGHT`].
    pub size: (u16, u16),
    /// The window as the terminal reports it.
    pub window: (u16, u16),
    /// Something on screen may have changed since the last frame. An idle
    /// console draws nothing: over SSH, not a byte.
    pub redraw: bool,
    pub quit: bool,
    /// Why the console ended on its own: the person's access was taken
    /// away (a key removed, disabled, the session ended).
    pub ended: Option<String>,
}

/// What the console shows of itself, for a second terminal and an
/// audience.
#[derive(Default)]
pub struct Stage {
    /// The database file (in the help overlay; for a demo, at start).
    pub database: Option<String>,
    /// The config file it started with, and why that one (in the help
    /// overlay).
    pub config_file: Option<super::config::ConfigFile>,
    /// The last keys pressed, newest last (with `--show-keys`).
    pub recent_keys: VecDeque<String>,
    /// The demo as it started: what a reset goes back to.
    pub demo_start: Option<crate::desk::demo::Snapshot>,
    /// The program (app ID) and workspace member (login) selected before a
    /// persona switch that could not see them, selected again when one can.
    pub kept: (Option<String>, Option<String>),
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
    layers: usize,
}

pub struct App {
    pub desk: Desk,
    pub who: Who,
    pub options: Options,
    pub keymap: Keymap,
    pub theme: Theme,
    pub status: Option<Status>,
    pub view: View,
    pub selection: Option<Selection>,
    pub screens: Screens,
    /// The layers over the screen, bottom first: the welcome screen (in
    /// place of the tabs), dialogs and overlays (help, your sessions). A
    /// key goes to the top one.
    pub layers: Vec<Box<dyn Component>>,
    pub tour: Option<Tour>,
    pub sync: Sync,
    pub run: Run,
    pub stage: Stage,
}

/// The shared state lent to the screens, beside the screens themselves.
pub struct Parts<'a> {
    pub ctx: Context<'a>,
    pub screens: &'a mut Screens,
    pub view: &'a mut View,
    pub layers: &'a mut Vec<Box<dyn Component>>,
    pub tour: &'a mut Option<Tour>,
}

impl App {
    /// A console for `login`: the main screen if they are registered and in
    /// a workspace, the welcome screen otherwise.
    pub fn new(desk: Desk, login: &str, options: Options, config: Config, size: (u16, u16)) -> Self {
        let mut desk = desk;
        desk.set_read_only(options.read_only);
        let data_version = desk.data_version().unwrap_or(0);
        let mut app = Self {
            desk,
            who: Who { login: login.to_string(), ..Who::default() },
            options,
            keymap: config.keymap,
            theme: config.theme,
            status: None,
            view: View { tab: Tab::Programs, focus: Pane::Programs },
            selection: None,
            screens: Screens::default(),
            layers: Vec::new(),
            tour: None,
            sync: Sync {
                data_version,
                epoch: 0,
                now: time::OffsetDateTime::UNIX_EPOCH,
                next_end: None,
                pending_filter: None,
                status_serial: 0,
                undo_key: None,
                background: super::background::Background::none(),
            },
            run: Run { size: layout::capped(size), window: size, redraw: true, quit: false, ended: None },
            stage: Stage { config_file: config.file, ..Stage::default() },
        };
        if app.options.demo && !app.desk.is_read_only() {
            let start = app.desk.snapshot();
            app.stage.demo_start = app.report(start);
        }
        app.start_as(login);
        if app.options.tour {
            match super::screens::tour::builtin() {
                Ok(steps) => app.start_tour(steps),
                Err(error) => app.set_status(StatusKind::Error, error),
            }
        }
        app
    }

    /// Remembers the database file to show; a demo also says at once where
    /// it is, for the second terminal of the walkthrough.
    pub fn show_database(&mut self, path: &std::path::Path) {
        let shown = path.display().to_string();
        if self.options.demo {
            self.set_status(
                StatusKind::Info,
                format!(
                    "demo database: {shown} (another terminal: {} --db {shown} --user eve …)",
                    crate::session::command_here()
                ),
            );
        }
        self.stage.database = Some(shown);
    }

    /// What the screens read, to look at (hints, drawing).
    pub fn context(&self) -> Context<'_> {
        Context::new(
            &self.desk,
            &self.who,
            self.selection.as_ref(),
            (&self.theme, &self.keymap),
            self.options,
            self.ui_size(),
            (self.sync.now, self.sync.epoch, &self.sync.background),
        )
    }

    /// The shared state lent to the screens to change them.
    pub fn parts(&mut self) -> Parts<'_> {
        let size = self.ui_size();
        Parts {
            ctx: Context::new(
                &self.desk,
                &self.who,
                self.selection.as_ref(),
                (&self.theme, &self.keymap),
                self.options,
                size,
                (self.sync.now, self.sync.epoch, &self.sync.background),
            ),
            screens: &mut self.screens,
            view: &mut self.view,
            layers: &mut self.layers,
            tour: &mut self.tour,
        }
    }

    /// Runs `work` on the screens; what they could not read goes to the
    /// status line.
    pub fn with_parts<T>(&mut self, work: impl FnOnce(&mut Parts<'_>) -> T) -> T {
        let mut parts = self.parts();
        let value = work(&mut parts);
        let problems = parts.ctx.take_problems();
        for problem in problems {
            self.report::<()>(Err(crate::desk::DeskError::Storage(problem)));
        }
        value
    }

    /// Whether a dialog or an overlay is open over the screen.
    pub fn has_layer(&self) -> bool {
        !self.layers.is_empty()
    }

    /// The top layer, if it is a `T` (a test, or a request that keeps its
    /// dialog open, asks which one is there).
    pub fn top<T: Component>(&self) -> Option<&T> {
        let top: &dyn std::any::Any = self.layers.last()?.as_ref();
        top.downcast_ref()
    }

    pub fn push(&mut self, layer: Box<dyn Component>) {
        self.layers.push(layer);
    }

    pub fn set_status(&mut self, kind: StatusKind, text: impl Into<String>) {
        self.status = Some(Status { kind, text: text.into() });
        self.sync.status_serial += 1;
    }

    /// What a status message belongs to: when any of it changes (another
    /// selection, tab, pane, workspace, persona, a dialog or the help), a
    /// message set before no longer speaks of what is on the screen.
    pub fn status_context(&self) -> StatusContext {
        StatusContext {
            login: self.who.login.clone(),
            workspace: self.who.workspace.as_ref().map(|w| w.name.clone()),
            tab: self.view.tab,
            focus: self.view.focus,
            program: self.selection.as_ref().map(|s| s.detail.summary.app_id.clone()),
            rows: self.screens.rows(),
            layers: self.layers.len(),
        }
    }

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

    /// Shows a desk error in the status line (and in the log).
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

    /// Rows the tour's panel takes at the bottom: none without a tour, or
    /// when the terminal is too short to hold it and the console both.
    pub fn tour_rows(&self) -> u16 {
        // The rows its text needs, no more: the console keeps the rest.
        let spare = self.run.size.1.saturating_sub(layout::MIN_HEIGHT);
        match &self.tour {
            Some(tour) if spare >= 4 => tour.rows_needed(self.run.size.0, &self.keymap).min(spare),
            _ => 0,
        }
    }

    /// Whether a membership or this session's key ends within a minute:
    /// what is left of it is shown in seconds, so the console looks each second.
    pub fn ends_within_a_minute(&self) -> bool {
        self.sync.next_end.is_some_and(|end| end - self.desk.now_time() < time::Duration::minutes(1))
    }

    /// The console's own part of the terminal (above the tour's panel).
    pub fn ui_size(&self) -> (u16, u16) {
        (self.run.size.0, self.run.size.1 - self.tour_rows())
    }

    /// Whether the tabs show (a person in a workspace), not the welcome.
    pub fn main_screen(&self) -> bool {
        !self.welcoming() && self.who.workspace.is_some()
    }

    /// Whether the welcome screen is showing in place of the tabs (it is
    /// the bottom layer then).
    pub fn welcoming(&self) -> bool {
        self.layers.first().is_some_and(|bottom| (bottom.as_ref() as &dyn std::any::Any).is::<Welcome>())
    }

    pub fn selected_app_id(&self) -> Option<String> {
        self.selection.as_ref().map(|s| s.detail.summary.app_id.clone())
    }
}
