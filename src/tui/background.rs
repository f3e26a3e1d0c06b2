//! Reads that would keep a key waiting. Each is tried on the console's own
//! desk for a short budget; one that needs longer (a count of 100,000
//! programs, a filter with few matches in a million entries) is finished
//! by a second, read-only desk on the same file on another thread, while
//! the console answers the next key and says "searching…". The newest
//! question of a list wins: an older one it asked is dropped, or stopped.
//!
//! Every read is a desk call ([`Job::run`]), on either desk: the same
//! rules decide what is seen.

use crate::desk::{
    Actor, AuditEntry, AuditQuery, Desk, DeskResult, Interrupter, Page, Principal, ProgramSummary, Seek, Walk,
};
use std::cell::RefCell;
use std::sync::mpsc::{channel, Receiver, Sender};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// What a read may take between a key and its frame: the rest of the
/// frame (the selection's details, drawing) takes 2–4 ms more at 100k
/// programs, and a person notices from about 16 (measured by
/// `benches/keys.rs`: 5 and 8 ms budgets left the slowest filter key at
/// 16–17 ms on this 2-core machine, 3 ms at 9–15).
pub const BUDGET: Duration = Duration::from_millis(3);

/// Answers kept: a few screens' worth of pages and counts.
const KEPT: usize = 8;

/// Where a page of one workspace's programs starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProgramSeek {
    First,
    After(String),
    Before(String),
    Last,
    /// A jump into the middle (a refresh deep in the list).
    Offset(u64),
}

/// One read, as the desk is asked it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Job {
    Programs {
        actor: Actor,
        workspace: String,
        text: Option<String>,
        seek: ProgramSeek,
        limit: u64,
    },
    CountPrograms {
        actor: Actor,
        workspace: String,
        text: Option<String>,
        /// Count no further than this.
        up_to: Option<u64>,
    },
    Audit {
        actor: Actor,
        query: AuditQuery,
    },
    CountAudit {
        actor: Actor,
        query: AuditQuery,
    },
    /// A walk of the audit log's chain; `asked` counts the requests, so
    /// each is walked anew (never a kept answer).
    CheckChain {
        actor: Actor,
        asked: u64,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    Programs(Vec<ProgramSummary>),
    Count(u64),
    Audit(Vec<(i64, AuditEntry)>),
    Chain(Walk),
}

impl Answer {
    pub fn programs(self) -> Vec<ProgramSummary> {
        match self {
            Self::Programs(rows) => rows,
            _ => Vec::new(),
        }
    }

    pub fn chain(self) -> Option<Walk> {
        match self {
            Self::Chain(walk) => Some(walk),
            _ => None,
        }
    }

    pub fn audit(self) -> Vec<(i64, AuditEntry)> {
        match self {
            Self::Audit(rows) => rows,
            _ => Vec::new(),
        }
    }

    pub fn count(self) -> u64 {
        match self {
            Self::Count(n) => n,
            _ => 0,
        }
    }
}

impl Job {
    /// Asks `desk`.
    pub fn run(&self, desk: &Desk) -> DeskResult<Answer> {
        match self {
            Self::Programs { actor, workspace, text, seek, limit } => {
                let text = text.as_deref();
                let rows = match seek {
                    ProgramSeek::First => desk.seek_programs(actor, workspace, text, Seek::First, *limit),
                    ProgramSeek::After(name) => desk.seek_programs(actor, workspace, text, Seek::After(name), *limit),
                    ProgramSeek::Before(name) => desk.seek_programs(actor, workspace, text, Seek::Before(name), *limit),
                    ProgramSeek::Last => desk.seek_programs(actor, workspace, text, Seek::Last, *limit),
                    ProgramSeek::Offset(offset) => {
                        desk.list_programs(actor, Some(workspace), text, Page::new(*offset, *limit))
                    }
                };
                rows.map(Answer::Programs)
            }
            Self::CountPrograms { actor, workspace, text, up_to } => {
                desk.count_programs(actor, Some(workspace), text.as_deref(), *up_to).map(Answer::Count)
            }
            Self::Audit { actor, query } => desk.audit(actor, query).map(Answer::Audit),
            Self::CountAudit { actor, query } => desk.count_audit(actor, query).map(Answer::Count),
            Self::CheckChain { actor, .. } => {
                desk.audit_verify(&Principal::Person(actor.clone()), None).map(Answer::Chain)
            }
        }
    }
}

impl Job {
    /// What kind of question, from which list: a newer one of the same
    /// kind makes an older one stale (a page another page, a count another
    /// count — a list may wait for both).
    fn kind(&self) -> u8 {
        match self {
            Self::Programs { .. } => 0,
            Self::CountPrograms { .. } => 1,
            Self::Audit { .. } => 2,
            Self::CountAudit { .. } => 3,
            Self::CheckChain { .. } => 4,
        }
    }
}

/// A finished job, or one dropped (`None`): no longer wanted, or stopped.
type Done = (Job, Option<DeskResult<Answer>>);

/// The jobs asked and still wanted, oldest first; the worker runs only
/// these, and keeps an answer only if its job is still among them.
type Wanted = Arc<Mutex<Vec<Job>>>;

fn still_wanted(wanted: &Wanted, job: &Job) -> bool {
    wanted.lock().is_ok_and(|w| w.contains(job))
}

struct Worker {
    thread: Option<std::thread::JoinHandle<()>>,
    jobs: Option<Sender<Job>>,
    done: Receiver<Done>,
    interrupter: Interrupter,
    /// The job the worker runs now.
    running: Arc<Mutex<Option<Job>>>,
    wanted: Wanted,
}

