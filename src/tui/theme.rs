//! Colours: four built-in themes, per-element overrides from the config
//! file, and the terminal's colour depth. What matters most holds in every
//! theme: an allowed action and a disallowed one differ in more than hue
//! (bold against dim; in `mono` and `high-contrast` also crossed out and
//! marked), so they stay apart for red-green colour blindness and without
//! colour at all. `NO_COLOR` always wins: it gives `mono`.

use crate::desk::ProgramStatus;
use ratatui::style::{Color, Modifier, Style};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ThemeName {
    /// Today's colours, for dark backgrounds.
    Dark,
    /// For light backgrounds.
    Light,
    /// Bright on dark; disabled actions also crossed out and marked.
    HighContrast,
    /// No colour: states by bold, dim, crossed out and marks (what NO_COLOR gives).
    Mono,
}

impl ThemeName {
    pub const ALL: [ThemeName; 4] = [Self::Dark, Self::Light, Self::HighContrast, Self::Mono];

    pub fn name(self) -> &'static str {
        match self {
            Self::Dark => "dark",
            Self::Light => "light",
            Self::HighContrast => "high-contrast",
            Self::Mono => "mono",
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.name() == name)
    }
}

/// The coloured elements, by the names `[theme.colors]` uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Palette {
    pub key: Color,
    pub label: Color,
    pub disabled: Color,
    pub border: Color,
    pub focus: Color,
    pub title: Color,
    pub error: Color,
    pub ok: Color,
    pub released: Color,
    pub draft: Color,
    pub offline: Color,
    pub badge_fg: Color,
    pub badge_bg: Color,
}

impl Palette {
    /// Every element with its name, for the config file.
    pub const NAMES: [&'static str; 13] = [
        "key", "label", "disabled", "border", "focus", "title", "error", "ok", "released", "draft", "offline",
        "badge_fg", "badge_bg",
    ];

    pub fn get_mut(&mut self, name: &str) -> Option<&mut Color> {
        Some(match name {
            "key" => &mut self.key,
            "label" => &mut self.label,
            "disabled" => &mut self.disabled,
            "border" => &mut self.border,
            "focus" => &mut self.focus,
            "title" => &mut self.title,
            "error" => &mut self.error,
            "ok" => &mut self.ok,
            "released" => &mut self.released,
            "draft" => &mut self.draft,
            "offline" => &mut self.offline,
            "badge_fg" => &mut self.badge_fg,
            "badge_bg" => &mut self.badge_bg,
            _ => return None,
        })
    }

    fn colors_mut(&mut self) -> [&mut Color; 13] {
        [
            &mut self.key,
            &mut self.label,
            &mut self.disabled,
            &mut self.border,
            &mut self.focus,
            &mut self.title,
            &mut self.error,
            &mut self.ok,
            &mut self.released,
            &mut self.draft,
            &mut self.offline,
            &mut self.badge_fg,
            &mut self.badge_bg,
        ]
    }

    pub fn builtin(name: ThemeName) -> Self {
        use Color::*;
        match name {
            ThemeName::Dark | ThemeName::Mono => Self {
                key: Yellow,
                label: Gray,
                disabled: DarkGray,
                border: Gray,
                focus: Cyan,
                title: Cyan,
                error: Red,
                ok: Green,
                released: Green,
                draft: Yellow,
                offline: DarkGray,
                badge_fg: Black,
                badge_bg: Magenta,
            },
            // Dark, saturated inks for a white page; yellow would vanish.
            ThemeName::Light => Self {
                key: Rgb(0x00, 0x00, 0xaf),
                label: Rgb(0x3a, 0x3a, 0x3a),
                disabled: Rgb(0xa8, 0xa8, 0xa8),
                border: Rgb(0x6c, 0x6c, 0x6c),
                focus: Rgb(0x00, 0x5f, 0x87),
                title: Rgb(0x00, 0x5f, 0x87),
                error: Rgb(0xaf, 0x00, 0x00),
                ok: Rgb(0x00, 0x5f, 0x00),
                released: Rgb(0x00, 0x5f, 0x00),
                draft: Rgb(0x87, 0x5f, 0x00),
                offline: Rgb(0x80, 0x80, 0x80),
                badge_fg: White,
                badge_bg: Rgb(0x5f, 0x00, 0xaf),
            },
            ThemeName::HighContrast => Self {
                key: LightYellow,
                label: White,
                disabled: DarkGray,
                border: White,
                focus: LightCyan,
                title: LightCyan,
                error: LightRed,
                ok: LightGreen,
                released: LightGreen,
                draft: LightYellow,
                offline: DarkGray,
                badge_fg: Black,
                badge_bg: White,
            },
        }
    }
}

/// How many colours the terminal shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColorDepth {
    TrueColor,
    Indexed256,
    Ansi16,
}

