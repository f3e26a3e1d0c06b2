//! The router: every message (a key, the mouse, a resize, a tick) goes to
//! the one screen that takes it — the top layer (the welcome screen, a
//! dialog, help, your sessions), a list being typed into, or, through the
//! keymap and the hint list, the screen that offers the action — and what
//! comes back (an [`Outcome`]) is carried out here, once: a request
//! through `requests.rs`, a layer pushed, a selection loaded, a status set.

use super::action::Action;
use super::app::App;
use super::component::{Hint, Offerer, Outcome, StatusKind};
use super::hints;
use super::requests;
use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseEvent};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Message {
    Key(KeyEvent),
    Mouse(MouseEvent),
    Resize(u16, u16),
    /// Time passed: look for changes made by other processes.
    Tick,
    /// The background reader may have finished something (see
    /// `background.rs`): the lists that waited for it ask again.
    Answers,
}

/// Which screen an outcome came from: a request's result goes back there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum From {
    /// The top layer: a dialog or an overlay.
    Layer,
    Screen,
}

/// Several messages that arrived together (keys typed fast): each changes
/// the state, and the work they make stale (a filter's lookup) runs once,
/// for the newest.
pub fn update_all(app: &mut App, messages: impl IntoIterator<Item = Message>) {
    for message in messages {
        handle(app, message);
    }
    run_pending(app);
    if !app.welcoming() {
        app.refresh_undo();
        app.check_tour();
    }
}

pub fn update(app: &mut App, message: Message) {
    update_all(app, [message]);
}

fn run_pending(app: &mut App) {
    if let Some(pane) = app.sync.pending_filter.take() {
        app.refilter(pane);
    }
}

fn typing(app: &App) -> bool {
    let s = &app.screens;
    s.programs.editing || s.members.editing || s.audit.editing
}

fn handle(app: &mut App, message: Message) {
    // Only keys typed into a filter wait; anything else sees fresh rows.
    if !typing(app) {
        run_pending(app);
    }
    // A tick redraws only if another process committed or the clock's
    // minute (what countdowns show) moved; every other message may change
    // what is seen.
    if let Message::Answers = message {
        if app.sync.background.collect() && !app.welcoming() {
            app.answers_came();
            app.run.redraw = true;
        }
        return;
    }
    if let Message::Tick = message {
        let (version, minute) = (app.sync.data_version, app.sync.now.minute());
        app.sync.now = app.desk.now_time();
        app.poll_changes();
        if app.sync.data_version != version || app.sync.now.minute() != minute || app.ends_within_a_minute() {
            app.run.redraw = true;
        }
        return;
    }
    app.run.redraw = true;
    match message {
        Message::Key(key) if key.kind == KeyEventKind::Press => {
            if app.options.show_keys {
                app.show_key(key);
            }
            on_key(app, key)
        }
        Message::Mouse(mouse) => super::mouse::on_mouse(app, mouse),
        Message::Resize(width, height) => {
            app.run.size = super::layout::capped((width, height));
            app.run.window = (width, height);
            if !app.welcoming() {
                app.with_parts(|p| {
                    p.screens.programs.ensure_rows(&p.ctx);
                    p.screens.members.ensure_rows(&p.ctx);
                });
            }
        }
        Message::Key(_) | Message::Tick | Message::Answers => {}
    }
}

/// A key, and then the status rule: a message set before this key that
/// no longer matches the screen's context is cleared.
fn on_key(app: &mut App, key: KeyEvent) {
    let context = app.status_context();
    let serial = app.sync.status_serial;
    route_key(app, key);
    if app.sync.status_serial == serial && app.status.is_some() && app.status_context() != context {
        app.status = None;
    }
}

