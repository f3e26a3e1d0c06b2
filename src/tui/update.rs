//! `update`: every change to the console's state, driven by messages.
//! Keys become actions through the keymap; an action runs only if the
//! hint list (built from the desk's capabilities) says it is allowed,
//! otherwise its `Denial` goes to the status line.

use super::action::Action;
use super::app::{App, Help, Pane, Screen, StatusKind, Tab};
use super::dialogs::{
    AddMembers, Configure, Confirm, Dialog, Invite, Outcome, Picker, PickerKind, ProgramForm, Release, Request,
    TypeToConfirm, Upload,
};
use super::hints;
use super::layout;
use super::welcome::WelcomeOutcome;
use crate::desk::{DeskError, DeskResult, MemberOp, PackageSource, Page, ProgramEdit};
use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseButton, MouseEvent, MouseEventKind};
use ratatui::layout::{Position, Rect};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Message {
    Key(KeyEvent),
    Mouse(MouseEvent),
    Resize(u16, u16),
    /// Time passed: look for changes made by other processes.
    Tick,
}

/// Several messages that arrived together (keys typed fast): each changes
/// the state, and the work they make stale (a filter's lookup) runs once,
/// for the newest.
pub fn update_all(app: &mut App, messages: impl IntoIterator<Item = Message>) {
    for message in messages {
        handle(app, message);
    }
    run_pending(app);
    if matches!(app.screen, Screen::Main) {
        app.refresh_undo();
        app.check_tour();
    }
}

pub fn update(app: &mut App, message: Message) {
    update_all(app, [message]);
}

fn run_pending(app: &mut App) {
    if let Some(pane) = app.pending_filter.take() {
        refilter(app, pane);
    }
}

fn handle(app: &mut App, message: Message) {
    // Only keys typed into a filter wait; anything else sees fresh rows.
    if app.editing_filter.is_none() {
        run_pending(app);
    }
    // A tick redraws only if another process committed or the clock's
    // minute (what countdowns show) moved; every other message may change
    // what is seen.
    if let Message::Tick = message {
        let (version, minute) = (app.data_version, app.now.minute());
        app.now = app.desk.now_time();
        app.poll_changes();
        if app.data_version != version || app.now.minute() != minute {
            app.redraw = true;
        }
        return;
    }
    app.redraw = true;
    match message {
        Message::Key(key) if key.kind == KeyEventKind::Press => {
            if app.options.show_keys {
                app.show_key(key);
            }
            on_key(app, key)
        }
        Message::Key(_) => {}
        Message::Mouse(mouse) => on_mouse(app, mouse),
        Message::Resize(width, height) => {
            app.size = (width, height);
            if matches!(app.screen, Screen::Main) {
                app.ensure_program_rows();
                app.ensure_member_rows();
            }
        }
        Message::Tick => {}
    }
}

fn is_ctrl_c(key: &KeyEvent) -> bool {
    key.code == KeyCode::Char('c') && key.modifiers.contains(KeyModifiers::CONTROL)
}

/// A key, and then the status rule: a message set before this key that
/// no longer matches the screen's context is cleared.
fn on_key(app: &mut App, key: KeyEvent) {
    let context = app.status_context();
    let serial = app.status_serial;
    handle_key(app, key);
    if app.status_serial == serial && app.status.is_some() && app.status_context() != context {
        app.status = None;
    }
}

fn handle_key(app: &mut App, key: KeyEvent) {
    if is_ctrl_c(&key) {
        app.quit = true;
        return;
    }
    if let Screen::Welcome(welcome) = &mut app.screen {
        let outcome = welcome.handle_key(key);
        on_welcome(app, outcome);
        return;
    }
    if let Some(dialog) = app.dialog.as_mut() {
        let outcome = dialog.handle_key(key);
        on_dialog(app, outcome);
        return;
    }
    if app.help.is_some() {
        on_help_key(app, key);
        return;
    }
    if let Some(pane) = app.editing_filter {
        on_filter_key(app, pane, key);
        return;
    }
    let actions = app.keymap.actions_for(key);
    let hint = hints::build(app).into_iter().find(|h| actions.contains(&h.action));
    match hint {
        None => {
            if let Some(action) = actions.first() {
                app.set_status(
                    StatusKind::Error,
                    format!(
                        "{} is not available here; {} lists what is",
                        action.description(),
                        app.keymap.key_for(Action::Help)
                    ),
                );
            }
        }
        Some(hint) => match hint.denial {
            Some(denial) => {
                app.note_action(hint.action, false);
                app.set_status(StatusKind::Error, denial);
            }
            None => {
                perform(app, hint.action);
                app.note_action(hint.action, true);
            }
        },
    }
}

