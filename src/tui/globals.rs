//! The console-wide actions, whatever has the focus: help and quit, tabs
//! and panes, the workspace and persona switchers, your invitations and
//! keys, `z`/`Z` on your last change, clearing filters, the demo and its
//! tour. What each offers, and what it does.

use super::action::Action;
use super::app::App;
use super::component::{offer, Offer, Outcome, Pane, Tab};
use super::dialogs::{Confirm, InvitationList, KeyList, Picker};
use super::request::Request;

/// The console-wide actions offered now.
pub fn offers(app: &App) -> Vec<Offer> {
    let mut offers = vec![(Action::Quit, Ok(()))];
    let ctx = app.context();
    for overlay in super::screens::OVERLAYS {
        offers.extend((overlay.offered)(&ctx).map(|decision| (overlay.action, decision)));
    }
    if app.options.demo {
        offers.push((Action::SwitchPersona, Ok(())));
        let reset = match app.stage.demo_start {
            Some(_) => Ok(()),
            None => Err("a read-only demo has nothing to reset".to_string()),
        };
        offers.push((Action::DemoReset, reset));
    }
    if !app.who.invitations.is_empty() {
        offers.push((Action::Invitations, Ok(())));
    }
    if let Some(tour) = &app.tour {
        let last = tour.steps.len().saturating_sub(1);
        let next = if tour.current >= last {
            Err(format!("this is the tour's last step; {} starts the demo over", app.keymap.key_for(Action::DemoReset)))
        } else {
            Ok(())
        };
        let previous = if tour.current == 0 { Err("this is the tour's first step".to_string()) } else { Ok(()) };
        offers.extend([(Action::TourNext, next), (Action::TourPrev, previous)]);
    }
    if !app.main_screen() {
        return offers;
    }
    let tabs = [Action::NextTab, Action::PrevTab].into_iter().chain(Tab::ALL.map(Tab::action));
    offers.extend(tabs.map(|tab| (tab, Ok(()))));
    if app.view.tab == Tab::Programs {
        offers.extend([(Action::FocusNext, Ok(())), (Action::FocusPrev, Ok(()))]);
    }
    if !app.who.workspaces.is_empty() {
        offers.push((Action::SwitchWorkspace, Ok(())));
    }
    if app.who.actor.is_some() {
        // Everyone manages their own keys (the domain's key rule, for oneself).
        let own = crate::domain::keys::KeyManager::Person { is_self: true };
        offers.push(offer(Action::Keys, &crate::domain::keys::decide_key_change(own, "Managing your keys")));
    }
    if app.screens.filtered() || app.status.is_some() {
        offers.push((Action::ClearFilter, Ok(())));
    }
    let workspace = app.who.workspace_name().unwrap_or_default();
    // On the Audit tab, `z` is the selected entry's (the Audit screen's).
    if app.view.tab != Tab::Audit {
        let undo = app.who.undo.as_ref().map(|c| c.refusal.clone().map_or(Ok(()), Err));
        offers.push((Action::Undo, undo.unwrap_or_else(|| Err(format!("nothing of yours to undo in {workspace}")))));
    }
    let redo = app.who.redo.as_ref().map(|c| c.refusal.clone().map_or(Ok(()), Err));
    offers.push((Action::Redo, redo.unwrap_or_else(|| Err(format!("nothing you undid in {workspace} to redo")))));
    offers
}

/// Carries out a console-wide action (allowed).
pub fn perform(app: &mut App, action: Action) -> Outcome {
    if let Some(overlay) = super::screens::OVERLAYS.iter().find(|o| o.action == action) {
        let mut screen = (overlay.open)();
        app.with_parts(|p| screen.refresh(&p.ctx));
        app.push(screen);
        return Outcome::Nothing;
    }
    if let Some(shown) = Tab::ALL.into_iter().find(|t| t.action() == action) {
        app.switch_tab(shown);
        return Outcome::Nothing;
    }
    let tab = |index: usize| Tab::ALL[index % Tab::ALL.len()];
    match action {
        Action::Quit => return Outcome::Quit,
        Action::FocusNext | Action::FocusPrev => {
            let at = Pane::ALL.iter().position(|p| *p == app.view.focus).unwrap_or(0);
            let n = Pane::ALL.len();
            app.view.focus = Pane::ALL[if action == Action::FocusNext { (at + 1) % n } else { (at + n - 1) % n }];
        }
        Action::NextTab => app.switch_tab(tab(app.view.tab.index() + 1)),
        Action::PrevTab => app.switch_tab(tab(app.view.tab.index() + Tab::ALL.len() - 1)),
        Action::Invitations => return app.with_parts(|p| Outcome::push(InvitationList::open(&p.ctx))),
        Action::Keys => return app.with_parts(|p| Outcome::push_read(KeyList::open(&p.ctx))),
        Action::SwitchWorkspace => return app.with_parts(|p| Outcome::push(Picker::workspaces(&p.ctx))),
        Action::SwitchPersona => return app.with_parts(|p| Outcome::push_read(Picker::personas(&p.ctx))),
        Action::Undo | Action::Redo => {
            let choice = if action == Action::Undo { &app.who.undo } else { &app.who.redo };
            if let Some(id) = choice.as_ref().map(|c| c.id) {
                return Outcome::Request(Request::Undo { id });
            }
        }
        Action::TourNext | Action::TourPrev => {
            if let Some(current) = app.tour.as_ref().map(|t| t.current) {
                let next = if action == Action::TourNext { current + 1 } else { current.saturating_sub(1) };
                return Outcome::Request(Request::TourStep(next));
            }
        }
        Action::DemoReset => {
            let question = if app.tour.is_some() {
                "Reset the demo? Every change since it started is undone, and the tour starts again at step 1."
            } else {
                "Reset the demo? Every change since it started is undone."
            };
            return Outcome::push(Confirm::new("Reset the demo", question.to_string(), "Reset", Request::DemoReset));
        }
        Action::ClearFilter => {
            clear_filters(app);
            app.status = None;
        }
        _ => {}
    }
    Outcome::Nothing
}

/// Every list's filter emptied, and its rows fetched again.
fn clear_filters(app: &mut App) {
    let cleared = [
        (Pane::Members, app.screens.members.clear_filter()),
        (Pane::Programs, app.screens.programs.clear_filter()),
        (Pane::Audit, app.screens.audit.clear_filter()),
    ];
    for pane in cleared.into_iter().filter_map(|(pane, had)| had.then_some(pane)) {
        app.refilter(pane);
    }
}
