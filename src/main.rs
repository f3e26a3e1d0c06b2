//! The mpdesk binary: the console with no subcommand, the CLI with one.

use clap::Parser;
use mpdesk::cli::{self, Cli};
use mpdesk::print::{self, Stream};
use mpdesk::tui;

fn main() {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => std::process::exit(cli::usage_error(&error)),
    };
    if let Err(error) = cli::enter_service_account(&cli) {
        let _ = print::text(Stream::Err, &format!("error: {error}"));
        std::process::exit(1);
    }
    if let Some(key) = mpdesk::serve::session_key(&cli) {
        std::process::exit(mpdesk::serve::session(&cli, key));
    }
    let code = match &cli.command {
        Some(command) => cli::run(&cli, command),
        None => {
            // The console never starts on half a config.
            let config = match tui::config::load(cli.config_file().as_deref(), cli.theme) {
                Ok(config) => config,
                Err(error) => {
                    let _ = print::text(Stream::Err, &format!("error: {error}"));
                    std::process::exit(cli::meta::BAD_CONFIG);
                }
            };
            let launch = tui::Launch {
                db: cli.db(),
                user: cli.user(),
                demo: cli.demo,
                keep: cli.keep,
                read_only: cli.readonly,
                config,
                tour: cli.tour,
                show_keys: cli.show_keys,
            };
            match tui::start(launch) {
                Ok(None) => 0,
                Ok(Some(why)) => {
                    let _ = print::text(Stream::Err, &format!("mpdesk: {why}; the console has ended"));
                    3
                }
                // Nothing was written to stdout: a script reading it gets no
                // escape codes.
                Err(error) if error.is::<tui::NoTerminal>() => {
                    let _ = print::text(Stream::Err, &format!("mpdesk: {error}"));
                    cli::meta::USAGE
                }
                Err(error) => {
                    let _ = print::text(Stream::Err, &format!("error: {error}"));
                    // The same refusal, the same code as the CLI's.
                    error.downcast_ref::<mpdesk::desk::DeskError>().map_or(1, |e| cli::output::exit_code(e.kind()))
                }
            }
        }
    };
    std::process::exit(code);
}
