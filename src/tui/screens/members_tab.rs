//! The Members tab: the workspace's members and pending invitations, with
//! role, status, since, and a countdown for invitations; invite, and what
//! can be done to the selected row — each allowed or refused by the desk.

use crate::desk::{countdown_text, Denial, MemberOp, MemberStatus, Page, WorkspaceMember, WorkspaceRole};
use crate::domain::expiry::has_passed;
use crate::sanitize;
use crate::tui::action::Action;
use crate::tui::component::{offer, Component, Context, Offer, Outcome};
use crate::tui::dialogs::{Confirm, Invite, SetExpiry, TypeToConfirm};
use crate::tui::layout;
use crate::tui::request::{ExpiryTarget, Request};
use crate::tui::text::{column_widths, fit};
use crate::tui::widgets::grid::{Grid, GridRow};
use crate::tui::widgets::list_keys as nav;
use crate::tui::widgets::pane::{expires_cell, expiry_about, hidden_while_blocked};
use crate::tui::window::{ListWindow, PAGE};
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Wrap};
use ratatui::Frame;

#[derive(Default)]
pub struct WorkspaceMembers {
    pub list: ListWindow<WorkspaceMember>,
    /// What can be done to the selected row, allowed or why not.
    pub ops: Vec<(MemberOp, Result<(), Denial>)>,
    /// The roles that may be invited, allowed or why not.
    pub invite_roles: Vec<(WorkspaceRole, Result<(), Denial>)>,
    /// Whether the person may rename and delete the workspace, and why not.
    pub changes: Vec<(crate::domain::workspace_rules::WorkspaceChange, Result<(), Denial>)>,
    /// Only the members whose access ends within 7 days.
    pub expiring: bool,
}

/// The member operation an action performs.
fn member_op(action: Action) -> Option<MemberOp> {
    match action {
        Action::ChangeRole => Some(MemberOp::ChangeRole(WorkspaceRole::Master)),
        Action::BlockMember => Some(MemberOp::Block),
        Action::UnblockMember => Some(MemberOp::Unblock),
        Action::RemoveWorkspaceMember => Some(MemberOp::Remove),
        Action::Resend => Some(MemberOp::Resend),
        Action::Withdraw => Some(MemberOp::Withdraw),
        Action::Transfer => Some(MemberOp::Transfer),
        Action::SetExpiry => Some(MemberOp::Expire),
        _ => None,
    }
}

/// The same operation, whatever role a role change is to.
fn same_op(a: MemberOp, b: MemberOp) -> bool {
    std::mem::discriminant(&a) == std::mem::discriminant(&b)
}

impl WorkspaceMembers {
    pub fn reset(&mut self) {
        *self = Self::default();
    }

    /// Selects `login` if it is among the rows held (the first page after
    /// a refresh); else the selection stays.
    pub fn select_login(&mut self, ctx: &Context<'_>, login: &str) {
        if let Some(pos) = self.list.rows.iter().position(|m| m.login == login) {
            self.list.select(self.list.offset + pos as u64);
            self.ensure_rows(ctx);
        }
    }

    pub fn ensure_rows(&mut self, ctx: &Context<'_>) {
        let height = layout::tab_list_height(ctx.size);
        self.list.scroll_to_selection(height);
        let (Some(actor), Some(ws)) = (ctx.actor(), ctx.workspace()) else { return };
        if let Some(offset) = self.list.page_needed(height) {
            let page = Page::new(offset, PAGE);
            let rows = if self.expiring {
                ctx.desk.expiring_workspace_members(actor, ws, page)
            } else {
                ctx.desk.list_workspace_members(actor, ws, page)
            };
            let rows = ctx.report(rows).unwrap_or_default();
            self.list.fill(offset, rows);
        }
        let login = self.list.selected_row().map(|m| m.login.clone());
        self.ops = match login {
            Some(login) => ctx.desk.member_operations(actor, ws, &login).unwrap_or_default(),
            None => Vec::new(),
        };
    }

