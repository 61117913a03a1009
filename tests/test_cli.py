"""The command line as a user meets it: exit statuses, messages, no tracebacks."""

from __future__ import annotations

import csv
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import offence, write_extract

pytestmark = pytest.mark.slow  # each case starts the CLI in a subprocess: CI runs them,
# the quick loop (-m "not slow") does not


def _env(tmp_path: Path) -> dict[str, str]:
    return {**os.environ, "TESSERA_SECRET_KEY": "cli-test", "TESSERA_OUTPUT": str(tmp_path)}


def test_ingest_with_bad_rows_names_file_row_field_and_rule_and_exits_1(
        tmp_path: Path, small_extract: Path, run_cli: Callable[..., Any]) -> None:
    """Good rows load; the bad one is shown with where it is and which rule it breaks."""
    write_extract(small_extract / "offence_late.csv", "offence", [
        offence("13/7/23"), offence("13/8/23", ho_offence_code="99Z")])
    result = run_cli("ingest", str(small_extract), "--warehouse", str(tmp_path / "w.duckdb"),
                     env={**_env(tmp_path), "COLUMNS": "200"})
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    cells = [c.strip() for c in result.stdout.split("│")]
    at = cells.index("ho_offence_code")
    assert cells[at - 1] == "2" and cells[at + 1] == "code_list" and "99Z" in cells[at + 2]
    assert "rows in 11 = loaded 10 + rejected 1" in result.stdout
    rejections = (tmp_path / "rejections" / "batch-1.csv").read_text(encoding="utf-8")
    assert f"{small_extract / 'offence_late.csv'},2,3,ho_offence_code,code_list" in rejections


def test_ingest_of_a_clean_delivery_exits_0(tmp_path: Path, small_extract: Path,
                                            run_cli: Callable[..., Any]) -> None:
    """Nothing rejected: exit status 0 and the accounting line."""
    result = run_cli("ingest", str(small_extract), "--warehouse", str(tmp_path / "w.duckdb"),
                     env=_env(tmp_path))
    assert result.returncode == 0, result.stderr
    assert "rows in 9 = loaded 9 + rejected 0" in result.stdout


def test_audit_before_any_ingest_says_what_to_do(tmp_path: Path,
                                                 run_cli: Callable[..., Any]) -> None:
    """No warehouse yet: one line saying to ingest first, exit status 1, no traceback."""
    result = run_cli("audit", "--warehouse", str(tmp_path / "none.duckdb"), env=_env(tmp_path))
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        f"error: {tmp_path / 'none.duckdb'}: no warehouse here yet; run 'tessera ingest' first"]


def test_synth_writes_extracts_and_ground_truth_apart(tmp_path: Path,
                                                      run_cli: Callable[..., Any]) -> None:
    """`tessera synth` keeps the answers out of the folder an analyst would ingest."""
    result = run_cli("synth", "--out", str(tmp_path / "s"), "--scale", "0.005", "--seed", "1",
                     env=_env(tmp_path))
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "s" / "extracts" / "police").is_dir()
    assert (tmp_path / "s" / "ground_truth" / "offences.csv").exists()
    assert not list((tmp_path / "s" / "extracts").rglob("offences.csv"))


def test_describe_markdown_writes_the_dictionary(tmp_path: Path,
                                                 run_cli: Callable[..., Any]) -> None:
    """The markdown dictionary lists every entity."""
    out = tmp_path / "dictionary.md"
    result = run_cli("dataset", "describe", "--format", "markdown", "--out", str(out))
    assert result.returncode == 0
    text = out.read_text(encoding="utf-8")
    for name in ("person_record", "offence", "offence_party", "referral", "association"):
        assert f"## {name}" in text


def test_link_writes_one_cluster_per_record(tmp_path: Path,
                                            run_cli: Callable[..., Any]) -> None:
    """`tessera link` on a small file: every record gets a cluster, the same NHS number and
    date of birth share one, and a missing file is one error line with exit status 2."""
    people = tmp_path / "people.csv"
    people.write_text("record_id,given_name,family_name,date_of_birth,nhs_number\n"
                      "a,Amy,Smith,2010-03-04,9434765919\nb,Aimee,Smith,2010-03-04,9434765919\n"
                      "c,Bob,Jones,1980-01-01,\n", encoding="utf-8")
    out = tmp_path / "clusters.csv"
    result = run_cli("link", "--records", str(people), "--out", str(out))
    assert result.returncode == 0, result.stderr[-2000:]
    rows = dict(line.replace('"', "").split(",") for line in out.read_text().splitlines()[1:])
    assert rows["a"] == rows["b"] != rows["c"]
    missing = run_cli("link", "--records", str(tmp_path / "none.csv"), "--out", str(out))
    assert missing.returncode == 2 and "Traceback" not in missing.stderr