fn route_key(app: &mut App, key: KeyEvent) {
    if key.code == KeyCode::Char('c') && key.modifiers.contains(KeyModifiers::CONTROL) {
        app.run.quit = true;
        return;
    }
    let taken = app.with_parts(|p| {
        if let Some(top) = p.layers.last_mut() {
            return Some((From::Layer, top.handle_key(key, &p.ctx)));
        }
        match p.screens.focused_mut(p.view.tab, p.view.focus) {
            Some(screen) if screen.captures_keys() => Some((From::Screen, screen.handle_key(key, &p.ctx))),
            _ => None,
        }
    });
    match taken {
        Some((from, outcome)) => apply(app, outcome, from),
        None => act(app, key),
    }
}

/// A key as an action: carried out if the hint list allows it, otherwise
/// its refusal (or "not here") goes to the status line.
fn act(app: &mut App, key: KeyEvent) {
    let actions = app.keymap.actions_for(key);
    let hint = hints::build(app).into_iter().find(|h| actions.contains(&h.action));
    match hint {
        None => {
            if let Some(action) = actions.first() {
                let help = app.keymap.key_for(Action::Help);
                app.set_status(
                    StatusKind::Error,
                    format!("{} is not available here; {help} lists what is", action.description()),
                );
            }
        }
        Some(hint) => match hint.denial {
            Some(denial) => {
                app.note_action(hint.action, false);
                app.set_status(StatusKind::Error, denial);
            }
            None => {
                perform(app, &hint);
                app.note_action(hint.action, true);
            }
        },
    }
}

/// Carries out an allowed action by whoever offered it in the hint list
/// (the offers are built once per key).
fn perform(app: &mut App, hint: &Hint) {
    let outcome = match hint.by {
        Offerer::Console => super::globals::perform(app, hint.action),
        Offerer::Screen(index) => app.with_parts(|p| match p.screens.nth_mut(p.view.tab, p.view.focus, index) {
            Some(screen) => screen.perform(hint.action, &p.ctx),
            None => Outcome::Nothing,
        }),
    };
    apply(app, outcome, From::Screen);
}

fn apply(app: &mut App, outcome: Outcome, from: From) {
    match outcome {
        Outcome::Nothing => {}
        Outcome::Quit => app.run.quit = true,
        Outcome::Close => {
            app.layers.pop();
        }
        Outcome::Status(kind, text) => app.set_status(kind, text),
        Outcome::SelectionMoved => app.load_selection(),
        Outcome::FilterChanged(pane) if typing(app) => app.sync.pending_filter = Some(pane),
        Outcome::FilterChanged(pane) => app.refilter(pane),
        Outcome::FetchItems { next_page } => app.with_parts(|p| {
            if let Some(top) = p.layers.last_mut() {
                top.fetch_items(&p.ctx, next_page);
            }
        }),
        Outcome::Push(layer) => app.push(layer.0),
        Outcome::Enter(request) => enter(app, request),
        Outcome::Request(request) if from == From::Layer => match requests::execute(app, request) {
            Ok(message) => {
                let stays = app.with_parts(|p| match p.layers.last_mut() {
                    Some(top) => top.stays_after_request(&p.ctx),
                    None => false,
                });
                if !stays {
                    app.layers.pop();
                }
                app.set_status(StatusKind::Info, message);
            }
            Err(error) => {
                super::log::write(&format!("refused: {error}"));
                let shown = app.layers.last_mut().is_some_and(|top| top.show_error(error.to_string()));
                if !shown {
                    app.set_status(StatusKind::Error, error.to_string());
                }
            }
        },
        Outcome::Request(request) => match requests::execute(app, request) {
            Ok(message) if message.is_empty() => {}
            Ok(message) => app.set_status(StatusKind::Info, message),
            Err(error) => app.set_status(StatusKind::Error, error.to_string()),
        },
    }
}

/// The welcome screen's request: on success the console starts as the
/// person; otherwise the screen shows why.
fn enter(app: &mut App, request: super::request::Request) {
    match requests::welcome(app, request) {
        Ok(login) => {
            app.start_as(&login);
            app.sync.data_version = app.desk.data_version().unwrap_or(app.sync.data_version);
            app.set_status(StatusKind::Info, format!("welcome, {login}"));
        }
        Err(error) => {
            if let Some(top) = app.layers.last_mut() {
                top.show_error(error.to_string());
            }
        }
    }
}
