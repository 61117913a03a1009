"""Intake benchmark: reports per second and p50/p99 latency of `POST /api/reports` with 32
concurrent clients on loopback, against a real `tessera serve` process, on SQLite and on
PostgreSQL; then a kill -9 of the server mid-run, after which every report the server
acknowledged (201) must be in the casework store and in the ledger, the ledger must still
verify, and what the kill left in the ledger's queue must be sealed when the service starts.

Target (issue 4): at least 300 reports/s on 2 cores, none lost. Run on demand, not in the test
suite:

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
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

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
def server(url: str, folder: Path, workers: int | None
           ) -> Iterator[tuple[subprocess.Popen[bytes], int]]:
    """`tessera serve` in its own process group (kill -9 must reach every worker)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    env = {**os.environ, "TESSERA_CASEWORK_URL": url,
           "TESSERA_SIGNING_KEY_FILE": str(folder / "signing.key"),
           "TESSERA_SESSION_KEY_FILE": str(folder / "session.key")}
    command = [sys.executable, "-m", "tessera", "serve", "--port", str(port)]
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


async def client(port: int, token: str, run: Run, stop_at: float, name: int) -> None:
    """One client: a keep-alive connection filing reports until `stop_at` or a broken
    connection (the server killed)."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    sent = 0
    try:
        while time.perf_counter() < stop_at:
            sent += 1
            body = json.dumps(BODY).encode()
            head = (f"POST /api/reports HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    f"Authorization: Bearer {token}\r\nContent-Type: application/json\r\n"
                    f"Idempotency-Key: bench-{name}-{sent}\r\n"
                    f"Content-Length: {len(body)}\r\n\r\n").encode()
            started = time.perf_counter()
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
                run.latencies.append(time.perf_counter() - started)
                run.references.append(json.loads(payload)["reference"])
            else:
                run.fail(f"HTTP {status}")
    except (ConnectionError, asyncio.IncompleteReadError):
        run.fail("connection broken")
    finally:
        writer.close()


async def load(port: int, token: str, clients: int, seconds: float,
               kill: subprocess.Popen[bytes] | None = None) -> Run:
    """`clients` concurrent clients for `seconds`; with `kill`, SIGKILL the server's whole
    process group half way through."""
    run = Run()
    started = time.perf_counter()
    tasks = [asyncio.create_task(client(port, token, run, started + seconds, n))
             for n in range(clients)]
    if kill is not None:
        await asyncio.sleep(seconds / 2)
        os.killpg(kill.pid, signal.SIGKILL)
    await asyncio.gather(*tasks)
    run.seconds = time.perf_counter() - started
    return run


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def measure(backend: str, args: argparse.Namespace) -> None:
    """Throughput and latency on one backend."""
    with tempfile.TemporaryDirectory() as tmp, store(backend, Path(tmp)) as url:
        token = reporter_token(url)
        with server(url, Path(tmp), args.workers) as (_, port):
            asyncio.run(load(port, token, args.clients, 1.0))  # warm up
            run = asyncio.run(load(port, token, args.clients, args.seconds))
    rate = len(run.references) / run.seconds
    verdict = "meets" if rate >= TARGET else "below"
    print(f"{backend:<10} {len(run.references):>7,} reports in {run.seconds:5.1f}s  "
          f"{rate:7,.0f} reports/s ({verdict} the {TARGET}/s target)  "
          f"p50 {statistics.median(run.latencies) * 1000:6.1f} ms  "
          f"p99 {percentile(run.latencies, 0.99) * 1000:6.1f} ms  "
          f"failures {run.failures or 'none'}", flush=True)


def crash(backend: str, args: argparse.Namespace) -> None:
    """kill -9 mid-run: every acknowledged report must be in the store and already chained
    into the ledger, which must verify; what the kill left in the ledger's queue (written,
    never acknowledged) must be sealed once the service starts again."""
    with tempfile.TemporaryDirectory() as tmp, store(backend, Path(tmp)) as url:
        token = reporter_token(url)
        with server(url, Path(tmp), args.workers) as (process, port):
            run = asyncio.run(load(port, token, args.clients, args.crash_seconds, kill=process))
            process.wait(timeout=30)
        missing, unchained, killed = inspect(url, Path(tmp), run.references)
        with server(url, Path(tmp), args.workers):
            pass  # starting the service seals what the kill left queued
        _, _, restarted = inspect(url, Path(tmp), [])
    print(f"{backend:<10} kill -9 after {args.crash_seconds / 2:.1f}s: "
          f"{len(run.references):,} reports acknowledged (201), {len(missing)} missing, "
          f"{len(unchained)} not in the ledger; {run.failures.get('connection broken', 0)} "
          f"requests cut off; ledger {_verdict(killed)}; after a restart {_verdict(restarted)}",
          flush=True)
    if missing or unchained:
        raise SystemExit(f"LOST {len(missing)} acknowledged reports, e.g. {missing[:3]}; "
                         f"{len(unchained)} not chained, e.g. {unchained[:3]}")


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
    return f"{state} ({check.entries:,} entries, {check.queued} queued)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--crash-seconds", type=float, default=6.0)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--workers", type=int, default=None,
                        help="tessera serve --workers [default: serve's own default]")
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], action="append")
    args = parser.parse_args()
    print(f"POST /api/reports, {args.clients} clients, tessera serve --workers "
          f"{args.workers or 'default (1 on SQLite, 1 per core on PostgreSQL)'}, "
          f"{os.cpu_count()} cores")
    for backend in args.backend or ["sqlite", "postgresql"]:
        measure(backend, args)
    for backend in args.backend or ["sqlite", "postgresql"]:
        crash(backend, args)


if __name__ == "__main__":
    main()
