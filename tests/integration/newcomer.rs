//! What a new user trips on: text that fits, messages that stay true,
//! paths that are never guessed, errors shown whole — and the README's
//! screenshot, which is this console's own screen.

use crate::cli::Cli;
use crate::tui_support::*;
use crossterm::event::{KeyCode, MouseButton, MouseEvent, MouseEventKind};
use mpdesk::tui::app::Tab;
use mpdesk::tui::dialogs::Invite;
use mpdesk::tui::router::{update, Message};
use unicode_width::UnicodeWidthStr;

/// A demo app with one program whose name is long, wide and combining.
fn app_with_long_name(width: u16) -> mpdesk::tui::app::App {
    let mut desk = demo_desk();
    let olivia = desk.actor("olivia").expect("olivia");
    // x + U+0301 has no precomposed form: it stays two characters in NFC.
    let name = "Coffee Club ☕ 咖啡 Amx\u{301}lie's very long program name";
    desk.create_program(&olivia, "Acme Mini Apps", name, "").expect("create");
    let mut app = app_on(desk, "olivia", true, false, (width, 30));
    select_program(&mut app, name);
    app
}

#[test]
fn a_cut_name_ends_in_an_ellipsis_and_a_wider_terminal_shows_more() {
    let mut shown = Vec::new();
    for width in [60, 80, 160] {
        let app = app_with_long_name(width);
        let screen = screen_text(&app);
        let cell = screen
            .lines()
            .filter_map(|l| l.split('│').nth(1))
            .find(|cell| cell.contains('☕'))
            .expect("the program row")
            .to_string();
        let name = cell.trim_start_matches(['○', ' ']).trim_end();
        let name = name.trim_end_matches("Admin").trim_end().trim_end_matches("Draft").trim_end().to_string();
        if width < 160 {
            assert!(name.ends_with('…'), "{width}: {name:?}");
        }
        assert!(!name.contains('\u{fffd}'), "{width}: cut inside a character: {name:?}");
        shown.push(name.width());
    }
    assert!(shown[0] < shown[1] && shown[1] < shown[2], "widths shown: {shown:?}");
    // The Members pane keeps "workspace Master" whole at 160 columns.
    let app = app_with_long_name(160);
    assert!(screen_text(&app).contains("workspace Master"), "{}", screen_text(&app));
}

#[test]
fn a_stale_status_is_cleared_by_navigation_and_by_esc() {
    let mut app = demo_app("olivia", (100, 30));
    select_program(&mut app, "Coffee Club");
    press(&mut app, KeyCode::Char('D'));
    assert!(status(&app).starts_with("Delete needs"), "{}", status(&app));
    press(&mut app, KeyCode::Char('j'));
    assert_eq!(status(&app), "", "a new selection clears the old reason");
    select_program(&mut app, "Coffee Club");
    press(&mut app, KeyCode::Char('D'));
    press(&mut app, KeyCode::Esc);
    assert_eq!(status(&app), "", "Esc clears it");
    press(&mut app, KeyCode::Char('D'));
    press(&mut app, KeyCode::Char('2'));
    assert_eq!(status(&app), "", "a tab change clears it");
}

#[test]
fn a_key_that_does_nothing_here_says_so() {
    let mut app = demo_app("olivia", (100, 30));
    press(&mut app, KeyCode::Char('b'));
    assert!(status(&app).contains("not available here"), "{}", status(&app));
}

#[test]
fn a_long_reason_never_covers_the_keys() {
    let mut app = demo_app("dana", (80, 24));
    select_program(&mut app, "Coffee Club");
    press(&mut app, KeyCode::Char('r'));
    let screen = screen_text(&app);
    for key in ["u upload", "? help", "q quit"] {
        assert!(screen.contains(key), "{key} hidden:\n{screen}");
    }
    // Whole, on as many rows as it takes at the bottom.
    let bottom: Vec<&str> = screen.lines().rev().take(3).collect();
    let bottom = bottom.into_iter().rev().map(str::trim).collect::<Vec<_>>().join(" ");
    let reason = crate::tui_support::status(&app);
    assert!(reason.starts_with("Release needs") && !reason.contains('…'), "{reason}");
    assert!(bottom.contains(&reason), "cut: {bottom:?}\n{screen}");
}

