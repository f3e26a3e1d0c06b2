//! Default key bindings, key → action. Hints look keys up in reverse, so a
//! label never hard-codes a key.

use super::action::Action;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// (key, modifiers, action); the first binding of an action is its label.
const DEFAULT: &[(KeyCode, KeyModifiers, Action)] = &[
    (KeyCode::Char('n'), KeyModifiers::NONE, Action::CreateProgram),
    (KeyCode::Char('e'), KeyModifiers::NONE, Action::EditProgram),
    (KeyCode::Char('a'), KeyModifiers::NONE, Action::AddMembers),
    (KeyCode::Char('x'), KeyModifiers::NONE, Action::RemoveMember),
    (KeyCode::Char('i'), KeyModifiers::NONE, Action::Invite),
    (KeyCode::Char('R'), KeyModifiers::SHIFT, Action::ChangeRole),
    (KeyCode::Char('b'), KeyModifiers::NONE, Action::BlockMember),
    (KeyCode::Char('b'), KeyModifiers::NONE, Action::UnblockMember),
    (KeyCode::Char('x'), KeyModifiers::NONE, Action::RemoveWorkspaceMember),
    (KeyCode::Char('s'), KeyModifiers::NONE, Action::Resend),
    (KeyCode::Char('W'), KeyModifiers::SHIFT, Action::Withdraw),
    (KeyCode::Char('T'), KeyModifiers::SHIFT, Action::Transfer),
    (KeyCode::Char('I'), KeyModifiers::SHIFT, Action::Invitations),
    (KeyCode::Char('K'), KeyModifiers::SHIFT, Action::Keys),
    (KeyCode::Char('u'), KeyModifiers::NONE, Action::Upload),
    (KeyCode::Char('c'), KeyModifiers::NONE, Action::Configure),
    (KeyCode::Char('r'), KeyModifiers::NONE, Action::Release),
    (KeyCode::Char('o'), KeyModifiers::NONE, Action::TakeOffline),
    (KeyCode::Char('D'), KeyModifiers::SHIFT, Action::Delete),
    (KeyCode::Char('/'), KeyModifiers::NONE, Action::Filter),
    (KeyCode::Char('w'), KeyModifiers::NONE, Action::SwitchWorkspace),
    (KeyCode::Char('p'), KeyModifiers::NONE, Action::SwitchPersona),
    (KeyCode::Char('?'), KeyModifiers::NONE, Action::Help),
    (KeyCode::Char('q'), KeyModifiers::NONE, Action::Quit),
    (KeyCode::Char('c'), KeyModifiers::CONTROL, Action::Quit),
    (KeyCode::Tab, KeyModifiers::NONE, Action::FocusNext),
    (KeyCode::BackTab, KeyModifiers::SHIFT, Action::FocusPrev),
    (KeyCode::Char('k'), KeyModifiers::NONE, Action::Up),
    (KeyCode::Up, KeyModifiers::NONE, Action::Up),
    (KeyCode::Char('j'), KeyModifiers::NONE, Action::Down),
    (KeyCode::Down, KeyModifiers::NONE, Action::Down),
    (KeyCode::PageUp, KeyModifiers::NONE, Action::PageUp),
    (KeyCode::PageDown, KeyModifiers::NONE, Action::PageDown),
    (KeyCode::Char('g'), KeyModifiers::NONE, Action::Top),
    (KeyCode::Home, KeyModifiers::NONE, Action::Top),
    (KeyCode::Char('G'), KeyModifiers::SHIFT, Action::Bottom),
    (KeyCode::End, KeyModifiers::NONE, Action::Bottom),
    (KeyCode::Char(']'), KeyModifiers::NONE, Action::NextTab),
    (KeyCode::Char('['), KeyModifiers::NONE, Action::PrevTab),
    (KeyCode::Char('1'), KeyModifiers::NONE, Action::TabPrograms),
    (KeyCode::Char('2'), KeyModifiers::NONE, Action::TabMembers),
    (KeyCode::Char('3'), KeyModifiers::NONE, Action::TabAudit),
    (KeyCode::Char('4'), KeyModifiers::NONE, Action::TabRoles),
    (KeyCode::Esc, KeyModifiers::NONE, Action::ClearFilter),
];

/// Terminals disagree on whether an upper-case letter carries SHIFT.
fn normalize(key: KeyEvent) -> (KeyCode, KeyModifiers) {
    match key.code {
        KeyCode::Char(c) if c.is_ascii_uppercase() => (key.code, KeyModifiers::SHIFT),
        KeyCode::Char(_) => (key.code, key.modifiers - KeyModifiers::SHIFT),
        KeyCode::BackTab => (key.code, KeyModifiers::SHIFT),
        _ => (key.code, key.modifiers),
    }
}

/// Every action bound to this key; one key may serve several tabs, and
/// the hint list says which one applies here.
pub fn actions_for(key: KeyEvent) -> Vec<Action> {
    let (code, modifiers) = normalize(key);
    DEFAULT.iter().filter(|(c, m, _)| *c == code && *m == modifiers).map(|(_, _, a)| *a).collect()
}

fn key_name(code: KeyCode, modifiers: KeyModifiers) -> String {
    let base = match code {
        KeyCode::Char(c) => c.to_string(),
        KeyCode::Tab => "Tab".to_string(),
        KeyCode::BackTab => "S-Tab".to_string(),
        KeyCode::Up => "↑".to_string(),
        KeyCode::Down => "↓".to_string(),
        KeyCode::PageUp => "PgUp".to_string(),
        KeyCode::PageDown => "PgDn".to_string(),
        KeyCode::Home => "Home".to_string(),
        KeyCode::End => "End".to_string(),
        KeyCode::Esc => "Esc".to_string(),
        KeyCode::Enter => "Enter".to_string(),
        other => format!("{other:?}"),
    };
    if modifiers.contains(KeyModifiers::CONTROL) {
        format!("C-{base}")
    } else {
        base
    }
}

/// The key that triggers `action` ("r"), for hints.
pub fn key_for(action: Action) -> String {
    DEFAULT.iter().find(|(_, _, a)| *a == action).map(|(c, m, _)| key_name(*c, *m)).unwrap_or_default()
}

/// Every key bound to `action` ("k/↑"), for help.
pub fn keys_for(action: Action) -> String {
    DEFAULT.iter().filter(|(_, _, a)| *a == action).map(|(c, m, _)| key_name(*c, *m)).collect::<Vec<_>>().join("/")
}
