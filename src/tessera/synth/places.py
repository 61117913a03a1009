"""Forces, local authorities, health agencies, postcodes and LSOAs: where things happen.

Why by force population: the audit compares forces by rate per head, so offences are spread in
proportion to each force area's population (BTP, with none, gets a small fixed share), and every
agency folder and postcode belongs to the area its people live in.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources

import numpy as np

from tessera.dataset import codelist
from tessera.synth.calibration import BTP_SHARE

AGENCY_KINDS = ("police", "social_care", "health", "education")
"""Folder names under extracts/, one per kind of agency."""

POSTCODE_LETTERS = np.array(list("ABDEFGHJLNPQRSTUWXYZ"))
"""Letters used in the inward code of a postcode (never C, I, K, M, O or V)."""


@dataclass(frozen=True)
class Geography:
    """Forces and local authorities with what the generator needs to draw places."""

    forces: tuple[str, ...]
    force_share: np.ndarray
    """Share of offences recorded by each force."""
    force_wales: np.ndarray
    las: tuple[str, ...]
    la_force: np.ndarray
    la_number: np.ndarray
    """DfE three-digit LA number (the UPN's characters 2-4)."""
    la_sorted: np.ndarray
    """LA indices sorted by force, so a force's LAs are one slice."""
    la_start: np.ndarray
    la_count: np.ndarray
    area_codes: np.ndarray
    """Every postcode area, flattened; a force's areas are one slice."""
    area_start: np.ndarray
    area_count: np.ndarray

    @property
    def btp(self) -> int:
        """Index of British Transport Police, which has no area of its own."""
        return self.forces.index("btp")


@cache
def geography() -> Geography:
    """Forces and LAs from the code lists, postcode areas from `postcode_areas.csv`."""
    forces_list = codelist("police_forces")
    forces = forces_list.codes
    population = np.array([float(forces_list.column("population")[f] or 0) for f in forces])
    share = population / population.sum() * (1 - BTP_SHARE)
    share[forces.index("btp")] = BTP_SHARE
    wales = np.array([forces_list.column("country")[f] == "Wales" for f in forces])
    las = codelist("local_authorities")
    la_codes = las.codes
    la_force = np.array([forces.index(las.column("force_code")[c]) for c in la_codes])
    la_number = np.array([int(las.column("la_number")[c]) for c in la_codes])
    la_sorted = np.argsort(la_force, kind="stable")
    la_count = np.bincount(la_force, minlength=len(forces))
    la_start = np.concatenate([[0], np.cumsum(la_count)[:-1]])
    path = resources.files("tessera.synth") / "postcode_areas.csv"
    rows = csv.DictReader(path.read_text(encoding="utf-8").splitlines())
    areas = {row["force_code"]: row["areas"].split(";") for row in rows}
    every_area = sorted({a for v in areas.values() for a in v})
    per_force = [areas.get(f, every_area) for f in forces]
    area_count = np.array([len(a) for a in per_force])
    area_start = np.concatenate([[0], np.cumsum(area_count)[:-1]])
    return Geography(
        forces=forces, force_share=share, force_wales=wales, las=la_codes, la_force=la_force,
        la_number=la_number, la_sorted=la_sorted, la_start=la_start, la_count=la_count,
        area_codes=np.array([a for areas_ in per_force for a in areas_]),
        area_start=area_start, area_count=area_count)


def _pick(rng: np.random.Generator, start: np.ndarray, count: np.ndarray) -> np.ndarray:
    return np.asarray(start + np.floor(rng.random(len(start)) * count).astype(np.int64))


def draw_forces(rng: np.random.Generator, geo: Geography, n: int) -> np.ndarray:
    """`n` recording forces in proportion to force population (BTP its fixed share)."""
    return rng.choice(len(geo.forces), size=n, p=geo.force_share).astype(np.int16)


def draw_las(rng: np.random.Generator, geo: Geography, force: np.ndarray) -> np.ndarray:
    """A home local authority in each force area; anywhere in the country for BTP."""
    force = np.asarray(force)
    national = geo.la_count[force] == 0
    start = np.where(national, 0, geo.la_start[force])
    count = np.where(national, len(geo.las), geo.la_count[force])
    slot = _pick(rng, start, count)
    return np.where(national, slot, geo.la_sorted[np.minimum(slot, len(geo.las) - 1)]
                    ).astype(np.int16)


def draw_postcodes(rng: np.random.Generator, geo: Geography, force: np.ndarray) -> np.ndarray:
    """Plausible postcodes ('LS6 1AB') in the postcode areas of each row's force."""
    force = np.asarray(force)
    n = len(force)
    area = geo.area_codes[_pick(rng, geo.area_start[force], geo.area_count[force])]
    district = rng.integers(1, 30, size=n).astype("U2")
    sector = rng.integers(0, 10, size=n).astype("U1")
    unit = np.char.add(POSTCODE_LETTERS[rng.integers(0, len(POSTCODE_LETTERS), n)],
                       POSTCODE_LETTERS[rng.integers(0, len(POSTCODE_LETTERS), n)])
    outward = np.char.add(area, district)
    return np.char.add(np.char.add(outward, " "), np.char.add(sector, unit)).astype(object)


def draw_lsoas(rng: np.random.Generator, geo: Geography, force: np.ndarray) -> np.ndarray:
    """LSOA codes (E01xxxxxx in England, W01xxxxxx in Wales) for offence locations."""
    force = np.asarray(force)
    wales = geo.force_wales[force]
    number = np.where(wales, rng.integers(1, 1_910, len(force)),
                      rng.integers(1, 33_760, len(force)))
    prefix = np.where(wales, "W01", "E01")
    return np.char.add(prefix, np.char.zfill(number.astype("U6"), 6)).astype(object)


@dataclass(frozen=True)
class Agencies:
    """Every agency that sends extracts: its code (the folder name) and kind.

    Index order: police forces, then social care (one per LA), health (one per territorial
    force area, 'nhs-<force>'), education (one per LA). Social care and education of one LA
    share its ONS code as agency_code, as the brief's folder layout asks; their record ids
    never collide because each kind has its own id prefix.
    """

    codes: tuple[str, ...]
    kinds: tuple[str, ...]
    n_forces: int
    n_las: int

    def police(self, force: np.ndarray) -> np.ndarray:
        """Agency index of each force."""
        return np.asarray(force, dtype=np.int32)

    def social_care(self, la: np.ndarray) -> np.ndarray:
        """Agency index of each LA's children's social care."""
        return self.n_forces + np.asarray(la, dtype=np.int32)

    def health(self, force: np.ndarray) -> np.ndarray:
        """Agency index of the health agency of each (territorial) force area."""
        return self.n_forces + self.n_las + np.asarray(force, dtype=np.int32)

    def education(self, la: np.ndarray) -> np.ndarray:
        """Agency index of each LA's education service."""
        return 2 * self.n_forces + self.n_las + np.asarray(la, dtype=np.int32)


@cache
def agencies() -> Agencies:
    """All agencies; the BTP slot in the health block is never used (BTP has no area)."""
    geo = geography()
    codes = (*geo.forces, *geo.las, *(f"nhs-{f}" for f in geo.forces), *geo.las)
    kinds = (("police",) * len(geo.forces) + ("social_care",) * len(geo.las)
             + ("health",) * len(geo.forces) + ("education",) * len(geo.las))
    return Agencies(codes=codes, kinds=kinds, n_forces=len(geo.forces), n_las=len(geo.las))
