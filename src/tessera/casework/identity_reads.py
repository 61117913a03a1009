"""Who may turn a pseudonymous identifier back into a name, and the read log entry of each.

Why a casework concern: a name behind a `P-`/`C-`/`N-` id is an identifiable record, read
like one. Analysts (scoped to a force or local authority, or national) and national
analysts may; an analyst only for a person known in their own area; and the read is written
to the read log, so into the ledger, before anything is shown.
"""

from __future__ import annotations

from collections.abc import Collection

from tessera.casework.access import acting_user
from tessera.casework.models import User
from tessera.casework.readlog import log_read
from tessera.casework.roles import Role
from tessera.casework.store import Casework
from tessera.casework.users import verified_user_id
from tessera.errors import NotPermitted

IDENTITY_ROLES = (Role.ANALYST, Role.NATIONAL_ANALYST)
"""Roles that may resolve a pseudonymous identifier to the records behind it."""
RECORD_KIND = "identity"


def log_identity_read(casework: Casework, username: str, password: str, identifier: str,
                      areas: Collection[str], purpose: str) -> str:
    """Sign the user in, refuse unless their role and area allow reading who `identifier`
    is (a person known in `areas`), and log the read; returns the user's name to show.

    Raises `NotPermitted` for a wrong username or password, a disabled account, a role not
    allowed, or an analyst whose area holds no record of the person.
    """
    user_id = verified_user_id(casework, username, password)
    with casework.session() as session:
        current = session.get(User, user_id)
        assert current is not None  # read above; users are disabled, never deleted
        current = acting_user(session, current, *IDENTITY_ROLES)
        if current.role == Role.ANALYST and current.area_code is not None \
                and current.area_code not in areas:
            raise NotPermitted(f"{identifier} is known to no record of {current.area_code}; "
                               "a national analyst can look them up")
        log_read(session, current, RECORD_KIND, identifier, purpose)
        return current.display_name or current.username
