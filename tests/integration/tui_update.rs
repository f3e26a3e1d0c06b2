//! `update` driven by key messages: navigation, filter, every dialog's
//! happy path and validation, dimmed actions pressed, read-only, welcome,
//! live refresh.

use crate::tui_support::*;
use crossterm::event::KeyCode;
use mpdesk::desk::{Desk, Page, ProgramStatus};
use mpdesk::tui::app::{App, Options, StatusKind};
use mpdesk::tui::config::Config;
use mpdesk::tui::dialogs::{AddMembers, Configure, Confirm, Picker, ProgramForm, Release, TypeToConfirm, Upload};
use mpdesk::tui::router::{update, Message};

fn members_of(app: &App, login: &str, program: &str) -> Vec<String> {
    let actor = app.desk.actor(login).expect("actor");
    app.desk.list_members(&actor, program, Page::ALL).expect("members").into_iter().map(|m| m.login).collect()
}

#[test]
fn navigation_moves_the_selection_and_the_details_follow() {
    let mut app = demo_app("olivia", (100, 30));
    assert_eq!(programs(&app).total, 4);
    assert_eq!(shown_program(&app).expect("selected"), "Coffee Club");
    press(&mut app, KeyCode::Char('j'));
    assert_eq!(shown_program(&app).expect("selected"), "Loyalty Card");
    press(&mut app, KeyCode::Char('G'));
    assert_eq!(shown_program(&app).expect("selected"), "Parking Pass");
    press(&mut app, KeyCode::Down);
    assert_eq!(programs(&app).row(), 3, "stays on the last row");
    press(&mut app, KeyCode::Home);
    assert_eq!(programs(&app).row(), 0);
    press(&mut app, KeyCode::Up);
    assert_eq!(programs(&app).row(), 0, "stays on the first row");
    press(&mut app, KeyCode::Tab);
    assert_eq!(focused_pane(&app).as_deref(), Some("Details"));
    press(&mut app, KeyCode::Tab);
    assert_eq!(focused_pane(&app).as_deref(), Some("Members"));
    press(&mut app, KeyCode::Char('j'));
    assert_eq!(highlighted(&app).expect("member").split(' ').next().unwrap_or_default(), "max");
    press(&mut app, KeyCode::BackTab);
    assert_eq!(focused_pane(&app).as_deref(), Some("Details"));
}

#[test]
fn filter_as_you_type_and_escape_clears() {
    let mut app = demo_app("olivia", (100, 30));
    press(&mut app, KeyCode::Char('/'));
    chars(&mut app, "lu");
    assert_eq!(programs(&app).total, 2, "Lunch Vote and Coffee Club");
    chars(&mut app, "n");
    assert_eq!(programs(&app).total, 1);
    assert_eq!(shown_program(&app).expect("selected"), "Lunch Vote");
    assert!(screen_text(&app).contains("/lun"));
    press(&mut app, KeyCode::Enter);
    let text = screen_text(&app);
    assert!(text.contains("/lun") && !text.contains("/lun▏"), "Enter ends typing: {text}");
    assert_eq!(programs(&app).total, 1, "the filter stays after Enter");
    press(&mut app, KeyCode::Esc);
    assert_eq!(programs(&app).total, 4, "Esc clears");
    assert_eq!(shown_program(&app).expect("s"), "Lunch Vote", "the selection stays");
    press(&mut app, KeyCode::Char('g'));
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Char('/'));
    chars(&mut app, "d");
    assert_eq!(listed(&app, "Members (").total, 2, "dana and devin");
    chars(&mut app, "ev");
    assert_eq!(listed(&app, "Members (").total, 1, "devin");
    press(&mut app, KeyCode::Esc);
    assert_eq!(listed(&app, "Members (").total, 4);
}

#[test]
fn a_dimmed_action_changes_nothing_and_explains_itself() {
    let mut app = demo_app("dana", (100, 30));
    let before = app.desk.audit(&app.desk.actor("olivia").expect("o"), &Default::default()).map(|v| v.len());
    press(&mut app, KeyCode::Char('r'));
    assert!(!app.has_layer(), "no dialog for a refused action");
    assert_eq!(app.status.as_ref().map(|s| s.kind), Some(StatusKind::Error));
    assert_eq!(status(&app), "Release needs the mini program Admin role; you are Developer (workspace Developer)");
    assert_eq!(app.desk.audit(&app.desk.actor("olivia").expect("o"), &Default::default()).map(|v| v.len()), before);
    assert!(screen_text(&app).contains("Release needs the mini program Admin role"));
    press(&mut app, KeyCode::Char('n'));
    assert!(status(&app).starts_with("Create program needs the workspace Owner or Master role"));
    press(&mut app, KeyCode::Char('u'));
    assert!(app.top::<Upload>().is_some(), "upload is allowed for a Developer");
}

