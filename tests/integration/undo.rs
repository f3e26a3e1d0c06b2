//! Undo: each reversible change taken back byte for byte (every table but
//! the audit log), and redone; refused when the data moved on, by role, and
//! for what is not reversible; the console's z and Z; random sequences of
//! changes and undos that keep the invariants of domain.md.

use crate::cli::Cli;
use crate::support::World;
use crate::tui_support::*;
use crossterm::event::KeyCode;
use mpdesk::desk::{Actor, ConfigChange, Desk, DeskResult, ErrorKind, PackageSource, ProgramEdit, WorkspaceRole};
use proptest::prelude::*;

fn last_id(world: &World) -> i64 {
    world.raw().query_row("SELECT max(id) FROM audit", [], |r| r.get(0)).expect("an entry")
}

/// Does `change` as `who`, undoes it (every table back as it was), then
/// redoes it (every table as the change left it).
fn round_trip<T>(world: &mut World, who: &str, what: &str, change: impl FnOnce(&mut Desk, &Actor) -> DeskResult<T>) {
    let actor = world.actor(who);
    let before = world.snapshot();
    change(&mut world.desk, &actor).unwrap_or_else(|e| panic!("{what}: {e}"));
    let changed = world.snapshot();
    assert_ne!(changed, before, "{what} changed nothing");
    let id = last_id(world);
    let plan = world.desk.undo(&actor, id).unwrap_or_else(|e| panic!("undo {what}: {e}"));
    assert!(!plan.redo && !plan.changes.is_empty(), "{what}: {plan:?}");
    assert_eq!(world.snapshot(), before, "undoing {what} did not restore every table");
    world.check_invariants();
    let (operation, outcome, detail) = world.last_audit();
    assert_eq!((operation.as_str(), outcome.as_str()), ("undo", "ok"));
    assert!(detail.starts_with(&format!("undid #{id} (")), "{detail}");
    let undo_id = last_id(world);
    let redo = world.desk.undo(&actor, undo_id).unwrap_or_else(|e| panic!("redo {what}: {e}"));
    assert!(redo.redo);
    assert_eq!(world.snapshot(), changed, "redoing {what} did not bring the change back");
    assert_eq!(world.last_audit().0, "redo");
    world.check_invariants();
}

#[test]
fn every_reversible_change_is_undone_byte_for_byte_and_redone() {
    let mut w = World::demo();
    let app = |w: &World, name: &str| w.app_id(name);
    let coffee = app(&w, "Coffee Club");
    let lunch = app(&w, "Lunch Vote");
    round_trip(&mut w, "olivia", "member add", |d, a| d.add_members(a, &coffee, &["nora".to_string()], None));
    round_trip(&mut w, "olivia", "member remove", |d, a| d.remove_member(a, &coffee, "dana"));
    round_trip(&mut w, "olivia", "role change", |d, a| {
        d.set_workspace_member_role(a, "Acme Mini Apps", "dana", WorkspaceRole::Master)
    });
    // Each round trip ends redone: devin is blocked now.
    round_trip(&mut w, "max", "block", |d, a| d.block_member(a, "Acme Mini Apps", "devin"));
    let olivia = w.actor("olivia");
    round_trip(&mut w, "olivia", "unblock", |d, a| d.unblock_member(a, "Acme Mini Apps", "devin"));
    round_trip(&mut w, "olivia", "workspace removal (and its programs)", |d, a| {
        d.remove_workspace_member(a, "Acme Mini Apps", "dana")
    });
    w.desk.register_user("olivia", "zoe", Some("Zoe Zhang"), None).expect("register");
    round_trip(&mut w, "olivia", "invite", |d, a| d.invite(a, "Acme Mini Apps", "zoe", WorkspaceRole::Developer, None));
    round_trip(&mut w, "olivia", "withdraw", |d, a| d.withdraw_invitation(a, "Acme Mini Apps", "zoe"));
    // A direct add settles a pending invitation: both come back.
    w.desk.invite(&olivia, "Acme Mini Apps", "zoe", WorkspaceRole::Developer, None).expect("invite");
    round_trip(&mut w, "olivia", "direct add", |d, a| {
        d.add_workspace_member(a, "Acme Mini Apps", "zoe", WorkspaceRole::Developer, None)
    });
    round_trip(&mut w, "olivia", "edit", |d, a| {
        d.edit_program(a, &coffee, &ProgramEdit { name: Some("Coffee Corner".into()), description: Some("New".into()) })
    });
    round_trip(&mut w, "olivia", "configure", |d, a| {
        let change = ConfigChange {
            add_domains: vec!["https://pay.coffeeclub.example".into()],
            remove_domains: vec!["https://img.coffeeclub.example".into()],
            client_id: Some("".into()),
            merchant_id: Some("M-9".into()),
        };
        d.configure_program(a, &coffee, &change)
    });
    round_trip(&mut w, "olivia", "rollback", |d, a| d.release(a, &coffee, Some("1.1.0")));
    round_trip(&mut w, "olivia", "take offline", |d, a| d.take_offline(a, &coffee));
    round_trip(&mut w, "olivia", "release again after offline", |d, a| d.release(a, &lunch, None));
}

