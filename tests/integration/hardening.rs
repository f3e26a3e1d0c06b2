//! A hostile user's inputs, table-driven over every text field and every
//! output path (CLI table, CLI JSON, console buffer, a terminal emulator's
//! view of the console's bytes), plus the file, read-only and lifecycle
//! defects found by attacking mpdesk. Add a row to `hostile()` or a field
//! to `FIELDS` and every check below covers it.

use crate::cli::{Cli, Run};
use crate::support::World;
use crate::tui_support::*;
use mpdesk::desk::{ConfigChange, Desk, DeskError, DeskResult, ErrorKind, PackageSource, ProgramEdit};
use mpdesk::sanitize;
use mpdesk::tui::app::App;
use mpdesk::tui::view;
use ratatui::backend::CrosstermBackend;
use ratatui::layout::Rect;
use ratatui::{Terminal, TerminalOptions, Viewport};
use std::time::{Duration, Instant};

/// One hostile input: whether a one-line name may hold it, and whether
/// free text (a description, release notes) may.
struct Hostile {
    label: &'static str,
    text: String,
    name_ok: bool,
    text_ok: bool,
}

fn h(label: &'static str, text: &str, name_ok: bool, text_ok: bool) -> Hostile {
    Hostile { label, text: text.to_string(), name_ok, text_ok }
}

fn hostile() -> Vec<Hostile> {
    vec![
        h("CSI clear screen", "x\u{1b}[2Jy", false, false),
        h("OSC title", "t\u{1b}]0;pwned\u{7}", false, false),
        h("C1 CSI", "x\u{9b}2J", false, false),
        h("DEL", "del\u{7f}", false, false),
        h("bidi override", "evil\u{202e}gnp.exe", false, false),
        h("bidi isolate", "\u{2066}iso", false, false),
        h("zero-width space", "pay\u{200b}pal", false, true),
        h("word joiner", "a\u{2060}b", false, true),
        h("BOM", "\u{feff}bom", false, true),
        h("Hangul filler", "\u{3164}", false, true),
        h("tag characters", "flag\u{e0041}\u{e007f}", false, true),
        h("ZWJ emoji", "👨\u{200d}👩\u{200d}👧", false, true),
        h("50 combining marks", &format!("e{}", "\u{301}".repeat(50)), false, false),
        h("line separator", "a\u{2028}b", false, false),
        h("paragraph separator", "a\u{2029}b", false, false),
        h("private use", "\u{e000}", false, false),
        h("unassigned", "\u{378}x", false, false),
        h("spaces only", "   ", false, true),
        h("no-break space only", "\u{a0}", false, true),
        h("newline", "a\nb", false, true),
        h("tab", "a\tb", false, true),
        h("10,000 characters", &"x".repeat(10_000), false, false),
        h("NFD letter", "Cafe\u{301} ok", true, true),
        h("wide and emoji", "Coffee Club ☕ 咖啡", true, true),
    ]
}

/// A text field, set through the desk as a person would set it.
struct Field {
    label: &'static str,
    free_text: bool,
    /// What must exist before the field can be set (a program to rename).
    prepare: Option<fn(&mut Desk, usize) -> DeskResult<()>>,
    set: fn(&mut Desk, usize, &str) -> DeskResult<()>,
}

fn olivia(desk: &Desk) -> mpdesk::desk::Actor {
    desk.actor("olivia").expect("olivia")
}

