"""Shape one force's rows of each profile query into typed tables.

Why the split: SQL counts every force at once (`queries.py`), and this module only picks a
force's rows and adds labels, shares, completeness lines and total rows, which are the same for
every force. Each table is typed as it is built (dimension, count, share of which counts;
total rows marked), so the disclosure step and the writers never read a title. A force with no
rows gets the same tables with zeros, so no section is ever missing.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping, Sequence
from datetime import date
from functools import cache
from importlib import resources
from typing import Any

from tessera.analysis.audit.rates import share
from tessera.analysis.profile.results import Period
from tessera.analysis.results import Cell, Column, RowKey, Rows, StatTable
from tessera.dataset.codelists import codelist

Row = Mapping[str, Any]

ALL = "All"
"""The label of a group's total row."""
ASPECT = Column("aspect", "Aspect", "dimension")
CATEGORY = Column("category", "Category", "dimension")
MEASURE_CODE = Column("measure_code", "Measure code", "dimension")
MEASURE = Column("measure", "Measure", "dimension")
MEDIAN_SMALLEST = 10
"""Offences a median of days needs before it is shown: a median of fewer is nearly a date."""
NATIONAL_ROUNDING = 10
"""The national monthly figures beside a force's are rounded to this: a reader with every
force's profile could otherwise take the others from the nation to find a hidden month."""


@cache
def label(table: str, code: str) -> str:
    """The reader's label of `code` in `table` (labels.csv), else the code list's, else the
    code."""
    return _labels().get((table, code), code)


@cache
def _labels() -> dict[tuple[str, str], str]:
    path = resources.files(__package__) / "labels.csv"
    with path.open(encoding="utf-8") as handle:
        return {(r["table"], r["code"]): r["label"] for r in csv.DictReader(handle)}


def _code_label(codes: str, code: str) -> str:
    """A code's label from a dataset code list, or the profile's own label."""
    if code == "not_recorded":
        return label("nature", code)
    values = codelist(codes).column("label")
    return str(values.get(code, code))


def _share_of_all(column: str, keep: tuple[str, ...]) -> Rows:
    return Rows(column, "category", (ALL,), keep)


def known_note(what: str, known: int, total: int) -> str:
    """A completeness line: 'what: 73.7% (409 of 555).' (dropped when cells are hidden)."""
    percent = share(known, total)
    if percent is None:
        return f"{what}: none to count."
    return f"{what}: {percent}% ({known:,} of {total:,})."


def definitions_table(row: Row | None) -> StatTable:
    """How the cases were found: the audit's CSA rule, the flag, code 71, perpetrators, the
    group-based category and the network count, each a share of CSA offences."""
    codes = ("csa_offences", "cse_flag", "code_71", "more_than_one", "group_based", "network",
             "both_ways")
    counts = {code: int(row[code]) if row else 0 for code in codes}
    return StatTable(
        name="definitions",
        title="How cases were found",
        description="CSA offences recorded in the period, and how many each identification "
                    "method finds; the methods overlap, so the rows do not add up.",
        columns=(MEASURE_CODE, MEASURE, Column("offences", "Offences", "count"),
                 Column("share", "Share of CSA offences (%)", "share", of="offences",
                        per=Rows("offences", "measure_code", ("csa_offences",)))),
        rows=tuple((code, label("definitions", code), counts[code],
                    share(counts[code], counts["csa_offences"])) for code in codes),
        notes=("Definition: IICSA's organised network (HMICFRS 2023 recommendation 1): two or "
               "more people acting together in the sexual exploitation of children; the "
               "audit's group-based category and the network count are its two readings.",),
    )


