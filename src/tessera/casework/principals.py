"""Who can act in casework without a staff account: the holder of a review request.

Why a principal that is not a `User`: a victim or survivor asks for a review without making an
account (issue 14), yet what they do (ask, check progress, ask to stop) must be kept in the
read log and the ledger like any staff action. They prove who they are with the request's
reference and secret; the log names them by the reference, never by name.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RequestHolder:
    """The person (or support organisation) holding a review request's reference and secret."""

    reference: str

    @property
    def actor(self) -> str:
        """How the read log and a request's events name them."""
        return f"holder of {self.reference}"
