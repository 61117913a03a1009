"""`tessera identify` as a user runs it: the name behind an id for a role allowed to see it,
logged first; refused, with one clear line, for anyone else."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.casework.populate import PASSWORD

pytestmark = pytest.mark.slow  # each case starts the CLI in a subprocess: CI runs them,
# the quick loop (-m "not slow") does not


def test_identify_shows_the_records_to_an_allowed_analyst_and_logs_it(
        tmp_path: Path, small_extract: Path, run_cli: Callable[..., Any]) -> None:
    from sqlalchemy import select

    from tessera.casework.identity_reads import RECORD_KIND
    from tessera.casework.models import ReadLogEntry
    from tessera.casework.signing import Signer
    from tessera.casework.store import Casework
    from tessera.warehouse.engine import Engine

    env = {**os.environ, "TESSERA_SECRET_KEY": "cli-test", "TESSERA_OUTPUT": str(tmp_path),
           "TESSERA_WAREHOUSE": str(tmp_path / "w.duckdb"), "COLUMNS": "200",
           "TESSERA_CASEWORK_URL": f"sqlite:///{tmp_path / 'casework.db'}",
           "TESSERA_SIGNING_KEY_FILE": str(tmp_path / "keys" / "signing.key")}
    assert run_cli("ingest", str(small_extract), env=env).returncode == 0
    with Engine.open(tmp_path / "w.duckdb", read_only=True) as engine:
        bob = "N-" + str(engine.scalar(
            "SELECT record_key FROM identity.person_record WHERE given_name = 'Bob'"))
        offence_key, crime_ref = engine.rows(
            "SELECT o.record_key, i.crime_ref FROM analysis.offence AS o JOIN "
            "identity.offence AS i USING (record_key) WHERE o.force_code = 'west-yorkshire' "
            "ORDER BY i.crime_ref LIMIT 1")[0].values()
    (tmp_path / "pw").write_text(PASSWORD + "\n", encoding="utf-8")
    for username, area in (("wy", "west-yorkshire"), ("kent", "kent")):
        added = run_cli("users", "add", username, "--role", "analyst", "--name", username,
                        "--area-type", "police_force", "--area-code", area,
                        "--password-file", str(tmp_path / "pw"), env=env)
        assert added.returncode == 0, added.stderr

    def identify(username: str, *extra: str) -> Any:
        return run_cli("identify", bob, "--user", username, "--password-file",
                       str(tmp_path / "pw"), *extra, env=env)

    shown = identify("wy", "--purpose", "suspect in community 2")
    assert shown.returncode == 0, shown.stderr
    assert "Bob" in shown.stdout and "Jones" in shown.stdout and "1983-07-09" in shown.stdout
    refused = identify("kent", "--purpose", "curious")
    assert refused.returncode == 1 and "Bob" not in refused.stdout
    assert refused.stderr.strip() == f"error: {bob} is known to no record of kent; a " \
                                     "national analyst can look them up"
    no_reason = identify("wy", "--purpose", " ")
    assert no_reason.returncode == 2 and "--purpose" in no_reason.stderr
    unknown = run_cli("identify", "P-nobody", "--user", "wy", "--purpose", "x",
                      "--password-file", str(tmp_path / "pw"), env=env)
    assert unknown.returncode != 0 and "'P-nobody'" in unknown.stderr
    offence = run_cli("identify", f"X-{offence_key}", "--user", "wy", "--purpose",
                      "offence in community 2", "--password-file", str(tmp_path / "pw"), env=env)
    assert offence.returncode == 0, offence.stderr
    assert crime_ref in offence.stdout and "crime reference" in offence.stdout
    other = run_cli("identify", f"X-{offence_key}", "--user", "kent", "--purpose", "x",
                    "--password-file", str(tmp_path / "pw"), env=env)
    assert other.returncode == 1 and crime_ref not in other.stdout
    assert "Traceback" not in refused.stderr + no_reason.stderr + unknown.stderr
    casework = Casework.open(env["TESSERA_CASEWORK_URL"],
                             Signer.from_file(Path(env["TESSERA_SIGNING_KEY_FILE"])))
    with casework.reading() as session:
        reads = [(r.actor, r.record_id, r.purpose) for r in session.scalars(
            select(ReadLogEntry).where(ReadLogEntry.record_kind == RECORD_KIND))]
    casework.close()
    assert reads == [("wy", bob, "suspect in community 2"),
                     ("wy", f"X-{offence_key}", "offence in community 2")]
