//! `mpdesk audit`: the newest entries, following new ones as they commit,
//! exporting, walking the hash chain, pruning.

use super::args::Cli;
use super::commands::{out, out_rows, Done, OPERATOR_UNDO};
use super::output::Format;
use super::rows::AuditRow;
use crate::desk::{AuditQuery, Desk, DeskError, ExportQuery, ExportedEntry, HeadCheck, Principal};
use crate::domain::remote::{decide_server_file, AUDIT_EXPORT_OVER_SSH, AUDIT_VERIFY_OVER_SSH};
use crate::print;
use clap::{Args, Subcommand};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

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
        /// The file is part of the log (an Owner's or Master's export, or
        /// one with --since or --workspace): check each entry, and count
        /// where ids jump instead of failing there.
        #[arg(long, requires = "file")]
        part: bool,
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

pub fn run(desk: &mut Desk, who: &Principal, cli: &Cli, args: &AuditArgs) -> Done {
    let format = cli.output_format();
    match &args.command {
        None if args.follow => follow(desk, who, args.workspace.as_deref(), args.after, format.json()),
        None => newest(desk, who, format, args),
        Some(AuditCommand::Export { since, until, workspace, out, force }) => {
            let query = ExportQuery { workspace: workspace.clone(), since: since.clone(), until: until.clone() };
            export(desk, who, cli, &query, out.as_deref(), *force)
        }
        Some(AuditCommand::Verify { head, file: Some(file), part }) => {
            decide_server_file(desk.is_remote() && file.as_os_str() != "-", "Checking a file", AUDIT_VERIFY_OVER_SSH)?;
            verify_file(file, head.as_deref(), *part, format.json())
        }
        Some(AuditCommand::Verify { head, file: None, .. }) => {
            let walk = desk.audit_verify(who, head.as_deref())?;
            print_walk(&walk, head.as_deref(), format.json())
        }
        Some(AuditCommand::Prune { before, force }) => {
            let mark = desk.audit_prune(who, before, *force)?;
            let summary = serde_json::json!({
                "pruned": mark.count, "first": mark.first, "last": mark.last,
                "last_hash": crate::store::chain::hex(&mark.last_hash),
            });
            out(format.json(), &summary, || {
                format!(
                    "pruned {} entries (#{}–#{}, {} … {}); the log now starts after #{}, and `mpdesk audit verify` still passes",
                    mark.count, mark.first, mark.last, mark.first_at, mark.last_at, mark.last
                )
            })
        }
    }
}

/// The newest entries, each with whether its reader could undo it now.
fn newest(desk: &mut Desk, who: &Principal, format: Format, args: &AuditArgs) -> Done {
    let query = AuditQuery {
        workspace: args.workspace.clone(),
        program: args.program.clone(),
        limit: args.limit,
        ..Default::default()
    };
    let mut rows = Vec::new();
    match who {
        // The operator reads every entry; undoing is done as a person.
        Principal::Operator(_) => {
            for (id, entry) in desk.audit_everything(who, &query)? {
                rows.push(AuditRow { id, entry, undoable: false, undo_reason: Some(OPERATOR_UNDO.to_string()) });
            }
        }
        Principal::Person(me) => {
            for (id, entry, undo_reason) in desk.audit_with_undo(me, &query)? {
                rows.push(AuditRow { id, entry, undoable: undo_reason.is_none(), undo_reason });
            }
        }
    }
    out_rows(format, rows)
}

/// How often `--follow` looks whether another process committed: one
/// read of a counter SQLite keeps in shared memory.
const FOLLOW_TICK: Duration = Duration::from_millis(200);
/// Entries read at a time while catching up.
const FOLLOW_PAGE: u64 = 1_000;