def test_link_on_the_warehouse_writes_ids_and_the_report(
        tmp_path: Path, small_extract: Path, run_cli: Callable[..., Any]) -> None:
    """Before any ingest, one line saying what to do (exit 2); after it, ids and a report;
    an extra column compared in an unknown way is refused by name."""
    env = _env(tmp_path)
    warehouse = str(tmp_path / "w.duckdb")
    before = run_cli("link", "--warehouse", warehouse, env=env)
    assert before.returncode == 2 and "run 'tessera ingest' first" in before.stderr
    assert "Traceback" not in before.stderr
    assert run_cli("ingest", str(small_extract), "--warehouse", warehouse,
                   env=env).returncode == 0
    linked = run_cli("link", "--warehouse", warehouse, env=env)
    assert linked.returncode == 0, linked.stderr[-2000:]
    assert "Linkage run 1" in linked.stdout
    report = (tmp_path / "linkage" / "report.html").read_text(encoding="utf-8")
    assert "Linkage quality" in report and "Amy" not in report
    people = tmp_path / "people.csv"
    people.write_text("record_id,given_name,case_no\na,Amy,K1\n", encoding="utf-8")
    bad = run_cli("link", "--records", str(people), "--out", str(tmp_path / "c.csv"),
                  "--compare", "case_no=exactly", env=env)
    assert bad.returncode == 2 and "'text' or 'identifier'" in bad.stderr


def _casework_env(tmp_path: Path) -> dict[str, str]:
    return {**_env(tmp_path), "TESSERA_CASEWORK_URL": f"sqlite:///{tmp_path / 'casework.db'}",
            "TESSERA_SIGNING_KEY_FILE": str(tmp_path / "keys" / "signing.key"),
            "COLUMNS": "200"}


def _file_a_report(tmp_path: Path) -> str:
    """File one report in-process, as the web app would, returning its receipt as JSON."""
    from tessera.casework.signing import Signer
    from tessera.casework.store import Casework
    from tessera.casework.users import user_named
    from tests.casework.populate import file_report

    store = Casework.open(f"sqlite:///{tmp_path / 'casework.db'}",
                          Signer.from_file(tmp_path / "keys" / "signing.key"))
    with store.session() as session:
        reporter = user_named(session, "teacher")
        receipt = file_report(session, reporter).receipt
    store.close()
    return receipt.to_json()


def test_users_commands_add_issue_tokens_and_refuse_bad_areas(
        tmp_path: Path, run_cli: Callable[..., Any]) -> None:
    """`tessera users add` from a password file, `token`, `disable`; a bad area or unknown
    user is one error line with exit status 1."""
    from tests.casework.populate import PASSWORD

    env = _casework_env(tmp_path)
    (tmp_path / "pw").write_text(PASSWORD + "\n", encoding="utf-8")
    added = run_cli("users", "add", "teacher", "--role", "reporter", "--name", "T Teacher",
                    "--password-file", str(tmp_path / "pw"), env=env)
    assert added.returncode == 0, added.stderr
    assert "Added reporter 'teacher'" in added.stdout
    bad = run_cli("users", "add", "lost", "--role", "triage", "--name", "Lost",
                  "--area-type", "local_authority", "--area-code", "E99999999",
                  "--password-file", str(tmp_path / "pw"), env=env)
    assert (bad.returncode, bad.stderr.strip()) == (
        1, "error: 'E99999999' is not in the local_authorities code list")
    token = run_cli("users", "token", "teacher", env=env)
    assert token.returncode == 0 and token.stdout.startswith("tsr_")
    disabled = run_cli("users", "disable", "teacher", env=env)
    assert "Disabled 'teacher'; ended 0 signed-in session(s)" in disabled.stdout
    nobody = run_cli("users", "disable", "nobody", env=env)
    assert (nobody.returncode, nobody.stderr.strip()) == (1, "error: no user called 'nobody'")
    assert "Enabled 'teacher'" in run_cli("users", "enable", "teacher", env=env).stdout
    ended = run_cli("users", "end-sessions", "teacher", env=env)
    assert "Ended 0 signed-in session(s) of 'teacher'" in ended.stdout


