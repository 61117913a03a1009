"""Where the warehouse's data came from, as every release must say it: one sentence, from the
batch record.

Why from the record and never a template: a report that says "synthetic data" because its
template always did would say so over real children's records too. `tessera ingest` records
each file's provenance in `ops.files` (made by `tessera synth`, told by the generator's
manifest, or supplied by an agency); `release_provenance` sums it up for a release, and every
banner, note and workbook prints its `sentence`. Files loaded before provenance was recorded
count as supplied: nothing shows they were synthetic, and claiming so would be the dangerous
mistake.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from tessera.warehouse.engine import Engine

ProvenanceKind = Literal["synthetic", "supplied", "mixed", "empty"]

SENTENCES: dict[ProvenanceKind, str] = {
    "synthetic": "Synthetic data made by tessera synth: no figure here describes real people.",
    "supplied": "Data supplied by agencies: figures describe real people; only the "
                "disclosure-controlled edition may be published.",
    "mixed": "Includes data supplied by agencies as well as synthetic data made by tessera "
             "synth: figures may describe real people; only the disclosure-controlled edition "
             "may be published.",
    "empty": "No data has been loaded into the warehouse.",
}

FILES_BY_ORIGIN_SQL = (
    "SELECT coalesce(provenance, 'unrecorded') AS origin, count(DISTINCT sha256) AS files "
    "FROM ops.files GROUP BY ALL")
"""Distinct files by recorded origin (a CIN return is recorded once per entity it holds)."""


@dataclass(frozen=True)
class Provenance:
    """How many of the loaded files `tessera synth` made, agencies supplied, or nobody
    recorded (loaded before provenance was recorded)."""

    synthetic_files: int
    supplied_files: int
    unrecorded_files: int = 0

    @property
    def kind(self) -> ProvenanceKind:
        """Synthetic only when every file loaded is known to be made by tessera synth."""
        supplied = self.supplied_files + self.unrecorded_files
        if self.synthetic_files and supplied:
            return "mixed"
        if supplied:
            return "supplied"
        return "synthetic" if self.synthetic_files else "empty"

    @property
    def is_synthetic(self) -> bool:
        """Whether every figure comes from data made by tessera synth."""
        return self.kind == "synthetic"

    @property
    def sentence(self) -> str:
        """What a banner, note or workbook cover says about the data behind the figures."""
        if not self.unrecorded_files:
            return SENTENCES[self.kind]
        files = "file was" if self.unrecorded_files == 1 else "files were"
        return (f"{SENTENCES[self.kind]} {self.unrecorded_files:,} {files} loaded before "
                "Tessera recorded provenance and counted as supplied.")


def release_provenance(engine: Engine) -> Provenance:
    """The provenance of everything loaded into the warehouse behind `engine`.

    Reads `ops.files` only, so it works on a read-only warehouse; one made before
    provenance was recorded (no column yet) has every file unrecorded.
    """
    if not engine.table_exists("ops", "files"):
        return Provenance(0, 0)
    recorded = bool(engine.scalar(
        "SELECT count(*) FROM information_schema.columns WHERE table_schema = 'ops' "
        "AND table_name = 'files' AND column_name = 'provenance'"))
    if not recorded:
        return Provenance(0, 0, int(engine.scalar(
            "SELECT count(DISTINCT sha256) FROM ops.files")))
    files = {row["origin"]: int(row["files"]) for row in engine.rows(FILES_BY_ORIGIN_SQL)}
    return Provenance(files.get("synth", 0), files.get("supplied", 0),
                      files.get("unrecorded", 0))
