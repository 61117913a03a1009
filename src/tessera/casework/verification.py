"""`tessera ledger verify`: recompute the ledger from what the database holds, and name every
place it does not match what the service signed.

Everything is read with plain SQL, not through a session's objects, so what is checked is
what the database holds now; and every signature is checked against the keyring from outside
the database (signing.py), so a key an insider added to the database counts for nothing.

What is checked, and what each check catches (docs/ledger.md says it for people):
- the chain: entries numbered from 1 without a gap, each hash recomputed, each linked to the
  one before, each holding an item the service signed, no item twice;
- the signed heads: checkpoints numbered from 1 without a gap, each signed by a key of the
  service, each linked to the one before and matching the entry it signs, no more than
  `CHECKPOINT_EVERY` entries apart, and the last one at the chain's last entry;
- the records: every row of every ledgered table against its latest entry, and every entry
  against a row;
- the receipts: every report's content against the hash its receipt signed, and the receipt's
  signature, so an edited report is found even if the whole chain were rebuilt;
- optionally, a signed head kept outside the database (`tessera ledger head`): the ledger must
  still hold it, which is the only way to see the whole database rolled back to a copy.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tessera.casework.canonical import parse_json, utc_iso
from tessera.casework.ledger import (
    CHECKPOINT_EVERY,
    CHECKPOINTS,
    ENTRIES,
    GENESIS_HASH,
    HEAD,
    checkpoint_hash,
    checkpoint_payload,
    entry_hash,
    item_problem,
    ledgered_tables,
    record_hash,
)
from tessera.casework.models import Report
from tessera.casework.receipts import verify_receipt
from tessera.casework.report_input import ReportInput, report_content_sha256
from tessera.casework.reports import receipt_of
from tessera.casework.signing import Keyring
from tessera.errors import CaseworkError

Problem = tuple[int | None, str]
"""The entry a problem concerns (None: a row with no entry, or a queued item), and what it is."""


@dataclass(frozen=True)
class LedgerCheck:
    """The result of `verify_ledger`: intact, or every problem found, first first."""

    ok: bool
    entries: int
    first_bad: int | None
    """The sequence number of the first failing entry (None for a row with no entry at all)."""
    problem: str | None
    problems: tuple[str, ...] = ()
    head: SignedHead | None = None
    """The last signed head the ledger holds."""


@dataclass(frozen=True)
class SignedHead:
    """A checkpoint as `tessera ledger head` prints it, to keep outside the database."""

    n: int
    seq: int
    entry_hash: str
    signed_at: str
    key_id: str
    prev_checkpoint: str
    signature: str

    def to_json(self) -> str:
        """The head as a JSON document."""
        return json.dumps(asdict(self), indent=2, sort_keys=True)

    @classmethod
    def from_row(cls, row: Any) -> SignedHead:
        """A checkpoint row as a signed head."""
        return cls(row["n"], row["seq"], row["entry_hash"], utc_iso(row["signed_at"]),
                   row["key_id"], row["prev_checkpoint"], row["signature"])

    @classmethod
    def from_json(cls, text: str | bytes) -> SignedHead:
        """Read a kept head; a `CaseworkError` says why a document is not one."""
        data = parse_json(text, what="the signed head")
        types = {"n": int, "seq": int, "entry_hash": str, "signed_at": str, "key_id": str,
                 "prev_checkpoint": str, "signature": str}
        if not isinstance(data, dict) or set(data) != set(types) or any(
                type(data[name]) is not kind for name, kind in types.items()):
            raise CaseworkError("not a signed head: expected the JSON object 'tessera ledger "
                                f"head' prints, with exactly {', '.join(types)}")
        return cls(**data)

    def verifies(self, keyring: Keyring) -> bool:
        """Whether one of the service's keys signed this head."""
        return keyring.verify(self.key_id, checkpoint_payload(asdict(self)), self.signature)


def latest_head(session: Session) -> SignedHead | None:
    """The last checkpoint the ledger holds, as a signed head (None before the first seal)."""
    row = session.execute(select(CHECKPOINTS).order_by(CHECKPOINTS.c.n.desc()).limit(1)
                          ).mappings().first()
    return SignedHead.from_row(row) if row else None