#[test]
fn undo_refuses_when_the_data_moved_on_and_changes_nothing() {
    let mut w = World::demo();
    let olivia = w.actor("olivia");
    let coffee = w.app_id("Coffee Club");
    w.desk.remove_member(&olivia, &coffee, "dana").expect("remove");
    let removal = last_id(&w);
    w.desk.add_members(&olivia, &coffee, &["dana".to_string()], None).expect("re-add");
    let error = w.refused(|d| d.undo(&olivia, removal));
    assert_eq!(error.kind(), ErrorKind::Conflict);
    assert!(error.to_string().contains("dana was added to Coffee Club again since"), "{error}");

    // The configuration changed again since: the first change stays.
    let set = |id: &str| ConfigChange { client_id: Some(id.into()), ..ConfigChange::default() };
    w.desk.configure_program(&olivia, &coffee, &set("first")).expect("configure");
    let first = last_id(&w);
    w.desk.configure_program(&olivia, &coffee, &set("second")).expect("configure");
    let error = w.refused(|d| d.undo(&olivia, first));
    assert!(error.to_string().contains("client ID is now \"second\""), "{error}");

    // The person left the workspace: they cannot be put back on a program.
    w.desk.remove_member(&olivia, &coffee, "devin").expect("remove");
    let removal = last_id(&w);
    w.desk.remove_workspace_member(&olivia, "Acme Mini Apps", "devin").expect("leave");
    let error = w.refused(|d| d.undo(&olivia, removal));
    assert!(error.to_string().contains("devin is no longer a member of the workspace"), "{error}");
}

#[test]
fn undoing_a_direct_add_never_strands_program_memberships() {
    let mut w = World::demo();
    let olivia = w.actor("olivia");
    w.desk.register_user("olivia", "zoe", Some("Zoe Zhang"), None).expect("register");
    w.desk.add_workspace_member(&olivia, "Acme Mini Apps", "zoe", WorkspaceRole::Developer, None).expect("add");
    let added = last_id(&w);
    let coffee = w.app_id("Coffee Club");
    w.desk.add_members(&olivia, &coffee, &["zoe".to_string()], None).expect("on a program");
    let error = w.refused(|d| d.undo(&olivia, added));
    assert_eq!(error.kind(), ErrorKind::Conflict);
    assert!(error.to_string().contains("zoe is on 1 of the workspace's mini programs since (Coffee Club)"), "{error}");
}

#[test]
fn undo_is_decided_by_the_permission_table_for_the_person_who_asks() {
    let mut w = World::demo();
    let olivia = w.actor("olivia");
    let coffee = w.app_id("Coffee Club");
    w.desk.remove_member(&olivia, &coffee, "devin").expect("remove");
    let removal = last_id(&w);
    // dana, a Developer on Coffee Club, sees the entry but may not add members.
    let dana = w.actor("dana");
    let error = w.refused(|d| d.undo(&dana, removal));
    assert_eq!(error.kind(), ErrorKind::PermissionDenied, "{error}");
    assert!(error.to_string().contains("Admin"), "{error}");
    // The refusal is filed under the program, where its readers look.
    let filed: (String, Option<String>) = w
        .raw()
        .query_row("SELECT operation, program FROM audit ORDER BY id DESC LIMIT 1", [], |r| Ok((r.get(0)?, r.get(1)?)))
        .expect("entry");
    assert_eq!(filed, ("undo".to_string(), Some("Coffee Club".to_string())));
    // eve (another workspace) cannot even see it.
    let eve = w.actor("eve");
    let error = w.refused(|d| d.undo(&eve, removal));
    assert_eq!(error.kind(), ErrorKind::NotFound);
    // max, a Master, may: the same rule as adding members.
    let max = w.actor("max");
    w.desk.undo(&max, removal).expect("a Master undoes it");
    // Undone once: a second undo says by which entry, and how to redo.
    let undo = last_id(&w);
    let error = w.refused(|d| d.undo(&olivia, removal));
    assert_eq!(error.to_string(), format!("#{removal} was already undone by #{undo} (undo #{undo} to redo it)"));
}

