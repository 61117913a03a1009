"""The audit's rules in words, and the labels of its categories.

Why here and not only in SQL: the report, the CLI and `--explain` print the rules next to the
figures so a reader can check what was counted. The logic itself lives in one place,
`offence_category.sql`; these texts say the same thing and the tests hold them to it.
"""

from __future__ import annotations

from tessera.analysis.network.ties import tie_rules

NETWORK_WINDOW_DAYS = 365
"""How near in time (days) a shared victim or a shared object must be to the offence for the
network count of group-based CSE: a year, so that a phone shared a decade apart does not make a
group (the parameter $window_days of `network_association.sql`)."""



def network_params() -> dict[str, int]:
    """The parameters of `network_association.sql`: the window, and the most people an object
    may be linked to and still tie them (`max_sharers` of the network's `tie_rules.csv`, so the
    audit and the communities discount a hostel alike)."""
    return {"window_days": NETWORK_WINDOW_DAYS, "max_sharers": tie_rules().max_sharers}


RULES: tuple[tuple[str, str], ...] = (
    ("csa_offence",
     "A child sexual abuse (CSA) offence is one whose Home Office offence code is sexual and "
     "either identifies a child victim (e.g. 19D, 21, 71) or has a victim aged under 18 at the "
     "offence. Only CSA offences are counted."),
    ("perpetrators",
     "Perpetrators are the distinct person records among the offence's parties whose role is "
     "suspect or offender, named or not: a record of an unidentified suspect counts towards the "
     "categories. A named perpetrator is one the force holds a nominal record for."),
    ("more_than_one_perpetrator",
     "More than one perpetrator: two or more perpetrators. Such an offence goes to the first of "
     "the next four categories that matches."),
    ("intra_familial",
     "Within the family: any perpetrator is a family member of the victim, or the setting is "
     "the family."),
    ("institutional",
     "In an institution: any perpetrator is in a position of trust, or the setting is an "
     "institution, or the place is a school or care home."),
    ("group_based_cse",
     "Group-based child sexual exploitation: the force flagged the offence as CSE, or it is "
     "Home Office code 71 (abuse of children through sexual exploitation). Following IICSA's "
     "definition of an organised network (two or more people, identified or not, associated "
     "with one another and involved in the sexual exploitation of children), acting together "
     "in the offence is the association."),
    ("other_multiple",
     "Other, more than one perpetrator: none of the three categories above matched."),
    ("single_perpetrator",
     "Single perpetrator: one perpetrator, or none identified."),
    ("any_number",
     "Within the family, and in an institution, any number of perpetrators (these overlap each "
     "other and the categories): every CSA offence matching that category's rule, with one "
     "perpetrator, none identified or more than one. The categories above count only offences "
     "with more than one perpetrator."),
    ("online",
     "Online (overlaps the other categories): the offence was flagged as online, or its "
     "setting or place is online."),
    ("network_group",
     f"Group-based through the network (beside the flag, not a category): a CSA offence one "
     f"of whose named perpetrators (one person by person_id once 'tessera link' has run) is "
     f"associated with another named perpetrator of a CSA offence by shared victims (two or "
     f"more children, by child_id, each in offences within {NETWORK_WINDOW_DAYS} days of "
     f"each other: one child abused by two otherwise unconnected people is repeat "
     f"victimisation, not a group), by "
     f"co-offending in another offence, or by graded intelligence linking both to the same "
     f"phone, vehicle, address or online account, each link seen within "
     f"{NETWORK_WINDOW_DAYS} days of the offence, when the two also abused at least one same "
     f"child within {NETWORK_WINDOW_DAYS} days of each other (sharing a home or a phone alone "
     f"is no offending tie). An object linked to more than {tie_rules().max_sharers} people "
     f"(a hostel, a hotel, a shared line) ties no one, nor does intelligence graded E. People "
     f"the intelligence records as family are never each other's association: families "
     f"share homes, phones and cars innocently."),
    ("people",
     "People are counted once within an offence group (all CSA offences; group-based CSE), "
     "however many offences they are party to: a victim per person record (and per child_id in "
     "the children table), a named perpetrator per person_id once 'tessera link' has run. "
     "Records of unidentified suspects name nobody; they are counted apart, as records. A "
     "person's age band is their age at the earliest offence in the group."),
    ("ethnicity",
     "Ethnicity is taken from the latest investigation stage (report, arrest, charge, end of "
     "investigation) at which a known ONS 2021 ethnic group was stated; people with none are "
     "shown as 'Not stated' when they were asked and declined ('NS') and 'Not known' otherwise "
     "(not recorded, or 'NK'), and left out of shares and rates. Measure M4 is the share of "
     "people with a self-defined ethnicity stated at the end of the investigation; every "
     "ethnicity figure is shown with the stages and sources (self-defined, officer-observed, "
     "third party) it rests on."),
    ("nationality",
     "Nationality is taken from the latest statement that records one, or else from the "
     "person record."),
    ("rates",
     "Rates are per 100,000 residents at the 2021 Census: of the force area for forces, of "
     "the age band for ages; sex and ethnic group have no rate until the population of the "
     "right ages is held. Every rate has an exact 95% Poisson interval, which reflects random "
     "variation only, not under-reporting; a rate from fewer than 20 events is marked [u]. "
     "Forces are compared with the national rate on a funnel plot, not ranked."),
    ("completeness",
     "Every figure that can be incomplete is shown with how complete its source fields are. "
     "All counts are of recorded crime and so are underestimates: most abuse is never "
     "reported. Input rows rejected at ingest are counted, and so are the offences of each "
     "category placed without a related row that was rejected."),
)
"""(rule key, rule text) in the order the rules apply; the category rules share their key with
the category they decide."""

