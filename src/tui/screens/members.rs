//! Everyone who reaches the selected program — explicit members and the
//! workspace's Owner and Masters — with role, source, added by/at; paged
//! from the store, filtered as you type; the selected member removed.

use crate::desk::{Denial, Page, ProgramMember};
use crate::domain::expiry::has_passed;
use crate::sanitize;
use crate::tui::action::Action;
use crate::tui::component::{offer, Component, Context, Offer, Outcome, Pane};
use crate::tui::dialogs::{Confirm, SetExpiry};
use crate::tui::layout;
use crate::tui::request::{ExpiryTarget, Request};
use crate::tui::text::{column_widths, fit};
use crate::tui::widgets::grid::{Grid, GridRow};
use crate::tui::widgets::list_keys as nav;
use crate::tui::widgets::pane::{expires_cell, expiry_about};
use crate::tui::widgets::pane::{filter_span, pane_block, short_time};
use crate::tui::window::{ListWindow, PAGE};
use crossterm::event::KeyEvent;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;
use tui_input::Input;

/// A column of the members pane.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Column {
    Login,
    Name,
    Role,
    Source,
    Expires,
    Added,
}

impl Column {
    fn title(self) -> &'static str {
        match self {
            Self::Login => "Login",
            Self::Name => "Name",
            Self::Role => "Role",
            Self::Source => "Source",
            Self::Expires => "Expires",
            Self::Added => "Added",
        }
    }

    fn width(self) -> Constraint {
        match self {
            Self::Login => Constraint::Fill(2),
            Self::Name | Self::Source => Constraint::Fill(3),
            Self::Role => Constraint::Length(9),
            Self::Expires => Constraint::Length(11),
            Self::Added => Constraint::Length(17),
        }
    }
}

#[derive(Default)]
pub struct MembersPane {
    pub list: ListWindow<ProgramMember>,
    pub filter: Input,
    pub editing: bool,
    /// Whether the selected member may be removed, as the desk decides.
    pub removal: Option<Result<(), Denial>>,
    /// Whether the person may set when the selected member's access ends.
    pub expiry: Option<Result<(), Denial>>,
}

impl MembersPane {
    /// No program selected: nobody to list.
    pub fn clear(&mut self) {
        self.list = Default::default();
        self.removal = None;
    }

    /// Back on the row it was on (after a reload from elsewhere).
    pub fn select_row(&mut self, row: u64) {
        self.list.select(row);
    }

    /// Empties the filter; whether it held anything (then its rows are
    /// fetched again).
    pub fn clear_filter(&mut self) -> bool {
        let had = !self.filter.value().is_empty();
        self.filter.reset();
        had
    }

    /// The filter no longer takes keys.
    pub fn stop_editing(&mut self) {
        self.editing = false;
    }

    pub fn height(ctx: &Context<'_>) -> u16 {
        layout::list_height(ctx.size, Pane::Members)
    }

    fn text(&self) -> Option<String> {
        Some(self.filter.value().to_string()).filter(|t| !t.is_empty())
    }

    /// Reloads from its first page. Its length is only counted when the
    /// list is longer than a page and the view reaches its end, so moving
    /// between programs costs one page, not a count.
    pub fn reload(&mut self, ctx: &Context<'_>) {
        let (Some(actor), Some(app_id)) = (ctx.actor(), ctx.app_id()) else {
            self.list = ListWindow::default();
            self.removal = None;
            return;
        };
        let selected = self.list.selected;
        self.list = ListWindow { selected, top: self.list.top, exact: false, ..ListWindow::default() };
        let rows = ctx.desk.find_members(actor, app_id, self.text().as_deref(), Page::new(0, PAGE + 1));
        let rows = ctx.report(rows).unwrap_or_default();
        self.list.fill_probed(0, rows);
        self.list.top = self.list.top.min(self.list.selected);
        self.ensure_rows(ctx);
    }

