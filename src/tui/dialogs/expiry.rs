//! When a member's access ends: 7, 30 or 90 days from now, until a date,
//! or never (↑ ↓ or j k choose, as in every list; a date is typed, and
//! holds neither j nor k). The desk decides whether it may
//! be set; a date that cannot be read is said inline before Enter.

use super::{Outcome, Request};
use crate::domain::expiry::Expiry;
use crate::sanitize;
use crate::tui::field::TextField;
use crate::tui::request::ExpiryTarget;
use crate::tui::text::fit;
use crate::tui::theme::Theme;
use crate::tui::widgets::dialog_box::{footer, open_box, row};
use crossterm::event::{KeyCode, KeyEvent};
use ratatui::text::Line;
use ratatui::widgets::Paragraph;
use ratatui::Frame;

/// The choices, as shown and as the desk is asked (`None`: the typed date).
pub const CHOICES: [(&str, Option<&str>); 5] = [
    ("7 days from now", Some("7d")),
    ("30 days from now", Some("30d")),
    ("90 days from now", Some("90d")),
    ("until a date", None),
    ("never", Some("never")),
];

/// The choices of "for how long" in the add-members and invite dialogs
/// (← → cycle): no limit first, the default.
pub const DURATIONS: [(&str, Option<&str>); 4] =
    [("no limit", None), ("7 days", Some("7d")), ("30 days", Some("30d")), ("90 days", Some("90d"))];

pub struct SetExpiry {
    pub target: ExpiryTarget,
    /// "dana (Developer), now ends Jan 31" — who, and what is set now.
    pub about: String,
    pub choice: usize,
    pub date: TextField,
    pub error: Option<String>,
}

impl SetExpiry {
    pub fn new(target: ExpiryTarget, about: String) -> Self {
        Self { target, about, choice: 1, date: TextField::new("Date", ""), error: None }
    }

    /// What Enter would ask for, or why not yet.
    fn when(&self) -> Result<String, String> {
        match CHOICES[self.choice].1 {
            Some(when) => Ok(when.to_string()),
            None => {
                let typed = self.date.value().trim();
                if typed.is_empty() {
                    return Err("type a date: 2027-01-31 or 2027-01-31T18:00:00Z".to_string());
                }
                match Expiry::parse(typed) {
                    Ok(Expiry::At(_)) => Ok(typed.to_string()),
                    Ok(_) => {
                        Err("a date here: 2027-01-31 or 2027-01-31T18:00:00Z (the other choices are above)".to_string())
                    }
                    Err(error) => Err(error),
                }
            }
        }
    }

    pub fn handle_key(&mut self, key: KeyEvent) -> Outcome {
        match key.code {
            KeyCode::Esc => Outcome::Close,
            KeyCode::Up | KeyCode::BackTab | KeyCode::Char('k') => {
                self.choice = self.choice.checked_sub(1).unwrap_or(CHOICES.len() - 1);
                self.error = None;
                Outcome::Nothing
            }
            KeyCode::Down | KeyCode::Tab | KeyCode::Char('j') => {
                self.choice = (self.choice + 1) % CHOICES.len();
                self.error = None;
                Outcome::Nothing
            }
            KeyCode::Enter => match self.when() {
                Ok(when) => Outcome::Request(Request::SetExpiry { target: self.target.clone(), when }),
                Err(problem) => {
                    self.error = Some(problem);
                    Outcome::Nothing
                }
            },
            _ if CHOICES[self.choice].1.is_none() => {
                if self.date.handle(key) {
                    self.error = None;
                }
                Outcome::Nothing
            }
            _ => Outcome::Nothing,
        }
    }

    pub fn render(&self, frame: &mut Frame<'_>, area: ratatui::layout::Rect, theme: &Theme) {
        // The about line, a gap, the choices, a gap, the date field, then
        // the footer's rows (its problem and its buttons).
        let height = 1 + 1 + CHOICES.len() as u16 + 1 + 1 + crate::tui::widgets::dialog_box::FOOTER_ROWS + 2;
        let inner = open_box(frame, area, 60, height, "When access ends", theme);
        if let Some(area) = row(inner, 0) {
            let about = format!(" {}", sanitize::line(&self.about));
            frame.render_widget(Paragraph::new(Line::from(fit(&about, area.width as usize).into_owned())), area);
        }
        for (i, (label, _)) in CHOICES.iter().enumerate() {
            let Some(area) = row(inner, 2 + i as u16) else { continue };
            let mark = if i == self.choice { "(•)" } else { "( )" };
            let style = if i == self.choice { theme.selected(true) } else { Default::default() };
            frame.render_widget(Paragraph::new(Line::from(format!(" {mark} {label}")).style(style)), area);
        }
        if let Some(area) = row(inner, 3 + CHOICES.len() as u16) {
            let typing = CHOICES[self.choice].1.is_none();
            self.date.render(frame, area, typing, theme);
        }
        let problem = self.error.clone().or_else(|| match (CHOICES[self.choice].1, self.date.value().is_empty()) {
            (None, false) => self.when().err(),
            _ => None,
        });
        footer(frame, inner, problem.as_deref(), "Set", self.when().is_ok(), theme);
    }
}

super::dialog_layer!(SetExpiry);
