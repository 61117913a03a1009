"""Who may view the restricted edition of a product, and the read log entry of every view.

Why a casework concern: the restricted edition shows every figure unsuppressed (single
children among them), so it is read like an identifiable record: only a signed-in user whose
role allows it, with a reason, and each view written to the read log (and so into the ledger)
before anything is shown.
"""

from __future__ import annotations

from tessera.casework.access import acting_user
from tessera.casework.models import User
from tessera.casework.readlog import log_read
from tessera.casework.roles import Role
from tessera.casework.store import Casework
from tessera.casework.users import verified_user_id
from tessera.errors import NotPermitted

RESTRICTED_ROLES = (Role.NATIONAL_ANALYST,)
"""Roles that may view a national product's restricted edition."""
RECORD_KIND = "restricted_edition"


def log_restricted_view(casework: Casework, username: str, password: str, product: str,
                        purpose: str) -> str:
    """Sign the user in, refuse unless their role allows the restricted edition, and log the
    view of `product` (who, what, when, why); returns the user's name to show.

    Raises `NotPermitted` for a wrong username or password, a disabled account or a role not
    allowed. The password is checked (argon2, a third of a second) outside any transaction.
    """
    user_id = verified_user_id(casework, username, password)
    with casework.session() as session:
        current = session.get(User, user_id)
        assert current is not None  # read above; users are disabled, never deleted
        current = acting_user(session, current, *RESTRICTED_ROLES)
        log_read(session, current, RECORD_KIND, product, purpose)
        return current.display_name or current.username


FORCE_RESTRICTED_ROLES = (Role.ANALYST, Role.NATIONAL_ANALYST)
"""Roles that may view a force product's restricted edition: the force's own analysts (an
analyst scoped to that police force) and national analysts."""


def log_force_restricted_view(casework: Casework, username: str, password: str,
                              force_code: str, product: str, purpose: str) -> str:
    """As `log_restricted_view`, for a product of one police force: an analyst must be scoped
    to that force (area police_force `force_code`); a national analyst may view any force.

    Raises `NotPermitted` for a wrong username or password, a disabled account, a role not
    allowed or an analyst of another area.
    """
    user_id = verified_user_id(casework, username, password)
    with casework.session() as session:
        current = session.get(User, user_id)
        assert current is not None  # read above; users are disabled, never deleted
        current = acting_user(session, current, *FORCE_RESTRICTED_ROLES)
        if current.role == Role.ANALYST and (current.area_type != "police_force"
                                             or current.area_code != force_code):
            raise NotPermitted(f"{current.username} is not an analyst of {force_code}: the "
                               "restricted edition is for the force's own analysts")
        log_read(session, current, RECORD_KIND, product, purpose)
        return current.display_name or current.username
