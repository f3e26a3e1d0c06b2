//! Your SSH keys: see them with their fingerprints as OpenSSH shows them,
//! add one (paste a .pub line), remove the selected one — after a question
//! (a key removed is a way in closed), or with the reason it may not be
//! removed (over SSH: the key this session uses, or your last one).

use super::{Outcome, Request};
use crate::desk::{Principal, SshKey};
use crate::sanitize;
use crate::tui::component::Context;
use crate::tui::field::TextField;
use crate::tui::text::fit;
use crate::tui::theme::Theme;
use crate::tui::widgets::dialog_box::{footer, open_box, row};
use crossterm::event::{KeyCode, KeyEvent};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

const ROWS: usize = 6;

pub struct KeyList {
    pub keys: Vec<SshKey>,
    /// For each key, why it may not be removed now (as the desk decides).
    pub refusals: Vec<Option<String>>,
    pub selected: usize,
    /// The key whose removal waits for Enter (a pending confirmation).
    pub confirming: Option<usize>,
    /// The paste field has the focus (else the list).
    pub adding: bool,
    pub line: TextField,
    pub error: Option<String>,
}

impl KeyList {
    pub fn new(keys: Vec<(SshKey, Option<String>)>) -> Self {
        let adding = keys.is_empty();
        let (keys, refusals) = keys.into_iter().unzip();
        Self {
            keys,
            refusals,
            selected: 0,
            confirming: None,
            adding,
            line: TextField::new("Paste a public key (.pub line)", ""),
            error: None,
        }
    }

    /// Your keys, each with why it may not be removed now (`None`: they
    /// could not be read; the error is in `ctx`).
    pub fn open(ctx: &Context<'_>) -> Option<Self> {
        let me = Principal::Person(ctx.actor()?.clone());
        let keys = ctx.report(ctx.desk.list_keys(&me, None))?;
        let keys = keys
            .into_iter()
            .map(|key| {
                let refusal = ctx.desk.key_removal_refusal(&me, &key.fingerprint);
                (key, refusal)
            })
            .collect();
        Some(Self::new(keys))
    }

    pub fn handle_key(&mut self, key: KeyEvent) -> Outcome {
        if let Some(index) = self.confirming.take() {
            return match (key.code, self.keys.get(index)) {
                (KeyCode::Enter, Some(key)) => {
                    Outcome::Request(Request::RemoveKey { fingerprint: key.fingerprint.clone() })
                }
                // Anything else keeps the key.
                _ => Outcome::Nothing,
            };
        }
        match key.code {
            KeyCode::Esc => return Outcome::Close,
            KeyCode::Tab | KeyCode::BackTab => {
                self.adding = !self.adding;
                return Outcome::Nothing;
            }
            _ => {}
        }
        if self.adding {
            return match key.code {
                KeyCode::Enter if !self.line.value().trim().is_empty() => {
                    Outcome::Request(Request::AddKey { line: self.line.value().to_string() })
                }
                _ => {
                    if self.line.handle(key) {
                        self.error = None;
                    }
                    Outcome::Nothing
                }
            };
        }
        match key.code {
            KeyCode::Up | KeyCode::Char('k') => self.selected = self.selected.saturating_sub(1),
            KeyCode::Down | KeyCode::Char('j') => {
                self.selected = (self.selected + 1).min(self.keys.len().saturating_sub(1));
            }
            KeyCode::Char('a') => self.adding = true,
            KeyCode::Char('x') | KeyCode::Delete if self.selected < self.keys.len() => {
                match self.refusals.get(self.selected).cloned().flatten() {
                    Some(refusal) => self.error = Some(refusal),
                    None => {
                        self.error = None;
                        self.confirming = Some(self.selected);
                    }
                }
            }
            _ => {}
        }
        Outcome::Nothing
    }

    pub fn render(&self, frame: &mut Frame<'_>, area: ratatui::layout::Rect, theme: &Theme) {
        // The keys, a blank row, the paste field, a blank row, the keys
        // help, then the footer (a problem or a question, and the buttons).
        let height = self.keys.len().clamp(1, ROWS) as u16 + 5 + crate::tui::widgets::dialog_box::FOOTER_ROWS + 2;
        let inner = open_box(frame, area, 90, height, "Your SSH keys", theme);
        let width = inner.width as usize;
        if self.keys.is_empty() {
            if let Some(area) = row(inner, 0) {
                let text = "No keys yet: paste your public key (cat ~/.ssh/id_ed25519.pub) below.";
                frame.render_widget(Paragraph::new(Span::styled(text, theme.label())), area);
            }
        }
        let top = self.selected.saturating_sub(ROWS - 1);
        for (i, key) in self.keys.iter().enumerate().skip(top).take(ROWS) {
            let Some(area) = row(inner, (i - top) as u16) else { continue };
            let focused = !self.adding && i == self.selected;
            let style = if focused { theme.selected(true) } else { Default::default() };
            // When sshd stops accepting it, if it does.
            let ends = match key.expires_at.as_deref() {
                Some(end) => format!("  until {}", sanitize::line(end)),
                None => String::new(),
            };
            let text = format!(
                " {}  {}  {}{ends}",
                sanitize::line(&key.fingerprint),
                sanitize::line(&key.algorithm),
                sanitize::line(&key.comment)
            );
            frame.render_widget(Paragraph::new(Line::from(fit(&text, width).into_owned()).style(style)), area);
        }
        let field_row = self.keys.len().clamp(1, ROWS) as u16 + 1;
        if let Some(area) = row(inner, field_row) {
            self.line.render(frame, area, self.adding, theme);
        }
        if let Some(area) = row(inner, field_row + 2) {
            let keys = "Tab list/paste · Enter adds the pasted key · x removes the selected key · Esc closes";
            frame.render_widget(Paragraph::new(Span::styled(fit(keys, width).into_owned(), theme.label())), area);
        }
        // A pending removal asks where problems are shown: it cannot be missed.
        let question = self.confirming.and_then(|i| self.keys.get(i)).map(|key| {
            format!(
                "Remove the key {}? Whoever holds it can no longer connect. Enter removes it; any other key keeps it.",
                key.fingerprint
            )
        });
        let valid = if self.adding { !self.line.value().trim().is_empty() } else { self.confirming.is_some() };
        let button = match (self.adding, self.confirming) {
            (true, _) => "Add key",
            (false, Some(_)) => "Remove key",
            // Enter removes only once x picked the key: say so, dimmed.
            (false, None) => "Remove key (x first)",
        };
        footer(frame, inner, question.as_deref().or(self.error.as_deref()), button, valid, theme);
    }
}

super::dialog_layer!(KeyList, {
    // A key added or removed: the list stays open on what it now holds.
    fn stays_after_request(&mut self, ctx: &crate::tui::component::Context<'_>) -> bool {
        match KeyList::open(ctx) {
            Some(fresh) => {
                *self = fresh;
                true
            }
            None => false,
        }
    }
});
