"""Letters to the person who asked for a review, from templates, as text and as HTML.

Why the caseworker downloads and sends them and Tessera sends nothing: how it is safe to
reach each person differs (some not by email, some not at certain times, some not with a
subject line that says what it is about), and a person must choose that, not a mail server.
Each letter made is an event in the request's record, in the ledger.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import escape

from jinja2 import Environment, PackageLoader, StrictUndefined
from sqlalchemy import select
from sqlalchemy.orm import Session

from tessera.casework.access import acting_user
from tessera.casework.models import ReviewEvent, User
from tessera.casework.readlog import log_read
from tessera.casework.review_casework import CASEWORKERS, find_request
from tessera.casework.review_rules import stages
from tessera.casework.reviews import RECORD_KIND, add_event
from tessera.errors import CaseworkError

LETTERS = {"acknowledgement": "Acknowledgement", "eligibility": "Eligibility decision",
           "outcome": "Outcome of the review"}
_NEEDS = {"acknowledgement": None, "eligibility": "eligibility", "outcome": "outcome"}
"""The event whose reasons a letter gives (none for an acknowledgement)."""
_env = Environment(loader=PackageLoader("tessera.casework", "letters"), autoescape=False,
                   undefined=StrictUndefined, keep_trailing_newline=True)


@dataclass(frozen=True)
class Letter:
    """One letter, as plain text and as an HTML page to print."""

    kind: str
    text: str
    html: str


def make_letter(session: Session, user: User, reference: str, kind: str) -> Letter:
    """Write a letter of `kind` to the person, from what the request's record holds (the
    read is logged, and the letter is an event in the ledger)."""
    current = acting_user(session, user, *CASEWORKERS)
    if kind not in LETTERS:
        raise CaseworkError("choose which letter to write")
    request = find_request(session, reference)
    reasons = ""
    needs = _NEEDS[kind]
    if needs is not None:
        event = session.scalar(select(ReviewEvent).where(
            ReviewEvent.request_id == request.id, ReviewEvent.kind == needs)
            .order_by(ReviewEvent.id.desc()).limit(1))
        if event is None:
            raise CaseworkError(f"there is no {needs} decision to write about yet")
        reasons = event.reasons or ""
    log_read(session, current, RECORD_KIND, request.reference, f"writing the {kind} letter")
    days = stages()["eligibility" if kind == "acknowledgement" else "review"].days
    subject = ("Your request for a case review" if request.may_say_subject
               else "A letter from Tessera")
    text = _env.get_template(f"{kind}.txt").render(request=request, reasons=reasons,
                                                   days=days, subject_line=subject)
    text = re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"  # the includes' blank lines
    add_event(session, request, "letter", f"{LETTERS[kind].lower()} letter written",
              actor_kind="user", actor=current.username, user_id=current.id)
    paragraphs = "".join(f"<p>{escape(block).replace(chr(10), '<br>')}</p>\n"
                         for block in text.split("\n\n") if block.strip())
    html = (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            f"<title>{escape(subject)}</title></head>\n<body>\n{paragraphs}</body></html>\n")
    return Letter(kind, text, html)
