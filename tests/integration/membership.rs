//! The workspace membership lifecycle: who may do what to whom (the whole
//! table), invitations that expire, blocking, removal, role changes and
//! ownership transfer. Invariants are checked when each world is dropped.

use crate::support::World;
use mpdesk::desk::{DeskError, ErrorKind, ManualClock, MemberStatus, Page, ProgramRole, WorkspaceRole};
use time::macros::datetime;
use time::Duration;

fn clock() -> ManualClock {
    ManualClock::new(datetime!(2026-03-01 10:00:00 UTC))
}

/// Workspace "T": owner; masters m1, m2; developers d1, d2; outsiders x1, x2.
fn team(clock: ManualClock) -> World {
    let mut world = World::with_clock(clock);
    for login in ["owner", "m1", "m2", "d1", "d2", "x1", "x2"] {
        world.desk.add_user(login, None, None).expect("user");
    }
    let owner = world.actor("owner");
    world.desk.create_workspace(&owner, "T").expect("workspace");
    for (login, role) in [
        ("m1", WorkspaceRole::Master),
        ("m2", WorkspaceRole::Master),
        ("d1", WorkspaceRole::Developer),
        ("d2", WorkspaceRole::Developer),
    ] {
        world.desk.add_workspace_member(&owner, "T", login, role, None).expect("member");
    }
    world
}

#[derive(Debug, Clone, Copy)]
enum Act {
    ChangeRole,
    Block,
    Remove,
    Invite,
    Withdraw,
}

/// domain.md: Owner and Masters manage Developers; only the Owner manages
/// Masters; nobody removes, blocks or demotes the Owner.
fn expected(actor: WorkspaceRole, target: WorkspaceRole) -> bool {
    match target {
        WorkspaceRole::Owner => false,
        WorkspaceRole::Master => actor == WorkspaceRole::Owner,
        WorkspaceRole::Developer => actor != WorkspaceRole::Developer,
    }
}

#[test]
fn every_actor_role_target_role_and_action() {
    let actors = [("owner", WorkspaceRole::Owner), ("m1", WorkspaceRole::Master), ("d1", WorkspaceRole::Developer)];
    let targets = [("owner", WorkspaceRole::Owner), ("m2", WorkspaceRole::Master), ("d2", WorkspaceRole::Developer)];
    for (actor_login, actor_role) in actors {
        for (target_login, target_role) in targets {
            for act in [Act::ChangeRole, Act::Block, Act::Remove, Act::Invite, Act::Withdraw] {
                if matches!(act, Act::Invite | Act::Withdraw) && target_role == WorkspaceRole::Owner {
                    continue; // nobody is invited as Owner
                }
                let mut world = team(clock());
                let actor = world.actor(actor_login);
                let owner = world.actor("owner");
                if matches!(act, Act::Withdraw) {
                    world.desk.invite(&owner, "T", "x1", target_role, None).expect("owner invites");
                }
                let new_role = if target_role == WorkspaceRole::Developer {
                    WorkspaceRole::Master
                } else {
                    WorkspaceRole::Developer
                };
                let run = |desk: &mut mpdesk::desk::Desk| match act {
                    Act::ChangeRole => desk.set_workspace_member_role(&actor, "T", target_login, new_role),
                    Act::Block => desk.block_member(&actor, "T", target_login),
                    Act::Remove => desk.remove_workspace_member(&actor, "T", target_login),
                    Act::Invite => desk.invite(&actor, "T", "x2", target_role, None).map(|_| ()),
                    Act::Withdraw => desk.withdraw_invitation(&actor, "T", "x1"),
                };
                let case = format!("{actor_login} ({actor_role:?}) {act:?} {target_login} ({target_role:?})");
                // A role change touches both roles: a Master may not make Masters.
                let allowed = expected(actor_role, target_role)
                    && (!matches!(act, Act::ChangeRole) || expected(actor_role, new_role));
                if allowed {
                    run(&mut world.desk).unwrap_or_else(|e| panic!("{case} must be allowed: {e}"));
                    assert_eq!(world.last_audit().1, "ok", "{case}");
                } else {
                    let error = world.refused(run);
                    assert_eq!(error.kind(), ErrorKind::PermissionDenied, "{case}: {error}");
                }
            }
        }
    }
}

