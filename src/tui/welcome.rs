//! The first-run screen: register the acting user, create a first
//! workspace, or load the demo data. Never an empty screen.

use super::field::TextField;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WelcomeOutcome {
    Stay,
    Quit,
    Start { name: Option<String>, workspace: String },
    LoadDemo,
    Accept(String),
    Decline(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WelcomeFocus {
    /// One of the actor's open invitations.
    Invitation(usize),
    Name,
    Workspace,
    Demo,
}

pub struct Welcome {
    pub login: String,
    pub registered: bool,
    pub demo_available: bool,
    /// A read-only session: nothing here can be done, and the screen says so.
    pub read_only: bool,
    pub name: TextField,
    pub workspace: TextField,
    pub focus: WelcomeFocus,
    pub error: Option<String>,
    /// Open invitations: joining a workspace is another way in.
    pub invitations: Vec<crate::desk::Invitation>,
}

impl Welcome {
    pub fn new(login: &str, registered: bool, demo_available: bool) -> Self {
        Self {
            login: login.to_string(),
            registered,
            demo_available,
            read_only: false,
            name: TextField::new("Your name", login),
            workspace: TextField::new("Workspace", ""),
            focus: if registered { WelcomeFocus::Workspace } else { WelcomeFocus::Name },
            error: None,
            invitations: Vec::new(),
        }
    }

    pub fn focus_order(&self) -> Vec<WelcomeFocus> {
        let mut order: Vec<WelcomeFocus> = (0..self.invitations.len()).map(WelcomeFocus::Invitation).collect();
        if !self.registered {
            order.push(WelcomeFocus::Name);
        }
        order.push(WelcomeFocus::Workspace);
        if self.demo_available {
            order.push(WelcomeFocus::Demo);
        }
        order
    }

    fn cycle(&mut self, forward: bool) {
        let order = self.focus_order();
        let at = order.iter().position(|f| *f == self.focus).unwrap_or(0);
        let next = if forward { (at + 1) % order.len() } else { (at + order.len() - 1) % order.len() };
        self.focus = order[next];
    }

    fn invitation_workspace(&self) -> Option<String> {
        match self.focus {
            WelcomeFocus::Invitation(i) => self.invitations.get(i).map(|inv| inv.workspace.clone()),
            _ => None,
        }
    }

    pub fn handle_key(&mut self, key: KeyEvent) -> WelcomeOutcome {
        match key.code {
            KeyCode::Esc => WelcomeOutcome::Quit,
            KeyCode::Char('c') if key.modifiers.contains(KeyModifiers::CONTROL) => WelcomeOutcome::Quit,
            KeyCode::Tab | KeyCode::Down => {
                self.cycle(true);
                WelcomeOutcome::Stay
            }
            KeyCode::BackTab | KeyCode::Up => {
                self.cycle(false);
                WelcomeOutcome::Stay
            }
            KeyCode::Enter if self.focus == WelcomeFocus::Demo => WelcomeOutcome::LoadDemo,
            KeyCode::Enter | KeyCode::Char('a') if matches!(self.focus, WelcomeFocus::Invitation(_)) => {
                self.invitation_workspace().map(WelcomeOutcome::Accept).unwrap_or(WelcomeOutcome::Stay)
            }
            KeyCode::Char('d') if matches!(self.focus, WelcomeFocus::Invitation(_)) => {
                self.invitation_workspace().map(WelcomeOutcome::Decline).unwrap_or(WelcomeOutcome::Stay)
            }
            KeyCode::Enter => WelcomeOutcome::Start {
                name: (!self.registered).then(|| self.name.value().to_string()),
                workspace: self.workspace.value().to_string(),
            },
            _ => {
                match self.focus {
                    WelcomeFocus::Name => self.name.handle(key),
                    WelcomeFocus::Workspace => self.workspace.handle(key),
                    WelcomeFocus::Demo | WelcomeFocus::Invitation(_) => false,
                };
                WelcomeOutcome::Stay
            }
        }
    }
}
