//! Costs that must not grow with the data or with time: an idle console
//! draws nothing, a refresh comes only from another process's commit.

use crate::tui_support::*;
use mpdesk::desk::Desk;
use mpdesk::tui::router::{update, Message};

#[test]
fn an_idle_console_draws_nothing_until_another_process_commits() {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("idle.db");
    Desk::open(&path).expect("create").load_demo_data().expect("demo");
    let clock = mpdesk::desk::ManualClock::new(time::macros::datetime!(2026-01-05 09:30:00 UTC));
    let desk = Desk::open(&path).expect("open").with_clock(clock);
    let mut app = app_on(desk, "olivia", false, false, (100, 30));
    assert!(app.run.redraw, "the first frame is drawn");
    app.run.redraw = false;
    for _ in 0..3 {
        update(&mut app, Message::Tick);
        assert!(!app.run.redraw, "an idle tick redraws");
    }
    let mut other = Desk::open(&path).expect("another process");
    let olivia = other.actor("olivia").expect("olivia");
    other.create_program(&olivia, "Acme Mini Apps", "From elsewhere", "").expect("create");
    update(&mut app, Message::Tick);
    assert!(app.run.redraw, "another process's commit is drawn");
    assert!(programs(&app).total >= 5);
}

/// The program list is drawn from its first row at every total around the
/// page boundaries, at start and after a refresh from another process.
#[test]
fn the_program_list_starts_at_its_first_row_for_every_total_near_a_page_boundary() {
    use mpdesk::tui::window::PAGE;
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("pages.db");
    let mut writer = Desk::open(&path).expect("create");
    let lead = writer.add_user("lead", None, None).expect("lead");
    let lead = writer.actor(&lead.login).expect("actor");
    writer.create_workspace(&lead, "Big").expect("workspace");
    let mut app = app_on(Desk::open(&path).expect("open"), "lead", false, false, (100, 30));
    let near = |total: u64| (1..=3).any(|k| total + 3 >= k * PAGE && total <= k * PAGE + 30);
    for total in 1..=(3 * PAGE + 30) {
        writer.create_program(&lead, "Big", &format!("p{total:04}"), "").expect("create");
        if !near(total) {
            continue;
        }
        mpdesk::tui::router::update(&mut app, Message::Tick);
        let fresh = app_on(Desk::open(&path).expect("open"), "lead", false, false, (100, 30));
        for (when, app) in [("after a refresh", &app), ("at start", &fresh)] {
            let known = programs(app).total == total || (!programs(app).exact && programs(app).total <= total);
            assert!(known, "{when}: {} of {total} programs, exact: {}", programs(app).total, programs(app).exact);
            let first = app.screens.programs.list.rows.first().map(|p| p.name.clone());
            assert!(
                app.screens.programs.list.offset <= app.screens.programs.list.top,
                "{when}, {total} programs: rows start below the view"
            );
            let shown = shown_program(app);
            assert!(shown.is_some(), "{when}, {total} programs: nothing selected");
            assert!(first.is_some(), "{when}, {total} programs: no rows");
        }
        let screen = crate::tui_support::screen_text(&fresh);
        assert!(screen.contains("p0001"), "at start, {total} programs:\n{screen}");
    }
}

#[test]
fn end_then_home_in_the_audit_tab_shows_the_newest_entries() {
    use crossterm::event::KeyCode;
    let mut desk = crate::tui_support::demo_desk();
    let olivia = desk.actor("olivia").expect("olivia");
    for i in 0..450 {
        desk.create_program(&olivia, "Acme Mini Apps", &format!("Audit filler {i:03}"), "").expect("create");
    }
    let mut app = app_on(desk, "olivia", false, false, (100, 30));
    crate::tui_support::press(&mut app, KeyCode::Char('3'));
    crate::tui_support::press(&mut app, KeyCode::End);
    assert!(crate::tui_support::screen_text(&app).contains("workspace_create"), "the oldest entries at the end");
    crate::tui_support::press(&mut app, KeyCode::Home);
    let screen = crate::tui_support::screen_text(&app);
    assert!(screen.contains("Audit filler 449"), "Home shows the newest again:\n{screen}");
}

