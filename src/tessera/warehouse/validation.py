"""Validation rules as SQL over everything staged for one entity at once.

Each rule is a SELECT over the staging table `stage` returning the rows that break it, as
(row, field, rule, value, message). Builders here are pure: they return SQL text and the
parameters it binds; `loading.py` runs them through the engine. Why SQL: a million-row delivery
is checked in a few vectorised statements instead of a Python loop per row.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tessera.dataset import Entity, Field, codelist
from tessera.dataset import entity as entity_named
from tessera.dataset.identifiers import nhs_number_valid_sql, upn_valid_sql
from tessera.warehouse.engine import quote_identifier as q
from tessera.warehouse.engine import quote_literal
from tessera.warehouse.pseudonym import record_key_sql

DATE_FORMAT = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"


def normalised_sql(f: Field) -> str:
    """How a raw value is tidied before checking: trimmed, blank as null, identifiers compacted."""
    value = f"NULLIF(trim({q(f.name)}), '')"
    if f.check == "nhs_number":
        value = f"NULLIF(regexp_replace({q(f.name)}, '[\\s-]', '', 'g'), '')"
    elif f.check == "upn" or f.name == "postcode":
        value = f"upper({value})"
    return value


def typed_sql(f: Field, value: str) -> str:
    """SQL turning a checked text value into its warehouse type (ethnicity aliases mapped)."""
    if f.kind == "date":
        return f"CAST({value} AS DATE)"
    if f.kind == "timestamp":
        return f"CAST({value} AS TIMESTAMP)"
    if f.kind == "integer":
        return f"CAST({value} AS INTEGER)"
    if f.kind == "boolean":
        return f"(lower({value}) IN ('true', '1', 'yes', 'y'))"
    if f.kind == "codes":
        return f"list_transform(string_split({value}, ';'), lambda c: trim(c))"
    if f.kind == "code" and f.codelist and codelist(f.codelist).aliases:
        mapping = f"MAP(${_alias_param(f)}_from, ${_alias_param(f)}_to)"
        return f"coalesce(map_extract_value({mapping}, {value}), {value})"
    return value


def reference_column(f: Field) -> str:
    """The staged column holding a reference field's key (the referenced row's record_key)."""
    return f"_ref_{f.name}"


def stage_sql(entity: Entity) -> str:
    """Stage a raw file (`stage_raw`) as tidied text plus its keys, computed once.

    `_key` is the row's record_key; each reference field gets `_ref_<field>`, the key of the
    row it points at, so rules and loading join on plain columns (hash joins). The referenced
    row's key is looked up, not hashed: referenced entities are loaded first (in this batch
    or an earlier one), their identity rows hold each key beside its natural key (a
    natural key is `source_record_id` or an identifier, both kept there), and a
    reference that finds none is rejected, so it needs no key. Keyed hashing is the costliest
    step of a load; a lookup is a hash join. Binds $inner_pad and $outer_pad.
    """
    tidy = ", ".join(f"{normalised_sql(f)} AS {q(f.name)}" for f in entity.fields)
    references = [f for f in entity.fields if f.references]
    own_key = record_key_sql(entity.name, "stage.agency_code", f"stage.{q(entity.natural_key)}")
    keys = [f"{own_key} AS _key"]
    keys += [f"{_target_alias(f)}.record_key AS {reference_column(f)}" for f in references]
    joins = "".join(
        f" LEFT JOIN identity.{q(f.references or '')} {_target_alias(f)} ON "
        f"{_target_alias(f)}.agency_code = stage.agency_code AND {_target_alias(f)}."
        f"{q(entity_named(f.references or '').natural_key)} = stage.{q(f.name)}"
        for f in references)
    return (f"CREATE OR REPLACE TEMP TABLE stage AS SELECT stage.*, {', '.join(keys)} "
            f"FROM (SELECT _n, _file, _row, {tidy} FROM stage_raw) stage{joins}")


def _target_alias(f: Field) -> str:
    return f"_target_{f.name}"



def rule_params(entity: Entity) -> dict[str, Any]:
    """Parameters the rule SQL binds: each code field's accepted codes, and alias maps."""
    params: dict[str, Any] = {}
    for f in entity.fields:
        if f.codelist:
            cl = codelist(f.codelist)
            params[_codes_param(f)] = list(cl.codes) + [alias for alias, _ in cl.aliases]
            if cl.aliases:
                params[f"{_alias_param(f)}_from"] = [alias for alias, _ in cl.aliases]
                params[f"{_alias_param(f)}_to"] = [target for _, target in cl.aliases]
    return params


@dataclass(frozen=True)
class Check:
    """One rule as SQL: the condition a broken row meets, and the SELECT reporting it.

    `select` reads from the placeholder SOURCE. Every such check looks only at the row
    itself (references too, their keys looked up at staging), so all are first run together
    as one filter, and each then reads only the few suspect rows rather than the whole file.
    """

    condition: str
    select: str


SOURCE = "__source__"


