//! A yes/no confirmation that carries the request it confirms.

use super::{Outcome, Request};
use crate::sanitize;
use crate::tui::theme::Theme;
use crate::tui::widgets::dialog_box::{footer, open_box};
use crossterm::event::{KeyCode, KeyEvent};
use ratatui::widgets::{Paragraph, Wrap};
use ratatui::Frame;

pub struct Confirm {
    pub title: String,
    pub question: String,
    pub confirm: String,
    pub request: Request,
    pub error: Option<String>,
}

impl Confirm {
    pub fn new(title: &str, question: String, confirm: &str, request: Request) -> Self {
        Self { title: title.to_string(), question, confirm: confirm.to_string(), request, error: None }
    }

    pub fn handle_key(&mut self, key: KeyEvent) -> Outcome {
        match key.code {
            KeyCode::Esc | KeyCode::Char('n') => Outcome::Close,
            KeyCode::Enter | KeyCode::Char('y') => Outcome::Request(self.request.clone()),
            _ => Outcome::Nothing,
        }
    }

    pub fn render(&self, frame: &mut Frame<'_>, area: ratatui::layout::Rect, theme: &Theme) {
        let inner = open_box(frame, area, 56, 8 + 2, &self.title, theme);
        let text = Paragraph::new(sanitize::line(&self.question).into_owned()).wrap(Wrap { trim: true });
        frame.render_widget(
            text,
            ratatui::layout::Rect {
                height: inner.height.saturating_sub(crate::tui::widgets::dialog_box::FOOTER_ROWS),
                ..inner
            },
        );
        footer(frame, inner, self.error.as_deref(), &self.confirm, true, theme);
    }
}

super::dialog_layer!(Confirm);
