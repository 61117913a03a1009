"""Entity tables: the generator's arrays rendered as the core dataset's columns.

Why here, in one module: every extract must carry exactly its entity's `column_names`, in
order, as text; building each table in one function per entity, from the dataset definition,
keeps the files and the definition from drifting apart. Record ids are serials in a random
order, so a row's id says nothing about how it was generated (victims first, networks last).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from tessera.dataset import Entity, entity
from tessera.synth import codes
from tessera.synth.agencies import Contacts
from tessera.synth.associations import Associations
from tessera.synth.calibration import CATEGORIES
from tessera.synth.columns import (
    booleans,
    coded,
    constant,
    dates,
    identifiers,
    integers,
    join,
    text,
)
from tessera.synth.ethnicity import TEXT as ETHNICITY_TEXT
from tessera.synth.identity import render_nhs, render_upns
from tessera.synth.offending import Offences, Parties
from tessera.synth.places import AGENCY_KINDS, agencies, draw_lsoas
from tessera.synth.population import World, age_on
from tessera.synth.records import PersonRecords
from tessera.synth.referrals import Referrals
from tessera.synth.statements import Statements

RECORD_PREFIX = {"police": "PR", "social_care": "SC", "health": "HR", "education": "ED"}
"""Id prefix of person records by kind of agency (social care and education of one LA share
an agency_code, so their ids must differ)."""
SEXES = ("F", "M", "U")
LSOA_RECORDED = 0.85


@dataclass(frozen=True)
class EntityRows:
    """One entity's rows for every agency: the table and each row's agency and order key."""

    entity: Entity
    agency: np.ndarray
    order: np.ndarray
    table: pa.Table


def _rows(name: str, agency: np.ndarray, order: np.ndarray, world: World,
          ids: pa.Array, columns: dict[str, pa.Array]) -> EntityRows:
    """Assemble the table in the entity's column order (a KeyError names a missing column)."""
    definition = entity(name)
    n = len(agency)
    columns = {"agency_code": coded(agency, agencies().codes), "source_record_id": ids,
               "extracted_at": constant(world.period.extracted_at, n), **columns}
    if set(columns) != set(definition.column_names):
        raise KeyError(f"{name}: columns differ from the definition: "
                       f"{sorted(set(columns) ^ set(definition.column_names))}")
    table = pa.table([columns[c] for c in definition.column_names],
                     names=list(definition.column_names))
    return EntityRows(definition, np.asarray(agency), np.asarray(order), table)


def _serials(world: World, n: int) -> np.ndarray:
    return world.rng.permutation(n) + 1


def _agency_kind(agency: np.ndarray) -> np.ndarray:
    kinds = agencies().kinds
    return np.asarray(np.array([AGENCY_KINDS.index(k) for k in kinds])[agency])


def record_ids(world: World, records: PersonRecords) -> tuple[pa.Array, np.ndarray]:
    """source_record_id of every person record, and its serial (the in-file order)."""
    serial = _serials(world, len(records))
    prefix = coded(_agency_kind(records.agency), [RECORD_PREFIX[k] for k in AGENCY_KINDS])
    padded = pc.utf8_lpad(pc.cast(pa.array(serial), pa.string()), width=9, padding="0")
    return join(prefix, padded), serial


def _numbers(values: np.ndarray, width: int) -> pa.Array:
    values = np.asarray(values, dtype=np.int64)
    return pc.utf8_lpad(pc.cast(pa.array(values, mask=values <= 0), pa.string()),
                        width=width, padding="0")


