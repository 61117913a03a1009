"""The report's validation: one reporter-facing message per field, named by the field."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from pydantic import ValidationError

from tessera.casework.report_input import MESSAGES, ReportInput
from tessera.casework.text import HIDDEN_CHARACTERS
from tests.casework.populate import report_input


def _errors(**overrides: Any) -> dict[str, str]:
    with pytest.raises(ValidationError) as caught:
        report_input(**overrides)
    return {".".join(map(str, e["loc"])): e["msg"] for e in caught.value.errors()}


def test_a_valid_report_is_normalised() -> None:
    """Postcodes are standardised, text trimmed, blank optional answers become absent."""
    report = report_input(child_postcode=" ts24  8aa\n", child_setting=" \t",
                          child_given_name="  Amy\r\n", disclosure="Line one\n\tline two")
    assert report.child_postcode == "TS24 8AA"
    assert report.child_setting is None
    assert report.child_given_name == "Amy"
    assert report.disclosure == "Line one\n\tline two"


def test_every_missing_required_field_gets_its_own_message() -> None:
    """An empty submission lists each required field with the sentence to show."""
    with pytest.raises(ValidationError) as caught:
        ReportInput.model_validate({})
    messages = {e["loc"][0]: e["msg"] for e in caught.value.errors()}
    required = [name for name, f in ReportInput.model_fields.items() if f.is_required()]
    assert {name: messages[name] for name in required} == {
        name: MESSAGES[name][0] for name in required}
    assert messages["child_date_of_birth"] == "Enter the child's date of birth or age"


@pytest.mark.parametrize(("overrides", "field", "message"), [
    ({"child_date_of_birth": None, "child_age": None}, "child_date_of_birth",
     "Enter the child's date of birth or age"),
    ({"child_date_of_birth": "2014-02-30"}, "child_date_of_birth",
     "Date of birth must be a real date, like 2012-03-31"),
    ({"child_date_of_birth": "2090-01-01"}, "child_date_of_birth",
     "Date of birth must be today or in the past"),
    ({"child_date_of_birth": "2000-01-01"}, "child_date_of_birth",
     "The child must be under 18: check the date of birth"),
    ({"child_date_of_birth": None, "child_age": 18}, "child_age",
     "Age must be a whole number from 0 to 17"),
    ({"child_date_of_birth": None, "child_age": "twelve"}, "child_age",
     "Age must be a whole number from 0 to 17"),
    ({"child_date_of_birth": None, "child_age": "12"}, "child_age",
     "Age must be a whole number from 0 to 17"),
    ({"child_date_of_birth": None, "child_age": True}, "child_age",
     "Age must be a whole number from 0 to 17"),
    ({"child_date_of_birth": 1420070400}, "child_date_of_birth",
     "Date of birth must be a real date, like 2012-03-31"),
    ({"child_date_of_birth": "2014-03-04T00:00:00"}, "child_date_of_birth",
     "Date of birth must be a real date, like 2012-03-31"),
    ({"child_postcode": "LS6"}, "child_postcode",
     "Enter a real postcode, like SW1A 1AA, or leave it blank"),
    ({"child_postcode": "\u017fW1A 1AA"}, "child_postcode",
     "Enter a real postcode, like SW1A 1AA, or leave it blank"),
    ({"child_given_name": "Amy\x00"}, "child_given_name", HIDDEN_CHARACTERS),
    ({"disclosure": "She said \ud800"}, "disclosure", HIDDEN_CHARACTERS),
    ({"alleged_person": "A man\x1b[31m"}, "alleged_person", HIDDEN_CHARACTERS),
    ({"child_postcode": "LS6\x001AB"}, "child_postcode", HIDDEN_CHARACTERS),
    ({"alleged_person": " " * 2_001}, "alleged_person",
     "The description of the person must be 2,000 characters or fewer"),
    ({"disclosure": "x" * 10_001}, "disclosure",
     "The description must be 10,000 characters or fewer"),
    ({"disclosure": "   "}, "disclosure", "Describe what the child disclosed or what you saw"),
    ({"immediate_risk": "perhaps"}, "immediate_risk",
     "Select yes if the child is at immediate risk of harm, or no"),
    ({"immediate_risk": "yes"}, "immediate_risk",
     "Select yes if the child is at immediate risk of harm, or no"),
    ({"child_shoe_size": "3"}, "child_shoe_size",
     "Remove 'child_shoe_size': a report has no field of that name"),
], ids=["no date of birth or age", "impossible date", "future date", "an adult",
        "age 18", "age in words", "age as text", "age as true", "date as a number",
        "date and time", "partial postcode", "postcode in look-alike letters", "NUL",
        "lone surrogate", "escape character", "NUL in a postcode",
        "blank but too long", "too long", "blank", "not yes or no", "yes as text",
        "unknown field"])
def test_bad_values_get_the_message_for_their_field(overrides: dict[str, Any], field: str,
                                                    message: str) -> None:
    """Each rule's message, at the field it is about."""
    assert _errors(**overrides) == {field: message}


def test_an_age_instead_of_a_date_of_birth_is_enough() -> None:
    """A reporter who knows only the child's age can still report."""
    report = report_input(child_date_of_birth=None, child_age=9)
    assert report.child_age == 9 and report.child_date_of_birth is None


def test_a_child_born_today_is_a_child() -> None:
    """The date-of-birth rule allows today (an unborn child is out of this form's scope)."""
    today = datetime.now(UTC).date().isoformat()
    assert report_input(child_date_of_birth=today).child_date_of_birth is not None
