"""Running the reporting service: gunicorn, with uvicorn workers each on a socket of its own.

Why gunicorn: its arbiter supervises the workers, which a hand-written supervisor did not do
well. A worker that dies on its own is replaced at once (the service keeps its capacity; the
requests that worker was running are cut off, unacknowledged, and their clients retry with
their Idempotency-Key); one whose event loop stops answering for `WORKER_TIMEOUT_SECONDS` is
killed and replaced; one that cannot start at all (the store unreachable, say) stops the
whole service with exit status 3, rather than restarting in a loop. SIGTERM and SIGINT stop
it cleanly: no new connections, requests in flight answered, exit status 0.

Why `reuse_port`: with it, gunicorn has each worker bind a socket of its own with SO_REUSEPORT
after it forks, and the kernel spreads new connections across those sockets. With one socket
shared by every worker, the asyncio loop that wakes first accepts every connection waiting,
so a burst of clients lands on one worker while the others idle (benchmarks/intake.py's 32
keep-alive clients: 32 + 0 on a shared socket, 16 + 16 or so with reuse_port).

Why workers end with the main process: a worker outlives a main process killed with SIGKILL
(or by the out-of-memory killer), still answering on its socket, and with SO_REUSEPORT a
restarted service would bind beside it and share the port with an unsupervised orphan. So
each worker asks the kernel to kill it when its parent dies (PR_SET_PDEATHSIG), and the
service refuses to start while anything still listens on its port.
"""

from __future__ import annotations

import ctypes
import errno
import os
import signal
import socket
from collections.abc import Callable
from typing import Any, ClassVar

from fastapi import FastAPI
from gunicorn.app.base import BaseApplication
from uvicorn_worker import UvicornWorker

from tessera.errors import WebError
from tessera.web.app import app_from_settings

PR_SET_PDEATHSIG = 1
"""prctl option: the signal the kernel sends a process when its parent dies (linux/prctl.h)."""
WORKER_TIMEOUT_SECONDS = 30
"""A worker whose event loop has not reported in for this long is killed and replaced."""
KEEP_ALIVE_SECONDS = 5
"""How long an idle keep-alive connection stays open: uvicorn's own default (gunicorn's is 2)."""


class Worker(UvicornWorker):  # type: ignore[misc]
    """A uvicorn worker that dies with the main process (SIGKILL from the kernel).

    Why SIGKILL rather than SIGTERM: with the main process gone nothing supervises the
    worker any more (no restart, no timeout), so it must not linger finishing requests; what
    it was doing is cut off exactly as if the whole service had been killed, which the store
    is built to survive (ledger.py), and the port is free for the restart at once.
    """

    CONFIG_KWARGS: ClassVar[dict[str, Any]] = {"loop": "uvloop", "http": "httptools",
                                               "access_log": False, "proxy_headers": False}
    """uvloop and httptools rather than asyncio's loop and h11 (uvicorn's "auto" falls back
    to those without a word if the packages are missing): benchmarks/intake.py, alternate
    runs, median of four, SQLite 4.70 to 3.95 CPU-ms a report (188 to 222 reports/s on a
    machine busy with other work), PostgreSQL 6.11 to 5.92. The pure-Python h11 parser was
    most of the difference."""

    def init_process(self) -> None:
        end_with_parent(self.ppid)
        super().init_process()

    def handle_exit(self, sig: int, frame: object) -> None:
        """SIGQUIT (what the main process sends its workers on SIGINT): stop as on SIGTERM.

        Why: uvicorn-worker's own handler only marks the gunicorn worker as stopping, which
        the uvicorn server inside never reads, so the worker kept serving until gunicorn
        killed it after its 30 s graceful timeout. SIGTERM is the signal the uvicorn server
        itself stops on: no new connections, requests in flight answered.
        """
        super().handle_exit(sig, frame)
        signal.raise_signal(signal.SIGTERM)


def end_with_parent(parent: int) -> None:
    """Have the kernel SIGKILL this process when its parent dies; exit now if it already has.

    The check after the call covers a parent that died between this process's fork and the
    call, when there was no parent left to watch.
    """
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_PDEATHSIG) failed")
    if os.getppid() != parent:
        os._exit(1)


class Service(BaseApplication):  # type: ignore[misc]
    """gunicorn configured in code (no config file or command line of its own)."""

    def __init__(self, options: dict[str, Any]) -> None:
        self._options = options
        super().__init__()

    def load_config(self) -> None:
        for name, value in self._options.items():
            self.cfg.set(name, value)

    def load(self) -> FastAPI:
        """Each worker builds its own app after it forks: its own database connections."""
        return app_from_settings()


def serve(host: str, port: int, workers: int, ready: Callable[[], None]) -> None:
    """Serve the app on `host`:`port` with `workers` processes until SIGINT or SIGTERM.

    `ready` is called once the service is about to start its workers.

    Raises:
        WebError: something already listens on the port.
    """
    refuse_if_bound(host, port)
    address = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    Service({
        "bind": [address], "workers": workers, "worker_class": f"{__name__}.Worker",
        "reuse_port": True, "timeout": WORKER_TIMEOUT_SECONDS,
        "keepalive": KEEP_ALIVE_SECONDS, "accesslog": None, "loglevel": "warning",
        "when_ready": lambda _arbiter: ready(),
        # The control socket would sit at one path per user ($HOME/.gunicorn/gunicorn.ctl)
        # shared by every service that user runs; nothing here uses it.
        "control_socket_disable": True,
    }).run()


def refuse_if_bound(host: str, port: int) -> None:
    """Refuse to start while anything listens on `host`:`port`.

    Why: every worker binds with SO_REUSEPORT, so its bind would succeed beside a listener
    left by a service that was killed (or a second service started by mistake), and the two
    would share the port's connections. A socket bound without SO_REUSEPORT cannot share, so
    this probe's bind fails wherever anything listens, while connections left in TIME_WAIT
    (SO_REUSEADDR) do not stop it.
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            if exc.errno != errno.EADDRINUSE:
                raise
            raise WebError(f"{host}:{port} is in use: another service, or the workers of a "
                           "killed tessera serve, still listen there") from exc
