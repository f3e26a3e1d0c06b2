//! Random key sequences on random terminal sizes, tiny ones included:
//! never a panic, the selection stays in bounds, and no control character
//! reaches the screen buffer.

use crate::tui_support::*;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use mpdesk::tui::router::{update, Message};
use proptest::prelude::*;

fn key() -> impl Strategy<Value = Message> {
    let chars: Vec<char> = "jkgGnNeaxucroDpw/?[]1 qzA.-".chars().collect();
    prop_oneof![
        8 => proptest::sample::select(chars).prop_map(|c| {
            let m = if c.is_ascii_uppercase() { KeyModifiers::SHIFT } else { KeyModifiers::NONE };
            Message::Key(KeyEvent::new(KeyCode::Char(c), m))
        }),
        4 => proptest::sample::select(vec![
            KeyCode::Tab, KeyCode::BackTab, KeyCode::Esc, KeyCode::Enter, KeyCode::Up, KeyCode::Down,
            KeyCode::PageUp, KeyCode::PageDown, KeyCode::Backspace, KeyCode::Home, KeyCode::End,
        ])
        .prop_map(|k| Message::Key(KeyEvent::new(k, if k == KeyCode::BackTab { KeyModifiers::SHIFT } else { KeyModifiers::NONE }))),
        1 => (1u16..140, 1u16..50).prop_map(|(w, h)| Message::Resize(w, h)),
        1 => Just(Message::Tick),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 40, ..ProptestConfig::default() })]

    #[test]
    fn random_keys_never_break_the_console(
        width in 1u16..140,
        height in 1u16..50,
        login in proptest::sample::select(vec!["olivia", "dana", "nora"]),
        messages in proptest::collection::vec(key(), 0..50),
    ) {
        let mut app = demo_app(login, (width, height));
        for message in messages {
            // 'q' quits; keep going to exercise more of the console.
            update(&mut app, message);
            app.run.quit = false;
            let buffer = render(&app);
            prop_assert!(app.screens.programs.list.total == 0 || app.screens.programs.list.selected < app.screens.programs.list.total);
            prop_assert!(app.screens.members.list.total == 0 || app.screens.members.list.selected < app.screens.members.list.total);
            for cell in buffer.content() {
                prop_assert!(!cell.symbol().chars().any(char::is_control), "control character in the buffer");
            }
        }
    }
}

/// A small deterministic generator: the seed in a failure message replays it.
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn random_message(rng: &mut XorShift) -> Message {
    const CHARS: &[char] = &[
        'j', 'k', 'g', 'G', 'n', 'e', 'a', 'x', 'u', 'c', 'r', 'o', 'D', 'p', 'w', '/', '?', '[', ']', '1', '2', '3',
        '4', ' ', 'q', 'i', 'b', 'R', 's', 'W', 'T', 'I', 'z', '.', '-', 'é', '☕',
    ];
    const CODES: &[KeyCode] = &[
        KeyCode::Tab,
        KeyCode::BackTab,
        KeyCode::Esc,
        KeyCode::Enter,
        KeyCode::Up,
        KeyCode::Down,
        KeyCode::PageUp,
        KeyCode::PageDown,
        KeyCode::Backspace,
        KeyCode::Home,
        KeyCode::End,
    ];
    match rng.below(20) {
        0..=11 => {
            let c = CHARS[rng.below(CHARS.len() as u64) as usize];
            let m = if c.is_ascii_uppercase() { KeyModifiers::SHIFT } else { KeyModifiers::NONE };
            Message::Key(KeyEvent::new(KeyCode::Char(c), m))
        }
        12..=17 => {
            let code = CODES[rng.below(CODES.len() as u64) as usize];
            let m = if code == KeyCode::BackTab { KeyModifiers::SHIFT } else { KeyModifiers::NONE };
            Message::Key(KeyEvent::new(code, m))
        }
        18 => Message::Resize(1 + rng.below(160) as u16, 1 + rng.below(60) as u16),
        _ => Message::Tick,
    }
}

/// What a remote terminal goes through in a long session: a million
/// events (`MPDESK_LONG_EVENTS` to change) on hostile data, every frame
/// drawn and checked. Slow in a debug build; CI runs it with --release.
#[test]
#[ignore = "long: run with cargo test --release -- --ignored"]
fn a_million_random_events_on_hostile_data() {
    let events: u64 = std::env::var("MPDESK_LONG_EVENTS").ok().and_then(|n| n.parse().ok()).unwrap_or(1_000_000);
    let dir = tempfile::tempdir().expect("dir");
    let db = dir.path().join("long.db");
    mpdesk::desk::Desk::open(&db).expect("create").load_demo_data().expect("demo");
    crate::hardening::inject(&db);
    let seed = 0x5eed_u64 ^ events;
    let mut rng = XorShift(seed);
    let options = mpdesk::tui::app::Options { demo: true, ..mpdesk::tui::app::Options::default() };
    let theme = mpdesk::tui::config::Config::default();
    let mut app =
        mpdesk::tui::app::App::new(mpdesk::desk::Desk::open(&db).expect("open"), "olivia", options, theme, (100, 30));
    let mut terminal = ratatui::Terminal::new(ratatui::backend::TestBackend::new(100, 30)).expect("terminal");
    for event in 0..events {
        let message = random_message(&mut rng);
        if let Message::Resize(w, h) = message {
            terminal.backend_mut().resize(w, h);
        }
        update(&mut app, message);
        app.run.quit = false;
        assert!(
            app.screens.programs.list.total == 0
                || app.screens.programs.list.selected < app.screens.programs.list.total,
            "seed {seed}, event {event}"
        );
        assert!(
            app.screens.members.list.total == 0 || app.screens.members.list.selected < app.screens.members.list.total,
            "seed {seed}, event {event}"
        );
        terminal.draw(|frame| mpdesk::tui::view::render(&app, frame)).expect("draw");
        for cell in terminal.backend().buffer().content() {
            assert!(
                !cell.symbol().chars().any(|c| c.is_control() || mpdesk::sanitize::is_unsafe(c)),
                "seed {seed}, event {event}: {:?} reached the screen",
                cell.symbol()
            );
        }
    }
}
