//! The CLI end to end through the built binary: a full scenario, exit
//! codes and the JSON shapes of the contract.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

pub struct Cli {
    pub db: PathBuf,
    dir: tempfile::TempDir,
}

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {}", self.stdout))
    }
}

impl Cli {
    /// A new database made on purpose, as README says: `mpdesk init`.
    pub fn new() -> Self {
        let dir = tempfile::tempdir().expect("dir");
        let cli = Self { db: dir.path().join("cli.db"), dir };
        cli.ok("nobody", &["init"]);
        cli
    }

    pub fn run(&self, user: &str, args: &[&str]) -> Run {
        let output = Command::new(env!("CARGO_BIN_EXE_mpdesk"))
            .args(args)
            .env("MPDESK_DB", &self.db)
            .env("MPDESK_USER", user)
            .env_remove("NO_COLOR")
            .output()
            .expect("run mpdesk");
        Run {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }

    pub fn ok(&self, user: &str, args: &[&str]) -> Run {
        let run = self.run(user, args);
        assert_eq!(run.code, 0, "mpdesk {args:?} as {user} failed: {}", run.stderr);
        run
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }
}

fn keys(value: &Value) -> Vec<String> {
    let mut keys: Vec<String> = value.as_object().expect("an object").keys().cloned().collect();
    keys.sort();
    keys
}

fn has_keys(value: &Value, expected: &[&str]) {
    let actual = keys(value);
    for key in expected {
        assert!(actual.iter().any(|k| k == key), "missing {key} in {value}");
    }
}

fn write(path: &Path, bytes: &[u8]) {
    std::fs::write(path, bytes).expect("write");
}

#[test]
fn a_full_scenario_from_registration_to_deletion() {
    let cli = Cli::new();
    cli.ok("lead", &["user", "add", "lead", "--name", "Team Lead", "--email", "lead@example.com"]);
    cli.ok("lead", &["user", "add", "dev1", "--name", "Dev One"]);
    cli.ok("lead", &["user", "add", "dev2"]);
    cli.ok("lead", &["workspace", "create", "Team"]);
    cli.ok("lead", &["workspace", "member", "add", "Team", "dev1", "--role", "developer"]);
    cli.ok("lead", &["workspace", "member", "add", "Team", "dev2", "--role", "developer"]);
    let created =
        cli.ok("lead", &["--json", "program", "create", "Team", "Scanner", "--description", "Scans things"]).json();
    let app_id = created["app_id"].as_str().expect("app_id").to_string();
    assert_eq!(app_id.len(), 16);

    let candidates = cli.ok("lead", &["--json", "member", "candidates", "Scanner"]).json();
    let logins: Vec<&str> =
        candidates.as_array().expect("array").iter().map(|c| c["login"].as_str().expect("login")).collect();
    assert_eq!(logins, ["dev1", "dev2"]);
    has_keys(&candidates[0], &["login", "name", "role"]);
    cli.ok("lead", &["member", "add", "Scanner", "dev1"]);

    let package = cli.path("scanner.zip");
    write(&package, b"PK\x03\x04 pretend zip \x00\xff");
    let uploaded = cli.ok(
        "dev1",
        &[
            "program",
            "upload",
            "Scanner",
            "--version",
            "1.0.0",
            "--package",
            package.to_str().expect("utf8"),
            "--notes",
            "first",
        ],
    );
    assert!(uploaded.stdout.starts_with("uploaded 1.0.0 (19 B, sha256 "), "{}", uploaded.stdout);
    let denied = cli.run("dev1", &["program", "release", "Scanner"]);
    assert_eq!(denied.code, 3);
    assert_eq!(
        denied.stderr.trim(),
        "error: Release needs the mini program Admin role; you are Developer (workspace Developer)"
    );
    cli.ok("lead", &["program", "release", &app_id]);

    let versions = cli.ok("dev1", &["--json", "program", "versions", "Scanner"]).json();
    has_keys(&versions[0], &["version", "state", "size", "sha256", "notes", "uploaded_by", "uploaded_at"]);
    assert_eq!(versions[0]["state"], "live");
    assert_eq!(versions[0]["size"], 19);
    let out = cli.path("back.zip");
    cli.ok("dev1", &["program", "export", "Scanner", "1.0.0", "--out", out.to_str().expect("utf8")]);
    assert_eq!(std::fs::read(&out).expect("read"), std::fs::read(&package).expect("read"));

    let list = cli.ok("dev1", &["--json", "program", "list"]).json();
    assert_eq!(list.as_array().expect("array").len(), 1);
    has_keys(&list[0], &["app_id", "name", "workspace", "status", "live_version", "my_role"]);
    assert_eq!(
        (list[0]["status"].as_str(), list[0]["my_role"].as_str(), list[0]["live_version"].as_str()),
        (Some("released"), Some("developer"), Some("1.0.0"))
    );

    let show = cli.ok("lead", &["--json", "program", "show", "Scanner"]).json();
    has_keys(
        &show,
        &[
            "app_id",
            "name",
            "workspace",
            "status",
            "live_version",
            "my_role",
            "description",
            "created_by",
            "created_at",
            "config",
        ],
    );
    has_keys(&show["config"], &["domains", "client_id", "merchant_id"]);
    assert!(show["created_at"].as_str().expect("time").ends_with('Z'));

    cli.ok(
        "lead",
        &["program", "config", "Scanner", "--add-domain", "https://api.scanner.example", "--client-id", "scan-1"],
    );
    let can = cli.ok("dev1", &["--json", "program", "can", "Scanner"]).json();
    assert_eq!(keys(&can), ["add_members", "configure", "delete", "edit", "release", "take_offline", "upload", "view"]);
    assert_eq!(can["upload"], serde_json::json!({"allowed": true, "reason": null}));
    assert_eq!(can["release"]["allowed"], false);

    let members = cli.ok("lead", &["--json", "member", "list", "Scanner"]).json();
    has_keys(&members[0], &["login", "name", "role", "source", "added_by", "added_at"]);
    let dev1 = members.as_array().expect("array").iter().find(|m| m["login"] == "dev1").expect("dev1");
    assert_eq!((dev1["role"].as_str(), dev1["source"].as_str()), (Some("developer"), Some("member")));

    let wsm = cli.ok("lead", &["--json", "workspace", "member", "list", "Team"]).json();
    has_keys(&wsm[0], &["login", "name", "role", "status"]);
    assert_eq!((wsm[0]["role"].as_str(), wsm[0]["status"].as_str()), (Some("owner"), Some("active")));
    let users = cli.ok("lead", &["--json", "user", "list"]).json();
    has_keys(&users[0], &["login", "name", "email"]);

    assert_eq!(cli.run("lead", &["program", "delete", "Scanner", "--yes"]).code, 5, "released: take it offline first");
    cli.ok("lead", &["program", "offline", "Scanner"]);
    let unconfirmed = cli.run("lead", &["program", "delete", "Scanner"]);
    assert_eq!(unconfirmed.code, 2, "--yes is required: a usage error");
    assert!(unconfirmed.stderr.contains("--yes"), "{}", unconfirmed.stderr);
    cli.ok("lead", &["program", "delete", "Scanner", "--yes"]);
    assert_eq!(cli.run("lead", &["program", "show", &app_id]).code, 4);

    let audit = cli.ok("lead", &["--json", "audit", "--limit", "3"]).json();
    has_keys(&audit[0], &["at", "actor", "workspace", "program", "operation", "outcome", "detail"]);
    assert_eq!(audit[0]["operation"], "program_delete");
    let denied_release = cli.ok("lead", &["--json", "audit", "--limit", "100"]).json();
    assert!(denied_release
        .as_array()
        .expect("array")
        .iter()
        .any(|e| e["operation"] == "program_release" && e["outcome"] == "denied" && e["actor"] == "dev1"));
}

#[test]
fn exit_codes_and_json_errors() {
    let cli = Cli::new();
    cli.ok("olivia", &["demo-data"]);
    let unknown = cli.run("olivia", &["program", "frobnicate"]);
    assert_eq!(unknown.code, 2, "usage");
    let stranger = cli.run("stranger", &["program", "list"]);
    assert_eq!(stranger.code, 4);
    assert!(stranger.stderr.contains("mpdesk user add stranger"), "{}", stranger.stderr);
    let missing = cli.run("nora", &["--json", "program", "show", "Coffee Club"]);
    assert_eq!(missing.code, 4, "invisible answers not found");
    let error: Value = serde_json::from_str(missing.stderr.trim()).expect("JSON error on stderr");
    assert_eq!(
        error,
        serde_json::json!({"error": {"kind": "not_found", "message": "mini program 'Coffee Club' not found"}})
    );
    let denied = cli.run("dana", &["--json", "program", "offline", "Coffee Club"]);
    assert_eq!(denied.code, 3);
    assert!(denied.stderr.contains("\"permission_denied\""), "{}", denied.stderr);
    let master = cli.run("olivia", &["member", "add", "Coffee Club", "max"]);
    assert_eq!(master.code, 5);
    assert!(master.stderr.contains("already manages every mini program of this workspace"));
    let bad_name = cli.run("olivia", &["program", "create", "Acme Mini Apps", "bad\u{1b}[31mname"]);
    assert_eq!(bad_name.code, 5);
    assert_eq!(bad_name.stderr.lines().count(), 1, "one line: {}", bad_name.stderr);
    assert!(!bad_name.stderr.contains('\u{1b}'));
    let old = cli.run(
        "olivia",
        &["program", "upload", "Coffee Club", "--version", "1.0.0", "--package", "/nonexistent/pkg.zip"],
    );
    assert_eq!(old.code, 5);
    let again = cli.run("olivia", &["demo-data"]);
    assert_eq!(again.code, 5, "demo data only into an empty database");
}

#[test]
fn human_tables_never_print_escape_sequences_from_data() {
    let cli = Cli::new();
    cli.ok("olivia", &["demo-data"]);
    cli.ok("olivia", &["program", "edit", "Coffee Club", "--description", "line one\n\tline two"]);
    // A hostile row written behind the desk's back still prints safely.
    let conn = rusqlite::Connection::open(&cli.db).expect("raw");
    conn.execute(
        "UPDATE programs SET name = 'Evil' || char(27) || '[2J' || char(8238) WHERE name = 'Parking Pass'",
        [],
    )
    .expect("update");
    let list = cli.ok("olivia", &["program", "list"]);
    assert!(!list.stdout.contains('\u{1b}') && !list.stdout.contains('\u{202E}'));
    assert!(list.stdout.contains("Evil^[[2J<U+202E>"), "{}", list.stdout);
    let show = cli.ok("olivia", &["program", "show", "Coffee Club"]);
    assert!(show.stdout.contains("line one⏎    line two"), "{}", show.stdout);
}

#[test]
fn the_membership_lifecycle_through_the_cli() {
    let cli = Cli::new();
    cli.ok("olivia", &["demo-data"]);
    let invited =
        cli.ok("olivia", &["--json", "workspace", "invite", "Acme Mini Apps", "eve", "--role", "developer"]).json();
    has_keys(&invited, &["workspace", "login", "role", "state", "invited_by", "sent_at", "expires_at"]);
    assert_eq!(invited["state"], "pending");
    let members = cli.ok("max", &["--json", "workspace", "member", "list", "Acme Mini Apps"]).json();
    let eve = members.as_array().expect("array").iter().find(|m| m["login"] == "eve").expect("eve listed");
    assert_eq!(eve["status"], "invited");
    has_keys(eve, &["since", "expires_at"]);
    let dana = members.as_array().expect("array").iter().find(|m| m["login"] == "dana").expect("dana");
    assert_eq!(dana["expires_at"], Value::Null, "a membership with no end says so");
    assert_eq!(cli.run("dana", &["workspace", "invite", "Acme Mini Apps", "sam", "--role", "developer"]).code, 3);
    assert_eq!(cli.run("max", &["workspace", "invite", "Acme Mini Apps", "sam", "--role", "master"]).code, 3);

    let mine = cli.ok("eve", &["--json", "invitation", "list"]).json();
    assert_eq!(mine[0]["workspace"], "Acme Mini Apps");
    cli.ok("eve", &["invitation", "accept", "Acme Mini Apps"]);
    assert_eq!(cli.run("eve", &["invitation", "accept", "Acme Mini Apps"]).code, 4, "nothing pending any more");
    let all = cli.ok("olivia", &["--json", "workspace", "invitations", "Acme Mini Apps"]).json();
    assert_eq!(all[0]["state"], "accepted");

    cli.ok("max", &["workspace", "member", "block", "Acme Mini Apps", "dana"]);
    assert_eq!(cli.run("dana", &["program", "show", "Coffee Club"]).code, 4, "blocked: sees nothing");
    cli.ok("max", &["workspace", "member", "unblock", "Acme Mini Apps", "dana"]);
    cli.ok("dana", &["program", "show", "Coffee Club"]);

    cli.ok("olivia", &["workspace", "invite", "Acme Mini Apps", "sam", "--role", "master"]);
    cli.ok("olivia", &["workspace", "resend", "Acme Mini Apps", "sam"]);
    cli.ok("olivia", &["workspace", "withdraw", "Acme Mini Apps", "sam"]);
    cli.ok("sam", &["invitation", "list"]);
    assert_eq!(cli.run("sam", &["invitation", "decline", "Acme Mini Apps"]).code, 4);

    assert_eq!(cli.run("olivia", &["workspace", "transfer", "Acme Mini Apps", "dana"]).code, 5, "not a Master");
    cli.ok("olivia", &["workspace", "transfer", "Acme Mini Apps", "max"]);
    let after = cli.ok("max", &["--json", "workspace", "member", "list", "Acme Mini Apps"]).json();
    assert_eq!((after[0]["login"].as_str(), after[0]["role"].as_str()), (Some("max"), Some("owner")));
    let log = cli.ok("max", &["--json", "audit", "--limit", "30"]).json();
    let ops: Vec<&str> = log.as_array().expect("array").iter().filter_map(|e| e["operation"].as_str()).collect();
    for op in [
        "workspace_transfer",
        "workspace_invitation_withdraw",
        "workspace_invitation_resend",
        "workspace_invite",
        "workspace_member_unblock",
        "workspace_member_block",
        "workspace_invitation_accept",
    ] {
        assert!(ops.contains(&op), "{op} audited: {ops:?}");
    }
}

/// README's table of exit codes, row by row: each code, from the CLI and
/// from the console, for the same refusal.
#[test]
fn the_exit_code_table_in_readme_holds_for_the_cli_and_the_console() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).expect("README");
    let table: Vec<i32> = readme
        .split("| exit code | meaning |")
        .nth(1)
        .expect("README has the table")
        .lines()
        .skip(2)
        .take_while(|l| l.starts_with('|'))
        .filter_map(|l| l.trim_start_matches('|').split('|').next()?.trim().parse().ok())
        .collect();
    assert_eq!(table, [0, 1, 2, 3, 4, 5]);

    let cli = Cli::new();
    cli.ok("nobody", &["demo-data"]);
    let missing = cli.db.with_file_name("missing.db");
    let missing = missing.to_str().expect("utf8");
    let console = |args: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_mpdesk"))
            .args(args)
            .env("MPDESK_DB", &cli.db)
            .env("XDG_DATA_HOME", cli.db.with_file_name("data"))
            .env("XDG_CONFIG_HOME", cli.db.with_file_name("config"))
            .output()
            .expect("run");
        (out.status.code().expect("code"), out.stdout, String::from_utf8_lossy(&out.stderr).into_owned())
    };
    // 2: the console with no terminal, and nothing on stdout; a bad flag.
    let (code, stdout, stderr) = console(&["--user", "olivia"]);
    assert_eq!((code, stdout.len()), (2, 0), "{stderr}");
    assert!(stderr.contains("the console needs a terminal; for scripts use the CLI (mpdesk --help)"), "{stderr}");
    assert_eq!(cli.run("olivia", &["program", "list", "--no-such-flag"]).code, 2);
    // 4: a database that is not there, the CLI and the console alike.
    assert_eq!(cli.run("olivia", &["--db", missing, "program", "list"]).code, 4);
    let home = tempfile::tempdir().expect("home");
    let mut pty = crate::pty::Console::start(&["--db", missing, "--user", "olivia"], home.path());
    assert_eq!(pty.wait_for_exit(std::time::Duration::from_secs(10)).0, 4, "{}", pty.screen());
    // 3: a refusal by role; 5: invalid input; 0: done.
    assert_eq!(cli.run("devin", &["program", "delete", "Coffee Club", "--yes"]).code, 3);
    assert_eq!(cli.run("olivia", &["program", "create", "Acme Mini Apps", " spaced "]).code, 5);
    assert_eq!(cli.run("olivia", &["program", "list"]).code, 0);
}

