//! The audit log leaving mpdesk: export (JSON lines, CSV), follow, the
//! hash chain against tampering done behind the app's back, and prune.

use crate::cli::Cli;
use crate::support::World;
use mpdesk::desk::{Desk, DeskError, ExportQuery, ExportedEntry, HeadCheck, ManualClock, Principal, ProgramEdit, Walk};
use rusqlite::Connection;
use serde_json::Value;
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use time::macros::datetime;

fn operator() -> Principal {
    Principal::Operator("root".to_string())
}

fn walk(world: &World) -> Walk {
    world.desk.audit_verify(&operator(), None).expect("verify")
}

/// A connection as `sqlite3` would open it, with the append-only triggers
/// dropped — what someone with write access to the file can do.
fn behind_the_back(world: &World) -> Connection {
    let conn = world.raw();
    conn.execute_batch("DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete;").expect("drop the triggers");
    conn
}

/// Each kind of tampering is found by verify, at the entry it touched.
#[test]
fn verify_finds_each_kind_of_tampering_at_the_entry_it_touched() {
    let intact = walk(&World::demo());
    assert_eq!(intact.broken, None);
    let entries = intact.entries as i64;
    assert!(entries > 30, "the demo writes a log: {entries}");

    let recompute = |conn: &Connection, id: i64| {
        let (prev, columns): (Vec<u8>, Vec<rusqlite::types::Value>) = conn
            .query_row(
                &format!("SELECT prev, {} FROM audit WHERE id = ?1", mpdesk::store::chain::HASHED_COLUMNS),
                [id],
                |r| Ok((r.get(0)?, (1..=13).map(|i| r.get(i)).collect::<Result<_, _>>()?)),
            )
            .expect("row");
        let refs: Vec<rusqlite::types::ValueRef<'_>> = columns.iter().map(Into::into).collect();
        let hash = mpdesk::store::chain::entry_hash(&prev, &refs);
        conn.execute("UPDATE audit SET hash = ?1 WHERE id = ?2", rusqlite::params![hash.as_slice(), id])
            .expect("recompute");
    };
    type Tamper = Box<dyn Fn(&Connection)>;
    let cases: Vec<(&str, Tamper, i64, &str)> = vec![
        (
            "a detail changed",
            Box::new(|c| {
                c.execute("UPDATE audit SET detail = 'nothing happened' WHERE id = 10", []).expect("update");
            }),
            10,
            "was changed",
        ),
        (
            "a row deleted",
            Box::new(|c| {
                c.execute("DELETE FROM audit WHERE id = 10", []).expect("delete");
            }),
            10,
            "entry #10 was removed",
        ),
        (
            "a row inserted",
            Box::new(|c| {
                c.execute(
                    "INSERT INTO audit (at, actor, operation, outcome, detail) VALUES ('2026-01-01T00:00:00Z', 'olivia', 'user_add', 'ok', 'registered mallory')",
                    [],
                )
                .expect("insert");
            }),
            entries + 1,
            "inserted behind mpdesk's back",
        ),
        (
            "two ids swapped",
            Box::new(|c| {
                c.execute_batch(
                    "UPDATE audit SET id = -1 WHERE id = 10; UPDATE audit SET id = 10 WHERE id = 11;
                     UPDATE audit SET id = 11 WHERE id = -1;",
                )
                .expect("swap");
            }),
            10,
            "was changed",
        ),
        (
            "a detail changed and its hash recomputed",
            Box::new(move |c| {
                c.execute("UPDATE audit SET detail = 'nothing happened' WHERE id = 10", []).expect("update");
                recompute(c, 10);
            }),
            10,
            "hash recomputed",
        ),
        (
            "the oldest entries deleted",
            Box::new(|c| {
                c.execute("DELETE FROM audit WHERE id <= 3", []).expect("delete");
            }),
            4,
            "the entries before #4 were removed",
        ),
    ];
    for (what, tamper, at, why) in cases {
        let world = World::demo();
        tamper(&behind_the_back(&world));
        let broken = walk(&world).broken.unwrap_or_else(|| panic!("{what}: verify found nothing"));
        assert_eq!(broken.id, at, "{what}: {}", broken.why);
        assert!(broken.why.contains(why), "{what}: {}", broken.why);
    }

    // The newest entry deleted leaves a shorter chain that is intact; the
    // head written down before shows it was cut.
    let world = World::demo();
    let head = mpdesk::store::chain::hex(&walk(&world).head.expect("a head").1);
    behind_the_back(&world).execute("DELETE FROM audit WHERE id = (SELECT max(id) FROM audit)", []).expect("cut");
    let after = world.desk.audit_verify(&operator(), Some(&head)).expect("verify");
    assert_eq!(after.broken, None);
    assert_eq!(after.head_check, Some(HeadCheck::Missing));
}

