//! The Members, Audit and Roles tabs: flows driven by keys, snapshots as
//! Owner, Master and Developer, dimmed-style assertions, countdowns, and
//! audit paging that stays consistent in both directions.

use crate::tui_support::*;
use crossterm::event::KeyCode;
use mpdesk::desk::{MemberStatus, WorkspaceRole};
use mpdesk::tui::app::{App, Options, Tab};
use mpdesk::tui::config::Config;
use mpdesk::tui::dialogs::{InvitationList, Invite, SetExpiry, TypeToConfirm};
use mpdesk::tui::layout;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier};

fn members_tab(login: &str) -> App {
    let mut app = demo_app(login, (100, 30));
    let olivia = app.desk.actor("olivia").expect("olivia");
    app.desk.invite(&olivia, "Acme Mini Apps", "eve", WorkspaceRole::Developer, None).expect("invite eve");
    app.desk.block_member(&olivia, "Acme Mini Apps", "devin").expect("block devin");
    press(&mut app, KeyCode::Char('2'));
    app
}

#[test]
fn tabs_switch_with_numbers_and_brackets() {
    let mut app = demo_app("olivia", (100, 30));
    for (key, tab) in [('2', Tab::Members), ('3', Tab::Audit), ('4', Tab::Roles), ('1', Tab::Programs)] {
        press(&mut app, KeyCode::Char(key));
        assert_eq!(header(&app).tab, Some(tab));
    }
    press(&mut app, KeyCode::Char(']'));
    assert_eq!(header(&app).tab, Some(Tab::Members));
    press(&mut app, KeyCode::Char('['));
    press(&mut app, KeyCode::Char('['));
    assert_eq!(header(&app).tab, Some(Tab::Roles), "wraps around");
}

#[test]
fn members_tab_snapshots_as_owner_master_and_developer() {
    for login in ["olivia", "max", "dana"] {
        let mut app = members_tab(login);
        press(&mut app, KeyCode::Char('j'));
        press(&mut app, KeyCode::Char('j'));
        insta::assert_snapshot!(format!("members_tab_{login}"), screen_text(&app));
    }
}

#[test]
fn the_countdown_and_statuses_show() {
    let app = members_tab("olivia");
    let text = screen_text(&app);
    assert!(text.contains("invited") && text.contains("expires in 3d 0h"), "{text}");
    assert!(text.contains("blocked"));
}

#[test]
fn member_actions_are_dimmed_by_the_rules() {
    // max (Master) on the row of dana (Developer): block and remove allowed,
    // role change (to Master) is the Owner's.
    let mut app = members_tab("max");
    while highlighted(&app).as_deref().and_then(|row| row.split(' ').next()) != Some("dana") {
        press(&mut app, KeyCode::Char('j'));
    }
    let buffer = render(&app);
    let bar = |needle: &str| {
        let areas = layout::main_areas(Rect::new(0, 0, 100, 30));
        for y in areas.hints.y..areas.hints.y + areas.hints.height {
            let text: String = (0..100).map(|x| buffer[(x, y)].symbol()).collect();
            if let Some(at) = text.find(needle) {
                return buffer[(text[..at].chars().count() as u16, y)].style();
            }
        }
        panic!("{needle} not in the bar");
    };
    assert!(!bar("b block").add_modifier.contains(Modifier::DIM));
    assert!(!bar("x remove").add_modifier.contains(Modifier::DIM));
    assert!(bar("R role").add_modifier.contains(Modifier::DIM));
    assert_eq!(bar("R role").fg, Some(Color::DarkGray));
    press(&mut app, KeyCode::Char('R'));
    assert!(!app.has_layer());
    assert_eq!(
        status(&app),
        "Making someone a Master needs the workspace Owner role; you are Master in this workspace"
    );
    // A Developer: everything that changes membership is dimmed.
    let mut app = members_tab("dana");
    press(&mut app, KeyCode::Char('i'));
    assert!(!app.has_layer());
    assert!(
        status(&app).starts_with("Inviting a Developer needs the workspace Owner or Master role"),
        "{}",
        status(&app)
    );
}

