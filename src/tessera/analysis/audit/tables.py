"""Run each audit query and shape its counts into a titled table with shares and rates.

Why the split: SQL counts (and says how, in comments beside the counting); Python only adds
shares, rates, intervals, labels and the completeness lines, which are the same for every
table and would be repetitive in SQL. Each table is typed as it is built: every column says
whether it is a dimension, a count, or a share or rate of which counts, and total rows are
marked, so publishing (disclosure control, CSV, HTML, spreadsheets) never reads a title.
"""

from __future__ import annotations

from dataclasses import replace
from itertools import groupby

from tessera.analysis.audit.funnel import compare_areas, comparison_notes, force_areas
from tessera.analysis.audit.populations import force_population_note, profile_population_note
from tessera.analysis.audit.queries import audit_sql
from tessera.analysis.audit.rates import rate_interval, rate_per_100k, share
from tessera.analysis.audit.rules import (
    ANY_NUMBER_LABELS,
    CATEGORY_LABELS,
    NETWORK_MEASURE_LABELS,
    OFFENCE_GROUP_LABELS,
    PARTY_LABELS,
    network_params,
    rule_text,
)
from tessera.analysis.results import Cell, Column, RowKey, Rows, StatTable
from tessera.warehouse.engine import Engine

COUNTED_CATEGORIES: tuple[str, ...] = tuple(c for c in CATEGORY_LABELS if c != "not_csa")
"""Category columns of the offence tables, in order (the first is the CSA total)."""

DIMENSION_LABELS: dict[str, str] = {
    "age_band": "Age at offence",
    "sex": "Sex",
    "ethnic_group": "Ethnic group (5 groups)",
    "ethnicity": "Ethnic group (19 categories)",
}

PERSON_UNIT: dict[str, str] = {
    "victim": "person records; the children table counts them by child_id",
    "perpetrator": "named perpetrators, by person_id once linked; unidentified suspects are "
                   "counted in the perpetrators table",
}
"""What one person in a profile is, for each party."""

ALL_PEOPLE = "All people"
"""The label of the total row of each group of people."""

OFFENCE_GROUP = Column("offence_group", "Offence group", "dimension")
PARTY = Column("party", "Party", "dimension")
PEOPLE = Column("people", "People", "count")


def share_column(key: str, label: str, of: str | Rows, per: str | Rows) -> Column:
    """A share column: `of` as a percentage of `per` (each a count of the row or a `Rows`)."""
    return Column(key, label, "share", of=of, per=per)


def _totals(table_rows: list[tuple[Cell, ...]], positions: tuple[int, ...],
            label: str) -> frozenset[RowKey]:
    """The keys (dimension values at `positions`) of the rows whose last dimension is `label`."""
    return frozenset(tuple("" if row[i] is None else str(row[i]) for i in positions)
                     for row in table_rows if row[positions[-1]] == label)


def data_completeness_table(engine: Engine) -> StatTable:
    """How complete the fields behind the categories and outcomes are (CSA offences)."""
    rows = engine.rows(audit_sql("completeness"))
    return StatTable(
        name="data_completeness",
        title="Completeness of the fields the categories read",
        description="For CSA offences, how many records have each field the category rules and "
                    "outcomes depend on; a gap moves offences into single or other categories.",
        columns=(Column("measure", "Measure", "dimension"),
                 Column("recorded", "Recorded", "count"), Column("total", "Of", "count"),
                 share_column("recorded_share", "Recorded (%)", "recorded", "total")),
        rows=tuple((r["measure"], r["recorded"], r["total"], share(r["recorded"], r["total"]))
                   for r in rows),
        notes=("Every measure is of all CSA offences: an offence with no victim record counts "
               "as missing its victim's age and sex, and one whose only suspect record is of an "
               "unidentified suspect has no named perpetrator.",),
    )


