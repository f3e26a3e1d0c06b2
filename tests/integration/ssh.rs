//! mpdesk behind a real OpenSSH: an `sshd` started by the test on
//! 127.0.0.1, in both modes (an authorized_keys file mpdesk writes, and
//! sshd's AuthorizedKeysCommand), with key pairs made by `ssh-keygen`.
//! If sshd cannot start, the test fails and says why (`.ci/run` installs
//! openssh-server when it is missing).

use crate::pty::Console;
use std::process::Command;

use crate::sshd::{code, fingerprint, keygen, mpdesk, run, Mode, Server};

#[test]
fn fingerprints_are_the_ones_ssh_keygen_prints() {
    let dir = tempfile::tempdir().expect("dir");
    for kind in [&["-t", "ed25519"][..], &["-t", "ecdsa"], &["-t", "rsa", "-b", "3072"]] {
        let key = dir.path().join(kind.join(""));
        let out = run(Command::new("ssh-keygen").args(["-q", "-N", ""]).args(kind).arg("-f").arg(&key));
        assert!(out.status.success());
        let public = key.with_extension("pub");
        let text = std::fs::read_to_string(&public).expect("pub");
        let parsed = mpdesk::domain::keys::parse_public_key(&text).expect("accepted");
        assert_eq!(parsed.fingerprint, fingerprint(&public), "{kind:?}");
        let private = std::fs::read_to_string(&key).expect("private");
        let err = mpdesk::domain::keys::parse_public_key(&private).expect_err("a private key");
        assert!(err.contains("this is a private key; give the .pub file"), "{err}");
    }
    let short = dir.path().join("short");
    let out = run(Command::new("ssh-keygen").args(["-q", "-N", "", "-t", "rsa", "-b", "1024", "-f"]).arg(&short));
    if out.status.success() {
        let text = std::fs::read_to_string(short.with_extension("pub")).expect("pub");
        let err = mpdesk::domain::keys::parse_public_key(&text).expect_err("short RSA");
        assert!(err.contains("at least 2048"), "{err}");
    }
}

#[test]
fn keys_belong_to_one_person_and_people_manage_only_their_own() {
    let dir = tempfile::tempdir().expect("dir");
    let db = dir.path().join("k.db");
    assert!(mpdesk(&db, None, &["init"]).status.success());
    assert!(mpdesk(&db, None, &["demo-data"]).status.success());
    keygen(&dir.path().join("k"));
    let public = dir.path().join("k.pub");
    let public_arg = public.to_str().expect("utf8");
    assert!(mpdesk(&db, None, &["key", "add", "dana", public_arg]).status.success(), "the operator adds anyone's");
    let again = mpdesk(&db, None, &["key", "add", "olivia", public_arg]);
    assert_eq!(code(&again), Some(5));
    assert!(String::from_utf8_lossy(&again.stderr).contains("that key belongs to another person"));
    let other = mpdesk(&db, Some("olivia"), &["key", "list", "dana"]);
    assert_eq!(code(&other), Some(3), "an Owner has no say over keys");
    let missing = mpdesk(&db, None, &["key", "remove", "SHA256:nothing"]);
    assert_eq!(code(&missing), Some(4));
    let garbage = dir.path().join("garbage.pub");
    std::fs::write(&garbage, "ssh-ed25519 not-a-key\n").expect("write");
    let bad = mpdesk(&db, None, &["key", "add", "dana", garbage.to_str().expect("utf8")]);
    assert_eq!(code(&bad), Some(5));
    assert_eq!(String::from_utf8_lossy(&bad.stderr).lines().count(), 1);
    let listed = mpdesk(&db, Some("dana"), &["--json", "key", "list"]);
    let keys: serde_json::Value = serde_json::from_slice(&listed.stdout).expect("json");
    assert_eq!(keys[0]["fingerprint"], fingerprint(&public));
    let audit = mpdesk(&db, Some("olivia"), &["--json", "audit", "--limit", "1"]);
    let entries: serde_json::Value = serde_json::from_slice(&audit.stdout).expect("json");
    // The demo's own entries say where they came from.
    assert_eq!(entries[0]["via"], "demo data");
}

