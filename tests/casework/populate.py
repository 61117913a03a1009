"""Populate a casework store with known people and reports: shared by tests, the web tests
and benchmarks, so they all act on the same fixture."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from tessera.casework.models import User
from tessera.casework.report_input import ReportInput
from tessera.casework.reports import Submitted, submit_report
from tessera.casework.roles import Role
from tessera.casework.users import add_user

PASSWORD = "correct horse battery staple"
HARTLEPOOL_POSTCODE = "TS24 8AA"
"""A real postcode in Hartlepool (E06000001), in Cleveland Police's area."""
SHEFFIELD_POSTCODE = "S1 2HE"
"""A real postcode in Sheffield (E08000019), in South Yorkshire Police's area."""


@dataclass(frozen=True)
class People:
    """One user of each kind the tests need."""

    reporter: User
    other_reporter: User
    hartlepool: User
    cleveland: User
    sheffield: User
    national: User
    analyst: User
    admin: User


def populate_people(session: Session) -> People:
    """Add the fixture's users (every password is `PASSWORD`)."""
    def user(username: str, role: Role, **area: Any) -> User:
        return add_user(session, username=username, password=PASSWORD, role=role,
                        display_name=username.replace("-", " ").title(), **area)

    return People(
        reporter=user("teacher", Role.REPORTER, organisation="Hartlepool Primary"),
        other_reporter=user("gp", Role.REPORTER, organisation="Surgery"),
        hartlepool=user("hartlepool-triage", Role.TRIAGE, area_type="local_authority",
                        area_code="E06000001"),
        cleveland=user("cleveland-triage", Role.TRIAGE, area_type="police_force",
                       area_code="cleveland"),
        sheffield=user("sheffield-triage", Role.TRIAGE, area_type="local_authority",
                       area_code="E08000019"),
        national=user("national-triage", Role.TRIAGE),
        analyst=user("analyst", Role.ANALYST, area_type="police_force", area_code="cleveland"),
        admin=user("admin", Role.ADMINISTRATOR),
    )


def report_input(**overrides: Any) -> ReportInput:
    """A valid report about a child in Hartlepool; keyword arguments override fields."""
    values: dict[str, Any] = {
        "reporter_role": "Teacher", "reporter_organisation": "Hartlepool Primary",
        "reporter_contact": "teacher@example.org", "child_given_name": "Amy",
        "child_family_name": "Smith", "child_date_of_birth": "2014-03-04",
        "child_postcode": HARTLEPOOL_POSTCODE, "child_setting": "Hartlepool Primary",
        "disclosure": "Amy said an adult she met online asked her to meet him.",
        "occurred_when": "Last week", "alleged_person": "A man called Dave",
        "immediate_risk": False}
    return ReportInput.model_validate({**values, **overrides})


def file_report(session: Session, reporter: User, **overrides: Any) -> Submitted:
    """Submit `report_input(**overrides)` as `reporter`."""
    return submit_report(session, reporter, report_input(**overrides))

