//! What `z` and `Z` would take back, looked up when something they depend
//! on moved (a reload, another workspace or persona, another audit row) —
//! never per frame. The desk decides, by the same rules as the change.

use super::app::{App, Tab};

/// An entry an undo would take back, and why it cannot be, if not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UndoChoice {
    pub id: i64,
    pub refusal: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UndoChoices {
    /// Your newest change here that is not undone (`z`).
    pub last: Option<UndoChoice>,
    /// Your newest undo here that is not redone (`Z`).
    pub redo: Option<UndoChoice>,
    /// The Audit tab's selected entry (`z` there).
    pub selected: Option<UndoChoice>,
    looked_up: Option<(u64, String, Option<String>, Option<i64>)>,
}

impl App {
    /// Looks the choices up again if what they depend on moved.
    pub fn refresh_undo(&mut self) {
        let (Some(actor), Some(workspace)) = (self.actor.clone(), self.workspace.clone()) else {
            self.undo = UndoChoices::default();
            return;
        };
        let selected = (self.tab == Tab::Audit).then(|| self.audit.selected_row().map(|(id, _)| *id)).flatten();
        let key = (self.data_epoch, self.login.clone(), Some(workspace.name.clone()), selected);
        if self.undo.looked_up.as_ref() == Some(&key) {
            return;
        }
        let choice = |app: &App, id: i64| UndoChoice {
            id,
            refusal: app.desk.undo_refusal(&actor, id).unwrap_or_else(|e| Some(e.to_string())),
        };
        let last = self.desk.last_undoable(&actor, &workspace.name, false).ok().flatten();
        let redo = self.desk.last_undoable(&actor, &workspace.name, true).ok().flatten();
        self.undo = UndoChoices {
            last: last.map(|id| choice(self, id)),
            redo: redo.map(|id| choice(self, id)),
            selected: selected.map(|id| choice(self, id)),
            looked_up: Some(key),
        };
    }
}