    /// From the first row (another program was selected).
    pub fn reload_from_top(&mut self, ctx: &Context<'_>) {
        self.list.selected = 0;
        self.list.top = 0;
        self.reload(ctx);
    }

    /// Counts the members exactly (for "go to the last row").
    pub fn count_exactly(&mut self, ctx: &Context<'_>) {
        if self.list.exact {
            return;
        }
        let (Some(actor), Some(app_id)) = (ctx.actor(), ctx.app_id()) else { return };
        let total = ctx.desk.count_members(actor, app_id, self.text().as_deref());
        if let Some(total) = ctx.report(total) {
            self.list.total = total;
            self.list.exact = true;
        }
    }

    pub fn ensure_rows(&mut self, ctx: &Context<'_>) {
        let height = Self::height(ctx);
        self.list.scroll_to_selection(height);
        let (Some(actor), Some(app_id)) = (ctx.actor(), ctx.app_id()) else { return };
        let text = self.text();
        if self.list.near_unknown_end(height) {
            let offset = self.list.top.saturating_sub(PAGE / 4);
            let rows = ctx.desk.find_members(actor, app_id, text.as_deref(), Page::new(offset, PAGE + 1));
            let rows = ctx.report(rows).unwrap_or_default();
            self.list.fill_probed(offset, rows);
            self.list.scroll_to_selection(height);
        }
        if let Some(offset) = self.list.page_needed(height) {
            let rows = ctx.desk.find_members(actor, app_id, text.as_deref(), Page::new(offset, PAGE));
            let rows = ctx.report(rows).unwrap_or_default();
            self.list.fill(offset, rows);
        }
        let login = self.list.selected_row().map(|m| m.login.clone());
        (self.removal, self.expiry) = match (ctx.actor(), ctx.app_id(), login) {
            (Some(actor), Some(app_id), Some(login)) => (
                ctx.desk.member_removal(actor, app_id, &login).ok(),
                ctx.desk.member_expiry_decision(actor, app_id, &login).ok(),
            ),
            _ => (None, None),
        };
    }

    /// Selects the row `index` (a click).
    pub fn click(&mut self, ctx: &Context<'_>, index: u64) {
        if index < self.list.total {
            self.list.select(index);
            self.ensure_rows(ctx);
        }
    }
}

impl Component for MembersPane {
    fn captures_keys(&self) -> bool {
        self.editing
    }

    fn handle_key(&mut self, key: KeyEvent, ctx: &Context<'_>) -> Outcome {
        let step = nav::filter_key(&mut self.filter, &mut self.editing, key, ctx);
        nav::filter_outcome(step, Pane::Members, |action| self.perform(action, ctx))
    }

    fn perform(&mut self, action: Action, ctx: &Context<'_>) -> Outcome {
        match action {
            Action::Filter => self.editing = true,
            Action::RemoveMember => {
                let (Some(member), Some(selection)) = (self.list.selected_row(), ctx.selection) else {
                    return Outcome::Nothing;
                };
                let (login, name) = (member.login.clone(), &selection.detail.summary.name);
                let question = format!("Remove {login} from {name}? They can be added again later.");
                let app_id = selection.detail.summary.app_id.clone();
                let request = Request::RemoveMember { app_id, login };
                return Outcome::push(Confirm::new("Remove member", question, "Remove", request));
            }
            Action::SetExpiry => {
                let (Some(member), Some(app_id)) = (self.list.selected_row(), ctx.app_id()) else {
                    return Outcome::Nothing;
                };
                let about = expiry_about(&member.login, member.role.title(), &member.expires_at, ctx.now);
                let target = ExpiryTarget::Program { app_id: app_id.to_string(), login: member.login.clone() };
                return Outcome::push(SetExpiry::new(target, about));
            }
            _ => {
                if action == Action::Bottom {
                    self.count_exactly(ctx);
                }
                if let Some(delta) = nav::delta(action, Self::height(ctx)) {
                    self.list.move_by(delta);
                    self.ensure_rows(ctx);
                }
            }
        }
        Outcome::Nothing
    }

