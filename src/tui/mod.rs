//! The console: a keyboard-driven ratatui TUI on top of the desk.
//!
//! Elm architecture:
//! - [`app::App`] is the state; it alone reads from the desk, and only when
//!   something changed (a selection, a filter, a write, another process's
//!   commit) — never per frame.
//! - [`update::update`] turns [`update::Message`]s (keys, mouse, resize,
//!   tick) into state changes. Keys map to [`action::Action`]s through
//!   [`keymap`]; whether an action is shown, dimmed or run comes from the
//!   one hint list in [`hints`], built from `desk.capabilities`.
//! - [`view::render`] draws the state and nothing else; every data string
//!   passes [`crate::sanitize`] first.
//! - Dialogs ([`dialogs`]) hand back requests as data; `update` runs them.

pub mod action;
pub mod app;
mod app_tabs;
pub mod app_undo;
pub mod config;
pub mod dialogs;
pub mod field;
pub mod hints;
pub mod keymap;
pub mod layout;
pub mod log;
mod terminal;
pub mod text;
pub mod theme;
pub mod tour;
pub mod update;
pub mod view;
pub mod welcome;
pub mod window;

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
pub fn start(launch: Launch) -> anyhow::Result<Option<String>> {
    let data_dir = crate::session::data_dir();
    if let Some(dir) = &data_dir {
        log::open(dir.join("mpdesk.log"));
    }
    let options =
        app::Options { demo: launch.demo, read_only: launch.read_only, tour: launch.tour, show_keys: launch.show_keys };
    // A tour that does not read is refused before the terminal is taken.
    if launch.tour {
        tour::builtin().map_err(|e| anyhow::anyhow!(e))?;
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
