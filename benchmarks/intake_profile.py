"""Where intake's CPU goes: `POST /api/reports` under benchmarks/intake.py's load, with py-spy
sampling every worker, each sample put in one part of the work of filing a report, and the
database lock each report's transactions hold timed.

    .venv/bin/python benchmarks/intake_profile.py [--backend sqlite] [--seconds 15]

Prints, per backend, the server's CPU per report (as intake.py measures it), and how the
time a worker holds the interpreter lock (GIL) splits, from py-spy's samples of the thread
holding it (`--gil`): the HTTP and ASGI stack, FastAPI's dependencies and validation, the
thread pool's handoffs, the token check, each step of `submit_report`, the ledger's seal and
the commit. Why only that thread: py-spy counts a thread blocked in epoll or fsync as busy,
which put a fifth of the samples in an idle event loop; the thread holding the interpreter
lock is running Python (or C code called from it, such as a socket send). What C code does
with the lock released (SQLite executing a statement, libpq, the kernel's side of fsync) is
roughly the difference between the server's CPU and the time the lock was held; on a machine
busy with other work a lock holder waiting for a core counts as holding it, so that
difference can come out as nothing. py-spy pauses the workers for each sample (without that
it read a sixth of the stacks only in part), which slows them by a few per cent.
Then the database lock: on SQLite the one write lock, from the
moment BEGIN IMMEDIATE returns to the end of the commit; on PostgreSQL the ledger head's row
lock (SELECT ... FOR UPDATE) in the seal; how long each transaction waited for it and held
it, and the share of the run it was held.

The server is `tessera serve` itself (gunicorn, the default workers), with its app wrapped
to time the lock: this script starts it with `--serve`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from intake import (
    POSTGRES_URL,
    CpuMeter,
    load,
    percentile,
    reporter_token,
    server,
    server_processes,
    store,
)

PY_SPY = Path(sys.executable).with_name("py-spy")
SAMPLES_PER_SECOND = 250
LOCK_LOG = "TESSERA_BENCH_LOCK_LOG"
"""Folder each instrumented worker writes its lock timings to (environment variable)."""


@dataclass(frozen=True)
class Part:
    """One part of filing a report, recognised by a frame in a sample's stack."""

    name: str
    matches: Callable[[str, str, int], bool]
    """Given a frame's function, file and line."""


def _in(file_end: str, *functions: str) -> Callable[[str, str, int], bool]:
    return lambda function, file, _line: file.endswith(file_end) and (
        not functions or function in functions)


PARTS = (
    # Most specific first: a sample goes to the first part any frame of its stack matches,
    Part("Ed25519 signing (receipt; signed ledger: items, heads)", lambda fn, file, _l: (
        file.endswith("casework/receipts.py") and fn in ("sign", "sign_bytes"))
        or (file.endswith("casework/signing.py") and fn == "sign")),
    Part("ledger seal (head, entry hashes, inserts)", _in("casework/ledger.py", "seal",
                                                          "plan_seal")),
    Part("ledger stage (row hash, item)", _in("casework/ledger.py", "stage_row")),
    Part("check_acting (the user and token)", _in("casework/access.py", "check_acting")),
    Part("routing by postcode", _in("casework/routing.py")),
    Part("content hash and reference", _in("casework/reports.py", "_prepared")),
    Part("report INSERT (ON CONFLICT DO NOTHING)", _in("casework/store.py", "insert")),
    Part("session begin and commit (and SQLite's log flush)", _in(
        "casework/store.py", "session", "_release_writer")),
    Part("filing a batch together (rounds)", lambda fn, file, _l: file.endswith((
        "casework/rounds.py", "casework/filing.py"))),
    Part("submit_reports, the rest", _in("casework/reports.py")),
    Part("thread pool handoff", lambda fn, file, _l: (
        ("anyio/" in file or file.endswith(("threading.py", "queue.py", "asyncio/futures.py",
                                            "starlette/concurrency.py")))
        and fn not in ("run", "_bootstrap", "_bootstrap_inner"))),
    Part("token check (cached)", lambda fn, file, _l: file.endswith(
        ("web/access.py", "fastapi/security/http.py"))),
    Part("endpoint (api.py) and response model", _in("web/api.py")),
    Part("response validation and JSON", _in("fastapi/routing.py", "serialize_response")),
    Part("JSON decode of the body", lambda fn, file, _l: file.endswith(
        ("json/decoder.py", "json/__init__.py")) or (file.endswith("starlette/requests.py")
                                                      and fn in ("json", "body"))),
    Part("request validation (pydantic)", lambda fn, file, _l: fn in (
        "request_body_to_args", "_validate_value_with_model_field", "request_params_to_args")),
    Part("FastAPI dependency resolution", _in("fastapi/dependencies/utils.py")),
)
LIBRARIES = (
    # Then by the innermost frame of one of these: uvicorn calls the app and the app calls
    # uvicorn's send, so only the innermost says which is working.
    Part("HTTP parsing and writing, socket sends (uvicorn)", lambda fn, file, _l: any(
        name in file for name in ("uvicorn/", "h11/", "httptools/"))),
    Part("responses (Starlette)", _in("starlette/responses.py")),
    Part("middleware and routing (Starlette, FastAPI)", lambda fn, file, _l: any(
        name in file for name in ("starlette/", "fastapi/"))),
    Part("event loop (asyncio, uvloop)", lambda fn, file, _l: any(
        name in file for name in ("asyncio/", "selectors.py", "uvloop"))),
)
OTHER = "other"
FRAME = re.compile(r"^(?P<function>.*) \((?P<file>[^()]*?)(?::(?P<line>\d+))?\)$")


