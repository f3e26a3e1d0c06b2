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
        // Compared without spaces (a wide character's second cell reads as
        // one): the Details pane's name, or a list row cut to "…" (the
        // glyph before it aside) that the name starts with.
        let bare = |text: &str| text.split_whitespace().collect::<String>();
        let full = bare(name);
        let row = highlighted(app).unwrap_or_default();
        let row = bare(row.split_once(' ').map_or("", |(_, rest)| rest));
        let cut = row.strip_suffix('…').is_some_and(|start| !start.is_empty() && full.starts_with(start));
        if bare(&shown_program(app).unwrap_or_default()) == full || cut {
            return;
        }
        press(app, KeyCode::Char('j'));
    }
    panic!("{name} not in the list:\n{}", screen_text(app));
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

/// What a list's title says on screen: how many rows ("500+" is a lower
/// bound while the end is not counted yet) and, where the title shows it
/// (the Programs list), the selected row's place, from 0.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Listed {
    pub total: u64,
    pub exact: bool,
    pub selected: Option<u64>,
}

/// The list whose title starts with `title` ("Programs", "Members (",
/// "Audit log (", "Members of "), as its title reads in a frame drawn now.
pub fn listed(app: &App, title: &str) -> Listed {
    let text = screen_text(app);
    let line = text
        .lines()
        .find_map(|line| line.find(&format!("┌ {title}")).map(|at| &line[at + "┌ ".len() + title.len()..]))
        .unwrap_or_else(|| panic!("no list titled {title:?} on screen:\n{text}"));
    // The first number after the title: "1/4 ", "(500+)", "Acme (5)".
    let start = line.find(|c: char| c.is_ascii_digit());
    let Some(start) = start.filter(|at| !line[..*at].contains('─')) else {
        return Listed { total: 0, exact: true, selected: None };
    };
    let token: String = line[start..].chars().take_while(|c| c.is_ascii_digit() || *c == '/' || *c == '+').collect();
    let (selected, total) = match token.split_once('/') {
        Some((at, total)) => (at.parse::<u64>().ok().map(|n| n - 1), total),
        None => (None, token.as_str()),
    };
    let exact = !total.ends_with('+');
    let total = total.trim_end_matches('+').parse().unwrap_or_else(|_| panic!("a count in {line:?}"));
    Listed { total, exact, selected }
}

impl Listed {
    /// The selected row's place (0 in an empty list).
    pub fn row(self) -> u64 {
        self.selected.unwrap_or(0)
    }
}

/// The Programs list's count and selected row.
pub fn programs(app: &App) -> Listed {
    listed(app, "Programs")
}

/// The focused list's selected row as drawn (reverse video), trimmed;
/// the header's tab bar (the first row, the active tab reversed) aside.
pub fn highlighted(app: &App) -> Option<String> {
    let buffer = render(app);
    let area = buffer.area;
    (1..area.height).find_map(|y| {
        let row: String = (0..area.width)
            .filter(|x| buffer[(*x, y)].modifier.contains(ratatui::style::Modifier::REVERSED))
            .map(|x| buffer[(x, y)].symbol().to_string())
            .collect();
        let row = row.trim();
        (!row.is_empty()).then(|| row.to_string())
    })
}

/// The program the Details pane shows (its Name row), as drawn.
pub fn shown_program(app: &App) -> Option<String> {
    detail(app, "Name")
}

/// A row of the Details pane ("Live version", "Status"), as drawn.
pub fn detail(app: &App, label: &str) -> Option<String> {
    screen_text(app).lines().find_map(|line| {
        let rest = line.split(&format!("│{label} ")).nth(1)?;
        Some(rest.trim().trim_end_matches('│').trim().to_string())
    })
}

/// The newest version the Details pane lists (the row under "Versions").
pub fn newest_version(app: &App) -> Option<String> {
    let text = screen_text(app);
    let mut lines = text.lines().skip_while(|line| !line.contains("│Versions ("));
    lines.next()?;
    lines.next()?.split('│').find(|part| !part.trim().is_empty())?.split_whitespace().next().map(str::to_string)
}

/// The header as drawn: the workspace, the person and their role
/// ("olivia (Owner)"), and the tab that shows ("Programs").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    pub workspace: String,
    pub person: String,
    pub tab: Option<mpdesk::tui::app::Tab>,
}

