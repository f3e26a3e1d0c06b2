//! The acting user's open invitations: accept or decline each.

use super::{Outcome, Request};
use crate::desk::Invitation;
use crate::sanitize;
use crate::tui::component::Context;
use crate::tui::theme::Theme;
use crate::tui::widgets::dialog_box::{open_box, row};
use crossterm::event::{KeyCode, KeyEvent};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;
use time::OffsetDateTime;

pub struct InvitationList {
    pub invitations: Vec<Invitation>,
    pub selected: usize,
    pub now: OffsetDateTime,
    pub error: Option<String>,
}

impl InvitationList {
    pub fn new(invitations: Vec<Invitation>, now: OffsetDateTime) -> Self {
        Self { invitations, selected: 0, now, error: None }
    }

    /// This person's pending invitations, as of the desk's clock.
    pub fn open(ctx: &Context<'_>) -> Self {
        Self::new(ctx.who.invitations.clone(), ctx.desk.now_time())
    }

    pub fn handle_key(&mut self, key: KeyEvent) -> Outcome {
        let workspace = self.invitations.get(self.selected).map(|i| i.workspace.clone());
        match (key.code, workspace) {
            (KeyCode::Esc, _) => Outcome::Close,
            (KeyCode::Up | KeyCode::Char('k'), _) => {
                self.selected = self.selected.saturating_sub(1);
                Outcome::Nothing
            }
            (KeyCode::Down | KeyCode::Char('j'), _) => {
                self.selected = (self.selected + 1).min(self.invitations.len().saturating_sub(1));
                Outcome::Nothing
            }
            (KeyCode::Enter | KeyCode::Char('a'), Some(workspace)) => Outcome::Request(Request::Accept { workspace }),
            (KeyCode::Char('d'), Some(workspace)) => Outcome::Request(Request::Decline { workspace }),
            _ => Outcome::Nothing,
        }
    }

    pub fn render(&self, frame: &mut Frame<'_>, area: ratatui::layout::Rect, theme: &Theme) {
        let height = (self.invitations.len().min(8) + 6) as u16;
        let inner = open_box(frame, area, 70, height, "You are invited", theme);
        if self.invitations.is_empty() {
            if let Some(area) = row(inner, 0) {
                frame.render_widget(Paragraph::new(Span::styled("No open invitations.", theme.label())), area);
            }
        }
        for (i, inv) in self.invitations.iter().enumerate().take(8) {
            let Some(area) = row(inner, i as u16) else { continue };
            let style = if i == self.selected { theme.selected(true) } else { Default::default() };
            let text = format!(
                " {} as {}{} — invited by {}, {}",
                sanitize::line(&inv.workspace),
                inv.role.title(),
                sanitize::line(&inv.access_brief()),
                sanitize::line(&inv.invited_by),
                inv.countdown(self.now)
            );
            frame.render_widget(Paragraph::new(Line::from(text).style(style)), area);
        }
        if inner.height >= 2 {
            let error_area = ratatui::layout::Rect { y: inner.y + inner.height - 2, height: 1, ..inner };
            if let Some(error) = &self.error {
                frame.render_widget(
                    Paragraph::new(Span::styled(sanitize::line(error).into_owned(), theme.error())),
                    error_area,
                );
            }
            let keys = Line::from(vec![
                Span::styled("[Enter] Accept", theme.hint_key(!self.invitations.is_empty())),
                Span::raw("   "),
                Span::styled("[d] Decline", theme.hint_key(!self.invitations.is_empty())),
                Span::raw("   "),
                Span::styled("[Esc] Later", theme.hint_label(true)),
            ]);
            let keys_area = ratatui::layout::Rect { y: inner.y + inner.height - 1, height: 1, ..inner };
            frame.render_widget(Paragraph::new(keys), keys_area);
        }
    }
}

super::dialog_layer!(InvitationList, {
    /// Your invitations changed (one declined): the list shows what is left.
    fn refresh(&mut self, ctx: &crate::tui::component::Context<'_>) {
        self.invitations = ctx.who.invitations.clone();
        self.selected = 0;
    }
});
