//! The guided tour (`--demo --tour`): `assets/tour.toml`, a list of steps
//! that lead through the platform's rules on the live demo. A step starts
//! as a persona on a tab, waits until it is really done (an action taken,
//! an action refused, or a fact in the data), then explains why the screen
//! looks as it does. Going back restores the data the step started from.

use crate::desk::demo::{DemoNames, Snapshot};
use crate::sanitize;
use crate::tui::action::Action;
use crate::tui::component::{Component, Context, Tab};
use crate::tui::keymap::{self, Key};
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};
use ratatui::Frame;
use serde::Deserialize;

pub const TOUR_TOML: &str = include_str!("../../../assets/tour.toml");

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    step: Vec<RawStep>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStep {
    title: String,
    persona: String,
    tab: String,
    program: Option<String>,
    caption: String,
    explanation: String,
    done: Condition<String>,
    keys: Vec<String>,
    /// What the screen shows once the step is done: the explanation's
    /// claims, each a line's parts ("eve … invited"). The tests read them
    /// off a real terminal.
    #[serde(default)]
    shows: Vec<String>,
}

/// When a step is done; `A` is an action (its name, as read from the file).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Condition<A> {
    Action(A),
    Refused(A),
    Persona(String),
    Workspace(String),
    Member { login: String, program: String },
    Invited { login: String, workspace: String },
    Blocked { login: String, workspace: String },
    Program(String),
    Deleted(String),
}

pub type Done = Condition<Action>;

/// One key press of a step's way through.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Press {
    /// Whatever key the keymap binds to it.
    Action(Action),
    Text(String),
    Key(Key),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    pub title: String,
    pub persona: String,
    pub tab: Tab,
    pub program: Option<String>,
    pub caption: String,
    pub explanation: String,
    pub done: Done,
    pub keys: Vec<Press>,
    pub shows: Vec<String>,
}

fn tab(name: &str) -> Option<Tab> {
    Tab::ALL.into_iter().find(|t| t.title().eq_ignore_ascii_case(name))
}

/// The built-in tour, checked against the demo data.
pub fn builtin() -> Result<Vec<Step>, String> {
    let names = crate::desk::demo::demo_names().map_err(|e| e.to_string())?;
    parse(TOUR_TOML, &names)
}

/// Reads a tour; a step that names an unknown action, persona, program,
/// workspace or tab is refused with its number.
pub fn parse(text: &str, demo: &DemoNames) -> Result<Vec<Step>, String> {
    let file: File = toml::from_str(text).map_err(|e| {
        let (line, column) = crate::tui::config::position(text, e.span().map(|s| s.start).unwrap_or(0));
        format!("tour.toml:{line}:{column}: {}", e.message().trim().replace('\n', "; "))
    })?;
    if file.step.is_empty() {
        return Err("tour.toml: a tour needs at least one step".to_string());
    }
    // Programs a step creates may be named by the steps after it.
    let mut programs = demo.programs.clone();
    let mut steps = Vec::new();
    for (i, raw) in file.step.into_iter().enumerate() {
        let step = step(raw, demo, &programs).map_err(|e| format!("tour step {}: {e}", i + 1))?;
        if let Done::Program(name) = &step.done {
            programs.push(name.clone());
        }
        steps.push(step);
    }
    Ok(steps)
}

/// `name` if `names` holds it.
fn known(names: &[String], name: &str, what: &str) -> Result<String, String> {
    names.iter().any(|n| n == name).then(|| name.to_string()).ok_or_else(|| format!("unknown {what} \"{name}\""))
}

fn step(raw: RawStep, demo: &DemoNames, programs: &[String]) -> Result<Step, String> {
    let action = |name: &str| Action::from_name(name).ok_or_else(|| format!("unknown action \"{name}\""));
    let persona = |login: &str| known(&demo.logins, login, "persona");
    let program = |name: &str| known(programs, name, "program");
    let workspace = |name: &str| known(&demo.workspaces, name, "workspace");
    let done = match raw.done {
        Condition::Action(name) => Done::Action(action(&name)?),
        Condition::Refused(name) => Done::Refused(action(&name)?),
        Condition::Persona(login) => Done::Persona(persona(&login)?),
        Condition::Workspace(name) => Done::Workspace(workspace(&name)?),
        Condition::Member { login, program: p } => Done::Member { login: persona(&login)?, program: program(&p)? },
        Condition::Invited { login, workspace: w } => {
            Done::Invited { login: persona(&login)?, workspace: workspace(&w)? }
        }
        Condition::Blocked { login, workspace: w } => {
            Done::Blocked { login: persona(&login)?, workspace: workspace(&w)? }
        }
        Condition::Program(name) => Done::Program(name),
        Condition::Deleted(name) => Done::Deleted(program(&name)?),
    };
    let keys = raw
        .keys
        .iter()
        .map(|k| match k.strip_prefix("text:") {
            Some(text) => Ok(Press::Text(text.to_string())),
            None => match Action::from_name(k) {
                Some(a) => Ok(Press::Action(a)),
                None => keymap::parse_key(k).map(Press::Key).map_err(|_| format!("unknown action or key \"{k}\"")),
            },
        })
        .collect::<Result<Vec<_>, String>>()?;
    key_names(&raw.caption, |_| String::new())?;
    key_names(&raw.explanation, |_| String::new())?;
    Ok(Step {
        title: raw.title,
        persona: persona(&raw.persona)?,
        tab: tab(&raw.tab).ok_or_else(|| format!("unknown tab \"{}\" (programs, members, audit, roles)", raw.tab))?,
        program: raw.program.as_deref().map(program).transpose()?,
        caption: raw.caption,
        explanation: raw.explanation,
        done,
        keys,
        shows: raw.shows,
    })
}

