//! One function per subcommand group; each makes one desk call and prints.

use super::args::{
    Cli, Command, InvitationCommand, KeyCommand, MemberCommand, ProgramCommand, RoleArg, SshCommand, UserCommand,
    WorkspaceCommand, WorkspaceMemberCommand,
};
use super::output::{csv_line, opt, print_json, print_text, table, Format};
use super::rows::TableRow;
use crate::desk::{
    Actor, ConfigChange, Desk, DeskError, DeskResult, ExportTarget, PackageSource, Page, Principal, ProgramEdit,
    WorkspaceRole,
};
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
                crate::print::line(self.w, &csv_line(T::HEADERS.iter().map(|h| h.to_string())))?;
            }
            self.written += 1;
            return crate::print::line(self.w, &csv_line(row.cells()));
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
                0 => crate::print::line(self.w, &csv_line(T::HEADERS.iter().map(|h| h.to_string()))),
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
fn out_stream<T: Serialize + TableRow>(
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
fn out_pages<T: Serialize + TableRow>(format: Format, mut fetch: impl FnMut(Page) -> DeskResult<Vec<T>>) -> Done {
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

fn role(arg: RoleArg) -> WorkspaceRole {
    match arg {
        RoleArg::Master => WorkspaceRole::Master,
        RoleArg::Developer => WorkspaceRole::Developer,
    }
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
fn principal(desk: &Desk, cli: &Cli, identity: &Identity) -> DeskResult<Principal> {
    match (identity, cli.user()) {
        (Identity::Ssh(actor), _) => Ok(Principal::Person(actor.clone())),
        (Identity::Local, Some(login)) => Ok(Principal::Person(desk.actor(&login)?)),
        (Identity::Local, None) => {
            Ok(Principal::Operator(crate::session::acting_login(None).unwrap_or_else(|| "operator".to_string())))
        }
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

/// A key file named on the command line, read while still root (a key in
/// root's home is not the service account's to read).
static PREREAD_KEY: std::sync::OnceLock<(String, Result<String, String>)> = std::sync::OnceLock::new();

/// Reads the key file `command` names, if any, before mpdesk becomes the
/// service account.
pub fn preread_key(command: &Command) {
    let file = match command {
        Command::Setup { key, .. } => Some(key.as_str()),
        Command::Key(KeyCommand::Add { login, file, .. }) => Some(file.as_deref().unwrap_or(login)),
        _ => None,
    };
    if let Some(file) = file.filter(|f| *f != "-") {
        let _ = PREREAD_KEY.set((file.to_string(), read_key_text(file).map_err(|e| e.to_string())));
    }
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
    let text = read_key_text(key)?;
    let mut desk = Desk::open(&path)?;
    desk.set_via(&crate::session::local_via(cli.user().as_deref()));
    let who = principal(&desk, cli, &Identity::Local)?;
    let report = desk.setup(&who, owner, name, &text, workspace)?;
    out(cli.output_format().json(), &report, || {
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
    })
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
            let by = match identity {
                Identity::Ssh(actor) => actor.login.clone(),
                Identity::Local => {
                    cli.user().or_else(|| crate::session::acting_login(None)).unwrap_or_else(|| "operator".to_string())
                }
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
            workspace(desk, &me, format, cmd)
        }
        Command::Program(cmd) => {
            let me = actor(desk, cli, identity)?;
            program(desk, &me, format, cmd)
        }
        Command::Invitation(cmd) => {
            let me = actor(desk, cli, identity)?;
            invitation(desk, &me, format, cmd)
        }
        Command::Member(cmd) => {
            let me = actor(desk, cli, identity)?;
            member(desk, &me, format, cmd)
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
            key(desk, &who, format, cmd)
        }
        Command::Ssh(cmd) => ssh(desk, cli, identity, cmd),
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

fn key(desk: &mut Desk, who: &Principal, format: Format, cmd: &KeyCommand) -> Done {
    match cmd {
        KeyCommand::Add { login, file, expires, replace } => {
            // `key add FILE` is your own key; `key add LOGIN FILE` someone's.
            let (login, file) =
                match file {
                    Some(file) => (login.clone(), file.clone()),
                    None => match who {
                        Principal::Person(me) => (me.login.clone(), login.clone()),
                        Principal::Operator(_) => return Err(DeskError::Invalid(
                            "the operator has no keys of their own: name whose key it is (mpdesk key add LOGIN FILE)"
                                .to_string(),
                        )),
                    },
                };
            let text = read_key_text(&file)?;
            let key = desk.add_key_until(who, &login, &text, expires.as_deref(), *replace)?;
            out(format.json(), &key, || {
                let until = key.expires_at.as_ref().map(|end| format!(", accepted until {end}")).unwrap_or_default();
                let done = if *replace { "renewed" } else { "added" };
                format!("{done} {} key {} for {}{until}", key.algorithm, key.fingerprint, key.login)
            })
        }
        KeyCommand::List { login } => {
            let keys = desk.list_keys(who, login.as_deref())?;
            out_rows(format, keys)
        }
        KeyCommand::Remove { fingerprint } => {
            let key = desk.remove_key(who, fingerprint)?;
            out(format.json(), &key, || format!("removed {} key {} of {}", key.algorithm, key.fingerprint, key.login))
        }
    }
}

/// A key line from a .pub file (never a FIFO; small) or standard input.
fn read_key_text(file: &str) -> DeskResult<String> {
    use std::io::Read;
    const MAX: u64 = 16 * 1024;
    // Read before mpdesk became the service account (root's file).
    if let Some((_, read)) = PREREAD_KEY.get().filter(|(path, _)| path == file) {
        return read.clone().map_err(DeskError::Invalid);
    }
    let mut text = String::new();
    let result = if file == "-" {
        std::io::stdin().take(MAX).read_to_string(&mut text)
    } else {
        crate::files::open_regular(std::path::Path::new(file)).and_then(|f| f.take(MAX).read_to_string(&mut text))
    };
    result.map_err(|e| {
        DeskError::Invalid(format!("cannot read the key from {}: {e}", crate::sanitize::quote(file, 80)))
    })?;
    Ok(text)
}

fn ssh(desk: &mut Desk, cli: &Cli, identity: &Identity, cmd: &SshCommand) -> Done {
    match cmd {
        SshCommand::Sessions => {
            let who = principal(desk, cli, identity)?;
            let sessions = desk.ssh_sessions(&who)?;
            out_rows(cli.output_format(), sessions)
        }
        SshCommand::End { target } => {
            let who = principal(desk, cli, identity)?;
            let ended = desk.end_ssh_sessions(&who, target)?;
            out(cli.output_format().json(), &ended, || {
                ended
                    .iter()
                    .map(|s| format!("ended session {} of {} ({} from {})", s.id, s.login, s.fingerprint, s.from))
                    .collect::<Vec<_>>()
                    .join("\n")
            })
        }
        SshCommand::AuthorizedKeys { write, keep_foreign } => {
            let command = super::ssh::forced_command(cli)?;
            let lines: Vec<String> =
                desk.all_keys()?.iter().map(|k| crate::desk::keys::authorized_line(&command, k)).collect();
            match write {
                None => {
                    let block = crate::desk::keys::replace_block("", &lines);
                    print_text(block.trim_end()).map_err(|e| DeskError::Storage(e.to_string()))
                }
                Some(path) => {
                    super::ssh::write_block(path, &lines, *keep_foreign)?;
                    out(
                        cli.output_format().json(),
                        &serde_json::json!({"file": path.display().to_string(), "keys": lines.len()}),
                        || format!("wrote {} keys to {}", lines.len(), path.display()),
                    )
                }
            }
        }
        SshCommand::KeysCommand { key_type, key, .. } => {
            let command = super::ssh::forced_command(cli)?;
            match desk.find_key(key_type, key)? {
                Some(found) => print_text(&crate::desk::keys::authorized_line(&command, &found))
                    .map_err(|e| DeskError::Storage(e.to_string())),
                None => Ok(()),
            }
        }
        SshCommand::Session { .. } => {
            Err(DeskError::Invalid("ssh session is run by sshd through a forced command, not by hand".to_string()))
        }
    }
}

fn workspace(desk: &mut Desk, me: &Actor, format: Format, cmd: &WorkspaceCommand) -> Done {
    match cmd {
        WorkspaceCommand::Create { name } => {
            let ws = desk.create_workspace(me, name)?;
            out(format.json(), &ws, || format!("created workspace {}; you are its Owner", ws.name))
        }
        WorkspaceCommand::List => {
            let list = desk.list_workspaces(me)?;
            out_rows(format, list)
        }
        WorkspaceCommand::Member(WorkspaceMemberCommand::Add { workspace, login, role: r, expires }) => {
            desk.add_workspace_member_until(me, workspace, login, role(*r), expires.as_deref())?;
            let end = desk.member_end(me, workspace, login)?;
            let answer =
                serde_json::json!({"workspace": workspace, "login": login, "role": role(*r), "expires_at": end});
            out(format.json(), &answer, || {
                format!("added {login} to {workspace} as {}{}", role(*r).title(), until(&end))
            })
        }
        WorkspaceCommand::Member(WorkspaceMemberCommand::Expire { workspace, login, when }) => {
            let end = desk.set_workspace_member_expiry(me, workspace, login, when)?;
            out(format.json(), &serde_json::json!({"workspace": workspace, "login": login, "expires_at": end}), || {
                format!("{login}'s access to {workspace} {}", ends(&end))
            })
        }
        WorkspaceCommand::Member(WorkspaceMemberCommand::Role { workspace, login, role: r }) => {
            desk.set_workspace_member_role(me, workspace, login, role(*r))?;
            out(format.json(), &serde_json::json!({"workspace": workspace, "login": login, "role": role(*r)}), || {
                format!("{login} is now {} of {workspace}", role(*r).title())
            })
        }
        WorkspaceCommand::Member(WorkspaceMemberCommand::Remove { workspace, login }) => {
            desk.remove_workspace_member(me, workspace, login)?;
            out(format.json(), &serde_json::json!({"workspace": workspace, "removed": login}), || {
                format!("removed {login} from {workspace} and from its mini programs")
            })
        }
        WorkspaceCommand::Member(WorkspaceMemberCommand::Block { workspace, login }) => {
            desk.block_member(me, workspace, login)?;
            out(
                format.json(),
                &serde_json::json!({"workspace": workspace, "login": login, "status": "blocked"}),
                || format!("blocked {login} in {workspace}: they see and do nothing there until unblocked"),
            )
        }
        WorkspaceCommand::Member(WorkspaceMemberCommand::Unblock { workspace, login }) => {
            desk.unblock_member(me, workspace, login)?;
            out(format.json(), &serde_json::json!({"workspace": workspace, "login": login, "status": "active"}), || {
                format!("unblocked {login} in {workspace}")
            })
        }
        WorkspaceCommand::Invite { workspace, login, role: r, expires } => {
            let inv = desk.invite_for(me, workspace, login, role(*r), expires.as_deref())?;
            out(format.json(), &inv, || {
                format!("invited {login} to {workspace} as {}; expires {}", inv.role.title(), inv.expires_at)
            })
        }
        WorkspaceCommand::Invitations { workspace } => {
            let list = desk.list_invitations(me, workspace, Page::ALL)?;
            out_rows(format, list)
        }
        WorkspaceCommand::Withdraw { workspace, login } => {
            desk.withdraw_invitation(me, workspace, login)?;
            out(
                format.json(),
                &serde_json::json!({"workspace": workspace, "login": login, "state": "withdrawn"}),
                || format!("withdrew {login}'s invitation to {workspace}"),
            )
        }
        WorkspaceCommand::Resend { workspace, login } => {
            let inv = desk.resend_invitation(me, workspace, login)?;
            out(format.json(), &inv, || {
                format!("resent {login}'s invitation to {workspace}; expires {}", inv.expires_at)
            })
        }
        WorkspaceCommand::Transfer { workspace, login } => {
            desk.transfer_ownership(me, workspace, login)?;
            out(format.json(), &serde_json::json!({"workspace": workspace, "owner": login}), || {
                format!("{login} is now the Owner of {workspace}; you are a Master")
            })
        }
        WorkspaceCommand::Rename { workspace, new_name } => {
            let renamed = desk.rename_workspace(me, workspace, new_name)?;
            out(format.json(), &serde_json::json!({"workspace": workspace, "renamed": renamed.name}), || {
                format!("renamed {workspace} to {}", renamed.name)
            })
        }
        WorkspaceCommand::Delete { workspace, .. } => {
            desk.delete_workspace(me, workspace)?;
            out(format.json(), &serde_json::json!({"deleted": workspace}), || format!("deleted workspace {workspace}"))
        }
        WorkspaceCommand::Member(WorkspaceMemberCommand::List { workspace }) => {
            let members = desk.list_workspace_members(me, workspace, Page::ALL)?;
            out_rows(format, members)
        }
    }
}

fn program(desk: &mut Desk, me: &Actor, format: Format, cmd: &ProgramCommand) -> Done {
    match cmd {
        ProgramCommand::Create { workspace, name, description } => {
            let p = desk.create_program(me, workspace, name, description)?;
            out(format.json(), &p, || {
                format!("created {} ({}) in {}; you are its Admin", p.name, p.app_id, p.workspace)
            })
        }
        ProgramCommand::List { workspace } => {
            // One query, one sort, rows written as SQLite hands them over.
            out_stream(format, |emit| desk.each_program(me, workspace.as_deref(), emit))
        }
        ProgramCommand::Show { program } => {
            let d = desk.show_program(me, program)?;
            out(format.json(), &d, || {
                let s = &d.summary;
                let rows = vec![
                    vec!["name".into(), s.name.clone()],
                    vec!["app ID".into(), s.app_id.clone()],
                    vec!["workspace".into(), s.workspace.clone()],
                    vec!["status".into(), format!("{} {}", s.status.glyph(), s.status.title())],
                    vec!["live version".into(), opt(&s.live_version)],
                    vec!["your role".into(), s.my_role_reason.clone()],
                    vec!["description".into(), d.description.clone()],
                    vec!["created".into(), format!("{} by {}", d.created_at, d.created_by)],
                    vec![
                        "domains".into(),
                        if d.config.domains.is_empty() { "-".into() } else { d.config.domains.join(", ") },
                    ],
                    vec!["client ID".into(), opt(&d.config.client_id)],
                    vec!["merchant ID".into(), opt(&d.config.merchant_id)],
                ];
                table(&["FIELD", "VALUE"], &rows)
            })
        }
        ProgramCommand::Edit { program, name, description } => {
            let edit = ProgramEdit { name: name.clone(), description: description.clone() };
            let p = desk.edit_program(me, program, &edit)?;
            out(format.json(), &p, || format!("saved {} ({})", p.name, p.app_id))
        }
        ProgramCommand::Config(args) => {
            let change = ConfigChange {
                add_domains: args.add_domain.clone(),
                remove_domains: args.remove_domain.clone(),
                client_id: args.client_id.clone(),
                merchant_id: args.merchant_id.clone(),
            };
            let config = desk.configure_program(me, &args.program, &change)?;
            out(format.json(), &config, || {
                format!(
                    "domains: {}\nclient ID: {}\nmerchant ID: {}",
                    if config.domains.is_empty() { "-".to_string() } else { config.domains.join(", ") },
                    opt(&config.client_id),
                    opt(&config.merchant_id)
                )
            })
        }
        ProgramCommand::Upload { program, version, package, notes } => {
            let source = if package.as_os_str() == "-" {
                if std::io::IsTerminal::is_terminal(&std::io::stdin()) {
                    return Err(DeskError::Invalid(
                        "--package - reads the package from standard input: redirect a file into it (--package - < app.zip)"
                            .to_string(),
                    ));
                }
                PackageSource::Stream(Box::new(super::polled_stdin::PolledStdin))
            } else {
                PackageSource::File(package.clone())
            };
            let v = desk.upload_version(me, program, version, source, notes)?;
            out(format.json(), &v, || format!("uploaded {} ({} bytes, sha256 {})", v.version, v.size, v.sha256))
        }
        ProgramCommand::Versions { program } => out_pages(format, |page| desk.list_versions(me, program, page)),
        ProgramCommand::Export { program, version, out: Some(path), force } => {
            let target = ExportTarget::File { path, overwrite: *force };
            let v = desk.export_version(me, program, version, target)?;
            out(format.json(), &v, || {
                format!("wrote {} ({} bytes, sha256 {}) to {}", v.version, v.size, v.sha256, path.display())
            })
        }
        ProgramCommand::Export { program, version, out: None, .. } => {
            if crate::print::is_terminal(crate::print::Stream::Out) {
                return Err(DeskError::Invalid(
                    "a package is binary: redirect it (> app.zip) or pass --out FILE".to_string(),
                ));
            }
            let mut failure = None;
            let written = crate::print::verbatim_out(|w| {
                if let Err(error) = desk.export_version(me, program, version, ExportTarget::Stream(w)) {
                    failure = Some(error);
                }
                Ok(())
            });
            match failure {
                Some(error) => Err(error),
                None => written.map_err(|e| DeskError::Storage(format!("cannot write the output: {e}"))),
            }
        }
        ProgramCommand::Release { program, version } => {
            let released = desk.release(me, program, version.as_deref())?;
            out(format.json(), &serde_json::json!({"program": program, "live_version": released}), || {
                format!("{released} is live")
            })
        }
        ProgramCommand::Offline { program } => {
            desk.take_offline(me, program)?;
            out(format.json(), &serde_json::json!({"program": program, "status": "offline"}), || {
                format!("{program} is offline")
            })
        }
        ProgramCommand::Delete { program, .. } => {
            desk.delete_program(me, program)?;
            out(format.json(), &serde_json::json!({"deleted": program}), || format!("deleted {program}"))
        }
        ProgramCommand::Can { program } => {
            let caps = desk.capabilities(me, program)?;
            let map: serde_json::Map<String, serde_json::Value> = caps
                .iter()
                .map(|c| {
                    (c.operation.key().to_string(), serde_json::json!({"allowed": c.allowed(), "reason": c.reason()}))
                })
                .collect();
            out(format.json(), &map, || {
                let rows: Vec<Vec<String>> = caps
                    .iter()
                    .map(|c| {
                        vec![
                            c.operation.description().to_string(),
                            if c.allowed() { "✓".into() } else { "×".into() },
                            c.reason().unwrap_or_default(),
                        ]
                    })
                    .collect();
                table(&["OPERATION", "ALLOWED", "WHY NOT"], &rows)
            })
        }
    }
}

fn invitation(desk: &mut Desk, me: &Actor, format: Format, cmd: &InvitationCommand) -> Done {
    match cmd {
        InvitationCommand::List => {
            let list = desk.my_invitations(me)?;
            out_rows(format, list)
        }
        InvitationCommand::Accept { workspace } => {
            let role = desk.accept_invitation(me, workspace)?;
            out(format.json(), &serde_json::json!({"workspace": workspace, "role": role, "status": "active"}), || {
                format!("you joined {workspace} as {}", role.title())
            })
        }
        InvitationCommand::Decline { workspace } => {
            desk.decline_invitation(me, workspace)?;
            out(format.json(), &serde_json::json!({"workspace": workspace, "state": "declined"}), || {
                format!("declined the invitation to {workspace}")
            })
        }
    }
}

/// " until END" for an end, nothing for none.
fn until(end: &Option<String>) -> String {
    end.as_ref().map(|end| format!(" until {end}")).unwrap_or_default()
}

/// "ends END" or "no longer ends".
fn ends(end: &Option<String>) -> String {
    match end {
        Some(end) => format!("ends {end}"),
        None => "no longer ends".to_string(),
    }
}

fn member(desk: &mut Desk, me: &Actor, format: Format, cmd: &MemberCommand) -> Done {
    match cmd {
        MemberCommand::Candidates { program } => out_pages(format, |page| desk.member_candidates(me, program, page)),
        MemberCommand::Add { program, logins, expires } => {
            let added = desk.add_members_until(me, program, logins, expires.as_deref())?;
            out(format.json(), &added, || {
                format!(
                    "added {}",
                    added
                        .iter()
                        .map(|m| format!("{} ({}){}", m.login, m.role.title(), until(&m.expires_at)))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            })
        }
        MemberCommand::Expire { program, login, when } => {
            let end = desk.set_member_expiry(me, program, login, when)?;
            out(format.json(), &serde_json::json!({"program": program, "login": login, "expires_at": end}), || {
                format!("{login}'s access to {program} {}", ends(&end))
            })
        }
        MemberCommand::Remove { program, login } => {
            desk.remove_member(me, program, login)?;
            out(format.json(), &serde_json::json!({"program": program, "removed": login}), || {
                format!("removed {login} from {program}")
            })
        }
        MemberCommand::List { program } => out_pages(format, |page| desk.list_members(me, program, page)),
    }
}
