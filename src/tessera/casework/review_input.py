"""What a review request contains, and the messages the person sees when an answer is not right.

Why plain checks and not a pydantic model: the request is only ever made through the pages
(there is no API for it), answers arrive as the text typed, several rules depend on other
answers (an email address only if email is a safe way to reach them), and every message must
be written for someone who may be distressed: say what to do, never blame.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime

from tessera.casework.text import HIDDEN_CHARACTERS, has_forbidden_characters
from tessera.dataset import codelist

SAFE_METHODS = {"email": "Email", "phone": "Phone call", "text": "Text message", "post": "Letter"}
REVIEW_WANTED = {"police": "A decision by the police", "cps": "A decision by the CPS",
                 "not_sure": "I'm not sure whose decision it was"}
SUBMITTED_BY = {"self": "The person asking for the review",
                "support_organisation": "A support organisation, with the person's consent"}
NOT_KNOWN = "not_known"
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PHONE = re.compile(r"^\+?[0-9 ()-]{7,20}$")
EARLIEST_YEAR = 1930
DOB = ("date_of_birth-day", "date_of_birth-month", "date_of_birth-year")

FIELDS = ("submitted_by", "support_organisation", "support_contact", "consent_given",
          "consent_how", "given_name", "family_name", *DOB, "safe_methods", "email", "phone",
          "postal_address", "times_to_avoid", "may_say_subject", "force_code",
          "crime_reference", "happened_from_year", "happened_to_year", "decision_year",
          "what_happened", "review_wanted", "review_reason", "support_wanted")
"""Every form input of the request, as the pages name them."""
LIMITS = {"support_organisation": 200, "support_contact": 200, "consent_how": 2000,
          "given_name": 100, "family_name": 100, "email": 200, "phone": 40,
          "postal_address": 1000, "times_to_avoid": 1000, "crime_reference": 40,
          "what_happened": 10_000, "review_reason": 5_000, "support_wanted": 2_000}


@dataclass(frozen=True)
class ReviewInput:
    """A review request as checked: every answer typed, an unanswered optional one as None."""

    submitted_by: str
    support_organisation: str | None
    support_contact: str | None
    consent_given: bool
    consent_how: str | None
    given_name: str
    family_name: str
    date_of_birth: date
    safe_methods: str
    email: str | None
    phone: str | None
    postal_address: str | None
    times_to_avoid: str | None
    may_say_subject: bool
    force_code: str | None
    crime_reference: str | None
    happened_from_year: int | None
    happened_to_year: int | None
    decision_year: int | None
    what_happened: str
    review_wanted: str
    review_reason: str
    support_wanted: str | None


FieldErrors = dict[str, str]


def check_review_input(answers: Mapping[str, str]) -> tuple[ReviewInput | None, FieldErrors]:
    """The request, or for each field that is not right, one message saying what to do."""
    errors: FieldErrors = {}
    text = {name: (answers.get(name) or "").strip() for name in FIELDS}
    for name, value in text.items():
        if has_forbidden_characters(value):
            errors[name] = HIDDEN_CHARACTERS
        elif name in LIMITS and len(value) > LIMITS[name]:
            errors[name] = f"This answer must be {LIMITS[name]:,} characters or fewer"

    def need(name: str, message: str) -> None:
        if not text[name] and name not in errors:
            errors[name] = message

    if text["submitted_by"] not in SUBMITTED_BY:
        errors["submitted_by"] = "Select who is filling in this form"
    org = text["submitted_by"] == "support_organisation"
    if org:
        need("support_organisation", "Enter the name of your organisation")
        need("support_contact", "Enter how the panel can contact your organisation")
        if text["consent_given"] != "yes":
            errors["consent_given"] = ("Confirm that the person has agreed to you asking for "
                                       "this review for them")
        need("consent_how", "Say how and when the person gave their agreement")
    need("given_name", "Enter the first name")
    need("family_name", "Enter the last name")
    born = _date_of_birth(text, errors)
    methods = [m for m in text["safe_methods"].split(",") if m]
    if not methods or any(m not in SAFE_METHODS for m in methods):
        errors["safe_methods"] = "Select at least one safe way for the panel to contact you"
    if "email" in methods:
        need("email", "Enter an email address, or untick email")
        if text["email"] and "email" not in errors and not _EMAIL.match(text["email"]):
            errors["email"] = ("Enter an email address in the right format, like "
                               "name@example.com")
    if {"phone", "text"} & set(methods):
        need("phone", "Enter a phone number, or untick phone call and text message")
        if text["phone"] and "phone" not in errors and not _PHONE.match(text["phone"]):
            errors["phone"] = "Enter a phone number, like 07700 900 982"
    if "post" in methods:
        need("postal_address", "Enter a postal address, or untick letter")
    if text["may_say_subject"] not in ("yes", "no"):
        errors["may_say_subject"] = "Select yes if our messages may say what they are about"
    force = text["force_code"] or NOT_KNOWN
    if force != NOT_KNOWN and force not in codelist("police_forces").codes:
        errors["force_code"] = "Select the police force from the list, or 'I don't know'"
    years = {name: _year(text, name, errors) for name in
             ("happened_from_year", "happened_to_year", "decision_year")}
    start, end = years["happened_from_year"], years["happened_to_year"]
    if start and end and end < start and "happened_to_year" not in errors:
        errors["happened_to_year"] = ("The year it ended must be the same as or after the year "
                                      "it began")
    need("what_happened", "Tell us what happened, in your own words. A few sentences is enough")
    if text["review_wanted"] not in REVIEW_WANTED:
        errors["review_wanted"] = ("Select whose decision you would like reviewed, or 'I'm "
                                   "not sure'")
    need("review_reason", "Tell us what you would like the panel to look at again")
    if errors or born is None:
        return None, errors

    def opt(name: str) -> str | None:
        return text[name] or None

    return ReviewInput(
        submitted_by=text["submitted_by"], support_organisation=opt("support_organisation")
        if org else None, support_contact=opt("support_contact") if org else None,
        consent_given=org, consent_how=opt("consent_how") if org else None,
        given_name=text["given_name"], family_name=text["family_name"], date_of_birth=born,
        safe_methods=",".join(m for m in SAFE_METHODS if m in methods),
        email=opt("email") if "email" in methods else None,
        phone=opt("phone") if {"phone", "text"} & set(methods) else None,
        postal_address=opt("postal_address") if "post" in methods else None,
        times_to_avoid=opt("times_to_avoid"), may_say_subject=text["may_say_subject"] == "yes",
        force_code=None if force == NOT_KNOWN else force,
        crime_reference=opt("crime_reference"), happened_from_year=start,
        happened_to_year=end, decision_year=years["decision_year"],
        what_happened=text["what_happened"], review_wanted=text["review_wanted"],
        review_reason=text["review_reason"], support_wanted=opt("support_wanted")), {}


def _date_of_birth(text: Mapping[str, str], errors: FieldErrors) -> date | None:
    day, month, year = (text[part] for part in DOB)
    if not (day or month or year):
        errors["date_of_birth"] = "Enter the date of birth"
        return None
    try:
        born = date(int(year), int(month), int(day))
    except ValueError:
        errors["date_of_birth"] = "Date of birth must be a real date, like 27 3 1995"
        return None
    if born >= datetime.now(UTC).date() or born.year < 1900:
        errors["date_of_birth"] = "Date of birth must be in the past"
        return None
    return born


def _year(text: Mapping[str, str], name: str, errors: FieldErrors) -> int | None:
    value = text[name]
    if not value or name in errors:
        return None
    this_year = datetime.now(UTC).year
    if not value.isdigit() or not EARLIEST_YEAR <= int(value) <= this_year:
        errors[name] = (f"Enter a year from {EARLIEST_YEAR} to {this_year}, like 2009, or "
                        "leave it blank")
        return None
    return int(value)
