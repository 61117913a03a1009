"""Deny by default: every route declares a policy, and a role x route table of who may use what.

The table is written out by hand, not derived from the policies, so a policy loosened by
mistake fails here. A route missing from the table fails too: a new route must say who may
use it before it can land.
"""

from __future__ import annotations

import base64
import hashlib
import re
from dataclasses import dataclass

import pytest
from fastapi import APIRouter, Request
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from httpx import Response

from tessera.config import load_settings
from tessera.errors import ConfigurationError
from tessera.web import app as web_app
from tessera.web.access import Policy
from tessera.web.app import api_routes, app_from_settings, create_app, route_policy
from tessera.web.transport import SECURITY_HEADERS
from tests.web.conftest import Site, report_body

EVERYONE = ("anonymous", "reporter", "triage_leeds", "administrator", "analyst",
            "national_analyst", "review_caseworker", "victim")
RECOMMENDATION = "HMICFRS23-02"
"""A recommendation of the tracker, for its administrators' routes."""


@dataclass(frozen=True)
class RouteRule:
    """Who may use one route, and why (the description each case of the table carries)."""

    method: str
    path: str
    allowed: tuple[str, ...]
    why: str


RULES = [
    RouteRule("GET", "/", EVERYONE, "the start page is public"),
    RouteRule("GET", "/login", EVERYONE, "anyone may see the sign-in form"),
    RouteRule("POST", "/login", EVERYONE, "anyone may try to sign in"),
    RouteRule("POST", "/logout", EVERYONE, "signing out is always allowed"),
    RouteRule("GET", "/report", ("reporter",), "only reporters file reports"),
    RouteRule("POST", "/report/you", ("reporter",), "only reporters answer the form"),
    RouteRule("POST", "/report/change", ("reporter",), "only reporters change answers"),
    RouteRule("POST", "/report/send", ("reporter",), "only reporters send reports"),
    RouteRule("GET", "/report/{leeds}/receipt.json", ("reporter",),
              "a receipt is downloaded by the reporter who made the report"),
    RouteRule("GET", "/triage", ("triage_leeds",), "only triage users have a queue"),
    RouteRule("GET", "/triage/{leeds}", ("triage_leeds",),
              "only triage users open reports (and only in their area)"),
    RouteRule("POST", "/triage/{leeds}/decision", ("triage_leeds",),
              "only triage users decide"),
    RouteRule("GET", "/admin/read-log", ("administrator",),
              "only administrators read the read log"),
    RouteRule("GET", "/look-again", ("analyst", "national_analyst"),
              "only analysts read the look-again list (an analyst only their force's)"),
    RouteRule("GET", "/look-again/cases/{wy_case}", ("analyst", "national_analyst"),
              "only analysts open a case of the look-again list"),
    RouteRule("POST", "/look-again/cases/{wy_case}/decision", ("analyst", "national_analyst"),
              "only analysts record a decision on a case of the look-again list"),
    RouteRule("GET", "/profiles", ("analyst", "national_analyst"),
              "only analysts read problem profiles (an analyst only their force's)"),
    RouteRule("GET", "/profiles/{force}", ("analyst", "national_analyst"),
              "only analysts read a force's problem profile (every figure, logged)"),
    RouteRule("GET", "/profiles/{force}/charts/{profile_chart}.svg",
              ("analyst", "national_analyst"), "only analysts draw a profile's chart"),
    RouteRule("GET", "/performance", ("analyst", "national_analyst"),
              "only analysts read the performance pages (an analyst only their force's)"),
    RouteRule("GET", "/performance/{force}", ("analyst", "national_analyst"),
              "only analysts read a force's performance (every figure, logged)"),
    RouteRule("GET", "/performance/{force}/charts/{spc_chart}.svg",
              ("analyst", "national_analyst"), "only analysts draw a control chart"),
    RouteRule("GET", "/receipts/verify", EVERYONE, "anyone may check a receipt"),
    RouteRule("POST", "/receipts/verify", EVERYONE, "anyone may check a receipt"),
    RouteRule("GET", "/receipts/public-key", EVERYONE, "the signing key is public"),
    RouteRule("GET", "/receipts/public-key.pem", EVERYONE, "the signing key is public"),
    RouteRule("GET", "/review-request", EVERYONE, "anyone may ask for a review: no account"),
    RouteRule("GET", "/review-request/start", EVERYONE, "anyone may ask for a review"),
    RouteRule("POST", "/review-request/who", EVERYONE, "anyone may answer the request form"),
    RouteRule("POST", "/review-request/change", EVERYONE, "anyone may change their answers"),
    RouteRule("POST", "/review-request/send", EVERYONE, "anyone may send a request"),
    RouteRule("GET", "/review-request/check", EVERYONE,
              "a request is followed by its reference and secret, not an account"),
    RouteRule("POST", "/review-request/check", EVERYONE,
              "a request is followed by its reference and secret, not an account"),
    RouteRule("GET", "/review-request/your-request", EVERYONE,
              "the request whose secret matched in this session (else the check form)"),
    RouteRule("POST", "/review-request/stop", EVERYONE,
              "the holder may stop their request (only the one held in their session)"),
    RouteRule("POST", "/review-request/forget", EVERYONE, "anyone may forget a request"),
    RouteRule("GET", "/reviews", ("review_caseworker",), "only the panel has a queue"),
    RouteRule("GET", "/reviews/{review}", ("review_caseworker",),
              "only the panel opens a request (the read is logged)"),
    RouteRule("POST", "/reviews/{review}/acknowledge", ("review_caseworker",),
              "only the panel acknowledges"),
    RouteRule("POST", "/reviews/{review}/assign", ("review_caseworker",),
              "only the panel assigns"),
    RouteRule("POST", "/reviews/{review}/eligibility", ("review_caseworker",),
              "only the panel decides eligibility"),
    RouteRule("POST", "/reviews/{review}/outcome", ("review_caseworker",),
              "only the panel records outcomes"),
    RouteRule("POST", "/reviews/{review}/letter", ("review_caseworker",),
              "only the panel writes letters"),
    RouteRule("GET", "/tracker", EVERYONE, "the recommendations tracker is public"),
    RouteRule("GET", "/tracker/tracker.ods", EVERYONE, "the tracker's release is public"),
    RouteRule("GET", "/tracker/{recommendation}/status", ("administrator",),
              "only administrators record a recommendation's status"),
    RouteRule("POST", "/tracker/{recommendation}/status", ("administrator",),
              "only administrators record a recommendation's status"),
    RouteRule("POST", "/api/reports", ("reporter",),
              "the API files reports for reporters' tokens only"),
]
# Deny is by area, below the policy: the service refuses another area's report.
AREA_RULES = [
    ("triage_manchester", "GET", "/triage/{leeds}", "deny",
     "a Manchester triage user cannot open a Leeds report"),
    ("triage_national", "GET", "/triage/{leeds}", "deny",
     "national triage cannot open a report routed to Leeds"),
    ("triage_national", "GET", "/triage/{national}", "allow",
     "national triage opens a report with no known area"),
    ("triage_force", "GET", "/triage/{leeds}", "allow",
     "West Yorkshire Police triage opens a Leeds report (Leeds is in its area)"),
    ("analyst", "GET", "/look-again/cases/{kent_case}", "deny",
     "a West Yorkshire analyst cannot open a Kent case of the look-again list"),
    ("analyst", "POST", "/look-again/cases/{kent_case}/decision", "deny",
     "a West Yorkshire analyst cannot decide on a Kent case of the look-again list"),
    ("analyst", "GET", "/look-again?force=kent", "deny",
     "a West Yorkshire analyst cannot list Kent's cases"),
    ("national_analyst", "GET", "/look-again/cases/{kent_case}", "allow",
     "a national analyst opens any force's case"),
    ("national_analyst", "GET", "/look-again?force=kent", "allow",
     "a national analyst lists any force's cases"),
    ("analyst", "GET", "/profiles/kent", "deny",
     "a West Yorkshire analyst cannot read Kent's problem profile"),
    ("analyst", "GET", "/profiles/england-and-wales", "deny",
     "a force analyst cannot read the national profile (every force's figures)"),
    ("analyst", "GET", "/profiles/kent/charts/chart-trend.svg", "deny",
     "a West Yorkshire analyst cannot draw Kent's chart"),
    ("analyst", "GET", "/performance/lancashire", "deny",
     "a West Yorkshire analyst cannot read Lancashire's performance"),
    ("analyst", "GET", "/performance/lancashire/charts/chart-spc-p1.svg", "deny",
     "a West Yorkshire analyst cannot draw Lancashire's control chart"),
    ("national_analyst", "GET", "/profiles/kent", "allow",
     "a national analyst reads any force's problem profile"),
    ("national_analyst", "GET", "/profiles/england-and-wales", "allow",
     "a national analyst reads England and Wales's profile"),
    ("national_analyst", "GET", "/performance/lancashire", "allow",
     "a national analyst reads any force's performance"),
    ("other_reporter", "GET", "/report/{leeds}/receipt.json", "deny",
     "a reporter cannot download another reporter's receipt"),
]


