//! An irreversible action confirmed by typing a name: deleting a program
//! (its name) or transferring ownership (the workspace's name).

use super::{Outcome, Request};
use crate::sanitize;
use crate::tui::field::TextField;
use crate::tui::theme::Theme;
use crate::tui::widgets::dialog_box::{footer, open_box, row};
use crossterm::event::{KeyCode, KeyEvent};
use ratatui::widgets::{Paragraph, Wrap};
use ratatui::Frame;

pub struct TypeToConfirm {
    pub title: String,
    pub warning: String,
    pub confirm: &'static str,
    pub expected: String,
    /// Another answer that confirms as well (a program's app ID).
    pub also: Option<String>,
    pub typed: TextField,
    pub request: Request,
    pub error: Option<String>,
    /// A new name, not a confirmation: any name but the old one.
    pub new_name: bool,
}

impl TypeToConfirm {
    pub fn delete_program(app_id: &str, name: &str) -> Self {
        Self {
            title: "Delete mini program".to_string(),
            warning: format!(
                "This deletes {} with its members, versions and configuration. It cannot be undone. Type its name (or its app ID) to confirm.",
                sanitize::line(name)
            ),
            confirm: "Delete forever",
            expected: name.to_string(),
            also: Some(app_id.to_string()),
            typed: TextField::new("Name or app ID", ""),
            request: Request::Delete { app_id: app_id.to_string() },
            error: None,
            new_name: false,
        }
    }

    pub fn delete_workspace(workspace: &str) -> Self {
        Self {
            title: "Delete workspace".to_string(),
            warning: format!(
                "This deletes {}, which is empty. {}. Type its name to confirm.",
                sanitize::line(workspace),
                crate::tui::text::capitalized(crate::domain::operation::AuditOp::WorkspaceDelete.not_reversible())
            ),
            confirm: "Delete forever",
            expected: workspace.to_string(),
            also: None,
            typed: TextField::new("Workspace", ""),
            request: Request::DeleteWorkspace { workspace: workspace.to_string() },
            error: None,
            new_name: false,
        }
    }

    pub fn rename_workspace(workspace: &str) -> Self {
        Self {
            title: "Rename workspace".to_string(),
            warning: format!(
                "The new name of {} for everyone in it (z undoes it). 1–64 characters, unique.",
                sanitize::line(workspace)
            ),
            confirm: "Rename",
            expected: workspace.to_string(),
            also: None,
            typed: TextField::new("New name", workspace),
            request: Request::RenameWorkspace { workspace: workspace.to_string(), new_name: String::new() },
            error: None,
            new_name: true,
        }
    }

    pub fn transfer(workspace: &str, login: &str) -> Self {
        Self {
            title: "Transfer ownership".to_string(),
            warning: format!(
                "{} becomes the Owner of {} and you become a Master. {}. Type the workspace's name to confirm.",
                sanitize::line(login),
                sanitize::line(workspace),
                // The words undo refuses it with: one truth.
                crate::tui::text::capitalized(crate::domain::operation::AuditOp::WorkspaceTransfer.not_reversible())
            ),
            confirm: "Transfer",
            expected: workspace.to_string(),
            also: None,
            typed: TextField::new("Workspace", ""),
            request: Request::Transfer { workspace: workspace.to_string(), login: login.to_string() },
            error: None,
            new_name: false,
        }
    }

    fn valid(&self) -> bool {
        let typed = self.typed.value();
        if self.new_name {
            return !typed.trim().is_empty() && typed != self.expected;
        }
        typed == self.expected || self.also.as_deref() == Some(typed)
    }

    pub fn handle_key(&mut self, key: KeyEvent) -> Outcome {
        match key.code {
            KeyCode::Esc => Outcome::Close,
            KeyCode::Enter if self.valid() => Outcome::Request(match &self.request {
                Request::RenameWorkspace { workspace, .. } => {
                    Request::RenameWorkspace { workspace: workspace.clone(), new_name: self.typed.value().to_string() }
                }
                request => request.clone(),
            }),
            KeyCode::Enter => Outcome::Nothing,
            _ => {
                self.typed.handle(key);
                Outcome::Nothing
            }
        }
    }

    pub fn render(&self, frame: &mut Frame<'_>, area: ratatui::layout::Rect, theme: &Theme) {
        // The warning's rows as drawn (at least 3), a gap, the field, then
        // the footer: the box grows with the sentence, never cuts it.
        const WIDTH: u16 = 60;
        let warning_rows = crate::tui::text::wrap_words(&self.warning, (WIDTH - 2) as usize).len().max(3) as u16;
        let height = warning_rows + 2 + crate::tui::widgets::dialog_box::FOOTER_ROWS + 2;
        let inner = open_box(frame, area, WIDTH, height, &self.title, theme);
        if let Some(area) = row(inner, 0) {
            let area = ratatui::layout::Rect { height: warning_rows.min(inner.height.saturating_sub(3)), ..area };
            frame.render_widget(Paragraph::new(self.warning.clone()).wrap(Wrap { trim: true }), area);
        }
        if let Some(area) = row(inner, warning_rows + 1) {
            self.typed.render(frame, area, true, theme);
        }
        let problem = self.error.clone().or_else(|| match (self.valid(), self.new_name) {
            (true, _) => None,
            (false, true) => Some("type a new name".to_string()),
            (false, false) => Some("type the name exactly".to_string()),
        });
        footer(frame, inner, problem.as_deref(), self.confirm, self.valid(), theme);
    }
}

super::dialog_layer!(TypeToConfirm);
