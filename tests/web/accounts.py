"""Accounts of every role, built in code, shared by the web tests and the browser tests.

Why one of each role (and a second local authority): the role x route table needs someone to
be denied as well as allowed, and the browser test needs another area's triage user to show
that a report does not leak into their queue.
"""

from __future__ import annotations

from dataclasses import dataclass

from tessera.casework.roles import AreaType, Role
from tessera.casework.store import Casework
from tessera.casework.users import add_user, disable_user, issue_api_token

PASSWORD = "correct horse battery staple"
LEEDS = "E08000035"
MANCHESTER = "E08000003"
LEEDS_POSTCODE = "LS6 1AB"


@dataclass(frozen=True)
class Account:
    """A test user: username (also the key tests use), role, name and area."""

    username: str
    role: Role
    display_name: str
    organisation: str | None = None
    area_type: AreaType | None = None
    area_code: str | None = None


ACCOUNTS = {a.username: a for a in (
    Account("reporter", Role.REPORTER, "Rita Reporter", "Ash Grove Primary School"),
    Account("other_reporter", Role.REPORTER, "Omar Other", "Hillside Surgery"),
    Account("triage_leeds", Role.TRIAGE, "Lee Leeds", None, "local_authority", LEEDS),
    Account("triage_manchester", Role.TRIAGE, "Mia Manchester", None, "local_authority",
            MANCHESTER),
    Account("triage_force", Role.TRIAGE, "Will Yorkshire", None, "police_force",
            "west-yorkshire"),
    Account("triage_national", Role.TRIAGE, "Nat National"),
    Account("administrator", Role.ADMINISTRATOR, "Ada Admin"),
    Account("analyst", Role.ANALYST, "Ann Analyst", None, "police_force", "west-yorkshire"),
    Account("national_analyst", Role.NATIONAL_ANALYST, "Nia National"),
    Account("review_caseworker", Role.REVIEW_CASEWORKER, "Rob Review"),
    Account("victim", Role.VICTIM, "Vic Victim"),
    Account("disabled_reporter", Role.REPORTER, "Dee Disabled", "Ash Grove Primary School"),
)}


def populate_accounts(casework: Casework) -> dict[str, str]:
    """Create every account (all with `PASSWORD`; `disabled_reporter` then disabled) and
    return an API token per account, by username."""
    tokens = {}
    with casework.session() as session:
        for a in ACCOUNTS.values():
            add_user(session, username=a.username, password=PASSWORD, role=a.role,
                     display_name=a.display_name, organisation=a.organisation,
                     area_type=a.area_type, area_code=a.area_code)
            tokens[a.username] = issue_api_token(session, a.username)
        disable_user(session, "disabled_reporter")
    return tokens
