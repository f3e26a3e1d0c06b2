//! What a presenter and a new user meet first: messages that say what
//! happened in the words the rest of mpdesk uses.

use crate::tui_support::*;
use crossterm::event::KeyCode;

#[test]
fn deleting_a_program_says_which_one_by_name() {
    let mut app = demo_app("olivia", (100, 30));
    select_program(&mut app, "Parking Pass");
    press(&mut app, KeyCode::Char('D'));
    chars(&mut app, "Parking Pass");
    press(&mut app, KeyCode::Enter);
    let said = status(&app);
    assert!(said.contains("deleted Parking Pass ("), "{said}");
}

/// The transfer dialog says what undo says: a transfer is not undone.
#[test]
fn the_transfer_dialog_and_undo_agree_that_a_transfer_is_not_undone() {
    let dialog = mpdesk::tui::dialogs::TypeToConfirm::transfer("Acme Mini Apps", "mia");
    let undo_says = mpdesk::domain::undo::not_reversible("workspace_transfer");
    assert!(dialog.warning.to_lowercase().contains(&undo_says.to_lowercase()), "{}", dialog.warning);
    assert!(!dialog.warning.contains("can undo"), "{}", dialog.warning);
}

/// The invite dialog opens without an error; one shows once the person
/// picks someone who cannot be invited.
#[test]
fn the_invite_dialog_opens_without_an_error() {
    let mut app = demo_app("olivia", (100, 30));
    press(&mut app, KeyCode::Char('2'));
    press(&mut app, KeyCode::Char('i'));
    let screen = crate::tui_support::screen_text(&app);
    assert!(screen.contains("Invite to Acme Mini Apps"), "{screen}");
    assert!(!screen.contains("cannot be invited") && !screen.contains("no registered user"), "{screen}");
    chars(&mut app, "dana");
    let screen = crate::tui_support::screen_text(&app);
    assert!(screen.contains("dana cannot be invited"), "{screen}");
}

/// The demo's first status line gives a command for a second terminal that
/// works from where the console was started (after `cargo run`, mpdesk is
/// not on the PATH: the command names the binary by its path).
#[test]
fn the_demo_says_a_second_terminal_command_that_runs_as_written() {
    let home = tempfile::tempdir().expect("home");
    let mut console = crate::pty::Console::start(&["--demo"], home.path());
    console.wait_for("another terminal:");
    let screen = console.screen();
    let bottom: Vec<&str> = screen.lines().rev().take(3).collect();
    let said = bottom.into_iter().rev().map(str::trim).collect::<Vec<_>>().join(" ");
    let after = said.split("another terminal: ").nth(1).expect("the command");
    let words: Vec<&str> = after.split_whitespace().collect();
    assert_eq!((words.get(1), words.get(3), words.get(4)), (Some(&"--db"), Some(&"--user"), Some(&"eve")), "{said}");
    let (program, db) = (words[0], words[2]);
    assert!(!program.contains('…') && !db.contains('…'), "cut: {said}");
    let run = std::process::Command::new("sh")
        .args(["-c", &format!("{program} --db {db} --user eve invitation list")])
        .env("PATH", "/usr/bin:/bin")
        .output()
        .expect("sh");
    assert!(run.status.success(), "{program}: {}", String::from_utf8_lossy(&run.stderr));
    console.keys("q");
    console.wait_exit();
}

/// A fresh demo holds the demo's starting data, which is nobody's change:
/// `z` has nothing of olivia's to take back, and undo by ID refuses it.
#[test]
fn z_on_a_fresh_demo_has_nothing_to_undo() {
    let mut app = demo_app("olivia", (100, 30));
    let entries_before = app.desk.count_audit(&app.desk.actor("olivia").expect("olivia"), &Default::default());
    press(&mut app, KeyCode::Char('z'));
    let said = status(&app);
    assert!(said.contains("nothing of yours to undo"), "{said}");
    assert!(!app.has_layer(), "no confirmation for nothing");
    let olivia = app.desk.actor("olivia").expect("olivia");
    assert_eq!(app.desk.count_audit(&olivia, &Default::default()), entries_before, "nothing written");
    let query = mpdesk::desk::AuditQuery { limit: 1000, ..Default::default() };
    let page = app.desk.audit_with_undo(&olivia, &query).expect("audit");
    assert!(page.iter().all(|(_, _, why)| why.is_some()), "a demo entry can be undone");
    let member_add = page.iter().find(|(_, e, _)| e.operation == "member_add").expect("the demo adds members");
    assert!(member_add.2.as_deref().is_some_and(|w| w.contains("demo's starting data")), "{:?}", member_add.2);
}