def offence_categories_table(engine: Engine) -> StatTable:
    """Table (a): national CSA offences by category, with each as a share of all CSA offences.

    Its notes give the completeness of every field the category rules read, so a reader sees
    beside the figures how far each category may be undercounted.
    """
    counts = engine.rows(audit_sql("offence_categories"))[0]
    read = [r for r in engine.rows(audit_sql("completeness")) if r["reads"] == "categories"]
    total = counts["csa_offences"]
    labels = {**CATEGORY_LABELS, **ANY_NUMBER_LABELS}
    rows: list[tuple[Cell, ...]] = [
        (code, labels[code], counts[code], share(counts[code], total))
        for code in (*COUNTED_CATEGORIES, *ANY_NUMBER_LABELS)
    ]
    notes = (
        f"{counts['offences']:,} offences read from {counts['forces']} forces; "
        f"{total:,} are CSA offences under the rules.",
        *(_known_note(str(r["measure"]), r["recorded"], r["total"]) for r in read),
    )
    return StatTable(
        name="offence_categories",
        title="CSA offences by category, England and Wales",
        description="Recorded CSA offences counted once each, by perpetrator count and the first "
                    "matching category rule; online overlaps the others, and so do all CSA "
                    "offences within the family or in an institution, whatever the number of "
                    "perpetrators.",
        columns=(Column("category_code", "Category code", "dimension"),
                 Column("category", "Category", "dimension"),
                 Column("offences", "Offences", "count"),
                 share_column("share", "Share of CSA offences (%)", "offences",
                           Rows("offences", "category_code", ("csa_offences",)))),
        rows=tuple(rows),
        totals=frozenset({("csa_offences", CATEGORY_LABELS["csa_offences"])}),
        notes=notes,
    )


def network_group_table(engine: Engine) -> StatTable:
    """Group-based CSE counted two ways: by the flag rule of the categories and through the
    network graph (`network_association.sql`), with how far the two agree.

    Why both: the flag counts only offences a force marked as CSE with two perpetrators in the
    one crime; a group that abuses children one perpetrator per crime, linked by the same
    victims, phones or cars, is seen only through the network. The share of each is of CSA
    offences, so the two counts are read on the same base.
    """
    counts = engine.rows(audit_sql("network_groups"), network_params())[0]
    return StatTable(
        name="network_group",
        title="Group-based CSE: by flag and through the network",
        description="CSA offences counted as group-based CSE by the flag rule (the category) "
                    "and, beside it, through associations of their perpetrators in the network "
                    "graph; each kind of association counts the offences it places, which "
                    "overlap.",
        columns=(Column("measure_code", "Measure code", "dimension"),
                 Column("measure", "Measure", "dimension"),
                 Column("offences", "Offences", "count")),
        rows=tuple((code, label, counts[code]) for code, label in NETWORK_MEASURE_LABELS.items()),
        notes=(rule_text("network_group"),
               "The network count is not a category: it overlaps every category, including "
               "single perpetrator, and an offence is in it through any one association."),
    )


def category_by_force_table(engine: Engine) -> StatTable:
    """Table (b): CSA offences by force and category, with rates per 100,000 and intervals."""
    rows: list[tuple[Cell, ...]] = []
    for r in engine.rows(audit_sql("category_by_force")):
        low, high = rate_interval(r["csa_offences"], r["population"])
        rows.append((
            r["force_code"], r["force_label"], r["population"], r["csa_offences"],
            rate_per_100k(r["csa_offences"], r["population"]), low, high,
            *(r[code] for code in COUNTED_CATEGORIES[1:]),
        ))
    table = StatTable(
        name="category_by_force",
        title="CSA offences by police force",
        description="Recorded CSA offences per force that supplied data, by category, and CSA "
                    "offences per 100,000 residents of the force area.",
        columns=(Column("force_code", "Force code", "dimension"),
                 Column("force", "Force", "dimension"),
                 Column("population", "Population", "count", protected=False),
                 Column("csa_offences", "CSA offences", "count"),
                 Column("rate", "Per 100,000", "rate", of="csa_offences", per="population"),
                 Column("interval_low", "95% interval low", "interval_low", of="csa_offences",
                        per="population"),
                 Column("interval_high", "95% interval high", "interval_high",
                        of="csa_offences", per="population"),
                 *(Column(code, CATEGORY_LABELS[code], "count")
                   for code in COUNTED_CATEGORIES[1:])),
        rows=tuple(rows),
        notes=("Only forces that supplied offences are listed.", force_population_note()),
    )
    return replace(table, notes=(*table.notes, *force_comparison_notes(table)))


def force_comparison_notes(table: StatTable) -> tuple[str, ...]:
    """The chi-squared test and the forces outside the funnel's limits, from the counts the
    force table shows (each edition its own: the published one without hidden counts)."""
    return comparison_notes(compare_areas(force_areas(table.records())), "forces")


