"""`tessera serve` as real processes: gunicorn with two workers, each on a socket of its own
that the kernel shares connections across; stopped whole by SIGTERM or SIGINT, gone whole
after a kill -9 of the main process, a dead worker replaced, and no start beside a listener
left on the port."""

from __future__ import annotations

import signal
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest

from tessera.errors import WebError
from tessera.web.serving import refuse_if_bound
from tests.served import Service, settings, start

WORKERS = 2


def port_is_free(port: int) -> bool:
    try:
        refuse_if_bound("127.0.0.1", port)
    except WebError:
        return False
    return True


@pytest.fixture
def service(tmp_path: Path) -> Iterator[Service]:
    """`tessera serve` with two workers on a fresh SQLite store, answering."""
    running = start(settings(f"sqlite:///{tmp_path / 'casework.db'}", tmp_path),
                    workers=WORKERS)
    processes = [psutil.Process(running.process.pid), *running.workers()]
    yield running
    for process in processes:
        if process.is_running():
            process.kill()
    running.process.wait(timeout=20)


@pytest.mark.slow
def test_kill_9_of_the_main_process_ends_every_worker_and_frees_the_port(
        service: Service) -> None:
    """No orphan keeps answering after the main process is killed, and the service starts
    again on the same port (what the issue saw: workers left running, a restart beside
    them)."""
    workers = service.workers()
    service.process.kill()
    _, alive = psutil.wait_procs(workers, timeout=5)
    assert alive == []
    assert port_is_free(service.port)
    restarted = start(service.env, workers=WORKERS, port=service.port)
    restarted.process.send_signal(signal.SIGTERM)
    assert restarted.process.wait(timeout=30) == 0


@pytest.mark.slow
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT],
                         ids=["SIGTERM", "SIGINT"])
def test_sigterm_or_sigint_stops_every_worker_cleanly(service: Service, signum: int) -> None:
    """What a service manager or Ctrl+C sends stops all of it within seconds, status 0 (a
    worker that ignored its signal would hold the stop up for gunicorn's 30 s timeout)."""
    workers = service.workers()
    service.process.send_signal(signum)
    assert service.process.wait(timeout=10) == 0
    _, alive = psutil.wait_procs(workers, timeout=1)
    assert alive == []
    assert port_is_free(service.port)


@pytest.mark.slow
def test_a_worker_that_dies_is_replaced(service: Service) -> None:
    """The service keeps its capacity: gunicorn starts a new worker, and keeps answering."""
    first, second = service.workers()
    first.kill()
    deadline = time.monotonic() + 20
    while {worker.pid for worker in service.workers()} in ({second.pid}, {first.pid, second.pid}):
        assert time.monotonic() < deadline, "no worker replaced the one that died"
        time.sleep(0.1)
    assert len(service.workers()) == WORKERS and second.is_running()
    assert service.process.poll() is None and service.answers()


@pytest.mark.slow
def test_connections_are_spread_over_the_workers(service: Service) -> None:
    """Thirty-two clients connecting at once reach both workers: none is left idle while
    another takes everyone, as when the workers shared one socket (the chance that all land
    on one is one in two billion)."""
    clients = [socket.create_connection(("127.0.0.1", service.port), timeout=5)
               for _ in range(32)]
    time.sleep(0.5)
    held = [sum(1 for c in worker.net_connections("tcp") if c.laddr.port == service.port
                and c.status == psutil.CONN_ESTABLISHED) for worker in service.workers()]
    for client in clients:
        client.close()
    assert sum(held) == 32 and min(held) > 0


def test_no_start_beside_a_listener_left_on_the_port() -> None:
    """A listener that shares its port (SO_REUSEPORT, as every worker's socket does) would
    let a new service bind beside it: the check refuses instead, naming the port."""
    orphan = socket.socket()
    orphan.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    orphan.bind(("127.0.0.1", 0))
    orphan.listen()
    port = orphan.getsockname()[1]
    with pytest.raises(WebError, match=f"127.0.0.1:{port} is in use"):
        refuse_if_bound("127.0.0.1", port)
    orphan.close()
    assert port_is_free(port)
