"""Signing in and out: wrong passwords, disabled accounts, safe redirects, sessions held in
the store, throttling, and sign-ins that cannot starve the API."""

from __future__ import annotations

import base64
import json
import threading
import time

import anyio
import httpx
import pytest
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import select

from tessera.casework import sign_in as sign_in_module
from tessera.casework import users
from tessera.casework.models import User, WebSession
from tessera.casework.roles import Role
from tessera.casework.sign_in import ACCOUNT_FREE_FAILURES
from tessera.casework.users import add_user, disable_user, end_sessions
from tests.web.accounts import PASSWORD
from tests.web.conftest import Site, csrf_of, report_body


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


def test_a_copied_cookie_stops_working_when_its_session_signs_out(site: Site) -> None:
    """The session is held in the store: signing out ends it there, so a copy of the cookie
    taken before (from a shared computer, say) is refused at once, not for eight hours."""
    client, _ = _sign_in(site, "reporter")
    copy = TestClient(site.app, cookies={"tessera_session": client.cookies["tessera_session"]})
    assert copy.get("/report", follow_redirects=False).status_code == 200
    client.post("/logout", data={"csrf_token": csrf_of(client.get("/report").text)})
    refused = copy.get("/report", follow_redirects=False)
    assert refused.status_code == 303 and refused.headers["location"].startswith("/login")


def test_the_cookie_holds_nothing_that_identifies_anyone(site: Site) -> None:
    """Only two random values: the session's secret (stored hashed) and the CSRF token."""
    client, _ = _sign_in(site, "triage_leeds")
    data = client.cookies["tessera_session"].split(".")[0]
    content = json.loads(base64.b64decode(data + "=" * (-len(data) % 4)))
    assert set(content) == {"session", "csrf"}
    with site.casework.reading() as session:
        user = session.scalars(select(User).where(User.username == "triage_leeds")).one()
        stored = session.scalars(select(WebSession.secret_sha256)).all()
    assert str(user.id) not in content.values() and content["session"] not in stored


def test_ending_a_users_sessions_signs_them_out_everywhere(site: Site) -> None:
    """What `tessera users end-sessions` does: both browsers are sent to sign in."""
    browsers = [_sign_in(site, "other_reporter")[0] for _ in range(2)]
    with site.casework.session() as session:
        assert end_sessions(session, "other_reporter") == 2
    for browser in browsers:
        assert browser.get("/report", follow_redirects=False).status_code == 303


def test_repeated_failures_are_throttled_with_a_govuk_message(
        site: Site, monkeypatch: pytest.MonkeyPatch) -> None:
    """After five wrong passwords the sign-in page says how long to wait (429, Retry-After),
    and the next attempts, even with the right password, run no password check."""
    client = TestClient(site.app, client=("192.0.2.10", 50000))
    token = csrf_of(client.get("/login").text)

    def attempt(password: str) -> Response:
        return client.post("/login", data={"username": "triage_force", "password": password,
                                           "csrf_token": token}, follow_redirects=False)

    for _ in range(ACCOUNT_FREE_FAILURES):
        assert attempt("wrong password!").status_code == 400
    checks: list[str] = []
    monkeypatch.setattr(sign_in_module, "check_password",
                        lambda *args: checks.append("ran") or True)
    for password in ("wrong password!", PASSWORD):
        page = attempt(password)
        assert page.status_code == 429 and 0 < int(page.headers["retry-after"]) <= 60
        assert ('<a href="#username">There have been too many attempts to sign in with these '
                "details; wait 1 minute, then try again</a>") in page.text
    assert checks == []


@pytest.mark.parametrize(("field", "value"), [
    ("username", "reporter\x00"), ("password", PASSWORD + "\x00"), ("username", "\x1b[2J"),
], ids=["NUL in the username", "NUL in the password", "escape in the username"])
def test_hidden_characters_in_sign_in_get_a_field_error(site: Site, field: str,
                                                        value: str) -> None:
    """400 with the message at the box, on both backends, and no sign-in attempt made."""
    fields = {"username": "reporter", "password": PASSWORD, field: value}
    _, response = _sign_in(site, fields["username"], fields["password"])
    assert response.status_code == 400
    assert f'<a href="#{field}">Remove the hidden characters' in response.text


def test_password_checks_run_one_at_a_time_and_never_hold_up_the_api(
        site: Site, monkeypatch: pytest.MonkeyPatch) -> None:
    """Four sign-ins at once, each check taking 0.3 s, with the two threads SQLite runs
    pages and the API on: the checks run one after another on a pool of their own, and a
    report sent meanwhile is answered long before they are done."""
    running, most = 0, 0
    lock = threading.Lock()
    real = users.check_password

    def slow_check(user: User | None, password: str) -> bool:
        nonlocal running, most
        with lock:
            running += 1
            most = max(most, running)
        time.sleep(0.3)
        with lock:
            running -= 1
        return real(user, password)

    monkeypatch.setattr(sign_in_module, "check_password", slow_check)

    async def scenario() -> tuple[float, float]:
        anyio.to_thread.current_default_thread_limiter().total_tokens = 2
        transport = httpx.ASGITransport(app=site.app, client=("192.0.2.20", 50000))
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as web:
            token = csrf_of((await web.get("/login")).text)
            started = time.monotonic()
            finished: dict[str, float] = {}

            async def guess(n: int) -> None:
                await web.post("/login", data={"username": f"guesser-{n}", "password": "x",
                                               "csrf_token": token})
                finished[f"guess {n}"] = time.monotonic() - started

            async def report() -> None:
                await anyio.sleep(0.05)
                response = await web.post("/api/reports", json=report_body(), headers={
                    "Authorization": f"Bearer {site.tokens['reporter']}"})
                assert response.status_code == 201
                finished["report"] = time.monotonic() - started

            async with anyio.create_task_group() as tasks:
                for n in range(4):
                    tasks.start_soon(guess, n)
                tasks.start_soon(report)
        return finished.pop("report"), max(finished.values())

    report_done, guesses_done = anyio.run(scenario)
    assert most == 1
    assert guesses_done >= 1.2 and report_done < 0.6, (report_done, guesses_done)