#[test]
fn over_an_authorized_keys_file_each_key_is_its_person_and_nothing_sent_changes_that() {
    let server = Server::start(Mode::KeysFile);
    let file = std::fs::read_to_string(server.dir.path().join("authorized_keys")).expect("file");
    assert!(file.starts_with("# a line the operator wrote, kept as it is\n"), "{file}");
    assert!(file.contains(",restrict,pty ssh-ed25519 "), "{file}");

    // What each person may see.
    let dana = server.ssh("dana", &[], &["--json", "program", "list"]);
    assert_eq!(code(&dana), Some(0), "{}", String::from_utf8_lossy(&dana.stderr));
    let local = mpdesk(&server.db, Some("dana"), &["--json", "program", "list"]);
    assert_eq!(server.program_names(&dana), server.program_names(&local));
    let olivia = server.ssh("olivia", &[], &["--json", "program", "list"]);
    assert!(server.program_names(&olivia).contains(&"Lunch Vote".to_string()));
    assert!(!server.program_names(&dana).contains(&"Lunch Vote".to_string()));

    // Nothing dana sends makes her the Owner.
    let claimed = server.ssh("dana", &[], &["--user", "olivia", "program", "delete", "'Parking Pass'", "--yes"]);
    assert_eq!(code(&claimed), Some(2), "{}", String::from_utf8_lossy(&claimed.stderr));
    let env = server.ssh(
        "dana",
        &["-o", "SetEnv=MPDESK_USER=olivia MPDESK_DB=/tmp/other.db"],
        &["program", "delete", "'Parking Pass'", "--yes"],
    );
    assert_eq!(code(&env), Some(3), "{}", String::from_utf8_lossy(&env.stderr));
    assert!(server.program_exists("Parking Pass"));
    let touched = server.dir.path().join("touched");
    let shell = server.ssh("dana", &[], &[&format!("program list; touch {}", touched.display())]);
    assert_ne!(code(&shell), Some(0));
    assert!(!touched.exists(), "the command line reached a shell");
    let quotes = server.ssh("dana", &[], &["program show 'Coffee"]);
    assert_eq!(code(&quotes), Some(2));
    let operator = server.ssh("dana", &[], &["user", "add", "mallory"]);
    assert_eq!(code(&operator), Some(3));
    // The server's config file is the operator's: a client can neither name
    // another (which mpdesk would read, and quote in errors) nor read it.
    let config = server.ssh("dana", &[], &["--config", "/etc/shadow", "program", "list"]);
    assert_eq!(code(&config), Some(2), "{}", String::from_utf8_lossy(&config.stderr));
    assert_eq!(code(&server.ssh("dana", &[], &["config", "path"])), Some(3));
    let man = server.ssh("dana", &[], &["completions", "bash"]);
    assert_eq!(code(&man), Some(0), "completions are for anyone");
    let audit = mpdesk(&server.db, Some("olivia"), &["--json", "audit", "--limit", "5"]);
    let entries: serde_json::Value = serde_json::from_slice(&audit.stdout).expect("json");
    let via = entries[0]["via"].as_str().expect("via");
    assert!(via.starts_with("ssh SHA256:") && via.ends_with("from 127.0.0.1"), "{via}");

    // Forwarding is refused (restrict), and a key nobody registered too.
    let forward = server.ssh("dana", &["-o", "ExitOnForwardFailure=yes", "-R", "0:127.0.0.1:9"], &["program", "list"]);
    assert_ne!(code(&forward), Some(0), "remote forwarding went through");
    let stranger = server.ssh("stranger", &[], &["program", "list"]);
    assert_eq!(code(&stranger), Some(255), "sshd let an unknown key in");

    // A key removed is refused by the session, before the file is rewritten.
    let dana_fpr = fingerprint(&server.key("dana").with_extension("pub"));
    assert!(mpdesk(&server.db, None, &["key", "remove", &dana_fpr]).status.success());
    let removed = server.ssh("dana", &[], &["program", "list"]);
    assert_eq!(code(&removed), Some(3));
    assert!(String::from_utf8_lossy(&removed.stderr).contains("not registered"));
}

#[test]
fn over_the_keys_command_a_removed_key_is_refused_at_once() {
    let server = Server::start(Mode::KeysCommand);
    let olivia = server.ssh("olivia", &[], &["--json", "program", "list"]);
    assert_eq!(code(&olivia), Some(0), "{}", String::from_utf8_lossy(&olivia.stderr));
    assert!(server.program_names(&olivia).contains(&"Coffee Club".to_string()));
    let stranger = server.ssh("stranger", &[], &["program", "list"]);
    assert_eq!(code(&stranger), Some(255));
    let olivia_fpr = fingerprint(&server.key("olivia").with_extension("pub"));
    assert!(mpdesk(&server.db, None, &["key", "remove", &olivia_fpr]).status.success());
    let refused = server.ssh("olivia", &[], &["program", "list"]);
    assert_eq!(code(&refused), Some(255), "sshd still accepted a removed key");
}

#[test]
fn the_console_over_ssh_is_the_keys_person_with_their_role() {
    let server = Server::start(Mode::KeysFile);
    let no_tty = server.ssh("dana", &["-T"], &[]);
    assert_eq!(code(&no_tty), Some(2));
    assert!(String::from_utf8_lossy(&no_tty.stderr).contains("ssh -t"));

    let mut args: Vec<String> = vec!["-tt".to_string()];
    args.extend(server.ssh_args("dana"));
    args.push(format!("{}@127.0.0.1", server.account));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let mut console = Console::start_program("ssh", &args, server.dir.path());
    console.wait_for("dana (Developer)");
    // The hint bar is the frame's last row: the whole frame is there.
    console.wait_for("r release");
    assert!(console.is_dimmed("r release"), "release is not dimmed for a Developer");
    // Developers may upload, but over SSH the dialog would read a server
    // file: it is dimmed with the command that uploads from stdin.
    assert!(console.is_dimmed("u upload"), "the upload dialog is offered over SSH");
    console.keys("u");
    console.wait_for("Uploading from the console needs a file on your own machine");
    console.keys("r");
    console.wait_for("Release needs the mini program Admin role");
    console.keys("q");
    console.wait_exit();
}

