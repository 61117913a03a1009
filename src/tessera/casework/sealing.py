"""Group sealing within one process: one thread at a time seals the ledger for all of them.

Why: every request that wrote a record must see a seal begin after its commit before it
answers (ledger.py). If each went to the database for it, they would queue one by one on the
ledger head's lock, and most would find, on their turn, that the batch before had already
sealed their item: a convoy of lock waits, round trips and rollbacks that left PostgreSQL
intake slower than sealing each record in its own transaction. Here a request whose seal is
already being run by another thread of the process waits on a condition instead, and the
next round, started after its commit, seals its item with everyone else's. So at most one
thread per server process waits on the database lock, and every round chains whatever was
committed before it began, from any process.
"""

from __future__ import annotations

import threading
from collections.abc import Callable


class GroupSealer:
    """Runs `seal_once` for the threads that ask, one round at a time, each round covering
    every caller that arrived before it began."""

    def __init__(self, seal_once: Callable[[], object]) -> None:
        self._seal_once = seal_once
        self._changed = threading.Condition()
        self._started = 0
        """Rounds begun in this process (they run one at a time)."""
        self._succeeded = 0
        """The last round that committed; a failed round leaves it, and its callers retry."""
        self._running = False

    def seal(self) -> None:
        """Return once a round that began after this call has committed.

        The caller's own records were committed before it called, so such a round has sealed
        them, whichever thread ran it. If the round this caller runs itself fails, the error is
        raised here and the threads waiting for it start another.
        """
        with self._changed:
            needed = self._started + 1
            while self._succeeded < needed:
                if self._running:
                    self._changed.wait()
                    continue
                self._running = True
                self._started += 1
                this_round, sealed = self._started, False
                self._changed.release()
                try:
                    self._seal_once()
                    sealed = True
                finally:
                    self._changed.acquire()
                    self._running = False
                    if sealed:
                        self._succeeded = this_round
                    self._changed.notify_all()
