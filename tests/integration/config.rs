//! The config file: keys that move, themes that keep allowed and refused
//! actions apart, colour depth, and the commands about mpdesk itself
//! (config, completions, man).

use crate::pty::Console;
use crate::tui_support::*;
use clap::CommandFactory;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use mpdesk::tui::app::{App, Options};
use mpdesk::tui::config::{self, Config};
use mpdesk::tui::layout;
use mpdesk::tui::router::{update, Message};
use mpdesk::tui::theme::{rgb, ColorDepth, Theme, ThemeName};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use std::process::Command;

fn demo_with(config: Config, login: &str) -> App {
    App::new(demo_desk(), login, Options { demo: true, ..Options::default() }, config, (120, 40))
}

fn key(app: &mut App, code: KeyCode, modifiers: KeyModifiers) {
    update(app, Message::Key(KeyEvent::new(code, modifiers)));
}

/// The key-hint bar's text.
fn bar(buffer: &Buffer, app: &App) -> String {
    let areas = layout::main_areas(Rect::new(0, 0, app.run.size.0, app.run.size.1));
    let text = screen(buffer);
    text.lines().skip(areas.hints.y as usize).take(areas.hints.height as usize).collect::<Vec<_>>().join("\n")
}

/// The style of the first cell of `needle` in the bar, and the cell before it.
fn bar_cells(buffer: &Buffer, app: &App, needle: &str) -> (Style, String) {
    let (x, y) =
        in_bar(buffer, app, needle).unwrap_or_else(|| panic!("{needle:?} is not in the bar:\n{}", screen(buffer)));
    let before = if x > 0 { buffer[(x - 1, y)].symbol().to_string() } else { String::new() };
    (buffer[(x, y)].style(), before)
}

#[test]
fn a_remapped_key_drives_its_action_and_shows_in_the_bar_help_and_roles_tab() {
    let text = "[keys]\nrelease = [\"ctrl-r\", \"F6\"]\nhelp = \"h\"\n";
    let config = config::parse("config.toml", text, None).expect("config");
    let mut app = demo_with(config, "olivia");
    let buffer = render(&app);
    let shown = bar(&buffer, &app);
    assert!(shown.contains("C-r release"), "{shown}");
    assert!(shown.contains("h help"), "{shown}");
    assert!(!shown.contains(" r release"), "{shown}");
    assert!(screen(&buffer).contains("Press h for every action"));

    // The old key does nothing now; the new one opens the release dialog.
    key(&mut app, KeyCode::Char('r'), KeyModifiers::NONE);
    assert!(!app.has_layer(), "r still releases");
    key(&mut app, KeyCode::Char('r'), KeyModifiers::CONTROL);
    assert!(app.has_layer(), "ctrl-r did not open the release dialog");
    key(&mut app, KeyCode::Esc, KeyModifiers::NONE);
    key(&mut app, KeyCode::F(6), KeyModifiers::NONE);
    assert!(app.has_layer(), "F6 did not open the release dialog");
    key(&mut app, KeyCode::Esc, KeyModifiers::NONE);

    // Help lists both keys, opens on h and closes on h.
    key(&mut app, KeyCode::Char('?'), KeyModifiers::NONE);
    assert!(!app.has_layer(), "? still opens help");
    key(&mut app, KeyCode::Char('h'), KeyModifiers::NONE);
    let help = screen(&render(&app));
    assert!(help.contains("C-r/F6"), "{help}");
    key(&mut app, KeyCode::Char('h'), KeyModifiers::NONE);
    assert!(!app.has_layer());

    // The Roles tab names the key each operation is on.
    key(&mut app, KeyCode::Char('4'), KeyModifiers::NONE);
    let roles = screen(&render(&app));
    let release = roles.lines().find(|l| l.contains("Release mini programs")).expect("release row");
    assert!(release.contains("C-r"), "{release}");
}