const FIELDS: &[Field] = &[
    Field { label: "login", free_text: false, prepare: None, set: |d, _, t| d.add_user(t, None, None).map(drop) },
    Field {
        label: "name",
        free_text: false,
        prepare: None,
        set: |d, i, t| d.add_user(&format!("u{i}"), Some(t), None).map(drop),
    },
    Field {
        label: "email",
        free_text: false,
        prepare: None,
        set: |d, i, t| d.add_user(&format!("e{i}"), None, Some(t)).map(drop),
    },
    Field {
        label: "workspace name",
        free_text: false,
        prepare: None,
        set: |d, _, t| {
            let me = olivia(d);
            d.create_workspace(&me, t).map(drop)
        },
    },
    Field {
        label: "name",
        free_text: false,
        prepare: None,
        set: |d, _, t| {
            let me = olivia(d);
            d.create_program(&me, "Acme Mini Apps", t, "").map(drop)
        },
    },
    Field {
        label: "name",
        free_text: false,
        // In the other workspace, so names the create row took stay free.
        prepare: Some(|d, i| {
            let me = d.actor("sam")?;
            d.create_program(&me, "Side Projects", &format!("Target {i}"), "").map(drop)
        }),
        set: |d, i, t| {
            let me = d.actor("sam")?;
            let edit = ProgramEdit { name: Some(t.to_string()), description: None };
            d.edit_program(&me, &format!("Target {i}"), &edit).map(drop)
        },
    },
    Field {
        label: "description",
        free_text: true,
        prepare: None,
        set: |d, i, t| {
            let me = olivia(d);
            d.create_program(&me, "Acme Mini Apps", &format!("Described {i}"), t).map(drop)
        },
    },
    Field {
        label: "notes",
        free_text: true,
        prepare: None,
        set: |d, i, t| {
            let me = olivia(d);
            let bytes = PackageSource::Bytes(crate::support::package(b"pkg"));
            d.upload_version(&me, "Loyalty Card", &format!("9.0.{i}"), bytes, t).map(drop)
        },
    },
    Field {
        label: "version",
        free_text: false,
        prepare: None,
        set: |d, _, t| {
            let me = olivia(d);
            d.upload_version(&me, "Loyalty Card", t, PackageSource::Bytes(crate::support::package(b"pkg")), "")
                .map(drop)
        },
    },
    Field {
        label: "domain",
        free_text: false,
        prepare: None,
        set: |d, _, t| {
            let me = olivia(d);
            let change = ConfigChange { add_domains: vec![t.to_string()], ..Default::default() };
            d.configure_program(&me, "Loyalty Card", &change).map(drop)
        },
    },
    Field {
        label: "client ID",
        free_text: false,
        prepare: None,
        set: |d, _, t| {
            let me = olivia(d);
            let change = ConfigChange { client_id: Some(t.to_string()), ..Default::default() };
            d.configure_program(&me, "Loyalty Card", &change).map(drop)
        },
    },
    Field {
        label: "merchant ID",
        free_text: false,
        prepare: None,
        set: |d, _, t| {
            let me = olivia(d);
            let change = ConfigChange { merchant_id: Some(t.to_string()), ..Default::default() };
            d.configure_program(&me, "Loyalty Card", &change).map(drop)
        },
    },
];

/// Fields that only take ASCII from a fixed alphabet refuse even the
/// friendly rows of the corpus.
fn ascii_only(field: &Field) -> bool {
    matches!(field.label, "login" | "email" | "version" | "domain" | "client ID" | "merchant ID")
}

fn assert_displayable(what: &str, text: &str) {
    let bad: Vec<String> =
        text.chars().filter(|c| *c != '\n' && sanitize::is_unsafe(*c)).map(|c| format!("U+{:04X}", c as u32)).collect();
    assert!(bad.is_empty(), "{what} reached the terminal raw: {bad:?} in {text:?}");
}

#[test]
fn every_text_field_refuses_what_it_cannot_show_and_changes_nothing() {
    let mut world = World::demo();
    let corpus = hostile();
    for (f, field) in FIELDS.iter().enumerate() {
        for (i, input) in corpus.iter().enumerate() {
            let n = f * 100 + i;
            let allowed = !ascii_only(field) && if field.free_text { input.text_ok } else { input.name_ok };
            if let Some(prepare) = field.prepare {
                prepare(&mut world.desk, n).expect("prepare");
            }
            if allowed {
                (field.set)(&mut world.desk, n, &input.text)
                    .unwrap_or_else(|e| panic!("{} should take {}: {e}", field.label, input.label));
                continue;
            }
            let err = world.refused(|d| (field.set)(d, n, &input.text));
            let message = err.to_string();
            assert_eq!(err.kind(), ErrorKind::Invalid, "{} with {}: {message}", field.label, input.label);
            assert!(!message.contains('\n'), "one line: {message}");
            assert!(message.contains(field.label), "{} with {}: {message}", field.label, input.label);
            assert!(message.chars().count() < 400, "{} with {}: {message}", field.label, input.label);
        }
    }
    // What the refusals quote in the log is bounded and displayable.
    let conn = world.raw();
    let mut stmt =
        conn.prepare("SELECT actor, coalesce(workspace, ''), coalesce(program, ''), detail FROM audit").expect("q");
    let rows = stmt
        .query_map([], |r| Ok([r.get::<_, String>(0)?, r.get(1)?, r.get(2)?, r.get(3)?]))
        .expect("rows")
        .collect::<Result<Vec<_>, _>>()
        .expect("read");
    for row in rows {
        for text in row {
            assert!(text.chars().count() <= mpdesk::desk::AUDIT_QUOTE_MAX, "audit text too long: {text:?}");
            assert_displayable("an audit entry", &text);
        }
    }
}

