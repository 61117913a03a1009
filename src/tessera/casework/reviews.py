"""Victims' and survivors' review requests: asking, following progress, and stopping.

Why no account: someone asking the panel to look again at their case may not want anything
that stays on a device or in an inbox, so they get a reference and a secret once, on the
confirmation page, and use both to see where their request is. The secret is stored only as
its argon2 hash (as a password is), and checking it is throttled by reference and by address,
with the sign-in's throttle (sign_in.py), so a reference cannot be guessed against.

What the person does is done as a `RequestHolder` (principals.py): each request, each
progress check and a request to stop is an event or a read-log entry in the ledger, naming
the reference, never the person.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from tessera.casework import ledger
from tessera.casework.models import ReviewEvent, ReviewRequest
from tessera.casework.principals import RequestHolder
from tessera.casework.readlog import log_read
from tessera.casework.reports import CROCKFORD_BASE32, REFERENCE_LENGTH
from tessera.casework.review_input import ReviewInput
from tessera.casework.review_rules import FINAL_STAGES, stages
from tessera.casework.sign_in import (
    count_failure,
    throttle_key,
    throttle_wait,
    too_many_attempts,
)
from tessera.casework.store import Casework
from tessera.casework.users import check_secret, hash_secret
from tessera.errors import CaseworkError

REFERENCE_PREFIX = "TSV-"
_REFERENCE = re.compile(f"{REFERENCE_PREFIX}[{CROCKFORD_BASE32}]{{{REFERENCE_LENGTH}}}")
SECRET_GROUPS = 4
"""A secret of four groups of four Crockford characters: 80 random bits, easy to write down
or read over the phone."""
REFERENCE_FREE_FAILURES = 5
"""Wrong secrets in a row for one reference before each further try must wait."""
ADDRESS_FREE_FAILURES = 20
RECORD_KIND = "review_request"
OUTCOME_TEXT = {
    "not_eligible": "The panel cannot review this case. The letter we sent explains why and "
                    "what else you can do.",
    "no_change": "The panel has reviewed your case and found that the decision should stand. "
                 "The letter we sent explains the reasons.",
    "refer_force": "The panel has asked the police force to investigate your case again.",
    "refer_cps": "The panel has sent your case to the Crown Prosecution Service to review "
                 "under the Victims' Right to Review.",
    "withdrawn": "You asked us to stop, so we have stopped work on your request.",
}
"""What the status page says about each outcome, in plain words."""


@dataclass(frozen=True)
class NewRequest:
    """What the person is given once, on the confirmation page."""

    reference: str
    secret: str


@dataclass(frozen=True)
class Progress:
    """Where a request is, as the person sees it: no names, nothing they did not write."""

    reference: str
    received_at: datetime
    stage: str
    stage_label: str
    status_text: str
    outcome_text: str | None
    finished: bool


def _new_reference() -> str:
    return REFERENCE_PREFIX + "".join(CROCKFORD_BASE32[byte % 32]
                                      for byte in secrets.token_bytes(REFERENCE_LENGTH))


def _new_secret() -> str:
    characters = [CROCKFORD_BASE32[byte % 32] for byte in secrets.token_bytes(4 * SECRET_GROUPS)]
    return "-".join("".join(characters[n:n + 4]) for n in range(0, len(characters), 4))


def standard_secret(secret: str) -> str:
    """A secret as typed, in its written form: upper case, groups of four, O read as 0 and
    I or L as 1 (Crockford's rule), so a secret read over the phone still matches."""
    plain = re.sub(r"[\s-]", "", secret.upper()).translate(str.maketrans("OIL", "011"))
    return "-".join(plain[n:n + 4] for n in range(0, len(plain), 4))


def standard_reference(reference: str) -> str | None:
    """A reference as typed, standardised, or None when it cannot be one."""
    standard = re.sub(r"\s", "", reference.upper())
    if standard and not standard.startswith(REFERENCE_PREFIX):
        standard = REFERENCE_PREFIX + standard.removeprefix("TSV")
    return standard if _REFERENCE.fullmatch(standard) else None


@dataclass(frozen=True)
class IssuedSecret:
    """A new request's secret and its argon2 hash, made before the request's transaction."""

    secret: str
    secret_hash: str


def issue_secret() -> IssuedSecret:
    """A fresh secret and its hash. Runs argon2 (a third of a second of a core): call it
    outside any transaction, as sign_in.py checks passwords, so the store's write lock is not
    held meanwhile (the web app runs it on the password-check pool)."""
    secret = _new_secret()
    return IssuedSecret(secret, hash_secret(secret))


def submit_request(session: Session, data: ReviewInput,
                   issued: IssuedSecret | None = None) -> NewRequest:
    """Record a review request as the person (or their support organisation) gave it, and
    return its reference and secret (shown once; only the secret's hash is kept). Pass the
    secret `issue_secret` made outside the transaction; without one, it is made here."""
    now = datetime.now(UTC)
    issued = issued or issue_secret()
    reference, secret = _new_reference(), issued.secret
    request = ReviewRequest(reference=reference, secret_hash=issued.secret_hash,
                            received_at=now, stage="received", stage_since=now,
                            **vars(data))
    session.add(request)
    session.flush()
    holder = RequestHolder(reference)
    by = (f"{data.support_organisation} (with the person's consent)"
          if data.submitted_by == "support_organisation" else "the person")
    add_event(session, request, "submitted", f"asked for a review: made by {by}",
              actor_kind="request_holder", actor=holder.actor)
    ledger.stage(session, request, kind="review request", label=f"review request {reference}")
    return NewRequest(reference, secret)


def add_event(session: Session, request: ReviewRequest, kind: str, detail: str, *,
              actor_kind: str, actor: str, user_id: int | None = None,
              reasons: str | None = None) -> ReviewEvent:
    """Record one event of a request and stage it for the ledger."""
    event = ReviewEvent(request_id=request.id, at=datetime.now(UTC), kind=kind,
                        detail=detail[:200], reasons=reasons, actor_kind=actor_kind,
                        actor=actor[:100], user_id=user_id)
    session.add(event)
    ledger.stage(session, event, kind=f"review {kind}",
                 label=f"{kind} on review request {request.reference}")
    return event


def holder_of(casework: Casework, reference: str, secret: str, address: str
              ) -> RequestHolder:
    """The holder of a request, once its reference and secret are shown to match.

    Raises `TooManyAttempts` while the reference or the address must wait (argon2 is not
    run then), `CaseworkError` when the reference and secret do not match (the same answer
    whether the reference exists or not). The web app keeps the holder in the signed session
    afterwards, so the reference never travels in an address.
    """
    return RequestHolder(_holder_request(casework, reference, secret, address).reference)


def progress(casework: Casework, holder: RequestHolder) -> Progress:
    """Where the holder's request is, in plain words (the view is logged as theirs)."""
    with casework.session() as session:
        request = _request_of(session, holder)
        log_read(session, holder, RECORD_KIND, request.reference,
                 "the holder checked the progress of their request")
        return _progress(request)


def stop_request(casework: Casework, holder: RequestHolder) -> Progress:
    """Stop work on a request, at the holder's word (they can stop at any time, and need give
    no reason); a finished request stays as it is."""
    with casework.session() as session:
        request = _request_of(session, holder, lock=True)
        if request.stage not in FINAL_STAGES:
            request.stage, request.outcome = "withdrawn", "withdrawn"
            request.stage_since = datetime.now(UTC)
            add_event(session, request, "withdrawn", "the holder asked us to stop",
                      actor_kind="request_holder", actor=holder.actor)
            ledger.stage(session, request, kind="review request stage",
                         label=f"review request {request.reference}")
        return _progress(request)


def _request_of(session: Session, holder: RequestHolder, *, lock: bool = False
                ) -> ReviewRequest:
    query = select(ReviewRequest).where(ReviewRequest.reference == holder.reference)
    request = session.scalar(query.with_for_update() if lock else query)
    if request is None:
        raise CaseworkError("the reference and secret do not match a request; check them and "
                            "try again")
    return request


def _holder_request(casework: Casework, reference: str, secret: str,
                    address: str) -> ReviewRequest:
    """The request, if `secret` is its secret; throttled (sign_in.py's throttle)."""
    standard = standard_reference(reference) or reference.strip().upper()[:40]
    keys = {throttle_key("review-reference", standard): REFERENCE_FREE_FAILURES,
            throttle_key("address", address): ADDRESS_FREE_FAILURES}
    now = datetime.now(UTC)
    with casework.reading() as session:
        wait = throttle_wait(session, keys, now)
        request = session.scalar(select(ReviewRequest).where(
            ReviewRequest.reference == standard))
    if wait.total_seconds() > 0:
        raise too_many_attempts(wait, "to check a request with these details")
    if check_secret(request.secret_hash if request else None, standard_secret(secret)) \
            and request is not None:
        return request
    with casework.session() as session:
        for key in keys:
            count_failure(session, key, now)
    raise CaseworkError("the reference and secret do not match a request; check them and "
                        "try again")


def _progress(request: ReviewRequest) -> Progress:
    stage = stages()[request.stage]
    return Progress(request.reference, request.received_at, request.stage, stage.person_label,
                    stage.status_text, OUTCOME_TEXT.get(request.outcome or ""),
                    request.stage in FINAL_STAGES)
