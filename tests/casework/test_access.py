"""Role x service: every service allows exactly the roles and areas it should (deny by
default), whatever the web layer checked before calling it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy.orm import Session

from tessera.casework.models import User
from tessera.casework.readlog import read_log
from tessera.casework.reports import report_receipt, submit_report
from tessera.casework.store import Casework
from tessera.casework.triage import Outcome, decide, open_report, queue, timeline
from tessera.errors import NoSuchReport, NotPermitted
from tests.casework.populate import People, file_report, report_input

Action = Callable[[Session, User, str], Any]
ACTIONS: dict[str, Action] = {
    "submit": lambda s, u, ref: submit_report(s, u, report_input()),
    "queue": lambda s, u, ref: queue(s, u),
    "open": lambda s, u, ref: open_report(s, u, ref, "checking access"),
    "decide": lambda s, u, ref: decide(s, u, ref, Outcome.BOTH),
    "timeline": lambda s, u, ref: timeline(s, u, ref),
    "receipt": lambda s, u, ref: report_receipt(s, u, ref),
    "read_log": lambda s, u, ref: read_log(s, u),
}
ALLOWED: dict[str, set[str]] = {
    "reporter": {"submit", "open", "receipt"},
    "other_reporter": {"submit"},
    "hartlepool": {"queue", "open", "decide", "timeline", "receipt"},
    "cleveland": {"queue", "open", "decide", "timeline", "receipt"},
    "sheffield": {"queue"},
    "national": {"queue"},
    "analyst": set(),
    "admin": {"read_log"},
}
"""What each fixture user may do to a report about a child in Hartlepool, filed by
`reporter`. Everything not listed must be refused."""


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("who", ALLOWED)
def test_role_by_service(casework: Casework, people: People, who: str,
                         action: str) -> None:
    """Allowed actions succeed; every other is refused: NotPermitted (403) for a role that
    may not act at all, NoSuchReport (404, as if there were no such report) for a role that
    may, on another area's or another reporter's report."""
    with casework.session() as session:
        reference = file_report(session, people.reporter).reference
    user = getattr(people, who)
    if action in ALLOWED[who]:
        with casework.session() as session:
            ACTIONS[action](session, user, reference)
        return
    with pytest.raises((NotPermitted, NoSuchReport)) as caught, casework.session() as session:
        ACTIONS[action](session, user, reference)
    assert caught.value.http_status in (403, 404)
