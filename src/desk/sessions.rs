//! SSH sessions: a person whose key sshd accepted, for as long as that key
//! is registered, the person enabled and nobody ended the session. Every
//! write re-checks this inside its own transaction, so a revoked session
//! cannot write even once more; the console checks it whenever the data
//! changes and ends (domain.md, 2026-12-01).

use super::keys::Principal;
use super::{Actor, Desk, DeskError, DeskResult};
use crate::domain::expiry::has_passed;
use crate::domain::operation::AuditOp;
use crate::domain::people::decide_operator_only;
use crate::domain::remote::{revoked, session_standing, Revocation};
use crate::domain::Denial;
use crate::store;
use crate::store::sessions::NewSession;
use rusqlite::Connection;

pub use crate::store::sessions::SessionRow;

/// The session a desk serves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Remote {
    pub id: i64,
    pub fingerprint: String,
}

/// What the person connected for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionKind {
    Console,
    Command,
}

impl SessionKind {
    fn as_str(self) -> &'static str {
        match self {
            Self::Console => "console",
            Self::Command => "command",
        }
    }
}

fn not_registered() -> DeskError {
    DeskError::Denied(Denial::session(
        "Connecting",
        "a registered key",
        "this key is not registered with mpdesk (it may have been removed); ask the operator".to_string(),
    ))
}

impl Desk {
    /// Starts an SSH session for the key sshd accepted: the key must be
    /// registered and its person enabled. The session is recorded (the
    /// operator lists and ends sessions) and from now on every write this
    /// desk makes re-checks it.
    pub fn begin_ssh_session(
        &mut self,
        fingerprint: &str,
        from: &str,
        kind: SessionKind,
        command: &str,
    ) -> DeskResult<Actor> {
        let key = store::keys::by_fingerprint(self.conn(), fingerprint)?.ok_or_else(not_registered)?;
        let actor = self.actor(&key.login)?;
        if let Some(at) = key.expires_at.as_deref().filter(|at| has_passed(Some(at), self.clock.now())) {
            let why = Revocation::KeyExpired { at: at.to_string() };
            return Err(revoked("Connecting", &why).into());
        }
        self.set_via(&format!("ssh {fingerprint} from {from}"));
        let (pid, pid_start) = crate::process::this_process();
        let now = self.now();
        let command = crate::sanitize::quote(command, super::AUDIT_QUOTE_MAX);
        let tx = self.store.write()?;
        // A row with this PID belongs to a process that is gone (this one has it now).
        store::sessions::forget_pid(&tx, pid)?;
        let id = store::sessions::insert(
            &tx,
            &NewSession {
                user_id: actor.id,
                fingerprint,
                from,
                kind: kind.as_str(),
                command: &command,
                pid,
                pid_start,
                now: &now,
            },
        )?;
        tx.commit()?;
        self.remote = Some(Remote { id, fingerprint: fingerprint.to_string() });
        Ok(actor)
    }

    /// The id of the SSH session this desk serves.
    pub fn ssh_session_id(&self) -> Option<i64> {
        self.remote.as_ref().map(|r| r.id)
    }

    /// Drops the record of a session that ended (the person left). Best
    /// effort: a record left behind is dropped when sessions are listed.
    pub fn forget_ssh_session(&mut self, id: i64) {
        if let Ok(tx) = self.store.write() {
            if store::sessions::remove(&tx, id).is_ok() {
                let _ = tx.commit();
            }
        }
    }

    /// Whether this desk serves a person who came in through a key.
    pub fn is_remote(&self) -> bool {
        self.remote.is_some()
    }

    /// The database file this desk works on (none in memory).
    pub fn file(&self) -> Option<&std::path::Path> {
        self.store.path()
    }

    /// The key this desk's SSH session came in with.
    pub fn session_key(&self) -> Option<&str> {
        self.remote.as_ref().map(|r| r.fingerprint.as_str())
    }

