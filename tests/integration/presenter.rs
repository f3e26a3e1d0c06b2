//! What a presenter and a new user meet first: messages that say what
//! happened in the words the rest of mpdesk uses.

use crate::tui_support::{chars, demo_app, press, select_program, status};
use crossterm::event::KeyCode;

#[test]
fn deleting_a_program_says_which_one_by_name() {
    let mut app = demo_app("olivia", (100, 30));
    select_program(&mut app, "Parking Pass");
    press(&mut app, KeyCode::Char('D'));
    chars(&mut app, "Parking Pass");
    press(&mut app, KeyCode::Enter);
    let said = status(&app);
    assert!(said.contains("deleted Parking Pass ("), "{said}");
}

/// The transfer dialog says what undo says: a transfer is not undone.
#[test]
fn the_transfer_dialog_and_undo_agree_that_a_transfer_is_not_undone() {
    let dialog = mpdesk::tui::dialogs::TypeToConfirm::transfer("Acme Mini Apps", "mia");
    let undo_says = mpdesk::domain::undo::not_reversible("workspace_transfer");
    assert!(dialog.warning.to_lowercase().contains(&undo_says.to_lowercase()), "{}", dialog.warning);
    assert!(!dialog.warning.contains("can undo"), "{}", dialog.warning);
}
