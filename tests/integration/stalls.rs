//! No key waits for a long read: what the console cannot read within its
//! budget, its background reader (a second desk on the same file) finds,
//! while the screen says "searching…" or "counting…" — then shows it.
//! Here the budget is zero, so every read that takes more than a moment
//! goes to the background reader, as a slow one would at 100k programs.

use crate::tui_support::*;
use crossterm::event::KeyCode;
use mpdesk::desk::{Desk, Shape};
use mpdesk::tui::app::App;
use mpdesk::tui::background::Background;
use mpdesk::tui::router::{update, Message};
use std::time::{Duration, Instant};

/// A busy server's shape (1k programs, 10k entries) as `owner`, with a
/// background reader that gets every read not finished at once.
fn busy_console(dir: &tempfile::TempDir) -> App {
    let path = dir.path().join("busy.db");
    Desk::open(&path).expect("create").load_busy_server(Shape::SMALL).expect("generate");
    let mut app = app_on(Desk::open(&path).expect("open"), "owner", false, false, (100, 30));
    app.sync.background = Background::start(&app.desk, Duration::ZERO);
    app
}

/// What the event loop does while the background reader works.
fn wait_for_answers(app: &mut App) {
    let start = Instant::now();
    while app.sync.background.busy() {
        assert!(start.elapsed() < Duration::from_secs(20), "no answer:\n{}", screen_text(app));
        std::thread::sleep(Duration::from_millis(2));
        update(app, Message::Answers);
    }
}

fn title_line(app: &App, title: &str) -> String {
    let screen = screen_text(app);
    screen.lines().find(|l| l.contains(&format!("┌ {title}"))).unwrap_or_default().to_string()
}

#[test]
fn a_filter_the_budget_cannot_answer_says_searching_then_shows_what_matches() {
    let dir = tempfile::tempdir().expect("dir");
    let mut app = busy_console(&dir);
    press(&mut app, KeyCode::Char('/'));
    chars(&mut app, "zz");
    assert!(title_line(&app, "Programs").contains("searching…"), "{}", screen_text(&app));
    assert!(screen_text(&app).contains("Searching…"));
    wait_for_answers(&mut app);
    let screen = screen_text(&app);
    assert!(screen.contains("No program matches the filter.") && !screen.contains("searching…"), "{screen}");

    // A newer filter wins over one still being looked for.
    press(&mut app, KeyCode::Backspace);
    press(&mut app, KeyCode::Backspace);
    chars(&mut app, "cafe 000003");
    wait_for_answers(&mut app);
    let screen = screen_text(&app);
    assert!(screen.contains("Amber Cafe 000003"), "{screen}");
    assert_eq!(programs(&app).total, 1, "{screen}");
    assert_eq!(shown_program(&app).as_deref(), Some("Amber Cafe 000003"));
}

/// A whole workspace's length is its tally (no count); a filtered one is
/// counted, here by the background reader.
#[test]
fn end_has_a_filtered_list_counted_in_the_background_then_goes_to_the_last_program() {
    let dir = tempfile::tempdir().expect("dir");
    let mut app = busy_console(&dir);
    assert!(title_line(&app, "Programs").contains("1/200+"), "{}", screen_text(&app));
    press(&mut app, KeyCode::End);
    assert!(title_line(&app, "Programs").contains("1000/1000"), "at once: {}", screen_text(&app));
    wait_for_answers(&mut app);
    // The last by name: the last adjective, then the last noun.
    assert!(screen_text(&app).contains("Swift Tutor 000879"), "{}", screen_text(&app));
    press(&mut app, KeyCode::Home);
    press(&mut app, KeyCode::Char('/'));
    chars(&mut app, "a");
    wait_for_answers(&mut app);
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::End);
    assert!(title_line(&app, "Programs").contains("counting…"), "{}", screen_text(&app));
    wait_for_answers(&mut app);
    let title = title_line(&app, "Programs");
    assert!(title.contains("766/766"), "{title}");
    assert!(screen_text(&app).contains("Swift Travel 000679"), "the last with an a: {}", screen_text(&app));
}

