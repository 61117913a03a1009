"""Accounts: argon2 passwords, areas from the code lists, disabling and enabling, API tokens
listed and revoked."""

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
    api_tokens,
    check_password,
    disable_user,
    enable_user,
    get_user,
    issue_api_token,
    revoke_api_token,
    token_holder,
    user_named,
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
        teacher = user_named(session, "teacher")
    assert check_password(teacher, PASSWORD)
    assert not check_password(teacher, PASSWORD + "x")
    assert not check_password(None, PASSWORD)  # an unknown name: a verify all the same


def test_a_disabled_user_cannot_use_a_token_until_enabled(casework: Casework,
                                                          people: People) -> None:
    """Disabling takes effect at once for tokens (and sessions: test_sign_in); enabling
    gives the same tokens back."""
    with casework.session() as session:
        token = issue_api_token(session, "teacher")
        found = token_holder(session, token)
        assert found is not None and found.user.username == "teacher"
    with casework.session() as session:
        disable_user(session, "teacher")
    with casework.session() as session:
        assert token_holder(session, token) is None
        user = get_user(session, people.reporter.id)
        assert user is not None and user.disabled
    with casework.session() as session:
        enable_user(session, "teacher")
    with casework.session() as session:
        found = token_holder(session, token)
        assert found is not None and not found.user.disabled


def test_tokens_are_listed_without_the_token_and_revoked_one_by_one(
        casework: Casework, people: People) -> None:
    """Each token has an id; revoking one stops it and leaves the other; revoking twice or
    a token that does not exist says so."""
    with casework.session() as session:
        first, second = issue_api_token(session, "teacher"), issue_api_token(session, "teacher")
    with casework.session() as session:
        listed = api_tokens(session, "teacher")
        holder = token_holder(session, first)
    assert holder is not None and listed[0].token_id == holder.token_id
    assert len(listed) == 2 and all(t.revoked_at is None and t.last_used_at is None
                                    for t in listed)
    with casework.session() as session:
        assert revoke_api_token(session, holder.token_id) == "teacher"
    with casework.session() as session:
        assert token_holder(session, first) is None and token_holder(session, second)
        assert api_tokens(session, "teacher")[0].revoked_at is not None
    with pytest.raises(CaseworkError, match="already revoked"), casework.session() as session:
        revoke_api_token(session, holder.token_id)
    with pytest.raises(NotFound), casework.session() as session:
        revoke_api_token(session, 999_999)


def test_a_token_is_stored_only_as_its_hash(casework: Casework, people: People) -> None:
    """The database never holds a usable token; an unknown token is no one."""
    with casework.session() as session:
        token = issue_api_token(session, "teacher")
        stored = session.execute(text("SELECT token_sha256 FROM api_tokens")).scalar_one()
        assert token.startswith("tsr_") and token not in stored and len(stored) == 64
        assert token_holder(session, "tsr_not-a-token") is None


@pytest.mark.parametrize(("fields", "message"), [
    ({"username": "teacher"}, "a user called 'teacher' already exists"),
    ({"username": "two words"}, "no spaces"),
    ({"password": "short"}, "at least 12 characters"),
    ({"password": PASSWORD + "\x00"}, "control characters"),
    ({"display_name": " "}, "enter the user's name"),
    ({"role": Role.TRIAGE, "area_type": "local_authority", "area_code": "E99999999"},
     "not in the local_authorities code list"),
    ({"role": Role.TRIAGE, "area_type": "police_force", "area_code": "atlantis"},
     "not in the police_forces code list"),
    ({"role": Role.TRIAGE, "area_type": "police_force"}, "both an area type and an area code"),
    ({"role": Role.REPORTER, "area_type": "police_force", "area_code": "cleveland"},
     "a reporter user has no area"),
], ids=["duplicate", "space in name", "short password", "NUL in password", "no name",
        "unknown authority", "unknown force", "type without code", "reporter with an area"])
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


@pytest.mark.parametrize("action", [disable_user, enable_user, issue_api_token, api_tokens])
def test_unknown_users_are_not_found(casework: Casework, action: Any) -> None:
    """Disabling, enabling, issuing or listing tokens for nobody says so."""
    with pytest.raises(NotFound, match="no user called 'nobody'"), \
            casework.session() as session:
        action(session, "nobody")