/// Relative luminance (WCAG) of a colour: what stays of it for a person
/// who cannot tell red from green.
fn luminance(color: Color) -> f64 {
    let (r, g, b) = rgb(color).expect("a colour");
    let linear = |c: u8| {
        let c = c as f64 / 255.0;
        if c <= 0.04045 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b)
}

#[test]
fn every_theme_keeps_allowed_and_refused_actions_apart_without_hue() {
    for name in ThemeName::ALL {
        let theme = Theme::new(name, &[], ColorDepth::TrueColor, false);
        let app = demo_with(Config { theme, ..Config::default() }, "dana");
        let buffer = render(&app);
        // dana is a Developer on Coffee Club: upload allowed, release refused.
        let (allowed, _) = bar_cells(&buffer, &app, "u upload");
        let (refused, mark) = bar_cells(&buffer, &app, "r release");
        let theme_name = name.name();
        assert!(allowed.add_modifier.contains(Modifier::BOLD), "{theme_name}: {allowed:?}");
        assert!(refused.add_modifier.contains(Modifier::DIM), "{theme_name}: {refused:?}");
        assert!(!refused.add_modifier.contains(Modifier::BOLD), "{theme_name}: {refused:?}");
        match name {
            ThemeName::Mono => {
                let plain = |fg: Option<Color>| fg.is_none_or(|c| c == Color::Reset);
                assert!(plain(allowed.fg) && plain(refused.fg), "mono has no colour: {allowed:?} {refused:?}");
                assert!(refused.add_modifier.contains(Modifier::CROSSED_OUT));
                assert_eq!(mark, "×", "mono marks a refused action");
            }
            _ => {
                let (a, r) = (allowed.fg.expect("colour"), refused.fg.expect("colour"));
                let contrast = (luminance(a) - luminance(r)).abs();
                assert!(contrast > 0.2, "{theme_name}: {a:?} and {r:?} differ only in hue ({contrast:.2})");
            }
        }
    }
}

#[test]
fn no_color_and_the_flag_choose_the_theme_and_colour_degrades_with_the_terminal() {
    let text = "theme = \"light\"\n";
    assert_eq!(config::parse("c", text, None).expect("config").theme.name, ThemeName::Light);
    assert_eq!(config::parse("c", text, Some(ThemeName::Dark)).expect("config").theme.name, ThemeName::Dark);
    // TERM=xterm, no COLORTERM: only the 16 named colours.
    let depth = ColorDepth::detect(None, Some("xterm"));
    let light = Theme::new(ThemeName::Light, &[("key".into(), Color::Rgb(1, 2, 200))], depth, false);
    let p = light.palette();
    for color in [p.key, p.label, p.disabled, p.border, p.focus, p.title, p.error, p.ok, p.badge_bg] {
        assert!(!matches!(color, Color::Rgb(..) | Color::Indexed(_)), "{color:?} is not one of 16");
    }
}

/// The console itself, in a terminal without COLORTERM: no 24-bit colour
/// is ever sent, and with TERM=xterm no colour past the first 16.
#[test]
fn the_light_theme_in_a_real_terminal_uses_only_what_the_terminal_has() {
    let home = tempfile::tempdir().expect("dir");
    let mpdesk = env!("CARGO_BIN_EXE_mpdesk");
    for (term, colorterm) in [("xterm", None), ("xterm-256color", None), ("xterm-256color", Some("truecolor"))] {
        let env = [("TERM", Some(term)), ("COLORTERM", colorterm)];
        let mut console = Console::start_with(mpdesk, &["--demo", "--theme", "light"], home.path(), &env);
        console.wait_for("Coffee Club");
        let colors = console.colors();
        let rgb = colors.iter().filter(|c| matches!(c, vt100::Color::Rgb(..))).count();
        let past16 = colors.iter().filter(|c| matches!(c, vt100::Color::Idx(16..))).count();
        match (term, colorterm) {
            ("xterm", None) => assert_eq!((rgb, past16), (0, 0), "TERM=xterm"),
            (_, None) => assert!(rgb == 0 && past16 > 0, "256 colours: {rgb} rgb, {past16} indexed"),
            _ => assert!(rgb > 0, "truecolor was announced"),
        }
        console.keys("q");
        console.wait_exit();
    }
}

