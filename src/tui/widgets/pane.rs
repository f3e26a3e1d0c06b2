//! A pane's border and title, its filter indicator, and a scrolling pane
//! of wrapped lines with "↑ more" / "↓ more" on its border.

use crate::sanitize;
use crate::tui::theme::Theme;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Wrap};
use ratatui::Frame;

/// Rows `lines` take when wrapped at `width` columns.
pub fn wrapped_rows(lines: &[Line<'_>], width: u16) -> u16 {
    let width = width.max(1) as usize;
    lines.iter().map(|l| l.width().max(1).div_ceil(width)).sum::<usize>().min(u16::MAX as usize) as u16
}

/// How far a pane of `area` can scroll through `rows` rows.
pub fn max_scroll(rows: u16, area: Rect) -> u16 {
    rows.saturating_sub(area.height.saturating_sub(2))
}

/// A scrolling pane: lines wrapped inside `block`, scrolled by `scroll`
/// (kept within the content), with "↑ more" / "↓ more (j/k)" on the
/// border where there is more to see.
pub fn scrolled(frame: &mut Frame<'_>, area: Rect, block: Block<'_>, lines: Vec<Line<'_>>, scroll: u16, theme: &Theme) {
    scrolled_by(frame, area, (block, lines), scroll, "j/k", theme);
}

/// The same, saying which keys scroll it ("↑/↓" where j and k are typed).
pub fn scrolled_by(
    frame: &mut Frame<'_>,
    area: Rect,
    (block, lines): (Block<'_>, Vec<Line<'_>>),
    scroll: u16,
    keys: &str,
    theme: &Theme,
) {
    let rows = wrapped_rows(&lines, area.width.saturating_sub(2));
    let max = max_scroll(rows, area);
    let scroll = scroll.min(max);
    let mut block = block;
    if scroll > 0 {
        block = block.title_top(Line::from(Span::styled(" ↑ more ", theme.label())).right_aligned());
    }
    if scroll < max {
        block =
            block.title_bottom(Line::from(Span::styled(format!(" ↓ more ({keys}) "), theme.label())).right_aligned());
    }
    frame.render_widget(Paragraph::new(lines).block(block).wrap(Wrap { trim: false }).scroll((scroll, 0)), area);
}

/// A pane's border, highlighted when focused, with a title.
pub fn pane_block<'a>(theme: &Theme, focused: bool, title: Line<'a>) -> Block<'a> {
    Block::bordered().title(title).border_style(theme.border(focused))
}

/// A filter indicator for a pane title: " /text▏" while typing.
pub fn filter_span<'a>(theme: &Theme, editing: bool, text: &str) -> Option<Span<'a>> {
    if text.is_empty() && !editing {
        return None;
    }
    let cursor = if editing { "▏" } else { "" };
    Some(Span::styled(format!(" /{}{cursor} ", sanitize::line(text)), theme.label()))
}

/// Where a list would be for a person blocked in the workspace: who
/// blocked them and since when, and that `what` stays hidden till then.
pub fn hidden_while_blocked(notice: &str, what: &str) -> String {
    format!("{}. {what} here are hidden until you are unblocked.", crate::tui::text::capitalized(notice))
}

/// "2026-11-27T21:33:00Z" → "2026-11-27 21:33".
/// Sanitized (it is data), then cut to the minute.
pub fn short_time(at: &str) -> String {
    let at = sanitize::line(at);
    at.get(..16).map(|t| t.replace('T', " ")).unwrap_or_else(|| at.into_owned())
}

/// When a member's access ends, as a list shows it: "in 3d" or "Jan 31",
/// red within 7 days; "—" for never.
pub fn expires_cell(end: &Option<String>, now: time::OffsetDateTime, theme: &Theme) -> Line<'static> {
    use crate::domain::expiry::{is_soon, left};
    let text = left(end.as_deref(), now);
    if text.is_empty() {
        return Line::from("—");
    }
    let style = if is_soon(end.as_deref(), now) { theme.error() } else { Default::default() };
    Line::from(Span::styled(sanitize::line(&text).into_owned(), style))
}

/// What the expiry dialog says of whom it is about.
pub fn expiry_about(login: &str, role: &str, end: &Option<String>, now: time::OffsetDateTime) -> String {
    let now_ends = match end {
        Some(end) => format!("access ends {} ({end})", crate::domain::expiry::left(Some(end), now)),
        None => "access never ends".to_string(),
    };
    format!("{} ({role}): {now_ends}", sanitize::line(login))
}
