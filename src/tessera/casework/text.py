"""What text Tessera takes from outside: the one rule every form field and API field follows.

Why a rule of its own: a NUL byte cannot be stored in PostgreSQL text, a lone surrogate (half
of a UTF-16 pair, which JSON's "\\ud800" escape can produce) cannot be encoded as UTF-8 for
either database, and the other C0 control characters are never part of what a person writes.
Refused at the edge, each gets a message at its own field, not a failed transaction. Tab,
newline and carriage return are ordinary text. `UNSTORABLE` is the narrower set the casework
store refuses in any bound parameter, as a backstop (store.py).

`Text` puts the rule on a pydantic field and states it in the field's JSON schema (the API's
OpenAPI document), with the same character classes the check uses, so the schema says exactly
what is accepted: the text is trimmed of whitespace at both ends, its length before trimming
is at most `max_length`, and a required text must hold something other than whitespace.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import PydanticCustomError, PydanticKnownError, core_schema

CONTROL = r"\x00-\x08\x0b\x0c\x0e-\x1f"
"""C0 control characters other than tab, newline and carriage return (a regex class body)."""


def _class_body(codes: list[int]) -> str:
    """A regex character class body for the code points, runs written as ranges."""
    runs: list[list[int]] = []
    for code in codes:
        if runs and code == runs[-1][1] + 1:
            runs[-1][1] = code
        else:
            runs.append([code, code])
    return "".join(f"\\u{a:04x}" if a == b else f"\\u{a:04x}-\\u{b:04x}" for a, b in runs)


SPACE = _class_body([code for code in range(0x110000) if chr(code).isspace()
                     and not re.match(f"[{CONTROL}]", chr(code))])
"""What Python's `str.strip` trims that is not a refused control character (a regex class
body): tab, newline, carriage return, space and the Unicode spaces."""
_FORBIDDEN = re.compile(f"[{CONTROL}\ud800-\udfff]")
UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
"""What neither database can store in text: NUL (PostgreSQL) and lone surrogates (UTF-8)."""
ALLOWED_PATTERN = f"^[^{CONTROL}]*$"
"""Any text without refused control characters (lone surrogates cannot be written in a JSON
Schema pattern: they are not Unicode text, and no JSON validator lets one through)."""
REQUIRED_PATTERN = f"^[^{CONTROL}]*[^{CONTROL}{SPACE}][^{CONTROL}]*$"
"""Allowed text with at least one character that is not whitespace."""
HIDDEN_CHARACTERS = ("Remove the hidden characters (such as a NUL byte or another control "
                     "character) from this answer")
"""The message at a field holding a refused character."""


def has_forbidden_characters(text: str) -> bool:
    """Whether `text` holds a control character other than tab, newline or carriage return, or
    a lone surrogate."""
    return _FORBIDDEN.search(text) is not None


@dataclass(frozen=True)
class Text:
    """Pydantic field metadata: allowed text of at most `max_length` characters, trimmed.

    A required text (`str`) must not be blank; an optional one (`str | None`) turns blank
    into None. Use as `Annotated[str, Text(200)]` or `Annotated[str | None, Text(200)] = None`.
    """

    max_length: int
    pattern: str | None = None
    """A fuller rule the raw text must match (a postcode's shape), published as the field's
    pattern; text that does not match gets the field's own message for a wrong answer."""

    def __get_pydantic_core_schema__(self, source: Any,
                                     handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        """Check the raw text before pydantic's own validation of the (trimmed) value."""
        optional = source is not str
        return core_schema.no_info_before_validator_function(
            lambda value: self._clean(value, optional=optional), handler(source))

    def __get_pydantic_json_schema__(self, schema: core_schema.CoreSchema,
                                     handler: GetJsonSchemaHandler) -> JsonSchemaValue:
        """The rule as JSON Schema keywords on the string (or the string branch of a union)."""
        json_schema = handler(schema)
        strings = [json_schema, *json_schema.get("anyOf", [])]
        for branch in strings:
            if branch.get("type") == "string":
                optional = branch is not json_schema
                branch.update(maxLength=self.max_length, pattern=self.pattern or (
                    ALLOWED_PATTERN if optional else REQUIRED_PATTERN))
                if not optional:
                    branch["minLength"] = 1
        return json_schema

    def _clean(self, value: Any, *, optional: bool) -> Any:
        if not isinstance(value, str):
            return value  # pydantic's own type check names the problem
        if has_forbidden_characters(value):
            raise PydanticCustomError("govuk", HIDDEN_CHARACTERS)
        if len(value) > self.max_length:
            raise PydanticKnownError("string_too_long", {"max_length": self.max_length})
        if self.pattern is not None and not re.fullmatch(self.pattern, value):
            raise PydanticKnownError("string_pattern_mismatch", {"pattern": self.pattern})
        trimmed = value.strip()
        if not trimmed:
            if optional:
                return None
            raise PydanticKnownError("string_too_short", {"min_length": 1})
        return trimmed
