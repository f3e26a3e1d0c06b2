//! The config file: TOML at `$XDG_CONFIG_HOME/mpdesk/config.toml` (or
//! `--config PATH`, or `MPDESK_CONFIG`), for the console's keys and
//! colours. No file means the defaults. A file that does not read whole is
//! refused with `file:line:column` and the reason; the console never
//! starts on half a config.

use super::action::Action;
use super::keymap::{self, Key, Keymap};
use super::theme::{ColorDepth, Palette, Theme, ThemeName};
pub use crate::session::ConfigSource;
use ratatui::style::Color;
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use toml::Spanned;

/// What the console takes from the file (defaults without one).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Config {
    pub theme: Theme,
    pub keymap: Keymap,
    /// The file it was looked for in (none for the built-in defaults).
    pub file: Option<ConfigFile>,
}

/// The config file a console was started with, for the help overlay.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigFile {
    pub path: PathBuf,
    pub source: ConfigSource,
    /// Whether the file was there (else: the defaults).
    pub found: bool,
}

impl ConfigFile {
    /// Why this file, and whether it was there, in a sentence.
    pub fn why(&self) -> String {
        match self.found {
            true => self.source.why().to_string(),
            false => format!("{}; no such file, so the defaults", self.source.why()),
        }
    }
}

/// Why a config file was refused: one line, naming where.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    #[error("{path}: cannot read the config file: {reason}")]
    Unreadable { path: String, reason: String },
    #[error("{path}:{line}:{column}: {message}")]
    At { path: String, line: usize, column: usize, message: String },
}

/// Where the config file is, and why: `explicit` (--config, or
/// MPDESK_CONFIG where the caller allows it), the package's on an
/// installed server, else the platform's config directory.
pub fn locate(explicit: Option<&Path>) -> Option<(PathBuf, ConfigSource)> {
    if let Some(path) = explicit {
        return Some((path.to_path_buf(), ConfigSource::Named));
    }
    if crate::service::packaged_database().is_some() {
        return Some((PathBuf::from(crate::service::CONFIG_FILE), ConfigSource::Server));
    }
    let own = ConfigSource::Own { service_here: crate::service::installed_service().is_some() };
    directories::ProjectDirs::from("", "", "mpdesk").map(|dirs| (dirs.config_dir().join("config.toml"), own))
}

/// Where the config file is (see [`locate`]).
pub fn path(explicit: Option<&Path>) -> Option<PathBuf> {
    locate(explicit).map(|(path, _)| path)
}

/// MPDESK_CONFIG, if set (never over SSH: a client could send it).
pub fn from_env() -> Option<PathBuf> {
    std::env::var_os("MPDESK_CONFIG").filter(|v| !v.is_empty()).map(PathBuf::from)
}

/// Reads the config: a named file must exist; the default one may not.
/// `theme` (--theme) wins over the file; NO_COLOR over both.
pub fn load(explicit: Option<&Path>, theme: Option<ThemeName>) -> Result<Config, ConfigError> {
    match locate(explicit) {
        Some((path, source)) => load_file(&path, source, theme),
        None => Ok(settle(File::default(), theme)),
    }
}

/// Reads the config file at `path`, found as `source` says: a named file
/// must exist; at a default location a missing file means the defaults.
pub fn load_file(path: &Path, source: ConfigSource, theme: Option<ThemeName>) -> Result<Config, ConfigError> {
    let shown = path.display().to_string();
    let at = |found| Some(ConfigFile { path: path.to_path_buf(), source, found });
    let text = match crate::files::open_regular(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && source != ConfigSource::Named => {
            return Ok(Config { file: at(false), ..settle(File::default(), theme) });
        }
        Err(e) if e.kind() == std::io::ErrorKind::InvalidInput => {
            return Err(ConfigError::Unreadable { path: shown, reason: "not a regular file".to_string() });
        }
        Err(e) => return Err(ConfigError::Unreadable { path: shown, reason: e.to_string() }),
        Ok(mut file) => {
            let mut text = String::new();
            std::io::Read::read_to_string(&mut file, &mut text)
                .map_err(|e| ConfigError::Unreadable { path: shown.clone(), reason: e.to_string() })?;
            text
        }
    };
    Ok(Config { file: at(true), ..parse(&shown, &text, theme)? })
}

/// The defaults, with `theme` (--theme) and NO_COLOR applied.
pub fn defaults(theme: Option<ThemeName>) -> Config {
    settle(File::default(), theme)
}

