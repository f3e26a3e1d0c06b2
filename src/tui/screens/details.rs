//! The selected program: identity, status, the person's role and why,
//! versions and configuration — and what can be done to it (the program
//! operations, each allowed or refused by the desk's capabilities).

use crate::desk::VersionState;
use crate::sanitize;
use crate::tui::action::Action;
use crate::tui::component::{offer, Component, Context, Offer, Outcome, Pane};
use crate::tui::dialogs::{AddMembers, Configure, Confirm, ProgramForm, Release, TypeToConfirm, Upload};
use crate::tui::layout;
use crate::tui::request::Request;
use crate::tui::theme::Theme;
use crate::tui::widgets::list_keys as nav;
use crate::tui::widgets::pane::{max_scroll, pane_block, scrolled, short_time, wrapped_rows};
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;
use unicode_width::UnicodeWidthStr;

/// Versions shown in the details pane; older ones are in `program versions`.
pub const VERSIONS_SHOWN: u64 = 50;

#[derive(Default)]
pub struct Details {
    pub scroll: u16,
}

fn field<'a>(theme: &Theme, label: &str, value: String) -> Line<'a> {
    Line::from(vec![Span::styled(format!("{label:<13}"), theme.label()), Span::raw(value)])
}

impl Details {
    /// Another program: from its first line.
    pub fn to_top(&mut self) {
        self.scroll = 0;
    }

    /// How far the pane may scroll at this size.
    fn max_scroll(ctx: &Context<'_>) -> u16 {
        let area = layout::main_areas(Rect::new(0, 0, ctx.size.0, ctx.size.1)).details;
        let rows = content(ctx, area.width.saturating_sub(2) as usize)
            .map(|lines| wrapped_rows(&lines, area.width.saturating_sub(2)))
            .unwrap_or(0);
        max_scroll(rows, area)
    }

    /// The dialog a program operation opens, for the selected program.
    fn open(action: Action, ctx: &Context<'_>) -> Option<Outcome> {
        let selection = ctx.selection?;
        let summary = &selection.detail.summary;
        let (app_id, name) = (summary.app_id.as_str(), summary.name.as_str());
        Some(match action {
            Action::EditProgram => Outcome::push(ProgramForm::edit(app_id, name, &selection.detail.description)),
            Action::AddMembers => Outcome::push_read(AddMembers::open(ctx, app_id, name)),
            Action::Upload => Outcome::push(Upload::new(app_id, selection.versions.first().map(|v| v.version.clone()))),
            Action::Configure => Outcome::push(Configure::new(app_id, &selection.detail.config)),
            Action::Release => Outcome::push(Release::new(app_id, name, selection.versions.clone())),
            Action::TakeOffline => Outcome::push(Confirm::new(
                "Take offline",
                format!("Take {name} offline? It keeps its versions and can be released again."),
                "Take offline",
                Request::TakeOffline { app_id: app_id.to_string() },
            )),
            Action::Delete => Outcome::push(TypeToConfirm::delete_program(app_id, name)),
            _ => return None,
        })
    }
}

impl Component for Details {
    fn perform(&mut self, action: Action, ctx: &Context<'_>) -> Outcome {
        if let Some(open) = Self::open(action, ctx) {
            return open;
        }
        let page = layout::list_height(ctx.size, Pane::Details);
        if let Some(delta) = nav::delta(action, page) {
            let max = Self::max_scroll(ctx);
            self.scroll = (self.scroll as i64 + delta).clamp(0, max as i64) as u16;
        }
        Outcome::Nothing
    }

    fn hints(&self, ctx: &Context<'_>, focused: bool, offers: &mut Vec<Offer>) {
        if let Some(selection) = ctx.selection {
            for action in Action::ALL {
                let Some(operation) = action.operation() else { continue };
                let Some(cap) = selection.capabilities.iter().find(|c| c.operation == operation) else { continue };
                let (action, mut decision) = offer(action, &cap.decision);
                // The upload dialog reads a file where the console runs:
                // over SSH, the server's — so there it is refused, with
                // the command to use.
                if action == Action::Upload && decision.is_ok() {
                    decision = offer(action, &ctx.desk.file_upload()).1;
                }
                offers.push((action, decision));
            }
        }
        if focused {
            nav::offer_moves(offers);
        }
    }

