"""The period an audit covers, named for its release register.

Why from the data: the register keeps what was published for one period, and a later run over
the same offences (a late delivery, a correction) must find the same register without anyone
having to name the period again. The period is the span of years in which the audited
offences were recorded: "2023", or "2022-2023" for a warehouse holding two years.
"""

from __future__ import annotations

from tessera.errors import AnalysisError
from tessera.warehouse.engine import Engine

RECORDED_YEARS_SQL = ("SELECT min(year(recorded_date)) AS first, "
                      "max(year(recorded_date)) AS last FROM analysis.offence")


def audit_period(engine: Engine) -> str:
    """The years the warehouse's offences were recorded in; `AnalysisError` if there are none."""
    if not engine.table_exists("analysis", "offence"):
        raise AnalysisError("the warehouse has no offences; run 'tessera ingest' first")
    (years,) = engine.rows(RECORDED_YEARS_SQL)
    if years["first"] is None:
        raise AnalysisError("the warehouse has no offences; run 'tessera ingest' first")
    first, last = int(years["first"]), int(years["last"])
    return str(first) if first == last else f"{first}-{last}"
