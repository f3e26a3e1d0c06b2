#!/usr/bin/env python3
"""N idle consoles on one server, each in its own pseudo-terminal (100x30),
as a server that serves mpdesk over SSH runs them: one process a person.
For each N (default 10 100 1000) it reports

  - CPU: every console's user+system time over an idle window, as a share
    of one core (from /proc/PID/stat);
  - bytes written to the terminals in that window (an idle console writes
    none);
  - PSS per console (from /proc/PID/smaps_rollup: shared pages counted
    once, split among the processes that share them);
  - commit to all screens: another process renames the program at the top
    of every console's list; the time from that process's start to the
    last byte the slowest console wrote in answer (and how many answered);
  - how many consoles hold an inotify watch (the others look every second).

    cargo build --release && cargo bench --bench keys   # makes the database
    python3 benches/scripts/idle_consoles.py target/bench-data/busy-v3-small.db [N ...]

The database is copied first. The consoles are owner (Owner of Big,
Master of Side A, Developer of Side B) and dev1...dev9 (Developers of Big),
in turn: every one of them sees the renamed program. A user may hold at
most fs.inotify.max_user_instances watches (128 by default on Linux): run
as root, the script raises it for the run when it is lower than N, as the
Debian package does on a server (/usr/lib/sysctl.d/60-mpdesk.conf).
"""
import fcntl, os, pty, resource, selectors, shutil, struct, subprocess, sys, tempfile, termios, time

MPDESK = os.path.join(os.path.dirname(__file__), "..", "..", "target", "release", "mpdesk")
LOGINS = ["owner"] + [f"dev{k}" for k in range(1, 10)]
IDLE_WINDOW = float(os.environ.get("IDLE_WINDOW", "10"))
HZ = os.sysconf("SC_CLK_TCK")
INOTIFY_LIMIT = "/proc/sys/fs/inotify/max_user_instances"


def start(db, login):
    pid, fd = pty.fork()
    if pid == 0:
        os.environ["TERM"] = "xterm-256color"
        as_a_server_runs_them()
        os.execv(MPDESK, [MPDESK, "--db", db, "--user", login])
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
    os.set_blocking(fd, False)
    return pid, fd


def as_a_server_runs_them():
    """Back to the priority every process has (the reader's is raised)."""
    os.setpriority(os.PRIO_PROCESS, 0, 0)


