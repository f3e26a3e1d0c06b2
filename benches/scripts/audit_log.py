#!/usr/bin/env python3
"""The audit log leaving mpdesk, timed from outside on a generated busy
server, as the operator (every entry):

- `audit export` (JSON lines, to a pipe) against `sqlite3 -json` reading the
  same rows and columns from the same file: median wall time of RUNS
  (default 5) runs each, interleaved, and the peak memory of one more
  (GNU time's %M) — which must not grow with the log;
- `audit verify`: the walk over every entry, median of RUNS;
- `audit --follow` idle: its CPU over IDLE seconds (default 10) with no
  commit, from /proc/PID/stat.

    cargo build --release && cargo bench --bench keys   # makes the databases
    python3 benches/scripts/audit_log.py target/bench-data/busy-v3-small.db
    python3 benches/scripts/audit_log.py target/bench-data/busy-v3-large.db

The first mpdesk run on a database made before the chain migrates it
(chains every entry once); run the script twice, or open it once first.
"""
import os, statistics, subprocess, sys, tempfile, time

MPDESK = os.path.join(os.path.dirname(__file__), "..", "..", "target", "release", "mpdesk")
RUNS = int(os.environ.get("RUNS", "5"))
IDLE = float(os.environ.get("IDLE", "10"))
COLUMNS = (
    "id, at, actor, workspace, program, program_app_id AS app_id, operation, outcome, detail, via, "
    "workspace_id, undo, reverts, lower(hex(prev)) AS prev, lower(hex(hash)) AS hash"
)


def run(argv):
    start = time.perf_counter()
    code = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode
    if code != 0:
        sys.exit(f"{argv} failed: {code}")
    return time.perf_counter() - start


def peak_kb(argv):
    with tempfile.NamedTemporaryFile("r") as out:
        subprocess.run(["/usr/bin/time", "-f", "%M", "-o", out.name] + argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return int(out.read().split()[-1])


def cpu_ticks(pid):
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime + stime


def main():
    db = sys.argv[1]
    env_mpdesk = [MPDESK, "--db", db]
    os.environ.pop("MPDESK_USER", None)
    entries = subprocess.run(["sqlite3", db, "SELECT count(*) FROM audit"], capture_output=True, text=True, check=True).stdout.strip()
    print(f"{db}: {int(entries):,} entries")

    ours = env_mpdesk + ["audit", "export"]
    theirs = ["sqlite3", "-json", db, f"SELECT {COLUMNS} FROM audit ORDER BY id"]
    times = {"export": [], "sqlite3": [], "verify": []}
    for _ in range(RUNS):
        times["export"].append(run(ours))
        times["sqlite3"].append(run(theirs))
        times["verify"].append(run(env_mpdesk + ["audit", "verify"]))
    export, sqlite, verify = (statistics.median(times[k]) for k in ("export", "sqlite3", "verify"))
    print(f"export: {export * 1000:,.0f} ms, {peak_kb(ours) / 1024:.1f} MB peak")
    print(f"sqlite3 -json, same rows: {sqlite * 1000:,.0f} ms, {peak_kb(theirs) / 1024:.1f} MB peak  ({export / sqlite:.2f}x)")
    print(f"verify: {verify * 1000:,.0f} ms, {peak_kb(env_mpdesk + ['audit', 'verify']) / 1024:.1f} MB peak")

    follow = subprocess.Popen(env_mpdesk + ["audit", "--follow"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    time.sleep(1)
    hz = os.sysconf("SC_CLK_TCK")
    before = cpu_ticks(follow.pid)
    time.sleep(IDLE)
    used = (cpu_ticks(follow.pid) - before) / hz
    follow.terminate()
    follow.wait()
    print(f"follow, idle {IDLE:.0f} s: {used * 1000:.0f} ms CPU ({used / IDLE * 100:.2f}%)")


if __name__ == "__main__":
    main()
