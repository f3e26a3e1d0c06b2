//! The Roles tab: the seed's permission table drawn from the domain's one
//! table, the person's effective role on the selected program highlighted,
//! and for each operation allowed or why not (from the same capabilities
//! that gray out actions).

use crate::desk::{ProgramRole, CREATE_PROGRAM_ROLES, ELIGIBILITY, PERMISSIONS};
use crate::sanitize;
use crate::tui::action::Action;
use crate::tui::component::{Component, Context, Offer, Outcome, Pane};
use crate::tui::layout;
use crate::tui::widgets::list_keys as nav;
use crate::tui::widgets::pane::{max_scroll, scrolled, wrapped_rows};
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Block;
use ratatui::Frame;

#[derive(Default)]
pub struct Roles {
    pub scroll: u16,
}

fn tick(allowed: bool) -> &'static str {
    if allowed {
        "✓"
    } else {
        "×"
    }
}

impl Component for Roles {
    /// It scrolls like the Details pane, a page at a time by its height.
    fn perform(&mut self, action: Action, ctx: &Context<'_>) -> Outcome {
        if let Some(delta) = nav::delta(action, layout::list_height(ctx.size, Pane::Details)) {
            let body = layout::tab_body(Rect::new(0, 0, ctx.size.0, ctx.size.1));
            let max = max_scroll(
                wrapped_rows(&content(ctx, body.width.saturating_sub(2)), body.width.saturating_sub(2)),
                body,
            );
            self.scroll = (self.scroll as i64 + delta).clamp(0, max as i64) as u16;
        }
        Outcome::Nothing
    }

    fn hints(&self, _ctx: &Context<'_>, _focused: bool, offers: &mut Vec<Offer>) {
        nav::offer_moves(offers);
    }

    fn draw(&self, frame: &mut Frame<'_>, area: Rect, ctx: &Context<'_>, _focused: bool) {
        let theme = ctx.theme;
        let block = Block::bordered()
            .title(Span::styled(" Roles and permissions ", theme.title()))
            .border_style(theme.border(true));
        scrolled(frame, area, block, content(ctx, area.width.saturating_sub(2)), self.scroll, theme);
    }
}

/// The tab's lines.
pub fn content(ctx: &Context<'_>, width: u16) -> Vec<Line<'static>> {
    let theme = ctx.theme;
    let selection = ctx.selection;
    let role = selection.map(|s| s.detail.summary.my_role);
    let highlight = |r: ProgramRole| if role == Some(r) { theme.selected(true) } else { Style::default() };
    let mut lines = Vec::new();
    let context = match selection {
        Some(s) => format!(
            "You on {}: {}",
            sanitize::line(&s.detail.summary.name),
            sanitize::line(&s.detail.summary.my_role_reason)
        ),
        None => "Select a program on the Programs tab to see your role on it.".to_string(),
    };
    lines.push(Line::from(Span::styled(context, theme.label())));
    lines.push(Line::from(""));
    // The key of each operation, as bound now (the config file may move it).
    let key = |action: Option<Action>| format!("{:<6}", action.map(|a| ctx.keymap.key_for(a)).unwrap_or_default());
    let action_of = |op| Action::ALL.into_iter().find(|a| a.operation() == Some(op));
    lines.push(Line::from(vec![
        Span::styled(format!("{:<6}", "Key"), theme.label()),
        Span::styled(format!("{:<38}", "Operation"), theme.label()),
        Span::styled(format!("{:^7}", "Admin"), theme.label().patch(highlight(ProgramRole::Admin))),
        Span::raw(" "),
        Span::styled(format!("{:^11}", "Developer"), theme.label().patch(highlight(ProgramRole::Developer))),
        Span::styled("  You", theme.label()),
    ]));
    let create = ctx.who.create_program.as_ref().map(|d| d.as_ref().map_err(|e| e.to_string()).err());
    let creators = CREATE_PROGRAM_ROLES.iter().map(|r| format!("{}s", r.title())).collect::<Vec<_>>().join(" and ");
    lines.push(Line::from(vec![
        Span::styled(key(Some(Action::CreateProgram)), theme.hint_key(true)),
        Span::raw(format!("{:<38}", "Create mini programs")),
        Span::raw(format!("{:^7} {:^11}  ", "—", "—")),
        you_span(theme, create.clone()),
    ]));
    lines.extend(reason_lines(theme, &create, width));
    lines.push(Line::from(Span::styled(
        format!("{:<10}only workspace {creators} create mini programs", ""),
        theme.label(),
    )));
    for row in PERMISSIONS {
        let decision =
            selection.and_then(|s| s.capabilities.iter().find(|c| c.operation == row.operation)).map(|c| c.reason());
        lines.push(Line::from(vec![
            Span::styled(key(action_of(row.operation)), theme.hint_key(true)),
            Span::raw(format!("{:<38}", row.operation.description())),
            Span::styled(format!("{:^7}", tick(row.admin)), highlight(ProgramRole::Admin)),
            Span::raw(" "),
            Span::styled(format!("{:^11}", tick(row.developer)), highlight(ProgramRole::Developer)),
            Span::raw("  "),
            you_span(theme, decision.clone()),
        ]));
        lines.extend(reason_lines(theme, &decision, width));
    }
    lines.push(Line::from(""));
    lines.push(Line::from(Span::styled("Workspace role → eligible mini program role", theme.title())));
    let my_ws_role = ctx.who.workspace.as_ref().map(|w| w.role);
    for (ws_role, program_role) in ELIGIBILITY {
        let style = if my_ws_role == Some(ws_role) { theme.selected(true) } else { Style::default() };
        let yours = if my_ws_role == Some(ws_role) { "  ← you, in this workspace" } else { "" };
        lines.push(Line::from(vec![
            Span::styled(format!("  {:<10} → {:<10}", ws_role.title(), program_role.title()), style),
            Span::styled(yours, theme.label()),
        ]));
    }
    lines.push(Line::from(""));
    lines.push(Line::from(Span::styled(
        "Owners and Masters manage every mini program of their workspace; a Developer reaches a program only by being added to it.",
        theme.label(),
    )));
    lines
}

/// "✓ allowed", "✗ not allowed", or nothing without a program.
fn you_span(theme: &crate::tui::theme::Theme, decision: Option<Option<String>>) -> Span<'static> {
    match decision {
        Some(None) => Span::styled("✓ allowed", theme.ok()),
        Some(Some(_)) => Span::styled("✗ not allowed", theme.error()),
        None => Span::raw(""),
    }
}

/// The reason for a refusal, on its own indented lines so it reads whole:
/// wrapped here, so every row keeps the indent.
fn reason_lines(theme: &crate::tui::theme::Theme, decision: &Option<Option<String>>, width: u16) -> Vec<Line<'static>> {
    const INDENT: usize = 12;
    let Some(Some(reason)) = decision else { return Vec::new() };
    let room = (width as usize).saturating_sub(INDENT).max(10);
    crate::tui::text::wrap_words(&sanitize::line(reason), room)
        .into_iter()
        .enumerate()
        .map(|(i, part)| {
            let lead = if i == 0 { "↳ " } else { "  " };
            Line::from(vec![Span::raw(" ".repeat(INDENT - 2)), Span::styled(format!("{lead}{part}"), theme.error())])
        })
        .collect()
}
