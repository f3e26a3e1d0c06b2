//! The command line, as clap derive types.

pub use super::audit::{AuditArgs, AuditCommand};
pub use super::invitation::InvitationCommand;
pub use super::key::KeyCommand;
pub use super::member::MemberCommand;
pub use super::program::{ConfigArgs, ProgramCommand};
pub use super::ssh::SshCommand;
pub use super::workspace::{RoleArg, WorkspaceCommand, WorkspaceMemberCommand};
use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

// `--expires WHEN`: where access (or a key) ends, one flag with one
// meaning wherever it is taken. (A `//` comment: clap would show a doc
// comment as the about of every command that flattens this.)
#[derive(Debug, Args)]
pub struct ExpiresArg {
    /// When it ends: a date (2027-01-31), a time (2027-01-31T18:00:00Z) or
    /// a duration (30d, 12h, 90s; an invitation's counts from its
    /// acceptance); default: never.
    #[arg(long, value_name = "WHEN")]
    expires: Option<String>,
}

impl ExpiresArg {
    /// The end as typed (the desk reads it against its own clock).
    pub fn when(&self) -> Option<&str> {
        self.expires.as_deref()
    }
}

#[derive(Debug, Parser)]
#[command(name = "mpdesk", version, about = "A terminal console for teams that build mini programs.", long_about = None)]
pub struct Cli {
    // MPDESK_DB and MPDESK_USER are read by `db()` and `user()`, not by
    // clap: clap would list an option filled from the environment in its
    // usage line as if it were required.
    /// Database file [env: MPDESK_DB] (default: mpdesk.db in the platform data directory).
    #[arg(long, global = true, value_name = "PATH")]
    pub db: Option<PathBuf>,
    /// Acting user's login [env: MPDESK_USER] (default: the OS login).
    #[arg(long, global = true, value_name = "LOGIN")]
    pub user: Option<String>,
    /// Machine-readable output (and errors as JSON on stderr); the same as
    /// --format json.
    #[arg(long, global = true)]
    pub json: bool,
    /// How lists are printed: table (for people), json (an array, an
    /// element a line), jsonl (an object a line), csv (for a spreadsheet). Other results print as
    /// text, or JSON with json.
    #[arg(long, global = true, value_enum, value_name = "FORMAT")]
    pub format: Option<super::output::Format>,
    /// Open the console on the demo data, as the demo Owner, with the persona
    /// switcher: a fresh temporary database, or --db PATH (loaded if new or
    /// empty, reopened as it is otherwise).
    #[arg(long, conflicts_with = "user")]
    pub demo: bool,
    /// With --demo: a guided tour of the platform's rules, step by step, in a
    /// caption panel (Ctrl-n / Ctrl-p move between steps).
    #[arg(long, requires = "demo")]
    pub tour: bool,
    /// Show the last keys pressed in a corner, for an audience.
    #[arg(long)]
    pub show_keys: bool,
    /// With --demo: keep the temporary database and print its path on exit
    /// (a --db PATH is kept anyway).
    #[arg(long, requires = "demo", conflicts_with = "db")]
    pub keep: bool,
    /// Read-only: the database is opened so nothing can be written; every
    /// change is refused (grayed out in the console).
    #[arg(long, global = true)]
    pub readonly: bool,
    /// The config file: keys and colours [env: MPDESK_CONFIG] (default: config.toml in the platform config directory).
    #[arg(long, global = true, value_name = "PATH")]
    pub config: Option<PathBuf>,
    /// The console's colours (wins over the config file; NO_COLOR wins over both).
    #[arg(long, value_name = "NAME")]
    pub theme: Option<crate::tui::theme::ThemeName>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

impl Cli {
    /// How to print: `--json` is `--format json`.
    pub fn output_format(&self) -> super::output::Format {
        match (self.json, self.format) {
            (true, _) => super::output::Format::Json,
            (false, Some(format)) => format,
            (false, None) => super::output::Format::Table,
        }
    }

    /// --db, or MPDESK_DB.
    pub fn db(&self) -> Option<PathBuf> {
        self.db.clone().or_else(|| std::env::var_os("MPDESK_DB").filter(|v| !v.is_empty()).map(PathBuf::from))
    }

    /// --config, or MPDESK_CONFIG.
    pub fn config_file(&self) -> Option<PathBuf> {
        self.config.clone().or_else(crate::tui::config::from_env)
    }

