//! Database files that cannot be written or are not whole, and input far
//! too long: each says what is wrong in one line, writes nothing to a
//! file it must not, and leaves nothing beside it.
//!
//! The read-only mount and the other account need root (as `.ci/run` and
//! the sshd tests do); without it these tests fail and say so.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn as_root(what: &str) {
    // SAFETY: geteuid has no preconditions.
    let root = unsafe { libc::geteuid() } == 0;
    assert!(
        root,
        "{what} needs root (a tmpfs mount, or `runuser` to another account): run the tests as root, as .ci/run does"
    );
}

/// `mpdesk` as this account (`runuser` = None) or as another.
fn mpdesk_as(account: Option<&str>, db: &Path, args: &[&str]) -> Output {
    let mut command = match account {
        Some(account) => {
            let mut c = Command::new("runuser");
            c.args(["-u", account, "--", env!("CARGO_BIN_EXE_mpdesk")]);
            c
        }
        None => Command::new(env!("CARGO_BIN_EXE_mpdesk")),
    };
    command.arg("--db").arg(db).args(args).env_remove("MPDESK_DB").env_remove("MPDESK_USER");
    command.output().expect("run mpdesk")
}

fn mpdesk(db: &Path, args: &[&str]) -> Output {
    mpdesk_as(None, db, args)
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The one line a refusal prints.
fn one_line_error(out: &Output) -> String {
    assert!(!out.status.success(), "expected a refusal, got: {}", stdout(out));
    let text = stderr(out);
    assert_eq!(text.trim_end().lines().count(), 1, "one line: {text}");
    text
}

/// A demo database at `dir/name`.
fn demo_db(dir: &Path, name: &str) -> PathBuf {
    let db = dir.join(name);
    for args in [&["init"][..], &["demo-data"]] {
        let out = mpdesk(&db, args);
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
    }
    db
}

fn side_files(db: &Path) -> Vec<String> {
    ["-wal", "-shm"].iter().map(|s| format!("{}{s}", db.display())).filter(|p| Path::new(p).exists()).collect()
}

fn chmod(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).expect("chmod");
}

/// A tmpfs mounted for one test, then read-only or full; unmounted on drop.
struct Mount(tempfile::TempDir);

impl Mount {
    fn new() -> Self {
        Self::sized("16m")
    }

    fn sized(size: &str) -> Self {
        as_root("a tmpfs");
        let dir = tempfile::tempdir().expect("dir");
        let size = format!("size={size}");
        let out = Command::new("mount").args(["-t", "tmpfs", "-o", &size, "tmpfs"]).arg(dir.path()).output();
        let out = out.expect("run mount");
        assert!(out.status.success(), "mount a tmpfs: {}", stderr(&out));
        Self(dir)
    }

    fn read_only(&self) {
        let out = Command::new("mount").args(["-o", "remount,ro"]).arg(self.0.path()).output().expect("run mount");
        assert!(out.status.success(), "remount read-only: {}", stderr(&out));
    }
}

impl Drop for Mount {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(self.0.path()).status();
    }
}

#[test]
fn a_database_on_a_read_only_filesystem_says_so_and_reads_with_readonly() {
    let mount = Mount::new();
    let db = demo_db(mount.0.path(), "mpdesk.db");
    mount.read_only();
    // What only reads works without --readonly; a write says why not.
    let read = mpdesk(&db, &["--user", "dana", "program", "list"]);
    assert!(read.status.success(), "a read on a read-only filesystem: {}", stderr(&read));
    assert!(stdout(&read).contains("Coffee Club"), "{}", stdout(&read));
    let verified = mpdesk(&db, &["audit", "verify"]);
    assert!(verified.status.success(), "audit verify: {}", stderr(&verified));
    let elsewhere = tempfile::tempdir().expect("dir");
    let copy = elsewhere.path().join("copy.db");
    let backup = mpdesk(&db, &["backup", "--out", copy.to_str().expect("utf8")]);
    assert!(backup.status.success() && copy.is_file(), "backup: {}", stderr(&backup));
    let refused = mpdesk(&db, &["--user", "olivia", "program", "create", "Acme Mini Apps", "Nope"]);
    assert_eq!(refused.status.code(), Some(3), "{}", stderr(&refused));
    let line = one_line_error(&refused);
    assert!(line.contains("is on a read-only filesystem, so mpdesk opened it only to read"), "{line}");
    let read = mpdesk(&db, &["--readonly", "--user", "dana", "program", "list"]);
    assert!(read.status.success(), "--readonly reads it: {}", stderr(&read));
    let checked = mpdesk(&db, &["check"]);
    assert!(checked.status.success() && stdout(&checked).contains("whole"), "{}{}", stdout(&checked), stderr(&checked));
}

