"""The performance framework in the web app: an analyst's own force's measures, every
force's and England and Wales's for a national analyst, each with its quarters and control
charts.

Why from the casework store: `tessera publish performance` puts it there (the web app never
opens the warehouse, so it never blocks `tessera ingest`); the pages show the latest
publication. It holds every figure of a force's quarters (too small to publish, needed to read
the charts), so every view is logged (casework/publications.py) and another force's page is
answered as if there were none, that attempt logged too. Each control chart is drawn on its
own request, from the same published figures as the table beside it.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import Response

from tessera.casework.models import User
from tessera.casework.publications import READER_ROLES, force_list, open_entry
from tessera.errors import NotFound
from tessera.publish.performance_publication import PRODUCT, measures_of, tables_of
from tessera.publish.performance_report import control_charts
from tessera.publish.sections import table_section
from tessera.web.access import SignedIn, casework_of
from tessera.web.rendering import render, svg_response

policy = SignedIn(*READER_ROLES)
router = APIRouter(prefix="/performance", dependencies=[Depends(policy)],
                   include_in_schema=False)

LIST_PURPOSE = "performance: viewed the list of forces' performance pages"
PAGE_PURPOSE = "performance: read a force's measures and quarters (every figure)"
CHART_PURPOSE = "performance: drew a control chart of a force's measure"
Force = Annotated[str, Path(max_length=40)]


@router.get("")
def list_page(request: Request, user: Annotated[User, Depends(policy)]) -> Response:
    """The pages the user may read: their own force's, or (national analysts) England and
    Wales's and every force's, with how many measures call a special cause (logged)."""
    with casework_of(request).session() as session:
        listed = force_list(session, user, PRODUCT, force=None, purpose=LIST_PURPOSE)
    return render(request, "performance/list.html", {"listed": listed})


@router.get("/{force}")
def force_page(request: Request, force: Force,
               user: Annotated[User, Depends(policy)]) -> Response:
    """One force's measures over the period, then a control chart per measure with its
    quarters beside it (the view is logged)."""
    with casework_of(request).session() as session:
        publication, entry = open_entry(session, user, PRODUCT, force, purpose=PAGE_PURPOSE)
    measures = measures_of(publication.settings)
    tables = tables_of(entry.detail)
    computed = [m for m in measures if m.computed]
    return render(request, "performance/force.html", {
        "publication": publication, "entry": entry, "measures": measures,
        "figures": table_section("force_measures", tables["force_measures"], []),
        "quarters": table_section("force_quarters", tables["force_quarters"],
                                  control_charts(computed, tables["force_quarters"],
                                                 draw=False)),
        "currency": (table_section("profile_currency", tables["profile_currency"], [])
                     if "profile_currency" in tables else None),
        "chart_base": f"/performance/{entry.key}/charts", "column": "full"})


@router.get("/{force}/charts/{chart}.svg")
def chart(request: Request, force: Force, chart: Annotated[str, Path(max_length=40)],
          user: Annotated[User, Depends(policy)]) -> Response:
    """One control chart of a force's measure, from its published quarters (read logged)."""
    with casework_of(request).session() as session:
        publication, entry = open_entry(session, user, PRODUCT, force, purpose=CHART_PURPOSE)
    wanted = [m for m in measures_of(publication.settings)
              if m.computed and f"chart-spc-{m.id.lower()}" == chart]
    drawn = control_charts(wanted, tables_of(entry.detail)["force_quarters"])
    if not drawn:
        raise NotFound(f"there is no control chart {chart!r} of this force")
    return svg_response(str(drawn[0].svg))
