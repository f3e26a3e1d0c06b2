//! Opening files: foreign, newer and concurrent starts.

use mpdesk::desk::Desk;

#[test]
fn a_file_that_is_not_sqlite_is_refused_and_left_untouched() {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("notes.txt");
    std::fs::write(&path, b"these are my notes, not a database\n").expect("write");
    let err = Desk::open(&path).err().expect("refused");
    assert!(err.to_string().contains("is not an SQLite database"), "{err}");
    assert_eq!(std::fs::read(&path).expect("read"), b"these are my notes, not a database\n");
}

#[test]
fn a_newer_schema_or_another_apps_database_is_refused_untouched() {
    let dir = tempfile::tempdir().expect("dir");
    let newer = dir.path().join("newer.db");
    Desk::open(&newer).expect("create");
    rusqlite::Connection::open(&newer).expect("raw").pragma_update(None, "user_version", 99).expect("bump");
    let before = std::fs::read(&newer).expect("read");
    let err = Desk::open(&newer).err().expect("refused");
    assert!(err.to_string().contains("newer mpdesk (schema 99"), "{err}");
    assert_eq!(std::fs::read(&newer).expect("read"), before);

    let other = dir.path().join("other.db");
    rusqlite::Connection::open(&other).expect("raw").execute("CREATE TABLE recipes (name TEXT)", []).expect("create");
    let err = Desk::open(&other).err().expect("refused");
    assert!(err.to_string().contains("another application"), "{err}");
}

#[cfg(unix)]
#[test]
fn a_new_database_is_private_to_its_owner() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("deep/er/mpdesk.db");
    Desk::open(&path).expect("create with parents");
    let mode = std::fs::metadata(&path).expect("meta").permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
}

#[test]
fn two_starts_on_a_new_file_at_once_both_succeed() {
    for round in 0..5 {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join(format!("race{round}.db"));
        let barrier = std::sync::Arc::new(std::sync::Barrier::new(2));
        let handles: Vec<_> = (0..2)
            .map(|i| {
                let path = path.clone();
                let barrier = barrier.clone();
                std::thread::spawn(move || {
                    barrier.wait();
                    let mut desk = Desk::open(&path).map_err(|e| e.to_string())?;
                    desk.add_user(&format!("u{i}"), None, None).map_err(|e| e.to_string())?;
                    Ok::<_, String>(())
                })
            })
            .collect();
        for h in handles {
            h.join().expect("thread").expect("both open and write");
        }
        assert_eq!(Desk::open(&path).expect("open").count_users().expect("count"), 2);
    }
}

/// With a console open (another connection reading between writes), a
/// burst of large writes grows the WAL past its limit, and it comes back
/// under it: SQLite truncates it to `journal_size_limit` when it restarts
/// after a checkpoint, instead of keeping its high-water mark.
#[test]
fn with_a_console_open_the_wal_shrinks_back_after_a_burst_of_writes() {
    use mpdesk::desk::{PackageSource, Page};
    let mut w = crate::support::World::demo();
    let console = Desk::open(&w.path).expect("a second connection");
    let olivia = console.actor("olivia").expect("olivia");
    let dana = w.actor("dana");
    let parking = w.app_id("Parking Pass");
    let wal = {
        let mut name = w.path.clone().into_os_string();
        name.push("-wal");
        std::path::PathBuf::from(name)
    };
    let size = || std::fs::metadata(&wal).map(|m| m.len()).unwrap_or(0);
    let mut largest = 0;
    for i in 0..6u8 {
        let package = PackageSource::Bytes(crate::support::package_of_len(3 * 1024 * 1024, i));
        w.desk.upload_version(&dana, &parking, &format!("1.0.{i}"), package, "").expect("upload");
        largest = largest.max(size());
        console.list_programs(&olivia, None, None, Page::new(0, 20)).expect("the console reads");
    }
    let limit = 4 * 1024 * 1024;
    assert!(largest > limit, "the burst never grew the WAL past its limit ({largest} bytes)");
    // One more small write, after the last checkpoint: the WAL restarts, cut down.
    let note = mpdesk::desk::ProgramEdit { name: None, description: Some("after the burst".to_string()) };
    w.desk.edit_program(&w.actor("olivia"), &parking, &note).expect("edit");
    assert!(size() <= limit, "the WAL stayed at {} bytes (its high-water mark was {largest})", size());
}

#[test]
fn a_held_snapshot_reads_one_state_and_a_write_inside_it_still_lands() {
    let mut w = crate::support::World::demo();
    let mut console = Desk::open(&w.path).expect("a second connection");
    let olivia = console.actor("olivia").expect("olivia");
    let parking = w.app_id("Parking Pass");
    let description = |desk: &Desk| desk.show_program(&olivia, &parking).expect("show").description;
    let edit = |text: &str| mpdesk::desk::ProgramEdit { name: None, description: Some(text.to_string()) };

    // What the console reads while it holds a snapshot is one state: a
    // commit by another process shows after the release, not half-way.
    console.hold_snapshot().expect("hold");
    let before = description(&console);
    w.desk.edit_program(&w.actor("olivia"), &parking, &edit("changed elsewhere")).expect("edit");
    assert_eq!(description(&console), before, "the held snapshot moved");
    console.release_snapshot().expect("release");
    assert_eq!(description(&console), "changed elsewhere");

    // A write while a snapshot is held ends it first and commits as usual:
    // another connection sees it, and nothing stays open.
    console.hold_snapshot().expect("hold");
    console.hold_snapshot().expect("holders nest");
    console.edit_program(&olivia, &parking, &edit("changed by the console")).expect("edit in a snapshot");
    assert_eq!(description(&w.desk), "changed by the console");
    console.release_snapshot().expect("release inner");
    console.release_snapshot().expect("release outer");
    w.desk.edit_program(&w.actor("olivia"), &parking, &edit("and again elsewhere")).expect("edit");
    assert_eq!(description(&console), "and again elsewhere");
}
