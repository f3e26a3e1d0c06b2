//! Attacks by people connected through a key, against a real sshd set up
//! from README's blocks, in both modes: naming a server file, outliving a
//! revocation, locking oneself out, enumerating the registry, sending an
//! environment. Each must fail and leave the data as it was.

use crate::pty::Console;
use crate::sshd::{code, data_of, keygen, mpdesk, readme_block, run, stderr, Mode, Server, BOTH, SSHD};
use mpdesk::desk::{Desk, Page, SessionKind};
use std::io::Write;
use std::process::Command;
use std::time::Duration;

/// How long a revoked console may take to end: the promise is a second;
/// the rest is the slack a loaded two-core machine needs to tear down ssh.
const ENDS_WITHIN: Duration = Duration::from_millis(1500);

fn json(output: &std::process::Output) -> serde_json::Value {
    serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}\n{}", String::from_utf8_lossy(&output.stdout), stderr(output)))
}

fn sha256(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// The operator's view of the log, newest first.
fn operator_log(db: &std::path::Path, limit: &str) -> Vec<serde_json::Value> {
    let out = mpdesk(db, None, &["--json", "audit", "--limit", limit]);
    assert_eq!(code(&out), Some(0), "{}", stderr(&out));
    json(&out).as_array().expect("entries").clone()
}

#[test]
fn readme_blocks_pass_sshd_t_exactly_as_written() {
    let dir = tempfile::tempdir().expect("dir");
    crate::sshd::keygen(&dir.path().join("host_key"));
    for mode in BOTH {
        let config = dir.path().join(format!("{mode:?}"));
        let block = readme_block(mode);
        assert!(block.trim_end().ends_with("Match all"), "{mode:?}: a drop-in must end its Match block:\n{block}");
        std::fs::write(&config, format!("HostKey {}\nUsePAM no\n{block}", dir.path().join("host_key").display()))
            .expect("write");
        let check = run(Command::new(SSHD).arg("-t").arg("-f").arg(&config));
        assert!(check.status.success(), "{mode:?}: sshd -t refused README's block as written:\n{}", stderr(&check));
    }
}

#[test]
fn over_ssh_no_option_names_a_server_file() {
    for mode in BOTH {
        let server = Server::start(mode);
        let secret = server.dir.path().join("secret.txt");
        std::fs::write(&secret, "the server's own file").expect("write");
        let secret = secret.to_str().expect("utf8");
        let keys_file = server.dir.path().join("authorized_keys");
        let keys_before = std::fs::read(&keys_file).ok();
        let dana_pub = server.key("dana").with_extension("pub");
        let before = server.data();

        let upload =
            server.ssh("dana", &[], &["program", "upload", "'Coffee Club'", "--version", "9.0.0", "--package", secret]);
        assert_eq!(code(&upload), Some(2), "{mode:?}: {}", stderr(&upload));
        assert!(stderr(&upload).contains("--package - < app.zip"), "{}", stderr(&upload));
        // The attack that gave a shell: write a plain key line into the
        // account's authorized_keys through an export.
        let target = keys_file.to_str().expect("utf8");
        let export =
            server.ssh("olivia", &[], &["program", "export", "'Coffee Club'", "1.2.0", "--out", target, "--force"]);
        assert_eq!(code(&export), Some(2), "{mode:?}: {}", stderr(&export));
        assert!(stderr(&export).contains("> app.zip"), "{}", stderr(&export));
        assert_eq!(std::fs::read(&keys_file).ok(), keys_before, "{mode:?}: the keys file changed");
        let log_export = server.ssh("olivia", &[], &["audit", "export", "--out", target, "--force"]);
        assert_eq!(code(&log_export), Some(2), "{mode:?}: {}", stderr(&log_export));
        assert!(stderr(&log_export).contains("audit export > audit.jsonl"), "{}", stderr(&log_export));
        let read_back = server.ssh("olivia", &[], &["audit", "verify", "--file", secret]);
        assert_eq!(code(&read_back), Some(2), "{mode:?}: {}", stderr(&read_back));
        assert!(stderr(&read_back).contains("--file - < audit.jsonl"), "{}", stderr(&read_back));
        for args in [vec!["key", "add", "dana", dana_pub.to_str().expect("utf8")], vec!["key", "add", secret]] {
            let add = server.ssh("dana", &[], &args);
            assert_eq!(code(&add), Some(2), "{mode:?} {args:?}: {}", stderr(&add));
            assert!(stderr(&add).contains("key add - <"), "{}", stderr(&add));
        }
        assert_eq!(server.data(), before, "{mode:?}: a refused attempt changed the data");
        let log = operator_log(&server.db, "6");
        assert!(
            log.iter().all(|e| e["operation"] == "ssh_command" && e["outcome"] == "denied"),
            "each refusal is in the log: {log:?}"
        );
    }
}

#[test]
fn a_package_goes_in_on_stdin_and_comes_out_on_stdout_byte_for_byte() {
    let server = Server::start(Mode::KeysCommand);
    let mut package = b"PK\x03\x04".to_vec();
    package.extend((0..10_000_000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8));
    let upload = server.ssh_with_input(
        "dana",
        &["--json", "program", "upload", "'Coffee Club'", "--version", "2.0.0", "--package", "-"],
        &package,
    );
    assert_eq!(code(&upload), Some(0), "{}", stderr(&upload));
    assert_eq!(json(&upload)["sha256"], sha256(&package), "hashed as it arrived");
    let export = server.ssh("dana", &[], &["program", "export", "'Coffee Club'", "2.0.0"]);
    assert_eq!(code(&export), Some(0), "{}", stderr(&export));
    assert_eq!(export.stdout.len(), package.len());
    assert_eq!(sha256(&export.stdout), sha256(&package));
    let log = operator_log(&server.db, "1");
    assert_eq!(log[0]["operation"], "version_export", "{log:?}");
    assert_eq!(log[0]["actor"], "dana");
    assert!(log[0]["detail"].as_str().expect("detail").ends_with("to standard output"), "{log:?}");
    assert!(log[0]["via"].as_str().expect("via").starts_with("ssh SHA256:"), "{log:?}");

    // Over the bound: refused as it arrives, nothing stored.
    let before = server.data();
    let big = crate::support::package_of_len(50 * 1024 * 1024 + 1, 7);
    let over = server.ssh_with_input(
        "dana",
        &["program", "upload", "'Coffee Club'", "--version", "3.0.0", "--package", "-"],
        &big,
    );
    assert_eq!(code(&over), Some(5), "{}", stderr(&over));
    assert!(stderr(&over).contains("52428800"), "{}", stderr(&over));
    assert_eq!(server.data(), before);
}

#[test]
fn a_key_line_planted_outside_the_block_is_refused_by_the_write() {
    let server = Server::start(Mode::KeysFile);
    let file = server.dir.path().join("authorized_keys");
    let planted = std::fs::read_to_string(server.key("stranger").with_extension("pub")).expect("pub");
    let text = std::fs::read_to_string(&file).expect("file");
    std::fs::write(&file, format!("{text}{planted}")).expect("plant");
    let before = std::fs::read(&file).expect("file");
    let write = mpdesk(&server.db, None, &["ssh", "authorized-keys", "--write", file.to_str().expect("utf8")]);
    assert_eq!(code(&write), Some(5), "{}", stderr(&write));
    let line = format!("line {}: ssh-ed25519", text.lines().count() + 1);
    assert!(stderr(&write).contains(&line), "names the line ({line}): {}", stderr(&write));
    assert!(stderr(&write).contains("--keep-foreign"), "{}", stderr(&write));
    assert_eq!(std::fs::read(&file).expect("file"), before, "refused: the file is as it was");
    let keep = mpdesk(
        &server.db,
        None,
        &["ssh", "authorized-keys", "--write", file.to_str().expect("utf8"), "--keep-foreign"],
    );
    assert_eq!(code(&keep), Some(0), "{}", stderr(&keep));
    // Whatever the file holds, mpdesk's own lines run mpdesk, never a shell.
    let shell = server.ssh("dana", &[], &["id"]);
    assert_eq!(code(&shell), Some(2), "{}", stderr(&shell));
}

/// Starts `ssh dana program upload … --package -` and waits until its
/// session is recorded (connected, authenticated, reading the package).
/// The caller waits for the child it gets.
#[allow(clippy::zombie_processes)]
fn upload_waiting_for_input(server: &Server) -> std::process::Child {
    let mut child =
        server.ssh_spawn("dana", &["program", "upload", "'Coffee Club'", "--version", "9.0.0", "--package", "-"]);
    let start = std::time::Instant::now();
    loop {
        let listed = mpdesk(&server.db, None, &["--json", "ssh", "sessions"]);
        if json(&listed).as_array().is_some_and(|s| s.iter().any(|s| s["login"] == "dana")) {
            return child;
        }
        if start.elapsed() > Duration::from_secs(10) {
            let _ = child.kill();
            let output = child.wait_with_output().expect("ssh");
            panic!("the upload's session never showed: {}", stderr(&output));
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn a_session_revoked_while_it_runs_cannot_write() {
    for mode in BOTH {
        for (how, revoke) in [
            ("key removed", vec!["key", "remove", "DANA"]),
            ("disabled", vec!["user", "disable", "dana", "--reason", "left the team"]),
            ("ended", vec!["ssh", "end", "dana"]),
        ] {
            let server = Server::start(mode);
            let dana = server.fingerprint_of("dana");
            let mut upload = upload_waiting_for_input(&server);
            let revoke: Vec<&str> = revoke.iter().map(|a| if *a == "DANA" { dana.as_str() } else { a }).collect();
            let done = mpdesk(&server.db, None, &revoke);
            assert_eq!(code(&done), Some(0), "{mode:?} {how}: {}", stderr(&done));
            // The package arrives after the revocation: the write is refused.
            if let Some(mut stdin) = upload.stdin.take() {
                let _ = stdin.write_all(b"PK\x03\x04 a package sent too late");
            }
            let output = upload.wait_with_output().expect("ssh");
            let desk = Desk::open(&server.db).expect("open");
            let olivia = desk.actor("olivia").expect("olivia");
            let versions = desk.list_versions(&olivia, "Coffee Club", Page::ALL).expect("versions");
            assert!(versions.iter().all(|v| v.version != "9.0.0"), "{mode:?} {how}: a revoked session wrote");
            match how {
                // The operator's `ssh end` stops a command at once (SIGTERM).
                "ended" => assert_ne!(code(&output), Some(0), "{mode:?}: {}", stderr(&output)),
                _ => {
                    assert_eq!(code(&output), Some(3), "{mode:?} {how}: {}", stderr(&output));
                    let expected = if how == "disabled" {
                        "your access was disabled by the operator (left the team)"
                    } else {
                        "your key was removed by the operator"
                    };
                    assert!(stderr(&output).contains(expected), "{mode:?} {how}: {}", stderr(&output));
                }
            }
        }
    }
}

/// A key added with an end lets its person in until then, and not after:
/// sshd itself refuses it (the line carries `expiry-time=`; the keys
/// command no longer answers for it).
#[test]
fn sshd_refuses_a_key_after_its_end() {
    for mode in BOTH {
        let server = Server::start(mode);
        let temp = server.key("dana-for-a-while");
        keygen(&temp);
        let public = temp.with_extension("pub");
        let add = mpdesk(&server.db, None, &["key", "add", "dana", public.to_str().expect("utf8"), "--expires", "3s"]);
        assert_eq!(code(&add), Some(0), "{mode:?}: {}", stderr(&add));
        server.refresh_keys();
        let listed = mpdesk(&server.db, None, &["--json", "key", "list", "dana"]);
        let keys: serde_json::Value = json(&listed);
        let end =
            keys.as_array().expect("keys").iter().find_map(|k| k["expires_at"].as_str()).expect("an end").to_string();
        let (kind, blob) = {
            let text = std::fs::read_to_string(&public).expect("pub");
            let mut words = text.split_whitespace();
            (words.next().expect("type").to_string(), words.next().expect("blob").to_string())
        };
        let line = mpdesk(&server.db, None, &["ssh", "keys-command", "mpdesk", &kind, &blob]);
        let line = String::from_utf8_lossy(&line.stdout).to_string();
        let stamp: String = end.chars().filter(char::is_ascii_digit).collect();
        assert!(line.contains(&format!("expiry-time=\"{stamp}Z\"")), "{mode:?}: {line}");

        let before = server.ssh("dana-for-a-while", &[], &["program", "list"]);
        assert_eq!(code(&before), Some(0), "{mode:?}: the key works until its end: {}", stderr(&before));
        std::thread::sleep(Duration::from_millis(4200));
        let after = server.ssh("dana-for-a-while", &[], &["program", "list"]);
        assert_eq!(code(&after), Some(255), "{mode:?}: sshd let an ended key in: {}", stderr(&after));
        assert!(stderr(&after).contains("Permission denied"), "{mode:?}: {}", stderr(&after));
        let still = server.ssh("dana", &[], &["program", "list"]);
        assert_eq!(code(&still), Some(0), "{mode:?}: dana's other key still works");

        // Adding it again says it expired, and when; --replace renews it.
        let file = public.to_str().expect("utf8");
        let again = mpdesk(&server.db, None, &["key", "add", "dana", file]);
        assert_eq!(code(&again), Some(5), "{mode:?}: {}", stderr(&again));
        assert!(stderr(&again).contains(&format!("expired on {end}")), "{mode:?}: {}", stderr(&again));
        assert!(stderr(&again).contains("--replace"), "{mode:?}: {}", stderr(&again));
        let renewed = mpdesk(&server.db, None, &["key", "add", "dana", file, "--replace", "--expires", "1d"]);
        assert_eq!(code(&renewed), Some(0), "{mode:?}: {}", stderr(&renewed));
        assert!(String::from_utf8_lossy(&renewed.stdout).starts_with("renewed"), "{mode:?}");
        server.refresh_keys();
        let back = server.ssh("dana-for-a-while", &[], &["program", "list"]);
        assert_eq!(code(&back), Some(0), "{mode:?}: the renewed key is refused: {}", stderr(&back));
    }
}

/// A console on a key that ends closes at that instant, saying why.
#[test]
fn a_console_on_a_key_that_ends_closes_when_it_ends() {
    let server = Server::start(Mode::KeysCommand);
    let temp = server.key("dana-console");
    keygen(&temp);
    let public = temp.with_extension("pub");
    let add = mpdesk(&server.db, None, &["key", "add", "dana", public.to_str().expect("utf8"), "--expires", "6s"]);
    assert_eq!(code(&add), Some(0), "{}", stderr(&add));
    let args = server.console_args("dana-console");
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let mut console = Console::start_program("ssh", &args, server.dir.path());
    console.wait_for("dana (Developer)");
    // Under a minute the header counts the seconds down, each second.
    console.wait_for("your access ends in 3s");
    console.wait_for("your access ends in 2s");
    let (exit, took) = console.wait_for_exit(Duration::from_secs(10));
    assert_eq!(exit, 3, "{}", console.screen());
    assert!(took >= Duration::from_secs(1), "it ended before its key did: {took:?}");
    console.wait_for("your key expired on");
}

/// An export checks over SSH on standard input: the file never names a
/// server path, and the answer is the same as on the server.
#[test]
fn an_exported_log_checks_over_ssh_on_standard_input() {
    let server = Server::start(Mode::KeysCommand);
    let export = mpdesk(&server.db, None, &["audit", "export"]);
    assert_eq!(code(&export), Some(0), "{}", stderr(&export));
    let checked = server.ssh_with_input("dana", &["audit", "verify", "--file", "-"], &export.stdout);
    assert_eq!(code(&checked), Some(0), "{}", stderr(&checked));
    assert!(String::from_utf8_lossy(&checked.stdout).contains("entries, chain intact, head "));
    let mut tampered =
        String::from_utf8(export.stdout).expect("utf8").replacen("\"outcome\":\"ok\"", "\"outcome\":\"denied\"", 1);
    tampered.push('\n');
    let refused = server.ssh_with_input("dana", &["audit", "verify", "--file", "-"], tampered.as_bytes());
    assert_eq!(code(&refused), Some(1), "{}", stderr(&refused));
    assert!(stderr(&refused).contains("entry #1 was changed"), "{}", stderr(&refused));
}

/// A person following the log over SSH sees what they may read as it
/// commits, and stops at once when their access is taken away.
#[test]
fn following_the_log_over_ssh_ends_when_access_is_taken_away() {
    use std::io::{BufRead, BufReader};
    let server = Server::start(Mode::KeysCommand);
    let mut follow = server.ssh_spawn("dana", &["--json", "audit", "--follow"]);
    let start = std::time::Instant::now();
    while !json(&mpdesk(&server.db, None, &["--json", "ssh", "sessions"]))
        .as_array()
        .is_some_and(|s| s.iter().any(|s| s["login"] == "dana"))
    {
        assert!(start.elapsed() < Duration::from_secs(10), "the follow session never showed");
        std::thread::sleep(Duration::from_millis(20));
    }
    // Olivia edits a program dana is a member of, and one she is not.
    for program in ["Lunch Vote", "Coffee Club"] {
        let edit = mpdesk(&server.db, Some("olivia"), &["program", "edit", program, "--description", "new"]);
        assert_eq!(code(&edit), Some(0), "{}", stderr(&edit));
    }
    let mut lines = BufReader::new(follow.stdout.take().expect("stdout")).lines();
    let line = lines.next().expect("an entry").expect("a line");
    let entry: serde_json::Value = serde_json::from_str(&line).expect("JSON");
    assert_eq!(entry["program"], "Coffee Club", "only what dana may read: {line}");
    assert_eq!(entry["hash"].as_str().map(str::len), Some(64), "{line}");

    let done = mpdesk(&server.db, None, &["user", "disable", "dana"]);
    assert_eq!(code(&done), Some(0), "{}", stderr(&done));
    let revoked = std::time::Instant::now();
    let status = loop {
        if let Some(status) = follow.try_wait().expect("wait") {
            break status;
        }
        assert!(revoked.elapsed() < ENDS_WITHIN, "the follow outlived the revocation");
        std::thread::sleep(Duration::from_millis(20));
    };
    let mut err = String::new();
    std::io::Read::read_to_string(&mut follow.stderr.take().expect("stderr"), &mut err).expect("stderr");
    assert_eq!(status.code(), Some(3), "{err}");
    assert!(err.contains("your access was disabled by the operator"), "{err}");
}

#[test]
fn a_console_ends_within_a_second_when_access_is_taken_away() {
    for mode in BOTH {
        let server = Server::start(mode);
        let dana = server.fingerprint_of("dana");
        for (how, revoke, reason) in [
            ("disabled", vec!["user", "disable", "dana"], "your access was disabled by the operator"),
            ("ended", vec!["ssh", "end", "dana"], "your session was ended by the operator"),
            ("key removed", vec!["key", "remove", dana.as_str()], "your key was removed by the operator"),
        ] {
            let args = server.console_args("dana");
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            let mut console = Console::start_program("ssh", &args, server.dir.path());
            console.wait_for("dana (Developer)");
            let done = mpdesk(&server.db, None, &revoke);
            assert_eq!(code(&done), Some(0), "{mode:?} {how}: {}", stderr(&done));
            let (exit, took) = console.wait_for_exit(Duration::from_secs(5));
            assert!(took <= ENDS_WITHIN, "{mode:?} {how}: the console ended after {took:?}");
            assert_eq!(exit, 3, "{mode:?} {how}:\n{}", console.screen());
            console.wait_for(reason);
            console.wait_for("the session has ended");
            if how == "disabled" {
                assert_eq!(code(&mpdesk(&server.db, None, &["user", "enable", "dana"])), Some(0));
            }
        }
    }
}

#[test]
fn ssh_sessions_lists_live_sessions_and_drops_a_killed_one() {
    let server = Server::start(Mode::KeysCommand);
    let mut consoles = Vec::new();
    for who in ["olivia", "dana"] {
        let args = server.console_args(who);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let console = Console::start_program("ssh", &args, server.dir.path());
        console.wait_for(&format!("{who} ("));
        consoles.push(console);
    }
    let listed = mpdesk(&server.db, None, &["--json", "ssh", "sessions"]);
    let sessions = json(&listed).as_array().expect("sessions").clone();
    assert_eq!(sessions.len(), 2, "{sessions:?}");
    for (session, who) in sessions.iter().zip(["olivia", "dana"]) {
        assert_eq!(session["login"], who);
        assert_eq!(session["fingerprint"], server.fingerprint_of(who));
        assert_eq!(session["kind"], "console");
        assert_eq!(session["from"], "127.0.0.1");
    }
    let table = mpdesk(&server.db, None, &["ssh", "sessions"]);
    assert!(String::from_utf8_lossy(&table.stdout).contains("console"), "{}", stderr(&table));
    // Each session process holds SQLite's lock on the file for its life.
    for session in &sessions {
        let pid = session["pid"].as_u64().expect("pid") as u32;
        assert!(crate::foreign_clients::holds_lock(pid, &server.db), "session {pid} holds no lock on the database");
    }
    // A crash: the session's process is killed; it is no longer listed.
    let pid = sessions[1]["pid"].as_u64().expect("pid").to_string();
    assert!(run(Command::new("kill").args(["-9", &pid])).status.success());
    let start = std::time::Instant::now();
    loop {
        let listed = json(&mpdesk(&server.db, None, &["--json", "ssh", "sessions"]));
        let logins: Vec<&str> =
            listed.as_array().expect("sessions").iter().filter_map(|s| s["login"].as_str()).collect();
        if logins == ["olivia"] {
            break;
        }
        assert!(start.elapsed() < Duration::from_secs(5), "a killed session is still listed: {logins:?}");
        std::thread::sleep(Duration::from_millis(20));
    }
    // The killed session's ID is not given out again: an `ssh end` typed
    // from the older listing cannot end the next person's session.
    let killed = sessions[1]["id"].as_i64().expect("id");
    let args = server.console_args("dana");
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let mut again = Console::start_program("ssh", &args, server.dir.path());
    again.wait_for("dana (");
    let listed = json(&mpdesk(&server.db, None, &["--json", "ssh", "sessions"]));
    let ids: Vec<i64> = listed.as_array().expect("sessions").iter().filter_map(|s| s["id"].as_i64()).collect();
    assert!(ids.iter().all(|&id| id != killed) && ids.len() == 2, "the ID {killed} was given out again: {ids:?}");
    let stale = mpdesk(&server.db, None, &["ssh", "end", &killed.to_string()]);
    assert_eq!(code(&stale), Some(4), "{}", stderr(&stale));
    assert!(stderr(&stale).contains("no live SSH session"), "{}", stderr(&stale));
    // A key's fingerprint ends that key's sessions, and only those.
    let ended = mpdesk(&server.db, None, &["ssh", "end", &server.fingerprint_of("dana")]);
    assert_eq!(code(&ended), Some(0), "{}", stderr(&ended));
    let (exit, _) = again.wait_for_exit(Duration::from_secs(5));
    assert_eq!(exit, 3, "{}", again.screen());
    // As README says, `ssh end` ends the sessions open now; the person may
    // connect again (disabling keeps them out).
    let back = server.ssh("dana", &[], &["program", "list"]);
    assert_eq!(code(&back), Some(0), "{}", stderr(&back));
    // A person may not look at who else is connected.
    assert_eq!(code(&server.ssh("olivia", &[], &["ssh", "sessions"])), Some(3));
    consoles[0].keys("q");
    consoles[0].wait_exit();
}

#[test]
fn over_ssh_a_person_cannot_lock_themselves_out() {
    for mode in BOTH {
        let server = Server::start(mode);
        let first = server.fingerprint_of("dana");
        let before = server.data();
        // The Keys dialog says why before it asks.
        let args = server.console_args("dana");
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let mut console = Console::start_program("ssh", &args, server.dir.path());
        console.wait_for("dana (Developer)");
        console.keys("K");
        console.wait_for("Your SSH keys");
        console.keys("x");
        console.wait_for("Removing a key needs a key other than the one this session uses");
        console.keys("\x1b");
        console.wait_gone("Your SSH keys");
        console.keys("q");
        console.wait_exit();
        let only = server.ssh("dana", &[], &["key", "remove", &first]);
        assert_eq!(code(&only), Some(3), "{mode:?}: {}", stderr(&only));
        assert!(stderr(&only).contains("you are connected with this key"), "{}", stderr(&only));
        assert_eq!(server.data(), before);

        // Her second key, added by herself: `key add -` is her own.
        crate::sshd::keygen(&server.key("dana2"));
        let second_pub = std::fs::read(server.key("dana2").with_extension("pub")).expect("pub");
        let added = server.ssh_with_input("dana", &["key", "add", "-"], &second_pub);
        assert_eq!(code(&added), Some(0), "{mode:?}: {}", stderr(&added));
        server.refresh_keys();
        let second = server.fingerprint_of("dana2");
        // Connected with the second, the first may go; then the second is
        // both the session's key and her last.
        let removed = server.ssh("dana2", &[], &["key", "remove", &first]);
        assert_eq!(code(&removed), Some(0), "{mode:?}: {}", stderr(&removed));
        let last = server.ssh("dana2", &[], &["key", "remove", &second]);
        assert_eq!(code(&last), Some(3), "{mode:?}: {}", stderr(&last));
        let keys = json(&mpdesk(&server.db, None, &["--json", "key", "list", "dana"]));
        assert_eq!(keys.as_array().map(Vec::len), Some(1), "{keys}");
        // The operator, on the server, may.
        assert_eq!(code(&mpdesk(&server.db, None, &["key", "remove", &second])), Some(0));
    }
}

#[test]
fn the_environment_a_client_sends_picks_no_file() {
    let server = Server::start(Mode::KeysFile);
    let evil = server.dir.path().join("evil");
    std::fs::create_dir_all(evil.join("mpdesk")).expect("dir");
    // A config mpdesk would refuse (the console would not start) if it read it.
    std::fs::write(evil.join("mpdesk/config.toml"), "theme = 42\n").expect("write");
    std::fs::write(evil.join("config.toml"), "theme = 42\n").expect("write");
    let e = evil.display();
    let set_env = format!(
        "SetEnv=HOME={e} XDG_CONFIG_HOME={e} XDG_DATA_HOME={e} MPDESK_CONFIG={e}/config.toml MPDESK_DB={e}/x.db MPDESK_USER=olivia SSH_CONNECTION=6.6.6.6"
    );
    let mut args = vec!["-o".to_string(), set_env.clone()];
    args.extend(server.console_args("dana"));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let mut console = Console::start_program("ssh", &args, server.dir.path());
    console.wait_for("dana (Developer)");
    console.keys("q");
    console.wait_exit();
    let created: Vec<_> = walk(&evil);
    assert_eq!(created.len(), 2, "a session wrote into a folder the client named: {created:?}");
    // And a command: still dana, on the server's database, from where she is.
    let out = server.ssh("dana", &["-o", &set_env], &["--json", "program", "list"]);
    assert_eq!(code(&out), Some(0), "{}", stderr(&out));
    assert!(!server.program_names(&out).contains(&"Lunch Vote".to_string()), "dana became olivia");
    let refused = server.ssh("dana", &["-o", &set_env], &["program", "release", "'Coffee Club'"]);
    assert_eq!(code(&refused), Some(3), "{}", stderr(&refused));
    let log = operator_log(&server.db, "1");
    assert_eq!(log[0]["actor"], "dana");
    assert!(log[0]["via"].as_str().expect("via").ends_with("from 127.0.0.1"), "the address is sshd's: {log:?}");
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).expect("dir").flatten() {
        if entry.path().is_dir() {
            found.extend(walk(&entry.path()));
        } else {
            found.push(entry.path());
        }
    }
    found
}

#[test]
fn the_operator_disables_enables_and_removes_people() {
    for mode in BOTH {
        let server = Server::start(mode);
        let db = &server.db;
        assert_eq!(code(&mpdesk(db, None, &["user", "disable", "dana", "--reason", "on leave"])), Some(0));
        let refused = server.ssh("dana", &[], &["program", "list"]);
        match mode {
            // sshd itself refuses: the keys command prints no line for her.
            Mode::KeysCommand => assert_eq!(code(&refused), Some(255), "{}", stderr(&refused)),
            // Her line is still in the file: the session refuses.
            Mode::KeysFile => {
                assert_eq!(code(&refused), Some(3), "{}", stderr(&refused));
                assert!(stderr(&refused).contains("dana was disabled by"), "{}", stderr(&refused));
            }
        }
        let local = mpdesk(db, Some("dana"), &["program", "list"]);
        assert_eq!(code(&local), Some(3), "{}", stderr(&local));
        let console = mpdesk(db, Some("dana"), &[]);
        assert!(stderr(&console).contains("dana was disabled by"), "the console says why: {}", stderr(&console));
        // Shown as disabled wherever members are listed; memberships kept.
        let members = json(&mpdesk(db, Some("olivia"), &["--json", "workspace", "member", "list", "Acme Mini Apps"]));
        let dana = members.as_array().expect("members").iter().find(|m| m["login"] == "dana").expect("dana kept");
        assert_eq!(dana["disabled"], true);
        let on_program = json(&mpdesk(db, Some("olivia"), &["--json", "member", "list", "Coffee Club"]));
        assert!(on_program.as_array().expect("members").iter().any(|m| m["login"] == "dana" && m["disabled"] == true));
        assert_eq!(code(&mpdesk(db, None, &["user", "enable", "dana"])), Some(0));
        let back = server.ssh("dana", &[], &["--json", "program", "list"]);
        assert_eq!(code(&back), Some(0), "{mode:?}: {}", stderr(&back));

        // Only the operator; and never over SSH.
        assert_eq!(code(&mpdesk(db, Some("olivia"), &["user", "disable", "dana"])), Some(3));
        assert_eq!(code(&server.ssh("olivia", &[], &["user", "disable", "dana"])), Some(3));

        // Removing: refused for an Owner; otherwise keys, memberships and
        // pending invitations go at once.
        let owner = mpdesk(db, None, &["user", "remove", "olivia"]);
        assert_eq!(code(&owner), Some(5), "{}", stderr(&owner));
        assert!(stderr(&owner).contains("olivia owns Acme Mini Apps; transfer it first"), "{}", stderr(&owner));
        let invited =
            mpdesk(db, Some("olivia"), &["workspace", "invite", "Acme Mini Apps", "eve", "--role", "developer"]);
        assert_eq!(code(&invited), Some(0), "{}", stderr(&invited));
        let before = server.data();
        assert_eq!(code(&mpdesk(db, None, &["user", "remove", "eve"])), Some(0));
        assert_ne!(server.data(), before);
        let members = json(&mpdesk(db, Some("olivia"), &["--json", "workspace", "member", "list", "Acme Mini Apps"]));
        assert!(members.as_array().expect("members").iter().all(|m| m["login"] != "eve"), "{members}");
        let sam = json(&mpdesk(db, Some("sam"), &["--json", "workspace", "member", "list", "Side Projects"]));
        assert!(sam.as_array().expect("members").iter().all(|m| m["login"] != "eve"), "{sam}");
        assert_eq!(code(&mpdesk(db, None, &["user", "remove", "dana"])), Some(0));
        assert_eq!(
            code(&server.ssh("dana", &[], &["program", "list"])),
            if mode == Mode::KeysCommand { Some(255) } else { Some(3) }
        );
        let again = mpdesk(db, None, &["user", "add", "dana"]);
        assert_eq!(code(&again), Some(5), "{}", stderr(&again));
        assert!(stderr(&again).contains("logins are never reused"), "{}", stderr(&again));
        let log = operator_log(db, "20");
        for operation in ["user_disable", "user_enable", "user_remove"] {
            assert!(log.iter().any(|e| e["operation"] == operation && e["outcome"] == "ok"), "{operation}: {log:?}");
        }
    }
}

#[test]
fn the_operator_reads_the_whole_log_and_an_entry_made_with_user_says_so() {
    let dir = tempfile::tempdir().expect("dir");
    let db = dir.path().join("log.db");
    assert_eq!(code(&mpdesk(&db, None, &["init"])), Some(0));
    assert_eq!(code(&mpdesk(&db, None, &["demo-data"])), Some(0));
    crate::sshd::keygen(&dir.path().join("k"));
    let public = dir.path().join("k.pub");
    assert_eq!(code(&mpdesk(&db, None, &["key", "add", "dana", public.to_str().expect("utf8")])), Some(0));
    assert_eq!(code(&mpdesk(&db, Some("olivia"), &["program", "create", "Acme Mini Apps", "Audit Trail"])), Some(0));
    let everything = operator_log(&db, "1000");
    assert!(everything.iter().any(|e| e["operation"] == "key_add" && e["workspace"].is_null()), "no workspace");
    assert!(everything.iter().any(|e| e["operation"] == "user_add"));
    let created = everything.iter().find(|e| e["operation"] == "program_create" && e["program"] == "Audit Trail");
    let os = mpdesk::session::os_login().expect("login");
    let expected = if os == "olivia" { "local".to_string() } else { format!("local, --user by {os}") };
    assert_eq!(created.expect("the new program")["via"], expected);
    // A person reads only what their role lets them: no key or user entries.
    let olivia = json(&mpdesk(&db, Some("olivia"), &["--json", "audit", "--limit", "1000"]));
    assert!(olivia.as_array().expect("entries").iter().all(|e| e["operation"] != "key_add"));
    assert!(olivia.as_array().expect("entries").len() < everything.len());
    let narrowed = operator_log_with(&db, &["--workspace", "Side Projects"]);
    assert!(!narrowed.is_empty() && narrowed.iter().all(|e| e["workspace"] == "Side Projects"), "{narrowed:?}");
}

fn operator_log_with(db: &std::path::Path, args: &[&str]) -> Vec<serde_json::Value> {
    let mut all = vec!["--json", "audit", "--limit", "1000"];
    all.extend(args);
    json(&mpdesk(db, None, &all)).as_array().expect("entries").clone()
}

#[test]
fn over_ssh_the_invite_list_holds_only_people_you_share_a_workspace_with() {
    let dir = tempfile::tempdir().expect("dir");
    let db = dir.path().join("who.db");
    assert_eq!(code(&mpdesk(&db, None, &["init"])), Some(0));
    assert_eq!(code(&mpdesk(&db, None, &["demo-data"])), Some(0));
    crate::sshd::keygen(&dir.path().join("k"));
    let public = dir.path().join("k.pub");
    assert_eq!(code(&mpdesk(&db, None, &["key", "add", "olivia", public.to_str().expect("utf8")])), Some(0));
    let fpr = crate::sshd::fingerprint(&public);
    let logins = |desk: &Desk, text: Option<&str>| -> Vec<String> {
        let olivia = desk.actor("olivia").expect("olivia");
        let found = desk.find_invitees(&olivia, "Acme Mini Apps", text, Page::ALL).expect("invitees");
        found.into_iter().map(|(u, _)| u.login).collect()
    };
    let local = Desk::open(&db).expect("open");
    assert!(logins(&local, None).contains(&"eve".to_string()), "locally the operator's file, everyone");
    let mut remote = Desk::open(&db).expect("open");
    remote.begin_ssh_session(&fpr, "127.0.0.1", SessionKind::Console, "").expect("olivia's session");
    let listed = logins(&remote, None);
    assert!(!listed.contains(&"eve".to_string()) && !listed.contains(&"sam".to_string()), "{listed:?}");
    assert!(listed.contains(&"dana".to_string()), "{listed:?}");
    assert_eq!(logins(&remote, Some("eve")), ["eve"], "an exact login is found");
    assert!(!logins(&remote, Some("ev")).contains(&"eve".to_string()), "a part of a login is not");
    let _ = data_of(&db);
}

#[test]
fn a_person_removed_from_the_server_comes_back_through_no_undo() {
    use mpdesk::desk::Principal;
    let mut world = crate::support::World::demo();
    let olivia = world.actor("olivia");
    world.desk.remove_workspace_member(&olivia, "Acme Mini Apps", "nora").expect("remove nora");
    let removal: i64 = world.raw().query_row("SELECT max(id) FROM audit", [], |r| r.get(0)).expect("id");
    world.desk.remove_user(&Principal::Operator("root".into()), "nora").expect("the operator removes her");
    let before = world.snapshot();
    let refused = world.desk.undo(&olivia, removal).expect_err("nora is gone");
    assert!(refused.to_string().contains("nora was removed from this server since"), "{refused}");
    assert_eq!(world.snapshot(), before);
    world.check_invariants();
}

#[test]
fn a_disabled_person_shows_as_disabled_in_the_console() {
    use crate::tui_support::{demo_desk, press, screen_text};
    use crossterm::event::KeyCode;
    let mut desk = demo_desk();
    let operator = mpdesk::desk::Principal::Operator("root".into());
    desk.disable_user(&operator, "dana", None).expect("disable");
    desk.disable_user(&operator, "eve", None).expect("disable");
    // Nobody invites a person who cannot connect: the desk refuses it.
    let olivia = desk.actor("olivia").expect("olivia");
    let refused = desk.invite(&olivia, "Acme Mini Apps", "eve", mpdesk::desk::WorkspaceRole::Developer, None);
    assert!(refused.as_ref().is_err_and(|e| e.to_string().contains("eve is disabled by the operator")), "{refused:?}");
    let mut app = crate::tui_support::app_on(desk, "olivia", false, false, (100, 30));
    assert!(
        screen_text(&app).lines().any(|l| l.contains("dana") && l.contains("disabled")),
        "the Members pane:\n{}",
        screen_text(&app)
    );
    press(&mut app, KeyCode::Char('2'));
    assert!(
        screen_text(&app).lines().any(|l| l.contains("dana") && l.contains("disabled")),
        "the Members tab:\n{}",
        screen_text(&app)
    );
    // The invite dialog says the same: dana is a disabled member, not an
    // active one, and eve cannot be invited, with why.
    press(&mut app, KeyCode::Char('i'));
    let dialog = screen_text(&app);
    let line = |who: &str| dialog.lines().find(|l| l.contains(&format!("{who} —"))).unwrap_or_default().to_string();
    assert!(line("Dana Diaz").contains("disabled: already a member"), "the invite dialog:\n{dialog}");
    assert!(line("Eve Stone").contains("disabled by the operator"), "the invite dialog:\n{dialog}");
}

#[test]
fn a_person_sees_their_own_ssh_sessions_over_the_console() {
    use crate::tui_support::{app_on, press, screen_text};
    use crossterm::event::KeyCode;
    let dir = tempfile::tempdir().expect("dir");
    let db = dir.path().join("mine.db");
    assert_eq!(code(&mpdesk(&db, None, &["init"])), Some(0));
    assert_eq!(code(&mpdesk(&db, None, &["demo-data"])), Some(0));
    crate::sshd::keygen(&dir.path().join("k"));
    let public = dir.path().join("k.pub");
    assert_eq!(code(&mpdesk(&db, None, &["key", "add", "dana", public.to_str().expect("utf8")])), Some(0));
    let mut desk = Desk::open(&db).expect("open");
    desk.begin_ssh_session(&crate::sshd::fingerprint(&public), "10.0.0.7", SessionKind::Console, "")
        .expect("dana's session");
    let mut app = app_on(desk, "dana", false, false, (100, 30));
    press(&mut app, KeyCode::Char('S'));
    let screen = screen_text(&app);
    assert!(screen.contains("Your SSH sessions"), "{screen}");
    assert!(
        screen.lines().any(|l| l.contains("▸ this") && l.contains("from 10.0.0.7") && l.contains("console")),
        "{screen}"
    );
    press(&mut app, KeyCode::Esc);
    assert!(!app.has_layer(), "Esc closes it");
    assert!(!screen_text(&app).contains("Your SSH sessions"));
}

/// `ssh -N` opens no session, so no forced command runs for it: README's
/// block has sshd close it (`UnusedConnectionTimeout 10s`) instead of
/// leaving a logged-in connection nobody sees in `ssh sessions`.
#[test]
fn a_connection_that_opens_no_session_is_closed_by_sshd() {
    let server = Server::start(Mode::KeysCommand);
    let started = std::time::Instant::now();
    let mut idle = Command::new("ssh")
        .args(server.ssh_args("dana"))
        .args(["-N", "-o", "ServerAliveInterval=1", "--"])
        .arg(format!("{}@127.0.0.1", server.account))
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("ssh -N");
    let status = loop {
        if let Some(status) = idle.try_wait().expect("poll ssh") {
            break status;
        }
        if started.elapsed() > Duration::from_secs(20) {
            let _ = idle.kill();
            panic!("an `ssh -N` connection is still open after 20 s");
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let took = started.elapsed();
    // It was let in (a refused key ends at once), then closed by the timeout.
    assert!(took >= Duration::from_secs(9), "closed after {took:?}: was the key refused? {status:?}");
}

/// `user list` over SSH is not the server's registry: a person sees
/// themselves and the people who share a workspace with them, never a
/// stranger's login or email; the operator sees everyone.
#[test]
fn over_ssh_user_list_holds_only_people_you_share_a_workspace_with() {
    let server = Server::start(Mode::KeysCommand);
    let added = mpdesk(&server.db, None, &["user", "add", "stranger", "--email", "stranger@elsewhere.example"]);
    assert_eq!(code(&added), Some(0), "{}", stderr(&added));
    let logins = |output: &std::process::Output| -> Vec<String> {
        assert_eq!(code(output), Some(0), "{}", stderr(output));
        json(output).as_array().expect("users").iter().filter_map(|u| u["login"].as_str().map(str::to_string)).collect()
    };
    let everyone = logins(&mpdesk(&server.db, None, &["--json", "user", "list"]));
    assert!(everyone.contains(&"stranger".to_string()), "{everyone:?}");
    let over_ssh = server.ssh("dana", &[], &["user", "list", "--json"]);
    let seen = logins(&over_ssh);
    assert!(!seen.contains(&"stranger".to_string()), "a stranger is listed over SSH: {seen:?}");
    assert!(!String::from_utf8_lossy(&over_ssh.stdout).contains("elsewhere.example"));
    assert!(seen.contains(&"dana".to_string()) && seen.contains(&"olivia".to_string()), "{seen:?}");
    assert!(seen.len() < everyone.len(), "{seen:?} of {everyone:?}");

    // An empty list's hint names the command as typed from their machine.
    let created = server.ssh("olivia", &[], &["program", "create", "'Acme Mini Apps'", "Empty"]);
    assert_eq!(code(&created), Some(0), "{}", stderr(&created));
    let versions = server.ssh("olivia", &[], &["program", "versions", "Empty"]);
    let said = String::from_utf8_lossy(&versions.stdout).to_string();
    assert!(
        said.contains("upload one with: ssh mpdesk@HOST program upload PROGRAM --version 1.0.0 --package - < app.zip"),
        "{said}"
    );
    let local = mpdesk(&server.db, Some("olivia"), &["program", "versions", "Empty"]);
    assert!(String::from_utf8_lossy(&local.stdout).contains("with: mpdesk program upload"), "{}", stderr(&local));
}

/// A person cut off in the middle of an upload: the server stops reading
/// the package within a second of the revocation (it does not take the
/// rest of 40 MB first), and says the real reason.
#[test]
fn an_upload_stops_reading_within_a_second_of_its_revocation() {
    for (how, revoke, reason) in [
        ("disabled", vec!["user", "disable", "dana"], "your access was disabled by the operator"),
        ("removed", vec!["user", "remove", "dana"], "you were removed from this server by the operator"),
    ] {
        let server = Server::start(Mode::KeysCommand);
        let mut upload = upload_waiting_for_input(&server);
        let mut stdin = upload.stdin.take().expect("stdin");
        // 40 MB at about 6 MB/s: the upload is still arriving when the
        // operator acts, and would be for seconds more.
        let writer = std::thread::spawn(move || {
            let chunk = vec![b'x'; 64 * 1024];
            let mut sent = 0usize;
            while sent < 40 * 1024 * 1024 {
                if stdin.write_all(&chunk).is_err() {
                    break;
                }
                sent += chunk.len();
                std::thread::sleep(Duration::from_millis(10));
            }
            sent
        });
        std::thread::sleep(Duration::from_millis(800));
        let done = mpdesk(&server.db, None, &revoke);
        assert_eq!(code(&done), Some(0), "{how}: {}", stderr(&done));
        let revoked = std::time::Instant::now();
        let output = upload.wait_with_output().expect("ssh");
        let took = revoked.elapsed();
        let sent = writer.join().expect("writer");
        assert!(took <= Duration::from_secs(1), "{how}: the upload ended {took:?} after the revocation");
        assert!(sent < 20 * 1024 * 1024, "{how}: the client sent {sent} bytes before the server stopped");
        assert_eq!(code(&output), Some(3), "{how}: {}", stderr(&output));
        assert!(stderr(&output).contains(reason), "{how}: {}", stderr(&output));
        let log = operator_log(&server.db, "20");
        let landed = log.iter().any(|e| e["detail"].as_str().is_some_and(|d| d.starts_with("uploaded 9.0.0")));
        assert!(!landed, "{how}: the cut-off upload landed");
        let refused = log.iter().find(|e| e["operation"] == "program_upload" && e["outcome"] == "denied");
        assert!(
            refused.is_some_and(|e| e["detail"].as_str().is_some_and(|d| d.contains(reason))),
            "{how}: {refused:?}"
        );
    }
}

/// A console whose `-wal` and `-shm` another program removed still ends
/// within a second when its person is cut off: it notices, reopens, and
/// sees the revocation written into the new files.
#[test]
fn a_console_on_a_removed_wal_still_ends_when_access_is_taken_away() {
    let server = Server::start(Mode::KeysCommand);
    for (how, revoke, reason) in [
        ("disabled", vec!["user", "disable", "dana"], "your access was disabled by the operator"),
        ("ended", vec!["ssh", "end", "dana"], "your session was ended by the operator"),
    ] {
        let args = server.console_args("dana");
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let mut console = Console::start_program("ssh", &args, server.dir.path());
        console.wait_for("dana (Developer)");
        let checkpoint = run(Command::new("sqlite3").arg(&server.db).arg("PRAGMA wal_checkpoint(TRUNCATE);"));
        assert!(checkpoint.status.success(), "{how}: {}", stderr(&checkpoint));
        for suffix in ["-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", server.db.display()));
        }
        let done = mpdesk(&server.db, None, &revoke);
        assert_eq!(code(&done), Some(0), "{how}: {}", stderr(&done));
        let (exit, took) = console.wait_for_exit(Duration::from_secs(5));
        assert!(took <= ENDS_WITHIN, "{how}: the console on a removed WAL ended after {took:?}");
        assert_eq!(exit, 3, "{how}:\n{}", console.screen());
        console.wait_for(reason);
        if how == "disabled" {
            assert_eq!(code(&mpdesk(&server.db, None, &["user", "enable", "dana"])), Some(0));
        }
    }
}