def trend_table(rows: Sequence[Row], national: Sequence[Row], period: Period) -> StatTable:
    """Monthly CSA and group-based CSE offences over the period, with England and Wales beside
    them (rounded to the nearest ten: `NATIONAL_ROUNDING`)."""
    months = _months(period)
    mine = {r["month"]: r for r in rows}
    nation = {r["month"]: r for r in national}

    def rounded(value: int) -> int:
        return (2 * value + NATIONAL_ROUNDING) // (2 * NATIONAL_ROUNDING) * NATIONAL_ROUNDING

    table_rows: list[tuple[Cell, ...]] = []
    for month in months:
        own, there = mine.get(month), nation.get(month)
        table_rows.append((
            month.strftime("%Y-%m"),
            int(own["csa_offences"]) if own else 0,
            int(own["group_based"]) if own else 0,
            rounded(int(there["csa_offences"])) if there else 0,
            rounded(int(there["group_based"])) if there else 0,
        ))
    return StatTable(
        name="trend",
        title="Scale and trend, month by month",
        description="CSA offences and group-based CSE offences by the month they were "
                    "recorded, with England and Wales beside them.",
        columns=(Column("month", "Month recorded", "dimension"),
                 Column("csa_offences", "CSA offences", "count"),
                 Column("group_based", "Group-based CSE", "count"),
                 Column("national_csa", "England and Wales: CSA offences", "figure"),
                 Column("national_group_based", "England and Wales: group-based CSE",
                        "figure")),
        rows=tuple(table_rows),
        notes=("England and Wales figures are rounded to the nearest 10, so that no month a "
               "profile hides can be worked out from the national figure and the other "
               "forces' profiles.",
               *(() if len(months) >= 36 else (
                   f"The period covers {len(months)} months; HMICFRS asks for a trend over at "
                   "least three years.",))),
    )


def _months(period: Period) -> list[date]:
    months: list[date] = []
    month = period.start.replace(day=1)
    while month <= period.end:
        months.append(month)
        month = (month.replace(year=month.year + 1, month=1) if month.month == 12
                 else month.replace(month=month.month + 1))
    return months


NATURE_CODELISTS = {"location_type": "location_type", "setting": "setting"}
NATURE_CODES: dict[str, tuple[str, ...]] = {
    "familial": ("familial", "non_familial", "not_recorded"),
    "peer_on_peer": ("peer", "not_peer", "not_recorded"),
    "online": ("online", "not_online"),
}


def nature_table(rows: Sequence[Row]) -> StatTable:
    """Settings, kinds of place (hotels, taxis, takeaways, care homes, online), familial or
    not, peer-on-peer and online, for all CSA and group-based CSE, each with its total."""
    found = {(r["aspect"], r["code"]): r for r in rows}
    table_rows: list[tuple[Cell, ...]] = []
    notes: list[str] = []
    for aspect in ("location_type", "setting", "familial", "peer_on_peer", "online"):
        if aspect in NATURE_CODELISTS:
            listed = codelist(NATURE_CODELISTS[aspect]).column("label")
            codes: tuple[str, ...] = (*(str(c) for c in listed), "not_recorded")
        else:
            codes = NATURE_CODES[aspect]
        aspect_label = label("nature", aspect)
        totals = [0, 0]
        for code in codes:
            r = found.get((aspect, code))
            csa = int(r["csa_offences"]) if r else 0
            group = int(r["group_based"]) if r else 0
            totals[0] += csa
            totals[1] += group
            name = (_code_label(NATURE_CODELISTS[aspect], code) if aspect in NATURE_CODELISTS
                    else label("nature", f"{aspect}:{code}") if code != "not_recorded"
                    else label("nature", code))
            table_rows.append((aspect_label, name, csa, None, group, None))
        table_rows.append((aspect_label, ALL, totals[0], None, totals[1], None))
        if "not_recorded" in codes:
            missing = found.get((aspect, "not_recorded"))
            unknown = int(missing["csa_offences"]) if missing else 0
            notes.append(known_note(f"{aspect_label} recorded", totals[0] - unknown,
                                    totals[0]))
    shaped = tuple((*row[:3], share(int(str(row[2])), _total(table_rows, row, 2)), row[4],
                    share(int(str(row[4])), _total(table_rows, row, 4)))
                   for row in table_rows)
    return StatTable(
        name="nature",
        title="Nature: places, settings, familial, peer-on-peer and online",
        description="Each CSA offence counted once under every aspect; hotels, taxis, "
                    "takeaways, care homes and online are kinds of place.",
        columns=(ASPECT, CATEGORY, Column("csa_offences", "CSA offences", "count"),
                 Column("csa_share", "Share (%)", "share", of="csa_offences",
                        per=_share_of_all("csa_offences", ("aspect",))),
                 Column("group_based", "Group-based CSE", "count"),
                 Column("group_based_share", "Share of group-based (%)", "share",
                        of="group_based", per=_share_of_all("group_based", ("aspect",)))),
        rows=shaped,
        totals=frozenset((str(r[0]), ALL) for r in table_rows if r[1] == ALL),
        notes=(*notes, "Where victims and offenders met is not held in the core dataset (only "
                       "where the offence happened): see the intelligence gaps."),
    )