#[test]
fn invite_block_unblock_and_remove_through_dialogs() {
    let mut app = demo_app("max", (100, 30));
    press(&mut app, KeyCode::Char('2'));
    press(&mut app, KeyCode::Char('i'));
    let Some(invite) = app.top::<Invite>() else { panic!("invite dialog") };
    assert!(
        invite.roles.iter().any(|(r, d)| *r == WorkspaceRole::Master && d.is_err()),
        "a Master cannot invite Masters"
    );
    chars(&mut app, "sam");
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Enter);
    assert!(app.has_layer(), "Master role refused: the confirm stays dimmed");
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Enter);
    assert!(!app.has_layer(), "{}", status(&app));
    assert!(status(&app).starts_with("invited sam as Developer"));
    let row = row_words(&app, "Login", "sam").expect("listed");
    assert!(row.iter().any(|word| word == MemberStatus::Invited.as_str()), "{row:?}");

    while highlighted(&app).as_deref().and_then(|row| row.split(' ').next()) != Some("nora") {
        press(&mut app, KeyCode::Char('j'));
    }
    press(&mut app, KeyCode::Char('b'));
    press(&mut app, KeyCode::Enter);
    let row = highlighted(&app).unwrap_or_default();
    assert!(row.split_whitespace().any(|word| word == MemberStatus::Blocked.as_str()), "{row}");
    press(&mut app, KeyCode::Char('b'));
    press(&mut app, KeyCode::Enter);
    let row = highlighted(&app).unwrap_or_default();
    assert!(row.split_whitespace().any(|word| word == MemberStatus::Active.as_str()), "b unblocks: {row}");
    press(&mut app, KeyCode::Char('x'));
    press(&mut app, KeyCode::Enter);
    assert_eq!(status(&app), "removed nora from Acme Mini Apps");
    assert_eq!(row_words(&app, "Login", "nora"), None);
}

#[test]
fn resend_withdraw_and_transfer() {
    let mut app = members_tab("olivia");
    press(&mut app, KeyCode::Char('G'));
    assert_eq!(highlighted(&app).as_deref().and_then(|row| row.split(' ').next()), Some("eve"));
    press(&mut app, KeyCode::Char('s'));
    press(&mut app, KeyCode::Enter);
    assert_eq!(status(&app), "resent eve's invitation");
    press(&mut app, KeyCode::Char('W'));
    press(&mut app, KeyCode::Enter);
    assert_eq!(status(&app), "withdrew eve's invitation");
    press(&mut app, KeyCode::Char('g'));
    press(&mut app, KeyCode::Char('j'));
    assert_eq!(highlighted(&app).as_deref().and_then(|row| row.split(' ').next()), Some("max"));
    press(&mut app, KeyCode::Char('T'));
    chars(&mut app, "Acme");
    press(&mut app, KeyCode::Enter);
    assert!(app.top::<TypeToConfirm>().is_some(), "the workspace name must be typed in full");
    chars(&mut app, " Mini Apps");
    press(&mut app, KeyCode::Enter);
    assert!(!app.has_layer(), "{}", status(&app));
    assert_eq!(header(&app).person, format!("olivia ({})", WorkspaceRole::Master.title()));
}

#[test]
fn pending_invitations_show_on_start_and_can_be_accepted() {
    let mut desk = demo_desk();
    let olivia = desk.actor("olivia").expect("olivia");
    desk.invite(&olivia, "Acme Mini Apps", "sam", WorkspaceRole::Master, None).expect("invite");
    let mut app = App::new(desk, "sam", Options::default(), Config::default(), (100, 30));
    assert!(app.top::<InvitationList>().is_some(), "shown on start");
    insta::assert_snapshot!("invitations_on_start", screen_text(&app));
    press(&mut app, KeyCode::Enter);
    assert_eq!(status(&app), "you joined Acme Mini Apps as Master");
    assert_eq!(workspaces_listed(&mut app).len(), 2, "{:?}", workspaces_listed(&mut app));
}

#[test]
fn the_welcome_screen_offers_invitations() {
    let mut desk = demo_desk();
    desk.add_user("zed", Some("Zed"), None).expect("user");
    let olivia = desk.actor("olivia").expect("olivia");
    desk.invite(&olivia, "Acme Mini Apps", "zed", WorkspaceRole::Developer, None).expect("invite");
    let mut app = App::new(desk, "zed", Options::default(), Config::default(), (100, 30));
    let text = screen_text(&app);
    assert!(text.contains("Acme Mini Apps as Developer"), "{text}");
    insta::assert_snapshot!("welcome_with_invitation", text);
    press(&mut app, KeyCode::Enter);
    assert_eq!(Some(header(&app).workspace.as_str()), Some("Acme Mini Apps"));
}

