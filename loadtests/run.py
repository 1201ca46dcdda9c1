"""Load test: gunicorn with the production settings on a free 127.0.0.1 port, 50 locust street workers.

Usage: `make loadtest` (BENCH_SIZE=small|full, LOAD_SECONDS=60), which seeds the bench organisation first and
runs `python -m loadtests.run` in the Makefile's BENCH_ENV. Steps: start gunicorn (2 workers × 4 threads),
wait until it answers, run locust headless for LOAD_SECONDS, stop gunicorn, then print one
`LOAD <group> median_ms=… p95_ms=… requests=… failures=…` line per group and add a dated section to
docs/benchmarks.md (newest first, like bench/run.py).

Groups: `reads` and `writes` after the ramp-up (which ends when the last of the 50 logins has answered),
`login`, and `rampup_reads` / `rampup_writes` for the clicks made while the logins were still running.
Exits 1 on any failed request (ramp-up included), a read p95 ≥ 500 ms or a write p95 ≥ 800 ms after the ramp-up.
Raw outputs (locust CSVs, the request log, gunicorn's errors) stay in var/loadtest/.
"""

from __future__ import annotations

import csv
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

HOST = "127.0.0.1"  # never anything else: the test and the server stay on the loopback interface
ROOT = Path(__file__).resolve().parent.parent
SECONDS = int(os.environ.get("LOAD_SECONDS", "60"))
USERS = int(os.environ.get("LOAD_USERS", "50"))
SPAWN_RATE = 5
WORKERS, THREADS = 2, 4
TARGETS_MS = {"reads": 500.0, "writes": 800.0}  # issue 5: p95 targets


@dataclass
class Row:
    group: str  # "read", "write" or "auth"
    name: str
    ms: float
    ok: bool
    end: float  # epoch seconds