/// README's walkthrough step 1: on a fresh demo, as olivia on Coffee Club,
/// the actions it names are the only dim ones in the bar.
#[test]
fn walkthrough_step_one_names_every_dim_key() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).expect("README");
    let step = readme.split("\n1. You start as **olivia**").nth(1).expect("step 1");
    let step = step.split("\n2. ").next().expect("step 1 ends");
    let app = demo_app("olivia", (100, 30));
    let hints = mpdesk::tui::hints::build(&app);
    let dim: Vec<String> = hints
        .iter()
        .filter(|h| h.action.in_bar() && !h.enabled())
        .map(|h| format!("`{} {}`", h.key, h.action.label()))
        .collect();
    assert!(!dim.is_empty());
    for hint in &dim {
        assert!(step.contains(hint.as_str()), "step 1 does not name {hint} as dim: {step}");
    }
}

/// README's walkthrough step 8, key by key: block dana, see it as her,
/// come back as olivia with dana still selected, unblock her.
#[test]
fn walkthrough_step_eight_runs_as_written() {
    let mut app = demo_app("olivia", (100, 30));
    press(&mut app, KeyCode::Char('2'));
    move_to(&mut app, "dana");
    press(&mut app, KeyCode::Char('b'));
    press(&mut app, KeyCode::Enter);
    let switch = |app: &mut mpdesk::tui::app::App, login: &str| {
        press(app, KeyCode::Char('p'));
        chars(app, login);
        press(app, KeyCode::Enter);
        assert_eq!(shown_login(app), login);
    };
    switch(&mut app, "dana");
    assert_eq!(header(&app).person, "dana (Developer, blocked)", "README: the header says so");
    press(&mut app, KeyCode::Char('1'));
    let screen = crate::tui_support::screen_text(&app);
    let words = screen.split_whitespace().collect::<Vec<_>>().join(" ").replace("│ │", " ").replace("││", " ");
    assert!(words.contains("You are blocked in Acme Mini Apps by"), "{screen}");
    assert!(words.contains("olivia since") && words.contains("unblocked."), "{screen}");
    press(&mut app, KeyCode::Char('2'));
    switch(&mut app, "olivia");
    let selected = highlighted(&app).unwrap_or_default();
    assert!(selected.starts_with("dana "), "the selection stayed on dana: {selected}");
    press(&mut app, KeyCode::Char('b'));
    press(&mut app, KeyCode::Enter);
    let said = status(&app);
    assert!(said.contains("unblocked"), "{said}");
}

/// The help overlay keeps a space between an action's description and its
/// state; the Roles tab's reasons keep their indent when they wrap; the
/// Keys dialog's button says what Enter does, not "…".
#[test]
fn help_roles_and_keys_keep_their_columns() {
    for width in [80, 100] {
        let mut app = demo_app("dana", (width, 30));
        select_program(&mut app, "Coffee Club");
        press(&mut app, KeyCode::Char('?'));
        let screen = crate::tui_support::screen_text(&app);
        for line in screen.lines().filter(|l| l.contains("✓ allowed") || l.contains('✗')) {
            let at = line.find(if line.contains("✓ allowed") { "✓ allowed" } else { "✗" }).expect("mark");
            assert!(line[..at].ends_with(' '), "{width} columns: runs together: {line:?}");
        }
        press(&mut app, KeyCode::Esc);
        press(&mut app, KeyCode::Char('4'));
        let screen = crate::tui_support::screen_text(&app);
        let inside: Vec<&str> = screen.lines().filter_map(|l| l.strip_prefix('│')).collect();
        // Prose at column 0 ("the Admin role; you…"), not a key column
        // ("n     Create…"): a reason that lost its indent.
        for line in &inside {
            let prose = line.chars().next().is_some_and(char::is_lowercase)
                && line.split_once(' ').is_some_and(|(_, rest)| rest.chars().next().is_some_and(char::is_alphabetic));
            assert!(!prose, "{width} columns: a reason wrapped to column 0: {line:?}\n{screen}");
        }
    }
    let mut app = demo_app("olivia", (100, 30));
    press(&mut app, KeyCode::Char('K'));
    let screen = crate::tui_support::screen_text(&app);
    assert!(screen.contains("Your SSH keys"), "{screen}");
    assert!(!screen.contains("[Enter] …") && screen.contains("[Enter] Add key"), "{screen}");
}