/// The CLI says it in one line and exits 1; an intact log names its head.
#[test]
fn verify_on_the_command_line_prints_the_head_or_the_break() {
    let cli = Cli::new();
    cli.ok("", &["demo-data"]);
    let intact = cli.ok("", &["audit", "verify"]);
    let head = intact.stdout.trim().rsplit(' ').next().expect("a head").to_string();
    assert!(intact.stdout.contains("entries, chain intact, head "), "{}", intact.stdout);
    assert_eq!(head.len(), 64, "{}", intact.stdout);
    let with_head = cli.ok("", &["audit", "verify", "--head", &head]);
    assert!(with_head.stdout.contains("is entry #"), "{}", with_head.stdout);
    let bad = cli.run("", &["audit", "verify", "--head", "nope"]);
    assert_eq!(bad.code, 5, "{}", bad.stderr);
    assert!(bad.stderr.contains("is not a head hash"), "{}", bad.stderr);
    // A Developer reads only their programs' entries: the walk is not theirs.
    let devin = cli.run("devin", &["audit", "verify"]);
    assert_eq!(devin.code, 3, "{}", devin.stderr);
    assert!(devin.stderr.contains("Owner or Master"), "{}", devin.stderr);
    assert_eq!(cli.run("olivia", &["audit", "verify"]).code, 0);

    let conn = Connection::open(&cli.db).expect("raw");
    conn.execute_batch("DROP TRIGGER audit_no_update; UPDATE audit SET actor = 'mallory' WHERE id = 5;")
        .expect("tamper");
    let broken = cli.run("", &["audit", "verify"]);
    assert_eq!(broken.code, 1, "{}", broken.stderr);
    assert_eq!(broken.stderr.trim().lines().count(), 1, "{}", broken.stderr);
    assert!(broken.stderr.contains("entry #5 was changed"), "{}", broken.stderr);
}

