//! One SSH connection (`mpdesk ssh session --key FPR`, run only by sshd
//! through a forced command). The key decides who the person is; nothing
//! the client sends — its command line, its environment, its terminal —
//! can change the person, the database, or which files are touched: the
//! service account is the operator, so a session never reads or writes a
//! server file on a person's behalf (data comes in on standard input and
//! leaves on standard output). What they typed after the host arrives in
//! SSH_ORIGINAL_COMMAND: split like a shell would (never run by one) and
//! parsed by the same CLI. The session is recorded while it lives, so the
//! operator can see and end it, and every write re-checks it.

use crate::cli::args::{Command, SshCommand};
use crate::cli::reach::Reach;
use crate::cli::{self, Cli, Identity};
use crate::desk::{Desk, DeskError, SessionKind};
use crate::domain::operation::AuditOp;
use crate::print::{self, Stream};
use crate::session::{AccountPaths, ConfigSource};
use clap::Parser;
use std::path::{Path, PathBuf};

/// Exit codes, as the CLI's.
const USAGE: i32 = 2;
const DENIED: i32 = 3;

fn say(text: &str) {
    let _ = print::text(Stream::Err, text);
}

/// Runs the session; returns the exit code the client sees.
pub fn session(forced: &Cli, fingerprint: &str) -> i32 {
    // The service account's own places, from the password database; the
    // database is the one the forced command names, or the account's.
    let paths = crate::session::account_paths();
    let Some(path) = forced.db.clone().or_else(|| paths.as_ref().map(|p| p.database.clone())) else {
        say("error: the service account has no home in the password database; the forced command must name --db");
        return 1;
    };
    let mut desk = match Desk::open(&path) {
        Ok(desk) => desk,
        Err(error) => {
            say(&format!("error: {error}"));
            return 1;
        }
    };
    let from = std::env::var("SSH_CONNECTION")
        .ok()
        .and_then(|c| c.split_whitespace().next().map(str::to_string))
        .unwrap_or_else(|| "an unknown address".to_string());
    let original = std::env::var("SSH_ORIGINAL_COMMAND").unwrap_or_default();
    let parsed = (!original.trim().is_empty()).then(|| parse(&original));
    let kind = match &parsed {
        None | Some(Ok(Cli { command: None, .. })) => SessionKind::Console,
        Some(_) => SessionKind::Command,
    };
    let person = match desk.begin_ssh_session(fingerprint, &from, kind, &original) {
        Ok(person) => person,
        Err(error) => {
            say(&format!("error: {error}"));
            return if let DeskError::Denied(_) = error { DENIED } else { 1 };
        }
    };
    let session_id = desk.ssh_session_id();
    let code = serve(desk, &person.login, parsed, Place { database: &path, paths: paths.as_ref(), forced });
    // The record goes with the session (a crash leaves it to be dropped
    // when the operator lists sessions).
    if let (Some(id), Ok(mut desk)) = (session_id, Desk::open(&path)) {
        desk.forget_ssh_session(id);
    }
    code
}

/// Where a session's files are: the database, the service account's
/// places, and what the forced command named.
struct Place<'a> {
    database: &'a Path,
    paths: Option<&'a AccountPaths>,
    forced: &'a Cli,
}

/// What the person typed, parsed: `Err` holds what to say and the exit code.
type Parsed = Result<Cli, Refusal>;

struct Refusal {
    /// For the log: why, bounded.
    logged: &'static str,
    /// Printed to the person (already rendered by clap, or one line).
    said: Option<String>,
    code: i32,
}

fn parse(original: &str) -> Parsed {
    let words = shell_words::split(original).map_err(|_| Refusal {
        logged: "a command with a quote not closed",
        said: Some("error: cannot read the command: a quote is not closed".to_string()),
        code: USAGE,
    })?;
    Cli::try_parse_from(std::iter::once("mpdesk".to_string()).chain(words)).map_err(|error| {
        let code = cli::usage_error(&error);
        Refusal { logged: if error.use_stderr() { "a command mpdesk does not know" } else { "" }, said: None, code }
    })
}

fn serve(mut desk: Desk, login: &str, parsed: Option<Parsed>, place: Place<'_>) -> i32 {
    let refuse = |desk: &mut Desk, what: &str, code: i32| {
        say(&format!("error: {what}"));
        let _ = desk.record_refusal(login, AuditOp::SshCommand, what);
        code
    };
    let parsed = match parsed {
        None => return console(desk, login, &place, (false, false), None),
        Some(Err(refusal)) => {
            if let Some(said) = &refusal.said {
                say(said);
            }
            if !refusal.logged.is_empty() {
                let _ = desk.record_refusal(login, AuditOp::SshCommand, refusal.logged);
            }
            return refusal.code;
        }
        Some(Ok(parsed)) => parsed,
    };
    if parsed.db.is_some() || parsed.user.is_some() || parsed.demo || parsed.keep || parsed.config.is_some() {
        return refuse(
            &mut desk,
            "over SSH your key decides who you are and the server decides the database and its config: --db, --user, --demo, --keep and --config are refused",
            USAGE,
        );
    }
    if parsed.readonly {
        desk.set_read_only(true);
    }
    let Some(command) = &parsed.command else {
        return console(desk, login, &place, (parsed.readonly, parsed.show_keys), parsed.theme);
    };
    // Only what the allow-list says may run over SSH runs.
    match command.reach() {
        Reach::Anywhere => {}
        Reach::Operator(name) => {
            return refuse(
                &mut desk,
                &format!("'{name}' is for the operator (the server's own account), not over SSH"),
                DENIED,
            )
        }
        Reach::ServerFile(why) => return refuse(&mut desk, &why, USAGE),
    }
    match desk.actor(login) {
        Ok(person) => cli::run_on(&mut desk, &parsed, command, &Identity::Ssh(person)),
        Err(error) => refuse(&mut desk, &error.to_string(), DENIED),
    }
}

/// The console over SSH, with the operator's config file (the forced
/// command's --config, or the service account's own; never MPDESK_CONFIG,
/// HOME or XDG_*, which a client could send) and the person's --theme.
fn console(
    desk: Desk,
    login: &str,
    place: &Place<'_>,
    flags: (bool, bool),
    theme: Option<crate::tui::theme::ThemeName>,
) -> i32 {
    if !print::console_has_terminal() {
        say("mpdesk's console needs a terminal: connect with ssh -t (or run a command: ssh HOST program list)");
        return USAGE;
    }
    let loaded = match (&place.forced.config, place.paths) {
        (Some(named), _) => crate::tui::config::load_file(named, ConfigSource::Named, theme),
        (None, Some(paths)) => crate::tui::config::load_file(&paths.config, paths.config_source, theme),
        (None, None) => Ok(crate::tui::config::defaults(theme)),
    };
    let config = match loaded {
        Ok(config) => config,
        Err(error) => {
            say(&format!("error: the server's {error}"));
            return USAGE;
        }
    };
    let log: Option<PathBuf> = place.paths.map(|p| p.log.clone());
    match crate::tui::start_for(desk, login, place.database, flags, config, log) {
        Ok(None) => 0,
        Ok(Some(why)) => {
            say(&format!("mpdesk: {why}; the session has ended"));
            DENIED
        }
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
