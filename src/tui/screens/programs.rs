//! The Programs list: the workspace's programs the person can view — one
//! page around the selection fetched from the store (keyset by name), a
//! filter as you type. Its selection is the program the other panes show.

use crate::desk::{Page, ProgramSummary, Seek};
use crate::sanitize;
use crate::tui::action::Action;
use crate::tui::component::{offer, Component, Context, Offer, Outcome, Pane};
use crate::tui::layout;
use crate::tui::request::Open;
use crate::tui::text::{column_widths, fit};
use crate::tui::widgets::grid::{Grid, GridRow};
use crate::tui::widgets::list_keys as nav;
use crate::tui::widgets::pane::{filter_span, pane_block};
use crate::tui::window::{ListWindow, PAGE};
use crossterm::event::KeyEvent;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;
use tui_input::Input;

#[derive(Default)]
pub struct ProgramList {
    pub list: ListWindow<ProgramSummary>,
    pub filter: Input,
    /// The filter is being typed into.
    pub editing: bool,
}

impl ProgramList {
    pub fn height(ctx: &Context<'_>) -> u16 {
        layout::list_height(ctx.size, Pane::Programs)
    }

    fn text(&self) -> Option<String> {
        Some(self.filter.value().to_string()).filter(|t| !t.is_empty())
    }

    pub fn selected_app_id(&self) -> Option<String> {
        self.list.selected_row().map(|p| p.app_id.clone())
    }

    pub fn to_first_row(&mut self) {
        self.list.selected = 0;
        self.list.top = 0;
    }

    /// Reloads from the first page, keeping the same program selected if
    /// it is still near where it was. No count before the first frame: one
    /// page and one row more say whether there is more; the total is
    /// counted only when someone goes near the end (or already is deep).
    pub fn reload(&mut self, ctx: &Context<'_>) {
        let (Some(actor), Some(workspace)) = (ctx.actor(), ctx.workspace()) else { return };
        let selected_app = self.selected_app_id();
        let text = self.text();
        let probe = ctx.desk.seek_programs(actor, workspace, text.as_deref(), Seek::First, PAGE + 1);
        let mut first_page = ctx.report(probe).unwrap_or_default();
        let found = first_page.len() as u64;
        let deep = self.list.selected + 2 * Self::height(ctx) as u64 >= PAGE;
        self.list.offset = 0;
        self.list.rows.clear();
        if found <= PAGE {
            self.list.reset(found);
        } else if deep {
            let total = ctx.desk.count_programs(actor, Some(workspace), text.as_deref());
            let total = ctx.report(total).unwrap_or(found);
            self.list.reset(total);
        } else {
            self.list.reset(found);
            self.list.exact = false;
        }
        // The probe is the first page: most views start there.
        first_page.truncate(PAGE as usize);
        self.list.fill(0, first_page);
        self.ensure_rows(ctx);
        if let Some(app_id) = selected_app {
            let found = self.list.rows.iter().position(|p| p.app_id == app_id);
            if let Some(pos) = found {
                self.list.select(self.list.offset + pos as u64);
            }
        }
    }

    /// Fetches programs if the visible ones are not loaded: next to what
    /// is loaded by name (keyset), from either end, and only for a jump
    /// into the middle by offset — so scrolling costs one page at any depth.
    pub fn ensure_rows(&mut self, ctx: &Context<'_>) {
        let height = Self::height(ctx);
        if self.list.near_unknown_end(height) {
            self.count_exactly(ctx);
        }
        self.list.scroll_to_selection(height);
        let (Some(actor), Some(workspace)) = (ctx.actor(), ctx.workspace()) else { return };
        if self.list.page_needed(height).is_none() {
            return;
        }
        let text = self.text();
        let text = text.as_deref();
        let w = &self.list;
        let (top, total) = (w.top, w.total);
        let end = (top + height as u64).min(total);
        let (start, loaded_end) = (w.offset, w.offset + w.rows.len() as u64);
        let first = w.rows.first().map(|p| p.name.clone());
        let last = w.rows.last().map(|p| p.name.clone());
        let fetched = match (first, last) {
            (Some(_), Some(last)) if top >= start && top <= loaded_end + PAGE / 2 && end > loaded_end => {
                let next = ctx.desk.seek_programs(actor, workspace, text, Seek::After(&last), PAGE);
                ctx.report(next).map(|next| {
                    let mut rows = self.list.rows.split_off((top - start) as usize);
                    rows.extend(next);
                    (top, rows)
                })
            }
            (Some(first), Some(_)) if top < start && start - top <= PAGE / 2 => {
                let previous = ctx.desk.seek_programs(actor, workspace, text, Seek::Before(&first), PAGE);
                ctx.report(previous).map(|mut rows| {
                    let keep = ((end.max(start) - start) as usize).min(self.list.rows.len());
                    let offset = start.saturating_sub(rows.len() as u64);
                    rows.extend(self.list.rows.drain(..keep));
                    (offset, rows)
                })
            }
            // The last page only when the visible rows lie in it (with 201
            // to ~224 programs, "near the end" was not "in the last page").
            _ if top >= total.saturating_sub(PAGE) && end + PAGE >= total => {
                let rows = ctx.desk.seek_programs(actor, workspace, text, Seek::Last, PAGE);
                ctx.report(rows).map(|rows| (total.saturating_sub(rows.len() as u64), rows))
            }
            _ if top < PAGE => {
                let rows = ctx.desk.seek_programs(actor, workspace, text, Seek::First, PAGE);
                ctx.report(rows).map(|rows| (0, rows))
            }
            _ => {
                let offset = top.saturating_sub(PAGE / 4);
                let rows = ctx.desk.list_programs(actor, Some(workspace), text, Page::new(offset, PAGE));
                ctx.report(rows).map(|rows| (offset, rows))
            }
        };
        if let Some((offset, rows)) = fetched {
            self.list.fill(offset, rows);
        }
    }

