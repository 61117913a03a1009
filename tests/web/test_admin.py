"""The read log page: administrators see every read of a report, and cannot change it."""

from __future__ import annotations

from fastapi.routing import APIRoute

from tessera.web import admin
from tests.web.conftest import Site


def test_opening_a_report_shows_in_the_read_log(site: Site) -> None:
    """A triage user opens a report; the administrator sees who, which report and why."""
    site.client("triage_leeds")[0].get(f"/triage/{site.leeds_report}")
    page = site.client("administrator")[0].get("/admin/read-log")
    assert page.status_code == 200
    row = next(r for r in page.text.split("<tr") if site.leeds_report in r)
    assert "Lee Leeds" in row and "triage_leeds" in row and "opened from the area" in row


def test_the_read_log_has_no_way_to_change_it() -> None:
    """Only GET routes: nothing in the app edits or deletes an entry."""
    methods = {m for route in admin.router.routes if isinstance(route, APIRoute)
               for m in route.methods}
    assert methods == {"GET"}
