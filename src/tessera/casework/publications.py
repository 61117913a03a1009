"""Published snapshots of analysis products: written by a command, read by force analysts in
the web app, every view in the read log.

Why here and not read from the warehouse: the web app must not hold the warehouse open (DuckDB
has one writer, and `tessera ingest` needs it), and what an analyst was shown must stay as it
was after the next load. A command makes the product from the warehouse and publishes it here
(`publish`); each publication supersedes the last of its product and is never changed, and the
pages read the latest. The store knows nothing of what a product means: an entry is a force,
a rank, a pseudonymous key, a score and the detail the product's page shows, so problem
profiles and performance can be published and read the same way.

Scope: an analyst sees the entries of their own police force; a national analyst every
force's. Another force's entry is answered as if there were none (`NoSuchRecord`), and that
refusal is logged too (web/rendering.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tessera.casework import ledger
from tessera.casework.access import acting_user
from tessera.casework.models import Publication, PublishedEntry, User
from tessera.casework.readlog import log_read
from tessera.casework.roles import Role
from tessera.dataset.codelists import codelist
from tessera.errors import CaseworkError, NoSuchRecord, NotFound, NotPermitted

READER_ROLES = (Role.ANALYST, Role.NATIONAL_ANALYST)
"""Roles that read published products: an analyst their force's entries, a national analyst
every force's."""
ENGLAND_AND_WALES = "england-and-wales"
"""The code of an entry about England and Wales as a whole (a national problem profile or
dashboard) beside the force codes: only a national analyst sees it."""
KEY_LENGTH = 200
"""The longest entry key (the column's length, and the read log's record id)."""


@dataclass(frozen=True)
class PublicationRecord:
    """What a command publishes about a snapshot: the product, who published it, the
    warehouse state it came from, what it was made with and its headline counts."""

    product: str
    published_by: str
    provenance: str
    batch_id: int | None
    loaded_at: datetime | None
    linkage_run_id: int | None
    settings: dict[str, Any]
    counts: dict[str, Any]


@dataclass(frozen=True)
class EntryRecord:
    """One entry of a snapshot: its force, rank, pseudonymous key, score and detail."""

    force_code: str
    rank: int
    key: str
    score: float
    detail: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Published(PublicationRecord):
    """A publication as written or read: what was published, with its id, when, and the one
    it superseded."""

    publication_id: int
    published_at: datetime
    supersedes: int | None


@dataclass(frozen=True)
class EntryView:
    """One entry as a page shows it."""

    force_code: str
    force_name: str
    rank: int
    key: str
    score: float
    detail: dict[str, Any]


@dataclass(frozen=True)
class ForceList:
    """The entries a reader may see of the latest publication: one force's (`force`) or, for
    a national analyst who asked for none, every force's; `forces` are the forces a national
    analyst can filter by (an analyst's own only)."""

    publication: Published
    force: str | None
    entries: tuple[EntryView, ...]
    forces: tuple[tuple[str, str], ...]

    @property
    def force_name(self) -> str | None:
        """The name of the force shown, None for every force."""
        return _force_name(self.force) if self.force else None


def publish(session: Session, record: PublicationRecord,
            entries: Sequence[EntryRecord]) -> Published:
    """Write a new publication of `record.product` with its entries; it supersedes the
    latest one (kept, as history). Raises `CaseworkError` for an unknown force code or a key
    given twice."""
    forces = {*codelist("police_forces").codes, ENGLAND_AND_WALES}
    unknown = sorted({e.force_code for e in entries} - forces)
    if unknown:
        raise CaseworkError(f"unknown police force {', '.join(unknown)}; see the police_forces "
                            "code list")
    keys = [e.key for e in entries]
    if len(set(keys)) != len(keys):
        raise CaseworkError("an entry key is given twice; each entry needs its own")
    previous = _latest_id(session, record.product)
    row = Publication(
        product=record.product, published_at=datetime.now(UTC),
        published_by=record.published_by, supersedes=previous, provenance=record.provenance,
        batch_id=record.batch_id, loaded_at=record.loaded_at,
        linkage_run_id=record.linkage_run_id, settings=record.settings, counts=record.counts)
    session.add(row)
    ledger.stage(session, row, kind="publication",
                 label=f"publication of {record.product} by {record.published_by}")
    written = [PublishedEntry(publication_id=row.id, force_code=e.force_code, rank=e.rank,
                              key=e.key, score=e.score, detail=e.detail) for e in entries]
    session.add_all(written)
    session.flush()
    for entry in written:
        ledger.stage(session, entry, kind="published entry",
                     label=f"{record.product} {entry.force_code} #{entry.rank}")
    return _published(row)