#[test]
fn scrolling_past_the_first_page_learns_the_length_page_by_page_without_a_count() {
    let dir = tempfile::tempdir().expect("dir");
    let mut app = busy_console(&dir);
    for _ in 0..250 {
        press(&mut app, KeyCode::Char('j'));
        wait_for_answers(&mut app);
    }
    let list = &app.screens.programs.list;
    assert_eq!(list.selected, 250);
    assert!(!list.exact, "known page by page, not counted");
    assert!(list.total > 251, "{}", list.total);
    assert!(title_line(&app, "Programs").contains("251/"), "{}", screen_text(&app));
}

#[test]
fn an_audit_filter_the_budget_cannot_answer_says_searching_then_shows_what_matches() {
    let dir = tempfile::tempdir().expect("dir");
    let mut app = busy_console(&dir);
    press(&mut app, KeyCode::Char('3'));
    wait_for_answers(&mut app);
    press(&mut app, KeyCode::Char('/'));
    // A text in many entries: the log is walked, newest first, past the
    // budget.
    chars(&mut app, "dev");
    assert!(title_line(&app, "Audit log").contains("searching…"), "{}", screen_text(&app));
    wait_for_answers(&mut app);
    press(&mut app, KeyCode::Char('q'));
    wait_for_answers(&mut app);
    assert!(screen_text(&app).contains("No entry matches the filter."), "{}", screen_text(&app));
    press(&mut app, KeyCode::Backspace);
    chars(&mut app, "3");
    wait_for_answers(&mut app);
    let screen = screen_text(&app);
    assert!(screen.contains("dev3") && !screen.contains("searching…"), "{screen}");
    // Every row shown matches.
    let audit = &app.screens.audit.list;
    assert!(audit.rows.iter().all(|(_, e)| e.actor == "dev3"), "{:?}", audit.rows.first());
}

/// Every `cargo bench --bench NAME` README shows is a bench this crate
/// has, and every script it names is there.
#[test]
fn the_benches_readme_runs_are_there() {
    let root = env!("CARGO_MANIFEST_DIR");
    let readme = std::fs::read_to_string(format!("{root}/README.md")).expect("README");
    let manifest = std::fs::read_to_string(format!("{root}/Cargo.toml")).expect("Cargo.toml");
    let names: Vec<&str> = readme
        .lines()
        .filter_map(|line| line.trim().strip_prefix("cargo bench --bench "))
        .map(|rest| rest.split_whitespace().next().unwrap_or_default())
        .collect();
    assert!(names.contains(&"keys") && names.contains(&"paging"), "{names:?}");
    for name in names {
        assert!(manifest.contains(&format!("[[bench]]\nname = \"{name}\"")), "no [[bench]] {name} in Cargo.toml");
        assert!(std::path::Path::new(&format!("{root}/benches/{name}.rs")).exists(), "no benches/{name}.rs");
    }
    let scripts: Vec<&str> =
        readme.split("benches/scripts/").skip(1).filter_map(|rest| rest.split(".py").next()).collect();
    assert!(scripts.contains(&"idle_consoles") && scripts.contains(&"audit_cli"), "{scripts:?}");
    for script in scripts {
        let path = format!("{root}/benches/scripts/{script}.py");
        assert!(std::path::Path::new(&path).exists(), "README names {path}, which is not there");
    }
}

/// `v` on the Audit tab: a walk longer than a key may take goes to the
/// background reader; the tab says it is checking, the keys still answer,
/// and the result comes to the status line and the title.
#[test]
fn a_chain_check_the_budget_cannot_answer_runs_in_the_background() {
    let dir = tempfile::tempdir().expect("dir");
    let mut app = busy_console(&dir);
    press(&mut app, KeyCode::Char('3'));
    wait_for_answers(&mut app);
    press(&mut app, KeyCode::Char('v'));
    assert!(title_line(&app, "Audit log").contains("checking the chain…"), "{}", screen_text(&app));
    assert_eq!(crate::tui_support::status(&app), "checking the audit log's chain…");
    press(&mut app, KeyCode::Char('j'));
    wait_for_answers(&mut app);
    let status = crate::tui_support::status(&app);
    assert!(status.starts_with("chain intact: 10038 entries, head "), "{status}");
    assert!(title_line(&app, "Audit log").contains("chain intact: 10038 entries"), "{}", screen_text(&app));
}