#[test]
fn what_is_not_reversible_says_why() {
    let mut w = World::demo();
    let olivia = w.actor("olivia");
    let dana = w.actor("dana");
    let loyalty = w.app_id("Loyalty Card");
    let parking = w.app_id("Parking Pass");
    type Change<'a> = Box<dyn FnOnce(&mut Desk) -> DeskResult<()> + 'a>;
    let cases: Vec<(Change, &str)> = vec![
        (Box::new(|d| d.release(&olivia, &loyalty, None).map(|_| ())), "first release is not reversible"),
        (
            Box::new(|d| {
                let pkg = PackageSource::Bytes(b"PK\x03\x04 package".to_vec());
                d.upload_version(&dana, &parking, "0.1.0", pkg, "").map(|_| ())
            }),
            "an upload is not reversible",
        ),
        (Box::new(|d| d.delete_program(&olivia, &parking)), "deleting a mini program is not reversible"),
    ];
    for (change, why) in cases {
        change(&mut w.desk).expect("the change");
        let id = last_id(&w);
        let error = w.refused(|d| d.undo(&olivia, id));
        assert_eq!(error.kind(), ErrorKind::Invalid);
        assert!(error.to_string().contains(why), "{error}");
    }
    // A refused attempt changed nothing, so there is nothing to undo.
    let _ = w.refused(|d| d.delete_program(&dana, &loyalty));
    let denied = last_id(&w);
    let error = w.refused(|d| d.undo(&olivia, denied));
    assert!(error.to_string().contains("refused attempt"), "{error}");
}

#[test]
fn the_cli_undoes_dry_runs_and_lists_what_can_be_undone() {
    let cli = Cli::new();
    cli.ok("nobody", &["demo-data"]);
    cli.ok("olivia", &["member", "remove", "Coffee Club", "dana"]);
    let entries = cli.ok("olivia", &["--json", "audit", "--limit", "1"]).json();
    let entry = &entries[0];
    assert_eq!((entry["operation"].as_str(), entry["undoable"].as_bool()), (Some("member_remove"), Some(true)));
    assert!(entry["undo_reason"].is_null());
    let id = entry["id"].as_i64().expect("id").to_string();
    let as_dana = cli.run("dana", &["--json", "audit", "--limit", "50"]).json();
    let upload = as_dana.as_array().expect("list").iter().find(|e| e["operation"] == "program_upload").expect("upload");
    assert_eq!(upload["undoable"], false);
    assert!(upload["undo_reason"].as_str().expect("reason").contains("not reversible"));

    let dry = cli.ok("olivia", &["undo", &id, "--dry-run"]);
    assert_eq!(dry.stdout, format!("would undo #{id} (member_remove):\n  put dana on Coffee Club\n"));
    let members = cli.ok("olivia", &["member", "list", "Coffee Club"]).stdout;
    assert!(!members.contains("dana"), "a dry run changed data");
    assert_eq!(cli.run("devin", &["undo", &id]).code, 3, "a Developer may not");
    cli.ok("olivia", &["undo", &id]);
    assert!(cli.ok("olivia", &["member", "list", "Coffee Club"]).stdout.contains("dana"));
    // The world moved on: exit 5, nothing changed.
    cli.ok("olivia", &["member", "remove", "Coffee Club", "dana"]);
    let again = cli.ok("olivia", &["--json", "audit", "--limit", "1"]).json()[0]["id"].as_i64().expect("id");
    cli.ok("olivia", &["member", "add", "Coffee Club", "dana"]);
    let moved = cli.run("olivia", &["undo", &again.to_string()]);
    assert_eq!(moved.code, 5, "{}", moved.stderr);
    assert!(moved.stderr.contains("dana was added to Coffee Club again since"), "{}", moved.stderr);
    assert_eq!(cli.run("olivia", &["undo", "999999"]).code, 4);
}

