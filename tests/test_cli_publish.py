"""`tessera publish profiles` and `tessera publish performance` as a user meets them: every
force's profiles (and England and Wales's) and the framework published into a casework store
(a SQLite file; the store's own tests run on PostgreSQL too), a second run superseding the
first, and bad input refused in one line with nothing published."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tessera.analysis.profile import force_codes
from tessera.casework.publications import ENGLAND_AND_WALES, publications
from tessera.casework.store import Casework
from tessera.publish.performance_publication import PRODUCT as PERFORMANCE
from tessera.publish.profile_publication import PRODUCT as PROFILES
from tessera.warehouse.engine import Engine
from tests.analysis.audit_fixture import populate_audit_fixture
from tests.analysis.performance.performance_fixture import populate_performance_fixture

pytestmark = pytest.mark.slow  # each case starts the CLI in a subprocess


def _setup(tmp_path: Path, populate: Callable[[Engine], None]) -> tuple[list[str],
                                                                         dict[str, str], str]:
    warehouse = tmp_path / "w.duckdb"
    with Engine.open(warehouse) as engine:
        populate(engine)
    url = f"sqlite:///{tmp_path / 'casework.db'}"
    env = {**os.environ, "TESSERA_SECRET_KEY": "publish-test", "COLUMNS": "200",
           "TESSERA_SIGNING_KEY_FILE": str(tmp_path / "signing.key")}
    return ["--warehouse", str(warehouse), "--casework-url", url], env, url


def _published(url: str, product: str) -> list[Any]:
    store = Casework.open(url)
    with store.reading() as session:
        found = publications(session, product)
    store.close()
    return found


def test_publish_profiles_twice_the_second_supersedes(
        tmp_path: Path, run_cli: Callable[..., Any]) -> None:
    """45 profiles of one period, each force's under its code and the nation's under England
    and Wales's, restricted edition; a second run supersedes the first."""
    args, env, url = _setup(tmp_path, populate_audit_fixture)
    first = run_cli("publish", "profiles", *args, env=env)
    assert first.returncode == 0, first.stderr
    assert "Published 45 problem profiles of " in first.stdout
    second = run_cli("publish", "profiles", "--from", "2023-01-01", *args, env=env)
    assert second.returncode == 0, second.stderr
    assert "it supersedes publication 1" in " ".join(second.stdout.split())
    latest, earlier = _published(url, PROFILES)
    assert latest.supersedes == earlier.publication_id
    assert latest.settings["period"]["start"] == "2023-01-01"
    assert latest.settings["edition"] == "restricted" and latest.counts == {"profiles": 45}
    store = Casework.open(url)
    with store.reading() as session:
        from sqlalchemy import select

        from tessera.casework.models import PublishedEntry
        codes = set(session.scalars(select(PublishedEntry.force_code).where(
            PublishedEntry.publication_id == latest.publication_id)))
    store.close()
    assert codes == {*force_codes(), ENGLAND_AND_WALES}


def test_publish_performance_names_what_it_published(
        tmp_path: Path, run_cli: Callable[..., Any]) -> None:
    args, env, url = _setup(tmp_path, lambda e: populate_performance_fixture(e, offences=60))
    result = run_cli("publish", "performance", *args, env=env)
    assert result.returncode == 0, result.stderr
    assert "18 measures, 3 forces" in result.stdout
    (published,) = _published(url, PERFORMANCE)
    assert published.counts == {"forces": 3, "computed": 18}
    assert published.published_by.startswith("tessera publish performance, run by ")


@pytest.mark.parametrize(("command", "args", "status", "message"), [
    ("profiles", ["--from", "2023-13-01"], 2, "is not a date"),
    ("profiles", ["--from", "2024-01-01", "--to", "2023-01-01"], 1, "is before --from"),
    ("performance", ["--from", "2023-13-01"], 2, "--from"),
])
def test_bad_input_is_one_line_and_nothing_is_published(
        tmp_path: Path, run_cli: Callable[..., Any], command: str, args: list[str],
        status: int, message: str) -> None:
    base, env, url = _setup(tmp_path, populate_audit_fixture)
    result = run_cli("publish", command, *args, *base, env=env)
    assert result.returncode == status, (result.stdout, result.stderr)
    assert message in " ".join(result.stderr.split()) and "Traceback" not in result.stderr
    assert not Path(url.removeprefix("sqlite:///")).exists() or not _published(url, command)


def test_no_warehouse_says_to_ingest(tmp_path: Path, run_cli: Callable[..., Any]) -> None:
    for command in ("profiles", "performance"):
        result = run_cli("publish", command, "--warehouse", str(tmp_path / "none.duckdb"),
                         "--casework-url", f"sqlite:///{tmp_path / 'c.db'}",
                         env={**os.environ, "TESSERA_SECRET_KEY": "x"})
        assert result.returncode != 0, command
        assert "tessera ingest" in result.stderr and "Traceback" not in result.stderr
