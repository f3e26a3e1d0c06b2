//! A real OpenSSH server for the tests, configured from README's own
//! `sshd_config` blocks: the test reads them from README.md, puts this
//! machine's account and temporary paths where README names the service
//! account's, checks the result with `sshd -t`, and serves connections with
//! exactly that config. If sshd cannot start, the test fails and says why
//! (`.ci/run` installs openssh-server when it is missing).

use mpdesk::desk::Desk;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

pub const SSHD: &str = "/usr/sbin/sshd";

pub fn run(cmd: &mut Command) -> Output {
    cmd.output().unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"))
}

pub fn keygen(path: &Path) {
    let out = run(Command::new("ssh-keygen").args(["-q", "-t", "ed25519", "-N", ""]).arg("-f").arg(path));
    assert!(out.status.success(), "ssh-keygen: {}", String::from_utf8_lossy(&out.stderr));
}

/// What `ssh-keygen -lf` prints as the fingerprint.
pub fn fingerprint(pub_key: &Path) -> String {
    let out = run(Command::new("ssh-keygen").arg("-lf").arg(pub_key));
    String::from_utf8_lossy(&out.stdout).split_whitespace().nth(1).expect("a fingerprint").to_string()
}

/// mpdesk run locally, as the operator (no --user) unless `user` is given.
pub fn mpdesk(db: &Path, user: Option<&str>, args: &[&str]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_mpdesk"));
    cmd.arg("--db").arg(db).env_remove("MPDESK_USER").env_remove("MPDESK_DB");
    if let Some(user) = user {
        cmd.arg("--user").arg(user);
    }
    run(cmd.args(args))
}

pub fn code(output: &Output) -> Option<i32> {
    output.status.code()
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Mode {
    /// README's block B: an authorized_keys file mpdesk writes.
    KeysFile,
    /// README's block A: sshd's AuthorizedKeysCommand.
    KeysCommand,
}

pub const BOTH: [Mode; 2] = [Mode::KeysCommand, Mode::KeysFile];

/// README's `sshd_config` block for `mode`, as written there.
pub fn readme_block(mode: Mode) -> String {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).expect("README");
    let blocks: Vec<&str> =
        readme.split("```").skip(1).step_by(2).filter(|b| b.lines().any(|l| l.trim() == "Match User mpdesk")).collect();
    assert_eq!(blocks.len(), 2, "README should show two sshd blocks (A and B), found {}", blocks.len());
    let wanted = blocks.into_iter().find(|b| b.contains("AuthorizedKeysCommand ") == (mode == Mode::KeysCommand));
    wanted.expect("README's block for this mode").trim_start_matches('\n').to_string()
}

/// `block` with README's names for the service account, its binary and its
/// files replaced by this test's; each must be there (README and the test
/// cannot drift apart).
fn localize(block: &str, replacements: &[(&str, String)]) -> String {
    let mut text = block.to_string();
    for (from, to) in replacements {
        assert!(text.contains(from), "README's sshd block no longer says {from:?}:\n{block}");
        text = text.replace(from, to);
    }
    text
}