    /// Why the console must end now, if it must: the SSH session was
    /// revoked, or (locally) its person was disabled or removed.
    pub fn revocation(&self, login: &str) -> Option<String> {
        match &self.remote {
            Some(remote) => match store::sessions::facts(self.conn(), remote.id) {
                Ok(facts) => session_standing(&facts, self.clock.now()).err().map(|r| r.to_string()),
                Err(_) => None,
            },
            None => match self.actor(login) {
                Err(DeskError::Denied(denial)) => Some(denial.has),
                _ => None,
            },
        }
    }

    /// Inside a write's transaction: refused if this desk's SSH session
    /// was revoked since it started.
    pub(super) fn check_session(&self, conn: &Connection, operation: AuditOp) -> DeskResult<()> {
        let Some(remote) = &self.remote else { return Ok(()) };
        let facts = store::sessions::facts(conn, remote.id)?;
        session_standing(&facts, self.clock.now())
            .map_err(|why: Revocation| revoked(&operation.as_str().replace('_', " "), &why).into())
    }

    /// The live SSH sessions (the operator's): a session whose process is
    /// gone (a crash, a reboot) is not listed, and its record is dropped.
    pub fn ssh_sessions(&mut self, principal: &Principal) -> DeskResult<Vec<SessionRow>> {
        decide_operator_only(matches!(principal, Principal::Operator(_)), "Listing sessions")?;
        let (live, dead): (Vec<SessionRow>, Vec<SessionRow>) =
            store::sessions::list(self.conn())?.into_iter().partition(|s| crate::process::is_alive(s.pid, s.pid_start));
        if !dead.is_empty() && !self.store_read_only {
            let tx = self.store.write()?;
            for session in &dead {
                store::sessions::remove(&tx, session.id)?;
            }
            tx.commit()?;
        }
        Ok(live)
    }

    /// A person's own live SSH sessions (where they are connected from,
    /// with which key, since when), oldest first. Anyone may see their own.
    pub fn my_ssh_sessions(&self, actor: &Actor) -> DeskResult<Vec<SessionRow>> {
        let mine = store::sessions::list(self.conn())?.into_iter().filter(|s| s.login == actor.login);
        Ok(mine.filter(|s| crate::process::is_alive(s.pid, s.pid_start)).collect())
    }

    /// Ends one session (by its id) or every session of one person (by
    /// login): each ends within a second — a console when it sees the
    /// change, a command at once (SIGTERM) — and no write of theirs lands
    /// after this commits. Audited; the operator's only.
    pub fn end_ssh_sessions(&mut self, principal: &Principal, target: &str) -> DeskResult<Vec<SessionRow>> {
        let live = self.ssh_sessions(principal)?;
        let chosen: Vec<SessionRow> = match target.parse::<i64>() {
            Ok(id) => live.into_iter().filter(|s| s.id == id).collect(),
            Err(_) if target.starts_with("SHA256:") => live.into_iter().filter(|s| s.fingerprint == target).collect(),
            Err(_) => live.into_iter().filter(|s| s.login == target).collect(),
        };
        let by = principal.logged_as();
        let ended = self.audited(&by, AuditOp::SshEnd, |tx, entry, now| {
            decide_operator_only(matches!(principal, Principal::Operator(_)), "Ending sessions")?;
            if chosen.is_empty() {
                return Err(DeskError::NotFound(format!(
                    "no live SSH session {}; mpdesk ssh sessions lists them",
                    super::shown(target)
                )));
            }
            for session in &chosen {
                store::sessions::end(tx, session.id, &by, now)?;
            }
            entry.detail = chosen
                .iter()
                .map(|s| format!("ended session {} of {} ({} from {})", s.id, s.login, s.fingerprint, s.from))
                .collect::<Vec<_>>()
                .join("; ");
            Ok(chosen.clone())
        })?;
        // A console ends itself when it sees the change (and restores the
        // terminal); a command is told to stop now.
        for session in ended.iter().filter(|s| s.kind == SessionKind::Command.as_str()) {
            crate::process::terminate(session.pid, session.pid_start);
        }
        Ok(ended)
    }
}