/// The console renames and deletes a workspace through the same rule as
/// the CLI: its Owner may (e, D on the Members tab); a Master is told why not.
#[test]
fn the_console_renames_and_deletes_a_workspace_for_its_owner_only() {
    let mut app = demo_app("olivia", (100, 30));
    let olivia = app.desk.actor("olivia").expect("olivia");
    app.desk.create_workspace(&olivia, "Scratch").expect("create");
    app.after_membership_change();
    press(&mut app, KeyCode::Char('w'));
    chars(&mut app, "Scratch");
    press(&mut app, KeyCode::Enter);
    assert_eq!(Some(header(&app).workspace.as_str()), Some("Scratch"));
    press(&mut app, KeyCode::Char('2'));
    press(&mut app, KeyCode::Char('e'));
    assert!(app.has_layer(), "the rename dialog: {}", status(&app));
    for _ in 0.."Scratch".len() {
        press(&mut app, KeyCode::Backspace);
    }
    chars(&mut app, "Sandbox");
    press(&mut app, KeyCode::Enter);
    assert!(status(&app).contains("renamed Scratch to Sandbox"), "{}", status(&app));
    assert_eq!(Some(header(&app).workspace.as_str()), Some("Sandbox"));
    assert!(crate::tui_support::screen_text(&app).contains("Sandbox"));
    press(&mut app, KeyCode::Char('D'));
    chars(&mut app, "Sandbox");
    press(&mut app, KeyCode::Enter);
    assert!(status(&app).contains("deleted workspace Sandbox"), "{}", status(&app));
    let listed = workspaces_listed(&mut app);
    assert!(!listed.is_empty() && listed.iter().all(|w| !w.starts_with("Sandbox ")), "{listed:?}");

    // Acme is not empty: D explains, the workspace stays.
    press(&mut app, KeyCode::Char('2'));
    press(&mut app, KeyCode::Char('D'));
    assert!(!app.has_layer() && status(&app).contains("it still has 4 mini programs"), "{}", status(&app));

    let mut app = demo_app("dana", (100, 30));
    press(&mut app, KeyCode::Char('w'));
    chars(&mut app, "side");
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Char('2'));
    press(&mut app, KeyCode::Char('e'));
    assert!(!app.has_layer(), "a Master cannot rename");
    assert!(status(&app).contains("needs the workspace Owner role; you are Master"), "{}", status(&app));
}

/// The key a hint in the bar shows for `label`, and whether it is bright.
fn bar_state(app: &mpdesk::tui::app::App, label: &str) -> Option<bool> {
    mpdesk::tui::hints::build(app).iter().find(|h| h.action.in_bar() && h.action.label() == label).map(|h| h.enabled())
}

