//! Everyone who reaches the selected program: explicit members and the
//! workspace's Owner and Masters, with role, source, added by/at.

use super::grid::{Grid, GridRow};
use super::{filter_span, pane_block};
use crate::sanitize;
use crate::tui::app::{App, Pane};
use crate::tui::text::{column_widths, fit};
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

pub fn render(app: &App, frame: &mut Frame<'_>, area: Rect) {
    let theme = &app.theme;
    let list = &app.members;
    let count = if list.exact { list.total.to_string() } else { format!("{}+", list.total.saturating_sub(1)) };
    let mut title = vec![Span::styled(format!(" Members ({count}) "), theme.title())];
    title.extend(filter_span(app, Pane::Members, app.member_filter.value()));
    let block = pane_block(app, Pane::Members, Line::from(title));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if app.selection.is_none() {
        return;
    }
    if list.total == 0 {
        frame.render_widget(Paragraph::new(Span::styled("No member matches the filter.", theme.label())), inner);
        return;
    }
    let focused = app.focus == Pane::Members;
    // "Added by/at" only where it fits beside the rest.
    let wide = inner.width >= 66;
    let titles: &[&str] =
        if wide { &["Login", "Name", "Role", "Source", "Added"] } else { &["Login", "Name", "Role", "Source"] };
    let header = GridRow::new(titles.iter().copied()).style(theme.label());
    let mut widths = vec![Constraint::Fill(2), Constraint::Fill(3), Constraint::Length(9), Constraint::Fill(3)];
    if wide {
        widths.push(Constraint::Length(17));
    }
    let fits = column_widths(inner.width, &widths, 1);
    let rows: Vec<GridRow<'_>> = list
        .visible(inner.height.saturating_sub(1))
        .map(|(index, m)| {
            let style = if index == list.selected { theme.selected(focused) } else { Default::default() };
            let added = match (&m.added_by, &m.added_at) {
                (Some(by), Some(at)) => {
                    format!("{} {}", sanitize::line(by), super::details::short_time(at).get(..10).unwrap_or_default())
                }
                _ => "—".to_string(),
            };
            let texts = [
                sanitize::line(&m.login).into_owned(),
                sanitize::line(&m.name).into_owned(),
                m.role.title().to_string(),
                if m.disabled { "disabled".to_string() } else { m.source.title().to_string() },
                added,
            ];
            let cells: Vec<Line<'_>> =
                texts.iter().zip(&fits).map(|(text, width)| Line::from(fit(text, *width).into_owned())).collect();
            GridRow::new(cells).style(style)
        })
        .collect();
    frame.render_widget(Grid::new(&fits, 1, rows).header(header), inner);
}