/// Prints each entry committed after `after` (default: the newest now),
/// oldest first, as it commits, never one twice: ids only grow, in commit
/// order, and a page starts after the last id printed. Ends quietly when
/// the reader goes away; with an error when the person's access ends.
fn follow(desk: &Desk, who: &Principal, workspace: Option<&str>, after: Option<i64>, json: bool) -> Done {
    let mut last = match after {
        Some(id) => id,
        None => desk.audit_last_id()?,
    };
    let mut seen = None;
    let mut failure = None;
    let printed = print::stream_out(|w| loop {
        let step = (|| -> Result<(), DeskError> {
            let version = desk.data_version()?;
            if seen == Some(version) {
                return Ok(());
            }
            seen = Some(version);
            if let Principal::Person(me) = who {
                if let Some(why) = desk.revocation(&me.login) {
                    let needs = "a session whose key is registered and whose person is enabled";
                    return Err(crate::domain::Denial::session("Following the audit log", needs, why).into());
                }
            }
            loop {
                let page = desk.audit_after(who, workspace, last, FOLLOW_PAGE)?;
                for entry in &page {
                    write_entry(w, entry, json).map_err(|e| DeskError::Storage(e.to_string()))?;
                    last = entry.id;
                }
                if (page.len() as u64) < FOLLOW_PAGE {
                    return w.flush().map_err(|e| DeskError::Storage(e.to_string()));
                }
            }
        })();
        if let Err(error) = step {
            failure = Some(error);
            return Ok(());
        }
        if reader_gone() {
            return Ok(());
        }
        std::thread::sleep(FOLLOW_TICK);
    });
    match failure {
        // A reader that went away shows as a write error: a quiet end.
        Some(DeskError::Storage(_)) if reader_gone() => Ok(()),
        Some(error) => Err(error),
        None => printed.map_err(|e| DeskError::Storage(format!("cannot write the output: {e}"))),
    }
}

/// One entry as follow prints it: a JSON object, or a line for people.
fn write_entry(w: &mut dyn Write, entry: &ExportedEntry, json: bool) -> io::Result<()> {
    if json {
        print::write_json(w, entry, false)?;
        return w.write_all(b"\n");
    }
    let e = &entry.entry;
    let place = [e.workspace.as_deref(), e.program.as_deref()].into_iter().flatten().collect::<Vec<_>>().join(" / ");
    print::line(
        w,
        &format!("#{} {} {} [{}] {} {}: {}", entry.id, e.at, e.actor, place, e.operation, e.outcome, e.detail),
    )
}

/// Whether standard output is a pipe whose reader closed (Linux reports
/// POLLERR on its write end): a follow with nothing new to print would
/// otherwise never find out.
fn reader_gone() -> bool {
    let mut fd = libc::pollfd { fd: libc::STDOUT_FILENO, events: 0, revents: 0 };
    // SAFETY: one valid pollfd, no wait.
    let ready = unsafe { libc::poll(&mut fd, 1, 0) };
    ready > 0 && fd.revents & (libc::POLLERR | libc::POLLHUP) != 0
}