#[test]
fn names_are_compared_in_nfc() {
    let mut world = World::demo();
    let me = world.actor("olivia");
    world.desk.create_program(&me, "Acme Mini Apps", "Caf\u{e9}", "").expect("NFC");
    let err = world.refused(|d| d.create_program(&me, "Acme Mini Apps", "Cafe\u{301}", ""));
    assert_eq!(err.kind(), ErrorKind::Conflict, "{err}");
    let found = world.desk.show_program(&me, "Cafe\u{301}").expect("found by its NFD spelling");
    assert_eq!(found.summary.name, "Caf\u{e9}");
}

#[test]
fn a_refused_flood_lands_in_the_log_bounded_and_displayable() {
    let cli = Cli::new();
    cli.ok("dana", &["demo-data"]);
    let flood = format!("x\u{9b}2J\u{202e}{}", "y".repeat(9990));
    let run = cli.run("dana", &["program", "create", "Acme Mini Apps", &flood]);
    assert_eq!(run.code, 3, "{}", run.stderr);
    let audit = cli.ok("olivia", &["--json", "audit", "--limit", "1"]).json();
    let entry = &audit[0];
    assert_eq!(entry["outcome"], "denied");
    let program = entry["program"].as_str().expect("the refused name is quoted");
    assert!(program.chars().count() <= 200, "{} characters", program.chars().count());
    assert!(program.ends_with('…'));
    assert_displayable("the quoted name", program);
}

/// Writes hostile values straight into the file, as someone with access
/// to it could, past every validation.
pub fn inject(db: &std::path::Path) -> Vec<String> {
    let conn = rusqlite::Connection::open(db).expect("raw");
    let names: Vec<String> = hostile().into_iter().map(|h| h.text.chars().take(300).collect()).collect();
    let at = "2026-01-05T09:30:00Z";
    for (i, name) in names.iter().enumerate() {
        conn.execute(
            "INSERT INTO programs (app_id, workspace_id, name, description, status, client_id, created_by, created_at)
             VALUES (?1, 1, ?2, ?2, 'draft', ?2, 1, ?3)",
            rusqlite::params![format!("{}", 9_000_000_000_000_000u64 + i as u64), name, at],
        )
        .expect("program");
        conn.execute(
            "INSERT INTO audit (at, actor, workspace_id, workspace, program, operation, outcome, detail)
             VALUES (?1, ?2, 1, ?2, ?2, 'program_edit', 'ok', ?2)",
            rusqlite::params![at, name],
        )
        .expect("audit");
    }
    let evil = "\u{1b}]0;owned\u{7}\u{202e}";
    conn.execute("UPDATE users SET name = ?1 WHERE login = 'dana'", [format!("Dana{evil}")]).expect("user");
    conn.execute("UPDATE workspaces SET name = ?1 WHERE name = 'Side Projects'", [format!("Side{evil}")])
        .expect("workspace");
    conn.execute("UPDATE versions SET version = ?1, notes = ?1 WHERE version = '1.0.0'", [format!("1.0.0{evil}")])
        .expect("version");
    conn.execute("INSERT INTO program_domains (program_id, origin) VALUES (1, ?1)", [format!("https://a{evil}")])
        .expect("domain");
    // A row another program wrote with bytes that are not UTF-8.
    conn.execute(
        "INSERT INTO programs (app_id, workspace_id, name, status, created_by, created_at)
         VALUES ('8999999999999999', 1, CAST(x'4261640a80ff1b5b324a' AS TEXT), 'draft', 1, ?1)",
        [at],
    )
    .expect("invalid UTF-8");
    names
}

fn assert_run_displayable(what: &str, run: &Run) {
    assert_displayable(&format!("{what} stdout"), &run.stdout);
    assert_displayable(&format!("{what} stderr"), &run.stderr);
}

