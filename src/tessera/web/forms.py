"""From a service's validation errors to GOV.UK field messages and an error summary.

The casework models own the rules and write the messages ("Enter the child's date of birth or
age"); pages only decide where each message is shown: next to its field, and as a link to
that field in the error summary at the top, in the order the fields appear on the page.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

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


DATE_PARTS = ("day", "month", "year")
"""The three inputs of a GOV.UK date input, as suffixes of the field's name."""


@dataclass(frozen=True)
class Step:
    """One page of a multi-page form: its name (URL and template), title, the fields it
    asks, and which of them is a date (asked as day, month and year inputs)."""

    name: str
    title: str
    fields: tuple[str, ...]
    dates: tuple[str, ...] = ()

    @property
    def inputs(self) -> tuple[str, ...]:
        """The form inputs of the page (a date is three)."""
        return tuple(part for f in self.fields for part in (
            tuple(f"{f}-{p}" for p in DATE_PARTS) if f in self.dates else (f,)))


def page_after(steps: Sequence[Step], step: Step, errors: FieldErrors, *, complete: bool,
               returning: bool) -> tuple[Step, FieldErrors, bool] | None:
    """The page to show after `step` is posted, with the errors to show on it and whether the
    person came from the check page; None for the check page itself.

    The same page while its own answers are wrong; else the next page, unless they came from
    the check page and every answer is now good; past the last page with something still
    missing (an answer changed from the check page), the first page that misses it.
    """
    if any(f in errors for f in step.fields):
        return step, errors, returning
    later = steps[steps.index(step) + 1:]
    if later and not (returning and complete):
        return later[0], {}, returning
    if not complete:
        first = next(s for s in steps if any(f in errors for f in s.fields))
        return first, errors, True
    return None
