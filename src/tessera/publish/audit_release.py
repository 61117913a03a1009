"""One published release of the national audit: disclosure control against everything released
earlier for the period, then the release recorded in the register.

Why the register is written before the outputs: if writing the report failed after the
register was saved, a later run would protect against figures nobody saw (safe); the other way
round, figures would be out that a later run could be differenced against (not safe).
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from tessera.analysis.audit import AuditResult
from tessera.publish.audit_disclosure import disclose_audit
from tessera.publish.disclosure import DisclosureRule, Protection
from tessera.publish.register import load_register, save_register


def default_register(output: Path, period: str) -> Path:
    """Where the period's register lives unless told: beside the outputs, in `restricted/`,
    apart from what is published (the register holds true values)."""
    return output / "restricted" / f"register-{period}.json"


def release_audit(result: AuditResult, *, register: Path, period: str,
                  release: str | None = None, rule: DisclosureRule | None = None
                  ) -> tuple[AuditResult, Protection]:
    """The audit as the public may see it, protected against the register's earlier releases
    of `period`, and recorded in the register as `release` (default: "audit" and the time)."""
    earlier = load_register(register, period)
    published, protection = disclose_audit(result, rule, earlier)
    name = release or f"audit {datetime.now().isoformat(timespec='microseconds')}"
    save_register(earlier.record(name, protection.cells, protection.relations), register)
    return published, protection