def verify_ledger(session: Session, keyring: Keyring, *,
                  expect_head: SignedHead | None = None) -> LedgerCheck:
    """Check the chain, the signed heads, every record and every receipt."""
    entries = _rows(session, select(ENTRIES).order_by(ENTRIES.c.seq))
    checkpoints = _rows(session, select(CHECKPOINTS).order_by(CHECKPOINTS.c.n))
    problems = _chain_problems(entries, keyring)
    problems += _checkpoint_problems(session, entries, checkpoints, keyring)
    problems += _record_problems(session, entries)
    problems += _receipt_problems(session, keyring)
    if expect_head is not None:
        problems += _kept_head_problems(checkpoints, expect_head, keyring)
    problems.sort(key=lambda p: (p[0] is None, p[0] or 0))
    head = SignedHead.from_row(checkpoints[-1]) if checkpoints else None
    if not problems:
        return LedgerCheck(True, len(entries), None, None, head=head)
    return LedgerCheck(False, len(entries), problems[0][0], problems[0][1],
                       tuple(message for _, message in problems), head)


def _rows(session: Session, statement: Any) -> list[dict[str, Any]]:
    return [dict(row) for row in session.execute(statement).mappings()]


def _named(entry: dict[str, Any]) -> str:
    """An entry as problems name it."""
    return f"entry {entry['seq']} ({entry['label']})"


def _chain_problems(entries: list[dict[str, Any]], keyring: Keyring) -> list[Problem]:
    problems: list[Problem] = []
    previous, expected = GENESIS_HASH, 1
    seen: set[str] = set()
    for entry in entries:
        item_wrong = item_problem(entry, keyring, seen)
        seen.add(entry["item_id"])
        if entry["seq"] != expected:
            problems.append((expected, f"entry {expected} is missing: the chain is broken"))
        elif entry_hash(entry) != entry["entry_hash"]:
            problems.append((entry["seq"], f"{_named(entry)}: the ledger entry was altered"))
        elif entry["prev_hash"] != previous:
            problems.append((entry["seq"], f"{_named(entry)}: the chain is broken (it does not "
                             "follow the entry before it)"))
        elif item_wrong is not None:
            problems.append((entry["seq"], f"{_named(entry)}: the item it chains {item_wrong}"))
        previous, expected = entry["entry_hash"], entry["seq"] + 1
    return problems


def _checkpoint_problems(session: Session, entries: list[dict[str, Any]],
                         checkpoints: list[dict[str, Any]], keyring: Keyring
                         ) -> list[Problem]:
    by_seq = {entry["seq"]: entry for entry in entries}
    last_seq = entries[-1]["seq"] if entries else 0
    problems: list[Problem] = []
    previous: dict[str, Any] = {"n": 0, "seq": 0, "hash": GENESIS_HASH}
    for cp in checkpoints:
        label = f"checkpoint {cp['n']} (entry {cp['seq']})"
        if cp["n"] != previous["n"] + 1:
            first, last = previous["n"] + 1, cp["n"] - 1
            problems.append((previous["seq"] + 1, f"{_span('checkpoint', first, last)} "
                             f"{_are(first, last)} missing: signed heads were deleted"))
        elif not keyring.verify(cp["key_id"], checkpoint_payload(cp), cp["signature"]):
            problems.append((cp["seq"], f"{label} is not signed by any of this service's keys "
                             f"({', '.join(key.key_id for key in keyring.keys)})"))
        elif cp["prev_checkpoint"] != previous["hash"]:
            problems.append((cp["seq"], f"{label} does not follow the checkpoint before it: "
                             "signed heads were removed, reordered or replaced"))
        elif not 0 < cp["seq"] - previous["seq"] <= CHECKPOINT_EVERY:
            problems.append((previous["seq"] + 1, f"{label} is not spaced as the service "
                             f"signs them (after entry {previous['seq']}, at most "
                             f"{CHECKPOINT_EVERY} entries on)"))
        entry = by_seq.get(cp["seq"])
        if entry is None or entry["entry_hash"] != cp["entry_hash"]:
            name = _named(entry) if entry else f"entry {cp['seq']}"
            problems.append((cp["seq"], f"{name}: does not match its signed {label}: the "
                             "ledger was rewritten"))
        previous = {"n": cp["n"], "seq": cp["seq"], "hash": checkpoint_hash(cp)}
    if last_seq > previous["seq"] and previous["n"] == 0:
        problems.append((1, f"no signed head covers {_span('entry', 1, last_seq)}: the "
                         "service's signed heads were deleted, or it never sealed them"))
    elif last_seq > previous["seq"]:
        first = previous["seq"] + 1
        problems.append((first, f"{_span('entry', first, last_seq)} {_are(first, last_seq)} "
                         f"after the last signed head (checkpoint {previous['n']} at entry "
                         f"{previous['seq']}): the service did not seal "
                         f"{'it' if first == last_seq else 'them'}"))
    elif last_seq < previous["seq"]:
        first = last_seq + 1
        problems.append((first, f"{_span('entry', first, previous['seq'])} "
                         f"{_are(first, previous['seq'])} missing: the ledger was cut short "
                         "after its last signed head"))
    head = session.execute(select(HEAD)).mappings().one()
    if head["seq"] != last_seq:
        problems.append((min(head["seq"], last_seq) + 1, f"the ledger head row names entry "
                         f"{head['seq']}, but the chain ends at entry {last_seq}"))
    elif (head["checkpoint_n"], head["checkpoint_hash"]) != (previous["n"], previous["hash"]):
        problems.append((last_seq + 1, "the ledger head row does not name the last signed "
                         f"head (checkpoint {previous['n']})"))
    return problems


