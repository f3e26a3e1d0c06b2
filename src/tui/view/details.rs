//! The selected program: identity, status, the actor's role and why,
//! versions and configuration.

use super::pane_block;
use crate::desk::VersionState;
use crate::sanitize;
use crate::tui::app::{App, Pane, VERSIONS_SHOWN};
use crate::tui::theme::Theme;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;
use unicode_width::UnicodeWidthStr;

fn field<'a>(theme: &Theme, label: &str, value: String) -> Line<'a> {
    Line::from(vec![Span::styled(format!("{label:<13}"), theme.label()), Span::raw(value)])
}

/// "2026-11-27T21:33:00Z" → "2026-11-27 21:33".
/// Sanitized (it is data), then cut to the minute.
pub(super) fn short_time(at: &str) -> String {
    let at = sanitize::line(at);
    at.get(..16).map(|t| t.replace('T', " ")).unwrap_or_else(|| at.into_owned())
}

fn size(bytes: u64) -> String {
    match bytes {
        b if b >= 1_048_576 => format!("{:.1} MiB", b as f64 / 1_048_576.0),
        b if b >= 1024 => format!("{:.1} KiB", b as f64 / 1024.0),
        b => format!("{b} B"),
    }
}

pub fn render(app: &App, frame: &mut Frame<'_>, area: Rect) {
    let theme = &app.theme;
    let block = pane_block(app, Pane::Details, Line::from(Span::styled(" Details ", theme.title())));
    match content(app, area.width.saturating_sub(2) as usize) {
        None => {
            let text =
                Paragraph::new(Span::styled("Select a mini program to see its details.", theme.label())).block(block);
            frame.render_widget(text, area);
        }
        Some(lines) => super::scrolled(frame, area, block, lines, app.details_scroll, theme),
    }
}

/// The pane's lines at `width` columns inside its border.
pub fn content(app: &App, width: usize) -> Option<Vec<Line<'static>>> {
    let theme = &app.theme;
    let selection = app.selection.as_ref()?;
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
            size(v.size),
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