#[test]
fn no_output_path_of_the_cli_prints_data_raw() {
    let cli = Cli::new();
    cli.ok("olivia", &["demo-data"]);
    let names = inject(&cli.db);
    let commands: &[&[&str]] = &[
        &["user", "list"],
        &["workspace", "list"],
        &["workspace", "member", "list", "Acme Mini Apps"],
        &["workspace", "invitations", "Acme Mini Apps"],
        &["program", "list"],
        &["program", "show", "Coffee Club"],
        &["program", "versions", "Coffee Club"],
        &["member", "list", "Coffee Club"],
        &["member", "candidates", "Coffee Club"],
        &["audit", "--limit", "100"],
        &["program", "can", "Coffee Club"],
        &["program", "config", "Coffee Club", "--client-id", "c-1"],
    ];
    for args in commands {
        let run = cli.run("olivia", args);
        assert_eq!(run.code, 0, "{args:?}: {}", run.stderr);
        assert_run_displayable(&format!("{args:?}"), &run);
        let mut json_args = vec!["--json"];
        json_args.extend_from_slice(args);
        let run = cli.run("olivia", &json_args);
        assert_eq!(run.code, 0, "{json_args:?}: {}", run.stderr);
        assert_run_displayable(&format!("{json_args:?}"), &run);
        run.json();
    }
    // JSON keeps the values exactly: only their spelling is escaped.
    let listed = cli.ok("olivia", &["--json", "program", "list"]).json();
    let listed: Vec<String> =
        listed.as_array().expect("array").iter().map(|p| p["name"].as_str().expect("name").to_string()).collect();
    for name in &names {
        assert!(listed.contains(name), "{name:?} missing from the JSON list");
    }
    assert!(listed.iter().any(|n| n.starts_with("Bad\n\u{fffd}\u{fffd}")), "the invalid row shows, repaired");
    // Success messages and errors quote data and argv: sanitized too.
    let released =
        cli.run("olivia", &["program", "release", "Coffee Club", "--version", "1.0.0\u{1b}]0;owned\u{7}\u{202e}"]);
    assert_run_displayable("release", &released);
    let created = cli.run("sam", &["program", "create", "Side\u{1b}]0;owned\u{7}\u{202e}", "New One"]);
    assert_eq!(created.code, 0, "{}", created.stderr);
    assert!(created.stdout.contains("Side^[]0;owned^G<U+202E>"), "{}", created.stdout);
    assert_run_displayable("create", &created);
    let exported = cli.run(
        "olivia",
        &["program", "export", "Coffee Club", "1.2.0", "--out", cli.path("a\u{1b}[2J.zip").to_str().expect("utf8")],
    );
    assert_eq!(exported.code, 0, "{}", exported.stderr);
    assert_run_displayable("export", &exported);
    let usage = cli.run("olivia", &["program", "frobnicate\u{1b}[2J"]);
    assert_eq!(usage.code, 2);
    assert_run_displayable("a usage error", &usage);
    let json_error = cli.run("olivia", &["--json", "program", "show", "nope\u{9b}\u{202e}"]);
    assert_eq!(json_error.code, 4);
    assert_run_displayable("a JSON error", &json_error);
}

/// Draws the console into a real terminal's bytes and has vt100 read
/// them back: every cell must be where the layout put it.
fn assert_terminal_agrees(app: &App) {
    let (w, h) = app.run.size;
    let buffer = render(app);
    let mut bytes = Vec::new();
    {
        let backend = CrosstermBackend::new(&mut bytes);
        let options = TerminalOptions { viewport: Viewport::Fixed(Rect::new(0, 0, w, h)) };
        let mut terminal = Terminal::with_options(backend, options).expect("terminal");
        terminal.draw(|frame| view::render(app, frame)).expect("draw");
    }
    let rows = std::num::NonZeroU16::new(h).expect("rows");
    let cols = std::num::NonZeroU16::new(w).expect("cols");
    let mut parser = vt100::Parser::new(rows, cols, 0);
    parser.process(&bytes);
    let screen = parser.screen();
    let spaced = |s: &str| if s.is_empty() { " ".to_string() } else { s.to_string() };
    for y in 0..h {
        for x in 0..w {
            let cell = &buffer[(x, y)];
            assert_displayable("a console cell", cell.symbol());
            let shown = screen.cell(y, x).map(|c| c.contents().to_string()).unwrap_or_default();
            assert_eq!(
                spaced(&shown),
                spaced(cell.symbol()),
                "row {y} column {x} differs; the terminal shows:\n{}",
                screen.contents()
            );
        }
    }
}