impl ColorDepth {
    /// Truecolor only where `COLORTERM` says so (over SSH it seldom
    /// arrives); 256 where `TERM` says so; 16 otherwise.
    pub fn detect(colorterm: Option<&str>, term: Option<&str>) -> Self {
        if colorterm.is_some_and(|c| matches!(c.to_ascii_lowercase().as_str(), "truecolor" | "24bit")) {
            Self::TrueColor
        } else if term.is_some_and(|t| t.contains("256color") || t.contains("direct")) {
            Self::Indexed256
        } else {
            Self::Ansi16
        }
    }

    pub fn from_env() -> Self {
        Self::detect(std::env::var("COLORTERM").ok().as_deref(), std::env::var("TERM").ok().as_deref())
    }
}

/// A colour's red, green and blue, as xterm shows it.
pub fn rgb(color: Color) -> Option<(u8, u8, u8)> {
    const ANSI: [(u8, u8, u8); 16] = [
        (0, 0, 0),
        (205, 0, 0),
        (0, 205, 0),
        (205, 205, 0),
        (0, 0, 238),
        (205, 0, 205),
        (0, 205, 205),
        (229, 229, 229),
        (127, 127, 127),
        (255, 0, 0),
        (0, 255, 0),
        (255, 255, 0),
        (92, 92, 255),
        (255, 0, 255),
        (0, 255, 255),
        (255, 255, 255),
    ];
    let index = match color {
        Color::Rgb(r, g, b) => return Some((r, g, b)),
        Color::Indexed(i) => i,
        Color::Black => 0,
        Color::Red => 1,
        Color::Green => 2,
        Color::Yellow => 3,
        Color::Blue => 4,
        Color::Magenta => 5,
        Color::Cyan => 6,
        Color::Gray => 7,
        Color::DarkGray => 8,
        Color::LightRed => 9,
        Color::LightGreen => 10,
        Color::LightYellow => 11,
        Color::LightBlue => 12,
        Color::LightMagenta => 13,
        Color::LightCyan => 14,
        Color::White => 15,
        Color::Reset => return None,
    };
    Some(match index {
        0..=15 => ANSI[index as usize],
        16..=231 => {
            let level = |n: u8| if n == 0 { 0 } else { 55 + 40 * n };
            let n = index - 16;
            (level(n / 36), level(n / 6 % 6), level(n % 6))
        }
        _ => {
            let gray = 8 + 10 * (index - 232);
            (gray, gray, gray)
        }
    })
}

fn distance(a: (u8, u8, u8), b: (u8, u8, u8)) -> u32 {
    let d = |x: u8, y: u8| (x as i32 - y as i32).pow(2) as u32;
    // Weighted toward green, as the eye is.
    2 * d(a.0, b.0) + 4 * d(a.1, b.1) + 3 * d(a.2, b.2)
}

const NAMED16: [Color; 16] = [
    Color::Black,
    Color::Red,
    Color::Green,
    Color::Yellow,
    Color::Blue,
    Color::Magenta,
    Color::Cyan,
    Color::Gray,
    Color::DarkGray,
    Color::LightRed,
    Color::LightGreen,
    Color::LightYellow,
    Color::LightBlue,
    Color::LightMagenta,
    Color::LightCyan,
    Color::White,
];