def rejections_sql(entity: Entity) -> str:
    """One statement returning every broken rule of every staged row (a row may break several).

    Reads the staging table `stage`, whose reference keys `stage_sql` computed. A staged row
    holds its file as an index into $files, the batch's paths for this entity: the path is
    looked up for rejected rows only.
    """
    checks: list[Check] = []
    for f in entity.fields:
        checks.extend(_field_rule_checks(entity, f))
    checks.extend(_date_order_checks(entity))
    checks.extend(_exactly_one_of_checks(entity))
    suspect = " OR ".join(f"({c.condition})" for c in checks)
    parts = [c.select.replace(SOURCE, "suspect") for c in checks]
    parts.append(_duplicate_sql(entity))
    parts.extend(_linked_date_order_sqls(entity))
    return (f"WITH suspect AS MATERIALIZED (SELECT * FROM stage WHERE {suspect})\n"
            "SELECT _n, $files[_file + 1] AS file, row, field, rule, value, message FROM (\n"
            + "\nUNION ALL\n".join(parts) + ")")


def _codes_param(f: Field) -> str:
    return f"codes_{f.name}"


def _alias_param(f: Field) -> str:
    return f"aliases_{f.name}"


def _violation(field: Field, rule: str, condition: str, message: str,
               value: str | None = None) -> Check:
    """The check selecting rows that meet `condition`, with a message built in SQL."""
    value_sql = value if value is not None else shown_sql(field, q(field.name))
    return Check(condition, (
        f"SELECT _n, _file, _row AS row, '{field.name}' AS field, '{rule}' AS rule, "
        f"CAST({value_sql} AS VARCHAR) AS value, {message} AS message "
        f"FROM {SOURCE} WHERE {condition}"))


def _quoted(value_sql: str) -> str:
    return f"'''' || {value_sql} || ''''"


def shown_sql(f: Field, value_sql: str) -> str:
    """The value as rejections show it: identifiers masked but for their last two characters.

    A rejected NHS number, name or crime reference is still personal data; the row number,
    the rule and the shape of the value are enough for the agency to find and fix it.
    """
    if f.privacy == "plain":
        return value_sql
    return (f"(regexp_replace(left({value_sql}, -2), '[A-Za-z0-9]', '*', 'g') "
            f"|| right({value_sql}, 2))")


def _field_rule_checks(entity: Entity, f: Field) -> list[Check]:
    v = q(f.name)
    shown = shown_sql(f, v)
    checks: list[Check] = []
    if f.required:
        checks.append(_violation(f, "required", f"{v} IS NULL",
                               f"'{f.name} is required for {entity.name} and is empty'"))
    if f.max_length:
        checks.append(_violation(f, "max_length", f"length({v}) > {f.max_length}",
                               f"'{f.name} is longer than {f.max_length} characters'"))
    if f.pattern:
        checks.append(_violation(f, "format", f"NOT regexp_full_match({v}, '{f.pattern}')",
                               f"{_quoted(shown)} || ' is not in the format of a {f.name}'"))
    if f.kind == "code" and f.codelist:
        # A semi-join on the code list, not list_contains: that scans the whole list for
        # every row, and some lists (nationality, offence codes) have hundreds of codes.
        checks.append(_violation(
            f, "code_list", f"{v} NOT IN (SELECT unnest(${_codes_param(f)}))",
            f"{_quoted(shown)} || ' is not a code of the {f.codelist} list "
            f"(tessera dataset describe lists them)'"))
    if f.kind == "codes" and f.codelist:
        bad = (f"list_filter(list_transform(string_split({v}, ';'), lambda c: trim(c)), "
               f"lambda c: NOT list_contains(${_codes_param(f)}, c))")
        checks.append(_violation(
            f, "code_list", f"len({bad}) > 0",
            f"'code(s) ' || array_to_string({bad}, ';') || ' not in the {f.codelist} list "
            f"(separate codes with ;)'"))
    checks.extend(_type_rule_checks(entity, f))
    if f.check == "nhs_number":
        checks.append(_violation(f, "nhs_number",
                                 f"{v} IS NOT NULL AND NOT {nhs_number_valid_sql(v)}",
                               "'NHS number fails its modulus 11 check digit; "
                               "check the 10 digits against the source'"))
    if f.check == "upn":
        checks.append(_violation(f, "upn", f"{v} IS NOT NULL AND NOT {upn_valid_sql(v)}",
                               "'UPN fails its check letter; it must be a letter then 12 "
                               "characters whose check letter agrees'"))
    if f.references:
        target = entity_named(f.references)
        checks.append(_violation(
            f, "reference", f"{v} IS NOT NULL AND {reference_column(f)} IS NULL",
            f"{_quoted(shown)} || ' matches no {target.name} ({target.natural_key}) sent by ' "
            f"|| agency_code || '; send that record, or correct the reference'"))
    return checks