fn on_help_key(app: &mut App, key: KeyEvent) {
    let Some(help) = app.help.as_mut() else {
        return;
    };
    match key.code {
        // As in k9s and lazygit: ? and Esc close; q too while nothing is typed.
        KeyCode::Esc => app.help = None,
        _ if app.keymap.is(key, Action::Help) && help.filter.value().is_empty() => app.help = None,
        _ if app.keymap.is(key, Action::Quit) && help.filter.value().is_empty() => app.help = None,
        KeyCode::Up => help.scroll = help.scroll.saturating_sub(1),
        KeyCode::Down => help.scroll = help.scroll.saturating_add(1),
        KeyCode::PageUp => help.scroll = help.scroll.saturating_sub(10),
        KeyCode::PageDown => help.scroll = help.scroll.saturating_add(10),
        _ => {
            if super::field::feed(&mut help.filter, key) {
                help.scroll = 0;
            }
        }
    }
}

fn on_filter_key(app: &mut App, pane: Pane, key: KeyEvent) {
    match key.code {
        KeyCode::Enter => app.editing_filter = None,
        KeyCode::Esc => {
            app.editing_filter = None;
            clear_filter(app, pane);
        }
        KeyCode::Up | KeyCode::Down | KeyCode::PageUp | KeyCode::PageDown => {
            app.editing_filter = None;
            if let Some(action) = app.keymap.actions_for(key).first().copied() {
                perform(app, action);
            }
        }
        _ => {
            if super::field::feed(filter_input(app, pane), key) {
                // Run after this batch of keys: typed fast, only the newest
                // text is looked up.
                app.pending_filter = Some(pane);
            }
        }
    }
}

/// The filter field of a list.
fn filter_input(app: &mut App, pane: Pane) -> &mut tui_input::Input {
    match pane {
        Pane::Members => &mut app.member_filter,
        Pane::Audit => &mut app.audit_filter,
        _ => &mut app.program_filter,
    }
}

fn refilter(app: &mut App, pane: Pane) {
    match pane {
        Pane::Members => {
            app.members.selected = 0;
            app.members.top = 0;
            app.reload_members();
        }
        Pane::Audit => {
            app.audit.selected = 0;
            app.audit.top = 0;
            app.reload_audit();
        }
        _ => {
            app.programs.selected = 0;
            app.programs.top = 0;
            app.reload();
        }
    }
}

fn clear_filter(app: &mut App, pane: Pane) {
    let input = filter_input(app, pane);
    if !input.value().is_empty() {
        input.reset();
        refilter(app, pane);
    }
}

fn move_focused(app: &mut App, delta: i64) {
    match app.focus {
        Pane::Programs => {
            let before = app.programs.selected;
            app.programs.move_by(delta);
            app.ensure_program_rows();
            if app.programs.selected != before {
                app.load_selection();
            }
        }
        Pane::Members => {
            app.members.move_by(delta);
            app.ensure_member_rows();
        }
        Pane::Details if app.tab == Tab::Roles => {
            let max = super::view::scroll_limits(app).1;
            app.roles_scroll = (app.roles_scroll as i64 + delta).clamp(0, max as i64) as u16;
        }
        Pane::Details => {
            let max = super::view::scroll_limits(app).0;
            app.details_scroll = (app.details_scroll as i64 + delta).clamp(0, max as i64) as u16;
        }
        Pane::WorkspaceMembers => {
            app.ws_members.move_by(delta);
            app.ensure_ws_member_rows();
        }
        Pane::Audit => {
            app.audit.move_by(delta);
            app.ensure_audit_rows();
        }
    }
}

