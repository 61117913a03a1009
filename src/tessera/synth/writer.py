"""Writing extracts (one folder per agency) and the ground truth beside them.

Why this layout: `extracts/<kind>/<agency_code>/<entity>.csv` is what each agency would send,
so ingestion is pointed at `extracts/` alone; `ground_truth/` holds the answers (who each
record really is, each offence's category, which rows were broken on purpose) and must never
be ingested. `cin_census/<la_code>.xml` holds each English authority's DfE CIN census return
of the same social care episodes, outside `extracts/` so that ingesting `extracts/` does not
load those children twice.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
import pyarrow as pa
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

from tessera import __version__
from tessera.dataset import codelist
from tessera.dataset.manifest import MANIFEST_NAME, write_manifest
from tessera.synth.cin_census import write_cin_census
from tessera.synth.corruption import BadRow, choose_rows, corrupt
from tessera.synth.places import agencies
from tessera.synth.tables import EntityRows

FileFormat = Literal["csv", "parquet"]
KIND_ENTITIES: dict[str, tuple[str, ...]] = {
    "police": ("person_record", "offence", "offence_party", "party_demographics",
               "association"),
    "social_care": ("person_record", "referral"),
    "health": ("person_record", "contact"),
    "education": ("person_record", "contact"),
}
"""The files every agency of a kind sends (an empty one is a header only)."""
CSV_OPTIONS = pa_csv.WriteOptions(quoting_style="none", quoting_header="none")
"""No value the generator writes contains a comma, quote or line break, so no quoting; a value
that did would stop the write rather than produce a broken file."""
README = """# Ground truth: never ingest these files

These files describe the synthetic extracts in `../extracts/`; they are the answers that tests,
linkage evaluation and audit checks compare against. They are not agency data and must never
be loaded into the warehouse.

- `persons.csv`: for every person_record of every agency, the true person it describes
  (`true_person_id`) and whether that person is a child (under 18 on the extraction date).
  Records with the same true_person_id are the same person; siblings and twins are not.
- `offences.csv`: every offence with the category the national audit's rules give on the clean
  data (single_perpetrator, intra_familial, institutional, group_based_cse, other_multiple),
  whether it is online, and the network it belongs to (empty if none).
- `bad_rows.csv`: every row made invalid on purpose: the file (relative to `extracts/`), the
  1-based data row (header excluded), the field and the rule it breaks. A loader that rejects
  a bad row will also reject rows that refer to it (an offence party of a rejected offence, a
  statement about a rejected party) under its `reference` rule; those follow from the listed
  faults and are not listed themselves.
- `rates.csv`: every share people were drawn at (dimension, code, probability) and its source,
  so a figure the audit finds can be traced to what the generator was told.
- `networks.csv`: every network (network_id as in offences.csv), its kind (`co_offending`:
  members offend together, the audit's group-based CSE; `intelligence_only`: members never
  share an offence, each offence single-perpetrator, tied only by shared victims and
  intelligence), the forces recording its offences (';'-separated), cross_force, the first
  and last day committed, and its named members, victims and offences.
- `network_members.csv`: network_id, true_person_id, role (member or victim), the forces where
  they have records in it, and a member's ties to the others (';'-separated: co_offending,
  shared_victim, associate, phone_contact, family, online_contact, shared_phone,
  shared_vehicle, shared_address, shared_online_account).
- `decoys.csv`: suspects who share an address (and a household its phone) innocently and
  must not be found as a network: decoy_id, kind (household or shared_accommodation),
  true_person_id, agency_code, object_kind, object_value; one row per person and object.
- `look_again.csv`: every closed case Operation Beaconport would select (group-based CSE: CSE
  flag or code 71; no further action, outcome 9, 10, 14, 15, 16 or 21, dated 2010-01-01 to
  2025-03-31; two or more suspects)
  that later data gives new evidence, one row per item: the case (agency_code, crime_ref,
  outcome_type, outcome_date), evidence (later_offence, later_intelligence, new_object,
  victim_referral), the suspect or victim it is about (true_person_id), evidence_date, and
  where it is (evidence_agency, evidence_record: a crime_ref or a source_record_id);
  planted is true where the generator put it there on purpose.
"""


@dataclass(frozen=True)
class Sorted:
    """An entity's rows in file order, with where each agency's file starts and ends."""

    rows: EntityRows
    table: pa.Table
    agency: np.ndarray
    starts: np.ndarray
    sizes: np.ndarray


def sort_rows(rows: EntityRows) -> Sorted:
    """Rows grouped by agency (in agency order), each agency's rows by their order key."""
    order = np.lexsort((rows.order, rows.agency))
    agency = rows.agency[order]
    sizes = np.bincount(agency, minlength=len(agencies().codes))
    starts = np.cumsum(sizes) - sizes
    return Sorted(rows, rows.table.take(pa.array(order)), agency, starts, sizes)


