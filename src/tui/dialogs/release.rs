//! Release: pick a version, the latest by default; an older one is a rollback.

use super::{Outcome, Request};
use crate::desk::{Version, VersionState};
use crate::sanitize;
use crate::tui::theme::Theme;
use crate::tui::widgets::dialog_box::{footer, open_box, row};
use crossterm::event::{KeyCode, KeyEvent};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

pub struct Release {
    pub app_id: String,
    pub program: String,
    pub versions: Vec<Version>,
    pub selected: usize,
    pub error: Option<String>,
}

const ROWS: usize = 8;

impl Release {
    pub fn new(app_id: &str, program: &str, versions: Vec<Version>) -> Self {
        Self { app_id: app_id.to_string(), program: program.to_string(), versions, selected: 0, error: None }
    }

    fn problem(&self) -> Option<String> {
        match self.versions.get(self.selected) {
            None => Some("no versions uploaded yet".to_string()),
            Some(v) if v.state == VersionState::Live => Some(format!("{} is already live", v.version)),
            Some(_) => None,
        }
    }

    pub fn handle_key(&mut self, key: KeyEvent) -> Outcome {
        match key.code {
            KeyCode::Esc => Outcome::Close,
            KeyCode::Up | KeyCode::Char('k') => {
                self.selected = self.selected.saturating_sub(1);
                self.error = None;
                Outcome::Nothing
            }
            KeyCode::Down | KeyCode::Char('j') => {
                self.selected = (self.selected + 1).min(self.versions.len().saturating_sub(1));
                self.error = None;
                Outcome::Nothing
            }
            KeyCode::Enter if self.problem().is_none() => match self.versions.get(self.selected) {
                Some(v) => {
                    Outcome::Request(Request::Release { app_id: self.app_id.clone(), version: v.version.clone() })
                }
                None => Outcome::Nothing,
            },
            _ => Outcome::Nothing,
        }
    }

    pub fn render(&self, frame: &mut Frame<'_>, area: ratatui::layout::Rect, theme: &Theme) {
        let inner = open_box(frame, area, 64, 14 + 2, &format!("Release {}", self.program), theme);
        if let Some(area) = row(inner, 0) {
            let text = "Pick the version to make live (an older one rolls back):";
            frame.render_widget(Paragraph::new(Span::styled(text, theme.label())), area);
        }
        let top = self.selected.saturating_sub(ROWS - 1);
        for (i, v) in self.versions.iter().enumerate().skip(top).take(ROWS) {
            let Some(area) = row(inner, 2 + (i - top) as u16) else {
                continue;
            };
            let tag = match (i, v.state) {
                (_, VersionState::Live) => "live now",
                (0, _) => "latest",
                _ => "rollback",
            };
            let notes = sanitize::line(v.notes.lines().next().unwrap_or("")).into_owned();
            let style = if i == self.selected { theme.selected(true) } else { Default::default() };
            let line =
                Line::from(format!(" {} {:<10} {notes}", crate::tui::text::pad(&sanitize::line(&v.version), 14), tag))
                    .style(style);
            frame.render_widget(Paragraph::new(line), area);
        }
        let problem = self.error.clone().or_else(|| self.problem());
        footer(frame, inner, problem.as_deref(), "Release", self.problem().is_none(), theme);
    }
}

super::dialog_layer!(Release);
