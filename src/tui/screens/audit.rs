//! The Audit tab: the entries the person may read, newest first, paged by
//! id from the store (keyset, both ways), filtered as you type; the
//! selected entry undone after a confirmation that shows what will change.

use crate::desk::Principal;
use crate::desk::{AuditEntry, AuditQuery};
use crate::sanitize;
use crate::tui::action::Action;
use crate::tui::background::{Answer, Job};
use crate::tui::component::{Component, Context, Offer, Outcome, Pane, StatusKind, UndoChoice};
use crate::tui::dialogs::Confirm;
use crate::tui::layout;
use crate::tui::request::Request;
use crate::tui::text::{column_widths, fit};
use crate::tui::widgets::grid::{Grid, GridRow};
use crate::tui::widgets::list_keys as nav;
use crate::tui::widgets::pane::{filter_span, hidden_while_blocked, short_time};
use crate::tui::window::{ListWindow, PAGE};
use crossterm::event::KeyEvent;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Wrap};
use ratatui::Frame;
use tui_input::Input;

#[derive(Default)]
pub struct AuditLog {
    pub list: ListWindow<(i64, AuditEntry)>,
    pub filter: Input,
    pub editing: bool,
    /// Whether the selected entry can be undone now, or why not.
    pub undo: Option<UndoChoice>,
    /// What `undo` was looked up for: (reload count, person, entry).
    looked_up: Option<(u64, String, Option<i64>)>,
    /// Whether this person may walk the chain (looked up with `undo`).
    may_check_chain: Option<Result<(), String>>,
    /// What the last walk of the chain found, and when: kept until the
    /// next one (a walk reads every entry, so it runs only when asked).
    chain: Option<(bool, String)>,
    /// How many walks were asked (each is a new question).
    chain_asked: u64,
    /// What the tab waits for from the background reader.
    waiting: Vec<Waiting>,
}

/// A read the background reader finishes (see `background.rs`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Waiting {
    /// The newest entries (a filter with few matches far apart).
    Newest,
    /// The entries the view needs.
    Rows,
    /// The length and the oldest entries, for End.
    End,
    /// A walk of the chain.
    Chain,
}

