"""Problem profiles in the web app: an analyst's own force's profile, every force's and
England and Wales's for a national analyst, each section with its tables and charts.

Why from the casework store: `tessera publish profiles` puts them there (the web app never
opens the warehouse, so it never blocks `tessera ingest`); the pages show the latest
publication, saying when it was made and from which data. The profile is the restricted
edition (every figure), so every view is logged (casework/publications.py) and another
force's profile is answered as if there were none, that attempt logged too. Charts are drawn
on their own requests, from the same published figures as the table beside each.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import Response

from tessera.casework.models import User
from tessera.casework.publications import READER_ROLES, force_list, open_entry
from tessera.errors import NotFound
from tessera.publish.profile_publication import PRODUCT, profile_of
from tessera.publish.profile_report import profile_charts
from tessera.publish.sections import table_section
from tessera.web.access import SignedIn, casework_of
from tessera.web.rendering import render, svg_response

policy = SignedIn(*READER_ROLES)
router = APIRouter(prefix="/profiles", dependencies=[Depends(policy)],
                   include_in_schema=False)

LIST_PURPOSE = "problem profiles: viewed the list of published profiles"
PROFILE_PURPOSE = "problem profiles: read a force's problem profile (restricted edition)"
CHART_PURPOSE = "problem profiles: drew a chart of a force's problem profile"
Force = Annotated[str, Path(max_length=40)]


@router.get("")
def list_page(request: Request, user: Annotated[User, Depends(policy)]) -> Response:
    """The profiles the user may read: their own force's, or (national analysts) every
    force's and England and Wales's (the view is logged)."""
    with casework_of(request).session() as session:
        listed = force_list(session, user, PRODUCT, force=None, purpose=LIST_PURPOSE)
    return render(request, "profiles/list.html", {"listed": listed})


@router.get("/{force}")
def profile_page(request: Request, force: Force,
                 user: Annotated[User, Depends(policy)]) -> Response:
    """One force's profile: headlines, then its nine sections, each table with its charts
    (the view is logged)."""
    with casework_of(request).session() as session:
        publication, entry = open_entry(session, user, PRODUCT, force,
                                        purpose=PROFILE_PURPOSE)
    profile = profile_of(entry.detail)
    charts = profile_charts(profile, draw=False)
    sections = [{"key": s.key, "title": s.title, "summary": s.summary,
                 "tables": [table_section(name, profile.tables[name], charts.get(name, []))
                            for name in s.tables]}
                for s in profile.sections]
    return render(request, "profiles/profile.html", {
        "publication": publication, "entry": entry, "profile": profile,
        "headlines": entry.detail["headlines"], "sections": sections,
        "chart_base": f"/profiles/{entry.key}/charts", "column": "full"})


@router.get("/{force}/charts/{chart}.svg")
def chart(request: Request, force: Force, chart: Annotated[str, Path(max_length=40)],
          user: Annotated[User, Depends(policy)]) -> Response:
    """One chart of a force's profile, drawn from its published figures (the read logged)."""
    with casework_of(request).session() as session:
        _, entry = open_entry(session, user, PRODUCT, force, purpose=CHART_PURPOSE)
    drawn = [c for charts in profile_charts(profile_of(entry.detail)).values()
             for c in charts if c.name == chart]
    if not drawn:
        raise NotFound(f"the profile has no chart {chart!r}")
    return svg_response(str(drawn[0].svg))
