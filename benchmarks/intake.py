"""Intake benchmark: reports per second and p50/p99 latency of `POST /api/reports` with 32
concurrent clients on loopback, against a real `tessera serve` process, on SQLite and on
PostgreSQL; then a kill -9 of the server mid-run, after which every report the server
acknowledged (201) must be in the casework store and in the ledger, the ledger must still
verify, before and after the service starts again.

Targets (issues 4 and 9), each printed PASS or FAIL per backend (exit status 1 if any fails),
on 2 cores: at least 300 reports/s with 32 clients each sending its next report as soon as
the last is answered (capacity); p99 under 100 ms with reports arriving at a steady 300 a
second, every one acknowledged (latency in service); none lost after a kill -9. The two are
measured apart because with 32 clients in a closed loop latency is set by the clients, not
the service: by Little's law each waits about 32 / rate, 107 ms at 300 reports/s, whatever
the service does, so a p99 taken there says how many clients there were. The steady run offers
the target rate and times each report from when it was due, so a report held up behind
another counts in full. Beside each run it prints the CPU
the server (main process and workers), the clients, the server's PostgreSQL backends and the
rest of the machine used over the measured window, in cores and per report: on a shared
two-core machine, CPU-seconds a report move much less with the other load than reports/s do,
and a server well under its cores with long latencies is waiting, not computing. It also
prints how the clients' connections were spread over the workers. Run on demand, not in the
test suite:

    .venv/bin/python benchmarks/intake.py [--seconds 10] [--workers 2] [--clients 32]

The clients are asyncio streams speaking HTTP/1.1 with keep-alive, one process, so that as
little CPU as possible goes to the load generator on a two-core machine; each report carries
its own Idempotency-Key, as a careful client would send. PostgreSQL is the local server's
`test` database (override with $TESSERA_BENCH_POSTGRES_URL), in a schema dropped afterwards.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import psutil
from sqlalchemy import create_engine, select, text

from tessera.casework.models import LedgerEntry, Report
from tessera.casework.roles import Role
from tessera.casework.signing import Signer
from tessera.casework.store import Casework
from tessera.casework.users import add_user, issue_api_token
from tessera.casework.verification import LedgerCheck, verify_ledger

POSTGRES_URL = os.environ.get("TESSERA_BENCH_POSTGRES_URL",
                              "postgresql+psycopg://postgres@127.0.0.1:5432/test")
TARGET = 300
"""Reports a second: the service must file at least this many with the clients sending as
fast as it answers (its capacity), and answer 99% of them within `TARGET_P99_MS` when they
arrive at this steady rate (its latency in service)."""
TARGET_P99_MS = 100
PACED_CONNECTIONS = 64
"""Connections sharing the steady schedule: at 300 reports/s and answers of tens of
milliseconds a few are busy at once, so 64 never hold a report back."""
POSTGRES_PORT = 5432
BODY = {"reporter_role": "Designated safeguarding lead",
        "reporter_organisation": "Ash Grove Primary School",
        "reporter_contact": "dsl@ashgrove.example", "child_given_name": "Amy",
        "child_family_name": "Smith", "child_age": 12, "child_postcode": "LS6 1AB",
        "child_setting": "Ash Grove Primary School",
        "disclosure": "Amy said a man she met online asked her to meet him after school.",
        "occurred_when": "Last Tuesday", "alleged_person": None, "immediate_risk": False}


@dataclass
class Run:
    """What the clients saw: latencies of acknowledged reports, their references, failures."""

    latencies: list[float] = field(default_factory=list)
    references: list[str] = field(default_factory=list)
    failures: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    spread: list[int] = field(default_factory=list)
    """Clients' connections held by each server process, counted half way through."""

    def fail(self, what: str) -> None:
        self.failures[what] = self.failures.get(what, 0) + 1


@contextmanager
def store(backend: str, folder: Path) -> Iterator[str]:
    """An empty casework store's URL: a SQLite file, or a PostgreSQL schema of its own."""
    if backend == "sqlite":
        yield f"sqlite:///{folder / 'casework.db'}"
        return
    schema = f"intake_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(POSTGRES_URL)
    with admin.begin() as connection:
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    try:
        yield f"{POSTGRES_URL}?options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as connection:
            connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


