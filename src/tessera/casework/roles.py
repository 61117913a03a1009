"""The roles a casework user can hold, and the kinds of area a triage user is scoped to.

Why a closed enum: every permission check compares against these values, so a typo in a role
name must fail type-checking rather than silently deny (or allow) someone.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Literal


class Role(StrEnum):
    """What a user does in Tessera; each service function says which roles may call it."""

    REPORTER = "reporter"
    TRIAGE = "triage"
    ANALYST = "analyst"
    NATIONAL_ANALYST = "national_analyst"
    REVIEW_CASEWORKER = "review_caseworker"
    VICTIM = "victim"
    ADMINISTRATOR = "administrator"


AreaType = Literal["local_authority", "police_force"]
"""A triage user works for one local authority (ONS code) or one police force (force code)."""

AREA_CODELISTS: dict[str, str] = {"local_authority": "local_authorities",
                                  "police_force": "police_forces"}
"""The code list an area code of each type must come from."""
