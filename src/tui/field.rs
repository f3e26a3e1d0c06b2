//! A labelled one-line text field on tui-input, drawn with its cursor.

use super::theme::Theme;
use crate::sanitize;
use crossterm::event::{Event, KeyEvent};
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;
use tui_input::backend::crossterm::EventHandler;
use tui_input::Input;

/// The most characters any field takes: far past every limit the domain
/// sets (names 64, descriptions 500), and a paste or a stuck key cannot
/// make each keypress cost more and more.
pub const MAX_TYPED: usize = 2_000;

/// Feeds a key to an input unless it would grow past [`MAX_TYPED`];
/// true if the text changed.
pub fn feed(input: &mut Input, key: KeyEvent) -> bool {
    let grows = matches!(key.code, crossterm::event::KeyCode::Char(_));
    if grows && input.value().chars().count() >= MAX_TYPED {
        return false;
    }
    input.handle_event(&Event::Key(key)).is_some_and(|change| change.value)
}

#[derive(Debug, Clone, Default)]
pub struct TextField {
    pub label: &'static str,
    pub input: Input,
}

impl TextField {
    pub fn new(label: &'static str, value: &str) -> Self {
        Self { label, input: Input::new(value.to_string()) }
    }

    pub fn value(&self) -> &str {
        self.input.value()
    }

    /// Feeds a key to the field; true if the text changed.
    pub fn handle(&mut self, key: KeyEvent) -> bool {
        feed(&mut self.input, key)
    }

    /// One row: "Label  value", the cursor placed when focused.
    pub fn render(&self, frame: &mut Frame<'_>, area: Rect, focused: bool, theme: &Theme) {
        if area.width < 4 || area.height == 0 {
            return;
        }
        let label_width = 14u16.min(area.width / 2);
        let width = area.width.saturating_sub(label_width + 1) as usize;
        let scroll = self.input.visual_scroll(width.max(1));
        let shown: String = sanitize::line(self.input.value()).chars().skip(scroll).take(width).collect();
        let marker = if focused { "▸" } else { " " };
        let line = Line::from(vec![
            Span::styled(
                format!("{marker}{:<w$}", self.label, w = label_width.saturating_sub(1) as usize),
                theme.label(),
            ),
            Span::raw(" "),
            Span::styled(shown, theme.selected(false)),
        ]);
        frame.render_widget(Paragraph::new(line), area);
        if focused {
            let cursor = (self.input.visual_cursor().saturating_sub(scroll)) as u16;
            frame.set_cursor_position((area.x + label_width + 1 + cursor.min(width as u16), area.y));
        }
    }
}
