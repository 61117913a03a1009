"""Who may do what to which report: the services' own checks, deny by default.

Why here and not only in the web layer: the services are also called from the command line
and tests, and a route that forgot a check must still not leak a report. Every check reloads
the user from the database, so a user disabled a moment ago is refused at once.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Table, and_, bindparam, false, select, update
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
_ACTORS = (select(_USERS.c.id, _USERS.c.role, _USERS.c.disabled,
                  _TOKENS.c.id.label("token_id"), _TOKENS.c.revoked_at,
                  _TOKENS.c.last_used_at)
           .select_from(_USERS.outerjoin(_TOKENS, and_(
               _TOKENS.c.user_id == _USERS.c.id,
               _TOKENS.c.id.in_(bindparam("tokens", expanding=True)))))
           .where(_USERS.c.id.in_(bindparam("users", expanding=True))))
_TOKEN_USED = (update(_TOKENS).where(_TOKENS.c.id == bindparam("token"))
               .values(last_used_at=bindparam("used_at")))
"""The two statements of the check every action makes, built once (intake runs it for every
batch of reports)."""


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
    of `roles` (`actors_refused`, for one)."""
    (refused,) = actors_refused(session, [(user_id, api_token)], *roles)
    if refused is not None:
        raise refused


def actors_refused(session: Session, actors: Sequence[tuple[int, int | None]], *roles: Role
                   ) -> list[NotPermitted | None]:
    """For each (user id, API token id or None): why the database refuses it now, or None.

    A user must be enabled and hold one of `roles`. A request made with an API token names it,
    and the token's row must still be the user's and unrevoked, so a revoked token acts no
    more even while a web worker still remembers it. One statement reads every user and token
    asked about, in the acting transaction (on SQLite its first, which takes the write lock),
    and each token's last-used time is written at most once a minute.
    """
    users = {user_id for user_id, _ in actors}
    tokens = {token for _, token in actors if token is not None}
    found: dict[int, Any] = {}
    live_tokens: dict[int, Any] = {}
    for row in session.connection().execute(_ACTORS, {"users": list(users),
                                                      "tokens": list(tokens)}):
        found[row.id] = row
        if row.token_id is not None:
            live_tokens[row.token_id] = row
    now = datetime.now(UTC)
    answers: list[NotPermitted | None] = []
    used: set[int] = set()
    for user_id, token in actors:
        user = found.get(user_id)
        if user is None or user.disabled:
            answers.append(NotPermitted("your account is disabled or no longer exists"))
        elif user.role not in roles:
            answers.append(NotPermitted(f"a {user.role} user cannot do this"))
        elif token is not None and (token not in live_tokens
                                    or live_tokens[token].id != user_id
                                    or live_tokens[token].revoked_at is not None):
            answers.append(NotPermitted("this API token has been revoked"))
        else:
            answers.append(None)
            if token is not None:
                used.add(token)
    for token in used:
        last_used = live_tokens[token].last_used_at
        if last_used is None or now - last_used >= TOKEN_USE_PRECISION:
            session.connection().execute(_TOKEN_USED, {"token": token, "used_at": now})
    return answers


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