#[test]
fn add_members_through_the_dialog() {
    let mut app = demo_app("olivia", (100, 30));
    press(&mut app, KeyCode::Char('a'));
    let Some(dialog) = app.top::<AddMembers>() else { panic!("add members dialog") };
    assert_eq!(dialog.list.items.iter().map(|c| c.login.as_str()).collect::<Vec<_>>(), ["nora"]);
    press(&mut app, KeyCode::Enter);
    assert!(app.has_layer(), "Enter with nobody selected does nothing");
    chars(&mut app, "zz");
    let Some(dialog) = app.top::<AddMembers>() else { panic!("still open") };
    assert!(dialog.list.items.is_empty(), "the filter narrows the list");
    press(&mut app, KeyCode::Backspace);
    press(&mut app, KeyCode::Backspace);
    press(&mut app, KeyCode::Char(' '));
    press(&mut app, KeyCode::Enter);
    assert!(!app.has_layer());
    assert_eq!(status(&app), "added nora (Developer)");
    assert_eq!(listed(&app, "Members (").total, 5, "the members pane shows them at once");
    assert!(members_of(&app, "olivia", "Coffee Club").contains(&"nora".to_string()));
}

#[test]
fn create_and_edit_a_program() {
    let mut app = demo_app("olivia", (100, 30));
    press(&mut app, KeyCode::Char('n'));
    let Some(form) = app.top::<ProgramForm>() else { panic!("form") };
    assert!(form.problem().is_some(), "empty name: confirm dimmed");
    chars(&mut app, " Gift");
    press(&mut app, KeyCode::Enter);
    let Some(form) = app.top::<ProgramForm>() else { panic!("still open on invalid input") };
    assert!(form.problem().expect("problem").contains("leading/trailing spaces"));
    press(&mut app, KeyCode::Home);
    press(&mut app, KeyCode::Delete);
    press(&mut app, KeyCode::End);
    chars(&mut app, " Cards");
    press(&mut app, KeyCode::Tab);
    chars(&mut app, "Send a gift card.");
    press(&mut app, KeyCode::Enter);
    assert!(!app.has_layer(), "created: {}", status(&app));
    assert_eq!(shown_program(&app).expect("new one selected"), "Gift Cards");
    assert_eq!(programs(&app).total, 5);

    press(&mut app, KeyCode::Char('n'));
    chars(&mut app, "Coffee Club");
    press(&mut app, KeyCode::Enter);
    let Some(form) = app.top::<ProgramForm>() else { panic!("duplicate keeps the dialog open") };
    assert!(form.error.as_deref().expect("inline error").contains("already exists"));
    press(&mut app, KeyCode::Esc);

    press(&mut app, KeyCode::Char('e'));
    let Some(form) = app.top::<ProgramForm>() else { panic!("edit form") };
    assert_eq!(form.name.value(), "Gift Cards", "prefilled");
    chars(&mut app, " Plus");
    press(&mut app, KeyCode::Enter);
    assert_eq!(shown_program(&app).expect("selected"), "Gift Cards Plus");
}

