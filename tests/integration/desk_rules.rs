//! Every rule of domain.md through the desk, on the demo data. Each world
//! checks the invariants when dropped; refusals go through `refused`.

use crate::support::World;
use mpdesk::desk::{
    AuditQuery, ConfigChange, DeskError, ErrorKind, MemberSource, PackageSource, Page, ProgramEdit, ProgramRole,
    ProgramStatus, VersionState, WorkspaceRole,
};

fn bytes(text: &str) -> PackageSource {
    PackageSource::Bytes(crate::support::package(text.as_bytes()))
}

#[test]
fn the_creator_becomes_the_first_admin() {
    let mut world = World::demo();
    let max = world.actor("max");
    let created = world.desk.create_program(&max, "Acme Mini Apps", "Gift Cards", "Send a gift.").expect("create");
    assert_eq!(created.my_role, ProgramRole::Admin);
    assert_eq!(created.status, ProgramStatus::Draft);
    assert_eq!(created.app_id.len(), 16);
    let members = world.desk.list_members(&max, "Gift Cards", Page::ALL).expect("members");
    let me = members.iter().find(|m| m.login == "max").expect("creator listed");
    assert_eq!((me.role, me.source, me.added_by.as_deref()), (ProgramRole::Admin, MemberSource::Member, Some("max")));
    let owner = members.iter().find(|m| m.login == "olivia").expect("owner reaches every program");
    assert_eq!((owner.role, owner.source), (ProgramRole::Admin, MemberSource::WorkspaceOwner));
    assert_eq!(world.last_audit().0, "program_create");
}

#[test]
fn derived_roles_follow_the_workspace_role() {
    let mut world = World::demo();
    let olivia = world.actor("olivia");
    let dana = world.actor("dana");
    let role_on = |world: &World, login: &str, program: &str| {
        let actor = world.actor(login);
        world.desk.show_program(&actor, program).map(|d| d.summary.my_role)
    };
    assert_eq!(role_on(&world, "dana", "Coffee Club"), Ok(ProgramRole::Developer));
    world.desk.set_workspace_member_role(&olivia, "Acme Mini Apps", "dana", WorkspaceRole::Master).expect("promote");
    assert_eq!(role_on(&world, "dana", "Coffee Club"), Ok(ProgramRole::Admin));
    assert_eq!(role_on(&world, "dana", "Lunch Vote"), Ok(ProgramRole::Admin), "a Master manages every program");
    world.desk.release(&dana, "Loyalty Card", None).expect("now an Admin, dana releases");
    world.desk.set_workspace_member_role(&olivia, "Acme Mini Apps", "dana", WorkspaceRole::Developer).expect("demote");
    assert_eq!(role_on(&world, "dana", "Coffee Club"), Ok(ProgramRole::Developer));
    assert!(matches!(role_on(&world, "dana", "Lunch Vote"), Err(DeskError::NotFound(_))));
    // max created Parking Pass (explicit member): demoted, he stays on it as Developer.
    world
        .desk
        .set_workspace_member_role(&olivia, "Acme Mini Apps", "max", WorkspaceRole::Developer)
        .expect("demote max");
    assert_eq!(role_on(&world, "max", "Parking Pass"), Ok(ProgramRole::Developer));
    assert!(matches!(role_on(&world, "max", "Coffee Club"), Err(DeskError::NotFound(_))));
}

#[test]
fn the_new_member_list_and_adding_members() {
    let mut world = World::demo();
    let olivia = world.actor("olivia");
    let candidates = world.desk.member_candidates(&olivia, "Coffee Club", Page::ALL).expect("candidates");
    let logins: Vec<_> = candidates.iter().map(|c| (c.login.as_str(), c.role)).collect();
    assert_eq!(logins, vec![("nora", ProgramRole::Developer)], "developers not yet members; never Masters");
    let added = world.desk.add_members(&olivia, "Coffee Club", &["nora".to_string()], None).expect("add");
    assert_eq!(added.len(), 1);
    assert_eq!(added[0].added_by.as_deref(), Some("olivia"));
    assert!(world.desk.member_candidates(&olivia, "Coffee Club", Page::ALL).expect("candidates").is_empty());
    let nora = world.actor("nora");
    assert_eq!(
        world.desk.show_program(&nora, "Coffee Club").expect("now visible").summary.my_role,
        ProgramRole::Developer
    );

    let err = world.refused(|d| d.add_members(&olivia, "Parking Pass", &["max".to_string()], None));
    assert_eq!(err.kind(), ErrorKind::Conflict);
    assert!(err.to_string().contains("already manages every mini program of this workspace"), "{err}");
    let err = world.refused(|d| d.add_members(&olivia, "Parking Pass", &["eve".to_string()], None));
    assert!(err.to_string().contains("must first be a member of the workspace"), "{err}");
    let err =
        world.refused(|d| d.add_members(&olivia, "Parking Pass", &["devin".to_string(), "dana".to_string()], None));
    assert!(err.to_string().contains("dana is already a member"), "all or none: devin was not added either: {err}");
}

