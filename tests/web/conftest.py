"""The web app over a real casework store, once on a SQLite file and once on PostgreSQL.

One store per test module and backend (not per test): the role table alone has over a hundred
cases, and each case only reads or files its own report. PostgreSQL is reached as the
casework tests reach it (tests/casework/backends.py), in a schema of its own dropped
afterwards; unreachable, the tests that need it fail.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from argon2 import PasswordHasher, profiles
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from tessera.casework import users
from tessera.casework.models import User
from tessera.casework.readlog import read_log
from tessera.casework.reports import ReportInput, submit_report
from tessera.casework.reviews import submit_request
from tessera.casework.signing import Signer
from tessera.casework.store import Casework
from tessera.web.app import create_app
from tests.casework.backends import BACKENDS, empty_store
from tests.casework.review_fixture import review_input
from tests.web.accounts import LEEDS_POSTCODE, PASSWORD, populate_accounts
from tests.web.analysis_data import publish_fixture_products
from tests.web.lookagain_data import KENT_CASES, WY_CASE, publish_fixture_list

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def report_body(**overrides: Any) -> dict[str, Any]:
    """A valid report as the JSON API takes it (a child in Leeds); overrides replace fields."""
    body = {"reporter_role": "Class teacher", "reporter_organisation": "Ash Grove Primary",
            "reporter_contact": "0113 496 0000", "child_given_name": "Amy",
            "child_family_name": "Smith", "child_date_of_birth": "2014-03-04",
            "child_postcode": LEEDS_POSTCODE, "disclosure": "She said a man asked to meet.",
            "occurred_when": "Last Tuesday", "immediate_risk": False}
    return {**body, **overrides}


@dataclass
class Site:
    """The app under test, its store, its accounts' API tokens and a few filed reports."""

    app: FastAPI
    casework: Casework
    signer: Signer
    tokens: dict[str, str]
    leeds_report: str
    """A report by `reporter` about a child in Leeds."""
    national_report: str
    """A report by `reporter` with no postcode: the national queue."""
    review_request: str = ""
    """A victim's review request (issue 14), for the review panel's routes."""
    _clients: dict[str, tuple[TestClient, str]] = field(default_factory=dict)
    wy_case: str = WY_CASE
    """A West Yorkshire case of the published look-again list."""
    kent_case: str = KENT_CASES[0]
    """A Kent case of it."""

    def client(self, username: str | None) -> tuple[TestClient, str]:
        """A client signed in as `username` (None: not signed in) and its CSRF token; made
        once per module, as signing in is the slow part."""
        key = username or ""
        if key not in self._clients:
            client = TestClient(self.app, base_url="http://testserver")
            token = csrf_of(client.get("/login").text)
            if username is not None:
                response = client.post("/login", data={
                    "username": username, "password": PASSWORD, "csrf_token": token})
                assert response.status_code in (200, 303), response.text[:500]
                token = csrf_of(client.get("/receipts/verify").text)
            self._clients[key] = (client, token)
        return self._clients[key]

    def forget(self, username: str | None) -> None:
        """Drop a client that signed out, so the next case signs in afresh."""
        self._clients.pop(username or "", None)

    def file(self, username: str, **overrides: Any) -> str:
        """File a report through the service as `username`; its reference."""
        with self.casework.session() as session:
            reporter = session.scalar(select(User).where(User.username == username))
            assert reporter is not None
            submitted = submit_report(session, reporter,
                                      ReportInput.model_validate(report_body(**overrides)))
        return submitted.reference


def reads(site: Site, username: str, kind: str) -> list[tuple[str, str, str]]:
    """The read log's entries by `username` of records whose kind starts with `kind`, newest
    first: (kind, record id, purpose)."""
    with site.casework.reading() as session:
        admin = users.user_named(session, "administrator")
        return [(r.record_kind, r.record_id, r.purpose) for r in read_log(session, admin)
                if r.actor == username and r.record_kind.startswith(kind)]


def csrf_of(html: str) -> str:
    """The CSRF token in a page's forms."""
    match = CSRF.search(html)
    assert match, "no CSRF token in the page"
    return match.group(1)


@pytest.fixture(scope="module", params=BACKENDS)
def site(request: pytest.FixtureRequest,
         tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """The app on a fresh store with every account, two reports, a published look-again
    list, problem profiles and performance framework, once per backend."""
    with empty_store(request.param, tmp_path_factory, "web_test") as url, \
            pytest.MonkeyPatch.context() as patch:
        # argon2's cheapest parameters: signing in a dozen accounts takes milliseconds.
        patch.setattr(users, "_hasher", PasswordHasher.from_parameters(profiles.CHEAPEST))
        signer = Signer.generate()
        casework = Casework.open(url, signer)
        tokens = populate_accounts(casework)
        app = create_app(casework, session_key="web-tests", secure_cookies=False)
        site = Site(app, casework, signer, tokens, "", "")
        site.leeds_report = site.file("reporter", immediate_risk=True)
        site.national_report = site.file("reporter", child_postcode=None)
        publish_fixture_list(casework)
        publish_fixture_products(casework)
        with casework.session() as session:
            site.review_request = submit_request(session, review_input()).reference
        yield site
        casework.close()