    fn hints(&self, _ctx: &Context<'_>, focused: bool, offers: &mut Vec<Offer>) {
        if !focused {
            return;
        }
        if let (Some(_), Some(decision)) = (self.list.selected_row(), &self.removal) {
            offers.push(offer(Action::RemoveMember, decision));
        }
        if let (Some(_), Some(decision)) = (self.list.selected_row(), &self.expiry) {
            offers.push(offer(Action::SetExpiry, decision));
        }
        nav::offer_moves(offers);
        offers.push((Action::Filter, Ok(())));
    }

    fn draw(&self, frame: &mut Frame<'_>, area: Rect, ctx: &Context<'_>, focused: bool) {
        let theme = ctx.theme;
        let list = &self.list;
        let count = if list.exact { list.total.to_string() } else { format!("{}+", list.total.saturating_sub(1)) };
        let mut title = vec![Span::styled(format!(" Members ({count}) "), theme.title())];
        title.extend(filter_span(theme, self.editing, self.filter.value()));
        let block = pane_block(theme, focused, Line::from(title));
        let inner = block.inner(area);
        frame.render_widget(block, area);
        if ctx.selection.is_none() {
            return;
        }
        if list.total == 0 {
            frame.render_widget(Paragraph::new(Span::styled("No member matches the filter.", theme.label())), inner);
            return;
        }
        // "Added by/at" only where it fits beside the rest.
        let wide = inner.width >= 66;
        // Narrow, "Expires" takes the place of "Source" while someone shown
        // has an end (the source is in the details of every row anyway).
        let height = inner.height.saturating_sub(1);
        let ending = list.visible(height).any(|(_, m)| m.expires_at.is_some());
        let columns: &[Column] = match (wide, ending) {
            (true, _) => &[Column::Login, Column::Name, Column::Role, Column::Source, Column::Expires, Column::Added],
            (false, true) => &[Column::Login, Column::Name, Column::Role, Column::Expires],
            (false, false) => &[Column::Login, Column::Name, Column::Role, Column::Source],
        };
        let header = GridRow::new(columns.iter().map(|c| c.title())).style(theme.label());
        let widths: Vec<Constraint> = columns.iter().map(|c| c.width()).collect();
        let fits = column_widths(inner.width, &widths, 1);
        let rows: Vec<GridRow<'_>> = list
            .visible(inner.height.saturating_sub(1))
            .map(|(index, m)| {
                let style = if index == list.selected { theme.selected(focused) } else { Default::default() };
                let added = match (&m.added_by, &m.added_at) {
                    (Some(by), Some(at)) => {
                        format!("{} {}", sanitize::line(by), short_time(at).get(..10).unwrap_or_default())
                    }
                    _ => "—".to_string(),
                };
                let cells: Vec<Line<'_>> = columns
                    .iter()
                    .zip(&fits)
                    .map(|(column, width)| {
                        let text = match column {
                            Column::Login => sanitize::line(&m.login).into_owned(),
                            Column::Name => sanitize::line(&m.name).into_owned(),
                            Column::Role => m.role.title().to_string(),
                            Column::Source if m.disabled => "disabled".to_string(),
                            Column::Source => m.source.title().to_string(),
                            Column::Expires => return expires_cell(&m.expires_at, ctx.now, theme),
                            Column::Added => added.clone(),
                        };
                        Line::from(fit(&text, *width).into_owned())
                    })
                    .collect();
                let style = if has_passed(m.expires_at.as_deref(), ctx.now) {
                    style.patch(theme.hint_label(false))
                } else {
                    style
                };
                GridRow::new(cells).style(style)
            })
            .collect();
        frame.render_widget(Grid::new(&fits, 1, rows).header(header), inner);
    }
}