fn page(app: &App) -> i64 {
    match app.focus {
        Pane::Programs => app.programs_height() as i64,
        Pane::Members => app.members_height() as i64,
        Pane::Details => layout::list_height(app.ui_size(), Pane::Details) as i64,
        Pane::WorkspaceMembers | Pane::Audit => app.tab_list_height() as i64,
    }
}

fn cycle_focus(app: &mut App, forward: bool) {
    if app.tab != Tab::Programs {
        return;
    }
    let at = Pane::ALL.iter().position(|p| *p == app.focus).unwrap_or(0);
    let n = Pane::ALL.len();
    app.focus = Pane::ALL[if forward { (at + 1) % n } else { (at + n - 1) % n }];
}

/// Carries out an allowed action.
fn perform(app: &mut App, action: Action) {
    let selection = app.selection.clone();
    let app_id = selection.as_ref().map(|s| s.detail.summary.app_id.clone()).unwrap_or_default();
    let name = selection.as_ref().map(|s| s.detail.summary.name.clone()).unwrap_or_default();
    match action {
        Action::Quit => app.quit = true,
        Action::Help => app.help = Some(Help::default()),
        Action::FocusNext => cycle_focus(app, true),
        Action::FocusPrev => cycle_focus(app, false),
        Action::Up => move_focused(app, -1),
        Action::Down => move_focused(app, 1),
        Action::PageUp => move_focused(app, -page(app)),
        Action::PageDown => move_focused(app, page(app)),
        Action::Top => move_focused(app, i64::MIN / 2),
        Action::Bottom if app.focus == Pane::Audit => app.audit_to_end(),
        Action::Bottom => {
            if app.focus == Pane::Members {
                app.count_members_exactly();
            }
            if app.focus == Pane::Programs {
                app.count_programs_exactly();
            }
            move_focused(app, i64::MAX / 2)
        }
        Action::NextTab | Action::PrevTab => {
            let n = Tab::ALL.len();
            let at = app.tab.index();
            app.switch_tab(Tab::ALL[if action == Action::NextTab { (at + 1) % n } else { (at + n - 1) % n }]);
        }
        Action::TabPrograms => app.switch_tab(Tab::Programs),
        Action::TabMembers => app.switch_tab(Tab::Members),
        Action::TabAudit => app.switch_tab(Tab::Audit),
        Action::TabRoles => app.switch_tab(Tab::Roles),
        Action::Invitations => app.open_invitations(),
        Action::Keys => open_keys(app),
        Action::Invite => {
            let actor = app.actor.clone();
            let ws = app.workspace.clone();
            let users = match (&actor, &ws) {
                (Some(actor), Some(ws)) => {
                    app.desk.find_invitees(actor, &ws.name, None, Page::new(0, super::dialogs::add_members_page())).ok()
                }
                _ => None,
            };
            if let (Some(ws), Some(users)) = (ws, users) {
                let options = app.invite_options.clone();
                app.dialog = Some(Dialog::Invite(Invite::new(&ws.name, users, options)));
            }
        }
        Action::ChangeRole
        | Action::BlockMember
        | Action::UnblockMember
        | Action::RemoveWorkspaceMember
        | Action::Resend
        | Action::Withdraw
        | Action::Transfer => confirm_member_action(app, action),
        Action::Undo if app.tab == Tab::Audit => confirm_undo(app),
        Action::Undo | Action::Redo => {
            let choice = if action == Action::Undo { &app.undo.last } else { &app.undo.redo };
            if let Some(id) = choice.as_ref().map(|c| c.id) {
                match execute(app, Request::Undo { id }) {
                    Ok(message) => app.set_status(StatusKind::Info, message),
                    Err(error) => app.set_status(StatusKind::Error, error.to_string()),
                }
            }
        }
        Action::TourNext | Action::TourPrev => {
            if let Some(current) = app.tour.as_ref().map(|t| t.current) {
                let next = if action == Action::TourNext { current + 1 } else { current.saturating_sub(1) };
                app.enter_step(next);
            }
        }
        Action::DemoReset => {
            let question = if app.tour.is_some() {
                "Reset the demo? Every change since it started is undone, and the tour starts again at step 1."
            } else {
                "Reset the demo? Every change since it started is undone."
            };
            app.dialog = Some(Dialog::Confirm(Confirm::new(
                "Reset the demo",
                question.to_string(),
                "Reset",
                Request::DemoReset,
            )));
        }
        Action::Filter => app.editing_filter = Some(app.focus),
        Action::ClearFilter => {
            for pane in [Pane::Members, Pane::Programs, Pane::Audit] {
                clear_filter(app, pane);
            }
            app.status = None;
        }
        Action::SwitchWorkspace => {
            let items =
                app.workspaces.iter().map(|w| (w.name.clone(), format!("{} — {}", w.name, w.role.title()))).collect();
            let current = app.workspace.as_ref().map(|w| w.name.clone()).unwrap_or_default();
            app.dialog = Some(Dialog::Picker(Picker::new(PickerKind::Workspace, items, &current)));
        }
        Action::SwitchPersona => {
            let users = app.desk.list_users(Page::new(0, 500));
            if let Some(users) = app.report(users) {
                let items = users.into_iter().map(|u| (u.login.clone(), format!("{} ({})", u.name, u.login))).collect();
                app.dialog = Some(Dialog::Picker(Picker::new(PickerKind::Persona, items, &app.login)));
            }
        }
        Action::CreateProgram => {
            if let Some(ws) = &app.workspace {
                app.dialog = Some(Dialog::ProgramForm(ProgramForm::create(&ws.name)));
            }
        }
        Action::EditProgram => {
            if let Some(s) = &selection {
                app.dialog = Some(Dialog::ProgramForm(ProgramForm::edit(&app_id, &name, &s.detail.description)));
            }
        }
        Action::AddMembers => {
            if let Some(actor) = app.actor.clone() {
                let found =
                    app.desk.find_candidates(&actor, &app_id, None, Page::new(0, super::dialogs::add_members_page()));
                if let Some(candidates) = app.report(found) {
                    app.dialog = Some(Dialog::AddMembers(AddMembers::new(&app_id, &name, candidates)));
                }
            }
        }
        Action::RemoveMember => {
            if let Some(member) = app.members.selected_row() {
                let login = member.login.clone();
                let question = format!("Remove {login} from {name}? They can be added again later.");
                let request = Request::RemoveMember { app_id, login };
                app.dialog = Some(Dialog::Confirm(Confirm::new("Remove member", question, "Remove", request)));
            }
        }
        Action::Upload => {
            let latest = selection.as_ref().and_then(|s| s.versions.first()).map(|v| v.version.clone());
            app.dialog = Some(Dialog::Upload(Upload::new(&app_id, latest)));
        }
        Action::Configure => {
            if let Some(s) = &selection {
                app.dialog = Some(Dialog::Configure(Configure::new(&app_id, &s.detail.config)));
            }
        }
        Action::Release => {
            let versions = selection.map(|s| s.versions).unwrap_or_default();
            app.dialog = Some(Dialog::Release(Release::new(&app_id, &name, versions)));
        }
        Action::TakeOffline => {
            let question = format!("Take {name} offline? It keeps its versions and can be released again.");
            let request = Request::TakeOffline { app_id };
            app.dialog = Some(Dialog::Confirm(Confirm::new("Take offline", question, "Take offline", request)));
        }
        Action::Delete => app.dialog = Some(Dialog::TypeToConfirm(TypeToConfirm::delete_program(&app_id, &name))),
    }
}