#[test]
fn audit_tab_snapshots_and_filter() {
    for login in ["olivia", "max", "dana"] {
        let mut app = demo_app(login, (120, 30));
        press(&mut app, KeyCode::Char('3'));
        insta::assert_snapshot!(format!("audit_tab_{login}"), screen_text(&app));
    }
    let mut app = demo_app("olivia", (120, 30));
    press(&mut app, KeyCode::Char('3'));
    press(&mut app, KeyCode::Char('/'));
    chars(&mut app, "lunch");
    let rows = table_rows(&app, "At ");
    assert!(!rows.is_empty() && rows.iter().all(|row| row.contains("Lunch Vote")), "{rows:?}");
    assert_eq!(listed(&app, "Audit log (").total, 5, "create, member_add, upload, release, take_offline");
    press(&mut app, KeyCode::Esc);
    assert_eq!(listed(&app, "Audit log (").total, 24);
}

#[test]
fn roles_tab_snapshots() {
    for login in ["olivia", "max", "dana"] {
        let mut app = demo_app(login, (120, 30));
        press(&mut app, KeyCode::Char('4'));
        let text = screen_text(&app);
        insta::assert_snapshot!(format!("roles_tab_{login}"), text);
    }
    let mut app = demo_app("dana", (120, 30));
    press(&mut app, KeyCode::Char('4'));
    let text = screen_text(&app);
    assert!(
        text.contains("Release needs the mini program Admin role; you are Developer (workspace Developer)"),
        "{text}"
    );
    assert!(text.contains("You on Coffee Club: Developer — program member, workspace Developer"));
}

#[test]
fn a_long_audit_log_pages_consistently_both_ways() {
    let mut desk = fixed_desk();
    desk.add_user("lead", None, None).expect("user");
    let lead = desk.actor("lead").expect("lead");
    desk.create_workspace(&lead, "Big").expect("workspace");
    desk.create_program(&lead, "Big", "App", "").expect("program");
    for i in 0..900 {
        desk.edit_program(&lead, "App", &mpdesk::desk::ProgramEdit { name: None, description: Some(format!("d{i}")) })
            .expect("edit");
    }
    let total = 902u64; // workspace_create, program_create, 900 edits (user_add is in no workspace)
    let newest = 903u64;
    let mut app = App::new(desk, "lead", Options::default(), Config::default(), (100, 30));
    press(&mut app, KeyCode::Char('3'));
    assert!(!listed(&app, "Audit log (").exact);
    let ids = |app: &App| {
        let visible: Vec<(u64, i64)> = app
            .screens
            .audit
            .list
            .visible(mpdesk::tui::layout::tab_list_height(app.ui_size()))
            .map(|(i, (id, _))| (i, *id))
            .collect();
        for (index, id) in &visible {
            assert_eq!(*id as u64, newest - index, "row {index} shows the entry it should");
        }
        assert_eq!(visible.len() as u16, mpdesk::tui::layout::tab_list_height(app.ui_size()));
    };
    for _ in 0..60 {
        press(&mut app, KeyCode::PageDown);
        ids(&app);
    }
    assert!(listed(&app, "Audit log (").exact);
    assert_eq!(listed(&app, "Audit log (").total, total);
    for _ in 0..60 {
        press(&mut app, KeyCode::PageUp);
        ids(&app);
    }
    press(&mut app, KeyCode::Char('G'));
    ids(&app);
    let last = highlighted(&app).expect("a selected row");
    assert!(last.contains("workspace_create"), "G goes to the oldest entry: {last}");
    for _ in 0..300 {
        press(&mut app, KeyCode::Char('k'));
    }
    ids(&app);
    assert!(app.screens.audit.list.rows.len() as u64 <= 3 * mpdesk::tui::window::PAGE, "the window stays bounded");
}

