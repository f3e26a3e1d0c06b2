//! Who manages workspace members (domain.md, "People and workspaces",
//! *decided*), as one table: for each target role, who may manage it.

use super::permission::describe_workspace_role;
use super::role::{MemberStatus, WorkspaceRole};
use super::Denial;

/// Target role → the workspace roles that may add, remove, block or
/// re-role a member holding it. Nobody manages the Owner (transfer only).
pub const MEMBER_MANAGERS: [(WorkspaceRole, &[WorkspaceRole]); 3] = [
    (WorkspaceRole::Owner, &[]),
    (WorkspaceRole::Master, &[WorkspaceRole::Owner]),
    (WorkspaceRole::Developer, &[WorkspaceRole::Owner, WorkspaceRole::Master]),
];

/// Who reads the whole workspace's audit log; others read only the
/// entries of programs they can view.
pub const WORKSPACE_AUDIT_READERS: [WorkspaceRole; 2] = [WorkspaceRole::Owner, WorkspaceRole::Master];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MemberAction {
    Add,
    ChangeRole,
    Remove,
    Block,
    Unblock,
    Invite,
    Withdraw,
    /// Set, extend or clear when the membership ends.
    Expire,
}

impl MemberAction {
    fn verb(self) -> &'static str {
        match self {
            Self::Add => "Adding",
            Self::ChangeRole => "Changing the role of",
            Self::Remove => "Removing",
            Self::Block => "Blocking",
            Self::Unblock => "Unblocking",
            Self::Invite => "Inviting",
            Self::Withdraw => "Withdrawing the invitation of",
            Self::Expire => "Setting when access ends for",
        }
    }
}

fn managers_of(target: WorkspaceRole) -> &'static [WorkspaceRole] {
    MEMBER_MANAGERS.iter().find(|(role, _)| *role == target).map(|(_, managers)| *managers).unwrap_or(&[])
}

fn article(role: WorkspaceRole) -> String {
    match role {
        WorkspaceRole::Owner => "the Owner".to_string(),
        other => format!("a {}", other.title()),
    }
}

/// May `actor` (their Active workspace role, if any) do `action` to a
/// member whose role is `target` (and, for a role change, becomes `new_role`)?
pub fn decide_member_action(
    actor: Option<WorkspaceRole>,
    action: MemberAction,
    target: WorkspaceRole,
    new_role: Option<WorkspaceRole>,
    read_only: bool,
) -> Result<(), Denial> {
    let label = format!("{} {}", action.verb(), article(target));
    if read_only {
        return Err(Denial::read_only(&label));
    }
    let roles: Vec<WorkspaceRole> = std::iter::once(target).chain(new_role).collect();
    for role in roles {
        let managers = managers_of(role);
        if managers.is_empty() {
            return Err(Denial::role(
                &label,
                "an ownership transfer (nobody removes, blocks or demotes the Owner)".to_string(),
                describe_workspace_role(actor),
            ));
        }
        if !actor.is_some_and(|a| managers.contains(&a)) {
            let needs = managers.iter().map(|r| r.title()).collect::<Vec<_>>().join(" or ");
            let label = if role == target { label.clone() } else { format!("Making someone {}", article(role)) };
            return Err(Denial::role(&label, format!("the workspace {needs} role"), describe_workspace_role(actor)));
        }
    }
    Ok(())
}

/// A change to the workspace itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WorkspaceChange {
    Rename,
    Delete,
}

impl WorkspaceChange {
    pub fn label(self) -> &'static str {
        match self {
            Self::Rename => "Rename workspace",
            Self::Delete => "Delete workspace",
        }
    }
}

/// May `actor` rename or delete the workspace? Only its Owner. Deleting
/// also needs it empty: `others` members besides the Owner (any status),
/// `invited` pending invitations and `programs` mini programs.
pub fn decide_workspace_change(
    actor: Option<WorkspaceRole>,
    change: WorkspaceChange,
    (programs, others, invited): (u64, u64, u64),
    read_only: bool,
) -> Result<(), Denial> {
    let label = change.label();
    if read_only {
        return Err(Denial::read_only(label));
    }
    if actor != Some(WorkspaceRole::Owner) {
        return Err(Denial::role(label, "the workspace Owner role".to_string(), describe_workspace_role(actor)));
    }
    if change == WorkspaceChange::Delete {
        let what = [
            (programs, "mini program", "mini programs"),
            (others, "member besides you", "members besides you"),
            (invited, "pending invitation", "pending invitations"),
        ];
        let held: Vec<String> = what
            .iter()
            .filter(|(n, ..)| *n > 0)
            .map(|(n, one, many)| format!("{n} {}", if *n == 1 { one } else { many }))
            .collect();
        if !held.is_empty() {
            return Err(Denial::state(
                label,
                "an empty workspace (delete its programs, remove its members, withdraw its invitations first)",
                format!("it still has {}", held.join(", ")),
            ));
        }
    }
    Ok(())
}

/// May `actor` hand ownership to a member whose role and status are
/// these? Only the Owner, and only to an Active Master; the Owner then
/// becomes a Master.
pub fn decide_transfer(
    actor: Option<WorkspaceRole>,
    target_login: &str,
    target: WorkspaceRole,
    target_active: bool,
    read_only: bool,
) -> Result<(), Denial> {
    let label = "Transferring ownership";
    if read_only {
        return Err(Denial::read_only(label));
    }
    if actor != Some(WorkspaceRole::Owner) {
        return Err(Denial::role(label, "the workspace Owner role".to_string(), describe_workspace_role(actor)));
    }
    if target != WorkspaceRole::Master || !target_active {
        let what = if target_active { target.title().to_string() } else { format!("{} (not active)", target.title()) };
        return Err(Denial::state(label, "an Active Master as the new Owner", format!("{target_login} is {what}")));
    }
    Ok(())
}

