"""The core dataset v1: every entity, field and rule, defined once.

Everything else follows from this module: the validator builds its SQL from the rules, the
warehouse builds its tables from the fields (splitting direct identifiers into the identity
zone by `privacy`), `tessera dataset describe` prints it, and the generator writes it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from tessera.errors import DatasetError

Kind = Literal["text", "code", "codes", "date", "timestamp", "integer", "boolean"]
Privacy = Literal["plain", "direct", "pseudonymised", "year"]
"""How a field crosses into the analysis zone.

plain: as it is; direct: never (identity zone only); pseudonymised: as a keyed hash (HMAC),
the raw value kept in the identity zone; year: only its year, the full date kept in the
identity zone.
"""


@dataclass(frozen=True)
class Field:
    """One field of an entity, with the rules a value must pass."""

    name: str
    kind: Kind
    description: str
    required: bool = False
    codelist: str | None = None
    pattern: str | None = None
    max_length: int | None = None
    minimum: int | None = None
    maximum: int | None = None
    check: Literal["nhs_number", "upn"] | None = None
    privacy: Privacy = "plain"
    references: str | None = None
    """Name of the entity whose natural key this field holds (same agency)."""


@dataclass(frozen=True)
class DateOrder:
    """`earlier` must not be after `later` when both are present."""

    earlier: str
    later: str


@dataclass(frozen=True)
class LinkedDateOrder:
    """A date order across entities, reached through two reference fields of this entity.

    Example: an offence party's offence cannot be committed before the person was born.
    """

    rule: str
    earlier_via: str
    earlier: str
    later_via: str
    later: str
    message: str


@dataclass(frozen=True)
class Entity:
    """One kind of row an agency sends, with the rules that span its fields."""

    name: str
    description: str
    fields: tuple[Field, ...]
    natural_key: str = "source_record_id"
    """The field other entities reference this one by (unique within an agency)."""
    date_orders: tuple[DateOrder, ...] = ()
    exactly_one_of: tuple[tuple[str, ...], ...] = ()
    linked_date_orders: tuple[LinkedDateOrder, ...] = ()
    load_after: tuple[str, ...] = field(default=())

    def field(self, name: str) -> Field:
        """The field called `name`; a `DatasetError` names the entity if there is none."""
        for f in self.fields:
            if f.name == name:
                return f
        raise DatasetError(f"entity {self.name!r} has no field {name!r}")

    @property
    def column_names(self) -> tuple[str, ...]:
        """Field names in definition order: the columns an extract must have."""
        return tuple(f.name for f in self.fields)

    @property
    def required_columns(self) -> tuple[str, ...]:
        """Columns an extract cannot leave out (the required fields)."""
        return tuple(f.name for f in self.fields if f.required)


COMMON_FIELDS: tuple[Field, ...] = (
    Field("agency_code", "text", "Who sent the row: a force code, local authority code, NHS "
          "organisation or school code.", required=True, pattern=r"^[A-Za-z0-9-]{2,40}$"),
    Field("source_record_id", "text", "The agency's own key for the row; with agency_code and "
          "the entity it makes loading idempotent.", required=True, max_length=64),
    Field("extracted_at", "timestamp", "When the agency extracted the row (ISO 8601). Dates in "
          "the row cannot be after it.", required=True),
)


def _entity(name: str, description: str, *fields: Field, **rules: object) -> Entity:
    return Entity(name, description, COMMON_FIELDS + fields, **rules)  # type: ignore[arg-type]


PERSON_RECORD = _entity(
    "person_record",
    "One person as one agency knows them: a victim, suspect, subject child or pupil.",
    Field("given_name", "text", "Given name as recorded.", max_length=100, privacy="direct"),
    Field("family_name", "text", "Family name as recorded.", max_length=100, privacy="direct"),
    Field("date_of_birth", "date", "Date of birth, or expected date of birth for an unborn "
          "child.", privacy="year"),
    Field("sex", "code", "Sex as recorded.", required=True, codelist="sex"),
    Field("nhs_number", "text", "NHS number: 10 digits, the last a modulus 11 check digit.",
          check="nhs_number", privacy="pseudonymised"),
    Field("upn", "text", "Unique Pupil Number: 13 characters, a check letter then 12.",
          check="upn", privacy="pseudonymised"),
    Field("la_child_id", "text", "Children's social care case-system id (CIN LAchildID).",
          max_length=20, privacy="pseudonymised"),
    Field("police_person_id", "text", "Police nominal id.", max_length=40,
          privacy="pseudonymised"),
    Field("postcode", "text", "Home postcode.", privacy="direct",
          pattern=r"^[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}$"),
    Field("ethnicity", "code", "Ethnic group, ONS 2021 (police 18+1 codes accepted and "
          "mapped).", codelist="ethnicity"),
    Field("ethnicity_source", "code", "Who defined the ethnicity.", codelist="ethnicity_source"),
    Field("disability", "boolean", "The agency records a disability."),
    Field("nationality", "code", "Nationality, ISO 3166-1 alpha-3.", codelist="nationality"),
)

OFFENCE = _entity(
    "offence",
    "A police recorded crime.",
    Field("force_code", "code", "Recording force.", required=True, codelist="police_forces"),
    Field("crime_ref", "text", "The force's crime reference; parties reference it.",
          required=True, max_length=40, privacy="pseudonymised"),
    Field("recorded_date", "date", "Date the crime was recorded.", required=True),
    Field("committed_from", "date", "Earliest date the offence may have been committed."),
    Field("committed_to", "date", "Latest date the offence may have been committed."),
    Field("ho_offence_code", "code", "Home Office counting rules offence code.",
          required=True, codelist="offence_codes"),
    Field("cse_flag", "boolean", "The force flagged the crime as child sexual exploitation.",
          required=True),
    Field("online_flag", "boolean", "The offence was committed, wholly or partly, online.",
          required=True),
    Field("setting", "code", "Setting of the abuse as recorded.", codelist="setting"),
    Field("location_type", "code", "Kind of place.", codelist="location_type"),
    Field("lsoa", "text", "Lower layer super output area of the location.",
          pattern=r"^[EW]01[0-9]{6}$"),
    Field("outcome_type", "code", "Home Office outcome type (none while open).",
          codelist="outcome_types"),
    Field("outcome_date", "date", "Date the outcome was assigned."),
    Field("investigation_status", "code", "Where the investigation stands.", required=True,
          codelist="investigation_status"),
    natural_key="crime_ref",
    date_orders=(DateOrder("committed_from", "committed_to"),
                 DateOrder("committed_from", "recorded_date"),
                 DateOrder("recorded_date", "outcome_date")),
)

OFFENCE_PARTY = _entity(
    "offence_party",
    "A person's part in an offence.",
    Field("crime_ref", "text", "The offence (its crime_ref in the same force).", required=True,
          max_length=40, privacy="pseudonymised", references="offence"),
    Field("person_record_id", "text", "The person (a person_record source_record_id of the "
          "same agency).", required=True, max_length=64, privacy="pseudonymised",
          references="person_record"),
    Field("role", "code", "Part played.", required=True, codelist="party_role"),
    Field("age_at_offence", "integer", "Age in years when the offence began.", minimum=0,
          maximum=120),
    Field("relationship_to_victim", "code", "For a suspect or offender: relationship to the "
          "victim.", codelist="relationship"),
    load_after=("offence", "person_record"),
    linked_date_orders=(LinkedDateOrder(
        "offence_before_birth", "person_record_id", "date_of_birth", "crime_ref",
        "committed_from", "the offence is dated before the person's date of birth; check "
        "the date of birth or committed_from"),),
)

PARTY_DEMOGRAPHICS = _entity(
    "party_demographics",
    "Demographics of a party stated at one stage of the investigation. Every statement is "
    "kept; statistics use the latest stage (measure M4).",
    Field("offence_party_id", "text", "The offence party (its source_record_id).",
          required=True, max_length=64, privacy="pseudonymised", references="offence_party"),
    Field("captured_at_stage", "code", "Stage the statement was made at.", required=True,
          codelist="capture_stage"),
    Field("ethnicity", "code", "Ethnic group, ONS 2021 (police 18+1 codes accepted).",
          codelist="ethnicity"),
    Field("ethnicity_source", "code", "Who defined the ethnicity.", codelist="ethnicity_source"),
    Field("nationality", "code", "Nationality, ISO 3166-1 alpha-3.", codelist="nationality"),
    load_after=("offence_party",),
)

REFERRAL = _entity(
    "referral",
    "A children's social care episode, after the Children in Need census.",
    Field("la_code", "code", "Local authority (ONS code).", required=True,
          codelist="local_authorities"),
    Field("person_record_id", "text", "The child (a person_record source_record_id of the "
          "same agency).", required=True, max_length=64, privacy="pseudonymised",
          references="person_record"),
    Field("referral_date", "date", "Date of referral.", required=True),
    Field("referral_source", "code", "Who referred.", codelist="referral_source"),
    Field("primary_need", "code", "Primary need at assessment.", codelist="primary_need"),
    Field("assessment_factors", "codes", "Factors identified at assessment, separated by ';'.",
          codelist="assessment_factor"),
    Field("section47_date", "date", "Start of a section 47 enquiry."),
    Field("cpp_start_date", "date", "Start of a child protection plan."),
    Field("cpp_end_date", "date", "End of the child protection plan."),
    Field("cpp_category", "code", "Category of abuse of the plan.", codelist="category_of_abuse"),
    Field("closure_date", "date", "Date the episode closed."),
    Field("closure_reason", "code", "Reason for closure.", codelist="closure_reason"),
    load_after=("person_record",),
    date_orders=(DateOrder("referral_date", "section47_date"),
                 DateOrder("referral_date", "cpp_start_date"),
                 DateOrder("cpp_start_date", "cpp_end_date"),
                 DateOrder("referral_date", "closure_date")),
)

CONTACT = _entity(
    "contact",
    "A health or education contact that matters for identity and safeguarding.",
    Field("person_record_id", "text", "The child (a person_record source_record_id of the "
          "same agency, carrying the NHS number or UPN).", required=True, max_length=64,
          privacy="pseudonymised", references="person_record"),
    Field("agency_type", "code", "Health or education.", required=True, codelist="agency_type"),
    Field("setting", "code", "Service the contact was with.", required=True,
          codelist="contact_setting"),
    Field("contact_date", "date", "Date of the contact.", required=True),
    Field("safeguarding_concern", "boolean", "A safeguarding concern was recorded.",
          required=True),
    load_after=("person_record",),
)

ASSOCIATION = _entity(
    "association",
    "An intelligence link for network analysis: two people, or a person and an object.",
    Field("person_record_id", "text", "The person (a person_record source_record_id).",
          required=True, max_length=64, privacy="pseudonymised", references="person_record"),
    Field("linked_person_record_id", "text", "The other person, when the link is to a person.",
          max_length=64, privacy="pseudonymised", references="person_record"),
    Field("object_kind", "code", "Kind of object, when the link is to an object.",
          codelist="object_kind"),
    Field("object_value", "text", "The phone number, vehicle registration, address or account.",
          max_length=200, privacy="pseudonymised"),
    Field("kind", "code", "Kind of link.", required=True, codelist="association_kind"),
    Field("first_seen", "date", "First time the link was seen.", required=True),
    Field("last_seen", "date", "Last time the link was seen."),
    Field("source", "code", "Where the link comes from.", required=True,
          codelist="intelligence_source"),
    Field("grading", "code", "3x5x2 provenance grading.", codelist="grading"),
    load_after=("person_record",),
    date_orders=(DateOrder("first_seen", "last_seen"),),
    exactly_one_of=(("linked_person_record_id", "object_value"),),
)

ENTITIES: tuple[Entity, ...] = (
    PERSON_RECORD, OFFENCE, OFFENCE_PARTY, PARTY_DEMOGRAPHICS, REFERRAL, CONTACT, ASSOCIATION,
)
"""Every entity, in an order that loads referenced entities first."""


def entity(name: str) -> Entity:
    """The entity called `name`; a `DatasetError` lists the known ones if there is none."""
    for e in ENTITIES:
        if e.name == name:
            return e
    known = ", ".join(e.name for e in ENTITIES)
    raise DatasetError(f"unknown entity {name!r}; the core dataset has {known}")