impl AuditLog {
    /// From the first entry again.
    pub fn to_top(&mut self) {
        self.list.selected = 0;
        self.list.top = 0;
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

    pub fn reset(&mut self) {
        *self = Self::default();
    }

    fn query(&self, ctx: &Context<'_>) -> AuditQuery {
        let text = self.filter.value().to_string();
        AuditQuery {
            workspace: ctx.workspace().map(str::to_string),
            text: Some(text).filter(|t| !t.is_empty()),
            limit: PAGE + 1,
            ..Default::default()
        }
    }

    fn wait(&mut self, what: Waiting) {
        if !self.waiting.contains(&what) {
            self.waiting.push(what);
        }
    }

    /// A page of entries: `None` while the background reader finds it.
    fn fetch(&self, ctx: &Context<'_>, query: AuditQuery) -> Option<Vec<(i64, AuditEntry)>> {
        let Some(actor) = ctx.actor() else { return Some(Vec::new()) };
        let answer = ctx.background.answer(ctx.desk, Job::Audit { actor: actor.clone(), query })?;
        Some(ctx.report(answer).map(Answer::audit).unwrap_or_default())
    }

    /// What the background reader finished: each read still waited for is
    /// asked again (now known, or asked anew).
    /// A walk of the chain that finished says so on the status line.
    pub fn answered(&mut self, ctx: &Context<'_>) -> Option<(StatusKind, String)> {
        let mut said = None;
        for what in std::mem::take(&mut self.waiting) {
            match what {
                Waiting::Newest => self.refresh(ctx),
                Waiting::Rows => self.ensure_rows(ctx),
                Waiting::End => self.go_to_end(ctx),
                Waiting::Chain => said = self.chain_answer(ctx),
            }
        }
        said
    }

    /// Keeps the visible entries loaded, paging by id (keyset) in either
    /// direction, so a million entries scroll as fast as ten. A page the
    /// budget cannot find is left to the background reader.
    pub fn ensure_rows(&mut self, ctx: &Context<'_>) {
        let height = layout::tab_list_height(ctx.size);
        self.list.scroll_to_selection(height);
        let end = self.list.top + height as u64;
        let loaded_end = self.list.offset + self.list.rows.len() as u64;
        if end + 1 >= loaded_end && !self.list.exact {
            if let Some(last) = self.list.rows.last().map(|(id, _)| *id) {
                let Some(older) = self.fetch(ctx, AuditQuery { before: Some(last), ..self.query(ctx) }) else {
                    self.wait(Waiting::Rows);
                    return;
                };
                let more = older.len() as u64 > PAGE;
                let mut rows = std::mem::take(&mut self.list.rows);
                let start = self.list.offset;
                rows.extend(older.into_iter().take(PAGE as usize));
                // Keep the window bounded: drop what is far above the view.
                let drop = (self.list.top.saturating_sub(start)).saturating_sub(PAGE / 2) as usize;
                let drop = drop.min(rows.len());
                rows.drain(..drop);
                let offset = start + drop as u64;
                let total = offset + rows.len() as u64;
                self.list.fill(offset, rows);
                self.list.total = if more { total + 1 } else { total };
                self.list.exact = !more;
            }
        }
        // Back near the start from far below (End, then Home): the newest
        // page, not one page up from where the window was.
        if self.list.top < PAGE && self.list.offset > self.list.top + PAGE / 2 {
            let Some(mut rows) = self.fetch(ctx, self.query(ctx)) else {
                self.wait(Waiting::Rows);
                return;
            };
            rows.truncate(PAGE as usize);
            self.list.fill(0, rows);
            return;
        }
        if self.list.top < self.list.offset {
            if let Some(first) = self.list.rows.first().map(|(id, _)| *id) {
                let query = AuditQuery { after: Some(first), limit: PAGE, ..self.query(ctx) };
                let Some(mut rows) = self.fetch(ctx, query) else {
                    self.wait(Waiting::Rows);
                    return;
                };
                let offset = self.list.offset.saturating_sub(rows.len() as u64);
                let keep = (PAGE as usize).min(self.list.rows.len());
                rows.extend(self.list.rows.drain(..keep));
                self.list.fill(offset, rows);
            }
        }
    }

    /// "Go to the end" of the log: counts once, then reads the oldest
    /// page — here if that is quick, else by the background reader.
    fn go_to_end(&mut self, ctx: &Context<'_>) {
        let Some(actor) = ctx.actor() else { return };
        let query = self.query(ctx);
        let job = Job::CountAudit { actor: actor.clone(), query: query.clone() };
        let Some(total) = ctx.background.answer(ctx.desk, job) else {
            self.wait(Waiting::End);
            return;
        };
        let Some(total) = ctx.report(total).map(Answer::count) else { return };
        let Some(rows) = self.fetch(ctx, AuditQuery { oldest: true, limit: PAGE, ..query }) else {
            self.wait(Waiting::End);
            return;
        };
        self.list.total = total;
        self.list.exact = true;
        self.list.fill(total.saturating_sub(rows.len() as u64), rows);
        self.list.select(total.saturating_sub(1));
        self.list.scroll_to_selection(layout::tab_list_height(ctx.size));
    }

    /// Looks up whether the selected entry can be undone, if what that
    /// depends on moved (a reload, another person, another entry) — never
    /// per frame. The desk decides, by the same rules as the change.
    pub fn look_up_undo(&mut self, ctx: &Context<'_>) {
        let Some(actor) = ctx.actor() else {
            self.undo = None;
            return;
        };
        let selected = self.list.selected_row().map(|(id, _)| *id);
        let key = (ctx.epoch, ctx.who.login.clone(), selected);
        if self.looked_up.as_ref() == Some(&key) {
            return;
        }
        self.undo = selected.map(|id| UndoChoice {
            id,
            refusal: ctx.desk.undo_refusal(actor, id).unwrap_or_else(|e| Some(e.to_string())),
        });
        let who = Principal::Person(actor.clone());
        self.may_check_chain = Some(match ctx.desk.chain_check(&who) {
            Ok(decision) => decision.map_err(|denial| denial.to_string()),
            Err(error) => Err(error.to_string()),
        });
        self.looked_up = Some(key);
    }

    /// The Audit tab's `v`: walks the chain once, by the background reader
    /// when it takes longer than a key may (a second at a million
    /// entries), and keeps what it found in the tab's title.
    fn check_chain(&mut self, ctx: &Context<'_>) -> Outcome {
        self.chain_asked += 1;
        match self.chain_answer(ctx) {
            Some((kind, text)) => Outcome::Status(kind, text),
            None if self.waiting.contains(&Waiting::Chain) => {
                Outcome::Status(StatusKind::Info, "checking the audit log's chain…".to_string())
            }
            None => Outcome::Nothing,
        }
    }

    /// The walk asked last, if it is known: what it found.
    fn chain_answer(&mut self, ctx: &Context<'_>) -> Option<(StatusKind, String)> {
        let actor = ctx.actor()?;
        let job = Job::CheckChain { actor: actor.clone(), asked: self.chain_asked };
        let Some(answer) = ctx.background.answer(ctx.desk, job) else {
            self.wait(Waiting::Chain);
            return None;
        };
        let walk = ctx.report(answer).and_then(Answer::chain)?;
        let at = crate::desk::rfc3339(time::OffsetDateTime::now_utc());
        let (intact, text) = match (&walk.broken, walk.head) {
            (Some(broken), _) => (false, format!("chain broken: {}", broken.why)),
            (None, Some((_, head))) => {
                let head = crate::store::chain::hex(&head);
                (true, format!("chain intact: {} entries, head {}… ({})", walk.entries, &head[..16], short_time(&at)))
            }
            (None, None) => (true, "chain intact: no entries yet".to_string()),
        };
        self.chain = Some((intact, text.clone()));
        Some((if intact { StatusKind::Info } else { StatusKind::Error }, text))
    }

    /// The Audit tab's `z`: what undoing the selected entry changes, to confirm.
    fn confirm_undo(&self, ctx: &Context<'_>) -> Outcome {
        let (Some(actor), Some((id, entry))) = (ctx.actor(), self.list.selected_row()) else {
            return Outcome::Nothing;
        };
        let Some(plan) = ctx.report(ctx.desk.undo_plan(actor, *id)) else { return Outcome::Nothing };
        let verb = if plan.redo { "Redo" } else { "Undo" };
        let question =
            format!("{verb} #{id} ({} by {})? This will: {}.", entry.operation, entry.actor, plan.changes.join("; "));
        let confirm = if plan.redo { "Redo" } else { "Undo" };
        Outcome::push(Confirm::new(&format!("{verb} #{id}"), question, confirm, Request::Undo { id: *id }))
    }
}

impl Component for AuditLog {
    fn captures_keys(&self) -> bool {
        self.editing
    }