fn on_dialog(app: &mut App, outcome: Outcome) {
    match outcome {
        Outcome::Stay => {}
        Outcome::Cancel => app.dialog = None,
        Outcome::Refilter => fetch_dialog_items(app, false),
        Outcome::MoreItems => fetch_dialog_items(app, true),
        Outcome::Submit(request) => match execute(app, request.clone()) {
            Ok(message) => {
                app.dialog = None;
                // The Keys dialog stays open on what it now holds.
                if matches!(request, Request::AddKey { .. } | Request::RemoveKey { .. }) {
                    open_keys(app);
                }
                app.set_status(StatusKind::Info, message);
            }
            Err(error) => {
                super::log::write(&format!("refused: {error}"));
                if let Some(dialog) = app.dialog.as_mut() {
                    dialog.set_error(error.to_string());
                }
            }
        },
    }
}

/// The Keys dialog, with the actor's keys as they are now.
fn open_keys(app: &mut App) {
    let Some(actor) = app.actor.clone() else { return };
    let me = crate::desk::Principal::Person(actor);
    let keys = app.desk.list_keys(&me, None);
    if let Some(keys) = app.report(keys) {
        let keys = keys
            .into_iter()
            .map(|key| {
                let refusal = app.desk.key_removal_refusal(&me, &key.fingerprint);
                (key, refusal)
            })
            .collect();
        app.dialog = Some(Dialog::Keys(super::dialogs::KeyList::new(keys)));
    }
}