def _type_rule_checks(entity: Entity, f: Field) -> list[Check]:
    v = q(f.name)
    shown = shown_sql(f, v)
    if f.kind == "date":
        bad = (f"{v} IS NOT NULL AND (NOT regexp_full_match({v}, '{DATE_FORMAT}') "
               f"OR try_cast({v} AS DATE) IS NULL OR try_cast({v} AS DATE) < DATE '1900-01-01')")
        after = (f"try_cast({v} AS DATE) > try_cast(extracted_at AS TIMESTAMP)"
                 if f.name != "extracted_at" else "false")
        return [
            _violation(f, "date", bad,
                       f"{_quoted(shown)} || ' is not a real date in the form YYYY-MM-DD'"),
            _violation(f, "after_extraction", after,
                       f"'{f.name} ' || {shown} || ' is after the extract was made (' "
                       f"|| extracted_at || ')'"),
        ]
    if f.kind == "timestamp":
        return [_violation(f, "timestamp",
                           f"{v} IS NOT NULL AND try_cast({v} AS TIMESTAMP) IS NULL",
                           f"{_quoted(shown)} || ' is not a date and time (YYYY-MM-DDTHH:MM:SS)'")]
    if f.kind == "integer":
        bounds = (f"try_cast({v} AS INTEGER) NOT BETWEEN {f.minimum} AND {f.maximum}"
                  if f.minimum is not None and f.maximum is not None else "false")
        return [_violation(f, "integer",
                           f"{v} IS NOT NULL AND (try_cast({v} AS INTEGER) IS NULL OR {bounds})",
                           f"{_quoted(shown)} || ' is not a whole number from {f.minimum} "
                           f"to {f.maximum}'")]
    if f.kind == "boolean":
        return [_violation(f, "boolean",
                           f"{v} IS NOT NULL AND lower({v}) NOT IN "
                           "('true', 'false', '1', '0', 'yes', 'no', 'y', 'n')",
                           f"{_quoted(shown)} || ' is not true or false'")]
    return []


def _date_order_checks(entity: Entity) -> list[Check]:
    checks = []
    for order in entity.date_orders:
        a, b = q(order.earlier), q(order.later)
        checks.append(_violation(
            entity.field(order.later), "date_order",
            f"try_cast({a} AS DATE) > try_cast({b} AS DATE)",
            f"'{order.later} ' || {b} || ' is before {order.earlier} ' || {a}"))
    return checks


def _exactly_one_of_checks(entity: Entity) -> list[Check]:
    checks = []
    for names in entity.exactly_one_of:
        present = " + ".join(f"CAST({q(n)} IS NOT NULL AS INTEGER)" for n in names)
        checks.append(_violation(
            entity.field(names[0]), "exactly_one_of", f"({present}) <> 1",
            f"'give exactly one of {', '.join(names)}'", value="NULL"))
    return checks


def _duplicate_sql(entity: Entity) -> str:
    """Every row after the first of a natural key repeated within one agency's delivery.

    Rows are numbered only within the keys that repeat, found first by a hash aggregate:
    numbering every staged row meant sorting all of them to find the few repeats.
    """
    key = q(entity.natural_key)
    shown = shown_sql(entity.field(entity.natural_key), key)
    return (f"SELECT _n, _file, _row AS row, '{entity.natural_key}' AS field, "
            f"'duplicate' AS rule, {shown} AS value, '{entity.natural_key} ' || {_quoted(shown)} "
            f"|| ' appears more than once in this delivery; the first row is kept' AS message "
            f"FROM (SELECT _n, _file, _row, {key}, row_number() OVER (PARTITION BY agency_code, "
            f"{key} ORDER BY _n) AS k FROM stage SEMI JOIN (SELECT agency_code, {key} "
            f"FROM stage WHERE {key} IS NOT NULL GROUP BY ALL HAVING count(*) > 1) repeated "
            f"ON stage.agency_code IS NOT DISTINCT FROM repeated.agency_code "
            f"AND stage.{key} = repeated.{key}) WHERE k > 1")


def _linked_date_order_sqls(entity: Entity) -> list[str]:
    sqls = []
    for rule in entity.linked_date_orders:
        early_target = entity_named(entity.field(rule.earlier_via).references or "")
        late_target = entity_named(entity.field(rule.later_via).references or "")
        early_zone = "identity" if early_target.field(rule.earlier).privacy != "plain" \
            else "analysis"
        late_zone = "identity" if late_target.field(rule.later).privacy != "plain" \
            else "analysis"
        early_key = f"stage.{reference_column(entity.field(rule.earlier_via))}"
        late_key = f"stage.{reference_column(entity.field(rule.later_via))}"
        sqls.append(
            f"SELECT stage._n, stage._file, stage._row AS row, "
            f"'{rule.later_via}' AS field, '{rule.rule}' AS rule, "
            f"NULL AS value, {quote_literal(rule.message)} AS message FROM stage "
            f"JOIN {early_zone}.{q(early_target.name)} e ON e.record_key = {early_key} "
            f"JOIN {late_zone}.{q(late_target.name)} l ON l.record_key = {late_key} "
            f"WHERE l.{q(rule.later)} < e.{q(rule.earlier)}")
    return sqls
