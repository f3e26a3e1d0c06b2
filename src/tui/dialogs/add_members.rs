//! Add members: the new member list with a filter field; Space selects
//! several, each showing the role they get; Enter adds them all at once.

use super::{footer, open_box, row, Outcome, Request};
use crate::desk::Candidate;
use crate::sanitize;
use crate::tui::field::TextField;
use crate::tui::theme::Theme;
use crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;
use std::collections::BTreeSet;

/// How many candidates one filter query fetches.
pub const CANDIDATES_SHOWN: u64 = 200;

pub struct AddMembers {
    pub app_id: String,
    pub program: String,
    pub filter: TextField,
    pub candidates: Vec<Candidate>,
    pub selected: usize,
    pub top: usize,
    pub chosen: BTreeSet<String>,
    pub error: Option<String>,
}

const LIST_ROWS: usize = 8;

impl AddMembers {
    pub fn new(app_id: &str, program: &str, candidates: Vec<Candidate>) -> Self {
        Self {
            app_id: app_id.to_string(),
            program: program.to_string(),
            filter: TextField::new("Filter", ""),
            candidates,
            selected: 0,
            top: 0,
            chosen: BTreeSet::new(),
            error: None,
        }
    }

    pub fn set_candidates(&mut self, candidates: Vec<Candidate>) {
        self.candidates = candidates;
        self.selected = self.selected.min(self.candidates.len().saturating_sub(1));
        self.top = self.top.min(self.selected);
    }

    fn scroll(&mut self) {
        if self.selected < self.top {
            self.top = self.selected;
        } else if self.selected >= self.top + LIST_ROWS {
            self.top = self.selected + 1 - LIST_ROWS;
        }
    }

    pub fn handle_key(&mut self, key: KeyEvent) -> Outcome {
        match key.code {
            KeyCode::Esc => Outcome::Cancel,
            KeyCode::Up => {
                self.selected = self.selected.saturating_sub(1);
                self.scroll();
                Outcome::Stay
            }
            KeyCode::Down => {
                self.selected = (self.selected + 1).min(self.candidates.len().saturating_sub(1));
                self.scroll();
                Outcome::Stay
            }
            KeyCode::Char(' ') => {
                if let Some(c) = self.candidates.get(self.selected) {
                    if !self.chosen.remove(&c.login) {
                        self.chosen.insert(c.login.clone());
                    }
                    self.error = None;
                }
                Outcome::Stay
            }
            KeyCode::Enter if !self.chosen.is_empty() => Outcome::Submit(Request::AddMembers {
                app_id: self.app_id.clone(),
                logins: self.chosen.iter().cloned().collect(),
            }),
            KeyCode::Enter => Outcome::Stay,
            _ => {
                if self.filter.handle(key) {
                    self.selected = 0;
                    self.top = 0;
                    Outcome::Refilter
                } else {
                    Outcome::Stay
                }
            }
        }
    }

    pub fn render(&self, frame: &mut Frame<'_>, theme: &Theme) {
        let inner = open_box(frame, 64, 16, &format!("Add members to {}", self.program), theme);
        if let Some(area) = row(inner, 0) {
            self.filter.render(frame, area, true, theme);
        }
        if let Some(area) = row(inner, 1) {
            let help = "↑↓ move · Space select · Enter add · Esc cancel";
            frame.render_widget(Paragraph::new(Span::styled(help, theme.label())), area);
        }
        let list = Rect::new(inner.x, inner.y + 2, inner.width, (LIST_ROWS as u16).min(inner.height.saturating_sub(4)));
        if self.candidates.is_empty() {
            let text = if self.filter.value().is_empty() {
                "Everyone in the workspace can already reach this program."
            } else {
                "No workspace developer matches the filter."
            };
            frame.render_widget(Paragraph::new(Span::styled(text, theme.label())), list);
        }
        for (i, c) in self.candidates.iter().enumerate().skip(self.top).take(list.height as usize) {
            let mark = if self.chosen.contains(&c.login) { "[x]" } else { "[ ]" };
            let style = if i == self.selected { theme.selected(true) } else { Default::default() };
            let line = Line::from(vec![Span::raw(format!(
                "{mark} {:<16} {:<24} → {}",
                sanitize::line(&c.login),
                sanitize::line(&c.name),
                c.role.title()
            ))])
            .style(style);
            let area = Rect::new(list.x, list.y + (i - self.top) as u16, list.width, 1);
            frame.render_widget(Paragraph::new(line), area);
        }
        let problem = self
            .error
            .clone()
            .or_else(|| self.chosen.is_empty().then(|| "select at least one person with Space".to_string()));
        let confirm = format!("Add {}", self.chosen.len());
        footer(frame, inner, problem.as_deref(), &confirm, !self.chosen.is_empty(), theme);
    }
}