/// A dialog's list, one page in SQL: again from the start when its filter
/// changed, or the next page, appended, when the selection reached its end.
fn fetch_dialog_items(app: &mut App, next_page: bool) {
    let Some(actor) = app.actor.clone() else { return };
    let page_size = super::dialogs::add_members_page();
    let page = |loaded: usize| Page::new(if next_page { loaded as u64 } else { 0 }, page_size);
    match app.dialog.as_mut() {
        Some(Dialog::AddMembers(dialog)) => {
            let text = dialog.list.filter.value().to_string();
            match app.desk.find_candidates(&actor, &dialog.app_id, Some(&text), page(dialog.list.items.len())) {
                Ok(items) if next_page => dialog.list.append_items(items),
                Ok(items) => dialog.list.set_items(items),
                Err(e) => dialog.error = Some(e.to_string()),
            }
        }
        Some(Dialog::Invite(dialog)) => {
            let text = dialog.list.filter.value().to_string();
            match app.desk.find_invitees(&actor, &dialog.workspace, Some(&text), page(dialog.list.items.len())) {
                Ok(items) if next_page => dialog.list.append_items(items),
                Ok(items) => dialog.list.set_items(items),
                Err(e) => dialog.error = Some(e.to_string()),
            }
        }
        _ => {}
    }
}

/// Opens the confirmation for an action on the selected workspace member.
/// The Audit tab's `z`: what undoing the selected entry changes, to confirm.
fn confirm_undo(app: &mut App) {
    let (Some(actor), Some((id, entry))) = (app.actor.clone(), app.audit.selected_row().cloned()) else { return };
    let plan = app.desk.undo_plan(&actor, id);
    let Some(plan) = app.report(plan) else { return };
    let verb = if plan.redo { "Redo" } else { "Undo" };
    let question =
        format!("{verb} #{id} ({} by {})? This will: {}.", entry.operation, entry.actor, plan.changes.join("; "));
    let confirm = if plan.redo { "Redo" } else { "Undo" };
    app.dialog = Some(Dialog::Confirm(Confirm::new(&format!("{verb} #{id}"), question, confirm, Request::Undo { id })));
}

