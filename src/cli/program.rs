//! `mpdesk program`: a workspace's mini programs, their versions and
//! lifecycle — the clap types and the handler, side by side.

use super::commands::{out, out_pages, out_stream, Done};
use super::output::{opt, table, Format};
use crate::desk::{size_text, Actor, ConfigChange, Desk, DeskError, ExportTarget, PackageSource, ProgramEdit};
use clap::{Args, Subcommand};
use std::path::PathBuf;

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

pub(super) fn run(desk: &mut Desk, me: &Actor, format: Format, cmd: &ProgramCommand) -> Done {
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
            out(format.json(), &v, || format!("uploaded {} ({}, sha256 {})", v.version, size_text(v.size), v.sha256))
        }
        ProgramCommand::Versions { program } => out_pages(format, |page| desk.list_versions(me, program, page)),
        ProgramCommand::Export { program, version, out: Some(path), force } => {
            let target = ExportTarget::File { path, overwrite: *force };
            let v = desk.export_version(me, program, version, target)?;
            out(format.json(), &v, || {
                format!("wrote {} ({}, sha256 {}) to {}", v.version, size_text(v.size), v.sha256, path.display())
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
