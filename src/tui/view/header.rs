//! The header: product, workspace, acting user and role, tabs, badges.

use crate::sanitize;
use crate::tui::app::{App, Tab};
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;
use unicode_width::UnicodeWidthStr;

/// What gives way first on a narrow terminal: the product name, then the
/// workspace name (cut with "…"); the tabs and the badges always show.
pub fn render(app: &App, frame: &mut Frame<'_>, area: Rect) {
    frame.render_widget(Paragraph::new(Line::from(line(app, area.width))), area);
}

/// The tab whose title is drawn at `column` (for a mouse click).
pub fn tab_at(app: &App, width: u16, column: u16) -> Option<Tab> {
    let mut x = 0usize;
    for span in line(app, width) {
        let w = span.width();
        if (x..x + w).contains(&(column as usize)) {
            let title = span.content.trim();
            return Tab::ALL
                .iter()
                .enumerate()
                .find(|(i, t)| title == format!("{} {}", i + 1, t.title()))
                .map(|(_, t)| *t);
        }
        x += w;
    }
    None
}

fn line(app: &App, width: u16) -> Vec<Span<'static>> {
    let room = width as usize;
    let width = |spans: &[Span<'_>]| spans.iter().map(|s| s.width()).sum::<usize>();
    let mut line = spans(app, true, usize::MAX);
    if width(&line) > room {
        line = spans(app, false, usize::MAX);
    }
    if width(&line) > room {
        let name = app.who.workspace.as_ref().map(|w| sanitize::line(&w.name).width()).unwrap_or(0);
        let keep = name.saturating_sub(width(&line) - room).max(1);
        line = spans(app, false, keep);
    }
    line
}

fn spans(app: &App, with_name: bool, workspace_width: usize) -> Vec<Span<'static>> {
    let theme = &app.theme;
    let mut spans = if with_name { vec![Span::styled(" mpdesk ", theme.title())] } else { vec![Span::raw(" ")] };
    if let Some(ws) = &app.who.workspace {
        if with_name {
            spans.push(Span::raw("│ "));
        }
        let name = sanitize::line(&ws.name);
        spans.push(Span::styled(crate::tui::text::fit(&name, workspace_width).into_owned(), theme.label()));
        spans.push(Span::raw(" │ "));
        let who = app.who.actor.as_ref().map(|a| a.login.clone()).unwrap_or_default();
        // Blocked (the desk's notice, which every tab shows too): the role
        // holds nothing until unblocked, and says so.
        let standing = if app.who.blocked.is_some() { ", blocked" } else { "" };
        spans.push(Span::raw(format!("{} ({}{standing}) ", sanitize::line(&who), ws.role.title())));
    }
    spans.push(Span::raw("│"));
    for (i, tab) in Tab::ALL.iter().enumerate() {
        let style = if *tab == app.view.tab { theme.selected(true) } else { theme.label() };
        let text =
            if with_name { format!(" {} {} ", i + 1, tab.title()) } else { format!("{} {} ", i + 1, tab.title()) };
        spans.push(Span::styled(text, style));
    }
    if app.options.demo {
        spans.push(Span::raw(" "));
        spans.push(Span::styled(" DEMO ", theme.badge()));
    }
    if app.options.read_only {
        spans.push(Span::raw(" "));
        spans.push(Span::styled(" READ-ONLY ", theme.badge()));
    }
    // Their own access ends within 7 days: said where they always look.
    let ends = app.who.access_ends.as_deref();
    if crate::domain::expiry::is_soon(ends, app.sync.now) {
        let left = crate::domain::expiry::left(ends, app.sync.now);
        spans.push(Span::raw(" "));
        spans.push(Span::styled(format!(" your access ends {left} "), theme.error()));
    }
    spans
}
