//! Configure: the server domain whitelist (mark entries to remove, type one
//! to add), client ID and merchant ID.

use super::{ConfigChangeRequest, Outcome, Request};
use crate::desk::{validate, ProgramConfig};
use crate::sanitize;
use crate::tui::field::TextField;
use crate::tui::theme::Theme;
use crate::tui::widgets::dialog_box::{cycle, footer, open_box, row};
use crossterm::event::{KeyCode, KeyEvent};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

const DOMAIN_ROWS: usize = 4;

pub struct Configure {
    pub app_id: String,
    pub domains: Vec<(String, bool)>,
    pub selected: usize,
    pub new_domain: TextField,
    pub client_id: TextField,
    pub merchant_id: TextField,
    original: ProgramConfig,
    /// 0 the whitelist, 1 new domain, 2 client ID, 3 merchant ID.
    pub focus: usize,
    pub error: Option<String>,
}

impl Configure {
    pub fn new(app_id: &str, config: &ProgramConfig) -> Self {
        Self {
            app_id: app_id.to_string(),
            domains: config.domains.iter().map(|d| (d.clone(), false)).collect(),
            selected: 0,
            new_domain: TextField::new("Add domain", ""),
            client_id: TextField::new("Client ID", config.client_id.as_deref().unwrap_or("")),
            merchant_id: TextField::new("Merchant ID", config.merchant_id.as_deref().unwrap_or("")),
            original: config.clone(),
            focus: if config.domains.is_empty() { 1 } else { 0 },
            error: None,
        }
    }

    pub fn change(&self) -> ConfigChangeRequest {
        let changed = |field: &TextField, old: &Option<String>| {
            (field.value() != old.as_deref().unwrap_or("")).then(|| field.value().to_string())
        };
        ConfigChangeRequest {
            add_domains: Some(self.new_domain.value().trim().to_string())
                .filter(|d| !d.is_empty())
                .into_iter()
                .collect(),
            remove_domains: self.domains.iter().filter(|(_, removed)| *removed).map(|(d, _)| d.clone()).collect(),
            client_id: changed(&self.client_id, &self.original.client_id),
            merchant_id: changed(&self.merchant_id, &self.original.merchant_id),
        }
    }

    pub fn problem(&self) -> Option<String> {
        let new = self.new_domain.value().trim();
        if !new.is_empty() {
            if let Err(e) = validate::origin(new) {
                return Some(e);
            }
        }
        for (field, label) in [(&self.client_id, "client ID"), (&self.merchant_id, "merchant ID")] {
            if !field.value().is_empty() {
                if let Err(e) = validate::config_id(label, field.value()) {
                    return Some(e);
                }
            }
        }
        (self.change() == ConfigChangeRequest::default()).then(|| "nothing changed yet".to_string())
    }

    pub fn handle_key(&mut self, key: KeyEvent) -> Outcome {
        match key.code {
            KeyCode::Esc => Outcome::Close,
            KeyCode::Tab => {
                self.focus = cycle(self.focus, 4, true);
                Outcome::Nothing
            }
            KeyCode::BackTab => {
                self.focus = cycle(self.focus, 4, false);
                Outcome::Nothing
            }
            KeyCode::Enter if self.problem().is_none() => {
                Outcome::Request(Request::Configure { app_id: self.app_id.clone(), change: self.change() })
            }
            KeyCode::Enter => Outcome::Nothing,
            KeyCode::Up if self.focus == 0 => {
                self.selected = self.selected.saturating_sub(1);
                Outcome::Nothing
            }
            KeyCode::Down if self.focus == 0 => {
                self.selected = (self.selected + 1).min(self.domains.len().saturating_sub(1));
                Outcome::Nothing
            }
            KeyCode::Char(' ') | KeyCode::Delete | KeyCode::Char('d') if self.focus == 0 => {
                if let Some((_, removed)) = self.domains.get_mut(self.selected) {
                    *removed = !*removed;
                }
                Outcome::Nothing
            }
            _ => {
                let field = match self.focus {
                    1 => &mut self.new_domain,
                    2 => &mut self.client_id,
                    3 => &mut self.merchant_id,
                    _ => return Outcome::Nothing,
                };
                if field.handle(key) {
                    self.error = None;
                }
                Outcome::Nothing
            }
        }
    }

    pub fn render(&self, frame: &mut Frame<'_>, area: ratatui::layout::Rect, theme: &Theme) {
        let inner = open_box(frame, area, 66, 15 + 2, "Configure mini program", theme);
        let heading = if self.focus == 0 { "▸Domains (Space marks for removal)" } else { " Domains" };
        if let Some(area) = row(inner, 0) {
            frame.render_widget(Paragraph::new(Span::styled(heading, theme.label())), area);
        }
        if self.domains.is_empty() {
            if let Some(area) = row(inner, 1) {
                frame.render_widget(Paragraph::new("   (none)"), area);
            }
        }
        let top = self.selected.saturating_sub(DOMAIN_ROWS - 1);
        for (i, (domain, removed)) in self.domains.iter().enumerate().skip(top).take(DOMAIN_ROWS) {
            let Some(area) = row(inner, 1 + (i - top) as u16) else {
                continue;
            };
            let mark = if *removed { "− remove" } else { "" };
            let mut style = if *removed { theme.disabled() } else { Default::default() };
            if self.focus == 0 && i == self.selected {
                style = style.patch(theme.selected(true));
            }
            let line = Line::from(Span::styled(format!("   {} {mark}", sanitize::line(domain)), style));
            frame.render_widget(Paragraph::new(line), area);
        }
        let fields = [&self.new_domain, &self.client_id, &self.merchant_id];
        for (i, field) in fields.into_iter().enumerate() {
            if let Some(area) = row(inner, 6 + i as u16 * 2) {
                field.render(frame, area, self.focus == i + 1, theme);
            }
        }
        let problem = self.error.clone().or_else(|| self.problem());
        footer(frame, inner, problem.as_deref(), "Save", self.problem().is_none(), theme);
    }
}

super::dialog_layer!(Configure);