def reporter_token(url: str) -> str:
    """A reporter account on a fresh store, and its API token."""
    casework = Casework.open(url)
    with casework.session() as session:
        add_user(session, username="bench", password="correct horse battery staple",
                 role=Role.REPORTER, display_name="Bench Reporter",
                 organisation="Ash Grove Primary School")
        token = issue_api_token(session, "bench")
    casework.close()
    return token


@contextmanager
def server(url: str, folder: Path, workers: int | None, tessera: list[str] | None = None
           ) -> Iterator[tuple[subprocess.Popen[bytes], int]]:
    """`tessera serve` in a process group of its own, run by the `tessera` command given
    (default: `python -m tessera`)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    env = {**os.environ, "TESSERA_CASEWORK_URL": url,
           "TESSERA_SIGNING_KEY_FILE": str(folder / "signing.key"),
           "TESSERA_SESSION_KEY_FILE": str(folder / "session.key")}
    command = [*(tessera or [sys.executable, "-m", "tessera"]), "serve", "--port", str(port)]
    command += ["--workers", str(workers)] if workers else []
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL,
                               start_new_session=True)
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/receipts/public-key.pem",
                                        timeout=2):
                break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit("tessera serve did not start") from None
            time.sleep(0.2)
    try:
        yield process, port
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=30)


async def file_one(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, token: str,
                   key: str, run: Run, since: float) -> None:
    """File one report on a keep-alive connection; its latency counts from `since`."""
    body = json.dumps(BODY).encode()
    head = (f"POST /api/reports HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            f"Authorization: Bearer {token}\r\nContent-Type: application/json\r\n"
            f"Idempotency-Key: {key}\r\nContent-Length: {len(body)}\r\n\r\n").encode()
    writer.write(head + body)
    status_line = await reader.readline()
    if not status_line:
        raise ConnectionResetError
    length = 0
    while (line := await reader.readline()) not in (b"\r\n", b""):
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":")[1])
    payload = await reader.readexactly(length)
    status = status_line.split()[1].decode()
    if status == "201":
        run.latencies.append(time.perf_counter() - since)
        run.references.append(json.loads(payload)["reference"])
    else:
        run.fail(f"HTTP {status}")


async def client(port: int, token: str, run: Run, stop_at: float, name: int) -> None:
    """One client: a keep-alive connection filing reports one after another until `stop_at`
    or a broken connection (the server killed)."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    sent = 0
    try:
        while time.perf_counter() < stop_at:
            sent += 1
            await file_one(reader, writer, token, f"bench-{name}-{sent}", run,
                           time.perf_counter())
    except (ConnectionError, asyncio.IncompleteReadError):
        run.fail("connection broken")
    finally:
        writer.close()


async def paced(port: int, token: str, rate: float, seconds: float, connections: int) -> Run:
    """Reports offered at a steady `rate` a second for `seconds`, whatever the answers: report
    i is due at i / rate, goes out on whichever of the `connections` keep-alive connections is
    free then, and its latency counts from when it was due, so time spent waiting for a free
    connection counts too (no coordinated omission). Handing each report to a free connection,
    not to one fixed in advance, is how many independent clients behave: the kernel spreads
    connections over the workers unevenly (16 + 48 is not rare), and a client whose
    connection is on the busier worker does not keep sending to it while the other idles.
    There are enough connections that the clients never hold a report back."""
    run = Run()
    due: asyncio.Queue[tuple[int, float] | None] = asyncio.Queue()

    async def connection(name: int) -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            while (report := await due.get()) is not None:
                await file_one(reader, writer, token, f"paced-{name}-{report[0]}", run,
                               report[1])
        except (ConnectionError, asyncio.IncompleteReadError):
            run.fail("connection broken")
        finally:
            writer.close()

    clients = [asyncio.create_task(connection(n)) for n in range(connections)]
    await asyncio.sleep(0.2)  # every connection open before the first report is due
    started = time.perf_counter()
    for i in range(int(rate * seconds)):
        at = started + i / rate
        await asyncio.sleep(max(0.0, at - time.perf_counter()))
        due.put_nowait((i, at))
    for _ in clients:
        due.put_nowait(None)
    await asyncio.gather(*clients)
    run.seconds = time.perf_counter() - started
    return run


