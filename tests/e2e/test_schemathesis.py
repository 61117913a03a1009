"""The JSON API against its own OpenAPI document, by Schemathesis, on both backends.

A real `tessera serve` on a free port over a fresh store (a SQLite file, or a PostgreSQL
schema of its own), a reporter and a token made with the CLI as an administrator would, then
`st run` with every check on: no server error, every answer documented and as its schema
says, schema-valid reports accepted and invalid ones refused, auth not ignored, wrong methods
refused. Seeded, and bounded in examples and time, so a run takes about a minute a backend.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.casework.backends import BACKENDS, empty_store
from tests.casework.populate import PASSWORD
from tests.served import running, settings

CONFIG = Path(__file__).with_name("schemathesis.toml")
SEED = 2026
MAX_EXAMPLES = 100
MAX_SECONDS = 60


def _tessera(*args: str, env: dict[str, str]) -> str:
    done = subprocess.run([sys.executable, "-m", "tessera", *args], env=env, text=True,
                          capture_output=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture(params=BACKENDS)
def served(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory,
           tmp_path: Path) -> Iterator[tuple[str, str]]:
    """`tessera serve` on a fresh store with one reporter: its base URL and a token."""
    with empty_store(request.param, tmp_path_factory, "schemathesis") as url:
        env = settings(url, tmp_path)
        (tmp_path / "password").write_text(PASSWORD, encoding="utf-8")
        _tessera("users", "add", "teacher", "--role", "reporter", "--name", "Tom Teacher",
                 "--organisation", "Hartlepool Primary", "--password-file",
                 str(tmp_path / "password"), env=env)
        token = _tessera("users", "token", "teacher", env=env).strip()
        with running(env) as service:
            yield service.base, token


@pytest.mark.slow
def test_the_api_keeps_to_its_openapi_document(served: tuple[str, str],
                                               tmp_path: Path) -> None:
    """Every Schemathesis check passes: no 5xx, no answer outside the document."""
    base, token = served
    st = Path(sys.executable).with_name("st")
    run = subprocess.run(
        [str(st), "--config-file", str(CONFIG), "--no-color", "run", f"{base}/openapi.json",
         "--checks", "all", "--seed", str(SEED), "--max-examples", str(MAX_EXAMPLES),
         "--max-time", str(MAX_SECONDS), "--workers", "1", "--request-timeout", "10",
         "--header", f"Authorization: Bearer {token}", "--report-dir", str(tmp_path)],
        text=True, capture_output=True, timeout=MAX_SECONDS * 3, check=False,
        cwd=tmp_path)  # st keeps a cache of crashes in its working folder
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-2000:]
    generated = re.search(r"Test cases:\s+(\d+) generated", run.stdout)
    assert generated and int(generated.group(1)) > MAX_EXAMPLES, run.stdout[-2000:]
