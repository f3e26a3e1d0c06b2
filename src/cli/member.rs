//! `mpdesk member`: a mini program's members — the clap types and the
//! handler, side by side.

use super::args::ExpiresArg;
use super::commands::{out, out_pages, Done};
use super::output::{ends, until, Format};
use crate::desk::{Actor, Desk};
use clap::Subcommand;

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
        #[command(flatten)]
        expires: ExpiresArg,
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

pub(super) fn run(desk: &mut Desk, me: &Actor, format: Format, cmd: &MemberCommand) -> Done {
    match cmd {
        MemberCommand::Candidates { program } => out_pages(format, |page| desk.member_candidates(me, program, page)),
        MemberCommand::Add { program, logins, expires } => {
            let added = desk.add_members(me, program, logins, expires.when())?;
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
