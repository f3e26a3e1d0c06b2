//! The first-run screen: register the acting user, create a first
//! workspace, join one they were invited to, or load the demo data. Never
//! an empty screen.

use crate::sanitize;
use crate::tui::component::{Component, Context, Outcome};
use crate::tui::field::TextField;
use crate::tui::layout::centered;
use crate::tui::request::Request;
use crate::tui::theme::Theme;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Wrap};
use ratatui::Frame;

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

    fn key(&mut self, key: KeyEvent) -> Outcome {
        match key.code {
            KeyCode::Esc => Outcome::Quit,
            KeyCode::Char('c') if key.modifiers.contains(KeyModifiers::CONTROL) => Outcome::Quit,
            KeyCode::Tab | KeyCode::Down => {
                self.cycle(true);
                Outcome::Nothing
            }
            KeyCode::BackTab | KeyCode::Up => {
                self.cycle(false);
                Outcome::Nothing
            }
            KeyCode::Enter if self.focus == WelcomeFocus::Demo => Outcome::Enter(Request::LoadDemo),
            KeyCode::Enter | KeyCode::Char('a') if matches!(self.focus, WelcomeFocus::Invitation(_)) => self
                .invitation_workspace()
                .map(|workspace| Outcome::Enter(Request::Accept { workspace }))
                .unwrap_or(Outcome::Nothing),
            KeyCode::Char('d') if matches!(self.focus, WelcomeFocus::Invitation(_)) => self
                .invitation_workspace()
                .map(|workspace| Outcome::Enter(Request::Decline { workspace }))
                .unwrap_or(Outcome::Nothing),
            KeyCode::Enter => Outcome::Enter(Request::Start {
                name: (!self.registered).then(|| self.name.value().to_string()),
                workspace: self.workspace.value().to_string(),
            }),
            _ => {
                match self.focus {
                    WelcomeFocus::Name => self.name.handle(key),
                    WelcomeFocus::Workspace => self.workspace.handle(key),
                    WelcomeFocus::Demo | WelcomeFocus::Invitation(_) => false,
                };
                Outcome::Nothing
            }
        }
    }
}

impl Component for Welcome {
    fn captures_keys(&self) -> bool {
        true
    }

    fn handle_key(&mut self, key: KeyEvent, _ctx: &Context<'_>) -> Outcome {
        self.key(key)
    }

    fn draw(&self, frame: &mut Frame<'_>, area: Rect, ctx: &Context<'_>, _focused: bool) {
        render(self, ctx.theme, frame, area);
    }

    fn show_error(&mut self, error: String) -> bool {
        self.error = Some(error);
        true
    }
}

fn render(welcome: &Welcome, theme: &Theme, frame: &mut Frame<'_>, area: Rect) {
    let box_area = centered(area, 76, 16 + welcome.invitations.len() as u16 + if welcome.read_only { 2 } else { 0 });
    let block =
        Block::bordered().title(Span::styled(" Welcome to mpdesk ", theme.title())).border_style(theme.border(true));
    let inner = block.inner(box_area);
    frame.render_widget(block, box_area);
    let login = sanitize::line(&welcome.login).into_owned();
    let intro = if welcome.registered {
        format!("You are {login}, registered but in no workspace yet. Create a first workspace:")
    } else {
        format!("You are {login}, not registered yet. Registering grants nothing by itself; create a first workspace to start:")
    };
    let intro = if welcome.read_only {
        format!("{intro} This is a read-only session: nothing can be registered, created, joined or loaded here; run mpdesk without --readonly to do so.")
    } else {
        intro
    };
    let mut y = inner.y;
    let row = |y: u16, h: u16| Rect::new(inner.x, y, inner.width, h.min(inner.bottom().saturating_sub(y)));
    let intro_rows = if welcome.read_only { 4 } else { 2 };
    frame.render_widget(Paragraph::new(intro).wrap(Wrap { trim: true }), row(y, intro_rows));
    y += intro_rows + 1;
    for (i, invitation) in welcome.invitations.iter().enumerate() {
        let focused = welcome.focus == WelcomeFocus::Invitation(i);
        let style = if focused { theme.selected(true) } else { theme.label() };
        let marker = if focused { "▸" } else { " " };
        let text = format!(
            "{marker}[ Join {} as {}{} — invited by {} · Enter accepts, d declines ]",
            sanitize::line(&invitation.workspace),
            invitation.role.title(),
            sanitize::line(&invitation.access_brief()),
            sanitize::line(&invitation.invited_by)
        );
        frame.render_widget(Paragraph::new(Span::styled(text, style)), row(y, 1));
        y += 1;
    }
    if !welcome.invitations.is_empty() {
        y += 1;
    }
    if !welcome.registered {
        welcome.name.render(frame, row(y, 1), welcome.focus == WelcomeFocus::Name, theme);
        y += 2;
    }
    welcome.workspace.render(frame, row(y, 1), welcome.focus == WelcomeFocus::Workspace, theme);
    y += 2;
    if welcome.demo_available {
        let focused = welcome.focus == WelcomeFocus::Demo;
        let style = if focused { theme.selected(true) } else { theme.label() };
        let marker = if focused { "▸" } else { " " };
        let text = format!("{marker}[ Load the demo data and explore as the demo Owner ]");
        frame.render_widget(Paragraph::new(Span::styled(text, style)), row(y, 1));
        y += 2;
    }
    if let Some(error) = &welcome.error {
        let text = Span::styled(sanitize::line(error).into_owned(), theme.error());
        frame.render_widget(Paragraph::new(text).wrap(Wrap { trim: true }), row(y, 2));
    }
    let keys = Line::from(Span::styled("Tab next field · Enter go · Esc quit", theme.label()));
    frame.render_widget(Paragraph::new(keys), Rect::new(inner.x, inner.bottom().saturating_sub(1), inner.width, 1));
}
