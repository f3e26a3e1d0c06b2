//! `view`: draws the state, reads nothing else. Every string that came
//! from data goes through `sanitize` before it reaches a widget, and only
//! the visible rows of a list are handed to ratatui.

mod audit_tab;
mod details;
mod footer;
mod grid;
pub mod header;
mod help;
mod members;
mod members_tab;
mod programs;
mod roles_tab;
mod tour;
mod welcome;

use super::app::{App, Pane, Screen, Tab};
use super::hints;
use super::layout::{self, MIN_HEIGHT, MIN_WIDTH};
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Wrap};
use ratatui::Frame;
use unicode_width::UnicodeWidthStr;

pub fn render(app: &App, frame: &mut Frame<'_>) {
    let full = frame.area();
    // The tour's panel is docked below the console, never over it.
    let panel = app.tour_rows();
    let area = Rect { height: full.height - panel, ..full };
    if layout::too_small((area.width, area.height)) {
        too_small(app, frame, area);
        return;
    }
    if let Screen::Welcome(welcome) = &app.screen {
        welcome::render(welcome, &app.theme, frame, area);
        return;
    }
    let hints = hints::build(app);
    let areas = layout::main_areas(area);
    header::render(app, frame, areas.header);
    let body = layout::tab_body(area);
    match app.tab {
        Tab::Programs => {
            programs::render(app, frame, areas.programs);
            details::render(app, frame, areas.details);
            members::render(app, frame, areas.members);
        }
        Tab::Members => members_tab::render(app, frame, body),
        Tab::Audit => audit_tab::render(app, frame, body),
        Tab::Roles => roles_tab::render(app, frame, body),
    }
    // A status too long for its row borrows the hint bar's second row when
    // the hints need only one; it never covers a key.
    let hint_rows = footer::hint_lines(&hints, &app.theme, areas.hints.width).len();
    let long = footer::status_width(app) > areas.status.width as usize;
    let (hints_area, status_area) = if long && hint_rows < areas.hints.height as usize {
        let hints_area = Rect { height: areas.hints.height.saturating_sub(1), ..areas.hints };
        let status_area = Rect { y: areas.status.y - 1, height: areas.status.height + 1, ..areas.status };
        (hints_area, status_area)
    } else {
        (areas.hints, areas.status)
    };
    // The last keys pressed go on the tour panel's bottom border, or else
    // at the status line's end — which then gives up that room, so a
    // refusal's reason is cut with "…", never covered.
    let keys = footer::keys_text(app);
    let panel_area = Rect { y: area.bottom(), height: panel, ..full };
    let keys_on_status = keys.is_some() && panel == 0;
    let status_area = match &keys {
        Some(keys) if keys_on_status => {
            Rect { width: status_area.width.saturating_sub(keys.width() as u16), ..status_area }
        }
        _ => status_area,
    };
    footer::render_hints(&hints, &app.theme, frame, hints_area);
    footer::render_status(app, frame, status_area);
    if let Some(tour) = app.tour.as_ref().filter(|_| panel > 0) {
        tour::render(app, tour, frame, panel_area);
    }
    if let Some(keys) = keys {
        let row = if keys_on_status {
            areas.status
        } else {
            Rect { y: panel_area.bottom() - 1, x: 1, height: 1, ..panel_area }
        };
        footer::render_keys(&keys, &app.theme, frame, row, keys_on_status);
    }
    if let Some(dialog) = &app.dialog {
        dialog.render(frame, &app.theme);
    } else if let Some(help) = &app.help {
        let context =
            help::Context { hints: &hints, keymap: &app.keymap, database: app.database.as_deref(), theme: &app.theme };
        help::render(help, context, frame, area);
    }
}

fn too_small(app: &App, frame: &mut Frame<'_>, area: Rect) {
    let text = format!(
        "The terminal is too small ({}×{}); mpdesk needs at least {MIN_WIDTH}×{MIN_HEIGHT}. Enlarge it, or press {} to quit.",
        area.width,
        area.height,
        app.keymap.key_for(super::action::Action::Quit)
    );
    frame.render_widget(Paragraph::new(text).wrap(Wrap { trim: true }), area);
}

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
fn scrolled(
    frame: &mut Frame<'_>,
    area: Rect,
    block: Block<'_>,
    lines: Vec<Line<'_>>,
    scroll: u16,
    theme: &super::theme::Theme,
) {
    let rows = wrapped_rows(&lines, area.width.saturating_sub(2));
    let max = max_scroll(rows, area);
    let scroll = scroll.min(max);
    let mut block = block;
    if scroll > 0 {
        block = block.title_top(Line::from(Span::styled(" ↑ more ", theme.label())).right_aligned());
    }
    if scroll < max {
        block = block.title_bottom(Line::from(Span::styled(" ↓ more (j/k) ", theme.label())).right_aligned());
    }
    frame.render_widget(Paragraph::new(lines).block(block).wrap(Wrap { trim: false }).scroll((scroll, 0)), area);
}

/// How far the Details pane and the Roles tab may scroll now.
pub fn scroll_limits(app: &App) -> (u16, u16) {
    let (width, height) = app.ui_size();
    let size = Rect::new(0, 0, width, height);
    let details = layout::main_areas(size).details;
    let details_rows = details::content(app, details.width.saturating_sub(2) as usize)
        .map(|lines| wrapped_rows(&lines, details.width.saturating_sub(2)))
        .unwrap_or(0);
    let body = layout::tab_body(size);
    let roles_rows = wrapped_rows(&roles_tab::content(app), body.width.saturating_sub(2));
    (max_scroll(details_rows, details), max_scroll(roles_rows, body))
}

/// A pane's border, highlighted when focused, with a title.
fn pane_block<'a>(app: &App, pane: Pane, title: Line<'a>) -> Block<'a> {
    Block::bordered().title(title).border_style(app.theme.border(app.focus == pane))
}

/// A filter indicator for a pane title: " /text▏" while typing.
fn filter_span<'a>(app: &App, pane: Pane, text: &str) -> Option<Span<'a>> {
    let editing = app.editing_filter == Some(pane);
    if text.is_empty() && !editing {
        return None;
    }
    let cursor = if editing { "▏" } else { "" };
    Some(Span::styled(format!(" /{}{cursor} ", crate::sanitize::line(text)), app.theme.label()))
}
