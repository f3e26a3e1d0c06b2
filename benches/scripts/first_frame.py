#!/usr/bin/env python3
"""Start -> first frame of the real console in a pseudo-terminal (80x24),
against the sqlite3 CLI running the console's own first-page query on the
same file: medians of 25 interleaved runs each.

    cargo build --release
    python3 benches/scripts/first_frame.py DB LOGIN [USER_ID WORKSPACE_ID]

The first frame is taken as the moment "Details" (the right pane's title)
has been written to the terminal.
"""
import os, pty, select, statistics, struct, subprocess, sys, time, fcntl, termios

MPDESK = os.path.join(os.path.dirname(__file__), "..", "..", "target", "release", "mpdesk")
db, login = sys.argv[1], sys.argv[2]
user_id, workspace_id = (sys.argv[3], sys.argv[4]) if len(sys.argv) > 4 else ("1", "1")
QUERY = f"""SELECT p.id, p.app_id, p.name, p.workspace_id, w.name, p.status,
    (SELECT v.version FROM versions v WHERE v.program_id = p.id AND v.state = 'live'),
    (SELECT count(*) FROM versions v WHERE v.program_id = p.id),
    m.role, m.status, pm.user_id IS NOT NULL
FROM programs p JOIN workspaces w ON w.id = p.workspace_id
JOIN workspace_members m ON m.workspace_id = p.workspace_id AND m.user_id = {user_id} AND m.status = 'active'
LEFT JOIN program_members pm ON pm.program_id = p.id AND pm.user_id = {user_id}
WHERE (m.role IN ('owner','master') OR pm.user_id IS NOT NULL) AND p.workspace_id = {workspace_id}
ORDER BY p.name COLLATE NOCASE ASC, p.name ASC LIMIT 201;"""


def first_frame():
    start = time.perf_counter()
    pid, fd = pty.fork()
    if pid == 0:
        os.environ["TERM"] = "xterm-256color"
        os.execv(MPDESK, ["mpdesk", "--db", db, "--user", login])
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    seen = b""
    while b"Details" not in seen:
        ready, _, _ = select.select([fd], [], [], 5)
        if not ready:
            break
        try:
            seen += os.read(fd, 65536)
        except OSError:
            break
    elapsed = time.perf_counter() - start
    os.write(fd, b"q")
    os.waitpid(pid, 0)
    os.close(fd)
    return elapsed


def sqlite3_first_page():
    start = time.perf_counter()
    subprocess.run(["sqlite3", db], input=QUERY.encode(), capture_output=True, check=True)
    return time.perf_counter() - start


ours, theirs = [], []
for _ in range(25):
    ours.append(first_frame())
    theirs.append(sqlite3_first_page())
a, b = statistics.median(ours), statistics.median(theirs)
print(f"mpdesk first frame {a * 1e3:.1f} ms; sqlite3 first page {b * 1e3:.1f} ms; ratio {a / b:.2f}")
