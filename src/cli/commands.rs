//! One function per subcommand group; each makes one desk call and prints.

use super::args::{Cli, Command, UserCommand};
use super::output::{csv_line, print_json, print_text, table, Format};
use super::rows::TableRow;
use crate::desk::{Actor, Desk, DeskError, DeskResult, Page, Principal};
use serde::Serialize;

pub(super) type Done = Result<(), DeskError>;

/// Prints a result: JSON, or the text for people. Both go through the one
/// printer, which sanitizes every byte.
pub(super) fn out<T: Serialize>(json: bool, value: &T, human: impl FnOnce() -> String) -> Done {
    let printed = if json {
        print_json(value)
    } else {
        let text = human();
        if text.is_empty() {
            Ok(())
        } else {
            print_text(&text)
        }
    };
    printed.map_err(|e| DeskError::Storage(format!("cannot write the output: {e}")))
}

/// A row's CSV cells: its JSON values under [`TableRow::COLUMNS`], as
/// they are — a string bare, none empty, a number or `true` as JSON
/// writes it.
fn csv_values<T: Serialize + TableRow>(row: &T) -> std::io::Result<Vec<String>> {
    let value = serde_json::to_value(row).map_err(std::io::Error::other)?;
    Ok(T::COLUMNS
        .iter()
        .map(|column| match value.get(column) {
            None | Some(serde_json::Value::Null) => String::new(),
            Some(serde_json::Value::String(text)) => text.clone(),
            Some(other) => other.to_string(),
        })
        .collect())
}

/// Rows fetched per page when a list is streamed (and rows a table aligns).
const STREAM_PAGE: u64 = 5_000;

/// Rows written as they come: JSON as one array, an element a line; a
/// table aligned every `STREAM_PAGE` rows. Memory does not grow with the
/// output.
struct RowSink<'w, T> {
    w: &'w mut dyn std::io::Write,
    format: Format,
    written: u64,
    pending: Vec<T>,
}

impl<'w, T: Serialize + TableRow> RowSink<'w, T> {
    fn new(w: &'w mut dyn std::io::Write, format: Format) -> Self {
        Self { w, format, written: 0, pending: Vec::new() }
    }

    fn push(&mut self, row: T) -> std::io::Result<()> {
        if self.format == Format::Csv {
            if self.written == 0 {
                crate::print::line(self.w, &csv_line(T::COLUMNS.iter().map(|c| c.to_string())))?;
            }
            self.written += 1;
            return crate::print::line(self.w, &csv_line(csv_values::<T>(&row)?));
        }
        if self.format == Format::Jsonl {
            crate::print::write_json(self.w, &row, false)?;
            self.written += 1;
            return self.w.write_all(b"\n");
        }
        if self.format == Format::Json {
            self.w.write_all(if self.written == 0 { b"[\n" } else { b",\n" })?;
            crate::print::write_json(self.w, &row, false)?;
            self.written += 1;
            return Ok(());
        }
        self.pending.push(row);
        if self.pending.len() as u64 >= STREAM_PAGE {
            self.flush_table()?;
        }
        Ok(())
    }

    fn flush_table(&mut self) -> std::io::Result<()> {
        if self.pending.is_empty() {
            return Ok(());
        }
        let cells: Vec<Vec<String>> = self.pending.iter().map(TableRow::cells).collect();
        let text = if self.written == 0 {
            table(T::HEADERS, &cells)
        } else {
            table(&[], &cells).trim_start_matches('\n').to_string()
        };
        self.written += self.pending.len() as u64;
        self.pending.clear();
        crate::print::line(self.w, &text)
    }

    fn finish(mut self) -> std::io::Result<()> {
        if self.format == Format::Csv {
            return match self.written {
                0 => crate::print::line(self.w, &csv_line(T::COLUMNS.iter().map(|c| c.to_string()))),
                _ => Ok(()),
            };
        }
        if self.format == Format::Json {
            return self.w.write_all(if self.written == 0 { b"[]\n" } else { b"\n]\n" });
        }
        if self.format == Format::Jsonl {
            return Ok(());
        }
        self.flush_table()?;
        if self.written == 0 {
            crate::print::line(self.w, &super::output::where_typed(T::EMPTY))?;
        }
        Ok(())
    }
}

