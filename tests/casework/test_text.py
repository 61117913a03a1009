"""The one rule for text from outside, and the JSON Schema pattern that publishes it."""

from __future__ import annotations

import re
from typing import Annotated

import pytest
from pydantic import BaseModel, ValidationError

from tessera.casework.report_input import POSTCODE_PATTERN
from tessera.casework.text import ALLOWED_PATTERN, REQUIRED_PATTERN, Text

SAMPLES = [
    pytest.param("Amy", id="plain"),
    pytest.param("  Amy \t", id="spaces around"),
    pytest.param("Line one\r\nline two", id="newlines"),
    pytest.param("", id="empty"),
    pytest.param(" \t\n\r", id="whitespace only"),
    pytest.param("\u00a0\u2003\u3000", id="Unicode spaces only"),
    pytest.param("\u0085", id="next line only"),
    pytest.param("\ufeff", id="zero-width no-break space (not whitespace to Python)"),
    pytest.param("Amy\x00", id="NUL"),
    pytest.param("\x1b[31m", id="escape"),
    pytest.param("a\x0bb", id="vertical tab"),
    pytest.param("\x1f", id="unit separator (whitespace to Python, refused here)"),
    pytest.param("\x7f", id="delete (not C0)"),
    pytest.param("Zoë 😀", id="accents and emoji"),
]


class _Form(BaseModel):
    required: Annotated[str, Text(20)]
    optional: Annotated[str | None, Text(20)] = None


def _accepted(**fields: str) -> bool:
    try:
        _Form.model_validate({"required": "x", **fields})
    except ValidationError:
        return False
    return True


@pytest.mark.parametrize("text", SAMPLES)
def test_the_published_patterns_say_exactly_what_is_accepted(text: str) -> None:
    """Whatever the check accepts the pattern matches, and the other way round, for required
    and optional text alike (so the OpenAPI document does not lie to API clients)."""
    assert _accepted(required=text) == bool(re.fullmatch(REQUIRED_PATTERN, text))
    assert _accepted(optional=text) == bool(re.fullmatch(ALLOWED_PATTERN, text))


def test_lone_surrogates_are_refused() -> None:
    """Half of a UTF-16 pair (JSON's "\\ud800") cannot be stored as UTF-8."""
    assert not _accepted(required="\ud800") and not _accepted(optional="a\udfff")


def test_length_is_counted_before_trimming() -> None:
    """The schema's maxLength is about the text sent, so the check is too."""
    assert _accepted(required="a" + " " * 19) and not _accepted(required="a" + " " * 20)
    assert not _accepted(optional=" " * 21)


@pytest.mark.parametrize(("text", "valid"), [
    ("LS6 1AB", True), ("ls61ab", True), (" L S 6 1 A B ", True), ("SW1A\u00a01AA", True),
    ("", True), ("  ", True), ("LS6", False), ("\u017fW1A 1AA", False), ("LS6 1AB!", False),
])
def test_the_postcode_pattern_is_what_the_postcode_rule_takes(text: str, valid: bool) -> None:
    """Any case and spacing of a UK postcode's shape, or blank for none."""
    assert bool(re.fullmatch(POSTCODE_PATTERN, text)) is valid
