"""Read a DfE Children in Need census XML return into person_record and referral extracts.

Why a reader of its own: most local authorities can produce the CIN census return they already
send the DfE far more easily than a bespoke core-dataset extract, so Tessera accepts the return
as it is and maps it onto the core dataset here. A large authority's return holds tens of
thousands of children, so it is parsed as a stream (`iterparse`) and each <Child> is dropped
once mapped. The result has the same shape as `core_files.read_extract`: all-text Arrow tables
with the entity's columns in order and `_row`: the 1-based position of the <Child> the row
comes from (in <Children>), for a child's episodes too, so a rejection points a data manager
at the child to correct.

Both census formats load: sex as `Sex` (M, F, U; 2024-25 on) or `GenderCurrent` (0, 1, 2, 9;
up to 2023-24). The core dataset keeps one child protection plan and one section 47 enquiry
per episode, so an episode's several plans become the first start, the last end (none while
any plan is open) and their category (MUL when they differ), and its earliest enquiry counts.
"""

from __future__ import annotations

import hashlib
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pyarrow as pa

from tessera.dataset import Entity, codelist, entity
from tessera.errors import UnreadableFileError
from tessera.sources.core_files import ROW_COLUMN, Extract

PERSON_RECORD = entity("person_record")
REFERRAL = entity("referral")
CIN_ENTITIES = (PERSON_RECORD, REFERRAL)
"""What a CIN census return holds, in the order `read_cin_census` returns them."""
GENDER_TO_SEX = {"1": "M", "2": "F", "0": "U", "9": "U"}
"""CIN GenderCurrent (returns up to 2023-24) to the core dataset's sex codes."""
SEVERAL_CATEGORIES = "MUL"
"""The census's own code for abuse of more than one category."""

Row = dict[str, str | None]


@cache
def cin_ethnicity_to_ons() -> dict[str, str]:
    """CIN census ethnicity codes mapped to ONS 2021 codes (the ethnicity_cin code list)."""
    return codelist("ethnicity_cin").column("maps_to")


@dataclass(frozen=True)
class ReturnSource:
    """What every row of one return shares, taken from its Header."""

    agency_code: str
    la_code: str
    extracted_at: str | None


def read_cin_census(path: Path, agency_code: str | None = None) -> tuple[Extract, Extract]:
    """Read one CIN census return into (person_record, referral) extracts.

    Args:
        path: The XML return (root <Message>, no namespace, as the DfE validator expects).
        agency_code: Who sent it; by default the authority's ONS code, found from the
            Header's LEA number so a return needs no side information.

    Raises:
        UnreadableFileError: the file is not well-formed XML, is not a CIN return, has no
            Header, or names an LEA number that is not an English local authority.
    """
    people: list[Row] = []
    referrals: list[Row] = []
    episode_children: list[int] = []
    header: dict[str, str] = {}
    try:
        for position, child in enumerate(_children(path, header), start=1):
            if position == 1:
                source = _return_source(path, header, agency_code)
            person, episodes = _map_child(child, source)
            people.append(person)
            referrals.extend(episodes)
            episode_children.extend([position] * len(episodes))
    except ET.ParseError as exc:
        raise UnreadableFileError(f"{path}: not well-formed XML ({exc})") from exc
    if not people:  # the header is still checked for a return with no children
        _return_source(path, header, agency_code)
    digest = _sha256(path)
    return (Extract(path, PERSON_RECORD,
                    _table(PERSON_RECORD, people, list(range(1, len(people) + 1))), digest),
            Extract(path, REFERRAL, _table(REFERRAL, referrals, episode_children), digest))


def _sha256(path: Path) -> str:
    hasher = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            hasher.update(block)
    return hasher.hexdigest()


def _return_source(path: Path, header: dict[str, str], agency_code: str | None
                   ) -> ReturnSource:
    """The return's authority and extraction time, refusing a return without a Header.

    A return with no DateTime is taken as made on its ReferenceDate (the census day): the
    earliest it can have been made, and no census date but an expected birth is after it.
    """
    if not header:
        raise UnreadableFileError(
            f"{path}: no <Header> (CollectionDetails and Source) before <Children>; "
            "not a complete CIN census return")
    la_code = _la_code(path, header.get("LEA", ""))
    reference = header.get("ReferenceDate")
    return ReturnSource(agency_code or la_code, la_code,
                        header.get("DateTime") or (f"{reference}T00:00:00" if reference
                                                   else None))


