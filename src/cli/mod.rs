//! The scripting CLI: each subcommand is one desk call, printed as a table
//! or as JSON.

pub mod args;
mod commands;
pub mod meta;
pub mod output;
mod rows;
pub mod ssh;

pub use commands::Identity;

pub use args::Cli;

use crate::desk::DeskError;
use crate::session;

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

/// Runs a subcommand on an open desk as `identity` (an SSH session) and
/// returns the exit code.
pub fn run_on(desk: &mut crate::desk::Desk, cli: &Cli, command: &args::Command, identity: &Identity) -> i32 {
    if let Some(code) = meta::run(cli, command) {
        return code;
    }
    match commands::dispatch(desk, cli, command, identity) {
        Ok(()) => 0,
        Err(error) => {
            output::print_error(&error, cli.json);
            output::exit_code(error.kind())
        }
    }
}

/// Runs a subcommand and returns the process exit code.
pub fn run(cli: &Cli, command: &args::Command) -> i32 {
    if let Some(code) = meta::run(cli, command) {
        return code;
    }
    let result = (|| -> Result<(), DeskError> {
        if let args::Command::Init { parents } = command {
            return commands::init(cli, *parents);
        }
        // sshd's AuthorizedKeysCommand only reads.
        let read_only = cli.readonly || matches!(command, args::Command::Ssh(args::SshCommand::KeysCommand { .. }));
        let (mut desk, _) = session::open(cli.db().as_deref(), read_only)?;
        desk.set_via(&session::local_via(cli.user().as_deref()));
        commands::dispatch(&mut desk, cli, command, &Identity::Local)
    })();
    match result {
        Ok(()) => 0,
        Err(error) => {
            output::print_error(&error, cli.json);
            output::exit_code(error.kind())
        }
    }
}