/// Parses a config file's text; `path` is only for the messages.
pub fn parse(path: &str, text: &str, theme: Option<ThemeName>) -> Result<Config, ConfigError> {
    let at = |span: Option<Range<usize>>, message: &str| {
        let (line, column) = position(text, span.map(|s| s.start).unwrap_or(0));
        let message = message.trim().replace('\n', "; ");
        ConfigError::At { path: crate::sanitize::line(path).into_owned(), line, column, message }
    };
    let file: File = toml::from_str(text).map_err(|e| {
        // `theme = "light"` and a [theme.colors] table cannot both be.
        let hint = if e.message().contains("cannot extend") && text.contains("[theme.") {
            "; for colour overrides write the theme as a table: [theme] name = \"light\""
        } else {
            ""
        };
        at(e.span(), &format!("{}{hint}", e.message()))
    })?;
    let overrides: Vec<(Action, Vec<Key>)> =
        file.keys.iter().map(|(action, keys)| (action.0, keys.get_ref().0.clone())).collect();
    let map = Keymap::with(&overrides);
    if let Some(conflict) = map.conflict() {
        // Point at the binding the file made (the other may be a default).
        let (a, b) = conflict.actions;
        let span = file.keys.iter().find(|(action, _)| action.0 == b || action.0 == a).map(|(_, keys)| keys.span());
        return Err(at(span, &format!("{conflict} on the same tab; bind one of them to another key")));
    }
    Ok(settle(file, theme))
}

fn settle(file: File, theme: Option<ThemeName>) -> Config {
    let (name, colors) = match file.theme {
        None => (ThemeName::Dark, BTreeMap::new()),
        Some(ThemeField::Name(name)) => (name, BTreeMap::new()),
        Some(ThemeField::Table { name, colors }) => (name.unwrap_or(ThemeName::Dark), colors),
    };
    let overrides: Vec<(String, Color)> = colors.into_iter().map(|(k, v)| (k, v.0)).collect();
    let theme = Theme::new(theme.unwrap_or(name), &overrides, ColorDepth::from_env(), Theme::no_color_env());
    let overrides: Vec<(Action, Vec<Key>)> = file.keys.into_iter().map(|(a, k)| (a.0, k.into_inner().0)).collect();
    Config { theme, keymap: Keymap::with(&overrides), file: None }
}

/// Line and column (both from 1, columns in characters) of a byte offset.
pub(super) fn position(text: &str, offset: usize) -> (usize, usize) {
    let before = text.get(..offset.min(text.len())).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map(|l| l.chars().count()).unwrap_or(0) + 1;
    (line, column)
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    theme: Option<ThemeField>,
    #[serde(default)]
    keys: BTreeMap<ActionName, Spanned<KeyList>>,
}

/// `theme = "light"`, or a table with a name and colour overrides.
#[derive(Debug)]
enum ThemeField {
    Name(ThemeName),
    Table { name: Option<ThemeName>, colors: BTreeMap<String, ColorValue> },
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ThemeTable {
    name: Option<NamedTheme>,
    #[serde(default)]
    colors: Colors,
}

#[derive(Debug, Default)]
struct Colors(BTreeMap<String, ColorValue>);

impl<'de> Deserialize<'de> for Colors {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Colors;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a table of element = colour")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Colors, A::Error> {
                let mut colors = BTreeMap::new();
                while let Some(element) = map.next_key::<ElementName>()? {
                    colors.insert(element.0, map.next_value::<ColorValue>()?);
                }
                Ok(Colors(colors))
            }
        }
        deserializer.deserialize_map(V)
    }
}

struct ElementName(String);

impl<'de> Deserialize<'de> for ElementName {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let name = String::deserialize(deserializer)?;
        if Palette::NAMES.contains(&name.as_str()) {
            Ok(Self(name))
        } else {
            let hint = did_you_mean(&name, Palette::NAMES);
            Err(de::Error::custom(format!(
                "unknown colour element \"{}\"{hint}; expected one of: {}",
                crate::sanitize::line(&name),
                Palette::NAMES.join(", ")
            )))
        }
    }
}

#[derive(Debug)]
struct NamedTheme(ThemeName);

impl<'de> Deserialize<'de> for NamedTheme {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let name = String::deserialize(deserializer)?;
        ThemeName::from_name(&name).map(Self).ok_or_else(|| {
            de::Error::custom(format!(
                "unknown theme \"{}\", expected one of: {}",
                crate::sanitize::line(&name),
                ThemeName::ALL.map(ThemeName::name).join(", ")
            ))
        })
    }
}

