"""Rounds: a caller's item goes in a round that begins after it is queued, one round runs at a
time, each item gets its own answer, and a failed round fails only its own items."""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence

from tessera.casework.rounds import Rounds


class Work:
    """A stand-in for a transaction over a batch: records each round's items, can hold the
    first round, fail it, or refuse one item."""

    def __init__(self) -> None:
        self.rounds: list[list[int]] = []
        self.first_started = threading.Event()
        self.first_may_finish = threading.Event()
        self.fail_first = False

    def __call__(self, items: Sequence[int]) -> list[int | BaseException]:
        self.rounds.append(list(items))
        if len(self.rounds) == 1:
            self.first_started.set()
            self.first_may_finish.wait(timeout=10)
            if self.fail_first:
                raise RuntimeError("the database went away")
        return [ValueError(f"{n} refused") if n < 0 else n * 10 for n in items]


def _in_thread(rounds: Rounds[int, int], item: int, answers: dict[int, object]
               ) -> threading.Thread:
    def run() -> None:
        try:
            answers[item] = rounds.run(item)
        except BaseException as exc:  # collected for the assertions
            answers[item] = exc

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def test_callers_arriving_mid_round_share_the_next_one() -> None:
    """A round already running began before they were queued, so they wait for the next,
    which takes all of them at once."""
    work = Work()
    rounds: Rounds[int, int] = Rounds(work)
    answers: dict[int, object] = {}
    first = _in_thread(rounds, 1, answers)
    assert work.first_started.wait(timeout=10)
    late = [_in_thread(rounds, n, answers) for n in (2, 3, 4, 5, 6)]
    time.sleep(0.2)  # the late callers are queued while the first round runs
    work.first_may_finish.set()
    for thread in [first, *late]:
        thread.join(timeout=10)
    assert work.rounds == [[1], [2, 3, 4, 5, 6]]
    assert answers == {n: n * 10 for n in range(1, 7)}


def test_each_item_gets_its_own_answer() -> None:
    """One refused item in a round does not refuse the others."""
    work = Work()
    rounds: Rounds[int, int] = Rounds(work)
    answers: dict[int, object] = {}
    first = _in_thread(rounds, 1, answers)
    assert work.first_started.wait(timeout=10)
    queued = [_in_thread(rounds, n, answers) for n in (2, -3, 4)]
    time.sleep(0.2)
    work.first_may_finish.set()
    for thread in [first, *queued]:
        thread.join(timeout=10)
    assert sorted(work.rounds[1]) == [-3, 2, 4]
    assert answers[2] == 20 and answers[4] == 40
    assert isinstance(answers[-3], ValueError) and str(answers[-3]) == "-3 refused"


def test_a_failed_round_fails_its_own_items_and_the_next_round_runs() -> None:
    """The round that could not commit raises in its caller; a caller queued meanwhile is
    not in it, and runs the next round."""
    work = Work()
    work.fail_first = True
    rounds: Rounds[int, int] = Rounds(work)
    answers: dict[int, object] = {}
    first = _in_thread(rounds, 1, answers)
    assert work.first_started.wait(timeout=10)
    waiting = _in_thread(rounds, 2, answers)
    time.sleep(0.2)
    work.first_may_finish.set()
    first.join(timeout=10)
    waiting.join(timeout=10)
    assert isinstance(answers[1], RuntimeError) and answers[2] == 20
    assert work.rounds == [[1], [2]]


def test_a_lone_caller_runs_its_own_round() -> None:
    """With nobody else waiting, the caller runs at once, and again on its next call."""
    work = Work()
    work.first_may_finish.set()
    rounds: Rounds[int, int] = Rounds(work)
    assert (rounds.run(1), rounds.run(2)) == (10, 20)
    assert work.rounds == [[1], [2]]
