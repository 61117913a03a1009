"""Rounds: many threads' work done by one of them at a time, in one go.

Why: some work costs about the same for one item as for many, because most of its cost is a
transaction, a lock and a commit (filing reports, sealing the ledger). When requests arrive
together, the first to find no round running runs one for everything queued so far; the
others wait on a condition rather than on the database, and whatever arrives meanwhile goes
in the next round. Under load a round takes every request that came during the one before;
alone, a request runs its own round at once and waits for nothing.

Each item's answer is its own: `run_round` returns a result or an exception for each item, so
one refused report does not refuse the others. If the round itself fails (the transaction
could not commit), every item of that round gets that error; items queued after it began are
not in it, and run in the next.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Generic, TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")


@dataclass
class _Slot(Generic[Item, Result]):
    item: Item
    done: bool = False
    result: Result | None = None
    error: BaseException | None = field(default=None)


class Rounds(Generic[Item, Result]):
    """Runs `run_round` over every item queued before a round begins, one round at a time."""

    def __init__(self, run_round: Callable[[Sequence[Item]], Sequence[Result | BaseException]]
                 ) -> None:
        self._run_round = run_round
        self._changed = threading.Condition()
        self._waiting: list[_Slot[Item, Result]] = []
        self._running = False

    def run(self, item: Item) -> Result:
        """The item's result, from a round that began after it was queued; its exception is
        raised here."""
        slot: _Slot[Item, Result] = _Slot(item)
        with self._changed:
            self._waiting.append(slot)
            while not slot.done:
                if self._running:
                    self._changed.wait()
                    continue
                self._lead()
        if slot.error is not None:
            raise slot.error
        return slot.result  # type: ignore[return-value]

    def _lead(self) -> None:
        """Run a round for everything waiting (called holding the condition, which is let go
        while the round runs)."""
        batch, self._waiting = self._waiting, []
        self._running = True
        self._changed.release()
        try:
            outcomes: Sequence[Result | BaseException] = self._run_round(
                [slot.item for slot in batch])
        except BaseException as failure:  # the round failed: every item of it is told
            outcomes = [failure] * len(batch)
        finally:
            self._changed.acquire()
            self._running = False
        for slot, outcome in zip(batch, outcomes, strict=True):
            if isinstance(outcome, BaseException):
                slot.error = outcome
            else:
                slot.result = outcome
            slot.done = True
        self._changed.notify_all()
