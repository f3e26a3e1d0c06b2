//! The tour's caption panel, docked under the console: "step 4 of 12",
//! what to do, and — once it is done — why the screen looks as it does.

use crate::sanitize;
use crate::tui::action::Action;
use crate::tui::app::App;
use crate::tui::tour::Tour;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};
use ratatui::Frame;

pub fn render(app: &App, tour: &Tour, frame: &mut Frame<'_>, area: Rect) {
    let Some(step) = tour.step() else { return };
    let theme = &app.theme;
    let keys = |a: Action| app.keymap.key_for(a);
    let title = format!(" Tour · step {} of {} · {} ", tour.current + 1, tour.steps.len(), sanitize::line(&step.title));
    let moves = format!(
        " {} next · {} back · {} reset · ? help ",
        keys(Action::TourNext),
        keys(Action::TourPrev),
        keys(Action::DemoReset)
    );
    let block = Block::bordered()
        .title(Span::styled(title, theme.title()))
        .title_bottom(Line::from(Span::styled(moves, theme.label())).right_aligned())
        .border_style(theme.border(true));
    let caption = sanitize::line(&step.caption).into_owned();
    let mut lines = vec![Line::from(Span::styled(caption, if tour.done { theme.label() } else { theme.title() }))];
    if tour.done {
        lines.push(Line::from(vec![
            Span::styled("✓ ", theme.ok()),
            Span::raw(sanitize::line(&step.explanation).into_owned()),
        ]));
    }
    frame.render_widget(Clear, area);
    frame.render_widget(Paragraph::new(lines).block(block).wrap(Wrap { trim: true }), area);
}