def classify(folded: str) -> Counter[str]:
    """py-spy's raw (folded) samples, counted by part."""
    counts: Counter[str] = Counter()
    for row in folded.splitlines():
        stack, _, count = row.rpartition(" ")
        frames = []
        for text in stack.split(";"):
            match = FRAME.match(text)
            if match:  # py-spy names methods Class.method: the matchers take the method
                frames.append((match["function"].rpartition(".")[2], match["file"],
                               int(match["line"] or 0)))
        part = next((part.name for part in PARTS
                     if any(part.matches(*frame) for frame in frames)), None)
        part = part or next((library.name for frame in reversed(frames)
                             for library in LIBRARIES if library.matches(*frame)), OTHER)
        counts[part] += int(count)
    return counts


def profile(backend: str, args: argparse.Namespace) -> None:
    """Load the server for `args.seconds` while py-spy samples its workers; print the split
    of the server's CPU per report and the lock timings."""
    with tempfile.TemporaryDirectory() as tmp, store(backend, Path(tmp)) as url:
        token = reporter_token(url)
        locks = Path(tmp) / "locks"
        locks.mkdir()
        os.environ[LOCK_LOG] = str(locks)
        with server(url, Path(tmp), None, [sys.executable, __file__, "--serve"]) as (
                process, port):
            asyncio.run(load(port, token, args.clients, 1.0))  # warm up
            workers = server_processes(process.pid)[1:]
            spies = [subprocess.Popen(
                [str(PY_SPY), "record", "--gil", "--format", "raw", "--rate",
                 str(SAMPLES_PER_SECOND), "--duration", str(int(args.seconds)), "--pid",
                 str(worker.pid), "--output", str(Path(tmp) / f"{worker.pid}.txt")],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) for worker in workers]
            meter = CpuMeter(process.pid, POSTGRES_URL if backend == "postgresql" else None)
            meter.start()
            window = time.perf_counter()
            run = asyncio.run(load(port, token, args.clients, args.seconds))
            window = (window, time.perf_counter())
            usage = meter.stop()
            for spy in spies:
                spy.wait()
            for worker in workers:
                worker.send_signal(signal.SIGUSR2)  # write the lock timings
            time.sleep(1.0)
        samples = Counter[str]()
        for worker in workers:
            samples += classify((Path(tmp) / f"{worker.pid}.txt").read_text())
        held = [json.loads(path.read_text()) for path in locks.glob("*.json")]
    reports = len(run.references)
    cpu_ms = usage.server / reports * 1000
    print(f"{backend}: {reports:,} reports in {run.seconds:.1f}s ({reports / run.seconds:,.0f}"
          f"/s with py-spy sampling), server {usage.server / run.seconds:.2f} cores, "
          f"{cpu_ms:.2f} CPU-ms a report" + (
              f" (+ {usage.database / reports * 1000:.2f} in its PostgreSQL backends)"
              if usage.database is not None else ""))
    sampled = sum(samples.values())
    locked_ms = sampled / SAMPLES_PER_SECOND / reports * 1000
    print(f"  {'part of the work (interpreter lock held)':<50} {'share':>6} {'CPU µs/report':>14}")
    for part, count in samples.most_common():
        print(f"  {part:<50} {count / sampled:6.1%} {count / sampled * locked_ms * 1000:14,.0f}")
    print(f"  {'all of it, with the interpreter lock held':<50} {'':>6} {locked_ms * 1000:14,.0f}")
    print(f"  {'the rest, outside it (C code, system calls)':<50} {'':>6} "
          f"{max(0.0, cpu_ms - locked_ms) * 1000:14,.0f}")
    _print_locks(backend, [tuple(row) for log in held for row in log], window, reports)


