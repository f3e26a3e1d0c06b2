//! The mpdesk binary: the console with no subcommand, the CLI with one.

use clap::{CommandFactory, Parser};
use mpdesk::cli::{self, Cli};

fn main() {
    let cli = Cli::parse();
    let code = match &cli.command {
        Some(command) => cli::run(&cli, command),
        None => {
            let mut help = Cli::command();
            let _ = help.print_help();
            0
        }
    };
    std::process::exit(code);
}