#[test]
fn a_read_only_filesystem_with_changes_still_in_the_wal_says_why_it_cannot_be_read() {
    let mount = Mount::new();
    let db = demo_db(mount.0.path(), "mpdesk.db");
    // A writer that stopped without a checkpoint: its -wal holds changes.
    let raw = rusqlite::Connection::open(&db).expect("raw");
    raw.pragma_update(None, "wal_autocheckpoint", 0).expect("no checkpoint");
    raw.execute("UPDATE users SET name = 'Dana Changed' WHERE login = 'dana'", []).expect("write");
    let wal = std::fs::read(format!("{}-wal", db.display())).expect("wal");
    let shm = std::fs::read(format!("{}-shm", db.display())).expect("shm");
    drop(raw); // the last connection checkpoints and removes them: put them back
    std::fs::write(format!("{}-wal", db.display()), wal).expect("wal back");
    std::fs::remove_file(format!("{}-shm", db.display())).ok();
    drop(shm);
    mount.read_only();
    let refused = mpdesk(&db, &["--readonly", "--user", "dana", "program", "list"]);
    let line = one_line_error(&refused);
    assert!(line.contains("has changes still in its -wal file"), "{line}");
}

#[test]
fn a_database_whose_folder_is_not_writable_says_why_and_reads_with_readonly_writing_nothing() {
    as_root("another account");
    let dir = tempfile::tempdir().expect("dir");
    let db = demo_db(dir.path(), "mpdesk.db");
    chmod(dir.path(), 0o755);
    chmod(&db, 0o644);
    let refused = mpdesk_as(Some("nobody"), &db, &["--user", "dana", "program", "list"]);
    let line = one_line_error(&refused);
    assert!(line.contains("cannot be written by this account") && line.contains("--readonly"), "{line}");
    let read = mpdesk_as(Some("nobody"), &db, &["--readonly", "--user", "dana", "program", "list"]);
    assert!(read.status.success(), "--readonly reads it: {}", stderr(&read));
    assert!(stdout(&read).contains("Coffee Club"));
    assert_eq!(side_files(&db), Vec::<String>::new());
}

#[test]
fn a_read_only_file_in_a_writable_folder_gets_no_side_files_from_a_reader() {
    as_root("another account");
    let dir = tempfile::tempdir().expect("dir");
    let db = demo_db(dir.path(), "mpdesk.db");
    chmod(dir.path(), 0o777);
    chmod(&db, 0o444);
    let before = std::fs::read(&db).expect("read");
    for args in [&["--readonly", "--user", "dana", "program", "list"][..], &["check", "--full"]] {
        let read = mpdesk_as(Some("nobody"), &db, args);
        assert!(read.status.success(), "{args:?}: {}", stderr(&read));
        assert_eq!(side_files(&db), Vec::<String>::new(), "{args:?} left files beside it");
    }
    let refused = mpdesk_as(Some("nobody"), &db, &["--user", "dana", "program", "list"]);
    assert!(one_line_error(&refused).contains("the file is not writable"));
    assert_eq!(std::fs::read(&db).expect("read"), before);
}

#[test]
fn a_truncated_file_is_never_written_and_check_names_the_problem() {
    let dir = tempfile::tempdir().expect("dir");
    let db = demo_db(dir.path(), "mpdesk.db");
    let len = std::fs::metadata(&db).expect("meta").len();
    std::fs::OpenOptions::new().write(true).open(&db).expect("open").set_len(len - 7).expect("truncate");
    let before = std::fs::read(&db).expect("read");

    let refused = mpdesk(&db, &["--user", "dana", "program", "create", "Acme Mini Apps", "Tea Club"]);
    let line = one_line_error(&refused);
    assert!(line.contains("looks damaged") && line.contains("not a whole number of its 4096-byte pages"), "{line}");
    assert!(line.contains("check"), "says what to run: {line}");
    assert_eq!(std::fs::read(&db).expect("read"), before, "not a byte written");

    let checked = mpdesk(&db, &["check"]);
    assert_eq!(checked.status.code(), Some(1));
    assert!(stdout(&checked).contains("is not a whole number of its 4096-byte pages"), "{}", stdout(&checked));
    assert_eq!(std::fs::read(&db).expect("read"), before, "check wrote nothing");
    assert_eq!(side_files(&db), Vec::<String>::new());
}

