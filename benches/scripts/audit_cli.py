#!/usr/bin/env python3
"""The `audit` and `undo --dry-run` commands as `owner` on a generated busy
server (Owner of Big, Master of Side A, Developer of Side B), timed from
outside against the `sqlite3` CLI reading the same rows from the same file:
median wall time of RUNS (default 11) runs each, interleaved, and the
peak memory of one more run (GNU time's %M). Standard output goes to
/dev/null for both.

    cargo build --release && cargo bench --bench keys   # makes the databases
    python3 benches/scripts/audit_cli.py target/bench-data/busy-v3-small.db
    python3 benches/scripts/audit_cli.py target/bench-data/busy-v3-large.db

sqlite3's query is the one a person who knows the schema would write for
the same page: for the union of owner's workspaces, each way in (a
workspace's index, a program's index) limited on its own, then merged.
"""
import os, statistics, subprocess, sys, tempfile, time

MPDESK = os.path.join(os.path.dirname(__file__), "..", "..", "target", "release", "mpdesk")
RUNS = int(os.environ.get("RUNS", "11"))
COLUMNS = "id, at, actor, workspace, program, program_app_id, operation, outcome, detail, via"


def run(argv):
    """Seconds of one run, its output discarded."""
    start = time.perf_counter()
    code = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode
    elapsed = time.perf_counter() - start
    if code not in (0, 5):  # 5: undo refused, as expected
        sys.exit(f"{argv} failed: {code}")
    return elapsed


def peak_kb(argv):
    """Peak memory through GNU time: a process forked from Python would
    report Python's own peak (the kernel keeps it across exec)."""
    with tempfile.NamedTemporaryFile("r") as out:
        subprocess.run(["/usr/bin/time", "-f", "%M", "-o", out.name] + argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return int(out.read().split()[-1])


def scalar(db, sql):
    return subprocess.run(["sqlite3", db, sql], capture_output=True, text=True, check=True).stdout.strip()


def main():
    db = sys.argv[1]
    ws = {n: scalar(db, f"SELECT id FROM workspaces WHERE name = '{n}'") for n in ("Big", "Side A", "Side B")}
    owner = scalar(db, "SELECT id FROM users WHERE login = 'owner'")
    side_b_apps = scalar(
        db,
        f"SELECT group_concat(quote(p.app_id)) FROM program_members pm JOIN programs p ON p.id = pm.program_id "
        f"WHERE pm.user_id = {owner} AND p.workspace_id = {ws['Side B']}",
    )
    newest = scalar(db, f"SELECT id FROM audit WHERE workspace_id = {ws['Big']} ORDER BY id DESC LIMIT 1")
    middle = scalar(db, f"SELECT id FROM audit WHERE workspace_id = {ws['Big']} ORDER BY id DESC LIMIT 1 OFFSET (SELECT count(*) / 2 FROM audit)")
    program, app = scalar(db, f"SELECT program || '|' || program_app_id FROM audit WHERE id = {newest}").split("|")

    def page(where, limit):
        return f"SELECT {COLUMNS} FROM audit WHERE {where} ORDER BY id DESC LIMIT {limit}"

    def union(limit):
        parts = [f"SELECT * FROM ({page(f'workspace_id = {ws[n]}', limit)})" for n in ("Big", "Side A")]
        parts.append(f"SELECT * FROM ({page(f'program_app_id IN ({side_b_apps})', limit)})")
        return f"SELECT * FROM ({' UNION ALL '.join(parts)}) ORDER BY id DESC LIMIT {limit}"

    me = [MPDESK, "--db", db, "--user", "owner"]
    cases = []
    for limit in (20, 200, 1000):
        cases.append((f"audit --limit {limit} (all their workspaces)", me + ["audit", "--limit", str(limit)], union(limit)))
        cases.append((f"audit --limit {limit} --workspace Big (Owner)", me + ["audit", "--limit", str(limit), "--workspace", "Big"], page(f"workspace_id = {ws['Big']}", limit)))
        cases.append((f"audit --limit {limit} --workspace 'Side B' (Developer)", me + ["audit", "--limit", str(limit), "--workspace", "Side B"], page(f"program_app_id IN ({side_b_apps})", limit)))
    cases.append(("audit --limit 20 --program NAME (Owner)", me + ["audit", "--limit", "20", "--program", program], page(f"program_app_id = '{app}'", 20)))
    for label, entry in (("newest", newest), ("half-way", middle)):
        cases.append((f"undo {label} entry --dry-run", me + ["undo", entry, "--dry-run"], f"SELECT {COLUMNS} FROM audit WHERE id = {entry}"))

    print(f"{db}: {scalar(db, 'SELECT count(*) FROM audit')} entries; median of {RUNS} runs; peak memory")
    print("| command | mpdesk | sqlite3 | ratio |")
    print("|---|---|---|---|")
    for label, argv, sql in cases:
        ours, theirs = [], []
        for _ in range(RUNS):
            ours.append(run(argv))
            theirs.append(run(["sqlite3", db, sql]))
        t_ours = statistics.median(ours) * 1e3
        t_theirs = statistics.median(theirs) * 1e3
        m_ours = peak_kb(argv) / 1024
        m_theirs = peak_kb(["sqlite3", db, sql]) / 1024
        print(f"| `{label}` | {t_ours:.1f} ms, {m_ours:.1f} MB | {t_theirs:.1f} ms, {m_theirs:.1f} MB | {t_ours / t_theirs:.2f} |", flush=True)


if __name__ == "__main__":
    main()
