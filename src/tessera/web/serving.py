"""Running the reporting service: uvicorn, with each worker process on a socket of its own.

Why not uvicorn's own `--workers`: its workers share one listening socket, and the asyncio
loop that wakes first accepts every connection waiting, so a burst of clients lands on one
worker while the others idle. With benchmarks/intake.py's 32 keep-alive clients, one of two
workers took them all, and two workers filed fewer reports a second on PostgreSQL than one
(about 305 against 330). Here every worker listens on its own socket bound with SO_REUSEPORT
to the same address, and the kernel spreads new connections across them: about 390. Where
SO_REUSEPORT does not exist (Windows), uvicorn's workers are used as before.
"""

from __future__ import annotations

import multiprocessing
import signal
import socket
from collections.abc import Sequence
from multiprocessing.connection import wait
from multiprocessing.process import BaseProcess
from types import FrameType

import uvicorn

from tessera.errors import WebError

APP = "tessera.web.app:app_from_settings"
"""The factory each worker calls to build its app."""


def serve(host: str, port: int, workers: int) -> None:
    """Serve the app on `host`:`port` with `workers` processes until SIGINT or SIGTERM.

    A worker that stops on its own stops the service (`WebError`), so that whatever
    supervises it (systemd, a container runtime) restarts it whole.
    """
    config = uvicorn.Config(APP, factory=True, host=host, port=port, access_log=False,
                            log_level="warning", proxy_headers=False)
    if workers == 1 or not hasattr(socket, "SO_REUSEPORT"):
        uvicorn.run(APP, factory=True, host=host, port=port, workers=workers,
                    access_log=False, log_level="warning", proxy_headers=False)
        return
    sockets = [listening_socket(host, port, config.backlog) for _ in range(workers)]
    spawn = multiprocessing.get_context("spawn")
    processes = [spawn.Process(target=_run_worker, args=(config, sock)) for sock in sockets]
    asked_to_stop = False

    def stop(_signum: int, _frame: FrameType | None) -> None:
        nonlocal asked_to_stop
        asked_to_stop = True
        _terminate(processes)

    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, stop)
    for process in processes:
        process.start()
    for sock in sockets:
        sock.close()  # each worker has its own copy now
    wait([process.sentinel for process in processes])
    _terminate(processes)
    for process in processes:
        process.join()
    if not asked_to_stop:
        codes = ", ".join(str(process.exitcode) for process in processes)
        raise WebError(f"a worker of the service stopped on its own (exit statuses {codes}), "
                       "so the service has stopped")


def listening_socket(host: str, port: int, backlog: int) -> socket.socket:
    """A TCP socket listening on `host`:`port` that other SO_REUSEPORT sockets may share."""
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET,
                         socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    sock.listen(backlog)
    return sock


def _terminate(processes: Sequence[BaseProcess]) -> None:
    """Ask each running worker to finish its requests and stop (uvicorn's SIGTERM)."""
    for process in processes:
        if process.is_alive():
            process.terminate()


def _run_worker(config: uvicorn.Config, sock: socket.socket) -> None:
    """One worker process: a uvicorn server on its own socket."""
    uvicorn.Server(config).run(sockets=[sock])