/// Every eligible developer can be reached in the add-members dialog by
/// moving down: it pages like every other list.
#[test]
fn the_add_members_dialog_pages_past_its_first_page() {
    use crossterm::event::KeyCode;
    use mpdesk::desk::WorkspaceRole;
    let mut desk = crate::tui_support::demo_desk();
    let olivia = desk.actor("olivia").expect("olivia");
    for i in 0..450 {
        let login = format!("dev{i:03}");
        desk.add_user(&login, None, None).expect("user");
        desk.add_workspace_member(&olivia, "Acme Mini Apps", &login, WorkspaceRole::Developer, None).expect("member");
    }
    let mut app = app_on(desk, "olivia", true, false, (100, 30));
    crate::tui_support::select_program(&mut app, "Parking Pass");
    crate::tui_support::press(&mut app, KeyCode::Char('a'));
    for _ in 0..460 {
        crate::tui_support::press(&mut app, KeyCode::Down);
    }
    let Some(dialog) = app.top::<mpdesk::tui::dialogs::AddMembers>() else { panic!("add members") };
    assert!(dialog.list.items.len() > 450, "{} candidates reachable", dialog.list.items.len());
    let last = dialog.list.selected_item().map(|c| c.login.clone());
    assert!(last.as_deref().is_some_and(|l| l != "dev199"), "stopped at the first page: {last:?}");
}

/// The first frame counts nothing: the title says "200+" until someone
/// goes to the end, which counts once.
#[test]
fn the_program_count_waits_until_someone_goes_to_the_end() {
    use crossterm::event::KeyCode;
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("count.db");
    let mut writer = Desk::open(&path).expect("create");
    let lead = writer.add_user("lead", None, None).expect("lead");
    let lead = writer.actor(&lead.login).expect("actor");
    writer.create_workspace(&lead, "Big").expect("workspace");
    for i in 0..450 {
        writer.create_program(&lead, "Big", &format!("p{i:04}"), "").expect("create");
    }
    let mut app = app_on(Desk::open(&path).expect("open"), "lead", false, false, (100, 30));
    assert!(!programs(&app).exact);
    assert!(
        crate::tui_support::screen_text(&app).contains("Programs 1/200+"),
        "{}",
        crate::tui_support::screen_text(&app)
    );
    crate::tui_support::press(&mut app, KeyCode::End);
    assert!(programs(&app).exact);
    let screen = crate::tui_support::screen_text(&app);
    assert!(screen.contains("Programs 450/450") && screen.contains("p0449"), "{screen}");
}

/// 24 people uploading 47 MB packages at the same moment all succeed: no
/// write holds the lock while it reads or hashes a file.
#[test]
#[ignore = "long: run with cargo test --release -- --ignored"]
fn twenty_four_large_uploads_at_once_all_succeed() {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("uploads.db");
    let mut desk = Desk::open(&path).expect("create");
    desk.load_demo_data().expect("demo");
    let olivia = desk.actor("olivia").expect("olivia");
    let mut programs = Vec::new();
    for i in 0..24 {
        programs.push(
            desk.create_program(&olivia, "Acme Mini Apps", &format!("Upload {i:02}"), "").expect("create").app_id,
        );
    }
    let package = dir.path().join("package.zip");
    std::fs::write(&package, crate::support::package_of_len(47 * 1024 * 1024, 7)).expect("package");
    let barrier = std::sync::Arc::new(std::sync::Barrier::new(programs.len()));
    let handles: Vec<_> = programs
        .into_iter()
        .map(|app_id| {
            let (path, package, barrier) = (path.clone(), package.clone(), barrier.clone());
            std::thread::spawn(move || {
                let mut desk = Desk::open(&path).map_err(|e| e.to_string())?;
                let olivia = desk.actor("olivia").map_err(|e| e.to_string())?;
                barrier.wait();
                desk.upload_version(&olivia, &app_id, "1.0.0", mpdesk::desk::PackageSource::File(package), "")
                    .map(drop)
                    .map_err(|e| e.to_string())
            })
        })
        .collect();
    let failures: Vec<String> = handles.into_iter().filter_map(|h| h.join().expect("thread").err()).collect();
    assert!(failures.is_empty(), "{} of 24 failed: {failures:?}", failures.len());
}

