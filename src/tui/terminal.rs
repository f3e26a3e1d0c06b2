//! The real terminal: raw mode, alternate screen, mouse; restored on every
//! exit, panics and signals included. Output is buffered and flushed once per frame.
//! The one other door to stdout besides `crate::print`: ratatui writes
//! the frame buffer, whose every data string went through the sanitizer.
#![allow(clippy::disallowed_methods)]

use super::app::{App, Options};
use super::capped_backend::CappedBackend;
use super::config::Config;
use super::router::{update, update_all, Message};
use super::view;
use super::wake::{AfterWrite, Input, Watch};
use crate::desk::Desk;
use crossterm::event::{DisableMouseCapture, EnableMouseCapture, Event};
use crossterm::execute;
use crossterm::terminal::{disable_raw_mode, enable_raw_mode, EnterAlternateScreen, LeaveAlternateScreen};
use ratatui::backend::CrosstermBackend;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::Terminal;
use std::io::{BufWriter, Stdout};
use std::path::Path;
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::{Duration, SystemTime};

type Term = Terminal<CappedBackend<CrosstermBackend<BufWriter<Stdout>>>>;

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
    Ok(Terminal::new(CappedBackend::new(CrosstermBackend::new(BufWriter::new(std::io::stdout()))))?)
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
        // The window as it is, not as drawn: a larger one is told so.
        let size = terminal.backend().window()?;
        let background = super::background::Background::start(&desk, super::background::BUDGET);
        let options = Options { after_first_frame: true, ..options };
        let mut app = App::new(desk, login, options, config, size);
        app.sync.background = background;
        app.show_database(database);
        let (inputs, watch) = super::wake::start(database);
        event_loop(&mut terminal, &mut app, &inputs, watch)
    })();
    restore();
    result
}

/// Sleeps until something happens: a key, a write to the database's
/// files, the clock's next minute (what countdowns show), or — with no
/// watch on the database — the next slow look. Nothing else wakes it.
fn event_loop(
    terminal: &mut Term,
    app: &mut App,
    inputs: &Receiver<Input>,
    watch: Watch,
) -> anyhow::Result<Option<String>> {
    let mut after_write = AfterWrite::default();
    let mut shown = Buffer::empty(Rect::ZERO);
    // Whether the next redraw answers nobody's input (a commit elsewhere, the
    // minute's turn): then a frame like the one on screen writes nothing.
    let mut unasked = false;
    loop {
        if app.run.ended.is_some() {
            return Ok(app.run.ended.take());
        }
        if app.run.redraw {
            draw(terminal, app, &mut shown, unasked)?;
            app.run.redraw = false;
            app.first_frame_drawn();
            if app.run.redraw {
                continue;
            }
        }
        if app.run.quit {
            return Ok(None);
        }
        // While the background reader works, look for its answers often.
        let timeout = watch.longest_sleep().min(until_next_minute());
        let timeout = until_next_end(app).map_or(timeout, |end| timeout.min(end));
        // Under a minute, an end is counted in seconds: one look a second.
        let timeout = if app.ends_within_a_minute() { timeout.min(Duration::from_secs(1)) } else { timeout };
        let timeout = after_write.until_next().map_or(timeout, |next| timeout.min(next));
        let timeout = if app.sync.background.busy() { timeout.min(ANSWERS) } else { timeout };
        let mut look = false;
        match inputs.recv_timeout(timeout) {
            Ok(first) => {
                // Everything already typed, at once: the newest keystroke wins.
                let mut messages = Vec::new();
                let mut next = Some(first);
                while let Some(input) = next {
                    match input {
                        Input::Terminal(event) => messages.extend(message(event)),
                        Input::DatabaseWritten(written) => {
                            after_write.written(written);
                            look = true;
                        }
                        Input::Failed(why) => anyhow::bail!("reading the terminal: {why}"),
                    }
                    next = if messages.len() < 256 { inputs.try_recv().ok() } else { None };
                }
                unasked = messages.is_empty();
                update_all(app, messages);
            }
            Err(RecvTimeoutError::Timeout) => {
                unasked = true;
                look = after_write.due()
                    || !app.sync.background.busy()
                    || past_a_minute(app)
                    || app.ends_within_a_minute()
                    || until_next_end(app).is_some_and(|d| d.is_zero())
            }
            Err(RecvTimeoutError::Disconnected) => anyhow::bail!("the terminal's reader stopped"),
        }
        if app.sync.background.busy() {
            update(app, Message::Answers);
        }
        if look {
            let version = app.sync.data_version;
            update(app, Message::Tick);
            if app.sync.data_version != version {
                after_write.seen();
            }
        }
    }
}

/// Draws the frame and keeps a copy of it. An `unasked` frame that is the
/// one on screen writes nothing at all (ratatui would still hide the cursor
/// and reset the colours: 25 bytes to every idle terminal).
fn draw(terminal: &mut Term, app: &App, shown: &mut Buffer, unasked: bool) -> std::io::Result<()> {
    let mut same = false;
    let drawn = terminal.try_draw(|frame| {
        view::render(app, frame);
        same = unasked && frame.buffer_mut() == shown;
        if same {
            // Not an error: stops ratatui before it writes anything.
            return Err(std::io::Error::other("the frame on screen"));
        }
        Ok(())
    });
    match drawn {
        Ok(frame) => *shown = frame.buffer.clone(),
        // What was just rendered is what the screen shows: it becomes the
        // frame the next one is compared with.
        Err(_) if same => terminal.swap_buffers(),
        Err(error) => return Err(error),
    }
    Ok(())
}

fn message(event: Event) -> Option<Message> {
    match event {
        Event::Key(key) => Some(Message::Key(key)),
        Event::Mouse(mouse) => Some(Message::Mouse(mouse)),
        Event::Resize(w, h) => Some(Message::Resize(w, h)),
        _ => None,
    }
}

/// From now to the start of the next minute on the wall clock (a little
/// after, so the minute has surely turned).
fn until_next_minute() -> Duration {
    let now = SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).unwrap_or_default();
    Duration::from_secs(60) - Duration::from_millis((now.as_millis() % 60_000) as u64) + Duration::from_millis(5)
}

/// From now to the next end of a membership or of this session's key (a
/// little after, so it has surely come); zero once it has.
fn until_next_end(app: &App) -> Option<Duration> {
    let end = app.sync.next_end?;
    let left = end - app.desk.now_time();
    Some(if left.is_positive() { left.unsigned_abs() + Duration::from_millis(5) } else { Duration::ZERO })
}

/// Whether the clock's minute moved since the console last looked.
fn past_a_minute(app: &App) -> bool {
    app.desk.now_time().minute() != app.sync.now.minute()
}