pub struct Server {
    pub dir: tempfile::TempDir,
    pub db: PathBuf,
    pub port: u16,
    pub account: String,
    pub mode: Mode,
    sshd: Child,
    /// The root-owned folder an AuthorizedKeysCommand binary must sit in.
    bin_dir: Option<PathBuf>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.sshd.kill();
        let _ = self.sshd.wait();
        if let Some(dir) = &self.bin_dir {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").expect("a free port").local_addr().expect("addr").port()
}

impl Server {
    /// The demo data, keys for olivia (Owner) and dana (Developer), and a
    /// running sshd in `mode`, configured by README's block.
    pub fn start(mode: Mode) -> Self {
        assert!(
            Path::new(SSHD).exists(),
            "{SSHD} is missing: install openssh-server (.ci/run does: apt-get install openssh-server openssh-client)"
        );
        std::fs::create_dir_all("/run/sshd").expect("sshd's privilege separation folder");
        let dir = tempfile::tempdir().expect("dir");
        let db = dir.path().join("mpdesk.db");
        assert!(mpdesk(&db, None, &["init"]).status.success());
        assert!(mpdesk(&db, None, &["demo-data"]).status.success());
        for who in ["olivia", "dana", "stranger"] {
            keygen(&dir.path().join(who));
        }
        for who in ["olivia", "dana"] {
            let added =
                mpdesk(&db, None, &["key", "add", who, dir.path().join(format!("{who}.pub")).to_str().expect("utf8")]);
            assert!(added.status.success(), "key add: {}", stderr(&added));
        }
        let account = mpdesk::session::os_login().expect("the account the tests run as");
        let host_key = dir.path().join("host_key");
        keygen(&host_key);
        let port = free_port();
        let mut bin_dir = None;
        let mut replacements = vec![("Match User mpdesk", format!("Match User {account}"))];
        match mode {
            Mode::KeysFile => {
                let file = dir.path().join("authorized_keys");
                std::fs::write(&file, "# a line the operator wrote, kept as it is\n").expect("write");
                let out = mpdesk(&db, None, &["ssh", "authorized-keys", "--write", file.to_str().expect("utf8")]);
                assert!(out.status.success(), "{}", stderr(&out));
                replacements.push(("/var/lib/mpdesk/.ssh/authorized_keys", file.display().to_string()));
            }
            Mode::KeysCommand => {
                // sshd runs a keys command only from a root-owned folder chain.
                let made = run(Command::new("mktemp").args(["-d", "/run/mpdesk-test.XXXXXX"]));
                let bin = PathBuf::from(String::from_utf8_lossy(&made.stdout).trim());
                run(Command::new("chmod").arg("755").arg(&bin));
                std::fs::copy(env!("CARGO_BIN_EXE_mpdesk"), bin.join("mpdesk")).expect("copy mpdesk");
                replacements.push(("/usr/local/bin/mpdesk", bin.join("mpdesk").display().to_string()));
                replacements.push(("/var/lib/mpdesk/mpdesk.db", db.display().to_string()));
                replacements.push(("AuthorizedKeysCommandUser mpdesk", format!("AuthorizedKeysCommandUser {account}")));
                bin_dir = Some(bin);
            }
        }
        let block = localize(&readme_block(mode), &replacements);
        let root = if account == "root" { "PermitRootLogin forced-commands-only\n" } else { "" };
        let config = dir.path().join("sshd_config");
        // What the test adds around README's block: where to listen, its host
        // key, no PAM (a container), a temporary keys file (StrictModes), and
        // an operator who widened AcceptEnv as far as it goes — mpdesk must
        // not care what the client sends.
        std::fs::write(
            &config,
            format!(
                "Port {port}\nListenAddress 127.0.0.1\nHostKey {}\nPidFile {}\nUsePAM no\nStrictModes no\n\
                 AcceptEnv MPDESK_* HOME XDG_* LANG LC_* NO_COLOR COLORTERM SSH_*\n{root}{block}",
                host_key.display(),
                dir.path().join("sshd.pid").display()
            ),
        )
        .expect("config");
        let check = run(Command::new(SSHD).arg("-t").arg("-f").arg(&config));
        assert!(check.status.success(), "sshd -t refused README's block:\n{}", stderr(&check));
        let log = dir.path().join("sshd.log");
        let sshd = Command::new(SSHD).arg("-D").arg("-f").arg(&config).arg("-E").arg(&log).spawn().expect("start sshd");
        let server = Self { dir, db, port, account, mode, sshd, bin_dir };
        let start = Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                start.elapsed() < Duration::from_secs(10),
                "sshd did not start: {}",
                std::fs::read_to_string(&log).unwrap_or_default()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        server
    }

    pub fn key(&self, who: &str) -> PathBuf {
        self.dir.path().join(who)
    }

    pub fn fingerprint_of(&self, who: &str) -> String {
        fingerprint(&self.key(who).with_extension("pub"))
    }

    /// In mode B, the operator writes the block again (README: after adding keys).
    pub fn refresh_keys(&self) {
        if self.mode == Mode::KeysFile {
            let file = self.dir.path().join("authorized_keys");
            let out = mpdesk(&self.db, None, &["ssh", "authorized-keys", "--write", file.to_str().expect("utf8")]);
            assert!(out.status.success(), "{}", stderr(&out));
        }
    }