    /// --user, or MPDESK_USER.
    pub fn user(&self) -> Option<String> {
        self.user.clone().or_else(|| std::env::var("MPDESK_USER").ok().filter(|v| !v.is_empty()))
    }
}

#[derive(Debug, Subcommand)]
#[command(defer = true)]
pub enum Command {
    /// Registered users.
    #[command(subcommand)]
    User(UserCommand),
    /// Workspaces and their members.
    #[command(subcommand)]
    Workspace(WorkspaceCommand),
    /// Mini programs: details, versions, lifecycle.
    #[command(subcommand)]
    Program(ProgramCommand),
    /// Mini program members.
    #[command(subcommand)]
    Member(MemberCommand),
    /// Your own workspace invitations.
    #[command(subcommand)]
    Invitation(InvitationCommand),
    /// The audit log, newest first; --follow prints new entries as they
    /// commit; export, verify and prune below.
    Audit(AuditArgs),
    /// Take back a change from the audit log (an undo's id: redo it), by the
    /// rules that allowed it; refused (exit 5) if the data changed since.
    Undo {
        /// The audit entry's id (`mpdesk audit` lists them).
        id: i64,
        /// Print what would change, and change nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Load the demo data into an empty database.
    DemoData,
    /// Remove every membership whose end has come, one membership_expired
    /// entry each (access is gone at that instant anyway; this tidies the
    /// log, e.g. from a timer).
    Expire {
        /// List what has expired, and change nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// SSH public keys: yours (over SSH), anyone's (the operator).
    #[command(subcommand)]
    Key(KeyCommand),
    /// Serving mpdesk through OpenSSH (what sshd runs; see README).
    #[command(subcommand)]
    Ssh(SshCommand),
    /// Create a new, empty database at --db PATH (or the default path).
    Init {
        /// Also create the folders on the way to PATH.
        #[arg(long)]
        parents: bool,
    },
    /// The config file (keys and colours): where it is, the defaults, a check.
    #[command(subcommand)]
    Config(ConfigCommand),
    /// Print a shell completion script (see README for where it goes).
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
    /// Print the manual (roff): `mpdesk man | man -l -`; with --dir, one
    /// file a page (mpdesk.1, mpdesk-program-upload.1, …).
    Man {
        /// Write each page as DIR/NAME.1 instead.
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
    },
    /// The first Owner of a server in one command (the operator's): creates
    /// the database if missing, registers LOGIN, adds their key, and with
    /// --workspace creates it with them as its Owner. Run again with the
    /// same arguments, it changes nothing and says so.
    Setup {
        /// The first Owner's login.
        #[arg(long, value_name = "LOGIN")]
        owner: String,
        /// Their public key: a .pub file, or - for standard input.
        #[arg(long, value_name = "FILE")]
        key: String,
        /// Their display name (default: the login).
        #[arg(long)]
        name: Option<String>,
        /// A first workspace, with them as its Owner.
        #[arg(long)]
        workspace: Option<String>,
    },
    /// Checks the database file: its size against its pages, then every page
    /// (SQLite's quick_check) or, --full, every index too (integrity_check)
    /// and each search index against its table. One line a problem; exit 1
    /// if any. Writes nothing to the database.
    Check {
        /// integrity_check and the search indexes rebuilt and compared
        /// (minutes on a large file) instead of quick_check.
        #[arg(long)]
        full: bool,
    },
    /// Checks a packaged server: the service account, what sshd will do for
    /// it, the binary's ownership, the database, the config, stray keys,
    /// the backup replica. One line a check, with the fix; exit 1 if any fails.
    Doctor,
    /// A consistent copy of the database while people work (SQLite's online
    /// backup), or `backup verify FILE`.
    Backup(BackupArgs),
}

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
pub struct BackupArgs {
    #[command(subcommand)]
    pub command: Option<BackupCommand>,
    /// The copy to write (mode 0600; an existing file only with --force).
    #[arg(long, value_name = "FILE", required = true)]
    pub out: Option<PathBuf>,
    /// Replace FILE if it exists.
    #[arg(long, requires = "out")]
    pub force: bool,
}

#[derive(Debug, Subcommand)]
#[command(defer = true)]
pub enum BackupCommand {
    /// Checks a copy: its integrity, its schema, what it holds, its newest
    /// audit entry (exit 1 if it is not whole).
    Verify {
        /// The copy.
        file: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
#[command(defer = true)]
pub enum ConfigCommand {
    /// Print the path the config file is read from.
    Path,
    /// Print a complete config file with every default, commented.
    Default,
    /// Read the config file and say what is wrong with it (exit 2), or that it is fine.
    Check,
}

#[derive(Debug, Subcommand)]
#[command(defer = true)]
pub enum UserCommand {
    /// Register a user (this grants nothing).
    Add {
        /// The login: 1–32 of a-z, 0-9, '.', '_', '-'.
        login: String,
        /// Display name (default: the login).
        #[arg(long)]
        name: Option<String>,
        /// Email address.
        #[arg(long)]
        email: Option<String>,
    },
    /// List registered users (over SSH: you and the people who share a
    /// workspace with you).
    List,
    /// Disable a person (the operator's): their keys are refused and their
    /// open sessions end within a second; their memberships stay.
    Disable {
        login: String,
        /// Why, for the log and for them.
        #[arg(long)]
        reason: Option<String>,
    },
    /// Enable a disabled person again.
    Enable { login: String },
    /// Remove a person (the operator's; refused while they own a workspace):
    /// their keys, memberships and pending invitations go; the log stays.
    Remove { login: String },
}