/// Every list prints the same JSON (an array, an element a line) and takes
/// `--format csv`: a header, then one record of as many fields a row.
#[test]
fn every_list_prints_one_json_style_and_csv() {
    let cli = Cli::new();
    cli.ok("nobody", &["demo-data"]);
    let lists: [(&str, &[&str]); 10] = [
        ("", &["user", "list"]),
        ("olivia", &["workspace", "list"]),
        ("olivia", &["workspace", "member", "list", "Acme Mini Apps"]),
        ("olivia", &["program", "list"]),
        ("olivia", &["program", "versions", "Coffee Club"]),
        ("olivia", &["member", "list", "Coffee Club"]),
        ("olivia", &["member", "candidates", "Coffee Club"]),
        ("olivia", &["audit", "--limit", "5"]),
        ("eve", &["invitation", "list"]),
        ("olivia", &["key", "list"]),
    ];
    for (user, args) in lists {
        let json = cli.ok(user, &[&["--json"], args].concat()).stdout;
        let lines: Vec<&str> = json.lines().collect();
        let whole: Value = serde_json::from_str(&json).unwrap_or_else(|e| panic!("{args:?}: {e}\n{json}"));
        let n = whole.as_array().unwrap_or_else(|| panic!("{args:?} is not an array")).len();
        if n == 0 {
            assert_eq!(lines, ["[]"], "{args:?}");
        } else {
            assert_eq!((lines[0], lines[lines.len() - 1], lines.len()), ("[", "]", n + 2), "{args:?}:\n{json}");
            for line in &lines[1..lines.len() - 1] {
                let element = line.trim_end_matches(',');
                assert!(serde_json::from_str::<Value>(element).is_ok_and(|v| v.is_object()), "{args:?}: {line}");
            }
        }
        let csv = cli.ok(user, &[&["--format", "csv"], args].concat()).stdout;
        let records: Vec<Vec<String>> = csv.lines().map(csv_fields).collect();
        assert_eq!(records.len(), n + 1, "{args:?}: a header and a record a row:\n{csv}");
        assert!(records.iter().all(|r| r.len() == records[0].len()), "{args:?}: ragged:\n{csv}");
        // CSV is for machines: its headings are the JSON's keys and its
        // cells the JSON's values as they are, empty for none.
        for (record, element) in records[1..].iter().zip(whole.as_array().into_iter().flatten()) {
            for (heading, cell) in records[0].iter().zip(record) {
                let value = element.get(heading).unwrap_or_else(|| panic!("{args:?}: no key {heading} in {element}"));
                let plain = match value {
                    Value::Null => String::new(),
                    Value::String(text) => text.clone(),
                    other => other.to_string(),
                };
                // (Sanitized as every cell on a terminal is: a line break shows as ⏎.)
                assert_eq!(cell, &mpdesk::sanitize::line(&plain), "{args:?}: {heading}\n{csv}");
            }
        }
    }
    // The demo's draft program is "draft", with no live version, not
    // "○ Draft" and "-".
    let programs = cli.ok("olivia", &["--format", "csv", "program", "list"]).stdout;
    assert!(programs.starts_with("app_id,name,workspace,status,live_version,my_role\n"), "{programs}");
    assert!(programs.lines().any(|l| l.contains(",draft,,")) && !programs.contains("○"), "{programs}");
}