    /// The confirmation for an action on the selected row.
    fn confirm(&self, action: Action, ctx: &Context<'_>) -> Option<Outcome> {
        let (workspace, member) = (ctx.workspace()?.to_string(), self.list.selected_row()?);
        let login = member.login.clone();
        // The role a role change leads to, as the desk decided it.
        let other = self
            .ops
            .iter()
            .find_map(|(op, _)| match op {
                MemberOp::ChangeRole(role) => Some(*role),
                _ => None,
            })
            .unwrap_or(member.role);
        let (title, question, confirm, request) = match action {
            Action::ChangeRole => (
                "Change role",
                format!("Make {login} a {} of {workspace}? Their role on every mini program follows.", other.title()),
                "Change role",
                Request::ChangeRole { workspace, login, role: other },
            ),
            Action::BlockMember => (
                "Block member",
                format!("Block {login}? They see and do nothing in {workspace} until unblocked; their program memberships are kept."),
                "Block",
                Request::Block { workspace, login },
            ),
            Action::UnblockMember => (
                "Unblock member",
                format!("Unblock {login}? Their program memberships in {workspace} come back."),
                "Unblock",
                Request::Unblock { workspace, login },
            ),
            Action::RemoveWorkspaceMember => (
                "Remove member",
                format!("Remove {login} from {workspace}? This also removes them from every mini program of the workspace."),
                "Remove",
                Request::RemoveFromWorkspace { workspace, login },
            ),
            Action::Resend => (
                "Resend invitation",
                format!("Resend {login}'s invitation to {workspace}? It will expire 3 days from now."),
                "Resend",
                Request::Resend { workspace, login },
            ),
            Action::Withdraw => (
                "Withdraw invitation",
                format!("Withdraw {login}'s invitation to {workspace}?"),
                "Withdraw",
                Request::Withdraw { workspace, login },
            ),
            Action::Transfer => return Some(Outcome::push(TypeToConfirm::transfer(&workspace, &login))),
            Action::SetExpiry => {
                let about = expiry_about(&login, member.role.title(), &member.expires_at, ctx.now);
                let target = ExpiryTarget::Workspace { workspace, login };
                return Some(Outcome::push(SetExpiry::new(target, about)));
            }
            _ => return None,
        };
        Some(Outcome::push(Confirm::new(title, question, confirm, request)))
    }
}

impl Component for WorkspaceMembers {
    fn perform(&mut self, action: Action, ctx: &Context<'_>) -> Outcome {
        if action == Action::Invite {
            return match ctx.workspace() {
                Some(ws) => Outcome::push_read(Invite::open(ctx, ws, self.invite_roles.clone())),
                None => Outcome::Nothing,
            };
        }
        if let (Some(ws), Action::RenameWorkspace | Action::DeleteWorkspace) = (ctx.workspace(), action) {
            let workspace = ws.to_string();
            return Outcome::push(match action {
                Action::RenameWorkspace => TypeToConfirm::rename_workspace(&workspace),
                _ => TypeToConfirm::delete_workspace(&workspace),
            });
        }
        if action == Action::ExpiringSoon {
            self.expiring = !self.expiring;
            self.list = ListWindow::default();
            self.refresh(ctx);
            return Outcome::Nothing;
        }
        if let Some(outcome) = self.confirm(action, ctx) {
            return outcome;
        }
        if let Some(delta) = nav::delta(action, layout::tab_list_height(ctx.size)) {
            self.list.move_by(delta);
            self.ensure_rows(ctx);
        }
        Outcome::Nothing
    }

    fn hints(&self, _ctx: &Context<'_>, _focused: bool, offers: &mut Vec<Offer>) {
        if !self.invite_roles.is_empty() {
            // Allowed if any role may be invited; otherwise the first refusal.
            let allowed = self.invite_roles.iter().any(|(_, d)| d.is_ok());
            offers.push(if allowed {
                (Action::Invite, Ok(()))
            } else {
                offer(Action::Invite, &self.invite_roles[0].1)
            });
        }
        for (change, decision) in &self.changes {
            let action = match change {
                crate::domain::workspace_rules::WorkspaceChange::Rename => Action::RenameWorkspace,
                crate::domain::workspace_rules::WorkspaceChange::Delete => Action::DeleteWorkspace,
            };
            offers.push(offer(action, decision));
        }
        for action in Action::ALL {
            let Some(op) = member_op(action) else { continue };
            if let Some((_, decision)) = self.ops.iter().find(|(o, _)| same_op(*o, op)) {
                offers.push(offer(action, decision));
            }
        }
        offers.push((Action::ExpiringSoon, Ok(())));
        nav::offer_moves(offers);
    }

