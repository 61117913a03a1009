"""The entry point: a seeded synthetic national year (or years) of agency extracts.

Why one function: the CLI, the demo and the tests all need the same thing (files an agency
would send, calibrated to the published national figures, with the answers kept apart), and
the same seed must always give the same files. Steps: offences of each kind and the networks'
offences (co-offending and intelligence-only); later evidence on some closed cases and decoy
households (the structures a network analysis and a look-again list must find or reject); the
children agencies know; identifiers made unique; person records with each agency's noise;
statements, links, referrals and contacts; tables; bad rows; files; each English authority's
CIN census return of its referrals; the ground truth.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Literal

import numpy as np

from tessera.errors import ConfigurationError
from tessera.synth.agencies import agency_extracts, child_subjects
from tessera.synth.associations import (
    background_associations,
    concat_associations,
    network_associations,
)
from tessera.synth.calibration import CATEGORIES, period, targets
from tessera.synth.categories import categorise, online
from tessera.synth.cin_census import collection_year_holding
from tessera.synth.decoys import decoy_associations, draw_decoys
from tessera.synth.ground_truth import decoy_table, look_again_table, network_tables
from tessera.synth.investigation import ROLE
from tessera.synth.look_again import REFERRAL_FACTORS, evidence_associations, plant_evidence
from tessera.synth.names import name_book
from tessera.synth.networks import Network, draw_intelligence_networks, draw_networks
from tessera.synth.objects import ObjectValues
from tessera.synth.offending import Offences, Parties, combine, draw_offences
from tessera.synth.patterns import PATTERNS
from tessera.synth.places import agencies, draw_forces, geography
from tessera.synth.population import People, World, make_identifiers_unique
from tessera.synth.rates import load_rates
from tessera.synth.records import concat_records, party_ages, police_records
from tessera.synth.statements import party_statements
from tessera.synth.tables import (
    association_rows,
    contact_rows,
    crime_refs,
    offence_party_rows,
    offence_rows,
    party_demographics_rows,
    person_record_rows,
    record_ids,
    referral_rows,
    truth_offences,
    truth_persons,
)
from tessera.synth.writer import (
    corrupt_sorted,
    mark_synthetic,
    sort_rows,
    write_census_returns,
    write_extracts,
    write_ground_truth,
)

Progress = Callable[[str, float], None]
CENSUS = "cin_census"
"""Folder under `out` of the CIN census returns (outside extracts/: the same children)."""


@dataclass(frozen=True)
class SynthSummary:
    """What was written: where, how many files and rows, and the ground-truth counts."""

    extracts: Path
    ground_truth: Path
    census: Path
    """Folder of the CIN census returns, one `<la_code>.xml` per English authority."""
    files: int
    census_returns: int
    rows: dict[str, int]
    """Rows per entity, over every agency."""
    offences: int
    bad_rows: int
    categories: dict[str, int]
    """Offences per ground-truth category (the audit's rules on the clean data)."""
    online: int
    networks: int
    decoys: int
    look_again: int
    """Eligible closed cases with planted new evidence."""


def _check(out: Path, scale: float, years: int, bad_share: float, file_format: str) -> None:
    # Files left from an earlier run (another scale, or CSV beside Parquet) would be ingested
    # with the new ones, so an occupied folder is refused rather than mixed.
    for folder in (out / "extracts", out / CENSUS):
        if folder.is_dir() and any(folder.iterdir()):
            raise ConfigurationError(f"{folder} already holds files from an earlier run; "
                                     "choose an empty --out folder or delete that one")
    if not scale > 0:
        raise ConfigurationError(f"scale must be above 0 (got {scale})")
    if years < 1:
        raise ConfigurationError(f"years must be 1 or more (got {years})")
    if not 0 <= bad_share <= 0.5:
        raise ConfigurationError(f"bad_share must be between 0 and 0.5 (got {bad_share})")
    if file_format not in ("csv", "parquet"):
        raise ConfigurationError(f"format must be csv or parquet (got {file_format!r})")


def _offences(world: World, scale: float, years: int
              ) -> tuple[Offences, Parties, list[Network], ObjectValues]:
    """Every offence: the networks' first (their phones get the mobile drama numbers), then
    each pattern's, the single-perpetrator count less what the intelligence-only networks
    committed (their offences are single-perpetrator by the audit's rules)."""
    target = targets(scale, years)
    objects = ObjectValues(world.rng, world.geo)
    batches: list[tuple[Offences, Parties]] = []
    networks: list[Network] = []
    if target.networks:
        network_offences, network_parties, networks = draw_networks(
            world, target.networks, target.offences["group_based_cse"], objects)
        batches.append((network_offences, network_parties))
    if target.intelligence_networks:
        hidden_offences, hidden_parties, hidden = draw_intelligence_networks(
            world, target.intelligence_networks, len(networks) + 1, objects)
        batches.append((hidden_offences, hidden_parties))
        networks += hidden
    counts = dict(target.offences)
    counts["single_perpetrator"] -= sum(
        int((b[0].intended == CATEGORIES.index("single_perpetrator")).sum()) for b in batches)
    batches += [draw_offences(world, p, draw_forces(world.rng, world.geo, counts[p.category]))
                for p in PATTERNS if counts[p.category]]
    offences, parties = combine(batches)
    return offences, parties, networks, objects


def generate(out: Path, *, scale: float = 1.0, years: int = 1, seed: int = 0,
             file_format: Literal["csv", "parquet"] = "csv", bad_share: float = 0.005,
             rates: Path | None = None, end_year: int = 2023,
             progress: Progress | None = None) -> SynthSummary:
    """Write a synthetic set of agency extracts to `out/extracts`, answers to `out/ground_truth`.

    Each English authority's referrals are also written as its CIN census return in
    `out/cin_census/<la_code>.xml`, for the census year that holds the extraction date (so
    the episodes of that year up to the extraction); `tessera.sources.cin_xml` reads them.

    Args:
        out: Folder to write into (created if need be); its extracts/ and cin_census/
            must be empty.
        scale: 1 is the national volume (about 115,000 offences a year); counts scale with it.
        years: Years of recorded offences, ending with `end_year`.
        seed: The same seed (and arguments) always gives the same files.
        file_format: "csv" or "parquet" (every column text).
        bad_share: Share of each file's rows given one deliberate fault (0 for a clean set,
            whose audit categories then equal the ground truth exactly).
        rates: CSV (dimension, code, weight, optional source) replacing the shares of
            ethnicity, sex, nationality, perpetrators' sex or perpetrators' age bands.
        end_year: Last year of the recording period.
        progress: Called with (step, fraction done) as the work proceeds.
    """
    _check(out, scale, years, bad_share, file_format)
    report: Progress = progress or (lambda step, done: None)
    report("drawing offences", 0.0)
    world = World(np.random.default_rng(seed), period(end_year, years), load_rates(rates),
                  name_book(), geography(), People())
    offences, parties, networks, objects = _offences(world, scale, years)
    parties, evidence = plant_evidence(world, offences, parties)
    members = np.concatenate([n.members for n in networks] or [np.empty(0, np.int64)])
    decoys = draw_decoys(world, offences, parties, members, objects, scale, years)
    report("drawing children known to agencies", 0.2)
    children = child_subjects(world, offences, parties, scale, years)
    make_identifiers_unique(world)
    report("recording people, statements and links", 0.3)
    police, party_record = police_records(world, offences, parties)
    category = categorise(offences, parties, party_record)
    is_online = online(offences)
    statements = party_statements(world, offences, parties)
    perpetrator = (parties.role == ROLE["suspect"]) | (parties.role == ROLE["offender"])
    suspects = np.unique(party_record[perpetrator & parties.identified])
    associations = concat_associations([
        network_associations(world, networks, offences, parties, party_record),
        background_associations(world, suspects, police.agency[suspects], objects, scale,
                                years),
        decoy_associations(world, decoys, parties, party_record),
        evidence_associations(world, evidence, offences, parties, party_record, objects)])
    referred = evidence.of_kind("victim_referral")
    agency_records, referrals, contacts = agency_extracts(
        world, children, (evidence.person[referred], evidence.day[referred]), REFERRAL_FACTORS)
    records = concat_records([police, agency_records])
    shift = len(police)
    referrals = replace(referrals, record=referrals.record + shift)
    contacts = replace(contacts, record=contacts.record + shift)
    age, age_missing = party_ages(world, offences, parties, police, party_record)

    report("building tables", 0.45)
    ids, serial = record_ids(world, records)
    refs, offence_serial = crime_refs(world, offences)
    party_rows, party_ids = offence_party_rows(world, offences, parties, refs, ids,
                                               party_record, age, age_missing)
    referral_table = referral_rows(world, referrals, records, ids)
    association_table = association_rows(world, associations, records, ids)
    entities = [
        person_record_rows(world, records, ids, serial),
        offence_rows(world, offences, refs, offence_serial),
        party_rows,
        party_demographics_rows(world, offences, parties, statements, party_ids),
        referral_table,
        contact_rows(world, contacts, records, ids),
        association_table,
    ]
    report("adding bad rows", 0.6)
    clean = {rows.entity.name: sort_rows(rows) for rows in entities}
    written = []
    bad_rows: list[tuple[str, int, str, str]] = []
    for data in clean.values():
        broken, bad = corrupt_sorted(world.rng, data, bad_share, file_format)
        written.append(broken)
        bad_rows.extend(bad)
    report("writing files", 0.7)
    out = Path(out)
    files = write_extracts(out / "extracts", written, file_format)
    report("writing CIN census returns", 0.85)
    census_year = collection_year_holding(date.fromisoformat(world.period.extracted_at[:10]))
    census_returns = write_census_returns(out / CENSUS, clean["person_record"],
                                          clean["referral"], census_year)
    mark_synthetic(out / "extracts")
    mark_synthetic(out / CENSUS)
    report("writing ground truth", 0.95)
    persons, person_agency, _ = truth_persons(world, records, ids, serial)
    truth, offence_agency, _ = truth_offences(world, offences, refs, offence_serial, category,
                                              is_online)
    order = np.lexsort((serial, person_agency))
    offence_order = np.lexsort((offence_serial, offence_agency))
    agency_codes = agencies().codes
    network_summary, network_members = network_tables(networks, offences, parties,
                                                      associations, records, world.geo.forces)
    write_ground_truth(out / "ground_truth", persons.take(order), truth.take(offence_order),
                       bad_rows, world.rates.table(), {
                           "networks": network_summary,
                           "network_members": network_members,
                           "decoys": decoy_table(decoys, agency_codes),
                           "look_again": look_again_table(
                               offences, parties, records, associations, referrals, evidence,
                               refs, association_table.table.column("source_record_id"),
                               referral_table.table.column("source_record_id"), agency_codes)})
    report("done", 1.0)
    return SynthSummary(
        extracts=out / "extracts", ground_truth=out / "ground_truth", census=out / CENSUS,
        files=files, census_returns=census_returns,
        rows={d.rows.entity.name: d.table.num_rows for d in written},
        offences=len(offences), bad_rows=len(bad_rows),
        categories={c: int((category == i).sum()) for i, c in enumerate(CATEGORIES)},
        online=int(is_online.sum()), networks=len(networks), decoys=len(decoys),
        look_again=len(np.unique(evidence.case)))
