"""Ingest throughput and peak memory against a plain pandas row-by-row validator.

Usage: .venv/bin/python benchmarks/ingest.py [--scales 1 5] [--work DIR]

For each scale it generates a synthetic national set (`tessera synth`), then, each in its own
process so peak memory (max RSS) is measured cleanly:
  - tessera: `ingest` (validate, pseudonymise, load into a fresh DuckDB file, one batch);
  - peer: pandas reads each file as text and checks the same rules row by row in Python
    (`DataFrame.iterrows`, the plain pandas idiom)
    (required fields, code lists, date formats and order, NHS modulus 11, UPN check letter,
    references to already-checked files). It only validates; it loads nothing, so the
    comparison favours the peer.
It prints rows, seconds, rows per second, peak MiB and the ratio. Target: at least 20 times
the peer's rows per second.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

PEER = r'''
import json, re, resource, sys, time
from pathlib import Path
import pandas as pd
from tessera.dataset import ENTITIES, codelist
from tessera.sources.core_files import entity_for_file, find_extract_files

UPN = "ABCDEFGHJKLMNPQRTUVWXYZ"

def nhs_ok(v):
    if not re.fullmatch(r"[0-9]{10}", v):
        return False
    check = (11 - sum((10 - i) * int(c) for i, c in enumerate(v[:9])) % 11) % 11
    return check != 10 and check == int(v[9])

def upn_ok(v):
    if not re.fullmatch(r"[A-Z][0-9]{11}[0-9A-Z]", v):
        return False
    value = lambda c: int(c) if c.isdigit() else UPN.index(c)
    return UPN[sum(i * value(v[i - 1]) for i in range(2, 14)) % 23] == v[0]

def date_ok(v):
    try:
        pd.Timestamp(v)
        return bool(re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", v))
    except ValueError:
        return False

started = time.perf_counter()
seen = {}
rows = rejected = 0
order = [e.name for e in ENTITIES]
files = sorted(find_extract_files([Path(sys.argv[1])]),
               key=lambda p: order.index(entity_for_file(p).name))
for path in files:
    entity = entity_for_file(path)
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    codes = {f.name: set(codelist(f.codelist).codes) | {a for a, _ in codelist(f.codelist).aliases}
             for f in entity.fields if f.codelist}
    keys = seen.setdefault(entity.name, set())
    for _, record in df.iterrows():
        rows += 1
        errors = []
        for f in entity.fields:
            v = (record.get(f.name) or "").strip()
            if not v:
                if f.required:
                    errors.append((f.name, "required"))
                continue
            if f.kind == "code" and v not in codes[f.name]:
                errors.append((f.name, "code_list"))
            if f.kind == "codes" and any(c.strip() not in codes[f.name] for c in v.split(";")):
                errors.append((f.name, "code_list"))
            if f.kind == "date" and not date_ok(v):
                errors.append((f.name, "date"))
            if f.pattern and not re.fullmatch(f.pattern, v):
                errors.append((f.name, "format"))
            if f.check == "nhs_number" and not nhs_ok(v):
                errors.append((f.name, "nhs_number"))
            if f.check == "upn" and not upn_ok(v):
                errors.append((f.name, "upn"))
            if f.references and (record["agency_code"], v) not in seen.get(f.references, ()):
                errors.append((f.name, "reference"))
        for order_rule in entity.date_orders:
            a, b = record.get(order_rule.earlier), record.get(order_rule.later)
            if a and b and date_ok(a) and date_ok(b) and a > b:
                errors.append((order_rule.later, "date_order"))
        if errors:
            rejected += 1
        else:
            keys.add((record["agency_code"], record[entity.natural_key]))
seconds = time.perf_counter() - started
print(json.dumps({"rows": rows, "rejected": rejected, "seconds": seconds,
                  "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
'''

TESSERA = r'''
import json, resource, sys, time
from pathlib import Path
from tessera.sources.core_files import Delivery
from tessera.warehouse.loading import ingest
from tessera.warehouse.pseudonym import PseudonymKey

started = time.perf_counter()
result = ingest(Delivery.find([Path(sys.argv[1])]), warehouse=Path(sys.argv[2]),
                key=PseudonymKey.from_secret(b"benchmark"), output=Path(sys.argv[3]))
seconds = time.perf_counter() - started
print(json.dumps({"rows": result.rows_in, "rejected": result.rows_rejected,
                  "seconds": seconds,
                  "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
'''


def run(script: str, *args: str) -> dict[str, float]:
    """Run one measured job in a fresh interpreter and read its JSON figures."""
    out = subprocess.run([sys.executable, "-c", script, *args], capture_output=True,
                         text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", type=float, nargs="+", default=[1.0, 5.0])
    parser.add_argument("--work", type=Path, default=Path("/tmp/tessera-bench-ingest"))
    args = parser.parse_args()
    print(f"{'scale':>5} {'job':<8} {'rows':>10} {'rejected':>9} {'seconds':>8} "
          f"{'rows/s':>10} {'peak MiB':>9}")
    for scale in args.scales:
        folder = args.work / f"scale-{scale:g}"
        if not (folder / "extracts").exists():
            subprocess.run([sys.executable, "-m", "tessera", "synth", "--out", str(folder),
                            "--scale", str(scale), "--seed", "7"], check=True,
                           capture_output=True)
        warehouse = folder / "bench.duckdb"
        for stale in (warehouse, Path(str(warehouse) + ".wal")):
            stale.unlink(missing_ok=True)
        ours = run(TESSERA, str(folder / "extracts"), str(warehouse), str(folder / "out"))
        peer = run(PEER, str(folder / "extracts"))
        for job, figures in (("tessera", ours), ("pandas", peer)):
            print(f"{scale:>5g} {job:<8} {figures['rows']:>10,.0f} {figures['rejected']:>9,.0f} "
                  f"{figures['seconds']:>8.1f} {figures['rows'] / figures['seconds']:>10,.0f} "
                  f"{figures['peak_mib']:>9,.0f}")
        ratio = (ours["rows"] / ours["seconds"]) / (peer["rows"] / peer["seconds"])
        print(f"{scale:>5g} ratio    tessera rows/s = {ratio:.1f} x pandas row-by-row "
              f"(target >= 20)")


if __name__ == "__main__":
    main()
