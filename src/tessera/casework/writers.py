"""One writer at a time on a SQLite store, queued on a file lock rather than SQLite's busy loop.

Why: SQLite lets one transaction write at a time. A writer that finds the lock taken waits in
SQLite's busy handler, which sleeps and retries with growing pauses (up to 100 ms), so under
load a request waits many times longer than the write it waits for, and the order writers get
in is luck. That is why the service used to run one process on SQLite, leaving the second core
idle. Here every writing transaction of the service first takes an exclusive `flock` on a file
beside the database (and, within a process, a thread lock): the kernel wakes the next writer
the moment the last one is done, so writers from any number of processes take turns promptly,
and BEGIN IMMEDIATE then never waits for another of the service's own.

The lock is taken as the transaction begins (its first statement) and released once it has
committed or rolled back, so whatever a request does before its first statement (validating,
routing, signing the receipt) happens outside it. Writers outside the service (a command run by
hand) still meet SQLite's own lock and busy timeout.

The same goes for the flush to disk. A commit must be on disk before the service acknowledges
it (a report must survive a power cut), but it need not be there before the next writer may
start: SQLite runs with synchronous=NORMAL, under which a commit in WAL mode appends its pages
to the write-ahead log without waiting for the disk, and `sync` then flushes the log with
fsync after the lock is released and before the request answers. Writers' flushes overlap, so
one fsync often covers several commits (group commit), and the lock is held for the writing
alone. A power cut can lose only commits whose flush had not returned, none of them
acknowledged; SQLite's own guarantee under NORMAL keeps the database consistent.
"""

from __future__ import annotations

import fcntl
import os
import threading
from pathlib import Path

from tessera.keyfiles import PRIVATE_MODE


class WriterLock:
    """An exclusive lock on writing one SQLite store, across threads and processes."""

    def __init__(self, database: Path) -> None:
        self.path = database.with_name(database.name + ".writer-lock")
        self.wal = database.with_name(database.name + "-wal")
        self._threads = threading.Lock()
        self._held = threading.local()
        self._fd: int | None = None
        self._pid = 0

    def acquire(self) -> None:
        """Wait for the lock (a thread of this process first, then the file)."""
        self._threads.acquire()
        try:
            fcntl.flock(self._file(), fcntl.LOCK_EX)
        except BaseException:
            self._threads.release()
            raise
        self._held.yes = True

    def release(self) -> bool:
        """Let the next writer in, if this thread holds the lock; whether it did."""
        if not getattr(self._held, "yes", False):
            return False
        self._held.yes = False
        fcntl.flock(self._file(), fcntl.LOCK_UN)
        self._threads.release()
        return True

    def sync(self) -> None:
        """Flush the write-ahead log to disk: every commit made before the call is durable
        once it returns. A log gone (checkpointed into the database as the last connection
        closed) left its commits in the database file, which SQLite flushed then."""
        try:
            fd = os.open(self.wal, os.O_RDONLY)
        except FileNotFoundError:
            return
        try:
            os.fsync(fd)
        finally:
            os.close(fd)

    def _file(self) -> int:
        """The lock file, opened once per process: a descriptor inherited across a fork would
        share its lock with the parent, and an flock is per open file."""
        if self._fd is None or self._pid != os.getpid():
            self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT, PRIVATE_MODE)
            self._pid = os.getpid()
        return self._fd
