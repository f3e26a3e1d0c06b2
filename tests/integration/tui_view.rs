//! `view` into a `TestBackend`: whole-screen snapshots (symbols), and
//! explicit style assertions for dimmed actions (snapshots cannot see them).

use crate::tui_support::*;
use crossterm::event::KeyCode;
use mpdesk::tui::app::{App, Options};
use mpdesk::tui::config::Config;
use mpdesk::tui::theme::Theme;
use ratatui::style::{Color, Modifier, Style};

fn snap(name: &str, app: &App) {
    insta::assert_snapshot!(name, screen_text(app));
}

#[test]
fn main_screen_as_the_owner_and_as_a_developer() {
    for (w, h) in [(80, 24), (120, 40)] {
        let app = demo_app("olivia", (w, h));
        snap(&format!("main_owner_{w}x{h}"), &app);
        let app = demo_app("dana", (w, h));
        snap(&format!("main_developer_{w}x{h}"), &app);
    }
}

#[test]
fn help_overlay_and_too_small() {
    let mut app = demo_app("dana", (100, 30));
    press(&mut app, KeyCode::Char('?'));
    snap("help_developer", &app);
    chars(&mut app, "release");
    snap("help_filtered", &app);
    let app = demo_app("olivia", (59, 15));
    snap("too_small", &app);
}

#[test]
fn every_dialog() {
    let cases: &[(&str, &[KeyCode])] = &[
        ("dialog_add_members", &[KeyCode::Char('a'), KeyCode::Char(' ')]),
        ("dialog_create", &[KeyCode::Char('n')]),
        ("dialog_edit", &[KeyCode::Char('e')]),
        ("dialog_upload", &[KeyCode::Char('u'), KeyCode::Char('1')]),
        ("dialog_configure", &[KeyCode::Char('c')]),
        ("dialog_release", &[KeyCode::Char('j'), KeyCode::Char('r')]),
        ("dialog_take_offline", &[KeyCode::Char('o')]),
        ("dialog_remove_member", &[KeyCode::Tab, KeyCode::Tab, KeyCode::Char('G'), KeyCode::Char('x')]),
        ("dialog_delete", &[KeyCode::Char('G'), KeyCode::Char('D')]),
        ("dialog_persona", &[KeyCode::Char('p')]),
        ("dialog_workspace", &[KeyCode::Char('w')]),
    ];
    for (name, keys) in cases {
        let mut app = demo_app("olivia", (100, 30));
        for key in *keys {
            press(&mut app, *key);
        }
        assert!(app.has_layer(), "{name}: a dialog is open");
        snap(name, &app);
    }
}

#[test]
fn welcome_screen() {
    let app = App::new(fixed_desk(), "zed", Options::default(), Config::default(), (100, 30));
    snap("welcome", &app);
}

fn dimmed(style: Style) -> bool {
    style.add_modifier.contains(Modifier::DIM)
}

#[test]
fn a_developers_forbidden_actions_are_dimmed_and_permitted_ones_are_not() {
    let app = demo_app("dana", (120, 40));
    let buffer = render(&app);
    for hint in ["n new", "e edit", "a add", "c config", "r release", "o offline", "D delete"] {
        let style = bar_style(&buffer, &app, hint).unwrap_or_else(|| panic!("{hint} shown"));
        assert!(dimmed(style), "{hint} must be dimmed: {style:?}");
        assert_eq!(style.fg, Some(Color::DarkGray), "{hint}");
    }
    for hint in ["u upload", "/ filter", "w workspace", "p persona", "? help", "q quit"] {
        let style = bar_style(&buffer, &app, hint).unwrap_or_else(|| panic!("{hint} shown"));
        assert!(!dimmed(style), "{hint} must not be dimmed: {style:?}");
        assert_eq!(style.fg, Some(Color::Yellow), "{hint}");
    }
}

#[test]
fn an_admin_sees_no_action_dimmed_by_role() {
    let mut app = demo_app("olivia", (120, 40));
    // Coffee Club is Released: only Delete is refused, and by the lifecycle.
    let buffer = render(&app);
    for hint in ["n new", "e edit", "a add", "u upload", "c config", "r release", "o offline"] {
        let style = bar_style(&buffer, &app, hint).unwrap_or_else(|| panic!("{hint} shown"));
        assert!(!dimmed(style), "{hint} must not be dimmed for an Admin");
    }
    assert!(dimmed(bar_style(&buffer, &app, "D delete").expect("delete shown")));
    for hint in mpdesk::tui::hints::build(&app) {
        if let Some(denial) = hint.denial {
            assert!(!denial.contains("role"), "an Admin is never refused for a role: {denial}");
        }
    }
    // Parking Pass is a Draft with no versions: nothing to take offline, nothing to release.
    select_program(&mut app, "Parking Pass");
    let buffer = render(&app);
    assert!(!dimmed(bar_style(&buffer, &app, "D delete").expect("delete")));
    assert!(dimmed(bar_style(&buffer, &app, "o offline").expect("offline")));
}

#[test]
fn without_color_dimmed_actions_are_still_marked() {
    let app = App::new(
        demo_desk(),
        "dana",
        Options::default(),
        Config { theme: Theme::mono(), ..Config::default() },
        (120, 40),
    );
    let buffer = render(&app);
    let text = screen(&buffer);
    assert!(text.contains("×r release"), "a text mark without color:\n{text}");
    assert!(text.contains("u upload") && !text.contains("×u upload"));
    let disabled = bar_style(&buffer, &app, "×r release").expect("shown");
    let enabled = bar_style(&buffer, &app, "u upload").expect("shown");
    assert_ne!(disabled, enabled);
    assert!(disabled.add_modifier.contains(Modifier::CROSSED_OUT));
    assert!(buffer.content().iter().all(|c| c.fg == Color::Reset && c.bg == Color::Reset), "no color at all");
}

#[test]
fn the_help_overlay_reads_the_same_list_as_the_bar() {
    let mut app = demo_app("dana", (120, 40));
    press(&mut app, KeyCode::Char('?'));
    let text = screen_text(&app);
    assert!(
        text.contains("Release needs the mini program Admin role; you are Developer (workspace Developer)"),
        "{text}"
    );
    assert!(text.contains("Upload code and a version"));
    press(&mut app, KeyCode::Esc);
    assert!(!app.has_layer());
}