def test_users_tokens_are_listed_and_revoked_by_id(tmp_path: Path,
                                                   run_cli: Callable[..., Any]) -> None:
    """`tessera users tokens` lists ids and times, never a token; `revoke-token` revokes one
    (and says so if asked twice)."""
    from tests.casework.populate import PASSWORD

    env = _casework_env(tmp_path)
    (tmp_path / "pw").write_text(PASSWORD, encoding="utf-8")
    run_cli("users", "add", "teacher", "--role", "reporter", "--name", "T", "--password-file",
            str(tmp_path / "pw"), env=env)
    tokens = [run_cli("users", "token", "teacher", env=env).stdout.strip() for _ in range(2)]
    listed = run_cli("users", "tokens", "teacher", env=env)
    assert listed.returncode == 0 and not any(token in listed.stdout for token in tokens)

    def rows(listing: str) -> list[list[str]]:
        """id, created, last used, revoked: each row of the table."""
        return [[cell.strip() for cell in line.split("│")[1:5]]
                for line in listing.splitlines() if "UTC" in line]

    assert [(row[0], row[2], row[3]) for row in rows(listed.stdout)] == [
        ("1", "-", "-"), ("2", "-", "-")]
    assert run_cli("users", "revoke-token", "1", env=env).stdout.strip() == (
        "Revoked token 1 of 'teacher'")
    after = rows(run_cli("users", "tokens", "teacher", env=env).stdout)
    assert after[0][3].endswith("UTC") and after[1][3] == "-"
    again = run_cli("users", "revoke-token", "1", env=env)
    assert (again.returncode, again.stderr.strip()) == (
        1, "error: token 1 of 'teacher' was already revoked")


def test_receipt_and_ledger_verify_then_export_into_the_warehouse(
        tmp_path: Path, run_cli: Callable[..., Any]) -> None:
    """A receipt verifies until edited; the ledger is intact until a row is edited in the
    database file; the export loads with `tessera ingest`."""
    import json
    import sqlite3

    from tests.casework.populate import PASSWORD

    env = _casework_env(tmp_path)
    (tmp_path / "pw").write_text(PASSWORD, encoding="utf-8")
    run_cli("users", "add", "teacher", "--role", "reporter", "--name", "T", "--password-file",
            str(tmp_path / "pw"), env=env)
    receipt = tmp_path / "receipt.json"
    receipt.write_text(_file_a_report(tmp_path), encoding="utf-8")
    valid = run_cli("receipt", "verify", str(receipt), env=env)
    assert valid.returncode == 0 and valid.stdout.startswith("valid: report TSR-")
    edited = json.loads(receipt.read_text(encoding="utf-8"))
    edited["issued_at"] = "2020-01-01T00:00:00.000000Z"
    receipt.write_text(json.dumps(edited), encoding="utf-8")
    forged = run_cli("receipt", "verify", str(receipt), env=env)
    assert forged.returncode == 1 and forged.stdout.startswith("not valid: ")

    exported = run_cli("export-casework", "--out", str(tmp_path / "export"), env=env)
    assert exported.returncode == 0, exported.stderr
    loaded = run_cli("ingest", str(tmp_path / "export"), "--warehouse",
                     str(tmp_path / "w.duckdb"), env=env)
    assert loaded.returncode == 0, loaded.stderr
    assert "rows in 2 = loaded 2 + rejected 0" in loaded.stdout

    intact = run_cli("ledger", "verify", env=env)
    assert (intact.returncode, intact.stdout.strip()) == (
        0, "ledger intact: 2 entries, signed to entry 2, every record and receipt matches")
    head = run_cli("ledger", "head", env=env)
    assert head.returncode == 0 and json.loads(head.stdout)["seq"] == 2
    (tmp_path / "head.json").write_text(head.stdout, encoding="utf-8")
    rotated = run_cli("keys", "rotate", env=env)
    assert rotated.returncode == 0 and "retired (kept in the keyring)" in rotated.stdout
    keys = run_cli("receipt", "public-key", env=env).stdout
    assert keys.count("BEGIN PUBLIC KEY") == 2 and "(current)" in keys
    (tmp_path / "public.pem").write_text(keys, encoding="utf-8")
    (tmp_path / "keys" / "signing.key").unlink()  # an auditor holds only the public keys
    kept = run_cli("ledger", "verify", "--expect-head", str(tmp_path / "head.json"),
                   "--public-key", str(tmp_path / "public.pem"), env=env)
    assert (kept.returncode, kept.stdout.strip()) == (
        0, "ledger intact: 2 entries, signed to entry 2, every record and receipt matches; "
        "holds the kept head (checkpoint 2)")
    with sqlite3.connect(tmp_path / "casework.db") as database:
        database.execute("UPDATE reports SET immediate_risk = 1")
    database.close()
    tampered = run_cli("ledger", "verify", "--public-key", str(tmp_path / "public.pem"),
                       env=env)
    assert tampered.returncode == 1 and "Traceback" not in tampered.stderr
    assert tampered.stdout.startswith(f"ledger not intact: entry 1 (report "
                                      f"{edited['reference']}): the record was changed after "
                                      "it was written")


