//! Where each part of the screen goes, shared by `view` (to draw) and
//! `update` (to page lists and to map mouse clicks).

use super::component::Pane;
use ratatui::layout::Rect;

pub const MIN_WIDTH: u16 = 60;
pub const MIN_HEIGHT: u16 = 16;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Areas {
    pub header: Rect,
    pub programs: Rect,
    pub details: Rect,
    pub members: Rect,
    pub hints: Rect,
    pub status: Rect,
}

/// The largest window drawn: past a 4K screen in a small font. A larger
/// window is told so; what it costs stays what this size costs.
pub const MAX_WIDTH: u16 = 500;
pub const MAX_HEIGHT: u16 = 200;

pub fn too_small(size: (u16, u16)) -> bool {
    size.0 < MIN_WIDTH || size.1 < MIN_HEIGHT
}

pub fn too_large(size: (u16, u16)) -> bool {
    size.0 > MAX_WIDTH || size.1 > MAX_HEIGHT
}

/// The part of a window that is drawn: all of it up to the largest size;
/// beyond, only the few rows that say it is too large.
pub fn capped(size: (u16, u16)) -> (u16, u16) {
    if too_large(size) {
        (size.0.min(TOO_LARGE_WIDTH), size.1.min(TOO_LARGE_HEIGHT))
    } else {
        size
    }
}

/// What the "window too large" message is drawn in.
const TOO_LARGE_WIDTH: u16 = 120;
const TOO_LARGE_HEIGHT: u16 = 4;

/// Plain arithmetic, not `Layout`: this runs for every frame and every
/// page decision, and the constraint solver is the costliest part of a
/// first frame. A test holds it to what the solver would say.
pub fn main_areas(area: Rect) -> Areas {
    let row = |y: u16, height: u16| Rect::new(area.x, y, area.width, height);
    let bars = 4.min(area.height);
    let header = row(area.y, 1.min(area.height));
    let body = row(area.y + header.height, area.height - bars.max(header.height));
    let below = area.y + header.height + body.height;
    let hints = row(below, 2.min(area.height.saturating_sub(below - area.y)));
    let status = row(hints.y + hints.height, 1.min(area.height.saturating_sub(hints.y + hints.height - area.y)));
    // The program list grows with the terminal: a wider one shows more of each name.
    let left = (body.width * 40 / 100).max(24.min(body.width));
    let programs = Rect::new(body.x, body.y, left, body.height);
    let right = Rect::new(body.x + left, body.y, body.width - left, body.height);
    let top = ((right.height as u32 * 58 + 50) / 100) as u16;
    let details = Rect::new(right.x, right.y, right.width, top);
    let members = Rect::new(right.x, right.y + top, right.width, right.height - top);
    Areas { header, programs, details, members, hints, status }
}

/// Rows a list pane shows inside its border (and, for members, its header).
pub fn list_height(size: (u16, u16), pane: Pane) -> u16 {
    let areas = main_areas(Rect::new(0, 0, size.0, size.1));
    match pane {
        Pane::Programs => areas.programs.height.saturating_sub(2),
        Pane::Members => areas.members.height.saturating_sub(3),
        Pane::Details => areas.details.height.saturating_sub(2),
        Pane::WorkspaceMembers | Pane::Audit => return tab_list_height(size),
    }
    .max(1)
}

/// The body of the Members, Audit and Roles tabs: below the header, above the bar.
pub fn tab_body(area: Rect) -> Rect {
    let a = main_areas(area);
    Rect::new(a.programs.x, a.programs.y, a.programs.width + a.details.width, a.programs.height)
}

/// Rows a tab's list shows inside its border and header row.
pub fn tab_list_height(size: (u16, u16)) -> u16 {
    tab_body(Rect::new(0, 0, size.0, size.1)).height.saturating_sub(3).max(1)
}

/// A rectangle of at most `width`×`height`, centered in `area`.
pub fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let width = width.min(area.width);
    let height = height.min(area.height);
    Rect::new(area.x + (area.width - width) / 2, area.y + (area.height - height) / 2, width, height)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::layout::{Constraint, Layout};

    fn solved(area: Rect) -> Areas {
        let [header, body, hints, status] =
            Layout::vertical([Constraint::Length(1), Constraint::Min(0), Constraint::Length(2), Constraint::Length(1)])
                .areas(area);
        let left = (body.width * 40 / 100).max(24.min(body.width));
        let [programs, right] = Layout::horizontal([Constraint::Length(left), Constraint::Min(0)]).areas(body);
        let [details, members] =
            Layout::vertical([Constraint::Percentage(58), Constraint::Percentage(42)]).areas(right);
        Areas { header, programs, details, members, hints, status }
    }

    #[test]
    fn the_arithmetic_places_every_pane_where_the_layout_solver_would() {
        for width in (MIN_WIDTH..=260).step_by(7).chain([MIN_WIDTH, 80, 100, 120, 200]) {
            for height in MIN_HEIGHT..=80 {
                let area = Rect::new(0, 0, width, height);
                assert_eq!(main_areas(area), solved(area), "{width}x{height}");
            }
        }
    }
}
