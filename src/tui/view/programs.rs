//! The program list of the current workspace: name, status (glyph and
//! word), the actor's role. Only the visible window is built.

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
    let list = &app.programs;
    let total = if list.exact { list.total.to_string() } else { format!("{}+", list.total.saturating_sub(1)) };
    let position = if list.total == 0 { String::new() } else { format!(" {}/{total}", list.selected + 1) };
    let mut title = vec![Span::styled(format!(" Programs{position} "), theme.title())];
    title.extend(filter_span(app, Pane::Programs, app.program_filter.value()));
    let block = pane_block(app, Pane::Programs, Line::from(title));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if list.total == 0 {
        let text = if app.program_filter.value().is_empty() {
            "No mini programs you can view here."
        } else {
            "No program matches the filter."
        };
        frame.render_widget(Paragraph::new(Span::styled(text, theme.label())), inner);
        return;
    }
    let focused = app.focus == Pane::Programs;
    // The name comes first: the status word and the role show only where
    // they leave the name room (the glyph always says the status).
    let with_status = inner.width >= 40;
    let with_role = inner.width >= 52;
    let mut widths = vec![Constraint::Length(1), Constraint::Fill(1)];
    if with_status {
        widths.push(Constraint::Length(8));
    }
    if with_role {
        widths.push(Constraint::Length(9));
    }
    let fits = column_widths(inner.width, &widths, 1);
    let rows: Vec<GridRow<'_>> = list
        .visible(inner.height)
        .map(|(index, p)| {
            let style = if index == list.selected { theme.selected(focused) } else { Default::default() };
            let mut cells = vec![
                Line::from(Span::styled(p.status.glyph(), theme.status(p.status))),
                Line::from(fit(&sanitize::line(&p.name), fits[1]).into_owned()),
            ];
            if with_status {
                cells.push(Line::from(Span::styled(p.status.title(), theme.status(p.status))));
            }
            if with_role {
                cells.push(Line::from(p.my_role.title()));
            }
            GridRow::new(cells).style(style)
        })
        .collect();
    frame.render_widget(Grid::new(&fits, 1, rows), inner);
}
