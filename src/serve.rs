//! One SSH connection (`mpdesk ssh session --key FPR`, run only by sshd
//! through a forced command). The key decides who the person is; nothing
//! the client sends — its command line, its environment, its terminal —
//! can change the person or the database. What they typed after the host
//! arrives in SSH_ORIGINAL_COMMAND: split like a shell would (never run
//! by one) and parsed by the same CLI.

use crate::cli::args::{Command, SshCommand, UserCommand};
use crate::cli::{self, Cli, Identity};
use crate::desk::Desk;
use crate::print::{self, Stream};
use clap::Parser;
use std::path::PathBuf;

/// Exit codes, as the CLI's.
const USAGE: i32 = 2;
const DENIED: i32 = 3;

fn say(text: &str) {
    let _ = print::text(Stream::Err, text);
}

fn is_terminal() -> bool {
    // SAFETY: isatty only inspects the descriptors.
    unsafe { libc::isatty(libc::STDIN_FILENO) == 1 && libc::isatty(libc::STDOUT_FILENO) == 1 }
}

/// Commands only the operator (the server's own account) may run.
fn operator_only(command: &Command) -> Option<&'static str> {
    match command {
        Command::Init { .. } => Some("init"),
        Command::DemoData => Some("demo-data"),
        Command::User(UserCommand::Add { .. }) => Some("user add"),
        Command::Ssh(_) => Some("ssh"),
        Command::Config(_) => Some("config"),
        _ => None,
    }
}

/// Runs the session; returns the exit code the client sees.
pub fn session(forced: &Cli, fingerprint: &str) -> i32 {
    // The database is the one the forced command names (or the service
    // account's default) — never MPDESK_DB, which a client could send.
    let path: Option<PathBuf> = forced.db.clone();
    let (mut desk, path) = match crate::session::open(path.as_deref(), false) {
        Ok(opened) => opened,
        Err(error) => {
            say(&format!("error: {error}"));
            return 1;
        }
    };
    let person = match desk.key_owner(fingerprint) {
        Ok(Some(person)) => person,
        Ok(None) => {
            say("error: this key is not registered with mpdesk (it may have been removed); ask the operator");
            return DENIED;
        }
        Err(error) => {
            say(&format!("error: {error}"));
            return 1;
        }
    };
    let from = std::env::var("SSH_CONNECTION")
        .ok()
        .and_then(|c| c.split_whitespace().next().map(str::to_string))
        .unwrap_or_else(|| "an unknown address".to_string());
    desk.set_via(&format!("ssh {fingerprint} from {from}"));
    let original = std::env::var("SSH_ORIGINAL_COMMAND").unwrap_or_default();
    if original.trim().is_empty() {
        return console(desk, &person.login, &path, (false, false), forced.config.as_deref(), None);
    }
    let words = match shell_words::split(&original) {
        Ok(words) => words,
        Err(_) => {
            say("error: cannot read the command: a quote is not closed");
            let _ = desk.record_refusal(&person.login, "ssh_command", "a command with a quote not closed");
            return USAGE;
        }
    };
    let parsed = match Cli::try_parse_from(std::iter::once("mpdesk".to_string()).chain(words)) {
        Ok(parsed) => parsed,
        Err(error) => {
            if error.use_stderr() {
                let _ = desk.record_refusal(&person.login, "ssh_command", "a command mpdesk does not know");
            }
            return cli::usage_error(&error);
        }
    };
    if parsed.db.is_some() || parsed.user.is_some() || parsed.demo || parsed.keep || parsed.config.is_some() {
        say("error: over SSH your key decides who you are and the server decides the database and its config: --db, --user, --demo, --keep and --config are refused");
        let _ = desk.record_refusal(&person.login, "ssh_command", "--db, --user, --demo or --config sent over SSH");
        return USAGE;
    }
    if parsed.readonly {
        desk.set_read_only(true);
    }
    let Some(command) = &parsed.command else {
        let flags = (parsed.readonly, parsed.show_keys);
        return console(desk, &person.login, &path, flags, forced.config.as_deref(), parsed.theme);
    };
    if let Some(name) = operator_only(command) {
        let reason = format!("'{name}' is for the operator (the server's own account), not over SSH");
        say(&format!("error: {reason}"));
        let _ = desk.record_refusal(&person.login, "ssh_command", &reason);
        return DENIED;
    }
    cli::run_on(&mut desk, &parsed, command, &Identity::Ssh(person))
}

/// The console over SSH, with the operator's config file (the forced
/// command's --config, or the service account's default; never
/// MPDESK_CONFIG, which a client could send) and the person's --theme.
fn console(
    desk: Desk,
    login: &str,
    path: &std::path::Path,
    (read_only, show_keys): (bool, bool),
    config_file: Option<&std::path::Path>,
    theme: Option<crate::tui::theme::ThemeName>,
) -> i32 {
    if !is_terminal() {
        say("mpdesk's console needs a terminal: connect with ssh -t (or run a command: ssh HOST program list)");
        return USAGE;
    }
    let config = match crate::tui::config::load(config_file, theme) {
        Ok(config) => config,
        Err(error) => {
            say(&format!("error: the server's {error}"));
            return USAGE;
        }
    };
    match crate::tui::start_for(desk, login, path, read_only, show_keys, config) {
        Ok(()) => 0,
        Err(error) => {
            say(&format!("error: {error}"));
            1
        }
    }
}

/// Whether the command line is an SSH session (main hands those here).
pub fn session_key(cli: &Cli) -> Option<&str> {
    match &cli.command {
        Some(Command::Ssh(SshCommand::Session { key })) => Some(key),
        _ => None,
    }
}
