//! The one list of action hints, built per frame from the desk's answers
//! (capabilities) and the focus/selection context. The key-hint bar, the
//! help overlay and the key handler all read this list; nothing else in
//! the console decides whether an action is allowed.
//!
//! Not applicable here → not in the list. Not permitted → in the list
//! with the `Denial` that explains it (drawn dimmed).

use super::action::Action;
use super::app::{App, Pane, Screen};
use super::keymap;

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

/// Whether the action applies here, and if so allowed or why not.
fn decide(app: &App, action: Action) -> Option<Result<(), String>> {
    let main = matches!(app.screen, Screen::Main) && app.workspace.is_some();
    let program = app.selection.as_ref();
    if let Some(op) = action.operation() {
        let caps = &program?.capabilities;
        let cap = caps.iter().find(|c| c.operation == op)?;
        return Some(cap.decision.clone().map_err(|d| d.to_string()));
    }
    match action {
        Action::CreateProgram => {
            let decision = app.create_program.as_ref().filter(|_| main)?;
            Some(decision.clone().map_err(|d| d.to_string()))
        }
        Action::RemoveMember => {
            if app.focus != Pane::Members || app.members.selected_row().is_none() {
                return None;
            }
            let decision = app.member_removal.as_ref()?;
            Some(decision.clone().map_err(|d| d.to_string()))
        }
        Action::Filter => (main && app.focus != Pane::Details).then_some(Ok(())),
        Action::ClearFilter => {
            let filtered =
                !app.program_filter.value().is_empty() || !app.member_filter.value().is_empty();
            (main && filtered).then_some(Ok(()))
        }
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
            decide(app, action).map(|decision| Hint {
                action,
                key: keymap::key_for(action),
                denial: decision.err(),
            })
        })
        .collect()
}