    /// The list's length, counted (for End, or near the end).
    pub fn count_exactly(&mut self, ctx: &Context<'_>) {
        if self.list.exact {
            return;
        }
        let (Some(actor), Some(workspace)) = (ctx.actor(), ctx.workspace()) else { return };
        let total = ctx.desk.count_programs(actor, Some(workspace), self.text().as_deref());
        if let Some(total) = ctx.report(total) {
            self.list.total = total;
            self.list.exact = true;
        }
    }

    /// Selects `app_id`: found in the rows held, or on the first page
    /// (the list is ordered by name); else the selection stays.
    pub fn select_app(&mut self, ctx: &Context<'_>, app_id: &str) {
        let (Some(actor), Some(workspace)) = (ctx.actor(), ctx.workspace()) else { return };
        if let Some(pos) = self.list.rows.iter().position(|p| p.app_id == app_id) {
            self.list.select(self.list.offset + pos as u64);
        } else if let Ok(rows) = ctx.desk.list_programs(actor, Some(workspace), None, Page::new(0, PAGE)) {
            if let Some(pos) = rows.iter().position(|p| p.app_id == app_id) {
                self.list.fill(0, rows);
                self.list.select(pos as u64);
            }
        }
        self.ensure_rows(ctx);
    }

    /// Selects the row `index` (a click).
    pub fn click(&mut self, ctx: &Context<'_>, index: u64) -> Outcome {
        if index >= self.list.total {
            return Outcome::Nothing;
        }
        self.list.select(index);
        self.ensure_rows(ctx);
        Outcome::SelectionMoved
    }

    fn move_by(&mut self, ctx: &Context<'_>, delta: i64) -> Outcome {
        let before = self.list.selected;
        self.list.move_by(delta);
        self.ensure_rows(ctx);
        if self.list.selected != before {
            Outcome::SelectionMoved
        } else {
            Outcome::Nothing
        }
    }
}

impl Component for ProgramList {
    fn captures_keys(&self) -> bool {
        self.editing
    }

    fn handle_key(&mut self, key: KeyEvent, ctx: &Context<'_>) -> Outcome {
        let step = nav::filter_key(&mut self.filter, &mut self.editing, key, ctx);
        nav::filter_outcome(step, Pane::Programs, |action| self.perform(action, ctx))
    }

    fn perform(&mut self, action: Action, ctx: &Context<'_>) -> Outcome {
        match action {
            Action::CreateProgram => match ctx.workspace() {
                Some(ws) => Outcome::Open(Open::CreateProgram { workspace: ws.to_string() }),
                None => Outcome::Nothing,
            },
            Action::Filter => {
                self.editing = true;
                Outcome::Nothing
            }
            Action::Bottom => {
                self.count_exactly(ctx);
                self.move_by(ctx, i64::MAX / 2)
            }
            _ => match nav::delta(action, Self::height(ctx)) {
                Some(delta) => self.move_by(ctx, delta),
                None => Outcome::Nothing,
            },
        }
    }

    fn hints(&self, ctx: &Context<'_>, focused: bool, offers: &mut Vec<Offer>) {
        if let Some(decision) = &ctx.who.create_program {
            offers.push(offer(Action::CreateProgram, decision));
        }
        if focused {
            nav::offer_moves(offers);
            offers.push((Action::Filter, Ok(())));
        }
    }

    fn draw(&self, frame: &mut Frame<'_>, area: Rect, ctx: &Context<'_>, focused: bool) {
        let theme = ctx.theme;
        let list = &self.list;
        let total = if list.exact { list.total.to_string() } else { format!("{}+", list.total.saturating_sub(1)) };
        let position = if list.total == 0 { String::new() } else { format!(" {}/{total}", list.selected + 1) };
        let mut title = vec![Span::styled(format!(" Programs{position} "), theme.title())];
        title.extend(filter_span(theme, self.editing, self.filter.value()));
        let block = pane_block(theme, focused, Line::from(title));
        let inner = block.inner(area);
        frame.render_widget(block, area);
        if list.total == 0 {
            let text = if self.filter.value().is_empty() {
                "No mini programs you can view here."
            } else {
                "No program matches the filter."
            };
            frame.render_widget(Paragraph::new(Span::styled(text, theme.label())), inner);
            return;
        }
        // The name comes first: the status word and the role show only where
        // they leave the name room (the glyph always says the status).
        let with_status = inner.width >= 40;
        let with_role = inner.width >= 52;
        let mut widths = vec![Constraint::Length(1), Constraint::Fill(1)];
        if with_status {
            widths.push(Constraint::Length(8));
        }
        if with_role {
            widths.push(Constraint::Length(9));
        }
        let fits = column_widths(inner.width, &widths, 1);
        let rows: Vec<GridRow<'_>> = list
            .visible(inner.height)
            .map(|(index, p)| {
                let style = if index == list.selected { theme.selected(focused) } else { Default::default() };
                let mut cells = vec![
                    Line::from(Span::styled(p.status.glyph(), theme.status(p.status))),
                    Line::from(fit(&sanitize::line(&p.name), fits[1]).into_owned()),
                ];
                if with_status {
                    cells.push(Line::from(Span::styled(p.status.title(), theme.status(p.status))));
                }
                if with_role {
                    cells.push(Line::from(p.my_role.title()));
                }
                GridRow::new(cells).style(style)
            })
            .collect();
        frame.render_widget(Grid::new(&fits, 1, rows), inner);
    }
}