#[test]
fn inline_errors_are_whole_at_80_columns_and_empty_is_not_an_error_yet() {
    let mut app = demo_app("olivia", (80, 24));
    press(&mut app, KeyCode::Char('n'));
    assert!(!screen_text(&app).contains("name must be"), "nothing typed yet:\n{}", screen_text(&app));
    press(&mut app, KeyCode::Enter);
    assert!(screen_text(&app).contains("it is empty"), "after Enter:\n{}", screen_text(&app));
    chars(&mut app, &"x".repeat(65));
    let screen = screen_text(&app);
    let joined: String = screen.lines().map(|l| l.trim_matches(|c| c == '│' || c == ' ')).collect::<Vec<_>>().join(" ");
    assert!(joined.contains("it has 65 characters"), "the cause shows:\n{screen}");
    for _ in 0..65 {
        press(&mut app, KeyCode::Backspace);
    }
    chars(&mut app, "Coffee Club");
    press(&mut app, KeyCode::Enter);
    let screen = screen_text(&app);
    let joined: String = screen.lines().map(|l| l.trim_matches(|c| c == '│' || c == ' ')).collect::<Vec<_>>().join(" ");
    assert!(joined.contains("Acme Mini Apps"), "the duplicate's workspace shows:\n{screen}");
}

#[test]
fn the_roles_tab_and_details_never_scroll_into_blank() {
    let mut app = demo_app("olivia", (80, 24));
    press(&mut app, KeyCode::Char('4'));
    press(&mut app, KeyCode::Char('G'));
    for _ in 0..200 {
        press(&mut app, KeyCode::Char('j'));
    }
    let screen = screen_text(&app);
    let inside: Vec<&str> = screen.lines().skip(2).take(15).collect();
    assert!(inside.iter().any(|l| l.trim_matches(|c| c == '│' || c == ' ').len() > 3), "blank:\n{screen}");
    press(&mut app, KeyCode::Char('1'));
    assert!(screen_text(&app).contains("↓ more"), "the Details pane says it scrolls:\n{}", screen_text(&app));
}

#[test]
fn the_header_shortens_the_workspace_name_before_the_badges() {
    let mut desk = demo_desk();
    let olivia = desk.actor("olivia").expect("olivia");
    let long = "A workspace name of sixty-one characters, which is very long!";
    desk.create_workspace(&olivia, long).expect("create");
    let mut app = app_on(desk, "olivia", true, true, (80, 24));
    press(&mut app, KeyCode::Char('w'));
    chars(&mut app, "sixty");
    press(&mut app, KeyCode::Enter);
    let header = screen_text(&app).lines().next().expect("header").to_string();
    for part in ["READ-ONLY", "DEMO", "4 Roles", "…"] {
        assert!(header.contains(part), "{part} missing: {header}");
    }
}

#[test]
fn tab_titles_take_clicks() {
    let mut app = demo_app("olivia", (100, 30));
    let header = screen_text(&app).lines().next().expect("header").to_string();
    let at = header.find("3 Audit").expect("the Audit tab");
    let column = header[..at].width() as u16 + 1;
    let click = MouseEvent {
        kind: MouseEventKind::Down(MouseButton::Left),
        column,
        row: 0,
        modifiers: crossterm::event::KeyModifiers::NONE,
    };
    update(&mut app, Message::Mouse(click));
    assert_eq!(crate::tui_support::header(&app).tab, Some(Tab::Audit));
}

#[test]
fn the_invite_dialog_shows_who_cannot_be_invited() {
    let mut app = demo_app("olivia", (100, 30));
    press(&mut app, KeyCode::Char('2'));
    press(&mut app, KeyCode::Char('i'));
    chars(&mut app, "dana");
    let screen = screen_text(&app);
    assert!(screen.contains("already a member (Developer, active)"), "{screen}");
    let Some(_) = app.top::<Invite>() else { panic!("invite dialog") };
    press(&mut app, KeyCode::Enter);
    assert!(app.has_layer(), "not invitable: stays open");
}

#[test]
fn a_blocked_person_is_told_by_whom_and_what_to_do() {
    let mut desk = demo_desk();
    let olivia = desk.actor("olivia").expect("olivia");
    desk.block_member(&olivia, "Acme Mini Apps", "dana").expect("block");
    let mut app = app_on(desk, "dana", true, false, (100, 30));
    press(&mut app, KeyCode::Char('w'));
    chars(&mut app, "Acme");
    press(&mut app, KeyCode::Enter);
    // Said in the switcher, which stays open.
    let text: String =
        screen_text(&app).lines().map(|l| l.trim_matches(|c| c == '│' || c == ' ')).collect::<Vec<_>>().join(" ");
    assert_ne!(Some(header(&app).workspace.as_str()), Some("Acme Mini Apps"));
    assert!(text.contains("blocked") && text.contains("by olivia") && text.contains("Owner or a Master"), "{text}");
}