def person_record_rows(world: World, records: PersonRecords, ids: pa.Array,
                       serial: np.ndarray) -> EntityRows:
    """person_record rows of every agency."""
    registry = agencies()
    vocab = list(world.names.vocab)
    kind = _agency_kind(records.agency)
    social_care = kind == AGENCY_KINDS.index("social_care")
    la = np.where(social_care, records.agency - registry.n_forces, 0)
    la_number = coded(la, [str(n) for n in world.geo.la_number])
    la_child_id = join(la_number, _numbers(np.where(social_care, serial, 0), 7))
    police = (kind == AGENCY_KINDS.index("police")) & records.identified
    police_id = identifiers("PN", _serials(world, len(records)))
    return _rows("person_record", records.agency, serial, world, ids, {
        "given_name": coded(records.given, vocab),
        "family_name": coded(records.family, vocab),
        "date_of_birth": dates(records.dob),
        "sex": coded(records.sex, SEXES),
        "nhs_number": text(render_nhs(records.nhs)),
        "upn": text(render_upns(records.upn)),
        "la_child_id": la_child_id,
        "police_person_id": pc.if_else(pa.array(police), police_id,
                                       pa.nulls(len(records), pa.string())),
        "postcode": text(records.postcode),
        "ethnicity": coded(records.ethnicity, ETHNICITY_TEXT),
        "ethnicity_source": coded(records.ethnicity_source, codes.codes("ethnicity_source")),
        "disability": booleans(records.disability == 1, records.disability < 0),
        "nationality": coded(records.nationality, codes.codes("nationality")),
    })


def crime_refs(world: World, offences: Offences) -> tuple[pa.Array, np.ndarray]:
    """Each offence's crime_ref ('WY/0012345/23': force initials, serial, year) and serial."""
    serial = _serials(world, len(offences))
    initials = ["".join(p[0] for p in f.split("-")).upper() if "-" in f else f[:2].upper()
                for f in world.geo.forces]
    year = (offences.recorded.astype("datetime64[D]").astype("datetime64[Y]").astype(np.int64)
            + 1970) % 100
    two_digit = pc.utf8_lpad(pc.cast(pa.array(year), pa.string()), width=2, padding="0")
    return join(coded(offences.force, initials), "/", _numbers(serial, 7), "/",
                two_digit), serial


def offence_rows(world: World, offences: Offences, refs: pa.Array,
                 serial: np.ndarray) -> EntityRows:
    """offence rows of every force."""
    rng = world.rng
    n = len(offences)
    lsoa = draw_lsoas(rng, world.geo, offences.force)
    online_place = offences.location == codes.index("location_type", "online")
    lsoa[(rng.random(n) >= LSOA_RECORDED) | online_place] = None
    return _rows("offence", agencies().police(offences.force), serial, world,
                 identifiers("OF", serial), {
        "force_code": coded(offences.force, world.geo.forces),
        "crime_ref": refs,
        "recorded_date": dates(offences.recorded),
        "committed_from": dates(offences.committed_from),
        "committed_to": dates(offences.committed_to),
        "ho_offence_code": coded(offences.code, codes.codes("offence_codes")),
        "cse_flag": booleans(offences.cse),
        "online_flag": booleans(offences.online_flag),
        "setting": coded(offences.setting, codes.codes("setting")),
        "location_type": coded(offences.location, codes.codes("location_type")),
        "lsoa": text(lsoa),
        "outcome_type": coded(offences.outcome, codes.codes("outcome_types")),
        "outcome_date": dates(offences.outcome_date),
        "investigation_status": coded(offences.status, codes.codes("investigation_status")),
    })


def offence_party_rows(world: World, offences: Offences, parties: Parties, refs: pa.Array,
                       ids: pa.Array, party_record: np.ndarray, age: np.ndarray,
                       age_missing: np.ndarray) -> tuple[EntityRows, pa.Array]:
    """offence_party rows, and each party's source_record_id (statements point at it)."""
    serial = _serials(world, len(parties))
    party_ids = identifiers("OP", serial)
    return _rows("offence_party", agencies().police(offences.force[parties.offence]), serial,
                 world, party_ids, {
        "crime_ref": refs.take(pa.array(parties.offence)),
        "person_record_id": ids.take(pa.array(party_record)),
        "role": coded(parties.role, codes.codes("party_role")),
        "age_at_offence": integers(age, age_missing),
        "relationship_to_victim": coded(parties.relationship, codes.codes("relationship")),
    }), party_ids


def party_demographics_rows(world: World, offences: Offences, parties: Parties,
                            statements: Statements, party_ids: pa.Array) -> EntityRows:
    """party_demographics rows: one per statement."""
    serial = _serials(world, len(statements))
    force = offences.force[parties.offence[statements.party]]
    return _rows("party_demographics", agencies().police(force), serial, world,
                 identifiers("PD", serial), {
        "offence_party_id": party_ids.take(pa.array(statements.party)),
        "captured_at_stage": coded(statements.stage, codes.codes("capture_stage")),
        "ethnicity": coded(statements.ethnicity, ETHNICITY_TEXT),
        "ethnicity_source": coded(statements.source, codes.codes("ethnicity_source")),
        "nationality": coded(statements.nationality, codes.codes("nationality")),
    })