def profile_table(engine: Engine, party: str) -> StatTable:
    """Tables (c) and (d): victims or perpetrators by age band, sex and ethnicity.

    Each characteristic lists every category with its count, share of the people whose value is
    known and rate per 100,000 of that category's population, then the people not known and an
    'All people' line whose last column is the completeness of that characteristic.
    """
    raw = engine.rows(audit_sql("profile"), {"party": party})
    rows: list[tuple[Cell, ...]] = []
    notes: list[str] = []
    known_labels: dict[str, None] = {}
    who = PARTY_LABELS[party].lower()
    for (group, dimension), part in groupby(raw, key=lambda r: (r["offence_group"],
                                                               r["dimension"])):
        items = list(part)
        known = sum(r["people"] for r in items if r["known"])
        total = sum(r["people"] for r in items)
        group_label = OFFENCE_GROUP_LABELS[group]
        dimension_label = DIMENSION_LABELS[dimension]
        known_labels.update((r["label"], None) for r in items if r["known"])
        for r in items:
            population = r["population"] if r["known"] else None
            rows.append((
                group_label, dimension_label, r["label"], r["people"],
                share(r["people"], known) if r["known"] else None,
                rate_per_100k(r["people"], population),
                *rate_interval(r["people"], population),
                None,
            ))
        rows.append((group_label, dimension_label, ALL_PEOPLE, total, None, None, None, None,
                     share(known, total)))
        if dimension == "ethnicity":
            notes.append(_known_note(f"Ethnicity known for {who} ({group_label})",
                                     known, total))
    known_people = Rows("people", "category", tuple(known_labels),
                        ("offence_group", "characteristic"))
    return StatTable(
        name="victim_profile" if party == "victim" else "offender_profile",
        title=f"{PARTY_LABELS[party]} of CSA offences by age, sex and ethnicity",
        description=f"Distinct {who} per offence group ({PERSON_UNIT[party]}), ethnicity "
                    "from the latest stage with a known value; shares are of people with a "
                    "known value.",
        columns=(OFFENCE_GROUP, Column("characteristic", "Characteristic", "dimension"),
                 Column("category", "Category", "dimension"), PEOPLE,
                 share_column("share_of_known", "Share of known (%)", "people", known_people),
                 Column("rate", "Rate per 100,000", "rate", of="people"),
                 Column("interval_low", "95% interval low", "interval_low", of="people"),
                 Column("interval_high", "95% interval high", "interval_high", of="people"),
                 share_column("known", "Known (%)", known_people, "people")),
        rows=tuple(rows),
        totals=_totals(rows, (0, 1, 2), ALL_PEOPLE),
        notes=(*notes, "Each ethnicity is the person's latest known one, whatever its stage or "
                       "source: 'What the ethnicity figures rest on' gives the stages and how "
                       "many were self-defined or officer-observed.",
               profile_population_note()),
    )


def completeness_by_stage_table(engine: Engine) -> StatTable:
    """Table (e), measure M4: share of demographic statements with a known ethnicity, by stage.

    A stage a victim never goes through (arrest, charge) has no figures for victims (None,
    published as [z]), so 'not applicable' is not read as 'no data'.
    """
    rows: tuple[tuple[Cell, ...], ...] = tuple(
        (OFFENCE_GROUP_LABELS[r["offence_group"]], PARTY_LABELS[r["party"]], r["stage_label"],
         *((r["statements"], r["known"], share(r["known"], r["statements"])) if r["applies"]
           else (None, None, None)))
        for r in engine.rows(audit_sql("completeness_by_stage")))
    return StatTable(
        name="completeness_by_stage",
        title="Ethnicity completeness by investigation stage",
        description="Demographic statements about victims and perpetrators of CSA offences at "
                    "each stage, and the share giving a known ONS 2021 ethnic group.",
        columns=(OFFENCE_GROUP, PARTY, Column("stage", "Stage", "dimension"),
                 Column("statements", "Statements", "count"),
                 Column("known", "Known ethnicity", "count"),
                 share_column("known_share", "Known (%)", "known", "statements")),
        rows=rows,
        notes=("A party may have a statement at several stages or none; the profiles use the "
               "latest stage with a known ethnicity.",),
    )


def outcomes_table(engine: Engine) -> StatTable:
    """Table (f): outcomes of CSA and group-based CSE offences by outcome group, open included."""
    raw = engine.rows(audit_sql("outcomes"))
    rows: list[tuple[Cell, ...]] = []
    for group, part in groupby(raw, key=lambda r: r["offence_group"]):
        items = list(part)
        total = sum(r["offences"] for r in items)
        rows.extend((OFFENCE_GROUP_LABELS[group], r["outcome_group"], r["label"], r["offences"],
                     share(r["offences"], total)) for r in items)
    outcome_groups = tuple(dict.fromkeys(str(row[1]) for row in rows))
    return StatTable(
        name="outcomes",
        title="Outcomes of CSA offences",
        description="Each CSA offence counted once by the group of its Home Office outcome "
                    "type; offences without an outcome are shown as open.",
        columns=(OFFENCE_GROUP, Column("outcome_group_code", "Outcome group code", "dimension"),
                 Column("outcome", "Outcome", "dimension"),
                 Column("offences", "Offences", "count"),
                 share_column("share", "Share (%)", "offences",
                           Rows("offences", "outcome_group_code", outcome_groups,
                                ("offence_group",)))),
        rows=tuple(rows),
    )