/// Details with commas, quotes, line breaks and non-ASCII (appended by the
/// store's own chained append: no use case writes a line break in a
/// detail), through both formats.
#[test]
fn an_export_holds_what_the_log_shows_through_a_json_and_a_csv_parser() {
    let cli = Cli::new();
    cli.ok("", &["demo-data"]);
    let awkward = "Tea, \"chai\" & café ☕\nsecond line, ümlaut";
    let entry = mpdesk::store::records::NewAuditEntry {
        operation: "program_edit".to_string(),
        program: Some("Café, \"Zürich\"".to_string()),
        detail: awkward.to_string(),
        ..Default::default()
    };
    let actor = mpdesk::store::audit::Actor { login: "olivia", via: "local" };
    mpdesk::store::audit::append(
        &Connection::open(&cli.db).expect("raw"),
        "2026-12-01T10:00:00Z",
        &actor,
        "ok",
        &entry,
    )
    .expect("append");
    let table = cli.ok("", &["--json", "audit", "--limit", "1000"]).json();
    let shown: BTreeMap<i64, Value> =
        table.as_array().expect("rows").iter().map(|row| (row["id"].as_i64().expect("id"), row.clone())).collect();

    let jsonl = cli.ok("", &["audit", "export"]);
    let exported: Vec<ExportedEntry> =
        jsonl.stdout.lines().map(|line| serde_json::from_str(line).expect("a JSON line")).collect();
    let csv_run =
        cli.ok("", &["--format", "csv", "audit", "export", "--out", cli.path("log.csv").to_str().expect("utf8")]);
    assert!(csv_run.stdout.contains("exported "), "{}", csv_run.stdout);
    let mut reader = csv::Reader::from_path(cli.path("log.csv")).expect("csv");
    let csv_rows: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("a CSV record")).collect();
    let headers = reader.headers().expect("headers").clone();

    // The export ran first: the table has it too, one entry later.
    assert_eq!(exported.len() + 1, csv_rows.len(), "the second export sees the first one's entry");
    assert!(exported.windows(2).all(|w| w[0].id < w[1].id), "oldest first");
    let column = |record: &csv::StringRecord, name: &str| {
        let at = headers.iter().position(|h| h == name).unwrap_or_else(|| panic!("no column {name}"));
        record.get(at).expect("cell").to_string()
    };
    for (entry, record) in exported.iter().zip(&csv_rows) {
        let row = &shown[&entry.id];
        for (field, value) in [
            ("at", &entry.entry.at),
            ("actor", &entry.entry.actor),
            ("operation", &entry.entry.operation),
            ("outcome", &entry.entry.outcome),
            ("detail", &entry.entry.detail),
            ("via", &entry.entry.via),
        ] {
            assert_eq!(row[field].as_str(), Some(value.as_str()), "#{} {field}", entry.id);
            // As every CSV mpdesk writes: a cell a spreadsheet would run as
            // a formula starts with a quote mark (JSON lines hold it exactly).
            let disarmed = if value.len() > 1 && value.starts_with(['=', '+', '-', '@']) {
                format!("'{value}")
            } else {
                value.clone()
            };
            assert_eq!(column(record, field), disarmed, "#{} {field} in CSV", entry.id);
        }
        assert_eq!(row["workspace"].as_str(), entry.entry.workspace.as_deref());
        assert_eq!(row["program"].as_str(), entry.entry.program.as_deref());
        assert_eq!(column(record, "id"), entry.id.to_string());
        assert_eq!(Some(column(record, "hash")), entry.hash);
        assert_eq!(entry.hash.as_ref().map(String::len), Some(64));
    }
    assert_eq!(exported.last().map(|e| e.entry.detail.as_str()), Some(awkward));
    // Any list as JSON lines: one object a line, no enclosing array.
    let lines = cli.ok("", &["--format", "jsonl", "audit", "--limit", "3"]);
    let objects: Vec<Value> =
        lines.stdout.lines().map(|l| serde_json::from_str(l).expect("an object a line")).collect();
    assert_eq!(objects.len(), 3);
    assert!(objects.iter().all(|o| o["id"].is_i64()), "{}", lines.stdout);
    assert_eq!(cli.ok("", &["audit", "verify"]).code, 0);
    // Each line's chain links to the one before.
    assert!(exported.windows(2).all(|w| w[1].prev == w[0].hash), "the export carries the chain");
}