def referral_rows(world: World, referrals: Referrals, records: PersonRecords,
                  ids: pa.Array) -> EntityRows:
    """referral rows of every children's social care agency."""
    serial = _serials(world, len(referrals))
    agency = records.agency[referrals.record]
    return _rows("referral", agency, serial, world, identifiers("RF", serial), {
        "la_code": coded(agency - agencies().n_forces, world.geo.las),
        "person_record_id": ids.take(pa.array(referrals.record)),
        "referral_date": dates(referrals.date),
        "referral_source": coded(referrals.source, codes.codes("referral_source")),
        "primary_need": coded(referrals.need, codes.codes("primary_need")),
        "assessment_factors": text(referrals.factors),
        "section47_date": dates(referrals.section47),
        "cpp_start_date": dates(referrals.plan_start),
        "cpp_end_date": dates(referrals.plan_end),
        "cpp_category": coded(referrals.plan_category, codes.codes("category_of_abuse")),
        "closure_date": dates(referrals.closure),
        "closure_reason": coded(referrals.closure_reason, codes.codes("closure_reason")),
    })


def contact_rows(world: World, contacts: Contacts, records: PersonRecords,
                 ids: pa.Array) -> EntityRows:
    """contact rows of every health and education agency."""
    serial = _serials(world, len(contacts))
    return _rows("contact", records.agency[contacts.record], serial, world,
                 identifiers("CT", serial), {
        "person_record_id": ids.take(pa.array(contacts.record)),
        "agency_type": coded(contacts.agency_type, codes.codes("agency_type")),
        "setting": coded(contacts.setting, codes.codes("contact_setting")),
        "contact_date": dates(contacts.date),
        "safeguarding_concern": booleans(contacts.concern),
    })


def association_rows(world: World, associations: Associations, records: PersonRecords,
                     ids: pa.Array) -> EntityRows:
    """association rows of every force."""
    serial = _serials(world, len(associations))
    linked = associations.linked
    return _rows("association", records.agency[associations.record], serial, world,
                 identifiers("AS", serial), {
        "person_record_id": ids.take(pa.array(associations.record)),
        "linked_person_record_id": ids.take(pa.array(linked, mask=linked < 0)),
        "object_kind": coded(associations.object_kind, codes.codes("object_kind")),
        "object_value": text(associations.object_value),
        "kind": coded(associations.kind, codes.codes("association_kind")),
        "first_seen": dates(associations.first_seen),
        "last_seen": dates(associations.last_seen),
        "source": coded(associations.source, codes.codes("intelligence_source")),
        "grading": coded(associations.grading, codes.codes("grading")),
    })


def truth_persons(world: World, records: PersonRecords, ids: pa.Array,
                  serial: np.ndarray) -> tuple[pa.Table, np.ndarray, np.ndarray]:
    """ground_truth/persons rows (with each row's agency and order for sorting)."""
    extracted = int(np.datetime64(world.period.extracted_at[:10], "D").astype(np.int64))
    dob = world.people.column("dob")[records.person]
    child = age_on(dob, np.full(len(records), extracted)) < 18
    table = pa.table({
        "true_person_id": identifiers("TP", records.person),
        "agency_code": coded(records.agency, agencies().codes),
        "entity": constant("person_record", len(records)),
        "source_record_id": ids,
        "is_child": booleans(child),
    })
    return table, records.agency, serial


def truth_offences(world: World, offences: Offences, refs: pa.Array, serial: np.ndarray,
                   category: np.ndarray, online: np.ndarray
                   ) -> tuple[pa.Table, np.ndarray, np.ndarray]:
    """ground_truth/offences rows (with each row's agency and order for sorting)."""
    network = offences.network
    table = pa.table({
        "agency_code": coded(offences.force, world.geo.forces),
        "crime_ref": refs,
        "category": coded(category, CATEGORIES),
        "online": booleans(online),
        "network_id": join("NET-", _numbers(np.where(network > 0, network, 0), 4)),
    })
    return table, agencies().police(offences.force), serial