fn confirm_member_action(app: &mut App, action: Action) {
    let (Some(ws), Some(member)) = (app.workspace.clone(), app.ws_members.selected_row().cloned()) else { return };
    let (workspace, login) = (ws.name.clone(), member.login.clone());
    // The role a role change leads to, as the desk decided it.
    let other = app
        .ws_member_ops
        .iter()
        .find_map(|(op, _)| match op {
            MemberOp::ChangeRole(role) => Some(*role),
            _ => None,
        })
        .unwrap_or(member.role);
    let (title, question, confirm, request) = match action {
        Action::ChangeRole => (
            "Change role",
            format!("Make {login} a {} of {workspace}? Their role on every mini program follows.", other.title()),
            "Change role",
            Request::ChangeRole { workspace, login, role: other },
        ),
        Action::BlockMember => (
            "Block member",
            format!("Block {login}? They see and do nothing in {workspace} until unblocked; their program memberships are kept."),
            "Block",
            Request::Block { workspace, login },
        ),
        Action::UnblockMember => (
            "Unblock member",
            format!("Unblock {login}? Their program memberships in {workspace} come back."),
            "Unblock",
            Request::Unblock { workspace, login },
        ),
        Action::RemoveWorkspaceMember => (
            "Remove member",
            format!("Remove {login} from {workspace}? This also removes them from every mini program of the workspace."),
            "Remove",
            Request::RemoveFromWorkspace { workspace, login },
        ),
        Action::Resend => (
            "Resend invitation",
            format!("Resend {login}'s invitation to {workspace}? It will expire 3 days from now."),
            "Resend",
            Request::Resend { workspace, login },
        ),
        Action::Withdraw => (
            "Withdraw invitation",
            format!("Withdraw {login}'s invitation to {workspace}?"),
            "Withdraw",
            Request::Withdraw { workspace, login },
        ),
        Action::Transfer => {
            app.dialog = Some(Dialog::TypeToConfirm(TypeToConfirm::transfer(&workspace, &login)));
            return;
        }
        _ => return,
    };
    app.dialog = Some(Dialog::Confirm(Confirm::new(title, question, confirm, request)));
}