/// A Developer's export is what `audit` shows them, no more.
#[test]
fn a_developer_exports_only_what_they_may_read() {
    let cli = Cli::new();
    cli.ok("", &["demo-data"]);
    let ids = |run: &crate::cli::Run| -> Vec<i64> {
        run.stdout
            .lines()
            .map(|l| serde_json::from_str::<Value>(l).expect("json")["id"].as_i64().expect("id"))
            .collect()
    };
    let theirs = cli.ok("devin", &["--json", "audit", "--limit", "1000"]).json();
    let mut shown: Vec<i64> = theirs.as_array().expect("rows").iter().map(|r| r["id"].as_i64().expect("id")).collect();
    shown.sort();
    let exported = ids(&cli.ok("devin", &["audit", "export"]));
    assert_eq!(exported, shown);
    let all = ids(&cli.ok("", &["audit", "export"]));
    assert!(exported.len() < all.len() / 2, "devin reads {} of {}", exported.len(), all.len());
    // Narrowed to a workspace they are not in: not found, nothing written.
    let other = cli.run("devin", &["audit", "export", "--workspace", "Side Projects"]);
    assert_eq!(other.code, 4, "{}", other.stderr);
    assert!(other.stdout.is_empty());
    let bad = cli.run("", &["audit", "export", "--since", "last tuesday"]);
    assert_eq!(bad.code, 5);
    assert_eq!(bad.stderr.trim(), "error: 'last tuesday' is not a date: use 2027-01-31 or 2027-01-31T18:00:00Z");
}

/// `--follow` prints every entry eight writers commit, each once, in id
/// order, and ends quietly when its reader goes away.
#[test]
fn follow_sees_every_entry_of_eight_concurrent_writers_exactly_once() {
    let cli = Cli::new();
    cli.ok("", &["demo-data"]);
    let before: i64 =
        Connection::open(&cli.db).expect("raw").query_row("SELECT max(id) FROM audit", [], |r| r.get(0)).expect("max");
    let mut follow = Command::new(env!("CARGO_BIN_EXE_mpdesk"))
        .args(["--json", "audit", "--follow"])
        .env("MPDESK_DB", &cli.db)
        .env("MPDESK_USER", "")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("follow");
    std::thread::sleep(Duration::from_millis(300));
    let writers: Vec<_> = (0..8)
        .map(|w| {
            let db = cli.db.clone();
            std::thread::spawn(move || {
                for i in 0..5 {
                    let status = Command::new(env!("CARGO_BIN_EXE_mpdesk"))
                        .args(["program", "create", "Acme Mini Apps", &format!("Writer {w} program {i}")])
                        .env("MPDESK_DB", &db)
                        .env("MPDESK_USER", "olivia")
                        .stdout(Stdio::null())
                        .stderr(Stdio::null())
                        .status()
                        .expect("write");
                    assert!(status.success());
                }
            })
        })
        .collect();
    for writer in writers {
        writer.join().expect("writer");
    }
    let after: i64 =
        Connection::open(&cli.db).expect("raw").query_row("SELECT max(id) FROM audit", [], |r| r.get(0)).expect("max");
    assert_eq!(after - before, 40, "each write is one entry");
    let mut lines = BufReader::new(follow.stdout.take().expect("stdout")).lines();
    let mut seen = Vec::new();
    let start = Instant::now();
    while seen.last() != Some(&after) {
        assert!(start.elapsed() < Duration::from_secs(10), "follow printed {seen:?}");
        let line = lines.next().expect("follow ended early").expect("a line");
        let entry: ExportedEntry = serde_json::from_str(&line).expect("a JSON line");
        seen.push(entry.id);
    }
    assert_eq!(seen, ((before + 1)..=after).collect::<Vec<_>>(), "every entry once, in order");
    // The reader goes away: follow ends by itself, quietly, with 0.
    drop(lines);
    let start = Instant::now();
    let status = loop {
        if let Some(status) = follow.try_wait().expect("wait") {
            break status;
        }
        assert!(start.elapsed() < Duration::from_secs(3), "follow kept running with no reader");
        std::thread::sleep(Duration::from_millis(20));
    };
    assert_eq!(status.code(), Some(0));
}

fn export_all(desk: &mut Desk) -> Vec<ExportedEntry> {
    let mut rows = Vec::new();
    desk.audit_export(&operator(), &ExportQuery::default(), |e| {
        rows.push(e.clone());
        Ok(())
    })
    .expect("export")
    .expect("written");
    rows
}

