//! The scripting CLI: each subcommand is one desk call, printed as a table
//! or as JSON.

pub mod args;
mod commands;
pub mod output;
mod rows;

pub use args::Cli;

use crate::desk::{Desk, DeskError};
use std::path::PathBuf;

/// The default database: mpdesk.db in the platform data directory.
pub fn default_db_path() -> anyhow::Result<PathBuf> {
    let dirs = directories::ProjectDirs::from("", "", "mpdesk")
        .ok_or_else(|| anyhow::anyhow!("no home directory to keep the database in; pass --db PATH"))?;
    Ok(dirs.data_dir().join("mpdesk.db"))
}

/// The acting login: --user, MPDESK_USER, or the OS login.
pub fn acting_login(user: Option<&str>) -> Option<String> {
    user.map(str::to_string)
        .or_else(|| std::env::var("USER").ok())
        .or_else(|| std::env::var("LOGNAME").ok())
        .or_else(|| std::env::var("USERNAME").ok())
        .filter(|s| !s.is_empty())
}

/// Prints what clap has to say (help, version, a usage error) through the
/// one printer — it quotes argv, which may hold escape sequences — and
/// returns the exit code.
pub fn usage_error(error: &clap::Error) -> i32 {
    use crate::print::{self, Stream};
    let text = error.render().to_string();
    let text = text.trim_end();
    let stream = if error.use_stderr() { Stream::Err } else { Stream::Out };
    let _ = print::text(stream, text);
    error.exit_code()
}

/// Runs a subcommand and returns the process exit code.
pub fn run(cli: &Cli, command: &args::Command) -> i32 {
    let result = (|| -> Result<(), DeskError> {
        let path = match &cli.db {
            Some(path) => path.clone(),
            None => default_db_path().map_err(|e| DeskError::Invalid(e.to_string()))?,
        };
        let mut desk = if cli.readonly { Desk::open_read_only(&path)? } else { Desk::open(&path)? };
        commands::dispatch(&mut desk, cli, command)
    })();
    match result {
        Ok(()) => 0,
        Err(error) => {
            output::print_error(&error, cli.json);
            output::exit_code(error.kind())
        }
    }
}