/// `text` with each `{action}` replaced by `key(action)`: a caption names
/// keys as the keymap binds them now, never as the defaults do. An
/// unknown name is an error (the tour does not load).
pub fn key_names(text: &str, key: impl Fn(Action) -> String) -> Result<String, String> {
    let mut out = String::new();
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let close = after.find('}').ok_or_else(|| format!("an unclosed {{ in \"{text}\""))?;
        let name = &after[..close];
        let action = Action::from_name(name).ok_or_else(|| format!("unknown action {{{name}}} in \"{text}\""))?;
        out.push_str(&key(action));
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

/// A tour under way.
pub struct Tour {
    pub steps: Vec<Step>,
    pub current: usize,
    /// The current step's condition held.
    pub done: bool,
    /// Actions taken (true) and refused (false) since the step began.
    pub events: Vec<(Action, bool)>,
    /// The data each step started from, once it has been reached.
    starts: Vec<Option<Snapshot>>,
}

impl Tour {
    pub fn new(steps: Vec<Step>) -> Self {
        let starts = steps.iter().map(|_| None).collect();
        Self { steps, current: 0, done: false, events: Vec::new(), starts }
    }

    pub fn step(&self) -> Option<&Step> {
        self.steps.get(self.current)
    }

    /// The rows the panel needs at `width` columns: its borders, the
    /// caption, and the explanation once the step is done.
    pub fn rows_needed(&self, width: u16, keymap: &crate::tui::keymap::Keymap) -> u16 {
        let Some(step) = self.step() else { return 0 };
        let inner = width.saturating_sub(2) as usize;
        let named = |text: &str| key_names(text, |a| keymap.key_for(a)).unwrap_or_else(|_| text.to_string());
        let rows_of = |text: &str| crate::tui::text::wrap_words(text, inner).len();
        let mut rows = rows_of(&named(&step.caption));
        if self.done {
            rows += rows_of(&format!("✓ {}", named(&step.explanation)));
        }
        rows as u16 + 2
    }
}

impl Tour {
    /// An action the person took (or tried, refused): a step may wait on it.
    pub fn note_action(&mut self, action: Action, allowed: bool) {
        self.events.push((action, allowed));
    }

    /// Marks the current step done once its condition holds; whether it
    /// just became done.
    pub fn check(&mut self, ctx: &Context<'_>) -> bool {
        let Some(step) = self.step().filter(|_| !self.done) else { return false };
        if holds(&step.done, &self.events, ctx) {
            self.done = true;
            return true;
        }
        false
    }

    /// The data step `index` started from, once it was reached.
    pub fn start_of(&self, index: usize) -> Option<&Snapshot> {
        self.starts.get(index).and_then(Option::as_ref)
    }

    /// Keeps the data step `index` starts from, for coming back.
    pub fn keep_start(&mut self, index: usize, snapshot: Snapshot) {
        if let Some(slot) = self.starts.get_mut(index) {
            *slot = Some(snapshot);
        }
    }

    /// Step `index` (at most the last) begins: nothing of it is done yet.
    pub fn begin(&mut self, index: usize) -> Step {
        self.current = index.min(self.steps.len().saturating_sub(1));
        self.done = false;
        self.events.clear();
        self.steps[self.current].clone()
    }
}

/// Whether a step's condition holds now, asked of the desk as the persona
/// on screen; `events` are the actions taken and refused since it began.
pub fn holds(done: &Done, events: &[(Action, bool)], ctx: &Context<'_>) -> bool {
    let actor = ctx.actor();
    let desk = ctx.desk;
    match done {
        Done::Action(a) => events.contains(&(*a, true)),
        Done::Refused(a) => events.contains(&(*a, false)),
        Done::Persona(login) => &ctx.who.login == login,
        Done::Workspace(name) => ctx.workspace() == Some(name.as_str()),
        Done::Member { login, program } => actor.is_some_and(|a| {
            let page = crate::desk::Page::new(0, 20);
            desk.find_members(a, program, Some(login), page).is_ok_and(|found| {
                found.iter().any(|m| &m.login == login && m.source == crate::desk::MemberSource::Member)
            })
        }),
        Done::Invited { login, workspace } => actor.is_some_and(|a| {
            desk.list_invitations(a, workspace, crate::desk::Page::new(0, 50)).is_ok_and(|list| {
                list.iter().any(|i| &i.login == login && i.state == crate::desk::InvitationState::Pending)
            })
        }),
        // One lookup per check, not a page scan: this runs after every key.
        Done::Blocked { login, workspace } => actor.is_some_and(|a| {
            desk.member_status(a, workspace, login)
                .is_ok_and(|status| status == Some(crate::desk::MemberStatus::Blocked))
        }),
        Done::Program(name) => actor.is_some_and(|a| desk.show_program(a, name).is_ok()),
        Done::Deleted(name) => {
            actor.is_some_and(|a| matches!(desk.show_program(a, name), Err(crate::desk::DeskError::NotFound(_))))
        }
    }
}

/// The caption panel, docked under the console: "step 4 of 12", what to
/// do, and — once it is done — why the screen looks as it does.
impl Component for Tour {
    fn draw(&self, frame: &mut Frame<'_>, area: Rect, ctx: &Context<'_>, _focused: bool) {
        let Some(step) = self.step() else { return };
        let theme = ctx.theme;
        let keys = |a: Action| ctx.keymap.key_for(a);
        let title =
            format!(" Tour · step {} of {} · {} ", self.current + 1, self.steps.len(), sanitize::line(&step.title));
        let moves = format!(
            " {} next · {} back · {} reset (rewinds the log too) · {} help ",
            keys(Action::TourNext),
            keys(Action::TourPrev),
            keys(Action::DemoReset),
            keys(Action::Help)
        );
        let block = Block::bordered()
            .title(Span::styled(title, theme.title()))
            .title_bottom(Line::from(Span::styled(moves, theme.label())).right_aligned())
            .border_style(theme.border(true));
        // Checked when the tour loaded: the names are known.
        let named = |text: &str| key_names(text, keys).unwrap_or_else(|_| text.to_string());
        let caption = sanitize::line(&named(&step.caption)).into_owned();
        let mut lines = vec![Line::from(Span::styled(caption, if self.done { theme.label() } else { theme.title() }))];
        if self.done {
            lines.push(Line::from(vec![
                Span::styled("✓ ", theme.ok()),
                Span::raw(sanitize::line(&named(&step.explanation)).into_owned()),
            ]));
        }
        frame.render_widget(Clear, area);
        frame.render_widget(Paragraph::new(lines).block(block).wrap(Wrap { trim: true }), area);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn demo() -> DemoNames {
        crate::desk::demo::demo_names().expect("demo names")
    }

    #[test]
    fn the_builtin_tour_loads() {
        let steps = builtin().expect("the tour");
        assert!(steps.len() >= 10);
    }

    #[test]
    fn a_tour_naming_what_does_not_exist_is_refused_with_the_step_number() {
        let step = |done: &str, extra: &str| {
            format!(
                "[[step]]\ntitle = \"t\"\npersona = \"olivia\"\ntab = \"programs\"\ncaption = \"c\"\nexplanation = \"e\"\ndone = {done}\nkeys = []\n{extra}"
            )
        };
        let ok = step("{ action = \"help\" }", "");
        let two = |second: String| parse(&format!("{ok}\n{second}"), &demo()).expect_err("refused");
        assert_eq!(two(step("{ action = \"relase\" }", "")), "tour step 2: unknown action \"relase\"");
        assert_eq!(two(step("{ persona = \"zed\" }", "")), "tour step 2: unknown persona \"zed\"");
        assert_eq!(
            two(step("{ member = { login = \"nora\", program = \"Tea Club\" } }", "")),
            "tour step 2: unknown program \"Tea Club\""
        );
        assert_eq!(
            two(step("{ action = \"help\" }", "program = \"Coffee Club\"")
                .replace("tab = \"programs\"", "tab = \"shop\"")),
            "tour step 2: unknown tab \"shop\" (programs, members, audit, roles)"
        );
        assert!(parse("[[step]]\ntitle = 3\n", &demo()).expect_err("refused").starts_with("tour.toml:2:9: "));
    }
}
