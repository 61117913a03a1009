"""Accounts: argon2 passwords, areas from the code lists, disabling, API tokens."""

from __future__ import annotations

from typing import Any

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select, text

from tessera.casework import users
from tessera.casework.models import User
from tessera.casework.roles import Role
from tessera.casework.store import Casework
from tessera.casework.users import (
    PASSWORD_PROFILE,
    add_user,
    authenticate,
    disable_user,
    get_user,
    issue_api_token,
    user_for_token,
)
from tessera.errors import CaseworkError, NotFound
from tests.casework.populate import PASSWORD, People


def test_passwords_are_hashed_with_argon2id_at_rfc_9106_strength() -> None:
    """The service's own hasher (tests elsewhere use a cheap one to run fast)."""
    stored = users._hasher.hash(PASSWORD)  # the cheap one, patched in by conftest
    assert stored.startswith("$argon2id$")
    real = PasswordHasher.from_parameters(PASSWORD_PROFILE)
    assert (real.time_cost, real.memory_cost) == (3, 65536)
    assert real.hash(PASSWORD).startswith("$argon2id$v=19$m=65536,t=3,p=4$")


def test_a_password_is_stored_hashed_and_checked(casework: Casework, people: People) -> None:
    """The right password signs in; a wrong one, or an unknown name, does not."""
    with casework.session() as session:
        stored = session.execute(text("SELECT password_hash FROM users WHERE username = "
                                      "'teacher'")).scalar_one()
        assert stored.startswith("$argon2id$") and PASSWORD not in stored
        signed_in = authenticate(session, "teacher", PASSWORD)
        assert signed_in is not None and signed_in.id == people.reporter.id
        assert authenticate(session, "teacher", PASSWORD + "x") is None
        assert authenticate(session, "nobody", PASSWORD) is None


def test_a_disabled_user_cannot_sign_in_or_use_a_token(casework: Casework,
                                                       people: People) -> None:
    """Disabling takes effect at once for passwords and tokens alike."""
    with casework.session() as session:
        token = issue_api_token(session, "teacher")
        found = user_for_token(session, token)
        assert found is not None and found.username == "teacher"
    with casework.session() as session:
        disable_user(session, "teacher")
    with casework.session() as session:
        assert authenticate(session, "teacher", PASSWORD) is None
        assert user_for_token(session, token) is None
        user = get_user(session, people.reporter.id)
        assert user is not None and user.disabled


def test_a_token_is_stored_only_as_its_hash(casework: Casework, people: People) -> None:
    """The database never holds a usable token; an unknown token is no one."""
    with casework.session() as session:
        token = issue_api_token(session, "teacher")
        stored = session.execute(text("SELECT token_sha256 FROM api_tokens")).scalar_one()
        assert token.startswith("tsr_") and token not in stored and len(stored) == 64
        assert user_for_token(session, "tsr_not-a-token") is None


@pytest.mark.parametrize(("fields", "message"), [
    ({"username": "teacher"}, "a user called 'teacher' already exists"),
    ({"username": "two words"}, "no spaces"),
    ({"password": "short"}, "at least 12 characters"),
    ({"display_name": " "}, "enter the user's name"),
    ({"role": Role.TRIAGE, "area_type": "local_authority", "area_code": "E99999999"},
     "not in the local_authorities code list"),
    ({"role": Role.TRIAGE, "area_type": "police_force", "area_code": "atlantis"},
     "not in the police_forces code list"),
    ({"role": Role.TRIAGE, "area_type": "police_force"}, "both an area type and an area code"),
    ({"role": Role.REPORTER, "area_type": "police_force", "area_code": "cleveland"},
     "a reporter user has no area"),
], ids=["duplicate", "space in name", "short password", "no name", "unknown authority",
        "unknown force", "type without code", "reporter with an area"])
def test_bad_accounts_are_refused_with_a_reason(casework: Casework, people: People,
                                                fields: dict[str, Any], message: str) -> None:
    """Each rule of `add_user` is a one-line error."""
    values: dict[str, Any] = {"username": "new-user", "password": PASSWORD,
                              "role": Role.REPORTER, "display_name": "New User", **fields}
    with pytest.raises(CaseworkError, match=message), casework.session() as session:
        add_user(session, **values)


def test_triage_users_keep_their_area(casework: Casework, people: People) -> None:
    """A triage user's area is stored as given; one without an area works nationally."""
    with casework.session() as session:
        areas = {name: code for name, code in session.execute(
            select(User.username, User.area_code))}
    assert areas["hartlepool-triage"] == "E06000001"
    assert areas["cleveland-triage"] == "cleveland"
    assert areas["national-triage"] is None


def test_unknown_users_are_not_found(casework: Casework) -> None:
    """Disabling or issuing a token for nobody says so."""
    with pytest.raises(NotFound), casework.session() as session:
        disable_user(session, "nobody")
    with pytest.raises(NotFound), casework.session() as session:
        issue_api_token(session, "nobody")