/// What each reader's audit query returns is what the rule says: a
/// workspace Developer reads the entries of their programs, and only those.
#[test]
fn a_developer_reads_the_entries_of_their_programs_only() {
    let world = crate::support::World::demo();
    let devin = world.actor("devin");
    let query = mpdesk::desk::AuditQuery { limit: 1000, ..Default::default() };
    let entries = world.desk.audit(&devin, &query).expect("audit");
    assert!(!entries.is_empty(), "devin reads his programs' entries");
    for (_, entry) in &entries {
        let program = entry.program.as_deref().unwrap_or("-");
        assert!(matches!(program, "Coffee Club" | "Lunch Vote"), "devin read an entry of {program}");
    }
    let nora = world.actor("nora");
    assert!(world.desk.audit(&nora, &query).expect("audit").is_empty(), "nora is on no program");
}

/// Keys typed faster than they are handled arrive together: the filter
/// looks up only the newest text, once.
#[test]
fn a_fast_typed_filter_looks_up_the_newest_text_once() {
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    let mut app = crate::tui_support::demo_app("olivia", (100, 30));
    crate::tui_support::press(&mut app, KeyCode::Char('/'));
    let typed: Vec<Message> =
        "lunch".chars().map(|c| Message::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE))).collect();
    let before = programs(&app).total;
    mpdesk::tui::router::update_all(&mut app, typed);
    assert!(app.sync.pending_filter.is_none());
    assert_eq!((before, programs(&app).total), (4, 1), "the newest text, looked up");
    assert_eq!(shown_program(&app).as_deref(), Some("Lunch Vote"));
}

/// A reader of several workspaces, and of programs in another, pages the
/// union newest first (each way in read on its own, then merged): every
/// entry once, in order, the same as reading each workspace by name.
#[test]
fn paging_the_union_of_several_workspaces_finds_each_entry_once_in_order() {
    use mpdesk::desk::{AuditQuery, ProgramEdit};
    use mpdesk::store::generated::Shape;
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("busy.db");
    let mut desk = Desk::open(&path).expect("create");
    desk.load_busy_server(Shape::SMALL).expect("generate");
    // Entries in one of owner's Side B programs, where owner is a Developer.
    let sid = desk.actor("sid").expect("sid");
    for n in 0..3 {
        let edit = ProgramEdit { description: Some(format!("take {n}")), ..Default::default() };
        desk.edit_program(&sid, "Side B program 001", &edit).expect("edit");
    }
    let owner = desk.actor("owner").expect("owner");
    let each = |workspace: &str| {
        let query = AuditQuery { workspace: Some(workspace.into()), limit: 100_000, ..Default::default() };
        desk.audit(&owner, &query).expect("one workspace").into_iter().map(|(id, _)| id)
    };
    let mut expected: Vec<i64> = each("Big").chain(each("Side A")).chain(each("Side B")).collect();
    expected.sort_unstable_by(|a, b| b.cmp(a));
    assert_eq!(each("Side B").count(), 3, "owner reads their Side B program's entries");

    let mut newest_first = Vec::new();
    let mut query = AuditQuery { limit: 97, ..Default::default() };
    loop {
        let page = desk.audit(&owner, &query).expect("page");
        let Some((last, _)) = page.last() else { break };
        query.before = Some(*last);
        newest_first.extend(page.iter().map(|(id, _)| *id));
    }
    assert_eq!(newest_first, expected, "paged back from the newest");

    let mut oldest_first = Vec::new();
    let mut query = AuditQuery { limit: 97, oldest: true, ..Default::default() };
    loop {
        let page = desk.audit(&owner, &query).expect("page");
        let Some((first, _)) = page.first() else { break };
        query = AuditQuery { limit: 97, after: Some(*first), ..Default::default() };
        oldest_first.extend(page.iter().rev().map(|(id, _)| *id));
    }
    oldest_first.reverse();
    assert_eq!(oldest_first, expected, "paged forward from the oldest");
    let total = desk.count_audit(&owner, &AuditQuery::default()).expect("count");
    assert_eq!(total, expected.len() as u64);
}
