//! Add members: the new member list with a filter field; Space selects
//! several, each showing the role they get; Enter adds them all at once.

use super::DURATIONS;
use super::{Outcome, Request};
use crate::desk::Candidate;
use crate::sanitize;
use crate::tui::component::Context;
use crate::tui::text::pad;
use crate::tui::theme::Theme;
use crate::tui::widgets::dialog_box::{cycle, footer, open_box, row};
use crate::tui::widgets::pick_list::{PickKey, PickList};
use crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;
use std::collections::BTreeSet;

/// How many candidates one filter query fetches.
pub const CANDIDATES_SHOWN: u64 = crate::tui::widgets::pick_list::PICK_PAGE;

pub struct AddMembers {
    pub app_id: String,
    pub program: String,
    pub list: PickList<Candidate>,
    pub chosen: BTreeSet<String>,
    /// For how long (an index into `DURATIONS`; Tab cycles).
    pub duration: usize,
    pub error: Option<String>,
}

impl AddMembers {
    pub fn new(app_id: &str, program: &str, candidates: Vec<Candidate>) -> Self {
        Self {
            app_id: app_id.to_string(),
            program: program.to_string(),
            list: PickList::new(candidates, 8),
            chosen: BTreeSet::new(),
            duration: 0,
            error: None,
        }
    }

    /// The dialog for this program, starting from the first page of its
    /// new member list (`None`: it could not be read; the error is in `ctx`).
    pub fn open(ctx: &Context<'_>, app_id: &str, program: &str) -> Option<Self> {
        let page = crate::desk::Page::new(0, CANDIDATES_SHOWN);
        let candidates = ctx.report(ctx.desk.find_candidates(ctx.actor()?, app_id, None, page))?;
        Some(Self::new(app_id, program, candidates))
    }

    pub fn handle_key(&mut self, key: KeyEvent) -> Outcome {
        match key.code {
            KeyCode::Esc => Outcome::Close,
            KeyCode::Char(' ') => {
                if let Some(c) = self.list.selected_item() {
                    let login = c.login.clone();
                    if !self.chosen.remove(&login) {
                        self.chosen.insert(login);
                    }
                    self.error = None;
                }
                Outcome::Nothing
            }
            KeyCode::Tab | KeyCode::BackTab => {
                self.duration = cycle(self.duration, DURATIONS.len(), key.code == KeyCode::Tab);
                Outcome::Nothing
            }
            KeyCode::Enter if !self.chosen.is_empty() => Outcome::Request(Request::AddMembers {
                app_id: self.app_id.clone(),
                logins: self.chosen.iter().cloned().collect(),
                expires: DURATIONS[self.duration].1.map(str::to_string),
            }),
            KeyCode::Enter => Outcome::Nothing,
            _ => match self.list.handle_key(key) {
                PickKey::Filtered => Outcome::FetchItems { next_page: false },
                PickKey::AtEnd => Outcome::FetchItems { next_page: true },
                PickKey::Moved | PickKey::Ignored => Outcome::Nothing,
            },
        }
    }

    pub fn render(&self, frame: &mut Frame<'_>, area: Rect, theme: &Theme) {
        let inner = open_box(frame, area, 64, 16 + 2, &format!("Add members to {}", self.program), theme);
        if let Some(area) = row(inner, 0) {
            self.list.filter.render(frame, area, true, theme);
        }
        if let Some(area) = row(inner, 1) {
            let help = format!("Space select · Tab for how long: {} · Enter add", DURATIONS[self.duration].0);
            frame.render_widget(Paragraph::new(Span::styled(help, theme.label())), area);
        }
        let list = Rect::new(
            inner.x,
            inner.y + 2,
            inner.width,
            (self.list.rows() as u16)
                .min(inner.height.saturating_sub(2 + crate::tui::widgets::dialog_box::FOOTER_ROWS)),
        );
        if self.list.items.is_empty() {
            let text = if self.list.filter.value().is_empty() {
                "Everyone in the workspace can already reach this program."
            } else {
                "No workspace developer matches the filter."
            };
            frame.render_widget(Paragraph::new(Span::styled(text, theme.label())), list);
        }
        for (i, c) in self.list.visible().take(list.height as usize) {
            let mark = if self.chosen.contains(&c.login) { "[x]" } else { "[ ]" };
            let style = if i == self.list.selected { theme.selected(true) } else { Default::default() };
            let line = Line::from(format!(
                "{mark} {} {} → {}",
                pad(&sanitize::line(&c.login), 16),
                pad(&sanitize::line(&c.name), 24),
                c.role.title()
            ))
            .style(style);
            let area = Rect::new(list.x, list.y + (i - self.list.top) as u16, list.width, 1);
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

super::dialog_layer!(AddMembers, {
    fn fetch_items(&mut self, ctx: &crate::tui::component::Context<'_>, next_page: bool) {
        let Some(actor) = ctx.actor() else { return };
        let text = self.list.filter.value().to_string();
        let page = super::list_page(self.list.items.len(), next_page);
        match ctx.desk.find_candidates(actor, &self.app_id, Some(&text), page) {
            Ok(items) if next_page => self.list.append_items(items),
            Ok(items) => self.list.set_items(items),
            Err(e) => self.error = Some(e.to_string()),
        }
    }
});