#[test]
fn removing_members_is_member_management() {
    let mut world = World::demo();
    let olivia = world.actor("olivia");
    let devin = world.actor("devin");
    world.refused(|d| d.remove_member(&devin, "Coffee Club", "dana"));
    let err = world.refused(|d| d.remove_member(&olivia, "Coffee Club", "max"));
    assert!(err.to_string().contains("change their workspace role instead"), "{err}");
    world.desk.remove_member(&olivia, "Coffee Club", "dana").expect("remove");
    let dana = world.actor("dana");
    assert!(matches!(world.desk.show_program(&dana, "Coffee Club"), Err(DeskError::NotFound(_))));
}

#[test]
fn invisible_programs_answer_exactly_as_missing_ones() {
    let world = World::demo();
    let nora = world.actor("nora");
    let coffee = world.app_id("Coffee Club");
    let hidden = world.desk.show_program(&nora, &coffee).expect_err("nora is on no program");
    let missing = world.desk.show_program(&nora, "9999999999999999").expect_err("no such program");
    assert_eq!(hidden.kind(), ErrorKind::NotFound);
    assert_eq!(hidden.to_string().replace(&coffee, "X"), missing.to_string().replace("9999999999999999", "X"));
    assert!(world.desk.list_programs(&nora, None, None, Page::ALL).expect("list").is_empty());
    let hidden = world.desk.show_program(&nora, "Coffee Club").expect_err("by name too");
    assert_eq!(hidden.to_string(), "mini program 'Coffee Club' not found");
}

#[test]
fn a_name_in_several_workspaces_needs_an_app_id() {
    let mut world = World::demo();
    let dana = world.actor("dana");
    world.desk.create_program(&dana, "Side Projects", "Coffee Club", "").expect("same name, other workspace");
    let err = world.desk.show_program(&dana, "Coffee Club").expect_err("ambiguous");
    assert_eq!(err.kind(), ErrorKind::Conflict);
    assert!(err.to_string().contains(&world.app_id_in("Coffee Club", "Acme Mini Apps")), "{err}");
    let err = world.refused(|d| d.create_program(&dana, "Side Projects", "Coffee Club", ""));
    assert!(err.to_string().contains("already exists in workspace Side Projects"), "{err}");
}

impl World {
    fn app_id_in(&self, name: &str, workspace: &str) -> String {
        self.raw()
            .query_row(
                "SELECT p.app_id FROM programs p JOIN workspaces w ON w.id = p.workspace_id WHERE p.name = ?1 AND w.name = ?2",
                [name, workspace],
                |r| r.get(0),
            )
            .expect("program")
    }
}

#[test]
fn versions_strictly_increase() {
    let mut world = World::demo();
    let dana = world.actor("dana");
    for (bad, why) in
        [("1.2.0", "not greater than the latest, 1.2.0"), ("1.1.9", "not greater"), ("1.3", "semantic version")]
    {
        let err = world.refused(|d| d.upload_version(&dana, "Coffee Club", bad, bytes("x"), ""));
        assert!(err.to_string().contains(why), "{bad}: {err}");
        assert!(matches!(err.kind(), ErrorKind::Conflict | ErrorKind::Invalid));
    }
    world
        .desk
        .upload_version(&dana, "Coffee Club", "1.3.0-beta.1", bytes("b"), "beta")
        .expect("pre-release is greater");
    world.refused(|d| d.upload_version(&dana, "Coffee Club", "1.3.0-alpha", bytes("a"), ""));
    world.desk.upload_version(&dana, "Coffee Club", "1.3.0", bytes("c"), "").expect("release after its beta");
    let versions = world.desk.list_versions(&dana, "Coffee Club", Page::ALL).expect("versions");
    let names: Vec<_> = versions.iter().map(|v| v.version.as_str()).collect();
    assert_eq!(names, vec!["1.3.0", "1.3.0-beta.1", "1.2.0", "1.1.0", "1.0.0"]);
}