def _children(path: Path, header: dict[str, str]) -> Iterator[ET.Element]:
    """Yield each <Child> as it completes, filling `header` first; clear children after use.

    The header precedes the children in a valid return, so it is complete by the time the
    first child is yielded.
    """
    depth = 0
    root: ET.Element | None = None
    children: ET.Element | None = None
    for event, element in ET.iterparse(path, events=("start", "end")):
        if event == "start":
            if root is None:
                root = element
                if element.tag != "Message":
                    raise UnreadableFileError(
                        f"{path}: not a CIN census return (root element is {element.tag!r}, "
                        "expected 'Message' with no namespace)")
            if element.tag == "Children" and depth == 1:
                children = element
            depth += 1
            continue
        depth -= 1
        if element.tag == "Header" and depth == 1:
            for part in ("CollectionDetails", "Source"):
                for item in element.findall(part + "/*"):
                    header[item.tag] = (item.text or "").strip()
        elif element.tag == "Child" and depth == 2:
            yield element
            # Drop the child from <Children> as well as clearing it, so memory stays flat.
            element.clear()
            if children is not None:
                children.remove(element)


@cache
def _la_codes_by_number() -> dict[str, str]:
    return {number: code for code, number in
            codelist("local_authorities").column("la_number").items() if number}


def _la_code(path: Path, lea: str) -> str:
    code = _la_codes_by_number().get(lea)
    if code is None:
        raise UnreadableFileError(
            f"{path}: the Header's LEA {lea!r} is not a known local authority number")
    return code


def _text(element: ET.Element | None, path: str) -> str | None:
    if element is None:
        return None
    found = element.find(path)
    if found is None or found.text is None or not found.text.strip():
        return None
    return found.text.strip()


def _map_child(child: ET.Element, source: ReturnSource) -> tuple[Row, list[Row]]:
    ids = child.find("ChildIdentifiers")
    traits = child.find("ChildCharacteristics")
    child_id = _text(ids, "LAchildID")
    gender = _text(ids, "GenderCurrent")
    ethnicity = _text(traits, "Ethnicity")
    disabilities = [d.text.strip() for d in child.iterfind(
        "ChildCharacteristics/Disabilities/Disability") if d.text and d.text.strip()]
    person: Row = {
        "agency_code": source.agency_code, "source_record_id": child_id,
        "extracted_at": source.extracted_at,
        "date_of_birth": _text(ids, "PersonBirthDate") or _text(ids, "ExpectedPersonBirthDate"),
        # An unknown GenderCurrent code is passed on as it is, for the code list rule to name.
        "sex": _text(ids, "Sex") or (GENDER_TO_SEX.get(gender, gender) if gender else None),
        "upn": _text(ids, "UPN"), "la_child_id": child_id,
        "ethnicity": cin_ethnicity_to_ons().get(ethnicity, ethnicity) if ethnicity else None,
        "disability": (str(any(d != "NONE" for d in disabilities)).lower()
                       if disabilities else None),
    }
    episodes = [_map_episode(details, number, child_id, source)
                for number, details in enumerate(child.iterfind("CINdetails"), start=1)]
    return person, episodes


def _map_episode(details: ET.Element, number: int, child_id: str | None,
                 source: ReturnSource) -> Row:
    factors = [f.text.strip() for f in details.iterfind(
        "Assessments/FactorsIdentifiedAtAssessment/AssessmentFactors") if f.text and f.text.strip()]
    enquiries = [d for s47 in details.iterfind("Section47")
                 if (d := _text(s47, "S47ActualStartDate"))]
    return {
        "agency_code": source.agency_code,
        "source_record_id": f"{child_id}-{number}" if child_id else None,
        "extracted_at": source.extracted_at, "la_code": source.la_code,
        "person_record_id": child_id,
        "referral_date": _text(details, "CINreferralDate"),
        "referral_source": _text(details, "ReferralSource"),
        "primary_need": _text(details, "PrimaryNeedCode"),
        "assessment_factors": ";".join(factors) or None,
        "section47_date": min(enquiries, default=None),
        **_plans(details.findall("ChildProtectionPlans")),
        "closure_date": _text(details, "CINclosureDate"),
        "closure_reason": _text(details, "ReasonForClosure"),
    }


def _plans(plans: list[ET.Element]) -> Row:
    """An episode's child protection plans as the one plan the core dataset keeps."""
    starts = [d for plan in plans if (d := _text(plan, "CPPstartDate"))]
    ends = [_text(plan, "CPPendDate") for plan in plans]
    categories = {c for plan in plans if (c := _text(plan, "LatestCategoryOfAbuse")
                                          or _text(plan, "InitialCategoryOfAbuse"))}
    return {
        "cpp_start_date": min(starts, default=None),
        "cpp_end_date": max(e for e in ends if e) if ends and all(ends) else None,
        "cpp_category": (categories.pop() if len(categories) == 1
                         else SEVERAL_CATEGORIES if categories else None),
    }


def _table(entity: Entity, rows: list[Row], positions: list[int]) -> pa.Table:
    columns = {name: pa.array([row.get(name) for row in rows], pa.string())
               for name in entity.column_names}
    columns[ROW_COLUMN] = pa.array(positions, pa.int64())
    return pa.table(columns)
