//! Delete: irreversible, so the program's name must be typed to confirm.

use super::{footer, open_box, row, Outcome, Request};
use crate::sanitize;
use crate::tui::field::TextField;
use crate::tui::theme::Theme;
use crossterm::event::{KeyCode, KeyEvent};
use ratatui::widgets::{Paragraph, Wrap};
use ratatui::Frame;

pub struct DeleteProgram {
    pub app_id: String,
    pub name: String,
    pub typed: TextField,
    pub error: Option<String>,
}

impl DeleteProgram {
    pub fn new(app_id: &str, name: &str) -> Self {
        Self {
            app_id: app_id.to_string(),
            name: name.to_string(),
            typed: TextField::new("Name", ""),
            error: None,
        }
    }

    fn valid(&self) -> bool {
        self.typed.value() == self.name
    }

    pub fn handle_key(&mut self, key: KeyEvent) -> Outcome {
        match key.code {
            KeyCode::Esc => Outcome::Cancel,
            KeyCode::Enter if self.valid() => Outcome::Submit(Request::Delete {
                app_id: self.app_id.clone(),
            }),
            KeyCode::Enter => Outcome::Stay,
            _ => {
                self.typed.handle(key);
                Outcome::Stay
            }
        }
    }

    pub fn render(&self, frame: &mut Frame<'_>, theme: &Theme) {
        let inner = open_box(frame, 60, 9, "Delete mini program", theme);
        let warning = format!(
            "This deletes {} with its members, versions and configuration. It cannot be undone. Type its name to confirm.",
            sanitize::line(&self.name)
        );
        if let Some(area) = row(inner, 0) {
            let area = ratatui::layout::Rect {
                height: 3.min(inner.height.saturating_sub(3)),
                ..area
            };
            frame.render_widget(Paragraph::new(warning).wrap(Wrap { trim: true }), area);
        }
        if let Some(area) = row(inner, 4) {
            self.typed.render(frame, area, true, theme);
        }
        let problem = self
            .error
            .clone()
            .or_else(|| (!self.valid()).then(|| "type the name exactly".to_string()));
        footer(
            frame,
            inner,
            problem.as_deref(),
            "Delete forever",
            self.valid(),
            theme,
        );
    }
}
