//! Pick one item from a short list: a persona (demo) or a workspace.

use super::{Outcome, Request};
use crate::sanitize;
use crate::tui::component::Context;
use crate::tui::theme::Theme;
use crate::tui::widgets::dialog_box::{footer, open_box, row};
use crossterm::event::{KeyCode, KeyEvent};
use ratatui::text::Line;
use ratatui::widgets::Paragraph;
use ratatui::Frame;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PickerKind {
    Persona,
    Workspace,
}

pub struct Picker {
    pub kind: PickerKind,
    /// (key, label)
    pub items: Vec<(String, String)>,
    /// Index into the items that match the filter.
    pub selected: usize,
    /// Type to narrow the list (login, name or workspace).
    pub filter: String,
    pub error: Option<String>,
}

const ROWS: usize = 10;

impl Picker {
    pub fn new(kind: PickerKind, items: Vec<(String, String)>, current: &str) -> Self {
        let selected = items.iter().position(|(k, _)| k == current).unwrap_or(0);
        Self { kind, items, selected, filter: String::new(), error: None }
    }

    /// The workspace switcher: the workspaces this person belongs to.
    pub fn workspaces(ctx: &Context<'_>) -> Self {
        let items =
            ctx.who.workspaces.iter().map(|w| (w.name.clone(), format!("{} — {}", w.name, w.role.title()))).collect();
        Self::new(PickerKind::Workspace, items, ctx.workspace().unwrap_or_default())
    }

    /// The persona switcher (a demo): every registered user (`None`: they
    /// could not be read; the error is in `ctx`).
    pub fn personas(ctx: &Context<'_>) -> Option<Self> {
        let users = ctx.report(ctx.desk.list_users(ctx.actor(), crate::desk::Page::new(0, 500)))?;
        let items = users.into_iter().map(|u| (u.login.clone(), format!("{} ({})", u.name, u.login))).collect();
        Some(Self::new(PickerKind::Persona, items, &ctx.who.login))
    }

    /// The items whose label contains the filter, case-insensitively.
    pub fn shown(&self) -> Vec<&(String, String)> {
        let filter = self.filter.to_lowercase();
        self.items.iter().filter(|(_, label)| label.to_lowercase().contains(&filter)).collect()
    }

    pub fn handle_key(&mut self, key: KeyEvent) -> Outcome {
        match key.code {
            KeyCode::Esc => Outcome::Close,
            KeyCode::Up => {
                self.selected = self.selected.saturating_sub(1);
                Outcome::Nothing
            }
            KeyCode::Down => {
                self.selected = (self.selected + 1).min(self.shown().len().saturating_sub(1));
                Outcome::Nothing
            }
            KeyCode::Backspace => {
                self.filter.pop();
                self.selected = 0;
                Outcome::Nothing
            }
            KeyCode::Char(c) => {
                if self.filter.chars().count() < crate::tui::field::MAX_TYPED {
                    self.filter.push(c);
                }
                self.selected = 0;
                Outcome::Nothing
            }
            KeyCode::Enter => match self.shown().get(self.selected) {
                Some((key, _)) => Outcome::Request(match self.kind {
                    PickerKind::Persona => Request::SwitchPersona { login: key.clone() },
                    PickerKind::Workspace => Request::SwitchWorkspace { name: key.clone() },
                }),
                None => Outcome::Nothing,
            },
            _ => Outcome::Nothing,
        }
    }

    pub fn render(&self, frame: &mut Frame<'_>, area: ratatui::layout::Rect, theme: &Theme) {
        let title = match self.kind {
            PickerKind::Persona => "Switch persona",
            PickerKind::Workspace => "Switch workspace",
        };
        let title = format!("{title} — type to filter: {}▏", self.filter);
        let inner = open_box(frame, area, 60, (self.items.len().min(ROWS) + 6) as u16, &title, theme);
        let shown = self.shown();
        if shown.is_empty() {
            if let Some(area) = row(inner, 0) {
                frame.render_widget(Paragraph::new(Line::from(" Nothing matches the filter.")), area);
            }
        }
        let top = self.selected.saturating_sub(ROWS - 1);
        for (i, (_, label)) in shown.iter().enumerate().skip(top).take(ROWS) {
            let Some(area) = row(inner, (i - top) as u16) else {
                continue;
            };
            let style = if i == self.selected { theme.selected(true) } else { Default::default() };
            frame.render_widget(Paragraph::new(Line::from(format!(" {}", sanitize::line(label))).style(style)), area);
        }
        footer(frame, inner, self.error.as_deref(), "Switch", !shown.is_empty(), theme);
    }
}

super::dialog_layer!(Picker);
