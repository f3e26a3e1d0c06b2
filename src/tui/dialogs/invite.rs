//! Invite: pick a registered user (filter as you type) and a role. A role
//! the actor may not invite as is shown dimmed, with the reason.

use super::DURATIONS;
use super::{Outcome, Request};
use crate::desk::{Denial, User, WorkspaceRole};
use crate::sanitize;
use crate::tui::component::Context;
use crate::tui::theme::Theme;
use crate::tui::widgets::dialog_box::{cycle, footer, open_box, row};
use crate::tui::widgets::pick_list::{PickKey, PickList};
use crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

pub struct Invite {
    pub workspace: String,
    /// Each user with why they cannot be invited, if so.
    pub list: PickList<(User, Option<String>)>,
    pub roles: Vec<(WorkspaceRole, Result<(), Denial>)>,
    pub role: usize,
    /// How long the access lasts once accepted (into `DURATIONS`).
    pub duration: usize,
    pub error: Option<String>,
    /// Whether the person has done anything yet: until then no problem is
    /// shown (the first row may well be a member already).
    touched: bool,
    /// How someone not registered yet gets registered here.
    newcomers: Newcomers,
}

/// Who registers a person new to this database: only the operator may
/// register someone else (people register themselves on their first run).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Newcomers {
    /// On this machine: how the operator runs mpdesk on this database
    /// from another terminal here (found once, as the dialog opens: it
    /// looks at the PATH and the files).
    Local { mpdesk: String },
    /// Over SSH: the server's operator, who also adds their key.
    Server,
}

impl Newcomers {
    pub fn of(desk: &crate::desk::Desk) -> Self {
        match desk.is_remote() {
            true => Newcomers::Server,
            false => Newcomers::Local { mpdesk: crate::session::operator_command(desk.file(), "") },
        }
    }

    /// Why the list is empty (the footer's problem).
    pub fn nobody(filter: &str) -> String {
        match filter.trim() {
            "" => "no one else is registered".to_string(),
            typed => format!("no registered user matches \"{typed}\""),
        }
    }

    /// How someone not registered yet, `filter` if it is a login, is
    /// registered (shown where the list would be).
    pub fn how(&self, filter: &str) -> String {
        let typed = filter.trim();
        let login = match crate::domain::validate::login(typed) {
            Ok(()) => typed.to_string(),
            Err(_) => "LOGIN".to_string(),
        };
        match self {
            Newcomers::Local { mpdesk } => {
                let command = format!("{} user add {login}", mpdesk.trim_end());
                format!("Someone new is registered by the operator, in another terminal: {command} — then they are here to invite.")
            }
            Newcomers::Server => format!(
                "Someone new to this server is registered by its operator, who also adds their key (mpdesk user add {login}; mpdesk key add {login} FILE) — then they are here to invite."
            ),
        }
    }
}

impl Invite {
    pub fn new(
        workspace: &str,
        users: Vec<(User, Option<String>)>,
        roles: Vec<(WorkspaceRole, Result<(), Denial>)>,
        newcomers: Newcomers,
    ) -> Self {
        let role = roles.iter().position(|(_, d)| d.is_ok()).unwrap_or(0);
        Self {
            workspace: workspace.to_string(),
            list: PickList::new(users, 7),
            roles,
            role,
            duration: 0,
            error: None,
            touched: false,
            newcomers,
        }
    }

    /// The dialog for this workspace, starting from the first page of the
    /// registered users (`None`: they could not be read; the error is in `ctx`).
    pub fn open(ctx: &Context<'_>, workspace: &str, roles: Vec<(WorkspaceRole, Result<(), Denial>)>) -> Option<Self> {
        let page = crate::desk::Page::new(0, super::add_members_page());
        let users = ctx.report(ctx.desk.find_invitees(ctx.actor()?, workspace, None, page))?;
        Some(Self::new(workspace, users, roles, Newcomers::of(ctx.desk)))
    }

    fn problem(&self) -> Option<String> {
        match self.list.selected_item() {
            None => return Some(Newcomers::nobody(self.list.filter.value())),
            Some((user, Some(why))) => return Some(format!("{} cannot be invited: {why}", user.login)),
            Some((_, None)) => {}
        }
        match self.roles.get(self.role) {
            Some((_, Err(denial))) => Some(denial.to_string()),
            None => Some("no role to invite as".to_string()),
            Some((_, Ok(()))) => None,
        }
    }