def _cases() -> list[object]:
    """One case per role and route, each with its description as the test id."""
    cases = []
    for rule in RULES:
        for who in EVERYONE:
            expected = "allow" if who in rule.allowed else "deny"
            description = (f"{who} {'may' if expected == 'allow' else 'may not'} "
                           f"{rule.method} {rule.path}: {rule.why}")
            cases.append(pytest.param(who, rule.method, rule.path, expected, id=description))
    for who, method, path, expected, why in AREA_RULES:
        cases.append(pytest.param(who, method, path, expected, id=f"{who}: {why}"))
    return cases


def _request(site: Site, who: str, method: str, path: str) -> Response:
    """Make the request as `who`: signed in for pages, with their API token for the API."""
    path = path.format(leeds=site.leeds_report, national=site.national_report,
                       wy_case=site.wy_case, kent_case=site.kent_case,
                       review=site.review_request, recommendation=RECOMMENDATION,
                       force="west-yorkshire", profile_chart="chart-trend",
                       spc_chart="chart-spc-p1")
    if path.startswith("/api/"):
        client, _ = site.client(None)
        headers = {} if who == "anonymous" else {"Authorization": f"Bearer {site.tokens[who]}"}
        return client.post(path, json=report_body(), headers=headers)
    client, token = site.client(None if who == "anonymous" else who)
    if method == "GET":
        return client.get(path, follow_redirects=False)
    response = client.post(path, data={"csrf_token": token, "step": "you"},
                           follow_redirects=False)
    if path == "/logout":
        site.forget(None if who == "anonymous" else who)
    return response