impl<'de> Deserialize<'de> for ThemeField {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = ThemeField;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a theme name (dark, light, high-contrast, mono) or a [theme] table")
            }
            fn visit_str<E: de::Error>(self, name: &str) -> Result<ThemeField, E> {
                NamedTheme::deserialize(de::value::StrDeserializer::<E>::new(name)).map(|n| ThemeField::Name(n.0))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<ThemeField, A::Error> {
                let table = ThemeTable::deserialize(de::value::MapAccessDeserializer::new(map))?;
                Ok(ThemeField::Table { name: table.name.map(|n| n.0), colors: table.colors.0 })
            }
        }
        deserializer.deserialize_any(V)
    }
}

#[derive(Debug)]
struct ColorValue(Color);

impl<'de> Deserialize<'de> for ColorValue {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Color::from_str(&text).map(Self).map_err(|_| {
            let hint = did_you_mean(&text, COLOUR_NAMES);
            de::Error::custom(format!(
                "\"{}\" is not a colour{hint}; a colour is \"#rrggbb\" (\"#5f87af\"), a number \"0\"–\"255\" (the terminal's 256 colours), or one of: {}",
                crate::sanitize::line(&text),
                COLOUR_NAMES.join(", ")
            ))
        })
    }
}

/// The colour names a config may use (ratatui reads them).
const COLOUR_NAMES: [&str; 17] = [
    "black",
    "red",
    "green",
    "yellow",
    "blue",
    "magenta",
    "cyan",
    "gray",
    "dark-gray",
    "light-red",
    "light-green",
    "light-yellow",
    "light-blue",
    "light-magenta",
    "light-cyan",
    "white",
    "reset",
];

/// `; did you mean "release"?` when a name is one slip from a known one.
fn did_you_mean<'a>(name: &str, known: impl IntoIterator<Item = &'a str>) -> String {
    crate::tui::text::nearest(name, known).map(|n| format!("; did you mean \"{n}\"?")).unwrap_or_default()
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct ActionName(Action);

impl<'de> Deserialize<'de> for ActionName {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let name = String::deserialize(deserializer)?;
        Action::from_name(&name).map(Self).ok_or_else(|| {
            let hint = did_you_mean(&name, Action::ALL.map(Action::name));
            de::Error::custom(format!(
                "unknown action \"{}\"{hint} (`mpdesk config default` lists every action)",
                crate::sanitize::line(&name)
            ))
        })
    }
}

/// `"r"` or `["r", "ctrl-r"]`.
#[derive(Debug)]
struct KeyList(Vec<Key>);

struct KeyValue(Key);

impl<'de> Deserialize<'de> for KeyValue {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        keymap::parse_key(&text).map(Self).map_err(|e| de::Error::custom(crate::sanitize::line(&e)))
    }
}

impl<'de> Deserialize<'de> for KeyList {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = KeyList;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a key (\"r\") or a list of keys ([\"r\", \"ctrl-r\"])")
            }
            fn visit_str<E: de::Error>(self, text: &str) -> Result<KeyList, E> {
                keymap::parse_key(text).map(|k| KeyList(vec![k])).map_err(|e| E::custom(crate::sanitize::line(&e)))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<KeyList, A::Error> {
                let mut keys = Vec::new();
                while let Some(key) = seq.next_element::<KeyValue>()? {
                    keys.push(key.0);
                }
                if keys.is_empty() {
                    return Err(de::Error::custom("an action needs at least one key"));
                }
                Ok(KeyList(keys))
            }
        }
        deserializer.deserialize_any(V)
    }
}

