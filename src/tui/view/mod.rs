//! `view`: composes a frame from what is showing — the header, the
//! showing tab's screens each in its slot, the key-hint bar and status
//! line, the tour's panel, and a dialog or the help on top. It reads
//! nothing but the state: every screen draws from `&self` and the
//! read-only context, and only the visible rows of a list are drawn.

mod footer;
pub mod header;

use super::app::App;
use super::component::Component;
use super::hints;
use super::layout::{self, MIN_HEIGHT, MIN_WIDTH};
use super::screens::Slot;
use ratatui::layout::Rect;
use ratatui::widgets::{Paragraph, Wrap};
use ratatui::Frame;
use unicode_width::UnicodeWidthStr;

pub fn render(app: &App, frame: &mut Frame<'_>) {
    let full = frame.area();
    if layout::too_large(app.run.window) {
        wrong_size(app, frame, full);
        return;
    }
    // The tour's panel is docked below the console, never over it.
    let panel = app.tour_rows();
    let area = Rect { height: full.height - panel, ..full };
    if layout::too_small((area.width, area.height)) {
        wrong_size(app, frame, area);
        return;
    }
    let hints = hints::build(app);
    let ctx = app.context().with_hints(&hints, &app.stage);
    if app.welcoming() {
        draw_layers(app, frame, area, &ctx);
        return;
    }
    // A status that needs more than its row (and the hint bar's spare one)
    // takes rows from the panes, up to 3 in all: a command to copy or a
    // refusal's reason is never cut at any width the console runs at.
    let hints_one_row = footer::hint_lines(&hints, &app.theme, area.width).len() <= 1;
    let rows = footer::status_rows(app, area.width);
    let extra = rows.saturating_sub(if hints_one_row { 2 } else { 1 });
    let extra = if layout::too_small((area.width, area.height - extra)) { 0 } else { extra };
    // The panes give up the rows; the tour's panel stays below all of it.
    let panel_area = Rect { y: area.bottom(), height: panel, ..full };
    let area = Rect { height: area.height - extra, ..area };
    let areas = layout::main_areas(area);
    let areas = layout::Areas { status: Rect { height: areas.status.height + extra, ..areas.status }, ..areas };
    header::render(app, frame, areas.header);
    let body = layout::tab_body(area);
    for (screen, slot, focused) in app.screens.of_tab(app.view.tab, app.view.focus) {
        let place = match slot {
            Slot::Pane(super::component::Pane::Programs) => areas.programs,
            Slot::Pane(super::component::Pane::Details) => areas.details,
            Slot::Pane(super::component::Pane::Members) => areas.members,
            Slot::Pane(_) | Slot::Body => body,
        };
        screen.draw(frame, place, &ctx, focused);
    }
    // A status too long for its row borrows the hint bar's second row when
    // the hints need only one; it never covers a key.
    let hint_rows = footer::hint_lines(&hints, &app.theme, areas.hints.width).len();
    let long = footer::status_width(app) > areas.status.width as usize * areas.status.height as usize;
    let (hints_area, status_area) = if long && hint_rows < areas.hints.height as usize {
        let hints_area = Rect { height: areas.hints.height.saturating_sub(1), ..areas.hints };
        let status_area = Rect { y: areas.status.y - 1, height: areas.status.height + 1, ..areas.status };
        (hints_area, status_area)
    } else {
        (areas.hints, areas.status)
    };
    // The last keys pressed go on the tour panel's bottom border, or else
    // at the status line's end — which then gives up that room, so a
    // refusal's reason is cut with "…", never covered.
    let keys = footer::keys_text(app);
    let keys_on_status = keys.is_some() && panel == 0;
    let status_area = match &keys {
        Some(keys) if keys_on_status => {
            Rect { width: status_area.width.saturating_sub(keys.width() as u16), ..status_area }
        }
        _ => status_area,
    };
    footer::render_hints(&hints, &app.theme, frame, hints_area);
    footer::render_status(app, frame, status_area);
    if let Some(tour) = app.tour.as_ref().filter(|_| panel > 0) {
        tour.draw(frame, panel_area, &ctx, false);
    }
    if let Some(keys) = keys {
        let row = if keys_on_status {
            areas.status
        } else {
            Rect { y: panel_area.bottom() - 1, x: 1, height: 1, ..panel_area }
        };
        footer::render_keys(&keys, &app.theme, frame, row, keys_on_status);
    }
    draw_layers(app, frame, area, &ctx);
}

/// Every layer, bottom first: the top one is drawn last, over the rest.
fn draw_layers(app: &App, frame: &mut Frame<'_>, area: Rect, ctx: &super::component::Context<'_>) {
    for layer in &app.layers {
        layer.draw(frame, area, ctx, true);
    }
}

/// A window mpdesk cannot draw the console in: too large or too small,
/// said with the size it has and the size it needs.
fn wrong_size(app: &App, frame: &mut Frame<'_>, area: Rect) {
    let quit = app.keymap.key_for(super::action::Action::Quit);
    let text = if layout::too_large(app.run.window) {
        let (width, height) = app.run.window;
        let (most_width, most_height) = (layout::MAX_WIDTH, layout::MAX_HEIGHT);
        format!("Window too large ({width}×{height}): mpdesk draws at most {most_width}×{most_height}. Make it smaller, or press {quit} to quit.")
    } else {
        let (width, height) = (area.width, area.height);
        format!("The terminal is too small ({width}×{height}); mpdesk needs at least {MIN_WIDTH}×{MIN_HEIGHT}. Enlarge it, or press {quit} to quit.")
    };
    frame.render_widget(Paragraph::new(text).wrap(Wrap { trim: true }), area);
}