fn mpdesk(args: &[&str], config_home: &std::path::Path) -> (i32, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_mpdesk"))
        .args(args)
        .env("XDG_CONFIG_HOME", config_home)
        .env_remove("MPDESK_CONFIG")
        .output()
        .expect("run mpdesk");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn config_path_default_and_check_and_a_bad_file_keeps_the_console_from_starting() {
    let home = tempfile::tempdir().expect("dir");
    let expected = home.path().join("mpdesk").join("config.toml");
    let (code, out, _) = mpdesk(&["config", "path"], home.path());
    assert_eq!((code, out.trim()), (0, expected.to_str().expect("path")));
    let (code, out, _) = mpdesk(&["config", "check"], home.path());
    assert_eq!(code, 0);
    assert!(out.contains("no such file; the defaults are in use"), "{out}");

    // The default file, written where it is read, checks fine.
    let (code, default, _) = mpdesk(&["config", "default"], home.path());
    assert_eq!(code, 0);
    std::fs::create_dir_all(expected.parent().expect("dir")).expect("mkdir");
    std::fs::write(&expected, &default).expect("write");
    let (code, out, err) = mpdesk(&["config", "check"], home.path());
    assert_eq!(
        (code, out.trim().ends_with(": fine (your own: mpdesk is not installed as a service here)")),
        (0, true),
        "{out}{err}"
    );

    // A conflict: refused with file, line and column, by check and by the console.
    let bad = home.path().join("bad.toml");
    std::fs::write(&bad, "theme = \"light\"\n\n[keys]\nupload = \"r\"\n").expect("write");
    let bad_arg = bad.to_str().expect("path");
    let (code, _, err) = mpdesk(&["--config", bad_arg, "config", "check"], home.path());
    let line = format!("error: {bad_arg}:4:10: key \"r\" is bound to both upload and release on the same tab; bind one of them to another key\n");
    assert_eq!((code, err.as_str()), (2, line.as_str()));
    let (code, _, console_err) = mpdesk(&["--config", bad_arg, "--demo"], home.path());
    assert_eq!((code, console_err), (2, line), "the console must not start");
    // A named file that is not there is an error too (a typo, not "defaults").
    let missing = home.path().join("nope.toml");
    let (code, _, err) = mpdesk(&["--config", missing.to_str().expect("path"), "config", "check"], home.path());
    assert_eq!(code, 2);
    assert!(err.contains("cannot read the config file"), "{err}");
}

#[test]
fn config_path_says_which_file_applies_and_why() {
    // Not installed as a service here (no mpdesk account and /etc/mpdesk):
    // even root's config is its own, as "Make it yours" says.
    assert!(mpdesk::service::installed_service().is_none(), "this test needs a machine without the package");
    let home = tempfile::tempdir().expect("dir");
    let (code, out, err) = mpdesk(&["config", "path"], home.path());
    assert_eq!(code, 0);
    assert_eq!(out.trim(), home.path().join("mpdesk/config.toml").to_str().expect("path"), "stdout is the path alone");
    assert_eq!(err, "mpdesk: your own: mpdesk is not installed as a service here\n");
    let named = home.path().join("mine.toml");
    let (_, out, err) = mpdesk(&["--config", named.to_str().expect("path"), "config", "path"], home.path());
    assert_eq!((out.trim(), err.trim()), (named.to_str().expect("path"), "mpdesk: named by --config or MPDESK_CONFIG"));
}

#[test]
fn the_help_overlay_names_the_config_file_and_why_that_one() {
    let home = tempfile::tempdir().expect("dir");
    let path = home.path().join("config.toml");
    let own = mpdesk::session::ConfigSource::Own { service_here: false };
    let missing = config::load_file(&path, own, None).expect("defaults");
    let mut app = demo_with(missing, "olivia");
    chars(&mut app, "?");
    let shown = screen_words(&app);
    assert!(shown.contains(&format!("Config {}", path.display())), "{shown}");
    assert!(
        shown.contains("your own: mpdesk is not installed as a service here; no such file, so the defaults"),
        "{shown}"
    );

    std::fs::write(&path, "theme = \"light\"\n").expect("write");
    let mut app = demo_with(config::load_file(&path, own, None).expect("reads"), "olivia");
    chars(&mut app, "?");
    let shown = screen_words(&app);
    assert!(shown.contains("your own: mpdesk is not installed as a service here"), "{shown}");
    assert!(!shown.contains("no such file"), "the file is there: {shown}");
}

/// Every subcommand path, as words: ["program", "list"].
fn subcommands(command: &clap::Command, path: Vec<String>, out: &mut Vec<Vec<String>>) {
    for sub in command.get_subcommands().filter(|s| s.get_name() != "help") {
        let mut next = path.clone();
        next.push(sub.get_name().to_string());
        out.push(next.clone());
        subcommands(sub, next, out);
    }
}

#[test]
fn completions_and_the_manual_mention_every_subcommand() {
    let home = tempfile::tempdir().expect("dir");
    let mut paths = Vec::new();
    subcommands(&mpdesk::cli::Cli::command(), Vec::new(), &mut paths);
    assert!(paths.len() > 30, "{paths:?}");
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let (code, script, err) = mpdesk(&["completions", shell], home.path());
        assert_eq!(code, 0, "{shell}: {err}");
        for path in &paths {
            let leaf = path.last().expect("name");
            assert!(script.contains(leaf.as_str()), "{shell} completion lacks {path:?}");
        }
    }
    let (code, roff, _) = mpdesk(&["man"], home.path());
    assert_eq!(code, 0);
    assert!(roff.starts_with(".ie") || roff.contains(".TH mpdesk"), "not roff: {}", &roff[..80.min(roff.len())]);
    for path in &paths {
        let page = format!(".TH mpdesk-{} 1", path.join("-"));
        assert!(roff.contains(&page), "the manual lacks {page}");
    }
}