/// README's demo walkthrough, steps 1 to 9, with the keys it names and the
/// words it quotes (each quote is read from README, so text and console
/// cannot drift apart).
#[test]
fn the_walkthrough_runs_as_written() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).expect("README");
    let walk = readme
        .split("## A demo walkthrough")
        .nth(1)
        .expect("walkthrough")
        .split("### The demo people")
        .next()
        .expect("end");
    let flat = walk.split_whitespace().collect::<Vec<_>>().join(" ");
    let quoted = |after: &str| -> String {
        let rest = flat.split(after).nth(1).unwrap_or_else(|| panic!("README lost {after:?}"));
        rest.split('"').nth(1).expect("a quote").to_string()
    };
    let mut app = demo_app("olivia", (100, 30));
    // 1. D is refused with the quoted reason.
    assert_eq!(shown_program(&app).as_deref(), Some("Coffee Club"));
    press(&mut app, KeyCode::Char('D'));
    assert_eq!(status(&app), quoted("the status line says why:"));
    // 2. a, nora marked "→ Developer", Space, Enter: she is in the Members pane.
    press(&mut app, KeyCode::Char('a'));
    assert!(crate::tui_support::screen_text(&app).contains("nora"), "the new member list");
    assert!(crate::tui_support::screen_text(&app).contains(&quoted("marked")));
    press(&mut app, KeyCode::Char(' '));
    press(&mut app, KeyCode::Enter);
    assert!(crate::tui_support::screen_text(&app).lines().any(|l| l.contains("nora") && l.contains("Developer")));
    // 3. p dana: three programs; n e a c r o D gray, u bright.
    press(&mut app, KeyCode::Char('p'));
    chars(&mut app, "dana");
    press(&mut app, KeyCode::Enter);
    assert_eq!(shown_login(&app), "dana");
    assert_eq!(programs(&app).total, 3, "the three programs she is a member of");
    for label in ["new", "edit", "add", "config", "release", "offline", "delete"] {
        assert_eq!(bar_state(&app, label), Some(false), "{label} is not gray");
    }
    assert_eq!(bar_state(&app, "upload"), Some(true));
    // 4. r: the quoted reason; ? lists every action.
    select_program(&mut app, "Coffee Club");
    press(&mut app, KeyCode::Char('r'));
    assert_eq!(status(&app), quoted("in the status line:"));
    press(&mut app, KeyCode::Char('?'));
    assert!(crate::tui_support::screen_text(&app).contains("Help"));
    press(&mut app, KeyCode::Esc);
    // 5. w Side Projects: Admin of Weather Widget as a Master, nothing gray by role.
    press(&mut app, KeyCode::Char('w'));
    chars(&mut app, "Side");
    press(&mut app, KeyCode::Enter);
    assert_eq!(Some(header(&app).workspace.as_str()), Some("Side Projects"));
    assert!(crate::tui_support::screen_text(&app).contains(&quoted("Weather Widget* (")), "the role line");
    for label in ["edit", "add", "config", "release"] {
        assert_eq!(bar_state(&app, label), Some(true), "{label} gray in Side Projects");
    }
    // 6. 4: the Roles tab, allowed or the reason.
    press(&mut app, KeyCode::Char('4'));
    assert!(crate::tui_support::screen_text(&app).contains("allowed"));
    // 7. back to olivia, 2, i eve Enter: invited, expires in 2d 23h; eve accepts.
    press(&mut app, KeyCode::Char('p'));
    chars(&mut app, "olivia");
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Char('2'));
    press(&mut app, KeyCode::Char('i'));
    chars(&mut app, "eve");
    press(&mut app, KeyCode::Enter);
    let screen = crate::tui_support::screen_text(&app);
    // README quotes the countdown a minute in ("2d 23h"); this clock stands still.
    assert!(quoted("*invited*,").starts_with("expires in 2d 23h"));
    assert!(
        screen.lines().any(|l| l.contains("eve") && l.contains("invited") && l.contains("expires in 3d")),
        "{screen}"
    );
    let eve = app.desk.actor("eve").expect("eve");
    app.desk.accept_invitation(&eve, "Acme Mini Apps").expect("accept");
    app.after_membership_change();
    assert!(crate::tui_support::screen_text(&app).lines().any(|l| l.contains("eve") && l.contains("active")));
    // 8 is played key by key in walkthrough_step_eight_runs_as_written; its end: T to max.
    move_to(&mut app, "max");
    press(&mut app, KeyCode::Char('T'));
    chars(&mut app, "Acme Mini Apps");
    press(&mut app, KeyCode::Enter);
    assert!(status(&app).contains("max is now the Owner"), "{}", status(&app));
    // 9. 3: the Audit tab, newest first: the transfer on top.
    press(&mut app, KeyCode::Char('3'));
    let screen = crate::tui_support::screen_text(&app);
    let first = screen.lines().find(|l| l.contains("2026-")).expect("an entry");
    assert!(first.contains("workspace_transfer"), "{first}");
}
