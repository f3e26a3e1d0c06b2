//! Key bindings, key → action, and back: hints and help look keys up in
//! reverse, so a label never hard-codes a key. The defaults are each
//! action's row (`action::ROWS`); the config file's `[keys]` table replaces
//! an action's keys.

use super::action::Action;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// A key as bindings compare it: upper-case letters carry SHIFT, other
/// characters never do (terminals disagree on it).
pub type Key = (KeyCode, KeyModifiers);

/// Every binding, in the order of `action::ROWS` (an action's first key is its label).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Keymap {
    bindings: Vec<(Key, Action)>,
}

impl Default for Keymap {
    fn default() -> Self {
        let bindings =
            super::action::ROWS.iter().flat_map(|row| row.keys.iter().map(|&key| (key, row.action))).collect();
        Self { bindings }
    }
}

/// Two actions on one key where both can apply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conflict {
    pub key: Key,
    pub actions: (Action, Action),
}

impl std::fmt::Display for Conflict {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (a, b) = self.actions;
        write!(f, "key \"{}\" is bound to both {} and {}", key_name(self.key), a.name(), b.name())
    }
}

impl Keymap {
    /// The defaults with these actions' keys replaced.
    pub fn with(overrides: &[(Action, Vec<Key>)]) -> Self {
        let mut map = Self::default();
        for (action, keys) in overrides {
            let at = map.bindings.iter().position(|(_, a)| a == action).unwrap_or(map.bindings.len());
            map.bindings.retain(|(_, a)| a != action);
            let at = at.min(map.bindings.len());
            map.bindings.splice(at..at, keys.iter().map(|k| (*k, *action)));
        }
        map
    }

    /// The first pair of actions that share a key and a tab (and are not
    /// alternatives of each other).
    pub fn conflict(&self) -> Option<Conflict> {
        self.bindings.iter().enumerate().find_map(|(i, (key, a))| {
            self.bindings[i + 1..]
                .iter()
                .find(|(k, b)| k == key && a != b && a.tabs() & b.tabs() != 0 && !a.exclusive_with(*b))
                .map(|(_, b)| Conflict { key: *key, actions: (*a, *b) })
        })
    }

    /// Every action bound to this key; one key may serve several tabs, and
    /// the hint list says which one applies here.
    pub fn actions_for(&self, key: KeyEvent) -> Vec<Action> {
        let key = normalize(key.code, key.modifiers);
        self.bindings.iter().filter(|(k, _)| *k == key).map(|(_, a)| *a).collect()
    }

    /// Whether this key is bound to `action`.
    pub fn is(&self, key: KeyEvent, action: Action) -> bool {
        self.actions_for(key).contains(&action)
    }

    /// The first key bound to `action`.
    pub fn key(&self, action: Action) -> Option<Key> {
        self.bindings.iter().find(|(_, a)| *a == action).map(|(k, _)| *k)
    }

    /// The key that triggers `action` ("r"), for hints; empty when unbound.
    pub fn key_for(&self, action: Action) -> String {
        self.bindings.iter().find(|(_, a)| *a == action).map(|(k, _)| key_name(*k)).unwrap_or_default()
    }

    /// Every key bound to `action` ("k/↑"), for help.
    pub fn keys_for(&self, action: Action) -> String {
        self.bindings.iter().filter(|(_, a)| *a == action).map(|(k, _)| key_name(*k)).collect::<Vec<_>>().join("/")
    }

    /// The keys of `action` as the config file writes them.
    pub fn config_keys(&self, action: Action) -> Vec<String> {
        self.bindings.iter().filter(|(_, a)| *a == action).map(|(k, _)| config_name(*k)).collect()
    }
}

/// A pressed key as bindings compare it (and as the bar names it).
pub fn of_event(key: KeyEvent) -> Key {
    normalize(key.code, key.modifiers)
}

/// Terminals disagree on whether an upper-case letter carries SHIFT.
fn normalize(code: KeyCode, modifiers: KeyModifiers) -> Key {
    match code {
        KeyCode::Char(c) if c.is_uppercase() => (code, modifiers | KeyModifiers::SHIFT),
        KeyCode::Char(_) => (code, modifiers - KeyModifiers::SHIFT),
        KeyCode::BackTab => (code, modifiers | KeyModifiers::SHIFT),
        _ => (code, modifiers),
    }
}