#[test]
fn the_upload_dialog_starts_at_the_next_patch_and_delete_takes_the_app_id() {
    let mut app = demo_app("olivia", (100, 30));
    select_program(&mut app, "Parking Pass");
    press(&mut app, KeyCode::Char('D'));
    chars(&mut app, "1000000000000004");
    press(&mut app, KeyCode::Enter);
    assert!(!app.has_layer(), "deleted by app ID: {}", status(&app));
    assert!(status(&app).contains("deleted"), "{}", status(&app));
}

#[test]
fn a_missing_database_is_refused_and_nothing_is_created() {
    let dir = tempfile::tempdir().expect("dir");
    let typo = dir.path().join("tema.db");
    let typo_arg = typo.to_str().expect("utf8");
    let run = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_mpdesk")).args(args).output().expect("run mpdesk")
    };
    let listed = run(&["--db", typo_arg, "--user", "olivia", "program", "list"]);
    assert_eq!(listed.status.code(), Some(4));
    let stderr = String::from_utf8_lossy(&listed.stderr);
    assert!(stderr.contains(&format!("mpdesk init --db {typo_arg}")), "{stderr}");
    let console = run(&["--db", typo_arg, "--user", "olivia"]);
    assert_ne!(console.status.code(), Some(0));
    assert!(!typo.exists(), "a mistyped path was created");

    let nested = dir.path().join("new/folder/team.db");
    let nested_arg = nested.to_str().expect("utf8");
    let refused = run(&["--db", nested_arg, "init"]);
    assert_eq!(refused.status.code(), Some(4), "{}", String::from_utf8_lossy(&refused.stderr));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("--parents"));
    assert!(!nested.exists());
    assert!(run(&["--db", nested_arg, "init", "--parents"]).status.success());
    let again = run(&["--db", nested_arg, "init"]);
    assert!(again.status.success());
    assert!(String::from_utf8_lossy(&again.stdout).contains("already an mpdesk database; nothing changed"));
}

#[test]
fn conflicting_options_are_refused_and_help_describes_every_option() {
    let run = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_mpdesk"))
            .args(args)
            .env("MPDESK_DB", "/nonexistent/x.db")
            .env("MPDESK_USER", "olivia")
            .output()
            .expect("run mpdesk")
    };
    for args in [&["--demo", "--user", "dana"][..], &["--demo", "--keep", "--db", "/tmp/x.db"]] {
        let out = run(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
    }
    let usage = run(&["program", "show"]);
    let text = String::from_utf8_lossy(&usage.stderr);
    assert!(!text.contains("--db <PATH> --user <LOGIN>"), "env-filled options shown as required: {text}");
    let help = String::from_utf8_lossy(&run(&["program", "upload", "--help"]).stdout).to_string();
    for option in ["--version <VERSION>", "--package <PACKAGE>", "--notes <NOTES>", "<PROGRAM>"] {
        let line = help.lines().find(|l| l.contains(option)).unwrap_or_else(|| panic!("{option} in {help}"));
        assert!(line.trim().len() > option.len() + 4, "{option} has no description: {line:?}");
    }
    // `--expires` is one shared flag: each command that takes it keeps its
    // own first line, and says the same of it.
    let mut described = Vec::new();
    for (command, about) in [
        (&["member", "add"][..], "Add members (all or none)"),
        (&["key", "add"], "Register a public key"),
        (&["workspace", "invite"], "Invite a registered user"),
        (&["workspace", "member", "add"], "Add a registered user to the workspace"),
    ] {
        let help = String::from_utf8_lossy(&run(&[command, &["--help"]].concat()).stdout).to_string();
        assert!(help.starts_with(about), "{command:?}: {help}");
        let flag =
            help.lines().find(|l| l.contains("--expires <WHEN>")).unwrap_or_else(|| panic!("{command:?}: {help}"));
        described.push(flag.to_string());
    }
    assert!(described.windows(2).all(|pair| pair[0] == pair[1]), "{described:?}");
}