def _outcome(response: Response) -> str:
    """Deny: 401 or 403, 404 (another area's report, answered as if there were none), or (a
    page, not signed in) a redirect to the sign-in page."""
    assert "This form has expired" not in response.text, "the test sent a stale CSRF token"
    if response.status_code in (401, 403, 404):
        return "deny"
    if response.status_code == 303 and response.headers["location"].startswith("/login?"):
        return "deny"
    return "allow"


@pytest.mark.parametrize(("who", "method", "path", "expected"), _cases())
def test_role_route_table(site: Site, who: str, method: str, path: str, expected: str) -> None:
    """Each role is allowed exactly the routes the table says, and denied the rest."""
    response = _request(site, who, method, path)
    assert _outcome(response) == expected, (response.status_code, response.text[:300])
    assert response.status_code < 500


def test_every_route_is_in_the_role_table(site: Site) -> None:
    """A route nobody wrote a rule for fails here: new routes must declare who may use them."""
    def shape(path: str) -> str:
        for name in ("{reference}", "{step_name}", "{leeds}", "{national}", "{key}",
                     "{wy_case}", "{review}", "{recommendation_id}", "{recommendation}",
                     "{force}", "{chart}", "{profile_chart}", "{spc_chart}"):
            path = path.replace(name, "{}")
        return path.replace("/report/you", "/report/{}").replace("/review-request/who",
                                                                 "/review-request/{}")

    covered = {(rule.method, shape(rule.path)) for rule in RULES}
    routes = {(method, shape(route.path)) for route in api_routes(site.app)
              for method in route.methods or ()}
    assert routes == covered