    fn handle_key(&mut self, key: KeyEvent, ctx: &Context<'_>) -> Outcome {
        let step = nav::filter_key(&mut self.filter, &mut self.editing, key, ctx);
        nav::filter_outcome(step, Pane::Audit, |action| self.perform(action, ctx))
    }

    fn perform(&mut self, action: Action, ctx: &Context<'_>) -> Outcome {
        match action {
            Action::Undo => return self.confirm_undo(ctx),
            Action::CheckChain => return self.check_chain(ctx),
            Action::Filter => self.editing = true,
            Action::Bottom => self.go_to_end(ctx),
            _ => {
                if let Some(delta) = nav::delta(action, layout::tab_list_height(ctx.size)) {
                    self.list.move_by(delta);
                    self.ensure_rows(ctx);
                }
            }
        }
        Outcome::Nothing
    }

    fn hints(&self, _ctx: &Context<'_>, _focused: bool, offers: &mut Vec<Offer>) {
        if let Some(choice) = &self.undo {
            offers.push((Action::Undo, choice.refusal.clone().map_or(Ok(()), Err)));
        }
        if let Some(decision) = &self.may_check_chain {
            offers.push((Action::CheckChain, decision.clone()));
        }
        nav::offer_moves(offers);
        offers.push((Action::Filter, Ok(())));
    }