#[test]
fn empty_lists_say_how_to_fill_them_and_names_ignore_case() {
    let cli = Cli::new();
    let users = cli.ok("lead", &["user", "list"]);
    assert!(users.stdout.contains("no users yet; register one with: mpdesk user add"), "{}", users.stdout);
    cli.ok("lead", &["user", "add", "lead"]);
    cli.ok("lead", &["workspace", "create", "Team"]);
    let dup = cli.run("lead", &["workspace", "create", "team"]);
    assert_eq!(dup.code, 5, "{}", dup.stderr);
    cli.ok("lead", &["program", "create", "team", "Coffee Club"]);
    let dup = cli.run("lead", &["program", "create", "Team", "coffee club"]);
    assert_eq!(dup.code, 5, "{}", dup.stderr);
    cli.ok("lead", &["program", "create", "Team", "apple"]);
    cli.ok("lead", &["program", "show", "COFFEE CLUB"]);
    let listed = cli.ok("lead", &["--json", "program", "list"]).json();
    let names: Vec<&str> =
        listed.as_array().expect("array").iter().map(|p| p["name"].as_str().expect("name")).collect();
    assert_eq!(names, ["apple", "Coffee Club"], "sorted ignoring case");
    let empty = cli.path("empty.zip");
    std::fs::write(&empty, b"").expect("write");
    let run = cli
        .run("lead", &["program", "upload", "apple", "--version", "1.0.0", "--package", empty.to_str().expect("utf8")]);
    assert_eq!(run.code, 5);
    assert!(run.stderr.contains("empty (0 bytes)"), "{}", run.stderr);
}

/// README's screenshot is the console's own screen: it cannot drift.
/// `UPDATE_README=1 cargo test readme` rewrites it after an intended change.
#[test]
fn the_readme_screenshot_is_the_console_as_it_is() {
    let app = demo_app("olivia", (100, 30));
    let screen: String = screen_text(&app).lines().map(|l| format!("{l}\n")).collect();
    readme_block(" mpdesk │", &screen);
}

#[test]
fn a_person_blocked_in_their_only_workspace_is_told_so() {
    let mut desk = demo_desk();
    let sam = desk.actor("sam").expect("sam");
    desk.block_member(&sam, "Side Projects", "eve").expect("block");
    let app = app_on(desk, "eve", false, false, (100, 30));
    let text = status(&app);
    assert!(text.contains("you are blocked in Side Projects by sam"), "{text}");
    assert!(!text.contains("not found"), "{text}");
}

/// A blocked person's header says "blocked", and every tab says why its
/// list is empty — never a bare "Members (0)".
#[test]
fn a_blocked_person_sees_why_on_every_tab() {
    let mut desk = demo_desk();
    let olivia = desk.actor("olivia").expect("olivia");
    desk.block_member(&olivia, "Acme Mini Apps", "dana").expect("block");
    // As in the walkthrough: the persona switch keeps the workspace.
    let mut app = app_on(desk, "olivia", true, false, (100, 30));
    press(&mut app, KeyCode::Char('p'));
    chars(&mut app, "dana");
    press(&mut app, KeyCode::Enter);
    let header = crate::tui_support::header(&app);
    assert_eq!((header.workspace.as_str(), header.person.as_str()), ("Acme Mini Apps", "dana (Developer, blocked)"));
    for (tab, what) in [('1', "Your programs"), ('2', "Its members"), ('3', "Its log entries")] {
        press(&mut app, KeyCode::Char(tab));
        let screen = screen_text(&app);
        let words = screen_words(&app);
        assert!(words.contains("You are blocked in Acme Mini Apps by"), "tab {tab}: {screen}");
        assert!(words.contains(&format!("{what} here are hidden until you are unblocked")), "tab {tab}: {screen}");
    }
}

/// An empty Programs list says how to fill it to whoever may (`n`, or the
/// key it is remapped to), and promises nothing to whoever may not.
#[test]
fn an_empty_program_list_offers_n_only_to_who_may_create() {
    let mut desk = demo_desk();
    let olivia = desk.actor("olivia").expect("olivia");
    desk.create_workspace(&olivia, "Empty").expect("workspace");
    desk.add_workspace_member(&olivia, "Empty", "dana", mpdesk::desk::WorkspaceRole::Developer, None).expect("dana");
    let mut app = app_on(desk, "olivia", true, false, (100, 30));
    press(&mut app, KeyCode::Char('w'));
    chars(&mut app, "Empty");
    press(&mut app, KeyCode::Enter);
    let words = screen_words(&app);
    assert!(
        words.contains("No mini programs you can view here.") && words.contains("Press n to create one."),
        "{words}"
    );
    press(&mut app, KeyCode::Char('p'));
    chars(&mut app, "dana");
    press(&mut app, KeyCode::Enter);
    let words = screen_words(&app);
    assert!(words.contains("No mini programs you can view here.") && !words.contains("Press n"), "{words}");
}

