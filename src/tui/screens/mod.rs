//! The console's screens, each one module that owns its state, its keys,
//! its drawing and its hints ([`Component`]): the Programs list, the
//! Details and Members panes, the Members, Audit and Roles tabs, and the
//! overlays (welcome, help, the tour's panel). Screens import the shared
//! context and widgets, never each other or the router.
//!
//! [`Screens`] lists the tabs' screens: where each is drawn and which tab
//! it is on; [`OVERLAYS`] lists the screens opened over them by a key. A
//! new overlay is one new module and one row there (and the action that
//! opens it, bound in the keymap like every other).

pub mod audit;
pub mod details;
pub mod help;
pub mod members;
pub mod members_tab;
pub mod programs;
pub mod roles;
pub mod sessions;
pub mod tour;
pub mod welcome;

use super::action::Action;
use super::component::{Component, Context, Offer, Offerer, Pane, Tab};

/// A screen drawn over the console, opened by its action's key (and
/// closed by its own keys).
pub struct Overlay {
    pub action: Action,
    /// Whether its key applies now: allowed, or why not (`None`: not here).
    pub offered: fn(&Context<'_>) -> Option<Result<(), String>>,
    pub open: fn() -> Box<dyn Component>,
}

/// The overlays, one row each.
pub const OVERLAYS: &[Overlay] = &[
    Overlay { action: Action::Help, offered: |_| Some(Ok(())), open: help::Help::boxed },
    Overlay { action: Action::Sessions, offered: sessions::Sessions::offered, open: sessions::Sessions::boxed },
];

/// Where a screen is drawn: one of the Programs tab's three panes, or a
/// whole tab's body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Slot {
    Pane(Pane),
    Body,
}

/// The screens of the tabs.
#[derive(Default)]
pub struct Screens {
    pub programs: programs::ProgramList,
    pub details: details::Details,
    pub members: members::MembersPane,
    pub members_tab: members_tab::WorkspaceMembers,
    pub audit: audit::AuditLog,
    pub roles: roles::Roles,
}

impl Screens {
    /// The screens of `tab`, in drawing order, with where each goes and
    /// whether it has the focus.
    pub fn of_tab(&self, tab: Tab, focus: Pane) -> Vec<(&dyn Component, Slot, bool)> {
        let pane = |pane: Pane| (Slot::Pane(pane), pane == focus);
        match tab {
            Tab::Programs => {
                let ((p, pf), (d, df), (m, mf)) = (pane(Pane::Programs), pane(Pane::Details), pane(Pane::Members));
                vec![(&self.programs as &dyn Component, p, pf), (&self.details, d, df), (&self.members, m, mf)]
            }
            Tab::Members => vec![(&self.members_tab, Slot::Body, true)],
            Tab::Audit => vec![(&self.audit, Slot::Body, true)],
            Tab::Roles => vec![(&self.roles, Slot::Body, true)],
        }
    }

    /// The same, to change.
    fn of_tab_mut(&mut self, tab: Tab, focus: Pane) -> Vec<(&mut dyn Component, bool)> {
        match tab {
            Tab::Programs => vec![
                (&mut self.programs as &mut dyn Component, focus == Pane::Programs),
                (&mut self.details, focus == Pane::Details),
                (&mut self.members, focus == Pane::Members),
            ],
            Tab::Members => vec![(&mut self.members_tab, true)],
            Tab::Audit => vec![(&mut self.audit, true)],
            Tab::Roles => vec![(&mut self.roles, true)],
        }
    }

    /// Every screen of `tab` reads again what it shows.
    pub fn refresh_tab(&mut self, tab: Tab, focus: Pane, ctx: &Context<'_>) {
        for (screen, _) in self.of_tab_mut(tab, focus) {
            screen.refresh(ctx);
        }
    }

    /// The screen with the focus.
    pub fn focused_mut(&mut self, tab: Tab, focus: Pane) -> Option<&mut dyn Component> {
        self.of_tab_mut(tab, focus).into_iter().find(|(_, focused)| *focused).map(|(screen, _)| screen)
    }

    /// What the screens of `tab` offer, each with who offers it.
    pub fn offers(&self, tab: Tab, focus: Pane, ctx: &Context<'_>, offers: &mut Vec<(Offerer, Offer)>) {
        for (index, (screen, _, focused)) in self.of_tab(tab, focus).into_iter().enumerate() {
            let mut own = Vec::new();
            screen.hints(ctx, focused, &mut own);
            offers.extend(own.into_iter().map(|offer| (Offerer::Screen(index), offer)));
        }
    }

    /// The `index`th screen of `tab` (as [`Screens::of_tab`] orders them).
    pub fn nth_mut(&mut self, tab: Tab, focus: Pane, index: usize) -> Option<&mut dyn Component> {
        self.of_tab_mut(tab, focus).into_iter().nth(index).map(|(screen, _)| screen)
    }

    /// Whether any list is filtered.
    pub fn filtered(&self) -> bool {
        [&self.programs.filter, &self.members.filter, &self.audit.filter].iter().any(|f| !f.value().is_empty())
    }

    /// The selected rows a status message may speak of.
    pub fn rows(&self) -> [u64; 3] {
        [self.members.list.selected, self.members_tab.list.selected, self.audit.list.selected]
    }
}