/// Prune removes the oldest entries only after they were exported, leaves
/// one entry that says so, and the chain still verifies — twice over, and
/// with an undo whose change was pruned.
#[test]
fn prune_keeps_the_chain_verifiable_and_refuses_what_never_left() {
    let clock = ManualClock::new(datetime!(2026-03-01 10:00:00 UTC));
    let mut world = World::with_clock(clock.clone());
    world.desk.load_demo_data().expect("demo");
    let olivia = world.actor("olivia");
    let edit = ProgramEdit { description: Some("March".to_string()), ..Default::default() };
    world.desk.edit_program(&olivia, "Coffee Club", &edit).expect("edit");
    let edited: i64 = world.raw().query_row("SELECT max(id) FROM audit", [], |r| r.get(0)).expect("id");
    clock.advance(time::Duration::days(30));
    world.desk.undo(&olivia, edited).expect("undo, a month later");
    let before_prune = walk(&world).entries;

    let refused = world.desk.audit_prune(&operator(), "2026-03-15", false).expect_err("never exported");
    assert!(matches!(refused, DeskError::Conflict(_)), "{refused}");
    assert!(refused.to_string().contains("was never exported"), "{refused}");
    assert_eq!(walk(&world).entries, before_prune + 1, "only the refusal was written");
    let owner = world.desk.audit_prune(&Principal::Person(olivia.clone()), "2026-03-15", true).expect_err("Owner");
    assert!(matches!(owner, DeskError::Denied(_)), "{owner}");

    let exported = export_all(&mut world.desk);
    let mark = world.desk.audit_prune(&operator(), "2026-03-15", false).expect("pruned after the export");
    assert_eq!(mark.first, 1);
    assert_eq!(mark.last, edited, "everything written on March 1st");
    assert_eq!(mark.last_hash.to_vec(), hex_bytes(exported[edited as usize - 1].hash.as_deref().expect("hash")));
    let after = walk(&world);
    assert_eq!(after.broken, None, "the chain verifies from where it now starts");
    let (operation, outcome, detail) = world.last_audit();
    assert_eq!((operation.as_str(), outcome.as_str()), ("audit_pruned", "ok"));
    assert!(detail.starts_with(&format!("pruned {} entries #1–#{edited}", mark.count)), "{detail}");
    let oldest: i64 = world.raw().query_row("SELECT min(id) FROM audit", [], |r| r.get(0)).expect("min");
    assert_eq!(oldest, edited + 1);
    // The head written down before the prune was among the removed: the
    // prune recorded it only if it was the last one removed.
    let head = mpdesk::store::chain::hex(&mark.last_hash);
    let check = world.desk.audit_verify(&operator(), Some(&head)).expect("verify");
    assert!(matches!(check.head_check, Some(HeadCheck::Pruned(_))), "{check:?}");

    // A second prune, after a second export, removes the first prune's
    // entry too; still intact.
    clock.advance(time::Duration::days(30));
    world.desk.edit_program(&olivia, "Coffee Club", &edit).expect("edit");
    export_all(&mut world.desk);
    clock.advance(time::Duration::days(1));
    world.desk.audit_prune(&operator(), "2026-04-30", false).expect("second prune");
    assert_eq!(walk(&world).broken, None);
    // Removing a prune's entry behind the back leaves the start unexplained.
    behind_the_back(&world)
        .execute("DELETE FROM audit WHERE id = (SELECT max(id) FROM audit WHERE operation = 'audit_pruned')", [])
        .expect("delete");
    let broken = walk(&world).broken.expect("the start is unexplained");
    assert!(broken.why.contains("no prune recorded"), "{}", broken.why);
}

fn hex_bytes(text: &str) -> Vec<u8> {
    mpdesk::store::chain::parse_hex(text).expect("hex").to_vec()
}

/// The README code block (fenced ``` or ```ini) whose first line starts
/// with `first`, as README has it.
fn readme_block_starting(first: &str) -> String {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).expect("README");
    let start = ["```\n", "```ini\n"]
        .iter()
        .find_map(|fence| readme.find(&format!("{fence}{first}")).map(|at| at + fence.len()))
        .unwrap_or_else(|| panic!("README has no block starting {first:?}"));
    let body = &readme[start..];
    body[..body.find("```").expect("the block ends")].to_string()
}