/// The console's reads off the key path.
pub struct Background {
    worker: Option<Worker>,
    /// Answers that came from the worker, newest last.
    known: RefCell<Vec<(Job, DeskResult<Answer>)>>,
    budget: Duration,
    /// Asking again after an answer came: what is not known goes straight
    /// to the worker (it did not fit the budget before).
    again: std::cell::Cell<bool>,
}

impl Background {
    /// Everything on the console's own desk, at once (a database in memory
    /// has no second connection; tests that need it synchronous).
    pub fn none() -> Self {
        Self { worker: None, known: RefCell::new(Vec::new()), budget: BUDGET, again: Default::default() }
    }

    /// A worker on a second desk on `desk`'s file, if it has one;
    /// `budget` is what a read may take here before it goes there.
    pub fn start(desk: &Desk, budget: Duration) -> Self {
        let reader = match desk.open_reader() {
            Ok(Some(reader)) => reader,
            _ => return Self::none(),
        };
        let (jobs, incoming) = channel::<Job>();
        let (answers, done) = channel::<Done>();
        let running: Arc<Mutex<Option<Job>>> = Arc::new(Mutex::new(None));
        let wanted: Wanted = Arc::new(Mutex::new(Vec::new()));
        let interrupter = reader.interrupter();
        let (now_running, still) = (running.clone(), wanted.clone());
        let thread = std::thread::spawn(move || {
            while let Ok(job) = incoming.recv() {
                if !still_wanted(&still, &job) {
                    if answers.send((job, None)).is_err() {
                        return;
                    }
                    continue;
                }
                if let Ok(mut running) = now_running.lock() {
                    *running = Some(job.clone());
                }
                let result = job.run(&reader);
                if let Ok(mut running) = now_running.lock() {
                    *running = None;
                }
                let keep = still_wanted(&still, &job);
                if answers.send((job, keep.then_some(result))).is_err() {
                    return;
                }
            }
        });
        let worker = Worker { thread: Some(thread), jobs: Some(jobs), done, interrupter, running, wanted };
        Self { worker: Some(worker), known: RefCell::new(Vec::new()), budget, again: Default::default() }
    }

    /// The answer to `job`: known already, found within the budget here,
    /// or `None` — then it is being found, and [`Background::collect`]
    /// brings it.
    pub fn answer(&self, desk: &Desk, job: Job) -> Option<DeskResult<Answer>> {
        if let Some((_, known)) = self.known.borrow().iter().find(|(j, _)| *j == job) {
            return Some(known.clone());
        }
        let Some(worker) = &self.worker else { return Some(job.run(desk)) };
        // A new question of this kind: what the worker does for an older
        // one is stale (and would take a core from the answer here).
        worker.drop_stale(&job);
        if self.again.get() {
            worker.ask(job);
            return None;
        }
        match desk.within(self.budget, |desk| job.run(desk)) {
            Ok(Some(answer)) => Some(Ok(answer)),
            Err(error) => Some(Err(error)),
            Ok(None) => {
                worker.ask(job);
                None
            }
        }
    }

    /// Whether answers are still to come.
    pub fn busy(&self) -> bool {
        self.worker.as_ref().is_some_and(|w| w.wanted.lock().is_ok_and(|wanted| !wanted.is_empty()))
    }

    /// Takes in what the worker finished; true if a job ended, answered
    /// or dropped (whoever waits asks again for what is still missing).
    pub fn collect(&self) -> bool {
        let Some(worker) = &self.worker else { return false };
        let mut came = false;
        while let Ok((job, result)) = worker.done.try_recv() {
            came = true;
            if let Ok(mut wanted) = worker.wanted.lock() {
                wanted.retain(|j| *j != job);
            }
            if let Some(result) = result {
                let mut known = self.known.borrow_mut();
                known.retain(|(j, _)| *j != job);
                known.push((job, result));
                let extra = known.len().saturating_sub(KEPT);
                known.drain(..extra);
            }
        }
        came
    }

    /// Runs `work` (the waiting lists asking again, after an answer came)
    /// with what is not known asked of the worker at once.
    pub fn asking_again<T>(&self, work: impl FnOnce() -> T) -> T {
        self.again.set(true);
        let value = work();
        self.again.set(false);
        value
    }

    /// Forgets every answer (the data changed: they may be stale).
    pub fn forget(&self) {
        self.known.borrow_mut().clear();
    }
}

impl Worker {
    /// Sends `job` unless it is wanted already.
    fn ask(&self, job: Job) {
        let Ok(mut wanted) = self.wanted.lock() else { return };
        if wanted.contains(&job) {
            return;
        }
        if self.jobs.as_ref().is_some_and(|jobs| jobs.send(job.clone()).is_ok()) {
            wanted.push(job);
        }
    }

    /// Forgets the other jobs of `job`'s kind, stopping the one running.
    fn drop_stale(&self, job: &Job) {
        if let Ok(mut wanted) = self.wanted.lock() {
            wanted.retain(|j| j.kind() != job.kind() || j == job);
        }
        let running = self.running.lock().ok().and_then(|r| r.clone());
        if running.is_some_and(|r| r.kind() == job.kind() && r != *job) {
            self.interrupter.interrupt();
        }
    }
}

impl Drop for Worker {
    /// Stops what runs and waits for the thread to close its connection,
    /// so no process ends in the middle of SQLite closing a database.
    fn drop(&mut self) {
        self.interrupter.interrupt();
        drop(self.jobs.take());
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