#[test]
fn the_keys_dialog_shows_adds_and_removes_your_own_keys() {
    use crate::tui_support::*;
    use crossterm::event::KeyCode;
    let dir = tempfile::tempdir().expect("dir");
    keygen(&dir.path().join("mine"));
    let public = dir.path().join("mine.pub");
    let line = std::fs::read_to_string(&public).expect("pub");
    let mut app = demo_app("dana", (100, 30));
    press(&mut app, KeyCode::Char('K'));
    assert!(screen_text(&app).contains("No keys yet"), "{}", screen_text(&app));
    chars(&mut app, line.trim());
    press(&mut app, KeyCode::Enter);
    let fpr = fingerprint(&public);
    assert!(status(&app).contains(&fpr), "{}", status(&app));
    assert!(screen_text(&app).contains(&fpr), "the dialog shows the new key:\n{}", screen_text(&app));
    press(&mut app, KeyCode::Tab);
    chars(&mut app, "ssh-dss AAAA");
    press(&mut app, KeyCode::Enter);
    assert!(screen_text(&app).contains("not an OpenSSH public key"), "{}", screen_text(&app));
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Char('x'));
    assert!(screen_text(&app).contains("Remove the key"), "x asks first:\n{}", screen_text(&app));
    press(&mut app, KeyCode::Char('n'));
    assert!(!screen_text(&app).contains("Remove the key"), "any other key keeps it");
    press(&mut app, KeyCode::Char('x'));
    press(&mut app, KeyCode::Enter);
    assert!(status(&app).contains("removed key"), "{}", status(&app));
    let keys = app.desk.list_keys(&mpdesk::desk::Principal::Person(app.desk.actor("dana").expect("dana")), None);
    assert!(keys.expect("keys").is_empty());
}

/// Every subcommand clap knows, in `mpdesk help`'s order, with one command
/// line of it built from its required arguments, and where it may run.
fn every_subcommand(command: &clap::Command, path: &[String], out: &mut Vec<Vec<String>>) {
    let leaves: Vec<&clap::Command> = command.get_subcommands().filter(|c| c.get_name() != "help").collect();
    // A command that runs on its own too (audit, backup) is a line itself.
    if !path.is_empty() && (leaves.is_empty() || !command.is_subcommand_required_set()) {
        let mut line = path.to_vec();
        for arg in command.get_arguments().filter(|a| a.is_required_set()) {
            let value = arg.get_possible_values().first().map_or("1".to_string(), |v| v.get_name().to_string());
            match arg.get_long() {
                Some(long) if !arg.get_action().takes_values() => line.push(format!("--{long}")),
                Some(long) if !arg.is_positional() => line.extend([format!("--{long}"), value]),
                _ => line.push(value),
            }
        }
        out.push(line);
    }
    for leaf in leaves {
        let mut deeper = path.to_vec();
        deeper.push(leaf.get_name().to_string());
        every_subcommand(leaf, &deeper, out);
    }
}

/// gitolite's rule: over SSH only what the allow-list names runs. Every
/// subcommand is classified (the match in `cli/reach.rs` names every
/// variant, so a new one does not compile until it is placed), and this
/// table is reviewed whenever one is added or moved.
#[test]
fn every_subcommand_has_one_place_where_it_may_run() {
    use clap::CommandFactory;
    let mut lines = Vec::new();
    let mut cli = mpdesk::cli::Cli::command();
    cli.build();
    every_subcommand(&cli, &[], &mut lines);
    let mut table = String::new();
    for line in &lines {
        let parsed = <mpdesk::cli::Cli as clap::Parser>::try_parse_from(
            std::iter::once("mpdesk".to_string()).chain(line.clone()),
        )
        .unwrap_or_else(|e| panic!("{line:?} does not parse: {e}"));
        let command = parsed.command.expect("a subcommand");
        let place = match command.reach() {
            mpdesk::cli::reach::Reach::Anywhere => "local and over SSH".to_string(),
            mpdesk::cli::reach::Reach::Operator(name) => format!("the operator only ({name})"),
            mpdesk::cli::reach::Reach::ServerFile(_) => "local; over SSH refused: names a server file".to_string(),
        };
        table.push_str(&format!("{:<58} {place}\n", line.join(" ")));
    }
    assert!(lines.len() > 60, "{} subcommands found", lines.len());
    insta::assert_snapshot!(table);
}
