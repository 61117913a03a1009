#!/usr/bin/env bash
# Runs the DfE CIN census validator (csc-validator-be-cin) on one XML return and prints its
# issues. The validator pins pandas<2, so it lives in its own virtual environment (.venv-cin)
# rather than Tessera's. Always exits 0 when the validator ran: the issues are the output.
# Usage: scripts/cin-validator.sh FILE.xml [RULESET]   (RULESET defaults to cin2024_25)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
VENV="${CIN_VALIDATOR_VENV:-$ROOT/.venv-cin}"
if [[ $# -lt 1 ]]; then
    echo "usage: $0 FILE.xml [RULESET]" >&2
    exit 2
fi
FILE="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
RULESET="${2:-cin2024_25}"
if [[ ! -x "$VENV/bin/python" ]] || ! "$VENV/bin/python" -c "import cin_validator" 2>/dev/null; then
    python3.11 -m venv "$VENV"
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check \
        csc-validator-be-cin "numpy<2" >&2
fi
# The Python API (not the CLI) is used because the CLI leaves out whole-return failures.
"$VENV/bin/python" - "$FILE" "$RULESET" <<'PY'
import contextlib
import importlib
import sys
import xml.etree.ElementTree as ET

from cin_validator.cin_validator import CinValidator, convert_data, process_data

path, ruleset = sys.argv[1], sys.argv[2]
registry = importlib.import_module(f"cin_validator.rules.{ruleset}").registry
# Rules that crash print a line to stdout; keep stdout for the issues alone.
with contextlib.redirect_stdout(sys.stderr):
    data = process_data(convert_data(ET.parse(path).getroot()))
    validator = CinValidator(data, registry)
# One tab-separated line per issue: level, rule code, child id, table, columns, message.
for issue in validator.full_issue_df.itertuples():
    print("child", issue.rule_code, issue.child_id, issue.tables_affected,
          issue.columns_affected, issue.rule_description, sep="\t")
for issue in validator.multichild_issues.itertuples():
    print("return", issue.rule_code, "", "", "", issue.rule_description, sep="\t")
PY