/// The nearest colour the terminal can show.
pub fn degrade(color: Color, depth: ColorDepth) -> Color {
    let Some(target) = rgb(color) else { return color };
    match (depth, color) {
        (ColorDepth::TrueColor, _) => color,
        (ColorDepth::Indexed256, Color::Rgb(..)) => {
            let nearest = (16..=255u8).min_by_key(|i| distance(target, rgb(Color::Indexed(*i)).unwrap_or_default()));
            nearest.map(Color::Indexed).unwrap_or(color)
        }
        (ColorDepth::Indexed256, _) => color,
        (ColorDepth::Ansi16, Color::Rgb(..) | Color::Indexed(16..)) => {
            NAMED16.into_iter().min_by_key(|c| distance(target, rgb(*c).unwrap_or_default())).unwrap_or(color)
        }
        (ColorDepth::Ansi16, _) => color,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Theme {
    pub name: ThemeName,
    palette: Palette,
}

impl Default for Theme {
    fn default() -> Self {
        Self::builtin(ThemeName::Dark)
    }
}

impl Theme {
    pub fn builtin(name: ThemeName) -> Self {
        Self { name, palette: Palette::builtin(name) }
    }

    pub fn mono() -> Self {
        Self::builtin(ThemeName::Mono)
    }

    /// `name` with these colour overrides, shown at `depth`; `NO_COLOR` gives mono.
    pub fn new(name: ThemeName, overrides: &[(String, Color)], depth: ColorDepth, no_color: bool) -> Self {
        if no_color || name == ThemeName::Mono {
            return Self::mono();
        }
        let mut palette = Palette::builtin(name);
        for (element, color) in overrides {
            if let Some(slot) = palette.get_mut(element) {
                *slot = *color;
            }
        }
        for slot in palette.colors_mut() {
            *slot = degrade(*slot, depth);
        }
        Self { name, palette }
    }

    /// Whether `NO_COLOR` asks for no colour.
    pub fn no_color_env() -> bool {
        std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty())
    }

    pub fn palette(&self) -> &Palette {
        &self.palette
    }

    pub fn is_mono(&self) -> bool {
        self.name == ThemeName::Mono
    }

    fn fg(&self, color: Color) -> Style {
        if self.is_mono() {
            Style::default()
        } else {
            Style::default().fg(color)
        }
    }

    /// A key in the hint bar.
    pub fn hint_key(&self, enabled: bool) -> Style {
        if enabled {
            self.fg(self.palette.key).add_modifier(Modifier::BOLD)
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

    /// Not permitted: dim (never bold) in every theme; without colour, and
    /// in high contrast, also crossed out.
    pub fn disabled(&self) -> Style {
        match self.name {
            ThemeName::Mono => Style::default().add_modifier(Modifier::DIM | Modifier::CROSSED_OUT),
            ThemeName::HighContrast => {
                self.fg(self.palette.disabled).add_modifier(Modifier::DIM | Modifier::CROSSED_OUT)
            }
            ThemeName::Dark | ThemeName::Light => self.fg(self.palette.disabled).add_modifier(Modifier::DIM),
        }
    }

    /// A text mark for disabled actions where colour cannot carry it.
    pub fn disabled_mark(&self) -> &'static str {
        match self.name {
            ThemeName::Mono | ThemeName::HighContrast => "×",
            ThemeName::Dark | ThemeName::Light => "",
        }
    }

    pub fn border(&self, focused: bool) -> Style {
        if focused {
            self.fg(self.palette.focus).add_modifier(Modifier::BOLD)
        } else {
            self.fg(self.palette.border)
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
        self.fg(self.palette.title).add_modifier(Modifier::BOLD)
    }

    pub fn label(&self) -> Style {
        self.fg(self.palette.label).add_modifier(Modifier::BOLD)
    }

    pub fn error(&self) -> Style {
        self.fg(self.palette.error).add_modifier(Modifier::BOLD)
    }

    pub fn ok(&self) -> Style {
        self.fg(self.palette.ok)
    }

    pub fn status(&self, status: ProgramStatus) -> Style {
        match status {
            ProgramStatus::Released => self.fg(self.palette.released),
            ProgramStatus::Draft => self.fg(self.palette.draft),
            ProgramStatus::Offline => self.fg(self.palette.offline),
        }
    }

    pub fn badge(&self) -> Style {
        if self.is_mono() {
            Style::default().add_modifier(Modifier::REVERSED | Modifier::BOLD)
        } else {
            Style::default().fg(self.palette.badge_fg).bg(self.palette.badge_bg).add_modifier(Modifier::BOLD)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colour_depth_follows_colorterm_then_term() {
        assert_eq!(ColorDepth::detect(Some("truecolor"), Some("xterm")), ColorDepth::TrueColor);
        assert_eq!(ColorDepth::detect(None, Some("xterm-256color")), ColorDepth::Indexed256);
        assert_eq!(ColorDepth::detect(None, Some("xterm")), ColorDepth::Ansi16);
        assert_eq!(ColorDepth::detect(None, None), ColorDepth::Ansi16);
    }

    #[test]
    fn colours_degrade_to_the_nearest_the_terminal_has() {
        let gray = Color::Rgb(0x80, 0x80, 0x80);
        assert_eq!(degrade(gray, ColorDepth::TrueColor), gray);
        assert_eq!(degrade(gray, ColorDepth::Indexed256), Color::Indexed(244));
        assert_eq!(degrade(gray, ColorDepth::Ansi16), Color::DarkGray);
        assert_eq!(degrade(Color::Rgb(0, 0, 0xaf), ColorDepth::Ansi16), Color::Blue);
        assert_eq!(degrade(Color::Yellow, ColorDepth::Ansi16), Color::Yellow);
        assert_eq!(degrade(Color::Reset, ColorDepth::Ansi16), Color::Reset);
    }

    #[test]
    fn no_color_wins_over_every_theme() {
        for name in ThemeName::ALL {
            assert!(Theme::new(name, &[], ColorDepth::TrueColor, true).is_mono());
        }
        let overridden = Theme::new(
            ThemeName::Light,
            &[("disabled".to_string(), Color::Rgb(1, 2, 3))],
            ColorDepth::TrueColor,
            false,
        );
        assert_eq!(overridden.palette().disabled, Color::Rgb(1, 2, 3));
    }
}