pub fn header(app: &App) -> Header {
    let buffer = render(app);
    let text = screen(&buffer);
    let first = text.lines().next().unwrap_or_default().to_string();
    let parts: Vec<&str> = first.split('│').map(str::trim).collect();
    let tab: String = (0..buffer.area.width)
        .filter(|x| buffer[(*x, 0)].modifier.contains(ratatui::style::Modifier::REVERSED))
        .map(|x| buffer[(x, 0)].symbol().to_string())
        .collect();
    let title = tab.trim().trim_start_matches(|c: char| c.is_ascii_digit()).trim().to_string();
    let tab = mpdesk::tui::app::Tab::ALL.into_iter().find(|t| t.title() == title);
    // " mpdesk │ WS │ login (Role) │ tabs", or without the name when narrow.
    let person_at = parts.iter().position(|p| p.ends_with(')') && !p.starts_with('1')).unwrap_or(2);
    let part = |i: Option<usize>| i.and_then(|i| parts.get(i)).map(|p| p.to_string()).unwrap_or_default();
    Header { workspace: part(person_at.checked_sub(1)), person: part(Some(person_at)), tab }
}

/// The acting person's login, as the header shows it.
pub fn shown_login(app: &App) -> String {
    let person = header(app).person;
    person.split(' ').next().unwrap_or_default().to_string()
}

/// Moves the focused list's selection down from the top (g, then j) to
/// the row whose first word is `first`, as a person would.
pub fn move_to(app: &mut App, first: &str) {
    press(app, KeyCode::Char('g'));
    for _ in 0..200 {
        if highlighted(app).is_some_and(|row| row.split_whitespace().next() == Some(first)) {
            return;
        }
        press(app, KeyCode::Char('j'));
    }
    panic!("no row {first:?} in the focused list:\n{}", screen_text(app));
}

/// The rows a table shows under its heading row (the one starting with
/// `heading`: "Login", "At") in whichever pane it is, up to the first
/// blank row.
pub fn table_rows(app: &App, heading: &str) -> Vec<String> {
    let text = screen_text(app);
    let lines: Vec<Vec<char>> = text.lines().map(|line| line.chars().collect()).collect();
    let marker: Vec<char> = format!("│{heading}").chars().collect();
    let (y, x) = lines
        .iter()
        .enumerate()
        .find_map(|(y, line)| line.windows(marker.len()).position(|w| w == marker.as_slice()).map(|x| (y, x + 1)))
        .unwrap_or_else(|| panic!("no table headed {heading:?}:\n{text}"));
    // The pane's cells on each row: from the heading's column to its border.
    let cell = |line: &Vec<char>| -> String {
        line.iter().skip(x).take_while(|c| **c != '│').collect::<String>().trim_end().to_string()
    };
    lines[y + 1..].iter().map(cell).take_while(|row| !row.trim().is_empty()).collect()
}

/// The words of the table row whose first word is `first`, if shown.
pub fn row_words(app: &App, heading: &str, first: &str) -> Option<Vec<String>> {
    table_rows(app, heading)
        .into_iter()
        .map(|row| row.split_whitespace().map(str::to_string).collect::<Vec<_>>())
        .find(|words| words.first().map(String::as_str) == Some(first))
}

/// The first word of the title of the pane drawn with the focused border
/// (bold), or None.
pub fn focused_pane(app: &App) -> Option<String> {
    let buffer = render(app);
    let area = buffer.area;
    (1..area.height).find_map(|y| {
        let x = (0..area.width).find(|x| {
            let cell = &buffer[(*x, y)];
            cell.symbol() == "┌" && cell.modifier.contains(ratatui::style::Modifier::BOLD)
        })?;
        let title: String = (x + 1..area.width).map(|x| buffer[(x, y)].symbol().to_string()).collect();
        title.split_whitespace().find(|word| !word.starts_with('─')).map(str::to_string)
    })
}

/// The workspaces the switcher (w) lists, as "name — Role", read from the
/// dialog, which is closed again.
pub fn workspaces_listed(app: &mut App) -> Vec<String> {
    press(app, KeyCode::Char('w'));
    let text = screen_text(app);
    press(app, KeyCode::Esc);
    let roles = mpdesk::desk::WorkspaceRole::ALL.map(|role| format!("— {}", role.title()));
    text.lines()
        .filter_map(|line| {
            let inside = line.trim_matches(|c: char| c == '│' || c.is_whitespace());
            let inside = inside.trim_start_matches(['▸', ' ']).trim_end_matches(['│', ' ']);
            roles.iter().any(|role| inside.ends_with(role.as_str())).then(|| inside.to_string())
        })
        .collect()
}

/// The screen's words in reading order, borders off: a sentence wrapped
/// inside a pane or a dialog reads whole.
pub fn screen_words(app: &App) -> String {
    screen_text(app).replace('│', " ").split_whitespace().collect::<Vec<_>>().join(" ")
}