def file_name(agency: int, entity: str, file_format: FileFormat) -> str:
    """Path of an agency's file for `entity`, relative to extracts/."""
    registry = agencies()
    return f"{registry.kinds[agency]}/{registry.codes[agency]}/{entity}.{file_format}"


def corrupt_sorted(rng: np.random.Generator, data: Sorted, share: float,
                   file_format: FileFormat) -> tuple[Sorted, list[tuple[str, int, str, str]]]:
    """Break about `share` of each file's rows; returns the table and (file, row, field,
    rule) of every fault."""
    if share <= 0:
        return data, []
    rows = choose_rows(rng, data.starts, data.sizes, share)
    table, bad = corrupt(rng, data.rows.entity, data.table, rows)
    return (Sorted(data.rows, table, data.agency, data.starts, data.sizes),
            [_located(data, b, file_format) for b in bad])


def _located(data: Sorted, bad: BadRow, file_format: FileFormat) -> tuple[str, int, str, str]:
    agency = int(data.agency[bad.row])
    return (file_name(agency, data.rows.entity.name, file_format),
            bad.row - int(data.starts[agency]) + 1, bad.field, bad.rule)


def write_table(table: pa.Table, path: Path, file_format: FileFormat) -> None:
    """One file, all columns as text."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if file_format == "csv":
        pa_csv.write_csv(table, path, CSV_OPTIONS)
    else:
        pq.write_table(table, path)


def write_extracts(extracts: Path, entities: Iterable[Sorted], file_format: FileFormat) -> int:
    """Write every agency's files; returns how many files were written."""
    entities = list(entities)
    registry = agencies()
    active = np.zeros(len(registry.codes), dtype=bool)
    for data in entities:
        active |= data.sizes > 0
    by_name = {d.rows.entity.name: d for d in entities}
    files = 0
    for agency in np.flatnonzero(active):
        for name in KIND_ENTITIES[registry.kinds[agency]]:
            write_table(_agency_rows(by_name[name], int(agency)),
                        extracts / file_name(int(agency), name, file_format), file_format)
            files += 1
    return files


def write_census_returns(folder: Path, people: Sorted, referrals: Sorted,
                         collection_year: int) -> int:
    """Write one CIN census return per English authority with referrals; returns how many.

    Why English only: the CIN census is the DfE's collection from authorities in England;
    Welsh authorities report to the Welsh Government in another form, so they keep only their
    core extracts. `people` and `referrals` should be the rows before any were made invalid:
    a census return is a separate, validated submission, not a copy of the broken extract.
    """
    registry = agencies()
    la_numbers = codelist("local_authorities").column("la_number")
    written = 0
    for agency in map(int, np.flatnonzero(referrals.sizes)):
        code = registry.codes[agency]
        if registry.kinds[agency] != "social_care" or not code.startswith("E"):
            continue
        write_cin_census(_agency_rows(people, agency), _agency_rows(referrals, agency),
                         la_numbers[code], folder / f"{code}.xml", collection_year)
        written += 1
    return written


def _agency_rows(data: Sorted, agency: int) -> pa.Table:
    return data.table.slice(int(data.starts[agency]), int(data.sizes[agency]))


def mark_synthetic(folder: Path) -> None:
    """List every file under `folder` in its synthetic-data manifest, so that `tessera ingest`
    records them as made by tessera synth (`tessera.dataset.manifest`)."""
    if folder.is_dir():
        write_manifest(folder, (p for p in folder.rglob("*")
                                if p.is_file() and p.name != MANIFEST_NAME),
                       version=__version__)


def write_ground_truth(folder: Path, persons: pa.Table, offences: pa.Table,
                       bad_rows: list[tuple[str, int, str, str]],
                       rates: list[tuple[str, str, float, str]],
                       planted: dict[str, pa.Table]) -> None:
    """persons.csv, offences.csv, bad_rows.csv, rates.csv, the planted structures' tables
    (`planted`, by file name without .csv) and a README saying never to ingest them."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, table in planted.items():
        write_table(table, folder / f"{name}.csv", "csv")
    write_table(persons, folder / "persons.csv", "csv")
    write_table(offences, folder / "offences.csv", "csv")
    bad_rows = sorted(bad_rows)
    write_table(pa.table({
        "file": pa.array([b[0] for b in bad_rows], type=pa.string()),
        "row": pa.array([b[1] for b in bad_rows], type=pa.int64()),
        "field": pa.array([b[2] for b in bad_rows], type=pa.string()),
        "rule": pa.array([b[3] for b in bad_rows], type=pa.string()),
    }), folder / "bad_rows.csv", "csv")
    with (folder / "rates.csv").open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)  # sources hold commas, which the extracts' writer refuses
        writer.writerow(("dimension", "code", "probability", "source"))
        writer.writerows(rates)
    (folder / "README.md").write_text(README, encoding="utf-8")
