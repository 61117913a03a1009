"""Group sealing in a process: a caller returns only after a round that began after it called,
one round runs at a time, and a failed round is retried by the callers still waiting."""

from __future__ import annotations

import threading
import time

from tessera.casework.sealing import GroupSealer


class Rounds:
    """A stand-in for the store's seal: records each round, and can hold or fail one."""

    def __init__(self) -> None:
        self.started: list[int] = []
        self.first_may_finish = threading.Event()
        self.first_started = threading.Event()
        self.fail_first = False

    def __call__(self) -> None:
        self.started.append(len(self.started) + 1)
        if len(self.started) == 1:
            self.first_started.set()
            self.first_may_finish.wait(timeout=10)
            if self.fail_first:
                raise RuntimeError("the database went away")


def _in_thread(sealer: GroupSealer, errors: list[BaseException]) -> threading.Thread:
    def run() -> None:
        try:
            sealer.seal()
        except BaseException as exc:  # collected for the assertions
            errors.append(exc)

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def test_a_caller_arriving_mid_round_waits_for_the_next_one() -> None:
    """A round already running may have read the queue before the caller's commit, so the
    caller waits for a round that starts after it; callers arriving together share it."""
    rounds = Rounds()
    sealer = GroupSealer(rounds)
    errors: list[BaseException] = []
    first = _in_thread(sealer, errors)
    assert rounds.first_started.wait(timeout=10)
    late = [_in_thread(sealer, errors) for _ in range(5)]
    time.sleep(0.2)  # the late callers reach the sealer while the first round runs
    rounds.first_may_finish.set()
    for thread in [first, *late]:
        thread.join(timeout=10)
    assert errors == []
    assert rounds.started == [1, 2]


def test_a_failed_round_raises_in_its_caller_and_the_others_run_another() -> None:
    """The thread whose round failed gets the error; those waiting on that round are not
    told it sealed anything, and one of them runs the next round."""
    rounds = Rounds()
    rounds.fail_first = True
    sealer = GroupSealer(rounds)
    errors: list[BaseException] = []
    first = _in_thread(sealer, errors)
    assert rounds.first_started.wait(timeout=10)
    waiting = _in_thread(sealer, errors)
    rounds.first_may_finish.set()
    first.join(timeout=10)
    waiting.join(timeout=10)
    assert [str(error) for error in errors] == ["the database went away"]
    assert rounds.started == [1, 2]


def test_a_lone_caller_runs_its_own_round() -> None:
    """With nobody else sealing, the caller seals at once, and again on its next call."""
    rounds = Rounds()
    rounds.first_may_finish.set()
    sealer = GroupSealer(rounds)
    sealer.seal()
    sealer.seal()
    assert rounds.started == [1, 2]
