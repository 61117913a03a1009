"""Who may do what to which report: the services' own checks, deny by default.

Why here and not only in the web layer: the services are also called from the command line
and tests, and a route that forgot a check must still not leak a report. Every check reloads
the user from the database, so a user disabled a moment ago is refused at once.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, false, select
from sqlalchemy.orm import Session

from tessera.casework.models import Report, User
from tessera.casework.roles import Role
from tessera.casework.routing import NATIONAL_QUEUE
from tessera.errors import NotPermitted


def acting_user(session: Session, user: User, *roles: Role) -> User:
    """The user as the database has them now, if enabled and holding one of `roles`."""
    current = session.get(User, user.id)
    if current is None or current.disabled:
        raise NotPermitted("your account is disabled or no longer exists")
    if current.role not in roles:
        raise NotPermitted(f"a {current.role} user cannot do this")
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
