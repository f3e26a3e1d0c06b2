//! Colors and their NO_COLOR variant. With NO_COLOR, states are carried by
//! modifiers and text marks, so a dimmed action still reads as dimmed.

use crate::desk::ProgramStatus;
use ratatui::style::{Color, Modifier, Style};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Theme {
    pub no_color: bool,
}

impl Theme {
    pub fn from_env() -> Self {
        Self { no_color: std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()) }
    }

    fn fg(&self, color: Color) -> Style {
        if self.no_color {
            Style::default()
        } else {
            Style::default().fg(color)
        }
    }

    /// A key in the hint bar.
    pub fn hint_key(&self, enabled: bool) -> Style {
        if enabled {
            self.fg(Color::Yellow).add_modifier(Modifier::BOLD)
        } else {
            self.disabled()
        }
    }

    pub fn hint_label(&self, enabled: bool) -> Style {
        if enabled {
            Style::default()
        } else {
            self.disabled()
        }
    }

    /// Not permitted: gray, dim; without color also crossed out.
    pub fn disabled(&self) -> Style {
        if self.no_color {
            Style::default().add_modifier(Modifier::DIM | Modifier::CROSSED_OUT)
        } else {
            Style::default().fg(Color::DarkGray).add_modifier(Modifier::DIM)
        }
    }

    /// A text mark for disabled actions when there is no color.
    pub fn disabled_mark(&self) -> &'static str {
        if self.no_color {
            "×"
        } else {
            ""
        }
    }

    pub fn border(&self, focused: bool) -> Style {
        if focused {
            self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
        } else {
            self.fg(Color::Gray)
        }
    }

    pub fn selected(&self, focused: bool) -> Style {
        if focused {
            Style::default().add_modifier(Modifier::REVERSED)
        } else {
            Style::default().add_modifier(Modifier::BOLD)
        }
    }

    pub fn title(&self) -> Style {
        self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
    }

    pub fn label(&self) -> Style {
        self.fg(Color::Gray).add_modifier(Modifier::BOLD)
    }

    pub fn error(&self) -> Style {
        self.fg(Color::Red).add_modifier(Modifier::BOLD)
    }

    pub fn ok(&self) -> Style {
        self.fg(Color::Green)
    }

    pub fn status(&self, status: ProgramStatus) -> Style {
        match status {
            ProgramStatus::Released => self.fg(Color::Green),
            ProgramStatus::Draft => self.fg(Color::Yellow),
            ProgramStatus::Offline => self.fg(Color::DarkGray),
        }
    }

    pub fn badge(&self) -> Style {
        if self.no_color {
            Style::default().add_modifier(Modifier::REVERSED | Modifier::BOLD)
        } else {
            Style::default().fg(Color::Black).bg(Color::Magenta).add_modifier(Modifier::BOLD)
        }
    }
}
