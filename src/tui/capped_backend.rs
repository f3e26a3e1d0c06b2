//! The terminal as ratatui sees it: never larger than [`layout::MAX_WIDTH`]
//! × [`layout::MAX_HEIGHT`], whatever size the client says its window is
//! (beyond it, a few rows that say so).
//! Every console on a server runs as the one service account, and ratatui
//! keeps buffers of width × height cells: a client's window size must not
//! decide how much memory and time its session costs the server.

use super::layout;
use ratatui::backend::{Backend, ClearType, WindowSize};
use ratatui::buffer::Cell;
use ratatui::layout::{Position, Size};

pub struct CappedBackend<B> {
    inner: B,
}

impl<B> CappedBackend<B> {
    pub fn new(inner: B) -> Self {
        Self { inner }
    }
}

impl<B: Backend> CappedBackend<B> {
    /// The window as the terminal reports it, before the cap.
    pub fn window(&self) -> Result<(u16, u16), B::Error> {
        let size = self.inner.size()?;
        Ok((size.width, size.height))
    }
}

impl<B: Backend> Backend for CappedBackend<B> {
    type Error = B::Error;

    fn draw<'a, I>(&mut self, content: I) -> Result<(), Self::Error>
    where
        I: Iterator<Item = (u16, u16, &'a Cell)>,
    {
        self.inner.draw(content)
    }

    fn hide_cursor(&mut self) -> Result<(), Self::Error> {
        self.inner.hide_cursor()
    }

    fn show_cursor(&mut self) -> Result<(), Self::Error> {
        self.inner.show_cursor()
    }

    fn get_cursor_position(&mut self) -> Result<Position, Self::Error> {
        self.inner.get_cursor_position()
    }

    fn set_cursor_position<P: Into<Position>>(&mut self, position: P) -> Result<(), Self::Error> {
        self.inner.set_cursor_position(position)
    }

    fn clear(&mut self) -> Result<(), Self::Error> {
        self.inner.clear()
    }

    fn clear_region(&mut self, clear_type: ClearType) -> Result<(), Self::Error> {
        self.inner.clear_region(clear_type)
    }

    fn size(&self) -> Result<Size, Self::Error> {
        let size = self.inner.size()?;
        let (width, height) = layout::capped((size.width, size.height));
        Ok(Size { width, height })
    }

    fn window_size(&mut self) -> Result<WindowSize, Self::Error> {
        let window = self.inner.window_size()?;
        let (width, height) = layout::capped((window.columns_rows.width, window.columns_rows.height));
        Ok(WindowSize { columns_rows: Size { width, height }, pixels: window.pixels })
    }

    fn flush(&mut self) -> Result<(), Self::Error> {
        self.inner.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::backend::TestBackend;
    use ratatui::Terminal;

    #[test]
    fn a_huge_window_costs_no_more_than_the_largest_drawn() {
        let mut terminal = Terminal::new(CappedBackend::new(TestBackend::new(u16::MAX, 3))).expect("terminal");
        let frame = terminal.draw(|_| {}).expect("draw");
        assert!(frame.area.area() <= 1_000, "{:?}", frame.area);
        let mut terminal = Terminal::new(CappedBackend::new(TestBackend::new(layout::MAX_WIDTH, layout::MAX_HEIGHT)))
            .expect("terminal");
        let frame = terminal.draw(|_| {}).expect("draw");
        assert_eq!((frame.area.width, frame.area.height), (layout::MAX_WIDTH, layout::MAX_HEIGHT));
    }
}
