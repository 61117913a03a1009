"""Which local authority and police force a report goes to, from the child's postcode.

Why route by postcode and never drop a report: the duty is to report to the right agencies,
and a reporter may not know the postcode or may mistype it. A known English or Welsh postcode
goes to its upper-tier local authority (children's services) and that authority's police
force; anything else goes to the national queue, which a national triage team works.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tessera.casework.postcodes import upper_tier_authority
from tessera.dataset import codelist, entity

NATIONAL_QUEUE = "national"
"""The queue of reports with no known area: never nowhere."""

_POSTCODE = re.compile(entity("person_record").field("postcode").pattern or "")


@dataclass(frozen=True)
class Route:
    """Where a report goes: its local authority and force (None when unknown), and its queue."""

    la_code: str | None
    force_code: str | None
    queue: str
    """The local authority code, or "national"."""


def normalise_postcode(text: str) -> str | None:
    """A postcode in its standard form (upper case, one space before the last three
    characters), or None if `text` cannot be a UK postcode."""
    compact = "".join(text.split()).upper()
    if len(compact) < 5:
        return None
    standard = f"{compact[:-3]} {compact[-3:]}"
    return standard if _POSTCODE.match(standard) else None


def route_postcode(postcode: str | None) -> Route:
    """The route of a report whose child lives at `postcode` (None or unknown: national)."""
    standard = normalise_postcode(postcode) if postcode else None
    la_code = upper_tier_authority(standard.replace(" ", "")) if standard else None
    return route_local_authority(la_code) if la_code else Route(None, None, NATIONAL_QUEUE)


def route_local_authority(la_code: str) -> Route:
    """The route to a local authority (by ONS code) and its police force area."""
    force_code = codelist("local_authorities").column("force_code").get(la_code)
    if force_code is None:
        return Route(None, None, NATIONAL_QUEUE)
    return Route(la_code, force_code, la_code)


def queue_name(queue: str) -> str:
    """A queue as people call it: the local authority's name, or "National queue"."""
    if queue == NATIONAL_QUEUE:
        return "National queue"
    return codelist("local_authorities").label(queue)


def force_name(force_code: str | None) -> str | None:
    """The police force's name, e.g. Cleveland Police."""
    return codelist("police_forces").label(force_code) if force_code else None
