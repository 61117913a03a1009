"""A review request's answers as the form sends them, and the panel's caseworkers: shared by
the casework, web and browser tests of issue 14."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from tessera.casework.models import User
from tessera.casework.review_input import ReviewInput, check_review_input
from tessera.casework.roles import Role
from tessera.casework.users import add_user
from tests.casework.populate import PASSWORD


def review_answers(**overrides: str) -> dict[str, str]:
    """A complete request by the person themselves, matching the shared small extract's
    victim (Amy Smith, born 4 March 2010, crime 13/1/23 of West Yorkshire Police)."""
    answers = {
        "submitted_by": "self", "given_name": "Amy", "family_name": "Smith",
        "date_of_birth-day": "4", "date_of_birth-month": "3", "date_of_birth-year": "2010",
        "safe_methods": "email,text", "email": "amy@example.org", "phone": "07700 900982",
        "times_to_avoid": "Not after 6pm", "may_say_subject": "no",
        "force_code": "west-yorkshire", "crime_reference": "13/1/23",
        "happened_from_year": "2023", "happened_to_year": "2023", "decision_year": "2023",
        "what_happened": "Men I met in town hurt me. The police said they could not go on.",
        "review_wanted": "police", "review_reason": "I was never told why it stopped.",
        "support_wanted": "Someone to talk to"}
    return {**answers, **overrides}


def review_input(**overrides: str) -> ReviewInput:
    """`review_answers(**overrides)`, checked."""
    data, errors = check_review_input(review_answers(**overrides))
    assert data is not None, errors
    return data


def add_caseworker(session: Session, username: str = "panel-caseworker",
                   **fields: Any) -> User:
    """A review caseworker (password `PASSWORD`)."""
    return add_user(session, username=username, password=PASSWORD,
                    role=Role.REVIEW_CASEWORKER,
                    display_name=username.replace("-", " ").title(), **fields)
