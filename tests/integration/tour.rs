//! The guided tour, played whole through `update` with the keys each step
//! expects (looked up through the keymap), so it can never drift from the
//! keymap, the demo data or the rules; going back and resetting; the panel
//! at two sizes; and the first steps in a real terminal.

use crate::pty::Console;
use crate::tui_support::*;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use mpdesk::tui::action::Action;
use mpdesk::tui::app::{App, Options, Tab};
use mpdesk::tui::config::Config;
use mpdesk::tui::router::{update, Message};
use mpdesk::tui::tour::{Done, Press};

fn tour_app(size: (u16, u16)) -> App {
    let options = Options { demo: true, tour: true, ..Options::default() };
    App::new(demo_desk(), "olivia", options, Config::default(), size)
}

fn press_key(app: &mut App, (code, modifiers): (KeyCode, KeyModifiers)) {
    update(app, Message::Key(KeyEvent::new(code, modifiers)));
}

fn act(app: &mut App, action: Action) {
    let key = app.keymap.key(action).unwrap_or_else(|| panic!("{action:?} has no key"));
    press_key(app, key);
}

/// Does the current step the way its `keys` say.
fn play_step(app: &mut App) {
    let step = app.tour.as_ref().and_then(|t| t.step().cloned()).expect("a step");
    for press in &step.keys {
        match press {
            Press::Action(action) => act(app, *action),
            Press::Text(text) => chars(app, text),
            Press::Key(key) => press_key(app, *key),
        }
    }
}

fn current(app: &App) -> (usize, bool) {
    let tour = app.tour.as_ref().expect("the tour");
    (tour.current, tour.done)
}

#[test]
fn the_whole_tour_plays_through_with_the_keys_each_step_expects() {
    let mut app = tour_app((120, 40));
    let steps = app.tour.as_ref().expect("tour").steps.clone();
    for (i, step) in steps.iter().enumerate() {
        assert_eq!(current(&app), (i, false), "step {} \"{}\" is not where the tour is", i + 1, step.title);
        assert_eq!(shown_login(&app), step.persona, "step {} starts as its persona", i + 1);
        assert_eq!(header(&app).tab, Some(step.tab), "step {} starts on its tab", i + 1);
        assert!(!app.holds(&step.done), "step {} \"{}\" is done before it was played", i + 1, step.title);
        play_step(&mut app);
        assert!(
            app.holds(&step.done),
            "step {} \"{}\": its condition does not hold:\n{}",
            i + 1,
            step.title,
            screen(&render(&app))
        );
        assert_eq!(current(&app), (i, true), "step {} is not marked done", i + 1);
        let panel = screen(&render(&app));
        assert!(panel.contains(&format!("step {} of {}", i + 1, steps.len())), "{panel}");
        assert!(panel.contains("✓"), "the explanation is not shown:\n{panel}");
        act(&mut app, Action::TourNext);
    }
    // Past the last step, Ctrl-n says so and stays.
    assert_eq!(current(&app).0, steps.len() - 1);
    assert!(crate::tui_support::status(&app).contains("last step"));
    // Every rule of the seed page was shown by a step.
    let dones: Vec<&Done> = steps.iter().map(|s| &s.done).collect();
    for expected in [
        Done::Action(Action::TabRoles),
        Done::Program("Tour Demo".to_string()),
        Done::Member { login: "nora".to_string(), program: "Coffee Club".to_string() },
        Done::Refused(Action::Release),
        Done::Workspace("Side Projects".to_string()),
        Done::Refused(Action::Delete),
        Done::Action(Action::TabAudit),
    ] {
        assert!(dones.contains(&&expected), "no step shows {expected:?}");
    }
}

