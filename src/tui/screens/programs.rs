//! The Programs list: the workspace's programs the person can view — one
//! page around the selection fetched from the store (keyset by name), a
//! filter as you type. Its selection is the program the other panes show.

use crate::desk::{Page, ProgramSummary};
use crate::sanitize;
use crate::tui::action::Action;
use crate::tui::background::{Answer, Job, ProgramSeek};
use crate::tui::component::{offer, Component, Context, Offer, Outcome, Pane};
use crate::tui::dialogs::ProgramForm;
use crate::tui::layout;
use crate::tui::text::{column_widths, fit};
use crate::tui::widgets::grid::{Grid, GridRow};
use crate::tui::widgets::list_keys as nav;
use crate::tui::widgets::pane::{filter_span, hidden_while_blocked, pane_block};
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
    /// What the list waits for from the background reader.
    waiting: Vec<Waiting>,
}

/// A read the background reader finishes (see `background.rs`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Waiting {
    /// The first page (a filter with few matches far apart).
    FirstPage,
    /// The rows the view needs.
    Rows,
    /// The length, to place a deep selection.
    Count,
    /// The length, for End.
    Bottom,
}

/// Where a page goes in the rows held.
enum Merge {
    /// After the rows held from this index on.
    Append { keep_from: u64 },
    /// Before the rows held, keeping this many of them.
    Prepend { keep: usize },
    /// In their place, starting at this index (`None`: the last page).
    Replace(Option<u64>),
}

impl ProgramList {
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

    fn wait(&mut self, what: Waiting) {
        if !self.waiting.contains(&what) {
            self.waiting.push(what);
        }
    }

    /// A page of this list: `None` while the background reader finds it.
    fn fetch(&self, ctx: &Context<'_>, seek: ProgramSeek, limit: u64) -> Option<Vec<ProgramSummary>> {
        let (Some(actor), Some(workspace)) = (ctx.actor(), ctx.workspace()) else { return Some(Vec::new()) };
        let job =
            Job::Programs { actor: actor.clone(), workspace: workspace.to_string(), text: self.text(), seek, limit };
        let answer = ctx.background.answer(ctx.desk, job)?;
        Some(ctx.report(answer).map(Answer::programs).unwrap_or_default())
    }

    /// The list's length, counted no further than `up_to` if given (or
    /// `fallback` if the count failed; the failure is reported): `None`
    /// while the background reader counts.
    fn fetch_count(&self, ctx: &Context<'_>, up_to: Option<u64>, fallback: u64) -> Option<u64> {
        let (Some(actor), Some(workspace)) = (ctx.actor(), ctx.workspace()) else { return Some(0) };
        let job =
            Job::CountPrograms { actor: actor.clone(), workspace: workspace.to_string(), text: self.text(), up_to };
        let answer = ctx.background.answer(ctx.desk, job)?;
        Some(ctx.report(answer).map(Answer::count).unwrap_or(fallback))
    }