/// README's audit commands, run as written (the operator's, on a log with
/// entries from 2025 so the prune has something to remove): each line's
/// comment is dropped, HASH becomes the head verify printed, and the
/// follow pipe's first half runs until it prints an entry.
#[test]
fn readme_audit_commands_run_as_written() {
    let cli = Cli::new();
    let conn = Connection::open(&cli.db).expect("raw");
    let actor = mpdesk::store::audit::Actor { login: "olivia", via: "local" };
    for at in ["2025-03-01T10:00:00Z", "2025-11-30T10:00:00Z"] {
        let entry = mpdesk::store::records::NewAuditEntry {
            operation: "program_edit".to_string(),
            detail: format!("changed the description on {at}"),
            ..Default::default()
        };
        mpdesk::store::audit::append(&conn, at, &actor, "ok", &entry).expect("an older entry");
    }
    cli.ok("", &["demo-data"]);
    let block = readme_block_starting("mpdesk audit export --out audit.jsonl");
    let mut head = String::new();
    let mut ran = Vec::new();
    for line in block.lines().filter(|l| !l.trim().is_empty()) {
        let command = line.split(" #").next().expect("a command").trim();
        let (command, piped) = match command.split_once(" | ") {
            Some((first, _)) => (first, true),
            None => (command, false),
        };
        let args: Vec<String> = shell_words::split(command)
            .expect("words")
            .into_iter()
            .skip(1)
            .map(|w| match w.as_str() {
                "HASH" => head.clone(),
                "audit.jsonl" | "h1.csv" => cli.path(&w).to_str().expect("utf8").to_string(),
                _ => w,
            })
            .collect();
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        if piped {
            follow_prints_the_next_entry(&cli, &args);
        } else {
            let run = cli.ok("", &args);
            if let Some(found) = run.stdout.split("head ").nth(1) {
                head = found.split(|c: char| !c.is_ascii_hexdigit()).next().unwrap_or_default().to_string();
            }
            ran.push(run.stdout);
        }
    }
    assert_eq!(head.len(), 64, "verify printed a head: {ran:?}");
    assert!(ran[0].contains("exported "), "{ran:?}");
    let csv_text = std::fs::read_to_string(cli.path("h1.csv")).expect("h1.csv");
    assert_eq!(csv_text.lines().count(), 1, "only the header: nothing between those dates in 2026: {csv_text}");
    assert!(ran.last().expect("prune").starts_with("pruned 2 entries"), "{ran:?}");
    assert_eq!(cli.ok("", &["audit", "verify"]).code, 0);
}

fn follow_prints_the_next_entry(cli: &Cli, args: &[&str]) {
    let mut follow = Command::new(env!("CARGO_BIN_EXE_mpdesk"))
        .args(args)
        .env("MPDESK_DB", &cli.db)
        .env("MPDESK_USER", "")
        .stdout(Stdio::piped())
        .spawn()
        .expect("follow");
    std::thread::sleep(Duration::from_millis(300));
    cli.ok("olivia", &["program", "edit", "Coffee Club", "--description", "followed"]);
    let line = BufReader::new(follow.stdout.take().expect("stdout")).lines().next().expect("a line").expect("text");
    let entry: ExportedEntry = serde_json::from_str(&line).expect("a JSON line");
    assert_eq!(entry.entry.operation, "program_edit");
    let _ = follow.kill();
    let _ = follow.wait();
}