/// The Audit tab's `v` walks the chain when asked: intact for an Owner,
/// dimmed with the rule for a Developer, and a change made behind the
/// app's back is named at its entry.
#[test]
fn the_audit_tab_checks_the_chain_on_request() {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("chain.db");
    let mut desk = mpdesk::desk::Desk::open(&path).expect("desk");
    desk.load_demo_data().expect("demo");
    let mut app = app_on(desk, "olivia", true, false, (120, 30));
    press(&mut app, KeyCode::Char('3'));
    assert!(!bar_style(&render(&app), &app, "v chain").expect("in the bar").add_modifier.contains(Modifier::DIM));
    press(&mut app, KeyCode::Char('v'));
    assert!(status(&app).starts_with("chain intact: 38 entries, head "), "{}", status(&app));
    assert!(screen_text(&app).contains("chain intact: 38 entries"), "the tab's title keeps it");

    let raw = rusqlite::Connection::open(&path).expect("raw");
    raw.execute_batch("DROP TRIGGER audit_no_update; UPDATE audit SET detail = 'nothing' WHERE id = 5;")
        .expect("tamper");
    press(&mut app, KeyCode::Char('v'));
    assert_eq!(status(&app), "chain broken: entry #5 was changed: its columns do not match its hash");

    let mut devin = demo_app("devin", (120, 30));
    press(&mut devin, KeyCode::Char('3'));
    let style = bar_style(&render(&devin), &devin, "v chain").expect("in the bar");
    assert!(style.add_modifier.contains(Modifier::DIM));
    press(&mut devin, KeyCode::Char('v'));
    assert!(
        status(&devin).starts_with("Checking the audit log's chain needs the operator, or the Owner or Master role"),
        "{}",
        status(&devin)
    );
}

/// When access ends, in the console: `E` on a member sets it (a Master
/// for a Developer), the list shows it (red within 7 days), `F` lists only
/// who ends within 7 days, the person sees their own end in the header; a
/// Developer's `E` is dimmed with the rule; the members pane sets a
/// program membership's end to a typed date; the add-members dialog asks
/// for how long.
#[test]
fn when_access_ends_is_set_filtered_and_shown() {
    let mut app = members_tab("max");
    while highlighted(&app).as_deref().and_then(|row| row.split(' ').next()) != Some("dana") {
        press(&mut app, KeyCode::Char('j'));
    }
    press(&mut app, KeyCode::Char('E'));
    let Some(dialog) = app.top::<SetExpiry>() else { panic!("the expiry dialog: {}", status(&app)) };
    assert!(dialog.about.starts_with("dana (Developer): access never ends"), "{}", dialog.about);
    assert!(screen_text(&app).contains("When access ends"));
    press(&mut app, KeyCode::Up);
    press(&mut app, KeyCode::Enter);
    assert!(!app.has_layer(), "{}", status(&app));
    assert_eq!(status(&app), "dana's access ends 2026-01-12T09:30:00Z");
    let buffer = render(&app);
    let screen = screen(&buffer);
    let row = screen.lines().position(|l| l.contains("dana") && l.contains("in 7d")).expect("dana's row shows it");
    let column = screen
        .lines()
        .nth(row)
        .and_then(|l| l.find("in 7d"))
        .map(|b| screen.lines().nth(row).map(|l| l[..b].chars().count()).unwrap_or(0))
        .expect("column");
    assert_eq!(buffer[(column as u16, row as u16)].fg, Color::Red, "red within 7 days");

    press(&mut app, KeyCode::Char('F'));
    let logins: Vec<String> =
        table_rows(&app, "Login").iter().filter_map(|row| row.split(' ').next().map(str::to_string)).collect();
    assert_eq!(logins, ["dana"]);
    assert!(screen_text(&app).contains("access ending within 7 days"));
    press(&mut app, KeyCode::Char('F'));
    assert!(listed(&app, "Members of ").total > 1);

    // dana sees her own end where she always looks.
    let mut dana = app_on(std::mem::replace(&mut app.desk, demo_desk()), "dana", true, false, (120, 30));
    assert!(
        screen_text(&dana).lines().next().expect("header").contains("your access ends in 7d"),
        "{}",
        screen_text(&dana)
    );
    press(&mut dana, KeyCode::Char('2'));
    move_to(&mut dana, "nora");
    assert!(bar_style(&render(&dana), &dana, "E expires").expect("in the bar").add_modifier.contains(Modifier::DIM));
    press(&mut dana, KeyCode::Char('E'));
    assert!(!dana.has_layer());
    assert!(status(&dana).contains("Owner or Master role"), "{}", status(&dana));

    // The members pane: a typed date for devin's membership of Coffee Club.
    let mut olivia = demo_app("olivia", (120, 30));
    select_program(&mut olivia, "Coffee Club");
    press(&mut olivia, KeyCode::Tab);
    press(&mut olivia, KeyCode::Tab);
    move_to(&mut olivia, "devin");
    press(&mut olivia, KeyCode::Char('E'));
    assert!(olivia.top::<SetExpiry>().is_some(), "{}", status(&olivia));
    press(&mut olivia, KeyCode::Down);
    press(&mut olivia, KeyCode::Down);
    chars(&mut olivia, "2026-02-01");
    press(&mut olivia, KeyCode::Enter);
    assert_eq!(status(&olivia), "devin's access ends 2026-02-01T00:00:00Z");
    let devin = row_words(&olivia, "Login", "devin").expect("devin listed");
    assert!(devin.join(" ").contains("Feb 1"), "the pane shows the end, 2026-02-01: {devin:?}");

    // Adding members for a while: Tab picks how long.
    press(&mut olivia, KeyCode::Tab);
    select_program(&mut olivia, "Lunch Vote");
    press(&mut olivia, KeyCode::Char('a'));
    press(&mut olivia, KeyCode::Char(' '));
    press(&mut olivia, KeyCode::Tab);
    assert!(screen_text(&olivia).contains("Tab for how long: 7 days"));
    press(&mut olivia, KeyCode::Enter);
    assert!(status(&olivia).ends_with("until 2026-01-12T09:30:00Z"), "{}", status(&olivia));
}