    pub fn handle_key(&mut self, key: KeyEvent) -> Outcome {
        self.touched = true;
        match key.code {
            KeyCode::Esc => Outcome::Close,
            // How long: Shift-Tab moves to the next choice.
            KeyCode::BackTab => {
                self.duration = cycle(self.duration, DURATIONS.len(), true);
                Outcome::Nothing
            }
            // The role is the dialog's other field: Tab (or ←/→) moves to the next role.
            KeyCode::Tab | KeyCode::Left | KeyCode::Right => {
                self.role = (self.role + 1) % self.roles.len().max(1);
                self.error = None;
                Outcome::Nothing
            }
            KeyCode::Enter => match (self.problem(), self.list.selected_item(), self.roles.get(self.role)) {
                (None, Some((user, _)), Some((role, _))) => Outcome::Request(Request::Invite {
                    workspace: self.workspace.clone(),
                    login: user.login.clone(),
                    role: *role,
                    expires: DURATIONS[self.duration].1.map(str::to_string),
                }),
                _ => Outcome::Nothing,
            },
            _ => match self.list.handle_key(key) {
                PickKey::Filtered => {
                    self.error = None;
                    Outcome::FetchItems { next_page: false }
                }
                PickKey::AtEnd => Outcome::FetchItems { next_page: true },
                PickKey::Moved | PickKey::Ignored => Outcome::Nothing,
            },
        }
    }

    pub fn render(&self, frame: &mut Frame<'_>, area: Rect, theme: &Theme) {
        let inner = open_box(frame, area, 66, 16 + 2, &format!("Invite to {}", self.workspace), theme);
        if let Some(area) = row(inner, 0) {
            self.list.filter.render(frame, area, true, theme);
        }
        if let Some(area) = row(inner, 1) {
            let mut spans = vec![Span::styled(" Role (Tab)   ", theme.label())];
            for (i, (role, decision)) in self.roles.iter().enumerate() {
                let allowed = decision.is_ok();
                let mark = if allowed { "" } else { theme.disabled_mark() };
                let chosen = if i == self.role { "(•)" } else { "( )" };
                let mut style = theme.hint_label(allowed);
                if i == self.role {
                    style = style.patch(theme.selected(false));
                }
                spans.push(Span::styled(format!("{chosen} {mark}{}   ", role.title()), style));
            }
            frame.render_widget(Paragraph::new(Line::from(spans)), area);
        }
        if let Some(area) = row(inner, 2) {
            let text = format!(" For how long (Shift-Tab)   {} once accepted", DURATIONS[self.duration].0);
            frame.render_widget(Paragraph::new(Span::styled(text, theme.label())), area);
        }
        let list = Rect::new(
            inner.x,
            inner.y + 4,
            inner.width,
            (self.list.rows() as u16)
                .min(inner.height.saturating_sub(4 + crate::tui::widgets::dialog_box::FOOTER_ROWS)),
        );
        if self.list.items.is_empty() {
            let how = self.newcomers.how(self.list.filter.value());
            let text = Paragraph::new(Span::styled(sanitize::line(&how).into_owned(), theme.label()));
            frame.render_widget(text.wrap(ratatui::widgets::Wrap { trim: true }), list);
        }
        for (i, (user, why)) in self.list.visible().take(list.height as usize) {
            let mut style = if i == self.list.selected { theme.selected(true) } else { Default::default() };
            if why.is_some() {
                style = style.patch(theme.hint_label(false));
            }
            let text =
                format!(" {} {}", crate::tui::text::pad(&sanitize::line(&user.login), 16), sanitize::line(&user.name));
            let text = match why {
                Some(why) => format!("{text} — {}", sanitize::line(why)),
                None => text,
            };
            let line = Line::from(crate::tui::text::fit(&text, list.width as usize).into_owned()).style(style);
            frame.render_widget(
                Paragraph::new(line),
                Rect::new(list.x, list.y + (i - self.list.top) as u16, list.width, 1),
            );
        }
        let problem = self.error.clone().or_else(|| self.problem().filter(|_| self.touched));
        footer(frame, inner, problem.as_deref(), "Invite", self.problem().is_none(), theme);
    }
}

super::dialog_layer!(Invite, {
    fn fetch_items(&mut self, ctx: &crate::tui::component::Context<'_>, next_page: bool) {
        let Some(actor) = ctx.actor() else { return };
        let text = self.list.filter.value().to_string();
        let page = super::list_page(self.list.items.len(), next_page);
        match ctx.desk.find_invitees(actor, &self.workspace, Some(&text), page) {
            Ok(items) if next_page => self.list.append_items(items),
            Ok(items) => self.list.set_items(items),
            Err(e) => self.error = Some(e.to_string()),
        }
    }
});
