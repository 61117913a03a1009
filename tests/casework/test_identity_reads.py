"""Resolving a pseudonymous id: analysts for people known in their own area, national
analysts for anyone; every look-up in the read log before anything is shown."""

from __future__ import annotations

import pytest

from tessera.casework.identity_reads import RECORD_KIND, log_identity_read
from tessera.casework.readlog import read_log
from tessera.casework.roles import Role
from tessera.casework.store import Casework
from tessera.casework.users import add_user
from tessera.errors import NotPermitted
from tests.casework.populate import PASSWORD, People


@pytest.fixture
def national(casework: Casework) -> str:
    with casework.session() as session:
        add_user(session, username="national", password=PASSWORD,
                 role=Role.NATIONAL_ANALYST, display_name="Nat Ional")
    return "national"


def _reads(casework: Casework, people: People) -> list[tuple[str, str, str]]:
    with casework.reading() as session:
        return [(r.actor, r.record_id, r.purpose)
                for r in read_log(session, people.admin) if r.record_kind == RECORD_KIND]


def test_an_analyst_resolves_a_person_known_in_their_force_and_it_is_logged(
        casework: Casework, people: People) -> None:
    shown = log_identity_read(casework, "analyst", PASSWORD, "P-1", {"cleveland", "durham"},
                              "suspect in community 4, to brief the case officer")
    assert shown == "Analyst"
    assert _reads(casework, people) == [
        ("analyst", "P-1", "suspect in community 4, to brief the case officer")]


def test_a_national_analyst_resolves_anyone(casework: Casework, people: People,
                                            national: str) -> None:
    log_identity_read(casework, national, PASSWORD, "C-9", {"kent"}, "review request match")
    assert _reads(casework, people) == [("national", "C-9", "review request match")]


@pytest.mark.parametrize(("description", "username", "areas", "message"), [
    ("an analyst, for a person known only in another force", "analyst", {"durham"},
     "known to no record of cleveland"),
    ("a triage worker", "cleveland-triage", {"cleveland"}, "a triage user cannot do this"),
    ("an administrator", "admin", {"cleveland"}, "a administrator user cannot do this"),
    ("a reporter", "teacher", {"cleveland"}, "a reporter user cannot do this"),
])
def test_anyone_else_is_refused_and_nothing_is_logged(
        casework: Casework, people: People, description: str, username: str,
        areas: set[str], message: str) -> None:
    with pytest.raises(NotPermitted, match=message):
        log_identity_read(casework, username, PASSWORD, "P-1", areas, "curious")
    assert _reads(casework, people) == []


def test_a_wrong_password_is_refused(casework: Casework, people: People) -> None:
    with pytest.raises(NotPermitted, match="not right"):
        log_identity_read(casework, "analyst", "wrong", "P-1", {"cleveland"}, "curious")
    assert _reads(casework, people) == []
