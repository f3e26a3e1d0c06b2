//! Time-bound access: a membership that ends is gone at that instant in
//! every decision, with one `membership_expired` entry, however many
//! processes notice it; setting an end is audited and undoable.

use crate::cli::Cli;
use crate::support::World;
use mpdesk::desk::{Desk, DeskError, ManualClock, MemberStatus, Operation, ProgramStatus, WorkspaceRole};
use mpdesk::domain::lifecycle::ProgramFacts;
use mpdesk::domain::permission::{decide, Access};
use serde_json::Value;
use time::macros::datetime;
use time::Duration;

fn clock() -> ManualClock {
    ManualClock::new(datetime!(2027-01-30 12:00:00 UTC))
}

fn expired_entries(world: &World) -> i64 {
    world
        .raw()
        .query_row("SELECT count(*) FROM audit WHERE operation = 'membership_expired'", [], |r| r.get(0))
        .expect("count")
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum End {
    None,
    Future,
    Past,
}

/// The rules as a table: a Master (whose workspace membership ends) and a
/// Developer (whose membership of the program ends), active or blocked,
/// with no end, an end to come and an end past, for every program
/// operation. What the desk allows must be what the permission table says
/// for the access that is left — with no job run, only another person's
/// ordinary write in between.
#[test]
fn an_ended_membership_counts_as_absent_in_every_decision() {
    // Coffee Club in the demo: Released, three versions.
    let facts = ProgramFacts { status: ProgramStatus::Released, version_count: 3 };
    for (login, role) in [("max", WorkspaceRole::Master), ("dana", WorkspaceRole::Developer)] {
        for status in [MemberStatus::Active, MemberStatus::Blocked] {
            for end in [End::None, End::Future, End::Past] {
                let case = format!("{login} {status:?} end {end:?}");
                let clock = clock();
                let mut world = World::with_clock(clock.clone());
                world.desk.load_demo_data().expect("demo");
                let olivia = world.actor("olivia");
                if status == MemberStatus::Blocked {
                    world.desk.block_member(&olivia, "Acme Mini Apps", login).expect("block");
                }
                if end != End::None {
                    let set = match role {
                        WorkspaceRole::Master => {
                            world.desk.set_workspace_member_expiry(&olivia, "Acme Mini Apps", login, "1h")
                        }
                        _ => world.desk.set_member_expiry(&olivia, "Coffee Club", login, "1h"),
                    };
                    assert!(set.expect(&case).is_some(), "{case}");
                }
                if end == End::Past {
                    clock.advance(Duration::hours(2));
                }
                // Someone else's ordinary write: no job, no expire command.
                let edit = mpdesk::desk::ProgramEdit { description: Some("noticed".into()), ..Default::default() };
                world.desk.edit_program(&olivia, "Parking Pass", &edit).expect("an unrelated write");

                let gone = end == End::Past;
                let access = Access {
                    workspace: match (role, gone) {
                        (WorkspaceRole::Master, true) => None,
                        _ => Some((role, status)),
                    },
                    program_member: role == WorkspaceRole::Developer && !gone,
                    read_only: false,
                };
                let subject = world.actor(login);
                let allowed = match world.desk.capabilities(&subject, "Coffee Club") {
                    Ok(caps) => caps.into_iter().map(|c| (c.operation, c.allowed())).collect::<Vec<_>>(),
                    Err(DeskError::NotFound(_)) => Operation::ALL.iter().map(|op| (*op, false)).collect(),
                    Err(other) => panic!("{case}: {other}"),
                };
                for (op, actual) in allowed {
                    let expected = decide(&access, op, &facts).is_ok();
                    assert_eq!(actual, expected, "{case}: {op:?}");
                }
                assert_eq!(expired_entries(&world), i64::from(gone), "{case}: one entry iff it ended");
                world.check_invariants();
            }
        }
    }
}

/// Two processes noticing the same ends at the same instant write one
/// entry for each.
#[test]
fn two_processes_noticing_together_write_one_entry_each() {
    let clock = clock();
    let mut world = World::with_clock(clock.clone());
    world.desk.load_demo_data().expect("demo");
    let olivia = world.actor("olivia");
    world.desk.set_workspace_member_expiry(&olivia, "Acme Mini Apps", "nora", "30m").expect("nora");
    world.desk.set_member_expiry(&olivia, "Lunch Vote", "devin", "30m").expect("devin");
    clock.advance(Duration::hours(1));
    for _ in 0..5 {
        let barrier = std::sync::Arc::new(std::sync::Barrier::new(2));
        let handles: Vec<_> = (0..2)
            .map(|_| {
                let (path, clock, barrier) = (world.path.clone(), clock.clone(), barrier.clone());
                std::thread::spawn(move || {
                    let mut desk = Desk::open(&path).expect("desk").with_clock(clock);
                    barrier.wait();
                    desk.notice_expiries().expect("notice").len()
                })
            })
            .collect();
        let noticed: usize = handles.into_iter().map(|h| h.join().expect("thread")).sum();
        assert!(noticed <= 2);
    }
    assert_eq!(expired_entries(&world), 2, "nora's and devin's, once each");
    let (operation, _, detail) = world.last_audit();
    assert_eq!(operation, "membership_expired");
    assert!(detail.contains("expired on 2027-01-30T12:30:00Z"), "{detail}");
    let actor: String = world
        .raw()
        .query_row("SELECT actor FROM audit WHERE operation = 'membership_expired' LIMIT 1", [], |r| r.get(0))
        .expect("actor");
    assert_eq!(actor, "system");
}

/// Who may set an end is who may add the member; the Owner never ends; a
/// past end is refused and changes nothing; an extension is undone like
/// any change; a transfer makes the new Owner permanent.
#[test]
fn setting_an_end_follows_the_rules_and_an_extension_is_undone() {
    let clock = clock();
    let mut world = World::with_clock(clock.clone());
    world.desk.load_demo_data().expect("demo");
    let (olivia, max, dana) = (world.actor("olivia"), world.actor("max"), world.actor("dana"));
    let owner = world.refused(|d| d.set_workspace_member_expiry(&olivia, "Acme Mini Apps", "olivia", "30d"));
    assert!(owner.to_string().contains("the workspace Owner's membership never expires"), "{owner}");
    let master = world.refused(|d| d.set_workspace_member_expiry(&max, "Acme Mini Apps", "max", "30d"));
    assert!(master.to_string().contains("Owner role"), "a Master does not set a Master's end: {master}");
    let dev = world.refused(|d| d.set_member_expiry(&dana, "Coffee Club", "devin", "30d"));
    assert!(dev.to_string().contains("Admin role"), "{dev}");
    let past = world.refused(|d| d.set_member_expiry(&olivia, "Coffee Club", "dana", "2027-01-01"));
    assert!(past.to_string().contains("is not in the future"), "{past}");
    let manager = world.refused(|d| d.set_member_expiry(&olivia, "Coffee Club", "max", "30d"));
    assert!(manager.to_string().contains("workspace membership's end instead"), "{manager}");

    world.desk.set_workspace_member_expiry(&max, "Acme Mini Apps", "dana", "30d").expect("a Master ends a Developer");
    world.desk.set_workspace_member_expiry(&max, "Acme Mini Apps", "dana", "90d").expect("extended");
    let extension: i64 = world.raw().query_row("SELECT max(id) FROM audit", [], |r| r.get(0)).expect("id");
    let end = |world: &World| -> Option<String> {
        world
            .raw()
            .query_row(
                "SELECT m.expires_at FROM workspace_members m JOIN users u ON u.id = m.user_id WHERE u.login = 'dana'",
                [],
                |r| r.get(0),
            )
            .expect("dana")
    };
    assert_eq!(end(&world).as_deref(), Some("2027-04-30T12:00:00Z"));
    world.desk.undo(&max, extension).expect("undo the extension");
    assert_eq!(end(&world).as_deref(), Some("2027-03-01T12:00:00Z"), "back to 30 days");

    world.desk.set_workspace_member_expiry(&olivia, "Acme Mini Apps", "max", "10d").expect("max ends");
    world.desk.transfer_ownership(&olivia, "Acme Mini Apps", "max").expect("transfer");
    let (_, _, detail) = world.last_audit();
    assert!(detail.contains("max's access no longer ends"), "{detail}");
    clock.advance(Duration::days(11));
    world.desk.notice_expiries().expect("notice");
    assert_eq!(world.desk.member_status(&max, "Acme Mini Apps", "max").expect("status"), Some(MemberStatus::Active));
    world.check_invariants();
}

/// An invitation's access starts when it is accepted.
#[test]
fn an_invitations_access_runs_from_its_acceptance() {
    let clock = clock();
    let mut world = World::with_clock(clock.clone());
    world.desk.load_demo_data().expect("demo");
    let olivia = world.actor("olivia");
    world.desk.invite(&olivia, "Acme Mini Apps", "eve", WorkspaceRole::Developer, Some("30d")).expect("invite");
    clock.advance(Duration::days(2));
    let eve = world.actor("eve");
    world.desk.accept_invitation(&eve, "Acme Mini Apps").expect("accept");
    assert_eq!(
        world.desk.member_end(&olivia, "Acme Mini Apps", "eve").expect("end").as_deref(),
        Some("2027-03-03T12:00:00Z"),
        "30 days from the acceptance, not from the invitation"
    );
}

/// The CLI: --expires, expire, --json lists with expires_at, and what a
/// bad value says.
#[test]
fn the_cli_sets_lists_and_expires() {
    let cli = Cli::new();
    cli.ok("", &["demo-data"]);
    cli.ok("olivia", &["member", "add", "Lunch Vote", "nora", "--expires", "2s"]);
    let listed = cli.ok("olivia", &["--json", "member", "list", "Lunch Vote"]).json();
    let nora = listed.as_array().expect("rows").iter().find(|m| m["login"] == "nora").expect("nora").clone();
    assert!(nora["expires_at"].is_string(), "{nora}");
    let olivia_row = listed.as_array().expect("rows").iter().find(|m| m["login"] == "olivia").expect("olivia").clone();
    assert_eq!(olivia_row["expires_at"], Value::Null);
    let bad = cli.run("olivia", &["workspace", "member", "expire", "Acme Mini Apps", "dana", "soonish"]);
    assert_eq!(bad.code, 5);
    assert_eq!(
        bad.stderr.trim(),
        "error: 'soonish' is not an expiry: a date (2027-01-31), a time (2027-01-31T18:00:00Z), a duration (30d, 12h, 90s) or never"
    );
    std::thread::sleep(std::time::Duration::from_millis(2100));
    let dry = cli.ok("", &["expire", "--dry-run"]);
    assert!(dry.stdout.contains("nora's membership of Lunch Vote (Acme Mini Apps) expired on"), "{}", dry.stdout);
    assert!(dry.stdout.trim_end().ends_with("(dry run: not removed)"), "{}", dry.stdout);
    let done = cli.ok("", &["expire"]);
    assert!(done.stdout.contains("nora's membership of Lunch Vote (Acme Mini Apps) expired on"), "{}", done.stdout);
    assert_eq!(cli.ok("", &["expire"]).stdout.trim(), "nothing has expired", "once");
    let members = cli.ok("olivia", &["member", "list", "Lunch Vote"]);
    assert!(!members.stdout.contains("nora"), "{}", members.stdout);
    // The refusal says why, not just "not found".
    let gone = cli.run("nora", &["program", "show", "Lunch Vote"]);
    assert_eq!(gone.code, 4, "{}", gone.stderr);
    assert!(gone.stderr.contains("nora's membership of Lunch Vote expired on 20"), "{}", gone.stderr);
    let never = cli.run("nora", &["program", "show", "Weather Widget"]);
    assert_eq!(never.stderr.trim(), "error: mini program 'Weather Widget' not found");
}

/// README's commands for access that ends, run as written (after the
/// people, the workspace, the program and the key file they name).
#[test]
fn readme_expiry_commands_run_as_written() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).expect("README");
    let first = "mpdesk workspace member add Team dev3 --role developer --expires 30d";
    let start = readme.find(&format!("```sh\n{first}")).expect("the block") + "```sh\n".len();
    let block = &readme[start..];
    let block = &block[..block.find("```").expect("its end")];
    let cli = Cli::new();
    for login in ["lead", "dev1", "dev3", "dev4"] {
        cli.ok("", &["user", "add", login]);
    }
    cli.ok("lead", &["workspace", "create", "Team"]);
    cli.ok("lead", &["workspace", "member", "add", "Team", "dev1", "--role", "developer"]);
    cli.ok("lead", &["program", "create", "Team", "Scanner"]);
    let key = cli.path("contractor");
    crate::sshd::keygen(&key);
    for line in block.lines().filter(|l| !l.trim().is_empty()) {
        let command = line.split(" #").next().expect("a command").trim();
        let args: Vec<String> = shell_words::split(command)
            .expect("words")
            .into_iter()
            .skip(1)
            .map(|w| if w == "./contractor.pub" { key.with_extension("pub").display().to_string() } else { w })
            .collect();
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let user = if args.first() == Some(&"key") || args.first() == Some(&"expire") { "" } else { "lead" };
        cli.ok(user, &args);
    }
    let members = cli.ok("lead", &["--json", "workspace", "member", "list", "Team"]).json();
    let dev3 = members.as_array().expect("rows").iter().find(|m| m["login"] == "dev3").expect("dev3").clone();
    assert_eq!(dev3["expires_at"], "2030-01-31T00:00:00Z");
    let keys = cli.ok("", &["--json", "key", "list", "dev1"]).json();
    assert_eq!(keys[0]["expires_at"], "2030-01-31T00:00:00Z");
}

