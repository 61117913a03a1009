"""Write a local authority's synthetic social care rows as a DfE CIN census XML return.

Why: Tessera reads CIN census returns (`tessera.sources.cin_xml`), and the returns used to
test it must be ones the DfE validator would accept, or a test could pass on a file no
authority could send. The core referral row carries less than the census (no assessment,
conference or review dates), so those are derived from the row's own dates, and only
episodes the census year can hold are written: `census_rows` says which, so a round trip can
compare like with like. Each child is written as soon as it is built, so a large authority's
return never sits in memory whole.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import TypeAlias
from xml.sax.saxutils import escape

import pyarrow as pa

from tessera.dataset import codelist

Rows: TypeAlias = "list[dict[str, str]] | pa.Table"
Row: TypeAlias = dict[str, str]

ASSESSMENT_START_DAYS = 2
ASSESSMENT_LENGTH_DAYS = 21
"""Well inside the 45 working days the DfE queries (8670Q)."""
FIRST_REVIEW_DAYS = 90
REVIEW_INTERVAL_DAYS = 182
SCHOOL_AGE = 6
"""Children born on or before 31 August this many years before the 31 August after the
reference date are of school age (how 8770Q reckons it from 2024-25): without a UPN they
need a reason other than UN1."""
EPISODE_DATES = ("section47_date", "cpp_start_date", "cpp_end_date", "closure_date")
"""Dates that must not be after the reference date for an episode to be written."""
SATURDAY = 5
NO_FACTORS = "21"
ASSESSMENT_CLOSURES = ("RC8", "RC9")
"""Closure reasons meaning 'closed after assessment': they need a completed assessment."""
DIED = "RC2"
"""Closure reason 'child died': the return must then give a date of death (8585Q)."""
ONS_WITHOUT_CIN_CODE = {"18": "OOTH"}
"""ONS 2021 'Arab' has no CIN code of its own; the census counts it as any other group."""
INDENT = "  "


def census_rows(person_rows: Rows, referral_rows: Rows, collection_year: int = 2024
                ) -> tuple[list[Row], list[Row]]:
    """The people and referrals a return for `collection_year` carries, as written.

    An episode is written when it was referred within the census year (1 April to 31 March)
    and none of its dates is after the reference date, so its assessment, section 47 and plan
    dates fall in the year as the DfE rules require. Episodes the rules would reject for
    reasons the synthetic data does not model are left out: a conference (plan start) at a
    weekend (8875), "21 no factors" on an episode not closed RC8/RC9 (8873Q), a section
    47 or plan on one closed RC8/RC9 (2990), a section 47 with no assessment (2991Q), or a
    closure as died (RC2), which needs a date of death the core dataset does not hold
    (8585Q). A child is written when they have a date of birth (8525Q) and an episode. An
    episode with no factors closed RC8/RC9 needs a completed assessment (8825Q), so it is
    given factor 21.
    """
    start, reference = _census_period(collection_year)
    people = [p for p in _as_rows(person_rows) if p.get("date_of_birth")]
    by_person: dict[str, list[Row]] = {}
    for row in _as_rows(referral_rows):
        if _writable(row, start, reference):
            by_person.setdefault(row["person_record_id"], []).append(_as_written(row))
    kept = [p for p in people if p["source_record_id"] in by_person]
    episodes = [r for p in kept for r in _in_sequence(by_person[p["source_record_id"]])]
    return kept, episodes


def _in_sequence(rows: list[Row]) -> list[Row]:
    """A child's episodes in date order, leaving out any that overlap an earlier one.

    The census allows one episode at a time (8815, 8816, 8820); synthetic referrals can
    overlap.
    """
    chosen: list[Row] = []
    for row in sorted(rows, key=lambda r: r["referral_date"]):
        if not chosen or (chosen[-1].get("closure_date") or "9999") < row["referral_date"]:
            chosen.append(row)
    return chosen


def _writable(row: Row, start: date, reference: date) -> bool:
    referred = _date(row.get("referral_date"))
    if referred is None or not start <= referred <= reference:
        return False
    if any(d > reference for d in map(_date, (row.get(f) for f in EPISODE_DATES)) if d):
        return False
    plan_start = _date(row.get("cpp_start_date"))
    if plan_start is not None and plan_start.weekday() >= SATURDAY:
        return False
    if row.get("section47_date") and not row.get("assessment_factors"):
        return False  # an enquiry needs an assessment on its episode (2991Q)
    if row.get("closure_reason") == DIED:
        return False
    if row.get("closure_reason") in ASSESSMENT_CLOSURES:
        return not (row.get("section47_date") or row.get("cpp_start_date"))
    return row.get("assessment_factors") != NO_FACTORS


def _as_written(row: Row) -> Row:
    if not row.get("assessment_factors") and row.get("closure_reason") in ASSESSMENT_CLOSURES:
        return row | {"assessment_factors": NO_FACTORS}
    return row


def write_cin_census(person_rows: Rows, referral_rows: Rows, la_number: str, path: Path,
                     collection_year: int = 2024) -> Path:
    """Write the CIN census return of one authority (LEA `la_number`) to `path`.

    Args:
        person_rows: The authority's person_record rows (core dataset, text values).
        referral_rows: Its referral rows; only those `census_rows` keeps are written.
        la_number: The DfE three-digit LA number for the Header's LEA.
        path: Where to write the XML.
        collection_year: The census year, named by its reference date's year (31 March).

    Returns:
        `path`, so the generator can list what it wrote.
    """
    people, episodes = census_rows(person_rows, referral_rows, collection_year)
    reference = _census_period(collection_year)[1]
    extracted = next((p["extracted_at"] for p in people if p.get("extracted_at")),
                     f"{reference.isoformat()}T00:00:00")
    by_person: dict[str, list[Row]] = {}
    for episode in episodes:
        by_person.setdefault(episode["person_record_id"], []).append(episode)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as stream:
        stream.write("<?xml version='1.0' encoding='utf-8'?>\n<Message>\n")
        stream.writelines(_xml_lines(_header(la_number, collection_year, reference,
                                             extracted), level=1))
        stream.write(f"{INDENT}<Children>\n")
        for person in people:
            child = _child(person, by_person[person["source_record_id"]], reference)
            stream.writelines(_xml_lines(child, level=2))
        stream.write(f"{INDENT}</Children>\n</Message>\n")
    return path


def collection_year_holding(day: date) -> int:
    """The census year (named by its 31 March reference date) whose period holds `day`."""
    later = day.year + 1
    return later if day >= _census_period(later)[0] else day.year


def ons_to_cin_ethnicity() -> dict[str, str]:
    """ONS 2021 ethnicity codes to CIN codes: the reverse of the reader's code list."""
    mapping = {ons: cin for cin, ons in codelist("ethnicity_cin").column("maps_to").items()}
    return mapping | ONS_WITHOUT_CIN_CODE


