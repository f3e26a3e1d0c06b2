//! The Members tab: the workspace's members and pending invitations, with
//! role, status, since, and a countdown for invitations.

use super::grid::{Grid, GridRow};
use crate::desk::{countdown_text, MemberStatus};
use crate::sanitize;
use crate::tui::app::App;
use crate::tui::text::{column_widths, fit};
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Block;
use ratatui::Frame;

pub fn render(app: &App, frame: &mut Frame<'_>, area: Rect) {
    let theme = &app.theme;
    let list = &app.ws_members;
    let workspace = app.workspace.as_ref().map(|w| sanitize::line(&w.name).into_owned()).unwrap_or_default();
    let title = Line::from(Span::styled(format!(" Members of {workspace} ({}) ", list.total), theme.title()));
    let block = Block::bordered().title(title).border_style(theme.border(true));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let header = GridRow::new(["Login", "Name", "Role", "Status", "Since", "Invitation"]).style(theme.label());
    let widths = [
        Constraint::Fill(2),
        Constraint::Fill(3),
        Constraint::Length(9),
        Constraint::Length(8),
        Constraint::Length(10),
        Constraint::Length(17),
    ];
    let fits = column_widths(inner.width, &widths, 1);
    let rows: Vec<GridRow<'_>> = list
        .visible(inner.height.saturating_sub(1))
        .map(|(index, m)| {
            let style = if index == list.selected { theme.selected(true) } else { Default::default() };
            let invitation = match (&m.expires_at, m.status) {
                (Some(expires), MemberStatus::Invited) => countdown_text(expires, app.now),
                _ => String::new(),
            };
            // A person the operator disabled can do nothing, whatever
            // their membership says.
            let (status, status_style) = match m.status {
                _ if m.disabled => ("disabled", theme.error()),
                MemberStatus::Active => (m.status.as_str(), theme.ok()),
                MemberStatus::Blocked => (m.status.as_str(), theme.error()),
                MemberStatus::Invited => (m.status.as_str(), theme.label()),
            };
            GridRow::new(vec![
                Line::from(fit(&sanitize::line(&m.login), fits[0]).into_owned()),
                Line::from(fit(&sanitize::line(&m.name), fits[1]).into_owned()),
                Line::from(m.role.title()),
                Line::from(Span::styled(status, status_style)),
                Line::from(sanitize::line(m.since.get(..10).unwrap_or(&m.since)).into_owned()),
                Line::from(invitation),
            ])
            .style(style)
        })
        .collect();
    frame.render_widget(Grid::new(&fits, 1, rows).header(header), inner);
}