/// Named keys, as the config file spells them (the first name is the one
/// `config default` writes).
const NAMED: &[(&str, KeyCode)] = &[
    ("enter", KeyCode::Enter),
    ("esc", KeyCode::Esc),
    ("escape", KeyCode::Esc),
    ("tab", KeyCode::Tab),
    ("backtab", KeyCode::BackTab),
    ("space", KeyCode::Char(' ')),
    ("backspace", KeyCode::Backspace),
    ("delete", KeyCode::Delete),
    ("del", KeyCode::Delete),
    ("insert", KeyCode::Insert),
    ("up", KeyCode::Up),
    ("down", KeyCode::Down),
    ("left", KeyCode::Left),
    ("right", KeyCode::Right),
    ("home", KeyCode::Home),
    ("end", KeyCode::End),
    ("pgup", KeyCode::PageUp),
    ("pageup", KeyCode::PageUp),
    ("pgdn", KeyCode::PageDown),
    ("pagedown", KeyCode::PageDown),
];

/// Parses "r", "R", "ctrl-r", "alt-x", "shift-tab", "pgdn", "f1" into a key.
pub fn parse_key(text: &str) -> Result<Key, String> {
    let mut modifiers = KeyModifiers::NONE;
    let mut rest = text;
    loop {
        let lower = rest.to_ascii_lowercase();
        let found = [("ctrl-", KeyModifiers::CONTROL), ("alt-", KeyModifiers::ALT), ("shift-", KeyModifiers::SHIFT)]
            .into_iter()
            .find(|(prefix, _)| lower.starts_with(prefix) && rest.len() > prefix.len());
        match found {
            Some((prefix, modifier)) => {
                modifiers |= modifier;
                rest = &rest[prefix.len()..];
            }
            None => break,
        }
    }
    let mut chars = rest.chars();
    let code = match (chars.next(), chars.next()) {
        (Some(c), None) if !c.is_control() && !c.is_whitespace() => {
            if modifiers.contains(KeyModifiers::SHIFT) && c.is_lowercase() {
                KeyCode::Char(c.to_uppercase().next().unwrap_or(c))
            } else {
                KeyCode::Char(c)
            }
        }
        _ => {
            let lower = rest.to_ascii_lowercase();
            if let Some((_, code)) = NAMED.iter().find(|(name, _)| *name == lower) {
                *code
            } else if let Some(n) =
                lower.strip_prefix('f').and_then(|n| n.parse::<u8>().ok()).filter(|n| (1..=12).contains(n))
            {
                KeyCode::F(n)
            } else {
                return Err(format!(
                    "\"{text}\" is not a key (a character, a named key such as enter, esc, tab, up, pgdn, f1, or ctrl-/alt-/shift- and one of those)"
                ));
            }
        }
    };
    let code = if code == KeyCode::Tab && modifiers.contains(KeyModifiers::SHIFT) { KeyCode::BackTab } else { code };
    if let Some(why) = inseparable(code, modifiers) {
        return Err(format!("\"{text}\" cannot be bound: {why}"));
    }
    Ok(normalize(code, modifiers))
}

/// Why a terminal cannot send this chord apart from another key, if so.
fn inseparable(code: KeyCode, modifiers: KeyModifiers) -> Option<String> {
    let KeyCode::Char(c) = code else { return None };
    if !modifiers.contains(KeyModifiers::CONTROL) {
        return None;
    }
    let lower = c.to_ascii_lowercase();
    if modifiers.contains(KeyModifiers::SHIFT) || c.is_ascii_uppercase() {
        return Some(format!(
            "a terminal sends ctrl-shift-{lower} as ctrl-{lower} (control keys carry no shift); bind ctrl-{lower} or another key"
        ));
    }
    let same = match lower {
        'i' => "Tab",
        'm' => "Enter",
        '[' => "Esc",
        'h' => "Backspace",
        _ => return None,
    };
    Some(format!("a terminal sends ctrl-{lower} as {same}; bind another key"))
}