async def load(port: int, token: str, clients: int, seconds: float,
               midway: Callable[[Run], None] | None = None) -> Run:
    """`clients` concurrent clients for `seconds`, calling `midway` half way through."""
    run = Run()
    started = time.perf_counter()
    tasks = [asyncio.create_task(client(port, token, run, started + seconds, n))
             for n in range(clients)]
    if midway is not None:
        await asyncio.sleep(seconds / 2)
        midway(run)
    await asyncio.gather(*tasks)
    run.seconds = time.perf_counter() - started
    return run


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def server_processes(pid: int) -> list[psutil.Process]:
    """The serving process and every process under it (its workers)."""
    main = psutil.Process(pid)
    return [main, *main.children(recursive=True)]


def connections_per_worker(pid: int, port: int) -> list[int]:
    """How many clients' connections each server process holds (the main one only if it
    serves itself)."""
    counts = [sum(1 for c in process.net_connections("tcp")
                  if c.laddr and c.laddr.port == port and c.status == psutil.CONN_ESTABLISHED)
              for process in server_processes(pid)]
    return [count for count in counts if count] or [0]


def cpu_seconds(processes: list[psutil.Process]) -> dict[int, float]:
    """User and system CPU seconds each live process has used so far."""
    used = {}
    for process in processes:
        try:
            times = process.cpu_times()
        except psutil.NoSuchProcess:
            continue
        used[process.pid] = times.user + times.system
    return used


def database_backends(url: str | None, servers: list[psutil.Process]) -> list[psutil.Process]:
    """The PostgreSQL backend processes serving the server's connections (none on SQLite, or
    if they cannot be read), found by the client ports of those connections."""
    if url is None:
        return []
    ports = {c.laddr.port for process in servers for c in process.net_connections("tcp")
             if c.raddr and c.raddr.port == POSTGRES_PORT}
    admin = create_engine(POSTGRES_URL)
    with admin.connect() as connection:
        pids = connection.execute(text("SELECT pid FROM pg_stat_activity WHERE client_port = "
                                       "ANY(:ports)"), {"ports": list(ports)}).scalars().all()
    admin.dispose()
    backends = []
    for pid in pids:
        try:
            backends.append(psutil.Process(pid))
        except psutil.Error:
            continue
    return backends


@dataclass
class Usage:
    """CPU seconds used over a window: by the server (main process and workers), its
    PostgreSQL backends, this process (the clients) and the whole machine."""

    server: float
    database: float | None
    client: float
    machine: float


class CpuMeter:
    """Counts the CPU used by the server, its database backends, the clients and the
    machine between `start` and `stop`."""

    def __init__(self, server_pid: int, postgres_url: str | None) -> None:
        self._pid = server_pid
        self._url = postgres_url

    def start(self) -> None:
        servers = server_processes(self._pid)
        self._server = cpu_seconds(servers)
        self._database = cpu_seconds(database_backends(self._url, servers))
        self._client = time.process_time()
        self._machine = _busy_seconds()

    def stop(self) -> Usage:
        servers = server_processes(self._pid)
        server = _used_since(self._server, cpu_seconds(servers))
        database = (_used_since(self._database, cpu_seconds(
            database_backends(self._url, servers))) if self._url else None)
        return Usage(server, database, time.process_time() - self._client,
                     _busy_seconds() - self._machine)


def _used_since(before: dict[int, float], after: dict[int, float]) -> float:
    """CPU seconds used between two readings; a process started since counts from zero."""
    return sum(now - before.get(pid, 0.0) for pid, now in after.items())


def _busy_seconds() -> float:
    """CPU seconds every core of the machine has spent on anything but idling."""
    times = psutil.cpu_times()
    return sum(times) - times.idle - getattr(times, "iowait", 0.0)


