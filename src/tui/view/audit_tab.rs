//! The Audit tab: the entries the actor may read, newest first, paged by
//! id from the store; filter as you type.

use super::details::short_time;
use super::filter_span;
use super::grid::{Grid, GridRow};
use crate::sanitize;
use crate::tui::app::{App, Pane};
use crate::tui::text::{column_widths, fit};
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};
use ratatui::Frame;

pub fn render(app: &App, frame: &mut Frame<'_>, area: Rect) {
    let theme = &app.theme;
    let list = &app.audit;
    let count = if list.exact { list.total.to_string() } else { format!("{}+", list.total.saturating_sub(1)) };
    let mut title = vec![Span::styled(format!(" Audit log ({count}) "), theme.title())];
    title.extend(filter_span(app, Pane::Audit, app.audit_filter.value()));
    let mut block = Block::bordered().title(Line::from(title)).border_style(theme.border(true));
    // The selected entry in full: the table cuts long details.
    if let Some((_, entry)) = list.selected_row() {
        let full = format!(
            " {} ({}) {}: {} ",
            sanitize::line(&entry.actor),
            sanitize::line(&entry.via),
            sanitize::line(&entry.operation),
            sanitize::line(&entry.detail)
        );
        block = block.title_bottom(Line::from(Span::styled(full, theme.label())));
    }
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if list.total == 0 {
        let text = if app.audit_filter.value().is_empty() {
            "No entries you may read."
        } else {
            "No entry matches the filter."
        };
        frame.render_widget(Paragraph::new(Span::styled(text, theme.label())), inner);
        return;
    }
    let header = GridRow::new(["At", "Actor", "Program", "Operation", "", "Detail"]).style(theme.label());
    // The operation names are up to 28 columns; the detail takes the rest.
    let widths = [
        Constraint::Length(16),
        Constraint::Fill(2),
        Constraint::Fill(3),
        Constraint::Fill(4),
        Constraint::Length(1),
        Constraint::Fill(6),
    ];
    let fits = column_widths(inner.width, &widths, 1);
    let rows: Vec<GridRow<'_>> = list
        .visible(inner.height.saturating_sub(1))
        .map(|(index, (_, e))| {
            let style = if index == list.selected { theme.selected(true) } else { Default::default() };
            let (mark, mark_style) = if e.outcome == "ok" { ("✓", theme.ok()) } else { ("✗", theme.error()) };
            GridRow::new(vec![
                Line::from(short_time(&e.at)),
                Line::from(fit(&sanitize::line(&e.actor), fits[1]).into_owned()),
                Line::from(fit(&sanitize::line(e.program.as_deref().unwrap_or("—")), fits[2]).into_owned()),
                Line::from(fit(&sanitize::line(&e.operation), fits[3]).into_owned()),
                Line::from(Span::styled(mark, mark_style)),
                Line::from(fit(&sanitize::line(&e.detail), fits[5]).into_owned()),
            ])
            .style(style)
        })
        .collect();
    frame.render_widget(Grid::new(&fits, 1, rows).header(header), inner);
}
