//! The welcome screen: register, create a first workspace, or load the demo.

use crate::sanitize;
use crate::tui::layout::centered;
use crate::tui::theme::Theme;
use crate::tui::welcome::{Welcome, WelcomeFocus};
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Wrap};
use ratatui::Frame;

pub fn render(welcome: &Welcome, theme: &Theme, frame: &mut Frame<'_>, area: Rect) {
    let box_area = centered(area, 76, 16 + welcome.invitations.len() as u16 + if welcome.read_only { 2 } else { 0 });
    let block =
        Block::bordered().title(Span::styled(" Welcome to mpdesk ", theme.title())).border_style(theme.border(true));
    let inner = block.inner(box_area);
    frame.render_widget(block, box_area);
    let login = sanitize::line(&welcome.login).into_owned();
    let intro = if welcome.registered {
        format!("You are {login}, registered but in no workspace yet. Create a first workspace:")
    } else {
        format!("You are {login}, not registered yet. Registering grants nothing by itself; create a first workspace to start:")
    };
    let intro = if welcome.read_only {
        format!("{intro} This is a read-only session: nothing can be registered, created, joined or loaded here; run mpdesk without --readonly to do so.")
    } else {
        intro
    };
    let mut y = inner.y;
    let row = |y: u16, h: u16| Rect::new(inner.x, y, inner.width, h.min(inner.bottom().saturating_sub(y)));
    let intro_rows = if welcome.read_only { 4 } else { 2 };
    frame.render_widget(Paragraph::new(intro).wrap(Wrap { trim: true }), row(y, intro_rows));
    y += intro_rows + 1;
    for (i, invitation) in welcome.invitations.iter().enumerate() {
        let focused = welcome.focus == WelcomeFocus::Invitation(i);
        let style = if focused { theme.selected(true) } else { theme.label() };
        let marker = if focused { "▸" } else { " " };
        let text = format!(
            "{marker}[ Join {} as {} — invited by {} · Enter accepts, d declines ]",
            sanitize::line(&invitation.workspace),
            invitation.role.title(),
            sanitize::line(&invitation.invited_by)
        );
        frame.render_widget(Paragraph::new(Span::styled(text, style)), row(y, 1));
        y += 1;
    }
    if !welcome.invitations.is_empty() {
        y += 1;
    }
    if !welcome.registered {
        welcome.name.render(frame, row(y, 1), welcome.focus == WelcomeFocus::Name, theme);
        y += 2;
    }
    welcome.workspace.render(frame, row(y, 1), welcome.focus == WelcomeFocus::Workspace, theme);
    y += 2;
    if welcome.demo_available {
        let focused = welcome.focus == WelcomeFocus::Demo;
        let style = if focused { theme.selected(true) } else { theme.label() };
        let marker = if focused { "▸" } else { " " };
        let text = format!("{marker}[ Load the demo data and explore as the demo Owner ]");
        frame.render_widget(Paragraph::new(Span::styled(text, style)), row(y, 1));
        y += 2;
    }
    if let Some(error) = &welcome.error {
        let text = Span::styled(sanitize::line(error).into_owned(), theme.error());
        frame.render_widget(Paragraph::new(text).wrap(Wrap { trim: true }), row(y, 2));
    }
    let keys = Line::from(Span::styled("Tab next field · Enter go · Esc quit", theme.label()));
    frame.render_widget(Paragraph::new(keys), Rect::new(inner.x, inner.bottom().saturating_sub(1), inner.width, 1));
}
