//! What changes several screens at once: becoming a persona, a reload
//! after a write or another process's commit, a new selection, another
//! tab — and the tour's steps, which restore data and persona together.
//! The only place besides `requests.rs` that reads the desk for more than
//! one screen; it never writes but to restore the tour's and the demo's
//! starting data.

use super::app::{App, Welcome};
use super::component::{Pane, StatusKind, Tab, UndoChoice};
use super::screens::details::VERSIONS_SHOWN;
use super::screens::tour::{self, Done, Step, Tour};
use crate::desk::{InvitationState, Page};

impl App {
    /// (Re)starts as `login`: loads everything, or shows the welcome screen.
    pub fn start_as(&mut self, login: &str) {
        self.in_one_snapshot(|app| app.enter_as(login));
    }

    fn enter_as(&mut self, login: &str) {
        self.who.login = login.to_string();
        self.who.actor = self.desk.actor(login).ok();
        self.who.workspaces = match &self.who.actor {
            Some(actor) => self.desk.list_workspaces(actor).unwrap_or_default(),
            None => Vec::new(),
        };
        let keep = self.who.workspace.as_ref().map(|w| w.name.clone());
        let workspaces = &self.who.workspaces;
        self.who.workspace = keep
            .and_then(|name| workspaces.iter().find(|w| w.name == name).cloned())
            .or_else(|| workspaces.iter().find(|w| w.status.can_act()).cloned())
            .or_else(|| workspaces.first().cloned());
        self.load_invitations();
        if self.welcoming() {
            self.layers.remove(0);
        }
        if self.who.actor.is_none() || self.who.workspace.is_none() {
            let demo_available = self.desk.count_users().map(|n| n == 0).unwrap_or(false);
            let mut welcome = Welcome::new(login, self.who.actor.is_some(), demo_available);
            welcome.read_only = self.desk.is_read_only();
            welcome.invitations = self.who.invitations.clone();
            if !welcome.invitations.is_empty() {
                welcome.focus = super::screens::welcome::WelcomeFocus::Invitation(0);
            }
            // Under any dialog still open (the persona switcher closes
            // itself once this is done).
            self.layers.insert(0, Box::new(welcome));
            return;
        }
        self.screens.programs.to_first_row();
        self.reload();
        self.reload_tab();
        // Blocked everywhere: say so, rather than "not found".
        if let (Some(actor), Some(ws)) = (self.who.actor.clone(), self.who.workspace.clone()) {
            if let Ok(Some(notice)) = self.desk.blocked_notice(&actor, &ws.name) {
                self.set_status(StatusKind::Error, notice);
            }
        }
        if !self.who.invitations.is_empty() && !self.has_layer() {
            let invitations = super::dialogs::InvitationList::open(&self.context());
            self.push(Box::new(invitations));
        }
        if !self.options.after_first_frame {
            self.refresh_undo();
        }
    }

    /// The first frame is on screen: what it did not wait for.
    pub fn first_frame_drawn(&mut self) {
        if !std::mem::take(&mut self.options.after_first_frame) || self.welcoming() {
            return;
        }
        let before = (self.who.undo.clone(), self.who.redo.clone());
        self.refresh_undo();
        if (self.who.undo.clone(), self.who.redo.clone()) != before {
            self.run.redraw = true;
        }
    }

    /// Selects the program `app_id` and the workspace member `login` again
    /// (after a persona switch), where this person can see them.
    pub fn keep_selection(&mut self, app_id: Option<String>, login: Option<String>) {
        if self.welcoming() {
            self.stage.kept = (app_id, login);
            return;
        }
        if let Some(app_id) = &app_id {
            self.with_parts(|p| p.screens.programs.select_app(&p.ctx, app_id));
            self.load_selection();
        }
        if let Some(login) = &login {
            self.with_parts(|p| p.screens.members_tab.select_login(&p.ctx, login));
        }
        // Not seen by this persona: kept for the next switch.
        let program_seen = app_id.is_some() && self.screens.programs.selected_app_id() == app_id;
        let member_seen =
            login.is_some() && self.screens.members_tab.list.selected_row().map(|m| &m.login) == login.as_ref();
        self.stage.kept = (app_id.filter(|_| !program_seen), login.filter(|_| !member_seen));
        self.refresh_undo();
    }