#[test]
fn release_rollback_offline_and_delete() {
    let mut world = World::demo();
    let olivia = world.actor("olivia");
    let state_of = |world: &World, version: &str| {
        let olivia = world.actor("olivia");
        world
            .desk
            .list_versions(&olivia, "Coffee Club", Page::ALL)
            .expect("versions")
            .into_iter()
            .find(|v| v.version == version)
            .expect("version")
            .state
    };
    assert_eq!(state_of(&world, "1.2.0"), VersionState::Live);
    assert_eq!(state_of(&world, "1.1.0"), VersionState::Superseded);
    let err = world.refused(|d| d.release(&olivia, "Coffee Club", None));
    assert!(err.to_string().contains("already live"), "{err}");
    assert_eq!(world.desk.release(&olivia, "Coffee Club", Some("1.0.0")), Ok("1.0.0".to_string()));
    assert!(world.last_audit().2.contains("rolled back to 1.0.0 (was 1.2.0)"));
    assert_eq!(state_of(&world, "1.0.0"), VersionState::Live);
    assert_eq!(state_of(&world, "1.2.0"), VersionState::Superseded);

    let err = world.refused(|d| d.delete_program(&olivia, "Coffee Club"));
    assert_eq!(err.kind(), ErrorKind::Conflict);
    assert!(err.to_string().contains("take it offline first"), "{err}");
    world.desk.take_offline(&olivia, "Coffee Club").expect("offline");
    let detail = world.desk.show_program(&olivia, "Coffee Club").expect("show");
    assert_eq!((detail.summary.status, detail.summary.live_version), (ProgramStatus::Offline, None));
    assert_eq!(detail.version_count, 3, "offline keeps its versions");
    world.refused(|d| d.take_offline(&olivia, "Coffee Club"));
    world.desk.release(&olivia, "Coffee Club", None).expect("released again");
    world.desk.take_offline(&olivia, "Coffee Club").expect("offline again");
    let app_id = world.app_id("Coffee Club");
    world.desk.delete_program(&olivia, "Coffee Club").expect("delete");
    assert!(matches!(world.desk.show_program(&olivia, &app_id), Err(DeskError::NotFound(_))));
    let orphans: i64 = world.raw().query_row("SELECT (SELECT count(*) FROM versions) + (SELECT count(*) FROM program_members pm WHERE NOT EXISTS (SELECT 1 FROM programs p WHERE p.id = pm.program_id))", [], |r| r.get(0)).expect("count");
    assert_eq!(orphans, 3, "only the other programs' versions remain (Loyalty Card, Lunch Vote, Weather Widget)");
    let log = world.desk.audit(&olivia, &AuditQuery { limit: 100, ..Default::default() }).expect("audit");
    assert!(
        log.iter().any(|(_, e)| e.operation == "program_release" && e.app_id.as_deref() == Some(app_id.as_str())),
        "the log keeps what happened"
    );
    let draft = world.refused(|d| d.release(&olivia, "Parking Pass", None));
    assert!(draft.to_string().contains("upload one first"), "{draft}");
}

#[test]
fn packages_export_byte_for_byte() {
    let mut world = World::demo();
    let dana = world.actor("dana");
    let dir = tempfile::tempdir().expect("dir");
    let package = crate::support::package(&(0..200_000u32).map(|i| (i * 7 % 251) as u8).collect::<Vec<u8>>());
    let input = dir.path().join("in.zip");
    std::fs::write(&input, &package).expect("write package");
    let uploaded = world
        .desk
        .upload_version(&dana, "Coffee Club", "2.0.0", PackageSource::File(input), "big one")
        .expect("upload");
    assert_eq!(uploaded.size, package.len() as u64);
    let out = dir.path().join("out.zip");
    let target = mpdesk::desk::ExportTarget::File { path: &out, overwrite: false };
    let exported = world.desk.export_version(&dana, "Coffee Club", "2.0.0", target).expect("export");
    let (operation, outcome, detail) = world.last_audit();
    assert_eq!((operation.as_str(), outcome.as_str()), ("version_export", "ok"), "every export is in the log");
    assert!(detail.contains("exported 2.0.0") && detail.contains("out.zip"), "{detail}");
    let written = std::fs::read(&out).expect("read back");
    assert_eq!(written, package);
    let digest: String = {
        use sha2::Digest;
        sha2::Sha256::digest(&written).iter().map(|b| format!("{b:02x}")).collect()
    };
    assert_eq!(exported.sha256, digest);
}