#[test]
fn upload_with_validation_then_release_take_offline_and_delete() {
    let dir = tempfile::tempdir().expect("dir");
    let package = dir.path().join("pkg.zip");
    std::fs::write(&package, crate::support::package_of_len(3000, 7)).expect("write");
    let mut app = demo_app("olivia", (100, 30));
    select_program(&mut app, "Coffee Club");
    press(&mut app, KeyCode::Char('u'));
    let Some(upload) = app.top::<Upload>() else { panic!("upload") };
    assert_eq!(upload.version.value(), "1.2.1", "the next patch, pre-filled");
    for _ in 0.."1.2.1".len() {
        press(&mut app, KeyCode::Backspace);
    }
    chars(&mut app, "1.2.0");
    let Some(upload) = app.top::<Upload>() else { panic!("upload") };
    assert_eq!(upload.problem().as_deref(), Some("version must be greater than the latest, 1.2.0"));
    for _ in 0.."1.2.0".len() {
        press(&mut app, KeyCode::Backspace);
    }
    chars(&mut app, "1.3.0");
    press(&mut app, KeyCode::Tab);
    chars(&mut app, "/nonexistent/pkg.zip");
    press(&mut app, KeyCode::Enter);
    let Some(upload) = app.top::<Upload>() else { panic!("a missing file keeps it open") };
    assert!(upload.error.as_deref().expect("inline").starts_with("package file"), "{:?}", upload.error);
    for _ in 0.."/nonexistent/pkg.zip".len() {
        press(&mut app, KeyCode::Backspace);
    }
    chars(&mut app, package.to_str().expect("utf8"));
    press(&mut app, KeyCode::Tab);
    chars(&mut app, "Gift cards");
    press(&mut app, KeyCode::Enter);
    assert!(!app.has_layer(), "{}", status(&app));
    assert_eq!(status(&app), "uploaded 1.3.0 (2.9 KiB)", "a size people read");
    assert_eq!(newest_version(&app).as_deref(), Some("1.3.0"));

    press(&mut app, KeyCode::Char('r'));
    let Some(release) = app.top::<Release>() else { panic!("release") };
    assert_eq!(release.versions[release.selected].version, "1.3.0", "the latest by default");
    press(&mut app, KeyCode::Enter);
    assert_eq!(detail(&app, "Live version").as_deref(), Some("1.3.0"));

    press(&mut app, KeyCode::Char('D'));
    assert!(!app.has_layer(), "delete is dimmed while released");
    assert!(status(&app).contains("take it offline first"));

    press(&mut app, KeyCode::Char('o'));
    assert!(app.top::<Confirm>().is_some());
    press(&mut app, KeyCode::Enter);
    let shown = detail(&app, "Status").unwrap_or_default();
    assert!(shown.ends_with(ProgramStatus::Offline.title()), "{shown}");

    press(&mut app, KeyCode::Char('D'));
    chars(&mut app, "Coffee");
    press(&mut app, KeyCode::Enter);
    assert!(app.top::<TypeToConfirm>().is_some(), "needs the exact name");
    chars(&mut app, " Club");
    press(&mut app, KeyCode::Enter);
    assert!(!app.has_layer());
    assert_eq!(programs(&app).total, 3);
    assert_ne!(shown_program(&app).expect("another"), "Coffee Club");
}

#[test]
fn configure_through_the_dialog() {
    let mut app = demo_app("olivia", (100, 30));
    press(&mut app, KeyCode::Char('c'));
    press(&mut app, KeyCode::Char(' '));
    press(&mut app, KeyCode::Tab);
    chars(&mut app, "http://pay.example");
    let Some(dialog) = app.top::<Configure>() else { panic!("configure") };
    assert!(dialog.problem().expect("problem").starts_with("domain must be an https:// origin"));
    press(&mut app, KeyCode::Home);
    press(&mut app, KeyCode::Right);
    press(&mut app, KeyCode::Right);
    press(&mut app, KeyCode::Right);
    press(&mut app, KeyCode::Right);
    chars(&mut app, "s");
    press(&mut app, KeyCode::Tab);
    chars(&mut app, "-2");
    press(&mut app, KeyCode::Enter);
    assert!(!app.has_layer(), "{}", status(&app));
    let config = &app.selection.as_ref().expect("s").detail.config;
    assert_eq!(config.domains, ["https://img.coffeeclub.example", "https://pay.example"]);
    assert_eq!(config.client_id.as_deref(), Some("coffee-club-web-2"));
}

#[test]
fn remove_member_confirm_and_a_master_cannot_be_removed() {
    let mut app = demo_app("olivia", (100, 30));
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Char('j'));
    press(&mut app, KeyCode::Char('x'));
    assert!(!app.has_layer());
    assert!(status(&app).contains("max reaches every mini program as workspace Master"), "{}", status(&app));
    press(&mut app, KeyCode::Char('j'));
    press(&mut app, KeyCode::Char('x'));
    assert!(app.top::<Confirm>().is_some());
    press(&mut app, KeyCode::Esc);
    assert!(!app.has_layer(), "Esc cancels");
    press(&mut app, KeyCode::Char('x'));
    press(&mut app, KeyCode::Enter);
    assert_eq!(status(&app), "removed dana");
    assert!(!members_of(&app, "olivia", "Coffee Club").contains(&"dana".to_string()));
}