/// Carries out a confirmed request through the desk, then refreshes.
fn execute(app: &mut App, request: Request) -> DeskResult<String> {
    let actor = app.actor.clone().ok_or_else(|| DeskError::NotFound("no acting user".to_string()))?;
    let message = match request {
        Request::CreateProgram { workspace, name, description } => {
            let created = app.desk.create_program(&actor, &workspace, &name, &description)?;
            app.program_filter.reset();
            app.reload();
            select_program(app, &created.app_id);
            format!("created {} ({}); you are its Admin", created.name, created.app_id)
        }
        Request::EditProgram { app_id, name, description } => {
            let edit = ProgramEdit { name: Some(name), description: Some(description) };
            let saved = app.desk.edit_program(&actor, &app_id, &edit)?;
            app.reload();
            select_program(app, &app_id);
            format!("saved {}", saved.name)
        }
        Request::AddMembers { app_id, logins } => {
            let added = app.desk.add_members(&actor, &app_id, &logins)?;
            app.reload();
            let names: Vec<String> = added.iter().map(|m| format!("{} ({})", m.login, m.role.title())).collect();
            format!("added {}", names.join(", "))
        }
        Request::RemoveMember { app_id, login } => {
            app.desk.remove_member(&actor, &app_id, &login)?;
            app.reload();
            format!("removed {login}")
        }
        Request::Upload { app_id, version, package, notes } => {
            let path = expand_home(&package);
            let uploaded = app.desk.upload_version(&actor, &app_id, &version, PackageSource::File(path), &notes)?;
            app.reload();
            format!("uploaded {} ({} bytes)", uploaded.version, uploaded.size)
        }
        Request::Configure { app_id, change } => {
            app.desk.configure_program(&actor, &app_id, &change.into())?;
            app.reload();
            "configuration saved".to_string()
        }
        Request::Release { app_id, version } => {
            let live = app.desk.release(&actor, &app_id, Some(&version))?;
            app.reload();
            format!("{live} is live")
        }
        Request::TakeOffline { app_id } => {
            app.desk.take_offline(&actor, &app_id)?;
            app.reload();
            "taken offline".to_string()
        }
        Request::Delete { app_id } => {
            app.desk.delete_program(&actor, &app_id)?;
            app.reload();
            format!("deleted {app_id}")
        }
        Request::SwitchPersona { login } => {
            let persona = app.desk.actor(&login)?;
            app.start_as(&login);
            format!("you are now {} ({login})", persona.name)
        }
        Request::Invite { workspace, login, role } => {
            let invitation = app.desk.invite(&actor, &workspace, &login, role)?;
            app.reload_tab();
            format!("invited {login} as {}; {}", role.title(), invitation.countdown(app.desk.now_time()))
        }
        Request::ChangeRole { workspace, login, role } => {
            app.desk.set_workspace_member_role(&actor, &workspace, &login, role)?;
            after_membership_change(app);
            format!("{login} is now {}", role.title())
        }
        Request::Block { workspace, login } => {
            app.desk.block_member(&actor, &workspace, &login)?;
            after_membership_change(app);
            format!("blocked {login}")
        }
        Request::Unblock { workspace, login } => {
            app.desk.unblock_member(&actor, &workspace, &login)?;
            after_membership_change(app);
            format!("unblocked {login}")
        }
        Request::RemoveFromWorkspace { workspace, login } => {
            app.desk.remove_workspace_member(&actor, &workspace, &login)?;
            after_membership_change(app);
            format!("removed {login} from {workspace}")
        }
        Request::Resend { workspace, login } => {
            app.desk.resend_invitation(&actor, &workspace, &login)?;
            app.reload_tab();
            format!("resent {login}'s invitation")
        }
        Request::Withdraw { workspace, login } => {
            app.desk.withdraw_invitation(&actor, &workspace, &login)?;
            app.reload_tab();
            format!("withdrew {login}'s invitation")
        }
        Request::Transfer { workspace, login } => {
            app.desk.transfer_ownership(&actor, &workspace, &login)?;
            let me = app.login.clone();
            app.start_as(&me);
            format!("{login} is now the Owner of {workspace}; you are a Master")
        }
        Request::Accept { workspace } => {
            let role = app.desk.accept_invitation(&actor, &workspace)?;
            let me = app.login.clone();
            app.start_as(&me);
            format!("you joined {workspace} as {}", role.title())
        }
        Request::Decline { workspace } => {
            app.desk.decline_invitation(&actor, &workspace)?;
            app.load_invitations();
            if let Some(Dialog::Invitations(list)) = app.dialog.as_mut() {
                list.invitations.clone_from(&app.my_invitations);
                list.selected = 0;
            }
            format!("declined the invitation to {workspace}")
        }
        Request::DemoReset => {
            app.reset_demo()?;
            "the demo is back to how it started".to_string()
        }
        Request::Undo { id } => {
            let plan = app.desk.undo(&actor, id)?;
            app.reload();
            app.reload_tab();
            let verb = if plan.redo { "redid" } else { "undid" };
            format!("{verb} #{id} ({}): {}", plan.operation, plan.changes.join("; "))
        }
        Request::AddKey { line } => {
            let key = app.desk.add_key(&crate::desk::Principal::Person(actor.clone()), &actor.login, &line)?;
            format!("added {} key {}", key.algorithm, key.fingerprint)
        }
        Request::RemoveKey { fingerprint } => {
            let key = app.desk.remove_key(&crate::desk::Principal::Person(actor.clone()), &fingerprint)?;
            format!("removed key {}", key.fingerprint)
        }
        Request::SwitchWorkspace { name } => {
            if let Some(notice) = app.desk.blocked_notice(&actor, &name)? {
                return Err(DeskError::Conflict(notice));
            }
            app.workspace = app.workspaces.iter().find(|w| w.name == name).cloned();
            app.programs.selected = 0;
            app.programs.top = 0;
            app.program_filter.reset();
            app.member_filter.reset();
            app.audit_filter.reset();
            app.ws_members = Default::default();
            app.audit = Default::default();
            app.reload();
            app.reload_tab();
            format!("workspace {name}")
        }
    };
    app.data_version = app.desk.data_version().unwrap_or(app.data_version);
    Ok(message)
}

/// A role, status or membership changed: every tab may show it.
fn after_membership_change(app: &mut App) {
    app.workspaces = app.actor.as_ref().and_then(|a| app.desk.list_workspaces(a).ok()).unwrap_or_default();
    app.reload();
    app.reload_tab();
}