CATEGORY_RULES: tuple[str, ...] = (
    "csa_offence", "more_than_one_perpetrator", "intra_familial", "institutional",
    "group_based_cse", "other_multiple", "single_perpetrator", "online",
)
"""The rules `--explain` checks an offence against, in order."""

CATEGORY_LABELS: dict[str, str] = {
    "csa_offences": "All CSA offences",
    "more_than_one_perpetrator": "More than one perpetrator",
    "intra_familial": "Within the family, more than one perpetrator",
    "institutional": "In an institution, more than one perpetrator",
    "group_based_cse": "Group-based CSE",
    "other_multiple": "Other, more than one perpetrator",
    "single_perpetrator": "Single perpetrator or none identified",
    "online": "Online (overlapping)",
    "not_csa": "Not a CSA offence (not counted)",
}
"""Labels of the counted categories, in the order the tables list them."""

ANY_NUMBER_LABELS: dict[str, str] = {
    "intra_familial_any": "Within the family, any number of perpetrators (overlapping)",
    "institutional_any": "In an institution, any number of perpetrators (overlapping)",
}
"""Every CSA offence within the family or in an institution, whatever the number of
perpetrators: the figures the categories above (which need more than one) are read beside."""

OFFENCE_GROUP_LABELS: dict[str, str] = {
    "all_csa": "All CSA offences",
    "group_based_cse": "Group-based CSE",
}

NETWORK_MEASURE_LABELS: dict[str, str] = {
    "flag": "Group-based CSE by the flag rule",
    "network": "Group-based through the network",
    "both_ways": "Both by the flag and through the network",
    "flag_only": "By the flag only",
    "network_only": "Through the network only",
    "shared_victim": "Through the network: a shared victim (overlapping)",
    "co_offending": "Through the network: co-offending in another offence (overlapping)",
    "shared_phone": "Through the network: a shared phone (overlapping)",
    "shared_vehicle": "Through the network: a shared vehicle (overlapping)",
    "shared_address": "Through the network: a shared address (overlapping)",
    "shared_online_account": "Through the network: a shared online account (overlapping)",
}
"""Rows of the network table: the two counts, how they overlap, and each kind of association
(an offence may have several kinds, so those rows overlap)."""

PARTY_LABELS: dict[str, str] = {"victim": "Victims", "perpetrator": "Perpetrators"}


def rule_text(key: str) -> str:
    """The text of the rule `key` (a category or counting rule)."""
    return dict(RULES)[key]