def test_help_shows_each_default_and_reflows_paragraphs(run_cli: Callable[..., Any]) -> None:
    """`[default: ...]` in an option's help is text, not Rich markup that would swallow it, and
    a docstring's wrapped lines read as one paragraph."""
    verify = run_cli("ledger", "verify", "--help", env={**os.environ, "COLUMNS": "200"})
    rotate = run_cli("keys", "--help", env={**os.environ, "COLUMNS": "200"})
    assert "Casework store [default: $TESSERA_CASEWORK_URL or sqlite:///tessera-casework.db]" \
        in verify.stdout
    assert "keeping the old public key so that receipts and signed heads" in rotate.stdout


def test_help_speaks_to_users_and_says_where_to_start(run_cli: Callable[..., Any]) -> None:
    """`tessera --help` says what Tessera does and where a new user starts, not the module's
    notes for developers; each command says what it needs and what it writes."""
    wide = {**os.environ, "COLUMNS": "200"}
    top = run_cli("--help", env=wide).stdout
    assert "Tessera joins up agencies' records" in top and "Start here: tessera demo" in top
    assert "one sub-command per job" not in top
    ingest = " ".join(run_cli("ingest", "--help", env=wide).stdout.split())
    assert "Needs extract files" in ingest and "written to a CSV in the output folder" in ingest


def test_quality_writes_scores_and_says_what_to_do_without_a_warehouse(
        tmp_path: Path, small_extract: Path, run_cli: Callable[..., Any]) -> None:
    """No warehouse: one error line, exit 2. After ingest: the scores table, five CSVs and the
    report, linkage not run yet; after `tessera link`, a linkage share instead."""
    env = {**_env(tmp_path), "COLUMNS": "200"}
    warehouse = str(tmp_path / "w.duckdb")
    missing = run_cli("quality", "--warehouse", warehouse, env=env)
    assert (missing.returncode, missing.stderr.strip().splitlines()) == (2, [
        f"error: {warehouse}: no warehouse here yet; run 'tessera ingest' first"])
    assert run_cli("ingest", str(small_extract), "--warehouse", warehouse,
                   env=env).returncode == 0
    scored = run_cli("quality", "--warehouse", warehouse, env=env)
    assert scored.returncode == 0, scored.stderr[-2000:]
    assert "West Yorkshire Police" in scored.stdout and "not linked yet" in scored.stdout
    folder = tmp_path / "quality"
    assert sorted(p.name for p in folder.iterdir()) == [
        "agency_scores.csv", "consistency_flags.csv", "deliveries.csv",
        "field_completeness.csv", "rejections.csv", "report.html"]
    assert run_cli("link", "--warehouse", warehouse, env=env).returncode == 0
    linked = run_cli("quality", "--warehouse", warehouse, env=env)
    assert linked.returncode == 0 and "not linked yet" not in linked.stdout
    with (folder / "agency_scores.csv").open(encoding="utf-8", newline="") as handle:
        (scores,) = csv.DictReader(handle)
    assert scores["Linked to another agency (%)"] == "0.0"  # one agency: nobody else to join


def _audit_warehouse(tmp_path: Path) -> Path:
    """The hand-made audit warehouse (tests/analysis/audit_fixture.py) in a file."""
    from tessera.warehouse.engine import Engine
    from tests.analysis.audit_fixture import populate_audit_fixture

    path = tmp_path / "audit.duckdb"
    with Engine.open(path) as engine:
        populate_audit_fixture(engine)
    return path