#[test]
fn an_invitation_expires_three_days_after_it_was_sent() {
    for (offset, accepted) in
        [(Duration::days(3) - Duration::seconds(1), true), (Duration::days(3) + Duration::seconds(1), false)]
    {
        let clock = clock();
        let mut world = team(clock.clone());
        let owner = world.actor("owner");
        let x1 = world.actor("x1");
        let invitation = world.desk.invite(&owner, "T", "x1", WorkspaceRole::Developer, None).expect("invite");
        assert_eq!(invitation.expires_at, "2026-03-04T10:00:00Z");
        clock.advance(offset);
        if accepted {
            assert_eq!(world.desk.accept_invitation(&x1, "T").map(|joined| joined.role), Ok(WorkspaceRole::Developer));
            let members = world.desk.list_workspace_members(&owner, "T", Page::ALL).expect("members");
            let x1_row = members.iter().find(|m| m.login == "x1").expect("x1 listed");
            assert_eq!((x1_row.status, x1_row.expires_at.as_deref()), (MemberStatus::Active, None));
        } else {
            let listed = world.desk.list_invitations(&owner, "T", Page::ALL).expect("invitations");
            assert_eq!(listed[0].state.as_str(), "expired");
            let error = world.refused(|d| d.accept_invitation(&x1, "T"));
            assert!(error.to_string().contains("has expired"), "{error}");
            assert_eq!(error.kind(), ErrorKind::Conflict);
        }
    }
}

#[test]
fn resending_restarts_the_three_days() {
    let clock = clock();
    let mut world = team(clock.clone());
    let owner = world.actor("owner");
    let x1 = world.actor("x1");
    world.desk.invite(&owner, "T", "x1", WorkspaceRole::Master, None).expect("invite");
    clock.advance(Duration::days(2));
    let resent = world.desk.resend_invitation(&owner, "T", "x1").expect("resend");
    assert_eq!(resent.expires_at, "2026-03-06T10:00:00Z");
    assert!(world.last_audit().2.contains("expires 2026-03-04T10:00:00Z → 2026-03-06T10:00:00Z"));
    clock.advance(Duration::days(2));
    assert_eq!(
        world.desk.accept_invitation(&x1, "T").map(|joined| joined.role),
        Ok(WorkspaceRole::Master),
        "4 days after the first send, 2 after the resend"
    );
    clock.advance(Duration::days(5));
    world.desk.remove_workspace_member(&owner, "T", "x1").expect("remove");
    world.desk.invite(&owner, "T", "x1", WorkspaceRole::Developer, None).expect("invited again");
    clock.advance(Duration::days(4));
    let err = world.refused(|d| d.accept_invitation(&x1, "T"));
    assert!(err.to_string().contains("expired"));
    world.desk.resend_invitation(&owner, "T", "x1").expect("an expired invitation can be resent");
    world.desk.accept_invitation(&x1, "T").expect("then accepted");
}

#[test]
fn invitations_are_declined_withdrawn_and_not_duplicated() {
    let mut world = team(clock());
    let owner = world.actor("owner");
    let x1 = world.actor("x1");
    world.desk.invite(&owner, "T", "x1", WorkspaceRole::Developer, None).expect("invite");
    let err = world.refused(|d| d.invite(&owner, "T", "x1", WorkspaceRole::Developer, None));
    assert!(err.to_string().contains("resend it instead"), "{err}");
    let err = world.refused(|d| d.invite(&owner, "T", "d1", WorkspaceRole::Developer, None));
    assert!(err.to_string().contains("already a member"), "{err}");
    let mine = world.desk.my_invitations(&x1).expect("mine");
    assert_eq!((mine[0].workspace.as_str(), mine[0].state.as_str()), ("T", "pending"));
    world.desk.decline_invitation(&x1, "T").expect("decline");
    world.refused(|d| d.accept_invitation(&x1, "T"));
    assert!(world.desk.list_workspaces(&x1).expect("list").is_empty());
    world.desk.invite(&owner, "T", "x1", WorkspaceRole::Developer, None).expect("invite again");
    world.desk.withdraw_invitation(&owner, "T", "x1").expect("withdraw");
    let states: Vec<_> =
        world.desk.list_invitations(&owner, "T", Page::ALL).expect("all").iter().map(|i| i.state.as_str()).collect();
    assert_eq!(states, ["withdrawn", "declined"]);
    let err = world.desk.accept_invitation(&x1, "T").expect_err("nothing pending");
    assert_eq!(err.kind(), ErrorKind::NotFound);
}

#[test]
fn blocking_keeps_program_memberships_inert_until_unblocked() {
    let mut world = World::demo();
    let olivia = world.actor("olivia");
    let dana = world.actor("dana");
    world.desk.block_member(&olivia, "Acme Mini Apps", "dana").expect("block");
    assert_eq!(world.last_audit().2, "dana (Developer): active → blocked");
    assert!(
        matches!(world.desk.show_program(&dana, "Coffee Club"), Err(DeskError::NotFound(_))),
        "a blocked member sees nothing"
    );
    assert!(
        world.desk.list_programs(&dana, Some("Side Projects"), None, Page::ALL).expect("other workspace").len() == 1
    );
    let err = world
        .refused(|d| d.upload_version(&dana, "Coffee Club", "9.0.0", mpdesk::desk::PackageSource::Bytes(vec![1]), ""));
    assert_eq!(err.kind(), ErrorKind::NotFound);
    let members = world.desk.list_members(&olivia, "Coffee Club", Page::ALL).expect("members");
    assert!(!members.iter().any(|m| m.login == "dana"), "inert: not listed as reaching the program");
    let kept: i64 = world
        .raw()
        .query_row(
            "SELECT count(*) FROM program_members pm JOIN users u ON u.id = pm.user_id WHERE u.login = 'dana'",
            [],
            |r| r.get(0),
        )
        .expect("count");
    assert_eq!(kept, 4, "Coffee Club, Loyalty Card, Parking Pass and Weather Widget memberships kept");
    world.refused(|d| d.block_member(&olivia, "Acme Mini Apps", "dana"));
    world.desk.unblock_member(&olivia, "Acme Mini Apps", "dana").expect("unblock");
    assert_eq!(world.desk.show_program(&dana, "Coffee Club").expect("back").summary.my_role, ProgramRole::Developer);
}

