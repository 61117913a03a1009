"""`tessera network` as a user runs it: summary, files, exports and clean errors."""

from __future__ import annotations

import os
import xml.etree.ElementTree as ET
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tessera.warehouse.engine import Engine
from tests.analysis.audit_fixture import create_schema
from tests.analysis.network.network_fixture import NetworkWarehouse

pytestmark = pytest.mark.slow  # each case starts the CLI in a subprocess: CI runs them,
# the quick loop (-m "not slow") does not


def _warehouse(tmp_path: Path) -> Path:
    path = tmp_path / "w.duckdb"
    with Engine.open(path) as engine:
        net = NetworkWarehouse(engine)
        net.crime("CLI-1", "CV1", ["CA1m", "CA2m"], on=date(2023, 3, 1))
        net.shares("CA1m", "phone", "07700 900999", seen=date(2023, 1, 1))
        net.link_ids()
    return path


def _env(tmp_path: Path) -> dict[str, str]:
    return {**os.environ, "TESSERA_SECRET_KEY": "cli-test", "TESSERA_OUTPUT": str(tmp_path)}


def test_network_prints_communities_and_writes_tables_and_exports(
        tmp_path: Path, run_cli: Callable[..., Any]) -> None:
    """Exit 0, a communities table, the CSVs and report, the GraphML, i2 and ANX files."""
    result = run_cli("network", "--warehouse", str(_warehouse(tmp_path)), "--graphml",
                     str(tmp_path / "g.graphml"), "--i2", str(tmp_path / "i2"), "--anx",
                     str(tmp_path / "chart.anx"), env=_env(tmp_path))
    assert result.returncode == 0, result.stderr
    assert "Communities" in result.stdout and "Key people" in result.stdout
    for name in ("communities.csv", "key_people.csv", "brokers.csv", "growth.csv",
                 "report.html"):
        assert (tmp_path / "network" / name).exists(), name
    assert (tmp_path / "g.graphml").exists() and (tmp_path / "i2" / "links.csv").exists()
    chart = ET.parse(tmp_path / "chart.anx").getroot()
    assert chart.tag == "Chart" and len(list(chart.iter("Link"))) >= 3
    types = {style.get("Type") for style in chart.iter("IconStyle")}
    assert {"Person", "Offence"} <= types, "offences are chart items of their own"


def test_an_unknown_community_is_one_line_and_exit_1(
        tmp_path: Path, run_cli: Callable[..., Any]) -> None:
    """No traceback: one line naming the id and the range there is."""
    result = run_cli("network", "--warehouse", str(_warehouse(tmp_path)), "--community",
                     "C-9999", env=_env(tmp_path))
    assert result.returncode == 1
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("error: no community 'C-9999'")


def test_an_unwritable_export_is_one_line_and_exit_1(
        tmp_path: Path, run_cli: Callable[..., Any]) -> None:
    """A GraphML path under a file: one line, non-zero exit."""
    (tmp_path / "file").write_text("", encoding="utf-8")
    result = run_cli("network", "--warehouse", str(_warehouse(tmp_path)), "--graphml",
                     str(tmp_path / "file" / "g.graphml"), env=_env(tmp_path))
    assert result.returncode == 1
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("error: cannot write")


def test_one_community_goes_to_its_own_folder_with_contacts(
        tmp_path: Path, run_cli: Callable[..., Any]) -> None:
    """`--community C-0001`: its tables, with how its offenders were in contact, in
    network/C-0001/, and no national tables overwritten."""
    result = run_cli("network", "--warehouse", str(_warehouse(tmp_path)), "--community",
                     "C-0001", env=_env(tmp_path))
    assert result.returncode == 0, result.stderr
    folder = tmp_path / "network" / "C-0001"
    assert (folder / "contacts.csv").exists() and (folder / "report.html").exists()
    assert not (tmp_path / "network" / "communities.csv").exists()


def test_a_warehouse_with_nothing_to_join_says_so_and_exits_2(
        tmp_path: Path, run_cli: Callable[..., Any]) -> None:
    """The schema but no offences or intelligence: one line saying to ingest, exit 2."""
    path = tmp_path / "empty.duckdb"
    with Engine.open(path) as engine:
        create_schema(engine)
    result = run_cli("network", "--warehouse", str(path), env=_env(tmp_path))
    assert result.returncode == 2
    (line,) = result.stderr.strip().splitlines()
    assert "run tessera ingest first" in line
