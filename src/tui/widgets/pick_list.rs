//! A filter field over a short scrolling list, shared by the dialogs that
//! pick people (add members, invite). The list itself is fetched by
//! `update` (in SQL, one page) whenever the filter changes.

use crate::tui::field::TextField;
use crossterm::event::{KeyCode, KeyEvent};

/// Items one fetch brings; the next page comes when the selection
/// reaches the last one.
pub const PICK_PAGE: u64 = 200;

pub struct PickList<T> {
    pub filter: TextField,
    pub items: Vec<T>,
    pub selected: usize,
    pub top: usize,
    rows: usize,
    /// The last fetch was a full page: more may follow.
    pub more: bool,
}

/// What a key did to the list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PickKey {
    /// Moved the selection.
    Moved,
    /// Changed the filter: fetch the items again.
    Filtered,
    /// Moved onto the last item fetched, and more may follow: fetch the next page.
    AtEnd,
    /// Not the list's key.
    Ignored,
}

impl<T> PickList<T> {
    pub fn new(items: Vec<T>, rows: usize) -> Self {
        let more = items.len() as u64 >= PICK_PAGE;
        Self { filter: TextField::new("Filter", ""), items, selected: 0, top: 0, rows: rows.max(1), more }
    }

    pub fn rows(&self) -> usize {
        self.rows
    }

    pub fn selected_item(&self) -> Option<&T> {
        self.items.get(self.selected)
    }

    pub fn set_items(&mut self, items: Vec<T>) {
        self.more = items.len() as u64 >= PICK_PAGE;
        self.items = items;
        self.selected = self.selected.min(self.items.len().saturating_sub(1));
        self.top = self.top.min(self.selected);
    }

    /// The next page, after the items already fetched.
    pub fn append_items(&mut self, items: Vec<T>) {
        self.more = items.len() as u64 >= PICK_PAGE;
        self.items.extend(items);
    }

    /// The rows to draw, with their indexes.
    pub fn visible(&self) -> impl Iterator<Item = (usize, &T)> {
        self.items.iter().enumerate().skip(self.top).take(self.rows)
    }

    /// ↑/↓ move; other keys edit the filter.
    pub fn handle_key(&mut self, key: KeyEvent) -> PickKey {
        match key.code {
            KeyCode::Up => {
                self.selected = self.selected.saturating_sub(1);
                self.top = self.top.min(self.selected);
                PickKey::Moved
            }
            KeyCode::Down => {
                self.selected = (self.selected + 1).min(self.items.len().saturating_sub(1));
                if self.selected >= self.top + self.rows {
                    self.top = self.selected + 1 - self.rows;
                }
                if self.more && self.selected + 1 >= self.items.len() {
                    PickKey::AtEnd
                } else {
                    PickKey::Moved
                }
            }
            _ if self.filter.handle(key) => {
                self.selected = 0;
                self.top = 0;
                PickKey::Filtered
            }
            _ => PickKey::Ignored,
        }
    }
}