    /// Reloads from the first page, keeping the same program selected if
    /// it is still near where it was. No count before the first frame: one
    /// page and one row more say whether there is more; pages further on
    /// say more as someone scrolls, and the total is counted (off the key
    /// path) only for End or a selection already deep.
    pub fn reload(&mut self, ctx: &Context<'_>) {
        self.waiting.clear();
        let selected_app = self.selected_app_id();
        let height = Self::height(ctx) as u64;
        // With the selection on the first screen, two screens' rows are
        // read (each costs its own lookups) and the length only as far as
        // a page, from the index: the first frame, and every console's
        // refresh after a commit, wait for no more.
        let screens = 2 * height.max(1);
        let short = self.text().is_none() && self.list.selected < height && screens < PAGE;
        let limit = if short { screens + 1 } else { PAGE + 1 };
        let Some(mut first_page) = self.fetch(ctx, ProgramSeek::First, limit) else {
            self.list = ListWindow::default();
            self.wait(Waiting::FirstPage);
            return;
        };
        let mut found = first_page.len() as u64;
        if short && found == limit {
            // More than a page? Its length up to one row past one.
            match self.fetch_count(ctx, Some(PAGE + 1), PAGE + 1) {
                Some(length) => found = length.max(found),
                None => {
                    self.list = ListWindow::default();
                    self.wait(Waiting::FirstPage);
                    return;
                }
            }
        }
        let deep = self.list.selected + 2 * height >= PAGE;
        self.list.offset = 0;
        self.list.rows.clear();
        if found <= PAGE {
            self.list.reset(found);
        } else if deep {
            // Where the selection was, until the count says otherwise.
            let selected = self.list.selected;
            self.list.reset(found.max(selected + 1));
            self.list.exact = false;
            self.count_now_or_later(ctx);
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

    /// What the background reader finished: each read still waited for is
    /// asked again (now known, or asked anew).
    pub fn answered(&mut self, ctx: &Context<'_>) {
        for what in std::mem::take(&mut self.waiting) {
            match what {
                Waiting::FirstPage => self.reload(ctx),
                Waiting::Rows => self.ensure_rows(ctx),
                Waiting::Count => {
                    self.count_now_or_later(ctx);
                }
                Waiting::Bottom => {
                    self.perform(Action::Bottom, ctx);
                }
            }
        }
    }

    /// Counts the list if that is quick, or has the background reader
    /// count it; true once the total is exact.
    fn count_now_or_later(&mut self, ctx: &Context<'_>) -> bool {
        if self.list.exact {
            return true;
        }
        match self.fetch_count(ctx, None, self.list.total) {
            Some(total) => {
                self.list.total = total;
                self.list.exact = true;
                self.list.select(self.list.selected);
                true
            }
            None => {
                self.wait(Waiting::Count);
                false
            }
        }
    }

    /// Near the end of what is known: the next page by name, with one row
    /// more to say whether the list goes on (never a count).
    fn extend_known_end(&mut self, ctx: &Context<'_>) {
        let Some(last) = self.list.rows.last().map(|p| p.name.clone()) else { return };
        let Some(mut next) = self.fetch(ctx, ProgramSeek::After(last), PAGE + 1) else {
            self.wait(Waiting::Rows);
            return;
        };
        let more = next.len() as u64 > PAGE;
        next.truncate(PAGE as usize);
        let loaded_end = self.list.offset + self.list.rows.len() as u64;
        let keep_from = self.list.top.saturating_sub(PAGE / 4).clamp(self.list.offset, loaded_end);
        let mut rows = self.list.rows.split_off((keep_from - self.list.offset) as usize);
        rows.extend(next);
        let end = keep_from + rows.len() as u64;
        self.list.fill(keep_from, rows);
        self.list.total = if more { end + 1 } else { end };
        self.list.exact = !more;
    }

    /// Fetches programs if the visible ones are not loaded: next to what
    /// is loaded by name (keyset), from either end, and only for a jump
    /// into the middle by offset — so scrolling costs one page at any depth.
    /// A page the budget cannot find is left to the background reader.
    pub fn ensure_rows(&mut self, ctx: &Context<'_>) {
        let height = Self::height(ctx);
        let loaded_end = self.list.offset + self.list.rows.len() as u64;
        if self.list.near_unknown_end(height) && loaded_end + 1 >= self.list.total {
            self.extend_known_end(ctx);
        }
        self.list.scroll_to_selection(height);
        if self.list.page_needed(height).is_none() {
            return;
        }
        let w = &self.list;
        let (top, total) = (w.top, w.total);
        let end = (top + height as u64).min(total);
        let (start, loaded_end) = (w.offset, w.offset + w.rows.len() as u64);
        let first = w.rows.first().map(|p| p.name.clone());
        let last = w.rows.last().map(|p| p.name.clone());
        let (seek, merge) = match (first, last) {
            (Some(_), Some(last)) if top >= start && top <= loaded_end + PAGE / 2 && end > loaded_end => {
                (ProgramSeek::After(last), Merge::Append { keep_from: top.min(loaded_end) })
            }
            (Some(first), Some(_)) if top < start && start - top <= PAGE / 2 => {
                let keep = ((end.max(start) - start) as usize).min(self.list.rows.len());
                (ProgramSeek::Before(first), Merge::Prepend { keep })
            }
            // The last page only when the visible rows lie in it (with 201
            // to ~224 programs, "near the end" was not "in the last page").
            _ if top >= total.saturating_sub(PAGE) && end + PAGE >= total => (ProgramSeek::Last, Merge::Replace(None)),
            _ if top < PAGE => (ProgramSeek::First, Merge::Replace(Some(0))),
            _ => {
                let offset = top.saturating_sub(PAGE / 4);
                (ProgramSeek::Offset(offset), Merge::Replace(Some(offset)))
            }
        };
        let Some(mut rows) = self.fetch(ctx, seek, PAGE) else {
            self.wait(Waiting::Rows);
            return;
        };
        let (offset, rows) = match merge {
            Merge::Append { keep_from } => {
                let mut kept = self.list.rows.split_off((keep_from - start) as usize);
                kept.extend(rows);
                (keep_from, kept)
            }
            Merge::Prepend { keep } => {
                let offset = start.saturating_sub(rows.len() as u64);
                rows.extend(self.list.rows.drain(..keep));
                (offset, rows)
            }
            Merge::Replace(Some(offset)) => (offset, rows),
            Merge::Replace(None) => (total.saturating_sub(rows.len() as u64), rows),
        };
        self.list.fill(offset, rows);
    }

    /// What the title says while the background reader works.
    fn waiting_word(&self) -> &'static str {
        match self.waiting.first() {
            Some(Waiting::FirstPage | Waiting::Rows) => " searching…",
            Some(Waiting::Count | Waiting::Bottom) => " counting…",
            None => "",
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
                Some(ws) => Outcome::push(ProgramForm::create(ws)),
                None => Outcome::Nothing,
            },
            Action::Filter => {
                self.editing = true;
                Outcome::Nothing
            }
            // The length first: counted here if that is quick, else by the
            // background reader (the title says "counting…" until then).
            Action::Bottom => match self.count_now_or_later(ctx) {
                true => self.move_by(ctx, i64::MAX / 2),
                false => {
                    self.waiting.retain(|w| *w != Waiting::Count);
                    self.wait(Waiting::Bottom);
                    Outcome::Nothing
                }
            },
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
        let mut title = vec![Span::styled(format!(" Programs{position}{} ", self.waiting_word()), theme.title())];
        title.extend(filter_span(theme, self.editing, self.filter.value()));
        let block = pane_block(theme, focused, Line::from(title));
        let inner = block.inner(area);
        frame.render_widget(block, area);
        if list.total == 0 {
            let text = if let Some(notice) = &ctx.who.blocked {
                hidden_while_blocked(notice, "Your programs")
            } else if !self.waiting.is_empty() {
                "Searching…".to_string()
            } else if !self.filter.value().is_empty() {
                "No program matches the filter.".to_string()
            } else if matches!(ctx.who.create_program, Some(Ok(()))) {
                // The same decision that offers the key in the bar.
                let key = ctx.keymap.key_for(Action::CreateProgram);
                format!("No mini programs you can view here. Press {key} to create one.")
            } else {
                "No mini programs you can view here.".to_string()
            };
            let text = crate::sanitize::line(&text).into_owned();
            frame.render_widget(
                Paragraph::new(Span::styled(text, theme.label())).wrap(ratatui::widgets::Wrap { trim: true }),
                inner,
            );
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