fn export(
    desk: &mut Desk,
    who: &Principal,
    cli: &Cli,
    query: &ExportQuery,
    out_file: Option<&Path>,
    force: bool,
) -> Done {
    let csv = match cli.format {
        Some(Format::Csv) if !cli.json => true,
        Some(Format::Table) if !cli.json => {
            return Err(DeskError::Invalid(
                "audit export writes one entry a line: --format jsonl (the default) or --format csv".to_string(),
            ))
        }
        _ => false,
    };
    let write = |w: &mut dyn Write, entry: &ExportedEntry| -> io::Result<()> {
        if !csv {
            print::write_json(w, entry, false)?;
            return w.write_all(b"\n");
        }
        writeln!(w, "{}", super::output::csv_exact_line(export_cells(entry)))
    };
    // CSV starts with its header, entries or not.
    let run = |desk: &mut Desk, w: &mut dyn Write| {
        if csv {
            let header = super::output::csv_exact_line(EXPORT_CSV_HEADERS.iter().map(|h| h.to_string()));
            if let Err(e) = writeln!(w, "{header}") {
                return Ok(Err(e));
            }
        }
        desk.audit_export(who, query, |entry| write(w, entry))
    };
    let summary = match out_file {
        Some(path) => {
            decide_server_file(desk.is_remote(), "Exporting the audit log to a file", AUDIT_EXPORT_OVER_SSH)?;
            let mut failure = None;
            let result = crate::files::write_streamed(path, force, |w| match run(desk, w) {
                Ok(Ok(summary)) => Ok(summary),
                Ok(Err(e)) => Err(e),
                Err(error) => {
                    let message = error.to_string();
                    failure = Some(error);
                    Err(io::Error::other(message))
                }
            });
            if let Some(error) = failure {
                return Err(error);
            }
            result.map_err(|refusal| crate::desk::export_refusal(path, refusal))?
        }
        None => {
            if csv && print::is_terminal(print::Stream::Out) {
                return Err(DeskError::Invalid(
                    "CSV holds the entries' bytes exactly, so it is not shown on a terminal: add --out FILE, or pipe it"
                        .to_string(),
                ));
            }
            let mut outcome = None;
            let printed = print::verbatim_out(|w| {
                let result = run(desk, w);
                let written = match &result {
                    Ok(Err(e)) => Err(io::Error::new(e.kind(), e.to_string())),
                    _ => Ok(()),
                };
                outcome = Some(result);
                written
            });
            printed.map_err(|e| DeskError::Storage(format!("cannot write the output: {e}")))?;
            match outcome {
                Some(Ok(Ok(summary))) => summary,
                // The reader went away: the export ends quietly, unrecorded.
                Some(Ok(Err(_))) | None => return Ok(()),
                Some(Err(error)) => return Err(error),
            }
        }
    };
    if out_file.is_some() {
        let text = format!(
            "exported {} entries{} to {}{}",
            summary.entries,
            match (summary.first, summary.last) {
                (Some(first), Some(last)) => format!(" (#{first}–#{last})"),
                _ => String::new(),
            },
            out_file.map(|p| p.display().to_string()).unwrap_or_default(),
            match (&summary.head, csv) {
                (Some(_), true) => "; CSV is not checked by audit verify (it is for spreadsheets: its lines are not the bytes the hashes cover), --format jsonl is".to_string(),
                (Some(head), false) => format!(
                    "; its head is {head} (check it: mpdesk audit verify{} --file {} --head {head})",
                    if summary.whole { "" } else { " --part" },
                    out_file.map(|p| p.display().to_string()).unwrap_or_default()
                ),
                (None, _) => String::new(),
            }
        );
        out(cli.output_format().json() && !csv, &summary, || text)?;
    }
    Ok(())
}

const EXPORT_CSV_HEADERS: [&str; 15] = crate::store::audit::EXPORTED_FIELDS;

fn export_cells(entry: &ExportedEntry) -> Vec<String> {
    let e = &entry.entry;
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    let number = |v: Option<i64>| v.map(|n| n.to_string()).unwrap_or_default();
    vec![
        entry.id.to_string(),
        e.at.clone(),
        e.actor.clone(),
        text(&e.workspace),
        text(&e.program),
        text(&e.app_id),
        e.operation.clone(),
        e.outcome.clone(),
        e.detail.clone(),
        e.via.clone(),
        number(entry.workspace_id),
        text(&entry.undo),
        number(entry.reverts),
        text(&entry.prev),
        text(&entry.hash),
    ]
}

/// `audit verify --file FILE`: an exported file's chain, with no database
/// (run before one is opened; over SSH only `-`, standard input).
/// An entry as `audit export` writes it on its line.
fn exported_line(entry: &ExportedEntry) -> String {
    print::json_string(entry, false)
}