def cpu_ticks(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


def pss_kb(pid):
    with open(f"/proc/{pid}/smaps_rollup") as f:
        for line in f:
            if line.startswith("Pss:"):
                return int(line.split()[1])
    return 0


def watches(pid):
    try:
        return any("inotify" in os.readlink(f"/proc/{pid}/fd/{fd}") for fd in os.listdir(f"/proc/{pid}/fd"))
    except OSError:
        return False


class Consoles:
    def __init__(self, db, n):
        self.sel = selectors.DefaultSelector()
        self.procs = []  # (pid, fd)
        self.seen = {}  # fd -> bytes seen so far (only until the first frame)
        self.written = {}  # fd -> bytes written
        self.last_byte = {}  # fd -> time of the last byte
        for i in range(n):
            pid, fd = start(db, LOGINS[i % len(LOGINS)])
            self.procs.append((pid, fd))
            self.seen[fd], self.written[fd] = b"", 0
            self.sel.register(fd, selectors.EVENT_READ)
            self.pump(0)

    def pump(self, timeout):
        for key, _ in self.sel.select(timeout):
            try:
                chunk = os.read(key.fd, 65536)
            except OSError:
                chunk = b""
            if not chunk:
                self.sel.unregister(key.fd)
                continue
            self.written[key.fd] += len(chunk)
            now = time.perf_counter()
            # The end of the first burst after `last_byte` was cleared: a
            # later burst (a minute's turn) is not the answer.
            previous = self.last_byte.get(key.fd)
            if previous is None or now - previous < 0.1:
                self.last_byte[key.fd] = now
            if self.seen[key.fd] is not None:
                self.seen[key.fd] += chunk
                if b"Details" in self.seen[key.fd]:
                    self.seen[key.fd] = None

    def pump_for(self, seconds):
        end = time.perf_counter() + seconds
        while (left := end - time.perf_counter()) > 0:
            self.pump(left)

    def wait_first_frames(self, within=120):
        end = time.perf_counter() + within
        while any(v is not None for v in self.seen.values()) and time.perf_counter() < end:
            self.pump(0.5)
        return sum(v is None for v in self.seen.values())

    def stop(self):
        for pid, fd in self.procs:
            try:
                os.write(fd, b"q")
            except OSError:
                pass
        for pid, fd in self.procs:
            os.waitpid(pid, 0)
            os.close(fd)


def measure(source, n):
    work = tempfile.mkdtemp(prefix="mpdesk-idle-")
    db = os.path.join(work, "server.db")
    shutil.copy(source, db)
    consoles = Consoles(db, n)
    framed = consoles.wait_first_frames()
    consoles.pump_for(2)  # the first frames' last bytes
    pids = [pid for pid, _ in consoles.procs]
    watching = sum(watches(pid) for pid in pids)
    pss = sum(pss_kb(pid) for pid in pids) / n

    before_cpu = sum(cpu_ticks(pid) for pid in pids)
    before_bytes = sum(consoles.written.values())
    start = time.perf_counter()
    consoles.pump_for(IDLE_WINDOW)
    elapsed = time.perf_counter() - start
    cpu = (sum(cpu_ticks(pid) for pid in pids) - before_cpu) / HZ / elapsed * 100
    idle_bytes = sum(consoles.written.values()) - before_bytes

    # Not just before a minute's turn (every console redraws a countdown
    # then, which is not an answer to the commit).
    second = time.time() % 60
    if second > 54:
        consoles.pump_for(61 - second)
    consoles.last_byte.clear()
    before_commit_cpu = sum(cpu_ticks(pid) for pid in pids)
    # From the start of the other process (its commit is a few ms into
    # it), reading the terminals all along: a byte is timed when written.
    committing = time.perf_counter()
    other = subprocess.Popen(
        [MPDESK, "--db", db, "--user", "owner", "program", "edit", "Amber Arcade 000483", "--name", "Amber Arcade renamed"],
        stdout=subprocess.DEVNULL,
        preexec_fn=as_a_server_runs_them,
    )
    while other.poll() is None and time.perf_counter() - committing < 60:
        consoles.pump(0.01)
    commit_took = time.perf_counter() - committing
    consoles.pump_for(5)
    if other.wait() != 0:
        sys.exit("the commit failed")
    answered = [t - committing for t in consoles.last_byte.values()]
    commit_cpu = (sum(cpu_ticks(pid) for pid in pids) - before_commit_cpu) / HZ / n * 1e3
    consoles.stop()
    shutil.rmtree(work)
    # p50 and p100 of commit -> a console's last byte, over the consoles.
    slowest = max(answered) * 1e3 if answered else float("nan")
    half = sorted(answered)[len(answered) // 2] * 1e3 if answered else float("nan")
    print(
        f"N={n:5}: first frames {framed}/{n}; inotify {watching}/{n}; idle CPU {cpu:.2f}% of one core "
        f"over {elapsed:.0f} s; idle bytes {idle_bytes}; PSS {pss / 1024:.2f} MB a console; "
        f"commit to each screen p50 {half:.0f} ms, p100 {slowest:.0f} ms ({len(answered)}/{n} answered; the commit's process took "
        f"{commit_took * 1e3:.0f} ms; CPU a console for it {commit_cpu:.2f} ms)",
        flush=True,
    )


def main():
    source = sys.argv[1]
    # This reader times each byte when it reads it: ahead of a thousand
    # consoles busy with one commit it would read late and time late. As
    # root it runs at a higher priority (the consoles and the writer it
    # starts run at the usual one).
    if os.geteuid() == 0:
        os.nice(-10)
    sizes = [int(a) for a in sys.argv[2:]] or [10, 100, 1000]
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, max(soft, 4 * max(sizes) + 64)), hard))
    with open(INOTIFY_LIMIT) as f:
        limit = int(f.read())
    if limit < max(sizes) + 16 and os.geteuid() == 0:
        with open(INOTIFY_LIMIT, "w") as f:
            f.write(str(max(sizes) + 64))
    try:
        for n in sizes:
            measure(source, n)
    finally:
        if os.geteuid() == 0:
            with open(INOTIFY_LIMIT, "w") as f:
                f.write(str(limit))


if __name__ == "__main__":
    main()