/// A screen row as runs of one style: `"u upload" #0000af bold`.
fn style_runs(buffer: &Buffer, y: u16) -> Vec<String> {
    let mut runs: Vec<(Style, String)> = Vec::new();
    for x in 0..buffer.area.width {
        let cell = &buffer[(x, y)];
        match runs.last_mut() {
            Some((style, text)) if *style == cell.style() => text.push_str(cell.symbol()),
            _ => runs.push((cell.style(), cell.symbol().to_string())),
        }
    }
    let color = |c: Option<Color>| match c {
        Some(Color::Rgb(r, g, b)) => format!("#{r:02x}{g:02x}{b:02x}"),
        Some(Color::Reset) | None => "default".to_string(),
        Some(other) => format!("{other:?}").to_lowercase(),
    };
    runs.into_iter()
        .filter(|(_, text)| !text.trim().is_empty())
        .map(|(style, text)| {
            let mut line = format!("{:<14} {}", format!("\"{}\"", text.trim()), color(style.fg));
            for (modifier, name) in
                [(Modifier::BOLD, "bold"), (Modifier::DIM, "dim"), (Modifier::CROSSED_OUT, "crossed out")]
            {
                if style.add_modifier.contains(modifier) {
                    line.push_str(&format!(" {name}"));
                }
            }
            line
        })
        .collect()
}

/// README shows the light theme as the console draws it (text, then each
/// run of one style); `UPDATE_README=1 cargo test readme` rewrites it.
#[test]
fn the_readme_light_theme_snapshot_is_the_console_as_it_is() {
    let theme = Theme::new(ThemeName::Light, &[], ColorDepth::TrueColor, false);
    let app = App::new(
        demo_desk(),
        "dana",
        Options { demo: true, ..Options::default() },
        Config { theme, ..Config::default() },
        (80, 24),
    );
    let buffer = render(&app);
    insta::assert_debug_snapshot!("light_theme_dana_80x24", buffer);
    let areas = layout::main_areas(Rect::new(0, 0, 80, 24));
    let text = screen(&buffer);
    let mut block = String::from(" light theme: dana, a Developer, on Coffee Club (80×24) — the key-hint bar\n");
    for y in areas.hints.y..areas.hints.y + areas.hints.height {
        block.push_str(text.lines().nth(y as usize).unwrap_or_default());
        block.push('\n');
    }
    block.push_str("\n each run of one style in the bar:\n");
    for y in areas.hints.y..areas.hints.y + areas.hints.height {
        for run in style_runs(&buffer, y) {
            block.push_str(&format!(" {run}\n"));
        }
    }
    crate::tui_support::readme_block(" light theme:", &block);
}