    fn draw(&self, frame: &mut Frame<'_>, area: Rect, ctx: &Context<'_>, focused: bool) {
        let theme = ctx.theme;
        let block = pane_block(theme, focused, Line::from(Span::styled(" Details ", theme.title())));
        match content(ctx, area.width.saturating_sub(2) as usize) {
            None => {
                let text = Paragraph::new(Span::styled("Select a mini program to see its details.", theme.label()))
                    .block(block);
                frame.render_widget(text, area);
            }
            Some(lines) => scrolled(frame, area, block, lines, self.scroll, theme),
        }
    }
}

/// The pane's lines at `width` columns inside its border.
pub fn content(ctx: &Context<'_>, width: usize) -> Option<Vec<Line<'static>>> {
    let theme = ctx.theme;
    let selection = ctx.selection?;
    let d = &selection.detail;
    let s = &d.summary;
    let mut lines = vec![
        field(theme, "Name", sanitize::line(&s.name).into_owned()),
        field(theme, "App ID", sanitize::line(&s.app_id).into_owned()),
        Line::from(vec![
            Span::styled(format!("{:<13}", "Status"), theme.label()),
            Span::styled(format!("{} {}", s.status.glyph(), s.status.title()), theme.status(s.status)),
        ]),
        field(theme, "Live version", sanitize::line(s.live_version.as_deref().unwrap_or("—")).into_owned()),
        field(theme, "Your role", s.my_role_reason.clone()),
        field(theme, "Created", format!("{} by {}", short_time(&d.created_at), sanitize::line(&d.created_by))),
    ];
    let description = sanitize::lines(&d.description);
    for (i, text) in description.into_iter().enumerate() {
        lines.push(field(theme, if i == 0 { "Description" } else { "" }, text));
    }
    let more =
        if d.version_count > VERSIONS_SHOWN { format!(", newest {VERSIONS_SHOWN} shown") } else { String::new() };
    lines.push(Line::from(""));
    lines.push(Line::from(Span::styled(format!("Versions ({}{more})", d.version_count), theme.title())));
    if selection.versions.is_empty() {
        lines.push(Line::from(Span::styled("  none uploaded yet", theme.label())));
    }
    for v in &selection.versions {
        let state_style = if v.state == VersionState::Live { theme.ok() } else { theme.label() };
        let head = format!("  {:<12} ", sanitize::line(&v.version));
        let state = format!("{:<11}", v.state.as_str());
        let rest = format!(
            "{:>9}  {} {}  {}",
            crate::desk::size_text(v.size),
            sanitize::line(&v.uploaded_by),
            short_time(&v.uploaded_at),
            sanitize::line(v.notes.lines().next().unwrap_or(""))
        );
        // One row per version: cut what does not fit instead of wrapping.
        let room = width.saturating_sub(head.width() + state.width());
        lines.push(Line::from(vec![
            Span::raw(head),
            Span::styled(state, state_style),
            Span::raw(crate::tui::text::fit(&rest, room).into_owned()),
        ]));
    }
    lines.push(Line::from(""));
    lines.push(Line::from(Span::styled("Configuration", theme.title())));
    let domains = if d.config.domains.is_empty() {
        "—".to_string()
    } else {
        d.config.domains.iter().map(|x| sanitize::line(x).into_owned()).collect::<Vec<_>>().join(", ")
    };
    lines.push(field(theme, "Domains", domains));
    lines.push(field(theme, "Client ID", sanitize::line(d.config.client_id.as_deref().unwrap_or("—")).into_owned()));
    lines.push(field(
        theme,
        "Merchant ID",
        sanitize::line(d.config.merchant_id.as_deref().unwrap_or("—")).into_owned(),
    ));
    Some(lines)
}