def nationality_table(engine: Engine) -> StatTable:
    """Table (g): nationality of victims and perpetrators where recorded, with share recorded."""
    raw = engine.rows(audit_sql("nationality"))
    rows: list[tuple[Cell, ...]] = []
    notes: list[str] = []
    for (group, party), part in groupby(raw, key=lambda r: (r["offence_group"], r["party"])):
        items = list(part)
        recorded = sum(r["people"] for r in items if r["code"] is not None)
        total = sum(r["people"] for r in items)
        labels = (OFFENCE_GROUP_LABELS[group], PARTY_LABELS[party])
        rows.extend(
            (*labels, r["code"], r["label"] if r["code"] is not None else "Not recorded",
             r["people"], share(r["people"], recorded) if r["code"] is not None else None, None)
            for r in items)
        rows.append((*labels, None, ALL_PEOPLE, total, None, share(recorded, total)))
        notes.append(_known_note(f"Nationality recorded for {party}s ({labels[0]})",
                                 recorded, total))
    recorded_people = Rows("people", "nationality_code",
                           tuple(dict.fromkeys(str(r["code"]) for r in raw
                                               if r["code"] is not None)),
                           ("offence_group", "party"))
    return StatTable(
        name="nationality",
        title="Nationality of victims and perpetrators",
        description="Distinct people per offence group and party by recorded nationality; "
                    "shares are of people with a nationality recorded.",
        columns=(OFFENCE_GROUP, PARTY, Column("nationality_code", "Nationality code", "dimension"),
                 Column("nationality", "Nationality", "dimension"), PEOPLE,
                 share_column("share_of_recorded", "Share of recorded (%)", "people",
                           recorded_people),
                 share_column("recorded", "Recorded (%)", recorded_people, "people")),
        rows=tuple(rows),
        totals=_totals(rows, (0, 1, 2, 3), ALL_PEOPLE),
        notes=tuple(notes),
    )


def children_table(engine: Engine, linkage_runs: int) -> StatTable:
    """Victims counted as children by child_id: how many, known where, and known when.

    Why beside the record counts: the profiles count victims' person records, so a child
    known to two forces is two victims there; here each child counts once, and the measures'
    questions (known to more than one agency? known to children's social care before?) can be
    answered because the child's records are joined.
    """
    rows: list[tuple[Cell, ...]] = []
    for r in engine.rows(audit_sql("children")):
        children = r["children"]
        rows.append((
            OFFENCE_GROUP_LABELS[r["offence_group"]], r["victim_records"], children,
            r["in_more_than_one_agency"], share(r["in_more_than_one_agency"], children),
            r["known_to_social_care_before"], share(r["known_to_social_care_before"], children),
        ))
    notes = (
        "Children are people whose records were joined by 'tessera link' (a child_id); "
        f"{linkage_runs} linkage run(s) in this warehouse.",
        "Agencies: police (offence parties), children's social care (referrals), health and "
        "education (contacts).",
        "Known to social care before: a referral of the same child dated before their first "
        "CSA offence in the group (committed from, else recorded).",
    ) if linkage_runs else (
        "Run 'tessera link' first: without linkage no child has a child_id, so every count "
        "of children here is 0.",)
    return StatTable(
        name="children",
        title="Victims counted as children (one identifier per child)",
        description="Victim records of CSA offences, the distinct children they belong to, "
                    "and how many of those children other agencies knew.",
        columns=(OFFENCE_GROUP, Column("victim_records", "Victim records", "count"),
                 Column("children", "Children", "count"),
                 Column("more_than_one_agency", "In more than one agency", "count"),
                 share_column("more_than_one_agency_share", "In more than one agency (%)",
                           "more_than_one_agency", "children"),
                 Column("known_to_social_care_before", "Known to social care before", "count"),
                 share_column("known_to_social_care_before_share",
                           "Known to social care before (%)", "known_to_social_care_before",
                           "children")),
        rows=tuple(rows),
        notes=notes,
    )


def _known_note(what: str, known: int, total: int) -> str:
    percent = share(known, total)
    if percent is None:
        return f"{what}: none to count."
    return f"{what}: {percent}% ({known:,} of {total:,})."

