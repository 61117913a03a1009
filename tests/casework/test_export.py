"""Export to the warehouse: the extracts load through `tessera ingest` with nothing rejected,
and the analysis zone holds no direct identifier from them."""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb
import pytest

from tessera.casework.export import export_casework
from tessera.casework.readlog import read_log
from tessera.casework.signing import Signer
from tessera.casework.store import Casework
from tessera.casework.triage import Outcome, decide
from tessera.errors import CaseworkError
from tessera.sources.delivery import Delivery
from tessera.warehouse.loading import ingest
from tessera.warehouse.pseudonym import PseudonymKey
from tests.casework.populate import SHEFFIELD_POSTCODE, People, file_report

IDENTIFIERS = ("Amy", "Smith", "Zoë", "Brown", "TS24 8AA", "S1 2HE")


@pytest.fixture
def exported(casework: Casework, people: People, signer: Signer,
             tmp_path: Path) -> Path:
    """Four reports (Hartlepool twice, one closed; Sheffield with an age only; one national)
    exported to `tmp_path/out`."""
    with casework.session() as session:
        closed = file_report(session, people.reporter).reference
        file_report(session, people.reporter)
        file_report(session, people.reporter, child_given_name="Zoë",
                    child_family_name="Brown", child_date_of_birth=None, child_age=9,
                    child_postcode=SHEFFIELD_POSTCODE)
        file_report(session, people.reporter, child_postcode=None)
    with casework.session() as session:
        decide(session, people.hartlepool, closed, Outcome.NO_FURTHER_ACTION,
               reason="Known to services")
    with casework.session() as session:
        summary = export_casework(session, tmp_path / "out")
    assert (summary.reports, summary.agencies, summary.held_back) == (3, 2, 1)
    return tmp_path / "out"


def test_the_layout_is_one_folder_per_authority(exported: Path) -> None:
    """casework/<agency>/<entity>.csv, the names Delivery.find reads."""
    files = sorted(str(p.relative_to(exported)) for p in exported.rglob("*.csv"))
    assert files == [f"casework/casework-{la}/{entity}.csv" for la in ("E06000001", "E08000019")
                     for entity in ("person_record", "referral")]
    assert Delivery.find([exported]).files


def test_a_closed_report_is_a_closed_referral(exported: Path) -> None:
    """No further action closes the referral; mandatory reports carry referral source MR."""
    with (exported / "casework" / "casework-E06000001" / "referral.csv").open() as handle:
        rows = list(csv.DictReader(handle))
    assert {r["referral_source"] for r in rows} == {"MR"}
    assert sorted(r["closure_reason"] for r in rows) == ["", "RC8"]


def test_the_export_loads_with_nothing_rejected_and_no_identifier_in_analysis(
        exported: Path, tmp_path: Path) -> None:
    """Ingested like any agency's extract: every row loads, and names and postcodes stay in
    the identity zone."""
    warehouse = tmp_path / "w.duckdb"
    result = ingest(Delivery.find([exported]), warehouse=warehouse,
                    key=PseudonymKey.from_secret(b"export-test"), output=tmp_path / "output")
    assert (result.rows_in, result.rows_loaded, result.rows_rejected) == (6, 6, 0)
    with duckdb.connect(str(warehouse), read_only=True) as db:
        tables = [t for (t,) in db.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'analysis'"
        ).fetchall()]
        assert {"person_record", "referral"} <= set(tables)
        for table in tables:
            text = str(db.execute(f'SELECT * FROM analysis."{table}"').fetchall())
            assert not [i for i in IDENTIFIERS if i in text], table
        names = db.execute("SELECT count(*) FROM identity.person_record "
                           "WHERE given_name IN ('Amy', 'Zoë')").fetchone()
        assert names == (3,)


def test_the_export_is_logged_and_refuses_an_occupied_folder(
        casework: Casework, exported: Path, people: People) -> None:
    """Exporting identifiable data is a read; a second export into the same place is refused."""
    with casework.session() as session:
        assert read_log(session, people.admin)[0].actor == "tessera export-casework"
    with pytest.raises(CaseworkError, match="already holds an export"), \
            casework.session() as session:
        export_casework(session, exported)