def _total(rows: Sequence[tuple[Cell, ...]], row: tuple[Cell, ...], column: int) -> int:
    """The value of `column` in the total row of `row`'s group (first dimension)."""
    for other in rows:
        if other[0] == row[0] and other[1] == ALL:
            return int(str(other[column]))
    return 0


PEOPLE_VALUES: dict[str, tuple[str, ...]] = {
    "sex": ("Female", "Male", "Not known"),
    "nationality": ("British", "Other than British", "Not known"),
}


def people_table(rows: Sequence[Row], party: str) -> StatTable:
    """Victims or perpetrators by age band, sex, ethnic group and nationality, each with the
    people whose value is not known and a total line carrying the completeness."""
    found = {(r["characteristic"], r["value"]): r for r in rows if r["party"] == party}
    who = "Victims" if party == "victim" else "Perpetrators"
    table_rows: list[tuple[Cell, ...]] = []
    notes: list[str] = []
    values: dict[str, tuple[str, ...]] = {
        "age_band": (*(str(v) for v in codelist("age_bands").column("label").values()),
                     "Not known"),
        "ethnic_group": (*dict.fromkeys(str(v) for v in
                                        codelist("ethnicity").column("group").values()),
                         "Not known"),
        **PEOPLE_VALUES,
    }
    known_labels: dict[str, None] = {}
    for characteristic in ("age_band", "sex", "ethnic_group", "nationality"):
        name = label("people", characteristic)
        total = known = group_total = 0
        for value in values[characteristic]:
            r = found.get((characteristic, value))
            people = int(r["people"]) if r else 0
            group = int(r["group_based"]) if r else 0
            total += people
            group_total += group
            if value != "Not known":
                known += people
                known_labels[value] = None
            table_rows.append((name, value, people, None, group, None))
        table_rows.append((name, ALL, total, None, group_total, share(known, total)))
        notes.append(known_note(f"{name} known for {who.lower()}", known, total))
    known_people = Rows("people", "category", tuple(known_labels), ("characteristic",))
    shaped = tuple(
        (*row[:3], (share(int(str(row[2])), _known(table_rows, row, known_labels))
                    if row[1] in known_labels else None), *row[4:])
        for row in table_rows)
    unit = ("victim person records (a child known to two agencies of the force may be two)"
            if party == "victim" else
            "named perpetrators, one per person_id once linked (unidentified suspects left out)")
    return StatTable(
        name=f"{party}_profile",
        title=f"{who}: age, sex, ethnicity and nationality",
        description=f"Distinct {unit} of the period's CSA offences; shares are of people with "
                    "a known value; ethnicity is the latest known statement.",
        columns=(Column("characteristic", "Characteristic", "dimension"), CATEGORY,
                 Column("people", "People", "count"),
                 Column("share_of_known", "Share of known (%)", "share", of="people",
                        per=known_people),
                 Column("group_based", "In group-based CSE", "count"),
                 Column("known", "Known (%)", "share", of=known_people, per="people")),
        rows=shaped,
        totals=frozenset((str(r[0]), ALL) for r in table_rows if r[1] == ALL),
        notes=tuple(notes),
    )