@dataclass
class Group:
    name: str
    timings: list[float]
    failures: int

    @classmethod
    def of(cls, name: str, rows: list[Row]) -> Group:
        return cls(name, [r.ms for r in rows], sum(not r.ok for r in rows))

    @property
    def median(self) -> float:
        return statistics.median(self.timings) if self.timings else 0.0

    @property
    def p95(self) -> float:
        ordered = sorted(self.timings)
        return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))] if ordered else 0.0

    @property
    def max(self) -> float:
        return max(self.timings, default=0.0)

    def line(self) -> str:
        return (
            f"LOAD {self.name} median_ms={self.median:.1f} p95_ms={self.p95:.1f} "
            f"requests={len(self.timings)} failures={self.failures}"
        )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def bench_members() -> tuple[int, str]:
    """How many bench members exist (bench-000…), and a description of the database."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mano.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection

    from mano.accounts.models import User

    count = User.objects.filter(email__regex=r"^bench-[0-9]{3}@bench\.mano\.local$").count()
    database = f"{connection.vendor} ({settings.DATABASES['default']['NAME']})"
    connection.close()
    if not count:
        sys.exit("No bench members: run `make bench-seed` (or `make loadtest`) first.")
    return count, database


def start_gunicorn(port: int, log: Path) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "gunicorn", "mano.wsgi", "--bind", f"{HOST}:{port}"]
    command += [
        "--workers",
        str(WORKERS),
        "--threads",
        str(THREADS),
        "--error-logfile",
        str(log),
        "--log-level",
        "warning",
    ]
    return subprocess.Popen(command, cwd=ROOT)


def wait_until_up(port: int, server: subprocess.Popen[bytes], timeout: float = 60) -> None:
    request = urllib.request.Request(f"http://{HOST}:{port}/connexion/", headers={"X-Forwarded-Proto": "https"})
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"gunicorn stopped at start-up (exit {server.returncode})")
        try:
            with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310  (loopback http only)
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError):
            pass
        time.sleep(0.5)
    sys.exit(f"gunicorn did not answer on {HOST}:{port} within {timeout:.0f} s")


def run_locust(port: int, prefix: Path, request_log: Path, accounts: int) -> int:
    command = [sys.executable, "-m", "locust", "-f", str(ROOT / "loadtests" / "locustfile.py"), "--headless"]
    command += ["-u", str(USERS), "-r", str(SPAWN_RATE), "-t", f"{SECONDS}s", "--stop-timeout", "10"]
    command += ["--host", f"http://{HOST}:{port}", "--csv", str(prefix), "--only-summary", "--loglevel", "WARNING"]
    env = {**os.environ, "LOAD_USERS": str(USERS), "LOAD_ACCOUNTS": str(accounts), "LOAD_REQUEST_LOG": str(request_log)}
    try:
        return subprocess.run(command, cwd=ROOT, env=env, timeout=SECONDS + 120).returncode
    except subprocess.TimeoutExpired:
        print("locust did not stop in time: killed", file=sys.stderr)
        return -1


def stop(server: subprocess.Popen[bytes]) -> None:
    server.terminate()  # graceful: gunicorn finishes the requests in flight
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def read_log(request_log: Path) -> list[Row]:
    rows = []
    for line in request_log.read_text().splitlines():
        group, name, ms, ok, end = line.split("\t")
        rows.append(Row(group, name, float(ms), ok == "1", float(end)))
    return rows


def locust_totals(prefix: Path) -> tuple[int, int]:
    """Requests and failures in locust's own CSV ("Aggregated" row), to check the request log against.

    Locust rewrites that CSV every second and not at exit: requests of the last second may be missing from it.
    """
    with open(f"{prefix}_stats.csv", newline="") as stats:
        for row in csv.DictReader(stats):
            if row["Name"] == "Aggregated":
                return int(row["Request Count"]), int(row["Failure Count"])
    return 0, 0


def summarise(rows: list[Row]) -> tuple[list[Group], list[Group], float]:
    """Main groups, steady-state groups per request name, and the ramp-up length in seconds.

    The ramp-up lasts until the last login has answered: 50 Argon2id derivations (64 MiB each) in ten seconds
    share the CPU with the first clicks. Reads and writes are judged after it; what happened during it is
    reported beside them (rampup_reads, rampup_writes), and every failure counts, whenever it happened.
    """
    if not rows:
        return [], [], 0.0
    first = min(r.end - r.ms / 1000 for r in rows)
    steady_from = max((r.end for r in rows if r.group == "auth"), default=first)
    steady = [r for r in rows if r.end > steady_from]
    ramp = [r for r in rows if r.end <= steady_from]
    main = [
        Group.of("reads", [r for r in steady if r.group == "read"]),
        Group.of("writes", [r for r in steady if r.group == "write"]),
        Group.of("login", [r for r in rows if r.group == "auth"]),
        Group.of("rampup_reads", [r for r in ramp if r.group == "read"]),
        Group.of("rampup_writes", [r for r in ramp if r.group == "write"]),
    ]
    names = sorted({r.name for r in steady})
    per_name = [Group.of(n, [r for r in steady if r.name == n]) for n in names]
    return main, per_name, steady_from - first


def verdict(rows: list[Row], main: list[Group], totals: tuple[int, int]) -> list[str]:
    failed = [r for r in rows if not r.ok]
    problems = [f"{len(failed)} failed requests ({', '.join(sorted({r.name for r in failed}))})"] if failed else []
    if totals[0] > len(rows) or totals[1] > len(failed):  # locust's CSV may miss the last second, never more
        problems.append(f"the request log lost requests: locust counted {totals[0]} ({totals[1]} failed)")
    for group in main[:2]:
        target = TARGETS_MS[group.name]
        if not group.timings:
            problems.append(f"no {group.name} measured")
        elif group.p95 >= target:
            problems.append(f"{group.name} p95 {group.p95:.0f} ms ≥ {target:.0f} ms")
    return problems


def section(main: list[Group], per_name: list[Group], ramp_s: float, database: str, loads: tuple[str, str]) -> str:
    size = os.environ.get("BENCH_SIZE", "small")
    labels = {
        "reads": "**reads** (after ramp-up)",
        "writes": "**writes** (after ramp-up)",
        "login": "login page + login",
        "rampup_reads": "reads during ramp-up",
        "rampup_writes": "writes during ramp-up",
    }
    rows = [(labels[g.name], g) for g in main] + [(g.name, g) for g in per_name]
    table = ["| requests | count | failures | median ms | p95 ms | max ms |", "|---|---|---|---|---|---|"]
    table += [
        f"| {label} | {len(g.timings)} | {g.failures} | {g.median:.0f} | {g.p95:.0f} | {g.max:.0f} |"
        for label, g in rows
    ]
    text = [
        f"## {datetime.now().date().isoformat()} — load test, {size} size, {USERS} users for {SECONDS} s",
        "",
        f"locust, {USERS} street workers (2–6 s between clicks, {SPAWN_RATE} started per second, each logged in "
        f"once) against gunicorn ({WORKERS} workers × {THREADS} threads, production settings, DEBUG=False) on {HOST}, "
        f"database {database}; {os.cpu_count()} cores, load average {loads[0]} before and {loads[1]} after. "
        f"Ramp-up (until the last login answered): {ramp_s:.0f} s. Targets after ramp-up: read p95 < "
        f"{TARGETS_MS['reads']:.0f} ms, write p95 < {TARGETS_MS['writes']:.0f} ms, no failed request.",
        "",
        *table,
    ]
    return "\n".join(text) + "\n"


def write_docs(text: str) -> None:
    """Newest first, like bench/run.py: the new section goes right after the file's header."""
    out = ROOT / "docs" / "benchmarks.md"
    previous = out.read_text() if out.exists() else "# Benchmarks\n\nNewest first. `make bench` appends here.\n"
    head, _, rest = previous.partition("\n## ")
    out.write_text(head.rstrip() + "\n\n" + text.strip() + "\n" + (("\n## " + rest) if rest else ""))
    print(f"Written to {out.relative_to(ROOT)}")


def load_average() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> int:
    accounts, database = bench_members()
    out = ROOT / "var" / "loadtest"
    out.mkdir(parents=True, exist_ok=True)
    stamp = f"{os.environ.get('BENCH_SIZE', 'small')}-{datetime.now():%Y%m%d-%H%M%S}"
    prefix, request_log = out / stamp, out / f"{stamp}_requests.tsv"
    port = free_port()
    before = load_average()
    server = start_gunicorn(port, out / f"{stamp}_gunicorn.log")
    try:
        wait_until_up(port, server)
        print(f"gunicorn on {HOST}:{port}; {USERS} users for {SECONDS} s ({accounts} bench members)", flush=True)
        locust_exit = run_locust(port, prefix, request_log, accounts)
        after = load_average()
    finally:
        stop(server)
    if not request_log.exists() or not Path(f"{prefix}_stats.csv").exists():
        print(f"locust wrote no request log (exit {locust_exit})", file=sys.stderr)
        return 1
    rows = read_log(request_log)
    main_groups, per_name, ramp_s = summarise(rows)
    for group in main_groups:
        print(group.line())
    write_docs(section(main_groups, per_name, ramp_s, database, (before, after)))
    problems = verdict(rows, main_groups, locust_totals(prefix)) + (
        [f"locust exit {locust_exit}"] if locust_exit not in (0, 1) else []
    )
    print("LOAD result=" + ("fail: " + "; ".join(problems) if problems else "ok"))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
