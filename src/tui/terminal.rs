//! The real terminal: raw mode, alternate screen, mouse; restored on every
//! exit, panics and signals included. Output is buffered and flushed once per frame.
//! The one other door to stdout besides `crate::print`: ratatui writes
//! the frame buffer, whose every data string went through the sanitizer.
#![allow(clippy::disallowed_methods)]

use super::app::{App, Options};
use super::config::Config;
use super::router::{update, update_all, Message};
use super::view;
use crate::desk::Desk;
use crossterm::event::{self, DisableMouseCapture, EnableMouseCapture, Event};
use crossterm::execute;
use crossterm::terminal::{disable_raw_mode, enable_raw_mode, EnterAlternateScreen, LeaveAlternateScreen};
use ratatui::backend::CrosstermBackend;
use ratatui::Terminal;
use std::io::{BufWriter, Stdout};
use std::path::Path;
use std::time::{Duration, Instant};

type Term = Terminal<CrosstermBackend<BufWriter<Stdout>>>;

/// How often to look for changes made by other processes.
const POLL: Duration = Duration::from_millis(250);
/// How often to look for the background reader's answers while it works.
const ANSWERS: Duration = Duration::from_millis(3);

fn restore() {
    let _ = disable_raw_mode();
    let _ = execute!(std::io::stdout(), DisableMouseCapture, LeaveAlternateScreen, crossterm::cursor::Show);
}

/// Restores the terminal and keeps it, on an end from outside: stdout stays
/// locked by the ending thread until the process exits, so a frame the
/// console is still drawing lands before the terminal is put back, never
/// after.
fn restore_for_good() {
    let held = std::io::stdout().lock();
    restore();
    std::mem::forget(held);
}

fn setup() -> anyhow::Result<Term> {
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        restore();
        super::log::write(&format!("panic: {info}"));
        hook(info);
    }));
    enable_raw_mode()?;
    execute!(std::io::stdout(), EnterAlternateScreen, EnableMouseCapture)?;
    Ok(Terminal::new(CrosstermBackend::new(BufWriter::new(std::io::stdout())))?)
}

/// Runs the console as `login` until they quit (`Ok(None)`), or until
/// their access was taken away (`Ok(Some(why))`, one line to print once
/// the terminal is restored).
pub fn run(
    desk: Desk,
    login: &str,
    options: Options,
    config: Config,
    database: &Path,
) -> anyhow::Result<Option<String>> {
    let mut terminal = match setup() {
        Ok(t) => t,
        Err(e) => {
            restore();
            return Err(e);
        }
    };
    super::log::set_database(database);
    if let Err(error) = super::ending::install(restore_for_good) {
        restore();
        return Err(error.into());
    }
    let result = (|| {
        let size = terminal.size()?;
        let background = super::background::Background::start(&desk, super::background::BUDGET);
        let mut app = App::new(desk, login, options, config, (size.width, size.height));
        app.sync.background = background;
        app.show_database(database);
        event_loop(&mut terminal, &mut app)
    })();
    restore();
    result
}

fn event_loop(terminal: &mut Term, app: &mut App) -> anyhow::Result<Option<String>> {
    let mut last_tick = Instant::now();
    loop {
        if app.run.ended.is_some() {
            return Ok(app.run.ended.take());
        }
        if app.run.redraw {
            terminal.draw(|frame| view::render(app, frame))?;
            app.run.redraw = false;
        }
        if app.run.quit {
            return Ok(None);
        }
        // While the background reader works, look for its answers often.
        let timeout = POLL.saturating_sub(last_tick.elapsed());
        let timeout = if app.sync.background.busy() { timeout.min(ANSWERS) } else { timeout };
        if event::poll(timeout)? {
            // Everything already typed, at once: the newest keystroke wins.
            let mut messages = Vec::new();
            loop {
                let message = match event::read()? {
                    Event::Key(key) => Some(Message::Key(key)),
                    Event::Mouse(mouse) => Some(Message::Mouse(mouse)),
                    Event::Resize(w, h) => Some(Message::Resize(w, h)),
                    _ => None,
                };
                messages.extend(message);
                if messages.len() >= 256 || !event::poll(Duration::ZERO)? {
                    break;
                }
            }
            update_all(app, messages);
        }
        if app.sync.background.busy() {
            update(app, Message::Answers);
        }
        if last_tick.elapsed() >= POLL {
            update(app, Message::Tick);
            last_tick = Instant::now();
        }
    }
}
