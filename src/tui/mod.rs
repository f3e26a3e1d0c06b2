//! The console: a keyboard-driven ratatui TUI on top of the desk.
//!
//! Components (gitui's `components`, ratatui's component template):
//! - every screen — the Programs list, the Details and Members panes, the
//!   Members, Audit and Roles tabs, the welcome screen, help, the tour's
//!   panel, each dialog — is one module that owns its state and implements
//!   [`component::Component`]: a key or an action in, an
//!   [`component::Outcome`] out; its hints (what it offers, allowed or why
//!   not); drawing from `&self` and a read-only [`component::Context`];
//!   a refresh when the data changed. Screens import the shared context
//!   and widgets, never each other or the router.
//! - [`app::App`] holds only what is shared: the desk, the acting person,
//!   options, keymap, theme, the status line, what is showing, the
//!   selected program, and the screens ([`screens::Screens`]).
//! - [`router`] takes each message to the one screen that has it (the top
//!   layer of [`app::App::layers`] — the welcome screen, a dialog, the
//!   help —, a list being typed into, or, through the keymap and the one
//!   hint list in [`hints`], the screen that offers the action) and
//!   carries out its outcome once; a
//!   [`request::Request`] is carried out in [`requests`], the one place
//!   that writes through the desk.
//! - [`view::render`] composes a frame from the screens' drawings; every
//!   data string passes [`crate::sanitize`] first.

pub mod action;
mod action_rows;
pub mod app;
mod app_load;
pub mod background;
pub mod capped_backend;
pub mod component;
pub mod config;
pub mod dialogs;
mod ending;
pub mod field;
pub mod globals;
pub mod hints;
pub mod keymap;
pub mod layout;
pub mod log;
mod mouse;
pub mod request;
pub mod requests;
pub mod router;
pub mod screens;
mod terminal;
pub mod text;
pub mod theme;
pub mod view;
mod wake;
pub mod widgets;
pub mod window;

pub use screens::tour;

pub use terminal::run;

use crate::desk::{demo, Desk};
use std::path::PathBuf;

/// How the console was asked to start.
#[derive(Debug, Clone, Default)]
pub struct Launch {
    pub db: Option<PathBuf>,
    pub user: Option<String>,
    pub demo: bool,
    pub keep: bool,
    pub read_only: bool,
    /// Keys and colours, read before the console starts.
    pub config: config::Config,
    /// The guided tour (with `demo`).
    pub tour: bool,
    pub show_keys: bool,
}

/// Opens the database (or a fresh demo one), runs the console, and cleans
/// up. Errors come back as one sentence for main to print; `Ok(Some(why))`
/// when the console ended because the person's access was taken away.
/// The console was started where there is no terminal to draw on.
#[derive(Debug, thiserror::Error)]
#[error("the console needs a terminal; for scripts use the CLI (mpdesk --help)")]
pub struct NoTerminal;

/// Refused before anything is written to stdout.
fn needs_terminal() -> Result<(), NoTerminal> {
    if crate::print::console_has_terminal() {
        Ok(())
    } else {
        Err(NoTerminal)
    }
}

pub fn start(launch: Launch) -> anyhow::Result<Option<String>> {
    if let Some(dir) = crate::session::log_dir(launch.db.as_deref()) {
        log::open(dir.join("mpdesk.log"));
    }
    let options = app::Options {
        demo: launch.demo,
        read_only: launch.read_only,
        tour: launch.tour,
        show_keys: launch.show_keys,
        ..app::Options::default()
    };
    // A tour that does not read is refused before the terminal is taken.
    if launch.tour {
        screens::tour::builtin().map_err(|e| anyhow::anyhow!(e))?;
    }
    if launch.demo {
        return start_demo(&launch, options);
    }
    let login = crate::session::acting_login(launch.user.as_deref())
        .ok_or_else(|| anyhow::anyhow!("no acting user: pass --user LOGIN or set MPDESK_USER"))?;
    let (mut desk, path) = crate::session::open(launch.db.as_deref(), launch.read_only)?;
    desk.set_via(&crate::session::local_via(launch.user.as_deref()));
    // A person the operator disabled is told so before the terminal is taken.
    if let Err(error @ crate::desk::DeskError::Denied(_)) = desk.actor(&login) {
        return Err(error.into());
    }
    needs_terminal()?;
    terminal::run(desk, &login, options, launch.config, &path)
}

/// The console for a person who came in over SSH: their desk (opened by
/// the session on the operator's database), no demo, no persona switcher;
/// the log where the service account keeps it (`log`, found without the
/// environment).
pub fn start_for(
    desk: Desk,
    login: &str,
    database: &std::path::Path,
    (read_only, show_keys): (bool, bool),
    config: config::Config,
    log: Option<PathBuf>,
) -> anyhow::Result<Option<String>> {
    if let Some(log) = log {
        log::open(log);
    }
    let options = app::Options { read_only, show_keys, ..app::Options::default() };
    terminal::run(desk, login, options, config, database)
}

/// The demo: on a fresh temporary database, or on the path the person
/// names (loaded with the demo data if it is new or empty, reopened as it
/// is otherwise — a kept demo keeps its persona switcher).
fn start_demo(launch: &Launch, options: app::Options) -> anyhow::Result<Option<String>> {
    needs_terminal()?;
    let (path, temp) = match &launch.db {
        Some(path) => (path.clone(), None),
        None => {
            let dir = tempfile::Builder::new().prefix("mpdesk-demo-").tempdir()?;
            (dir.path().join("demo.db"), Some(dir))
        }
    };
    let mut desk = Desk::open(&path)?;
    if desk.count_users()? == 0 {
        desk.load_demo_data()?;
    }
    if launch.read_only {
        desk = Desk::open_read_only(&path)?;
    }
    let owner = demo::demo_owner()?;
    let removable = temp.as_ref().filter(|_| !launch.keep).map(|dir| dir.path().to_path_buf());
    ending::remove_on_signal(removable);
    let result = terminal::run(desk, &owner, options, launch.config.clone(), &path);
    if let (true, Some(dir)) = (launch.keep, temp) {
        let kept = dir.keep();
        let _ = crate::print::text(
            crate::print::Stream::Out,
            &format!("kept the demo database at {}", kept.join("demo.db").display()),
        );
    }
    result
}