#[test]
fn z_undoes_your_last_change_and_shift_z_redoes_it() {
    let mut app = app_on(crate::tui_support::demo_desk(), "nora", true, false, (120, 40));
    // Nothing of nora's to undo: shown, dimmed, with the reason.
    let hint = mpdesk::tui::hints::build(&app).into_iter().find(|h| h.action.name() == "undo").expect("z shown");
    assert_eq!(hint.denial.as_deref(), Some("nothing of yours to undo in Acme Mini Apps"));
    press(&mut app, KeyCode::Char('p'));
    crate::tui_support::chars(&mut app, "olivia");
    press(&mut app, KeyCode::Enter);
    assert_eq!(shown_login(&app), "olivia");
    let olivia = app.desk.actor("olivia").expect("olivia");
    let coffee = detail(&app, "App ID").expect("a program selected");
    app.desk.remove_member(&olivia, &coffee, "devin").expect("remove");
    app.reload();
    app.refresh_undo();
    let listed = |app: &mpdesk::tui::app::App| row_words(app, "Login", "devin").is_some();
    assert!(!listed(&app), "devin still listed");
    press(&mut app, KeyCode::Char('z'));
    let said = status(&app);
    assert!(said.starts_with("undid #") && said.ends_with("(member_remove): put devin on Coffee Club"), "{said}");
    assert!(listed(&app), "devin is back in the member pane");
    press(&mut app, KeyCode::Char('Z'));
    let said = status(&app);
    assert!(said.starts_with("redid #") && said.contains("take devin off Coffee Club"), "{said}");

    // On the Audit tab, z undoes the selected entry after a confirmation
    // that says what will change.
    press(&mut app, KeyCode::Char('3'));
    press(&mut app, KeyCode::Char('g'));
    press(&mut app, KeyCode::Char('z'));
    let shown = screen_text(&app);
    assert!(shown.contains("This will: put devin on"), "{shown}");
    press(&mut app, KeyCode::Enter);
    assert!(!app.has_layer());
    assert!(status(&app).contains("put devin on Coffee Club"));
}

#[derive(Debug, Clone)]
enum Step {
    AddMember(usize),
    RemoveMember(usize),
    Role(usize, bool),
    Block(usize, bool),
    LeaveWorkspace(usize),
    JoinWorkspace(usize),
    Rename(u8),
    Configure(u8),
    Release(bool),
    Offline,
    /// Undo the n-th newest entry (whoever may).
    Undo(usize),
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        (0..4usize).prop_map(Step::AddMember),
        (0..4usize).prop_map(Step::RemoveMember),
        (0..4usize, any::<bool>()).prop_map(|(p, m)| Step::Role(p, m)),
        (0..4usize, any::<bool>()).prop_map(|(p, b)| Step::Block(p, b)),
        (0..4usize).prop_map(Step::LeaveWorkspace),
        (0..4usize).prop_map(Step::JoinWorkspace),
        any::<u8>().prop_map(Step::Rename),
        any::<u8>().prop_map(Step::Configure),
        any::<bool>().prop_map(Step::Release),
        Just(Step::Offline),
        (0..3usize).prop_map(Step::Undo),
        (0..3usize).prop_map(Step::Undo),
        (0..6usize).prop_map(Step::Undo),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    /// Whatever changes and undos come, in whatever order, by whichever
    /// person: the invariants of domain.md hold after each, and a refused
    /// undo changes nothing.
    #[test]
    fn random_changes_and_undos_keep_the_invariants(steps in proptest::collection::vec(step(), 1..30)) {
        let mut w = World::demo();
        let people = ["dana", "devin", "nora", "max"];
        let coffee = w.app_id("Coffee Club");
        let olivia = w.actor("olivia");
        for step in steps {
            let before = w.snapshot();
            let result: DeskResult<()> = match step {
                Step::AddMember(p) => w.desk.add_members(&olivia, &coffee, &[people[p].to_string()], None).map(|_| ()),
                Step::RemoveMember(p) => w.desk.remove_member(&olivia, &coffee, people[p]),
                Step::Role(p, master) => {
                    let role = if master { WorkspaceRole::Master } else { WorkspaceRole::Developer };
                    w.desk.set_workspace_member_role(&olivia, "Acme Mini Apps", people[p], role)
                }
                Step::Block(p, true) => w.desk.block_member(&olivia, "Acme Mini Apps", people[p]),
                Step::Block(p, false) => w.desk.unblock_member(&olivia, "Acme Mini Apps", people[p]),
                Step::LeaveWorkspace(p) => w.desk.remove_workspace_member(&olivia, "Acme Mini Apps", people[p]),
                Step::JoinWorkspace(p) => {
                    w.desk.add_workspace_member(&olivia, "Acme Mini Apps", people[p], WorkspaceRole::Developer, None)
                }
                Step::Rename(n) => {
                    let edit = ProgramEdit { name: Some(format!("Coffee {}", n % 3)), description: None };
                    w.desk.edit_program(&olivia, &coffee, &edit).map(|_| ())
                }
                Step::Configure(n) => {
                    let change = ConfigChange { client_id: Some(format!("c{}", n % 3)), ..ConfigChange::default() };
                    w.desk.configure_program(&olivia, &coffee, &change).map(|_| ())
                }
                Step::Release(latest) => {
                    let version = if latest { None } else { Some("1.0.0") };
                    w.desk.release(&olivia, &coffee, version).map(|_| ())
                }
                Step::Offline => w.desk.take_offline(&olivia, &coffee),
                Step::Undo(back) => {
                    // One of the newest changes (undos and redos too) in the workspace.
                    let id: i64 = w.raw().query_row(
                        "SELECT id FROM audit WHERE workspace_id IS NOT NULL AND outcome = 'ok' ORDER BY id DESC LIMIT 1 OFFSET ?1",
                        [back as i64],
                        |r| r.get(0),
                    ).expect("an entry");
                    let who = if back % 2 == 0 { olivia.clone() } else { w.actor("max") };
                    w.desk.undo(&who, id).map(|_| ())
                }
            };
            if result.is_err() {
                prop_assert_eq!(w.snapshot(), before, "a refused step changed data: {:?}", result);
            }
            w.check_invariants();
        }
    }
}