def _span(noun: str, first: int, last: int) -> str:
    """ "entry 9" or "entries 9 to 12", for messages about a run of entries or checkpoints."""
    if first == last:
        return f"{noun} {first}"
    plural = "entries" if noun == "entry" else f"{noun}s"
    return f"{plural} {first} to {last}"


def _are(first: int, last: int) -> str:
    return "is" if first == last else "are"


def _record_problems(session: Session, entries: list[dict[str, Any]]) -> list[Problem]:
    """Each record against its latest entry, and each entry against a record."""
    latest = {(e["record_table"], e["record_id"]): e for e in entries}
    problems: list[Problem] = []
    for name, (table, key_column) in ledgered_tables().items():
        for row in session.execute(select(table)).mappings():
            record_id = str(row[key_column])
            entry = latest.pop((name, record_id), None)
            if entry is None:
                problems.append((None, f"{name} row {record_id} has no ledger entry: it was "
                                 "added to the database directly"))
            elif record_hash(name, row) != entry["record_sha256"]:
                problems.append((entry["seq"], f"{_named(entry)}: the record was changed after "
                                 "it was written"))
    for entry in latest.values():
        problems.append((entry["seq"], f"{_named(entry)}: the record was deleted"))
    return problems


def _receipt_problems(session: Session, keyring: Keyring) -> list[Problem]:
    """Every report against the receipt its reporter was given, which the chain does not
    protect and an insider cannot re-sign."""
    problems: list[Problem] = []
    for report in session.scalars(select(Report).execution_options(yield_per=1000)):
        content = {name: getattr(report, name) for name in ReportInput.model_fields}
        if report_content_sha256(content) != report.content_sha256:
            problems.append((None, f"report {report.reference}: what it says differs from what "
                             "the reporter's receipt covers: it was changed after it was filed"))
        elif not verify_receipt(receipt_of(report), keyring):
            problems.append((None, f"report {report.reference}: its receipt's signature does "
                             "not verify: its reference, time or content hash was changed"))
    return problems


def _kept_head_problems(checkpoints: list[dict[str, Any]], kept: SignedHead,
                        keyring: Keyring) -> list[Problem]:
    if not kept.verifies(keyring):
        return [(None, f"the signed head given (checkpoint {kept.n}) is not signed by any of "
                 "this service's keys: it cannot vouch for anything")]
    held = next((cp for cp in checkpoints if cp["n"] == kept.n), None)
    if held is None or SignedHead.from_row(held) != kept:
        return [(kept.seq, f"the ledger no longer holds the signed head you kept (checkpoint "
                 f"{kept.n} at entry {kept.seq}, signed {kept.signed_at}): the database was "
                 "rolled back or rewritten since")]
    return []