/// The status change blocking (or unblocking) makes: Active → Blocked, or
/// Blocked → Active; any other starting status is refused.
pub fn block_transition(
    target_login: &str,
    current: MemberStatus,
    block: bool,
) -> Result<(MemberStatus, MemberStatus), Denial> {
    let (from, to) = if block {
        (MemberStatus::Active, MemberStatus::Blocked)
    } else {
        (MemberStatus::Blocked, MemberStatus::Active)
    };
    if current != from {
        let action = if block { "Blocking" } else { "Unblocking" };
        return Err(Denial::state(
            action,
            if block { "an active member" } else { "a blocked member" },
            format!("{target_login} is {}", current.as_str()),
        ));
    }
    Ok((from, to))
}

/// Does this workspace role read the whole workspace's audit log?
pub fn reads_workspace_audit(role: Option<WorkspaceRole>) -> bool {
    role.is_some_and(|r| WORKSPACE_AUDIT_READERS.contains(&r))
}

/// Who may walk the audit log's hash chain (`audit verify`, the Audit
/// tab's check): the operator, and whoever reads a workspace's log whole
/// (its Owner or a Master). The walk covers every entry of the server but
/// shows none of them: only how many there are, where the chain breaks,
/// and its head hash.
pub fn decide_chain_check(operator: bool, roles: &[Option<WorkspaceRole>]) -> Result<(), Denial> {
    if operator || roles.iter().any(|role| reads_workspace_audit(*role)) {
        return Ok(());
    }
    let readers: Vec<&str> = WORKSPACE_AUDIT_READERS.iter().map(|r| r.title()).collect();
    Err(Denial::role(
        "Checking the audit log's chain",
        format!("the operator, or the {} role in a workspace", readers.join(" or ")),
        "you read only the entries of your programs".to_string(),
    ))
}

/// Who may prune the audit log (*decided*, 2026-12-02): the operator only.
/// The log is one chain across workspaces, cut only as a prefix so it
/// still verifies; removing one workspace's entries would punch holes in
/// every other workspace's evidence.
pub fn decide_prune(operator: bool) -> Result<(), Denial> {
    super::people::decide_operator_only(operator, "Pruning the audit log")
}

#[cfg(test)]
mod tests {
    use super::*;
    use WorkspaceRole::*;

    #[test]
    fn the_chain_is_checked_by_whoever_reads_a_workspace_whole() {
        assert!(decide_chain_check(true, &[]).is_ok());
        assert!(decide_chain_check(false, &[Some(Developer), Some(Master)]).is_ok());
        assert!(decide_chain_check(false, &[Some(Owner)]).is_ok());
        let refused = decide_chain_check(false, &[Some(Developer), None]).expect_err("a Developer");
        assert!(refused.to_string().contains("Owner or Master"), "{refused}");
        assert!(decide_prune(true).is_ok());
        assert!(decide_prune(false).is_err(), "an Owner prunes nothing: the chain is the server's");
    }

    #[test]
    fn owner_manages_masters_and_developers_masters_only_developers() {
        let ok = |actor, target| decide_member_action(Some(actor), MemberAction::Remove, target, None, false).is_ok();
        assert!(ok(Owner, Master));
        assert!(ok(Owner, Developer));
        assert!(!ok(Master, Master));
        assert!(ok(Master, Developer));
        assert!(!ok(Developer, Developer));
        for actor in WorkspaceRole::ALL {
            assert!(!ok(actor, Owner), "{actor:?} must not manage the Owner");
        }
    }

    #[test]
    fn only_the_owner_transfers_and_only_to_an_active_master() {
        assert!(decide_transfer(Some(Owner), "m", Master, true, false).is_ok());
        assert!(decide_transfer(Some(Master), "m", Master, true, false).is_err());
        assert!(decide_transfer(Some(Owner), "d", Developer, true, false).is_err());
        let blocked = decide_transfer(Some(Owner), "m", Master, false, false).expect_err("blocked master");
        assert_eq!(
            blocked.to_string(),
            "Transferring ownership needs an Active Master as the new Owner; m is Master (not active)"
        );
    }

    #[test]
    fn only_active_members_are_blocked_and_only_blocked_ones_unblocked() {
        assert_eq!(
            block_transition("d", MemberStatus::Active, true),
            Ok((MemberStatus::Active, MemberStatus::Blocked))
        );
        assert_eq!(
            block_transition("d", MemberStatus::Blocked, false),
            Ok((MemberStatus::Blocked, MemberStatus::Active))
        );
        let again = block_transition("d", MemberStatus::Blocked, true).expect_err("already blocked");
        assert_eq!(again.to_string(), "Blocking needs an active member; d is blocked");
        assert!(block_transition("d", MemberStatus::Active, false).is_err());
    }

    #[test]
    fn promoting_to_master_needs_the_owner() {
        let denial = decide_member_action(Some(Master), MemberAction::ChangeRole, Developer, Some(Master), false)
            .expect_err("a Master cannot make Masters");
        assert_eq!(
            denial.to_string(),
            "Making someone a Master needs the workspace Owner role; you are Master in this workspace"
        );
        assert!(decide_member_action(Some(Owner), MemberAction::ChangeRole, Developer, Some(Master), false).is_ok());
    }
}