/// At the smallest size the bar drops hints from its end, but never help
/// and quit: they move to the end of what it keeps.
#[test]
fn the_bar_keeps_help_and_quit_at_the_smallest_size() {
    for size in [(60, 16), (61, 16), (70, 16)] {
        let app = crate::tui_support::demo_app("olivia", size);
        let screen = screen_text(&app);
        let bar: Vec<&str> = screen.lines().rev().skip(1).take(2).collect();
        assert!(
            bar.iter().any(|l| l.contains("? help")) && bar.iter().any(|l| l.contains("q quit")),
            "{size:?}:\n{screen}"
        );
        assert!(bar.iter().any(|l| l.contains("n new")), "the first hints stay: {size:?}:\n{screen}");
    }
    let wide = screen_text(&crate::tui_support::demo_app("olivia", (120, 30)));
    assert!(wide.contains("w workspace") && wide.contains("p persona") && wide.contains("Tab pane"), "{wide}");
}

/// Help says when there is more below (and how to get there, since j
/// and k type into its filter), and when there is more above.
#[test]
fn help_says_there_is_more() {
    let mut app = crate::tui_support::demo_app("olivia", (100, 30));
    press(&mut app, KeyCode::Char('?'));
    let screen = screen_text(&app);
    assert!(screen.contains("↓ more (↓/PgDn)") && !screen.contains("↑ more"), "{screen}");
    for _ in 0..20 {
        press(&mut app, KeyCode::PageDown);
    }
    let screen = screen_text(&app);
    assert!(screen.contains("↑ more") && !screen.contains("↓ more"), "{screen}");
}

/// Nobody matches the invite's filter: the dialog names the operator's
/// command for this database, and that command, run as shown, makes the
/// person invitable at once.
#[test]
fn the_invite_dialog_names_the_command_that_registers_someone_new() {
    let cli = Cli::new();
    cli.ok("", &["demo-data"]);
    let desk = mpdesk::desk::Desk::open(&cli.db).expect("open");
    let mut app = app_on(desk, "olivia", false, false, (120, 30));
    press(&mut app, KeyCode::Char('2'));
    press(&mut app, KeyCode::Char('i'));
    chars(&mut app, "frank");
    let shown = screen_words(&app);
    assert!(shown.contains("no registered user matches \"frank\""), "{shown}");
    assert!(shown.contains("Someone new is registered by the operator"), "{shown}");
    let command = shown.split("in another terminal: ").nth(1).and_then(|c| c.split(" — ").next()).expect("a command");
    let words = shell_words::split(command).expect("words");
    assert_eq!(words[1..], ["--db", cli.db.to_str().expect("utf8"), "user", "add", "frank"], "{command}");
    let args: Vec<&str> = words[1..].iter().map(String::as_str).collect();
    cli.ok("", &args);
    // The filter looks again as it changes: frank is there to invite.
    press(&mut app, KeyCode::Backspace);
    chars(&mut app, "k");
    let shown = screen_words(&app);
    assert!(shown.contains("frank") && !shown.contains("no registered user"), "{shown}");
    // Over SSH nobody but the server's operator registers people; a filter
    // that is no login gets a placeholder, not itself pasted into a command.
    let server = mpdesk::tui::dialogs::Newcomers::Server;
    assert!(server.how("frank").contains("(mpdesk user add frank; mpdesk key add frank FILE)"));
    assert!(server.how("Frank Castle; rm").contains("mpdesk user add LOGIN;"));
}

