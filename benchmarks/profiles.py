"""All 44 force problem profiles, the national one and the performance framework's national
dashboard, timed (issue 13 item 4).

Usage: .venv/bin/python benchmarks/profiles.py [--scale 1] [--years 5] [--seed 7]
       [--work DIR] [--keep] [--no-pdf]

Generates a synthetic set (`tessera synth`), ingests and links it (as benchmarks/networks.py
does), then in a fresh process, as `tessera profile --all` runs, every profile over the
warehouse's whole span (`run_profiles`: the named SQL for every force at once and the network
communities), puts them through disclosure control together (`release_profiles`: each force,
then England and Wales against all of them) and writes each one's CSVs, HTML and, unless
--no-pdf, its PDF; then in another, as `tessera performance` runs, the performance framework
over the same warehouse (`run_performance`) written out (`write_performance`: the national
dashboard with its funnel plots and control charts, a page per force, the workbooks, after
disclosure control). Each process's peak resident memory is its own. Reports wall and CPU
seconds of each stage (CPU matters: the machine's two cores are shared), the total of both
and the larger peak. Target (issue 13): under 2 minutes within 4 GiB at
`--scale 1 --years 5` on 2 cores.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

PROFILES = r'''
import json, resource, sys, time
from pathlib import Path
from tessera.analysis.profile import NATIONAL, force_codes, run_profiles
from tessera.publish.profile_disclosure import default_profile_register, release_profiles
from tessera.publish.profile_report import write_profile
from tessera.warehouse.engine import Engine

warehouse, out, pdf = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3] == "pdf"
clock = lambda: (time.perf_counter(), time.process_time())
stages = {}
start = clock()
with Engine.open(warehouse, read_only=True) as engine:
    profiles = run_profiles(engine, [*force_codes(), NATIONAL])
queried = clock()
stages["queries"] = (queried[0] - start[0], queried[1] - start[1])
for one in profiles:
    default_profile_register(out, one.force_code, one.period).unlink(missing_ok=True)
a = clock()
released = release_profiles(profiles, registers=lambda code: default_profile_register(
    out, code, profiles[0].period))
b = clock()
hidden = 0
for one, (published, protection) in zip(profiles, released):
    hidden += len(protection.suppressed)
    write_profile(published, out / "profile" / one.force_code, edition="published",
                  provenance="Benchmark.", pdf=pdf)
c = clock()
stages["disclosure"] = (b[0] - a[0], b[1] - a[1])
stages["writing"] = (c[0] - b[0], c[1] - b[1])
end = clock()
stages["total"] = (end[0] - start[0], end[1] - start[1])
print(json.dumps({
    "profiles": len(profiles), "period": profiles[0].period.label, "hidden": hidden,
    "stages": {k: [round(v[0], 1), round(v[1], 1)] for k, v in stages.items()},
    "peak_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)}))
'''

DASHBOARD = r'''
import json, resource, sys, time
from pathlib import Path
from tessera.analysis.performance import run_performance
from tessera.publish.performance_report import write_performance
from tessera.warehouse.engine import Engine

warehouse, out = Path(sys.argv[1]), Path(sys.argv[2])
clock = lambda: (time.perf_counter(), time.process_time())
start = clock()
with Engine.open(warehouse, read_only=True) as engine:
    result = run_performance(engine)
queried = clock()
write_performance(result, out, provenance="Benchmark.")
end = clock()
print(json.dumps({
    "forces": len(result.forces), "measures": len(result.computed),
    "stages": {"measures": [round(queried[0] - start[0], 1), round(queried[1] - start[1], 1)],
               "dashboard": [round(end[0] - queried[0], 1), round(end[1] - queried[1], 1)]},
    "peak_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)}))
'''


def measure(script: str, *args: str) -> dict[str, Any]:
    """Run one measured job in a fresh interpreter and read its JSON figures."""
    done = subprocess.run([sys.executable, "-c", script, *args], capture_output=True,
                          text=True, check=True)
    figures: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return figures


def prepare(work: Path, scale: float, years: int, seed: int) -> Path:
    """Generate, ingest and link a synthetic set under `work` (benchmarks/networks.py's
    `prepare`); the warehouse."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from networks import prepare as prepare_networks

    warehouse, _ = prepare_networks(work, scale, years, seed)
    return warehouse


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--work", type=Path, default=Path("benchmark-profiles"))
    parser.add_argument("--keep", action="store_true",
                        help="Reuse the warehouse already in --work instead of building one.")
    parser.add_argument("--no-pdf", action="store_true", help="HTML and CSV only.")
    args = parser.parse_args()
    warehouse = args.work / "w.duckdb"
    if not (args.keep and warehouse.exists()):
        warehouse = prepare(args.work, args.scale, args.years, args.seed)
    measured = measure(PROFILES, str(warehouse), str(args.work / "out"),
                       "html" if args.no_pdf else "pdf")
    dashboard = measure(DASHBOARD, str(warehouse), str(args.work / "out"))
    print(f"scale {args.scale}, {args.years} year(s), seed {args.seed}: "
          f"{measured['profiles']} profiles over {measured['period']}, "
          f"{measured['hidden']:,} cells shown as [c]"
          f"{'' if args.no_pdf else ', each with a PDF'}; then the performance dashboard of "
          f"{dashboard['measures']} measures for {dashboard['forces']} forces")
    stages = {**{k: v for k, v in measured["stages"].items() if k != "total"},
              **dashboard["stages"]}
    for stage, (wall, cpu) in stages.items():
        print(f"{stage:>10}: {wall:7.1f} s wall, {cpu:7.1f} s CPU")
    print(f"{'total':>10}: {sum(w for w, _ in stages.values()):7.1f} s wall, "
          f"{sum(c for _, c in stages.values()):7.1f} s CPU (target: under 120 s)")
    print(f"peak resident memory: profiles {measured['peak_mib']:,} MiB, dashboard "
          f"{dashboard['peak_mib']:,} MiB (target: within 4,096 MiB)")


if __name__ == "__main__":
    main()
