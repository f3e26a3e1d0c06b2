//! Driving the console without a terminal: an `App` on the demo data,
//! keys as messages, frames into a `TestBackend`.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use mpdesk::desk::{Desk, ManualClock};
use mpdesk::tui::app::{App, Options};
use mpdesk::tui::config::Config;
use mpdesk::tui::router::{update, Message};
use mpdesk::tui::view;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::Terminal;

pub fn fixed_desk() -> Desk {
    let clock = ManualClock::new(time::macros::datetime!(2026-01-05 09:30:00 UTC));
    Desk::open_in_memory().expect("desk").with_clock(clock).with_sequential_app_ids(1_000_000_000_000_001)
}

pub fn demo_desk() -> Desk {
    let mut desk = fixed_desk();
    desk.load_demo_data().expect("demo data");
    desk
}

/// A console on `desk` as `login`, in color.
pub fn app_on(desk: Desk, login: &str, demo: bool, read_only: bool, size: (u16, u16)) -> App {
    App::new(desk, login, Options { demo, read_only, ..Options::default() }, Config::default(), size)
}

pub fn demo_app(login: &str, size: (u16, u16)) -> App {
    App::new(demo_desk(), login, Options { demo: true, ..Options::default() }, Config::default(), size)
}

pub fn press(app: &mut App, code: KeyCode) {
    let modifiers = match code {
        KeyCode::Char(c) if c.is_ascii_uppercase() => KeyModifiers::SHIFT,
        KeyCode::BackTab => KeyModifiers::SHIFT,
        _ => KeyModifiers::NONE,
    };
    update(app, Message::Key(KeyEvent::new(code, modifiers)));
}

pub fn chars(app: &mut App, text: &str) {
    for c in text.chars() {
        press(app, KeyCode::Char(c));
    }
}

pub fn render(app: &App) -> Buffer {
    let mut terminal = Terminal::new(TestBackend::new(app.run.size.0, app.run.size.1)).expect("terminal");
    terminal.draw(|frame| view::render(app, frame)).expect("draw");
    terminal.backend().buffer().clone()
}

/// The screen as text, one line per row.
pub fn screen(buffer: &Buffer) -> String {
    let area = buffer.area;
    let mut out = String::new();
    for y in 0..area.height {
        let mut line = String::new();
        for x in 0..area.width {
            line.push_str(buffer[(x, y)].symbol());
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

pub fn screen_text(app: &App) -> String {
    screen(&render(app))
}

/// Selects the program named `name` in the list by moving down from the top.
pub fn select_program(app: &mut App, name: &str) {
    press(app, KeyCode::Char('g'));
    for _ in 0..50 {
        if app.selection.as_ref().map(|s| s.detail.summary.name.as_str()) == Some(name) {
            return;
        }
        press(app, KeyCode::Char('j'));
    }
    panic!("{name} not in the list");
}

pub fn status(app: &App) -> String {
    app.status.as_ref().map(|s| s.text.clone()).unwrap_or_default()
}

/// Where `needle` starts in the key-hint bar: its first cell's (x, y).
pub fn in_bar(buffer: &Buffer, app: &App, needle: &str) -> Option<(u16, u16)> {
    let (width, height) = app.ui_size();
    let areas = mpdesk::tui::layout::main_areas(ratatui::layout::Rect::new(0, 0, width, height));
    (areas.hints.y..areas.hints.y + areas.hints.height).find_map(|y| {
        let text: String = (0..buffer.area.width).map(|x| buffer[(x, y)].symbol()).collect();
        text.find(needle).map(|byte| (text[..byte].chars().count() as u16, y))
    })
}

/// The style of the first cell of `needle` in the key-hint bar.
pub fn bar_style(buffer: &Buffer, app: &App, needle: &str) -> Option<ratatui::style::Style> {
    in_bar(buffer, app, needle).map(|(x, y)| buffer[(x, y)].style())
}

/// Holds a README code block (the one starting "```\n" + `opening`) to
/// what the console draws: `UPDATE_README=1 cargo test readme` rewrites
/// it after an intended change; otherwise a drift fails.
pub fn readme_block(opening: &str, block: &str) {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/README.md");
    let readme = std::fs::read_to_string(path).expect("README");
    let start = readme.find(&format!("```\n{opening}")).unwrap_or_else(|| panic!("no README block {opening:?}")) + 4;
    let end = start + readme[start..].find("```").expect("its end");
    if std::env::var_os("UPDATE_README").is_some() {
        std::fs::write(path, format!("{}{block}{}", &readme[..start], &readme[end..])).expect("write README");
        return;
    }
    assert_eq!(
        &readme[start..end],
        block,
        "README's {opening:?} block is out of date: run UPDATE_README=1 cargo test readme"
    );
}
