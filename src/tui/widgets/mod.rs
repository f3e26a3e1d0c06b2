//! Pieces every screen shares, which know no screen: tables drawn on
//! arithmetic column widths ([`grid`]), scrolling panes with their borders
//! and filter indicators ([`pane`]), what a list does with keys
//! ([`list_keys`]), a dialog's box and footer ([`dialog_box`]) and a
//! filterable pick list ([`pick_list`]).

pub mod dialog_box;
pub mod grid;
pub mod list_keys;
pub mod pane;
pub mod pick_list;