/// The unit README shows is the one the package ships, and its command is
/// a follow the CLI accepts.
#[test]
fn readme_shows_the_journal_unit_the_package_ships() {
    let shipped =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/assets/packaging/mpdesk-audit-journal.service"))
            .expect("unit");
    assert_eq!(readme_block_starting("[Unit]\nDescription=mpdesk: follow the audit log"), shipped);
    let exec = shipped.lines().find_map(|l| l.strip_prefix("ExecStart=")).expect("ExecStart");
    let cli =
        <mpdesk::cli::Cli as clap::Parser>::try_parse_from(shell_words::split(exec).expect("words")).expect("parses");
    match cli.command {
        Some(mpdesk::cli::args::Command::Audit(args)) => assert!(args.follow && cli.json),
        other => panic!("not a follow: {other:?}"),
    }
}

/// An auditor handed a file and a head needs no database: the file's chain
/// and head check as the log's do, and a line changed or removed from the
/// file is found at its entry.
#[test]
fn an_exported_file_and_its_head_verify_without_the_database() {
    let cli = Cli::new();
    cli.ok("", &["demo-data"]);
    let file = cli.path("audit.jsonl");
    let file_arg = file.to_str().expect("utf8");
    let exported = cli.ok("", &["audit", "export", "--out", file_arg]);
    let head =
        exported.stdout.split("its head is ").nth(1).expect("the head").split(' ').next().expect("hash").to_string();
    assert!(
        exported.stdout.contains(&format!("mpdesk audit verify --file {file_arg} --head {head}")),
        "{}",
        exported.stdout
    );
    let verify = |path: &str, head: &str| {
        Command::new(env!("CARGO_BIN_EXE_mpdesk"))
            .args(["audit", "verify", "--file", path, "--head", head])
            .env("MPDESK_DB", "/nonexistent/no.db")
            .output()
            .expect("verify")
    };
    let intact = verify(file_arg, &head);
    assert_eq!(intact.status.code(), Some(0), "{}", String::from_utf8_lossy(&intact.stderr));
    assert!(String::from_utf8_lossy(&intact.stdout).contains(&format!("{head} is entry #")));

    let text = std::fs::read_to_string(&file).expect("file");
    let lines: Vec<&str> = text.lines().collect();
    let mut changed: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
    let mut entry: Value = serde_json::from_str(lines[9]).expect("line 10");
    entry["detail"] = Value::String("nothing happened".to_string());
    changed[9] = entry.to_string();
    let removed: Vec<&str> = lines.iter().enumerate().filter(|(i, _)| *i != 9).map(|(_, l)| *l).collect();
    let cut = &lines[..lines.len() - 1];
    // What no hash covers: a field added to a line whose entry still chains,
    // or the same entry written in other bytes.
    let mut added: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
    added[9] = format!("{},\"approved_by\":\"the board\"}}", lines[9].trim_end_matches('}'));
    let mut respaced: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
    respaced[9] = lines[9].replacen("\"id\":", "\"id\": ", 1);
    for (what, body, expected) in [
        ("a field added", added.join("\n"), "line 10 (entry #10): it has fields mpdesk never exports (approved_by)"),
        (
            "a line re-encoded",
            respaced.join("\n"),
            "line 10 (entry #10): it is not byte for byte as mpdesk exported it",
        ),
        ("a detail changed", changed.join("\n"), "entry #10 was changed"),
        ("a line removed", removed.join("\n"), "entry #10 was removed"),
        ("the last line cut", cut.join("\n"), "is not in it"),
    ] {
        let path = cli.path("tampered.jsonl");
        std::fs::write(&path, body).expect("write");
        let run = verify(path.to_str().expect("utf8"), &head);
        let stderr = String::from_utf8_lossy(&run.stderr);
        assert_eq!(run.status.code(), Some(1), "{what}: {stderr}");
        assert!(stderr.contains(expected), "{what}: {stderr}");
    }
}

