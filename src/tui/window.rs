//! A list too long to hold: the total count, the selection, the first
//! visible row, and one page of rows fetched from the store around them.
//! Moving costs nothing until the view leaves the page; then one page is
//! fetched, whatever the list's length.

/// Rows fetched at a time; far more than a screen shows.
pub const PAGE: u64 = 200;

#[derive(Debug, Clone)]
pub struct ListWindow<T> {
    /// Rows in the list; a lower bound while `exact` is false.
    pub total: u64,
    pub exact: bool,
    pub selected: u64,
    pub top: u64,
    /// Index of `rows[0]` in the whole list.
    pub offset: u64,
    pub rows: Vec<T>,
}

impl<T> Default for ListWindow<T> {
    fn default() -> Self {
        Self { total: 0, exact: true, selected: 0, top: 0, offset: 0, rows: Vec::new() }
    }
}

impl<T> ListWindow<T> {
    pub fn selected_row(&self) -> Option<&T> {
        self.row(self.selected)
    }

    pub fn row(&self, index: u64) -> Option<&T> {
        index.checked_sub(self.offset).and_then(|i| self.rows.get(i as usize))
    }

    /// Rows from `top`, at most `height`, with their indexes.
    pub fn visible(&self, height: u16) -> impl Iterator<Item = (u64, &T)> {
        (self.top..self.top.saturating_add(height as u64)).filter_map(move |i| self.row(i).map(|r| (i, r)))
    }

    pub fn select(&mut self, index: u64) {
        self.selected = if self.total == 0 { 0 } else { index.min(self.total - 1) };
    }

    pub fn move_by(&mut self, delta: i64) {
        let target = if delta < 0 {
            self.selected.saturating_sub(delta.unsigned_abs())
        } else {
            self.selected.saturating_add(delta as u64)
        };
        self.select(target);
    }

    /// Keeps the selection inside the `height` rows from `top`.
    pub fn scroll_to_selection(&mut self, height: u16) {
        let height = (height as u64).max(1);
        if self.selected < self.top {
            self.top = self.selected;
        } else if self.selected >= self.top + height {
            self.top = self.selected + 1 - height;
        }
        let max_top = self.total.saturating_sub(height);
        self.top = self.top.min(max_top);
    }

    /// Where to fetch a page from, if the visible rows are not all loaded.
    pub fn page_needed(&self, height: u16) -> Option<u64> {
        let end = (self.top + height as u64).min(self.total);
        let loaded_end = self.offset + self.rows.len() as u64;
        if self.total == 0 || (self.top >= self.offset && end <= loaded_end) {
            return None;
        }
        Some(self.top.saturating_sub(PAGE / 4))
    }

    pub fn fill(&mut self, offset: u64, rows: Vec<T>) {
        self.offset = offset;
        self.rows = rows;
    }

    /// Takes a page fetched with one row more than `PAGE` at `offset`: the
    /// extra row only says that more follow, so the total stays a lower
    /// bound until a page comes back short (or someone counts).
    pub fn fill_probed(&mut self, offset: u64, mut rows: Vec<T>) {
        let more = rows.len() as u64 > PAGE;
        rows.truncate(PAGE as usize);
        let end = offset + rows.len() as u64;
        if more {
            self.total = self.total.max(end + 1);
        } else {
            self.total = end;
            self.exact = true;
        }
        self.fill(offset, rows);
        self.select(self.selected);
    }

    /// Whether the view nears the end of a list whose length is not known yet.
    pub fn near_unknown_end(&self, height: u16) -> bool {
        !self.exact && self.top + 2 * height as u64 >= self.total
    }

    /// A new total (after a refresh or a filter), keeping the selection in bounds.
    pub fn reset(&mut self, total: u64) {
        self.exact = true;
        self.total = total;
        self.select(self.selected);
        self.rows.clear();
        self.offset = 0;
        self.top = self.top.min(self.selected);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn selection_stays_in_bounds_and_pages_are_fetched_only_when_needed() {
        let mut w: ListWindow<u64> = ListWindow::default();
        w.reset(10_000);
        assert_eq!(w.page_needed(20), Some(0));
        w.fill(0, (0..PAGE).collect());
        w.move_by(15);
        w.scroll_to_selection(20);
        assert_eq!(w.page_needed(20), None);
        w.move_by(-100);
        assert_eq!(w.selected, 0);
        w.select(9_999);
        w.scroll_to_selection(20);
        assert_eq!(w.top, 9_980);
        let offset = w.page_needed(20).expect("page needed");
        w.fill(offset, (offset..(offset + PAGE).min(10_000)).collect());
        assert_eq!(w.selected_row(), Some(&9_999));
        assert_eq!(w.visible(20).count(), 20);
        w.move_by(5);
        assert_eq!(w.selected, 9_999);
    }
}
