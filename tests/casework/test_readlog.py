"""The read log: administrators read it; nobody changes it, through the app or in SQL."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from tessera.casework import readlog
from tessera.casework.readlog import log_read, read_log
from tessera.casework.signing import Signer
from tessera.casework.store import Casework
from tessera.casework.triage import open_report
from tessera.errors import CaseworkError, NotPermitted
from tests.casework.populate import People, file_report


def test_administrators_read_the_log_newest_first(casework: Casework, people: People,
                                                  signer: Signer) -> None:
    """Each opening of a report is a line: who, which report, why."""
    with casework.session() as session:
        reference = file_report(session, people.reporter).reference
    with casework.session() as session:
        open_report(session, people.hartlepool, reference, "first look")
    with casework.session() as session:
        open_report(session, people.cleveland, reference, "police check")
    with casework.session() as session:
        entries = read_log(session, people.admin)
    assert [(e.actor, e.display_name, e.record_id, e.purpose) for e in entries] == [
        ("cleveland-triage", "Cleveland Triage", reference, "police check"),
        ("hartlepool-triage", "Hartlepool Triage", reference, "first look")]


@pytest.mark.parametrize("who", ["reporter", "hartlepool", "national", "analyst"])
def test_nobody_else_reads_the_log(casework: Casework, people: People, who: str) -> None:
    """Deny by default."""
    with pytest.raises(NotPermitted), casework.session() as session:
        read_log(session, getattr(people, who))


def test_a_read_without_a_user_names_its_actor(casework: Casework, people: People) -> None:
    """Reads by a command (an export) are logged under the command's name."""
    with casework.session() as session:
        log_read(session, None, "export", "out/casework", "nightly export",
                 actor="tessera export-casework")
    with pytest.raises(CaseworkError), casework.session() as session:
        log_read(session, None, "export", "out", "no actor")
    with casework.session() as session:
        assert read_log(session, people.admin)[0].actor == "tessera export-casework"


def test_the_service_has_no_way_to_change_the_log() -> None:
    """Only writing and reading: no update, edit or delete in the module's interface."""
    public = {name for name in dir(readlog) if not name.startswith("_")}
    assert not {n for n in public if any(w in n for w in ("update", "delete", "edit"))}


@pytest.mark.parametrize("statement", [
    "UPDATE read_log SET purpose = 'routine'", "DELETE FROM read_log"])
def test_the_database_refuses_to_change_the_log(casework: Casework, people: People,
                                                statement: str) -> None:
    """A trigger made by the migration refuses UPDATE and DELETE on both backends."""
    with casework.session() as session:
        log_read(session, people.hartlepool, "report", "TSR-X", "a look")
    with pytest.raises(DBAPIError, match="read_log is append-only"), \
            casework.engine.begin() as connection:
        connection.execute(text(statement))
