//! The one list of action hints, built per frame from the desk's answers
//! (capabilities) and the focus/selection context. The key-hint bar, the
//! help overlay and the key handler all read this list; nothing else in
//! the console decides whether an action is allowed.
//!
//! Not applicable here → not in the list. Not permitted → in the list
//! with the `Denial` that explains it (drawn dimmed).

use super::action::Action;
use super::app::{App, Pane, Screen, Tab};
use crate::desk::{MemberOp, WorkspaceRole};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hint {
    pub action: Action,
    pub key: String,
    /// Why not, when not permitted.
    pub denial: Option<String>,
}

impl Hint {
    pub fn enabled(&self) -> bool {
        self.denial.is_none()
    }
}

fn from_denial(decision: &Result<(), crate::desk::Denial>) -> Result<(), String> {
    decision.clone().map_err(|d| d.to_string())
}

/// The member operation an action performs on the Members tab.
fn member_op(action: Action) -> Option<MemberOp> {
    match action {
        Action::ChangeRole => Some(MemberOp::ChangeRole(WorkspaceRole::Master)),
        Action::BlockMember => Some(MemberOp::Block),
        Action::UnblockMember => Some(MemberOp::Unblock),
        Action::RemoveWorkspaceMember => Some(MemberOp::Remove),
        Action::Resend => Some(MemberOp::Resend),
        Action::Withdraw => Some(MemberOp::Withdraw),
        Action::Transfer => Some(MemberOp::Transfer),
        _ => None,
    }
}

/// The same operation, whatever role a role change is to.
fn same_op(a: MemberOp, b: MemberOp) -> bool {
    std::mem::discriminant(&a) == std::mem::discriminant(&b)
}

/// Whether the action applies here, and if so allowed or why not.
fn decide(app: &App, action: Action) -> Option<Result<(), String>> {
    let main = matches!(app.screen, Screen::Main) && app.workspace.is_some();
    let on = |tab: Tab| main && app.tab == tab;
    if let Some(op) = action.operation() {
        let caps = &app.selection.as_ref().filter(|_| on(Tab::Programs))?.capabilities;
        let cap = caps.iter().find(|c| c.operation == op)?;
        let decision = from_denial(&cap.decision);
        // The upload dialog reads a file where the console runs: over SSH,
        // the server's — so there it is refused, with the command to use.
        if action == Action::Upload {
            return Some(decision.and_then(|()| from_denial(&app.desk.file_upload())));
        }
        return Some(decision);
    }
    if let Some(op) = member_op(action) {
        if !on(Tab::Members) {
            return None;
        }
        let (_, decision) = app.ws_member_ops.iter().find(|(o, _)| same_op(*o, op))?;
        return Some(from_denial(decision));
    }
    match action {
        Action::CreateProgram => {
            let decision = app.create_program.as_ref().filter(|_| on(Tab::Programs))?;
            Some(from_denial(decision))
        }
        Action::RemoveMember => {
            if !on(Tab::Programs) || app.focus != Pane::Members || app.members.selected_row().is_none() {
                return None;
            }
            Some(from_denial(app.member_removal.as_ref()?))
        }
        Action::Invite => {
            if !on(Tab::Members) || app.invite_options.is_empty() {
                return None;
            }
            // Allowed if any role may be invited; otherwise the first refusal.
            let allowed = app.invite_options.iter().any(|(_, d)| d.is_ok());
            Some(if allowed { Ok(()) } else { from_denial(&app.invite_options[0].1) })
        }
        Action::Undo if on(Tab::Audit) => {
            let choice = app.undo.selected.as_ref()?;
            Some(choice.refusal.clone().map_or(Ok(()), Err))
        }
        Action::Undo | Action::Redo => {
            let ws = app.workspace.as_ref().filter(|_| main)?;
            let (choice, nothing) = if action == Action::Undo {
                (&app.undo.last, format!("nothing of yours to undo in {}", ws.name))
            } else {
                (&app.undo.redo, format!("nothing you undid in {} to redo", ws.name))
            };
            Some(match choice {
                None => Err(nothing),
                Some(c) => c.refusal.clone().map_or(Ok(()), Err),
            })
        }
        Action::TourNext | Action::TourPrev => {
            let tour = app.tour.as_ref()?;
            let last = tour.steps.len().saturating_sub(1);
            Some(match action {
                Action::TourNext if tour.current >= last => Err(format!(
                    "this is the tour's last step; {} starts the demo over",
                    app.keymap.key_for(Action::DemoReset)
                )),
                Action::TourPrev if tour.current == 0 => Err("this is the tour's first step".to_string()),
                _ => Ok(()),
            })
        }
        Action::DemoReset => app.options.demo.then(|| match app.demo_start {
            Some(_) => Ok(()),
            None => Err("a read-only demo has nothing to reset".to_string()),
        }),
        Action::Invitations => (!app.my_invitations.is_empty()).then_some(Ok(())),
        // Everyone manages their own keys (the domain's key rule, for oneself).
        Action::Keys => (main && app.actor.is_some()).then(|| {
            let own = crate::domain::keys::KeyManager::Person { is_self: true };
            from_denial(&crate::domain::keys::decide_key_change(own, "Managing your keys"))
        }),
        Action::Filter => {
            let programs = on(Tab::Programs) && app.focus != Pane::Details;
            (programs || on(Tab::Audit)).then_some(Ok(()))
        }
        Action::ClearFilter => {
            let filtered =
                [&app.program_filter, &app.member_filter, &app.audit_filter].iter().any(|f| !f.value().is_empty());
            (main && (filtered || app.status.is_some())).then_some(Ok(()))
        }
        Action::FocusNext | Action::FocusPrev => on(Tab::Programs).then_some(Ok(())),
        Action::SwitchWorkspace => (main && !app.workspaces.is_empty()).then_some(Ok(())),
        Action::SwitchPersona => app.options.demo.then_some(Ok(())),
        Action::Help | Action::Quit => Some(Ok(())),
        _ => main.then_some(Ok(())),
    }
}

/// The hints for this frame, in `Action::ALL` order.
pub fn build(app: &App) -> Vec<Hint> {
    Action::ALL
        .iter()
        .filter_map(|&action| {
            decide(app, action).map(|decision| Hint { action, key: app.keymap.key_for(action), denial: decision.err() })
        })
        .collect()
}