/// Real processes, started together after an end, each noticing it: one
/// entry.
#[test]
fn processes_started_together_after_an_end_write_one_entry() {
    let cli = Cli::new();
    cli.ok("", &["demo-data"]);
    cli.ok("olivia", &["workspace", "member", "expire", "Acme Mini Apps", "nora", "1s"]);
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let children: Vec<_> = (0..6)
        .map(|_| {
            std::process::Command::new(env!("CARGO_BIN_EXE_mpdesk"))
                .args(["program", "list"])
                .env("MPDESK_DB", &cli.db)
                .env("MPDESK_USER", "olivia")
                .stdout(std::process::Stdio::null())
                .spawn()
                .expect("spawn")
        })
        .collect();
    for mut child in children {
        assert!(child.wait().expect("wait").success());
    }
    let log = cli.ok("", &["--json", "audit", "--limit", "20"]).json();
    let ended = log.as_array().expect("rows").iter().filter(|e| e["operation"] == "membership_expired").count();
    assert_eq!(ended, 1, "{log}");
}

/// `invite --expires 90d` says the 90 days wherever the invitation shows:
/// the invite's output, the workspace's and the invitee's lists (table
/// and JSON), the accept message, and the console's invitations dialog.
#[test]
fn an_invitations_access_is_shown_wherever_the_invitation_is() {
    let cli = Cli::new();
    cli.ok("", &["demo-data"]);
    let invited =
        cli.ok("olivia", &["workspace", "invite", "Acme Mini Apps", "eve", "--role", "developer", "--expires", "90d"]);
    assert!(invited.stdout.contains("the access it grants lasts for 90d from the acceptance"), "{}", invited.stdout);
    let table = cli.ok("olivia", &["workspace", "invitations", "Acme Mini Apps"]).stdout;
    assert!(table.contains("ACCESS") && table.contains("for 90d from the acceptance"), "{table}");
    let mine = cli.ok("eve", &["--json", "invitation", "list"]).json();
    let row = mine.as_array().and_then(|rows| rows.first()).cloned().expect("eve's invitation");
    assert_eq!(row["access_seconds"], Value::from(90 * 86_400), "{row}");
    let accepted = cli.ok("eve", &["invitation", "accept", "Acme Mini Apps"]);
    assert!(
        accepted.stdout.contains("you joined Acme Mini Apps as Developer; your access ends 20"),
        "{}",
        accepted.stdout
    );

    // The console: the invitations dialog says it before accepting.
    let mut desk = crate::tui_support::demo_desk();
    desk.add_user("zed", Some("Zed"), None).expect("zed");
    let olivia = desk.actor("olivia").expect("olivia");
    desk.invite(&olivia, "Acme Mini Apps", "zed", WorkspaceRole::Developer, Some("90d")).expect("invite");
    let app = crate::tui_support::app_on(desk, "zed", false, false, (100, 30));
    let text = crate::tui_support::screen_text(&app);
    assert!(text.contains("Join Acme Mini Apps as Developer (access for 90d)"), "{text}");
}
