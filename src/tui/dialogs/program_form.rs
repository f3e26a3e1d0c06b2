//! Create a program (name, description) or edit one (prefilled).

use super::{Outcome, Request};
use crate::desk::validate;
use crate::tui::field::TextField;
use crate::tui::theme::Theme;
use crate::tui::widgets::dialog_box::{cycle, footer, open_box, row};
use crossterm::event::{KeyCode, KeyEvent};
use ratatui::Frame;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FormMode {
    Create { workspace: String },
    Edit { app_id: String },
}

pub struct ProgramForm {
    pub mode: FormMode,
    pub name: TextField,
    pub description: TextField,
    pub focus: usize,
    pub error: Option<String>,
    /// Enter was pressed on invalid input: now even an empty name is shown as a problem.
    pub attempted: bool,
}

impl ProgramForm {
    pub fn create(workspace: &str) -> Self {
        Self {
            mode: FormMode::Create { workspace: workspace.to_string() },
            name: TextField::new("Name", ""),
            description: TextField::new("Description", ""),
            focus: 0,
            error: None,
            attempted: false,
        }
    }

    pub fn edit(app_id: &str, name: &str, description: &str) -> Self {
        Self {
            mode: FormMode::Edit { app_id: app_id.to_string() },
            name: TextField::new("Name", name),
            description: TextField::new("Description", description),
            focus: 0,
            error: None,
            attempted: false,
        }
    }

    /// What is wrong with the input, if anything.
    pub fn problem(&self) -> Option<String> {
        validate::name("name", self.name.value()).and_then(|_| validate::description(self.description.value())).err()
    }

    pub fn handle_key(&mut self, key: KeyEvent) -> Outcome {
        match key.code {
            KeyCode::Esc => Outcome::Close,
            KeyCode::Tab | KeyCode::Down => {
                self.focus = cycle(self.focus, 2, true);
                Outcome::Nothing
            }
            KeyCode::BackTab | KeyCode::Up => {
                self.focus = cycle(self.focus, 2, false);
                Outcome::Nothing
            }
            KeyCode::Enter if self.problem().is_none() => {
                let name = self.name.value().to_string();
                let description = self.description.value().to_string();
                Outcome::Request(match &self.mode {
                    FormMode::Create { workspace } => {
                        Request::CreateProgram { workspace: workspace.clone(), name, description }
                    }
                    FormMode::Edit { app_id } => Request::EditProgram { app_id: app_id.clone(), name, description },
                })
            }
            KeyCode::Enter => {
                self.attempted = true;
                Outcome::Nothing
            }
            _ => {
                let field = if self.focus == 0 { &mut self.name } else { &mut self.description };
                if field.handle(key) {
                    self.error = None;
                }
                Outcome::Nothing
            }
        }
    }

    pub fn render(&self, frame: &mut Frame<'_>, area: ratatui::layout::Rect, theme: &Theme) {
        let title = match &self.mode {
            FormMode::Create { workspace } => format!("New mini program in {workspace}"),
            FormMode::Edit { .. } => "Edit mini program".to_string(),
        };
        let inner = open_box(frame, area, 64, 8 + 2, &title, theme);
        for (i, field) in [&self.name, &self.description].into_iter().enumerate() {
            if let Some(area) = row(inner, i as u16 * 2) {
                field.render(frame, area, self.focus == i, theme);
            }
        }
        // An empty name is not yet an error: only once confirming was tried.
        let untouched = self.name.value().is_empty() && !self.attempted;
        let problem = self.error.clone().or_else(|| self.problem().filter(|_| !untouched));
        let confirm = if matches!(self.mode, FormMode::Create { .. }) { "Create" } else { "Save" };
        footer(frame, inner, problem.as_deref(), confirm, self.problem().is_none(), theme);
    }
}

super::dialog_layer!(ProgramForm);
