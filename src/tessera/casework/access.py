"""Who may do what to which report: the services' own checks, deny by default.

Why here and not only in the web layer: the services are also called from the command line
and tests, and a route that forgot a check must still not leak a report. Every check reloads
the user from the database, so a user disabled a moment ago is refused at once.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import ColumnElement, false, select
from sqlalchemy.orm import Session

from tessera.casework.models import ApiToken, Report, User
from tessera.casework.roles import Role
from tessera.casework.routing import NATIONAL_QUEUE
from tessera.errors import NotPermitted

TOKEN_USE_PRECISION = timedelta(minutes=1)
"""How stale an API token's last-used time may get before the next use rewrites it: a write
per report would put every report of a token on one row."""


def acting_user(session: Session, user: User, *roles: Role, api_token: int | None = None
                ) -> User:
    """The user as the database has them now, if enabled and holding one of `roles`.

    A request made with an API token names it (`api_token`, its id): the token's row must
    still be unrevoked, so a revoked token acts no more even while a web worker still
    remembers it. That costs one primary-key read in the acting transaction, lost in the
    noise of benchmarks/intake.py (SQLite, 32 clients, two cores shared with other work,
    two runs each: 205 and 166 reports/s with it, 203 and 168 without; PostgreSQL as noisy,
    236 and 208 with it, 160 and 142 without), and a write of the last-used time at most
    once a minute per token.
    """
    current = session.get(User, user.id)
    if current is None or current.disabled:
        raise NotPermitted("your account is disabled or no longer exists")
    if current.role not in roles:
        raise NotPermitted(f"a {current.role} user cannot do this")
    if api_token is not None:
        token = session.get(ApiToken, api_token)
        if token is None or token.user_id != current.id or token.revoked_at is not None:
            raise NotPermitted("this API token has been revoked")
        now = datetime.now(UTC)
        if token.last_used_at is None or now - token.last_used_at >= TOKEN_USE_PRECISION:
            token.last_used_at = now
    return current


def triage_scope(user: User) -> ColumnElement[bool]:
    """The SQL condition selecting the reports a triage user works: their area's, or the
    national queue for a triage user with no area."""
    if user.role != Role.TRIAGE:
        return false()
    if user.area_type == "police_force":
        return Report.force_code == user.area_code
    if user.area_type == "local_authority":
        return Report.la_code == user.area_code
    return Report.queue == NATIONAL_QUEUE


def may_see(session: Session, user: User, report: Report) -> bool:
    """Whether a user may see a report: triage in its area, or the reporter who made it."""
    if user.role == Role.REPORTER:
        return report.reporter_id == user.id
    found = session.scalar(select(Report.id).where(Report.id == report.id, triage_scope(user)))
    return found is not None