def _census_period(collection_year: int) -> tuple[date, date]:
    return date(collection_year - 1, 4, 1), date(collection_year, 3, 31)


def _as_rows(rows: Rows) -> list[Row]:
    if isinstance(rows, pa.Table):
        return [{k: v for k, v in row.items() if v is not None} for row in rows.to_pylist()]
    return [{k: v for k, v in row.items() if v not in (None, "")} for row in rows]


def _date(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def _add(parent: ET.Element, **items: str | None) -> None:
    """Append one child element per item that has a value, in the order given."""
    for tag, value in items.items():
        if value is not None:
            ET.SubElement(parent, tag).text = value


def _xml_lines(element: ET.Element, level: int) -> Iterator[str]:
    """An element as indented lines: a leaf on one line, a parent around its children.

    Why not `ET.indent` and `ET.tostring`: they take half as long again per element (namespace
    bookkeeping a census return has no use for), and a national set writes over half a
    million elements. Census elements have no attributes and text only on leaves, which is
    all this serialises; the output is the same as ElementTree's.
    """
    pad = INDENT * level
    if not len(element):
        yield f"{pad}<{element.tag}>{escape(element.text or '')}</{element.tag}>\n"
        return
    yield f"{pad}<{element.tag}>\n"
    for child in element:
        yield from _xml_lines(child, level + 1)
    yield f"{pad}</{element.tag}>\n"


def _header(la_number: str, collection_year: int, reference: date, extracted: str
            ) -> ET.Element:
    header = ET.Element("Header")
    _add(ET.SubElement(header, "CollectionDetails"), Collection="CIN",
         Year=str(collection_year), ReferenceDate=reference.isoformat())
    _add(ET.SubElement(header, "Source"), SourceLevel="L", LEA=la_number,
         SoftwareCode="Tessera synthetic", Release="1", SerialNo="1", DateTime=extracted)
    return header


def _child(person: Row, episodes: list[Row], reference: date) -> ET.Element:
    child = ET.Element("Child")
    _add_identifiers(child, person, reference)
    _add_characteristics(child, person)
    for episode in episodes:
        _add_episode(child, episode, reference)
    return child


def _add_identifiers(child: ET.Element, person: Row, reference: date) -> None:
    born = _date(person.get("date_of_birth"))
    unborn = born is not None and born > reference
    identifiers = ET.SubElement(child, "ChildIdentifiers")
    upn = person.get("upn")
    unknown = None
    if not upn:
        # UN1 is only for children not yet of school age (8770Q); UN5 says the UPN is late.
        young = born is None or born > date(reference.year - SCHOOL_AGE, 8, 31)
        unknown = "UN1" if young else "UN5"
    _add(identifiers, LAchildID=person.get("la_child_id") or person["source_record_id"],
         UPN=upn, UPNunknown=unknown,
         PersonBirthDate=None if unborn else person.get("date_of_birth"),
         ExpectedPersonBirthDate=person.get("date_of_birth") if unborn else None,
         Sex="U" if unborn else person.get("sex", "U"))


def _add_characteristics(child: ET.Element, person: Row) -> None:
    traits = ET.SubElement(child, "ChildCharacteristics")
    ethnicity = person.get("ethnicity")
    _add(traits, Ethnicity=ons_to_cin_ethnicity().get(ethnicity, "NOBT") if ethnicity
         else "NOBT")
    # The core dataset says only whether there is a disability, not which: DDA is the
    # census's catch-all code.
    disability = "DDA" if person.get("disability") == "true" else "NONE"
    _add(ET.SubElement(traits, "Disabilities"), Disability=disability)


def _add_episode(child: ET.Element, episode: Row, reference: date) -> None:
    details = ET.SubElement(child, "CINdetails")
    referred = _date(episode["referral_date"])
    assert referred is not None  # census_rows keeps dated referrals only
    closed = _date(episode.get("closure_date"))
    plan_start = episode.get("cpp_start_date")
    _add(details, CINreferralDate=episode["referral_date"],
         ReferralSource=episode.get("referral_source"),
         PrimaryNeedCode=episode.get("primary_need"),
         CINclosureDate=episode.get("closure_date"),
         ReasonForClosure=episode.get("closure_reason"), ReferralNFA="0")
    factors = [f for f in (episode.get("assessment_factors") or "").split(";") if f]
    if factors:
        # A completed assessment must list factors (8897Q); the core row has an assessment
        # exactly when it has factors.
        _add_assessment(details, factors, referred, min(closed or reference, reference))
    if episode.get("section47_date"):
        enquiry = ET.SubElement(details, "Section47")
        _add(enquiry, S47ActualStartDate=episode["section47_date"],
             DateOfInitialCPC=plan_start, ICPCnotRequired="0" if plan_start else "1")
    if plan_start:
        _add_plan(details, episode, reference)


def _add_assessment(details: ET.Element, factors: list[str], referred: date, last: date
                    ) -> None:
    assessment = ET.SubElement(details, "Assessments")
    started = min(referred + timedelta(days=ASSESSMENT_START_DAYS), last)
    authorised = min(started + timedelta(days=ASSESSMENT_LENGTH_DAYS), last)
    _add(assessment, AssessmentActualStartDate=started.isoformat(),
         AssessmentAuthorisationDate=authorised.isoformat())
    listed = ET.SubElement(assessment, "FactorsIdentifiedAtAssessment")
    for factor in factors:
        _add(listed, AssessmentFactors=factor)


def _add_plan(details: ET.Element, episode: Row, reference: date) -> None:
    plan = ET.SubElement(details, "ChildProtectionPlans")
    _add(plan, CPPstartDate=episode["cpp_start_date"], CPPendDate=episode.get("cpp_end_date"),
         InitialCategoryOfAbuse=episode.get("cpp_category"),
         LatestCategoryOfAbuse=episode.get("cpp_category"), NumberOfPreviousCPP="0")
    started = _date(episode["cpp_start_date"])
    assert started is not None
    ended = _date(episode.get("cpp_end_date")) or reference
    review = started + timedelta(days=FIRST_REVIEW_DAYS)
    while review < min(ended, reference):
        # Only the first CPPreviewDate of a <Reviews> is read, so each date gets its own.
        _add(ET.SubElement(plan, "Reviews"), CPPreviewDate=review.isoformat())
        review += timedelta(days=REVIEW_INTERVAL_DAYS)
