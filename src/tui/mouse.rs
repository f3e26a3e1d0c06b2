//! The mouse: a click on a tab's title switches to it; on a pane it takes
//! the focus and selects the row under it; the wheel scrolls the pane under
//! it, three rows a notch.

use super::app::{App, Pane};
use super::component::Outcome;
use super::layout;
use crossterm::event::{MouseButton, MouseEvent, MouseEventKind};
use ratatui::layout::{Position, Rect};

fn inside(area: Rect, column: u16, row: u16) -> bool {
    area.contains(Position { x: column, y: row })
}

pub fn on_mouse(app: &mut App, mouse: MouseEvent) {
    if app.has_layer() || layout::too_small(app.ui_size()) {
        return;
    }
    let (width, height) = app.ui_size();
    let areas = layout::main_areas(Rect::new(0, 0, width, height));
    let (column, row) = (mouse.column, mouse.row);
    if mouse.kind == MouseEventKind::Down(MouseButton::Left) && inside(areas.header, column, row) {
        if let Some(tab) = super::view::header::tab_at(app, areas.header.width, column) {
            app.switch_tab(tab);
        }
        return;
    }
    let pane = [(areas.programs, Pane::Programs), (areas.details, Pane::Details), (areas.members, Pane::Members)]
        .into_iter()
        .find(|(area, _)| inside(*area, column, row));
    let Some((area, pane)) = pane else { return };
    match mouse.kind {
        MouseEventKind::Down(MouseButton::Left) => {
            app.view.focus = pane;
            let first_row = area.y + if pane == Pane::Members { 2 } else { 1 };
            if row < first_row || row >= area.y + area.height.saturating_sub(1) {
                return;
            }
            let offset = (row - first_row) as u64;
            let outcome = app.with_parts(|p| match pane {
                Pane::Programs => {
                    let top = p.screens.programs.list.top;
                    p.screens.programs.click(&p.ctx, top + offset)
                }
                Pane::Members => {
                    let top = p.screens.members.list.top;
                    p.screens.members.click(&p.ctx, top + offset);
                    Outcome::Nothing
                }
                _ => Outcome::Nothing,
            });
            if matches!(outcome, Outcome::SelectionMoved) {
                app.load_selection();
            }
        }
        MouseEventKind::ScrollDown | MouseEventKind::ScrollUp => {
            app.view.focus = pane;
            let action = if mouse.kind == MouseEventKind::ScrollDown {
                super::action::Action::Down
            } else {
                super::action::Action::Up
            };
            let outcome = app.with_parts(|p| {
                let screen = p.screens.focused_mut(p.view.tab, p.view.focus)?;
                let mut last = Outcome::Nothing;
                for _ in 0..3 {
                    if matches!(screen.perform(action, &p.ctx), Outcome::SelectionMoved) {
                        last = Outcome::SelectionMoved;
                    }
                }
                Some(last)
            });
            if matches!(outcome, Some(Outcome::SelectionMoved)) {
                app.load_selection();
            }
        }
        _ => {}
    }
}