fn expand_home(path: &str) -> std::path::PathBuf {
    match (path.strip_prefix("~/"), std::env::var_os("HOME")) {
        (Some(rest), Some(home)) => std::path::PathBuf::from(home).join(rest),
        _ => std::path::PathBuf::from(path),
    }
}

pub(super) fn select_program(app: &mut App, app_id: &str) {
    let Some(actor) = app.actor.clone() else {
        return;
    };
    let Some(ws) = app.workspace.clone() else {
        return;
    };
    // The list is ordered by name: find the index by paging from the start
    // only as far as the page we already hold; else stay where we are.
    if let Some(pos) = app.programs.rows.iter().position(|p| p.app_id == app_id) {
        app.programs.select(app.programs.offset + pos as u64);
    } else if let Ok(rows) = app.desk.list_programs(&actor, Some(&ws.name), None, Page::new(0, super::window::PAGE)) {
        if let Some(pos) = rows.iter().position(|p| p.app_id == app_id) {
            app.programs.fill(0, rows);
            app.programs.select(pos as u64);
        }
    }
    app.ensure_program_rows();
    app.load_selection();
}

fn on_welcome(app: &mut App, outcome: WelcomeOutcome) {
    let result = match outcome {
        WelcomeOutcome::Stay => return,
        WelcomeOutcome::Quit => {
            app.quit = true;
            return;
        }
        WelcomeOutcome::Accept(workspace) => {
            let actor = app.actor.clone();
            actor
                .ok_or_else(|| DeskError::NotFound("no acting user".to_string()))
                .and_then(|actor| app.desk.accept_invitation(&actor, &workspace))
                .map(|_| app.login.clone())
        }
        WelcomeOutcome::Decline(workspace) => {
            let actor = app.actor.clone();
            actor
                .ok_or_else(|| DeskError::NotFound("no acting user".to_string()))
                .and_then(|actor| app.desk.decline_invitation(&actor, &workspace))
                .map(|_| app.login.clone())
        }
        WelcomeOutcome::LoadDemo => {
            app.desk.load_demo_data().and_then(|_| crate::desk::demo::demo_owner()).inspect(|_| app.options.demo = true)
        }
        WelcomeOutcome::Start { name, workspace } => {
            let login = app.login.clone();
            app.desk.register_and_create_workspace(&login, name.as_deref(), &workspace).map(|_| login)
        }
    };
    match result {
        Ok(login) => {
            app.start_as(&login);
            app.data_version = app.desk.data_version().unwrap_or(app.data_version);
            app.set_status(StatusKind::Info, format!("welcome, {login}"));
        }
        Err(error) => {
            if let Screen::Welcome(welcome) = &mut app.screen {
                welcome.error = Some(error.to_string());
            }
        }
    }
}

fn inside(area: Rect, column: u16, row: u16) -> bool {
    area.contains(Position { x: column, y: row })
}

fn on_mouse(app: &mut App, mouse: MouseEvent) {
    if !matches!(app.screen, Screen::Main)
        || app.dialog.is_some()
        || app.help.is_some()
        || layout::too_small(app.ui_size())
    {
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
            app.focus = pane;
            let first_row = area.y + if pane == Pane::Members { 2 } else { 1 };
            if row < first_row || row >= area.y + area.height.saturating_sub(1) {
                return;
            }
            let offset = (row - first_row) as u64;
            match pane {
                Pane::Programs if app.programs.top + offset < app.programs.total => {
                    app.programs.select(app.programs.top + offset);
                    app.ensure_program_rows();
                    app.load_selection();
                }
                Pane::Members if app.members.top + offset < app.members.total => {
                    app.members.select(app.members.top + offset);
                    app.ensure_member_rows();
                }
                _ => {}
            }
        }
        MouseEventKind::ScrollDown | MouseEventKind::ScrollUp => {
            app.focus = pane;
            move_focused(app, if mouse.kind == MouseEventKind::ScrollDown { 3 } else { -3 });
        }
        _ => {}
    }
}