/// A demo persona in no workspace gets the welcome screen in place of the
/// tabs, with the persona switcher closed over it; joining from there
/// brings the tabs back.
#[test]
fn switching_to_a_persona_in_no_workspace_shows_the_welcome_screen() {
    let mut desk = demo_desk();
    desk.add_user("zed", Some("Zed"), None).expect("user");
    let olivia = desk.actor("olivia").expect("olivia");
    desk.invite(&olivia, "Acme Mini Apps", "zed", WorkspaceRole::Developer, None).expect("invite");
    let options = Options { demo: true, ..Options::default() };
    let mut app = App::new(desk, "olivia", options, Config::default(), (100, 30));
    press(&mut app, KeyCode::Char('p'));
    chars(&mut app, "zed");
    press(&mut app, KeyCode::Enter);
    let text = screen_text(&app);
    assert!(text.contains("Welcome to mpdesk") && text.contains("You are zed, registered"), "{text}");
    assert!(!text.contains("Switch persona"), "the switcher closed: {text}");
    press(&mut app, KeyCode::Enter);
    let text = screen_text(&app);
    assert!(!text.contains("Welcome to mpdesk") && text.contains("Programs"), "{text}");
    assert_eq!(status(&app), "welcome, zed");
}

/// The `E` dialog takes j and k as every list does (`E k Enter` is 7 days,
/// not the default 30), and a date shows as it is typed.
#[test]
fn the_expiry_dialog_moves_with_j_k_and_shows_the_typed_date() {
    let mut app = members_tab("max");
    move_to(&mut app, "dana");
    press(&mut app, KeyCode::Char('E'));
    press(&mut app, KeyCode::Char('k'));
    press(&mut app, KeyCode::Enter);
    assert_eq!(status(&app), "dana's access ends 2026-01-12T09:30:00Z", "7 days from 2026-01-05");
    press(&mut app, KeyCode::Char('E'));
    // From the default (30 days) down to "until a date".
    press(&mut app, KeyCode::Char('j'));
    press(&mut app, KeyCode::Char('j'));
    chars(&mut app, "2026-03-01");
    let text = screen_text(&app);
    assert!(text.contains("(•) until a date") && text.contains("2026-03-01"), "{text}");
    press(&mut app, KeyCode::Enter);
    assert_eq!(status(&app), "dana's access ends 2026-03-01T00:00:00Z");
}

/// The transfer dialog's sentence is whole: its box grows with it.
#[test]
fn the_transfer_dialog_says_its_whole_sentence() {
    let mut app = members_tab("olivia");
    move_to(&mut app, "max");
    press(&mut app, KeyCode::Char('T'));
    let words = screen_words(&app);
    assert!(words.contains("Type the workspace's name to confirm."), "{words}");
    assert!(words.contains("the new Owner may transfer it back"), "{words}");
}
