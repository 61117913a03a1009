"""Who may do what to which report: the services' own checks, deny by default.

Why here and not only in the web layer: the services are also called from the command line
and tests, and a route that forgot a check must still not leak a report. Every check reloads
the user from the database, so a user disabled a moment ago is refused at once.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import ColumnElement, Table, bindparam, false, select, update
from sqlalchemy.orm import Session

from tessera.casework.models import ApiToken, Report, User
from tessera.casework.roles import Role
from tessera.casework.routing import NATIONAL_QUEUE
from tessera.errors import NotPermitted

TOKEN_USE_PRECISION = timedelta(minutes=1)
"""How stale an API token's last-used time may get before the next use rewrites it: a write
per report would put every report of a token on one row."""
_USERS: Table = User.__table__  # type: ignore[assignment]
_TOKENS: Table = ApiToken.__table__  # type: ignore[assignment]
_ACTOR = (select(_USERS.c.role, _USERS.c.disabled, _TOKENS.c.user_id.label("token_user"),
                 _TOKENS.c.revoked_at, _TOKENS.c.last_used_at)
          .select_from(_USERS.outerjoin(_TOKENS, _TOKENS.c.id == bindparam("token")))
          .where(_USERS.c.id == bindparam("user")))
_TOKEN_USED = (update(_TOKENS).where(_TOKENS.c.id == bindparam("token"))
               .values(last_used_at=bindparam("used_at")))
"""The two statements of the check every action makes, built once (intake runs it for every
report)."""


def acting_user(session: Session, user: User, *roles: Role, api_token: int | None = None
                ) -> User:
    """The user as the database has them now, if enabled and holding one of `roles`
    (`check_acting`)."""
    check_acting(session, user.id, *roles, api_token=api_token)
    current = session.get(User, user.id)
    assert current is not None  # check_acting found the row in this transaction
    return current


def check_acting(session: Session, user_id: int, *roles: Role,
                 api_token: int | None = None) -> None:
    """Refuse (`NotPermitted`) unless the user is, in the database now, enabled and holding one
    of `roles`.

    A request made with an API token names it (`api_token`, its id): the token's row must
    still be unrevoked, so a revoked token acts no more even while a web worker still
    remembers it. One statement reads both, in the acting transaction (on SQLite its first,
    which takes the write lock), and the token's last-used time is written at most once a
    minute.
    """
    row = session.connection().execute(_ACTOR, {"user": user_id, "token": api_token}).first()
    if row is None or row.disabled:
        raise NotPermitted("your account is disabled or no longer exists")
    if row.role not in roles:
        raise NotPermitted(f"a {row.role} user cannot do this")
    if api_token is None:
        return
    if row.token_user != user_id or row.revoked_at is not None:
        raise NotPermitted("this API token has been revoked")
    now = datetime.now(UTC)
    if row.last_used_at is None or now - row.last_used_at >= TOKEN_USE_PRECISION:
        session.connection().execute(_TOKEN_USED, {"token": api_token, "used_at": now})


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
