//! The one list of action hints, built per frame from what the
//! console-wide actions ([`super::globals`]) and the showing tab's screens
//! offer — each decision the desk's (capabilities, member operations,
//! undo). The key-hint bar, the help overlay and the key handler all read
//! this list; nothing else in the console decides whether an action is
//! allowed.
//!
//! Not applicable here → not in the list. Not permitted → in the list
//! with the `Denial` that explains it (drawn dimmed).

use super::action::Action;
use super::app::App;
pub use super::component::Hint;
use super::component::{Offer, Offerer};

/// The hints for this frame, in `Action::ALL` order.
pub fn build(app: &App) -> Vec<Hint> {
    let mut offers: Vec<(Offerer, Offer)> =
        super::globals::offers(app).into_iter().map(|offer| (Offerer::Console, offer)).collect();
    if app.main_screen() {
        app.screens.offers(app.view.tab, app.view.focus, &app.context(), &mut offers);
    }
    Action::ALL
        .iter()
        .filter_map(|&action| {
            let (by, (_, decision)) = offers.iter().find(|(_, (offered, _))| *offered == action)?;
            Some(Hint { action, key: app.keymap.key_for(action), denial: decision.clone().err(), by: *by })
        })
        .collect()
}
