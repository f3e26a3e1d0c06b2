//! mpdesk: a terminal console for teams that build mini programs.
//!
//! Layers, each importing only those below it:
//! `cli`/`tui` → `desk` (use cases, the one door) → `domain` (rules) + `store` (SQLite).
#![deny(clippy::unwrap_used)]

pub mod cli;
pub mod desk;
pub mod doctor;
pub mod domain;
pub mod files;
pub mod held_files;
pub mod print;
pub mod process;
pub mod sanitize;
pub mod serve;
pub mod service;
pub mod session;
pub mod store;
pub mod tui;
