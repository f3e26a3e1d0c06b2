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
pub mod dialogs;
pub mod field;
pub mod hints;
pub mod keymap;
pub mod layout;
pub mod log;
mod terminal;
pub mod theme;
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
}

/// Opens the database (or a fresh demo one), runs the console, and cleans
/// up. Errors come back as one sentence for main to print.
pub fn start(launch: Launch) -> anyhow::Result<()> {
    let data_dir = crate::cli::default_db_path().ok().and_then(|p| p.parent().map(|d| d.to_path_buf()));
    if let Some(dir) = &data_dir {
        log::open(dir.join("mpdesk.log"));
    }
    let options = app::Options { demo: launch.demo, read_only: launch.read_only };
    let theme = theme::Theme::from_env();
    if launch.demo {
        let dir = tempfile::Builder::new().prefix("mpdesk-demo-").tempdir()?;
        let path = dir.path().join("demo.db");
        let mut desk = Desk::open(&path)?;
        desk.load_demo_data()?;
        if launch.read_only {
            desk = Desk::open_read_only(&path)?;
        }
        let owner = demo::demo_owner()?;
        let result = terminal::run(desk, &owner, options, theme);
        if launch.keep {
            let kept = dir.keep();
            let _ = crate::print::text(
                crate::print::Stream::Out,
                &format!("kept the demo database at {}", kept.join("demo.db").display()),
            );
        }
        return result;
    }
    let path = match launch.db {
        Some(path) => path,
        None => crate::cli::default_db_path()?,
    };
    let login = crate::cli::acting_login(launch.user.as_deref())
        .ok_or_else(|| anyhow::anyhow!("no acting user: pass --user LOGIN or set MPDESK_USER"))?;
    let desk = if launch.read_only { Desk::open_read_only(&path)? } else { Desk::open(&path)? };
    terminal::run(desk, &login, options, theme)
}
