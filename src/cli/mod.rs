//! The scripting CLI: each subcommand is one desk call, printed as a table
//! or as JSON.

pub mod args;
mod audit;
mod commands;
mod invitation;
mod key;
mod member;
pub mod meta;
pub mod output;
mod polled_stdin;
mod program;
pub mod reach;
mod rows;
pub mod ssh;
mod workspace;

pub use commands::Identity;

pub use args::Cli;

use crate::desk::DeskError;
use crate::session;

/// Prints what clap has to say (help, version, a usage error) through the
/// one printer — it quotes argv, which may hold escape sequences — and
/// returns the exit code. A usage error's lines are bounded: they quote
/// what was typed, which may be 100,000 characters.
pub fn usage_error(error: &clap::Error) -> i32 {
    use crate::print::{self, Stream};
    const LINE: usize = 200;
    let text = error.render().to_string();
    let text = text.trim_end();
    let _ = match error.use_stderr() {
        true => {
            let bounded = text.lines().map(|line| bounded_line(line, LINE)).collect::<Vec<_>>().join("\n");
            print::text(Stream::Err, &bounded)
        }
        false => print::text(Stream::Out, text),
    };
    error.exit_code()
}

/// `line`, cut to `max` characters with `…` when longer.
fn bounded_line(line: &str, max: usize) -> String {
    match line.char_indices().nth(max) {
        Some((cut, _)) => format!("{}…", &line[..cut]),
        None => line.to_string(),
    }
}

/// On a packaged server, run as root: becomes the service account before
/// anything is opened, so no file mpdesk creates in its home is root's —
/// except for `doctor` (it reads what only root may first, then becomes
/// the account itself) and a `--db` outside the account's home (root's own
/// file).
pub fn enter_service_account(cli: &Cli) -> Result<(), String> {
    if !crate::service::is_root() {
        return Ok(());
    }
    let Some(account) = crate::service::installed_service() else { return Ok(()) };
    let doctor = matches!(cli.command, Some(args::Command::Doctor));
    if doctor || !crate::service::works_on_service_files(&account, cli.db().as_deref()) {
        return Ok(());
    }
    let invoker = session::os_login().unwrap_or_else(|| "root".to_string());
    if let Some(command) = &cli.command {
        key::preread_key(command);
    }
    crate::service::become_account(&account, &invoker)
        .map_err(|e| format!("cannot become the service account {}: {e}", account.name))
}

/// Runs a subcommand on an open desk as `identity` (an SSH session) and
/// returns the exit code.
pub fn run_on(desk: &mut crate::desk::Desk, cli: &Cli, command: &args::Command, identity: &Identity) -> i32 {
    if let Identity::Ssh(_) = identity {
        output::serving_ssh();
    }
    if let Some(code) = meta::run(cli, command) {
        return code;
    }
    // What expired is gone before anything is read or decided.
    match notice_expiries(desk, command).and_then(|()| commands::dispatch(desk, cli, command, identity)) {
        Ok(()) => {
            commands::say_who_acted(desk, cli);
            0
        }
        Err(error) => {
            let error = desk.explained(error);
            output::print_error(&error, cli.output_format().json());
            output::exit_code(error.kind())
        }
    }
}

/// What expired is gone before anything is read or decided — except for
/// `expire`, which does it itself and says what it removed (or, with
/// --dry-run, lists it and changes nothing).
fn notice_expiries(desk: &mut crate::desk::Desk, command: &args::Command) -> Result<(), DeskError> {
    if !matches!(command, args::Command::Expire { .. }) {
        desk.notice_expiries()?;
    }
    Ok(())
}

/// Runs a subcommand and returns the process exit code.
pub fn run(cli: &Cli, command: &args::Command) -> i32 {
    if let Some(code) = meta::run(cli, command) {
        return code;
    }
    if let args::Command::Doctor = command {
        return crate::doctor::run(cli);
    }
    if let args::Command::Check { full } = command {
        return commands::check(cli, *full);
    }
    let result = (|| -> Result<(), DeskError> {
        match command {
            args::Command::Init { parents } => return commands::init(cli, *parents),
            args::Command::Setup { owner, key, name, workspace } => {
                return commands::setup(cli, owner, key, name.as_deref(), workspace.as_deref())
            }
            args::Command::Backup(args::BackupArgs { command: Some(args::BackupCommand::Verify { file }), .. }) => {
                return commands::backup_verify(cli, file)
            }
            args::Command::Audit(args::AuditArgs {
                command: Some(args::AuditCommand::Verify { head, file: Some(file), part }),
                ..
            }) => return audit::verify_file(file, head.as_deref(), *part, cli.output_format().json()),
            _ => {}
        }
        // sshd's AuthorizedKeysCommand only reads.
        let read_only = cli.readonly || matches!(command, args::Command::Ssh(args::SshCommand::KeysCommand { .. }));
        let (mut desk, path) = session::open(cli.db().as_deref(), read_only)?;
        desk.set_via(&session::local_via(cli.user().as_deref()));
        notice_expiries(&mut desk, command).map_err(|e| desk.explained(e).naming_file(&path))?;
        commands::dispatch(&mut desk, cli, command, &Identity::Local)
            .map_err(|e| desk.explained(e).naming_file(&path))?;
        commands::say_who_acted(&desk, cli);
        Ok(())
    })();
    match result {
        Ok(()) => 0,
        Err(error) => {
            output::print_error(&error, cli.output_format().json());
            output::exit_code(error.kind())
        }
    }
}