#[test]
fn going_back_restores_the_step_start_and_reset_restores_the_demo() {
    let mut app = tour_app((120, 40));
    let audit_at_start = audit_count(&app);
    // Steps 1–3, then step 4 adds nora to Coffee Club.
    for _ in 0..3 {
        play_step(&mut app);
        act(&mut app, Action::TourNext);
    }
    assert_eq!(current(&app), (3, false));
    let nora_on_coffee = Done::Member { login: "nora".to_string(), program: "Coffee Club".to_string() };
    play_step(&mut app);
    assert!(app.holds(&nora_on_coffee));
    act(&mut app, Action::TourNext);
    play_step(&mut app);
    assert_eq!(shown_login(&app), "dana");
    // Back to step 4: nora is not on Coffee Club again, olivia on the Programs tab.
    act(&mut app, Action::TourPrev);
    assert_eq!(current(&app), (3, false));
    assert_eq!((shown_login(&app).as_str(), header(&app).tab), ("olivia", Some(Tab::Programs)));
    assert!(!app.holds(&nora_on_coffee), "going back did not restore the step's data");
    assert_eq!(shown_program(&app).as_deref(), Some("Coffee Club"));
    // The presenter repeats it.
    play_step(&mut app);
    assert!(app.holds(&nora_on_coffee));

    // Reset (with a confirmation): the demo as it started, the tour at step 1.
    act(&mut app, Action::DemoReset);
    assert!(app.has_layer(), "reset asks first");
    press_key(&mut app, (KeyCode::Enter, KeyModifiers::NONE));
    assert_eq!(current(&app), (0, false));
    assert!(!app.holds(&nora_on_coffee));
    assert!(!app.holds(&Done::Program("Tour Demo".to_string())));
    assert_eq!(audit_count(&app), audit_at_start, "the audit log is the demo's own again");
}

fn audit_count(app: &App) -> usize {
    let actor = app.desk.actor("olivia").expect("olivia");
    let query = mpdesk::desk::AuditQuery { limit: 10_000, ..Default::default() };
    app.desk.audit(&actor, &query).expect("audit").len()
}

#[test]
fn demo_reset_works_without_the_tour_too() {
    let mut app = crate::tui_support::demo_app("olivia", (100, 30));
    let before = audit_count(&app);
    let coffee = crate::tui_support::detail(&app, "App ID").expect("a program selected");
    let olivia = app.desk.actor("olivia").expect("olivia");
    app.desk.remove_member(&olivia, &coffee, "dana").expect("remove");
    act(&mut app, Action::DemoReset);
    press_key(&mut app, (KeyCode::Enter, KeyModifiers::NONE));
    assert_eq!(audit_count(&app), before);
    assert!(app
        .desk
        .list_members(&olivia, &coffee, mpdesk::desk::Page::new(0, 50))
        .expect("members")
        .iter()
        .any(|m| m.login == "dana"));
}

#[test]
fn the_panel_at_80x24_and_120x40() {
    for (w, h) in [(80, 24), (120, 40)] {
        let mut app = tour_app((w, h));
        insta::assert_snapshot!(format!("tour_step1_{w}x{h}"), screen(&render(&app)));
        play_step(&mut app);
        insta::assert_snapshot!(format!("tour_step1_done_{w}x{h}"), screen(&render(&app)));
    }
}

#[test]
fn show_keys_shows_the_last_keys_pressed() {
    let options = Options { demo: true, show_keys: true, ..Options::default() };
    let mut app = App::new(demo_desk(), "olivia", options, Config::default(), (100, 30));
    for c in "jjk".chars() {
        press_key(&mut app, (KeyCode::Char(c), KeyModifiers::NONE));
    }
    press_key(&mut app, (KeyCode::Char('r'), KeyModifiers::CONTROL));
    let shown = screen(&render(&app));
    assert!(shown.lines().any(|l| l.ends_with("⌨ j j k C-r")), "{shown}");
}

#[test]
fn the_first_three_steps_in_a_real_terminal() {
    let home = tempfile::tempdir().expect("dir");
    let mut console = Console::start(&["--demo", "--tour"], home.path());
    console.wait_for("step 1 of");
    console.keys("4");
    console.wait_for("✓ A mini program has two roles");
    console.keys("\x0e"); // Ctrl-n
    console.wait_for("step 2 of");
    console.keys("jj");
    console.wait_for("✓ Owners and Masters are Admins");
    console.keys("\x0e");
    console.wait_for("step 3 of");
    console.keys("n");
    console.wait_for("Create");
    console.keys("Tour Demo\r");
    console.wait_for("✓ As an Owner you may create");
    console.keys("\x0e");
    console.wait_for("step 4 of");
    console.keys("q");
    console.wait_exit();
}