def _known(rows: Sequence[tuple[Cell, ...]], row: tuple[Cell, ...],
           known: Mapping[str, None]) -> int:
    return sum(int(str(r[2])) for r in rows if r[0] == row[0] and r[1] in known)


def ethnicity_stage_table(rows: Sequence[Row]) -> StatTable:
    """Statements by party and stage: known ethnicity, self-defined, nationality recorded."""
    stages = codelist("capture_stage").column("label")
    table_rows = tuple(
        ("Victims" if r["party"] == "victim" else "Perpetrators",
         str(stages.get(r["stage"], r["stage"])), int(r["statements"]), int(r["known"]),
         share(int(r["known"]), int(r["statements"])), int(r["self_defined"]),
         share(int(r["self_defined"]), int(r["known"])), int(r["nationality"]),
         share(int(r["nationality"]), int(r["statements"])))
        for r in rows)
    return StatTable(
        name="ethnicity_stage",
        title="Ethnicity and nationality completeness by stage and source",
        description="Demographic statements about the victims and perpetrators of the "
                    "period's CSA offences at each stage of the investigation.",
        columns=(Column("party", "Party", "dimension"), Column("stage", "Stage", "dimension"),
                 Column("statements", "Statements", "count"),
                 Column("known", "Known ethnicity", "count"),
                 Column("known_share", "Known (%)", "share", of="known", per="statements"),
                 Column("self_defined", "Self-defined", "count"),
                 Column("self_defined_share", "Self-defined of known (%)", "share",
                        of="self_defined", per="known"),
                 Column("nationality", "Nationality recorded", "count"),
                 Column("nationality_share", "Nationality recorded (%)", "share",
                        of="nationality", per="statements")),
        rows=table_rows,
        notes=(() if table_rows else ("No demographic statement was supplied for the "
                                      "period's parties.",)),
    )


def banded_table(name: str, title: str, description: str, rows: Sequence[Row], key: str,
                 codes: Sequence[str], labels: Mapping[str, str],
                 extra_notes: Sequence[str] = ()) -> StatTable:
    """A table of offences by one closed set of `codes` (co-offending bands, outcome groups)
    for all CSA and group-based CSE, with shares and a total row."""
    found = {r[key]: r for r in rows}
    counts = [(code, int(found[code]["csa_offences"]) if code in found else 0,
               int(found[code]["group_based"]) if code in found else 0) for code in codes]
    csa_total = sum(c[1] for c in counts)
    group_total = sum(c[2] for c in counts)
    table_rows: list[tuple[Cell, ...]] = [
        (code, labels[code], csa, share(csa, csa_total), group, share(group, group_total))
        for code, csa, group in counts]
    table_rows.append((ALL, ALL, csa_total, share(csa_total, csa_total), group_total,
                       share(group_total, group_total)))
    per_all = Rows("csa_offences", "code", (ALL,))
    return StatTable(
        name=name, title=title, description=description,
        columns=(Column("code", "Code", "dimension"), CATEGORY,
                 Column("csa_offences", "CSA offences", "count"),
                 Column("csa_share", "Share (%)", "share", of="csa_offences", per=per_all),
                 Column("group_based", "Group-based CSE", "count"),
                 Column("group_based_share", "Share of group-based (%)", "share",
                        of="group_based", per=Rows("group_based", "code", (ALL,)))),
        rows=tuple(table_rows),
        totals=frozenset({(ALL, ALL)}),
        notes=tuple(extra_notes),
    )


