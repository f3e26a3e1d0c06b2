//! Your live SSH sessions, over the console: where each came from, with
//! which key, since when, console or command — this one marked — so a
//! person sees a console they forgot open elsewhere. (The operator ends
//! sessions: `mpdesk ssh end`.)

use crate::desk::SessionRow;
use crate::sanitize;
use crate::tui::action::Action;
use crate::tui::component::{Component, Context, Outcome};
use crate::tui::layout::centered;
use crate::tui::text::fit;
use crate::tui::widgets::pane::short_time;
use crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};
use ratatui::Frame;

#[derive(Default)]
pub struct Sessions {
    rows: Vec<SessionRow>,
    /// The session this console runs in, if it came in over SSH.
    current: Option<i64>,
}

impl Sessions {
    pub fn boxed() -> Box<dyn Component> {
        Box::new(Self::default())
    }

    /// Its key applies to a person in a workspace.
    pub fn offered(ctx: &Context<'_>) -> Option<Result<(), String>> {
        (ctx.actor().is_some() && ctx.workspace().is_some()).then_some(Ok(()))
    }
}

impl Component for Sessions {
    fn captures_keys(&self) -> bool {
        true
    }

    fn handle_key(&mut self, key: KeyEvent, ctx: &Context<'_>) -> Outcome {
        let closes = ctx.keymap.is(key, Action::Sessions) || ctx.keymap.is(key, Action::Quit);
        if key.code == KeyCode::Esc || closes {
            return Outcome::Close;
        }
        Outcome::Nothing
    }

    fn refresh(&mut self, ctx: &Context<'_>) {
        self.current = ctx.desk.ssh_session_id();
        self.rows = match ctx.actor() {
            Some(actor) => ctx.report(ctx.desk.my_ssh_sessions(actor)).unwrap_or_default(),
            None => Vec::new(),
        };
    }

    fn draw(&self, frame: &mut Frame<'_>, area: Rect, ctx: &Context<'_>, _focused: bool) {
        let theme = ctx.theme;
        let height = (self.rows.len().max(1) as u16 + 4).min(area.height);
        let box_area = centered(area, 96.min(area.width.saturating_sub(2)), height);
        frame.render_widget(Clear, box_area);
        let close = ctx.keymap.key_for(Action::Sessions);
        let title = format!(" Your SSH sessions — Esc or {close} closes ");
        let block = Block::bordered().title(Span::styled(title, theme.title())).border_style(theme.border(true));
        let width = block.inner(box_area).width as usize;
        let mut lines = Vec::new();
        if self.rows.is_empty() {
            lines.push(Line::from(Span::styled("No SSH session of yours is open.", theme.label())));
        }
        for row in &self.rows {
            let what = if row.command.is_empty() { row.kind.clone() } else { format!("{}: {}", row.kind, row.command) };
            // The key's fingerprint last: it is long, and cut first.
            let text = format!(
                "{}  {}  from {}  since {}  {}",
                if Some(row.id) == self.current { "▸ this" } else { "      " },
                sanitize::line(&what),
                sanitize::line(&row.from),
                short_time(&row.started_at),
                sanitize::line(&row.fingerprint)
            );
            lines.push(Line::from(fit(&text, width).into_owned()));
        }
        lines.push(Line::default());
        lines.push(Line::from(Span::styled("The operator ends a session with: mpdesk ssh end ID", theme.label())));
        frame.render_widget(Paragraph::new(lines).block(block), box_area);
    }
}