/// A complete config file with every default, commented: what
/// `mpdesk config default` prints.
pub fn default_file() -> String {
    let map = Keymap::default();
    let mut out = String::from(
        "# mpdesk's config file (`mpdesk config path` says where it is read from).\n\
         # Every value below is the default: keep only what you change.\n\
         \n\
         # The colours: dark | light | high-contrast | mono. NO_COLOR always gives\n\
         # mono, and --theme NAME wins over this line. To change single colours,\n\
         # use the [theme] table at the end instead of this line.\n\
         theme = \"dark\"\n\
         \n\
         # action = a key, or a list of keys. A key is a character (\"r\", \"R\"), a\n\
         # named key (enter, esc, tab, backtab, space, backspace, delete, insert,\n\
         # up, down, left, right, home, end, pgup, pgdn, f1 … f12), or ctrl-,\n\
         # alt- or shift- and one of those. Binding an action replaces its\n\
         # default keys; two actions on one key where both can apply are refused.\n\
         [keys]\n",
    );
    let width = Action::ALL.iter().map(|a| a.name().len()).max().unwrap_or(0);
    for action in Action::ALL {
        let keys: Vec<String> =
            map.config_keys(action).iter().map(|k| format!("\"{}\"", k.replace('\\', "\\\\"))).collect();
        let value = format!("[{}]", keys.join(", "));
        out.push_str(&format!("{:<width$} = {:<18} # {}\n", action.name(), value, action.description()));
    }
    out.push_str(
        "\n\
         # Single colours, over the theme's own. Use this table instead of the\n\
         # `theme = \"…\"` line at the top (TOML allows one of the two):\n\
         #\n\
         # [theme]\n\
         # name = \"light\"\n\
         #\n\
         # [theme.colors]\n\
         # A colour is a name (yellow, dark-gray, light-cyan …), \"#rrggbb\", or\n\
         # \"0\"–\"255\". Truecolor is used only where COLORTERM says so; elsewhere\n\
         # the nearest of 256 or 16 colours. The dark theme's colours:\n",
    );
    let mut dark = Palette::builtin(ThemeName::Dark);
    for name in Palette::NAMES {
        let color = dark.get_mut(name).map(|c| *c).unwrap_or(Color::Reset);
        out.push_str(&format!("# {name} = \"{}\"\n", color_name(color)));
    }
    out
}

/// A colour as the config file writes it.
fn color_name(color: Color) -> String {
    match color {
        Color::Rgb(r, g, b) => format!("#{r:02x}{g:02x}{b:02x}"),
        Color::Indexed(i) => i.to_string(),
        other => {
            // "DarkGray" → "dark-gray"
            let mut name = String::new();
            for (i, c) in format!("{other:?}").chars().enumerate() {
                if c.is_uppercase() && i > 0 {
                    name.push('-');
                }
                name.push(c.to_ascii_lowercase());
            }
            name
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error(text: &str) -> String {
        parse("config.toml", text, None).expect_err("refused").to_string()
    }

    #[test]
    fn the_default_file_reads_back_as_the_defaults() {
        let config = parse("default", &default_file(), None).expect("default file");
        assert_eq!(config.keymap, Keymap::default());
        assert_eq!(config.theme.name, ThemeName::Dark);
    }

    #[test]
    fn bad_files_are_refused_with_file_line_and_column() {
        assert_eq!(
            error("theme = \"light\"\n[keys]\nrelase = \"r\"\n"),
            "config.toml:3:1: unknown action \"relase\"; did you mean \"release\"? (`mpdesk config default` lists every action)"
        );
        assert!(error("[keys]\nrelease = \"ctrl-\"\n").starts_with("config.toml:2:11: \"ctrl-\" is not a key"));
        assert!(
            error("[keys]\nrelease = [\"r\", \"hyper-q\"]\n").starts_with("config.toml:2:11: \"hyper-q\" is not a key")
        );
        assert!(error("theme = \"sepia\"\n").starts_with("config.toml:1:9: unknown theme \"sepia\""));
        assert!(error("theme = 3\n").starts_with("config.toml:1:9: "));
        assert!(error("colour = \"red\"\n").starts_with("config.toml:1:1: unknown field `colour`"));
        assert!(error("[theme]\nname = \"light\"\n[theme.colors]\ndisabled = \"#80808\"\n")
            .starts_with("config.toml:4:12: \"#80808\" is not a colour"));
        assert!(error("[theme.colors]\ndisabeld = \"red\"\n").starts_with("config.toml:2:1: unknown colour element"));
        assert!(error("theme = \"light\n").starts_with("config.toml:1:"));
        assert!(error("theme = \"light\"\n[theme.colors]\nkey = \"red\"\n")
            .ends_with("write the theme as a table: [theme] name = \"light\""));
        assert_eq!(
            error("[keys]\nrelease = \"x\"\n"),
            "config.toml:2:11: key \"x\" is bound to both remove_member and release on the same tab; bind one of them to another key"
        );
    }

    #[test]
    fn a_theme_table_overrides_single_colours() {
        let text = "[theme]\nname = \"light\"\n[theme.colors]\ndisabled = \"#808080\"\n";
        let config = parse("c", text, None).expect("config");
        assert_eq!(config.theme.name, ThemeName::Light);
        assert_ne!(config.theme.palette().disabled, Palette::builtin(ThemeName::Light).disabled);
        let flag = parse("c", text, Some(ThemeName::HighContrast)).expect("config");
        assert_eq!(flag.theme.name, ThemeName::HighContrast);
    }
}