/// Streams what `produce` hands to its callback (an error it returns
/// stops the output and is the command's error).
pub(super) fn out_stream<T: Serialize + TableRow>(
    format: Format,
    produce: impl FnOnce(&mut dyn FnMut(T) -> DeskResult<()>) -> DeskResult<()>,
) -> Done {
    let mut failure = None;
    let printed = crate::print::stream_out(|w| {
        let mut sink = RowSink::new(w, format);
        let mut broken = None;
        let result = produce(&mut |row| {
            sink.push(row).map_err(|e| {
                let message = e.to_string();
                broken = Some(e);
                DeskError::Storage(message)
            })
        });
        if let Some(e) = broken {
            return Err(e);
        }
        if let Err(error) = result {
            failure = Some(error);
            return Ok(());
        }
        sink.finish()
    });
    match failure {
        Some(error) => Err(error),
        None => printed.map_err(|e| DeskError::Storage(format!("cannot write the output: {e}"))),
    }
}

/// A long list fetched page by page (OFFSET) and streamed.
pub(super) fn out_pages<T: Serialize + TableRow>(
    format: Format,
    mut fetch: impl FnMut(Page) -> DeskResult<Vec<T>>,
) -> Done {
    out_stream(format, |emit| {
        let mut offset = 0;
        loop {
            let rows = fetch(Page::new(offset, STREAM_PAGE))?;
            let last = (rows.len() as u64) < STREAM_PAGE;
            for row in rows {
                emit(row)?;
            }
            if last {
                return Ok(());
            }
            offset += STREAM_PAGE;
        }
    })
}

/// A list as a table for people, JSON (an array, an element a line) or
/// CSV — every list the same way.
pub(super) fn out_rows<T: Serialize + TableRow>(format: Format, rows: Vec<T>) -> Done {
    out_stream(format, |emit| rows.into_iter().try_for_each(emit))
}

/// Who runs a command: locally, whoever --user (or the OS login) names;
/// over SSH, the person the key belongs to and nobody else.
#[derive(Debug, Clone)]
pub enum Identity {
    Local,
    Ssh(Actor),
}

fn actor(desk: &Desk, cli: &Cli, identity: &Identity) -> DeskResult<Actor> {
    if let Identity::Ssh(actor) = identity {
        return Ok(actor.clone());
    }
    let login = crate::session::acting_login(cli.user().as_deref())
        .ok_or_else(|| DeskError::Invalid("no acting user: pass --user LOGIN or set MPDESK_USER".to_string()))?;
    desk.actor(&login)
}

/// Who manages keys and registers people: over SSH the person; locally
/// with --user that person; locally without it, the operator.
pub(super) fn principal(desk: &Desk, cli: &Cli, identity: &Identity) -> DeskResult<Principal> {
    match (identity, cli.user()) {
        (Identity::Ssh(actor), _) => Ok(Principal::Person(actor.clone())),
        (Identity::Local, Some(login)) => Ok(Principal::Person(desk.actor(&login)?)),
        (Identity::Local, None) => Ok(operator()),
    }
}

/// The operator: whoever runs mpdesk without --user, named by their OS
/// login (logged as "operator (LOGIN)").
fn operator() -> Principal {
    Principal::Operator(crate::session::os_login().unwrap_or_else(|| "unknown".to_string()))
}

/// Who the log names for what a command did, on standard error so a
/// script's output stays as it was: "mpdesk: logged #12 by operator
/// (alice)". Nothing for a command that wrote nothing, nor with --json.
pub fn say_who_acted(desk: &Desk, cli: &Cli) {
    if let (Some(logged), false) = (desk.logged(), cli.output_format().json()) {
        let _ = crate::print::text(crate::print::Stream::Err, &format!("mpdesk: logged {}", logged.said()));
    }
}

/// `mpdesk init`: a new database on purpose, at --db or the default path.
pub fn init(cli: &Cli, parents: bool) -> Done {
    let path = match cli.db() {
        Some(path) => path,
        None => crate::session::default_db_path()?,
    };
    let done = crate::session::init(&path, parents)?;
    let created = done == crate::session::Init::Created;
    out(
        cli.output_format().json(),
        &serde_json::json!({"path": path.display().to_string(), "created": created}),
        || {
            if created {
                format!("created an empty mpdesk database at {}", path.display())
            } else {
                format!("{} is already an mpdesk database; nothing changed", path.display())
            }
        },
    )
}

