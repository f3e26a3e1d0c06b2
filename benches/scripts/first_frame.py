#!/usr/bin/env python3
"""Start -> first frame of the real console in a pseudo-terminal (80x24),
against the sqlite3 CLI running the console's own first-page query on the
same file, and against the two floors a person's wait is bounded by:
sqlite3 printing the first 40 names through pipes (start a process, open
the file, read one page) and `mpdesk --version` (start this process):
medians of interleaved runs (25 each unless RUNS says).

    cargo build --release
    python3 benches/scripts/first_frame.py DB LOGIN [USER_ID WORKSPACE_ID]

Both programs are started the same way, through a new pseudo-terminal, so
the cost of starting a process there (printed as the floor: /bin/true)
weighs on both sides alike. The console's first frame is the moment the
selected program's details ("App ID") have been written; "settled" is its
last byte before 30 ms without one. sqlite3's answer is complete when it
has printed every row and exited.

Older versions of this script ran sqlite3 through pipes instead: that
spared it the pseudo-terminal's ~1.3 ms, which the console always paid.
The figure it gave is printed too ("sqlite3 through pipes").
"""
import os, pty, select, statistics, struct, subprocess, sys, time, fcntl, termios

MPDESK = os.path.join(os.path.dirname(__file__), "..", "..", "target", "release", "mpdesk")
db, login = sys.argv[1], sys.argv[2]
user_id, workspace_id = (sys.argv[3], sys.argv[4]) if len(sys.argv) > 4 else ("1", "1")
RUNS = int(os.environ.get("RUNS", "25"))
QUERY = f"""SELECT p.id, p.app_id, p.name, p.workspace_id, w.name, p.status,
    (SELECT v.version FROM versions v WHERE v.program_id = p.id AND v.state = 'live'),
    (SELECT count(*) FROM versions v WHERE v.program_id = p.id),
    m.role, m.status, pm.user_id IS NOT NULL
FROM programs p JOIN workspaces w ON w.id = p.workspace_id
JOIN workspace_members m ON m.workspace_id = p.workspace_id AND m.user_id = {user_id} AND m.status = 'active'
LEFT JOIN program_members pm ON pm.program_id = p.id AND pm.user_id = {user_id}
WHERE (m.role IN ('owner','master') OR pm.user_id IS NOT NULL) AND p.workspace_id = {workspace_id}
ORDER BY p.name COLLATE NOCASE ASC, p.name ASC LIMIT 201;"""


def in_pty(argv, done=None, quiet=False, settled=None):
    """Seconds from fork until `done` is in the output (or, without
    `done`, until the program has exited). `quiet` sends its standard
    output to /dev/null: only starting and answering count, not how a
    terminal takes 201 lines. `settled`, a list, gets the seconds until
    the last byte before 30 ms of quiet after `done`."""
    start = time.perf_counter()
    pid, fd = pty.fork()
    if pid == 0:
        os.environ["TERM"] = "xterm-256color"
        if quiet:
            os.dup2(os.open(os.devnull, os.O_WRONLY), 1)
        os.execv(argv[0], argv)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    seen = b""
    while done is None or done not in seen:
        ready, _, _ = select.select([fd], [], [], 5)
        if not ready:
            break
        try:
            chunk = os.read(fd, 65536)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
    elapsed = time.perf_counter() - start
    if settled is not None:
        last = elapsed
        while select.select([fd], [], [], 0.03)[0]:
            if not os.read(fd, 65536):
                break
            last = time.perf_counter() - start
        settled.append(last)
    if done is not None:
        os.write(fd, b"q")
    os.waitpid(pid, 0)
    os.close(fd)
    return elapsed


def through_pipes(argv, stdin):
    start = time.perf_counter()
    subprocess.run(argv, input=stdin, capture_output=True, check=True)
    return time.perf_counter() - start


sqlite3 = subprocess.run(["which", "sqlite3"], capture_output=True, text=True, check=True).stdout.strip()
NAMES = f"SELECT name FROM programs WHERE workspace_id = {workspace_id} ORDER BY name COLLATE NOCASE LIMIT 40;"
runs = {"mpdesk": [], "settled": [], "sqlite3": [], "printed": [], "floor": [], "pipes": [], "names": [], "version": []}
for _ in range(RUNS):
    runs["mpdesk"].append(in_pty([MPDESK, "--db", db, "--user", login], b"App ID", settled=runs["settled"]))
    runs["names"].append(through_pipes([sqlite3, db], NAMES.encode()))
    runs["version"].append(through_pipes([MPDESK, "--version"], b""))
    runs["sqlite3"].append(in_pty([sqlite3, db, QUERY], quiet=True))
    runs["printed"].append(in_pty([sqlite3, db, QUERY]))
    runs["floor"].append(in_pty(["/bin/true"]))
    runs["pipes"].append(through_pipes([sqlite3, db], QUERY.encode()))
ms = {name: statistics.median(times) * 1e3 for name, times in runs.items()}
print(
    f"mpdesk first frame {ms['mpdesk']:.1f} ms; sqlite3 first page {ms['sqlite3']:.1f} ms; "
    f"ratio {ms['mpdesk'] / ms['sqlite3']:.2f}; "
    f"above the floor {ms['mpdesk'] - ms['floor']:.1f} / {ms['sqlite3'] - ms['floor']:.1f} ms, "
    f"ratio {(ms['mpdesk'] - ms['floor']) / (ms['sqlite3'] - ms['floor']):.2f}\n"
    f"  floor (/bin/true in a pseudo-terminal) {ms['floor']:.1f} ms; "
    f"sqlite3 printing its rows to the terminal {ms['printed']:.1f} ms; "
    f"sqlite3 through pipes (older versions of this script) {ms['pipes']:.1f} ms\n"
    f"  settled (last byte) {ms['settled']:.1f} ms; floors: sqlite3 printing 40 names through pipes "
    f"{ms['names']:.1f} ms (x{ms['mpdesk'] / ms['names']:.2f}), mpdesk --version {ms['version']:.1f} ms"
)
