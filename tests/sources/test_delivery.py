"""A delivery: formats told by content, each file read once, entities in load order; CIN
census returns of both formats loaded beside CSV extracts through `tessera ingest`, and the
generator's returns loaded whole."""

from __future__ import annotations

import csv
import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tessera.errors import UnreadableFileError
from tessera.sources.delivery import Delivery, file_format, find_delivery_files
from tessera.synth import generate
from tessera.warehouse.engine import Engine
from tessera.warehouse.loading import ingest
from tessera.warehouse.pseudonym import PseudonymKey

CIN = Path(__file__).parent.parent / "data" / "cin"


def test_format_is_told_by_content_not_by_name(tmp_path: Path, small_extract: Path) -> None:
    """A CIN return named like a CSV is read as XML; a CSV named .xml is read as CSV."""
    disguised = shutil.copy(CIN / "hartlepool_2024-25.xml", tmp_path / "person_record.csv")
    misnamed = shutil.copy(small_extract / "offence.csv", tmp_path / "offence.xml")
    assert file_format(Path(disguised)) == "cin_xml"
    assert file_format(Path(misnamed)) == "extract"
    bom = tmp_path / "return.dat"
    bom.write_bytes(b"\xef\xbb\xbf\n  " + (CIN / "birmingham_2023-24.xml").read_bytes())
    assert file_format(bom) == "cin_xml"


def test_folders_give_csv_parquet_and_xml_files_in_stable_order(tmp_path: Path) -> None:
    """A folder is searched recursively, in name order; notes in it are not taken for data."""
    for name in ("b/offence.csv", "a/return.XML", "a/person_record.parquet", "a/notes.txt"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x")
    assert [p.relative_to(tmp_path).as_posix() for p in find_delivery_files([tmp_path])] == [
        "a/person_record.parquet", "a/return.XML", "b/offence.csv"]


def test_a_missing_path_is_an_error_not_an_empty_delivery(tmp_path: Path) -> None:
    """A typo in a folder name must not pass for 'nothing to load'."""
    with pytest.raises(UnreadableFileError, match="no such file or folder"):
        find_delivery_files([tmp_path / "nope"])


def test_each_file_is_read_once_and_entities_come_in_load_order(small_extract: Path) -> None:
    """A return's children join the person records' turn, its episodes the referrals'."""
    xml = CIN / "hartlepool_2024-25.xml"
    delivery = Delivery.find([small_extract, xml])
    taken: list[Path] = []

    groups = [(entity.name, [(e.path, e.rows) for e in extracts])
              for entity, extracts in delivery.entity_groups(taken.append)]

    assert sorted(taken) == sorted(delivery.files) and len(taken) == 4
    people = sorted([(xml, 3), (small_extract / "person_record.csv", 3)], key=lambda f: str(f[0]))
    assert groups == [
        ("person_record", people),
        ("offence", [(small_extract / "offence.csv", 2)]),
        ("offence_party", [(small_extract / "offence_party.csv", 4)]),
        ("referral", [(xml, 4)]),
    ]


def test_the_generators_returns_load_whole(tmp_path: Path, key: PseudonymKey) -> None:
    """Every child and episode of every generated return is loaded: the returns pass the
    DfE validator, so none of Tessera's rules should refuse them."""
    summary = generate(tmp_path / "synth", scale=0.01, seed=5, bad_share=0)
    returns = sorted(summary.census.glob("*.xml"))
    assert returns

    result = ingest(Delivery.find([summary.census]), warehouse=tmp_path / "w.duckdb", key=key,
                    output=tmp_path / "out")

    children = sum(p.read_text(encoding="utf-8").count("<Child>") for p in returns)
    episodes = sum(p.read_text(encoding="utf-8").count("<CINdetails>") for p in returns)
    totals = {t.entity: t for t in result.by_entity()}
    assert (totals["person_record"].rows_in, totals["referral"].rows_in) == (children, episodes)
    assert result.rows_rejected == 0 and result.rows_loaded == children + episodes
    assert totals["person_record"].files == totals["referral"].files == len(returns)
    with Engine.open(tmp_path / "w.duckdb", read_only=True) as engine:
        assert engine.scalar("SELECT count(*) FROM analysis.referral") == episodes


def test_ingest_loads_returns_of_both_formats_beside_csv_extracts(
        tmp_path: Path, small_extract: Path, run_cli: Callable[..., Any]) -> None:
    """One batch through the real command: a police extract, a 2024-25 return and an earlier
    return under a name that says nothing. Rows in = loaded + rejected for each return's
    children and episodes; rejections name the return, the child's position, field and
    rule; a UPN is pseudonymised to the same key from XML as from CSV; loading the same
    returns again changes nothing."""
    hartlepool = CIN / "hartlepool_2024-25.xml"
    birmingham = Path(shutil.copy(CIN / "birmingham_2023-24.xml", tmp_path / "upload-17"))
    warehouse = tmp_path / "w.duckdb"
    env = {**os.environ, "TESSERA_SECRET_KEY": "cli-test", "TESSERA_OUTPUT": str(tmp_path),
           "COLUMNS": "250"}
    args = ("ingest", str(small_extract), str(hartlepool), str(birmingham),
            "--warehouse", str(warehouse))

    result = run_cli(*args, env=env)

    assert result.returncode == 1, result.stderr  # child 3 of Hartlepool is refused
    assert "Traceback" not in result.stdout + result.stderr
    assert "rows in 20 = loaded 18 + rejected 2" in result.stdout
    with Engine.open(warehouse, read_only=True) as engine:
        files = engine.rows("SELECT path, entity, rows_in, rows_loaded, rows_rejected "
                            "FROM ops.files WHERE NOT list_contains($csv, path)",
                            {"csv": [str(p) for p in small_extract.iterdir()]})
        upn_keys = engine.rows(
            "SELECT i.source_record_id AS id, a.upn_key FROM analysis.person_record a "
            "JOIN identity.person_record i USING (record_key) WHERE i.upn = 'Q383200101001'")
        plan = engine.rows(
            "SELECT r.cpp_category, r.person_record_id_key = p.record_key AS joined "
            "FROM analysis.referral r JOIN identity.referral i USING (record_key) "
            "JOIN identity.person_record p ON p.source_record_id = 'HART0001' "
            "WHERE i.source_record_id = 'HART0001-1'")
    assert {(f["path"], f["entity"]): (f["rows_in"], f["rows_loaded"], f["rows_rejected"])
            for f in files} == {
        (str(hartlepool), "person_record"): (3, 2, 1),
        (str(hartlepool), "referral"): (4, 3, 1),
        (str(birmingham), "person_record"): (2, 2, 0),
        (str(birmingham), "referral"): (2, 2, 0),
    }
    assert {r["id"] for r in upn_keys} == {"P1", "HART0001"}
    assert len({r["upn_key"] for r in upn_keys}) == 1
    assert plan == [{"cpp_category": "MUL", "joined": True}]
    with (tmp_path / "rejections" / "batch-1.csv").open(encoding="utf-8") as handle:
        rejections = {(r["file"], r["row"], r["field"], r["rule"])
                      for r in csv.DictReader(handle)}
    assert rejections == {(str(hartlepool), "3", "sex", "code_list"),
                          (str(hartlepool), "3", "referral_date", "date"),
                          (str(hartlepool), "3", "person_record_id", "reference")}

    again = run_cli(*args, env=env)
    assert again.returncode == 0, again.stderr
    assert again.stdout.count("already loaded") == 7  # 3 extracts, 2 entities of 2 returns