fn base_name(code: KeyCode) -> String {
    match code {
        KeyCode::Char(' ') => "Space".to_string(),
        KeyCode::Char(c) => c.to_string(),
        KeyCode::Tab => "Tab".to_string(),
        KeyCode::BackTab => "S-Tab".to_string(),
        KeyCode::Up => "↑".to_string(),
        KeyCode::Down => "↓".to_string(),
        KeyCode::Left => "←".to_string(),
        KeyCode::Right => "→".to_string(),
        KeyCode::PageUp => "PgUp".to_string(),
        KeyCode::PageDown => "PgDn".to_string(),
        KeyCode::Home => "Home".to_string(),
        KeyCode::End => "End".to_string(),
        KeyCode::Esc => "Esc".to_string(),
        KeyCode::Enter => "Enter".to_string(),
        KeyCode::Backspace => "Bksp".to_string(),
        KeyCode::Delete => "Del".to_string(),
        KeyCode::Insert => "Ins".to_string(),
        KeyCode::F(n) => format!("F{n}"),
        other => format!("{other:?}"),
    }
}

/// The modifiers a key's name spells out, before the key itself (an
/// upper-case letter and S-Tab say SHIFT themselves).
fn modifier_prefix((code, modifiers): Key, [ctrl, alt, shift]: [&str; 3]) -> String {
    let implied = matches!(code, KeyCode::Char(_) | KeyCode::BackTab);
    [(KeyModifiers::CONTROL, ctrl), (KeyModifiers::ALT, alt), (KeyModifiers::SHIFT, shift)]
        .into_iter()
        .filter(|(m, _)| modifiers.contains(*m) && !(*m == KeyModifiers::SHIFT && implied))
        .map(|(_, text)| text)
        .collect()
}

/// A key as the bar and help show it: "r", "C-r", "M-x", "PgDn".
pub fn key_name(key: Key) -> String {
    modifier_prefix(key, ["C-", "M-", "S-"]) + &base_name(key.0)
}

/// A key as the config file spells it: "r", "ctrl-c", "pgdn".
pub fn config_name(key: Key) -> String {
    let base = match key.0 {
        KeyCode::Char(' ') => "space".to_string(),
        KeyCode::Char(c) => c.to_string(),
        KeyCode::F(n) => format!("f{n}"),
        other => match NAMED.iter().find(|(_, c)| *c == other) {
            Some((n, _)) => n.to_string(),
            None => base_name(other).to_lowercase(),
        },
    };
    modifier_prefix(key, ["ctrl-", "alt-", "shift-"]) + &base
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_defaults_have_no_conflict_and_every_action_a_key() {
        let map = Keymap::default();
        assert_eq!(map.conflict(), None);
        for action in Action::ALL {
            assert!(!map.key_for(action).is_empty(), "{action:?} has no key");
            assert_eq!(Action::from_name(action.name()), Some(action));
        }
    }

    #[test]
    fn keys_parse_and_print_back_as_written() {
        for text in [
            "r",
            "R",
            "ctrl-r",
            "alt-x",
            "shift-tab",
            "backtab",
            "pgdn",
            "f1",
            "f12",
            "space",
            "esc",
            "?",
            "ctrl-alt-d",
        ] {
            let key = parse_key(text).expect(text);
            assert_eq!(parse_key(&config_name(key)), Ok(key), "{text}");
        }
        assert_eq!(parse_key("shift-a"), parse_key("A"));
        assert_eq!(parse_key("shift-tab"), parse_key("backtab"));
        assert_eq!(key_name(parse_key("ctrl-r").expect("key")), "C-r");
        for bad in ["", "ctrl-", "hyper-x", "f13", "enterr", "ab"] {
            assert!(parse_key(bad).is_err(), "{bad:?} parsed");
        }
    }

    #[test]
    fn a_rebound_action_loses_its_old_keys_and_conflicts_are_found() {
        let ctrl_r = parse_key("ctrl-r").expect("key");
        let map = Keymap::with(&[(Action::Release, vec![parse_key("r").expect("key"), ctrl_r])]);
        assert_eq!(map.keys_for(Action::Release), "r/C-r");
        let map = Keymap::with(&[(Action::Release, vec![ctrl_r])]);
        assert_eq!(map.key_for(Action::Release), "C-r");
        assert!(map.actions_for(KeyEvent::new(KeyCode::Char('r'), KeyModifiers::NONE)).is_empty());
        // x removes a program member on the Programs tab: release there too is ambiguous.
        let x = parse_key("x").expect("key");
        let conflict = Keymap::with(&[(Action::Release, vec![x])]).conflict().expect("conflict");
        assert_eq!(conflict.to_string(), "key \"x\" is bound to both remove_member and release");
        // …but invite lives on the Members tab only: no conflict with release.
        assert_eq!(Keymap::with(&[(Action::Invite, vec![parse_key("r").expect("key")])]).conflict(), None);
    }
}
