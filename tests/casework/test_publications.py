"""Published snapshots in the casework store: publishing, superseding (history kept), and who
sees which force's entries, every view in the read log, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from tessera.casework.publications import (
    EntryRecord,
    PublicationRecord,
    force_list,
    open_entry,
    publications,
    publish,
)
from tessera.casework.readlog import read_log
from tessera.casework.roles import Role
from tessera.casework.signing import Signer
from tessera.casework.store import Casework
from tessera.casework.users import add_user
from tessera.casework.verification import verify_ledger
from tessera.errors import CaseworkError, NoSuchRecord, NotFound, NotPermitted
from tests.casework.insider import drop_guards
from tests.casework.populate import PASSWORD, People

PRODUCT = "look_again"
ENTRIES = [EntryRecord("cleveland", 1, "case-c1", 6.0, {"closed_on": "2015-06-01"}),
           EntryRecord("kent", 2, "case-k1", 4.5, {"closed_on": "2019-01-01"}),
           EntryRecord("cleveland", 3, "case-c2", 0.0, {"closed_on": "2020-01-01"})]


def _record(batch_id: int = 7) -> PublicationRecord:
    return PublicationRecord(
        product=PRODUCT, published_by="tessera publish look-again, run by test",
        provenance="Synthetic data made by tessera synth: no figure here describes real "
                   "people.", batch_id=batch_id, loaded_at=datetime(2026, 11, 1, 9, tzinfo=UTC),
        linkage_run_id=2, settings={"weights": [{"feature": "later_offence", "weight": 3.0}]},
        counts={"cases": 3})


@pytest.fixture
def national(casework: Casework) -> object:
    with casework.session() as session:
        return add_user(session, username="nia", password=PASSWORD,
                        role=Role.NATIONAL_ANALYST, display_name="Nia National")


def _reads(casework: Casework, people: People) -> list[tuple[str, str, str]]:
    with casework.reading() as session:
        return [(r.actor, r.record_kind, r.record_id) for r in read_log(session, people.admin)
                if r.record_kind.startswith(PRODUCT)]


def test_a_new_publication_supersedes_the_last_and_history_stays(
        casework: Casework, people: People) -> None:
    """The second publication names the first; both are kept; pages read the second."""
    with casework.session() as session:
        first = publish(session, _record(7), ENTRIES)
    with casework.session() as session:
        second = publish(session, _record(8), ENTRIES[:1])
    assert first.supersedes is None and second.supersedes == first.publication_id
    with casework.reading() as session:
        assert [p.batch_id for p in publications(session, PRODUCT)] == [8, 7]
        assert publications(session, "performance") == []
    with casework.session() as session:
        listed = force_list(session, people.analyst, PRODUCT, force=None, purpose="review")
    assert listed.publication.publication_id == second.publication_id
    assert listed.publication.loaded_at == datetime(2026, 11, 1, 9, tzinfo=UTC)
    assert listed.publication.settings["weights"][0]["weight"] == 3.0
    assert [e.key for e in listed.entries] == ["case-c1"]


def test_an_analyst_sees_their_own_force_only_and_each_view_is_logged(
        casework: Casework, people: People) -> None:
    """The Cleveland analyst's list is Cleveland's two cases in rank order; asking for Kent
    is refused, a Kent case is answered as if there were none, and nothing of Kent shows."""
    with casework.session() as session:
        published = publish(session, _record(), ENTRIES)
    with casework.session() as session:
        listed = force_list(session, people.analyst, PRODUCT, force=None, purpose="review")
    assert [(e.rank, e.key, e.force_name) for e in listed.entries] == [
        (1, "case-c1", "Cleveland Police"), (3, "case-c2", "Cleveland Police")]
    assert listed.force == "cleveland" and listed.forces == (("cleveland", "Cleveland Police"),)
    with pytest.raises(NotPermitted, match="own force"), casework.session() as session:
        force_list(session, people.analyst, PRODUCT, force="kent", purpose="curious")
    with pytest.raises(NoSuchRecord) as refused, casework.session() as session:
        open_entry(session, people.analyst, PRODUCT, "case-k1", purpose="curious")
    assert (refused.value.record_kind, refused.value.key) == (f"{PRODUCT}_entry", "case-k1")
    with casework.session() as session:
        _, entry = open_entry(session, people.analyst, PRODUCT, "case-c2", purpose="review")
    assert entry.detail == {"closed_on": "2020-01-01"} and entry.score == 0.0
    n = published.publication_id
    assert _reads(casework, people) == [
        ("analyst", f"{PRODUCT}_entry", f"case-c2 (publication {n})"),
        ("analyst", f"{PRODUCT}_list", f"publication {n}, cleveland")]


def test_a_national_analyst_sees_every_force_or_one(casework: Casework, people: People,
                                                    national: object) -> None:
    with casework.session() as session:
        publish(session, _record(), ENTRIES)
    with casework.session() as session:
        every = force_list(session, national, PRODUCT, force=None, purpose="national view")
        kent = force_list(session, national, PRODUCT, force="kent", purpose="national view")
        _, case = open_entry(session, national, PRODUCT, "case-k1", purpose="national view")
    assert [e.key for e in every.entries] == ["case-c1", "case-k1", "case-c2"]
    assert every.forces == (("cleveland", "Cleveland Police"), ("kent", "Kent Police"))
    assert [e.key for e in kent.entries] == ["case-k1"] and case.force_code == "kent"
    with pytest.raises(NotFound, match="no police force"), casework.session() as session:
        force_list(session, national, PRODUCT, force="atlantis", purpose="national view")


@pytest.mark.parametrize(("description", "who"), [
    ("a triage user", "cleveland"), ("a reporter", "reporter"), ("an administrator", "admin")])
def test_other_roles_are_refused(casework: Casework, people: People, description: str,
                                 who: str) -> None:
    with casework.session() as session:
        publish(session, _record(), ENTRIES)
    with pytest.raises(NotPermitted), casework.session() as session:
        force_list(session, getattr(people, who), PRODUCT, force=None, purpose="curious")
    with pytest.raises(NotPermitted), casework.session() as session:
        open_entry(session, getattr(people, who), PRODUCT, "case-c1", purpose="curious")
    assert _reads(casework, people) == []


def test_an_analyst_without_a_force_is_refused_not_shown_everything(
        casework: Casework, people: People) -> None:
    with casework.session() as session:
        publish(session, _record(), ENTRIES)
        forceless = add_user(session, username="nowhere", password=PASSWORD,
                             role=Role.ANALYST, display_name="No Where")
    with pytest.raises(NotPermitted, match="not set up for a police force"), \
            casework.session() as session:
        force_list(session, forceless, PRODUCT, force=None, purpose="curious")


def test_nothing_published_yet_says_how_to_publish(casework: Casework, people: People) -> None:
    with pytest.raises(NotFound, match="tessera publish look-again"), \
            casework.session() as session:
        force_list(session, people.analyst, PRODUCT, force=None, purpose="review")


@pytest.mark.parametrize(("description", "entries", "message"), [
    ("an unknown force", [EntryRecord("atlantis", 1, "k", 1.0)], "unknown police force"),
    ("a key twice", [EntryRecord("kent", 1, "k", 1.0), EntryRecord("kent", 2, "k", 0.0)],
     "twice"),
])
def test_bad_entries_are_refused_and_nothing_is_published(
        casework: Casework, description: str, entries: list[EntryRecord], message: str) -> None:
    with pytest.raises(CaseworkError, match=message), casework.session() as session:
        publish(session, _record(), entries)
    with casework.reading() as session:
        assert publications(session, PRODUCT) == []


def test_a_list_changed_behind_the_service_is_refused_or_found_by_verify(
        casework: Casework, signer: Signer) -> None:
    """An insider with the database but not the key: a rewrite is refused by the triggers;
    with the triggers dropped, a raised score or a dropped case is found by `ledger verify`."""
    with casework.session() as session:
        publish(session, _record(), ENTRIES)
    with casework.engine.begin() as connection, pytest.raises(DBAPIError, match="append-only"):
        connection.execute(text("UPDATE published_entries SET score = 99"))
    with casework.engine.begin() as connection:
        drop_guards(connection)
        connection.execute(text("UPDATE published_entries SET score = 99 WHERE key = 'case-c2'"))
        connection.execute(text("DELETE FROM published_entries WHERE key = 'case-k1'"))
    with casework.reading() as session:
        problems = list(verify_ledger(session, signer.keyring).problems)
    assert problems == ["entry 3 (look_again kent #2): the record was deleted",
                        "entry 4 (look_again cleveland #3): the record was changed after it "
                        "was written"]