/// With every key the tour names remapped, each caption names the new key
/// (never the default), and the tour plays through with the new keys. Each
/// step's claims that the screen can show hold: the audit log holds what
/// the last step says it does, and not the refusals it says are absent.
#[test]
fn captions_name_remapped_keys_and_say_only_what_the_screen_shows() {
    let text = "[keys]\ntab_roles = \"F2\"\ntab_audit = \"F3\"\ncreate_program = \"F4\"\nadd_members = \"F6\"\n\
                switch_persona = \"F7\"\nrelease = \"F8\"\nswitch_workspace = \"F10\"\ninvite = \"F11\"\n\
                block_member = \"F12\"\ndelete = \"ctrl-x\"\nupload = \"ctrl-u\"\nundo = \"ctrl-z\"\ndemo_reset = \"F9\"\n";
    let config = mpdesk::tui::config::parse("config.toml", text, None).expect("config");
    let options = Options { demo: true, tour: true, ..Options::default() };
    let mut app = App::new(demo_desk(), "olivia", options, config, (120, 40));
    let steps = app.tour.as_ref().expect("tour").steps.clone();
    for (i, step) in steps.iter().enumerate() {
        let panel = screen(&render(&app));
        for default in [
            "Press 4 ", "Press 3 ", "Press n,", "press a.", "Press p,", "Press r ", "Press w ", "Press i,", "press b,",
            "Press D ", "Press D,",
        ] {
            assert!(
                !panel.contains(default),
                "step {}: the caption names the default key {default:?}:\n{panel}",
                i + 1
            );
        }
        play_step(&mut app);
        assert!(app.holds(&step.done), "step {} \"{}\" did not complete with the remapped keys", i + 1, step.title);
        let panel = screen(&render(&app));
        assert!(!panel.contains("Upload (u)") && !panel.contains("F5 starts"), "{panel}");
        act(&mut app, Action::TourNext);
    }
    let panel = screen(&render(&app));
    assert!(panel.contains("F9 starts the demo over"), "{panel}");
    // The last step's claims, against the log.
    let olivia = app.desk.actor("olivia").expect("olivia");
    let query = mpdesk::desk::AuditQuery { limit: 200, ..Default::default() };
    let log = app.desk.audit(&olivia, &query).expect("audit");
    let newest: Vec<&str> = log.iter().take(8).map(|(_, e)| e.operation.as_str()).collect();
    for made in ["program_create", "member_add", "workspace_invite", "workspace_member_block", "program_delete"] {
        assert!(newest.contains(&made), "the log lacks {made}: {newest:?}");
    }
    assert!(log.iter().all(|(_, e)| e.outcome == "ok"), "a dimmed key wrote a refusal to the log");
}

/// At 80×24 the panel takes the rows its text needs (no blank ones), and a
/// dialog opened during a step leaves the caption readable.
#[test]
fn the_panel_fits_its_text_and_a_dialog_leaves_the_caption_readable() {
    let mut app = tour_app((80, 24));
    let shown = screen(&render(&app));
    let panel: Vec<&str> = shown.lines().skip_while(|l| !l.contains("Tour · step 1")).collect();
    assert!(panel.len() >= 3, "{shown}");
    let inside = &panel[1..panel.len() - 1];
    assert!(inside.iter().all(|l| !l.trim_matches(|c| c == '│' || c == ' ').is_empty()), "a blank row:\n{shown}");
    // Step 4: the add-members dialog is open while the caption asks to pick nora.
    for _ in 0..3 {
        play_step(&mut app);
        act(&mut app, Action::TourNext);
    }
    act(&mut app, Action::AddMembers);
    assert!(app.has_layer(), "the dialog is open");
    let shown = screen(&render(&app));
    assert!(shown.contains("Add members to Coffee Club"), "{shown}");
    assert!(shown.contains("On Coffee Club, press a. Pick nora"), "the caption is covered:\n{shown}");
}