def _print_locks(backend: str, rows: list[tuple[Any, ...]], window: tuple[float, float],
                 reports: int) -> None:
    """Wait and hold times of the lock over the measured window."""
    rows = [row for row in rows if window[0] <= row[0] and row[2] <= window[1]]
    what = ("SQLite write lock (BEGIN IMMEDIATE to end of commit)" if backend == "sqlite"
            else "ledger head row lock (SELECT ... FOR UPDATE to end of commit)")
    if not rows:
        print(f"  {what}: never taken")
        return
    waits = [(acquired - asked) * 1000 for asked, acquired, _ in rows]
    holds = [(released - acquired) * 1000 for _, acquired, released in rows]
    busy = sum(holds) / 1000 / (window[1] - window[0])
    print(f"  {what}: taken {len(rows):,} times ({len(rows) / reports:.2f} a report); "
          f"held p50 {statistics.median(holds):.2f} ms, mean {statistics.mean(holds):.2f}, "
          f"p99 {percentile(holds, 0.99):.2f}; waited for p50 {statistics.median(waits):.2f} ms, "
          f"p99 {percentile(waits, 0.99):.2f}; held {busy:.0%} of the run")


def serve_instrumented() -> None:
    """`tessera serve`, with each worker's app timing its database lock (see `LockTimer`)."""
    from tessera.cli import main as tessera
    from tessera.web import serving

    plain = serving.app_from_settings

    def instrumented() -> Any:
        built = plain()
        LockTimer(Path(os.environ[LOCK_LOG])).install(built.state.casework.engine)
        return built

    serving.app_from_settings = instrumented
    tessera()


class LockTimer:
    """Times each transaction's hold on the database lock from SQLAlchemy's events.

    Taken: when BEGIN IMMEDIATE (SQLite) or a SELECT ... FOR UPDATE (PostgreSQL) returns;
    released: when the session's outermost transaction has ended (committed, rolled back or
    closed). Written, as (asked,
    acquired, released) in perf_counter seconds, to `folder`/<pid>.json on SIGUSR2.
    """

    def __init__(self, folder: Path) -> None:
        self._folder = folder
        self._rows: list[tuple[float, float, float]] = []
        self._mine = threading.local()

    def install(self, engine: Any) -> None:
        from sqlalchemy import event
        from sqlalchemy.orm import Session

        event.listen(engine, "before_cursor_execute", self._before)
        event.listen(engine, "after_cursor_execute", self._after)
        event.listen(Session, "after_transaction_end", self._ended)
        signal.signal(signal.SIGUSR2, lambda _s, _f: self._write())

    @staticmethod
    def _locks(statement: str) -> bool:
        return statement.startswith("BEGIN IMMEDIATE") or "FOR UPDATE" in statement

    def _before(self, _conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if self._locks(statement):
            self._mine.asked = time.perf_counter()

    def _after(self, _conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if self._locks(statement) and getattr(self._mine, "acquired", None) is None:
            self._mine.acquired = time.perf_counter()

    def _ended(self, _session: Any, transaction: Any) -> None:
        acquired = getattr(self._mine, "acquired", None)
        if transaction.parent is None and acquired is not None:
            self._rows.append((self._mine.asked, acquired, time.perf_counter()))
            self._mine.acquired = None

    def _write(self) -> None:
        (self._folder / f"{os.getpid()}.json").write_text(json.dumps(self._rows))


def main() -> None:
    if sys.argv[1:2] == ["--serve"]:
        sys.argv[1:2] = []
        serve_instrumented()
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], action="append")
    args = parser.parse_args()
    load1, load5, _ = os.getloadavg()
    print(f"load average before: {load1:.2f} (1 min), {load5:.2f} (5 min)")
    for backend in args.backend or ["sqlite", "postgresql"]:
        profile(backend, args)


if __name__ == "__main__":
    main()