    /// The acting person's pending, unexpired invitations.
    pub fn load_invitations(&mut self) {
        self.who.invitations = match &self.who.actor {
            Some(actor) => self
                .desk
                .my_invitations(actor)
                .unwrap_or_default()
                .into_iter()
                .filter(|i| i.state == InvitationState::Pending)
                .collect(),
            None => Vec::new(),
        };
    }

    /// What the background reader finished: the lists waiting for it take
    /// it (and ask again for what is still missing); a new selection loads.
    pub fn answers_came(&mut self) {
        let before = self.screens.programs.selected_app_id();
        let said = self.with_parts(|p| {
            p.ctx.background.asking_again(|| {
                p.screens.programs.answered(&p.ctx);
                p.screens.audit.answered(&p.ctx)
            })
        });
        if let Some((kind, text)) = said {
            self.set_status(kind, text);
        }
        if self.screens.programs.selected_app_id() != before {
            self.load_selection();
        }
    }

    /// Reloads the program list and the selection, keeping the selected
    /// program where it can.
    pub fn reload(&mut self) {
        self.in_one_snapshot(|app| {
            app.sync.epoch += 1;
            app.sync.background.forget();
            let (Some(actor), Some(workspace)) = (app.who.actor.clone(), app.who.workspace.clone()) else { return };
            let caps = app.desk.workspace_capabilities(&actor, &workspace.name);
            app.who.create_program = caps.ok().map(|c| c.create_program);
            // The sooner of the workspace membership's end and the key's.
            let membership = app.desk.member_end(&actor, &workspace.name, &actor.login).ok().flatten();
            let key = app.desk.session_key_end().ok().flatten().map(crate::domain::expiry::stamp);
            app.who.access_ends = crate::domain::expiry::sooner(membership, key);
            app.who.blocked = app.desk.blocked_notice(&actor, &workspace.name).ok().flatten();
            // One past already (a read-only console cannot remove it) would
            // wake the console again and again: only ends still to come.
            let now = app.desk.now_time();
            app.sync.next_end = app.desk.next_end().ok().flatten().filter(|end| *end > now);
            app.with_parts(|p| p.screens.programs.reload(&p.ctx));
            app.load_selection();
        });
    }

    /// Loads the selected program's details, versions, capabilities and
    /// first members. Costs the same however many programs there are.
    pub fn load_selection(&mut self) {
        self.in_one_snapshot(|app| {
            app.screens.details.to_top();
            let Some(actor) = app.who.actor.clone() else { return };
            let Some(app_id) = app.screens.programs.selected_app_id() else {
                app.selection = None;
                app.screens.members.clear();
                return;
            };
            let loaded = app.desk.program_overview(&actor, &app_id, Page::new(0, VERSIONS_SHOWN));
            app.selection = app.report(loaded);
            app.with_parts(|p| p.screens.members.reload_from_top(&p.ctx));
        });
    }

    /// Selects a program by app ID (after creating or editing it).
    pub fn select_program(&mut self, app_id: &str) {
        self.with_parts(|p| p.screens.programs.select_app(&p.ctx, app_id));
        self.load_selection();
    }

    /// Reloads whichever of the Members and Audit tabs is showing.
    pub fn reload_tab(&mut self) {
        self.sync.now = self.desk.now_time();
        if self.view.tab.reads_on_show() {
            self.with_parts(|p| p.screens.refresh_tab(p.view.tab, p.view.focus, &p.ctx));
        }
    }

    pub fn switch_tab(&mut self, tab: Tab) {
        self.view.tab = tab;
        self.stop_typing();
        self.view.focus = tab.home();
        self.reload_tab();
    }

    /// No list's filter takes keys any more.
    pub fn stop_typing(&mut self) {
        self.screens.programs.stop_editing();
        self.screens.members.stop_editing();
        self.screens.audit.stop_editing();
    }

