//! What a keypress and a frame cost as the data grows. Run with
//! `cargo bench --bench paging`. Fixtures are bulk-inserted with SQL (a
//! million audit entries through the desk would take minutes); every
//! measured call goes through the desk or the console as a person's would.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use divan::Bencher;
use mpdesk::desk::{AuditQuery, Desk, Page};
use mpdesk::tui::app::{App, Options};
use mpdesk::tui::config::Config;
use mpdesk::tui::router::{update, Message};
use mpdesk::tui::view;
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use std::path::PathBuf;

fn main() {
    divan::main();
}

struct Fixture {
    _dir: tempfile::TempDir,
    path: PathBuf,
}

/// One workspace owned by "owner" with `programs` programs, `members`
/// developers on the first program, and `audit` audit entries.
fn fixture(programs: u64, members: u64, audit: u64) -> Fixture {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("bench.db");
    {
        let mut desk = Desk::open(&path).expect("desk");
        desk.add_user("owner", Some("Owner"), None).expect("user");
        let owner = desk.actor("owner").expect("owner");
        desk.create_workspace(&owner, "Big").expect("workspace");
        desk.create_program(&owner, "Big", "Program 0000000", "the first").expect("program");
    }
    let mut conn = rusqlite::Connection::open(&path).expect("raw");
    let tx = conn.transaction().expect("tx");
    let at = "2026-01-01T00:00:00Z";
    for i in 1..programs {
        tx.execute(
            "INSERT INTO programs (app_id, workspace_id, name, status, created_by, created_at) VALUES (?1, 1, ?2, 'draft', 1, ?3)",
            rusqlite::params![format!("{}", 2_000_000_000_000_000u64 + i), format!("Program {i:07}"), at],
        )
        .expect("program");
    }
    for i in 0..members {
        tx.execute(
            "INSERT INTO users (login, name, created_at) VALUES (?1, ?1, ?2)",
            rusqlite::params![format!("dev{i:06}"), at],
        )
        .expect("user");
        let id = tx.last_insert_rowid();
        tx.execute(
            "INSERT INTO workspace_members (workspace_id, user_id, role, status, since) VALUES (1, ?1, 'developer', 'active', ?2)",
            rusqlite::params![id, at],
        )
        .expect("ws member");
        tx.execute(
            "INSERT INTO program_members (program_id, user_id, added_by, added_at) VALUES (1, ?1, 1, ?2)",
            rusqlite::params![id, at],
        )
        .expect("member");
    }
    {
        // Spread over the programs: program i gets entries i, i + n, …
        let mut stmt = tx
            .prepare("INSERT INTO audit (at, actor, workspace_id, workspace, program_app_id, program, operation, outcome, detail)
                      SELECT ?1, 'owner', 1, 'Big', app_id, name, 'program_edit', 'ok', ?2 FROM programs WHERE id = ?3")
            .expect("prepare");
        for i in 0..audit {
            stmt.execute(rusqlite::params![at, format!("entry {i}"), (i % programs) as i64 + 1]).expect("audit");
        }
    }
    tx.commit().expect("commit");
    Fixture { _dir: dir, path }
}

fn app(fixture: &Fixture) -> App {
    let desk = Desk::open(&fixture.path).expect("desk");
    App::new(desk, "owner", Options::default(), Config::default(), (120, 40))
}

fn key(code: KeyCode) -> Message {
    Message::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

/// One "j" in the program list: the next program's details, versions,
/// capabilities and first members page are loaded.
#[divan::bench(args = [1_000, 100_000], sample_count = 200)]
fn keypress_next_program(bencher: Bencher, programs: u64) {
    let fixture = fixture(programs, 10, 0);
    let mut app = app(&fixture);
    let mut down = true;
    bencher.bench_local(|| {
        update(&mut app, key(if down { KeyCode::Char('j') } else { KeyCode::Char('k') }));
        down = !down;
    });
}

/// Selecting a program whose member list is long: one page, no count.
#[divan::bench(args = [100, 1_000, 10_000, 50_000], sample_count = 200)]
fn keypress_onto_program_with_many_members(bencher: Bencher, members: u64) {
    let fixture = fixture(2, members, 0);
    let mut app = app(&fixture);
    let mut down = true;
    bencher.bench_local(|| {
        update(&mut app, key(if down { KeyCode::Char('j') } else { KeyCode::Char('k') }));
        down = !down;
    });
}

/// Jumping deep into the list (End), then back (Home): a page fetch each.
#[divan::bench(args = [1_000, 100_000], sample_count = 100)]
fn keypress_end_and_home(bencher: Bencher, programs: u64) {
    let fixture = fixture(programs, 10, 0);
    let mut app = app(&fixture);
    let mut end = true;
    bencher.bench_local(|| {
        update(&mut app, key(if end { KeyCode::End } else { KeyCode::Home }));
        end = !end;
    });
}

/// Drawing one frame of the main screen.
#[divan::bench(args = [1_000, 100_000], sample_count = 200)]
fn render_frame(bencher: Bencher, programs: u64) {
    let fixture = fixture(programs, 10, 0);
    let app = app(&fixture);
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).expect("terminal");
    bencher.bench_local(|| {
        terminal.draw(|frame| view::render(&app, frame)).expect("draw");
    });
}

/// One page of 100 audit entries, newest first, near the top and a
/// hundred thousand entries down (keyset paging).
#[divan::bench(args = [10_000, 1_000_000], sample_count = 100)]
fn audit_page_deep(bencher: Bencher, entries: u64) {
    let fixture = fixture(1, 0, entries);
    let desk = Desk::open(&fixture.path).expect("desk");
    let owner = desk.actor("owner").expect("owner");
    let deep = (entries as i64 / 2).max(1);
    bencher.bench_local(|| {
        let page =
            desk.audit(&owner, &AuditQuery { before: Some(deep), limit: 100, ..Default::default() }).expect("page");
        divan::black_box(page);
    });
}

/// The last page by keyset (what the console does for End).
#[divan::bench(args = [1_000, 100_000], sample_count = 100)]
fn program_page_seek_last(bencher: Bencher, programs: u64) {
    let fixture = fixture(programs, 0, 0);
    let desk = Desk::open(&fixture.path).expect("desk");
    let owner = desk.actor("owner").expect("owner");
    bencher.bench_local(|| {
        let page = desk.seek_programs(&owner, "Big", None, mpdesk::desk::Seek::Last, 200).expect("page");
        divan::black_box(page);
    });
}

/// The last page by OFFSET (the CLI's `Page`): walks the skipped rows.
/// Kept as the contrast the console avoids.
#[divan::bench(args = [1_000, 100_000], sample_count = 100)]
fn program_page_offset_last(bencher: Bencher, programs: u64) {
    let fixture = fixture(programs, 0, 0);
    let desk = Desk::open(&fixture.path).expect("desk");
    let owner = desk.actor("owner").expect("owner");
    bencher.bench_local(|| {
        let page =
            desk.list_programs(&owner, Some("Big"), None, Page::new(programs.saturating_sub(200), 200)).expect("page");
        divan::black_box(page);
    });
}

/// PageDown in the Audit tab: keyset pages by id, whatever the log's length.
#[divan::bench(args = [10_000, 1_000_000], sample_count = 200)]
fn audit_tab_page_down(bencher: Bencher, entries: u64) {
    let fixture = fixture(1, 0, entries);
    let mut app = app(&fixture);
    update(&mut app, key(KeyCode::Char('3')));
    bencher.bench_local(|| update(&mut app, key(KeyCode::PageDown)));
}

/// `G` in the Audit tab counts the readable entries once (the one step
/// that walks the log), then reads the oldest page.
#[divan::bench(args = [10_000, 1_000_000], sample_count = 10)]
fn audit_tab_end_key(bencher: Bencher, entries: u64) {
    let fixture = fixture(1, 0, entries);
    let mut app = app(&fixture);
    update(&mut app, key(KeyCode::Char('3')));
    bencher.bench_local(|| update(&mut app, key(KeyCode::End)));
}

/// One filter keystroke as the console runs it: the first page of matches
/// and one row more (no count). "Program 00" matches most rows; "m 0099" a few
/// hundred at 100k (through the trigram index).
#[divan::bench(args = [1_000, 100_000], consts = [0, 1], sample_count = 50)]
fn filter_keystroke<const RARE: usize>(bencher: Bencher, programs: u64) {
    let fixture = fixture(programs, 0, 0);
    let desk = Desk::open(&fixture.path).expect("desk");
    let owner = desk.actor("owner").expect("owner");
    let text = if RARE == 1 { "m 0099" } else { "Program 00" };
    bencher.bench_local(|| {
        let page = desk.seek_programs(&owner, "Big", Some(text), mpdesk::desk::Seek::First, 201).expect("page");
        divan::black_box(page);
    });
}

/// Start to first frame: opening the database, loading the first page
/// (and whatever counting that does), drawing once.
#[divan::bench(args = [1_000, 100_000], sample_count = 20)]
fn start_to_first_frame(bencher: Bencher, programs: u64) {
    let fixture = fixture(programs, 10, 0);
    bencher.bench_local(|| {
        let app = app(&fixture);
        let mut terminal = Terminal::new(TestBackend::new(120, 40)).expect("terminal");
        terminal.draw(|frame| view::render(&app, frame)).expect("draw");
    });
}

/// A tick after another connection committed: the refresh it triggers.
#[divan::bench(args = [1_000, 100_000], sample_count = 50)]
fn refresh_after_another_commit(bencher: Bencher, programs: u64) {
    let fixture = fixture(programs, 10, 0);
    let mut app = app(&fixture);
    let other = rusqlite::Connection::open(&fixture.path).expect("other");
    let mut n = 0u64;
    bencher.bench_local(|| {
        n += 1;
        other.execute("UPDATE programs SET description = ?1 WHERE id = 1", [format!("d{n}")]).expect("commit");
        update(&mut app, Message::Tick);
    });
}

/// Bytes a terminal receives: for an idle tick (none: nothing is drawn)
/// and for one `j` (the changed cells only). Printed, then timed.
#[divan::bench(args = [1_000, 100_000], sample_count = 20)]
fn bytes_idle_tick_and_j(bencher: Bencher, programs: u64) {
    use ratatui::backend::CrosstermBackend;
    use ratatui::layout::Rect;
    use ratatui::{TerminalOptions, Viewport};
    let fixture = fixture(programs, 10, 0);
    let mut app = app(&fixture);
    /// Counts what is written to it.
    #[derive(Clone, Default)]
    struct Counter(std::rc::Rc<std::cell::Cell<usize>>);
    impl std::io::Write for Counter {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.set(self.0.get() + buf.len());
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let counter = Counter::default();
    let options = TerminalOptions { viewport: Viewport::Fixed(Rect::new(0, 0, 120, 40)) };
    let mut terminal = Terminal::with_options(CrosstermBackend::new(counter.clone()), options).expect("terminal");
    let frame = |app: &mut App, terminal: &mut Terminal<CrosstermBackend<Counter>>| {
        counter.0.set(0);
        if app.run.redraw {
            terminal.draw(|f| view::render(app, f)).expect("draw");
            app.run.redraw = false;
        }
        counter.0.get()
    };
    frame(&mut app, &mut terminal);
    update(&mut app, Message::Tick);
    let idle = frame(&mut app, &mut terminal);
    update(&mut app, key(KeyCode::Char('j')));
    let j = frame(&mut app, &mut terminal);
    let _ = mpdesk::print::text(
        mpdesk::print::Stream::Out,
        &format!("{programs} programs: idle tick {idle} bytes, one j {j} bytes"),
    );
    bencher.bench_local(|| {
        update(&mut app, Message::Tick);
        frame(&mut app, &mut terminal)
    });
}

/// Opening the Audit tab (its first page) as the Owner.
#[divan::bench(args = [10_000, 1_000_000], sample_count = 20)]
fn audit_tab_open(bencher: Bencher, entries: u64) {
    let fixture = fixture(1, 0, entries);
    let mut app = app(&fixture);
    bencher.bench_local(|| {
        update(&mut app, key(KeyCode::Char('3')));
        update(&mut app, key(KeyCode::Char('1')));
    });
}

/// One audit filter keystroke's page, as the Owner: a common text and a
/// rare one ("entry 12345" matches a handful of entries).
#[divan::bench(args = [10_000, 1_000_000], consts = [0, 1], sample_count = 20)]
fn audit_filter<const RARE: usize>(bencher: Bencher, entries: u64) {
    let fixture = fixture(1, 0, entries);
    let desk = Desk::open(&fixture.path).expect("desk");
    let owner = desk.actor("owner").expect("owner");
    let text = if RARE == 1 { "entry 1234" } else { "entry" };
    bencher.bench_local(|| {
        let query = AuditQuery {
            workspace: Some("Big".to_string()),
            text: Some(text.to_string()),
            limit: 201,
            ..Default::default()
        };
        divan::black_box(desk.audit(&owner, &query).expect("page"));
    });
}

/// The Audit tab's first page and a rare filter as a workspace Developer
/// on one program of 1,000, the log spread over all of them: the entries
/// of their program only, found through the index.
#[divan::bench(args = [10_000, 1_000_000], sample_count = 20)]
fn audit_as_developer(bencher: Bencher, entries: u64) {
    let fixture = fixture(1_000, 1, entries);
    let desk = Desk::open(&fixture.path).expect("desk");
    let dev = desk.actor("dev000000").expect("developer");
    bencher.bench_local(|| {
        let page = AuditQuery { workspace: Some("Big".to_string()), limit: 201, ..Default::default() };
        let rare = AuditQuery { text: Some("entry 4242".to_string()), ..page.clone() };
        divan::black_box((desk.audit(&dev, &page).expect("page"), desk.audit(&dev, &rare).expect("rare")));
    });
}

/// What `z` looks up on every reload (and `z` on the Audit tab per row):
/// the owner's newest change that is not undone, and whether they may undo
/// it now — with the log 10k and 1M entries long.
#[divan::bench(args = [10_000, 1_000_000], sample_count = 100)]
fn undo_lookup(bencher: Bencher, entries: u64) {
    let fixture = fixture(2, 0, entries);
    let mut desk = Desk::open(&fixture.path).expect("desk");
    let owner = desk.actor("owner").expect("owner");
    let first = desk.seek_programs(&owner, "Big", None, mpdesk::desk::Seek::First, 1).expect("page");
    let app_id = first[0].app_id.clone();
    let edit = mpdesk::desk::ProgramEdit { name: None, description: Some("changed".to_string()) };
    desk.edit_program(&owner, &app_id, &edit).expect("edit");
    bencher.bench_local(|| {
        let id = desk.last_undoable(&owner, "Big", false).expect("lookup").expect("a change");
        divan::black_box(desk.undo_refusal(&owner, id).expect("plan"));
    });
}

/// Appending one audit entry with the hash chain (the newest entry's hash
/// read by primary key, one SHA-256 over the row) and without it (the
/// same INSERT with no chain), in one open transaction, with the log 10k
/// and 1M entries long: the chain must cost next to nothing beside the
/// insert (and a commit's fsync dwarfs both).
#[divan::bench(args = [10_000, 1_000_000], consts = [false, true], sample_count = 1000)]
fn append_entry<const CHAINED: bool>(bencher: Bencher, entries: u64) {
    use mpdesk::store::audit::{append, Actor};
    use mpdesk::store::records::NewAuditEntry;
    let fixture = fixture(2, 0, entries);
    let conn = rusqlite::Connection::open(&fixture.path).expect("raw");
    conn.execute_batch("BEGIN").expect("begin");
    let entry = NewAuditEntry {
        workspace_id: Some(1),
        workspace: Some("Big".to_string()),
        program_app_id: Some("2000000000000001".to_string()),
        program: Some("Program 0000001".to_string()),
        operation: "program_edit".to_string(),
        detail: "changed the description".to_string(),
        undo: Some("{\"not\":\"a bench\"}".to_string()),
        reverts: None,
    };
    let actor = Actor { login: "owner", via: "local" };
    let at = "2026-01-02T00:00:00Z";
    bencher.bench_local(|| {
        if CHAINED {
            divan::black_box(append(&conn, at, &actor, "ok", &entry).expect("append"));
        } else {
            conn.prepare_cached(
                "INSERT INTO audit (at, actor, workspace_id, workspace, program_app_id, program, operation, outcome, detail, via, undo, reverts)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'ok', ?8, ?9, ?10, ?11)",
            )
            .expect("prepare")
            .execute(rusqlite::params![
                at,
                actor.login,
                entry.workspace_id,
                entry.workspace,
                entry.program_app_id,
                entry.program,
                entry.operation,
                entry.detail,
                actor.via,
                entry.undo,
                entry.reverts
            ])
            .expect("insert");
        }
    });
    conn.execute_batch("ROLLBACK").expect("rollback");
}

/// What every write and every CLI command does first: look whether a
/// membership's end has come (one probe of the expiring memberships'
/// index), with 1k and 100k members, one in a hundred of them ending in a
/// month. It must not grow with the members.
#[divan::bench(args = [1_000, 100_000], sample_count = 200)]
fn notice_nothing_due(bencher: Bencher, members: u64) {
    let fixture = fixture(2, members, 0);
    {
        let conn = rusqlite::Connection::open(&fixture.path).expect("raw");
        conn.execute("UPDATE program_members SET expires_at = '2099-01-01T00:00:00Z' WHERE user_id % 100 = 0", [])
            .expect("ends");
    }
    let mut desk = Desk::open(&fixture.path).expect("desk");
    bencher.bench_local(|| divan::black_box(desk.notice_expiries().expect("notice")));
}