def publications(session: Session, product: str) -> list[Published]:
    """Every publication of `product`, newest first (for the command line and tests)."""
    rows = session.scalars(select(Publication).where(Publication.product == product)
                           .order_by(Publication.id.desc()))
    return [_published(row) for row in rows]


def force_list(session: Session, user: User, product: str, *, force: str | None,
               purpose: str) -> ForceList:
    """The latest publication's entries the user may see, in rank order, and the view
    logged (who, which publication, which force).

    An analyst sees their own force's (asking for another is refused with `NotPermitted`);
    a national analyst any one force's, or every force's with `force` None. Raises
    `NotFound` when nothing has been published yet.
    """
    current = acting_user(session, user, *READER_ROLES)
    scope = _own_force(current)
    if scope is not None and force not in (None, scope):
        raise NotPermitted("you can see only your own force's list")
    chosen = scope or force
    if chosen is not None and chosen not in (*codelist("police_forces").codes,
                                             ENGLAND_AND_WALES):
        raise NotFound(f"there is no police force {chosen!r}")
    publication = _latest(session, product)
    query = select(PublishedEntry).where(PublishedEntry.publication_id == publication.id)
    if chosen is not None:
        query = query.where(PublishedEntry.force_code == chosen)
    rows = session.scalars(query.order_by(PublishedEntry.rank))
    entries = tuple(_entry(row) for row in rows)
    log_read(session, current, f"{product}_list",
             f"publication {publication.id}, {chosen or 'every force'}", purpose)
    forces = ((scope, _force_name(scope)),) if scope else _forces(session, publication.id)
    return ForceList(_published(publication), chosen, entries, forces)


def open_entry(session: Session, user: User, product: str, key: str, *,
               purpose: str) -> tuple[Published, EntryView]:
    """One entry of the latest publication, the view logged; an entry of another force (for
    an analyst) or none of that key raise the same `NoSuchRecord`."""
    current = acting_user(session, user, *READER_ROLES)
    scope = _own_force(current)
    publication = _latest(session, product)
    refused = NoSuchRecord(f"{product}_entry", key if _plausible(key) else ascii(key)[:200],
                           "there is nothing with this key among what you can see; check "
                           "the address")
    if not _plausible(key):
        raise refused
    row = session.scalar(select(PublishedEntry).where(
        PublishedEntry.publication_id == publication.id, PublishedEntry.key == key))
    if row is None or (scope is not None and row.force_code != scope):
        raise refused
    log_read(session, current, f"{product}_entry", f"{key} (publication {publication.id})",
             purpose)
    return _published(publication), _entry(row)


def _plausible(key: str) -> bool:
    """Whether `key` could be an entry's key at all: one the read log can store as it is."""
    return 0 < len(key) <= KEY_LENGTH and key.isprintable()


def _own_force(user: User) -> str | None:
    """The force an analyst is scoped to; None for a national analyst. An analyst with no
    police force has no list (refused, not shown everything)."""
    if user.role == Role.NATIONAL_ANALYST:
        return None
    if user.area_type != "police_force" or not user.area_code:
        raise NotPermitted("your account is not set up for a police force; ask an "
                           "administrator to give it one")
    return user.area_code


def _latest_id(session: Session, product: str) -> int | None:
    latest: int | None = session.scalar(select(func.max(Publication.id))
                                        .where(Publication.product == product))
    return latest


def _latest(session: Session, product: str) -> Publication:
    latest = _latest_id(session, product)
    row = session.get(Publication, latest) if latest is not None else None
    if row is None:
        raise NotFound("nothing has been published here yet; it is published with "
                       f"'tessera publish {product.replace('_', '-')}'")
    return row


def _forces(session: Session, publication_id: int) -> tuple[tuple[str, str], ...]:
    """The forces with entries in a publication, by name."""
    codes = session.scalars(select(PublishedEntry.force_code).distinct().where(
        PublishedEntry.publication_id == publication_id))
    return tuple(sorted(((code, _force_name(code)) for code in codes), key=lambda f: f[1]))


def _force_name(code: str) -> str:
    return "England and Wales" if code == ENGLAND_AND_WALES else codelist(
        "police_forces").label(code)


def _entry(row: PublishedEntry) -> EntryView:
    return EntryView(row.force_code, _force_name(row.force_code), row.rank, row.key,
                     row.score, row.detail)


def _published(row: Publication) -> Published:
    return Published(product=row.product, published_by=row.published_by,
                     provenance=row.provenance, batch_id=row.batch_id, loaded_at=row.loaded_at,
                     linkage_run_id=row.linkage_run_id, settings=row.settings,
                     counts=row.counts, publication_id=row.id, published_at=row.published_at,
                     supersedes=row.supersedes)