    pub fn ssh_args(&self, who: &str) -> Vec<String> {
        let mut args: Vec<String> = ["-F", "/dev/null", "-i"].map(String::from).to_vec();
        args.push(self.key(who).display().to_string());
        for option in [
            "BatchMode=yes",
            "IdentitiesOnly=yes",
            "StrictHostKeyChecking=no",
            "UserKnownHostsFile=/dev/null",
            "LogLevel=ERROR",
        ] {
            args.push("-o".to_string());
            args.push(option.to_string());
        }
        args.push("-p".to_string());
        args.push(self.port.to_string());
        args
    }

    fn command(&self, who: &str, extra: &[&str], remote: &[&str]) -> Command {
        let mut cmd = Command::new("ssh");
        // "--" ends ssh's own options: OpenSSH also reads options after the host.
        cmd.args(self.ssh_args(who)).args(extra).arg("--").arg(format!("{}@127.0.0.1", self.account)).args(remote);
        cmd
    }

    /// `ssh` as `who`'s key, with `extra` client options, running `remote`.
    pub fn ssh(&self, who: &str, extra: &[&str], remote: &[&str]) -> Output {
        run(self.command(who, extra, remote).stdin(Stdio::null()))
    }

    /// The same, with `input` on standard input.
    pub fn ssh_with_input(&self, who: &str, remote: &[&str], input: &[u8]) -> Output {
        use std::io::Write;
        let mut child = self
            .command(who, &[], remote)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("ssh");
        let mut stdin = child.stdin.take().expect("stdin");
        let input = input.to_vec();
        let writer = std::thread::spawn(move || {
            let _ = stdin.write_all(&input);
        });
        let output = child.wait_with_output().expect("ssh output");
        let _ = writer.join();
        output
    }

    /// `ssh` left running with its standard input open (to write later).
    pub fn ssh_spawn(&self, who: &str, remote: &[&str]) -> Child {
        self.command(who, &[], remote)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("ssh")
    }

    /// The arguments of `ssh -tt` as `who`: the console in a terminal.
    pub fn console_args(&self, who: &str) -> Vec<String> {
        let mut args: Vec<String> = vec!["-tt".to_string()];
        args.extend(self.ssh_args(who));
        args.push(format!("{}@127.0.0.1", self.account));
        args
    }

    pub fn program_names(&self, output: &Output) -> Vec<String> {
        let json: serde_json::Value = serde_json::from_slice(&output.stdout)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&output.stderr)));
        json.as_array().expect("array").iter().map(|p| p["name"].as_str().expect("name").to_string()).collect()
    }

    pub fn program_exists(&self, name: &str) -> bool {
        let desk = Desk::open(&self.db).expect("open");
        let olivia = desk.actor("olivia").expect("olivia");
        desk.show_program(&olivia, name).is_ok()
    }

    /// Every row of every table but the log (and its tallies) and the live
    /// sessions, as text: what a refused attempt must leave as it was.
    pub fn data(&self) -> String {
        data_of(&self.db)
    }
}

/// See [`Server::data`].
pub fn data_of(db: &Path) -> String {
    let conn = rusqlite::Connection::open(db).expect("open");
    let tables: Vec<String> = conn
        .prepare(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'audit%'
             AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '%_fts%' AND name != 'ssh_sessions'
             AND name != 'workspace_tallies' ORDER BY name",
        )
        .expect("tables")
        .query_map([], |r| r.get(0))
        .expect("query")
        .collect::<Result<_, _>>()
        .expect("rows");
    let mut text = String::new();
    for table in tables {
        let mut stmt = conn.prepare(&format!("SELECT * FROM {table} ORDER BY 1, 2")).expect("select");
        let columns = stmt.column_count();
        let rows = stmt
            .query_map([], |r| {
                let cells: Vec<String> = (0..columns)
                    .map(|i| match r.get_ref(i) {
                        Ok(value) => format!("{value:?}"),
                        Err(e) => e.to_string(),
                    })
                    .collect();
                Ok(cells.join("|"))
            })
            .expect("rows");
        text.push_str(&format!("[{table}]\n"));
        for row in rows {
            text.push_str(&row.expect("row"));
            text.push('\n');
        }
    }
    text
}