def test_audit_records_each_release_in_the_periods_register(
        tmp_path: Path, run_cli: Callable[..., Any]) -> None:
    """Two runs for 2023: both pass the LP audit, and the register (kept apart from what is
    published) holds both releases."""
    import json

    warehouse = _audit_warehouse(tmp_path)
    for _ in range(2):
        result = run_cli("audit", "--warehouse", str(warehouse), env=_env(tmp_path))
        assert result.returncode == 0, result.stderr
        assert "with every earlier release of 2023" in result.stdout
    register = json.loads((tmp_path / "restricted" / "register-2023.json").read_text())
    assert len(register["releases"]) == 2
    elsewhere = tmp_path / "elsewhere.json"
    result = run_cli("audit", "--warehouse", str(warehouse), "--register", str(elsewhere),
                     "--period", "2023-24", env=_env(tmp_path))
    assert result.returncode == 0, result.stderr
    assert json.loads(elsewhere.read_text())["period"] == "2023-24"


def test_audit_rounds_published_totals_when_asked(
        tmp_path: Path, run_cli: Callable[..., Any]) -> None:
    """--round-totals 5 publishes the 18 perpetrator records of the fixture as 20 (18 rounds
    to 20, halves away from zero); a base other than 1, 5 or 10 is refused in one line."""
    warehouse = _audit_warehouse(tmp_path)
    result = run_cli("audit", "--warehouse", str(warehouse), "--round-totals", "5",
                     env=_env(tmp_path))
    assert result.returncode == 0, result.stderr
    with (tmp_path / "audit" / "perpetrators.csv").open(encoding="utf-8") as handle:
        rows = {r["Offence group"]: r for r in csv.DictReader(handle)}
    assert rows["All CSA offences"]["Suspect and offender records"] == "20"
    refused = run_cli("audit", "--warehouse", str(warehouse), "--round-totals", "3",
                      env=_env(tmp_path))
    assert refused.returncode != 0
    assert "totals round to the nearest 1, 5 or 10" in refused.stderr + refused.stdout
    assert "Traceback" not in refused.stderr


def test_the_restricted_audit_is_shown_only_to_a_national_analyst_and_logged(
        tmp_path: Path, run_cli: Callable[..., Any]) -> None:
    from sqlalchemy import select

    from tessera.casework.editions import RECORD_KIND
    from tessera.casework.models import ReadLogEntry
    from tessera.casework.signing import Signer
    from tessera.casework.store import Casework
    from tests.casework.populate import PASSWORD

    env = _casework_env(tmp_path)
    warehouse = _audit_warehouse(tmp_path)
    (tmp_path / "pw").write_text(PASSWORD + "\n", encoding="utf-8")
    for username, role in (("stats", "national_analyst"), ("teacher", "reporter")):
        added = run_cli("users", "add", username, "--role", role, "--name", username,
                        "--password-file", str(tmp_path / "pw"), env=env)
        assert added.returncode == 0, added.stderr

    def view(username: str, *extra: str) -> Any:
        return run_cli("audit", "--warehouse", str(warehouse), "--edition", "restricted",
                       "--user", username, "--password-file", str(tmp_path / "pw"), *extra,
                       env=env)

    shown = view("stats", "--purpose", "checking the [c] cells")
    assert shown.returncode == 0, shown.stderr
    assert "Restricted edition for stats" in shown.stdout and "[c]" not in shown.stdout
    refused = view("teacher", "--purpose", "curious")
    assert (refused.returncode, refused.stderr.strip()) == (
        1, "error: a reporter user cannot do this")
    no_reason = view("stats")
    assert no_reason.returncode == 2 and "--purpose" in no_reason.stderr
    registered = view("stats", "--purpose", "to publish", "--period", "2023")
    assert registered.returncode == 2 and "publishes nothing" in registered.stderr
    assert not (tmp_path / "audit").exists(), "the restricted edition is never written out"
    casework = Casework.open(env["TESSERA_CASEWORK_URL"],
                             Signer.from_file(Path(env["TESSERA_SIGNING_KEY_FILE"])))
    with casework.reading() as session:
        reads = [(r.actor, r.record_id, r.purpose) for r in session.scalars(
            select(ReadLogEntry).where(ReadLogEntry.record_kind == RECORD_KIND))]
    casework.close()
    assert reads == [("stats", f"audit of {warehouse}", "checking the [c] cells")]
