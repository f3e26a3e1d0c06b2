//! The key-hint bar (from the one hint list) and the status line.

use crate::sanitize;
use crate::tui::action::Action;
use crate::tui::app::{App, StatusKind};
use crate::tui::hints::Hint;
use crate::tui::theme::Theme;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};
use ratatui::Frame;
use unicode_width::UnicodeWidthStr;

/// The spans of one hint: key, then label; dimmed (and, without color,
/// marked) when not permitted.
pub fn hint_spans(hint: &Hint, theme: &Theme) -> Vec<Span<'static>> {
    let enabled = hint.enabled();
    let mark = if enabled { "" } else { theme.disabled_mark() };
    vec![
        Span::styled(format!("{mark}{}", hint.key), theme.hint_key(enabled)),
        Span::styled(format!(" {}", hint.action.label()), theme.hint_label(enabled)),
        Span::raw("  "),
    ]
}

/// Packs whole hints into the bar's lines; a hint is never split.
pub fn render_hints(hints: &[Hint], theme: &Theme, frame: &mut Frame<'_>, area: Rect) {
    frame.render_widget(Paragraph::new(fitted_hint_lines(hints, theme, area.width, area.height as usize)), area);
}

/// What the bar never drops for want of room: how to learn the rest, and
/// how to leave.
const ALWAYS: [Action; 2] = [Action::Help, Action::Quit];

/// The bar's lines in `rows` rows: every hint if they fit; else the last
/// ones go, but never help and quit, which then come last.
fn fitted_hint_lines(hints: &[Hint], theme: &Theme, width: u16, rows: usize) -> Vec<Line<'static>> {
    let all: Vec<&Hint> = hints.iter().filter(|h| h.action.in_bar()).collect();
    let lines = lay_out(&all, theme, width);
    if lines.len() <= rows.max(1) {
        return lines;
    }
    let (kept, mut others): (Vec<&Hint>, Vec<&Hint>) = all.into_iter().partition(|h| ALWAYS.contains(&h.action));
    while !others.is_empty() {
        others.pop();
        let shown: Vec<&Hint> = others.iter().chain(kept.iter()).copied().collect();
        let lines = lay_out(&shown, theme, width);
        if lines.len() <= rows.max(1) {
            return lines;
        }
    }
    lay_out(&kept, theme, width)
}

/// The bar's lines at `width` columns, however many it takes.
pub fn hint_lines(hints: &[Hint], theme: &Theme, width: u16) -> Vec<Line<'static>> {
    let all: Vec<&Hint> = hints.iter().filter(|h| h.action.in_bar()).collect();
    lay_out(&all, theme, width)
}

fn lay_out(hints: &[&Hint], theme: &Theme, width: u16) -> Vec<Line<'static>> {
    let width_of_bar = width;
    let mut lines: Vec<Vec<Span<'static>>> = vec![Vec::new()];
    let mut used = 0usize;
    for hint in hints {
        let spans = hint_spans(hint, theme);
        let width: usize = spans.iter().map(|s| s.width()).sum();
        if used + width > width_limit(width_of_bar) && used > 0 {
            lines.push(Vec::new());
            used = 0;
        }
        used += width;
        if let Some(line) = lines.last_mut() {
            line.extend(spans);
        }
    }
    lines.into_iter().map(Line::from).collect()
}

/// A hint's trailing two spaces may hang past the edge.
fn width_limit(bar: u16) -> usize {
    bar as usize + 2
}

/// Columns the status line needs.
pub fn status_width(app: &App) -> usize {
    app.status.as_ref().map(|s| sanitize::line(&s.text).width() + 3).unwrap_or(0)
}

/// Rows the status needs at `width` columns, wrapped at words as it is
/// drawn, at most 3.
pub fn status_rows(app: &App, width: u16) -> u16 {
    let Some(status) = &app.status else { return 1 };
    // " ✓ " before the text.
    let text = format!(" ✓ {}", sanitize::line(&status.text));
    (crate::tui::text::wrap_words(&text, width as usize).len() as u16).clamp(1, 3)
}

/// The status line; cut with "…" to what `area` holds (the whole text is
/// in the log, and a refusal's reason in the help overlay).
pub fn render_status(app: &App, frame: &mut Frame<'_>, area: Rect) {
    let room = (area.width as usize * area.height as usize).saturating_sub(3 + area.height as usize);
    let line = match &app.status {
        Some(status) => {
            let text = crate::tui::text::fit(&sanitize::line(&status.text), room).into_owned();
            match status.kind {
                StatusKind::Error => Line::from(Span::styled(format!(" ✗ {text}"), app.theme.error())),
                StatusKind::Info => Line::from(Span::styled(format!(" ✓ {text}"), app.theme.ok())),
            }
        }
        None => Line::from(Span::styled(
            format!(
                " Press {} for every action and why it is allowed or not.",
                app.keymap.key_for(crate::tui::action::Action::Help)
            ),
            app.theme.label(),
        )),
    };
    frame.render_widget(Paragraph::new(line).wrap(Wrap { trim: true }), area);
}

/// The last keys pressed (`--show-keys`), so an audience sees what was
/// typed: " ⌨ j j x Enter ".
pub fn keys_text(app: &App) -> Option<String> {
    if !app.options.show_keys || app.stage.recent_keys.is_empty() {
        return None;
    }
    let keys: Vec<String> = app.stage.recent_keys.iter().map(|k| sanitize::line(k).into_owned()).collect();
    Some(format!(" ⌨ {} ", keys.join(" ")))
}

/// Draws the keys at the right end of `row` (or its left end).
pub fn render_keys(text: &str, theme: &Theme, frame: &mut Frame<'_>, row: Rect, right: bool) {
    let width = (text.width() as u16).min(row.width);
    let x = if right { row.right().saturating_sub(width) } else { row.x };
    let corner = Rect { x, width, ..row };
    frame.render_widget(ratatui::widgets::Clear, corner);
    frame.render_widget(Paragraph::new(Line::from(Span::styled(text.to_string(), theme.badge()))), corner);
}