#[test]
fn personas_and_workspaces_switch() {
    let mut app = demo_app("olivia", (100, 30));
    press(&mut app, KeyCode::Char('p'));
    chars(&mut app, "DIAZ");
    let Some(picker) = app.top::<Picker>() else { panic!("persona picker") };
    assert_eq!(picker.shown().len(), 1, "type to filter, ignoring case");
    press(&mut app, KeyCode::Enter);
    assert_eq!(shown_login(&app), "dana");
    assert_eq!(programs(&app).total, 3);
    assert!(screen_text(&app).contains("dana (Developer)"));
    press(&mut app, KeyCode::Char('w'));
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Enter);
    assert_eq!(header(&app).workspace, "Side Projects");
    assert!(screen_text(&app).contains("dana (Master)"));
    assert_eq!(detail(&app, "Your role").as_deref(), Some("Admin — workspace Master"));
}

#[test]
fn read_only_grays_out_every_change() {
    let desk = demo_desk();
    let mut app =
        App::new(desk, "olivia", Options { read_only: true, ..Options::default() }, Config::default(), (100, 30));
    for key in ['n', 'e', 'a', 'u', 'c', 'r', 'o', 'D'] {
        press(&mut app, KeyCode::Char(key));
        assert!(!app.has_layer(), "{key} must not open a dialog");
        assert!(status(&app).ends_with("read-only session"), "{key}: {}", status(&app));
    }
    assert!(screen_text(&app).contains("READ-ONLY"));
}

#[test]
fn the_welcome_screen_registers_and_creates_a_workspace() {
    let mut app = App::new(fixed_desk(), "zed", Options::default(), Config::default(), (100, 30));
    let text = screen_text(&app);
    assert!(text.contains("Welcome to mpdesk"), "{text}");
    assert!(text.contains("You are zed, not registered yet"), "{text}");
    assert!(text.contains("Load the demo data"));
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Enter);
    let text = screen_text(&app);
    assert!(text.contains("Welcome to mpdesk") && text.contains("workspace name must be 1–64"), "{text}");
    assert!(app.desk.actor("zed").is_err(), "nothing registered on bad input");
    chars(&mut app, "Zed's Team");
    press(&mut app, KeyCode::Enter);
    assert!(!screen_text(&app).contains("Welcome to mpdesk"), "{}", screen_text(&app));
    assert_eq!(header(&app).workspace, "Zed's Team");
    assert!(screen_text(&app).contains("No mini programs you can view here."));
}

#[test]
fn the_welcome_screen_loads_the_demo() {
    let mut app = App::new(fixed_desk(), "zed", Options::default(), Config::default(), (100, 30));
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Enter);
    assert!(!screen_text(&app).contains("Welcome to mpdesk"), "{}", screen_text(&app));
    assert_eq!(shown_login(&app), "olivia");
    let text = screen_text(&app);
    assert!(
        text.lines().next().is_some_and(|l| l.ends_with("DEMO")) && text.contains("p persona"),
        "persona switching is on: {text}"
    );
}

#[test]
fn another_processs_change_shows_up_on_the_next_tick() {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("live.db");
    let mut writer = Desk::open(&path).expect("desk");
    writer.load_demo_data().expect("demo");
    let mut app =
        App::new(Desk::open(&path).expect("desk"), "olivia", Options::default(), Config::default(), (100, 30));
    assert_eq!(listed(&app, "Members (").total, 4);
    let olivia = writer.actor("olivia").expect("actor");
    writer.add_members(&olivia, "Coffee Club", &["nora".to_string()], None).expect("add");
    update(&mut app, Message::Tick);
    assert_eq!(listed(&app, "Members (").total, 5, "seen without a keypress");
    writer.create_program(&olivia, "Acme Mini Apps", "Zebra", "").expect("create");
    update(&mut app, Message::Tick);
    assert_eq!(programs(&app).total, 5);
    assert_eq!(shown_program(&app).expect("s"), "Coffee Club", "the selection stays");
}

#[test]
fn hostile_data_is_shown_not_obeyed() {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("hostile.db");
    let mut desk = Desk::open(&path).expect("desk");
    desk.load_demo_data().expect("demo");
    let conn = rusqlite::Connection::open(&path).expect("raw");
    conn.execute(
        "UPDATE programs SET name = 'Evil' || char(27) || ']0;pwned' || char(7) || char(8238), description = 'a' || char(27) || '[2Jb', created_at = char(27) || '[5m2026' WHERE name = 'Coffee Club'",
        [],
    )
    .expect("update");
    let app = App::new(desk, "olivia", Options::default(), Config::default(), (100, 30));
    let buffer = render(&app);
    let text = screen(&buffer);
    assert!(text.contains("Evil^[]0;pwned^G<U+202E>"), "{text}");
    assert!(text.contains("a^[[2Jb"));
    assert!(text.contains("^[[5m2026"), "timestamps are data too");
    for cell in buffer.content() {
        assert!(!cell.symbol().chars().any(|c| c.is_control() || ('\u{202A}'..='\u{202E}').contains(&c)));
    }
}

