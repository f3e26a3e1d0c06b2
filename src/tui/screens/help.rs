//! The help overlay: every action with its keys, and allowed or the
//! reason why not — from the same hint list as the bar — and the
//! database's path. Type to filter.

use crate::sanitize;
use crate::tui::action::Action;
use crate::tui::component::{Component, Context, Outcome};
use crate::tui::layout::centered;
use crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear};
use ratatui::Frame;
use tui_input::Input;

#[derive(Debug, Clone, Default)]
pub struct Help {
    pub filter: Input,
    pub scroll: u16,
}

impl Help {
    pub fn boxed() -> Box<dyn Component> {
        Box::new(Self::default())
    }
}

impl Component for Help {
    fn captures_keys(&self) -> bool {
        true
    }

    /// As in k9s and lazygit: ? and Esc close; q too while nothing is typed.
    fn handle_key(&mut self, key: KeyEvent, ctx: &Context<'_>) -> Outcome {
        let typed = !self.filter.value().is_empty();
        match key.code {
            KeyCode::Esc => return Outcome::Close,
            _ if !typed && (ctx.keymap.is(key, Action::Help) || ctx.keymap.is(key, Action::Quit)) => {
                return Outcome::Close
            }
            KeyCode::Up => self.scroll = self.scroll.saturating_sub(1),
            KeyCode::Down => self.scroll = self.scroll.saturating_add(1),
            KeyCode::PageUp => self.scroll = self.scroll.saturating_sub(10),
            KeyCode::PageDown => self.scroll = self.scroll.saturating_add(10),
            _ => {
                if crate::tui::field::feed(&mut self.filter, key) {
                    self.scroll = 0;
                }
            }
        }
        Outcome::Nothing
    }

    fn draw(&self, frame: &mut Frame<'_>, area: Rect, ctx: &Context<'_>, _focused: bool) {
        render(self, ctx, frame, area);
    }
}

/// Where a reason starts under its action.
const INDENT: usize = 12;

/// Columns of the widest state ("— not here").
const STATE_WIDTH: usize = 10;

fn render(help: &Help, ctx: &Context<'_>, frame: &mut Frame<'_>, area: Rect) {
    let (hints, keymap, database, theme) = (ctx.hints, ctx.keymap, ctx.database, ctx.theme);
    let box_area = centered(area, 96.min(area.width.saturating_sub(2)), area.height.saturating_sub(2));
    frame.render_widget(Clear, box_area);
    let filter = help.filter.value().to_lowercase();
    let title = format!(
        " Help — type to filter: {}▏  Esc or {} closes ",
        sanitize::line(help.filter.value()),
        keymap.key_for(Action::Help)
    );
    let block = Block::bordered().title(Span::styled(title, theme.title())).border_style(theme.border(true));
    let mut lines = Vec::new();
    if let Some(database) = database {
        lines.push(Line::from(vec![
            Span::styled("Database   ", theme.label()),
            Span::raw(sanitize::line(database).into_owned()),
        ]));
    }
    if let Some(file) = ctx.config_file {
        lines.push(Line::from(vec![
            Span::styled("Config     ", theme.label()),
            Span::raw(sanitize::line(&file.path.display().to_string()).into_owned()),
        ]));
        lines.push(Line::from(vec![Span::raw(" ".repeat(11)), Span::styled(file.why(), theme.label())]));
    }
    if database.is_some() || ctx.config_file.is_some() {
        lines.push(Line::default());
    }
    // What applies here first; the rest ("not here") after it.
    let ordered = Action::ALL
        .iter()
        .filter(|a| hints.iter().any(|h| h.action == **a))
        .chain(Action::ALL.iter().filter(|a| !hints.iter().any(|h| h.action == **a)));
    // The description column, once: as wide as the widest description,
    // leaving the state its room.
    let inner = (box_area.width as usize).saturating_sub(2);
    let widest = Action::ALL.iter().map(|a| unicode_width::UnicodeWidthStr::width(a.description())).max();
    let room = inner.saturating_sub(12 + STATE_WIDTH + 1).min(widest.unwrap_or(0)).max(10);
    for &action in ordered {
        let keys = keymap.keys_for(action);
        let hint = hints.iter().find(|h| h.action == action);
        let state = match hint {
            None => "— not here".to_string(),
            Some(h) => h.denial.clone().map(|d| format!("✗ {d}")).unwrap_or_else(|| "✓ allowed".to_string()),
        };
        let haystack = format!("{keys} {} {state}", action.description()).to_lowercase();
        if !filter.is_empty() && !haystack.contains(&filter) {
            continue;
        }
        let enabled = hint.is_some_and(|h| h.enabled());
        let mark = if enabled || hint.is_none() { "" } else { theme.disabled_mark() };
        let state_style = match hint {
            Some(h) if h.enabled() => theme.ok(),
            Some(_) => theme.error(),
            None => theme.label(),
        };
        let shown = enabled || hint.is_none();
        let (short, reason) = match state.split_once(' ') {
            Some(("✗", reason)) => ("✗".to_string(), Some(reason.to_string())),
            _ => (state.clone(), None),
        };
        // The description keeps its column: cut with "…" to leave the
        // state its room and a space before it, never run into it.
        let description = crate::tui::text::fit(action.description(), room);
        lines.push(Line::from(vec![
            Span::styled(format!("{mark}{keys:<11} "), theme.hint_key(shown)),
            Span::styled(format!("{description:<room$} "), theme.hint_label(shown)),
            Span::styled(short, state_style),
        ]));
        if let Some(reason) = reason {
            // Wrapped here, so every row of the reason keeps its indent.
            let room = (box_area.width as usize).saturating_sub(2 + INDENT).max(10);
            for part in crate::tui::text::wrap_words(&sanitize::line(&reason), room) {
                lines.push(Line::from(vec![Span::raw(" ".repeat(INDENT)), Span::styled(part, state_style)]));
            }
        }
    }
    if lines.is_empty() {
        lines.push(Line::from(Span::styled("No action matches the filter.", theme.label())));
    }
    // j and k are typed into the filter here: the arrows scroll.
    crate::tui::widgets::pane::scrolled_by(frame, box_area, (block, lines), help.scroll, "↓/PgDn", theme);
}