/// `mpdesk setup`: the database (created if missing), the first Owner,
/// their key, their workspace — what is missing of them.
pub fn setup(cli: &Cli, owner: &str, key: &str, name: Option<&str>, workspace: Option<&str>) -> Done {
    let path = match cli.db() {
        Some(path) => path,
        None => crate::session::default_db_path()?,
    };
    let created = !path.exists();
    if created {
        crate::session::init(&path, true)?;
    }
    let text = super::key::read_key_text(key)?;
    let mut desk = Desk::open(&path)?;
    desk.set_via(&crate::session::local_via(cli.user().as_deref()));
    let who = principal(&desk, cli, &Identity::Local)?;
    let report = desk.setup(&who, owner, name, &text, workspace)?;
    let printed = out(cli.output_format().json(), &report, || {
        let mut done = Vec::new();
        if created {
            done.push(format!("created the database {}", path.display()));
        }
        if report.registered {
            done.push(match name {
                Some(name) => format!("registered {owner} ({})", crate::sanitize::line(name)),
                None => format!("registered {owner}, named {owner} (--name gives them another)"),
            });
        }
        if report.key_added {
            done.push(format!("added {owner}'s key {}", report.fingerprint));
        }
        if let (true, Some(workspace)) = (report.workspace_created, workspace) {
            done.push(format!("created the workspace {workspace} with {owner} as its Owner"));
        }
        match done.is_empty() {
            true => format!(
                "nothing to do: {owner}, their key{} are set up already",
                if workspace.is_some() { " and their workspace" } else { "" }
            ),
            false => {
                format!("{}; {owner} can connect now: ssh -t {}@SERVER", done.join("; "), crate::service::ACCOUNT)
            }
        }
    });
    say_who_acted(&desk, cli);
    printed
}

/// `mpdesk check`: one line a problem, exit 1 if any (0: whole).
pub fn check(cli: &Cli, full: bool) -> i32 {
    let path = match cli.db().map(Ok).unwrap_or_else(crate::session::default_db_path) {
        Ok(path) => path,
        Err(error) => {
            super::output::print_error(&error, cli.output_format().json());
            return 1;
        }
    };
    let problems = match crate::store::backup::check(&path, full) {
        Ok(problems) => problems,
        Err(error) => {
            super::output::print_error(&DeskError::from(error), cli.output_format().json());
            return 1;
        }
    };
    let how = if full { "integrity_check" } else { "quick_check" };
    let report = serde_json::json!({"path": path.display().to_string(), "check": how, "problems": problems});
    let printed = out(cli.output_format().json(), &report, || match problems.is_empty() {
        true => format!("{}: whole ({how})", path.display()),
        false => problems.iter().map(|p| format!("{}: {p}", path.display())).collect::<Vec<_>>().join("\n"),
    });
    match (printed, problems.is_empty()) {
        (Ok(()), true) => 0,
        _ => 1,
    }
}

/// `mpdesk backup verify FILE`: what a copy holds, and whether it is whole.
pub fn backup_verify(cli: &Cli, file: &std::path::Path) -> Done {
    let inspection = crate::desk::backup::inspect_backup(file)?;
    let whole = inspection.problems.is_empty() && inspection.schema <= inspection.schema_known;
    out(cli.output_format().json(), &inspection, || {
        let mut lines =
            vec![format!("{}: {}", file.display(), if whole { "whole".to_string() } else { "NOT whole".to_string() })];
        lines.extend(inspection.problems.iter().take(20).map(|p| format!("  integrity: {p}")));
        lines.push(format!("  schema {} (this build knows {})", inspection.schema, inspection.schema_known));
        let counts: Vec<String> = inspection.counts.iter().map(|(t, n)| format!("{t} {n}")).collect();
        lines.push(format!("  rows: {}", counts.join(", ")));
        match &inspection.newest_entry {
            Some((id, at, operation, actor)) => {
                lines.push(format!("  newest audit entry: #{id} {at} {operation} by {actor}"))
            }
            None => lines.push("  no audit entries".to_string()),
        }
        lines.join("\n")
    })?;
    if whole {
        Ok(())
    } else {
        Err(DeskError::Storage(format!("{} is not a whole mpdesk database; do not restore it", file.display())))
    }
}

