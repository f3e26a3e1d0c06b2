//! The console's tables (programs, members, the Members and Audit tabs),
//! drawn the way ratatui's `Table` draws them — a style per row, a line per
//! column — but on the column widths of `text::column_widths`, without a
//! run of the layout solver per table per frame. Rows are one line high,
//! and only the rows given are drawn: the views pass the visible window.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::Widget;

/// One row: a line per column, and a style laid over the whole row.
pub struct GridRow<'a> {
    cells: Vec<Line<'a>>,
    style: Style,
}

impl<'a> GridRow<'a> {
    pub fn new<T: Into<Line<'a>>>(cells: impl IntoIterator<Item = T>) -> Self {
        Self { cells: cells.into_iter().map(Into::into).collect(), style: Style::default() }
    }

    pub fn style(mut self, style: Style) -> Self {
        self.style = style;
        self
    }
}

/// Rows under an optional header, in columns of the given widths with
/// `spacing` blank columns between them.
pub struct Grid<'a> {
    widths: &'a [usize],
    spacing: u16,
    header: Option<GridRow<'a>>,
    rows: Vec<GridRow<'a>>,
}

impl<'a> Grid<'a> {
    pub fn new(widths: &'a [usize], spacing: u16, rows: Vec<GridRow<'a>>) -> Self {
        Self { widths, spacing, header: None, rows }
    }

    pub fn header(mut self, header: GridRow<'a>) -> Self {
        self.header = Some(header);
        self
    }
}

impl Widget for Grid<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        for (row, y) in self.header.iter().chain(&self.rows).zip(area.top()..area.bottom()) {
            let row_area = Rect::new(area.x, y, area.width, 1);
            buf.set_style(row_area, row.style);
            let mut x = area.x;
            for (line, width) in row.cells.iter().zip(self.widths) {
                let width = u16::try_from(*width).unwrap_or(u16::MAX);
                line.render(Rect::new(x, y, width, 1).intersection(row_area), buf);
                x = x.saturating_add(width).saturating_add(self.spacing);
            }
        }
    }
}