/// Fields of one CSV record (quotes doubled inside quoted fields).
fn csv_fields(line: &str) -> Vec<String> {
    let (mut fields, mut field, mut quoted, mut chars) = (Vec::new(), String::new(), false, line.chars().peekable());
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            ('"', _) => quoted = !quoted,
            (',', false) => fields.push(std::mem::take(&mut field)),
            (c, _) => field.push(c),
        }
    }
    fields.push(field);
    fields
}

#[test]
fn a_csv_cell_a_spreadsheet_would_run_as_a_formula_is_quoted_as_text() {
    let line = mpdesk::cli::output::csv_line(["=HYPERLINK(\"x\")".to_string(), "-".to_string(), "a,b".to_string()]);
    assert_eq!(line, "\"'=HYPERLINK(\"\"x\"\")\",-,\"a,b\"");
}

/// A workspace's Owner renames it (undoable) and deletes it once it is
/// empty; anyone else is refused with exit 3, a workspace with programs or
/// members with its contents (exit 5); the name is free again after.
#[test]
fn the_owner_renames_and_deletes_a_workspace() {
    let cli = Cli::new();
    cli.ok("nobody", &["demo-data"]);
    cli.ok("olivia", &["workspace", "create", "Scratch"]);
    let renamed = cli.ok("olivia", &["--json", "workspace", "rename", "Scratch", "Scratchpad"]).json();
    assert_eq!(renamed["renamed"], "Scratchpad");
    // Undone by its entry: the old name is back.
    let entry = cli.ok("olivia", &["--json", "audit", "--limit", "1"]).json();
    assert_eq!(
        (entry[0]["operation"].as_str(), entry[0]["undoable"].as_bool()),
        (Some("workspace_rename"), Some(true))
    );
    let id = entry[0]["id"].as_i64().expect("id").to_string();
    cli.ok("olivia", &["undo", &id]);
    let names = cli.ok("olivia", &["--json", "workspace", "list"]).json();
    assert!(names.as_array().expect("list").iter().any(|w| w["name"] == "Scratch"), "{names}");

    // A Master, a Developer: refused by role.
    let master = cli.run("dana", &["workspace", "rename", "Side Projects", "Elsewhere"]);
    assert_eq!(master.code, 3, "{}", master.stderr);
    assert!(master.stderr.contains("needs the workspace Owner role; you are Master"), "{}", master.stderr);
    assert_eq!(cli.run("dana", &["workspace", "delete", "Acme Mini Apps", "--yes"]).code, 3);
    // Not empty: refused, with what it holds; nothing changed.
    let full = cli.run("olivia", &["workspace", "delete", "Acme Mini Apps", "--yes"]);
    assert_eq!(full.code, 5, "{}", full.stderr);
    assert!(full.stderr.contains("it still has 4 mini programs, 4 members besides you"), "{}", full.stderr);
    assert_eq!(cli.ok("olivia", &["--json", "program", "list"]).json().as_array().map(Vec::len), Some(4));
    // Bad names change nothing.
    assert_eq!(cli.run("olivia", &["workspace", "rename", "Scratch", " spaced "]).code, 5);
    assert_eq!(cli.run("olivia", &["workspace", "rename", "Scratch", "Acme Mini Apps"]).code, 5);

    cli.ok("olivia", &["workspace", "delete", "Scratch", "--yes"]);
    let gone = cli.run("olivia", &["workspace", "rename", "Scratch", "Again"]);
    assert_eq!(gone.code, 4, "{}", gone.stderr);
    let entry = cli.ok("olivia", &["--json", "audit", "--limit", "1"]).json();
    assert_eq!(
        (entry[0]["operation"].as_str(), entry[0]["undoable"].as_bool()),
        (Some("workspace_delete"), Some(false))
    );
    cli.ok("olivia", &["workspace", "create", "Scratch"]);
}