#[test]
fn a_long_member_list_is_paged_and_counted_only_when_needed() {
    let mut desk = demo_desk();
    let olivia = desk.actor("olivia").expect("olivia");
    let mut logins = Vec::new();
    for i in 0..450 {
        let login = format!("dev{i:03}");
        desk.add_user(&login, None, None).expect("user");
        desk.add_workspace_member(&olivia, "Acme Mini Apps", &login, mpdesk::desk::WorkspaceRole::Developer, None)
            .expect("ws");
        logins.push(login);
    }
    desk.add_members(&olivia, "Coffee Club", &logins, None).expect("members");
    let mut app = App::new(desk, "olivia", Options::default(), Config::default(), (100, 30));
    assert!(!listed(&app, "Members (").exact);
    assert!(screen_text(&app).contains("Members (200+)"), "{}", screen_text(&app));
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Tab);
    for _ in 0..100 {
        press(&mut app, KeyCode::PageDown);
    }
    assert!(listed(&app, "Members (").exact, "reaching the end pages on until the list is known");
    assert_eq!(listed(&app, "Members (").total, 454);
    let last = highlighted(&app).expect("the last member");
    assert!(last.starts_with("dev449 "), "members in the order they were added: {last}");
    press(&mut app, KeyCode::Char('g'));
    assert!(highlighted(&app).expect("the first member").starts_with("olivia "));
    press(&mut app, KeyCode::BackTab);
    press(&mut app, KeyCode::BackTab);
    press(&mut app, KeyCode::Char('j'));
    press(&mut app, KeyCode::Char('k'));
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Char('G'));
    assert_eq!((listed(&app, "Members (").total, listed(&app, "Members (").exact), (454, true), "G counts once");
    assert!(highlighted(&app).expect("the last member").starts_with("dev449 "), "G goes to the last");
}

#[test]
fn a_long_program_list_pages_consistently_both_ways() {
    let mut desk = fixed_desk();
    desk.add_user("lead", None, None).expect("user");
    let lead = desk.actor("lead").expect("lead");
    desk.create_workspace(&lead, "Big").expect("workspace");
    for i in 0..700 {
        desk.create_program(&lead, "Big", &format!("P{i:04}"), "").expect("program");
    }
    let mut app = App::new(desk, "lead", Options::default(), Config::default(), (100, 30));
    let check = |app: &App| {
        let expected = format!("P{:04}", programs(app).row());
        let row = highlighted(app).unwrap_or_default();
        assert!(row.split_whitespace().any(|word| word == expected), "the selected row: {row}");
        assert_eq!(shown_program(app), Some(expected));
        let visible: Vec<String> = app
            .screens
            .programs
            .list
            .visible(mpdesk::tui::layout::list_height(app.ui_size(), mpdesk::tui::app::Pane::Programs))
            .map(|(i, p)| format!("{i}:{}", p.name))
            .collect();
        for row in &visible {
            let (i, name) = row.split_once(':').expect("row");
            assert_eq!(name, format!("P{:04}", i.parse::<u64>().expect("index")), "the visible window is in order");
        }
        assert_eq!(
            visible.len() as u16,
            mpdesk::tui::layout::list_height(app.ui_size(), mpdesk::tui::app::Pane::Programs).min(700),
            "every visible row is loaded"
        );
    };
    for _ in 0..40 {
        press(&mut app, KeyCode::PageDown);
        check(&app);
    }
    assert_eq!(programs(&app).row(), 699);
    for _ in 0..40 {
        press(&mut app, KeyCode::PageUp);
        check(&app);
    }
    assert_eq!(programs(&app).row(), 0);
    press(&mut app, KeyCode::End);
    check(&app);
    for _ in 0..250 {
        press(&mut app, KeyCode::Char('k'));
    }
    check(&app);
    press(&mut app, KeyCode::Home);
    check(&app);
    assert!(app.screens.programs.list.rows.len() as u64 <= 2 * mpdesk::tui::window::PAGE, "the window stays bounded");
}
