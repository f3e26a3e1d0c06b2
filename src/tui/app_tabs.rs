//! Loading the Members, Audit and Roles tabs and the actor's invitations.
//! Like the rest of `App`, these read the desk only when something changed.

use super::app::{App, Pane, Tab};
use super::dialogs::{Dialog, InvitationList};
use super::window::{ListWindow, PAGE};
use crate::desk::{AuditQuery, InvitationState, Page};

impl App {
    /// Reloads whichever of the Members and Audit tabs is showing.
    pub fn reload_tab(&mut self) {
        self.now = self.desk.now_time();
        match self.tab {
            Tab::Members => self.reload_ws_members(),
            Tab::Audit => self.reload_audit(),
            Tab::Programs | Tab::Roles => {}
        }
    }

    pub fn switch_tab(&mut self, tab: Tab) {
        self.tab = tab;
        self.editing_filter = None;
        self.focus = match tab {
            Tab::Programs => Pane::Programs,
            // The Roles tab scrolls like a details pane.
            Tab::Roles => Pane::Details,
            Tab::Members => Pane::WorkspaceMembers,
            Tab::Audit => Pane::Audit,
        };
        self.reload_tab();
    }

    pub fn tab_list_height(&self) -> u16 {
        super::layout::tab_list_height(self.ui_size())
    }

    /// The actor's pending, unexpired invitations.
    pub fn load_invitations(&mut self) {
        self.my_invitations = match &self.actor {
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

    pub fn open_invitations(&mut self) {
        let now = self.desk.now_time();
        self.dialog = Some(Dialog::Invitations(InvitationList::new(self.my_invitations.clone(), now)));
    }

    pub fn reload_ws_members(&mut self) {
        let (Some(actor), Some(ws)) = (self.actor.clone(), self.workspace.clone()) else { return };
        self.invite_options = self.desk.invite_options(&actor, &ws.name).unwrap_or_default();
        let total = self.desk.count_workspace_members(&actor, &ws.name);
        let total = self.report(total).unwrap_or(0);
        self.ws_members.reset(total);
        self.ensure_ws_member_rows();
    }

    pub fn ensure_ws_member_rows(&mut self) {
        let height = self.tab_list_height();
        self.ws_members.scroll_to_selection(height);
        let (Some(actor), Some(ws)) = (self.actor.clone(), self.workspace.clone()) else { return };
        if let Some(offset) = self.ws_members.page_needed(height) {
            let rows = self.desk.list_workspace_members(&actor, &ws.name, Page::new(offset, PAGE));
            let rows = self.report(rows).unwrap_or_default();
            self.ws_members.fill(offset, rows);
        }
        let login = self.ws_members.selected_row().map(|m| m.login.clone());
        self.ws_member_ops = match login {
            Some(login) => self.desk.member_operations(&actor, &ws.name, &login).unwrap_or_default(),
            None => Vec::new(),
        };
    }

    fn audit_query(&self) -> AuditQuery {
        let text = self.audit_filter.value().to_string();
        AuditQuery {
            workspace: self.workspace.as_ref().map(|w| w.name.clone()),
            text: Some(text).filter(|t| !t.is_empty()),
            limit: PAGE + 1,
            ..Default::default()
        }
    }

    /// Back to the newest entries; the length is found only by paging on.
    pub fn reload_audit(&mut self) {
        let Some(actor) = self.actor.clone() else { return };
        let rows = self.desk.audit(&actor, &self.audit_query());
        let rows = self.report(rows).unwrap_or_default();
        let selected = self.audit.selected;
        self.audit = ListWindow { exact: false, ..ListWindow::default() };
        self.audit.fill_probed(0, rows);
        self.audit.select(selected);
        self.ensure_audit_rows();
    }

    /// Keeps the visible entries loaded, paging by id (keyset) in either
    /// direction, so a million entries scroll as fast as ten.
    pub fn ensure_audit_rows(&mut self) {
        let height = self.tab_list_height();
        self.audit.scroll_to_selection(height);
        let Some(actor) = self.actor.clone() else { return };
        let end = self.audit.top + height as u64;
        let loaded_end = self.audit.offset + self.audit.rows.len() as u64;
        if end + 1 >= loaded_end && !self.audit.exact {
            if let Some(last) = self.audit.rows.last().map(|(id, _)| *id) {
                let query = AuditQuery { before: Some(last), ..self.audit_query() };
                let older = self.desk.audit(&actor, &query);
                let older = self.report(older).unwrap_or_default();
                let more = older.len() as u64 > PAGE;
                let mut rows = std::mem::take(&mut self.audit.rows);
                let start = self.audit.offset;
                rows.extend(older.into_iter().take(PAGE as usize));
                // Keep the window bounded: drop what is far above the view.
                let drop = (self.audit.top.saturating_sub(start)).saturating_sub(PAGE / 2) as usize;
                let drop = drop.min(rows.len());
                rows.drain(..drop);
                let offset = start + drop as u64;
                let total = offset + rows.len() as u64;
                self.audit.fill(offset, rows);
                self.audit.total = if more { total + 1 } else { total };
                self.audit.exact = !more;
            }
        }
        // Back near the start from far below (End, then Home): the newest
        // page, not one page up from where the window was.
        if self.audit.top < PAGE && self.audit.offset > self.audit.top + PAGE / 2 {
            let newest = self.desk.audit(&actor, &self.audit_query());
            let mut rows = self.report(newest).unwrap_or_default();
            rows.truncate(PAGE as usize);
            self.audit.fill(0, rows);
            return;
        }
        if self.audit.top < self.audit.offset {
            if let Some(first) = self.audit.rows.first().map(|(id, _)| *id) {
                let query = AuditQuery { after: Some(first), limit: PAGE, ..self.audit_query() };
                let newer = self.desk.audit(&actor, &query);
                let mut rows = self.report(newer).unwrap_or_default();
                let offset = self.audit.offset.saturating_sub(rows.len() as u64);
                let keep = (PAGE as usize).min(self.audit.rows.len());
                rows.extend(self.audit.rows.drain(..keep));
                self.audit.fill(offset, rows);
            }
        }
    }

    /// "Go to the end" of the log: counts once, then reads the oldest page.
    pub fn audit_to_end(&mut self) {
        let Some(actor) = self.actor.clone() else { return };
        let query = self.audit_query();
        let total = self.desk.count_audit(&actor, &query);
        let Some(total) = self.report(total) else { return };
        let oldest = self.desk.audit(&actor, &AuditQuery { oldest: true, limit: PAGE, ..query });
        let rows = self.report(oldest).unwrap_or_default();
        self.audit.total = total;
        self.audit.exact = true;
        self.audit.fill(total.saturating_sub(rows.len() as u64), rows);
        self.audit.select(total.saturating_sub(1));
        self.audit.scroll_to_selection(self.tab_list_height());
    }
}