#[test]
fn package_files_too_large_or_missing_are_refused() {
    let mut world = World::demo();
    let dana = world.actor("dana");
    let dir = tempfile::tempdir().expect("dir");
    let big = dir.path().join("big.zip");
    let file = std::fs::File::create(&big).expect("create");
    file.set_len(50 * 1024 * 1024 + 1).expect("sparse file");
    let err = world.refused(|d| d.upload_version(&dana, "Coffee Club", "3.0.0", PackageSource::File(big.clone()), ""));
    assert_eq!(err.to_string(), "package is 52428801 bytes; the limit is 52428800 bytes (50 MiB)");
    let missing = dir.path().join("missing.zip");
    let err =
        world.refused(|d| d.upload_version(&dana, "Coffee Club", "3.0.0", PackageSource::File(missing.clone()), ""));
    assert!(err.to_string().starts_with("package file"), "{err}");
    assert_eq!(err.kind(), ErrorKind::Invalid);
}

#[test]
fn bad_input_is_refused_with_one_line_naming_the_field() {
    let mut world = World::demo();
    let olivia = world.actor("olivia");
    for name in ["", " Padded", "Evil\u{1b}[2J", "Flip\u{202E}txt", &"n".repeat(65)] {
        let err = world.refused(|d| d.create_program(&olivia, "Acme Mini Apps", name, ""));
        assert_eq!(err.kind(), ErrorKind::Invalid);
        let text = err.to_string();
        assert!(text.starts_with("name must be 1–64 characters"), "{text}");
        assert!(!text.contains('\n') && !text.contains('\u{1b}'), "one clean line: {text:?}");
    }
    let err = world.refused(|d| d.create_program(&olivia, "Acme Mini Apps", "Ok", "bell\u{7}"));
    assert!(err.to_string().starts_with("description must be at most 500 characters"), "{err}");
    world.desk.create_program(&olivia, "Acme Mini Apps", "Ok", "two\n\tlines").expect("newlines and tabs are fine");
    for login in ["Bob", "bo b", "b\u{1b}", &"b".repeat(33)] {
        let err = world.desk.add_user(login, None, None).expect_err("bad login");
        assert!(err.to_string().starts_with("login must be 1–32 characters"), "{err}");
    }
    let err = world.refused(|d| {
        d.configure_program(
            &olivia,
            "Coffee Club",
            &ConfigChange { add_domains: vec!["http://plain.example".into()], ..Default::default() },
        )
    });
    assert!(err.to_string().starts_with("domain must be an https:// origin"), "{err}");
    let err = world.refused(|d| {
        d.edit_program(&olivia, "Coffee Club", &ProgramEdit { name: Some("Lunch Vote".into()), description: None })
    });
    assert!(err.to_string().contains("already exists"), "{err}");
}

#[test]
fn configure_adds_and_removes_domains_and_ids() {
    let mut world = World::demo();
    let olivia = world.actor("olivia");
    let change = ConfigChange {
        add_domains: vec!["https://Pay.Coffee.example:8443".into()],
        remove_domains: vec!["https://img.coffeeclub.example".into()],
        client_id: Some(String::new()),
        merchant_id: Some("M-2".into()),
    };
    let config = world.desk.configure_program(&olivia, "Coffee Club", &change).expect("configure");
    assert_eq!(config.domains, vec!["https://api.coffeeclub.example", "https://pay.coffee.example:8443"]);
    assert_eq!((config.client_id, config.merchant_id.as_deref()), (None, Some("M-2")));
    let err = world.refused(|d| {
        d.configure_program(
            &olivia,
            "Coffee Club",
            &ConfigChange { remove_domains: vec!["https://nope.example".into()], ..Default::default() },
        )
    });
    assert_eq!(err.to_string(), "domain https://nope.example is not in the whitelist");
}