/// A key as a terminal sends it.
fn bytes_of((code, modifiers): (KeyCode, KeyModifiers)) -> String {
    match code {
        KeyCode::Char(c) if modifiers.contains(KeyModifiers::CONTROL) => {
            char::from((c.to_ascii_lowercase() as u8) & 0x1f).to_string()
        }
        KeyCode::Char(c) => c.to_string(),
        KeyCode::Enter => "\r".to_string(),
        KeyCode::Esc => "\x1b".to_string(),
        KeyCode::Tab => "\t".to_string(),
        KeyCode::Backspace => "\x7f".to_string(),
        KeyCode::Up => "\x1b[A".to_string(),
        KeyCode::Down => "\x1b[B".to_string(),
        KeyCode::F(n @ 1..=4) => format!("\x1bO{}", (b'P' + n - 1) as char),
        KeyCode::F(n) => format!("\x1b[{}~", [15, 17, 18, 19, 20, 21, 23, 24][(n as usize).saturating_sub(5).min(7)]),
        other => panic!("no bytes for {other:?}"),
    }
}

/// The whole tour in a real terminal, as a presenter plays it, with the
/// default keys and with every key it names remapped: each step's claims
/// (`shows` in tour.toml) are read off the screen once it is done.
#[test]
fn every_step_shows_what_its_explanation_claims_in_a_real_terminal() {
    let remapped = "[keys]\ntab_roles = \"F2\"\ntab_audit = \"F3\"\ncreate_program = \"F4\"\nadd_members = \"F6\"\n\
                    switch_persona = \"F7\"\nrelease = \"F8\"\nswitch_workspace = \"F10\"\ninvite = \"F11\"\n\
                    block_member = \"F12\"\ndelete = \"ctrl-x\"\ntour_next = \"ctrl-y\"\n";
    for config in ["", remapped] {
        let home = tempfile::tempdir().expect("dir");
        let file = home.path().join("config.toml");
        std::fs::write(&file, config).expect("config");
        let keymap = mpdesk::tui::config::parse("config.toml", config, None).expect("config").keymap;
        let key = |action: Action| bytes_of(keymap.key(action).unwrap_or_else(|| panic!("{action:?} unbound")));
        let path = file.to_str().expect("utf8").to_string();
        let mut console = Console::start(&["--demo", "--tour", "--config", &path], home.path());
        let steps = mpdesk::tui::tour::builtin().expect("tour");
        for (i, step) in steps.iter().enumerate() {
            console.wait_for(&format!("step {} of {}", i + 1, steps.len()));
            for press in &step.keys {
                let bytes = match press {
                    Press::Action(action) => key(*action),
                    Press::Text(text) => text.clone(),
                    Press::Key(k) => bytes_of(*k),
                };
                console.keys(&bytes);
            }
            assert!(!step.shows.is_empty(), "step {} claims nothing the screen shows", i + 1);
            for claim in &step.shows {
                let parts: Vec<&str> = claim.split(" … ").collect();
                console.wait_for_line(&parts, std::time::Duration::from_secs(10));
            }
            console.keys(&key(Action::TourNext));
        }
        console.keys("q");
        console.wait_exit();
    }
}

/// At 100×30 the demo's hint for a second terminal is whole above the
/// tour's panel: the rows it borrows come from the panes, not the panel.
#[test]
fn the_second_terminal_hint_is_whole_above_the_panel_at_100x30() {
    let mut app = tour_app((100, 30));
    app.show_database(std::path::Path::new("/tmp/mpdesk-demo-54mPJy/demo.db"));
    let shown = screen(&render(&app));
    let words = shown.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(words.contains("--db /tmp/mpdesk-demo-54mPJy/demo.db --user eve …)"), "{shown}");
    let lines: Vec<&str> = shown.lines().collect();
    assert!(lines[lines.len() - 2].contains("You are olivia"), "{shown}");
    assert!(lines[lines.len() - 3].starts_with("┌ Tour · step 1 of 12"), "{shown}");
}
