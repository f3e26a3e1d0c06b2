//! The command line, as clap derive types.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

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
#[command(args_conflicts_with_subcommands = true)]
pub struct AuditArgs {
    #[command(subcommand)]
    pub command: Option<AuditCommand>,
    /// Only this workspace's entries.
    #[arg(long)]
    pub workspace: Option<String>,
    /// Only this program's entries (an app ID or a name).
    #[arg(long, conflicts_with = "follow")]
    pub program: Option<String>,
    /// At most this many entries.
    #[arg(long, default_value_t = 50, conflicts_with = "follow")]
    pub limit: u64,
    /// Print each new entry as it commits (with --json, one JSON object a
    /// line, hash included), like `tail -f`, until interrupted or the
    /// reader goes away.
    #[arg(long)]
    pub follow: bool,
    /// With --follow: start after this entry instead of at the newest (a
    /// feed picking up where it stopped).
    #[arg(long, value_name = "ID", requires = "follow")]
    pub after: Option<i64>,
}

#[derive(Debug, Subcommand)]
#[command(defer = true)]
pub enum AuditCommand {
    /// Every entry you may read (the operator: all), oldest first, one a
    /// line with its hash: JSON lines (--format jsonl, the default) or
    /// --format csv. Over SSH, to standard output only.
    Export {
        /// Entries at or after this time: 2027-01-31 or 2027-01-31T18:00:00Z.
        #[arg(long, value_name = "DATE")]
        since: Option<String>,
        /// Entries before this time.
        #[arg(long, value_name = "DATE")]
        until: Option<String>,
        /// Only this workspace's entries.
        #[arg(long)]
        workspace: Option<String>,
        /// Write FILE (mode 0600, complete or not at all) instead of
        /// standard output.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
        /// Replace FILE if it exists.
        #[arg(long, requires = "out")]
        force: bool,
    },
    /// Walks the hash chain over every entry: "N entries, chain intact,
    /// head HASH", or the first entry that does not match and why (exit 1).
    Verify {
        /// Also check that the log still holds this head (a hash written
        /// down from an earlier verify).
        #[arg(long, value_name = "HASH")]
        head: Option<String>,
        /// Check an exported file (JSON lines; - for standard input)
        /// instead of the database: no database is needed.
        #[arg(long, value_name = "FILE")]
        file: Option<PathBuf>,
    },
    /// Removes the entries written before DATE (the operator's) and leaves
    /// one audit_pruned entry saying how many, which, and the last removed
    /// hash, so verify still passes. Refused while any of them was never
    /// exported, unless --force.
    Prune {
        /// 2027-01-31 or 2027-01-31T18:00:00Z.
        #[arg(long, value_name = "DATE")]
        before: String,
        /// Prune even what no export holds.
        #[arg(long)]
        force: bool,
    },
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

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum RoleArg {
    Master,
    Developer,
}

#[derive(Debug, Subcommand)]
#[command(defer = true)]
pub enum WorkspaceCommand {
    /// Create a workspace; you become its Owner.
    Create {
        /// Its name: 1–64 characters, unique.
        name: String,
    },
    /// Workspaces you belong to.
    List,
    /// Workspace members.
    #[command(subcommand)]
    Member(WorkspaceMemberCommand),
    /// Invite a registered user; the invitation expires in 3 days.
    Invite {
        workspace: String,
        login: String,
        #[arg(long, value_enum)]
        role: RoleArg,
        /// The access it grants ends: a duration from the acceptance (30d),
        /// or a date or time (2027-01-31); default: never.
        #[arg(long, value_name = "WHEN")]
        expires: Option<String>,
    },
    /// The workspace's invitations: pending, accepted, declined, withdrawn, expired.
    Invitations { workspace: String },
    /// Withdraw a pending invitation.
    Withdraw { workspace: String, login: String },
    /// Resend a pending invitation (its 3 days start again).
    Resend { workspace: String, login: String },
    /// Hand ownership to an Active Master; you become a Master.
    Transfer { workspace: String, login: String },
    /// Rename a workspace (its Owner only; undoable).
    Rename {
        workspace: String,
        /// The new name: 1–64 characters, unique.
        new_name: String,
    },
    /// Delete an empty workspace: no programs, no members besides you, no
    /// pending invitations (its Owner only; cannot be undone).
    Delete {
        workspace: String,
        /// Confirm: deleting cannot be undone.
        #[arg(long, required = true)]
        yes: bool,
    },
}

#[derive(Debug, Subcommand)]
#[command(defer = true)]
pub enum InvitationCommand {
    /// Your invitations.
    List,
    /// Accept an invitation to a workspace.
    Accept { workspace: String },
    /// Decline an invitation to a workspace.
    Decline { workspace: String },
}

#[derive(Debug, Subcommand)]
#[command(defer = true)]
pub enum WorkspaceMemberCommand {
    /// Add a registered user to the workspace.
    Add {
        workspace: String,
        login: String,
        #[arg(long, value_enum)]
        role: RoleArg,
        /// When access ends: a date (2027-01-31), a time
        /// (2027-01-31T18:00:00Z) or a duration (30d, 12h, 90s); default: never.
        #[arg(long, value_name = "WHEN")]
        expires: Option<String>,
    },
    /// Set, extend or clear when a member's access ends: a date, a time, a
    /// duration from now, or never (not the Owner's: it never ends).
    Expire {
        workspace: String,
        login: String,
        /// 2027-01-31, 2027-01-31T18:00:00Z, 30d, 12h, 90s, or never.
        #[arg(value_name = "WHEN")]
        when: String,
    },
    /// Change a member's role.
    Role {
        workspace: String,
        login: String,
        #[arg(value_enum)]
        role: RoleArg,
    },
    /// Remove a member (and their program memberships in the workspace).
    Remove { workspace: String, login: String },
    /// List the workspace's members and pending invitations.
    List { workspace: String },
    /// Block a member: they see and do nothing until unblocked.
    Block { workspace: String, login: String },
    /// Unblock a member.
    Unblock { workspace: String, login: String },
}

#[derive(Debug, Subcommand)]
#[command(defer = true)]
pub enum ProgramCommand {
    /// Create a mini program; you become its first Admin.
    Create {
        /// The workspace to create it in.
        workspace: String,
        /// Its name: 1–64 characters, unique in the workspace.
        name: String,
        /// What it is for (at most 500 characters).
        #[arg(long, default_value = "")]
        description: String,
    },
    /// Mini programs you can view.
    List {
        /// Only this workspace's programs.
        #[arg(long)]
        workspace: Option<String>,
    },
    /// A program's details (PROGRAM is an app ID or a name).
    Show {
        /// An app ID or a name.
        program: String,
    },
    /// Change the name or description.
    Edit {
        /// An app ID or a name.
        program: String,
        /// The new name.
        #[arg(long)]
        name: Option<String>,
        /// The new description.
        #[arg(long)]
        description: Option<String>,
    },
    /// Change the configuration.
    Config(ConfigArgs),
    /// Upload a version.
    Upload {
        /// An app ID or a name.
        program: String,
        /// A semantic version greater than every one uploaded (numbers at most 999999).
        #[arg(long)]
        version: String,
        /// The package file (a regular file, at most 50 MiB), or - to read it
        /// from standard input (over SSH, only -).
        #[arg(long)]
        package: PathBuf,
        /// Release notes.
        #[arg(long, default_value = "")]
        notes: String,
    },
    /// A program's versions, newest first.
    Versions {
        /// An app ID or a name.
        program: String,
    },
    /// Write a version's package out, byte for byte: to standard output, or
    /// to a file with --out (not over SSH).
    Export {
        /// An app ID or a name.
        program: String,
        /// The version to write out.
        version: String,
        /// The file to write (a new path, or an existing file with --force);
        /// without it, standard output.
        #[arg(long)]
        out: Option<PathBuf>,
        /// Replace OUT if it exists.
        #[arg(long, requires = "out")]
        force: bool,
    },
    /// Make a version live (the latest uploaded by default).
    Release {
        /// An app ID or a name.
        program: String,
        /// The version to make live (default: the latest; an older one is a rollback).
        #[arg(long)]
        version: Option<String>,
    },
    /// Take a released program offline.
    Offline {
        /// An app ID or a name.
        program: String,
    },
    /// Delete a program that is not released (irreversible; --yes confirms).
    Delete {
        /// An app ID or a name.
        program: String,
        /// Confirm: deleting cannot be undone.
        #[arg(long, required = true)]
        yes: bool,
    },
    /// Every operation: allowed, or why not.
    Can {
        /// An app ID or a name.
        program: String,
    },
}

#[derive(Debug, Args)]
pub struct ConfigArgs {
    /// An app ID or a name.
    pub program: String,
    /// Whitelist a server domain (an https:// origin); repeatable.
    #[arg(long = "add-domain", value_name = "ORIGIN")]
    pub add_domain: Vec<String>,
    /// Remove a whitelisted domain; repeatable.
    #[arg(long = "remove-domain", value_name = "ORIGIN")]
    pub remove_domain: Vec<String>,
    /// The client ID ("" clears it).
    #[arg(long)]
    pub client_id: Option<String>,
    /// The merchant ID ("" clears it).
    #[arg(long)]
    pub merchant_id: Option<String>,
}

#[derive(Debug, Subcommand)]
#[command(defer = true)]
pub enum MemberCommand {
    /// The new member list: who can be added, with the role they would get.
    Candidates { program: String },
    /// Add members (all or none).
    Add {
        program: String,
        #[arg(required = true)]
        logins: Vec<String>,
        /// When access ends: a date (2027-01-31), a time
        /// (2027-01-31T18:00:00Z) or a duration (30d, 12h, 90s); default: never.
        #[arg(long, value_name = "WHEN")]
        expires: Option<String>,
    },
    /// Set, extend or clear when a member's access to the program ends: a
    /// date, a time, a duration from now, or never.
    Expire {
        program: String,
        login: String,
        /// 2027-01-31, 2027-01-31T18:00:00Z, 30d, 12h, 90s, or never.
        #[arg(value_name = "WHEN")]
        when: String,
    },
    /// Remove a member.
    Remove { program: String, login: String },
    /// Everyone who reaches the program.
    List { program: String },
}

#[derive(Debug, Subcommand)]
#[command(defer = true)]
pub enum KeyCommand {
    /// Register a public key: `key add [LOGIN] FILE` (without LOGIN, your own).
    #[command(override_usage = "mpdesk key add [LOGIN] <FILE>")]
    Add {
        /// Whose key it is (default: yours), or FILE when it is the only argument.
        #[arg(value_name = "LOGIN")]
        login: String,
        /// The .pub file, or - to read the key line from standard input (over SSH, only -).
        #[arg(value_name = "FILE")]
        file: Option<String>,
        /// When sshd stops accepting the key: a date (2027-01-31), a time
        /// (2027-01-31T18:00:00Z) or a duration (30d, 12h, 90s); default: never.
        #[arg(long, value_name = "WHEN")]
        expires: Option<String>,
        /// The key is theirs already (expired, say): give it this end
        /// instead (--expires, or none) — a renewal.
        #[arg(long)]
        replace: bool,
    },
    /// Registered keys: yours, or LOGIN's, or (the operator) everyone's.
    List {
        /// Whose keys.
        login: Option<String>,
    },
    /// Remove a key by its fingerprint (SHA256:…, as ssh-keygen -l prints it).
    Remove {
        /// The key's SHA-256 fingerprint.
        fingerprint: String,
    },
}

#[derive(Debug, Subcommand)]
#[command(defer = true)]
pub enum SshCommand {
    /// The managed block of authorized_keys lines (one forced command per key).
    AuthorizedKeys {
        /// Replace the block in this file atomically, keeping every other line.
        #[arg(long, value_name = "FILE")]
        write: Option<PathBuf>,
        /// Write even though FILE holds key lines outside mpdesk's block
        /// (each is a way into the service account; keep them only on purpose).
        #[arg(long, requires = "write")]
        keep_foreign: bool,
    },
    /// The live SSH sessions: who, with which key, from where, since when.
    Sessions,
    /// End a session (by its id), every session of one key (by its
    /// fingerprint) or of a person (by login), within a second. They may
    /// connect again: `user disable` keeps a person out.
    End {
        /// A session id (`mpdesk ssh sessions`; never reused), a key's
        /// fingerprint (SHA256:…) or a login.
        target: String,
    },
    /// For sshd's AuthorizedKeysCommand: the line for one key, or nothing.
    KeysCommand {
        /// The account sshd asks for (%u).
        account: String,
        /// The key's type (%t).
        key_type: String,
        /// The base64 key (%k).
        key: String,
    },
    /// One SSH connection, as the key's owner (only ever run by sshd).
    Session {
        /// The key's fingerprint, from the forced command.
        #[arg(long)]
        key: String,
    },
}