#[test]
fn workspace_members_are_managed_by_the_rules() {
    let mut world = World::demo();
    let max = world.actor("max");
    let olivia = world.actor("olivia");
    world.desk.add_user("zoe", Some("Zoe"), None).expect("register");
    let err = world.refused(|d| d.add_workspace_member(&max, "Acme Mini Apps", "zoe", WorkspaceRole::Master, None));
    assert_eq!(err.to_string(), "Adding a Master needs the workspace Owner role; you are Master in this workspace");
    world
        .desk
        .add_workspace_member(&max, "Acme Mini Apps", "zoe", WorkspaceRole::Developer, None)
        .expect("a Master adds Developers");
    world.refused(|d| d.remove_workspace_member(&max, "Acme Mini Apps", "olivia"));
    let err =
        world.refused(|d| d.set_workspace_member_role(&olivia, "Acme Mini Apps", "olivia", WorkspaceRole::Master));
    assert!(err.to_string().contains("nobody removes, blocks or demotes the Owner"), "{err}");
    let dana = world.actor("dana");
    world.refused(|d| d.remove_workspace_member(&dana, "Acme Mini Apps", "nora"));
    // Removing a member removes their program memberships in that workspace only.
    world.desk.remove_workspace_member(&max, "Acme Mini Apps", "dana").expect("remove dana");
    assert!(matches!(world.desk.show_program(&dana, "Coffee Club"), Err(DeskError::NotFound(_))));
    assert_eq!(
        world.desk.show_program(&dana, "Weather Widget").expect("still Master elsewhere").summary.my_role,
        ProgramRole::Admin
    );
    let left: i64 = world
        .raw()
        .query_row(
            "SELECT count(*) FROM program_members pm JOIN users u ON u.id = pm.user_id WHERE u.login = 'dana'",
            [],
            |r| r.get(0),
        )
        .expect("count");
    assert_eq!(left, 1, "only the Side Projects membership stays");
}

#[test]
fn the_audit_log_is_scoped_and_append_only() {
    let mut world = World::demo();
    let dana = world.actor("dana");
    let nora = world.actor("nora");
    world.refused(|d| d.release(&dana, "Coffee Club", None));
    let mine = world.desk.audit(&dana, &AuditQuery { limit: 1000, ..Default::default() }).expect("audit");
    assert_eq!(mine[0].1.operation, "program_release");
    assert_eq!(mine[0].1.outcome, "denied");
    assert!(
        mine.iter().all(|(_, e)| e.program.as_deref() != Some("Lunch Vote")),
        "dana cannot view Lunch Vote's entries"
    );
    assert!(
        mine.iter().any(|(_, e)| e.workspace.as_deref() == Some("Side Projects") && e.program.is_none()),
        "a Master reads the workspace log"
    );
    let hers = world.desk.audit(&nora, &AuditQuery { limit: 1000, ..Default::default() }).expect("audit");
    assert!(hers.is_empty(), "nora is on no program");
    let ids: Vec<i64> = mine.iter().map(|(id, _)| *id).collect();
    assert!(ids.windows(2).all(|w| w[0] > w[1]), "newest first");
    let page =
        world.desk.audit(&dana, &AuditQuery { limit: 2, before: Some(ids[1]), ..Default::default() }).expect("page");
    assert_eq!(page.iter().map(|(id, _)| *id).collect::<Vec<_>>(), ids[2..4].to_vec());
    let conn = world.raw();
    assert!(conn.execute("UPDATE audit SET detail = 'x'", []).is_err());
    assert!(conn.execute("DELETE FROM audit", []).is_err());
}

#[test]
fn a_read_only_session_refuses_every_change() {
    let mut world = World::demo();
    world.desk.set_read_only(true);
    let olivia = world.actor("olivia");
    let caps = world.desk.capabilities(&olivia, "Coffee Club").expect("caps");
    for cap in caps {
        assert_eq!(cap.allowed(), cap.operation == mpdesk::desk::Operation::View, "{:?}", cap.operation);
    }
    // A read-only session writes nothing at all, not even its refusals.
    let before = world.snapshot();
    let audit_before = world.audit_count();
    let err = world.desk.take_offline(&olivia, "Coffee Club").expect_err("read-only");
    assert_eq!(err.to_string(), "Take offline: read-only session");
    assert_eq!((world.snapshot(), world.audit_count()), (before, audit_before));
}

#[test]
fn unregistered_users_are_told_how_to_register() {
    let world = World::demo();
    let err = world.desk.actor("stranger").expect_err("not registered");
    assert_eq!(err.kind(), ErrorKind::NotFound);
    assert!(err.to_string().contains("mpdesk user add stranger"), "{err}");
}

#[test]
fn the_domain_whitelist_is_bounded() {
    let mut world = World::demo();
    let olivia = world.actor("olivia");
    let add = |range: std::ops::Range<i32>| ConfigChange {
        add_domains: range.map(|i| format!("https://d{i}.example")).collect(),
        ..Default::default()
    };
    let config = world.desk.configure_program(&olivia, "Coffee Club", &add(0..98)).expect("2 + 98 = 100 fit");
    assert_eq!(config.domains.len(), 100);
    let err = world.refused(|d| d.configure_program(&olivia, "Coffee Club", &add(98..99)));
    assert_eq!(err.to_string(), "a program may whitelist at most 100 domains; this change makes 101");
}
