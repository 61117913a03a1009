"""The whole pipeline on generated data: synth, then ingest, then audit.

These are the checks that matter most to a statistician: every input row is accounted for,
every deliberately broken row is rejected for the rule it breaks, and on clean data the
audit's counts equal the generator's ground truth exactly.
"""

from __future__ import annotations

import csv
import os
from collections import Counter
from collections.abc import Callable
from datetime import date
from pathlib import Path
from statistics import median
from typing import Any

import pytest

from tessera.analysis.audit import run_audit
from tessera.analysis.performance import NATIONAL as PERFORMANCE_NATIONAL
from tessera.analysis.performance import run_performance
from tessera.analysis.profile import NATIONAL, force_codes, run_profiles
from tessera.casework.publications import publications
from tessera.casework.store import Casework
from tessera.dataset import codelist
from tessera.sources.delivery import Delivery
from tessera.synth import generate
from tessera.warehouse.engine import Engine
from tessera.warehouse.loading import ingest
from tessera.warehouse.pseudonym import PseudonymKey

pytestmark = pytest.mark.slow
"""The national pipeline end to end: part of CI, not of the quick loop."""

CATEGORIES = ("intra_familial", "institutional", "group_based_cse", "other_multiple",
              "single_perpetrator")


def _truth(folder: Path, name: str) -> list[dict[str, str]]:
    with (folder / "ground_truth" / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def clean_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A clean synthetic set at 2% of national scale, loaded into a fresh warehouse."""
    folder = tmp_path_factory.mktemp("clean")
    summary = generate(folder / "synthetic", scale=0.02, seed=11, bad_share=0.0)
    warehouse = folder / "w.duckdb"
    result = ingest(Delivery.find([summary.extracts]), warehouse=warehouse,
                    key=PseudonymKey.from_secret(b"e2e"), output=folder / "out")
    assert result.rows_rejected == 0
    return folder / "synthetic", warehouse


def test_audit_counts_equal_ground_truth_on_clean_data(clean_run: tuple[Path, Path]) -> None:
    """Each category, the multi-perpetrator total and the online count match the truth."""
    synthetic, warehouse = clean_run
    truth = _truth(synthetic, "offences.csv")
    expected = Counter(row["category"] for row in truth)
    with Engine.open(warehouse, read_only=True) as engine:
        table = run_audit(engine).tables["offence_categories"]
    counts = {row["category_code"]: row["offences"] for row in table.records()}
    for category in CATEGORIES:
        assert counts[category] == expected[category], category
    assert counts["csa_offences"] == len(truth)
    assert counts["more_than_one_perpetrator"] == len(truth) - expected["single_perpetrator"]
    assert counts["online"] == sum(row["online"] == "true" for row in truth)


def test_profiles_and_performance_agree_with_ground_truth(
        clean_run: tuple[Path, Path]) -> None:
    """Every force's problem profile and performance figures against the generator's truth:
    CSA offences and group-based CSE per force (forces with none at this scale included,
    City of London and British Transport Police among them) and for England and Wales."""
    synthetic, warehouse = clean_run
    truth = _truth(synthetic, "offences.csv")
    csa = Counter(row["agency_code"] for row in truth)
    group = Counter(row["agency_code"] for row in truth if row["category"] == "group_based_cse")
    with Engine.open(warehouse, read_only=True) as engine:
        profiles = run_profiles(engine, [*force_codes(), NATIONAL])
        result = run_performance(engine)
    for profile in profiles:
        shown = {r["measure_code"]: r["offences"]
                 for r in profile.tables["definitions"].records()}
        national = profile.force_code == NATIONAL
        assert shown["csa_offences"] == (len(truth) if national else csa[profile.force_code])
        assert shown["group_based"] == (sum(group.values()) if national
                                        else group[profile.force_code])
    for force in result.forces:
        assert result.figures[(force.code, "P1")].figure.numerator == csa[force.code]
        assert result.figures[(force.code, "P3")].figure.numerator == group[force.code]
    assert {f.code for f in result.forces} == set(csa)
    assert result.figures[(PERFORMANCE_NATIONAL, "P1")].figure.numerator == len(truth)


OUTCOME_MEASURES = {"P4": {"1"}, "P5a": {"14"}, "P5b": {"15"}, "P5c": {"16"}, "P6a": {"18"},
                    "P6b": {"21"}, "P7": {"2", "3", "8", "22"}}
"""The outcome types each outcome share counts, as performance_framework.md defines them."""


def _police_rows(synthetic: Path, entity: str) -> list[dict[str, str]]:
    """Every row of the generator's police extracts of `entity`, as written."""
    rows: list[dict[str, str]] = []
    for path in sorted((synthetic / "extracts" / "police").glob(f"*/{entity}.csv")):
        with path.open(encoding="utf-8", newline="") as handle:
            rows.extend(csv.DictReader(handle))
    return rows


def _csa_offences(synthetic: Path) -> list[dict[str, str]]:
    """The police offence rows of the ground truth's CSA offences."""
    csa = {(r["agency_code"], r["crime_ref"]) for r in _truth(synthetic, "offences.csv")}
    offences = [r for r in _police_rows(synthetic, "offence")
                if (r["agency_code"], r["crime_ref"]) in csa]
    assert len(offences) == len(csa)
    return offences


def test_performance_outcomes_and_timeliness_agree_with_a_recount_of_the_extracts(
        clean_run: tuple[Path, Path]) -> None:
    """P2 and P4 to P8 for every force and England and Wales against a plain-Python recount
    of what the generator wrote: its police offence extracts (a clean run: every row loaded),
    the CSA offences being those of its ground truth. Shares by their counts, medians by
    their value."""
    synthetic, warehouse = clean_run
    offences = _csa_offences(synthetic)
    with Engine.open(warehouse, read_only=True) as engine:
        result = run_performance(engine)
    start, end = result.start.isoformat(), result.end.isoformat()
    checked = 0
    for place in [PERFORMANCE_NATIONAL, *(f.code for f in result.forces)]:
        rows = [r for r in offences if place in (PERFORMANCE_NATIONAL, r["force_code"])]
        recorded = [r for r in rows if start <= r["recorded_date"] <= end]
        outcomes = [r for r in rows if r["outcome_type"] and start <= r["outcome_date"] <= end]

        def figure(measure: str, where: str = place) -> tuple[int, int | None, float | None]:
            found = result.figures[(where, measure)].figure
            return found.numerator, found.denominator, found.value

        flagged = sum(r["cse_flag"].lower() in {"true", "1", "yes", "y"} for r in recorded)
        assert figure("P2")[:2] == (flagged, len(recorded)), place
        for measure, codes in OUTCOME_MEASURES.items():
            counted = sum(r["outcome_type"] in codes for r in outcomes)
            assert figure(measure)[:2] == (counted, len(outcomes)), (place, measure)
        days = {(r["agency_code"], r["crime_ref"]): (date.fromisoformat(r["outcome_date"])
                                                     - date.fromisoformat(r["recorded_date"])).days
                for r in outcomes}
        charged = [days[(r["agency_code"], r["crime_ref"])] for r in outcomes
                   if r["outcome_type"] == "1"]
        if place == PERFORMANCE_NATIONAL:
            assert len(charged) > 20 and len(outcomes) > 200, "the recount has figures to check"
        assert figure("P8a")[0] == len(outcomes), place
        assert figure("P8a")[2] == (median(days.values()) if days else None), place
        assert figure("P8b")[2] == (median(charged) if charged else None), place
        checked += 1
    assert checked == len(result.forces) + 1 and len(result.forces) >= 40


def test_performance_completeness_agrees_with_a_recount_of_the_extracts(
        clean_run: tuple[Path, Path]) -> None:
    """P9 to P11 for every force and England and Wales against a plain-Python recount of the
    police extracts: named suspects (a perpetrator party whose person record has a police
    nominal id) and victims of CSA offences, and whether any demographic statement of the
    party gives a known ethnicity (not NS or NK) or a nationality (or the person record
    does)."""
    synthetic, warehouse = clean_run
    with Engine.open(warehouse, read_only=True) as engine:
        result = run_performance(engine)
    start, end = result.start.isoformat(), result.end.isoformat()
    force_of = {(r["agency_code"], r["crime_ref"]): r["force_code"]
                for r in _csa_offences(synthetic) if start <= r["recorded_date"] <= end}
    people = {(r["agency_code"], r["source_record_id"]): r
              for r in _police_rows(synthetic, "person_record")}
    statements: dict[tuple[str, str], list[dict[str, str]]] = {}
    for row in _police_rows(synthetic, "party_demographics"):
        statements.setdefault((row["agency_code"], row["offence_party_id"]), []).append(row)
    perpetrator = {code for code, flag in codelist("party_role").column("perpetrator").items()
                   if flag == "yes"}
    tally: dict[str, Counter[str]] = {}
    for party in _police_rows(synthetic, "offence_party"):
        force = force_of.get((party["agency_code"], party["crime_ref"]))
        person = people[(party["agency_code"], party["person_record_id"])]
        said = statements.get((party["agency_code"], party["source_record_id"]), [])
        ethnicity = any(s["ethnicity"] not in ("", "NS", "NK") for s in said)
        nationality = any(s["nationality"] for s in said) or bool(person["nationality"])
        if force is None:
            continue
        for place in (force, PERFORMANCE_NATIONAL):
            counts = tally.setdefault(place, Counter())
            if party["role"] == "victim":
                counts.update(victims=1, victims_ethnicity=ethnicity)
            elif party["role"] in perpetrator and person["police_person_id"]:
                counts.update(suspects=1, suspects_ethnicity=ethnicity,
                              suspects_nationality=nationality)
    assert tally[PERFORMANCE_NATIONAL]["suspects"] > 100
    for place in [PERFORMANCE_NATIONAL, *(f.code for f in result.forces)]:
        counts = tally.get(place, Counter())
        for measure, part, whole in (("P9", "suspects_ethnicity", "suspects"),
                                     ("P10", "suspects_nationality", "suspects"),
                                     ("P11", "victims_ethnicity", "victims")):
            found = result.figures[(place, measure)].figure
            assert (found.numerator, found.denominator) == (counts[part], counts[whole]), \
                (place, measure)


def test_profile_trend_places_and_outcomes_agree_with_a_recount_of_the_extracts(
        clean_run: tuple[Path, Path]) -> None:
    """Every force's and England and Wales's problem profile against a plain-Python recount
    of the police offence extracts and the ground truth's categories: CSA and group-based
    offences by month of recording (the trend; England and Wales beside each force rounded to
    the nearest ten, halves up), by kind of place (nature) and by outcome group (outcomes,
    open when none is assigned)."""
    synthetic, warehouse = clean_run
    category = {(r["agency_code"], r["crime_ref"]): r["category"]
                for r in _truth(synthetic, "offences.csv")}
    places = codelist("location_type").column("label")
    groups = codelist("outcome_types").column("outcome_group")
    months: dict[str, Counter[tuple[str, bool]]] = {}
    kinds: dict[str, Counter[tuple[str, bool]]] = {}
    outcomes: dict[str, Counter[tuple[str, bool]]] = {}
    for row in _csa_offences(synthetic):
        group_based = category[(row["agency_code"], row["crime_ref"])] == "group_based_cse"
        place = places.get(row["location_type"], "Not recorded") if row["location_type"] \
            else "Not recorded"
        outcome = groups[row["outcome_type"]] if row["outcome_type"] else "open"
        for where in (row["force_code"], NATIONAL):
            for tally, key in ((months, row["recorded_date"][:7]), (kinds, place),
                               (outcomes, outcome)):
                counts = tally.setdefault(where, Counter())
                counts[(key, False)] += 1
                counts[(key, True)] += group_based
    with Engine.open(warehouse, read_only=True) as engine:
        profiles = run_profiles(engine, [*force_codes(), NATIONAL])
    checked = 0
    for profile in profiles:
        code = profile.force_code
        for row in profile.tables["trend"].records():
            month = str(row["month"])
            assert (row["csa_offences"], row["group_based"]) == (
                months.get(code, Counter())[(month, False)],
                months.get(code, Counter())[(month, True)]), (code, month)
            assert (row["national_csa"], row["national_group_based"]) == (
                _to_ten(months[NATIONAL][(month, False)]),
                _to_ten(months[NATIONAL][(month, True)])), month
        for row in profile.tables["nature"].records():
            if row["aspect"] == "Kind of place" and row["category"] != "All":
                key = str(row["category"])
                assert (row["csa_offences"], row["group_based"]) == (
                    kinds.get(code, Counter())[(key, False)],
                    kinds.get(code, Counter())[(key, True)]), (code, key)
        for row in profile.tables["outcomes"].records():
            if row["code"] != "All":
                key = str(row["code"])
                assert (row["csa_offences"], row["group_based"]) == (
                    outcomes.get(code, Counter())[(key, False)],
                    outcomes.get(code, Counter())[(key, True)]), (code, key)
        checked += 1
    assert checked == len(force_codes()) + 1
    assert sum(months[NATIONAL][(m, True)] for m, _ in months[NATIONAL]) > 0


def _to_ten(count: int) -> int:
    return (count + 5) // 10 * 10


def test_every_row_is_accounted_for_and_broken_rows_are_caught(
        tmp_path: Path) -> None:
    """With rows broken on purpose, rows in = loaded + rejected for every file, and every
    broken row the generator recorded is rejected, for the rule it broke."""
    summary = generate(tmp_path / "synthetic", scale=0.01, seed=3, bad_share=0.01)
    warehouse = tmp_path / "w.duckdb"
    result = ingest(Delivery.find([summary.extracts]), warehouse=warehouse,
                    key=PseudonymKey.from_secret(b"e2e"), output=tmp_path / "out")
    for f in result.files:
        assert f.rows_in == f.rows_loaded + f.rows_rejected, f.path
    injected = _truth(tmp_path / "synthetic", "bad_rows.csv")
    assert len(injected) == summary.bad_rows > 0
    with Engine.open(warehouse, read_only=True) as engine:
        rejected = engine.rows("SELECT file, row, rule FROM ops.rejections")
    extracts = summary.extracts
    rules_by_row: dict[tuple[str, int], set[str]] = {}
    for r in rejected:
        relative = Path(r["file"]).relative_to(extracts).as_posix()
        rules_by_row.setdefault((relative, r["row"]), set()).add(r["rule"])
    missed = [b for b in injected
              if b["rule"] not in rules_by_row.get((b["file"], int(b["row"])), set())]
    assert not missed, missed[:5]
    assert result.rejections_csv is not None


def test_demo_command_runs_end_to_end(tmp_path: Path, run_cli: Callable[..., Any]) -> None:
    """`tessera demo` at small scale exits 0, ends by saying where the report is, and writes
    the audit's workbooks and CSV metadata beside it, the network and look-again reports, the
    performance dashboard, and publishes the look-again list into the demo's casework store
    for the web app."""
    env = {**os.environ, "TESSERA_SECRET_KEY": "demo-test"}
    result = run_cli("demo", "--scale", "0.01", "--out", str(tmp_path / "demo"), env=env)
    assert result.returncode == 0, result.stderr[-2000:]
    report = tmp_path / "demo" / "output" / "audit" / "report.html"
    assert report.exists() and str(report) in result.stdout.replace("\n", "")
    assert all((report.parent / name).exists()
               for name in ("audit.ods", "audit.xlsx", "csv-metadata.json"))
    assert all((tmp_path / "demo" / "output" / name / "report.html").exists()
               for name in ("network", "look-again"))
    assert (tmp_path / "demo" / "output" / "performance" / "index.html").exists()
    assert "Traceback" not in result.stderr
    store = Casework.open(f"sqlite:///{tmp_path / 'demo' / 'casework.db'}")
    with store.reading() as session:
        (published,) = publications(session, "look_again")
    store.close()
    assert f"publication {published.publication_id}" in result.stdout.replace("\n", "")
    assert "/look-again" in result.stdout.replace("\n", "")


def test_explain_names_the_rule_for_a_group_based_offence(
        clean_run: tuple[Path, Path], run_cli: Callable[..., Any]) -> None:
    """`tessera audit --explain` on a group-based CSE offence says so, and why."""
    synthetic, warehouse = clean_run
    ref = next(r["crime_ref"] for r in _truth(synthetic, "offences.csv")
               if r["category"] == "group_based_cse")
    result = run_cli("audit", "--warehouse", str(warehouse), "--explain", ref,
                     env={**os.environ, "COLUMNS": "200"})
    assert result.returncode == 0, result.stderr
    assert ref in result.stdout and "group_based_cse" in result.stdout.replace(" ", "_")