@dataclass
class Verdicts:
    """Each target's PASS or FAIL, per backend, in the order they were checked."""

    lines: list[tuple[str, bool, str]] = field(default_factory=list)

    def check(self, backend: str, passed: bool, what: str) -> None:
        self.lines.append((backend, passed, what))

    def print(self) -> bool:
        """Print every verdict; whether all passed."""
        print("Targets:")
        for backend, passed, what in self.lines:
            print(f"  {'PASS' if passed else 'FAIL'}  {backend:<10} {what}")
        return all(passed for _, passed, _ in self.lines)


def measure(backend: str, args: argparse.Namespace, verdicts: Verdicts) -> None:
    """Throughput, latency and CPU use on one backend."""
    with tempfile.TemporaryDirectory() as tmp, store(backend, Path(tmp)) as url:
        token = reporter_token(url)
        with server(url, Path(tmp), args.workers) as (process, port):
            asyncio.run(load(port, token, args.clients, 1.0))  # warm up
            meter = CpuMeter(process.pid, POSTGRES_URL if backend == "postgresql" else None)
            meter.start()

            def count_spread(run: Run) -> None:
                run.spread = connections_per_worker(process.pid, port)

            run = asyncio.run(load(port, token, args.clients, args.seconds, count_spread))
            usage = meter.stop()
            steady = asyncio.run(paced(port, token, TARGET, args.seconds, PACED_CONNECTIONS))
    reports = len(run.references)
    rate = reports / run.seconds
    p99 = percentile(run.latencies, 0.99) * 1000
    print(f"{backend:<10} {reports:>7,} reports in {run.seconds:5.1f}s  {rate:7,.0f} reports/s"
          f"  p50 {statistics.median(run.latencies) * 1000:6.1f} ms  p99 {p99:6.1f} ms  "
          f"failures {run.failures or 'none'}", flush=True)
    print(f"{'':<10} {_cpu_line(usage, run.seconds, reports)}; connections per worker "
          f"{' + '.join(str(n) for n in run.spread)}", flush=True)
    steady_p99 = percentile(steady.latencies, 0.99) * 1000 if steady.latencies else float("inf")
    print(f"{'':<10} offered a steady {TARGET} reports/s for {args.seconds:.0f}s: "
          f"{len(steady.references):,} acknowledged, p50 "
          f"{statistics.median(steady.latencies) * 1000:6.1f} ms  p99 {steady_p99:6.1f} ms  "
          f"failures {steady.failures or 'none'}", flush=True)
    verdicts.check(backend, rate >= TARGET, f"at least {TARGET} reports/s ({rate:,.0f} with "
                   f"{args.clients} clients sending as fast as answered)")
    kept_up = len(steady.references) == int(TARGET * args.seconds) and not steady.failures
    verdicts.check(backend, kept_up and steady_p99 < TARGET_P99_MS,
                   f"p99 under {TARGET_P99_MS} ms at a steady {TARGET} reports/s "
                   f"({steady_p99:.1f} ms, {len(steady.references):,} of "
                   f"{int(TARGET * args.seconds):,} acknowledged)")


def _cpu_line(usage: Usage, seconds: float, reports: int) -> str:
    """CPU in cores over the window, and CPU milliseconds a report."""
    database = usage.database or 0.0
    others = max(0.0, usage.machine - usage.server - database - usage.client)
    per_report = (usage.server + database) / reports * 1000 if reports else float("nan")
    line = f"CPU: server {usage.server / seconds:.2f} cores"
    if usage.database is not None:
        line += f", its PostgreSQL backends {database / seconds:.2f}"
    return (line + f", clients {usage.client / seconds:.2f}, other work "
            f"{others / seconds:.2f} (machine {usage.machine / seconds:.2f} of "
            f"{psutil.cpu_count()}); {per_report:.2f} CPU-ms a report "
            f"(server{' and database' if usage.database is not None else ''})")


