//! Costs that must not grow with the data or with time: an idle console
//! draws nothing, a refresh comes only from another process's commit.

use crate::tui_support::app_on;
use mpdesk::desk::Desk;
use mpdesk::tui::update::{update, Message};

#[test]
fn an_idle_console_draws_nothing_until_another_process_commits() {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("idle.db");
    Desk::open(&path).expect("create").load_demo_data().expect("demo");
    let clock = mpdesk::desk::ManualClock::new(time::macros::datetime!(2026-01-05 09:30:00 UTC));
    let desk = Desk::open(&path).expect("open").with_clock(clock);
    let mut app = app_on(desk, "olivia", false, false, (100, 30));
    assert!(app.redraw, "the first frame is drawn");
    app.redraw = false;
    for _ in 0..3 {
        update(&mut app, Message::Tick);
        assert!(!app.redraw, "an idle tick redraws");
    }
    let mut other = Desk::open(&path).expect("another process");
    let olivia = other.actor("olivia").expect("olivia");
    other.create_program(&olivia, "Acme Mini Apps", "From elsewhere", "").expect("create");
    update(&mut app, Message::Tick);
    assert!(app.redraw, "another process's commit is drawn");
    assert!(app.programs.total >= 5);
}
