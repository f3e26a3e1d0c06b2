//! Upload code and a version: version (the latest shown as a hint),
//! package path, notes.

use super::{Outcome, Request};
use crate::desk::{validate, SemVer};
use crate::tui::field::TextField;
use crate::tui::theme::Theme;
use crate::tui::widgets::dialog_box::{cycle, footer, open_box, row};
use crossterm::event::{KeyCode, KeyEvent};
use ratatui::text::Span;
use ratatui::widgets::Paragraph;
use ratatui::Frame;

pub struct Upload {
    pub app_id: String,
    pub latest: Option<String>,
    pub version: TextField,
    pub package: TextField,
    pub notes: TextField,
    pub focus: usize,
    pub error: Option<String>,
}

impl Upload {
    /// The version field starts at the next patch of the latest version.
    pub fn new(app_id: &str, latest: Option<String>) -> Self {
        let next = match latest.as_deref().map(SemVer::parse) {
            Some(Ok(latest)) => latest.next_patch().to_string(),
            Some(Err(_)) => String::new(),
            None => "1.0.0".to_string(),
        };
        Self {
            app_id: app_id.to_string(),
            latest,
            version: TextField::new("Version", &next),
            package: TextField::new("Package file", ""),
            notes: TextField::new("Notes", ""),
            focus: 0,
            error: None,
        }
    }

    pub fn problem(&self) -> Option<String> {
        let version = match SemVer::parse(self.version.value()) {
            Ok(v) => v,
            Err(e) => return Some(e),
        };
        if let Some(latest) = self.latest.as_deref().and_then(|l| SemVer::parse(l).ok()) {
            if version <= latest {
                return Some(format!("version must be greater than the latest, {latest}"));
            }
        }
        if self.package.value().trim().is_empty() {
            return Some("package file: give the path of the package to upload".to_string());
        }
        validate::notes(self.notes.value()).err()
    }

    fn field(&mut self) -> &mut TextField {
        match self.focus {
            0 => &mut self.version,
            1 => &mut self.package,
            _ => &mut self.notes,
        }
    }

    pub fn handle_key(&mut self, key: KeyEvent) -> Outcome {
        match key.code {
            KeyCode::Esc => Outcome::Close,
            KeyCode::Tab | KeyCode::Down => {
                self.focus = cycle(self.focus, 3, true);
                Outcome::Nothing
            }
            KeyCode::BackTab | KeyCode::Up => {
                self.focus = cycle(self.focus, 3, false);
                Outcome::Nothing
            }
            KeyCode::Enter if self.problem().is_none() => Outcome::Request(Request::Upload {
                app_id: self.app_id.clone(),
                version: self.version.value().to_string(),
                package: self.package.value().trim().to_string(),
                notes: self.notes.value().to_string(),
            }),
            KeyCode::Enter => Outcome::Nothing,
            _ => {
                if self.field().handle(key) {
                    self.error = None;
                }
                Outcome::Nothing
            }
        }
    }

    pub fn render(&self, frame: &mut Frame<'_>, area: ratatui::layout::Rect, theme: &Theme) {
        let inner = open_box(frame, area, 66, 11 + 2, "Upload code and version", theme);
        let hint = match &self.latest {
            Some(latest) => format!("latest uploaded: {latest}"),
            None => "no versions yet".to_string(),
        };
        if let Some(area) = row(inner, 0) {
            frame.render_widget(Paragraph::new(Span::styled(hint, theme.label())), area);
        }
        for (i, field) in [&self.version, &self.package, &self.notes].into_iter().enumerate() {
            if let Some(area) = row(inner, 2 + i as u16 * 2) {
                field.render(frame, area, self.focus == i, theme);
            }
        }
        let problem = self.error.clone().or_else(|| self.problem());
        footer(frame, inner, problem.as_deref(), "Upload", self.problem().is_none(), theme);
    }
}

super::dialog_layer!(Upload);
