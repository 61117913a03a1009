"""Signing in and out: wrong passwords, disabled accounts, safe redirects, fresh sessions."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from httpx import Response

from tessera.casework.roles import Role
from tessera.casework.users import add_user, disable_user
from tests.web.accounts import PASSWORD
from tests.web.conftest import Site, csrf_of


def _sign_in(site: Site, username: str, password: str = PASSWORD,
             next: str = "") -> tuple[TestClient, Response]:
    client = TestClient(site.app)
    token = csrf_of(client.get("/login").text)
    return client, client.post("/login", data={"username": username, "password": password,
                                               "next": next, "csrf_token": token},
                               follow_redirects=False)


@pytest.mark.parametrize(("username", "password", "why"), [
    ("reporter", "wrong password!", "wrong password"),
    ("nobody", PASSWORD, "unknown user"),
    ("disabled_reporter", PASSWORD, "disabled account"),
])
def test_a_failed_sign_in_says_so_without_saying_why(site: Site, username: str,
                                                      password: str, why: str) -> None:
    """The same message whatever was wrong, so usernames cannot be probed."""
    _, response = _sign_in(site, username, password)
    assert response.status_code == 400, why
    assert "Enter a correct username and password" in response.text


@pytest.mark.parametrize(("next", "lands"), [
    ("/triage", "/triage"),
    ("", "/triage"),
    ("https://evil.example/", "/triage"),
    ("//evil.example/", "/triage"),
])
def test_sign_in_returns_to_the_page_asked_for_on_this_site_only(
        site: Site, next: str, lands: str) -> None:
    """`next` is followed only if it is a path here: no open redirect."""
    _, response = _sign_in(site, "triage_leeds", next=next)
    assert response.headers["location"] == lands


def test_signing_in_starts_a_fresh_session_and_signing_out_ends_it(site: Site) -> None:
    """A new CSRF token at sign-in (no fixation); after sign-out the pages need sign-in."""
    client = TestClient(site.app)
    before = csrf_of(client.get("/login").text)
    client.post("/login", data={"username": "reporter", "password": PASSWORD,
                                "csrf_token": before})
    after = csrf_of(client.get("/report").text)
    assert after != before
    client.post("/logout", data={"csrf_token": after})
    response = client.get("/report", follow_redirects=False)
    assert response.headers["location"] == "/login?next=/report"


def test_a_disabled_user_is_signed_out_at_their_next_request(site: Site) -> None:
    """Disabling an account ends its open sessions too."""
    with site.casework.session() as session:
        add_user(session, username="leaving_soon", password=PASSWORD, role=Role.REPORTER,
                 display_name="Leaving Soon")
    client, _ = _sign_in(site, "leaving_soon")
    assert client.get("/report").status_code == 200
    with site.casework.session() as session:
        disable_user(session, "leaving_soon")
    assert client.get("/report", follow_redirects=False).status_code == 303