/// The command an export prints to check it, run as printed: an Owner's
/// export (part of the log) checks entry by entry and names its gaps; the
/// operator's whole one checks as the log does; CSV is said not to check.
#[test]
fn the_check_an_export_prints_passes_on_the_file_it_wrote() {
    let cli = Cli::new();
    cli.ok("", &["demo-data"]);
    let printed_check = |stdout: &str| -> Vec<String> {
        let command = stdout.split("(check it: ").nth(1).expect("a check").trim_end().trim_end_matches(')');
        shell_words::split(command).expect("words")
    };
    let run_printed = |words: &[String]| {
        assert_eq!(words[0], "mpdesk");
        Command::new(env!("CARGO_BIN_EXE_mpdesk"))
            .args(&words[1..])
            .env("MPDESK_DB", "/nonexistent/no.db")
            .output()
            .expect("verify")
    };

    // Olivia reads Acme's entries only: Side Projects' are gaps.
    cli.ok("sam", &["program", "edit", "Weather Widget", "--description", "not Acme's"]);
    cli.ok("olivia", &["program", "edit", "Coffee Club", "--description", "Acme's"]);
    let owners = cli.path("olivia.jsonl");
    let exported = cli.ok("olivia", &["audit", "export", "--out", owners.to_str().expect("utf8")]);
    let check = printed_check(&exported.stdout);
    assert!(check.contains(&"--part".to_string()), "{}", exported.stdout);
    let checked = run_printed(&check);
    let said = String::from_utf8_lossy(&checked.stdout);
    assert_eq!(checked.status.code(), Some(0), "{}", String::from_utf8_lossy(&checked.stderr));
    assert!(said.contains("chain intact") && said.contains("it starts at #"), "{said}");
    assert!(said.contains("entries between are not in it, in 1 gap: #"), "{said}");
    assert!(said.contains("not yours to read, or outside the export's dates"), "{said}");

    // The same file checked as the whole log fails, and says what to add.
    let whole: Vec<String> = check.iter().filter(|w| *w != "--part").cloned().collect();
    let as_whole = run_printed(&whole);
    let stderr = String::from_utf8_lossy(&as_whole.stderr);
    assert_eq!(as_whole.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("were removed") || stderr.contains("was removed"), "{stderr}");
    assert!(stderr.contains("check it with --part"), "{stderr}");

    // A part still catches a changed entry.
    let text = std::fs::read_to_string(&owners).expect("file");
    let tampered = text.replacen("\"outcome\":\"ok\"", "\"outcome\":\"denied\"", 1);
    let tampered_path = cli.path("tampered.jsonl");
    std::fs::write(&tampered_path, tampered).expect("write");
    let mut on_tampered = check.clone();
    let file_at = on_tampered.iter().position(|w| w == "--file").expect("--file") + 1;
    on_tampered[file_at] = tampered_path.to_str().expect("utf8").to_string();
    let refused = run_printed(&on_tampered);
    assert_eq!(refused.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("was changed"));

    // The operator's export from the start is whole: no --part, no gaps.
    let all = cli.path("all.jsonl");
    let exported = cli.ok("", &["audit", "export", "--out", all.to_str().expect("utf8")]);
    let check = printed_check(&exported.stdout);
    assert!(!check.contains(&"--part".to_string()), "{}", exported.stdout);
    let checked = run_printed(&check);
    assert_eq!(checked.status.code(), Some(0));
    assert!(!String::from_utf8_lossy(&checked.stdout).contains("not in it"));

    // CSV: no check printed, and verify says why it does not read it.
    let csv = cli.path("olivia.csv");
    let exported = cli.ok("olivia", &["--format", "csv", "audit", "export", "--out", csv.to_str().expect("utf8")]);
    assert!(!exported.stdout.contains("check it"), "{}", exported.stdout);
    assert!(exported.stdout.contains("CSV is not checked by audit verify"), "{}", exported.stdout);
    let on_csv = run_printed(&["mpdesk", "audit", "verify", "--file", csv.to_str().expect("utf8")].map(String::from));
    assert_eq!(on_csv.status.code(), Some(5), "{}", String::from_utf8_lossy(&on_csv.stderr));
    assert!(String::from_utf8_lossy(&on_csv.stderr).contains("this is a CSV export, which audit verify does not check"));
}
