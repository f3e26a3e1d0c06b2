//! The whole permission table, against a transcription of the seed's table,
//! for every workspace role × membership × operation — through the desk.

use crate::support::World;
use mpdesk::desk::{Operation, Page};
use mpdesk::domain::permission::PERMISSIONS;

/// Transcribed from shared/seed/000_1ce29a7309da27ba.txt.
const SEED_TABLE: &str = "\
Edit mini programs | ✓ | × |
View mini programs | ✓ | ✓ |
Add mini program members | ✓ | × |
Upload mini program code and version | ✓ | ✓ |
Configure mini programs | ✓ | × |
Release mini programs | ✓ | × |
Take mini programs offline | ✓ | × |
Delete mini programs | ✓ | × |";

fn seed_rows() -> Vec<(String, bool, bool)> {
    SEED_TABLE
        .lines()
        .map(|line| {
            let cells: Vec<&str> = line.split('|').map(str::trim).collect();
            (cells[0].to_string(), cells[1] == "✓", cells[2] == "✓")
        })
        .collect()
}

#[test]
fn the_const_table_is_the_seed_table() {
    let seed = seed_rows();
    assert_eq!(seed.len(), PERMISSIONS.len());
    for (name, admin, developer) in seed {
        let row = PERMISSIONS
            .iter()
            .find(|p| p.operation.description() == name)
            .unwrap_or_else(|| panic!("no row for {name}"));
        assert_eq!((row.admin, row.developer), (admin, developer), "{name}");
    }
}

/// Who, in the demo's "Acme Mini Apps" workspace, and what the seed says
/// their role on "Parking Pass" (a Draft program with dana as member) is.
fn people() -> Vec<(&'static str, &'static str, Option<&'static str>)> {
    vec![
        ("olivia", "workspace Owner, creator-free program", Some("admin")),
        ("max", "workspace Master, the program's creator", Some("admin")),
        ("dana", "workspace Developer, program member", Some("developer")),
        ("nora", "workspace Developer, not a member", None),
        ("sam", "not in the workspace", None),
    ]
}

#[test]
fn every_role_and_membership_against_every_operation() {
    let mut world = World::demo();
    // Parking Pass is a Draft with no versions: give it one so lifecycle
    // rules do not hide the role rules (release needs a version).
    let max = world.actor("max");
    world
        .desk
        .upload_version(
            &max,
            "Parking Pass",
            "0.1.0",
            mpdesk::desk::PackageSource::Bytes(crate::support::package(b"p")),
            "",
        )
        .expect("upload");
    let seed = seed_rows();
    for (login, who, role) in people() {
        let actor = world.actor(login);
        match role {
            None => {
                let err = world.desk.capabilities(&actor, "Parking Pass").expect_err("invisible");
                assert_eq!(err.to_string(), "mini program 'Parking Pass' not found", "{who}");
            }
            Some(role) => {
                let caps = world.desk.capabilities(&actor, "Parking Pass").expect("capabilities");
                for cap in caps {
                    let (_, admin, developer) =
                        seed.iter().find(|(name, _, _)| name == cap.operation.description()).expect("seed row").clone();
                    let expected = if role == "admin" { admin } else { developer };
                    // Take offline is refused by the lifecycle for a Draft.
                    let expected = expected && cap.operation != Operation::TakeOffline;
                    assert_eq!(cap.allowed(), expected, "{who}: {:?} {:?}", cap.operation, cap.reason());
                    if !cap.allowed() && cap.operation != Operation::TakeOffline {
                        let reason = cap.reason().expect("a reason");
                        assert!(reason.contains("needs the mini program Admin role"), "{reason}");
                        assert!(reason.contains("you are Developer (workspace Developer)"), "{reason}");
                    }
                }
            }
        }
    }
    // What capabilities says is what the door does.
    let dana = world.actor("dana");
    let err = world.refused(|d| d.release(&dana, "Parking Pass", None));
    assert_eq!(err.to_string(), "Release needs the mini program Admin role; you are Developer (workspace Developer)");
    world.refused(|d| d.add_members(&dana, "Parking Pass", &["nora".to_string()], None));
    world.refused(|d| d.delete_program(&dana, "Parking Pass"));
    world.refused(|d| {
        d.edit_program(&dana, "Parking Pass", &mpdesk::desk::ProgramEdit { name: Some("X".into()), description: None })
    });
    let versions = world.desk.list_versions(&dana, "Parking Pass", Page::ALL).expect("a Developer views");
    assert_eq!(versions.len(), 1);
}

#[test]
fn only_owners_and_masters_create_programs() {
    let mut world = World::demo();
    for login in ["olivia", "max"] {
        let actor = world.actor(login);
        world.desk.create_program(&actor, "Acme Mini Apps", &format!("{login}'s app"), "").expect("may create");
    }
    let dana = world.actor("dana");
    let err = world.refused(|d| d.create_program(&dana, "Acme Mini Apps", "Dana's app", ""));
    assert_eq!(
        err.to_string(),
        "Create program needs the workspace Owner or Master role; you are Developer in this workspace"
    );
    // dana is a Master in Side Projects: different roles in different places.
    world.desk.create_program(&dana, "Side Projects", "Dana's app", "").expect("Master creates");
}
