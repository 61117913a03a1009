"""`tessera serve` with several workers: each on a socket of its own that the kernel shares
connections across, stopped together by SIGTERM, and stopped whole when one worker dies."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tessera.web.serving import listening_socket


def test_sockets_sharing_a_port_share_its_connections() -> None:
    """Thirty-two clients connecting at once reach both sockets: no worker is left idle
    while another takes everyone (the chance all land on one is one in two billion)."""
    first = listening_socket("127.0.0.1", 0, 64)
    port = first.getsockname()[1]
    second = listening_socket("127.0.0.1", port, 64)
    clients = [socket.create_connection(("127.0.0.1", port), timeout=5) for _ in range(32)]
    accepted = [_accept_waiting(sock) for sock in (first, second)]
    assert sum(accepted) == 32 and min(accepted) > 0
    for sock in [first, second, *clients]:
        sock.close()


def _accept_waiting(sock: socket.socket) -> int:
    """Accept every connection waiting on `sock`; how many there were."""
    sock.setblocking(False)
    count = 0
    while True:
        try:
            connection, _ = sock.accept()
        except BlockingIOError:
            return count
        connection.close()
        count += 1


@pytest.fixture
def two_workers(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[str], list[int]]]:
    """`tessera serve --workers 2` on a fresh SQLite store, answering; its worker pids."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    env = {**os.environ, "TESSERA_CASEWORK_URL": f"sqlite:///{tmp_path / 'casework.db'}",
           "TESSERA_SIGNING_KEY_FILE": str(tmp_path / "signing.key"),
           "TESSERA_SESSION_KEY_FILE": str(tmp_path / "session.key")}
    process = subprocess.Popen([sys.executable, "-m", "tessera", "serve", "--port", str(port),
                                "--workers", "2"], env=env, text=True,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2):
                break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail(f"tessera serve did not start: {process.communicate()[1]}")
            time.sleep(0.2)
    children = Path(f"/proc/{process.pid}/task/{process.pid}/children").read_text().split()
    workers = [int(pid) for pid in children
               if "spawn_main" in Path(f"/proc/{pid}/cmdline").read_text()]
    yield process, workers
    if process.poll() is None:
        process.kill()
        process.wait(timeout=20)


def test_sigterm_stops_every_worker(two_workers: tuple[subprocess.Popen[str], list[int]]
                                    ) -> None:
    """What a service manager sends to stop the service stops all of it, cleanly."""
    process, workers = two_workers
    assert len(workers) == 2
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=30) == 0
    assert not any(Path(f"/proc/{pid}").exists() for pid in workers)


def test_a_worker_that_dies_stops_the_service(
        two_workers: tuple[subprocess.Popen[str], list[int]]) -> None:
    """Half a service is not left running: the other worker stops too, and the exit status
    and message tell the service manager to start it again."""
    process, workers = two_workers
    os.kill(workers[0], signal.SIGKILL)
    assert process.wait(timeout=30) == 1
    assert "a worker of the service stopped on its own" in process.communicate()[1]
    assert not Path(f"/proc/{workers[1]}").exists()