#[test]
fn the_console_layout_holds_on_hostile_names_in_a_real_terminal() {
    let cli = Cli::new();
    cli.ok("olivia", &["demo-data"]);
    inject(&cli.db);
    for size in [(120, 40), (80, 24)] {
        let desk = Desk::open(&cli.db).expect("open");
        let mut app = app_on(desk, "olivia", false, false, size);
        for _ in 0..30 {
            assert_terminal_agrees(&app);
            press(&mut app, crossterm::event::KeyCode::Char('j'));
        }
        press(&mut app, crossterm::event::KeyCode::Char('3'));
        for _ in 0..30 {
            assert_terminal_agrees(&app);
            press(&mut app, crossterm::event::KeyCode::Char('j'));
        }
    }
}

fn mkfifo(path: &std::path::Path) {
    let status = std::process::Command::new("mkfifo").arg(path).status().expect("mkfifo");
    assert!(status.success());
}

/// Runs mpdesk and fails the test if it has not finished in 10 s.
fn run_with_deadline(db: &std::path::Path, args: &[&str]) -> Run {
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_mpdesk"))
        .arg("--db")
        .arg(db)
        .arg("--user")
        .arg("olivia")
        .args(args)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn");
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(10) {
        if child.try_wait().expect("wait").is_some() {
            let output = child.wait_with_output().expect("output");
            return Run {
                code: output.status.code().unwrap_or(-1),
                stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
                stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
            };
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let _ = child.kill();
    let _ = child.wait();
    panic!("mpdesk {args:?} hung");
}

#[test]
fn fifos_and_other_non_files_are_refused_without_blocking() {
    let cli = Cli::new();
    cli.ok("olivia", &["demo-data"]);
    let fifo = cli.path("fifo");
    mkfifo(&fifo);
    let fifo_arg = fifo.to_str().expect("utf8");
    let upload =
        run_with_deadline(&cli.db, &["program", "upload", "Coffee Club", "--version", "3.0.0", "--package", fifo_arg]);
    assert_eq!(upload.code, 5, "{}", upload.stderr);
    assert!(upload.stderr.contains("not a regular file"), "{}", upload.stderr);
    let export = run_with_deadline(&cli.db, &["program", "export", "Coffee Club", "1.2.0", "--out", fifo_arg]);
    assert_eq!(export.code, 5, "{}", export.stderr);
    assert!(export.stderr.contains("not a regular file"), "{}", export.stderr);
    let db = run_with_deadline(&fifo, &["program", "list"]);
    assert_eq!(db.code, 1, "{}", db.stderr);
    assert!(db.stderr.contains("not a regular file"), "{}", db.stderr);
    let dir =
        run_with_deadline(&cli.db, &["program", "upload", "Coffee Club", "--version", "3.0.0", "--package", "/tmp"]);
    assert!(dir.stderr.contains("not a regular file"), "{}", dir.stderr);
}

#[test]
fn export_never_overwrites_the_database_or_a_file_unasked() {
    let cli = Cli::new();
    cli.ok("olivia", &["demo-data"]);
    let db = cli.db.to_str().expect("utf8").to_string();
    let before = std::fs::read(&cli.db).expect("db");
    for target in [db.clone(), format!("{db}-wal"), format!("{db}-shm")] {
        let run = cli.run("olivia", &["program", "export", "Coffee Club", "1.2.0", "--out", &target, "--force"]);
        assert_eq!(run.code, 5, "{target}: {}", run.stderr);
        assert!(run.stderr.contains("this database's own file"), "{}", run.stderr);
    }
    assert_eq!(std::fs::read(&cli.db).expect("db"), before);
    cli.ok("olivia", &["program", "list"]);

    let out = cli.path("copy.zip");
    std::fs::write(&out, b"keep me").expect("write");
    let run = cli.run("olivia", &["program", "export", "Coffee Club", "1.2.0", "--out", out.to_str().expect("utf8")]);
    assert_eq!(run.code, 5, "{}", run.stderr);
    assert!(run.stderr.contains("--force"), "{}", run.stderr);
    assert_eq!(std::fs::read(&out).expect("read"), b"keep me");
    cli.ok("olivia", &["program", "export", "Coffee Club", "1.2.0", "--out", out.to_str().expect("utf8"), "--force"]);
    let copy = std::fs::read(&out).expect("read");
    assert!(copy.starts_with(b"PK\x03\x04") && copy.windows(33).any(|w| w == b"demo package of Coffee Club 1.2.0"));
    let leftovers: Vec<_> = std::fs::read_dir(cli.path(""))
        .expect("dir")
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().starts_with(".mpdesk-"))
        .collect();
    assert!(leftovers.is_empty(), "temporary files left behind");
}

#[test]
fn another_apps_database_is_refused_before_a_byte_is_written() {
    let dir = tempfile::tempdir().expect("dir");
    for (name, sql) in [
        ("v2.db", "CREATE TABLE notes(x); PRAGMA user_version = 2;"),
        ("v1.db", "CREATE TABLE notes(x); PRAGMA user_version = 1;"),
        ("v3.db", "CREATE TABLE notes(x); PRAGMA user_version = 3;"),
        ("negative.db", "CREATE TABLE notes(x); PRAGMA user_version = -5;"),
        ("empty-but-versioned.db", "PRAGMA user_version = 7;"),
    ] {
        let path = dir.path().join(name);
        rusqlite::Connection::open(&path).expect("raw").execute_batch(sql).expect("make");
        let before = std::fs::read(&path).expect("read");
        for read_only in [false, true] {
            let result = if read_only { Desk::open_read_only(&path) } else { Desk::open(&path) };
            let err = result.err().expect("refused");
            assert!(err.to_string().contains("another application"), "{name}: {err}");
            assert!(err.to_string().contains("left it untouched"), "{name}: {err}");
        }
        assert_eq!(std::fs::read(&path).expect("read"), before, "{name} changed");
        assert!(!dir.path().join(format!("{name}-wal")).exists(), "{name} was switched to WAL");
    }
}

#[test]
fn read_only_is_read_only_everywhere() {
    let cli = Cli::new();
    cli.ok("olivia", &["demo-data"]);
    let world_before = std::fs::read(&cli.db).expect("db");
    let count = |cli: &Cli| -> i64 {
        rusqlite::Connection::open(&cli.db)
            .expect("raw")
            .query_row("SELECT (SELECT count(*) FROM audit) + (SELECT count(*) FROM programs)", [], |r| r.get(0))
            .expect("count")
    };
    let counted = count(&cli);
    for args in [
        &["--readonly", "program", "delete", "Parking Pass", "--yes"][..],
        &["program", "edit", "Coffee Club", "--name", "X", "--readonly"],
        &["--readonly", "member", "add", "Coffee Club", "nora"],
        &["--readonly", "user", "add", "zed"],
        &["--readonly", "demo-data"],
    ] {
        let run = cli.run("olivia", args);
        assert_ne!(run.code, 0, "{args:?} succeeded read-only");
        assert!(run.stderr.contains("read-only"), "{args:?}: {}", run.stderr);
    }
    assert_eq!(count(&cli), counted);
    cli.ok("olivia", &["--readonly", "program", "list"]);
    assert_eq!(std::fs::read(&cli.db).expect("db").len(), world_before.len());

    // The console: the welcome screen says so, and loading the demo into a
    // fresh read-only file writes nothing.
    let empty = cli.path("empty.db");
    Desk::open(&empty).expect("create");
    let before = std::fs::read(&empty).expect("read");
    let desk = Desk::open_read_only(&empty).expect("read-only");
    let mut app = app_on(desk, "newbie", false, true, (100, 30));
    assert!(screen_text(&app).contains("read-only session"), "{}", screen_text(&app));
    for _ in 0..3 {
        press(&mut app, crossterm::event::KeyCode::Tab);
        press(&mut app, crossterm::event::KeyCode::Enter);
    }
    assert_eq!(std::fs::read(&empty).expect("read"), before);
    let raw = rusqlite::Connection::open(&empty).expect("raw");
    let users: i64 = raw.query_row("SELECT count(*) FROM users", [], |r| r.get(0)).expect("count");
    assert_eq!(users, 0);
}

#[test]
fn a_direct_add_settles_a_pending_invitation() {
    let cli = Cli::new();
    cli.ok("olivia", &["demo-data"]);
    cli.ok("olivia", &["workspace", "invite", "Acme Mini Apps", "eve", "--role", "developer"]);
    cli.ok("olivia", &["workspace", "member", "add", "Acme Mini Apps", "eve", "--role", "master"]);
    let members = cli.ok("olivia", &["--json", "workspace", "member", "list", "Acme Mini Apps"]).json();
    let eves = members.as_array().expect("array").iter().filter(|m| m["login"] == "eve").count();
    assert_eq!(eves, 1, "{members}");
    let accept = cli.run("eve", &["invitation", "accept", "Acme Mini Apps"]);
    assert!(matches!(accept.code, 4 | 5), "{}", accept.stderr);
    assert!(!accept.stderr.contains("UNIQUE"), "{}", accept.stderr);
    let invitations = cli.ok("olivia", &["--json", "workspace", "invitations", "Acme Mini Apps"]).json();
    assert_eq!(invitations[0]["state"], "withdrawn", "{invitations}");
}

#[test]
fn a_constraint_never_reaches_a_person_as_sqlite_text() {
    let err = DeskError::from(rusqlite::Error::SqliteFailure(
        rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE),
        Some("UNIQUE constraint failed: workspace_members.workspace_id".to_string()),
    ));
    assert_eq!(err.kind(), ErrorKind::Conflict);
    assert!(!err.to_string().contains("UNIQUE"), "{err}");
}