pub fn verify_file(file: &Path, head: Option<&str>, part: bool, json: bool) -> Done {
    let wanted = head.map(crate::desk::parse_head).transpose()?;
    let walked = if file.as_os_str() == "-" {
        crate::store::audit::walk_exported(io::stdin().lock(), wanted.as_ref(), part, exported_line)
    } else {
        let opened = crate::files::open_regular(file)
            .map_err(|e| DeskError::Invalid(format!("cannot read {}: {e}", file.display())))?;
        crate::store::audit::walk_exported(io::BufReader::new(opened), wanted.as_ref(), part, exported_line)
    };
    // A line that is not an entry as exported fails the check (exit 1),
    // as a broken chain does; a CSV file is the wrong kind of file.
    let mut walk = match walked {
        Err(why) if why == crate::store::audit::CSV_NOT_CHECKED => return Err(DeskError::Invalid(why)),
        walked => walked.map_err(DeskError::Storage)?,
    };
    // A part of the log checked as the whole breaks where its gaps are.
    if let Some(broken) = walk.broken.as_mut().filter(|b| b.removal && !part) {
        broken.why.push_str(
            "; if the file is part of the log (an Owner's or Master's export, or one with --since or --workspace), check it with --part",
        );
    }
    print_walk(&walk, head, json)
}

/// What a walk found: one line for people (or JSON); a break, or a head
/// that is gone, is the error (exit 1).
fn print_walk(walk: &crate::desk::Walk, head: Option<&str>, json: bool) -> Done {
    let head_hex = walk.head.map(|(_, hash)| crate::store::chain::hex(&hash));
    if let Some(broken) = &walk.broken {
        return Err(DeskError::Storage(format!("the audit log's chain is broken: {}", broken.why)));
    }
    let head_note = match (&walk.head_check, head) {
        (Some(HeadCheck::Found(id)), Some(hash)) => Some(Ok(format!("; {hash} is entry #{id}"))),
        (Some(HeadCheck::Pruned(by)), Some(hash)) => Some(Ok(format!("; {hash} was the last entry pruned by #{by}"))),
        (Some(HeadCheck::Missing), Some(hash)) => Some(Err(DeskError::Storage(format!(
            "the chain is intact, but {} is not in it: the log was cut or rewritten after that head",
            hash.trim()
        )))),
        _ => None,
    };
    let note = match head_note {
        Some(Err(error)) => return Err(error),
        Some(Ok(note)) => note,
        None => String::new(),
    };
    let gaps = &walk.gaps;
    let summary = serde_json::json!({
        "entries": walk.entries, "intact": true, "head": head_hex,
        "head_id": walk.head.map(|(id, _)| id),
        "gaps": gaps.runs, "missing": gaps.entries, "starts_at": gaps.starts_at,
    });
    out(json, &summary, || {
        format!(
            "{} entries, chain intact, head {}{note}{}",
            walk.entries,
            head_hex.clone().unwrap_or_else(|| "none (an empty log)".to_string()),
            gaps_note(gaps)
        )
    })
}

/// What a part of the log leaves out, for people.
fn gaps_note(gaps: &crate::store::chain::Gaps) -> String {
    let start = gaps.starts_at.map(|id| format!("; it starts at #{id}")).unwrap_or_default();
    let jumps = match gaps.first {
        None => String::new(),
        Some((from, to)) => {
            let first = if from == to { format!("#{from}") } else { format!("#{from}–#{to}") };
            let which = if gaps.runs > 1 { format!(", the first {first}") } else { format!(": {first}") };
            let entries = if gaps.entries == 1 { "1 entry".to_string() } else { format!("{} entries", gaps.entries) };
            let runs = if gaps.runs == 1 { "1 gap".to_string() } else { format!("{} gaps", gaps.runs) };
            format!("; {entries} between are not in it, in {runs}{which}")
        }
    };
    match start.is_empty() && jumps.is_empty() {
        true => String::new(),
        false => format!(
            "{start}{jumps} (not yours to read, or outside the export's dates; only the operator's whole export shows a removal)"
        ),
    }
}