/// README's completion lines, as written, on an account that has none of
/// the folders yet (mpdesk on the PATH, as `cargo install` leaves it).
#[test]
fn the_readme_completion_lines_work_on_a_fresh_account() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).expect("README");
    let lines: Vec<&str> =
        readme.lines().filter(|l| l.starts_with("mkdir -p ") && l.contains("mpdesk completions")).collect();
    assert_eq!(lines.len(), 2, "bash and fish: {lines:?}");
    let home = tempfile::tempdir().expect("home");
    let bin = std::path::Path::new(env!("CARGO_BIN_EXE_mpdesk")).parent().expect("bin dir").to_path_buf();
    let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap_or_default());
    for line in lines {
        let out = std::process::Command::new("sh")
            .args(["-c", line])
            .env("HOME", home.path())
            .env("PATH", &path)
            .output()
            .expect("sh");
        assert!(out.status.success(), "{line}: {}", String::from_utf8_lossy(&out.stderr));
    }
    let bash =
        std::fs::read_to_string(home.path().join(".local/share/bash-completion/completions/mpdesk")).expect("bash");
    let fish = std::fs::read_to_string(home.path().join(".config/fish/completions/mpdesk.fish")).expect("fish");
    assert!(bash.contains("_mpdesk") && fish.contains("complete -c mpdesk"), "not completion scripts");
}

/// A config error says what was meant: the nearest action or element, the
/// colour forms there are, and why a chord cannot be bound.
#[test]
fn config_errors_suggest_the_nearest_name_and_refuse_chords_a_terminal_cannot_send() {
    let error = |text: &str| config::parse("config.toml", text, None).expect_err("refused").to_string();
    let said = error("[keys]\nrelase = \"R\"\n");
    assert!(said.contains("unknown action \"relase\"; did you mean \"release\"?"), "{said}");
    let said = error("[theme]\nname = \"dark\"\n[theme.colors]\ntitel = \"red\"\n");
    assert!(said.contains("did you mean \"title\"?"), "{said}");
    let said = error("[theme]\nname = \"dark\"\n[theme.colors]\ntitle = \"redd\"\n");
    assert!(said.contains("did you mean \"red\"?") && said.contains("#rrggbb") && said.contains("0\"–\"255"), "{said}");
    assert!(said.contains("light-magenta"), "the colour names are listed: {said}");
    for chord in ["ctrl-shift-r", "ctrl-i", "ctrl-m"] {
        let said = error(&format!("[keys]\nrelease = \"{chord}\"\n"));
        assert!(said.contains("cannot be bound: a terminal sends"), "{chord}: {said}");
    }
    // Every colour name the error lists is one a config may use.
    let listed = said_colours(&error("[theme]\nname = \"dark\"\n[theme.colors]\ntitle = \"nope\"\n"));
    assert!(listed.len() > 10, "{listed:?}");
    for name in listed {
        let text = format!("[theme]\nname = \"dark\"\n[theme.colors]\ntitle = \"{name}\"\n");
        assert!(config::parse("config.toml", &text, None).is_ok(), "{name} is listed but refused");
    }
}

fn said_colours(error: &str) -> Vec<String> {
    let list = error.split("or one of: ").nth(1).expect("the names");
    list.split(", ").map(|n| n.trim_end_matches(|c: char| !c.is_alphanumeric()).to_string()).collect()
}
