"""The restricted edition: only a signed-in national analyst may view it, and every view is
in the read log (and so in the ledger) before anything is shown."""

from __future__ import annotations

import pytest

from tessera.casework.editions import (
    RECORD_KIND,
    log_force_restricted_view,
    log_restricted_view,
)
from tessera.casework.readlog import read_log
from tessera.casework.roles import Role
from tessera.casework.store import Casework
from tessera.casework.users import add_user, disable_user
from tessera.errors import CaseworkError, NotPermitted
from tests.casework.populate import PASSWORD, People

PRODUCT = "audit of tessera.duckdb"


@pytest.fixture
def statistician(casework: Casework) -> str:
    with casework.session() as session:
        add_user(session, username="statistician", password=PASSWORD,
                 role=Role.NATIONAL_ANALYST, display_name="Stat Istician")
    return "statistician"


def _reads(casework: Casework, people: People) -> list[tuple[str, str, str, str]]:
    with casework.reading() as session:
        return [(r.actor, r.record_kind, r.record_id, r.purpose)
                for r in read_log(session, people.admin) if r.record_kind == RECORD_KIND]


def test_a_national_analysts_view_is_logged_with_who_what_and_why(
        casework: Casework, people: People, statistician: str) -> None:
    shown = log_restricted_view(casework, statistician, PASSWORD, PRODUCT, "checking a [c]")
    assert shown == "Stat Istician"
    log_restricted_view(casework, statistician, PASSWORD, PRODUCT, "second look")
    assert _reads(casework, people) == [
        ("statistician", RECORD_KIND, PRODUCT, "second look"),
        ("statistician", RECORD_KIND, PRODUCT, "checking a [c]")]


@pytest.mark.parametrize(("description", "username", "password", "message"), [
    ("an analyst of one force", "analyst", PASSWORD, "a analyst user cannot do this"),
    ("an administrator", "admin", PASSWORD, "a administrator user cannot do this"),
    ("a wrong password", "statistician", "not the password", "not right"),
    ("nobody of that name", "nobody", PASSWORD, "not right"),
])
def test_anyone_else_is_refused_and_nothing_is_logged(
        casework: Casework, people: People, statistician: str, description: str,
        username: str, password: str, message: str) -> None:
    with pytest.raises(NotPermitted, match=message):
        log_restricted_view(casework, username, password, PRODUCT, "curious")
    assert _reads(casework, people) == []


def test_a_disabled_national_analyst_is_refused(casework: Casework, people: People,
                                                statistician: str) -> None:
    with casework.session() as session:
        disable_user(session, statistician)
    with pytest.raises(NotPermitted, match="disabled"):
        log_restricted_view(casework, statistician, PASSWORD, PRODUCT, "curious")
    assert _reads(casework, people) == []


def test_a_view_needs_a_reason(casework: Casework, people: People, statistician: str) -> None:
    with pytest.raises(CaseworkError, match="say why"):
        log_restricted_view(casework, statistician, PASSWORD, PRODUCT, "  ")
    assert _reads(casework, people) == []


FORCE_PRODUCT = "profile of cleveland, 2023-01-01 to 2023-12-31, of tessera.duckdb"


def test_a_force_analyst_views_their_own_forces_profile_and_it_is_logged(
        casework: Casework, people: People) -> None:
    """The analyst of Cleveland may see Cleveland's restricted profile; the view is logged."""
    shown = log_force_restricted_view(casework, "analyst", PASSWORD, "cleveland",
                                      FORCE_PRODUCT, "tasking meeting")
    assert shown
    assert _reads(casework, people) == [("analyst", RECORD_KIND, FORCE_PRODUCT,
                                         "tasking meeting")]


@pytest.mark.parametrize(("description", "username", "force", "message"), [
    ("an analyst of another force", "analyst", "kent", "not an analyst of kent"),
    ("an administrator", "admin", "cleveland", "a administrator user cannot do this"),
    ("a triage user", "cleveland-triage", "cleveland", "cannot do this"),
])
def test_a_force_profile_is_refused_to_anyone_else(
        casework: Casework, people: People, description: str, username: str, force: str,
        message: str) -> None:
    with pytest.raises(NotPermitted, match=message):
        log_force_restricted_view(casework, username, PASSWORD, force, FORCE_PRODUCT, "look")
    assert _reads(casework, people) == []


def test_a_national_analyst_may_view_any_forces_profile(
        casework: Casework, people: People, statistician: str) -> None:
    log_force_restricted_view(casework, statistician, PASSWORD, "kent", FORCE_PRODUCT, "peer")
    assert [r[0] for r in _reads(casework, people)] == ["statistician"]