/// On one laptop the same person is two: without --user, `user …`, `key …`
/// and the whole audit log are the operator's, while `workspace …` and
/// `program …` act as the person the OS login names. Each change says who
/// the log names, and the two are never logged as one name.
#[test]
fn each_change_says_who_acted_and_the_operator_is_logged_as_such() {
    let cli = Cli::new();
    let me = mpdesk::session::os_login().expect("an OS login");
    let registered = cli.ok("", &["user", "add", &me, "--name", "Me"]);
    assert!(registered.stderr.contains(&format!("mpdesk: logged #1 by operator ({me})")), "{}", registered.stderr);
    let created = cli.ok("", &["workspace", "create", "Laptop"]);
    assert!(created.stderr.contains(&format!("mpdesk: logged #2 by {me}\n")), "{}", created.stderr);
    let disabled = cli.ok("", &["user", "disable", &me, "--reason", "a test"]);
    assert!(disabled.stderr.contains(&format!("by operator ({me})")), "{}", disabled.stderr);
    // Reading writes nothing and says nothing; scripts (--json) get their
    // output as before.
    let read = cli.ok("", &["user", "list"]);
    assert!(read.stderr.is_empty(), "{}", read.stderr);
    let quiet = cli.ok("", &["--json", "user", "enable", &me]);
    assert!(quiet.stderr.is_empty(), "{}", quiet.stderr);
    let log = cli.ok("", &["--json", "audit"]).json();
    let actors: Vec<&str> = log.as_array().expect("entries").iter().filter_map(|e| e["actor"].as_str()).collect();
    let operator = format!("operator ({me})");
    assert_eq!(actors.iter().filter(|a| **a == operator).count(), 3, "{actors:?}");
    assert_eq!(actors.iter().filter(|a| **a == me).count(), 1, "{actors:?}");
}

/// A CJK name is two columns a character: the add-members dialog lines its
/// role column up by display width, as the main tables do, not by count.
#[test]
fn the_add_members_dialog_aligns_wide_names() {
    use mpdesk::domain::role::WorkspaceRole;
    let mut desk = demo_desk();
    let olivia = desk.actor("olivia").expect("olivia");
    for (login, name) in [("lin", "林小明 (Lin)"), ("ana", "Ana")] {
        desk.register_user("operator (test)", login, Some(name), None).expect("register");
        desk.add_workspace_member(&olivia, "Acme Mini Apps", login, WorkspaceRole::Developer, None).expect("join");
    }
    let mut app = app_on(desk, "olivia", true, false, (120, 30));
    press(&mut app, KeyCode::Char('a'));
    let buffer = render(&app);
    let area = buffer.area;
    let mut arrows = Vec::new();
    let mut wide_row = false;
    for y in 0..area.height {
        let row: String = (0..area.width).map(|x| buffer[(x, y)].symbol().to_string()).collect();
        if let Some(x) = (0..area.width).find(|&x| buffer[(x, y)].symbol() == "→") {
            arrows.push(x);
            wide_row |= row.contains('林');
        }
    }
    assert!(arrows.len() >= 2 && wide_row, "{}", screen(&buffer));
    assert!(arrows.iter().all(|&x| x == arrows[0]), "{arrows:?}\n{}", screen(&buffer));
}

/// A key picked by mistake in the package field is refused, saying what a
/// package is and what was given; nothing is stored. A real archive goes in.
#[test]
fn a_file_that_is_not_a_zip_archive_is_not_a_package() {
    let cli = Cli::new();
    cli.ok("", &["demo-data"]);
    let before = cli.ok("olivia", &["--json", "program", "versions", "Coffee Club"]).stdout;
    let key = cli.path("id_ed25519.pub");
    std::fs::write(&key, "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIEx me@laptop\n").expect("write");
    let notes = cli.path("notes.txt");
    std::fs::write(&notes, "release notes\n").expect("write");
    for (file, looks) in [(&key, "it is an SSH public key"), (&notes, "it is text")] {
        let path = file.to_str().expect("utf8");
        let run = cli.run("olivia", &["program", "upload", "Coffee Club", "--version", "9.0.0", "--package", path]);
        assert_eq!(run.code, 5, "{}", run.stderr);
        let said = format!("'{path}' is not a package: a package is the zip archive your build makes");
        assert!(run.stderr.contains(&said) && run.stderr.contains(looks), "{}", run.stderr);
        assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
    }
    assert_eq!(cli.ok("olivia", &["--json", "program", "versions", "Coffee Club"]).stdout, before);
    let zip = cli.path("app.zip");
    std::fs::write(&zip, crate::support::package(b"console.log(1)")).expect("write");
    let path = zip.to_str().expect("utf8");
    cli.ok("olivia", &["program", "upload", "Coffee Club", "--version", "9.0.0", "--package", path]);
}
