"""Agency quality on real warehouses: a sharp fall in a field is flagged, chance is not."""

from __future__ import annotations

from pathlib import Path

import pytest

from tessera.analysis.quality import score_warehouse
from tessera.errors import NothingToScoreError
from tessera.sources.delivery import Delivery
from tessera.warehouse.engine import Engine
from tessera.warehouse.loading import ingest
from tessera.warehouse.pseudonym import PseudonymKey
from tests.analysis.quality_fixture import OFFENCES, deliver
from tests.conftest import FORCE, offence, write_extract


def test_a_sharp_fall_in_a_fields_completeness_is_flagged(tmp_path: Path,
                                                          key: PseudonymKey) -> None:
    """Setting recorded on 38 of 40 offences, then on 10 of 40: flagged, and the second
    delivery scores lower; the volume held, so only the field is flagged."""
    warehouse = tmp_path / "w.duckdb"
    deliver(tmp_path, warehouse, key, batch="first", offences=OFFENCES, without_setting=2)
    deliver(tmp_path, warehouse, key, batch="second", offences=OFFENCES, without_setting=30)
    (agency,) = score_warehouse(warehouse).agencies
    first, second = agency.deliveries
    assert agency.agency_code == FORCE and agency.agency_label == "West Yorkshire Police"
    assert [(f.measure, f.subject) for f in second.flags] == [("completeness", "offence.setting")]
    flag = second.flags[0]
    assert (flag.earlier, flag.now) == (38 / 40, 10 / 40)
    assert flag.z is not None and flag.z < -3.09
    assert first.comparisons == () and first.dimensions()["consistency"] == 1.0
    assert second.dimensions()["consistency"] == 0.5
    assert second.score is not None and first.score is not None and second.score < first.score
    assert agency.change is not None and agency.change < 0


def test_a_fall_within_chance_is_not_flagged(tmp_path: Path, key: PseudonymKey) -> None:
    """Setting on 36 of 40 offences, then on 34 of 40: lower, but well within chance."""
    warehouse = tmp_path / "w.duckdb"
    deliver(tmp_path, warehouse, key, batch="first", offences=OFFENCES, without_setting=4)
    deliver(tmp_path, warehouse, key, batch="second", offences=OFFENCES, without_setting=6)
    (agency,) = score_warehouse(warehouse).agencies
    second = agency.latest
    setting = next(c for c in second.comparisons if c.subject == "offence.setting")
    assert setting.now < setting.earlier and not setting.flagged
    assert second.flags == () and second.dimensions()["consistency"] == 1.0


def test_a_sharp_fall_in_volume_is_flagged(tmp_path: Path, key: PseudonymKey) -> None:
    """40 offences, then 5: the entity's rows fell far beyond Poisson variation."""
    warehouse = tmp_path / "w.duckdb"
    deliver(tmp_path, warehouse, key, batch="first", offences=OFFENCES, without_setting=0)
    deliver(tmp_path, warehouse, key, batch="second", offences=5, without_setting=0)
    (agency,) = score_warehouse(warehouse).agencies
    assert [(f.measure, f.subject, f.earlier, f.now) for f in agency.latest.flags] == [
        ("volume", "offence", 40.0, 5.0)]


def test_validity_timeliness_and_linkage_before_any_run(tmp_path: Path,
                                                        key: PseudonymKey) -> None:
    """All rows valid; offences recorded 2023-05-01 and extracted 2024-01-15 (259 days
    after); no linkage run yet, so linkage is unknown rather than zero."""
    warehouse = tmp_path / "w.duckdb"
    deliver(tmp_path, warehouse, key, batch="first", offences=3, without_setting=0)
    result = score_warehouse(warehouse)
    (agency,) = result.agencies
    dims = agency.dimensions()
    assert (agency.latest.lag_days, dims["validity"], dims["linkage"]) == (259, 1.0, None)
    assert not result.linked and agency.linkage is None
    assert "not linked yet" in " ".join(result.tables["agency_scores"].notes)


def test_linkage_share_counts_records_joined_to_another_agency(tmp_path: Path,
                                                               key: PseudonymKey) -> None:
    """After a linkage run, an agency's share is its records whose linked person also has a
    record from another agency (rows of analysis.person_link as `tessera link` writes them)."""
    warehouse = tmp_path / "w.duckdb"
    deliver(tmp_path, warehouse, key, batch="first", offences=3, without_setting=0)
    with Engine.open(warehouse) as engine:
        engine.execute("INSERT INTO ops.linkage_runs (run_id) VALUES (1)")
        engine.execute("INSERT INTO analysis.person_link (record_key, agency_code, linked_id) "
                       "VALUES ('a', ?, 'L1'), ('b', ?, 'L2'), ('c', 'nhs-x', 'L1'), "
                       "('d', ?, 'L3'), ('e', ?, 'L3')", [FORCE, FORCE, FORCE, FORCE])
    (agency,) = score_warehouse(warehouse).agencies
    assert agency.linkage is not None
    assert (agency.linkage.records, agency.linkage.joined) == (4, 1)
    assert agency.dimensions()["linkage"] == 0.25


def test_rows_without_an_agency_code_are_scored_together(tmp_path: Path,
                                                        key: PseudonymKey) -> None:
    """A row with no agency_code is rejected; it still counts, under its own heading."""
    folder = tmp_path / "blank"
    write_extract(folder / "offence.csv", "offence", [offence("1/1"), offence("1/2",
                                                                               agency_code="")])
    ingest(Delivery.find([folder]), warehouse=tmp_path / "w.duckdb", key=key,
           output=tmp_path / "o")
    agencies = {a.agency_code: a for a in score_warehouse(tmp_path / "w.duckdb").agencies}
    blank = agencies["(no agency_code)"]
    assert (blank.latest.rows_in, blank.latest.rows_rejected) == (1, 1)
    assert blank.dimensions()["validity"] == 0.0
    assert [(r.field, r.rule) for r in blank.latest.rejections] == [("agency_code", "required")]
    assert agencies[FORCE].dimensions()["validity"] == 1.0


def test_no_warehouse_or_no_delivery_is_nothing_to_score(tmp_path: Path) -> None:
    """A missing warehouse, or one without delivery profiles, says to ingest first."""
    with pytest.raises(NothingToScoreError, match="no warehouse here yet"):
        score_warehouse(tmp_path / "none.duckdb")
    Engine.open(tmp_path / "empty.duckdb").close()
    with pytest.raises(NothingToScoreError, match="run 'tessera ingest'"):
        score_warehouse(tmp_path / "empty.duckdb")
