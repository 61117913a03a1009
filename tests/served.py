"""A real `tessera serve` for the tests that need one (serving, the browser, schemathesis):
started on a free loopback port with settings of the test's own, and waited for until it
answers and all its workers run."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psutil
import pytest


@dataclass
class Service:
    """A running `tessera serve`: its main process, its port and the settings it runs with."""

    process: subprocess.Popen[str]
    port: int
    env: dict[str, str]

    @property
    def base(self) -> str:
        """The service's address, e.g. http://127.0.0.1:8123."""
        return f"http://127.0.0.1:{self.port}"

    def workers(self) -> list[psutil.Process]:
        return psutil.Process(self.process.pid).children()

    def answers(self) -> bool:
        try:
            with urllib.request.urlopen(self.base + "/", timeout=2):
                return True
        except OSError:
            return False


def settings(casework_url: str, folder: Path) -> dict[str, str]:
    """The environment of a service on `casework_url` with its keys in `folder`."""
    return {**os.environ, "TESSERA_CASEWORK_URL": casework_url,
            "TESSERA_SIGNING_KEY_FILE": str(folder / "signing.key"),
            "TESSERA_SESSION_KEY_FILE": str(folder / "session.key")}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start(env: dict[str, str], *, workers: int = 1, port: int | None = None) -> Service:
    """`tessera serve --workers N` on a free port (or `port`), once it answers and all its
    workers run; a service that does not start fails the test with what it said."""
    port = port or free_port()
    process = subprocess.Popen([sys.executable, "-m", "tessera", "serve", "--port", str(port),
                                "--workers", str(workers)], env=env, text=True,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    service = Service(process, port, env)
    deadline = time.monotonic() + 60
    while not (service.answers() and len(service.workers()) == workers):
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"tessera serve did not start: {process.communicate()[1]}")
        time.sleep(0.2)
    return service


@contextmanager
def running(env: dict[str, str], *, workers: int = 1) -> Iterator[Service]:
    """A service for the block; stopped (SIGTERM) afterwards."""
    service = start(env, workers=workers)
    try:
        yield service
    finally:
        service.process.terminate()
        service.process.wait(timeout=30)
