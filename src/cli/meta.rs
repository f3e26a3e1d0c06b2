//! Commands about mpdesk itself, which need no database: the config file,
//! shell completions and the manual page.

use super::args::{Cli, Command, ConfigCommand};
use crate::print::{self, Stream};
use crate::tui::config;
use clap::CommandFactory;

/// Exit code of a config file that does not read (as for the console).
pub const BAD_CONFIG: i32 = USAGE;
/// Bad usage: an unknown flag, a console without a terminal.
pub const USAGE: i32 = 2;

/// Runs `command` if it is one of these, and returns its exit code.
pub fn run(cli: &Cli, command: &Command) -> Option<i32> {
    let code = match command {
        Command::Config(ConfigCommand::Path) => {
            // The path alone on stdout (for `$EDITOR "$(mpdesk config path)"`),
            // which one applies and why beside it.
            match config::locate(cli.config_file().as_deref()) {
                Some((path, source)) => {
                    say(Stream::Err, &format!("mpdesk: {}", source.why()));
                    say(Stream::Out, &path.display().to_string())
                }
                None => {
                    say(Stream::Err, "error: no home directory, so no default config file; pass --config PATH");
                    1
                }
            }
        }
        Command::Config(ConfigCommand::Default) => {
            let text = config::default_file();
            print::generated(text.as_bytes()).map_or(1, |()| 0)
        }
        Command::Config(ConfigCommand::Check) => {
            let explicit = cli.config_file();
            match config::load(explicit.as_deref(), None) {
                Ok(_) => {
                    let located = config::locate(explicit.as_deref());
                    let found = located.as_ref().is_some_and(|(p, _)| p.exists());
                    let shown = located.as_ref().map(|(p, _)| p.display().to_string()).unwrap_or_default();
                    let why = located.map(|(_, source)| source.why()).unwrap_or_default();
                    if found {
                        say(Stream::Out, &format!("{shown}: fine ({why})"))
                    } else {
                        say(Stream::Out, &format!("{shown}: no such file; the defaults are in use ({why})"))
                    }
                }
                Err(error) => {
                    say(Stream::Err, &format!("error: {error}"));
                    BAD_CONFIG
                }
            }
        }
        Command::Completions { shell } => {
            let mut script = Vec::new();
            clap_complete::generate(*shell, &mut Cli::command(), "mpdesk", &mut script);
            print::generated(&script).map_or(1, |()| 0)
        }
        Command::Man { dir: None } => print::generated(&man_page()).map_or(1, |()| 0),
        Command::Man { dir: Some(dir) } => match write_pages(dir) {
            Ok(count) => say(Stream::Out, &format!("wrote {count} manual pages to {}", dir.display())),
            Err(error) => {
                say(Stream::Err, &format!("error: cannot write the manual pages to {}: {error}", dir.display()));
                1
            }
        },
        _ => return None,
    };
    Some(code)
}

fn say(stream: Stream, text: &str) -> i32 {
    print::text(stream, text).map_or(1, |()| 0)
}

/// The manual: mpdesk(1), then a page for every subcommand, all the way
/// down ("mpdesk-program-list").
pub fn man_page() -> Vec<u8> {
    pages().into_iter().flat_map(|(_, roff)| roff).collect()
}

/// Every page, with its name: mpdesk, mpdesk-program, mpdesk-program-list, …
pub fn pages() -> Vec<(String, Vec<u8>)> {
    let mut command = Cli::command();
    command.build();
    let mut pages = Vec::new();
    render(&command, "mpdesk", &mut pages);
    pages
}

fn render(command: &clap::Command, name: &str, pages: &mut Vec<(String, Vec<u8>)>) {
    let page = command.clone().name(name.to_string()).bin_name(name.replace('-', " "));
    let mut roff = Vec::new();
    // The version in every page's footer. Writing into a Vec cannot fail.
    let source = format!("mpdesk {}", env!("CARGO_PKG_VERSION"));
    let _ = clap_mangen::Man::new(page).source(source).render(&mut roff);
    pages.push((name.to_string(), roff));
    for sub in command.get_subcommands().filter(|s| s.get_name() != "help") {
        render(sub, &format!("{name}-{}", sub.get_name()), pages);
    }
}

/// Writes each page as `dir/NAME.1`; returns how many.
fn write_pages(dir: &std::path::Path) -> std::io::Result<usize> {
    std::fs::create_dir_all(dir)?;
    let pages = pages();
    for (name, roff) in &pages {
        std::fs::write(dir.join(format!("{name}.1")), roff)?;
    }
    Ok(pages.len())
}