def crash(backend: str, args: argparse.Namespace, verdicts: Verdicts) -> None:
    """kill -9 of the serving process mid-run (its workers are not signalled): the workers
    must go with it and free the port; every acknowledged report must be in the store and
    already chained into the ledger, which must verify, and still verify once the service has
    started again (a report is chained in the transaction that commits it, so a kill leaves
    nothing half done)."""
    with tempfile.TemporaryDirectory() as tmp, store(backend, Path(tmp)) as url:
        token = reporter_token(url)
        with server(url, Path(tmp), args.workers) as (process, port):
            workers: list[psutil.Process] = []

            def kill(_: Run) -> None:
                workers.extend(server_processes(process.pid)[1:])
                os.kill(process.pid, signal.SIGKILL)

            run = asyncio.run(load(port, token, args.clients, args.crash_seconds, kill))
            process.wait(timeout=30)
            left = _survivors(workers, within=5.0)
            port_free = _port_free(port)
            for worker in left:
                worker.kill()
        missing, unchained, killed = inspect(url, Path(tmp), run.references)
        with server(url, Path(tmp), args.workers):
            pass  # the service starts again on what the kill left
        _, _, restarted = inspect(url, Path(tmp), [])
    print(f"{backend:<10} kill -9 of the serving process after {args.crash_seconds / 2:.1f}s: "
          f"{len(workers)} workers, {len(left)} still running 5 s later, port "
          f"{'free' if port_free else 'STILL BOUND'}; {len(run.references):,} reports "
          f"acknowledged (201), {len(missing)} missing, {len(unchained)} not in the ledger; "
          f"{run.failures.get('connection broken', 0)} requests cut off; ledger "
          f"{_verdict(killed)}; after a restart {_verdict(restarted)}", flush=True)
    lost = len(missing) + len(unchained)
    verdicts.check(backend, not lost and killed.ok and restarted.ok,
                   f"none lost after kill -9 ({lost} of {len(run.references):,} acknowledged "
                   f"missing or unchained, e.g. {(missing + unchained)[:3]})" if lost else
                   f"none lost after kill -9 (0 of {len(run.references):,} acknowledged)")
    verdicts.check(backend, not left and port_free,
                   "kill -9 of the serving process ends every worker and frees the port")


def _survivors(processes: list[psutil.Process], within: float) -> list[psutil.Process]:
    """Those of `processes` still running `within` seconds from now."""
    _, alive = psutil.wait_procs(processes, timeout=within)
    return alive


def _port_free(port: int) -> bool:
    """Whether a server could listen on `port` again (nothing listens there, in any mode)."""
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def inspect(url: str, folder: Path, references: list[str]
            ) -> tuple[list[str], list[str], LedgerCheck]:
    """Which of `references` are not in the store, which have no ledger entry, and the
    ledger's check."""
    casework = Casework.open(url)
    with casework.reading() as session:
        stored = set(session.scalars(select(Report.reference)))
        chained = set(session.scalars(select(LedgerEntry.record_id).where(
            LedgerEntry.record_table == "reports")))
        keyring = Signer.from_file(folder / "signing.key").keyring
        check = verify_ledger(session, keyring)
    casework.close()
    return ([r for r in references if r not in stored],
            [r for r in references if r not in chained], check)


def _verdict(check: LedgerCheck) -> str:
    state = "verifies" if check.ok else f"BROKEN: {check.problem}"
    return f"{state} ({check.entries:,} entries)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--crash-seconds", type=float, default=6.0)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--workers", type=int, default=None,
                        help="tessera serve --workers [default: serve's own default]")
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], action="append")
    parser.add_argument("--no-crash", action="store_true",
                        help="measure only; skip the kill -9 runs")
    args = parser.parse_args()
    load1, load5, _ = os.getloadavg()
    print(f"POST /api/reports, {args.clients} clients, tessera serve --workers "
          f"{args.workers or 'default (one per core)'}, "
          f"{psutil.cpu_count()} cores; load average before: {load1:.2f} (1 min), "
          f"{load5:.2f} (5 min)")
    verdicts = Verdicts()
    backends = args.backend or ["sqlite", "postgresql"]
    for backend in backends:
        measure(backend, args, verdicts)
    for backend in [] if args.no_crash else backends:
        crash(backend, args, verdicts)
    if not verdicts.print():
        raise SystemExit(1)


if __name__ == "__main__":
    main()