    /// A list's filter changed: from its first row again.
    pub fn refilter(&mut self, pane: Pane) {
        match pane {
            Pane::Members => self.with_parts(|p| p.screens.members.reload_from_top(&p.ctx)),
            Pane::Audit => {
                self.screens.audit.to_top();
                self.with_parts(|p| super::component::Component::refresh(&mut p.screens.audit, &p.ctx));
            }
            _ => {
                self.screens.programs.to_first_row();
                self.reload();
            }
        }
    }

    /// A role, status or membership changed: every tab may show it.
    pub fn after_membership_change(&mut self) {
        self.who.workspaces =
            self.who.actor.as_ref().and_then(|a| self.desk.list_workspaces(a).ok()).unwrap_or_default();
        self.reload();
        self.reload_tab();
    }

    /// Checks whether the data changed under the console (another process
    /// committed); reloads if so — or ends the console if the person's
    /// access was taken away.
    pub fn poll_changes(&mut self) {
        // Another program removed the files this console's connection
        // uses: a new connection, a new background reader, the screen
        // read again, and the person told once.
        if self.desk.replaced_file() {
            // The background reader's connection shares the removed files.
            self.sync.background = super::background::Background::none();
            if let Err(error) = self.desk.reopen_if_replaced() {
                self.set_status(StatusKind::Error, error.to_string());
                return;
            }
        }
        if let Some(notice) = self.desk.take_reopened() {
            self.sync.background = super::background::Background::start(&self.desk, super::background::BUDGET);
            self.set_status(StatusKind::Error, notice);
            self.run.redraw = true;
            self.in_one_snapshot(|app| app.look_for_changes(true));
            return;
        }
        // An end that came: the membership goes (one entry, whichever
        // process is first), and the screen reloads as after any change.
        if self.sync.next_end.is_some_and(|end| end <= self.desk.now_time()) {
            self.sync.next_end = None;
            let _ = self.desk.notice_expiries();
            // This console's own write does not move the data version:
            // look anyway.
            self.run.redraw = true;
            self.in_one_snapshot(|app| app.look_for_changes(true));
            return;
        }
        // One read transaction for the look and the reload: one lock taken
        // on the database's shared memory, not one a statement — a commit
        // wakes every console on the server at once, and the kernel's lock
        // list for that file is as long as the number of them.
        self.in_one_snapshot(|app| app.look_for_changes(false));
    }

    /// Reloads what another process changed (or, `forced`, in any case).
    fn look_for_changes(&mut self, forced: bool) {
        let Ok(version) = self.desk.data_version() else { return };
        if version == self.sync.data_version && !forced {
            return;
        }
        self.sync.data_version = version;
        // Taking access away works at once: a revoked console ends.
        if let Some(why) = self.desk.revocation(&self.who.login) {
            self.run.ended = Some(why);
            return;
        }
        if self.welcoming() {
            return;
        }
        let login = self.who.login.clone();
        if self.who.actor.is_none() || self.who.workspace.is_none() {
            self.start_as(&login);
            return;
        }
        let members_selected = self.screens.members.list.selected;
        self.who.workspaces =
            self.who.actor.as_ref().and_then(|a| self.desk.list_workspaces(a).ok()).unwrap_or_default();
        if self.who.workspaces.iter().all(|w| Some(&w.name) != self.who.workspace.as_ref().map(|w| &w.name)) {
            self.start_as(&login);
            return;
        }
        self.reload();
        self.with_parts(|p| {
            p.screens.members.select_row(members_selected);
            p.screens.members.ensure_rows(&p.ctx);
        });
        self.load_invitations();
        self.reload_tab();
    }