#[test]
fn a_malformed_file_names_itself_says_restore_and_leaves_nothing_beside_it() {
    let dir = tempfile::tempdir().expect("dir");
    let db = demo_db(dir.path(), "mpdesk.db");
    // Pages 3 to 5 overwritten: the size is whole, the content is not.
    let mut bytes = std::fs::read(&db).expect("read");
    bytes[4096 * 2..4096 * 5].fill(0xff);
    std::fs::write(&db, &bytes).expect("write");
    for readonly in [false, true] {
        let mut args = vec!["--user", "dana", "program", "list"];
        if readonly {
            args.insert(0, "--readonly");
        }
        let line = one_line_error(&mpdesk(&db, &args));
        assert!(line.contains(&db.display().to_string()) && line.contains("restore it from a backup"), "{line}");
        assert_eq!(side_files(&db), Vec::<String>::new(), "{args:?} left files beside it");
    }
    let checked = mpdesk(&db, &["check", "--full"]);
    assert_eq!(checked.status.code(), Some(1), "{}", stdout(&checked));
    assert_eq!(std::fs::read(&db).expect("read"), bytes);
}

#[test]
fn input_of_100000_characters_is_quoted_bounded() {
    let dir = tempfile::tempdir().expect("dir");
    let db = demo_db(dir.path(), "mpdesk.db");
    let long = "x".repeat(100_000);
    let unknown_option = format!("--frob{long}");
    let cases: [&[&str]; 6] = [
        &["--user", &long, "program", "list"],
        &["--user", "dana", "program", "show", &long],
        &["--user", "olivia", "workspace", "member", "add", "--role", "developer", "Acme Mini Apps", &long],
        &["--user", "olivia", "member", "add", "Coffee Club", &long],
        &["program", &long],
        &[&unknown_option],
    ];
    for args in cases {
        let out = mpdesk(&db, args);
        assert!(!out.status.success());
        let text = stderr(&out);
        assert!(text.len() < 1_000, "{} bytes of stderr for {:?}…", text.len(), &args[0]);
        assert!(text.contains("xxxxxxxx"), "still quotes the input: {text}");
    }
}

/// "Damaged" only when SQLite's own check of the file agrees: a
/// "malformed" error on a file that checks whole (its files changed under
/// the connection) says what happened and that nothing was written, never
/// "restore a backup", which would lose work.
#[test]
fn damaged_is_said_only_when_sqlite_checks_the_file_and_agrees() {
    use mpdesk::desk::{Desk, DeskError};
    let dir = tempfile::tempdir().expect("dir");
    let db = demo_db(dir.path(), "mpdesk.db");
    // What SQLite's SQLITE_CORRUPT becomes on its way out of the desk.
    let malformed = || {
        let corrupt = rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_CORRUPT);
        DeskError::from(rusqlite::Error::SqliteFailure(corrupt, None))
    };
    let desk = Desk::open(&db).expect("open");
    let said = desk.confirm_damage(malformed()).to_string();
    assert!(!said.contains("damaged") && !said.contains("restore"), "{said}");
    assert!(said.contains("finds the file whole") && said.contains("Nothing was written"), "{said}");
    drop(desk);

    // Pages 3 to 5 overwritten behind no connection: SQLite's check fails.
    let mut bytes = std::fs::read(&db).expect("read");
    bytes[4096 * 2..4096 * 5].fill(0xff);
    std::fs::write(&db, &bytes).expect("write");
    let desk = Desk::open(&db).expect("the header and schema are whole, so it opens");
    let said = desk.confirm_damage(malformed()).to_string();
    assert!(said.contains("damaged") && said.contains("restore"), "{said}");
}