def timeliness_table(rows: Sequence[Row]) -> StatTable:
    """Median days from recording to outcome by outcome group (charge among them), shown only
    from `MEDIAN_SMALLEST` dated offences."""
    groups = codelist("outcome_groups").column("label")
    found = {r["outcome_group"]: r for r in rows}
    table_rows: list[tuple[Cell, ...]] = []
    for code in groups:
        if code == "open":
            continue
        r = found.get(str(code))
        dated = int(r["dated"]) if r else 0
        median = (round(float(r["median_days"]), 1) if r and dated >= MEDIAN_SMALLEST
                  and r["median_days"] is not None else None)
        table_rows.append((str(code), str(groups[code]), dated, median))
    return StatTable(
        name="timeliness",
        title="Timeliness: days from recording to outcome",
        description="Median days from the date an offence was recorded to the date of its "
                    "outcome, by outcome group; the charge row is the time to charge.",
        columns=(Column("code", "Code", "dimension"), CATEGORY,
                 Column("dated", "Offences with an outcome date", "count"),
                 Column("median_days", "Median days", "figure", decimals=1)),
        rows=tuple(table_rows),
        notes=(f"A median is shown only from {MEDIAN_SMALLEST} dated offences (else blank).",),
    )


def measures_table(name: str, title: str, description: str, row: Row | None,
                   codes: Sequence[str], base: str, notes: Sequence[str] = ()) -> StatTable:
    """One count per measure (partner data, gaps), each a share of the `base` measure."""
    counts = {code: int(row[code]) if row and row[code] is not None else 0 for code in codes}
    return StatTable(
        name=name, title=title, description=description,
        columns=(MEASURE_CODE, MEASURE, Column("count", "Number", "count"),
                 Column("share", f"Share of {label(name, base).lower()} (%)", "share",
                        of="count", per=Rows("count", "measure_code", (base,)))),
        rows=tuple((code, label(name, code), counts[code], share(counts[code], counts[base]))
                   for code in codes),
        notes=tuple(notes),
    )


def field_completeness_table(rows: Sequence[Row]) -> StatTable:
    """How complete each field the profile reads is, for this force's offences and parties."""
    found = {r["field"]: r for r in rows}
    fields = ("location_type", "setting", "lsoa", "outcome_date", "victim_age",
              "relationship_to_victim")
    table_rows = []
    for field in fields:
        r = found.get(field)
        recorded, total = (int(r["recorded"]), int(r["total"])) if r else (0, 0)
        table_rows.append((field, label("field", field), recorded, total,
                           share(recorded, total)))
    return StatTable(
        name="field_completeness",
        title="Completeness of the fields the profile reads",
        description="For the period's CSA offences of the force: how many records hold each "
                    "field the profile reads.",
        columns=(Column("field_code", "Field code", "dimension"),
                 Column("field", "Field", "dimension"),
                 Column("recorded", "Recorded", "count"), Column("total", "Of", "count"),
                 Column("recorded_share", "Recorded (%)", "share", of="recorded",
                        per="total")),
        rows=tuple(table_rows),
    )


def not_held_table() -> StatTable:
    """What a profile should hold that the core dataset does not: intelligence gaps by
    design, stated rather than invented."""
    path = resources.files(__package__) / "not_held.csv"
    with path.open(encoding="utf-8") as handle:
        items = list(csv.DictReader(handle))
    return StatTable(
        name="not_held",
        title="Not held: what the profile cannot say",
        description="Items of the problem-profile checklist the warehouse holds no field for; "
                    "each is an intelligence gap until an agency supplies it.",
        columns=(Column("item", "Item", "dimension"), Column("checklist", "Checklist point",
                                                            "dimension"),
                 Column("why", "Why it matters and what is held instead", "figure")),
        rows=tuple((r["item"], r["checklist"], r["why"]) for r in items),
    )


def total_keys(table: StatTable) -> dict[str, RowKey]:
    """Each group's total row key, by the group's first dimension value."""
    return {key[0]: key for key in table.totals}
