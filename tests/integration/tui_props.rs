//! Random key sequences on random terminal sizes, tiny ones included:
//! never a panic, the selection stays in bounds, and no control character
//! reaches the screen buffer.

use crate::tui_support::*;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use mpdesk::tui::update::{update, Message};
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
            app.quit = false;
            let buffer = render(&app);
            prop_assert!(app.programs.total == 0 || app.programs.selected < app.programs.total);
            prop_assert!(app.members.total == 0 || app.members.selected < app.members.total);
            for cell in buffer.content() {
                prop_assert!(!cell.symbol().chars().any(char::is_control), "control character in the buffer");
            }
        }
    }
}