    fn refresh(&mut self, ctx: &Context<'_>) {
        let (Some(actor), Some(ws)) = (ctx.actor(), ctx.workspace()) else { return };
        self.invite_roles = ctx.desk.invite_options(actor, ws).unwrap_or_default();
        self.changes = ctx.desk.workspace_changes(actor, ws).unwrap_or_default();
        let total = if self.expiring {
            ctx.desk.count_expiring_workspace_members(actor, ws)
        } else {
            ctx.desk.count_workspace_members(actor, ws)
        };
        let total = ctx.report(total).unwrap_or(0);
        self.list.reset(total);
        self.ensure_rows(ctx);
    }

    fn draw(&self, frame: &mut Frame<'_>, area: Rect, ctx: &Context<'_>, _focused: bool) {
        let theme = ctx.theme;
        let list = &self.list;
        let workspace = ctx.workspace().map(|w| sanitize::line(w).into_owned()).unwrap_or_default();
        let filter = if self.expiring { " · access ending within 7 days (F: all)" } else { "" };
        let title =
            Line::from(Span::styled(format!(" Members of {workspace} ({}){filter} ", list.total), theme.title()));
        let block = Block::bordered().title(title).border_style(theme.border(true));
        let inner = block.inner(area);
        frame.render_widget(block, area);
        if list.total == 0 {
            // Never "(0)" and nothing else: say why the list is empty.
            let text = match &ctx.who.blocked {
                Some(notice) => hidden_while_blocked(notice, "Its members"),
                None if self.expiring => "No one's access here ends within 7 days (F: all).".to_string(),
                None => "No members you may see here.".to_string(),
            };
            let text = sanitize::line(&text).into_owned();
            frame.render_widget(Paragraph::new(Span::styled(text, theme.label())).wrap(Wrap { trim: true }), inner);
            return;
        }
        let header = GridRow::new(["Login", "Name", "Role", "Status", "Since", "Expires"]).style(theme.label());
        let widths = [
            Constraint::Fill(2),
            Constraint::Fill(3),
            Constraint::Length(9),
            Constraint::Length(8),
            Constraint::Length(10),
            Constraint::Length(17),
        ];
        let fits = column_widths(inner.width, &widths, 1);
        let rows: Vec<GridRow<'_>> = list
            .visible(inner.height.saturating_sub(1))
            .map(|(index, m)| {
                let style = if index == list.selected { theme.selected(true) } else { Default::default() };
                // An invitation's own countdown; a member's access end.
                let ends = match (&m.expires_at, m.status) {
                    (Some(expires), MemberStatus::Invited) => Line::from(countdown_text(expires, ctx.now)),
                    _ => expires_cell(&m.expires_at, ctx.now, theme),
                };
                let style = if m.status != MemberStatus::Invited && has_passed(m.expires_at.as_deref(), ctx.now) {
                    style.patch(theme.hint_label(false))
                } else {
                    style
                };
                // A person the operator disabled can do nothing, whatever
                // their membership says.
                let (status, status_style) = match m.status {
                    _ if m.disabled => ("disabled", theme.error()),
                    MemberStatus::Active => (m.status.as_str(), theme.ok()),
                    MemberStatus::Blocked => (m.status.as_str(), theme.error()),
                    MemberStatus::Invited => (m.status.as_str(), theme.label()),
                };
                GridRow::new(vec![
                    Line::from(fit(&sanitize::line(&m.login), fits[0]).into_owned()),
                    Line::from(fit(&sanitize::line(&m.name), fits[1]).into_owned()),
                    Line::from(m.role.title()),
                    Line::from(Span::styled(status, status_style)),
                    Line::from(sanitize::line(m.since.get(..10).unwrap_or(&m.since)).into_owned()),
                    ends,
                ])
                .style(style)
            })
            .collect();
        frame.render_widget(Grid::new(&fits, 1, rows).header(header), inner);
    }
}