/// The search indexes are not in integrity_check's view nor under the
/// audit chain: `check --full` rebuilds each from its table and compares.
/// An entry planted in the audit index (a search for "wire transfer" would
/// list an entry that says nothing of it) fails the check; the log's own
/// chain still verifies, since the index is not the log.
#[test]
fn check_full_compares_each_search_index_with_its_table() {
    let dir = tempfile::tempdir().expect("dir");
    let db = demo_db(dir.path(), "mpdesk.db");
    let whole = mpdesk(&db, &["check", "--full"]);
    assert_eq!(whole.status.code(), Some(0), "{}", stdout(&whole));
    let conn = rusqlite::Connection::open(&db).expect("open");
    conn.execute_batch(
        "INSERT INTO audit_fts(rowid, actor, program, operation, detail)
             SELECT id, actor, program, operation, 'approved the wire transfer' FROM audit WHERE id = 3;",
    )
    .expect("plant an index entry");
    drop(conn);
    let verified = mpdesk(&db, &["audit", "verify"]);
    assert_eq!(verified.status.code(), Some(0), "the chain does not cover the index: {}", stderr(&verified));
    let quick = mpdesk(&db, &["check"]);
    assert_eq!(quick.status.code(), Some(0), "quick_check reads pages, not the index: {}", stdout(&quick));
    let before = std::fs::read(&db).expect("read");
    let full = mpdesk(&db, &["check", "--full"]);
    assert_eq!(full.status.code(), Some(1), "{}", stdout(&full));
    assert!(stdout(&full).contains("the search index audit_fts does not match audit"), "{}", stdout(&full));
    assert!(!stdout(&full).contains("programs_fts"), "{}", stdout(&full));
    assert_eq!(std::fs::read(&db).expect("read"), before, "check --full wrote to the database");
    // The rebuild the line gives, run as it says, mends the index.
    run_the_repair_given(&db, &stdout(&full));
}

/// Runs the SQL a `check --full` line gives (`sqlite3 DB "…"`) as it says,
/// and checks that the database then passes.
fn run_the_repair_given(db: &std::path::Path, said: &str) {
    let repair = said.split("sqlite3 DB \"").nth(1).and_then(|rest| rest.split("\")").next()).expect("a repair");
    rusqlite::Connection::open(db).expect("open").execute_batch(repair).expect("the repair as given");
    let mended = mpdesk(db, &["check", "--full"]);
    assert_eq!(mended.status.code(), Some(0), "{}", stdout(&mended));
}

/// A tally edited behind mpdesk (End would show a wrong length) fails
/// `check --full`; the repair the line gives, run as it says, mends it.
#[test]
fn check_full_compares_the_tallies_with_a_count() {
    let dir = tempfile::tempdir().expect("dir");
    let db = demo_db(dir.path(), "mpdesk.db");
    rusqlite::Connection::open(&db)
        .expect("open")
        .execute_batch("UPDATE workspace_tallies SET programs = programs + 1 WHERE workspace_id = 1")
        .expect("edit a tally");
    let full = mpdesk(&db, &["check", "--full"]);
    assert_eq!(full.status.code(), Some(1), "{}", stdout(&full));
    let said = stdout(&full);
    assert!(said.contains("the tallies of 1 workspace(s) do not match"), "{said}");
    run_the_repair_given(&db, &said);
}

/// A full disk: which file, how much room there is and is needed, and that
/// nothing was written — not SQLite's bare "database or disk is full".
#[test]
fn a_full_disk_says_which_file_what_room_and_that_nothing_was_written() {
    let mount = Mount::sized("4m");
    let db = demo_db(mount.0.path(), "mpdesk.db");
    // Fill the filesystem but for 256 KiB: the -shm fits, a 1 MiB upload not.
    let filler = mount.0.path().join("filler");
    let free = mpdesk::files::free_bytes(mount.0.path()).expect("statvfs");
    std::fs::write(&filler, vec![0u8; (free - 256 * 1024) as usize]).expect("fill");
    let elsewhere = tempfile::tempdir().expect("dir");
    let package = elsewhere.path().join("app.zip");
    std::fs::write(&package, crate::support::package_of_len(1024 * 1024, 7)).expect("package");
    let before = mpdesk(&db, &["--user", "dana", "program", "versions", "Coffee Club"]);
    let upload = mpdesk(
        &db,
        &[
            "--user",
            "dana",
            "program",
            "upload",
            "Coffee Club",
            "--version",
            "9.0.0",
            "--package",
            package.to_str().expect("utf8"),
        ],
    );
    assert!(!upload.status.success(), "an upload onto a full disk succeeded");
    let line = one_line_error(&upload);
    assert!(line.contains(&format!("the filesystem holding {} is full", db.display())), "{line}");
    assert!(line.contains("KiB free") && line.contains("nothing was written"), "{line}");
    std::fs::remove_file(&filler).expect("room again");
    let after = mpdesk(&db, &["--user", "dana", "program", "versions", "Coffee Club"]);
    assert_eq!(stdout(&after), stdout(&before), "the refused upload left a version");
}
