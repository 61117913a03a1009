"""From a service's validation errors to GOV.UK field messages and an error summary.

The casework models own the rules and write the messages ("Enter the child's date of birth or
age"); pages only decide where each message is shown: next to its field, and as a link to
that field in the error summary at the top, in the order the fields appear on the page.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from pydantic import ValidationError

FieldErrors = dict[str, str]


def field_errors(exc: ValidationError) -> FieldErrors:
    """One message per field (the first, as GOV.UK shows one at a time), keyed by field name.

    An error not tied to one field (a rule across fields) is keyed by the first field its
    `loc` names, or by "" when it names none.
    """
    errors: FieldErrors = {}
    for error in exc.errors():
        name = str(error["loc"][0]) if error["loc"] else ""
        errors.setdefault(name, error["msg"])
    return errors


def error_list(errors: Mapping[str, str], order: Iterable[str],
               anchors: Mapping[str, str] | None = None) -> list[dict[str, str]]:
    """The error summary's links, in page order; `anchors` maps a field to the id of the input
    to focus when it is not the field's own name (the day box of a date, say)."""
    anchors = anchors or {}
    ordered = [name for name in order if name in errors]
    ordered += [name for name in errors if name not in ordered]
    return [{"text": errors[name], "href": f"#{anchors.get(name, name)}"} for name in ordered]


def sentence(message: str) -> str:
    """A service's message as a page shows it: service messages start in lower case (they
    also end up in the CLI); a page shows a sentence."""
    return message[:1].upper() + message[1:]