/// What `z` and `Z` look up on every reload reads a bounded number of the
/// person's newest entries, however long their history: an undo buried
/// under more than that many later changes is out of `Z`'s reach (its id
/// still works with `mpdesk undo`).
#[test]
fn z_and_shift_z_reach_back_a_bounded_number_of_entries() {
    let mut desk = crate::tui_support::demo_desk();
    let olivia = desk.actor("olivia").expect("olivia");
    let coffee = desk.show_program(&olivia, "Coffee Club").expect("program").summary.app_id;
    desk.remove_member(&olivia, &coffee, "devin").expect("remove");
    let removal = desk.last_undoable(&olivia, "Acme Mini Apps", false).expect("lookup").expect("the removal");
    desk.undo(&olivia, removal).expect("undo");
    assert!(desk.last_undoable(&olivia, "Acme Mini Apps", true).expect("lookup").is_some(), "Z sees the undo");
    for i in 0..mpdesk::store::undo::REACH {
        let change = ConfigChange { client_id: Some(format!("c{i}")), ..ConfigChange::default() };
        desk.configure_program(&olivia, &coffee, &change).expect("configure");
    }
    assert_eq!(desk.last_undoable(&olivia, "Acme Mini Apps", true).expect("lookup"), None);
    let undo = removal + 1;
    desk.undo(&olivia, undo).expect("by its id it is still redone");
}

/// A page read with its undo verdicts says, entry by entry, what asking
/// about each entry alone says.
#[test]
fn a_page_with_its_undo_verdicts_agrees_with_asking_entry_by_entry() {
    let world = crate::support::World::demo();
    for login in ["olivia", "devin", "dana"] {
        let actor = world.actor(login);
        let query = mpdesk::desk::AuditQuery { limit: 1000, ..Default::default() };
        let page = world.desk.audit_with_undo(&actor, &query).expect("page");
        assert!(!page.is_empty(), "{login} reads entries");
        for (id, _, why) in page {
            assert_eq!(why, world.desk.undo_refusal(&actor, id).expect("one entry"), "{login} #{id}");
        }
    }
}

/// `z` after a delete says the delete cannot be undone and why, rather
/// than reaching past it to an older change of a program that is gone; an
/// export in between is no change and does not count.
#[test]
fn z_after_a_delete_says_a_delete_cannot_be_undone() {
    let mut app = app_on(crate::tui_support::demo_desk(), "olivia", true, false, (120, 40));
    select_program(&mut app, "Loyalty Card");
    let olivia = app.desk.actor("olivia").expect("olivia");
    app.desk
        .edit_program(&olivia, "Loyalty Card", &mpdesk::desk::ProgramEdit { name: None, description: Some("x".into()) })
        .expect("edit");
    app.reload();
    press(&mut app, KeyCode::Char('D'));
    chars(&mut app, "Loyalty Card");
    press(&mut app, KeyCode::Enter);
    assert!(status(&app).starts_with("deleted"), "{}", status(&app));
    let dir = tempfile::tempdir().expect("dir");
    let out = dir.path().join("coffee.zip");
    let target = mpdesk::desk::ExportTarget::File { path: &out, overwrite: false };
    app.desk.export_version(&olivia, "Coffee Club", "1.2.0", target).expect("export");
    app.reload();
    app.refresh_undo();
    press(&mut app, KeyCode::Char('z'));
    let said = status(&app);
    assert!(said.contains("(program_delete) cannot be undone: deleting a mini program is not reversible"), "{said}");
    assert!(!said.contains("no longer exists"), "{said}");
}
