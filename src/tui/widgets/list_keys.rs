//! What every list does with keys: the moves it offers and how far each
//! goes, and a filter typed as you go.

use crate::tui::action::Action;
use crate::tui::component::{Context, Offer, Outcome, Pane};
use crossterm::event::{KeyCode, KeyEvent};
use tui_input::Input;

/// The moves a focused list or pane offers.
pub const MOVES: [Action; 6] =
    [Action::Up, Action::Down, Action::PageUp, Action::PageDown, Action::Top, Action::Bottom];

pub fn offer_moves(offers: &mut Vec<Offer>) {
    offers.extend(MOVES.iter().map(|&a| (a, Ok(()))));
}

/// How far a move goes in a list `page` rows high (Top and Bottom: past
/// either end, which the list clamps).
pub fn delta(action: Action, page: u16) -> Option<i64> {
    Some(match action {
        Action::Up => -1,
        Action::Down => 1,
        Action::PageUp => -(page as i64),
        Action::PageDown => page as i64,
        Action::Top => i64::MIN / 2,
        Action::Bottom => i64::MAX / 2,
        _ => return None,
    })
}

/// What a key typed into a list's filter did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FilterKey {
    /// Nothing the list must look up.
    Done,
    /// The text changed (typed, or cleared with Esc).
    Changed,
    /// Typing ended with a move: the list moves.
    Act(Action),
}

/// What a list does after a key typed into its filter: look the new text
/// up (`pane`'s list), or carry out the move that ended typing.
pub fn filter_outcome(step: FilterKey, pane: Pane, act: impl FnOnce(Action) -> Outcome) -> Outcome {
    match step {
        FilterKey::Changed => Outcome::FilterChanged(pane),
        FilterKey::Act(action) => act(action),
        FilterKey::Done => Outcome::Nothing,
    }
}

/// Enter keeps the filter, Esc clears it, an arrow or page key ends typing
/// and moves; anything else edits the text.
pub fn filter_key(input: &mut Input, editing: &mut bool, key: KeyEvent, ctx: &Context<'_>) -> FilterKey {
    match key.code {
        KeyCode::Enter => {
            *editing = false;
            FilterKey::Done
        }
        KeyCode::Esc => {
            *editing = false;
            if input.value().is_empty() {
                return FilterKey::Done;
            }
            input.reset();
            FilterKey::Changed
        }
        KeyCode::Up | KeyCode::Down | KeyCode::PageUp | KeyCode::PageDown => {
            *editing = false;
            match ctx.keymap.actions_for(key).first() {
                Some(&action) => FilterKey::Act(action),
                None => FilterKey::Done,
            }
        }
        _ if crate::tui::field::feed(input, key) => FilterKey::Changed,
        _ => FilterKey::Done,
    }
}