    /// Back to the newest entries; the length is found only by paging on.
    fn refresh(&mut self, ctx: &Context<'_>) {
        // A walk under way still answers; the list's own reads start anew.
        self.waiting.retain(|w| *w == Waiting::Chain);
        let Some(rows) = self.fetch(ctx, self.query(ctx)) else {
            self.list = ListWindow::default();
            self.wait(Waiting::Newest);
            return;
        };
        let selected = self.list.selected;
        self.list = ListWindow { exact: false, ..ListWindow::default() };
        self.list.fill_probed(0, rows);
        self.list.select(selected);
        self.ensure_rows(ctx);
    }

    fn draw(&self, frame: &mut Frame<'_>, area: Rect, ctx: &Context<'_>, _focused: bool) {
        let theme = ctx.theme;
        let list = &self.list;
        let count = if list.exact { list.total.to_string() } else { format!("{}+", list.total.saturating_sub(1)) };
        let waiting = match self.waiting.first() {
            Some(Waiting::Newest | Waiting::Rows) => " searching…",
            Some(Waiting::End) => " counting…",
            Some(Waiting::Chain) => " checking the chain…",
            None => "",
        };
        let mut title = vec![Span::styled(format!(" Audit log ({count}){waiting} "), theme.title())];
        if let Some((intact, text)) = &self.chain {
            let style = if *intact { theme.ok() } else { theme.error() };
            title.push(Span::styled(format!("{} ", sanitize::line(text)), style));
        }
        title.extend(filter_span(theme, self.editing, self.filter.value()));
        let mut block = Block::bordered().title(Line::from(title)).border_style(theme.border(true));
        // The selected entry in full: the table cuts long details.
        if let Some((_, entry)) = list.selected_row() {
            let full = format!(
                " {} ({}) {}: {} ",
                sanitize::line(&entry.actor),
                sanitize::line(&entry.via),
                sanitize::line(&entry.operation),
                sanitize::line(&entry.detail)
            );
            block = block.title_bottom(Line::from(Span::styled(full, theme.label())));
        }
        let inner = block.inner(area);
        frame.render_widget(block, area);
        if list.total == 0 {
            let text = if !self.waiting.is_empty() {
                "Searching…".to_string()
            } else if let Some(notice) = &ctx.who.blocked {
                hidden_while_blocked(notice, "Its log entries")
            } else if self.filter.value().is_empty() {
                "No entries you may read.".to_string()
            } else {
                "No entry matches the filter.".to_string()
            };
            let text = sanitize::line(&text).into_owned();
            frame.render_widget(Paragraph::new(Span::styled(text, theme.label())).wrap(Wrap { trim: true }), inner);
            return;
        }
        let header = GridRow::new(["At", "Actor", "Program", "Operation", "", "Detail"]).style(theme.label());
        // The operation names are up to 28 columns; the detail takes the rest.
        let widths = [
            Constraint::Length(16),
            Constraint::Fill(2),
            Constraint::Fill(3),
            Constraint::Fill(4),
            Constraint::Length(1),
            Constraint::Fill(6),
        ];
        let fits = column_widths(inner.width, &widths, 1);
        let rows: Vec<GridRow<'_>> = list
            .visible(inner.height.saturating_sub(1))
            .map(|(index, (_, e))| {
                let style = if index == list.selected { theme.selected(true) } else { Default::default() };
                let (mark, mark_style) = if e.outcome == "ok" { ("✓", theme.ok()) } else { ("✗", theme.error()) };
                GridRow::new(vec![
                    Line::from(short_time(&e.at)),
                    Line::from(fit(&sanitize::line(&e.actor), fits[1]).into_owned()),
                    Line::from(fit(&sanitize::line(e.program.as_deref().unwrap_or("—")), fits[2]).into_owned()),
                    Line::from(fit(&sanitize::line(&e.operation), fits[3]).into_owned()),
                    Line::from(Span::styled(mark, mark_style)),
                    Line::from(fit(&sanitize::line(&e.detail), fits[5]).into_owned()),
                ])
                .style(style)
            })
            .collect();
        frame.render_widget(Grid::new(&fits, 1, rows).header(header), inner);
    }
}