def test_every_route_declares_a_policy(site: Site) -> None:
    """Walk the app's routes: each has a Policy, and a page's policy differs from the API's."""
    for route in api_routes(site.app):
        policy = route_policy(route)
        assert isinstance(policy, Policy), route.path
        assert policy.describe()
        assert ("bearer" in policy.describe()) == route.path.startswith("/api/"), route.path


def test_app_refuses_to_start_with_an_unguarded_route(site: Site,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """A route added without a policy stops the app from being built at all."""
    careless = APIRouter()

    @careless.get("/oops")
    def oops(request: Request) -> str:
        return "anyone"

    monkeypatch.setattr(web_app, "ROUTERS", (*web_app.ROUTERS, careless))
    with pytest.raises(ConfigurationError, match="GET /oops"):
        create_app(site.casework, session_key="k", secure_cookies=False)
    assert isinstance(careless.routes[0], APIRoute)


def test_session_cookie_is_httponly_and_samesite_and_secure_off_loopback(
        site: Site, tmp_path: object, monkeypatch: pytest.MonkeyPatch) -> None:
    """HttpOnly and SameSite=Lax always; Secure when the service listens beyond loopback."""
    from fastapi.testclient import TestClient

    local = TestClient(site.app).get("/login").headers["set-cookie"].lower()
    assert "httponly" in local and "samesite=lax" in local and "secure" not in local
    monkeypatch.setenv("TESSERA_WEB_HOST", "0.0.0.0")
    monkeypatch.setenv("TESSERA_CASEWORK_URL", str(site.casework.engine.url.render_as_string(
        hide_password=False)))
    monkeypatch.setenv("TESSERA_SIGNING_KEY_FILE", f"{tmp_path}/signing.key")
    monkeypatch.setenv("TESSERA_SESSION_KEY_FILE", f"{tmp_path}/session.key")
    public = app_from_settings(load_settings())
    cookie = TestClient(public, base_url="https://testserver").get("/login").headers[
        "set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie and "secure" in cookie
    public.state.casework.close()


@pytest.mark.parametrize("path", ["/login", "/logout", "/report/you", "/report/change",
                                  "/report/send", "/triage/{leeds}/decision",
                                  "/receipts/verify", "/review-request/who",
                                  "/review-request/send", "/review-request/check",
                                  "/review-request/stop", "/reviews/{review}/outcome",
                                  "/reviews/{review}/letter", f"/tracker/{RECOMMENDATION}/status"])
def test_every_form_needs_the_csrf_token(site: Site, path: str) -> None:
    """A POST without the session's CSRF token (or with another) is refused with 403."""
    client, _ = site.client("triage_leeds" if "triage" in path else
                            "review_caseworker" if "/reviews/" in path else
                            "administrator" if "tracker" in path else "reporter")
    url = path.format(leeds=site.leeds_report, review=site.review_request)
    for token in (None, "forged"):
        data = {"step": "you"} | ({"csrf_token": token} if token else {})
        response = client.post(url, data=data, follow_redirects=False)
        assert response.status_code == 403, (url, token, response.status_code)
        assert "This form has expired" in response.text


def test_signing_key_files_are_created_private(tmp_path: object) -> None:
    """The session key is made on first use, mode 0600, and read back the same."""
    import os
    from pathlib import Path

    from tessera.web.access import session_secret

    path = Path(str(tmp_path)) / "keys" / "session.key"
    first = session_secret(path)
    assert session_secret(path) == first and len(first) == 64
    assert os.stat(path).st_mode & 0o777 == 0o600


HEADERS_ON = [
    pytest.param(None, "/", id="start page"),
    pytest.param("reporter", "/report", id="the report form"),
    pytest.param("triage_leeds", "/triage/{leeds}", id="a report with the child's details"),
    pytest.param(None, "/api/reports", id="the API refusing (no token)"),
    pytest.param(None, "/openapi.json", id="the OpenAPI document"),
    pytest.param(None, "/no-such-page", id="a 404 page"),
    pytest.param(None, "/receipts/public-key.pem", id="a file download"),
    pytest.param(None, "/assets/govuk-frontend.min.css", id="GOV.UK Frontend's styles"),
    pytest.param(None, "/assets/tessera/tessera.js", id="Tessera's own script"),
]


@pytest.mark.parametrize(("who", "path"), HEADERS_ON)
def test_every_response_carries_the_security_headers(site: Site, who: str | None,
                                                     path: str) -> None:
    """Framing refused, no sniffing, no referrer, a CSP; nothing but static assets may be
    kept by a browser or proxy."""
    client, _ = site.client(who)
    url = path.format(leeds=site.leeds_report)
    response = client.post(url) if url.startswith("/api/") else client.get(url)
    for name, value in SECURITY_HEADERS.items():
        assert response.headers[name] == value, name
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    if url.startswith("/assets/"):
        assert response.status_code == 200 and "no-store" not in response.headers.get(
            "cache-control", "")
    else:
        assert response.headers["cache-control"] == "no-store"


def test_even_a_server_error_carries_the_security_headers(site: Site) -> None:
    """The headers are set outside Starlette's own error middleware."""
    app = create_app(site.casework, session_key="k", secure_cookies=False)

    @app.get("/boom")
    def boom() -> None:
        raise RuntimeError("boom")

    response = TestClient(app, raise_server_exceptions=False).get("/boom")
    assert response.status_code == 500
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["cache-control"] == "no-store"


def test_the_csp_allows_every_inline_script_of_every_page_and_no_inline_style(
        site: Site) -> None:
    """GOV.UK's template writes one inline script, allowed by its hash; Tessera's own script
    and styles are files. A template change that adds inline code fails here, not in a
    browser that silently ignores it."""
    pages = [(None, "/"), (None, "/login"), ("reporter", "/report"),
             ("triage_leeds", "/triage"), ("triage_leeds", f"/triage/{site.leeds_report}"),
             ("administrator", "/admin/read-log"), (None, "/receipts/verify"),
             (None, "/tracker"), ("administrator", f"/tracker/{RECOMMENDATION}/status")]
    for who, path in pages:
        response = site.client(who)[0].get(path)
        html, policy = response.text, response.headers["content-security-policy"]
        scripts = re.findall(r"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", html, re.S)
        assert scripts, path
        for script in scripts:
            digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
            assert f"'sha256-{digest}'" in policy, (path, script)
        assert "<style" not in html and " style=" not in html, path


def test_a_wrong_method_says_which_are_allowed(site: Site) -> None:
    """405 keeps Starlette's Allow header through the one error renderer."""
    response = site.client(None)[0].get("/api/reports")
    assert response.status_code == 405 and response.headers["allow"] == "POST"


def test_a_form_over_the_body_cap_is_refused_with_413(site: Site) -> None:
    """A form larger than any page of the service sends: 413 (Starlette's plain answer, as
    its Content-Length says so before anything is read)."""
    client, token = site.client("reporter")
    response = client.post("/report/concern", data={"csrf_token": token,
                                                    "disclosure": "x" * 300_000})
    assert response.status_code == 413