pub fn dispatch(desk: &mut Desk, cli: &Cli, command: &Command, identity: &Identity) -> Done {
    let format = cli.output_format();
    let json = format.json();
    match command {
        Command::User(UserCommand::Add { login, name, email }) => {
            // Registering grants nothing: locally anyone may (the operator,
            // or a person registering themselves); over SSH it is refused.
            let by = match (identity, cli.user()) {
                (Identity::Ssh(actor), _) => actor.login.clone(),
                (Identity::Local, Some(login)) => login,
                (Identity::Local, None) => operator().logged_as(),
            };
            let user = desk.register_user(&by, login, name.as_deref(), email.as_deref())?;
            out(json, &user, || format!("registered {} ({})", user.login, user.name))
        }
        Command::User(UserCommand::List) => {
            let seen_by = match identity {
                Identity::Ssh(actor) => Some(actor),
                Identity::Local => None,
            };
            out_pages(format, |page| desk.list_users(seen_by, page))
        }
        Command::User(UserCommand::Disable { login, reason }) => {
            let who = principal(desk, cli, identity)?;
            let user = desk.disable_user(&who, login, reason.as_deref())?;
            out(json, &user, || {
                format!("disabled {login}: their keys are refused and their sessions end within a second; `mpdesk user enable {login}` restores them")
            })
        }
        Command::User(UserCommand::Enable { login }) => {
            let who = principal(desk, cli, identity)?;
            let user = desk.enable_user(&who, login)?;
            out(json, &user, || format!("enabled {login}"))
        }
        Command::User(UserCommand::Remove { login }) => {
            let who = principal(desk, cli, identity)?;
            let user = desk.remove_user(&who, login)?;
            out(json, &user, || {
                format!(
                    "removed {login}: keys, memberships and pending invitations are gone; the log keeps their entries"
                )
            })
        }
        Command::Expire { dry_run } => {
            let due = desk.expire(*dry_run)?;
            out(json, &due, || {
                let note = if *dry_run { " (dry run: not removed)" } else { "" };
                let lines: Vec<String> = due
                    .iter()
                    .map(|d| {
                        let place = match &d.program {
                            Some(p) => format!("{} ({})", p.name, d.workspace),
                            None => d.workspace.clone(),
                        };
                        format!("{}'s membership of {place} expired on {}{note}", d.login, d.expires_at)
                    })
                    .collect();
                if lines.is_empty() {
                    "nothing has expired".to_string()
                } else {
                    lines.join("\n")
                }
            })
        }
        Command::DemoData => {
            let logins = desk.load_demo_data()?;
            out(json, &logins, || format!("loaded the demo data; demo users: {}", logins.join(", ")))
        }
        Command::Workspace(cmd) => {
            let me = actor(desk, cli, identity)?;
            super::workspace::run(desk, &me, format, cmd)
        }
        Command::Program(cmd) => {
            let me = actor(desk, cli, identity)?;
            super::program::run(desk, &me, format, cmd)
        }
        Command::Invitation(cmd) => {
            let me = actor(desk, cli, identity)?;
            super::invitation::run(desk, &me, format, cmd)
        }
        Command::Member(cmd) => {
            let me = actor(desk, cli, identity)?;
            super::member::run(desk, &me, format, cmd)
        }
        Command::Init { .. } => init(cli, false),
        Command::Backup(args) => {
            let who = principal(desk, cli, identity)?;
            let Some(out_path) = &args.out else {
                return Err(DeskError::Invalid("backup needs --out FILE (or: backup verify FILE)".to_string()));
            };
            desk.backup(&who, out_path, args.force)?;
            out(json, &serde_json::json!({"out": out_path.display().to_string()}), || {
                format!(
                    "copied the database to {} (check it with: mpdesk backup verify {})",
                    out_path.display(),
                    out_path.display()
                )
            })
        }
        // Run by `run` before a database is opened.
        Command::Setup { .. } | Command::Doctor | Command::Check { .. } => Ok(()),
        // Run by `meta` before any database is opened.
        Command::Config(_) | Command::Completions { .. } | Command::Man { .. } => Ok(()),
        Command::Key(cmd) => {
            let who = principal(desk, cli, identity)?;
            super::key::run(desk, &who, format, cmd)
        }
        Command::Ssh(cmd) => super::ssh::run(desk, cli, identity, cmd),
        Command::Audit(args) => {
            let who = principal(desk, cli, identity)?;
            super::audit::run(desk, &who, cli, args)
        }
        Command::Undo { id, dry_run } => {
            let me = actor(desk, cli, identity)?;
            let plan = if *dry_run { desk.undo_plan(&me, *id)? } else { desk.undo(&me, *id)? };
            out(json, &plan, || {
                let verb = match (*dry_run, plan.redo) {
                    (true, false) => "would undo",
                    (true, true) => "would redo",
                    (false, false) => "undid",
                    (false, true) => "redid",
                };
                let mut text = format!("{verb} #{} ({}):", plan.id, plan.operation);
                for change in &plan.changes {
                    text.push_str(&format!("\n  {change}"));
                }
                text
            })
        }
    }
}

/// Why the operator's audit rows cannot be undone by the operator.
pub(super) const OPERATOR_UNDO: &str =
    "the operator reads the log; undo as the person who may (mpdesk --user LOGIN undo ID)";
