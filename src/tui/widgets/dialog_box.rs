//! What every dialog draws around its fields: a centered box with a
//! border and title, and a footer with the problem (wrapped whole) and the
//! buttons; rows inside, and moving between fields.

use crate::sanitize;
use crate::tui::layout::centered;
use crate::tui::theme::Theme;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};
use ratatui::Frame;

/// Clears a centered box with a border and title; returns its inside.
/// A dialog's box, centred in `within` (the console's part of the screen:
/// never over the tour's caption).
pub fn open_box(frame: &mut Frame<'_>, within: Rect, width: u16, height: u16, title: &str, theme: &Theme) -> Rect {
    let area = centered(within, width, height);
    frame.render_widget(Clear, area);
    let block = Block::bordered()
        .title(Span::styled(format!(" {} ", sanitize::line(title)), theme.title()))
        .border_style(theme.border(true));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    inner
}

/// The last rows of a dialog: the problem (if any), then the buttons with
/// the confirm button dimmed until the input is valid.
pub fn footer(frame: &mut Frame<'_>, inner: Rect, problem: Option<&str>, confirm: &str, valid: bool, theme: &Theme) {
    if inner.height < 2 {
        return;
    }
    let rows = PROBLEM_ROWS.min(inner.height - 1);
    let error_area = Rect::new(inner.x, inner.y + inner.height - 1 - rows, inner.width, rows);
    let buttons_area = Rect::new(inner.x, inner.y + inner.height - 1, inner.width, 1);
    if let Some(problem) = problem {
        // Wrapped whole: the cause is at the end of the message.
        let text = sanitize::line(problem).into_owned();
        frame.render_widget(Paragraph::new(Span::styled(text, theme.error())).wrap(Wrap { trim: true }), error_area);
    }
    let mark = if valid { "" } else { theme.disabled_mark() };
    let buttons = Line::from(vec![
        Span::styled(format!("[Enter] {mark}{confirm}"), theme.hint_key(valid)),
        Span::raw("   "),
        Span::styled("[Esc] Cancel", theme.hint_label(true)),
    ]);
    frame.render_widget(Paragraph::new(buttons), buttons_area);
}

/// Rows the footer keeps for a problem, wrapped: the longest validation
/// message fits whole in three rows of a dialog at 80 columns.
pub const PROBLEM_ROWS: u16 = 3;

/// Rows a dialog adds to its height for the footer (problem and buttons).
pub const FOOTER_ROWS: u16 = PROBLEM_ROWS + 1;

/// A row inside a dialog's inside area, if it fits.
pub fn row(inner: Rect, index: u16) -> Option<Rect> {
    (index < inner.height.saturating_sub(FOOTER_ROWS)).then(|| Rect::new(inner.x, inner.y + index, inner.width, 1))
}

/// Moves a focus index through `count` fields.
pub fn cycle(focus: usize, count: usize, forward: bool) -> usize {
    if count == 0 {
        return 0;
    }
    if forward {
        (focus + 1) % count
    } else {
        (focus + count - 1) % count
    }
}