#[test]
fn demoting_a_master_changes_every_program_at_once() {
    let mut world = World::demo();
    let olivia = world.actor("olivia");
    let max = world.actor("max");
    let before = world.desk.list_programs(&max, None, None, Page::ALL).expect("list");
    assert_eq!(before.len(), 4);
    assert!(before.iter().all(|p| p.my_role == ProgramRole::Admin));
    world.desk.set_workspace_member_role(&olivia, "Acme Mini Apps", "max", WorkspaceRole::Developer).expect("demote");
    assert_eq!(world.last_audit().2, "max: Master → Developer");
    let after = world.desk.list_programs(&max, None, None, Page::ALL).expect("list");
    let roles: Vec<_> = after.iter().map(|p| (p.name.as_str(), p.my_role)).collect();
    assert_eq!(
        roles,
        [("Loyalty Card", ProgramRole::Developer), ("Parking Pass", ProgramRole::Developer)],
        "only the programs he created, as Developer"
    );
}

#[test]
fn transfer_swaps_owner_and_master() {
    let mut world = World::demo();
    let olivia = world.actor("olivia");
    let max = world.actor("max");
    let err = world.refused(|d| d.transfer_ownership(&olivia, "Acme Mini Apps", "dana"));
    assert!(err.to_string().contains("needs an Active Master as the new Owner; dana is Developer"), "{err}");
    world.refused(|d| d.transfer_ownership(&max, "Acme Mini Apps", "max"));
    world.desk.transfer_ownership(&olivia, "Acme Mini Apps", "max").expect("transfer");
    let roles: Vec<_> = world
        .desk
        .list_workspace_members(&max, "Acme Mini Apps", Page::ALL)
        .expect("members")
        .into_iter()
        .map(|m| (m.login, m.role))
        .collect();
    assert_eq!(roles[0], ("max".to_string(), WorkspaceRole::Owner));
    assert!(roles.contains(&("olivia".to_string(), WorkspaceRole::Master)));
    let err = world.refused(|d| d.add_workspace_member(&olivia, "Acme Mini Apps", "sam", WorkspaceRole::Master, None));
    assert!(err.to_string().contains("needs the workspace Owner role; you are Master"), "{err}");
    world.desk.block_member(&max, "Acme Mini Apps", "olivia").expect("the new Owner manages the old one");
    world.desk.unblock_member(&max, "Acme Mini Apps", "olivia").expect("unblock");
}

#[test]
fn member_operations_for_the_console_match_the_rules() {
    let mut world = World::demo();
    let olivia = world.actor("olivia");
    let max = world.actor("max");
    world.desk.invite(&max, "Acme Mini Apps", "eve", WorkspaceRole::Developer, None).expect("invite");
    let ops = |world: &World, actor: &mpdesk::desk::Actor, login: &str| {
        world
            .desk
            .member_operations(actor, "Acme Mini Apps", login)
            .expect("ops")
            .into_iter()
            .map(|(op, d)| (format!("{op:?}").split('(').next().unwrap_or_default().to_string(), d.is_ok()))
            .collect::<Vec<_>>()
    };
    let s = |v: &[(&str, bool)]| v.iter().map(|(a, b)| (a.to_string(), *b)).collect::<Vec<_>>();
    assert_eq!(
        ops(&world, &max, "dana"),
        s(&[("ChangeRole", false), ("Block", true), ("Remove", true), ("Expire", true), ("Transfer", false)])
    );
    assert_eq!(
        ops(&world, &olivia, "max"),
        s(&[("ChangeRole", true), ("Block", true), ("Remove", true), ("Expire", true), ("Transfer", true)])
    );
    assert_eq!(
        ops(&world, &olivia, "olivia"),
        s(&[("ChangeRole", false), ("Block", false), ("Remove", false), ("Expire", false)])
    );
    assert_eq!(ops(&world, &max, "eve"), s(&[("Resend", true), ("Withdraw", true)]));
    let options = world.desk.invite_options(&max, "Acme Mini Apps").expect("options");
    assert_eq!(
        options.iter().map(|(r, d)| (*r, d.is_ok())).collect::<Vec<_>>(),
        [(WorkspaceRole::Developer, true), (WorkspaceRole::Master, false)]
    );
}