#[test]
fn a_version_too_large_to_follow_is_refused() {
    let cli = Cli::new();
    cli.ok("olivia", &["demo-data"]);
    let package = cli.path("p.zip");
    std::fs::write(&package, crate::support::package(b"zip")).expect("write");
    let huge = "18446744073709551615.18446744073709551615.18446744073709551615";
    let run = cli.run(
        "dana",
        &["program", "upload", "Coffee Club", "--version", huge, "--package", package.to_str().expect("utf8")],
    );
    assert_eq!(run.code, 5, "{}", run.stderr);
    assert!(run.stderr.contains("at most 999999"), "{}", run.stderr);
    let jump = cli.run(
        "dana",
        &["program", "upload", "Coffee Club", "--version", "999999.0.0", "--package", package.to_str().expect("utf8")],
    );
    assert_eq!(jump.code, 5, "{}", jump.stderr);
    assert!(jump.stderr.contains("by more than 100"), "{}", jump.stderr);
    cli.ok(
        "dana",
        &["program", "upload", "Coffee Club", "--version", "101.0.0", "--package", package.to_str().expect("utf8")],
    );
}

#[test]
fn a_closed_pipe_ends_the_output_quietly() {
    let cli = Cli::new();
    cli.ok("olivia", &["demo-data"]);
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_mpdesk"))
        .args(["--json", "audit", "--limit", "1000"])
        .env("MPDESK_DB", &cli.db)
        .env("MPDESK_USER", "olivia")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn");
    drop(child.stdout.take());
    let output = child.wait_with_output().expect("wait");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    // And a long streamed list whose reader stops after one line.
    for args in [&["--json", "program", "list"][..], &["program", "list"]] {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_mpdesk"))
            .args(args)
            .env("MPDESK_DB", &cli.db)
            .env("MPDESK_USER", "olivia")
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("spawn");
        drop(child.stdout.take());
        let output = child.wait_with_output().expect("wait");
        assert_eq!(output.status.code(), Some(0), "{args:?}: {}", String::from_utf8_lossy(&output.stderr));
        assert!(output.stderr.is_empty(), "{args:?}: {}", String::from_utf8_lossy(&output.stderr));
    }
}

/// A paste or a stuck key cannot make a field grow without end (and each
/// keypress cost more than the last): every field stops at MAX_TYPED.
#[test]
fn typed_text_stops_at_a_bound_in_filters_fields_and_pickers() {
    use crossterm::event::KeyCode;
    let max = mpdesk::tui::field::MAX_TYPED;
    let mut app = demo_app("olivia", (100, 30));
    press(&mut app, KeyCode::Char('/'));
    chars(&mut app, &"x".repeat(max + 500));
    assert_eq!(app.screens.programs.filter.value().chars().count(), max);
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Char('n'));
    chars(&mut app, &"y".repeat(max + 10));
    let Some(form) = app.top::<mpdesk::tui::dialogs::ProgramForm>() else { panic!("the create dialog") };
    assert_eq!(form.name.value().chars().count(), max);
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Char('p'));
    chars(&mut app, &"z".repeat(max + 10));
    let Some(picker) = app.top::<mpdesk::tui::dialogs::Picker>() else { panic!("the persona picker") };
    assert_eq!(picker.filter.chars().count(), max);
}
