"""What a mandatory report contains, and the messages a reporter sees when it is not right.

Why the messages live with the model: the web form shows them in a GOV.UK error summary and
the JSON API returns them in its 422 body, so both say exactly the same thing, once. Every
validation error's `loc` is the field's name and its `msg` a sentence a reporter can act on.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Annotated, Any, Self

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ModelWrapValidatorHandler,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_core import InitErrorDetails, PydanticCustomError

from tessera.casework.canonical import sha256_hex
from tessera.casework.routing import normalise_postcode
from tessera.casework.text import SPACE, Text

OLDEST_AGE = 17
"""The duty covers children: anyone under 18."""
_GAP = f"[{SPACE}]*"
POSTCODE_PATTERN = (f"^{_GAP}([A-Za-z]{_GAP}([A-Za-z]{_GAP})?[0-9]{_GAP}([A-Za-z0-9]{_GAP})?"
                    f"[0-9]{_GAP}[A-Za-z]{_GAP}[A-Za-z]{_GAP})?$")
"""A UK postcode's shape in any case with spaces anywhere (a blank one is no postcode):
exactly what `normalise_postcode` accepts from ASCII letters and digits."""
_ISO_DATE = re.compile("[0-9]{4}-[0-9]{2}-[0-9]{2}")
_DATE_RULE = ("A date of birth in the past, less than 18 years ago: the child must be under "
              "18. Give it or `child_age`, or both.")

MESSAGES: dict[str, tuple[str, str]] = {
    "reporter_role": ("Enter your role, for example teacher or GP",
                      "Your role must be 200 characters or fewer"),
    "reporter_organisation": ("Enter the name of your organisation",
                              "Your organisation's name must be 200 characters or fewer"),
    "reporter_contact": ("Enter a phone number or email address we can contact you on",
                         "Your contact details must be 200 characters or fewer"),
    "child_given_name": ("Enter the child's first name",
                         "The child's first name must be 100 characters or fewer"),
    "child_family_name": ("Enter the child's last name",
                          "The child's last name must be 100 characters or fewer"),
    "child_date_of_birth": ("Enter the child's date of birth or age",
                            "Date of birth must be a real date, like 2012-03-31"),
    "child_age": ("Enter the child's date of birth or age",
                  f"Age must be a whole number from 0 to {OLDEST_AGE}"),
    "child_postcode": ("Enter the child's postcode, or leave it blank",
                       "Enter a real postcode, like SW1A 1AA, or leave it blank"),
    "child_setting": ("Enter the school or setting, or leave it blank",
                      "The school or setting must be 200 characters or fewer"),
    "disclosure": ("Describe what the child disclosed or what you saw",
                   "The description must be 10,000 characters or fewer"),
    "occurred_when": ("Enter when it happened, or when you found out",
                      "When it happened must be 200 characters or fewer"),
    "alleged_person": ("Describe the person alleged, or leave it blank",
                       "The description of the person must be 2,000 characters or fewer"),
    "immediate_risk": ("Select yes if the child is at immediate risk of harm, or no",
                       "Select yes if the child is at immediate risk of harm, or no"),
}
"""For each field: the message when it is missing, and when it is given but not valid."""
_MISSING = ("missing", "string_too_short")
_NO_DATE_OF_BIRTH_OR_AGE = InitErrorDetails(
    type=PydanticCustomError("govuk", MESSAGES["child_date_of_birth"][0]),
    loc=("child_date_of_birth",), input=None)


def _iso_date(value: object) -> object:
    """A date of birth as JSON gives it: YYYY-MM-DD only (pydantic would also take a number
    of seconds, or a date and a time, which the schema does not allow)."""
    if value is None or isinstance(value, date):
        return value
    if isinstance(value, str) and _ISO_DATE.fullmatch(value):
        return value
    raise PydanticCustomError("govuk", MESSAGES["child_date_of_birth"][1])


class ReportInput(BaseModel):
    """A mandatory report as the reporter submits it (web form or `POST /api/reports`).

    Types are strict (an age is a JSON number, not "12"; immediate risk is true or false) so
    that the JSON schema published for the API is the whole rule: the web form turns its
    text boxes into these types first.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, json_schema_extra={
        "anyOf": [{"required": ["child_date_of_birth"],
                   "properties": {"child_date_of_birth": {"type": "string"}}},
                  {"required": ["child_age"], "properties": {"child_age": {"type": "integer"}}}]})

    reporter_role: Annotated[str, Text(200)]
    reporter_organisation: Annotated[str, Text(200)]
    reporter_contact: Annotated[str, Text(200)]
    child_given_name: Annotated[str, Text(100)]
    child_family_name: Annotated[str, Text(100)]
    child_date_of_birth: Annotated[date | None, BeforeValidator(_iso_date),
                                   Field(description=_DATE_RULE)] = None
    child_age: Annotated[int, Field(ge=0, le=OLDEST_AGE, strict=True)] | None = None
    child_postcode: Annotated[str | None, Text(100, POSTCODE_PATTERN)] = None
    child_setting: Annotated[str | None, Text(200)] = None
    disclosure: Annotated[str, Text(10_000)]
    occurred_when: Annotated[str, Text(200)]
    alleged_person: Annotated[str | None, Text(2_000)] = None
    immediate_risk: Annotated[bool, Field(strict=True)]

    @field_validator("child_postcode")
    @classmethod
    def _standard_postcode(cls, value: str | None) -> str | None:
        if value is None:
            return None
        standard = normalise_postcode(value)
        if standard is None:
            raise PydanticCustomError("govuk", MESSAGES["child_postcode"][1])
        return standard

    @field_validator("child_date_of_birth")
    @classmethod
    def _a_child_born_already(cls, value: date | None) -> date | None:
        today = datetime.now(UTC).date()
        if value is None:
            return None
        if value > today:
            raise PydanticCustomError("govuk", "Date of birth must be today or in the past")
        if _years_between(value, today) > OLDEST_AGE:
            raise PydanticCustomError("govuk", "The child must be under 18: check the date "
                                      "of birth")
        return value

    @model_validator(mode="wrap")
    @classmethod
    def _govuk_messages(cls, data: Any, handler: ModelWrapValidatorHandler[Self]) -> Self:
        """Replace pydantic's messages with the reporter-facing ones, field by field, and
        require a date of birth or an age."""
        try:
            report = handler(data)
        except ValidationError as exc:
            errors = [_reporter_facing(error) for error in exc.errors()]
            if isinstance(data, dict) and all(data.get(f) is None
                                              for f in ("child_date_of_birth", "child_age")):
                errors.append(_NO_DATE_OF_BIRTH_OR_AGE)
            raise ValidationError.from_exception_data(cls.__name__, errors) from None
        if report.child_date_of_birth is None and report.child_age is None:
            raise ValidationError.from_exception_data(cls.__name__, [_NO_DATE_OF_BIRTH_OR_AGE])
        return report


def report_content_sha256(content: Mapping[str, object]) -> str:
    """The SHA-256 of a report's content (its `ReportInput` fields, from the model or from a
    stored row alike): what the reporter's receipt proves was reported."""
    return sha256_hex({name: content[name] for name in ReportInput.model_fields})


def _years_between(born: date, today: date) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def _reporter_facing(error: Any) -> InitErrorDetails:
    field = str(error["loc"][0]) if error["loc"] else ""
    if error["type"] == "govuk":
        message = error["msg"]
    elif error["type"] == "extra_forbidden":
        message = f"Remove '{field}': a report has no field of that name"
    elif field in MESSAGES:
        missing, invalid = MESSAGES[field]
        message = missing if error["type"] in _MISSING else invalid
    else:
        message = "Send the report as a JSON object of its fields"
    return InitErrorDetails(type=PydanticCustomError("govuk", message), loc=error["loc"],
                            input=error.get("input"))