    /// What `z` and `Z` would take back (and, on the Audit tab, whether the
    /// selected entry can be undone), looked up again only when what they
    /// depend on moved — never per frame.
    pub fn refresh_undo(&mut self) {
        let (Some(actor), Some(workspace)) = (self.who.actor.clone(), self.who.workspace.clone()) else {
            self.who.undo = None;
            self.who.redo = None;
            return;
        };
        let key = (self.sync.epoch, self.who.login.clone(), workspace.name.clone());
        if self.sync.undo_key.as_ref() != Some(&key) {
            let choice = |id: i64| UndoChoice {
                id,
                refusal: self.desk.undo_refusal(&actor, id).unwrap_or_else(|e| Some(e.to_string())),
            };
            let last = self.desk.last_undoable(&actor, &workspace.name, false).ok().flatten();
            let redo = self.desk.last_undoable(&actor, &workspace.name, true).ok().flatten();
            self.who.undo = last.map(choice);
            self.who.redo = redo.map(choice);
            self.sync.undo_key = Some(key);
        }
        if self.view.tab == Tab::Audit {
            self.with_parts(|p| p.screens.audit.look_up_undo(&p.ctx));
        }
    }

    /// Goes to tour step `index`: the data it started from (or, reached the
    /// first time, the data as it is, kept for coming back), its persona,
    /// tab and program.
    pub fn enter_step(&mut self, index: usize) {
        let Some(mut tour) = self.tour.take() else { return };
        let index = index.min(tour.steps.len().saturating_sub(1));
        match tour.start_of(index) {
            Some(start) => {
                let restored = self.desk.restore(start);
                self.report(restored);
            }
            None => {
                let snapshot = self.desk.snapshot();
                if let Some(snapshot) = self.report(snapshot) {
                    tour.keep_start(index, snapshot);
                }
            }
        }
        let step: Step = tour.begin(index);
        self.tour = Some(tour);
        self.layers.clear();
        self.stop_typing();
        self.screens.programs.clear_filter();
        self.who.workspace = None;
        self.start_as(&step.persona);
        self.switch_tab(step.tab);
        if let Some(name) = &step.program {
            let found = self.screens.programs.list.rows.iter().find(|p| &p.name == name);
            if let Some(app_id) = found.map(|p| p.app_id.clone()) {
                self.select_program(&app_id);
            }
        }
        self.status = None;
        self.run.redraw = true;
    }

    /// Starts the tour at its first step.
    pub fn start_tour(&mut self, steps: Vec<Step>) {
        self.tour = Some(Tour::new(steps));
        self.enter_step(0);
    }

    /// The demo back to how it started (and the tour, if on, at step 1).
    pub fn reset_demo(&mut self) -> crate::desk::DeskResult<()> {
        let Some(start) = self.stage.demo_start.take() else {
            return Err(crate::desk::Denial::read_only("Resetting the demo").into());
        };
        let restored = self.desk.restore(&start);
        self.stage.demo_start = Some(start);
        restored?;
        match self.tour.take() {
            Some(tour) => self.start_tour(tour.steps),
            None => {
                let owner = crate::desk::demo::demo_owner()?;
                self.who.workspace = None;
                self.start_as(&owner);
            }
        }
        Ok(())
    }

    /// Marks the tour's step done once its condition holds.
    pub fn check_tour(&mut self) {
        let newly_done = self.with_parts(|p| p.tour.as_mut().is_some_and(|tour| tour.check(&p.ctx)));
        if newly_done {
            self.run.redraw = true;
        }
    }

    /// Whether a tour step's condition holds now (as the persona on screen).
    pub fn holds(&self, done: &Done) -> bool {
        let events = self.tour.as_ref().map(|t| t.events.as_slice()).unwrap_or_default();
        tour::holds(done, events, &self.context())
    }

    /// An action the person took (or tried, refused): a tour step may wait on it.
    pub fn note_action(&mut self, action: super::action::Action, allowed: bool) {
        if let Some(tour) = self.tour.as_mut() {
            tour.note_action(action, allowed);
        }
    }

    /// Keeps the last keys pressed, for `--show-keys`.
    pub fn show_key(&mut self, key: crossterm::event::KeyEvent) {
        const SHOWN: usize = 6;
        let name = match key.code {
            crossterm::event::KeyCode::Char(' ') => "Space".to_string(),
            _ => super::keymap::key_name(super::keymap::of_event(key)),
        };
        self.stage.recent_keys.push_back(name);
        while self.stage.recent_keys.len() > SHOWN {
            self.stage.recent_keys.pop_front();
        }
    }
}
